//! The one way the page changes the playground: panels describe what the learner asked for as
//! an [`Intent`], and [`reduce`] applies it (the shape of Yew's `function_todomvc`: actions in,
//! data out). Panels read the playground through a [`Handle`] but never mutate it, so "who may
//! change the cluster" has one answer, and the page decides in one place what to save and redraw.

use std::cell::RefCell;
use std::rc::Rc;

use crate::clock_step::ClockStep;
use crate::playground::{ApplyOutcome, Line, Playground};

/// Something the learner (or the page embedding the playground) asked for.
pub enum Intent {
    /// Command lines typed, pasted, or run by a button (a lesson step, an inspector action,
    /// Add node); several lines run one after the other.
    Run(String),
    /// The editor's Apply: `kubectl apply -f -` with its text.
    Apply(String),
    /// The editor's Save during a `kubectl edit`: the edited text, as kubectl's editor saves it.
    SaveEdit(String),
    /// The editor's Cancel during a `kubectl edit`.
    CancelEdit,
    /// A Step button: virtual time moves on by this many milliseconds (across frames).
    Advance(u64),
    /// Advance to the next change the page shows (across frames).
    NextChange,
    /// Pause: a step under way stops where it is.
    StopStep,
    /// Ctrl+C on the command running in the foreground.
    Interrupt,
    /// Another playground altogether: a preset, a shared link, a lesson restarted.
    Replace(Box<Playground>),
}

/// What an intent produced, for the panel that asked.
#[derive(Debug, Default, PartialEq)]
pub enum Outcome {
    #[default]
    Nothing,
    /// The lines each command printed (its prompt included).
    Ran(Vec<Line>),
    Applied(ApplyOutcome),
}

/// Applies `intent` to the playground; a step of the clock becomes (or joins) the `step` the
/// page then runs frame by frame (`clock_step`).
pub fn reduce(
    playground: &mut Playground,
    step: &mut Option<ClockStep>,
    intent: Intent,
) -> Outcome {
    let mut start = |next: ClockStep| {
        *step = Some(match step.take() {
            Some(running) => running.and_then(next),
            None => next,
        });
        Outcome::Nothing
    };
    match intent {
        Intent::Run(text) => {
            let mut lines = Vec::new();
            for command in kubeplay_shell::split_commands(&text) {
                lines.extend(playground.run(&command).0);
            }
            Outcome::Ran(lines)
        }
        Intent::Apply(yaml) => Outcome::Applied(playground.apply(&yaml)),
        Intent::SaveEdit(text) => Outcome::Ran(playground.save_edit(&text)),
        Intent::CancelEdit => Outcome::Ran(playground.cancel_edit()),
        // The learner's time begins once the cluster has booted (`Playground::starting`).
        Intent::Advance(ms) => {
            playground.finish_boot();
            start(ClockStep::by(ms))
        }
        Intent::NextChange => {
            playground.finish_boot();
            start(ClockStep::next_change())
        }
        Intent::StopStep => {
            *step = None;
            Outcome::Nothing
        }
        Intent::Interrupt => {
            playground.interrupt();
            Outcome::Nothing
        }
        Intent::Replace(next) => {
            *step = None;
            *playground = *next;
            Outcome::Nothing
        }
    }
}

/// The playground as panels see it, with counters that say what changed: each panel's props
/// compare only the counters it depends on, so a clock tick that changes nothing in the store
/// does not rebuild the cluster view.
#[derive(Clone)]
pub struct Handle {
    pub playground: Rc<RefCell<Playground>>,
    /// Any change at all.
    pub version: u64,
    /// The store's writes and removals: objects changed.
    pub store_version: u64,
    /// Whole virtual seconds: ages shown in tables changed.
    pub second: u64,
    /// Terminal history changed.
    pub history_version: u64,
}

impl Handle {
    pub fn same_playground(&self, other: &Handle) -> bool {
        Rc::ptr_eq(&self.playground, &other.playground)
    }
}

impl PartialEq for Handle {
    fn eq(&self, other: &Self) -> bool {
        self.same_playground(other) && self.version == other.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::{Preset, Settings};

    fn playground() -> Playground {
        Playground::new(Settings {
            seed: 3,
            preset: Preset::Kind,
            start_second: 1_748_859_300,
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn intents_change_the_playground_and_say_what_they_printed() {
        let mut p = playground();
        let mut step = None;
        let Outcome::Ran(lines) = reduce(
            &mut p,
            &mut step,
            Intent::Run("kubectl create namespace a\nkubectl get namespace a -o name".into()),
        ) else {
            panic!("a command prints lines")
        };
        assert_eq!(lines.last(), Some(&Line::Out("namespace/a".into())));
        assert_eq!(
            reduce(&mut p, &mut step, Intent::Advance(5_000)),
            Outcome::Nothing
        );
        reduce(&mut p, &mut step, Intent::Advance(1_000));
        assert_eq!(step, Some(ClockStep::by(6_000)));
        reduce(&mut p, &mut step, Intent::StopStep);
        assert_eq!(step, None);
        let Outcome::Applied(outcome) = reduce(&mut p, &mut step, Intent::Apply("kind: [".into()))
        else {
            panic!("apply reports its outcome")
        };
        assert!(outcome.problem.is_some());
        reduce(&mut p, &mut step, Intent::NextChange);
        reduce(&mut p, &mut step, Intent::Replace(Box::new(playground())));
        assert!(p.actions().is_empty() && step.is_none());
    }

    #[test]
    fn a_step_asked_while_the_cluster_boots_starts_from_the_booted_cluster() {
        let settings = playground().settings.clone();
        for intent in [Intent::Advance(1_000), Intent::NextChange] {
            let mut p = Playground::starting(settings.clone()).unwrap_or_else(|e| panic!("{e}"));
            let mut step = None;
            assert!(p.booting());
            reduce(&mut p, &mut step, intent);
            assert!(!p.booting() && step.is_some());
            assert_eq!(p.now(), playground().now());
        }
    }
}
