//! The clock's step buttons ("Step 1s", "Step 10s", "Next change") as tasks that run across
//! animation frames, each frame within its slice (`frame.rs`), as playing does: ten seconds of
//! a cluster creating thousands of pods are minutes of simulation in one go, and the page must
//! keep answering meanwhile. A second click adds to a step of time, Pause stops a step where
//! it is, and what has passed is recorded as playing records it, so a replay lands in the
//! same place.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{AnimationFrame, request_animation_frame};
use kubeplay_sim::Cluster;
use yew::Callback;

use crate::playground::Playground;

/// What a click may take at once: a step a small cluster makes in a few milliseconds is done
/// before the page redraws, as if it were one task; a longer one goes on in frames.
const CLICK_SLICE_MS: f64 = 40.0;

/// How far "Next change" looks ahead for a visible change: changes checked, virtual time.
const NEXT_CHANGE_MAX_STEPS: usize = 1_000;
const NEXT_CHANGE_MAX_MS: u64 = 60 * 60 * 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClockStep {
    /// Virtual time still to pass.
    By { left: u64 },
    /// From one scheduled change to the next until the page shows something else.
    NextChange { checked: usize, moved: u64 },
}

impl ClockStep {
    pub fn by(ms: u64) -> ClockStep {
        ClockStep::By { left: ms }
    }

    pub fn next_change() -> ClockStep {
        ClockStep::NextChange {
            checked: 0,
            moved: 0,
        }
    }

    /// What a click on a step button does while this step runs: another step of time adds
    /// to what is left, "Next change" again keeps looking, and the other kind of step
    /// replaces this one (where it got to stays).
    pub fn and_then(self, next: ClockStep) -> ClockStep {
        match (self, next) {
            (ClockStep::By { left }, ClockStep::By { left: more }) => ClockStep::By {
                left: left.saturating_add(more),
            },
            (running @ ClockStep::NextChange { .. }, ClockStep::NextChange { .. }) => running,
            (_, next) => next,
        }
    }

    /// What the clock says while the step runs.
    pub fn progress(&self) -> String {
        match self {
            ClockStep::By { left } => format!("stepping, {} s to go", left.div_ceil(1000)),
            ClockStep::NextChange { .. } => "looking for the next change".into(),
        }
    }

    /// Runs the step while `keep_going` allows; true when it is over. `shown_changed` brings
    /// the page's model up to date and says whether what the page shows changed since it was
    /// last asked (call it once before the first run, so changes made before the click do
    /// not count).
    pub fn run_within(
        &mut self,
        playground: &mut Playground,
        keep_going: &mut dyn FnMut() -> bool,
        shown_changed: &mut dyn FnMut(&mut Cluster) -> bool,
    ) -> bool {
        match self {
            ClockStep::By { left } => {
                let moved = playground.advance_within(*left, keep_going);
                *left -= moved.min(*left);
                *left == 0
            }
            ClockStep::NextChange { checked, moved } => loop {
                if *checked >= NEXT_CHANGE_MAX_STEPS || *moved >= NEXT_CHANGE_MAX_MS {
                    return true;
                }
                let Some(delay) = playground.next_change_in() else {
                    return true;
                };
                if !keep_going() {
                    return false;
                }
                // Silent timers (lease renewals, monitor passes, probe ticks) change nothing a
                // learner sees: stopping at them would make the button look broken.
                let delay = delay.max(1).min(NEXT_CHANGE_MAX_MS - *moved);
                let step = playground.advance_within(delay, keep_going);
                *moved += step;
                if step == delay {
                    *checked += 1;
                }
                if shown_changed(&mut playground.terminal.cluster) {
                    return true;
                }
            },
        }
    }
}

/// The step under way, if any, and the frame that runs its next slice.
#[derive(Default)]
pub struct Stepper {
    pub step: Option<ClockStep>,
    frame: Option<AnimationFrame>,
}

/// Says whether what the page shows changed since it was last asked (see `run_within`).
pub type ShownChanged = Rc<dyn Fn(&mut Cluster) -> bool>;

/// Runs the stepper's step: at once for up to a click's slice when no frame is waiting to run
/// it (a click that joins a running step leaves it to that frame), then a slice per frame until
/// it ends or is dropped. `changed` redraws the page after each slice.
pub fn drive(
    stepper: &Rc<RefCell<Stepper>>,
    playground: &Rc<RefCell<Playground>>,
    shown_changed: &ShownChanged,
    changed: &Callback<()>,
) {
    if stepper.borrow().frame.is_some() {
        return;
    }
    if stepper.borrow().step.is_some() {
        shown_changed(&mut playground.borrow_mut().terminal.cluster);
    }
    run_slice(stepper, playground, shown_changed, changed, CLICK_SLICE_MS);
}

fn run_slice(
    stepper: &Rc<RefCell<Stepper>>,
    playground: &Rc<RefCell<Playground>>,
    shown_changed: &ShownChanged,
    changed: &Callback<()>,
    slice_ms: f64,
) {
    let over = {
        let mut stepper = stepper.borrow_mut();
        stepper.frame = None;
        let Some(step) = stepper.step.as_mut() else {
            return;
        };
        step.run_within(
            &mut playground.borrow_mut(),
            &mut crate::frame::slice_of(slice_ms),
            &mut |cluster| shown_changed(cluster),
        )
    };
    if over {
        stepper.borrow_mut().step = None;
    }
    changed.emit(());
    if stepper.borrow().step.is_none() {
        return;
    }
    let frame = {
        let (stepper, playground) = (stepper.clone(), playground.clone());
        let (shown_changed, changed) = (shown_changed.clone(), changed.clone());
        request_animation_frame(move |_| {
            run_slice(
                &stepper,
                &playground,
                &shown_changed,
                &changed,
                crate::frame::SLICE_MS,
            )
        })
    };
    stepper.borrow_mut().frame = Some(frame);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::LiveView;
    use crate::playground::{Preset, Settings};
    use kubeplay_model::Kind;

    fn playground() -> Playground {
        Playground::new(Settings {
            seed: 4,
            preset: Preset::KindMulti,
            start_second: 1_748_859_300,
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// What the page checks: the cluster view's model and the Events.
    fn shown_changed(live: &mut LiveView) -> impl FnMut(&mut Cluster) -> bool + '_ {
        move |cluster| {
            let before = live.snapshot().clone();
            let changed = cluster.api.store.take_changed_keys();
            let events = changed
                .as_ref()
                .is_none_or(|keys| keys.iter().any(|key| key.kind == Kind::Event));
            live.sync(cluster, changed);
            events || *live.snapshot() != before
        }
    }

    #[test]
    fn a_step_of_time_run_in_slices_reaches_what_one_advance_reaches() {
        let mut whole = playground();
        let mut sliced = playground();
        for p in [&mut whole, &mut sliced] {
            p.run("kubectl create deployment web --image=nginx --replicas=30");
        }
        whole.advance(10_000);
        let mut step = ClockStep::by(4_000).and_then(ClockStep::by(6_000));
        let mut frames = 0;
        let mut never = |_: &mut Cluster| false;
        // A budget that allows a few checks per frame.
        while !step.run_within(
            &mut sliced,
            &mut {
                let mut n = 0;
                move || {
                    n += 1;
                    n < 3
                }
            },
            &mut never,
        ) {
            frames += 1;
            assert!(frames < 10_000, "the step never ends");
        }
        assert!(frames > 1, "the step ran in one frame");
        assert_eq!(sliced.now(), whole.now());
        let state = "kubectl get pods,replicasets,deployments,events -A -o yaml";
        assert_eq!(sliced.run(state), whole.run(state));
        assert_eq!(
            Playground::replay(sliced.settings.clone(), sliced.actions())
                .unwrap_or_else(|e| panic!("{e}"))
                .run(state),
            whole.run(state)
        );
    }

    #[test]
    fn next_change_lands_where_the_view_changes_and_skips_silent_timers() {
        let mut p = playground();
        p.run("kubectl create deployment web --image=nginx --replicas=6");
        p.advance(60_000);
        p.run("kubeplay node stop kind-worker");
        let mut live = LiveView::default();
        let mut shown = shown_changed(&mut live);
        shown(&mut p.terminal.cluster);
        for _ in 0..5 {
            let before = p.now();
            let mut step = ClockStep::next_change();
            assert!(step.run_within(&mut p, &mut || true, &mut shown));
            assert!(p.now() > before);
            let ClockStep::NextChange { checked, .. } = step else {
                unreachable!()
            };
            assert!(checked < NEXT_CHANGE_MAX_STEPS);
        }
        // Nothing scheduled to change what is seen: stops at the limit, not for ever.
        let mut idle = playground();
        idle.advance(120_000);
        let mut step = ClockStep::next_change();
        let mut blind = |_: &mut Cluster| false;
        while !step.run_within(&mut idle, &mut || true, &mut blind) {}
        let ClockStep::NextChange { checked, moved } = step else {
            unreachable!()
        };
        assert!(checked <= NEXT_CHANGE_MAX_STEPS && moved <= NEXT_CHANGE_MAX_MS);
    }

    #[test]
    fn clicks_while_a_step_runs() {
        assert_eq!(
            ClockStep::by(1_000).and_then(ClockStep::by(10_000)),
            ClockStep::by(11_000)
        );
        let looking = ClockStep::NextChange {
            checked: 3,
            moved: 500,
        };
        assert_eq!(looking.clone().and_then(ClockStep::next_change()), looking);
        assert_eq!(looking.and_then(ClockStep::by(1_000)), ClockStep::by(1_000));
        assert_eq!(ClockStep::by(2_500).progress(), "stepping, 3 s to go");
    }
}
