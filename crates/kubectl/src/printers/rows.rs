//! The columns and cells the API server's table printers produce for each kind
//! (`pkg/printers/internalversion/printers.go`).

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, Endpoints, Namespace, Node, PersistentVolume, PersistentVolumeClaim,
    PodTemplateSpec, ReplicationController, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, Time};
use kubeplay_model::intstr;
use kubeplay_model::object::{MetaExt, Typed};
use kubeplay_model::selector::format_label_selector;
use kubeplay_model::{Event, Kind, Object, Pod};

use super::table::Table;
use crate::text::duration::human_duration;
use crate::text::labels::format_labels;

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

/// One column of a kind's table, as the server's `TableColumnDefinition`: priority 0 always
/// shows, priority 1 only with `-o wide`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub priority: u8,
}

const fn col(name: &'static str) -> Column {
    Column { name, priority: 0 }
}

const fn wide(name: &'static str) -> Column {
    Column { name, priority: 1 }
}

/// One kind's printer: its columns declared beside the function that fills every one of them,
/// in column order (`printers.go` registers each printer with its column definitions). Adding
/// a column is one entry here and one cell there.
struct Printer<T> {
    columns: &'static [Column],
    cells: fn(&T, &RowContext) -> Vec<String>,
}

/// A printer with its object type erased, so one table maps every kind to its printer.
trait KindPrinter {
    fn columns(&self) -> &'static [Column];
    /// All cells, wide ones included; None if the object is of another kind.
    fn cells(&self, object: &Object, ctx: &RowContext) -> Option<Vec<String>>;
}

impl<T: Typed> KindPrinter for Printer<T> {
    fn columns(&self) -> &'static [Column] {
        self.columns
    }

    fn cells(&self, object: &Object, ctx: &RowContext) -> Option<Vec<String>> {
        T::from_object(object).map(|typed| (self.cells)(typed, ctx))
    }
}

/// The printer of each kind.
fn printer(kind: Kind) -> &'static dyn KindPrinter {
    match kind {
        Kind::Pod => &POD,
        Kind::Deployment => &DEPLOYMENT,
        Kind::ReplicaSet => &REPLICA_SET,
        Kind::ReplicationController => &REPLICATION_CONTROLLER,
        Kind::StatefulSet => &STATEFUL_SET,
        Kind::DaemonSet => &DAEMON_SET,
        Kind::Job => &JOB,
        Kind::CronJob => &CRON_JOB,
        Kind::Node => &NODE,
        Kind::Namespace => &NAMESPACE,
        Kind::Service => &SERVICE,
        Kind::Endpoints => &ENDPOINTS,
        Kind::Event => &EVENT,
        Kind::ConfigMap => &CONFIG_MAP,
        Kind::ServiceAccount => &SERVICE_ACCOUNT,
        Kind::PersistentVolumeClaim => &PVC,
        Kind::PersistentVolume => &PV,
        Kind::StorageClass => &STORAGE_CLASS,
        Kind::ControllerRevision => &CONTROLLER_REVISION,
        Kind::PodDisruptionBudget => &PDB,
        Kind::NetworkPolicy => &NETWORK_POLICY,
        Kind::Secret => &SECRET,
        Kind::HorizontalPodAutoscaler => &HPA,
    }
}

/// The columns a kind shows (wide adds the priority-1 columns).
pub fn columns(kind: Kind, wide: bool) -> impl Iterator<Item = &'static Column> {
    let max_priority = u8::from(wide);
    printer(kind)
        .columns()
        .iter()
        .filter(move |column| column.priority <= max_priority)
}

/// Headers for a kind (wide adds the priority-1 columns).
pub fn headers(kind: Kind, wide: bool) -> Vec<String> {
    columns(kind, wide).map(|c| c.name.to_string()).collect()
}

/// The cells of one object's row, in header order.
pub fn row(object: &Object, ctx: &RowContext) -> Vec<String> {
    let printer = printer(object.kind());
    let max_priority = u8::from(ctx.wide);
    let cells = printer.cells(object, ctx).unwrap_or_default();
    debug_assert_eq!(cells.len(), printer.columns().len(), "{}", object.kind());
    printer
        .columns()
        .iter()
        .zip(cells)
        .filter(|(column, _)| column.priority <= max_priority)
        .map(|(_, cell)| cell)
        .collect()
}

/// The table of objects of one kind, as `get` prints it and the page's panels show it.
pub fn table<'a>(
    kind: Kind,
    objects: impl IntoIterator<Item = &'a Object>,
    ctx: &RowContext,
) -> Table {
    Table {
        headers: headers(kind, ctx.wide),
        rows: objects.into_iter().map(|object| row(object, ctx)).collect(),
    }
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

/// The wide CONTAINERS, IMAGES and SELECTOR cells of a workload.
fn workload_cells(
    template: Option<&PodTemplateSpec>,
    selector: Option<&LabelSelector>,
    cells: &mut Vec<String>,
) {
    let (containers, images) = containers_images(template);
    cells.push(containers);
    cells.push(images);
    cells.push(format_label_selector(selector));
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
    let finished_at = |container: &kubeplay_model::ContainerStatus| {
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
        .conditions()
        .iter()
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
            reason = if kubeplay_model::pod::is_ready(pod) {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    if pod.metadata.deletion_timestamp.is_some() {
        if status.reason.as_deref() == Some("NodeLost") {
            reason = "Unknown".into();
        } else if !kubeplay_model::pod::is_finished(pod) {
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

const POD: Printer<Pod> = Printer {
    columns: &[
        col("NAME"),
        col("READY"),
        col("STATUS"),
        col("RESTARTS"),
        col("AGE"),
        wide("IP"),
        wide("NODE"),
        wide("NOMINATED NODE"),
        wide("READINESS GATES"),
    ],
    cells: pod_row,
};

fn pod_row(pod: &Pod, ctx: &RowContext) -> Vec<String> {
    let (ready, phase, restarts) = pod_status(pod, ctx.now);
    let status = pod.status.as_ref();
    vec![
        pod.metadata.name_str().to_string(),
        ready,
        phase,
        restarts,
        ctx.created(&pod.metadata),
        status
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_else(|| "<none>".into()),
        pod.spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_else(|| "<none>".into()),
        status
            .and_then(|s| s.nominated_node_name.clone())
            .unwrap_or_else(|| "<none>".into()),
        "<none>".into(),
    ]
}

const DEPLOYMENT: Printer<Deployment> = Printer {
    columns: &[
        col("NAME"),
        col("READY"),
        col("UP-TO-DATE"),
        col("AVAILABLE"),
        col("AGE"),
        wide("CONTAINERS"),
        wide("IMAGES"),
        wide("SELECTOR"),
    ],
    cells: deployment_row,
};

fn deployment_row(d: &Deployment, ctx: &RowContext) -> Vec<String> {
    let spec = d.spec.as_ref();
    let status = d.status.clone().unwrap_or_default();
    let mut cells = vec![
        d.metadata.name_str().to_string(),
        format!(
            "{}/{}",
            status.ready_replicas.unwrap_or(0),
            spec.and_then(|s| s.replicas).unwrap_or(0)
        ),
        status.updated_replicas.unwrap_or(0).to_string(),
        status.available_replicas.unwrap_or(0).to_string(),
        ctx.created(&d.metadata),
    ];
    workload_cells(
        spec.map(|s| &s.template),
        spec.map(|s| &s.selector),
        &mut cells,
    );
    cells
}

const REPLICA_SET: Printer<ReplicaSet> = Printer {
    columns: &[
        col("NAME"),
        col("DESIRED"),
        col("CURRENT"),
        col("READY"),
        col("AGE"),
        wide("CONTAINERS"),
        wide("IMAGES"),
        wide("SELECTOR"),
    ],
    cells: replica_set_row,
};

fn replica_set_row(rs: &ReplicaSet, ctx: &RowContext) -> Vec<String> {
    let spec = rs.spec.as_ref();
    let status = rs.status.clone().unwrap_or_default();
    let mut cells = vec![
        rs.metadata.name_str().to_string(),
        spec.and_then(|s| s.replicas).unwrap_or(0).to_string(),
        status.replicas.to_string(),
        status.ready_replicas.unwrap_or(0).to_string(),
        ctx.created(&rs.metadata),
    ];
    workload_cells(
        spec.and_then(|s| s.template.as_ref()),
        spec.map(|s| &s.selector),
        &mut cells,
    );
    cells
}

/// `printReplicationController`: a ReplicaSet's columns, its selector a plain label map.
const REPLICATION_CONTROLLER: Printer<ReplicationController> = Printer {
    columns: REPLICA_SET.columns,
    cells: replication_controller_row,
};

fn replication_controller_row(rc: &ReplicationController, ctx: &RowContext) -> Vec<String> {
    let spec = rc.spec.as_ref();
    let status = rc.status.clone().unwrap_or_default();
    let template = spec.and_then(|s| s.template.as_ref());
    let (containers, images) = containers_images(template);
    vec![
        rc.metadata.name_str().to_string(),
        spec.and_then(|s| s.replicas).unwrap_or(0).to_string(),
        status.replicas.to_string(),
        status.ready_replicas.unwrap_or(0).to_string(),
        ctx.created(&rc.metadata),
        containers,
        images,
        format_labels(spec.and_then(|s| s.selector.as_ref())),
    ]
}

const STATEFUL_SET: Printer<StatefulSet> = Printer {
    columns: &[
        col("NAME"),
        col("READY"),
        col("AGE"),
        wide("CONTAINERS"),
        wide("IMAGES"),
    ],
    cells: stateful_set_row,
};

fn stateful_set_row(sts: &StatefulSet, ctx: &RowContext) -> Vec<String> {
    let spec = sts.spec.as_ref();
    let status = sts.status.clone().unwrap_or_default();
    let mut cells = vec![
        sts.metadata.name_str().to_string(),
        format!(
            "{}/{}",
            status.ready_replicas.unwrap_or(0),
            spec.and_then(|s| s.replicas).unwrap_or(0)
        ),
        ctx.created(&sts.metadata),
    ];
    let (containers, images) = containers_images(spec.map(|s| &s.template));
    cells.push(containers);
    cells.push(images);
    cells
}

const DAEMON_SET: Printer<DaemonSet> = Printer {
    columns: &[
        col("NAME"),
        col("DESIRED"),
        col("CURRENT"),
        col("READY"),
        col("UP-TO-DATE"),
        col("AVAILABLE"),
        col("NODE SELECTOR"),
        col("AGE"),
        wide("CONTAINERS"),
        wide("IMAGES"),
        wide("SELECTOR"),
    ],
    cells: daemon_set_row,
};

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
        ds.metadata.name_str().to_string(),
        status.desired_number_scheduled.to_string(),
        status.current_number_scheduled.to_string(),
        status.number_ready.to_string(),
        status.updated_number_scheduled.unwrap_or(0).to_string(),
        status.number_available.unwrap_or(0).to_string(),
        node_selector,
        ctx.created(&ds.metadata),
    ];
    workload_cells(
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

const JOB: Printer<Job> = Printer {
    columns: &[
        col("NAME"),
        col("STATUS"),
        col("COMPLETIONS"),
        col("DURATION"),
        col("AGE"),
        wide("CONTAINERS"),
        wide("IMAGES"),
        wide("SELECTOR"),
    ],
    cells: job_row,
};

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
        job.metadata.name_str().to_string(),
        job_status(job).to_string(),
        completions,
        duration,
        ctx.created(&job.metadata),
    ];
    workload_cells(
        spec.map(|s| &s.template),
        spec.and_then(|s| s.selector.as_ref()),
        &mut cells,
    );
    cells
}

const CRON_JOB: Printer<CronJob> = Printer {
    columns: &[
        col("NAME"),
        col("SCHEDULE"),
        col("TIMEZONE"),
        col("SUSPEND"),
        col("ACTIVE"),
        col("LAST SCHEDULE"),
        col("AGE"),
        wide("CONTAINERS"),
        wide("IMAGES"),
        wide("SELECTOR"),
    ],
    cells: cron_job_row,
};

fn cron_job_row(cj: &CronJob, ctx: &RowContext) -> Vec<String> {
    let spec = cj.spec.as_ref();
    let status = cj.status.clone().unwrap_or_default();
    let suspend = match spec.and_then(|s| s.suspend) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    let mut cells = vec![
        cj.metadata.name_str().to_string(),
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
    let template = spec.and_then(|s| s.job_template.spec.as_ref());
    workload_cells(
        template.map(|s| &s.template),
        template.and_then(|s| s.selector.as_ref()),
        &mut cells,
    );
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

const NODE: Printer<Node> = Printer {
    columns: &[
        col("NAME"),
        col("STATUS"),
        col("ROLES"),
        col("AGE"),
        col("VERSION"),
        wide("INTERNAL-IP"),
        wide("EXTERNAL-IP"),
        wide("OS-IMAGE"),
        wide("KERNEL-VERSION"),
        wide("CONTAINER-RUNTIME"),
    ],
    cells: node_row,
};

fn node_row(node: &Node, ctx: &RowContext) -> Vec<String> {
    let info = node
        .status
        .as_ref()
        .and_then(|s| s.node_info.clone())
        .unwrap_or_default();
    let mut cells = vec![
        node.metadata.name_str().to_string(),
        node_status(node),
        node_roles(node),
        ctx.created(&node.metadata),
        info.kubelet_version.clone(),
    ];
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
    cells
}

const NAMESPACE: Printer<Namespace> = Printer {
    columns: &[col("NAME"), col("STATUS"), col("AGE")],
    cells: namespace_row,
};

fn namespace_row(ns: &Namespace, ctx: &RowContext) -> Vec<String> {
    vec![
        ns.metadata.name_str().to_string(),
        ns.status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default(),
        ctx.created(&ns.metadata),
    ]
}

const SERVICE: Printer<Service> = Printer {
    columns: &[
        col("NAME"),
        col("TYPE"),
        col("CLUSTER-IP"),
        col("EXTERNAL-IP"),
        col("PORT(S)"),
        col("AGE"),
        wide("SELECTOR"),
    ],
    cells: service_row,
};

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
        svc.metadata.name_str().to_string(),
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
    let selector = spec
        .selector
        .as_ref()
        .filter(|s| !s.is_empty())
        .map_or("<none>".into(), |s| {
            s.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        });
    cells.push(selector);
    cells
}

const ENDPOINTS: Printer<Endpoints> = Printer {
    columns: &[col("NAME"), col("ENDPOINTS"), col("AGE")],
    cells: endpoints_row,
};

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
    vec![
        ep.metadata.name_str().to_string(),
        text,
        ctx.created(&ep.metadata),
    ]
}

const EVENT: Printer<Event> = Printer {
    columns: &[
        col("LAST SEEN"),
        col("TYPE"),
        col("REASON"),
        col("OBJECT"),
        wide("SUBOBJECT"),
        wide("SOURCE"),
        col("MESSAGE"),
        wide("FIRST SEEN"),
        wide("COUNT"),
        wide("NAME"),
    ],
    cells: event_row,
};

/// `printEvent` (pkg/printers/internalversion/printers.go): an events.k8s.io Event has no
/// first/lastTimestamp or count in its core/v1 view, so FIRST SEEN falls back to eventTime,
/// LAST SEEN to the series' last observation (or FIRST SEEN), COUNT to the series' count (or
/// 1), and SOURCE to reportingController and reportingInstance.
fn event_row(event: &Event, ctx: &RowContext) -> Vec<String> {
    let age = |time: Option<jiff::Timestamp>| ctx.age(time.map(Time).as_ref());
    let first = age(kubeplay_model::event::first_seen(event));
    let last = age(kubeplay_model::event::last_seen(event));
    let count = match &event.series {
        Some(series) => series.count.unwrap_or(0),
        None => event.count.filter(|count| *count > 0).unwrap_or(1),
    };
    let kind = event
        .involved_object
        .kind
        .clone()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let object = match event.involved_object.name.as_deref() {
        Some(name) if !name.is_empty() => format!("{kind}/{name}"),
        _ => kind,
    };
    let non_empty = |a: Option<&String>, b: Option<&String>| {
        a.filter(|a| !a.is_empty())
            .or(b)
            .cloned()
            .unwrap_or_default()
    };
    let source = event.source.as_ref();
    let component = non_empty(
        source.and_then(|s| s.component.as_ref()),
        event.reporting_component.as_deref(),
    );
    let instance = non_empty(
        source.and_then(|s| s.host.as_ref()),
        event.reporting_instance.as_deref(),
    );
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    vec![
        last,
        event.type_.as_deref().cloned().unwrap_or_default(),
        event.reason.as_deref().cloned().unwrap_or_default(),
        object,
        event.involved_object.field_path.clone().unwrap_or_default(),
        source,
        event
            .message
            .as_deref()
            .map_or("", |m| m.trim())
            .to_string(),
        first,
        count.to_string(),
        event.metadata.name_str().to_string(),
    ]
}

const CONFIG_MAP: Printer<ConfigMap> = Printer {
    columns: &[col("NAME"), col("DATA"), col("AGE")],
    cells: config_map_row,
};

fn config_map_row(cm: &ConfigMap, ctx: &RowContext) -> Vec<String> {
    let count =
        cm.data.as_ref().map_or(0, |d| d.len()) + cm.binary_data.as_ref().map_or(0, |d| d.len());
    vec![
        cm.metadata.name_str().to_string(),
        count.to_string(),
        ctx.created(&cm.metadata),
    ]
}

const SECRET: Printer<k8s_openapi::api::core::v1::Secret> = Printer {
    columns: &[col("NAME"), col("TYPE"), col("DATA"), col("AGE")],
    cells: secret_row,
};

fn secret_row(secret: &k8s_openapi::api::core::v1::Secret, ctx: &RowContext) -> Vec<String> {
    vec![
        secret.metadata.name_str().to_string(),
        secret.type_.clone().unwrap_or_default(),
        secret.data.as_ref().map_or(0, |d| d.len()).to_string(),
        ctx.created(&secret.metadata),
    ]
}

const HPA: Printer<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler> = Printer {
    columns: &[
        col("NAME"),
        col("REFERENCE"),
        col("TARGETS"),
        col("MINPODS"),
        col("MAXPODS"),
        col("REPLICAS"),
        col("AGE"),
    ],
    cells: hpa_row,
};

fn hpa_row(
    hpa: &k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler,
    ctx: &RowContext,
) -> Vec<String> {
    let spec = hpa.spec.clone().unwrap_or_default();
    let status = hpa.status.clone().unwrap_or_default();
    vec![
        hpa.metadata.name_str().to_string(),
        format!(
            "{}/{}",
            spec.scale_target_ref.kind, spec.scale_target_ref.name
        ),
        hpa_metrics(
            spec.metrics.as_deref().unwrap_or_default(),
            status.current_metrics.as_deref().unwrap_or_default(),
        ),
        spec.min_replicas
            .map_or("<unset>".to_string(), |n| n.to_string()),
        spec.max_replicas.to_string(),
        status.current_replicas.unwrap_or_default().to_string(),
        ctx.created(&hpa.metadata),
    ]
}

/// `formatHPAMetrics`: each metric's current value over its target (`cpu: <unknown>/80%`
/// until the controller reads metrics), at most two, then `+ N more...`.
pub fn hpa_metrics(
    specs: &[k8s_openapi::api::autoscaling::v2::MetricSpec],
    statuses: &[k8s_openapi::api::autoscaling::v2::MetricStatus],
) -> String {
    if specs.is_empty() {
        return "<none>".into();
    }
    let unknown = || "<unknown>".to_string();
    let mut list = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let status = statuses.get(i);
        let text = match (
            spec.type_.as_str(),
            &spec.resource,
            &spec.container_resource,
        ) {
            ("Resource", Some(resource), _) => {
                let current = status.and_then(|s| s.resource.as_ref()).map(|r| &r.current);
                resource_target(&resource.name, &resource.target, current)
            }
            ("ContainerResource", _, Some(resource)) => {
                let current = status
                    .and_then(|s| s.container_resource.as_ref())
                    .map(|r| &r.current);
                resource_target(&resource.name, &resource.target, current)
            }
            ("Pods", _, _) => format!(
                "{}/{}",
                status
                    .and_then(|s| s.pods.as_ref())
                    .and_then(|p| p.current.average_value.as_ref())
                    .map_or_else(unknown, |q| q.0.clone()),
                spec.pods
                    .as_ref()
                    .and_then(|p| p.target.average_value.as_ref())
                    .map_or_else(String::new, |q| q.0.clone())
            ),
            _ => "<unknown type>".into(),
        };
        list.push(text);
    }
    let count = list.len();
    if count > 2 {
        list.truncate(2);
        return format!("{} + {} more...", list.join(", "), count - 2);
    }
    list.join(", ")
}

fn resource_target(
    name: &str,
    target: &k8s_openapi::api::autoscaling::v2::MetricTarget,
    current: Option<&k8s_openapi::api::autoscaling::v2::MetricValueStatus>,
) -> String {
    if let Some(average) = &target.average_value {
        let current = current
            .and_then(|c| c.average_value.as_ref())
            .map_or("<unknown>".to_string(), |q| q.0.clone());
        return format!("{name}: {current}/{}", average.0);
    }
    let current = current
        .and_then(|c| c.average_utilization)
        .map_or("<unknown>".to_string(), |u| format!("{u}%"));
    let target = target
        .average_utilization
        .map_or("<auto>".to_string(), |u| format!("{u}%"));
    format!("{name}: {current}/{target}")
}

const SERVICE_ACCOUNT: Printer<ServiceAccount> = Printer {
    columns: &[col("NAME"), col("SECRETS"), col("AGE")],
    cells: service_account_row,
};

fn service_account_row(sa: &ServiceAccount, ctx: &RowContext) -> Vec<String> {
    vec![
        sa.metadata.name_str().to_string(),
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

const PVC: Printer<PersistentVolumeClaim> = Printer {
    columns: &[
        col("NAME"),
        col("STATUS"),
        col("VOLUME"),
        col("CAPACITY"),
        col("ACCESS MODES"),
        col("STORAGECLASS"),
        col("VOLUMEATTRIBUTESCLASS"),
        col("AGE"),
        wide("VOLUMEMODE"),
    ],
    cells: pvc_row,
};

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
        pvc.metadata.name_str().to_string(),
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
    cells.push(
        spec.volume_mode
            .clone()
            .unwrap_or_else(|| "Filesystem".into()),
    );
    cells
}

const PV: Printer<PersistentVolume> = Printer {
    columns: &[
        col("NAME"),
        col("CAPACITY"),
        col("ACCESS MODES"),
        col("RECLAIM POLICY"),
        col("STATUS"),
        col("CLAIM"),
        col("STORAGECLASS"),
        col("VOLUMEATTRIBUTESCLASS"),
        col("REASON"),
        col("AGE"),
        wide("VOLUMEMODE"),
    ],
    cells: pv_row,
};

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
        pv.metadata.name_str().to_string(),
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
    cells.push(
        spec.volume_mode
            .clone()
            .unwrap_or_else(|| "Filesystem".into()),
    );
    cells
}

const STORAGE_CLASS: Printer<StorageClass> = Printer {
    columns: &[
        col("NAME"),
        col("PROVISIONER"),
        col("RECLAIMPOLICY"),
        col("VOLUMEBINDINGMODE"),
        col("ALLOWVOLUMEEXPANSION"),
        col("AGE"),
    ],
    cells: storage_class_row,
};

fn storage_class_row(sc: &StorageClass, ctx: &RowContext) -> Vec<String> {
    vec![
        sc.metadata.name_str().to_string(),
        sc.provisioner.clone(),
        sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
        sc.volume_binding_mode
            .clone()
            .unwrap_or_else(|| "Immediate".into()),
        sc.allow_volume_expansion.unwrap_or(false).to_string(),
        ctx.created(&sc.metadata),
    ]
}

const CONTROLLER_REVISION: Printer<ControllerRevision> = Printer {
    columns: &[col("NAME"), col("CONTROLLER"), col("REVISION"), col("AGE")],
    cells: controller_revision_row,
};

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
        cr.metadata.name_str().to_string(),
        controller,
        cr.revision.to_string(),
        ctx.created(&cr.metadata),
    ]
}

const PDB: Printer<PodDisruptionBudget> = Printer {
    columns: &[
        col("NAME"),
        col("MIN AVAILABLE"),
        col("MAX UNAVAILABLE"),
        col("ALLOWED DISRUPTIONS"),
        col("AGE"),
    ],
    cells: pdb_row,
};

fn pdb_row(pdb: &PodDisruptionBudget, ctx: &RowContext) -> Vec<String> {
    let spec = pdb.spec.clone().unwrap_or_default();
    vec![
        pdb.metadata.name_str().to_string(),
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

const NETWORK_POLICY: Printer<NetworkPolicy> = Printer {
    columns: &[col("NAME"), col("POD-SELECTOR"), col("AGE")],
    cells: network_policy_row,
};

fn network_policy_row(policy: &NetworkPolicy, ctx: &RowContext) -> Vec<String> {
    let selector = policy.spec.as_ref().and_then(|s| s.pod_selector.as_ref());
    vec![
        policy.metadata.name_str().to_string(),
        format_label_selector(Some(selector.unwrap_or(&LabelSelector::default()))),
        ctx.created(&policy.metadata),
    ]
}

#[cfg(test)]
mod tests {
    use super::{RowContext, job_status, table};
    use k8s_openapi::api::batch::v1::{Job, JobCondition, JobStatus};
    use kubeplay_model::{Kind, Object};

    /// Wide columns interleave with the others by priority, as the server's Event table does.
    #[test]
    fn table_keeps_priority_one_columns_for_wide() {
        let event = Object::from_value(
            Kind::Event,
            &serde_json::json!({
                "metadata": { "name": "web.1", "namespace": "default" },
                "involvedObject": { "kind": "Pod", "name": "web" },
                "reason": "Started", "type": "Normal", "message": "Started container web",
                "source": { "component": "kubelet", "host": "node-1" }, "count": 2,
            }),
        )
        .expect("a valid event");
        let now = "2025-06-02T10:15:00Z".parse().expect("a timestamp");
        let narrow = table(Kind::Event, [&event], &RowContext { now, wide: false });
        assert_eq!(
            narrow.headers,
            ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        );
        assert_eq!(
            narrow.rows,
            [[
                "<unknown>",
                "Normal",
                "Started",
                "pod/web",
                "Started container web"
            ]]
        );
        let wide = table(Kind::Event, [&event], &RowContext { now, wide: true });
        assert_eq!(wide.headers.len(), 10);
        assert_eq!(wide.rows[0][5], "kubelet, node-1");
        assert_eq!(wide.rows[0][8..], ["2", "web.1"]);
    }

    /// An events.k8s.io Event (kube-scheduler's) has no counts or timestamps of core/v1:
    /// `printEvent` reads its eventTime, series and reporter instead.
    #[test]
    fn events_api_events_print_their_time_series_and_reporter() {
        let event = |series: serde_json::Value| {
            Object::from_value(
                Kind::Event,
                &serde_json::json!({
                    "metadata": { "name": "web.1", "namespace": "default" },
                    "involvedObject": { "kind": "Pod", "name": "web" },
                    "reason": "FailedScheduling", "type": "Warning", "message": "0/1 nodes",
                    "source": {}, "eventTime": "2025-06-02T10:10:00.000000Z",
                    "reportingComponent": "default-scheduler",
                    "reportingInstance": "default-scheduler-kind-control-plane",
                    "series": series,
                }),
            )
            .expect("a valid event")
        };
        let now = "2025-06-02T10:15:00Z".parse().expect("a timestamp");
        let single = event(serde_json::Value::Null);
        let wide = table(Kind::Event, [&single], &RowContext { now, wide: true });
        assert_eq!(wide.rows[0][0], "5m");
        assert_eq!(
            wide.rows[0][5],
            "default-scheduler, default-scheduler-kind-control-plane"
        );
        assert_eq!(wide.rows[0][7..9], ["5m", "1"]);
        let series = event(serde_json::json!({
            "count": 7, "lastObservedTime": "2025-06-02T10:14:30.000000Z"
        }));
        let wide = table(Kind::Event, [&series], &RowContext { now, wide: true });
        assert_eq!(wide.rows[0][0], "30s");
        assert_eq!(wide.rows[0][7..9], ["5m", "7"]);
    }

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
