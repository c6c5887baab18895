//! Jumping over steady cycles. A crash-looping container at its 5-minute back-off ceiling
//! repeats the same cycle for ever: restart, run, exit, wait. Each cycle leaves the cluster
//! as it found it but for a time shift and some counters (restartCount, Event counts,
//! resourceVersions). The driver watches two real cycles; when both changed exactly the
//! same fields by exactly the same amounts, it applies whole cycles at once and simulates
//! the last one for real, so every timestamp the step-by-step run would write is written
//! by the same code at the same instant.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::{Kind, Object, ObjectKey};
use serde_json::Value;

use super::Cluster;
use super::timers::{EVENT_EXPIRY_PERIOD_MS, Timer, TimerKind};
use crate::api::EVENT_TTL_MS;
use crate::clock::Millis;
use crate::controllers::scheduling_queue;
use crate::events::FINISH_PERIOD_MS;
use crate::kubelet::KubeletStep;
use crate::rng::SimRng;

/// A cycle of more instants than this is not looked for.
const MAX_CYCLE_INSTANTS: usize = 64;
/// Timers further ahead than this are not part of a cycle (a cycle renews its Events, so it
/// is shorter than their TTL); the jump stops short of them.
const CYCLE_HORIZON_MS: Millis = EVENT_TTL_MS;

/// The cluster at the end of an instant, as far as a cycle can change it.
pub(super) struct Mark {
    pub(super) at: Millis,
    /// The timers due by the target and within the horizon, relative to `at`, in firing
    /// order.
    pub(super) timers: Vec<(Millis, TimerKind)>,
    pub(super) objects: BTreeMap<ObjectKey, Value>,
    pub(super) resource_version: u64,
    pub(super) sequence: u64,
    /// Events created so far (their names count them).
    pub(super) events: u64,
    pub(super) rng: SimRng,
}

impl Cluster {
    /// Runs the next instant and, if a steady cycle follows, two cycles to be sure of it,
    /// then jumps over every whole cycle but the last before `target`.
    pub(super) fn skip_steady_cycles(&mut self, target: Millis) {
        let Some(instant) = self.next_change_at().filter(|at| *at <= target) else {
            return;
        };
        // Marks fall at the ends of instants, where the next cycle's will fall too.
        self.process_instant(instant);
        let Some(restarting) = self.restarting_containers(target) else {
            return;
        };
        let restarting: Vec<(&str, usize)> = restarting
            .iter()
            .map(|(uid, index)| (uid.as_str(), *index))
            .collect();
        let first = self.mark(target);
        let Some(second) = self.run_cycle(&first, target) else {
            return;
        };
        let uids: Vec<&str> = restarting.iter().map(|(uid, _)| *uid).collect();
        let runtimes = self.kubelets.snapshot(&uids);
        let Some(third) = self.run_cycle(&second, target) else {
            return;
        };
        let period = second.at - first.at;
        let steady = third.at - second.at == period
            && first.rng == second.rng
            && second.rng == third.rng
            && third.resource_version - second.resource_version
                == second.resource_version - first.resource_version
            && third.sequence - second.sequence == second.sequence - first.sequence
            && self
                .kubelets
                .repeats_cycle(&runtimes, &restarting, period, &self.api.clock);
        if !steady {
            return;
        }
        // The last cycle before the target runs for real, and no Event that the cycle does
        // not renew may expire in between.
        let room = target - third.at;
        let mut cycles = (room / period).saturating_sub(1);
        if let Some(timer) = self.first_timer_beyond_horizon(&third, target) {
            cycles = cycles.min(timer.saturating_sub(1).saturating_sub(third.at) / period);
        }
        if let Some(expiry) = self.first_unrenewed_expiry(&second, &third) {
            let before_expiry = expiry.saturating_sub(1).saturating_sub(third.at) / period;
            cycles = cycles.min(before_expiry);
        }
        // Whole seconds only: stored times are truncated to the second, so a time written
        // at the same point of every cycle moves on by exactly the jump.
        let per_second = 1000 / gcd(period, 1000);
        cycles -= cycles % per_second;
        if cycles == 0 {
            return;
        }
        let Some(objects) = extrapolate_objects(&first, &second, &third, cycles, false) else {
            return;
        };
        self.jump(&restarting, (&second, &third), objects, cycles);
    }

    /// The containers whose restarts are all the kubelet work due by `target`, if that is
    /// what is pending (controllers' requeues may be pending too; nothing is queued).
    fn restarting_containers(&self, target: Millis) -> Option<Vec<(String, usize)>> {
        if !self.queue.is_empty() {
            return None;
        }
        let mut restarting = Vec::new();
        let horizon = self.horizon(target);
        for Reverse(timer) in self.timers.iter().filter(|t| t.0.at_ms <= horizon) {
            match &timer.kind {
                TimerKind::Kubelet(kubelet) => match kubelet.step {
                    KubeletStep::Restart { container } => {
                        restarting.push((kubelet.pod_uid.clone(), container))
                    }
                    _ => return None,
                },
                // The scheduler keeps back-off times of its own, which a jump would not move.
                TimerKind::Requeue(controller, _)
                    if controller.is(&scheduling_queue::CONTROLLER) =>
                {
                    return None;
                }
                TimerKind::Requeue(..) => {}
                TimerKind::NodeNetworkReady(_)
                | TimerKind::Retry(..)
                | TimerKind::ClientReady(_) => return None,
            }
        }
        restarting.sort();
        restarting.dedup();
        (!restarting.is_empty()).then_some(restarting)
    }

    fn horizon(&self, target: Millis) -> Millis {
        target.min(self.now_ms().saturating_add(CYCLE_HORIZON_MS))
    }

    /// When the first timer after the horizon of the third mark is due, if before `target`.
    fn first_timer_beyond_horizon(&self, third: &Mark, target: Millis) -> Option<Millis> {
        let horizon = third.at.saturating_add(CYCLE_HORIZON_MS);
        self.timers
            .iter()
            .map(|Reverse(timer)| timer.at_ms)
            .filter(|at| *at > horizon && *at <= target)
            .min()
    }

    pub(super) fn due_timers(&self, target: Millis) -> Vec<(Millis, TimerKind)> {
        let horizon = self.horizon(target);
        let mut due: Vec<&Timer> = self
            .timers
            .iter()
            .map(|Reverse(timer)| timer)
            .filter(|timer| timer.at_ms <= horizon)
            .collect();
        due.sort();
        let now = self.now_ms();
        due.into_iter()
            .map(|timer| (timer.at_ms - now, timer.kind.clone()))
            .collect()
    }

    pub(super) fn mark(&self, target: Millis) -> Mark {
        Mark {
            at: self.now_ms(),
            timers: self.due_timers(target),
            objects: Kind::all()
                .flat_map(|kind| self.api.store.list(kind, None))
                .map(|object| (object.key(), object.to_value()))
                .collect(),
            resource_version: self.api.store.resource_version(),
            sequence: self.sequence,
            events: self.api.events_created(),
            rng: self.api.rng.clone(),
        }
    }

    /// Runs instants until the pending timers are those of `start` again, one period on.
    fn run_cycle(&mut self, start: &Mark, target: Millis) -> Option<Mark> {
        for _ in 0..MAX_CYCLE_INSTANTS {
            let instant = self.next_change_at().filter(|at| *at <= target)?;
            self.process_instant(instant);
            if self.due_timers(target) == start.timers {
                return Some(self.mark(target));
            }
        }
        None
    }

    /// Moves the timers a cycle reschedules (those pending at `mark`) `shift` on; later ones
    /// stay where they are.
    pub(super) fn shift_cycle_timers(&mut self, mark: &Mark, shift: Millis, sequences: u64) {
        let timers = std::mem::take(&mut self.timers);
        self.timers =
            timers
                .into_iter()
                .map(|Reverse(mut timer)| {
                    if mark.timers.iter().any(|(offset, kind)| {
                        mark.at + offset == timer.at_ms && *kind == timer.kind
                    }) {
                        timer.at_ms += shift;
                        timer.sequence += sequences;
                    }
                    Reverse(timer)
                })
                .collect();
    }

    /// When the first Event that the cycle does not renew expires (the tick of the expiry
    /// grid that drops it).
    fn first_unrenewed_expiry(&self, second: &Mark, third: &Mark) -> Option<Millis> {
        third
            .objects
            .iter()
            .filter(|(key, value)| {
                key.kind == Kind::Event && second.objects.get(*key) == Some(*value)
            })
            .filter_map(|(_, value)| {
                let last = value.get("lastTimestamp")?.as_str()?;
                let last = self.api.clock.millis_of(
                    &kubeplay_model::object::decode(&Value::String(last.to_string())).ok()?,
                );
                let expiry = last.saturating_add(EVENT_TTL_MS);
                Some(expiry.div_ceil(EVENT_EXPIRY_PERIOD_MS) * EVENT_EXPIRY_PERIOD_MS)
            })
            .min()
    }

    /// Moves the cluster `cycles` periods on from the third mark: the kubelets' runtimes, then
    /// what every jump moves.
    fn jump(
        &mut self,
        restarting: &[(&str, usize)],
        (second, third): (&Mark, &Mark),
        objects: Vec<Object>,
        cycles: u64,
    ) {
        let steps = Steps::between(second, third);
        self.kubelets
            .skip_cycles(restarting, cycles, steps.period, &self.api.clock);
        self.jump_cycles(third, steps, objects, cycles);
    }

    /// What every jump does: the extrapolated `objects` stored, the counters (resourceVersions,
    /// timer sequences, the RNG, Event names) and the cycle's timers moved on by `cycles`
    /// cycles of `steps` from `mark`, and the clock with them.
    pub(super) fn jump_cycles(
        &mut self,
        mark: &Mark,
        steps: Steps,
        objects: Vec<Object>,
        cycles: u64,
    ) {
        let shift = cycles * steps.period;
        let moved_events: Vec<_> = objects
            .iter()
            .filter_map(|object| match object {
                Object::Event(event) => Some(event.as_ref().clone()),
                _ => None,
            })
            .collect();
        for object in objects {
            self.api.store.put(object);
        }
        // Nothing reacts to the jump itself: the cycles it stands for caused nothing else.
        self.api.store.take_watch_events();
        self.api
            .store
            .skip_resource_versions(cycles * steps.resource_versions);
        let sequences = cycles * steps.sequences;
        self.sequence += sequences;
        self.api
            .rng
            .advance(u128::from(cycles).wrapping_mul(steps.random_steps));
        self.api.skip_events(cycles * steps.events);
        self.shift_cycle_timers(mark, shift, sequences);
        self.api.clock.advance_to(mark.at + shift);
        self.cycles_skipped += cycles;
        // Expiry passes in between would only have renewed or dropped the cycles' Events.
        let last_tick = self.now_ms() / EVENT_EXPIRY_PERIOD_MS * EVENT_EXPIRY_PERIOD_MS;
        self.events_expired_at = self.events_expired_at.max(last_tick);
        // The recorders' caches move on with the Events and the clock (`events/`).
        let moved: Vec<_> = moved_events.iter().collect();
        self.api
            .jump_event_caches(&moved, mark.at.saturating_sub(steps.period), shift);
        let last_series_tick = self.now_ms() / FINISH_PERIOD_MS * FINISH_PERIOD_MS;
        self.series_flushed_at = self.series_flushed_at.max(last_series_tick);
    }
}

/// The objects the cycles change, `cycles` periods after the third mark, if every change
/// is steady: counters that grow by the same step each cycle, and other fields that every
/// cycle rewrites (the real cycle after the jump writes them again). Objects may not come
/// or go, unless the cycles are a `turnover` (see `turnover.rs`): then only the objects
/// present at all three marks are moved on.
pub(super) fn extrapolate_objects(
    first: &Mark,
    second: &Mark,
    third: &Mark,
    cycles: u64,
    turnover: bool,
) -> Option<Vec<Object>> {
    let keys = |mark: &Mark| mark.objects.keys().cloned().collect::<Vec<_>>();
    if !turnover && (keys(first) != keys(third) || keys(second) != keys(third)) {
        return None;
    }
    let mut changed = Vec::new();
    for (key, value) in &third.objects {
        let (Some(before), Some(middle)) = (first.objects.get(key), second.objects.get(key)) else {
            continue;
        };
        if before == value && middle == value {
            continue;
        }
        let extrapolated = extrapolate(before, middle, value, cycles, third.at - second.at)?;
        changed.push(Object::from_value(key.kind, &extrapolated).ok()?);
    }
    Some(changed)
}

/// One JSON value after `cycles` more cycles, from its values at three marks a cycle apart.
fn extrapolate(a: &Value, b: &Value, c: &Value, cycles: u64, period: Millis) -> Option<Value> {
    if a == b && b == c {
        return Some(c.clone());
    }
    match (a, b, c) {
        (Value::Number(x), Value::Number(y), Value::Number(z)) => {
            let next = linear(
                x.as_i64()?.into(),
                y.as_i64()?.into(),
                z.as_i64()?.into(),
                cycles,
            )?;
            Some(Value::from(i64::try_from(next).ok()?))
        }
        (Value::String(x), Value::String(y), Value::String(z)) => {
            match (counter(x), counter(y), counter(z)) {
                // resourceVersions
                (Some(x), Some(y), Some(z)) => {
                    let next = linear(x.into(), y.into(), z.into(), cycles)?;
                    Some(Value::String(u64::try_from(next).ok()?.to_string()))
                }
                // Rewritten by every cycle: times move on with it; other fields (container
                // IDs) are written again by the real cycle after the jump.
                _ if x != y && y != z => match shifted_time(z, cycles * period) {
                    Some(time) => Some(time),
                    None => Some(c.clone()),
                },
                _ => None,
            }
        }
        (Value::Array(x), Value::Array(y), Value::Array(z)) => {
            if x.len() != z.len() || y.len() != z.len() {
                return None;
            }
            let items = x
                .iter()
                .zip(y)
                .zip(z)
                .map(|((x, y), z)| extrapolate(x, y, z, cycles, period))
                .collect::<Option<Vec<_>>>()?;
            Some(Value::Array(items))
        }
        (Value::Object(x), Value::Object(y), Value::Object(z)) => {
            if !x.keys().eq(z.keys()) || !y.keys().eq(z.keys()) {
                return None;
            }
            let mut fields = serde_json::Map::new();
            for (key, z) in z {
                fields.insert(
                    key.clone(),
                    extrapolate(x.get(key)?, y.get(key)?, z, cycles, period)?,
                );
            }
            Some(Value::Object(fields))
        }
        _ => None,
    }
}

/// A counter written as decimal digits (a resourceVersion).
fn counter(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `z + cycles × step` for a value that grew by the same step between three marks.
fn linear(x: i128, y: i128, z: i128, cycles: u64) -> Option<i128> {
    let step = y - x;
    (z - y == step).then(|| z + step * i128::from(cycles))
}

/// A stored time (`2025-06-02T10:15:00Z`) moved `by` on, or `None` for any other text.
fn shifted_time(text: &str, by: Millis) -> Option<Value> {
    let value = Value::String(text.to_string());
    let time: Time = kubeplay_model::object::decode(&value).ok()?;
    if serde_json::to_value(&time).ok()? != value {
        return None;
    }
    let by = jiff::SignedDuration::from_millis(i64::try_from(by).ok()?);
    serde_json::to_value(Time(time.0.checked_add(by).ok()?)).ok()
}

pub(super) fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

/// One cycle's effect on the counters a jump moves on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Steps {
    pub(super) period: Millis,
    resource_versions: u64,
    sequences: u64,
    events: u64,
    random_steps: u128,
}

impl Steps {
    pub(super) fn between(before: &Mark, after: &Mark) -> Steps {
        Steps {
            period: after.at - before.at,
            resource_versions: after.resource_version - before.resource_version,
            sequences: after.sequence - before.sequence,
            events: after.events - before.events,
            random_steps: after.rng.steps().wrapping_sub(before.rng.steps()),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn counters_grow_and_times_move_on_by_whole_cycles() {
        let at = |restarts: i64, version: &str, finished: &str| {
            json!({"restartCount": restarts, "resourceVersion": version,
                   "finishedAt": finished, "containerID": format!("containerd://{restarts}"),
                   "image": "busybox"})
        };
        let (a, b, c) = (
            at(7, "100", "2025-06-02T10:15:00Z"),
            at(8, "104", "2025-06-02T10:20:00Z"),
            at(9, "108", "2025-06-02T10:25:00Z"),
        );
        let later = extrapolate(&a, &b, &c, 10, 300_000);
        assert_eq!(
            later,
            Some(json!({"restartCount": 19, "resourceVersion": "148",
                        "finishedAt": "2025-06-02T11:15:00Z",
                        "containerID": "containerd://9", "image": "busybox"}))
        );
    }

    #[test]
    fn anything_unsteady_is_not_extrapolated() {
        // A counter that does not grow by the same step, a field changed by one cycle only,
        // a list that grows.
        assert_eq!(extrapolate(&json!(1), &json!(2), &json!(4), 3, 1000), None);
        assert_eq!(
            extrapolate(
                &json!("Running"),
                &json!("Running"),
                &json!("Error"),
                3,
                1000
            ),
            None
        );
        assert_eq!(
            extrapolate(&json!([1]), &json!([1, 2]), &json!([1, 2, 3]), 3, 1000),
            None
        );
    }

    #[test]
    fn only_stored_times_are_shifted() {
        assert_eq!(
            shifted_time("2025-06-02T10:15:00Z", 61_000),
            Some(json!("2025-06-02T10:16:01Z"))
        );
        assert_eq!(shifted_time("containerd://abc", 1000), None);
        assert_eq!(gcd(300_200, 1000), 200);
    }
}
