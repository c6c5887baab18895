//! The kubelet's part in jumping over a steady crash loop (see `cluster/cycles.rs`): a
//! container restarted once per cycle of a fixed period ends each cycle as it began, its
//! run count one higher and its times one period later, so whole cycles can be applied at
//! once. The driver checks the rule on two real cycles before it trusts it.

use super::restarts::restarted_container_id;
use super::{Kubelets, PodRuntime, time_at_ms};
use crate::clock::{Clock, Millis};

/// The runtimes of some pods, kept to compare with what one more cycle makes of them.
pub struct RuntimeSnapshot(Vec<(String, PodRuntime)>);

impl Kubelets {
    /// The runtimes of the pods `uids` as they are now.
    pub fn snapshot(&self, uids: &[&str]) -> RuntimeSnapshot {
        RuntimeSnapshot(
            uids.iter()
                .filter_map(|uid| Some((uid.to_string(), self.pods.get(*uid)?.clone())))
                .collect(),
        )
    }

    /// Whether the pods' runtimes now are exactly `before` moved on by one cycle of
    /// `period` in which each container of `restarting` restarted once.
    pub fn repeats_cycle(
        &self,
        before: &RuntimeSnapshot,
        restarting: &[(&str, usize)],
        period: Millis,
        clock: &Clock,
    ) -> bool {
        before.0.iter().all(|(uid, runtime)| {
            let mut expected = runtime.clone();
            let containers = restarting.iter().filter(|(u, _)| u == uid).map(|(_, i)| *i);
            advance_runtime(&mut expected, uid, containers, 1, period, clock);
            self.pods
                .get(uid)
                .is_some_and(|now| format!("{now:?}") == format!("{expected:?}"))
        })
    }

    /// Applies `cycles` whole cycles of `period` to the containers `restarting`.
    pub fn skip_cycles(
        &mut self,
        restarting: &[(&str, usize)],
        cycles: u64,
        period: Millis,
        clock: &Clock,
    ) {
        for (uid, index) in restarting {
            if let Some(runtime) = self.pods.get_mut(*uid) {
                advance_runtime(runtime, uid, [*index], cycles, period, clock);
            }
        }
    }
}

/// What `cycles` crash cycles of `period` do to the containers `restarting` of a pod: one
/// run each, every recorded time moved on, and the last exit as the exited step records it.
fn advance_runtime(
    runtime: &mut PodRuntime,
    uid: &str,
    restarting: impl IntoIterator<Item = usize>,
    cycles: u64,
    period: Millis,
    clock: &Clock,
) {
    let shift = cycles.saturating_mul(period);
    let later = |at: &mut Millis| *at = at.saturating_add(shift);
    for index in restarting {
        let Some(container) = runtime.containers.get_mut(index) else {
            continue;
        };
        container.instance = container.instance.saturating_add(cycles);
        let runs = i32::try_from(cycles).unwrap_or(i32::MAX);
        container.restart_count = container.restart_count.saturating_add(runs);
        container.container_id = restarted_container_id(uid, index, container.instance);
        container.started_at_ms.iter_mut().for_each(later);
        container.finished_at_ms.iter_mut().for_each(later);
        for (at, _) in container
            .logs
            .iter_mut()
            .chain(container.previous_logs.iter_mut())
        {
            later(at);
        }
        for (at, _, _) in &mut container.files {
            later(at);
        }
        container.crash_back_off = container.crash_back_off.shifted(shift);
        let terminated = container
            .last_state
            .as_mut()
            .and_then(|state| state.terminated.as_mut());
        if let Some(terminated) = terminated {
            terminated.started_at = container.started_at_ms.map(|ms| time_at_ms(clock, ms));
            terminated.finished_at = container.finished_at_ms.map(|ms| time_at_ms(clock, ms));
            terminated.container_id = Some(container.container_id.clone());
        }
    }
}
