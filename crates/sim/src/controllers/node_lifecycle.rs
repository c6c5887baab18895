//! The node lifecycle controller (`pkg/controller/nodelifecycle`): notices kubelets that
//! stopped renewing their Lease, marks their nodes' conditions `Unknown` and their pods not
//! ready, and keeps the condition taints (`not-ready`, `unreachable`, `unschedulable`) in
//! step with the node — taints the scheduler and the taint eviction controller act on.

use k8s_openapi::api::core::v1::{Node, NodeCondition, Taint};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::keys::{TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{ObjectKey, Pod, Typed};

use super::{Action, Context, Reconciliation, event};
use super::{Controller, Reconcile};
use crate::api::EventType;
use crate::nodes::unreachable_detected_at;
use kubeplay_model::Kind;
use kubeplay_model::pod::set_pod_condition;

const COMPONENT: &str = "node-controller";
/// The taints this controller owns; any others on a node belong to someone else.
const MANAGED_TAINTS: [&str; 3] = [TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE];
const KUBELET_CONDITIONS: [&str; 4] = ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"];

/// Nodes: their conditions and taints from their Lease and status.
pub static CONTROLLER: Controller = Controller {
    name: "node-lifecycle",
    reconciles: Some(Kind::Node),
    owns: &[],
    watches: super::declaration::nothing_else,
    reconcile: Reconcile::Stateless(reconcile),
};

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut reconciliation = Reconciliation::default();
    let Some(node) = ctx.store.get_typed::<Node>("", &key.name) else {
        return reconciliation;
    };
    if !ctx.nodes.is_running(&key.name) {
        let probe_ms = ctx.nodes.last_renewal_ms(&key.name).unwrap_or_else(|| {
            node.metadata
                .creation_timestamp
                .as_ref()
                .map_or(0, |created| ctx.clock.millis_of(created))
        });
        let detected_at = unreachable_detected_at(probe_ms);
        if ctx.clock.now_ms() < detected_at {
            reconciliation.requeue_within(detected_at - ctx.clock.now_ms());
        } else if ready_status(node) != Some("Unknown") {
            mark_unknown(node, ctx, &mut reconciliation);
            // The taints follow from the new conditions on the next pass.
            return reconciliation;
        }
    }
    let taints = desired_taints(node, &ctx.clock.now_time());
    let current = node.spec.as_ref().and_then(|s| s.taints.clone());
    if current.unwrap_or_default() != taints {
        let mut updated = node.clone();
        updated.spec.get_or_insert_with(Default::default).taints =
            (!taints.is_empty()).then_some(taints);
        reconciliation
            .actions
            .push(Action::Update(updated.into_object()));
    }
    reconciliation
}

fn ready_status(node: &Node) -> Option<&str> {
    node.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.as_str())
}

/// `tryUpdateNodeHealth` for a node whose heartbeat is too old, then `MarkPodsNotReady`.
fn mark_unknown(node: &Node, ctx: &Context, reconciliation: &mut Reconciliation) {
    let now = ctx.clock.now_time();
    let mut updated = node.clone();
    let status = updated.status.get_or_insert_with(Default::default);
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    for type_ in KUBELET_CONDITIONS {
        match conditions.iter_mut().find(|c| c.type_ == type_) {
            Some(condition) => {
                condition.status = "Unknown".into();
                condition.reason = Some("NodeStatusUnknown".into());
                condition.message = Some("Kubelet stopped posting node status.".into());
                condition.last_transition_time = Some(now.clone());
            }
            None => conditions.push(NodeCondition {
                type_: type_.into(),
                status: "Unknown".into(),
                reason: Some("NodeStatusNeverUpdated".into()),
                message: Some("Kubelet never posted node status.".into()),
                last_heartbeat_time: node.metadata.creation_timestamp.clone(),
                last_transition_time: Some(now.clone()),
            }),
        }
    }
    reconciliation
        .actions
        .push(Action::UpdateStatus(updated.into_object()));
    if ready_status(node) == Some("True") {
        let name = node.metadata.name_str();
        reconciliation.actions.push(Action::Event(event(
            ObjectKey::cluster(kubeplay_model::Kind::Node, name),
            EventType::Normal,
            "NodeNotReady",
            format!("Node {name} status is now: NodeNotReady"),
            COMPONENT,
        )));
    }
    for pod in ctx.store.pods_on_node(node.metadata.name_str()) {
        if let Some(pod) = Pod::from_object(pod) {
            mark_pod_not_ready(pod, &now, reconciliation);
        }
    }
}

fn mark_pod_not_ready(pod: &Pod, now: &Time, reconciliation: &mut Reconciliation) {
    let ready = pod
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|conditions| conditions.iter().find(|c| c.type_ == "Ready"));
    let Some(ready) = ready else {
        return;
    };
    if ready.status == "False" {
        return;
    }
    let mut updated = pod.clone();
    let status = updated.status.get_or_insert_with(Default::default);
    let (reason, message) = (ready.reason.clone(), ready.message.clone());
    set_pod_condition(
        status.conditions_mut(),
        "Ready",
        "False",
        reason.as_deref(),
        message.as_deref(),
        now,
    );
    let key = ObjectKey::new(
        kubeplay_model::Kind::Pod,
        pod.metadata.namespace_str(),
        pod.metadata.name_str(),
    );
    reconciliation
        .actions
        .push(Action::UpdateStatus(updated.into_object()));
    reconciliation.actions.push(Action::Event(event(
        key,
        EventType::Warning,
        "NodeNotReady",
        "Node is not ready".into(),
        COMPONENT,
    )));
}

/// The node's taints with the managed ones recomputed from its conditions and
/// `spec.unschedulable`; a taint that stays keeps its `timeAdded`.
fn desired_taints(node: &Node, now: &Time) -> Vec<Taint> {
    let current: Vec<Taint> = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let mut wanted: Vec<(&str, &str)> = Vec::new();
    match ready_status(node) {
        Some("False") => wanted.extend([
            (TAINT_NOT_READY, "NoExecute"),
            (TAINT_NOT_READY, "NoSchedule"),
        ]),
        Some("Unknown") => wanted.extend([
            (TAINT_UNREACHABLE, "NoExecute"),
            (TAINT_UNREACHABLE, "NoSchedule"),
        ]),
        _ => {}
    }
    if node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
    {
        wanted.push((TAINT_UNSCHEDULABLE, "NoSchedule"));
    }
    let mut taints: Vec<Taint> = current
        .iter()
        .filter(|taint| {
            !MANAGED_TAINTS.contains(&taint.key.as_str())
                || wanted
                    .iter()
                    .any(|(key, effect)| taint.key == *key && taint.effect == *effect)
        })
        .cloned()
        .collect();
    for (key, effect) in wanted {
        if !taints.iter().any(|t| t.key == key && t.effect == effect) {
            taints.push(Taint {
                key: key.into(),
                effect: effect.into(),
                time_added: (effect == "NoExecute").then(|| now.clone()),
                value: None,
            });
        }
    }
    taints
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{NodeSpec, NodeStatus};

    use super::*;

    fn node(ready: &str, unschedulable: bool, taints: Vec<Taint>) -> Node {
        Node {
            spec: Some(NodeSpec {
                unschedulable: unschedulable.then_some(true),
                taints: Some(taints),
                ..NodeSpec::default()
            }),
            status: Some(NodeStatus {
                conditions: Some(vec![NodeCondition {
                    type_: "Ready".into(),
                    status: ready.into(),
                    ..NodeCondition::default()
                }]),
                ..NodeStatus::default()
            }),
            ..Node::default()
        }
    }

    fn keys(taints: &[Taint]) -> Vec<String> {
        taints
            .iter()
            .map(|t| format!("{}:{}", t.key, t.effect))
            .collect()
    }

    #[test]
    fn taints_follow_conditions_and_cordoning() {
        let now = Time(jiff::Timestamp::UNIX_EPOCH);
        let foreign = Taint {
            key: "dedicated".into(),
            effect: "NoSchedule".into(),
            ..Taint::default()
        };
        let unknown = desired_taints(&node("Unknown", false, vec![foreign.clone()]), &now);
        assert_eq!(
            keys(&unknown),
            [
                "dedicated:NoSchedule",
                "node.kubernetes.io/unreachable:NoExecute",
                "node.kubernetes.io/unreachable:NoSchedule"
            ]
        );
        assert!(unknown[1].time_added.is_some() && unknown[2].time_added.is_none());
        let recovered = desired_taints(&node("True", true, unknown), &now);
        assert_eq!(
            keys(&recovered),
            [
                "dedicated:NoSchedule",
                "node.kubernetes.io/unschedulable:NoSchedule"
            ]
        );
    }
}
