//! `kubeplay lesson check`: walks a lesson as a diligent learner would — the start state, then
//! each step's code in order, letting virtual time pass until the step's checks pass — and
//! proves the checks mean something: before a step they must not pass yet, after it they
//! must. Then it proves no step can be skipped: with any one step left out, either the rest
//! of the lesson cannot be done, or the left-out step's checks never pass after it (a
//! learner who skips it never sees it `Done`). Steps that build on each other also fail when
//! reordered ([`walk_in_order`]).

use kubeplay_kubectl::Terminal;
use kubeplay_sim::{ClusterShape, create_cluster};

use crate::check::step_status;
use crate::lesson::{Lesson, Step};

/// How long (virtual time) a step may take to be done after its code ran.
pub const WAIT_LIMIT_MS: u64 = 15 * 60 * 1000;

/// Why a lesson does not hold. Steps are numbered from 1, as the page shows them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("the start state fails at `{command}`:\n{output}")]
    Start { command: String, output: String },
    #[error(
        "step {step} ({title}): its checks already pass before the step, so they cannot tell whether the learner did it"
    )]
    AlreadyDone { step: usize, title: String },
    #[error("step {step} ({title}): `{command}` failed:\n{output}")]
    CommandFailed {
        step: usize,
        title: String,
        command: String,
        output: String,
    },
    #[error("step {step} ({title}): `{command}` was expected to fail (```… fails) but succeeded")]
    CommandSucceeded {
        step: usize,
        title: String,
        command: String,
    },
    #[error("step {step} ({title}) is not done {waited_s} s (virtual) after its code ran:\n{}", missing.join("\n"))]
    NeverDone {
        step: usize,
        title: String,
        waited_s: u64,
        missing: Vec<String>,
    },
    #[error(
        "step {step} ({title}) can be skipped: without its code, its checks pass once the other steps are done"
    )]
    Skippable { step: usize, title: String },
}

/// What walking one step took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    pub title: String,
    pub commands: usize,
    /// Virtual time from the end of the step's code until its checks passed.
    pub waited_ms: u64,
}

/// Walks the lesson's steps in order from a fresh cluster created at `start`.
pub fn walk(lesson: &Lesson, start: jiff::Timestamp) -> Result<Vec<StepReport>, Failure> {
    let order: Vec<usize> = (0..lesson.steps.len()).collect();
    walk_in_order(lesson, &order, start).map(|(reports, _)| reports)
}

/// [`walk`], then the lesson with each step left out in turn: that must fail, or leave the
/// left-out step not done however long the learner then waits.
pub fn verify(lesson: &Lesson, start: jiff::Timestamp) -> Result<Vec<StepReport>, Failure> {
    let reports = walk(lesson, start)?;
    for left_out in 0..lesson.steps.len() {
        let order: Vec<usize> = (0..lesson.steps.len()).filter(|i| *i != left_out).collect();
        if let Ok((_, mut terminal)) = walk_in_order(lesson, &order, start) {
            let step = &lesson.steps[left_out];
            if wait_until_done(step, &mut terminal).is_ok() {
                return Err(Failure::Skippable {
                    step: left_out + 1,
                    title: step.title.clone(),
                });
            }
        }
    }
    Ok(reports)
}

/// A fresh terminal over the lesson's cluster, with its start state run.
pub fn start_terminal(lesson: &Lesson, start: jiff::Timestamp) -> Result<Terminal, Failure> {
    let shape = ClusterShape::preset(&lesson.preset).unwrap_or_else(ClusterShape::kind);
    let cluster = create_cluster(&shape, start, lesson.seed);
    let mut terminal = Terminal::new(cluster, Box::new(|_| None));
    for command in &lesson.start {
        let execution = terminal.execute(command);
        if execution.status != 0 {
            return Err(Failure::Start {
                command: first_line(command),
                output: text_of(&execution),
            });
        }
    }
    Ok(terminal)
}

/// Walks the steps at the indexes of `order`, in that order; returns what each took and the
/// terminal at the end. Failures name steps by their number in the lesson.
pub fn walk_in_order(
    lesson: &Lesson,
    order: &[usize],
    start: jiff::Timestamp,
) -> Result<(Vec<StepReport>, Terminal), Failure> {
    let mut terminal = start_terminal(lesson, start)?;
    let mut reports = Vec::new();
    for &index in order {
        let Some(step) = lesson.steps.get(index) else {
            continue;
        };
        let number = index + 1;
        let title = step.title.clone();
        if step_status(step, &mut terminal).done {
            return Err(Failure::AlreadyDone {
                step: number,
                title,
            });
        }
        let mut commands = 0;
        for code in step.code() {
            for command in kubeplay_shell::split_commands(&code.command) {
                commands += 1;
                let execution = terminal.execute(&command);
                match (execution.status == 0, code.fails) {
                    (false, false) => {
                        return Err(Failure::CommandFailed {
                            step: number,
                            title,
                            command: first_line(&command),
                            output: text_of(&execution),
                        });
                    }
                    (true, true) => {
                        return Err(Failure::CommandSucceeded {
                            step: number,
                            title,
                            command: first_line(&command),
                        });
                    }
                    _ => {}
                }
            }
        }
        let waited_ms = wait_until_done(step, &mut terminal).map_err(|(waited_ms, missing)| {
            Failure::NeverDone {
                step: number,
                title: title.clone(),
                waited_s: waited_ms / 1000,
                missing,
            }
        })?;
        reports.push(StepReport {
            title,
            commands,
            waited_ms,
        });
    }
    Ok((reports, terminal))
}

/// Lets virtual time pass, change by change, until the step is done; returns the time waited,
/// or the time waited and what is still missing when the limit is reached or nothing more
/// will happen.
fn wait_until_done(step: &Step, terminal: &mut Terminal) -> Result<u64, (u64, Vec<String>)> {
    let began = terminal.cluster.now_ms();
    loop {
        let status = step_status(step, terminal);
        let waited = terminal.cluster.now_ms() - began;
        if status.done {
            return Ok(waited);
        }
        let next = terminal.cluster.next_change_at();
        match next {
            Some(at) if at.saturating_sub(began) <= WAIT_LIMIT_MS => {
                let delta = at.saturating_sub(terminal.cluster.now_ms()).max(1);
                terminal.cluster.advance(delta);
            }
            _ => return Err((waited, status.missing)),
        }
    }
}

fn first_line(command: &str) -> String {
    command.lines().next().unwrap_or_default().to_string()
}

fn text_of(execution: &kubeplay_shell::Execution) -> String {
    execution.output.iter().map(|c| c.text.as_str()).collect()
}
