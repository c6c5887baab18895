//! Which nodes a DaemonSet's pods belong on (`NodeShouldRunDaemonPod`) and how a pod is pinned
//! to its node: the tolerations the controller adds, node affinity by node name.

use k8s_openapi::api::core::v1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
    PodTemplateSpec, Toleration,
};
use kubeplay_model::Pod;

use crate::controllers::scheduler::{spec_matches_node_affinity, untolerated_taint};

/// `AddOrUpdateDaemonPodTolerations`.
pub(super) fn daemon_tolerations(template: &PodTemplateSpec) -> Vec<Toleration> {
    let mut tolerations = template
        .spec
        .as_ref()
        .and_then(|s| s.tolerations.clone())
        .unwrap_or_default();
    let host_network = template
        .spec
        .as_ref()
        .and_then(|s| s.host_network)
        .unwrap_or(false);
    let mut wanted = vec![
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if host_network {
        wanted.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    for (key, effect) in wanted {
        if !tolerations
            .iter()
            .any(|t| t.key.as_deref() == Some(key) && t.effect.as_deref() == Some(effect))
        {
            tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                effect: Some(effect.into()),
                ..Toleration::default()
            });
        }
    }
    tolerations
}

/// (shouldRun, shouldContinueRunning) for a node, as `NodeShouldRunDaemonPod`.
pub(super) fn should_run(
    template: &PodTemplateSpec,
    tolerations: &[Toleration],
    node: &Node,
) -> (bool, bool) {
    // Reads the template in place: this runs for every node at every sync.
    if !template
        .spec
        .as_ref()
        .is_none_or(|spec| spec_matches_node_affinity(spec, node))
    {
        return (false, false);
    }
    match untolerated_taint(tolerations, node) {
        None => (true, true),
        Some(taint) => (false, taint.effect != "NoExecute"),
    }
}

/// The node a daemon pod is for: its `nodeName`, or the node its affinity pins it to.
pub(super) fn target_node(pod: &Pod) -> &str {
    let spec = pod.spec.as_ref();
    if let Some(node) = spec.and_then(|s| s.node_name.as_deref()) {
        return node;
    }
    spec.and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .and_then(|s| s.node_selector_terms.first())
        .and_then(|t| t.match_fields.as_ref())
        .and_then(|f| f.iter().find(|r| r.key == "metadata.name"))
        .and_then(|r| r.values.as_ref())
        .and_then(|v| v.first())
        .map_or("", String::as_str)
}

/// `ReplaceDaemonSetPodNodeNameNodeAffinity`: one required term on `metadata.name`.
pub(super) fn pin_to_node(spec: &mut k8s_openapi::api::core::v1::PodSpec, node: &str) {
    let term = NodeSelectorTerm {
        match_fields: Some(vec![NodeSelectorRequirement {
            key: "metadata.name".into(),
            operator: "In".into(),
            values: Some(vec![node.into()]),
        }]),
        match_expressions: None,
    };
    let affinity = spec.affinity.get_or_insert_with(Affinity::default);
    let node_affinity = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    node_affinity.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
        node_selector_terms: vec![term],
    });
}
