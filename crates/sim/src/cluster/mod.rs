//! The driver: owns the API server, the kubelets, the timers and the work queue, and runs
//! the queue until nothing is left at the current instant. `dispatch.rs` turns watch events
//! into work, `apply.rs` writes what reconciles intend, `timers.rs` advances virtual time from
//! one scheduled change to the next (`cycles.rs` jumps over steady loops), `nodes.rs` holds
//! the playground's levers on machines.

mod apply;
mod clients;
mod cycles;
mod dispatch;
mod nodes;
mod timers;
mod turnover;
mod until;

pub use clients::RateLimit;
pub use nodes::{NewNode, NodeError};
pub use until::{Check, Until};

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use kubeplay_model::{Kind, ObjectKey, Pod, Typed};

use crate::api::ApiServer;
use crate::clock::{Clock, Millis};
use crate::controllers::daemonset::NodeAnswers;
use crate::controllers::scheduling_queue::SchedulingQueue;
use crate::controllers::{self, Context, ControllerId, Reconcile};
use crate::kubelet::{KubeletTimer, Kubelets};
use crate::nodes::NodeAgents;
use crate::rng::SimRng;
use timers::{Timer, TimerKind};

/// Reconciles at one instant at most, so a controller bug cannot hang the page.
const MAX_RECONCILES_PER_INSTANT: usize = 200_000;

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
    /// The DaemonSet controller's node answers, kept between its syncs.
    daemon_answers: NodeAnswers,
    /// Keys whose last sync failed, with their back-off (the work queue's rate limiter).
    retries: HashMap<(ControllerId, ObjectKey), Retry>,
    /// The controllers' API clients and their token buckets.
    clients: clients::Clients,
    /// Execs into containers so far: each draws its connections' endpoint choices from its
    /// own source, without touching the cluster's generator (names stay as they were).
    execs: u64,
    /// The last instant of the event-expiry grid that has been processed.
    events_expired_at: Millis,
    /// The last tick at which kube-scheduler's recorder loops ran.
    series_flushed_at: Millis,
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

/// A key's failed syncs in a row, and when its retry is due (if one waits).
#[derive(Clone, Debug, Default)]
struct Retry {
    failures: u32,
    due: Option<Millis>,
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
            daemon_answers: NodeAnswers::default(),
            retries: HashMap::new(),
            clients: clients::Clients::default(),
            execs: 0,
            events_expired_at: 0,
            series_flushed_at: 0,
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

    /// The controller manager's `--kube-api-qps` / `--kube-api-burst`, for every controller.
    pub fn set_controller_client_limit(&mut self, limit: RateLimit) {
        self.clients = clients::Clients::new(limit);
    }

    /// Writes the access log lines of requests an exec's connections were answered with.
    pub fn log_served(&mut self, served: Vec<crate::kubelet::exec::Served>) {
        let now = self.now_ms();
        self.kubelets.write_served(served, now);
    }

    /// The requests pods sent each other lately, and the totals per pod.
    pub fn traffic(&self) -> &crate::traffic::Traffic {
        self.kubelets.traffic()
    }

    /// A fresh number for one exec's connections (see `kubelet::exec::Connections`).
    pub fn next_exec(&mut self) -> u64 {
        self.execs += 1;
        self.execs
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

    /// Processes everything due at the current instant until nothing is left to do.
    pub fn settle(&mut self) {
        // The controllers' writes record no client's field manager.
        let manager = self.api.field_manager.take();
        self.settle_as_control_plane();
        self.api.field_manager = manager;
    }

    fn settle_as_control_plane(&mut self) {
        let mut budget = MAX_RECONCILES_PER_INSTANT;
        loop {
            for event in self.api.store.take_watch_events() {
                self.dispatch(event);
            }
            let Some((controller, key)) = self.queue.pop_front() else {
                break;
            };
            self.queued.remove(&(controller, key.clone()));
            let tokens = if !Self::is_limited(controller) {
                u64::MAX
            } else if !self.clients.may_send(controller, &key) {
                // Its creates and deletes wait for its turn (`Clients::may_send`): a wake
                // meanwhile picks none (a ReplicaSet ranks its pods to pick them), as
                // upstream picks a whole batch in one sync and a worker blocked in the
                // limiter's `Wait` sends it.
                0
            } else {
                self.clients.peek(controller.0.name, self.now_ms())
            };
            let reconciliation = {
                let ctx = Context {
                    store: &self.api.store,
                    clock: &self.api.clock,
                    features: &self.api.features,
                    nodes: &self.nodes,
                    tokens,
                };
                match &controller.0.reconcile {
                    Reconcile::Stateless(reconcile) => reconcile(&key, &ctx),
                    Reconcile::DaemonSet(reconcile) => {
                        reconcile(&key, &mut self.daemon_answers, &ctx)
                    }
                    Reconcile::SchedulingQueue(schedule) => {
                        schedule(&mut self.scheduling_queue, &ctx)
                    }
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
            tokens: u64::MAX,
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
