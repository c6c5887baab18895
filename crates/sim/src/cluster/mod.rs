//! The driver: owns the API server, the kubelets, the timers and the work queue; turns watch
//! events into reconcile work, applies what controllers intend, and advances virtual time
//! from one scheduled change to the next.

mod cycles;
mod nodes;
mod turnover;

pub use nodes::{NewNode, NodeError};

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

use k8s_openapi::api::core::v1::Pod;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use crate::api::{ApiServer, EventRecord, EventType};
use crate::clock::{Clock, Millis};
use crate::controllers::scheduling_queue::SchedulingQueue;
use crate::controllers::{self, Action, Context, ControllerId, Reconciliation};
use crate::kubelet::{KubeletTimer, Kubelets};
use crate::nodes::NodeAgents;
use crate::rng::SimRng;
use crate::store::{WatchEvent, WatchEventType};

/// Reconciles at one instant at most, so a controller bug cannot hang the page.
const MAX_RECONCILES_PER_INSTANT: usize = 200_000;
/// The API server drops expired Events on this grid from the cluster's creation.
const EVENT_EXPIRY_PERIOD_MS: Millis = 60_000;
/// How many instants an advance processes between two asks of its caller's budget.
const INSTANTS_PER_BUDGET_CHECK: u32 = 1024;
/// Granularity of kubelet-side timers.
const TIMER_GRID_MS: Millis = 100;
/// The scheduler's work key: it schedules every pending pod in one pass.
fn scheduler_key() -> ObjectKey {
    ObjectKey::cluster(Kind::Node, "")
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TimerKind {
    Kubelet(KubeletTimer),
    Requeue(ControllerId, ObjectKey),
    /// A joining node's CNI is up: its kubelet reports Ready.
    NodeNetworkReady(String),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Timer {
    at_ms: Millis,
    sequence: u64,
    kind: TimerKind,
}

#[derive(Clone)]
pub struct Cluster {
    pub api: ApiServer,
    pub kubelets: Kubelets,
    pub nodes: NodeAgents,
    /// Kubelet steps of pods whose node's kubelet is stopped, replayed when it starts again.
    parked: HashMap<String, Vec<KubeletTimer>>,
    timers: BinaryHeap<Reverse<Timer>>,
    sequence: u64,
    queue: VecDeque<(ControllerId, ObjectKey)>,
    queued: HashSet<(ControllerId, ObjectKey)>,
    reconciles: u64,
    scheduling_queue: SchedulingQueue,
    /// The last instant of the event-expiry grid that has been processed.
    events_expired_at: Millis,
    /// Whole cycles of steady loops jumped over (for benchmarks and tests).
    cycles_skipped: u64,
    /// No turnover jump is tried before this instant (one failed recently).
    turnover_retry_at: Millis,
    /// Turnover jumps that failed in a row.
    turnover_failures: u32,
    /// Reference mode for the equivalence tests: visit every tick of the event-expiry grid,
    /// as a naive periodic timer would, instead of only those where an Event is due.
    stepwise: bool,
}

/// Whether an advance reached its target or its caller's budget stopped it first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Advance {
    Reached,
    /// Stopped at the current instant; everything up to it has happened.
    Stopped,
}

impl Cluster {
    pub fn new(start: jiff::Timestamp, seed: u64) -> Cluster {
        Cluster {
            api: ApiServer::new(Clock::new(start), SimRng::seeded(seed)),
            kubelets: Kubelets::default(),
            nodes: NodeAgents::default(),
            parked: HashMap::new(),
            timers: BinaryHeap::new(),
            sequence: 0,
            queue: VecDeque::new(),
            queued: HashSet::new(),
            reconciles: 0,
            scheduling_queue: SchedulingQueue::default(),
            events_expired_at: 0,
            cycles_skipped: 0,
            turnover_retry_at: 0,
            turnover_failures: 0,
            stepwise: false,
        }
    }

    /// Only for the equivalence tests: makes the driver visit every tick of its periodic
    /// work (see `stepwise`), the naive simulation the time-skipping one must equal.
    #[doc(hidden)]
    pub fn set_stepwise(&mut self, stepwise: bool) {
        self.stepwise = stepwise;
    }

    pub fn now_ms(&self) -> Millis {
        self.api.clock.now_ms()
    }

    /// How many reconciles and kubelet steps ran so far (for benchmarks).
    pub fn reconciles(&self) -> u64 {
        self.reconciles
    }

    /// How many whole cycles of steady loops advances jumped over (for benchmarks and tests).
    pub fn cycles_skipped(&self) -> u64 {
        self.cycles_skipped
    }

    fn schedule(&mut self, delay_ms: Millis, kind: TimerKind) {
        self.sequence += 1;
        // Node-side changes land on a 100 ms grid, so that thousands of pods changing
        // "at once" are handled by controllers in a few batches rather than one by one —
        // what informer resyncs and kubelet status batching achieve in a real cluster.
        let due = self.now_ms().saturating_add(delay_ms);
        let at_ms = match kind {
            TimerKind::Kubelet(_) => due.div_ceil(TIMER_GRID_MS) * TIMER_GRID_MS,
            _ => due,
        };
        self.timers.push(Reverse(Timer {
            at_ms,
            sequence: self.sequence,
            kind,
        }));
    }

    /// Queues every object of `kind` (in `namespace`, or all) for `controller`.
    fn enqueue_every(&mut self, controller: ControllerId, kind: Kind, namespace: Option<&str>) {
        let keys: Vec<ObjectKey> = self
            .api
            .store
            .list(kind, namespace)
            .map(Object::key)
            .collect();
        for key in keys {
            self.enqueue(controller, key);
        }
    }

    fn enqueue(&mut self, controller: ControllerId, key: ObjectKey) {
        if self.queued.insert((controller, key.clone())) {
            self.queue.push_back((controller, key));
        }
    }

    /// Processes everything due at the current instant until nothing is left to do.
    pub fn settle(&mut self) {
        let mut budget = MAX_RECONCILES_PER_INSTANT;
        loop {
            for event in self.api.store.take_watch_events() {
                self.dispatch(event);
            }
            let Some((controller, key)) = self.queue.pop_front() else {
                break;
            };
            self.queued.remove(&(controller, key.clone()));
            let reconciliation = {
                let ctx = Context {
                    store: &self.api.store,
                    clock: &self.api.clock,
                    features: &self.api.features,
                    nodes: &self.nodes,
                };
                match controller {
                    ControllerId::Deployment => controllers::deployment::reconcile(&key, &ctx),
                    ControllerId::ReplicaSet => controllers::replicaset::reconcile(&key, &ctx),
                    ControllerId::DaemonSet => controllers::daemonset::reconcile(&key, &ctx),
                    ControllerId::Job => controllers::job::reconcile(&key, &ctx),
                    ControllerId::CronJob => controllers::cronjob::reconcile(&key, &ctx),
                    ControllerId::StatefulSet => controllers::statefulset::reconcile(&key, &ctx),
                    ControllerId::Volumes => controllers::volumes::reconcile(&key, &ctx),
                    ControllerId::GarbageCollector => controllers::gc::reconcile(&key, &ctx),
                    ControllerId::NodeLifecycle => {
                        controllers::node_lifecycle::reconcile(&key, &ctx)
                    }
                    ControllerId::TaintEviction => {
                        controllers::taint_eviction::reconcile(&key, &ctx)
                    }
                    ControllerId::PodGarbageCollector => controllers::pod_gc::reconcile(&key, &ctx),
                    ControllerId::Disruption => controllers::disruption::reconcile(&key, &ctx),
                    ControllerId::Endpoints => controllers::endpoints::reconcile(&key, &ctx),
                    ControllerId::Scheduler => self
                        .scheduling_queue
                        .schedule(&ctx, self.api.clock.now_ms()),
                }
            };
            self.reconciles += 1;
            self.apply(controller, &key, reconciliation);
            budget -= 1;
            if budget == 0 {
                break;
            }
        }
    }

    /// Advances virtual time to `target_ms`, running every change scheduled on the way.
    pub fn run_until(&mut self, target_ms: Millis) {
        self.run_until_within(target_ms, &mut || true);
    }

    /// Advances virtual time towards `target_ms` like `run_until`, asking `keep_going` every
    /// so many instants whether to go on (the CLI's wall-clock budget; the core reads no clock).
    ///
    /// The work is proportional to the instants at which something is scheduled, never to the
    /// time that passes: periodic work that would change nothing is not visited (Lease
    /// renewals and node-monitor passes are computed from their grids, and the Event expiry
    /// pass only runs at grid ticks where an Event is due).
    pub fn run_until_within(
        &mut self,
        target_ms: Millis,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> Advance {
        self.settle();
        let mut instants = 0u32;
        while let Some(instant) = self.next_change_at() {
            if instant > target_ms {
                break;
            }
            instants = instants.wrapping_add(1);
            if instants.is_multiple_of(INSTANTS_PER_BUDGET_CHECK) && !keep_going() {
                return Advance::Stopped;
            }
            // A long advance over a steady loop jumps its whole cycles (never in the
            // stepwise reference mode); the cycles it watches to be sure are real steps.
            if !self.stepwise && instants.is_multiple_of(cycles::INSTANTS_PER_ATTEMPT) {
                let skipped = self.cycles_skipped;
                self.skip_steady_cycles(target_ms);
                if self.cycles_skipped == skipped {
                    self.skip_turnover_cycles(target_ms);
                }
                continue;
            }
            self.process_instant(instant);
        }
        self.api.clock.advance_to(target_ms);
        self.settle();
        Advance::Reached
    }

    /// Runs everything due at `instant`, the next instant at which something changes.
    fn process_instant(&mut self, instant: Millis) {
        self.api.clock.advance_to(instant);
        // Expired Events go first: a change at this instant that repeats one renews
        // it only if it is still there.
        if self.next_expiry_tick() == Some(instant) {
            self.api.expire_events();
            self.events_expired_at = instant;
        }
        // Everything due at this instant happens before controllers react, as one batch.
        while let Some(Reverse(timer)) = self.timers.peek() {
            if timer.at_ms != instant {
                break;
            }
            let Some(Reverse(timer)) = self.timers.pop() else {
                break;
            };
            self.fire(timer.kind);
        }
        self.settle();
    }

    /// The next tick of the Event-expiry grid at which an Event is due (every tick in
    /// stepwise mode): ticks before it would find nothing to drop.
    fn next_expiry_tick(&self) -> Option<Millis> {
        let next_tick = self
            .events_expired_at
            .saturating_add(EVENT_EXPIRY_PERIOD_MS);
        if self.stepwise {
            return Some(next_tick);
        }
        let due = self.api.next_event_expiry_ms()?;
        let due_tick = due
            .div_ceil(EVENT_EXPIRY_PERIOD_MS)
            .saturating_mul(EVENT_EXPIRY_PERIOD_MS);
        Some(next_tick.max(due_tick))
    }

    pub fn advance(&mut self, delta_ms: Millis) {
        let target = self.now_ms().saturating_add(delta_ms);
        self.run_until(target);
    }

    /// When the next scheduled change happens, if any (for "step to next change").
    pub fn next_change_at(&self) -> Option<Millis> {
        let timer = self.timers.peek().map(|Reverse(t)| t.at_ms);
        match (timer, self.next_expiry_tick()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn fire(&mut self, kind: TimerKind) {
        match kind {
            TimerKind::Kubelet(timer) => {
                // A stopped kubelet does nothing; its work waits for it to start again.
                match self.node_of_pod(&timer.pod_uid) {
                    Some(node) if !self.nodes.is_running(&node) => {
                        if self.nodes.has_machine(&node) {
                            self.parked.entry(node).or_default().push(timer);
                        }
                        return;
                    }
                    _ => {}
                }
                let mut timers = Vec::new();
                self.kubelets.step(timer, &mut self.api, &mut timers);
                self.reconciles += 1;
                for (delay, timer) in timers {
                    self.schedule(delay, TimerKind::Kubelet(timer));
                }
            }
            TimerKind::Requeue(controller, key) => self.enqueue(controller, key),
            TimerKind::NodeNetworkReady(node) => self.post_node_ready(&node),
        }
    }

    fn node_of_pod(&self, uid: &str) -> Option<String> {
        match self.api.store.get_by_uid(uid)? {
            Object::Pod(pod) => pod.spec.as_ref()?.node_name.clone(),
            _ => None,
        }
    }

    /// The informers' event handlers: which work a change causes.
    fn dispatch(&mut self, event: WatchEvent) {
        let object = &event.object;
        let deleted = event.event_type == WatchEventType::Deleted;
        if deleted {
            for dependent in self
                .api
                .store
                .dependents_of(object.uid())
                .map(Object::key)
                .collect::<Vec<_>>()
            {
                self.enqueue(ControllerId::GarbageCollector, dependent);
            }
        } else if object.meta().is_deleting()
            && object
                .meta()
                .finalizers
                .as_ref()
                .is_some_and(|f| !f.is_empty())
        {
            self.enqueue(ControllerId::GarbageCollector, object.key());
        }
        // An owner waiting in foreground deletion re-checks when a dependent goes away.
        if deleted {
            let waiting: Vec<ObjectKey> = object
                .meta()
                .owner_references
                .iter()
                .flatten()
                .filter_map(|owner| self.api.store.get_by_uid(&owner.uid))
                .filter(|owner| owner.meta().is_deleting())
                .map(Object::key)
                .collect();
            for owner in waiting {
                self.enqueue(ControllerId::GarbageCollector, owner);
            }
        }
        if let Some(owner) = object.meta().controller_ref() {
            let owner_kind = match owner.kind.as_str() {
                "ReplicaSet" => Some((ControllerId::ReplicaSet, Kind::ReplicaSet)),
                "Deployment" => Some((ControllerId::Deployment, Kind::Deployment)),
                "DaemonSet" => Some((ControllerId::DaemonSet, Kind::DaemonSet)),
                "Job" => Some((ControllerId::Job, Kind::Job)),
                "CronJob" => Some((ControllerId::CronJob, Kind::CronJob)),
                "StatefulSet" => Some((ControllerId::StatefulSet, Kind::StatefulSet)),
                _ => None,
            };
            if let Some((controller, kind)) = owner_kind {
                self.enqueue(
                    controller,
                    ObjectKey::new(kind, object.namespace(), &owner.name),
                );
            }
            // An owner that is already gone: let the garbage collector decide.
            if self.api.store.get_by_uid(&owner.uid).is_none() && !deleted {
                self.enqueue(ControllerId::GarbageCollector, object.key());
            }
        }
        match object {
            Object::Deployment(_) if !deleted => {
                self.enqueue(ControllerId::Deployment, object.key())
            }
            Object::ReplicaSet(_) if !deleted => {
                self.enqueue(ControllerId::ReplicaSet, object.key())
            }
            Object::DaemonSet(_) if !deleted => self.enqueue(ControllerId::DaemonSet, object.key()),
            Object::Job(_) if !deleted => self.enqueue(ControllerId::Job, object.key()),
            Object::CronJob(_) if !deleted => self.enqueue(ControllerId::CronJob, object.key()),
            Object::StatefulSet(_) if !deleted => {
                self.enqueue(ControllerId::StatefulSet, object.key())
            }
            Object::PersistentVolumeClaim(_) if !deleted => {
                self.enqueue(ControllerId::Volumes, object.key())
            }
            Object::PersistentVolumeClaim(_) => {
                // A deleted claim: its volumes may be reclaimed.
                self.enqueue_every(ControllerId::Volumes, Kind::PersistentVolume, None);
            }
            Object::Namespace(_) if !deleted && object.meta().is_deleting() => {
                self.enqueue(ControllerId::GarbageCollector, object.key())
            }
            Object::Node(node) => {
                self.dispatch_node(object.key(), deleted);
                self.enqueue_every(ControllerId::DaemonSet, Kind::DaemonSet, None);
                if self
                    .scheduling_queue
                    .on_node(node, deleted, &self.api.store)
                {
                    self.enqueue(ControllerId::Scheduler, scheduler_key());
                }
            }
            Object::PodDisruptionBudget(_) if !deleted => {
                self.enqueue(ControllerId::Disruption, object.key())
            }
            Object::Service(_) => self.enqueue(ControllerId::Endpoints, object.key()),
            Object::Pod(pod) => self.dispatch_pod(pod, deleted),
            _ => {}
        }
    }

    fn dispatch_node(&mut self, key: ObjectKey, deleted: bool) {
        if deleted {
            // The machine leaves the cluster; its pods are collected after the quarantine.
            self.nodes.unregister(&key.name);
            self.parked.remove(&key.name);
            let due = controllers::pod_gc::collection_due_ms(self.now_ms());
            let delay = due.saturating_sub(self.now_ms());
            self.schedule(
                delay,
                TimerKind::Requeue(ControllerId::PodGarbageCollector, key),
            );
            return;
        }
        self.enqueue(ControllerId::NodeLifecycle, key.clone());
        self.enqueue(ControllerId::TaintEviction, key);
    }

    /// The controllers that look at a pod through its node or its budgets.
    fn dispatch_pod_watchers(&mut self, pod: &Pod) {
        let namespace = pod.metadata.namespace_str();
        self.enqueue_every(
            ControllerId::Disruption,
            Kind::PodDisruptionBudget,
            Some(namespace),
        );
        // Any Service of the namespace may gain or lose this pod.
        self.enqueue_every(ControllerId::Endpoints, Kind::Service, Some(namespace));
        let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) else {
            return;
        };
        let tainted = self
            .api
            .store
            .get(&ObjectKey::cluster(Kind::Node, node))
            .and_then(k8s_openapi::api::core::v1::Node::from_object)
            .and_then(|n| n.spec.as_ref()?.taints.as_ref())
            .is_some_and(|taints| taints.iter().any(|t| t.effect == "NoExecute"));
        if tainted {
            self.enqueue(
                ControllerId::TaintEviction,
                ObjectKey::cluster(Kind::Node, node),
            );
        }
    }

    fn dispatch_pod(&mut self, pod: &Pod, deleted: bool) {
        self.dispatch_pod_watchers(pod);
        // A pod that ends frees room; an unschedulable pod that gains a toleration may fit.
        if self.scheduling_queue.on_pod(pod, deleted, &self.api.store) {
            self.enqueue(ControllerId::Scheduler, scheduler_key());
        }
        if deleted {
            self.kubelets.forget(pod.metadata.uid_str());
            return;
        }
        let bound = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_ref())
            .is_some();
        if !bound && !pod.metadata.is_deleting() {
            self.enqueue(ControllerId::Scheduler, scheduler_key());
        }
        if pod.metadata.controller_ref().is_none() && !pod.metadata.is_deleting() {
            // An orphan: any ReplicaSet of its namespace may adopt it.
            self.enqueue_every(
                ControllerId::ReplicaSet,
                Kind::ReplicaSet,
                Some(pod.metadata.namespace_str()),
            );
        }
        if bound {
            // A scheduled consumer lets its claims bind.
            for volume in pod.spec.iter().flat_map(|s| s.volumes.iter().flatten()) {
                if let Some(claim) = &volume.persistent_volume_claim {
                    self.enqueue(
                        ControllerId::Volumes,
                        ObjectKey::new(
                            Kind::PersistentVolumeClaim,
                            pod.metadata.namespace_str(),
                            &claim.claim_name,
                        ),
                    );
                }
            }
            let node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
            if node.is_some_and(|node| self.nodes.is_running(node)) {
                self.kubelet_observe(pod);
            }
        }
    }

    fn kubelet_observe(&mut self, pod: &Pod) {
        let mut timers = Vec::new();
        self.kubelets.observe(pod, &mut self.api, &mut timers);
        for (delay, timer) in timers {
            self.schedule(delay, TimerKind::Kubelet(timer));
        }
    }

    fn apply(&mut self, controller: ControllerId, key: &ObjectKey, reconciliation: Reconciliation) {
        for action in reconciliation.actions {
            // A failed write is what a real controller would log and retry; the next
            // reconcile sees the current state and tries again.
            let _ = self.apply_action(action);
        }
        if let Some(delay) = reconciliation.requeue_after_ms {
            self.schedule(delay, TimerKind::Requeue(controller, key.clone()));
        }
    }

    fn apply_action(&mut self, action: Action) -> Result<(), kubeplay_model::ApiError> {
        match action {
            Action::Create { object, event } => {
                let created = self.api.create(object, false)?;
                if let Some(event) = event {
                    self.api.record_event(EventRecord {
                        regarding: event.regarding,
                        event_type: EventType::Normal,
                        reason: event.reason,
                        message: format!("{}{}", event.message_prefix, created.name()),
                        component: event.component,
                        host: None,
                        field_path: None,
                    });
                }
            }
            Action::Update(object) => {
                self.api.update(object, false)?;
            }
            Action::Bind { key, node } => {
                self.api.bind(&key, &node)?;
            }
            Action::UpdateStatus(object) => {
                self.api.update_status(object)?;
            }
            Action::Delete {
                key,
                options,
                event,
            } => {
                self.api.delete(&key, options)?;
                if let Some(event) = event {
                    self.api.record_event(event);
                }
            }
            Action::Event(event) => self.api.record_event(event),
            Action::SlowStart {
                owner,
                component,
                creates,
            } => {
                let mut remaining = creates.into_iter();
                let mut batch_size = 1;
                loop {
                    let batch: Vec<Action> = remaining.by_ref().take(batch_size).collect();
                    if batch.is_empty() {
                        break;
                    }
                    // A batch runs in parallel: every create in it is attempted.
                    let results: Vec<_> = batch
                        .into_iter()
                        .map(|create| self.apply_action(create))
                        .collect();
                    let failure = results.into_iter().find_map(Result::err);
                    if let Some(error) = failure {
                        self.api.record_event(EventRecord {
                            regarding: owner,
                            event_type: EventType::Warning,
                            reason: "FailedCreate",
                            message: format!("Error creating: {error}"),
                            component,
                            host: None,
                            field_path: None,
                        });
                        break;
                    }
                    batch_size *= 2;
                }
            }
        }
        Ok(())
    }

    /// The playground's probe knob (see `Kubelets::set_probe_override`).
    pub fn set_probe_override(
        &mut self,
        pod_uid: &str,
        container: Option<&str>,
        kind: crate::kubelet::ProbeKind,
        failing: bool,
    ) -> Result<(), crate::kubelet::ProbeOverrideError> {
        let timers = self
            .kubelets
            .set_probe_override(pod_uid, container, kind, failing, &self.api)?;
        for (delay, timer) in timers {
            self.schedule(delay, TimerKind::Kubelet(timer));
        }
        Ok(())
    }

    /// Why the pod `key` does or does not fit each node, as the scheduler judges it now.
    pub fn explain_fit(&self, key: &ObjectKey) -> Option<Vec<controllers::fit::NodeFit>> {
        let pod = self.api.store.get(key).and_then(Pod::from_object)?;
        let ctx = Context {
            store: &self.api.store,
            clock: &self.api.clock,
            features: &self.api.features,
            nodes: &self.nodes,
        };
        Some(controllers::fit::explain(pod, &ctx))
    }

    /// Pods that `get_typed` would return, for convenience in tests and printers.
    pub fn pods(&self, namespace: Option<&str>) -> Vec<&Pod> {
        self.api
            .store
            .list(Kind::Pod, namespace)
            .filter_map(Pod::from_object)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    use super::*;

    fn pod(name: &str) -> Action {
        let pod = Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            spec: Some(PodSpec {
                containers: vec![Container {
                    name: "c".into(),
                    image: Some("nginx".into()),
                    ..Container::default()
                }],
                ..PodSpec::default()
            }),
            status: None,
        };
        Action::Create {
            object: Object::Pod(pod),
            event: None,
        }
    }

    #[test]
    fn slow_start_stops_after_a_failed_batch() {
        let mut cluster =
            crate::create_cluster(&crate::ClusterShape::kind(), jiff::Timestamp::UNIX_EPOCH, 1);
        let owner = ObjectKey::new(Kind::Namespace, "", "default");
        // Batches: [a], [a (fails), b], then [c, d, e] is never sent.
        let creates = vec![pod("a"), pod("a"), pod("b"), pod("c"), pod("d"), pod("e")];
        let _ = cluster.apply_action(Action::SlowStart {
            owner,
            component: "test",
            creates,
        });
        let names: Vec<String> = cluster
            .pods(Some("default"))
            .iter()
            .map(|p| p.metadata.name.clone().unwrap_or_default())
            .collect();
        assert_eq!(names, vec!["a", "b"]);
        let failed = cluster
            .api
            .store
            .list_typed::<k8s_openapi::api::core::v1::Event>(Some("default"))
            .any(|e| e.reason.as_deref() == Some("FailedCreate"));
        assert!(failed, "no FailedCreate event");
    }
}
