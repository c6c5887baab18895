//! The Recreate strategy (`recreate.go`): scale every old ReplicaSet to zero, wait for their
//! pods to be gone, then scale the new one up.

use kubeplay_model::Object;
use kubeplay_model::object::MetaExt;

use super::{Sync, spec_replicas};

impl<'a> Sync<'a> {
    pub(super) fn rollout_recreate(&mut self) {
        let mut new_index = self.ensure_new_replica_set(false);
        let mut scaled_down = false;
        for index in self.old_indexes() {
            if spec_replicas(&self.replica_sets[index]) > 0 {
                scaled_down |= self.scale(index, 0);
            }
        }
        if scaled_down || self.old_pods_running(new_index) {
            self.sync_rollout_status();
            return;
        }
        if new_index.is_none() {
            new_index = self.ensure_new_replica_set(true);
        }
        if let Some(index) = new_index {
            let replicas = self.replicas();
            self.scale(index, replicas);
        }
        if self.is_complete() {
            self.cleanup_history();
        }
        self.sync_rollout_status();
    }

    pub(super) fn old_pods_running(&self, new_index: Option<usize>) -> bool {
        self.replica_sets
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != new_index)
            .any(|(_, rs)| {
                rs.status.as_ref().is_some_and(|s| s.replicas > 0)
                    || self
                        .ctx
                        .store
                        .dependents_of(rs.metadata.uid_str())
                        .any(|o| match o {
                            Object::Pod(pod) => {
                                matches!(
                                    kubeplay_model::pod::phase(pod),
                                    "Pending" | "Running" | "Unknown"
                                )
                            }
                            _ => false,
                        })
            })
    }
}
