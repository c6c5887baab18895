//! The machines under the cluster: which node has a kubelet, whether it is running, and
//! when it last renewed its Lease — what the node lifecycle controller judges nodes by.
//!
//! Kubelets renew their Lease every 10 s. Rather than writing 100 Lease updates per second
//! for 1,000 nodes, renewals are implicit: a running kubelet is always fresh, and a stopped
//! one last renewed at the 10 s mark before it stopped.

pub mod machine;

use std::collections::BTreeMap;

use crate::clock::Millis;
pub use machine::{Capacity, Machine, Role};

/// `nodeLeaseDurationSeconds` / renew interval of the kubelet's Lease (kubelet default 40 s / 10 s).
pub const LEASE_RENEW_INTERVAL_MS: Millis = 10_000;
/// `--node-monitor-period` of kube-controller-manager.
pub const NODE_MONITOR_PERIOD_MS: Millis = 5_000;
/// `--node-monitor-grace-period`: 50 s from Kubernetes 1.32 (40 s before).
pub const NODE_MONITOR_GRACE_PERIOD_MS: Millis = 50_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KubeletState {
    Running,
    Stopped { since_ms: Millis },
}

/// The kubelets of every machine, by node name.
#[derive(Clone, Debug, Default)]
pub struct NodeAgents {
    cluster_name: String,
    kubelets: BTreeMap<String, KubeletState>,
    /// Machines ever added: indexes (and so IPs and pod CIDRs) are never reused.
    machines_created: usize,
}

impl NodeAgents {
    pub fn new(cluster_name: &str) -> NodeAgents {
        NodeAgents {
            cluster_name: cluster_name.to_string(),
            ..NodeAgents::default()
        }
    }

    pub fn cluster_name(&self) -> &str {
        &self.cluster_name
    }

    /// A machine's kubelet joins (running).
    pub fn register(&mut self, machine: &Machine) {
        self.machines_created = self.machines_created.max(machine.index + 1);
        self.kubelets
            .insert(machine.name.clone(), KubeletState::Running);
    }

    /// Forgets a machine whose node was deleted: its kubelet no longer belongs to the cluster.
    pub fn unregister(&mut self, name: &str) {
        self.kubelets.remove(name);
    }

    pub fn next_index(&self) -> usize {
        self.machines_created
    }

    /// How many machines belong to the cluster now.
    pub fn count(&self) -> usize {
        self.kubelets.len()
    }

    pub fn has_machine(&self, name: &str) -> bool {
        self.kubelets.contains_key(name)
    }

    pub fn state(&self, name: &str) -> Option<KubeletState> {
        self.kubelets.get(name).copied()
    }

    pub fn set_state(&mut self, name: &str, state: KubeletState) {
        if let Some(current) = self.kubelets.get_mut(name) {
            *current = state;
        }
    }

    /// Whether a kubelet is running on `name` (nodes created by hand have none).
    pub fn is_running(&self, name: &str) -> bool {
        self.state(name) == Some(KubeletState::Running)
    }

    /// When the node's Lease was last renewed, for a kubelet that is not running; `None`
    /// while it runs (always fresh) or if the node never had a kubelet.
    pub fn last_renewal_ms(&self, name: &str) -> Option<Millis> {
        match self.state(name)? {
            KubeletState::Running => None,
            KubeletState::Stopped { since_ms } => {
                Some(since_ms - since_ms % LEASE_RENEW_INTERVAL_MS)
            }
        }
    }
}

/// The first node-monitor pass that finds a heartbeat from `probe_ms` older than the grace
/// period (`now.After(probeTimestamp.Add(gracePeriod))`: strictly later).
pub fn unreachable_detected_at(probe_ms: Millis) -> Millis {
    let deadline = probe_ms + NODE_MONITOR_GRACE_PERIOD_MS;
    (deadline / NODE_MONITOR_PERIOD_MS + 1) * NODE_MONITOR_PERIOD_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_kubelet_is_noticed_after_the_grace_period() {
        // Stopped at 12.3 s: last renewal at 10 s, grace ends at 60 s, next pass at 65 s.
        let mut agents = NodeAgents::new("kind");
        agents.register(&Machine {
            name: "kind-worker".into(),
            role: Role::Worker,
            labels: BTreeMap::new(),
            capacity: Capacity::default(),
            index: 1,
            single: false,
        });
        assert_eq!(agents.last_renewal_ms("kind-worker"), None);
        agents.set_state("kind-worker", KubeletState::Stopped { since_ms: 12_300 });
        let renewed = agents.last_renewal_ms("kind-worker");
        assert_eq!(renewed, Some(10_000));
        assert_eq!(unreachable_detected_at(10_000), 65_000);
        assert_eq!(unreachable_detected_at(12_000), 65_000);
        assert_eq!(agents.next_index(), 2);
    }
}
