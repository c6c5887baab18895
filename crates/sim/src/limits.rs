//! The playground's own limits, beyond those of a real API server: a workload may not ask for
//! more replicas than the tab can simulate. Refused at the API server, so `apply`, `create`,
//! `edit` and `scale` all answer alike, with a `Forbidden` error naming the cap.

use kubeplay_model::{ApiError, Object};

/// Most replicas one Deployment, ReplicaSet or StatefulSet may ask for. Each replica is a pod
/// with its containers, events and timers in the tab's memory. The cap is KWOK's advertised
/// scale (100,000 pods), the largest run the scale benchmark is meant to reach; a learner who
/// types an extra zero is answered at once instead of freezing the tab.
pub const MAX_REPLICAS: i32 = 100_000;

pub fn check_replicas(object: &Object) -> Result<(), ApiError> {
    let replicas = match object {
        Object::Deployment(o) => o.spec.as_ref().and_then(|s| s.replicas),
        Object::ReplicaSet(o) => o.spec.as_ref().and_then(|s| s.replicas),
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
