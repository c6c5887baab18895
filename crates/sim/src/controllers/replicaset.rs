//! The ReplicaSet controller (`pkg/controller/replicaset`): adopt and release pods by selector,
//! create or delete pods towards `spec.replicas` (deleting the least valuable first), and
//! report status.

use std::cmp::Ordering;
use std::collections::HashMap;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetSpec, ReplicaSetStatus};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::pods::pod_from_template;
use super::{Action, Context, CreatedEvent, Reconciliation, controller_ref, is_controlled_by};
use super::{Controller, Reconcile, Watch};
use crate::store::WatchEvent;
use kubeplay_model::pod::{
    is_active, is_available, is_ready, phase, ready_since, seconds_until_available,
};

/// Pods created or deleted per sync at most (`BurstReplicas`).
const BURST_REPLICAS: usize = 500;
const COMPONENT: &str = "replicaset-controller";

/// ReplicaSets, through the pods they own.
pub static CONTROLLER: Controller = Controller {
    name: "replicaset",
    reconciles: Some(Kind::ReplicaSet),
    owns: &[Kind::Pod],
    watches: orphan_pods,
    reconcile: Reconcile::Stateless(reconcile),
};

/// An orphan pod: any ReplicaSet of its namespace may adopt it.
fn orphan_pods(event: &WatchEvent, watch: &mut Watch) {
    if let Object::Pod(pod) = &event.object
        && !event.deleted()
        && pod.metadata.controller_ref().is_none()
        && !pod.metadata.is_deleting()
    {
        watch.wake_every(Kind::ReplicaSet, Some(pod.metadata.namespace_str()));
    }
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let Some(rs) = ctx.store.get_typed::<ReplicaSet>(&key.namespace, &key.name) else {
        return result;
    };
    let rs_object = rs.clone().into_object();
    let spec = rs.spec.clone().unwrap_or_default();
    let Ok(selector) = Selector::from_label_selector(Some(&spec.selector)) else {
        return result;
    };
    let pods = claim_pods(&rs_object, &selector, ctx, &mut result);
    let active: Vec<&Pod> = pods.iter().copied().filter(|pod| is_active(pod)).collect();
    let desired = usize::try_from(spec.replicas.unwrap_or(1).max(0)).unwrap_or(0);
    if !rs.metadata.is_deleting() {
        if active.len() < desired {
            if let Some(template) = &spec.template {
                let missing = (desired - active.len()).min(BURST_REPLICAS);
                result
                    .actions
                    .push(create_pods(key, &rs_object, template, missing));
            }
        } else if active.len() > desired {
            let excess = (active.len() - desired).min(BURST_REPLICAS);
            for pod in pods_to_delete(&active, excess, rs, ctx) {
                result
                    .actions
                    .push(Action::delete_owned_pod(key, pod, COMPONENT));
            }
        }
    }
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    let status = calculate_status(rs, &spec, &active, ctx);
    if min_ready > 0
        && let Some(wait) = active
            .iter()
            .filter_map(|pod| seconds_until_available(pod, min_ready, ctx.clock.now()))
            .min()
    {
        result.requeue_within(u64::try_from(wait).unwrap_or(1) * 1000);
    }
    result.update_status(rs, status);
    result
}

/// `count` new pods from the template, in slow-start batches.
fn create_pods(key: &ObjectKey, rs: &Object, template: &PodTemplateSpec, count: usize) -> Action {
    let creates = (0..count)
        .map(|_| Action::Create {
            object: Object::Pod(pod_from_template(template, rs)),
            event: CreatedEvent::pod(key, COMPONENT),
        })
        .collect();
    Action::SlowStart {
        owner: key.clone(),
        component: COMPONENT,
        creates,
    }
}

/// `calculateStatus`: the active pods, those labelled as the template is, ready, available.
fn calculate_status(
    rs: &ReplicaSet,
    spec: &ReplicaSetSpec,
    active: &[&Pod],
    ctx: &Context,
) -> ReplicaSetStatus {
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    let template_labels = spec
        .template
        .as_ref()
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.clone());
    let template_selector = template_labels
        .as_ref()
        .map(Selector::from_labels)
        .unwrap_or_default();
    let count = |predicate: &dyn Fn(&Pod) -> bool| {
        i32::try_from(active.iter().filter(|pod| predicate(pod)).count()).unwrap_or(i32::MAX)
    };
    ReplicaSetStatus {
        replicas: count(&|_| true),
        fully_labeled_replicas: Some(count(&|pod| {
            template_selector.matches(pod.metadata.labels.as_ref())
        })),
        ready_replicas: Some(count(&is_ready)),
        available_replicas: Some(count(&|pod| is_available(pod, min_ready, ctx.clock.now()))),
        observed_generation: rs.metadata.generation,
        conditions: None,
        terminating_replicas: None,
    }
}

/// Owned pods that still match, plus orphans that match (adopted); owned pods that no longer
/// match are released.
fn claim_pods<'a>(
    rs: &Object,
    selector: &Selector,
    ctx: &'a Context,
    result: &mut Reconciliation,
) -> Vec<&'a Pod> {
    let mut claimed = Vec::new();
    for object in ctx.store.dependents_of(rs.uid()) {
        let Object::Pod(pod) = object else { continue };
        if !is_controlled_by(&pod.metadata, rs.uid()) {
            continue;
        }
        if selector.matches(pod.metadata.labels.as_ref()) {
            claimed.push(pod);
        } else if !rs.meta().is_deleting() {
            let mut released = pod.clone();
            if let Some(owners) = released.metadata.owner_references.as_mut() {
                owners.retain(|owner| owner.uid != rs.uid());
            }
            result.actions.push(Action::Update(released.into_object()));
        }
    }
    if !rs.meta().is_deleting() && !selector.is_empty() {
        for pod in ctx.store.orphan_pods(rs.namespace()) {
            if !pod.metadata.is_deleting() && selector.matches(pod.metadata.labels.as_ref()) {
                let mut adopted = pod.clone();
                adopted
                    .metadata
                    .owner_references
                    .get_or_insert_with(Vec::new)
                    .push(controller_ref(rs));
                result.actions.push(Action::Update(adopted.into_object()));
                claimed.push(pod);
            }
        }
    }
    claimed
}

/// `getPodsToDelete`: rank pods as `ActivePodsWithRanks` does and take the first `count`.
fn pods_to_delete<'a>(
    active: &[&'a Pod],
    count: usize,
    rs: &ReplicaSet,
    ctx: &Context,
) -> Vec<&'a Pod> {
    if count >= active.len() {
        return active.to_vec();
    }
    // Rank = how many related pods (of any ReplicaSet of the same owner) share the node.
    let owner_uid = rs.metadata.controller_ref().map(|o| o.uid.clone());
    let mut per_node: HashMap<&str, usize> = HashMap::new();
    let related: Vec<&Pod> = match &owner_uid {
        Some(owner) => ctx
            .store
            .dependents_of(owner)
            .filter_map(|o| ReplicaSet::from_object(o))
            .flat_map(|sibling| ctx.store.dependents_of(sibling.metadata.uid_str()))
            .filter_map(|o| Pod::from_object(o))
            .filter(|pod| is_active(pod))
            .collect(),
        None => active.to_vec(),
    };
    for pod in &related {
        if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            *per_node.entry(node).or_default() += 1;
        }
    }
    let rank = |pod: &Pod| {
        pod.spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .and_then(|n| per_node.get(n))
            .copied()
            .unwrap_or(0)
    };
    let mut ranked: Vec<(&Pod, usize)> = active.iter().map(|pod| (*pod, rank(pod))).collect();
    ranked
        .sort_by(|(a, rank_a), (b, rank_b)| delete_order(a, *rank_a, b, *rank_b, ctx.clock.now()));
    ranked.into_iter().take(count).map(|(pod, _)| pod).collect()
}

/// `ActivePodsWithRanks.Less`: `Less` means "delete first".
fn delete_order(a: &Pod, rank_a: usize, b: &Pod, rank_b: usize, now: Timestamp) -> Ordering {
    let scheduled = |pod: &Pod| {
        pod.spec
            .as_ref()
            .and_then(|s| s.node_name.as_ref())
            .is_some()
    };
    let phase_rank = |pod: &Pod| match phase(pod) {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
    let cost = |pod: &Pod| {
        pod.metadata
            .annotation("controller.kubernetes.io/pod-deletion-cost")
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let restarts = |pod: &Pod| {
        pod.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .map_or(0, |statuses| {
                statuses.iter().map(|c| c.restart_count).max().unwrap_or(0)
            })
    };
    scheduled(a)
        .cmp(&scheduled(b))
        .then(phase_rank(a).cmp(&phase_rank(b)))
        .then(is_ready(a).cmp(&is_ready(b)))
        .then(cost(a).cmp(&cost(b)))
        .then(rank_b.cmp(&rank_a))
        .then_with(|| {
            if is_ready(a) && is_ready(b) {
                // More recently ready first, by logarithmic age bucket, then UID.
                compare_recent(ready_since(a), ready_since(b), now)
                    .then_with(|| a.metadata.uid_str().cmp(b.metadata.uid_str()))
            } else {
                Ordering::Equal
            }
        })
        .then(restarts(b).cmp(&restarts(a)))
        .then_with(|| {
            let created = |pod: &Pod| pod.metadata.creation_timestamp.as_ref().map(|t| t.0);
            compare_recent(created(a), created(b), now)
                .then_with(|| a.metadata.uid_str().cmp(b.metadata.uid_str()))
        })
}

/// Newer first, comparing `floor(log2(age))` buckets as LogarithmicScaleDown does.
fn compare_recent(a: Option<Timestamp>, b: Option<Timestamp>, now: Timestamp) -> Ordering {
    let bucket = |t: Option<Timestamp>| -> i64 {
        match t {
            None => -2,
            Some(t) => {
                let age = (now.as_nanosecond() - t.as_nanosecond()).max(0);
                if age <= 0 {
                    -1
                } else {
                    i64::from(127 - (age as u128).leading_zeros() as i32)
                }
            }
        }
    };
    bucket(a).cmp(&bucket(b))
}
