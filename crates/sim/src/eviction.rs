//! The `pods/eviction` subresource (`pkg/registry/core/pod/storage/eviction.go`): a delete
//! that first asks the pod's PodDisruptionBudget. `kubectl drain` evicts through it.

use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{ApiError, Kind, Object, ObjectKey, Pod, Typed};

use crate::api::{ApiServer, DeleteOptions};
use crate::controllers::{disruption, pods};

const VIOLATION: &str = "Cannot evict pod as it would violate the pod's disruption budget.";

impl ApiServer {
    /// Evicts a pod: deletes it (gracefully, with `grace_period_seconds` if given) unless
    /// that would take its budget below the healthy pods it must keep.
    pub fn evict(
        &mut self,
        key: &ObjectKey,
        grace_period_seconds: Option<i64>,
    ) -> Result<Object, ApiError> {
        let Some(Object::Pod(pod)) = self.store.get(key).cloned() else {
            return Err(ApiError::not_found(Kind::Pod, &key.name));
        };
        let options = DeleteOptions {
            propagation: None,
            grace_period_seconds,
        };
        // Finished, pending or already terminating pods cannot be disrupted any further.
        let ignores_budget = pod.metadata.is_deleting()
            || matches!(
                kubeplay_model::pod::phase(&pod),
                "Succeeded" | "Failed" | "Pending"
            );
        if !ignores_budget {
            let budgets = self.budgets_of(&pod);
            match budgets.as_slice() {
                [] => {}
                [budget] => self.take_disruption(budget, &pod)?,
                _ => {
                    return Err(ApiError::InternalError(
                        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".into(),
                    ));
                }
            }
        }
        self.mark_disruption_target(&pod);
        self.delete(key, options)
    }

    fn budgets_of(&self, pod: &Pod) -> Vec<PodDisruptionBudget> {
        self.store
            .list_typed::<PodDisruptionBudget>(Some(pod.metadata.namespace_str()))
            .filter(|pdb| disruption::selects(pdb, pod))
            .cloned()
            .collect()
    }

    /// `checkAndDecrement`: uses up one allowed disruption, recording the pod as disrupted
    /// until the disruption controller sees it go.
    fn take_disruption(&mut self, pdb: &PodDisruptionBudget, pod: &Pod) -> Result<(), ApiError> {
        let status = pdb.status.clone().unwrap_or_default();
        let unhealthy_may_go = !kubeplay_model::pod::is_ready(pod)
            && match pdb
                .spec
                .as_ref()
                .and_then(|s| s.unhealthy_pod_eviction_policy.as_deref())
            {
                Some("AlwaysAllow") => true,
                _ => status.current_healthy >= status.desired_healthy && status.desired_healthy > 0,
            };
        if unhealthy_may_go {
            return Ok(());
        }
        if status.observed_generation.unwrap_or(0) < pdb.metadata.generation.unwrap_or(1)
            || status.disruptions_allowed <= 0
        {
            return Err(ApiError::TooManyRequests(VIOLATION.into()));
        }
        let mut updated = pdb.clone();
        let status = updated.status.get_or_insert_with(Default::default);
        status.disruptions_allowed -= 1;
        status
            .disrupted_pods
            .get_or_insert_with(Default::default)
            .insert(pod.metadata.name_str().to_string(), self.clock.now_time());
        self.update_status(updated.into_object()).map(|_| ())
    }

    fn mark_disruption_target(&mut self, pod: &Pod) {
        let marked = pods::with_disruption_target(
            pod,
            "EvictionByEvictionAPI",
            "Eviction API: evicting",
            &self.clock.now_time(),
        );
        let _ = self.update_status(marked.into_object());
    }
}
