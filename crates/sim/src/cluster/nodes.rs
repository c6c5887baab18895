//! What happens to the machines: a worker joins, a kubelet stops or starts again, a machine
//! is removed. These are the playground's levers (`kubeplay node …`); the control plane
//! only learns of them the way a real one would — through node status and Lease renewals.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Node;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{ApiError, Kind, Object, ObjectKey, Pod, Typed};

use super::{Cluster, TimerKind};
use crate::api::{DeleteOptions, EventRecord, EventType};
use crate::bootstrap::PRELOADED_IMAGES;
use crate::controllers::{ControllerId, node_lifecycle};
use crate::nodes::machine::kubelet_conditions;
use crate::nodes::{Capacity, KubeletState, Machine, Role};

/// What `kubeplay node add` asks for.
#[derive(Clone, Debug, Default)]
pub struct NewNode {
    /// kind's next free worker name if `None`.
    pub name: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub capacity: Capacity,
}

/// Why a node operation was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NodeError {
    #[error("node {0:?} not found")]
    NotFound(String),
    #[error("node {0:?} has no kubelet of the playground (it was created by hand)")]
    NoMachine(String),
    #[error("node {0:?} already exists")]
    AlreadyExists(String),
    #[error("the kubelet of node {0:?} is already stopped")]
    AlreadyStopped(String),
    #[error("the kubelet of node {0:?} is already running")]
    AlreadyRunning(String),
    #[error(
        "the playground runs at most {MAX_NODES} nodes: remove one (kubeplay node remove NAME) before adding another"
    )]
    TooManyNodes,
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// The playground's own cap on machines: each node costs a kubelet, its timers and its
/// heartbeats in the tab. 1,000 is KWOK's advertised scale, what 100,000 pods at a kind node's
/// 110 pods need, and what the scale benchmark runs.
pub const MAX_NODES: usize = 1_000;

/// How long a joining node takes from kubelet start to CNI ready (kindnet's first sync).
const NETWORK_READY_MS: (u64, u64) = (9_000, 14_000);

impl Cluster {
    /// A kind worker joins: its kubelet registers the node NotReady, then Ready once the
    /// network is up. Returns the node's name.
    pub fn add_node(&mut self, request: NewNode) -> Result<String, NodeError> {
        let name = match request.name {
            Some(name) => name,
            None => self.next_worker_name(),
        };
        if self
            .api
            .store
            .contains(&ObjectKey::cluster(Kind::Node, &name))
        {
            return Err(NodeError::AlreadyExists(name));
        }
        if self.nodes.count() >= MAX_NODES {
            return Err(NodeError::TooManyNodes);
        }
        let machine = Machine {
            name: name.clone(),
            role: Role::Worker,
            labels: request.labels,
            capacity: request.capacity,
            index: self.nodes.next_index(),
            single: false,
        };
        let now = self.api.clock.now_time();
        self.api
            .create(Object::Node(Box::new(machine.node(false, &now))), false)?;
        for image in PRELOADED_IMAGES {
            self.kubelets.preload_image(&name, image);
        }
        self.nodes.register(&machine);
        self.kubelet_event(&name, "Starting", "Starting kubelet.".into());
        self.kubelet_event(
            &name,
            "NodeAllocatableEnforced",
            "Updated Node Allocatable limit across pods".into(),
        );
        for condition in [
            "NodeHasSufficientMemory",
            "NodeHasNoDiskPressure",
            "NodeHasSufficientPID",
        ] {
            self.kubelet_event(
                &name,
                condition,
                format!("Node {name} status is now: {condition}"),
            );
        }
        self.api.record_event(EventRecord {
            regarding: ObjectKey::cluster(Kind::Node, &name),
            event_type: EventType::Normal,
            reason: "RegisteredNode",
            message: format!("Node {name} event: Registered Node {name} in Controller"),
            component: "node-controller",
            host: None,
            field_path: None,
            reported: None,
        });
        let delay = self.api.rng.between(NETWORK_READY_MS.0, NETWORK_READY_MS.1);
        self.schedule(delay, TimerKind::NodeNetworkReady(name.clone()));
        self.settle();
        Ok(name)
    }

    /// The node's kubelet stops (the machine hangs or loses its network): nothing on it
    /// changes any more and the control plane hears nothing until it starts again.
    pub fn stop_node(&mut self, name: &str) -> Result<(), NodeError> {
        match self.machine_state(name)? {
            KubeletState::Stopped { .. } => Err(NodeError::AlreadyStopped(name.into())),
            KubeletState::Running => {
                let since_ms = self.now_ms();
                self.nodes
                    .set_state(name, KubeletState::Stopped { since_ms });
                self.enqueue(
                    ControllerId(&node_lifecycle::CONTROLLER),
                    ObjectKey::cluster(Kind::Node, name),
                );
                self.settle();
                Ok(())
            }
        }
    }

    /// The kubelet starts again: it posts a fresh status, finishes what it left undone
    /// (pods deleted meanwhile go away) and reports its pods' real state.
    pub fn start_node(&mut self, name: &str) -> Result<(), NodeError> {
        if self.machine_state(name)? == KubeletState::Running {
            return Err(NodeError::AlreadyRunning(name.into()));
        }
        self.nodes.set_state(name, KubeletState::Running);
        self.kubelet_event(name, "Starting", "Starting kubelet.".into());
        self.kubelet_event(
            name,
            "NodeAllocatableEnforced",
            "Updated Node Allocatable limit across pods".into(),
        );
        self.post_node_ready(name);
        for timer in self.parked.remove(name).unwrap_or_default() {
            self.schedule(0, TimerKind::Kubelet(timer));
        }
        let pods: Vec<Pod> = self
            .api
            .store
            .pods_on_node(name)
            .filter_map(Pod::from_object)
            .cloned()
            .collect();
        for pod in &pods {
            self.kubelet_observe(pod);
            self.kubelets
                .resync_status(pod.metadata.uid_str(), &mut self.api);
        }
        self.settle();
        Ok(())
    }

    /// The machine is gone for good: its kubelet stops and its Node object is deleted.
    pub fn remove_node(&mut self, name: &str) -> Result<(), NodeError> {
        self.machine_state(name)?;
        self.nodes.set_state(
            name,
            KubeletState::Stopped {
                since_ms: self.now_ms(),
            },
        );
        self.api.delete(
            &ObjectKey::cluster(Kind::Node, name),
            DeleteOptions::default(),
        )?;
        self.settle();
        Ok(())
    }

    fn machine_state(&self, name: &str) -> Result<KubeletState, NodeError> {
        if !self
            .api
            .store
            .contains(&ObjectKey::cluster(Kind::Node, name))
        {
            return Err(NodeError::NotFound(name.into()));
        }
        self.nodes
            .state(name)
            .ok_or_else(|| NodeError::NoMachine(name.into()))
    }

    /// kind's naming: `<cluster>-worker`, then `<cluster>-worker2`, `…3`.
    fn next_worker_name(&self) -> String {
        let prefix = format!("{}-worker", self.nodes.cluster_name());
        (1..)
            .map(|n| {
                if n == 1 {
                    prefix.clone()
                } else {
                    format!("{prefix}{n}")
                }
            })
            .find(|name| {
                !self
                    .api
                    .store
                    .contains(&ObjectKey::cluster(Kind::Node, name))
            })
            .unwrap_or(prefix)
    }

    /// The kubelet posts its conditions with a working network.
    pub(super) fn post_node_ready(&mut self, name: &str) {
        if !self.nodes.is_running(name) {
            return;
        }
        let Some(node) = self
            .api
            .store
            .get(&ObjectKey::cluster(Kind::Node, name))
            .and_then(Node::from_object)
            .cloned()
        else {
            return;
        };
        let now = self.api.clock.now_time();
        let mut updated = node.clone();
        let status = updated.status.get_or_insert_with(Default::default);
        let current = status.conditions.clone().unwrap_or_default();
        let conditions = kubelet_conditions(&current, true, &now);
        // The kubelet reports each condition that changed, as `recordNodeStatusEvent` does.
        let changed: Vec<&'static str> = conditions
            .iter()
            .filter(|c| {
                current
                    .iter()
                    .find(|p| p.type_ == c.type_)
                    .is_none_or(|p| p.status != c.status)
            })
            .filter_map(|c| match c.type_.as_str() {
                "MemoryPressure" => Some("NodeHasSufficientMemory"),
                "DiskPressure" => Some("NodeHasNoDiskPressure"),
                "PIDPressure" => Some("NodeHasSufficientPID"),
                "Ready" => Some("NodeReady"),
                _ => None,
            })
            .collect();
        status.conditions = Some(conditions);
        if self.api.update_status(updated.into_object()).is_err() {
            return;
        }
        for reason in changed {
            self.kubelet_event(name, reason, format!("Node {name} status is now: {reason}"));
        }
    }

    fn kubelet_event(&mut self, node: &str, reason: &'static str, message: String) {
        self.api.record_event(EventRecord {
            regarding: ObjectKey::cluster(Kind::Node, node),
            event_type: EventType::Normal,
            reason,
            message,
            component: "kubelet",
            host: Some(node.to_string()),
            field_path: None,
            reported: None,
        });
    }
}
