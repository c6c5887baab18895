//! A DaemonSet's rolling update (`pkg/controller/daemon/update.go`): without surge an old pod
//! is deleted and replaced once it is gone, at most maxUnavailable nodes at a time; with
//! maxSurge a new pod starts beside the old one, which goes once the new one is available.

use k8s_openapi::api::apps::v1::DaemonSetSpec;
use kubeplay_model::Pod;

use super::{Sync, budget, count_pod, scaled};

/// (maxSurge, maxUnavailable) over `desired` nodes. `maxSurge` is GA since 1.25; validation
/// makes it exclusive with maxUnavailable, which is at least 1 without surge.
pub(super) fn limits(spec: &DaemonSetSpec, rolling: bool, desired: i32) -> (i32, i32) {
    let rolling_update = spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref());
    let max_unavailable = scaled(
        rolling_update.and_then(|r| r.max_unavailable.as_ref()),
        desired,
    )
    .unwrap_or(1);
    let max_surge = scaled(rolling_update.and_then(|r| r.max_surge.as_ref()), desired).unwrap_or(0);
    if rolling && max_surge > 0 {
        (max_surge, max_unavailable)
    } else {
        (max_surge, max_unavailable.max(i32::from(desired > 0)))
    }
}

impl<'a> Sync<'a> {
    /// Without surge: the node's oldest pod serves it, extras go; an old pod that is not
    /// available is replaced at once, an available one waits for the budget.
    pub(super) fn replace_node(&mut self, pods: &[&'a Pod]) {
        let oldest = pods[0];
        for extra in &pods[1..] {
            self.delete(extra);
        }
        let updated = self.is_updated(oldest);
        let available = self.is_available(oldest);
        count_pod(&mut self.status, oldest, updated, available);
        if available {
            if !updated {
                self.replace_candidates.push(oldest);
            }
        } else {
            self.unavailable += 1;
            if !updated && self.rolling {
                self.delete(oldest);
            }
        }
    }

    /// With surge: one new and (until it is available) one old pod per node; others go.
    pub(super) fn surge_node(&mut self, node_name: &str, pods: &[&'a Pod]) {
        let (new_pods, old_pods): (Vec<&Pod>, Vec<&Pod>) =
            pods.iter().copied().partition(|pod| self.is_updated(pod));
        for extra in new_pods.iter().skip(1).chain(old_pods.iter().skip(1)) {
            self.delete(extra);
        }
        match (new_pods.first(), old_pods.first()) {
            (Some(new), old) => {
                let available = self.is_available(new);
                if let Some(old) = old {
                    if available {
                        self.delete(old);
                    } else {
                        self.surges_in_flight += 1;
                    }
                }
                count_pod(&mut self.status, new, true, available);
                if !available && old.is_none_or(|o| !self.is_available(o)) {
                    self.unavailable += 1;
                }
            }
            (None, Some(old)) => {
                let available = self.is_available(old);
                count_pod(&mut self.status, old, false, available);
                if available {
                    self.surge_candidates.push(node_name.to_string());
                } else {
                    // An old pod that is not serving anyway is replaced at once.
                    self.unavailable += 1;
                    self.create_on(node_name);
                }
            }
            (None, None) => {}
        }
    }

    /// New pods beside available old ones, as many as maxSurge allows.
    pub(super) fn surge(&mut self) {
        if !self.surging() {
            return;
        }
        let nodes = std::mem::take(&mut self.surge_candidates);
        for node_name in nodes
            .iter()
            .take(budget(self.max_surge, self.surges_in_flight))
        {
            self.create_on(node_name);
        }
    }

    /// Available old pods deleted, as many as maxUnavailable allows.
    pub(super) fn rolling_update(&mut self) {
        if !self.rolling || self.surging() {
            return;
        }
        let candidates = std::mem::take(&mut self.replace_candidates);
        for pod in candidates
            .into_iter()
            .take(budget(self.max_unavailable, self.unavailable))
        {
            self.delete(pod);
        }
    }
}
