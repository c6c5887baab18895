//! The playground's own limits, beyond those of a real API server: a workload may not ask for
//! more replicas than the tab can simulate, and the cluster holds no more pods than the tab's
//! memory budget. Refused at the API server, so `apply`, `create`, `edit` and `scale` all
//! answer alike, with a `Forbidden` error naming the cap (and a controller whose pod create is
//! refused records `FailedCreate` with it, as it does for a ResourceQuota).

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::ReplicationController;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{ApiError, Object};

use crate::store::Store;

/// Most replicas one Deployment, ReplicaSet, ReplicationController or StatefulSet may ask for. Each replica is a pod
/// with its containers, events and timers in the tab's memory. The cap is KWOK's advertised
/// scale (100,000 pods), the largest run the scale benchmark is meant to reach; a learner who
/// types an extra zero is answered at once instead of freezing the tab.
pub const MAX_REPLICAS: i32 = 100_000;

pub fn check_replicas(object: &Object) -> Result<(), ApiError> {
    let replicas = match object {
        Object::Deployment(o) => o.spec.as_ref().and_then(|s| s.replicas),
        Object::ReplicaSet(o) => o.spec.as_ref().and_then(|s| s.replicas),
        Object::ReplicationController(o) => o.spec.as_ref().and_then(|s| s.replicas),
        Object::StatefulSet(o) => o.spec.as_ref().and_then(|s| s.replicas),
        _ => None,
    };
    match replicas {
        Some(replicas) if replicas > MAX_REPLICAS => Err(ApiError::Forbidden {
            kind: object.kind(),
            name: object.name().to_string(),
            detail: format!(
                "the playground runs at most {MAX_REPLICAS} replicas per workload, not {replicas}"
            ),
        }),
        _ => Ok(()),
    }
}

/// Most pods the cluster holds at once: the tab's memory budget. A pod with its containers,
/// events and timers costs the tab a few kilobytes; this is one workload at the replica cap
/// plus a rolling update's default 25% surge and room for everything else, and well below
/// what exhausts a tab's WebAssembly memory. A page that would pass it refuses the write
/// instead of crashing out of memory.
pub const MAX_PODS: usize = 150_000;

/// The pod budget, checked on every write that could grow the cluster's pods: creating a
/// pod, and creating or scaling up a Deployment, StatefulSet or stand-alone ReplicaSet so
/// that the replicas the workloads ask for together would pass [`MAX_PODS`].
pub fn check_pod_budget(
    store: &Store,
    current: Option<&Object>,
    object: &Object,
) -> Result<(), ApiError> {
    let refuse = |detail: String| {
        Err(ApiError::Forbidden {
            kind: object.kind(),
            name: object.name().to_string(),
            detail,
        })
    };
    if let (Object::Pod(_), None) = (object, current) {
        if store.pod_count() >= MAX_PODS {
            return refuse(format!(
                "the playground holds at most {MAX_PODS} pods at once, to keep within the tab's memory"
            ));
        }
        return Ok(());
    }
    let wanted = |object: &Object| counted_replicas(object).unwrap_or(0);
    let Some(new) = counted_replicas(object) else {
        return Ok(());
    };
    let old = current.map(wanted).unwrap_or(0);
    if new <= old {
        return Ok(());
    }
    let others = desired_pods(store).saturating_sub(old);
    let total = others.saturating_add(new);
    if total > MAX_PODS as u64 {
        return refuse(format!(
            "the playground holds at most {MAX_PODS} pods at once, to keep within the tab's memory, and its workloads would ask for {total}"
        ));
    }
    Ok(())
}

/// The replicas a workload asks for that count towards the budget: a Deployment's, a
/// StatefulSet's, a ReplicationController's, and a ReplicaSet's that no Deployment owns
/// (its Deployment counts it).
fn counted_replicas(object: &Object) -> Option<u64> {
    let replicas = match object {
        Object::Deployment(o) => o.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
        Object::StatefulSet(o) => o.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
        Object::ReplicationController(o) => o.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
        Object::ReplicaSet(o) if o.metadata.controller_ref().is_none() => {
            o.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
        }
        _ => return None,
    };
    Some(u64::try_from(replicas).unwrap_or(0))
}

/// What every workload in the store asks for together (a scan of the workloads, done only
/// when a write would grow one).
fn desired_pods(store: &Store) -> u64 {
    let count = |replicas: Option<i32>| u64::try_from(replicas.unwrap_or(1)).unwrap_or(0);
    let deployments = store
        .list_typed::<Deployment>(None)
        .map(|d| count(d.spec.as_ref().and_then(|s| s.replicas)));
    let stateful_sets = store
        .list_typed::<StatefulSet>(None)
        .map(|s| count(s.spec.as_ref().and_then(|s| s.replicas)));
    let replica_sets = store
        .list_typed::<ReplicaSet>(None)
        .filter(|r| r.metadata.controller_ref().is_none())
        .map(|r| count(r.spec.as_ref().and_then(|s| s.replicas)));
    let replication_controllers = store
        .list_typed::<ReplicationController>(None)
        .map(|r| count(r.spec.as_ref().and_then(|s| s.replicas)));
    deployments
        .chain(stateful_sets)
        .chain(replica_sets)
        .chain(replication_controllers)
        .sum()
}
