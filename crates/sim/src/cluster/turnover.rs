//! Jumping over turnover cycles. A CronJob that runs every minute repeats the same hour
//! for ever, but unlike a crash loop each cycle brings new objects (Jobs, their pods, their
//! Events) and removes old ones (the Jobs beyond the history limits, expired Events). What
//! a learner can see after a long wait is the last stretch of runs, the objects that live
//! on (the CronJob, its status) and counters (resourceVersions, pod IPs, the random source).
//!
//! The cycle is the interval after which every CronJob's schedule repeats in absolute time
//! (an hour, a day or a week; see `Schedule::period_ms`), so a jump keeps every run on its
//! schedule. A jump leaves the old cycles' objects where they are, moves the long-lived
//! objects, the counters, the clock and the pending timers on by whole cycles, and lets the
//! runs after the jump replace every object the old cycles left, as the step-by-step
//! simulation would have. Whether that is exact is not argued but checked, each time, on
//! copies of the cluster: one runs `2·L` real cycles, the other jumps `L` cycles and runs
//! `L`, where `L` cycles outlive every object of the old cycles; the jump happens only if
//! the two end in the same state, timers, counters and kubelets included. (A generated name
//! that collides with a live one draws again; such a retry inside the jumped stretch, about
//! one in ten million names, is not replayed.)

use std::collections::BTreeSet;

use kubeplay_model::schedule::Schedule;
use kubeplay_model::{Kind, Object, ObjectKey};

use super::Cluster;
use super::cycles::{Mark, Steps, extrapolate_objects, gcd};
use super::timers::{EVENT_EXPIRY_PERIOD_MS, TimerKind};
use crate::clock::Millis;

/// A jump is tried only over at least this many cycles.
const MIN_JUMP_CYCLES: u64 = 4;
/// Old cycles' objects must be gone after at most this many cycles, or no jump is tried.
const MAX_LIFETIME_CYCLES: u64 = 32;
/// After a failed try, the next one waits this many cycles, twice as many after each
/// further failure, so that a cluster that never repeats pays little for the tries.
const RETRY_AFTER_CYCLES: u64 = 16;

impl Cluster {
    /// Tries to jump over whole turnover cycles towards `target` (see the module comment).
    pub(super) fn skip_turnover_cycles(&mut self, target: Millis) {
        if self.now_ms() < self.turnover_retry_at || !self.queue.is_empty() {
            return;
        }
        let Some(period) = self.turnover_period() else {
            return;
        };
        if (target - self.now_ms()) / period < MIN_JUMP_CYCLES + 2 {
            return;
        }
        if self.try_turnover_jump(period, target) {
            self.turnover_failures = 0;
        } else {
            let retry = period
                .saturating_mul(RETRY_AFTER_CYCLES)
                .saturating_mul(1 << self.turnover_failures.min(20));
            self.turnover_failures += 1;
            self.turnover_retry_at = self.now_ms().saturating_add(retry);
        }
    }

    /// The interval after which every CronJob's runs repeat, and the Event-expiry grid
    /// with them, if there are CronJobs and they all repeat.
    fn turnover_period(&self) -> Option<Millis> {
        let mut period = EVENT_EXPIRY_PERIOD_MS;
        let mut any = false;
        for object in self.api.store.list(Kind::CronJob, None) {
            let Object::CronJob(cronjob) = object else {
                continue;
            };
            let spec = cronjob.spec.as_ref()?;
            let text = match spec.time_zone.as_deref() {
                Some(zone) => format!("TZ={zone} {}", spec.schedule),
                None => spec.schedule.clone(),
            };
            let every = Schedule::parse(&text).ok()?.period_ms()?;
            period = lcm(period, every);
            any = true;
        }
        any.then_some(period)
    }

    fn try_turnover_jump(&mut self, period: Millis, target: Millis) -> bool {
        let first = self.turnover_mark(period);
        let ip_counters = [self.kubelets.ip_counters()];
        self.run_plainly(first.at + period);
        let second = self.turnover_mark(period);
        let ip_counters = [ip_counters[0].clone(), self.kubelets.ip_counters()];
        self.run_plainly(second.at + period);
        let third = self.turnover_mark(period);
        let steps = Steps::between(&second, &third);
        if Steps::between(&first, &second) != steps || !same_shape(&[&first, &second, &third]) {
            return false;
        }
        let Some(ip_steps) = self.kubelets.ip_counter_steps(
            &ip_counters[0],
            &ip_counters[1],
            &self.kubelets.ip_counters(),
        ) else {
            return false;
        };
        let old: BTreeSet<ObjectKey> = third
            .objects
            .keys()
            .filter(|key| !first.objects.contains_key(key) || !second.objects.contains_key(key))
            .cloned()
            .collect();
        // How long the old cycles' objects live on, measured on a copy.
        let mut real = self.clone();
        let mut lifetime = 0;
        while old.iter().any(|key| real.api.store.contains(key)) {
            lifetime += 1;
            if lifetime > MAX_LIFETIME_CYCLES {
                return false;
            }
            real.run_plainly(third.at + lifetime * period);
        }
        // One more cycle, so that the Events of the last old one have expired for sure.
        let lifetime = lifetime + 1;
        let room = target.saturating_sub(third.at) / period;
        if room < (3 * lifetime + 1).max(MIN_JUMP_CYCLES) {
            return false;
        }
        real.run_plainly(third.at + 2 * lifetime * period);
        let Some(objects) = extrapolate_objects(&first, &second, &third, lifetime, true) else {
            return false;
        };
        let mut jumped = self.clone();
        jumped.jump_turnover(&third, steps, &ip_steps, objects, lifetime);
        jumped.run_plainly(third.at + 2 * lifetime * period);
        if jumped.fingerprint() != real.fingerprint() {
            return false;
        }
        let cycles = room - lifetime - 1;
        let Some(objects) = extrapolate_objects(&first, &second, &third, cycles, true) else {
            return false;
        };
        self.jump_turnover(&third, steps, &ip_steps, objects, cycles);
        true
    }

    /// Runs every instant up to `until` and stops the clock there, without any jump.
    fn run_plainly(&mut self, until: Millis) {
        while let Some(instant) = self.next_change_at().filter(|at| *at <= until) {
            self.process_instant(instant);
        }
        self.api.clock.advance_to(until);
        self.settle();
    }

    /// The cluster now, with the timers due within one cycle.
    fn turnover_mark(&self, period: Millis) -> Mark {
        let now = self.now_ms();
        let mut mark = self.mark(now.saturating_add(period));
        let mut timers: Vec<_> = self
            .timers
            .iter()
            .map(|timer| &timer.0)
            .filter(|timer| timer.at_ms <= now.saturating_add(period))
            .collect();
        timers.sort();
        mark.timers = timers
            .into_iter()
            .map(|timer| (timer.at_ms - now, timer.kind.clone()))
            .collect();
        mark
    }

    /// Moves the cluster `cycles` periods on from `mark`, leaving the old cycles' objects
    /// for the cycles after the jump to replace.
    fn jump_turnover(
        &mut self,
        mark: &Mark,
        steps: Steps,
        ip_steps: &[(String, u32)],
        objects: Vec<Object>,
        cycles: u64,
    ) {
        self.kubelets.skip_ip_counters(ip_steps, cycles);
        self.jump_cycles(mark, steps, objects, cycles);
    }

    /// Everything a cycle could leave different: objects, counters, timers, the queue, the
    /// kubelets and the node agents.
    fn fingerprint(&self) -> String {
        let objects: Vec<String> = Kind::all()
            .flat_map(|kind| self.api.store.list(kind, None))
            .map(|object| object.to_value().to_string())
            .collect();
        let mut timers: Vec<_> = self.timers.iter().map(|timer| &timer.0).collect();
        timers.sort();
        format!(
            "{objects:?}\n{} {}\n{:?}\n{timers:?}\n{:?}\n{}\n{} {}\n{}\n{:?}\n{}\n{:?}\n{:?}",
            self.api.store.resource_version(),
            self.api.events_created(),
            self.api.rng,
            self.queue,
            self.sequence,
            self.events_expired_at,
            self.series_flushed_at,
            self.api.event_caches_fingerprint(),
            self.scheduling_queue,
            self.kubelets.fingerprint(),
            self.nodes,
            self.parked
                .iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
    }
}

/// Whether the marks' pending timers do the same work at the same offsets, whichever
/// objects they are for.
fn same_shape(marks: &[&Mark]) -> bool {
    let shape = |mark: &Mark| -> Vec<(Millis, String)> {
        mark.timers
            .iter()
            .map(|(offset, kind)| (*offset, timer_shape(kind)))
            .collect()
    };
    marks
        .windows(2)
        .all(|pair| shape(pair[0]) == shape(pair[1]))
}

fn lcm(a: Millis, b: Millis) -> Millis {
    a / gcd(a, b) * b
}

/// What a timer does, without which object it does it for.
fn timer_shape(kind: &TimerKind) -> String {
    match kind {
        TimerKind::Kubelet(timer) => format!("kubelet {:?}", timer.step),
        TimerKind::Requeue(controller, key) => format!("requeue {controller:?} {:?}", key.kind),
        TimerKind::Retry(controller, key) => format!("retry {controller:?} {:?}", key.kind),
        TimerKind::ClientReady(controller) => format!("client {controller:?}"),
        TimerKind::NodeNetworkReady(node) => format!("network {node}"),
    }
}
