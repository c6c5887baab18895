//! Timers and the advance of virtual time: kubelet steps, controllers' requeues and node
//! events ordered by (time, sequence); an advance runs everything due at one instant, then
//! lets controllers react, then moves to the next instant at which something happens.

use std::cmp::Reverse;

use kubeplay_model::ObjectKey;

use super::{Advance, Cluster};
use crate::clock::Millis;
use crate::controllers::ControllerId;
use crate::kubelet::KubeletTimer;

/// The API server drops expired Events on this grid from the cluster's creation.
pub(super) const EVENT_EXPIRY_PERIOD_MS: Millis = 60_000;
/// How many instants an advance processes between two asks of its caller's budget…
const INSTANTS_PER_BUDGET_CHECK: u32 = 1024;
/// …or how many reconciles and kubelet steps, whichever comes first, so that a page's frame
/// (which gives the simulation 8 ms) gets its turn however busy the instants are.
const RECONCILES_PER_BUDGET_CHECK: u64 = 16;
/// How many instants an advance processes between two looks for a steady cycle to jump
/// over (`cycles.rs`).
const INSTANTS_PER_CYCLE_ATTEMPT: u32 = 64;
/// Granularity of kubelet-side timers.
const TIMER_GRID_MS: Millis = 100;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum TimerKind {
    Kubelet(KubeletTimer),
    Requeue(ControllerId, ObjectKey),
    /// A failed sync's rate-limited retry (see `apply.rs`).
    Retry(ControllerId, ObjectKey),
    /// A controller's client has tokens again for the syncs it held back (`clients.rs`).
    ClientReady(ControllerId),
    /// A joining node's CNI is up: its kubelet reports Ready.
    NodeNetworkReady(String),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Timer {
    pub(super) at_ms: Millis,
    pub(super) sequence: u64,
    pub(super) kind: TimerKind,
}

impl Cluster {
    pub(super) fn schedule(&mut self, delay_ms: Millis, kind: TimerKind) {
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

    /// Advances virtual time to `target_ms`, running every change scheduled on the way.
    pub fn advance_to(&mut self, target_ms: Millis) {
        self.advance_to_within(target_ms, &mut || true);
    }

    /// Advances virtual time towards `target_ms` like `advance_to`, asking `keep_going` every
    /// so many instants whether to go on (the CLI's wall-clock budget; the core reads no clock).
    ///
    /// The work is proportional to the instants at which something is scheduled, never to the
    /// time that passes: periodic work that would change nothing is not visited (Lease
    /// renewals and node-monitor passes are computed from their grids, and the Event expiry
    /// pass only runs at grid ticks where an Event is due).
    pub fn advance_to_within(
        &mut self,
        target_ms: Millis,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> Advance {
        // What the control plane writes meanwhile is its own, not the waiting client's.
        let manager = self.api.field_manager.take();
        let advanced = self.advance_as_control_plane(target_ms, keep_going);
        self.api.field_manager = manager;
        advanced
    }

    fn advance_as_control_plane(
        &mut self,
        target_ms: Millis,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> Advance {
        self.settle();
        let mut instants = 0u32;
        let mut reconciles_at_check = self.reconciles;
        while let Some(instant) = self.next_change_at() {
            if instant > target_ms {
                break;
            }
            instants = instants.wrapping_add(1);
            let busy = self.reconciles - reconciles_at_check >= RECONCILES_PER_BUDGET_CHECK;
            if instants.is_multiple_of(INSTANTS_PER_BUDGET_CHECK) || busy {
                reconciles_at_check = self.reconciles;
                if !keep_going() {
                    return Advance::Stopped;
                }
            }
            // A long advance over a steady loop jumps its whole cycles (never in the
            // stepwise reference mode); the cycles it watches to be sure are real steps.
            if !self.stepwise && instants.is_multiple_of(INSTANTS_PER_CYCLE_ATTEMPT) {
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
    pub(super) fn process_instant(&mut self, instant: Millis) {
        self.api.clock.advance_to(instant);
        // Expired Events go first: a change at this instant that repeats one renews
        // it only if it is still there.
        if self.next_expiry_tick() == Some(instant) {
            self.api.expire_events();
            self.events_expired_at = instant;
        }
        // So do kube-scheduler's recorder loops (`events/series.rs`).
        if self.next_series_tick() == Some(instant) {
            self.api.flush_series();
            self.series_flushed_at = instant;
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

    /// The next tick of kube-scheduler's recorder loops at which they write or forget
    /// something.
    fn next_series_tick(&self) -> Option<Millis> {
        self.api.next_series_tick(self.series_flushed_at)
    }

    pub fn advance(&mut self, delta_ms: Millis) {
        let target = self.now_ms().saturating_add(delta_ms);
        self.advance_to(target);
    }

    /// When the next scheduled change happens, if any (for "step to next change").
    pub fn next_change_at(&self) -> Option<Millis> {
        let timer = self.timers.peek().map(|Reverse(t)| t.at_ms);
        [timer, self.next_expiry_tick(), self.next_series_tick()]
            .into_iter()
            .flatten()
            .min()
    }

    fn fire(&mut self, kind: TimerKind) {
        match kind {
            TimerKind::Kubelet(timer) => {
                // A stopped kubelet does nothing; its work waits for it to start again. The
                // node is the pod's runtime's (a hash lookup), not the stored pod's: a pod's
                // node never changes, and at 100,000 pods the store's search by UID was 2% of
                // a run, one per kubelet step.
                match self.kubelets.node_of(&timer.pod_uid) {
                    Some(node) if !self.nodes.is_running(node) => {
                        if self.nodes.has_machine(node) {
                            self.parked.entry(node.to_string()).or_default().push(timer);
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
            TimerKind::Retry(controller, key) => self.retry_due(controller, key),
            TimerKind::ClientReady(controller) => self.client_ready(controller),
            TimerKind::NodeNetworkReady(node) => self.post_node_ready(&node),
        }
    }
}
