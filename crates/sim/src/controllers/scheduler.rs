//! The default scheduler, reduced to the plugins that decide placement in a kind cluster:
//! NodeUnschedulable, NodeName, TaintToleration, NodeAffinity (nodeSelector and required
//! terms), NodeResourcesFit, then scoring by least allocation and spreading of an owner's
//! pods. Unschedulable pods get the real `FailedScheduling` message; when they are tried
//! again is the queue's business (`scheduling_queue.rs`).

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt};
use k8s_openapi::api::core::v1::{
    Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::keys::{CONTROLLER_REVISION_HASH, POD_TEMPLATE_HASH};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, ObjectKey, Pod, Typed};

use super::scheduler_cache::NodeCache;
use super::{Action, Context, Reconciliation, event};
use crate::api::EventType;
use kubeplay_model::pod::set_pod_condition;

const COMPONENT: &str = "default-scheduler";

pub use crate::usage::{Resources, node_allocatable, pod_requests};

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

impl Plugin {
    const ALL: [Plugin; 5] = [
        Plugin::NodeUnschedulable,
        Plugin::NodeName,
        Plugin::TaintToleration,
        Plugin::NodeAffinity,
        Plugin::NodeResourcesFit,
    ];

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of filter plugins (the ones that rejected a pod), as bits: a failed attempt
/// hands it to the queue without allocating.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PluginSet(u8);

impl PluginSet {
    pub fn insert(&mut self, plugin: Plugin) {
        self.0 |= plugin.bit();
    }

    pub fn contains(self, plugin: Plugin) -> bool {
        self.0 & plugin.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The plugins in the default profile's filter order.
    pub fn iter(self) -> impl Iterator<Item = Plugin> {
        Plugin::ALL.into_iter().filter(move |p| self.contains(*p))
    }
}

impl FromIterator<Plugin> for PluginSet {
    fn from_iter<I: IntoIterator<Item = Plugin>>(plugins: I) -> Self {
        let mut set = PluginSet::default();
        for plugin in plugins {
            set.insert(plugin);
        }
        set
    }
}

/// A node's verdict on a pod: the first plugin that filtered it out and its reasons
/// (`RunFilterPlugins` stops at the first failing plugin). Reasons are mostly fixed texts,
/// borrowed, so that filtering a thousand full nodes allocates nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rejection {
    pub plugin: Plugin,
    pub reasons: Vec<Cow<'static, str>>,
}

/// Why a node cannot take a pod, as the scheduler words it.
pub(crate) fn filter(pod: &Pod, node: &Node, used: Resources) -> Vec<String> {
    let room = Room {
        allocatable: node_allocatable(node),
        used,
    };
    rejection(pod, pod_requests(pod), node, room).map_or_else(Vec::new, |r| {
        r.reasons.into_iter().map(Cow::into_owned).collect()
    })
}

/// What a node offers and what its pods already take.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Room {
    pub allocatable: Resources,
    pub used: Resources,
}

/// Which plugin rejects `node` for `pod` (which requests `requested`), if any.
pub(crate) fn rejection(
    pod: &Pod,
    requested: Resources,
    node: &Node,
    room: Room,
) -> Option<Rejection> {
    let spec = pod.spec.as_ref()?;
    let reject = |plugin, reason: Cow<'static, str>| {
        Some(Rejection {
            plugin,
            reasons: vec![reason],
        })
    };
    let tolerations = spec.tolerations.as_deref().unwrap_or_default();
    if is_unschedulable(node) && !tolerates(tolerations, &unschedulable_taint()) {
        return reject(
            Plugin::NodeUnschedulable,
            Cow::Borrowed("node(s) were unschedulable"),
        );
    }
    if spec
        .node_name
        .as_deref()
        .is_some_and(|name| name != node.metadata.name_str())
    {
        return reject(
            Plugin::NodeName,
            Cow::Borrowed("node(s) didn't match the requested node name"),
        );
    }
    if let Some(taint) = untolerated_taint(tolerations, node) {
        return reject(
            Plugin::TaintToleration,
            Cow::Owned(format!(
                "node(s) had untolerated taint {{{}: {}}}",
                taint.key,
                taint.value.as_deref().unwrap_or_default()
            )),
        );
    }
    if !matches_node_affinity(pod, node) {
        return reject(
            Plugin::NodeAffinity,
            Cow::Borrowed("node(s) didn't match Pod's node affinity/selector"),
        );
    }
    resources_rejection(requested, room)
}

/// NodeResourcesFit's rejection of a node with `room` for a pod requesting `requested`.
fn resources_rejection(requested: Resources, room: Room) -> Option<Rejection> {
    let reasons = insufficient_resources(requested, room.allocatable, room.used);
    (!reasons.is_empty()).then_some(Rejection {
        plugin: Plugin::NodeResourcesFit,
        reasons,
    })
}

/// Whether only NodeResourcesFit can reject `pod` on an open node (see [`is_open`]): a pod
/// without `nodeName`, `nodeSelector` or required node affinity passes NodeName and
/// NodeAffinity on every node, and NodeUnschedulable and TaintToleration on open ones.
fn only_room_matters(pod: &Pod) -> bool {
    pod.spec.as_ref().is_some_and(|spec| {
        spec.node_name.is_none()
            && spec.node_selector.as_ref().is_none_or(BTreeMap::is_empty)
            && required_node_affinity(spec).is_none()
    })
}

/// The node selector a pod's required node affinity sets, if any.
fn required_node_affinity(spec: &PodSpec) -> Option<&NodeSelector> {
    spec.affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()
}

/// A node neither cordoned nor tainted NoSchedule/NoExecute: one whose object a pod that
/// [`only_room_matters`] for need not read.
pub(crate) fn is_open(node: &Node) -> bool {
    !is_unschedulable(node) && untolerated_taint(&[], node).is_none()
}

/// NodeResourcesFit's reasons for a pod requesting `requested` on a node with
/// `allocatable` of which `used` is taken.
pub(crate) fn insufficient_resources(
    requested: Resources,
    allocatable: Resources,
    used: Resources,
) -> Vec<Cow<'static, str>> {
    Shortfall::of(requested, allocatable, used)
        .reasons()
        .map(Cow::Borrowed)
        .collect()
}

/// What a node lacks for a pod, NodeResourcesFit's reasons as bits: an attempt that fits
/// nowhere on 1,000 full nodes counts them by kind of shortfall, where a list of reasons per
/// node and a count per reason's text were most of the scheduler's time.
#[derive(Clone, Copy, Debug)]
struct Shortfall(u8);

impl Shortfall {
    /// The reasons, in the order NodeResourcesFit gives them, one per bit.
    const REASONS: [&'static str; 3] = ["Too many pods", "Insufficient cpu", "Insufficient memory"];
    /// How many different shortfalls there are (every combination of the reasons).
    const KINDS: usize = 1 << Self::REASONS.len();

    fn of(requested: Resources, allocatable: Resources, used: Resources) -> Shortfall {
        let pods = used.pods + 1 > allocatable.pods;
        let cpu =
            requested.cpu_milli > 0 && used.cpu_milli + requested.cpu_milli > allocatable.cpu_milli;
        let memory = requested.memory_milli > 0
            && used.memory_milli + requested.memory_milli > allocatable.memory_milli;
        Shortfall(u8::from(pods) | u8::from(cpu) << 1 | u8::from(memory) << 2)
    }

    fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn reasons(self) -> impl Iterator<Item = &'static str> {
        Self::REASONS
            .into_iter()
            .enumerate()
            .filter(move |(bit, _)| self.0 & (1 << bit) != 0)
            .map(|(_, reason)| reason)
    }
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
    let affinity_ok = required_node_affinity(spec).is_none_or(|selector| {
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
    let values = requirement.values.as_deref().unwrap_or_default();
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
pub(crate) struct Pass<'a> {
    pub reconciliation: Reconciliation,
    pub unschedulable: Vec<(&'a Pod, PluginSet)>,
}

/// `minFeasibleNodesToFind` and `minFeasibleNodesPercentageToFind`
/// (`pkg/scheduler/schedule_one.go`).
const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: usize = 5;

/// `numFeasibleNodesToFind` with the default `percentageOfNodesToScore` (0, adaptive): how
/// many feasible nodes a scheduling attempt looks for before it stops filtering — every
/// node below 100 nodes, else 50% less a point per 125 nodes, at least 5% and 100 nodes.
pub(crate) fn feasible_nodes_to_find(all_nodes: usize) -> usize {
    if all_nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return all_nodes;
    }
    let percentage = 50usize
        .saturating_sub(all_nodes / 125)
        .max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    (all_nodes * percentage / 100).max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// The scheduler's per-pass view of the nodes: the cache (kept across passes) of each
/// node's name, room and owners' pods, brought up to date for the pass and counting the
/// pass's own bindings until it ends. A node's object is looked up only when an attempt
/// reads it (most filter by room alone): at 1,000 nodes listing them at every pass was a
/// fifth of the scheduler's time.
struct Snapshot<'a, 'c> {
    ctx: &'a Context<'a>,
    cache: &'c mut NodeCache,
}

impl<'a, 'c> Snapshot<'a, 'c> {
    fn new(ctx: &'a Context<'a>, cache: &'c mut NodeCache) -> Self {
        cache.update(ctx);
        Snapshot { ctx, cache }
    }

    /// How many nodes there are.
    fn len(&self) -> usize {
        self.cache.len()
    }

    /// Node `index`'s object (always there: the cache was brought up to the store).
    fn node(&self, index: usize) -> Option<&'a Node> {
        self.cache.node(self.ctx, index)
    }

    /// Node `index`'s name.
    fn name(&self, index: usize) -> &str {
        self.cache.name(index)
    }

    /// Whether node `index` is open ([`is_open`]): most attempts then filter a node by its
    /// room alone, without reaching its object (at 1,000 nodes an attempt filters 420 of
    /// them, and reading each node object was most of its time).
    fn is_open(&self, index: usize) -> bool {
        self.cache.is_open(self.ctx, index)
    }

    fn room(&self, index: usize) -> Room {
        self.cache.room(self.ctx, index)
    }

    /// Where `owner`'s pods per node are counted.
    fn owner_slot(&mut self, owner: &str) -> usize {
        self.cache.owner_slot(owner)
    }

    /// How many pods of the owner in `slot` node `index` holds.
    fn owner_count(&mut self, slot: usize, index: usize) -> i64 {
        self.cache.owner_count(self.ctx, slot, index)
    }

    fn bind(&mut self, index: usize, requested: Resources, owner: Option<&str>) {
        let slot = owner.map(|owner| self.cache.owner_slot(owner));
        self.cache.assume(self.ctx, index, requested, slot);
    }

    /// Ends the pass: the cache forgets its bindings, which the store has once applied.
    fn finish(self) {
        self.cache.forget_assumed(self.ctx);
    }
}

/// Why the pods of an equivalence class failed in this pass.
struct Failure {
    message: String,
    plugins: PluginSet,
}

/// One scheduling pass over `pending` pods (unscheduled and active, each once), in creation
/// order. `next_start` is `nextStartNodeIndex`: each attempt filters the nodes from where the
/// last one stopped, and stops once it has found `feasible_nodes_to_find` feasible ones.
pub(crate) fn pass<'a>(
    ctx: &'a Context<'a>,
    mut pending: Vec<&'a Pod>,
    cache: &mut NodeCache,
    next_start: &mut usize,
) -> Pass<'a> {
    let mut result = Reconciliation::default();
    let mut unschedulable = Vec::new();
    if pending.is_empty() {
        return Pass {
            reconciliation: result,
            unschedulable,
        };
    }
    pending.sort_by(|a, b| creation_order(a).cmp(&creation_order(b)));
    let mut snapshot = Snapshot::new(ctx, cache);
    let now = ctx.clock.now_time();
    // Pods of one template that failed in this pass fail again: usage only grows within a
    // pass (the scheduler's equivalence classes).
    let mut failed_classes: HashMap<(&str, &str), Failure> = HashMap::new();
    for pod in pending {
        let pod_key = ObjectKey::new(
            Kind::Pod,
            pod.metadata.namespace_str(),
            pod.metadata.name_str(),
        );
        let class = equivalence_class(pod);
        if let Some(failure) = class.and_then(|c| failed_classes.get(&c)) {
            fail(pod, pod_key, failure, &now, &mut result);
            unschedulable.push((pod, failure.plugins));
            continue;
        }
        match attempt(pod, &mut snapshot, next_start) {
            Ok((index, requested, owner)) => {
                snapshot.bind(index, requested, owner);
                let node_name = snapshot.name(index);
                let message = format!(
                    "Successfully assigned {}/{} to {node_name}",
                    pod.metadata.namespace_str(),
                    pod.metadata.name_str()
                );
                result.actions.push(Action::Bind {
                    key: pod_key.clone(),
                    node: node_name.to_string(),
                });
                result.actions.push(Action::Event(
                    event(pod_key, EventType::Normal, "Scheduled", message, COMPONENT)
                        .reported("Binding", &pod.metadata),
                ));
            }
            Err(failure) => {
                fail(pod, pod_key, &failure, &now, &mut result);
                unschedulable.push((pod, failure.plugins));
                if let Some(class) = class {
                    failed_classes.insert(class, failure);
                }
            }
        }
    }
    snapshot.finish();
    Pass {
        reconciliation: result,
        unschedulable,
    }
}

/// The order a pass tries pods in: by creation, then name (then namespace, the order of the
/// store's keys).
pub(crate) fn creation_order(pod: &Pod) -> (Option<&Time>, Option<&String>, Option<&String>) {
    let meta = &pod.metadata;
    (
        meta.creation_timestamp.as_ref(),
        meta.name.as_ref(),
        meta.namespace.as_ref(),
    )
}

/// One attempt to place `pod` (`findNodesThatFitPod`, then scoring): the chosen node's
/// index, or why no node fits.
fn attempt<'a>(
    pod: &'a Pod,
    snapshot: &mut Snapshot<'a, '_>,
    next_start: &mut usize,
) -> Result<(usize, Resources, Option<&'a str>), Failure> {
    let node_count = snapshot.len();
    if node_count == 0 {
        return Err(Failure {
            message: failed_scheduling_message(0, &BTreeMap::new()),
            plugins: PluginSet::default(),
        });
    }
    let start = *next_start % node_count;
    let rotated = move |offset| (start + offset) % node_count;
    let filtered = match prefilter_node_names(pod) {
        // NodeAffinity's PreFilter narrowed the attempt to the nodes it names (a DaemonSet
        // pod's own node): only they are filtered and count as processed, in the list's
        // order from `start`.
        Some(names) => {
            let mut named: Vec<usize> = names
                .into_iter()
                .filter_map(|name| snapshot.cache.place(name))
                .collect();
            named.sort_unstable_by_key(|index| (index + node_count - start) % node_count);
            let to_find = feasible_nodes_to_find(named.len());
            let filtered = filter_nodes(pod, snapshot, named.into_iter(), to_find);
            if filtered.best.is_none() {
                // Why it fits nowhere, in the words of every node's filters (the rest of
                // the nodes are not told apart as `SetAbsentNodesStatus` would).
                let all = (0..node_count).map(rotated);
                Filtered {
                    processed: filtered.processed,
                    ..filter_nodes(pod, snapshot, all, node_count)
                }
            } else {
                filtered
            }
        }
        None => {
            let all = (0..node_count).map(rotated);
            filter_nodes(pod, snapshot, all, feasible_nodes_to_find(node_count))
        }
    };
    *next_start = (start + filtered.processed) % node_count;
    match filtered.best {
        Some(index) => Ok((
            index,
            pod_requests(pod),
            pod.metadata.controller_ref().map(|o| o.uid.as_str()),
        )),
        None => Err(Failure {
            message: failed_scheduling_message(node_count, &filtered.reasons),
            plugins: filtered.rejecting,
        }),
    }
}

/// What filtering some nodes found: the best-scored feasible node, how many nodes it
/// filtered, and why the others were rejected. Equal scores go to the node first in name
/// order (`selectHost` picks one of them at random), so where an attempt starts changes
/// which nodes are scored, never how ties among them fall.
struct Filtered {
    best: Option<usize>,
    processed: usize,
    reasons: BTreeMap<Cow<'static, str>, usize>,
    rejecting: PluginSet,
}

/// `findNodesThatPassFilters` over `order` (one goroutine's worth: in order), stopping
/// once `to_find` nodes are feasible, and the scores of those.
fn filter_nodes<'a>(
    pod: &'a Pod,
    snapshot: &mut Snapshot<'a, '_>,
    order: impl Iterator<Item = usize>,
    to_find: usize,
) -> Filtered {
    let mut filtered = Filtered {
        best: None,
        processed: 0,
        reasons: BTreeMap::new(),
        rejecting: PluginSet::default(),
    };
    let owner = pod.metadata.controller_ref().map(|o| o.uid.as_str());
    let owner_slot = owner.map(|owner| snapshot.owner_slot(owner));
    let requested = pod_requests(pod);
    let only_room = only_room_matters(pod);
    let mut best_score = None;
    let mut feasible = 0;
    // Nodes rejected for their room alone, counted by shortfall (reasons added at the end).
    let mut shortfalls = [0usize; Shortfall::KINDS];
    for index in order {
        if feasible == to_find {
            break;
        }
        let room = snapshot.room(index);
        filtered.processed += 1;
        let rejected = if only_room && snapshot.is_open(index) {
            let shortfall = Shortfall::of(requested, room.allocatable, room.used);
            if !shortfall.is_empty() {
                shortfalls[usize::from(shortfall.0)] += 1;
                continue;
            }
            None
        } else {
            let Some(node) = snapshot.node(index) else {
                continue;
            };
            rejection(pod, requested, node, room)
        };
        if let Some(rejection) = rejected {
            filtered.rejecting.insert(rejection.plugin);
            for reason in rejection.reasons {
                *filtered.reasons.entry(reason).or_default() += 1;
            }
            continue;
        }
        feasible += 1;
        let same_owner = owner_slot.map_or(0, |slot| snapshot.owner_count(slot, index));
        let score = node_score(room, requested, same_owner);
        let better = match (best_score, filtered.best) {
            (Some(best), Some(best_index)) => (score, Reverse(index)) > (best, Reverse(best_index)),
            _ => true,
        };
        if better {
            best_score = Some(score);
            filtered.best = Some(index);
        }
    }
    for (bits, nodes) in (0u8..).zip(shortfalls) {
        if nodes == 0 {
            continue;
        }
        filtered.rejecting.insert(Plugin::NodeResourcesFit);
        for reason in Shortfall(bits).reasons() {
            *filtered.reasons.entry(Cow::Borrowed(reason)).or_default() += nodes;
        }
    }
    filtered
}

/// The nodes NodeAffinity's PreFilter narrows an attempt to: when every required term has
/// `metadata.name In` field requirements (a DaemonSet's pods), the names they allow.
fn prefilter_node_names(pod: &Pod) -> Option<BTreeSet<&str>> {
    let terms = &required_node_affinity(pod.spec.as_ref()?)?.node_selector_terms;
    if terms.is_empty() {
        return None;
    }
    let mut names = BTreeSet::new();
    for term in terms {
        let mut term_names: Option<BTreeSet<&str>> = None;
        let requirements = term
            .match_fields
            .iter()
            .flatten()
            .filter(|r| r.key == "metadata.name" && r.operator == "In");
        for requirement in requirements {
            let values = requirement.values.iter().flatten().map(String::as_str);
            term_names = Some(match term_names {
                None => values.collect(),
                Some(known) => values.filter(|v| known.contains(v)).collect(),
            });
        }
        // A term without one lets every node through: the terms are ORed.
        names.extend(term_names?);
    }
    Some(names)
}

/// A failed attempt: the pod's `PodScheduled` condition (written only when it changes) and
/// its `FailedScheduling` Event.
fn fail(pod: &Pod, pod_key: ObjectKey, failure: &Failure, now: &Time, result: &mut Reconciliation) {
    if !has_unschedulable_condition(pod, &failure.message) {
        let mut status = pod.status.clone().unwrap_or_default();
        set_pod_condition(
            status.conditions_mut(),
            "PodScheduled",
            "False",
            Some("Unschedulable"),
            Some(&failure.message),
            now,
        );
        result.update_status(pod, status);
    }
    result.actions.push(Action::Event(
        event(
            pod_key,
            EventType::Warning,
            "FailedScheduling",
            failure.message.clone(),
            COMPONENT,
        )
        .reported("Scheduling", &pod.metadata),
    ));
}

/// Whether `set_pod_condition` would leave the pod's `PodScheduled` condition as it is:
/// already False for this very message (a repeated failure), so the pod needs no copy.
fn has_unschedulable_condition(pod: &Pod, message: &str) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|conditions| conditions.iter().find(|c| c.type_ == "PodScheduled"))
        .is_some_and(|c| {
            c.status == "False"
                && c.reason.as_deref() == Some("Unschedulable")
                && c.message.as_deref() == Some(message)
                && c.last_transition_time.is_some()
                && c.last_probe_time.is_none()
                && c.observed_generation.is_none()
        })
}

/// Pods that schedule alike: same controller and same template hash (DaemonSet pods are
/// pinned to their own nodes, so each is its own class).
fn equivalence_class(pod: &Pod) -> Option<(&str, &str)> {
    let owner = pod
        .metadata
        .controller_ref()
        .filter(|o| o.kind != "DaemonSet")?;
    let hash = pod
        .metadata
        .label(POD_TEMPLATE_HASH)
        .or_else(|| pod.metadata.label(CONTROLLER_REVISION_HASH))?;
    Some((owner.uid.as_str(), hash))
}

/// What `node` offers, as the store parsed it when the node was written.
pub(crate) fn allocatable(ctx: &Context, node: &Node) -> Resources {
    let name = node.metadata.name_str();
    let allocatable = ctx.store.node_allocatable(name);
    debug_assert!(
        allocatable == Some(node_allocatable(node)),
        "the allocatable of node {name} disagrees with its status"
    );
    allocatable.unwrap_or_else(|| node_allocatable(node))
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
fn node_score(room: Room, requested: Resources, same_owner: i64) -> i128 {
    let Room { allocatable, used } = room;
    let free = |total: i128, used: i128| {
        if total <= 0 {
            return 0;
        }
        let free = (total - used).max(0) * 100;
        // In 64 bits when it fits (every real node's does): a 128-bit division is a call
        // that costs as much as the rest of the score.
        match (i64::try_from(free), i64::try_from(total)) {
            (Ok(free), Ok(total)) => i128::from(free / total),
            _ => free / total,
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
fn failed_scheduling_message(
    node_count: usize,
    reasons: &BTreeMap<Cow<'static, str>, usize>,
) -> String {
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
            Cow::Borrowed(
                "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
            ),
            1,
        );
        reasons.insert(Cow::Borrowed("Insufficient cpu"), 2);
        assert_eq!(
            failed_scheduling_message(3, &reasons),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
    }

    #[test]
    fn a_shortfall_names_each_resource_a_node_lacks_in_the_plugin_s_order() {
        let node = Resources {
            cpu_milli: 1000,
            memory_milli: 1000,
            pods: 2,
        };
        let used = |cpu_milli, memory_milli, pods| Resources {
            cpu_milli,
            memory_milli,
            pods,
        };
        let pod = used(500, 500, 1);
        let reasons = |taken| insufficient_resources(pod, node, taken);
        assert!(reasons(used(0, 0, 0)).is_empty());
        assert_eq!(reasons(used(0, 0, 2)), ["Too many pods"]);
        assert_eq!(reasons(used(600, 0, 1)), ["Insufficient cpu"]);
        assert_eq!(
            reasons(used(600, 600, 2)),
            ["Too many pods", "Insufficient cpu", "Insufficient memory"]
        );
        // A pod that requests no cpu never lacks it.
        assert_eq!(
            insufficient_resources(used(0, 500, 1), node, used(2000, 0, 0)),
            Vec::<Cow<str>>::new()
        );
    }

    #[test]
    fn feasible_nodes_to_find_is_adaptive_above_a_hundred_nodes() {
        assert_eq!(feasible_nodes_to_find(0), 0);
        assert_eq!(feasible_nodes_to_find(99), 99);
        // 49% of 100 is below the 100-node floor.
        assert_eq!(feasible_nodes_to_find(100), 100);
        assert_eq!(feasible_nodes_to_find(101), 100);
        assert_eq!(feasible_nodes_to_find(1_000), 420);
        assert_eq!(feasible_nodes_to_find(5_000), 500);
        // Never below 5%.
        assert_eq!(feasible_nodes_to_find(6_000), 300);
        assert_eq!(feasible_nodes_to_find(20_000), 1_000);
    }

    mod sampling {
        use super::super::*;
        use crate::clock::Clock;
        use crate::features::FeatureGates;
        use crate::nodes::NodeAgents;
        use crate::store::Store;
        use k8s_openapi::api::core::v1::{Container, NodeStatus};
        use k8s_openapi::apimachinery::pkg::api::resource::Quantity as Q;
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
        use kubeplay_model::Object;

        fn node(index: usize, pods: &str) -> Object {
            Node {
                metadata: ObjectMeta {
                    name: Some(format!("node-{index:04}")),
                    uid: Some(format!("node-uid-{index}")),
                    ..ObjectMeta::default()
                },
                status: Some(NodeStatus {
                    allocatable: Some([("pods".to_string(), Q(pods.into()))].into_iter().collect()),
                    ..NodeStatus::default()
                }),
                ..Node::default()
            }
            .into_object()
        }

        fn pending_pod(name: &str, second: i64) -> Object {
            Pod {
                metadata: ObjectMeta {
                    name: Some(name.into()),
                    namespace: Some("default".into()),
                    uid: Some(format!("uid-{name}")),
                    creation_timestamp: Some(Time(
                        jiff::Timestamp::from_second(1_750_000_000 + second).unwrap_or_default(),
                    )),
                    ..ObjectMeta::default()
                },
                spec: Some(
                    PodSpec {
                        containers: vec![Container {
                            name: "app".into(),
                            image: Some("nginx".into()),
                            ..Container::default()
                        }],
                        ..PodSpec::default()
                    }
                    .into(),
                ),
                ..Pod::default()
            }
            .into_object()
        }

        fn bindings(reconciliation: &Reconciliation) -> Vec<(String, String)> {
            reconciliation
                .actions
                .iter()
                .filter_map(|action| match action {
                    Action::Bind { key, node } => Some((key.name.clone(), node.clone())),
                    _ => None,
                })
                .collect()
        }

        /// Schedules `pods` on `nodes` from `start`; the bindings and the next start.
        fn schedule(
            nodes: Vec<Object>,
            pods: &[&str],
            start: usize,
        ) -> (Vec<(String, String)>, usize) {
            let pods = pods
                .iter()
                .enumerate()
                .map(|(second, name)| pending_pod(name, second as i64))
                .collect();
            schedule_objects(nodes, pods, start)
        }

        fn schedule_objects(
            nodes: Vec<Object>,
            pods: Vec<Object>,
            start: usize,
        ) -> (Vec<(String, String)>, usize) {
            let mut store = Store::default();
            for object in nodes.into_iter().chain(pods) {
                store.put(object);
            }
            let clock = Clock::new(jiff::Timestamp::from_second(1_750_000_100).unwrap_or_default());
            let features = FeatureGates::new(BTreeMap::new());
            let agents = NodeAgents::new("kind");
            let ctx = Context {
                store: &store,
                clock: &clock,
                features: &features,
                nodes: &agents,
                tokens: u64::MAX,
            };
            let mut next = start;
            let pending = store
                .unscheduled_pods()
                .filter(|p| kubeplay_model::pod::is_active(p))
                .collect();
            let pass = pass(&ctx, pending, &mut NodeCache::default(), &mut next);
            (bindings(&pass.reconciliation), next)
        }

        #[test]
        fn on_a_thousand_nodes_each_attempt_filters_from_where_the_last_stopped() {
            let nodes = (0..1_000).map(|i| node(i, "110")).collect();
            let (bound, next) = schedule(nodes, &["a", "b", "c"], 0);
            // Each attempt stops after 420 feasible nodes and scores only those (c scores
            // 840–999 and 0–259, where node-0000 already holds a); equal scores go to the
            // first node by name.
            assert_eq!(
                bound,
                [
                    ("a".to_string(), "node-0000".to_string()),
                    ("b".to_string(), "node-0420".to_string()),
                    ("c".to_string(), "node-0001".to_string()),
                ]
            );
            assert_eq!(next, (3 * 420) % 1_000);
        }

        #[test]
        fn a_plain_pod_still_reads_cordoned_and_tainted_nodes() {
            use k8s_openapi::api::core::v1::{NodeSpec, Taint};
            let mut nodes: Vec<Object> = (0..3).map(|i| node(i, "110")).collect();
            let specs = [
                NodeSpec {
                    unschedulable: Some(true),
                    ..NodeSpec::default()
                },
                NodeSpec {
                    taints: Some(vec![Taint {
                        key: "dedicated".into(),
                        effect: "NoSchedule".into(),
                        ..Taint::default()
                    }]),
                    ..NodeSpec::default()
                },
            ];
            for (object, spec) in nodes.iter_mut().zip(specs) {
                if let Object::Node(node) = object {
                    node.spec = Some(spec);
                }
            }
            let pod = pending_pod("a", 0);
            let (Object::Node(cordoned), Object::Node(tainted), Object::Pod(plain)) =
                (&nodes[0], &nodes[1], &pod)
            else {
                unreachable!("built as a node, a node and a pod")
            };
            assert!(only_room_matters(plain));
            assert!(!is_open(cordoned) && !is_open(tainted));
            let (bound, _) = schedule(nodes, &["a"], 0);
            assert_eq!(bound, [("a".to_string(), "node-0002".to_string())]);
        }

        #[test]
        fn rejected_nodes_count_as_processed() {
            // Every other node is full: finding 420 feasible nodes filters 840 of them
            let nodes = (0..1_000)
                .map(|i| node(i, if i % 2 == 0 { "0" } else { "110" }))
                .collect();
            let (bound, next) = schedule(nodes, &["a"], 0);
            assert_eq!(bound, [("a".to_string(), "node-0001".to_string())]);
            assert_eq!(next, 840);
        }

        #[test]
        fn a_pod_pinned_by_name_filters_only_its_node() {
            use k8s_openapi::api::core::v1::{Affinity, NodeAffinity, NodeSelector};
            let nodes = (0..1_000).map(|i| node(i, "110")).collect();
            let mut pinned = pending_pod("ds", 0);
            if let Object::Pod(pod) = &mut pinned
                && let Some(spec) = pod.spec.as_mut()
            {
                spec.affinity = Some(Affinity {
                    node_affinity: Some(NodeAffinity {
                        required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                            node_selector_terms: vec![NodeSelectorTerm {
                                match_fields: Some(vec![NodeSelectorRequirement {
                                    key: "metadata.name".into(),
                                    operator: "In".into(),
                                    values: Some(vec!["node-0700".into()]),
                                }]),
                                ..NodeSelectorTerm::default()
                            }],
                        }),
                        ..NodeAffinity::default()
                    }),
                    ..Affinity::default()
                });
            }
            let (bound, next) = schedule_objects(nodes, vec![pinned], 10);
            assert_eq!(bound, [("ds".to_string(), "node-0700".to_string())]);
            // NodeAffinity's PreFilter left one node to filter: the start moves by one.
            assert_eq!(next, 11);
        }

        #[test]
        fn an_attempt_that_fits_nowhere_filters_every_node_and_keeps_the_start() {
            let nodes = (0..1_000).map(|i| node(i, "0")).collect();
            let (bound, next) = schedule(nodes, &["a"], 123);
            assert!(bound.is_empty());
            assert_eq!(next, 123);
        }

        #[test]
        fn below_a_hundred_nodes_every_node_is_scored() {
            let nodes = (0..99).map(|i| node(i, "110")).collect();
            let (bound, next) = schedule(nodes, &["a", "b"], 0);
            assert_eq!(
                bound,
                [
                    ("a".to_string(), "node-0000".to_string()),
                    ("b".to_string(), "node-0001".to_string()),
                ]
            );
            assert_eq!(next, 0);
        }

        #[test]
        fn the_node_cache_counts_a_pass_s_bindings_only_once_the_store_has_them() {
            let mut store = Store::default();
            for object in (0..3).map(|i| node(i, "1")) {
                store.put(object);
            }
            store.put(pending_pod("a", 0));
            let clock = Clock::new(jiff::Timestamp::from_second(1_750_000_100).unwrap_or_default());
            let features = FeatureGates::new(BTreeMap::new());
            let agents = NodeAgents::new("kind");
            let mut cache = NodeCache::default();
            let mut run_pass = |store: &Store| {
                let ctx = Context {
                    store,
                    clock: &clock,
                    features: &features,
                    nodes: &agents,
                    tokens: u64::MAX,
                };
                let pending = store.unscheduled_pods().collect();
                bindings(&pass(&ctx, pending, &mut cache, &mut 0).reconciliation)
            };
            let bound_to_first = vec![("a".to_string(), "node-0000".to_string())];
            assert_eq!(run_pass(&store), bound_to_first);
            // The binding was not applied (a conflict, say): the next pass finds the node
            // as the store has it, free.
            assert_eq!(run_pass(&store), bound_to_first);
            // Once applied, the node is full: the next pod goes to the next node.
            if let Some(Object::Pod(pod)) = store
                .get(&ObjectKey::new(Kind::Pod, "default", "a"))
                .cloned()
            {
                let mut pod = pod;
                pod.spec.get_or_insert_with(Default::default).node_name = Some("node-0000".into());
                store.put(Object::Pod(pod));
            }
            store.put(pending_pod("b", 1));
            assert_eq!(
                run_pass(&store),
                [("b".to_string(), "node-0001".to_string())]
            );
        }
    }
}
