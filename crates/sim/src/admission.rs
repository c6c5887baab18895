//! Admission plugins the API server runs on writes: ServiceAccount (token volume),
//! DefaultTolerationSeconds, Priority, the DaemonSet template generation and Service
//! cluster IP allocation.

use k8s_openapi::api::core::v1::Toleration;
use kubeplay_model::PodStatus;
use kubeplay_model::keys::DAEMONSET_TEMPLATE_GENERATION;
use kubeplay_model::pod_object::{ServiceAccountToken, TokenSuffix};
use kubeplay_model::{Object, Pod};

use crate::rng::SimRng;
use kubeplay_model::object::MetaExt;

pub fn admit_create(object: &mut Object, rng: &mut SimRng, next_service_ip: &mut u32) {
    match object {
        Object::Pod(pod_object) => {
            // A pod created from inside the cluster has no token volume until this plugin's.
            pod_object.settle_token(ServiceAccountToken::Absent);
            let has_token = pod_object.token() != ServiceAccountToken::Absent;
            let pod: &mut Pod = pod_object;
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
            // Stored without room to spare: once stored, a spec is shared (`store/sharing.rs`).
            tolerations.shrink_to_fit();
            let priority = match spec.priority_class_name.as_deref() {
                Some("system-node-critical") => 2_000_001_000,
                Some("system-cluster-critical") => 2_000_000_000,
                _ => 0,
            };
            spec.priority.get_or_insert(priority);
            spec.preemption_policy
                .get_or_insert_with(|| "PreemptLowerPriority".into());
            let mounts_token = spec.automount_service_account_token != Some(false)
                && spec.node_name.is_none()
                && !has_token;
            let qos_class = qos_class(spec);
            let status = pod.status.get_or_insert_with(PodStatus::default);
            status.phase.get_or_insert_with(|| "Pending".into());
            status.qos_class = Some(qos_class.into());
            if mounts_token {
                // Held by name (see `PodObject`); `mountServiceAccountToken` in
                // plugin/pkg/admission/serviceaccount/admission.go mounts it into every
                // init container and container.
                if let Some(suffix) = TokenSuffix::new(&rng.name_suffix()) {
                    pod_object.mount_token(suffix);
                }
            }
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
