//! Running until a condition holds: the one loop behind every command that waits (`sleep`,
//! `rollout status`, `wait`, `delete --wait`, `drain`, `get --watch`). It looks at the
//! condition only at the instants where something happens or that the condition names, so
//! idle virtual time costs nothing, and it stops at a bound so a host can drive a wait in
//! slices (the page one frame at a time) without ever freezing.

use super::{Advance, Cluster};
use crate::clock::Millis;

/// How many looks at a condition between two asks of the caller's budget: a wait that looks
/// at every change advances one instant at a time, and at 10,000 pods a few dozen instants
/// are a page's frame.
const CHECKS_PER_BUDGET_CHECK: u32 = 16;

/// What a condition found at the current instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    Met,
    /// Look again at `recheck_at` (if any) or, when `on_change`, at the next instant anything
    /// in the cluster happens.
    Pending {
        recheck_at: Option<Millis>,
        on_change: bool,
    },
}

/// Where a `run_until` stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    Met,
    /// Virtual time reached the bound first; run again to go on.
    Reached,
    /// The caller's budget ran out; everything up to the current instant has happened.
    Stopped,
    /// Nothing is scheduled to happen and the condition names no time: without a bound it
    /// would wait for ever.
    Idle,
}

impl Cluster {
    /// Advances virtual time from one change to the next until `condition` is met or time
    /// reaches `bound` (`Millis::MAX`: none), asking `keep_going` now and then whether the
    /// caller's budget allows more.
    pub fn run_until(
        &mut self,
        bound: Millis,
        condition: &mut dyn FnMut(&mut Cluster) -> Check,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> Until {
        let mut checks = 0u32;
        loop {
            let (recheck_at, on_change) = match condition(self) {
                Check::Met => return Until::Met,
                Check::Pending {
                    recheck_at,
                    on_change,
                } => (recheck_at, on_change),
            };
            checks = checks.wrapping_add(1);
            if checks.is_multiple_of(CHECKS_PER_BUDGET_CHECK) && !keep_going() {
                return Until::Stopped;
            }
            let change = on_change.then(|| self.next_change_at()).flatten();
            let next = [recheck_at, change].into_iter().flatten().min();
            let next = match next {
                None if bound == Millis::MAX => return Until::Idle,
                Some(next) if next.max(self.now_ms() + 1) <= bound => next.max(self.now_ms() + 1),
                _ => {
                    return match self.advance_to_within(bound, keep_going) {
                        Advance::Reached => Until::Reached,
                        Advance::Stopped => Until::Stopped,
                    };
                }
            };
            if self.advance_to_within(next, keep_going) == Advance::Stopped {
                return Until::Stopped;
            }
        }
    }
}
