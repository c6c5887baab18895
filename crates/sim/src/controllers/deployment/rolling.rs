//! The RollingUpdate strategy (`rolling.go`): scale the new ReplicaSet up within maxSurge and
//! the old ones down within maxUnavailable.

use super::{Sync, available_replicas, spec_replicas};

impl<'a> Sync<'a> {
    pub(super) fn rollout_rolling(&mut self) {
        let Some(new_index) = self.ensure_new_replica_set(true) else {
            self.compute_status();
            return;
        };
        if self.reconcile_new_replica_set(new_index) || self.reconcile_old_replica_sets(new_index) {
            self.sync_rollout_status();
            return;
        }
        if self.is_complete() {
            self.cleanup_history();
        }
        self.sync_rollout_status();
    }

    pub(super) fn reconcile_new_replica_set(&mut self, new_index: usize) -> bool {
        let replicas = self.replicas();
        let current = spec_replicas(&self.replica_sets[new_index]);
        if current == replicas {
            return false;
        }
        if current > replicas {
            return self.scale(new_index, replicas);
        }
        let target = self.new_rs_new_replicas(&self.replica_sets[new_index]);
        self.scale(new_index, target)
    }

    pub(super) fn reconcile_old_replica_sets(&mut self, new_index: usize) -> bool {
        let old: Vec<usize> = self
            .old_indexes()
            .into_iter()
            .filter(|i| spec_replicas(&self.replica_sets[*i]) > 0)
            .collect();
        let old_count: i32 = old
            .iter()
            .map(|i| spec_replicas(&self.replica_sets[*i]))
            .sum();
        if old_count == 0 {
            return false;
        }
        let all_count = self.total_spec_replicas();
        let min_available = self.replicas() - self.max_unavailable();
        let new_rs = &self.replica_sets[new_index];
        let new_unavailable = spec_replicas(new_rs) - available_replicas(new_rs);
        let max_scaled_down = all_count - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        // First remove old pods that are not available anyway.
        let mut cleaned = 0;
        let mut scaled = false;
        for index in &old {
            if cleaned >= max_scaled_down {
                break;
            }
            let rs = &self.replica_sets[*index];
            let (spec, available) = (spec_replicas(rs), available_replicas(rs));
            if spec <= available {
                continue;
            }
            let down = (max_scaled_down - cleaned).min(spec - available);
            cleaned += down;
            scaled |= self.scale(*index, spec - down);
        }
        // Then scale down while keeping the minimum available.
        let available: i32 = self
            .replica_sets
            .iter()
            .map(|rs| available_replicas(rs))
            .sum();
        if available > min_available {
            let mut budget = available - min_available;
            for index in &old {
                if budget <= 0 {
                    break;
                }
                let spec = spec_replicas(&self.replica_sets[*index]);
                if spec == 0 {
                    continue;
                }
                let down = spec.min(budget);
                budget -= down;
                scaled |= self.scale(*index, spec - down);
            }
        }
        scaled
    }
}
