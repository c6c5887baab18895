//! Pod predicates shared by controllers (`IsPodActive`, `IsPodReady`, `IsPodAvailable`),
//! building a pod from a template (`GetPodFromTemplate`), and the `DisruptionTarget` mark
//! every deleter outside the pod's owner sets first.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kubeplay_model::Object;

use super::controller_ref;
use super::scheduler::set_pod_condition;

/// The pod with a `DisruptionTarget=True` condition naming who deletes it and why (the
/// taint manager, the Eviction API, the pod garbage collector).
pub fn with_disruption_target(pod: &Pod, reason: &str, message: &str, now: &Time) -> Pod {
    let mut marked = pod.clone();
    set_pod_condition(
        marked
            .status
            .get_or_insert_with(Default::default)
            .conditions
            .get_or_insert_with(Vec::new),
        "DisruptionTarget",
        "True",
        Some(reason),
        Some(message),
        now,
    );
    marked
}

pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

/// Not finished and not being deleted.
pub fn is_active(pod: &Pod) -> bool {
    !matches!(phase(pod), "Succeeded" | "Failed") && pod.metadata.deletion_timestamp.is_none()
}

fn ready_condition(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
}

pub fn is_ready(pod: &Pod) -> bool {
    ready_condition(pod).is_some_and(|c| c.status == "True")
}

/// When the pod last became Ready.
pub fn ready_since(pod: &Pod) -> Option<Timestamp> {
    ready_condition(pod)
        .filter(|c| c.status == "True")?
        .last_transition_time
        .as_ref()
        .map(|t| t.0)
}

/// Ready for at least `min_ready_seconds` (strictly before now, as `IsPodAvailable`).
pub fn is_available(pod: &Pod, min_ready_seconds: i32, now: Timestamp) -> bool {
    if !is_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    ready_since(pod)
        .is_some_and(|since| since.as_second() + i64::from(min_ready_seconds) < now.as_second())
}

/// Seconds until a ready pod becomes available, if it is not yet.
pub fn seconds_until_available(pod: &Pod, min_ready_seconds: i32, now: Timestamp) -> Option<i64> {
    let since = ready_since(pod)?;
    let remaining = since.as_second() + i64::from(min_ready_seconds) + 1 - now.as_second();
    (remaining > 0).then_some(remaining)
}

/// A new pod for `owner` from `template`, named by the API server from `<owner>-`.
pub fn pod_from_template(template: &PodTemplateSpec, owner: &Object) -> Pod {
    let template_meta = template.metadata.clone().unwrap_or_default();
    let prefix = format!("{}-", owner.name());
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(prefix),
            namespace: Some(owner.namespace().to_string()),
            labels: template_meta.labels,
            annotations: template_meta.annotations,
            finalizers: template_meta.finalizers,
            owner_references: Some(vec![controller_ref(owner)]),
            ..ObjectMeta::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}
