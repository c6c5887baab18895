//! What the pods bound to each node request, and how many pods of each owner it holds, kept
//! by the store as pods are written, and what each node offers, parsed as nodes are written
//! (the scheduler's cache of node infos): a scheduling pass reads each node's totals instead
//! of walking every pod in the cluster, and its allocatable instead of parsing quantities at
//! every attempt.

use foldhash::HashMap;
use k8s_openapi::api::core::v1::Node;
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;
use kubeplay_model::quantity::Quantity;

/// Requested resources in milli-units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_milli: i128,
    pub memory_milli: i128,
    pub pods: i128,
}

/// What a node offers pods: its allocatable resources (its capacity if it posts none).
pub fn node_allocatable(node: &Node) -> Resources {
    let status = node.status.as_ref();
    let get = |name: &str| {
        status
            .and_then(|s| s.allocatable.as_ref().or(s.capacity.as_ref()))
            .and_then(|a| a.get(name))
            .and_then(|q| Quantity::parse(&q.0))
            .map_or(0, |q| q.milli())
    };
    Resources {
        cpu_milli: get("cpu"),
        memory_milli: get("memory"),
        pods: get("pods") / 1000,
    }
}

pub fn pod_requests(pod: &Pod) -> Resources {
    let mut total = Resources {
        pods: 1,
        ..Resources::default()
    };
    let Some(spec) = &pod.spec else { return total };
    let request = |c: &k8s_openapi::api::core::v1::Container, name: &str| {
        let resources = c.resources.as_ref();
        resources
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get(name))
            .or_else(|| {
                resources
                    .and_then(|r| r.limits.as_ref())
                    .and_then(|l| l.get(name))
            })
            .and_then(|q| Quantity::parse(&q.0))
            .map_or(0, |q| q.milli())
    };
    for container in &spec.containers {
        total.cpu_milli += request(container, "cpu");
        total.memory_milli += request(container, "memory");
    }
    for container in spec.init_containers.iter().flatten() {
        total.cpu_milli = total.cpu_milli.max(request(container, "cpu"));
        total.memory_milli = total.memory_milli.max(request(container, "memory"));
    }
    total
}

/// One node's pods, totalled.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeUsage {
    /// What its pods request; finished pods free their share.
    pub requested: Resources,
    /// Its pods (finished ones too) by their controller's UID, for spreading.
    owners: HashMap<String, i64>,
    /// Every pod bound to it.
    pods: usize,
}

impl NodeUsage {
    /// How many of the node's pods `owner_uid` controls.
    pub fn pods_of(&self, owner_uid: &str) -> i64 {
        self.owners.get(owner_uid).copied().unwrap_or(0)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pods == 0
    }

    pub(crate) fn add(&mut self, pod: &Pod) {
        self.count(pod, 1);
    }

    pub(crate) fn remove(&mut self, pod: &Pod) {
        self.count(pod, -1);
    }

    fn count(&mut self, pod: &Pod, sign: i64) {
        self.pods = self.pods.saturating_add_signed(sign as isize);
        if !kubeplay_model::pod::is_finished(pod) {
            let requested = pod_requests(pod);
            let sign = i128::from(sign);
            self.requested.cpu_milli += sign * requested.cpu_milli;
            self.requested.memory_milli += sign * requested.memory_milli;
            self.requested.pods += sign * requested.pods;
        }
        if let Some(owner) = pod.metadata.controller_ref() {
            let count = self.owners.entry(owner.uid.clone()).or_default();
            *count += sign;
            if *count == 0 {
                self.owners.remove(&owner.uid);
            }
        }
    }
}
