//! Why a pod does (not) fit each node: the scheduler's filters run node by node, with the
//! numbers behind "Insufficient cpu". `describe pod` only shows the aggregate counts; the
//! playground shows this per node.

use k8s_openapi::api::core::v1::Node;
use kubeplay_model::Pod;

use super::Context;
use super::scheduler::{Resources, filter, node_allocatable, node_usage, pod_requests};

/// One node's verdict for a pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeFit {
    pub node: String,
    /// The scheduler's reasons, empty when the pod fits.
    pub reasons: Vec<String>,
    pub requested: Resources,
    pub used: Resources,
    pub allocatable: Resources,
}

impl NodeFit {
    pub fn fits(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Every node's verdict for `pod`, in node name order. A pod already bound is judged
/// without itself in its node's usage.
pub fn explain(pod: &Pod, ctx: &Context) -> Vec<NodeFit> {
    let requested = pod_requests(pod);
    let own_node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
    let mut unbound = pod.clone();
    if let Some(spec) = unbound.spec.as_mut() {
        spec.node_name = None;
    }
    ctx.store
        .list_typed::<Node>(None)
        .map(|node| {
            let name = node.metadata.name.clone().unwrap_or_default();
            let mut used = node_usage(ctx, &name);
            if own_node == Some(name.as_str()) {
                used.cpu_milli -= requested.cpu_milli;
                used.memory_milli -= requested.memory_milli;
                used.pods -= 1;
            }
            NodeFit {
                reasons: filter(&unbound, node, used),
                node: name,
                requested,
                used,
                allocatable: node_allocatable(node),
            }
        })
        .collect()
}
