//! The DaemonSet controller (`pkg/controller/daemon`), enough for kind's system DaemonSets and
//! basic use: one pod per eligible node (nodeSelector, node affinity, taints with the
//! tolerations the controller adds), pods pinned by node-name affinity, RollingUpdate by
//! maxUnavailable, and status.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetStatus};
use k8s_openapi::api::core::v1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
    PodTemplateSpec, Toleration,
};
use kubeplay_model::intstr::scaled_value;
use kubeplay_model::keys::{CONTROLLER_REVISION_HASH, DAEMONSET_TEMPLATE_GENERATION};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::pods::pod_from_template;
use super::scheduler::{matches_node_affinity, untolerated_taint};
use super::{
    Action, Context, CreatedEvent, Reconciliation, history, is_controlled_by, template_hash,
};
use super::{Controller, Reconcile, Watch};
use crate::api::DeleteOptions;
use crate::store::WatchEvent;
use kubeplay_model::pod::{is_available, is_ready, seconds_until_available};

const COMPONENT: &str = "daemonset-controller";

/// `AddOrUpdateDaemonPodTolerations`.
fn daemon_tolerations(template: &PodTemplateSpec) -> Vec<Toleration> {
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
fn should_run(template: &PodTemplateSpec, tolerations: &[Toleration], node: &Node) -> (bool, bool) {
    let probe = Pod {
        spec: template.spec.clone(),
        ..Pod::default()
    };
    if !matches_node_affinity(&probe, node) {
        return (false, false);
    }
    match untolerated_taint(tolerations, node) {
        None => (true, true),
        Some(taint) => (false, taint.effect != "NoExecute"),
    }
}

/// DaemonSets, through their pods and revisions.
pub static CONTROLLER: Controller = Controller {
    name: "daemonset",
    reconciles: Some(Kind::DaemonSet),
    owns: &[Kind::Pod, Kind::ControllerRevision],
    watches: every_node_change,
    reconcile: Reconcile::Stateless(reconcile),
};

/// A node that comes, goes or changes may need a daemon pod or no longer fit one.
fn every_node_change(event: &WatchEvent, watch: &mut Watch) {
    if event.object.kind() == Kind::Node {
        watch.wake_every(Kind::DaemonSet, None);
    }
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let Some(ds) = ctx.store.get_typed::<DaemonSet>(&key.namespace, &key.name) else {
        return result;
    };
    let Some(spec) = ds.spec.clone() else {
        return result;
    };
    let ds_object = ds.clone().into_object();
    let hash = template_hash(
        &spec.template,
        ds.status.as_ref().and_then(|s| s.collision_count),
    );
    let revisions = history::owned_revisions(ctx, &ds_object);
    history::ensure_revision(
        &ds_object,
        &spec.template,
        &format!("{}-{hash}", key.name),
        &hash,
        &revisions,
        &mut result,
    );
    let generation = ds
        .metadata
        .annotation(DAEMONSET_TEMPLATE_GENERATION)
        .unwrap_or("1")
        .to_string();
    let tolerations = daemon_tolerations(&spec.template);
    let min_ready = spec.min_ready_seconds.unwrap_or(0);

    // `getNodesToDaemonPods`: pods still terminating count for their node, so that without
    // surge a node gets its new pod only once the old one is gone (kubernetes#118716).
    let mut by_node: BTreeMap<String, Vec<&Pod>> = BTreeMap::new();
    for object in ctx.store.dependents_of(ds.metadata.uid_str()) {
        if let Object::Pod(pod) = object
            && is_controlled_by(&pod.metadata, ds.metadata.uid_str())
            && !is_finished(pod)
        {
            by_node.entry(target_node(pod)).or_default().push(pod);
        }
    }
    let nodes: Vec<&Node> = ctx.store.list_typed::<Node>(None).collect();
    let mut status = DaemonSetStatus {
        observed_generation: ds.metadata.generation,
        collision_count: ds.status.as_ref().and_then(|s| s.collision_count),
        ..DaemonSetStatus::default()
    };
    let desired: i32 = nodes
        .iter()
        .filter(|node| should_run(&spec.template, &tolerations, node).0)
        .count() as i32;
    let rolling = spec
        .update_strategy
        .as_ref()
        .is_none_or(|s| s.type_.as_deref() != Some("OnDelete"));
    let rolling_update = spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref());
    let max_unavailable = rolling_update
        .and_then(|r| r.max_unavailable.as_ref())
        .and_then(|v| scaled_value(v, desired, true))
        .unwrap_or(1);
    // `maxSurge` (GA in 1.25): a new pod starts beside the old one, which goes once the new
    // one is available. Validation makes it exclusive with maxUnavailable.
    let max_surge = rolling_update
        .and_then(|r| r.max_surge.as_ref())
        .and_then(|v| scaled_value(v, desired, true))
        .unwrap_or(0);
    let surging = rolling && max_surge > 0;
    let max_unavailable = if surging {
        max_unavailable
    } else {
        max_unavailable.max(i32::from(desired > 0))
    };
    let new_pod = |node_name: &str| {
        let mut template = spec.template.clone();
        let labels = template
            .metadata
            .get_or_insert_with(Default::default)
            .labels
            .get_or_insert_with(BTreeMap::new);
        labels.insert(CONTROLLER_REVISION_HASH.into(), hash.clone());
        labels.insert("pod-template-generation".into(), generation.clone());
        let mut pod = pod_from_template(&template, &ds_object);
        if let Some(pod_spec) = pod.spec.as_mut() {
            pod_spec.tolerations = Some(tolerations.clone());
            pin_to_node(pod_spec, node_name);
        }
        Action::Create {
            object: Object::Pod(pod),
            event: Some(CreatedEvent {
                regarding: key.clone(),
                reason: "SuccessfulCreate",
                message_prefix: "Created pod: ",
                component: COMPONENT,
            }),
        }
    };
    let mut unavailable = 0;
    let mut creates = Vec::new();
    let mut replace_candidates = Vec::new();
    let mut surge_candidates = Vec::new();
    let mut surges_in_flight = 0;
    for node in &nodes {
        let node_name = node.metadata.name_str();
        let (run, keep) = should_run(&spec.template, &tolerations, node);
        let pods = by_node.remove(node_name).unwrap_or_default();
        if run {
            status.desired_number_scheduled += 1;
        }
        if pods.is_empty() {
            if run && !ds.metadata.is_deleting() {
                creates.push(new_pod(node_name));
                unavailable += 1;
            }
            continue;
        }
        let (terminating, pods): (Vec<&Pod>, Vec<&Pod>) =
            pods.into_iter().partition(|pod| pod.metadata.is_deleting());
        if !keep {
            for pod in &pods {
                result.actions.push(delete_pod(key, pod));
            }
            status.number_misscheduled += 1;
            continue;
        }
        if !run {
            status.number_misscheduled += 1;
        }
        status.current_number_scheduled += 1;
        let is_updated =
            |pod: &&Pod| pod.metadata.label(CONTROLLER_REVISION_HASH) == Some(hash.as_str());
        if pods.is_empty() {
            // Only a terminating pod (`podsShouldBeOnNode`): with surge a new one starts
            // beside it, otherwise the node waits for it to go, unavailable meanwhile.
            if let Some(oldest) = oldest(&terminating) {
                let available = is_available(oldest, min_ready, ctx.clock.now());
                count_pod(&mut status, oldest, is_updated(&oldest), available);
            }
            unavailable += 1;
            if surging && run && !ds.metadata.is_deleting() {
                creates.push(new_pod(node_name));
            }
            continue;
        }
        let (new_pods, old_pods): (Vec<&Pod>, Vec<&Pod>) = if surging {
            pods.iter().copied().partition(|pod| is_updated(pod))
        } else {
            (Vec::new(), pods.clone())
        };
        if surging {
            // One new and (until it is available) one old pod per node; others go.
            for extra in new_pods.iter().skip(1).chain(old_pods.iter().skip(1)) {
                result.actions.push(delete_pod(key, extra));
            }
            match (new_pods.first(), old_pods.first()) {
                (Some(new), old) => {
                    let available = is_available(new, min_ready, ctx.clock.now());
                    if let Some(old) = old {
                        if available {
                            result.actions.push(delete_pod(key, old));
                        } else {
                            surges_in_flight += 1;
                        }
                    }
                    count_pod(&mut status, new, true, available);
                    if !available
                        && old.is_none_or(|o| !is_available(o, min_ready, ctx.clock.now()))
                    {
                        unavailable += 1;
                    }
                }
                (None, Some(old)) => {
                    let available = is_available(old, min_ready, ctx.clock.now());
                    count_pod(&mut status, old, false, available);
                    if available {
                        surge_candidates.push(node_name.to_string());
                    } else {
                        // An old pod that is not serving anyway is replaced at once.
                        unavailable += 1;
                        creates.push(new_pod(node_name));
                    }
                }
                (None, None) => {}
            }
            continue;
        }
        let oldest = old_pods[0];
        for extra in &old_pods[1..] {
            result.actions.push(delete_pod(key, extra));
        }
        let updated = is_updated(&oldest);
        let available = is_available(oldest, min_ready, ctx.clock.now());
        count_pod(&mut status, oldest, updated, available);
        if available {
            if !updated {
                replace_candidates.push(oldest);
            }
        } else {
            unavailable += 1;
            if !updated && rolling {
                result.actions.push(delete_pod(key, oldest));
            }
        }
    }
    // Ready pods become available after minReadySeconds: look again then.
    for pod in ctx
        .store
        .dependents_of(ds.metadata.uid_str())
        .filter_map(Pod::from_object)
    {
        if let Some(seconds) = seconds_until_available(pod, min_ready, ctx.clock.now()) {
            result.requeue_within(u64::try_from(seconds.max(1)).unwrap_or(1) * 1000);
        }
    }
    if surging {
        let budget = usize::try_from((max_surge - surges_in_flight).max(0)).unwrap_or(0);
        for node_name in surge_candidates.iter().take(budget) {
            creates.push(new_pod(node_name));
        }
    }
    if !creates.is_empty() {
        result.actions.push(Action::SlowStart {
            owner: key.clone(),
            component: COMPONENT,
            creates,
        });
    }
    // Pods for nodes that no longer exist.
    for pods in by_node.values() {
        for pod in pods {
            result.actions.push(delete_pod(key, pod));
        }
    }
    if rolling && !surging {
        let budget = usize::try_from((max_unavailable - unavailable).max(0)).unwrap_or(0);
        for pod in replace_candidates.into_iter().take(budget) {
            result.actions.push(delete_pod(key, pod));
        }
    }
    status.number_unavailable =
        Some(status.desired_number_scheduled - status.number_available.unwrap_or(0))
            .filter(|n| *n > 0);
    if ds.status.as_ref() != Some(&status) {
        let mut updated = ds.clone();
        updated.status = Some(status);
        result
            .actions
            .push(Action::UpdateStatus(updated.into_object()));
    }
    result
}

/// Succeeded or Failed.
fn is_finished(pod: &Pod) -> bool {
    kubeplay_model::pod::is_finished(pod)
}

/// The first created of `pods` (`podByCreationTimestampAndPhase`).
fn oldest<'a>(pods: &[&'a Pod]) -> Option<&'a Pod> {
    pods.iter().copied().min_by(|a, b| {
        a.metadata
            .creation_timestamp
            .cmp(&b.metadata.creation_timestamp)
            .then(a.metadata.name.cmp(&b.metadata.name))
    })
}

/// Counts the pod serving a node in the status.
fn count_pod(status: &mut DaemonSetStatus, pod: &Pod, updated: bool, available: bool) {
    if is_ready(pod) {
        status.number_ready += 1;
    }
    if available {
        status.number_available = Some(status.number_available.unwrap_or(0) + 1);
    }
    if updated {
        status.updated_number_scheduled = Some(status.updated_number_scheduled.unwrap_or(0) + 1);
    }
}

fn delete_pod(owner: &ObjectKey, pod: &Pod) -> Action {
    let message = format!("Deleted pod: {}", pod.metadata.name_str());
    Action::Delete {
        key: ObjectKey::new(
            Kind::Pod,
            pod.metadata.namespace_str(),
            pod.metadata.name_str(),
        ),
        options: DeleteOptions::default(),
        event: Some(super::event(
            owner.clone(),
            crate::api::EventType::Normal,
            "SuccessfulDelete",
            message,
            COMPONENT,
        )),
    }
}

/// The node a daemon pod is for: its `nodeName`, or the node its affinity pins it to.
fn target_node(pod: &Pod) -> String {
    let spec = pod.spec.as_ref();
    if let Some(node) = spec.and_then(|s| s.node_name.clone()) {
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
        .and_then(|v| v.first().cloned())
        .unwrap_or_default()
}

/// `ReplaceDaemonSetPodNodeNameNodeAffinity`: one required term on `metadata.name`.
fn pin_to_node(spec: &mut k8s_openapi::api::core::v1::PodSpec, node: &str) {
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
