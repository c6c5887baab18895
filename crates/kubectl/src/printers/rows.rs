//! The columns and cells the API server's table printers produce for each kind
//! (`pkg/printers/internalversion/printers.go`).

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, Endpoints, Event, Namespace, Node, PersistentVolume,
    PersistentVolumeClaim, Pod, PodTemplateSpec, Service, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, Time};
use kubeplay_model::intstr;
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::format_label_selector;
use kubeplay_model::{Kind, Object};

use crate::text::duration::human_duration;

/// What rows depend on besides the object.
pub struct RowContext {
    pub now: Timestamp,
    pub wide: bool,
}

impl RowContext {
    fn age(&self, time: Option<&Time>) -> String {
        match time {
            Some(time) => human_duration(
                self.now
                    .as_millisecond()
                    .saturating_sub(time.0.as_millisecond()),
            ),
            None => "<unknown>".into(),
        }
    }

    fn created(&self, meta: &ObjectMeta) -> String {
        self.age(meta.creation_timestamp.as_ref())
    }
}

/// Headers for a kind (wide adds the priority-1 columns).
pub fn headers(kind: Kind, wide: bool) -> Vec<String> {
    let (normal, extra): (&[&str], &[&str]) = match kind {
        Kind::Pod => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        Kind::Deployment => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::ReplicaSet => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::StatefulSet => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        Kind::DaemonSet => (
            &[
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::Job => (
            &["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::CronJob => (
            &[
                "NAME",
                "SCHEDULE",
                "TIMEZONE",
                "SUSPEND",
                "ACTIVE",
                "LAST SCHEDULE",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::Node => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        Kind::Namespace => (&["NAME", "STATUS", "AGE"], &[]),
        Kind::Service => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        Kind::Endpoints => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        Kind::Event => (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &[]),
        Kind::ConfigMap => (&["NAME", "DATA", "AGE"], &[]),
        Kind::ServiceAccount => (&["NAME", "SECRETS", "AGE"], &[]),
        Kind::PersistentVolumeClaim => (
            &[
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::PersistentVolume => (
            &[
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::StorageClass => (
            &[
                "NAME",
                "PROVISIONER",
                "RECLAIMPOLICY",
                "VOLUMEBINDINGMODE",
                "ALLOWVOLUMEEXPANSION",
                "AGE",
            ],
            &[],
        ),
        Kind::ControllerRevision => (&["NAME", "CONTROLLER", "REVISION", "AGE"], &[]),
        Kind::PodDisruptionBudget => (
            &[
                "NAME",
                "MIN AVAILABLE",
                "MAX UNAVAILABLE",
                "ALLOWED DISRUPTIONS",
                "AGE",
            ],
            &[],
        ),
    };
    let mut headers: Vec<String> = normal.iter().map(|h| (*h).to_string()).collect();
    if wide {
        if kind == Kind::Event {
            return [
                "LAST SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "SUBOBJECT",
                "SOURCE",
                "MESSAGE",
                "FIRST SEEN",
                "COUNT",
                "NAME",
            ]
            .iter()
            .map(|h| (*h).to_string())
            .collect();
        }
        headers.extend(extra.iter().map(|h| (*h).to_string()));
    }
    headers
}

/// The cells of one object's row, in header order. The first cell is the name.
pub fn row(object: &Object, ctx: &RowContext) -> Vec<String> {
    let mut cells = match object {
        Object::Pod(o) => pod_row(o, ctx),
        Object::Deployment(o) => deployment_row(o, ctx),
        Object::ReplicaSet(o) => replica_set_row(o, ctx),
        Object::StatefulSet(o) => stateful_set_row(o, ctx),
        Object::DaemonSet(o) => daemon_set_row(o, ctx),
        Object::Job(o) => job_row(o, ctx),
        Object::CronJob(o) => cron_job_row(o, ctx),
        Object::Node(o) => node_row(o, ctx),
        Object::Namespace(o) => namespace_row(o, ctx),
        Object::Service(o) => service_row(o, ctx),
        Object::Endpoints(o) => endpoints_row(o, ctx),
        Object::Event(o) => return event_row(o, ctx),
        Object::ConfigMap(o) => config_map_row(o, ctx),
        Object::ServiceAccount(o) => service_account_row(o, ctx),
        Object::PersistentVolumeClaim(o) => pvc_row(o, ctx),
        Object::PersistentVolume(o) => pv_row(o, ctx),
        Object::StorageClass(o) => storage_class_row(o, ctx),
        Object::ControllerRevision(o) => controller_revision_row(o, ctx),
        Object::PodDisruptionBudget(o) => pdb_row(o, ctx),
    };
    cells.insert(0, object.name().to_string());
    cells
}

fn containers_images(template: Option<&PodTemplateSpec>) -> (String, String) {
    let containers: Vec<&Container> = template
        .and_then(|t| t.spec.as_ref())
        .map(|s| s.containers.iter().collect())
        .unwrap_or_default();
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers
        .iter()
        .map(|c| c.image.as_deref().unwrap_or_default())
        .collect();
    (names.join(","), images.join(","))
}

fn wide_workload(
    ctx: &RowContext,
    template: Option<&PodTemplateSpec>,
    selector: Option<&LabelSelector>,
    cells: &mut Vec<String>,
) {
    if ctx.wide {
        let (containers, images) = containers_images(template);
        cells.push(containers);
        cells.push(images);
        cells.push(format_label_selector(selector));
    }
}

/// READY, STATUS and RESTARTS as `printPod` derives them.
pub fn pod_status(pod: &Pod, now: Timestamp) -> (String, String, String) {
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    let init_containers = spec.init_containers.clone().unwrap_or_default();
    // Sidecars (init containers that restart always) count among the pod's containers.
    let sidecar = |name: &str| {
        init_containers
            .iter()
            .any(|c| c.name == name && c.restart_policy.as_deref() == Some("Always"))
    };
    let total = spec.containers.len()
        + init_containers
            .iter()
            .filter(|c| c.restart_policy.as_deref() == Some("Always"))
            .count();
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<Timestamp> = None;
    let mut sidecar_restarts = 0;
    let mut last_sidecar_restart: Option<Timestamp> = None;
    let mut reason = status
        .reason
        .clone()
        .or(status.phase.clone())
        .unwrap_or_else(|| "Pending".into());
    let mut initializing = false;
    let init_count = init_containers.len();
    let finished_at = |container: &k8s_openapi::api::core::v1::ContainerStatus| {
        container
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.finished_at.as_ref())
            .map(|t| t.0)
    };
    for (index, container) in status.init_container_statuses.iter().flatten().enumerate() {
        restarts += container.restart_count;
        if let Some(finished) = finished_at(container) {
            last_restart = Some(last_restart.map_or(finished, |l| l.max(finished)));
        }
        let is_sidecar = sidecar(&container.name);
        if is_sidecar {
            sidecar_restarts += container.restart_count;
            if let Some(finished) = finished_at(container) {
                last_sidecar_restart =
                    Some(last_sidecar_restart.map_or(finished, |l| l.max(finished)));
            }
        }
        let state = container.state.clone().unwrap_or_default();
        if let Some(terminated) = &state.terminated
            && terminated.exit_code == 0
        {
            continue;
        }
        if is_sidecar && container.started == Some(true) {
            if container.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(terminated) = &state.terminated {
            reason = match &terminated.reason {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ if terminated.signal.is_some_and(|s| s != 0) => {
                    format!("Init:Signal:{}", terminated.signal.unwrap_or(0))
                }
                _ => format!("Init:ExitCode:{}", terminated.exit_code),
            };
            initializing = true;
        } else if let Some(waiting) = state.waiting.as_ref().filter(|w| {
            w.reason
                .as_deref()
                .is_some_and(|r| !r.is_empty() && r != "PodInitializing")
        }) {
            reason = format!("Init:{}", waiting.reason.clone().unwrap_or_default());
            initializing = true;
        } else {
            reason = format!("Init:{index}/{init_count}");
            initializing = true;
        }
        break;
    }
    let initialized = status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "Initialized" && c.status == "True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for container in status.container_statuses.iter().flatten().rev() {
            restarts += container.restart_count;
            if let Some(finished) = container
                .last_state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.finished_at.as_ref())
            {
                last_restart = Some(last_restart.map_or(finished.0, |l| l.max(finished.0)));
            }
            let state = container.state.clone().unwrap_or_default();
            if let Some(waiting) = state
                .waiting
                .as_ref()
                .and_then(|w| w.reason.clone())
                .filter(|r| !r.is_empty())
            {
                reason = waiting;
            } else if let Some(terminated) = &state.terminated {
                reason = match &terminated.reason {
                    Some(r) if !r.is_empty() => r.clone(),
                    _ if terminated.signal.is_some_and(|s| s != 0) => {
                        format!("Signal:{}", terminated.signal.unwrap_or(0))
                    }
                    _ => format!("ExitCode:{}", terminated.exit_code),
                };
            } else if container.ready && state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = status
                .conditions
                .iter()
                .flatten()
                .any(|c| c.type_ == "Ready" && c.status == "True");
            reason = if pod_ready {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    if pod.metadata.deletion_timestamp.is_some() {
        if status.reason.as_deref() == Some("NodeLost") {
            reason = "Unknown".into();
        } else if !matches!(status.phase.as_deref(), Some("Succeeded" | "Failed")) {
            reason = "Terminating".into();
        }
    }
    let restarts_cell = match last_restart {
        Some(at) if restarts > 0 => format!(
            "{restarts} ({} ago)",
            human_duration(now.as_millisecond().saturating_sub(at.as_millisecond()))
        ),
        _ => restarts.to_string(),
    };
    (format!("{ready}/{total}"), reason, restarts_cell)
}

fn pod_row(pod: &Pod, ctx: &RowContext) -> Vec<String> {
    let (ready, status, restarts) = pod_status(pod, ctx.now);
    let mut cells = vec![ready, status, restarts, ctx.created(&pod.metadata)];
    if ctx.wide {
        let status = pod.status.as_ref();
        cells.push(
            status
                .and_then(|s| s.pod_ip.clone())
                .unwrap_or_else(|| "<none>".into()),
        );
        cells.push(
            pod.spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .unwrap_or_else(|| "<none>".into()),
        );
        cells.push(
            status
                .and_then(|s| s.nominated_node_name.clone())
                .unwrap_or_else(|| "<none>".into()),
        );
        cells.push("<none>".into());
    }
    cells
}

fn deployment_row(d: &Deployment, ctx: &RowContext) -> Vec<String> {
    let spec = d.spec.as_ref();
    let status = d.status.clone().unwrap_or_default();
    let mut cells = vec![
        format!(
            "{}/{}",
            status.ready_replicas.unwrap_or(0),
            spec.and_then(|s| s.replicas).unwrap_or(0)
        ),
        status.updated_replicas.unwrap_or(0).to_string(),
        status.available_replicas.unwrap_or(0).to_string(),
        ctx.created(&d.metadata),
    ];
    wide_workload(
        ctx,
        spec.map(|s| &s.template),
        spec.map(|s| &s.selector),
        &mut cells,
    );
    cells
}

fn replica_set_row(rs: &ReplicaSet, ctx: &RowContext) -> Vec<String> {
    let spec = rs.spec.as_ref();
    let status = rs.status.clone().unwrap_or_default();
    let mut cells = vec![
        spec.and_then(|s| s.replicas).unwrap_or(0).to_string(),
        status.replicas.to_string(),
        status.ready_replicas.unwrap_or(0).to_string(),
        ctx.created(&rs.metadata),
    ];
    wide_workload(
        ctx,
        spec.and_then(|s| s.template.as_ref()),
        spec.map(|s| &s.selector),
        &mut cells,
    );
    cells
}

fn stateful_set_row(sts: &StatefulSet, ctx: &RowContext) -> Vec<String> {
    let spec = sts.spec.as_ref();
    let status = sts.status.clone().unwrap_or_default();
    let mut cells = vec![
        format!(
            "{}/{}",
            status.ready_replicas.unwrap_or(0),
            spec.and_then(|s| s.replicas).unwrap_or(0)
        ),
        ctx.created(&sts.metadata),
    ];
    if ctx.wide {
        let (containers, images) = containers_images(spec.map(|s| &s.template));
        cells.push(containers);
        cells.push(images);
    }
    cells
}

fn daemon_set_row(ds: &DaemonSet, ctx: &RowContext) -> Vec<String> {
    let spec = ds.spec.as_ref();
    let status = ds.status.clone().unwrap_or_default();
    let node_selector = spec
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| s.node_selector.as_ref())
        .filter(|m| !m.is_empty())
        .map_or("<none>".to_string(), |m| {
            m.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        });
    let mut cells = vec![
        status.desired_number_scheduled.to_string(),
        status.current_number_scheduled.to_string(),
        status.number_ready.to_string(),
        status.updated_number_scheduled.unwrap_or(0).to_string(),
        status.number_available.unwrap_or(0).to_string(),
        node_selector,
        ctx.created(&ds.metadata),
    ];
    wide_workload(
        ctx,
        spec.map(|s| &s.template),
        spec.map(|s| &s.selector),
        &mut cells,
    );
    cells
}

/// The Job STATUS column (new in 1.30).
pub fn job_status(job: &Job) -> &'static str {
    let conditions: Vec<(&str, &str)> = job
        .status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .map(|c| (c.type_.as_str(), c.status.as_str()))
        .collect();
    let has = |t: &str| conditions.iter().any(|(ty, st)| *ty == t && *st == "True");
    if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if job.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    }
}

fn job_row(job: &Job, ctx: &RowContext) -> Vec<String> {
    let spec = job.spec.as_ref();
    let status = job.status.clone().unwrap_or_default();
    let succeeded = status.succeeded.unwrap_or(0);
    let completions = match spec.and_then(|s| s.completions) {
        Some(completions) => format!("{succeeded}/{completions}"),
        None => match spec.and_then(|s| s.parallelism).filter(|p| *p > 1) {
            Some(parallelism) => format!("{succeeded}/1 of {parallelism}"),
            None => format!("{succeeded}/1"),
        },
    };
    let duration = match (&status.start_time, &status.completion_time) {
        (None, _) => String::new(),
        (Some(start), None) => ctx.age(Some(start)),
        (Some(start), Some(end)) => human_duration(
            end.0
                .as_millisecond()
                .saturating_sub(start.0.as_millisecond()),
        ),
    };
    let mut cells = vec![
        job_status(job).to_string(),
        completions,
        duration,
        ctx.created(&job.metadata),
    ];
    wide_workload(
        ctx,
        spec.map(|s| &s.template),
        spec.and_then(|s| s.selector.as_ref()),
        &mut cells,
    );
    cells
}

fn cron_job_row(cj: &CronJob, ctx: &RowContext) -> Vec<String> {
    let spec = cj.spec.as_ref();
    let status = cj.status.clone().unwrap_or_default();
    let suspend = match spec.and_then(|s| s.suspend) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    let mut cells = vec![
        spec.map(|s| s.schedule.clone()).unwrap_or_default(),
        spec.and_then(|s| s.time_zone.clone())
            .unwrap_or_else(|| "<none>".into()),
        suspend.into(),
        status.active.as_ref().map_or(0, Vec::len).to_string(),
        status
            .last_schedule_time
            .as_ref()
            .map_or("<none>".into(), |t| ctx.age(Some(t))),
        ctx.created(&cj.metadata),
    ];
    if ctx.wide {
        let template = spec.and_then(|s| s.job_template.spec.as_ref());
        let (containers, images) = containers_images(template.map(|s| &s.template));
        cells.push(containers);
        cells.push(images);
        cells.push(format_label_selector(
            template.and_then(|s| s.selector.as_ref()),
        ));
    }
    cells
}

/// Node STATUS: Ready/NotReady/Unknown, plus `,SchedulingDisabled` when cordoned.
pub fn node_status(node: &Node) -> String {
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"));
    let mut status = match ready.map(|c| c.status.as_str()) {
        Some("True") => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
    {
        status.push_str(",SchedulingDisabled");
    }
    status
}

pub fn node_roles(node: &Node) -> String {
    let mut roles: Vec<String> = node
        .metadata
        .labels
        .iter()
        .flatten()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) if !role.is_empty() => Some(role.to_string()),
            _ if k == "kubernetes.io/role" && !v.is_empty() => Some(v.clone()),
            _ => None,
        })
        .collect();
    roles.sort();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}

fn node_row(node: &Node, ctx: &RowContext) -> Vec<String> {
    let info = node
        .status
        .as_ref()
        .and_then(|s| s.node_info.clone())
        .unwrap_or_default();
    let mut cells = vec![
        node_status(node),
        node_roles(node),
        ctx.created(&node.metadata),
        info.kubelet_version.clone(),
    ];
    if ctx.wide {
        let address = |kind: &str| {
            node.status
                .as_ref()
                .and_then(|s| s.addresses.as_ref())
                .and_then(|a| a.iter().find(|a| a.type_ == kind))
                .map_or("<none>".into(), |a| a.address.clone())
        };
        let or_unknown = |s: &str| {
            if s.is_empty() {
                "<unknown>".to_string()
            } else {
                s.to_string()
            }
        };
        cells.extend([
            address("InternalIP"),
            address("ExternalIP"),
            or_unknown(&info.os_image),
            or_unknown(&info.kernel_version),
            or_unknown(&info.container_runtime_version),
        ]);
    }
    cells
}

fn namespace_row(ns: &Namespace, ctx: &RowContext) -> Vec<String> {
    vec![
        ns.status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default(),
        ctx.created(&ns.metadata),
    ]
}

fn service_row(svc: &Service, ctx: &RowContext) -> Vec<String> {
    let spec = svc.spec.clone().unwrap_or_default();
    let service_type = spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
    let cluster_ip = spec
        .cluster_ips
        .as_ref()
        .and_then(|ips| ips.first().cloned())
        .or(spec.cluster_ip.clone())
        .unwrap_or_else(|| "<none>".into());
    let external = match service_type.as_str() {
        "LoadBalancer" => {
            let ingress: Vec<String> = svc
                .status
                .iter()
                .flat_map(|s| s.load_balancer.iter())
                .flat_map(|lb| lb.ingress.iter().flatten())
                .filter_map(|i| i.ip.clone().or(i.hostname.clone()))
                .collect();
            if ingress.is_empty() {
                "<pending>".into()
            } else {
                ingress.join(",")
            }
        }
        "ExternalName" => spec.external_name.clone().unwrap_or_default(),
        _ => spec
            .external_ips
            .as_ref()
            .filter(|ips| !ips.is_empty())
            .map_or("<none>".into(), |ips| ips.join(",")),
    };
    let ports: Vec<String> = spec
        .ports
        .iter()
        .flatten()
        .map(|p| {
            let protocol = p.protocol.clone().unwrap_or_else(|| "TCP".into());
            match p.node_port {
                Some(node_port) => format!("{}:{node_port}/{protocol}", p.port),
                None => format!("{}/{protocol}", p.port),
            }
        })
        .collect();
    let mut cells = vec![
        service_type,
        cluster_ip,
        external,
        if ports.is_empty() {
            "<none>".into()
        } else {
            ports.join(",")
        },
        ctx.created(&svc.metadata),
    ];
    if ctx.wide {
        let selector =
            spec.selector
                .as_ref()
                .filter(|s| !s.is_empty())
                .map_or("<none>".into(), |s| {
                    s.iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(",")
                });
        cells.push(selector);
    }
    cells
}

/// `formatEndpoints`: per subset, each port with every ready address (port-major order).
fn endpoints_row(ep: &Endpoints, ctx: &RowContext) -> Vec<String> {
    let mut addresses = Vec::new();
    for subset in ep.subsets.iter().flatten() {
        let ready = subset.addresses.iter().flatten();
        match subset.ports.as_deref() {
            None | Some([]) => addresses.extend(ready.map(|a| a.ip.clone())),
            Some(ports) => {
                for port in ports {
                    for address in ready.clone() {
                        addresses.push(format!("{}:{}", address.ip, port.port));
                    }
                }
            }
        }
    }
    let text = match addresses.len() {
        0 => "<none>".to_string(),
        n if n <= 3 => addresses.join(","),
        n => format!("{} + {} more...", addresses[..3].join(","), n - 3),
    };
    vec![text, ctx.created(&ep.metadata)]
}

fn event_row(event: &Event, ctx: &RowContext) -> Vec<String> {
    let last = event
        .last_timestamp
        .as_ref()
        .or(event.first_timestamp.as_ref());
    let object = format!(
        "{}/{}",
        event
            .involved_object
            .kind
            .clone()
            .unwrap_or_default()
            .to_ascii_lowercase(),
        event.involved_object.name.clone().unwrap_or_default()
    );
    let message = event.message.clone().unwrap_or_default().trim().to_string();
    if ctx.wide {
        let source =
            event
                .source
                .as_ref()
                .map_or(String::new(), |s| match (&s.component, &s.host) {
                    (Some(c), Some(h)) => format!("{c}, {h}"),
                    (Some(c), None) => c.clone(),
                    _ => String::new(),
                });
        return vec![
            ctx.age(last),
            event.type_.clone().unwrap_or_default(),
            event.reason.clone().unwrap_or_default(),
            object,
            event.involved_object.field_path.clone().unwrap_or_default(),
            source,
            message,
            ctx.age(event.first_timestamp.as_ref()),
            event.count.unwrap_or(1).to_string(),
            event.metadata.name_str().to_string(),
        ];
    }
    vec![
        ctx.age(last),
        event.type_.clone().unwrap_or_default(),
        event.reason.clone().unwrap_or_default(),
        object,
        message,
    ]
}

fn config_map_row(cm: &ConfigMap, ctx: &RowContext) -> Vec<String> {
    let count =
        cm.data.as_ref().map_or(0, |d| d.len()) + cm.binary_data.as_ref().map_or(0, |d| d.len());
    vec![count.to_string(), ctx.created(&cm.metadata)]
}

fn service_account_row(sa: &ServiceAccount, ctx: &RowContext) -> Vec<String> {
    vec![
        sa.secrets.as_ref().map_or(0, Vec::len).to_string(),
        ctx.created(&sa.metadata),
    ]
}

fn access_modes(modes: Option<&Vec<String>>) -> String {
    modes
        .into_iter()
        .flatten()
        .map(|m| match m.as_str() {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn pvc_row(pvc: &PersistentVolumeClaim, ctx: &RowContext) -> Vec<String> {
    let spec = pvc.spec.clone().unwrap_or_default();
    let status = pvc.status.clone().unwrap_or_default();
    let phase = if pvc.metadata.deletion_timestamp.is_some() {
        "Terminating".into()
    } else {
        status.phase.clone().unwrap_or_default()
    };
    let bound = spec.volume_name.is_some();
    let capacity = if bound {
        status
            .capacity
            .as_ref()
            .and_then(|c| c.get("storage"))
            .map(|q| q.0.clone())
            .unwrap_or_default()
    } else {
        String::new()
    };
    let modes = if bound {
        access_modes(status.access_modes.as_ref())
    } else {
        String::new()
    };
    let mut cells = vec![
        phase,
        spec.volume_name.clone().unwrap_or_default(),
        capacity,
        modes,
        spec.storage_class_name.clone().unwrap_or_default(),
        spec.volume_attributes_class_name
            .clone()
            .unwrap_or_else(|| "<unset>".into()),
        ctx.created(&pvc.metadata),
    ];
    if ctx.wide {
        cells.push(
            spec.volume_mode
                .clone()
                .unwrap_or_else(|| "Filesystem".into()),
        );
    }
    cells
}

fn pv_row(pv: &PersistentVolume, ctx: &RowContext) -> Vec<String> {
    let spec = pv.spec.clone().unwrap_or_default();
    let claim = spec.claim_ref.as_ref().map_or(String::new(), |c| {
        format!(
            "{}/{}",
            c.namespace.clone().unwrap_or_default(),
            c.name.clone().unwrap_or_default()
        )
    });
    let mut cells = vec![
        spec.capacity
            .as_ref()
            .and_then(|c| c.get("storage"))
            .map(|q| q.0.clone())
            .unwrap_or_default(),
        access_modes(spec.access_modes.as_ref()),
        spec.persistent_volume_reclaim_policy
            .clone()
            .unwrap_or_default(),
        pv.status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default(),
        claim,
        spec.storage_class_name.clone().unwrap_or_default(),
        spec.volume_attributes_class_name
            .clone()
            .unwrap_or_else(|| "<unset>".into()),
        pv.status
            .as_ref()
            .and_then(|s| s.reason.clone())
            .unwrap_or_default(),
        ctx.created(&pv.metadata),
    ];
    if ctx.wide {
        cells.push(
            spec.volume_mode
                .clone()
                .unwrap_or_else(|| "Filesystem".into()),
        );
    }
    cells
}

fn storage_class_row(sc: &StorageClass, ctx: &RowContext) -> Vec<String> {
    vec![
        sc.provisioner.clone(),
        sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
        sc.volume_binding_mode
            .clone()
            .unwrap_or_else(|| "Immediate".into()),
        sc.allow_volume_expansion.unwrap_or(false).to_string(),
        ctx.created(&sc.metadata),
    ]
}

fn controller_revision_row(cr: &ControllerRevision, ctx: &RowContext) -> Vec<String> {
    let controller = cr.metadata.controller_ref().map_or("<none>".into(), |o| {
        format!(
            "{}.{}/{}",
            o.kind.to_ascii_lowercase(),
            o.api_version.split('/').next().unwrap_or(""),
            o.name
        )
    });
    vec![
        controller,
        cr.revision.to_string(),
        ctx.created(&cr.metadata),
    ]
}

fn pdb_row(pdb: &PodDisruptionBudget, ctx: &RowContext) -> Vec<String> {
    let spec = pdb.spec.clone().unwrap_or_default();
    vec![
        spec.min_available
            .as_ref()
            .map_or("N/A".into(), intstr::display),
        spec.max_unavailable
            .as_ref()
            .map_or("N/A".into(), intstr::display),
        pdb.status
            .as_ref()
            .map_or(0, |s| s.disruptions_allowed)
            .to_string(),
        ctx.created(&pdb.metadata),
    ]
}

#[cfg(test)]
mod tests {
    use super::job_status;
    use k8s_openapi::api::batch::v1::{Job, JobCondition, JobStatus};

    fn job_with(conditions: &[(&str, &str)]) -> Job {
        Job {
            status: Some(JobStatus {
                conditions: Some(
                    conditions
                        .iter()
                        .map(|(type_, status)| JobCondition {
                            type_: (*type_).into(),
                            status: (*status).into(),
                            ..JobCondition::default()
                        })
                        .collect(),
                ),
                ..JobStatus::default()
            }),
            ..Job::default()
        }
    }

    /// `printJob`: Complete, Failed, Terminating, Suspended, FailureTarget, else Running.
    #[test]
    fn job_status_column_follows_print_job_precedence() {
        assert_eq!(job_status(&job_with(&[])), "Running");
        assert_eq!(
            job_status(&job_with(&[("FailureTarget", "True")])),
            "FailureTarget"
        );
        assert_eq!(
            job_status(&job_with(&[("FailureTarget", "True"), ("Failed", "True")])),
            "Failed"
        );
        assert_eq!(
            job_status(&job_with(&[
                ("Suspended", "True"),
                ("FailureTarget", "True")
            ])),
            "Suspended"
        );
        assert_eq!(
            job_status(&job_with(&[
                ("SuccessCriteriaMet", "True"),
                ("Complete", "True")
            ])),
            "Complete"
        );
        assert_eq!(job_status(&job_with(&[("Suspended", "False")])), "Running");
    }
}
