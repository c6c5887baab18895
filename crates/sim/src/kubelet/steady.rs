//! The kubelet's part in jumping over a steady crash loop (see `cluster/cycles.rs`): a
//! container restarted once per cycle of a fixed period ends each cycle as it began, its
//! run count one higher and its times one period later, so whole cycles can be applied at
//! once. The driver checks the rule on two real cycles before it trusts it.

use std::collections::BTreeMap;

use super::restarts::restarted_container_id;
use super::{FIRST_POD_IP, IP_RANGE, Kubelets, PodRuntime, time_at_ms};
use crate::clock::{Clock, Millis};
use crate::uid_key::UidKey;

/// The runtimes of some pods, kept to compare with what one more cycle makes of them.
pub struct RuntimeSnapshot(Vec<(String, Box<PodRuntime>)>);

impl Kubelets {
    /// The runtimes of the pods `uids` as they are now.
    pub fn snapshot(&self, uids: &[&str]) -> RuntimeSnapshot {
        RuntimeSnapshot(
            uids.iter()
                .filter_map(|uid| {
                    Some((uid.to_string(), self.pods.get(&UidKey::new(uid))?.clone()))
                })
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
                .get(&UidKey::new(uid))
                .is_some_and(|now| format!("{now:?}") == format!("{expected:?}"))
        })
    }

    /// The next pod IP of each node, as a counter.
    pub fn ip_counters(&self) -> BTreeMap<String, u32> {
        self.next_ip
            .iter()
            .map(|(node, next)| (node.clone(), *next))
            .collect()
    }

    /// How far each node's IP counter moves per cycle, if it moved the same way over two
    /// cycles (counters go round `FIRST_POD_IP..=LAST_POD_IP`).
    pub fn ip_counter_steps(
        &self,
        first: &BTreeMap<String, u32>,
        second: &BTreeMap<String, u32>,
        third: &BTreeMap<String, u32>,
    ) -> Option<Vec<(String, u32)>> {
        if !first.keys().eq(third.keys()) || !second.keys().eq(third.keys()) {
            return None;
        }
        let step = |from: u32, to: u32| (to + IP_RANGE - from) % IP_RANGE;
        third
            .iter()
            .map(|(node, now)| {
                let (a, b) = (first[node], second[node]);
                (step(a, b) == step(b, *now)).then(|| (node.clone(), step(b, *now)))
            })
            .collect()
    }

    /// Moves the IP counters on by `cycles` cycles of `steps`.
    pub fn skip_ip_counters(&mut self, steps: &[(String, u32)], cycles: u64) {
        for (node, step) in steps {
            if let Some(next) = self.next_ip.get_mut(node) {
                let moved =
                    (u64::from(*step) * (cycles % u64::from(IP_RANGE))) % u64::from(IP_RANGE);
                let offset = (u64::from(*next - FIRST_POD_IP) + moved) % u64::from(IP_RANGE);
                *next = FIRST_POD_IP + offset as u32;
            }
        }
    }

    /// Everything the kubelets keep, in a stable order, to compare two simulations.
    pub fn fingerprint(&self) -> String {
        let pods: BTreeMap<_, _> = self.pods.iter().collect();
        let images: BTreeMap<_, _> = self.images.iter().collect();
        format!("{pods:?}\n{images:?}\n{:?}", self.ip_counters())
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
            if let Some(runtime) = self.pods.get_mut(&UidKey::new(uid)) {
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
            terminated.container_id = Some(container.container_id.text());
        }
    }
}
