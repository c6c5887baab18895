//! Pod rules every part of kubeplay shares — phase, activity, readiness, availability, and
//! setting a condition — below both the controllers and kubectl, as upstream keeps them in
//! `pkg/api/v1/pod/util.go` and kubectl's `podutils`.

use crate::Pod;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::PodCondition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// `status.phase`, `Pending` until the kubelet reports one.
pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

/// `Succeeded` or `Failed`: its containers will not run again.
pub fn is_finished(pod: &Pod) -> bool {
    matches!(phase(pod), "Succeeded" | "Failed")
}

/// `IsPodActive`: not finished and not being deleted.
pub fn is_active(pod: &Pod) -> bool {
    !is_finished(pod) && pod.metadata.deletion_timestamp.is_none()
}

fn ready_condition(pod: &Pod) -> Option<&PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
}

/// `IsPodReady`: its `Ready` condition is `True`.
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

/// `IsPodAvailable`: Ready for at least `min_ready_seconds`, strictly before now.
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

/// Sets a condition (`UpdatePodCondition`): the transition time moves only when the status
/// changes.
pub fn set_pod_condition(
    conditions: &mut Vec<PodCondition>,
    condition_type: &str,
    status: &str,
    reason: Option<&str>,
    message: Option<&str>,
    now: &Time,
) {
    let existing = conditions.iter().position(|c| c.type_ == condition_type);
    let transition = existing
        .map(|i| &conditions[i])
        .filter(|c| c.status == status)
        .and_then(|c| c.last_transition_time.clone());
    let condition = PodCondition {
        type_: condition_type.into(),
        status: status.into(),
        reason: reason.map(Into::into),
        message: message.map(Into::into),
        last_transition_time: Some(transition.unwrap_or_else(|| now.clone())),
        last_probe_time: None,
        observed_generation: None,
    };
    match existing {
        Some(index) => conditions[index] = condition,
        None => conditions.push(condition),
    }
}

/// The status of `container`, app or init, by name.
pub fn container_status<'a>(pod: &'a Pod, container: &str) -> Option<&'a crate::ContainerStatus> {
    let status = pod.status.as_ref()?;
    status
        .container_statuses
        .iter()
        .flatten()
        .chain(status.init_container_statuses.iter().flatten())
        .find(|s| s.name == container)
}
