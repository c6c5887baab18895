//! Admission plugins the API server runs on writes: ServiceAccount (token volume),
//! DefaultTolerationSeconds, Priority, the DaemonSet template generation and Service
//! cluster IP allocation.

use k8s_openapi::api::core::v1::{
    ConfigMapProjection, DownwardAPIProjection, DownwardAPIVolumeFile, KeyToPath,
    ObjectFieldSelector, PodStatus, ProjectedVolumeSource, ServiceAccountTokenProjection,
    Toleration, Volume, VolumeMount, VolumeProjection,
};
use kubeplay_model::Object;
use kubeplay_model::keys::DAEMONSET_TEMPLATE_GENERATION;

use crate::rng::SimRng;
use kubeplay_model::object::MetaExt;

const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

pub fn admit_create(object: &mut Object, rng: &mut SimRng, next_service_ip: &mut u32) {
    match object {
        Object::Pod(pod) => {
            let Some(spec) = pod.spec.as_mut() else {
                return;
            };
            let account = spec
                .service_account_name
                .get_or_insert_with(|| "default".into())
                .clone();
            spec.service_account = Some(account);
            let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
            for key in [
                "node.kubernetes.io/not-ready",
                "node.kubernetes.io/unreachable",
            ] {
                let tolerated = tolerations.iter().any(|t| {
                    (t.key.as_deref() == Some(key)
                        || (t.key.is_none() && t.operator.as_deref() == Some("Exists")))
                        && t.effect
                            .as_deref()
                            .is_none_or(|effect| effect == "NoExecute")
                });
                if !tolerated {
                    tolerations.push(Toleration {
                        key: Some(key.into()),
                        operator: Some("Exists".into()),
                        effect: Some("NoExecute".into()),
                        toleration_seconds: Some(300),
                        value: None,
                    });
                }
            }
            let priority = match spec.priority_class_name.as_deref() {
                Some("system-node-critical") => 2_000_001_000,
                Some("system-cluster-critical") => 2_000_000_000,
                _ => 0,
            };
            spec.priority.get_or_insert(priority);
            spec.preemption_policy
                .get_or_insert_with(|| "PreemptLowerPriority".into());
            if spec.automount_service_account_token != Some(false) && spec.node_name.is_none() {
                add_token_volume(spec, rng);
            }
            let status = pod.status.get_or_insert_with(PodStatus::default);
            status.phase.get_or_insert_with(|| "Pending".into());
            status.qos_class = Some(qos_class(spec).into());
        }
        Object::Job(job) => admit_job(job),
        // DefaultStorageClass admission, and a new claim starts Pending.
        Object::PersistentVolumeClaim(claim) => {
            if let Some(spec) = claim.spec.as_mut() {
                spec.storage_class_name
                    .get_or_insert_with(|| "standard".into());
                spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
            }
            claim
                .status
                .get_or_insert_with(Default::default)
                .phase
                .get_or_insert_with(|| "Pending".into());
        }
        Object::DaemonSet(daemon_set) => {
            daemon_set
                .metadata
                .annotations_mut()
                .insert(DAEMONSET_TEMPLATE_GENERATION.into(), "1".into());
        }
        Object::Service(service) => {
            if let Some(spec) = service.spec.as_mut() {
                if spec.cluster_ip.is_none() && spec.type_.as_deref() != Some("ExternalName") {
                    let ip = format!(
                        "10.96.{}.{}",
                        *next_service_ip / 256,
                        *next_service_ip % 256
                    );
                    *next_service_ip += 1;
                    spec.cluster_ip = Some(ip.clone());
                    spec.cluster_ips = Some(vec![ip]);
                }
                if let Some(ip) = spec.cluster_ip.clone() {
                    spec.cluster_ips.get_or_insert_with(|| vec![ip]);
                }
                spec.ip_families.get_or_insert_with(|| vec!["IPv4".into()]);
                spec.ip_family_policy
                    .get_or_insert_with(|| "SingleStack".into());
            }
        }
        _ => {}
    }
}

/// The DaemonSet registry bumps the template generation whenever the template changes.
pub fn admit_update(current: &Object, updated: &mut Object) {
    if let (Object::DaemonSet(old), Object::DaemonSet(new)) = (current, updated) {
        let generation: i64 = old
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(DAEMONSET_TEMPLATE_GENERATION))
            .and_then(|g| g.parse().ok())
            .unwrap_or(1);
        let changed =
            old.spec.as_ref().map(|s| &s.template) != new.spec.as_ref().map(|s| &s.template);
        let value = if changed { generation + 1 } else { generation };
        new.metadata
            .annotations_mut()
            .insert(DAEMONSET_TEMPLATE_GENERATION.into(), value.to_string());
    }
}

fn add_token_volume(spec: &mut k8s_openapi::api::core::v1::PodSpec, rng: &mut SimRng) {
    let name = format!("kube-api-access-{}", rng.name_suffix());
    let projection = ProjectedVolumeSource {
        default_mode: Some(420),
        sources: Some(vec![
            VolumeProjection {
                service_account_token: Some(ServiceAccountTokenProjection {
                    expiration_seconds: Some(3607),
                    path: "token".into(),
                    audience: None,
                }),
                ..VolumeProjection::default()
            },
            VolumeProjection {
                config_map: Some(ConfigMapProjection {
                    name: "kube-root-ca.crt".into(),
                    items: Some(vec![KeyToPath {
                        key: "ca.crt".into(),
                        path: "ca.crt".into(),
                        mode: None,
                    }]),
                    optional: None,
                }),
                ..VolumeProjection::default()
            },
            VolumeProjection {
                downward_api: Some(DownwardAPIProjection {
                    items: Some(vec![DownwardAPIVolumeFile {
                        path: "namespace".into(),
                        field_ref: Some(ObjectFieldSelector {
                            api_version: Some("v1".into()),
                            field_path: "metadata.namespace".into(),
                        }),
                        mode: None,
                        resource_field_ref: None,
                    }]),
                }),
                ..VolumeProjection::default()
            },
        ]),
    };
    spec.volumes.get_or_insert_with(Vec::new).push(Volume {
        name: name.clone(),
        projected: Some(projection),
        ..Volume::default()
    });
    // Init containers get the token too (mountServiceAccountToken in
    // plugin/pkg/admission/serviceaccount/admission.go).
    let init_containers = spec.init_containers.iter_mut().flatten();
    for container in init_containers.chain(&mut spec.containers) {
        container
            .volume_mounts
            .get_or_insert_with(Vec::new)
            .push(VolumeMount {
                name: name.clone(),
                mount_path: TOKEN_MOUNT_PATH.into(),
                read_only: Some(true),
                ..VolumeMount::default()
            });
    }
}

/// `GetPodQOS`: Guaranteed when every container has equal cpu and memory requests and limits,
/// BestEffort when none has any, Burstable otherwise.
pub fn qos_class(spec: &k8s_openapi::api::core::v1::PodSpec) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for container in &spec.containers {
        let resources = container.resources.as_ref();
        let requests = resources.and_then(|r| r.requests.as_ref());
        let limits = resources.and_then(|r| r.limits.as_ref());
        any |= requests.is_some_and(|r| !r.is_empty()) || limits.is_some_and(|l| !l.is_empty());
        for resource in ["cpu", "memory"] {
            let limit = limits.and_then(|l| l.get(resource));
            let request = requests.and_then(|r| r.get(resource)).or(limit);
            if limit.is_none() || request != limit {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}

/// The Job registry's `generateSelector`: a selector on the Job's UID, and the labels that
/// carry it on the template (and on the Job when it has none).
fn admit_job(job: &mut k8s_openapi::api::batch::v1::Job) {
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let name = job.metadata.name.clone().unwrap_or_default();
    let Some(spec) = job.spec.as_mut() else {
        return;
    };
    if spec.manual_selector == Some(true) {
        return;
    }
    let generated: [(&str, &str); 4] = [
        ("batch.kubernetes.io/controller-uid", &uid),
        ("batch.kubernetes.io/job-name", &name),
        ("controller-uid", &uid),
        ("job-name", &name),
    ];
    let labels = spec
        .template
        .metadata
        .get_or_insert_with(Default::default)
        .labels
        .get_or_insert_with(std::collections::BTreeMap::new);
    for (key, value) in generated {
        labels.insert(key.into(), value.into());
    }
    let template_labels = labels.clone();
    spec.selector = Some(
        k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
            match_labels: Some(
                [(
                    "batch.kubernetes.io/controller-uid".to_string(),
                    uid.clone(),
                )]
                .into(),
            ),
            match_expressions: None,
        },
    );
    if job.metadata.labels.as_ref().is_none_or(|l| l.is_empty()) {
        job.metadata.labels = Some(template_labels);
    }
}
