//! The scheduler's queue as v1.33 runs it (`pkg/scheduler/backend/queue/scheduling_queue.go`
//! with the `SchedulerQueueingHints` and `SchedulerPopFromBackoffQ` gates on by default):
//! a pod the scheduler could not place waits among the unschedulable pods, remembering
//! which filter plugins rejected it. A cluster event wakes it only when one of those plugins
//! registered the event (`EventsToRegister`) and its queueing hint says the change may help
//! (`isSchedulableAfterNodeChange` and friends). A woken pod goes to the back-off queue, and
//! an idle scheduler pops the back-off queue without waiting for the back-off to expire, so
//! in this simulation (where the active queue is always drained at once) it is tried again
//! at the instant of the event. Pods no event woke are flushed after five minutes, checked
//! every 30 s (`flushUnschedulablePodsLeftover`).

use std::collections::BTreeMap;

use foldhash::{HashMap, HashSet};
use k8s_openapi::api::core::v1::{Node, Toleration};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Pod, Typed};

use super::scheduler::{
    Plugin, PluginSet, Resources, insufficient_resources, is_unschedulable, matches_node_affinity,
    node_allocatable, pass, pod_requests, tolerates, unschedulable_taint, untolerated_taint,
};
use super::scheduler_cache::NodeCache;
use super::{Context, Controller, Reconcile, Reconciliation, Watch};
use crate::clock::Millis;
use crate::store::{Store, WatchEvent};
use kubeplay_model::pod::{is_active, phase};

/// The scheduler: pending pods, placed in one pass over its queue.
pub static CONTROLLER: Controller = Controller {
    name: "scheduler",
    reconciles: None,
    owns: &[],
    watches: cluster_events,
    reconcile: Reconcile::SchedulingQueue(schedule_pending),
};

/// The scheduler's work key: it schedules every pending pod in one pass.
pub fn scheduler_key() -> ObjectKey {
    ObjectKey::cluster(Kind::Node, "")
}

fn schedule_pending(queue: &mut SchedulingQueue, ctx: &Context) -> Reconciliation {
    queue.schedule(ctx, ctx.clock.now_ms())
}

/// Node and pod changes that may let a waiting pod fit (the queueing hints), and new pods.
fn cluster_events(event: &WatchEvent, watch: &mut Watch) {
    let deleted = event.deleted();
    let woken = match &*event.object {
        Object::Node(node) => watch.scheduling_queue.on_node(node, deleted, watch.store),
        Object::Pod(pod) => {
            // A pod that ends frees room; an unschedulable pod that gains a toleration may fit.
            let woken = watch.scheduling_queue.on_pod(pod, deleted, watch.store);
            let unbound = pod.spec.as_ref().is_none_or(|s| s.node_name.is_none());
            // A pod waiting among the unschedulable is moved only by what wakes it (its
            // status, which the scheduler itself writes, does not).
            let fresh = !deleted
                && unbound
                && !pod.metadata.is_deleting()
                && !watch.scheduling_queue.is_waiting(pod.metadata.uid_str());
            if fresh {
                watch.scheduling_queue.fresh = true;
                watch
                    .scheduling_queue
                    .active
                    .insert(pod.metadata.uid_str().to_string());
            }
            woken || fresh
        }
        _ => false,
    };
    if woken {
        watch.wake(scheduler_key());
    }
}

/// What one retry of a woken pod costs kube-scheduler's single scheduling loop. It tries
/// one pod at a time (`ScheduleOne`); a pod that fits nowhere has every node filtered,
/// which takes about a millisecond on a kind-sized cluster (scheduler_perf measures a few
/// hundred pods a second). A woken pod waits in the back-off queue, which is popped only
/// when the active queue of new pods is empty, and a wake-up finds it already queued
/// (`MoveAllToActiveOrBackoffQueue` moves only pods still among the unschedulable). So
/// new pods are placed at once, while N woken pods keep the loop busy N ms and the
/// removals meanwhile wake nobody new: without this cost, an infinitely fast scheduler
/// would retry every pending pod at every removal, which no real one can.
const RETRY_CYCLE_MS: Millis = 1;

/// `podMaxInUnschedulablePodsDuration`.
const MAX_IN_UNSCHEDULABLE_MS: Millis = 5 * 60 * 1000;
/// How often `flushUnschedulablePodsLeftover` runs, from the scheduler's start.
const LEFTOVER_FLUSH_PERIOD_MS: Millis = 30 * 1000;

/// What changed in the cluster, as the scheduler's event handlers classify it
/// (`framework.ClusterEvent`: `NodeAdd`, `nodeSchedulingPropertiesChange`, `AssignedPodDelete`,
/// `PodSchedulingPropertiesChange`).
#[derive(Clone, Copy, Debug)]
enum ClusterEvent<'a> {
    NodeAdd(&'a Node),
    /// Taints or `spec.unschedulable` changed (`UpdateNodeTaint`).
    NodeTaint(&'a Node, &'a Node),
    NodeLabel(&'a Node, &'a Node),
    NodeAllocatable(&'a Node, &'a Node),
    AssignedPodDelete,
    /// The unschedulable pod itself gained tolerations (`UpdatePodToleration`).
    PodToleration,
}

impl ClusterEvent<'_> {
    /// Whether `plugin` registered this event, with the queueing hints enabled.
    fn registered_by(&self, plugin: Plugin) -> bool {
        use ClusterEvent::*;
        use Plugin::*;
        matches!(
            (plugin, self),
            (_, NodeAdd(_))
                | (
                    NodeUnschedulable | TaintToleration,
                    NodeTaint(..) | PodToleration
                )
                | (NodeAffinity, NodeLabel(..))
                | (NodeResourcesFit, NodeAllocatable(..) | AssignedPodDelete)
        )
    }

    /// The hint when it is the same for every pod: any deletion of a bound pod may free
    /// room (`isSchedulableAfterPodEvent` queues the pod without looking at it).
    fn pod_independent_hint(&self) -> Option<bool> {
        matches!(self, ClusterEvent::AssignedPodDelete).then_some(true)
    }

    /// The queueing hint `plugin` gives for `pod`: may this change make it schedulable?
    fn may_help(&self, plugin: Plugin, pod: &Pod) -> bool {
        use ClusterEvent::*;
        let tolerations = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or_default();
        let (old, new) = match *self {
            NodeAdd(new) => (None, new),
            NodeTaint(old, new) | NodeLabel(old, new) | NodeAllocatable(old, new) => {
                (Some(old), new)
            }
            AssignedPodDelete => return true,
            PodToleration => {
                return plugin == Plugin::TaintToleration
                    || tolerates(tolerations, &unschedulable_taint());
            }
        };
        match plugin {
            Plugin::NodeUnschedulable => !is_unschedulable(new) && old.is_none_or(is_unschedulable),
            Plugin::NodeName => pod
                .spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .is_none_or(|name| name == new.metadata.name_str()),
            Plugin::TaintToleration => {
                untolerated_taint(tolerations, new).is_none()
                    && old.is_none_or(|old| untolerated_taint(tolerations, old).is_some())
            }
            Plugin::NodeAffinity => {
                matches_node_affinity(pod, new)
                    && old.is_none_or(|old| !matches_node_affinity(pod, old))
            }
            Plugin::NodeResourcesFit => {
                let requested = pod_requests(pod);
                let fits_empty =
                    insufficient_resources(requested, node_allocatable(new), Resources::default())
                        .is_empty();
                fits_empty && old.is_none_or(|old| requested_resource_grew(requested, old, new))
            }
        }
    }
}

/// `haveAnyRequestedResourcesIncreased`: more pods allowed, or more of a resource the pod
/// requests.
fn requested_resource_grew(requested: Resources, old: &Node, new: &Node) -> bool {
    let (old, new) = (node_allocatable(old), node_allocatable(new));
    new.pods > old.pods
        || (requested.cpu_milli > 0 && new.cpu_milli > old.cpu_milli)
        || (requested.memory_milli > 0 && new.memory_milli > old.memory_milli)
}

/// The update events `nodeSchedulingPropertiesChange` derives from two versions of a node.
fn node_update_events<'a>(old: &'a Node, new: &'a Node) -> Vec<ClusterEvent<'a>> {
    let mut events = Vec::new();
    if is_unschedulable(old) != is_unschedulable(new)
        || old.spec.as_ref().map(|s| &s.taints) != new.spec.as_ref().map(|s| &s.taints)
    {
        events.push(ClusterEvent::NodeTaint(old, new));
    }
    if old.metadata.labels != new.metadata.labels {
        events.push(ClusterEvent::NodeLabel(old, new));
    }
    if node_allocatable(old) != node_allocatable(new) {
        events.push(ClusterEvent::NodeAllocatable(old, new));
    }
    events
}

/// A pod the last attempt could not place.
#[derive(Clone, Debug)]
struct Unschedulable {
    /// When it entered the unschedulable pods (`QueuedPodInfo.Timestamp`).
    since_ms: Millis,
    /// The plugins that rejected it; empty when none could be named (no nodes at all), in
    /// which case any event wakes it.
    plugins: PluginSet,
    /// Its tolerations then, to notice an update that adds one.
    tolerations: Vec<Toleration>,
    /// Still among the unschedulable pods; false once an event or the flush moved it to be
    /// tried again. A woken pod keeps its entry (and its place in the indexes) until the
    /// next pass: a pod that fails again, as most do, is then updated in place rather than
    /// removed and indexed anew.
    waiting: bool,
}

/// The scheduler's queue state.
#[derive(Clone, Debug, Default)]
pub struct SchedulingQueue {
    unschedulable: HashMap<String, Unschedulable>,
    /// The same pods by rejecting plugin (`None`: unknown rejector), so an event looks only
    /// at the pods it may concern.
    by_plugin: HashMap<Option<Plugin>, HashSet<String>>,
    /// The same pods by the leftover flush that will find them due (on a 30 s grid).
    by_flush: BTreeMap<Millis, HashSet<String>>,
    /// Pods woken since the last pass: those it did not try are dropped after it.
    woken: Vec<String>,
    /// The scheduler's node cache: the last version of each node it saw, to tell what an
    /// update changed.
    nodes: HashMap<String, Node>,
    /// Bound pods not yet finished: what the scheduler's pod informer holds (it excludes
    /// Succeeded and Failed pods, so a pod finishing is a delete to the scheduler).
    assigned: HashSet<String>,
    /// `nextStartNodeIndex`: where the next attempt starts filtering the node list.
    next_start_node: usize,
    /// Each node's room and owners' pods, kept across passes (`scheduler_cache.rs`).
    node_cache: NodeCache,
    /// How many pods wait among the unschedulable (a wake with none waiting looks at none).
    waiting_pods: usize,
    /// A pod not waiting among the unschedulable was added or changed since the last pass
    /// (the active queue has pods): without one, a pass while the loop is busy with a
    /// retry has nothing to try.
    fresh: bool,
    /// The UIDs of the pods seen unbound and not waiting among the unschedulable, until they
    /// are bound, deleted or found unschedulable: the active queue, and the pods a pass
    /// tries besides the woken ones (so a pass looks at those, not at every pending pod).
    active: HashSet<String>,
    /// Until when the scheduling loop is taken by its last retry of woken pods (see
    /// [`RETRY_CYCLE_MS`]): woken pods wait for it, new pods do not.
    retrying_until_ms: Millis,
}

/// The index keys of a pod rejected by `plugins`.
fn plugin_keys(plugins: PluginSet) -> impl Iterator<Item = Option<Plugin>> {
    plugins
        .is_empty()
        .then_some(None)
        .into_iter()
        .chain(plugins.iter().map(Some))
}

impl SchedulingQueue {
    /// A node was added, updated or deleted. Returns whether a pod was woken.
    pub fn on_node(&mut self, node: &Node, deleted: bool, store: &Store) -> bool {
        let name = node.metadata.name_str().to_string();
        if deleted {
            self.nodes.remove(&name);
            return false;
        }
        let old = self.nodes.insert(name, node.clone());
        let events = match &old {
            None => vec![ClusterEvent::NodeAdd(node)],
            Some(old) => node_update_events(old, node),
        };
        let mut woken = false;
        for event in events {
            woken |= self.wake(&event, store, None);
        }
        woken
    }

    /// A pod was added, updated or deleted. Returns whether a pod was woken.
    pub fn on_pod(&mut self, pod: &Pod, deleted: bool, store: &Store) -> bool {
        let uid = pod.metadata.uid_str();
        let bound = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_ref())
            .is_some();
        let running = bound && !deleted && !matches!(phase(pod), "Succeeded" | "Failed");
        let mut woken = false;
        if running {
            if !self.assigned.contains(uid) {
                self.assigned.insert(uid.to_string());
            }
        } else if self.assigned.remove(uid) {
            woken |= self.wake(&ClusterEvent::AssignedPodDelete, store, None);
        }
        if deleted || bound {
            self.active.remove(uid);
            self.forget(uid);
            return woken;
        }
        let tolerations = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or_default();
        if self
            .unschedulable
            .get(uid)
            .is_some_and(|entry| entry.waiting && entry.tolerations != tolerations)
        {
            woken |= self.wake(&ClusterEvent::PodToleration, store, Some(uid));
            if let Some(entry) = self.unschedulable.get_mut(uid) {
                entry.tolerations = tolerations.to_vec();
            }
        }
        woken
    }

    /// Moves the unschedulable pods (or only `only`) whose rejecting plugins say `event`
    /// may help them back to be tried.
    fn wake(&mut self, event: &ClusterEvent, store: &Store, only: Option<&str>) -> bool {
        if self.waiting_pods == 0 {
            return false;
        }
        let mut woken = Vec::new();
        for (plugin, uids) in &self.by_plugin {
            if !plugin.is_none_or(|plugin| event.registered_by(plugin)) {
                continue;
            }
            for uid in uids.iter().filter(|uid| only.is_none_or(|o| o == *uid)) {
                let Some(entry) = self.unschedulable.get(uid).filter(|e| e.waiting) else {
                    continue;
                };
                let helps = entry.plugins.is_empty()
                    || entry.plugins.iter().any(|plugin| {
                        event.registered_by(plugin)
                            && match event.pod_independent_hint() {
                                Some(hint) => hint,
                                // A pod gone from the store is woken (and then dropped).
                                None => store
                                    .get_by_uid(uid)
                                    .and_then(Pod::from_object)
                                    .is_none_or(|pod| event.may_help(plugin, pod)),
                            }
                    });
                if helps {
                    woken.push(uid.clone());
                }
            }
        }
        let any = !woken.is_empty();
        for uid in woken {
            self.move_to_be_tried(uid);
        }
        any
    }

    /// An unschedulable pod leaves the unschedulable pods to be tried in the next pass.
    fn move_to_be_tried(&mut self, uid: String) {
        if let Some(entry) = self.unschedulable.get_mut(&uid)
            && entry.waiting
        {
            entry.waiting = false;
            self.waiting_pods -= 1;
            self.woken.push(uid);
        }
    }

    /// Whether the pod `uid` waits among the unschedulable pods.
    fn is_waiting(&self, uid: &str) -> bool {
        self.unschedulable
            .get(uid)
            .is_some_and(|entry| entry.waiting)
    }

    fn forget(&mut self, uid: &str) {
        let Some(entry) = self.unschedulable.remove(uid) else {
            return;
        };
        if entry.waiting {
            self.waiting_pods -= 1;
        }
        self.unflush(flush_at(entry.since_ms), uid);
        for key in plugin_keys(entry.plugins) {
            if let Some(uids) = self.by_plugin.get_mut(&key) {
                uids.remove(uid);
            }
        }
    }

    fn unflush(&mut self, at: Millis, uid: &str) {
        if let Some(uids) = self.by_flush.get_mut(&at) {
            uids.remove(uid);
            if uids.is_empty() {
                self.by_flush.remove(&at);
            }
        }
    }

    /// `pod` failed again (or for the first time): it waits among the unschedulable pods,
    /// rejected by `plugins`, since `now_ms`. A pod that was already there is updated in
    /// place, touching only the indexes whose key changed.
    fn remember(&mut self, pod: &Pod, plugins: PluginSet, now_ms: Millis) {
        let uid = pod.metadata.uid_str();
        self.active.remove(uid);
        let tolerations = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or_default();
        let (old_plugins, old_flush) = match self.unschedulable.get_mut(uid) {
            Some(entry) => {
                let old = (Some(entry.plugins), Some(flush_at(entry.since_ms)));
                entry.since_ms = now_ms;
                entry.plugins = plugins;
                if !entry.waiting {
                    self.waiting_pods += 1;
                }
                entry.waiting = true;
                if entry.tolerations != tolerations {
                    entry.tolerations = tolerations.to_vec();
                }
                old
            }
            None => {
                self.waiting_pods += 1;
                self.unschedulable.insert(
                    uid.to_string(),
                    Unschedulable {
                        since_ms: now_ms,
                        plugins,
                        tolerations: tolerations.to_vec(),
                        waiting: true,
                    },
                );
                (None, None)
            }
        };
        if old_plugins != Some(plugins) {
            for key in old_plugins.into_iter().flat_map(plugin_keys) {
                if let Some(uids) = self.by_plugin.get_mut(&key) {
                    uids.remove(uid);
                }
            }
            for key in plugin_keys(plugins) {
                self.by_plugin
                    .entry(key)
                    .or_default()
                    .insert(uid.to_string());
            }
        }
        let flush = flush_at(now_ms);
        if old_flush != Some(flush) {
            if let Some(old) = old_flush {
                self.unflush(old, uid);
            }
            self.by_flush
                .entry(flush)
                .or_default()
                .insert(uid.to_string());
        }
    }

    /// One scheduling pass over new pods, woken pods and pods due for the leftover flush.
    pub fn schedule(&mut self, ctx: &Context, now_ms: Millis) -> Reconciliation {
        while let Some(entry) = self.by_flush.first_entry() {
            if *entry.key() > now_ms {
                break;
            }
            for uid in entry.remove() {
                self.move_to_be_tried(uid);
            }
        }
        let retrying = now_ms >= self.retrying_until_ms;
        let fresh = std::mem::take(&mut self.fresh);
        // Without new pods, and with the woken ones (if any) waiting for the loop, there is
        // nothing to try.
        let mut reconciliation = if fresh || (retrying && !self.woken.is_empty()) {
            self.pass(ctx, now_ms, retrying)
        } else {
            Reconciliation::default()
        };
        if !self.woken.is_empty() {
            reconciliation.requeue_within(self.retrying_until_ms.saturating_sub(now_ms).max(1));
        }
        if let Some(next) = self.by_flush.keys().next() {
            reconciliation.requeue_within(next.saturating_sub(now_ms).max(1));
        }
        reconciliation
    }

    /// Tries the new pods, and the woken ones when `retrying` (the loop is free), then
    /// keeps the loop busy for the retries.
    fn pass(&mut self, ctx: &Context, now_ms: Millis, retrying: bool) -> Reconciliation {
        let pending = self.pending(ctx.store, retrying);
        let retried = if retrying {
            pending
                .iter()
                .filter(|pod| self.unschedulable.contains_key(pod.metadata.uid_str()))
                .count()
        } else {
            0
        };
        let mut next_start = self.next_start_node;
        let mut pass = pass(ctx, pending, &mut self.node_cache, &mut next_start);
        self.next_start_node = next_start;
        for (pod, plugins) in std::mem::take(&mut pass.unschedulable) {
            self.remember(pod, plugins, now_ms);
        }
        if retrying {
            self.retrying_until_ms = now_ms + retried as Millis * RETRY_CYCLE_MS;
            // Woken pods the pass did not try (bound or deleted meanwhile) leave the queue.
            for uid in std::mem::take(&mut self.woken) {
                if self.unschedulable.get(&uid).is_some_and(|e| !e.waiting) {
                    self.forget(&uid);
                }
            }
        }
        pass.reconciliation
    }

    /// The pods a pass tries, each once: the unbound active pods of the active queue, and
    /// the woken ones when `retrying` (the loop is free) — of every pending pod, those not
    /// among the unschedulable, or moved from them to be tried.
    fn pending<'a>(&self, store: &'a Store, retrying: bool) -> Vec<&'a Pod> {
        let woken = retrying.then_some(&self.woken).into_iter().flatten();
        let mut uids: Vec<&str> = self
            .active
            .iter()
            .chain(woken)
            .map(String::as_str)
            .collect();
        uids.sort_unstable();
        uids.dedup();
        let to_try = |pod: &&Pod| match self.unschedulable.get(pod.metadata.uid_str()) {
            None => true,
            Some(entry) => !entry.waiting && retrying,
        };
        let pending: Vec<&Pod> = uids
            .into_iter()
            .filter_map(|uid| store.get_by_uid(uid))
            .filter_map(Pod::from_object)
            .filter(|pod| pod.spec.as_ref().is_none_or(|s| s.node_name.is_none()))
            .filter(|pod| is_active(pod) && to_try(pod))
            .collect();
        // Debug builds (every test and golden transcript) check the queue against the walk
        // of every pending pod it stands for, up to a few hundred of them.
        debug_assert!(
            store.unscheduled_pods().nth(250).is_some() || {
                let mut walked: Vec<&str> = store
                    .unscheduled_pods()
                    .filter(|pod| is_active(pod) && to_try(pod))
                    .map(|pod| pod.metadata.uid_str())
                    .collect();
                let mut queued: Vec<&str> = pending.iter().map(|p| p.metadata.uid_str()).collect();
                walked.sort_unstable();
                queued.sort_unstable();
                walked == queued
            },
            "the scheduling queue disagrees with the pending pods"
        );
        pending
    }
}

/// The first leftover flush that finds a pod unschedulable since `since_ms` for longer than
/// five minutes (the flush runs every 30 s from the scheduler's start).
fn flush_at(since_ms: Millis) -> Millis {
    ((since_ms + MAX_IN_UNSCHEDULABLE_MS) / LEFTOVER_FLUSH_PERIOD_MS + 1) * LEFTOVER_FLUSH_PERIOD_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{NodeSpec, PodSpec, Taint};
    use std::collections::BTreeMap;

    fn node(taints: &[(&str, &str)], labels: &[(&str, &str)], unschedulable: bool) -> Node {
        Node {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some("n".into()),
                labels: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect::<BTreeMap<_, _>>(),
                ),
                ..Default::default()
            },
            spec: Some(NodeSpec {
                unschedulable: Some(unschedulable),
                taints: Some(
                    taints
                        .iter()
                        .map(|(key, effect)| Taint {
                            key: key.to_string(),
                            effect: effect.to_string(),
                            ..Taint::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            status: None,
        }
    }

    fn pod_selecting(labels: &[(&str, &str)]) -> Pod {
        Pod {
            spec: Some(
                PodSpec {
                    node_selector: Some(
                        labels
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect(),
                    ),
                    ..Default::default()
                }
                .into(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn node_updates_raise_the_events_their_changes_stand_for() {
        let tainted = node(&[("k", "NoSchedule")], &[], false);
        let clean = node(&[], &[], false);
        let labelled = node(&[], &[("disk", "ssd")], false);
        let cordoned = node(&[], &[], true);
        let kinds = |old, new| {
            node_update_events(old, new)
                .iter()
                .map(|e| {
                    format!("{e:?}")
                        .split('(')
                        .next()
                        .unwrap_or_default()
                        .to_string()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(&tainted, &clean), ["NodeTaint"]);
        assert_eq!(kinds(&clean, &cordoned), ["NodeTaint"]);
        assert_eq!(kinds(&clean, &labelled), ["NodeLabel"]);
        assert!(kinds(&clean, &clean).is_empty());
    }

    #[test]
    fn hints_wake_a_pod_only_for_changes_that_undo_its_rejection() {
        let pod = pod_selecting(&[("disk", "ssd")]);
        let tainted = node(&[("k", "NoSchedule")], &[], false);
        let clean = node(&[], &[], false);
        let labelled = node(&[], &[("disk", "ssd")], false);
        let cordoned = node(&[], &[], true);
        let untaint = ClusterEvent::NodeTaint(&tainted, &clean);
        assert!(untaint.registered_by(Plugin::TaintToleration));
        assert!(untaint.may_help(Plugin::TaintToleration, &pod));
        let taint = ClusterEvent::NodeTaint(&clean, &tainted);
        assert!(!taint.may_help(Plugin::TaintToleration, &pod));
        let label = ClusterEvent::NodeLabel(&clean, &labelled);
        assert!(!label.registered_by(Plugin::TaintToleration));
        assert!(label.may_help(Plugin::NodeAffinity, &pod));
        let relabel = ClusterEvent::NodeLabel(&labelled, &labelled);
        assert!(!relabel.may_help(Plugin::NodeAffinity, &pod));
        let uncordon = ClusterEvent::NodeTaint(&cordoned, &clean);
        assert!(uncordon.may_help(Plugin::NodeUnschedulable, &pod));
        assert!(!ClusterEvent::NodeAdd(&cordoned).may_help(Plugin::NodeUnschedulable, &pod));
        assert!(ClusterEvent::AssignedPodDelete.registered_by(Plugin::NodeResourcesFit));
        assert!(!ClusterEvent::AssignedPodDelete.registered_by(Plugin::NodeAffinity));
    }

    #[test]
    fn leftover_flush_runs_on_the_thirty_second_grid() {
        assert_eq!(flush_at(0), 330_000);
        assert_eq!(flush_at(1_000), 330_000);
        assert_eq!(flush_at(29_999), 330_000);
        assert_eq!(flush_at(30_000), 360_000);
    }
}
