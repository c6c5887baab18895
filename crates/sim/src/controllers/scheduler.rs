//! The default scheduler, reduced to the plugins that decide placement in a kind cluster:
//! NodeUnschedulable, NodeName, TaintToleration, NodeAffinity (nodeSelector and required
//! terms), NodeResourcesFit, then scoring by least allocation and spreading of an owner's
//! pods. Unschedulable pods get the real `FailedScheduling` message; when they are tried
//! again is the queue's business (`scheduling_queue.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::core::v1::{
    Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodSpec, Taint, Toleration,
};
use kubeplay_model::keys::{CONTROLLER_REVISION_HASH, POD_TEMPLATE_HASH};
use kubeplay_model::object::MetaExt;
use kubeplay_model::quantity::Quantity;
use kubeplay_model::{Kind, ObjectKey, Typed};

use super::{Action, Context, Reconciliation, event};
use crate::api::EventType;
use kubeplay_model::pod::{is_active, set_pod_condition};

const COMPONENT: &str = "default-scheduler";

pub use crate::usage::{Resources, pod_requests};

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

/// The filter plugins the simulator models, in the default profile's filter order
/// (`pkg/scheduler/apis/config/v1/default_plugins.go`). The queue keeps, for each pod it
/// could not place, which of them rejected it, so that only the cluster events those
/// plugins register wake it up again (`scheduling_queue.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Plugin {
    NodeUnschedulable,
    NodeName,
    TaintToleration,
    NodeAffinity,
    NodeResourcesFit,
}

/// A node's verdict on a pod: the first plugin that filtered it out and its reasons
/// (`RunFilterPlugins` stops at the first failing plugin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rejection {
    pub plugin: Plugin,
    pub reasons: Vec<String>,
}

/// Why a node cannot take a pod, as the scheduler words it.
pub(crate) fn filter(pod: &Pod, node: &Node, used: Resources) -> Vec<String> {
    rejection(pod, node, used).map_or_else(Vec::new, |r| r.reasons)
}

/// Which plugin rejects `node` for `pod`, if any.
pub(crate) fn rejection(pod: &Pod, node: &Node, used: Resources) -> Option<Rejection> {
    let spec = pod.spec.as_ref()?;
    let reject = |plugin, reason: String| {
        Some(Rejection {
            plugin,
            reasons: vec![reason],
        })
    };
    let tolerations = spec.tolerations.as_deref().unwrap_or_default();
    if is_unschedulable(node) && !tolerates(tolerations, &unschedulable_taint()) {
        return reject(
            Plugin::NodeUnschedulable,
            "node(s) were unschedulable".into(),
        );
    }
    if spec
        .node_name
        .as_deref()
        .is_some_and(|name| name != node.metadata.name_str())
    {
        return reject(
            Plugin::NodeName,
            "node(s) didn't match the requested node name".into(),
        );
    }
    if let Some(taint) = untolerated_taint(tolerations, node) {
        return reject(
            Plugin::TaintToleration,
            format!(
                "node(s) had untolerated taint {{{}: {}}}",
                taint.key,
                taint.value.clone().unwrap_or_default()
            ),
        );
    }
    if !matches_node_affinity(pod, node) {
        return reject(
            Plugin::NodeAffinity,
            "node(s) didn't match Pod's node affinity/selector".into(),
        );
    }
    let reasons = insufficient_resources(pod_requests(pod), node_allocatable(node), used);
    (!reasons.is_empty()).then_some(Rejection {
        plugin: Plugin::NodeResourcesFit,
        reasons,
    })
}

/// NodeResourcesFit's reasons for a pod requesting `requested` on a node with
/// `allocatable` of which `used` is taken.
pub(crate) fn insufficient_resources(
    requested: Resources,
    allocatable: Resources,
    used: Resources,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if used.pods + 1 > allocatable.pods {
        reasons.push("Too many pods".to_string());
    }
    if requested.cpu_milli > 0 && used.cpu_milli + requested.cpu_milli > allocatable.cpu_milli {
        reasons.push("Insufficient cpu".into());
    }
    if requested.memory_milli > 0
        && used.memory_milli + requested.memory_milli > allocatable.memory_milli
    {
        reasons.push("Insufficient memory".into());
    }
    reasons
}

pub(crate) fn is_unschedulable(node: &Node) -> bool {
    node.spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
}

/// The taint `spec.unschedulable` stands for: a pod tolerating it ignores the flag.
pub(crate) fn unschedulable_taint() -> Taint {
    Taint {
        key: "node.kubernetes.io/unschedulable".into(),
        effect: "NoSchedule".into(),
        ..Taint::default()
    }
}

/// The first NoSchedule/NoExecute taint no toleration covers.
pub fn untolerated_taint<'a>(tolerations: &[Toleration], node: &'a Node) -> Option<&'a Taint> {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .find(|taint| !tolerates(tolerations, taint))
}

pub fn tolerates(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|toleration| {
        let effect_ok = toleration
            .effect
            .as_deref()
            .is_none_or(|e| e.is_empty() || e == taint.effect);
        let key_ok = toleration
            .key
            .as_deref()
            .is_none_or(|k| k.is_empty() || k == taint.key);
        let value_ok = match toleration.operator.as_deref() {
            Some("Exists") => true,
            _ => {
                toleration.value.as_deref().unwrap_or_default()
                    == taint.value.as_deref().unwrap_or_default()
            }
        };
        effect_ok
            && key_ok
            && value_ok
            && (toleration.key.is_some() || toleration.operator.as_deref() == Some("Exists"))
    })
}

/// nodeSelector and required node affinity (labels and `metadata.name` fields).
pub fn matches_node_affinity(pod: &Pod, node: &Node) -> bool {
    pod.spec
        .as_ref()
        .is_none_or(|spec| spec_matches_node_affinity(spec, node))
}

/// [`matches_node_affinity`] for a pod spec not yet in a pod (a DaemonSet's template).
pub fn spec_matches_node_affinity(spec: &PodSpec, node: &Node) -> bool {
    let empty = BTreeMap::new();
    let labels = node.metadata.labels.as_ref().unwrap_or(&empty);
    let selector_ok = spec
        .node_selector
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let required = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        });
    let affinity_ok = required.is_none_or(|selector| {
        selector
            .node_selector_terms
            .iter()
            .any(|term| term_matches(term, labels, node.metadata.name_str()))
    });
    selector_ok && affinity_ok
}

fn term_matches(term: &NodeSelectorTerm, labels: &BTreeMap<String, String>, name: &str) -> bool {
    let expressions_ok = term
        .match_expressions
        .iter()
        .flatten()
        .all(|r| requirement_matches(r, labels.get(&r.key).map(String::as_str)));
    let fields_ok = term
        .match_fields
        .iter()
        .flatten()
        .all(|r| r.key != "metadata.name" || requirement_matches(r, Some(name)));
    (term.match_expressions.is_some() || term.match_fields.is_some()) && expressions_ok && fields_ok
}

fn requirement_matches(requirement: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = requirement.values.clone().unwrap_or_default();
    let number = |v: &str| v.parse::<i64>().ok();
    match requirement.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => value
            .and_then(number)
            .zip(values.first().and_then(|v| number(v)))
            .is_some_and(|(a, b)| a > b),
        "Lt" => value
            .and_then(number)
            .zip(values.first().and_then(|v| number(v)))
            .is_some_and(|(a, b)| a < b),
        _ => false,
    }
}

/// A pass's result plus the pods it could not place, with the plugins that rejected them
/// on some node.
pub(crate) struct Pass {
    pub reconciliation: Reconciliation,
    pub unschedulable: Vec<(String, BTreeSet<Plugin>)>,
}

/// One scheduling pass over the pending pods `ready` admits, in creation order.
pub(crate) fn pass(ctx: &Context, ready: impl Fn(&Pod) -> bool) -> Pass {
    let mut result = Reconciliation::default();
    let mut unschedulable_uids = Vec::new();
    let mut pending: Vec<&Pod> = ctx
        .store
        .unscheduled_pods()
        .filter(|pod| is_active(pod) && ready(pod))
        .collect();
    if pending.is_empty() {
        return Pass {
            reconciliation: result,
            unschedulable: unschedulable_uids,
        };
    }
    pending.sort_by(|a, b| {
        a.metadata
            .creation_timestamp
            .cmp(&b.metadata.creation_timestamp)
            .then(a.metadata.name.cmp(&b.metadata.name))
    });
    let nodes: Vec<&Node> = ctx.store.list_typed::<Node>(None).collect();
    let mut used: Vec<Resources> = nodes
        .iter()
        .map(|node| node_usage(ctx, node.metadata.name_str()))
        .collect();
    // How many pods of each pending pod's owner already run on each node, for spreading.
    let mut owner_counts: HashMap<String, Vec<i64>> = HashMap::new();
    for owner in pending
        .iter()
        .filter_map(|pod| pod.metadata.controller_ref())
    {
        owner_counts.entry(owner.uid.clone()).or_insert_with(|| {
            nodes
                .iter()
                .map(|node| {
                    ctx.store
                        .node_usage(node.metadata.name_str())
                        .map_or(0, |usage| usage.pods_of(&owner.uid))
                })
                .collect()
        });
    }
    let now = ctx.clock.now_time();
    let mut failed_classes: HashMap<(String, String), (String, BTreeSet<Plugin>)> = HashMap::new();
    for pod in pending {
        let pod_key = ObjectKey::new(
            Kind::Pod,
            pod.metadata.namespace_str(),
            pod.metadata.name_str(),
        );
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let mut rejecting: BTreeSet<Plugin> = BTreeSet::new();
        let mut best: Option<(usize, i128)> = None;
        let owner = pod.metadata.controller_ref().map(|o| o.uid.clone());
        let requested = pod_requests(pod);
        // Pods of one template that failed in this pass fail again: usage only grows
        // within a pass (the scheduler's equivalence classes).
        let class = equivalence_class(pod);
        let cached = class.as_ref().and_then(|c| failed_classes.get(c)).cloned();
        if cached.is_some() {
            best = None;
        }
        for (index, node) in nodes.iter().enumerate().filter(|_| cached.is_none()) {
            if let Some(rejection) = rejection(pod, node, used[index]) {
                rejecting.insert(rejection.plugin);
                for reason in rejection.reasons {
                    *reasons.entry(reason).or_default() += 1;
                }
                continue;
            }
            let score = node_score(
                node,
                used[index],
                requested,
                owner
                    .as_ref()
                    .map_or(0, |o| owner_counts.get(o).map_or(0, |counts| counts[index])),
            );
            if best.is_none_or(|(_, best_score)| score > best_score) {
                best = Some((index, score));
            }
        }
        match best {
            Some((index, _)) => {
                let node_name = nodes[index].metadata.name_str().to_string();
                used[index].cpu_milli += requested.cpu_milli;
                used[index].memory_milli += requested.memory_milli;
                used[index].pods += 1;
                if let Some(counts) = owner.as_ref().and_then(|o| owner_counts.get_mut(o)) {
                    counts[index] += 1;
                }
                result.actions.push(Action::Bind {
                    key: pod_key.clone(),
                    node: node_name.clone(),
                });
                let message = format!(
                    "Successfully assigned {}/{} to {node_name}",
                    pod.metadata.namespace_str(),
                    pod.metadata.name_str()
                );
                result.actions.push(Action::Event(
                    event(pod_key, EventType::Normal, "Scheduled", message, COMPONENT)
                        .reported("Binding", pod.metadata.resource_version.clone()),
                ));
            }
            None => {
                let (message, rejecting) = cached.unwrap_or_else(|| {
                    (failed_scheduling_message(nodes.len(), &reasons), rejecting)
                });
                if let Some(class) = class {
                    failed_classes.insert(class, (message.clone(), rejecting.clone()));
                }
                let mut unschedulable = pod.clone();
                let status = unschedulable.status.get_or_insert_with(Default::default);
                set_pod_condition(
                    status.conditions.get_or_insert_with(Vec::new),
                    "PodScheduled",
                    "False",
                    Some("Unschedulable"),
                    Some(&message),
                    &now,
                );
                if unschedulable != *pod {
                    result
                        .actions
                        .push(Action::UpdateStatus(unschedulable.into_object()));
                }
                result.actions.push(Action::Event(
                    event(
                        pod_key,
                        EventType::Warning,
                        "FailedScheduling",
                        message,
                        COMPONENT,
                    )
                    .reported("Scheduling", pod.metadata.resource_version.clone()),
                ));
                unschedulable_uids.push((pod.metadata.uid_str().to_string(), rejecting));
            }
        }
    }
    Pass {
        reconciliation: result,
        unschedulable: unschedulable_uids,
    }
}

/// Pods that schedule alike: same controller and same template hash (DaemonSet pods are
/// pinned to their own nodes, so each is its own class).
fn equivalence_class(pod: &Pod) -> Option<(String, String)> {
    let owner = pod
        .metadata
        .controller_ref()
        .filter(|o| o.kind != "DaemonSet")?;
    let hash = pod
        .metadata
        .label(POD_TEMPLATE_HASH)
        .or_else(|| pod.metadata.label(CONTROLLER_REVISION_HASH))?;
    Some((owner.uid.clone(), hash.to_string()))
}

/// What the pods bound to `node` request (finished pods free their share).
pub(crate) fn node_usage(ctx: &Context, node: &str) -> Resources {
    let used = ctx
        .store
        .node_usage(node)
        .map_or_else(Resources::default, |usage| usage.requested);
    // Debug builds (every test and golden transcript) check the store's totals against
    // the walk they stand for.
    debug_assert!(
        used == ctx
            .store
            .pods_on_node(node)
            .filter_map(Pod::from_object)
            .filter(|pod| !kubeplay_model::pod::is_finished(pod))
            .map(pod_requests)
            .fold(Resources::default(), |total, pod| Resources {
                cpu_milli: total.cpu_milli + pod.cpu_milli,
                memory_milli: total.memory_milli + pod.memory_milli,
                pods: total.pods + pod.pods,
            }),
        "the usage of node {node} disagrees with its pods"
    );
    used
}

/// LeastAllocated (cpu, memory) minus a spreading penalty for pods of the same owner.
fn node_score(node: &Node, used: Resources, requested: Resources, same_owner: i64) -> i128 {
    let allocatable = node_allocatable(node);
    let free = |total: i128, used: i128| {
        if total <= 0 {
            0
        } else {
            ((total - used).max(0) * 100) / total
        }
    };
    let least_allocated = (free(allocatable.cpu_milli, used.cpu_milli + requested.cpu_milli)
        + free(
            allocatable.memory_milli,
            used.memory_milli + requested.memory_milli,
        ))
        / 2;
    least_allocated * 10 - i128::from(same_owner) * 1000 - used.pods
}

/// `0/3 nodes are available: … preemption: …` exactly as FitError renders it.
fn failed_scheduling_message(node_count: usize, reasons: &BTreeMap<String, usize>) -> String {
    if node_count == 0 {
        return "no nodes available to schedule pods".into();
    }
    let mut rendered: Vec<String> = reasons
        .iter()
        .map(|(reason, count)| format!("{count} {reason}"))
        .collect();
    rendered.sort();
    let resolvable = |reason: &str| reason.starts_with("Insufficient") || reason == "Too many pods";
    let mut not_helpful = 0;
    let mut no_victims = 0;
    for (reason, count) in reasons {
        if resolvable(reason) {
            no_victims += count
        } else {
            not_helpful += count
        }
    }
    let mut preemption = Vec::new();
    if not_helpful > 0 {
        preemption.push(format!(
            "{not_helpful} Preemption is not helpful for scheduling"
        ));
    }
    if no_victims > 0 {
        preemption.push(format!(
            "{no_victims} No preemption victims found for incoming pod"
        ));
    }
    preemption.sort();
    format!(
        "0/{node_count} nodes are available: {}. preemption: 0/{node_count} nodes are available: {}.",
        rendered.join(", "),
        preemption.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_scheduling_reads_like_the_scheduler() {
        let mut reasons = BTreeMap::new();
        reasons.insert(
            "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }".to_string(),
            1,
        );
        reasons.insert("Insufficient cpu".to_string(), 2);
        assert_eq!(
            failed_scheduling_message(3, &reasons),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
    }
}
