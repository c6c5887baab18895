//! A StatefulSet's rolling update: once every replica is healthy the highest outdated one is
//! replaced, down to the partition; with the `MaxUnavailableStatefulSet` gate, up to
//! `maxUnavailable` at once. OnDelete leaves outdated pods to the user.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_model::Pod;
use kubeplay_model::intstr::scaled_value;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::{is_available, phase};

use super::{Sync, healthy};

impl<'a> Sync<'a> {
    pub(super) fn rolling_update(&mut self) {
        if self.on_delete() || self.blocked {
            return;
        }
        if self.ctx.features.max_unavailable_stateful_set() {
            for pod in self.max_unavailable_victims() {
                self.delete(pod);
            }
            return;
        }
        let all_healthy = self
            .ordinals()
            .all(|n| self.owned.get(&n).is_some_and(|pod| healthy(pod)));
        if !all_healthy {
            return;
        }
        let outdated = (self.start + self.partition()..self.start + self.replicas)
            .rev()
            .filter_map(|n| self.owned.get(&n).copied())
            .find(|pod| !self.is_updated(pod));
        if let Some(pod) = outdated {
            self.delete(pod);
        }
    }

    /// `getStatefulSetMaxUnavailable`: the value scaled to the replicas, rounded down, at
    /// least 1.
    fn max_unavailable(&self) -> i32 {
        let value = self
            .spec
            .update_strategy
            .as_ref()
            .and_then(|u| u.rolling_update.as_ref())
            .and_then(|r| r.max_unavailable.clone())
            .unwrap_or(IntOrString::Int(1));
        scaled_value(&value, self.replicas, false)
            .unwrap_or(1)
            .max(1)
    }

    /// `updateStatefulSetAfterInvariantEstablished`: with U replicas unavailable (missing,
    /// not running and available for minReadySeconds, or terminating), up to
    /// `maxUnavailable - U` outdated pods, highest ordinal first, down to the partition.
    fn max_unavailable_victims(&self) -> Vec<&'a Pod> {
        let min_ready = self.spec.min_ready_seconds.unwrap_or(0);
        let now = self.ctx.clock.now();
        let unavailable = self
            .ordinals()
            .filter(|n| {
                self.owned.get(n).is_none_or(|pod| {
                    phase(pod) != "Running"
                        || !is_available(pod, min_ready, now)
                        || pod.metadata.is_deleting()
                })
            })
            .count();
        let budget = usize::try_from(self.max_unavailable())
            .unwrap_or(1)
            .saturating_sub(unavailable);
        (self.start + self.partition()..self.start + self.replicas)
            .rev()
            .filter_map(|n| self.owned.get(&n).copied())
            .filter(|pod| !self.is_updated(pod) && !pod.metadata.is_deleting())
            .take(budget)
            .collect()
    }
}
