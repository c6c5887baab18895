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

use std::collections::{BTreeSet, HashMap, HashSet};

use k8s_openapi::api::core::v1::{Node, Pod, Toleration};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::scheduler::{
    Plugin, Resources, insufficient_resources, is_unschedulable, matches_node_affinity,
    node_allocatable, pass, pod_requests, tolerates, unschedulable_taint, untolerated_taint,
};
use super::{Context, Controller, Reconcile, Reconciliation, Watch};
use crate::clock::Millis;
use crate::store::{Store, WatchEvent};
use kubeplay_model::pod::phase;

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
    let woken = match &event.object {
        Object::Node(node) => watch.scheduling_queue.on_node(node, deleted, watch.store),
        Object::Pod(pod) => {
            // A pod that ends frees room; an unschedulable pod that gains a toleration may fit.
            let woken = watch.scheduling_queue.on_pod(pod, deleted, watch.store);
            let unbound = pod.spec.as_ref().is_none_or(|s| s.node_name.is_none());
            woken || (!deleted && unbound && !pod.metadata.is_deleting())
        }
        _ => false,
    };
    if woken {
        watch.wake(scheduler_key());
    }
}

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
    plugins: BTreeSet<Plugin>,
    /// Its tolerations then, to notice an update that adds one.
    tolerations: Vec<Toleration>,
}

/// The scheduler's queue state.
#[derive(Clone, Debug, Default)]
pub struct SchedulingQueue {
    unschedulable: HashMap<String, Unschedulable>,
    /// The same pods by rejecting plugin (`None`: unknown rejector), so an event looks only
    /// at the pods it may concern.
    by_plugin: HashMap<Option<Plugin>, BTreeSet<String>>,
    /// When each waits to be flushed, soonest first.
    by_flush: BTreeSet<(Millis, String)>,
    /// The scheduler's node cache: the last version of each node it saw, to tell what an
    /// update changed.
    nodes: HashMap<String, Node>,
    /// Bound pods not yet finished: what the scheduler's pod informer holds (it excludes
    /// Succeeded and Failed pods, so a pod finishing is a delete to the scheduler).
    assigned: HashSet<String>,
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
            self.assigned.insert(uid.to_string());
        } else if self.assigned.remove(uid) {
            woken |= self.wake(&ClusterEvent::AssignedPodDelete, store, None);
        }
        if deleted || bound {
            self.forget(uid);
            return woken;
        }
        let tolerations = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.clone())
            .unwrap_or_default();
        if self
            .unschedulable
            .get(uid)
            .is_some_and(|entry| entry.tolerations != tolerations)
        {
            woken |= self.wake(&ClusterEvent::PodToleration, store, Some(uid));
            if let Some(entry) = self.unschedulable.get_mut(uid) {
                entry.tolerations = tolerations;
            }
        }
        woken
    }

    /// Moves the unschedulable pods (or only `only`) whose rejecting plugins say `event`
    /// may help them back to be tried.
    fn wake(&mut self, event: &ClusterEvent, store: &Store, only: Option<&str>) -> bool {
        let mut candidates: BTreeSet<&String> = BTreeSet::new();
        for (plugin, uids) in &self.by_plugin {
            if plugin.is_none_or(|plugin| event.registered_by(plugin)) {
                candidates.extend(uids.iter().filter(|uid| only.is_none_or(|o| o == *uid)));
            }
        }
        let woken: Vec<String> = candidates
            .into_iter()
            .filter(|uid| {
                let Some(pod) = store.get_by_uid(uid).and_then(Pod::from_object) else {
                    return true;
                };
                let Some(entry) = self.unschedulable.get(*uid) else {
                    return false;
                };
                entry.plugins.is_empty()
                    || entry
                        .plugins
                        .iter()
                        .any(|plugin| event.registered_by(*plugin) && event.may_help(*plugin, pod))
            })
            .cloned()
            .collect();
        for uid in &woken {
            self.forget(uid);
        }
        !woken.is_empty()
    }

    fn forget(&mut self, uid: &str) {
        let Some(entry) = self.unschedulable.remove(uid) else {
            return;
        };
        self.by_flush
            .remove(&(flush_at(entry.since_ms), uid.to_string()));
        let keys: Vec<Option<Plugin>> = if entry.plugins.is_empty() {
            vec![None]
        } else {
            entry.plugins.iter().copied().map(Some).collect()
        };
        for key in keys {
            if let Some(uids) = self.by_plugin.get_mut(&key) {
                uids.remove(uid);
            }
        }
    }

    fn remember(
        &mut self,
        uid: String,
        plugins: BTreeSet<Plugin>,
        pod: Option<&Pod>,
        now_ms: Millis,
    ) {
        self.forget(&uid);
        let keys: Vec<Option<Plugin>> = if plugins.is_empty() {
            vec![None]
        } else {
            plugins.iter().copied().map(Some).collect()
        };
        for key in keys {
            self.by_plugin.entry(key).or_default().insert(uid.clone());
        }
        self.by_flush.insert((flush_at(now_ms), uid.clone()));
        let tolerations = pod
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.tolerations.clone())
            .unwrap_or_default();
        self.unschedulable.insert(
            uid,
            Unschedulable {
                since_ms: now_ms,
                plugins,
                tolerations,
            },
        );
    }

    /// One scheduling pass over new pods, woken pods and pods due for the leftover flush.
    pub fn schedule(&mut self, ctx: &Context, now_ms: Millis) -> Reconciliation {
        while let Some((at, uid)) = self.by_flush.first().cloned() {
            if at > now_ms {
                break;
            }
            self.forget(&uid);
        }
        let mut pass = pass(ctx, |pod| {
            !self.unschedulable.contains_key(pod.metadata.uid_str())
        });
        for (uid, plugins) in std::mem::take(&mut pass.unschedulable) {
            let pod = ctx.store.get_by_uid(&uid).and_then(Pod::from_object);
            self.remember(uid, plugins, pod, now_ms);
        }
        if let Some((next, _)) = self.by_flush.first() {
            pass.reconciliation
                .requeue_within(next.saturating_sub(now_ms).max(1));
        }
        pass.reconciliation
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
            spec: Some(PodSpec {
                node_selector: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
                ..Default::default()
            }),
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
