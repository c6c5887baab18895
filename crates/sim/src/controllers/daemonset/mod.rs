//! The DaemonSet controller (`pkg/controller/daemon`), enough for kind's system DaemonSets and
//! basic use: one pod per eligible node (nodeSelector, node affinity, taints with the
//! tolerations the controller adds), pods pinned by node-name affinity, RollingUpdate by
//! maxUnavailable or maxSurge (`update.rs`), and status. `nodes.rs` decides which nodes a pod
//! belongs on.

mod answers;
mod counted;
mod nodes;
mod update;

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetSpec, DaemonSetStatus};
use k8s_openapi::api::core::v1::{Node, Toleration};
use kubeplay_model::intstr::scaled_value;
use kubeplay_model::keys::{CONTROLLER_REVISION_HASH, DAEMONSET_TEMPLATE_GENERATION};
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::{is_available, is_finished, is_ready, seconds_until_available};
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, Object, ObjectKey, Pod, Typed};

use super::claim::{claim_pods, claim_revisions, wake_adopters};
use super::pods::pod_from_template;
use super::{
    Action, Context, Controller, CreatedEvent, Creates, Reconcile, Reconciliation, Watch, history,
};
use crate::census::PodCensus;
use crate::store::WatchEvent;
use answers::Answers;
pub use answers::NodeAnswers;
use nodes::{daemon_tolerations, pin_to_node, should_run, target_node};

const COMPONENT: &str = "daemonset-controller";
/// `BurstReplicas`: the most pods one sync creates (daemon_controller.go caps deletes alike).
const BURST_REPLICAS: usize = 250;

/// DaemonSets, through their pods and revisions.
pub static CONTROLLER: Controller = Controller {
    name: "daemonset",
    reconciles: Some(Kind::DaemonSet),
    owns: &[Kind::Pod, Kind::ControllerRevision],
    watches: nodes_and_orphans,
    reconcile: Reconcile::DaemonSet(reconcile),
};

/// A node that comes, goes or changes whether it may run a daemon pod wakes the DaemonSets
/// concerned ([`node_changes`]); an orphan pod or revision wakes the DaemonSets of its
/// namespace that select it.
fn nodes_and_orphans(event: &WatchEvent, watch: &mut Watch) {
    match event.object.kind() {
        Kind::Node => node_changes(event, watch),
        Kind::Pod | Kind::ControllerRevision if !event.deleted() => {
            let selector_of = |object: &Object| {
                let ds = DaemonSet::from_object(object)?;
                Selector::from_label_selector(ds.spec.as_ref().map(|s| &s.selector)).ok()
            };
            wake_adopters(&event.object, Kind::DaemonSet, selector_of, watch);
        }
        _ => {}
    }
}

/// The DaemonSets a node's change concerns, as upstream's handlers (daemon_controller.go):
/// `addNode` wakes those that should run a pod there; `updateNode` ignores a write that
/// keeps the node's labels and taints (`shouldIgnoreNodeUpdate`: status writes, heartbeats)
/// and wakes those whose `NodeShouldRunDaemonPod` answer changed. Upstream has no delete
/// handler (the node's pods going wake their DaemonSets); here a removal wakes every
/// DaemonSet, whose sync deletes the pods of nodes that no longer exist.
fn node_changes(event: &WatchEvent, watch: &mut Watch) {
    let Some(node) = Node::from_object(&event.object) else {
        return;
    };
    if event.deleted() {
        watch.wake_every(Kind::DaemonSet, None);
        return;
    }
    let previous = event.previous.as_deref().and_then(Node::from_object);
    if previous.is_some_and(|old| {
        old.metadata.labels == node.metadata.labels
            && old.spec.as_ref().map(|s| &s.taints) == node.spec.as_ref().map(|s| &s.taints)
    }) {
        return;
    }
    let concerned: Vec<ObjectKey> = watch
        .store
        .list_typed::<DaemonSet>(None)
        .filter(|ds| {
            let Some(template) = ds.spec.as_ref().map(|s| &s.template) else {
                return false;
            };
            let tolerations = daemon_tolerations(template);
            let now = should_run(template, &tolerations, node);
            match previous {
                Some(old) => should_run(template, &tolerations, old) != now,
                None => now.0,
            }
        })
        .map(|ds| {
            ObjectKey::new(
                Kind::DaemonSet,
                ds.metadata.namespace_str(),
                ds.metadata.name_str(),
            )
        })
        .collect();
    for key in concerned {
        watch.wake(key);
    }
}

/// One sync, with the nodes' answers kept from the last ([`NodeAnswers`]).
pub fn reconcile(key: &ObjectKey, kept: &mut NodeAnswers, ctx: &Context) -> Reconciliation {
    let Some((object, ds)) = ctx
        .store
        .get(key)
        .and_then(|object| Some((object, DaemonSet::from_object(object)?)))
    else {
        kept.forget(key);
        return Reconciliation::default();
    };
    let Some(spec) = ds.spec.as_ref() else {
        return Reconciliation::default();
    };
    let collision_count = ds.status.as_ref().and_then(|s| s.collision_count);
    let answers = kept.refreshed(key, &spec.template, collision_count, ctx.store);
    let daemon_set = DaemonSetRef {
        key,
        ds,
        spec,
        object,
    };
    let (result, counted) = sync(&daemon_set, answers, true, ctx);
    // Debug builds (every test and golden transcript) check a sync that read its pods from
    // the census against the same sync claiming and listing them.
    debug_assert!(
        !counted
            || format!("{result:?}") == format!("{:?}", sync(&daemon_set, answers, false, ctx).0),
        "the census of {key}'s pods disagrees with its pods"
    );
    result
}

/// The DaemonSet a sync is about, as stored: borrowed, not copied, by every sync.
struct DaemonSetRef<'a> {
    key: &'a ObjectKey,
    ds: &'a DaemonSet,
    spec: &'a DaemonSetSpec,
    object: &'a Object,
}

/// `syncDaemonSet` (daemon_controller.go), reading the DaemonSet's pods from the store's
/// census when `census` allows and claiming would change nothing ([`Sync::counted_pods`]);
/// also says whether it did.
fn sync<'a>(
    daemon_set: &DaemonSetRef<'a>,
    answers: &'a Answers,
    census: bool,
    ctx: &'a Context,
) -> (Reconciliation, bool) {
    let mut sync = Sync::new(daemon_set, answers, ctx);
    sync.record_revision();
    let counted = if census { sync.counted_pods() } else { None };
    let gone = match &counted {
        Some(counted) => sync.manage_counted(counted),
        None => sync.manage_listed(),
    };
    sync.requeue_until_available(counted.as_ref().map(|c| c.census));
    sync.surge();
    sync.create_pods();
    // Pods for nodes that no longer exist.
    for pod in gone {
        sync.delete(pod);
    }
    sync.rolling_update();
    (sync.finish(), counted.is_some())
}

/// One sync of one DaemonSet (`syncDaemonSet`): what it decided so far, node by node.
struct Sync<'a> {
    ctx: &'a Context<'a>,
    key: &'a ObjectKey,
    ds: &'a DaemonSet,
    object: &'a Object,
    spec: &'a DaemonSetSpec,
    selector: Selector,
    /// Every node, with `NodeShouldRunDaemonPod`'s answer for it.
    answers: &'a Answers,
    hash: &'a str,
    generation: String,
    tolerations: &'a [Toleration],
    min_ready: i32,
    /// RollingUpdate (not OnDelete).
    rolling: bool,
    max_surge: i32,
    max_unavailable: i32,
    status: DaemonSetStatus,
    result: Reconciliation,
    /// Nodes whose pod is not available, counted against maxUnavailable.
    unavailable: i32,
    /// Nodes that get a new pod, in order (at most `BURST_REPLICAS` are created per sync).
    creates: Vec<String>,
    /// Available old pods a rolling update may replace, within its budget.
    replace_candidates: Vec<&'a Pod>,
    /// Nodes whose available old pod may get a new pod beside it.
    surge_candidates: Vec<String>,
    surges_in_flight: i32,
}

impl<'a> Sync<'a> {
    fn new(
        &DaemonSetRef {
            key,
            ds,
            spec,
            object,
        }: &DaemonSetRef<'a>,
        answers: &'a Answers,
        ctx: &'a Context<'a>,
    ) -> Sync<'a> {
        let generation = ds
            .metadata
            .annotation(DAEMONSET_TEMPLATE_GENERATION)
            .unwrap_or("1")
            .to_string();
        let desired = i32::try_from(answers.desired()).unwrap_or(i32::MAX);
        let rolling = spec
            .update_strategy
            .as_ref()
            .is_none_or(|s| s.type_.as_deref() != Some("OnDelete"));
        let (max_surge, max_unavailable) = update::limits(spec, rolling, desired);
        Sync {
            ctx,
            key,
            ds,
            object,
            selector: Selector::from_label_selector(Some(&spec.selector)).unwrap_or_default(),
            min_ready: spec.min_ready_seconds.unwrap_or(0),
            spec,
            answers,
            hash: answers.template_hash(),
            generation,
            tolerations: answers.tolerations(),
            rolling,
            max_surge,
            max_unavailable,
            status: DaemonSetStatus {
                observed_generation: ds.metadata.generation,
                collision_count: ds.status.as_ref().and_then(|s| s.collision_count),
                ..DaemonSetStatus::default()
            },
            result: Reconciliation::default(),
            unavailable: 0,
            creates: Vec::new(),
            replace_candidates: Vec::new(),
            surge_candidates: Vec::new(),
            surges_in_flight: 0,
        }
    }

    /// A new pod starts beside the old one on each node (maxSurge), rather than after it.
    fn surging(&self) -> bool {
        self.rolling && self.max_surge > 0
    }

    /// The ControllerRevision of the current template.
    fn record_revision(&mut self) {
        // `controlledHistories`: orphan revisions the selector matches are adopted, ours that
        // stopped matching released.
        let revisions = claim_revisions(
            self.object,
            &self.selector,
            true,
            self.ctx,
            &mut self.result,
        );
        history::ensure_revision(
            self.object,
            &self.spec.template,
            &format!("{}-{}", self.key.name, self.hash),
            self.hash,
            &revisions,
            &mut self.result,
        );
    }

    /// `podsShouldBeOnNode` for every node, with the pods `getNodesToDaemonPods` claims;
    /// returns the pods of nodes that no longer exist.
    fn manage_listed(&mut self) -> Vec<&'a Pod> {
        let mut by_node = self.pods_by_node();
        let answers = self.answers;
        for (node_name, runs) in answers.nodes() {
            let pods = by_node.remove(node_name).unwrap_or_default();
            self.manage_node(node_name, runs, pods);
        }
        by_node.into_values().flatten().collect()
    }

    /// `getNodesToDaemonPods`: pods still terminating count for their node, so that without
    /// surge a node gets its new pod only once the old one is gone (kubernetes#118716).
    /// The pods are those `getDaemonPods` claims (orphans the selector matches adopted,
    /// ours that stopped matching released).
    fn pods_by_node(&mut self) -> BTreeMap<&'a str, Vec<&'a Pod>> {
        let pods = claim_pods(
            self.object,
            &self.selector,
            |_| true,
            self.ctx,
            &mut self.result,
        );
        let mut by_node: BTreeMap<&str, Vec<&Pod>> = BTreeMap::new();
        for pod in pods.into_iter().filter(|pod| !is_finished(pod)) {
            by_node.entry(target_node(pod)).or_default().push(pod);
        }
        by_node
    }

    fn is_updated(&self, pod: &Pod) -> bool {
        pod.metadata.label(CONTROLLER_REVISION_HASH) == Some(self.hash)
    }

    fn is_available(&self, pod: &Pod) -> bool {
        is_available(pod, self.min_ready, self.ctx.clock.now())
    }

    /// `podsShouldBeOnNode` for one node: a pod created where one should run, pods deleted
    /// where none may stay, extras deleted, and the node's pod counted.
    fn manage_node(&mut self, node_name: &str, (run, keep): (bool, bool), pods: Vec<&'a Pod>) {
        let deleting = self.ds.metadata.is_deleting();
        if run {
            self.status.desired_number_scheduled += 1;
        }
        if pods.is_empty() {
            if run && !deleting {
                self.create_on(node_name);
                self.unavailable += 1;
            }
            return;
        }
        let (terminating, pods): (Vec<&Pod>, Vec<&Pod>) =
            pods.into_iter().partition(|pod| pod.metadata.is_deleting());
        if !keep {
            for pod in &pods {
                self.delete(pod);
            }
            self.status.number_misscheduled += 1;
            return;
        }
        if !run {
            self.status.number_misscheduled += 1;
        }
        self.status.current_number_scheduled += 1;
        if pods.is_empty() {
            // Only a terminating pod: with surge a new one starts beside it, otherwise the
            // node waits for it to go, unavailable meanwhile.
            if let Some(oldest) = oldest(&terminating) {
                let (updated, available) = (self.is_updated(oldest), self.is_available(oldest));
                count_pod(&mut self.status, oldest, updated, available);
            }
            self.unavailable += 1;
            if self.surging() && run && !deleting {
                self.create_on(node_name);
            }
            return;
        }
        if self.surging() {
            self.surge_node(node_name, &pods);
        } else {
            self.replace_node(&pods);
        }
    }

    /// A new pod for `node_name`, unless this sync has its `BURST_REPLICAS` already (the
    /// rest wait for a later sync, as `create_pods` sends no more).
    fn create_on(&mut self, node_name: &str) {
        if self.creates.len() < BURST_REPLICAS {
            self.creates.push(node_name.to_string());
        }
    }

    /// The pod every node's copy starts from: the template with the revision labels and the
    /// daemon tolerations, pinned to its node as it is sent ([`pin_create`]).
    fn pod_to_create(&self) -> Action {
        let mut template = self.spec.template.clone();
        let labels = template
            .metadata
            .get_or_insert_with(Default::default)
            .labels
            .get_or_insert_with(BTreeMap::new);
        labels.insert(CONTROLLER_REVISION_HASH.into(), self.hash.to_string());
        labels.insert("pod-template-generation".into(), self.generation.clone());
        let mut pod = pod_from_template(&template, self.object);
        if let Some(pod_spec) = pod.spec.as_mut() {
            pod_spec.tolerations = Some(self.tolerations.to_vec());
        }
        Action::Create {
            object: pod.into_object(),
            event: CreatedEvent::pod(self.key, COMPONENT),
        }
    }

    fn delete(&mut self, pod: &Pod) {
        self.result
            .actions
            .push(Action::delete_owned_pod(self.key, pod, COMPONENT));
    }

    /// Ready pods become available after minReadySeconds: look again then, when the first
    /// of them does. Counted by the census when it holds every pod the walk would read
    /// ([`Sync::census_holds_dependents`]).
    fn requeue_until_available(&mut self, counted: Option<&PodCensus>) {
        let now = self.ctx.clock.now();
        let soonest = match counted.filter(|census| self.census_holds_dependents(census)) {
            Some(census) => census.seconds_until_next_available(self.min_ready, now),
            None => self
                .ctx
                .store
                .dependents_of(self.ds.metadata.uid_str())
                .filter_map(Pod::from_object)
                .filter_map(|pod| seconds_until_available(pod, self.min_ready, now))
                .min(),
        };
        if let Some(seconds) = soonest {
            self.result
                .requeue_within(u64::try_from(seconds.max(1)).unwrap_or(1) * 1000);
        }
    }

    /// The pods to create, in slow-start batches, at most `BURST_REPLICAS` a sync.
    fn create_pods(&mut self) {
        let mut nodes = std::mem::take(&mut self.creates);
        if nodes.is_empty() {
            return;
        }
        nodes.truncate(BURST_REPLICAS);
        self.result.actions.push(Action::SlowStart {
            owner: self.key.clone(),
            component: COMPONENT,
            creates: Creates::PerNode {
                create: Box::new(self.pod_to_create()),
                nodes,
                pin: pin_create,
            },
        });
    }

    /// `updateDaemonSetStatus`.
    fn finish(mut self) -> Reconciliation {
        let status = &mut self.status;
        status.number_unavailable =
            Some(status.desired_number_scheduled - status.number_available.unwrap_or(0))
                .filter(|n| *n > 0);
        self.result.update_status(self.ds, self.status);
        self.result
    }
}

/// The first created of `pods` (`podByCreationTimestampAndPhase`).
/// Pins one copy of [`Sync::pod_to_create`] to its node.
fn pin_create(create: &mut Action, node: &str) {
    if let Action::Create {
        object: Object::Pod(pod),
        ..
    } = create
        && let Some(spec) = pod.spec.as_mut()
    {
        pin_to_node(spec, node);
    }
}

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

/// The budget a number is held to: negative budgets are none.
fn budget(limit: i32, used: i32) -> usize {
    usize::try_from((limit - used).max(0)).unwrap_or(0)
}

/// So `scaled_value` reads as the limits in `update.rs` use it.
fn scaled(
    value: Option<&k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>,
    total: i32,
) -> Option<i32> {
    scaled_value(value?, total, true)
}
