//! A script that stops where its host interrupts it and later goes on from the last
//! checkpoint it passed, instead of from its beginning: a container's program that polls the
//! cluster (`while true; do wget -qO- http://demo; sleep 1; done`) must see the cluster as it
//! is at each request, so its host interrupts it at the first request that lies in the
//! future and resumes it when that moment comes.
//!
//! Checkpoints are the starts of the script's top-level commands and of each iteration of a
//! top-level loop. At a checkpoint the host says whether to keep it ([`Host::checkpoint`]);
//! if so the shell's state is saved and what happened so far is settled: a resumed run
//! starts from the saved state,
//! so a loop costs one iteration per resume rather than all the iterations before it.
//! Nested loops run whole within one iteration of the loop around them.

use crate::exec::{Exec, Halt};
use crate::limits::MAX_INPUT_BYTES;
use crate::output::Output;
use crate::parser::{self, AndOr, Compound};
use crate::{Chunk, Host, Shell, VirtualFs, lexer};

/// A script run that can be interrupted and resumed (see the module documentation).
#[derive(Clone, Debug)]
pub struct Resumable {
    steps: Vec<Step>,
    checkpoint: Checkpoint,
}

/// The last checkpoint passed: where it is and the shell as it was there.
#[derive(Clone, Debug)]
struct Checkpoint {
    shell: Shell,
    at: Cursor,
}

/// One top-level command of the script.
#[derive(Clone, Debug)]
enum Step {
    Run(AndOr),
    /// A command line that does not parse: the shell reports it when it gets there.
    Invalid(String),
}

/// Where the checkpoint is: a top-level command, and the iteration of it when it is a loop.
#[derive(Clone, Debug, Default)]
struct Cursor {
    step: usize,
    lap: Option<Lap>,
}

#[derive(Clone, Debug)]
enum Lap {
    While,
    /// A `for` loop's words are expanded once, when it starts.
    For {
        values: Vec<String>,
        next: usize,
    },
}

/// What one run (from the checkpoint to the end or an interruption) did.
#[derive(Debug)]
pub struct Progress {
    /// Output written before the last checkpoint the run passed: final, no later run writes
    /// it again.
    pub settled: Vec<Chunk>,
    /// Output written after it: a resumed run starts at the checkpoint and writes it again.
    pub pending: Vec<Chunk>,
    /// The exit status, when the script ended.
    pub status: Option<i32>,
    /// The filesystem as the run left it.
    pub fs: VirtualFs,
}

impl Resumable {
    /// Parses `input` (a container's `sh -c` script) to run with `shell`.
    pub fn new(shell: Shell, input: &str) -> Resumable {
        let steps = if input.len() > MAX_INPUT_BYTES {
            vec![Step::Invalid(format!(
                "input too large (limit {MAX_INPUT_BYTES} bytes)"
            ))]
        } else {
            crate::split_commands(input)
                .iter()
                .flat_map(
                    |command| match lexer::lex(command).and_then(parser::parse) {
                        Ok(script) => script.items.into_iter().map(Step::Run).collect(),
                        Err(error) => vec![Step::Invalid(error.to_string())],
                    },
                )
                .collect()
        };
        Resumable {
            steps,
            checkpoint: Checkpoint {
                shell,
                at: Cursor::default(),
            },
        }
    }

    /// Runs from the checkpoint until the script ends or `host` interrupts it.
    pub fn run(&mut self, host: &mut dyn Host) -> Progress {
        let checkpoint = &mut self.checkpoint;
        let mut shell = checkpoint.shell.clone();
        let mut exec = Exec::new(&mut shell, host);
        let mut run = Run {
            settled: Vec::new(),
            out: Output::at(exec.host.elapsed_ms()),
        };
        let mut cursor = checkpoint.at.clone();
        while let Some(step) = self.steps.get(cursor.step) {
            if exec.stopped() {
                break;
            }
            match (step, cursor.lap.take()) {
                (Step::Invalid(error), _) => {
                    run.out.err(&format!("sh: {error}\n"));
                    exec.shell.last_status = 2;
                }
                (Step::Run(item), lap) => match top_level_loop(item) {
                    Some(compound) => {
                        let status =
                            checkpoint.run_loop(&mut exec, &mut run, compound, cursor.step, lap);
                        exec.shell.last_status = status;
                    }
                    None => {
                        checkpoint.save(&mut exec, &mut run, cursor.step, None);
                        exec.run_and_or(item, "", &mut run.out);
                    }
                },
            }
            cursor.step += 1;
        }
        let ended = match exec.halt {
            Some(Halt::Interrupted) => false,
            Some(Halt::Exit(code)) => {
                exec.shell.last_status = code;
                true
            }
            _ => true,
        };
        let status = ended.then_some(exec.shell.last_status);
        drop(exec);
        Progress {
            settled: run.settled,
            pending: run.out.finish(),
            status,
            fs: shell.fs,
        }
    }
}

impl Checkpoint {
    /// Runs a top-level loop from `lap` (its start when `None`), one checkpoint per
    /// iteration; its status is its body's last.
    fn run_loop(
        &mut self,
        exec: &mut Exec,
        run: &mut Run,
        compound: &Compound,
        step: usize,
        lap: Option<Lap>,
    ) -> i32 {
        let mut status = 0;
        match compound {
            Compound::While {
                until,
                condition,
                body,
            } => loop {
                self.save(exec, run, step, Some(Lap::While));
                if !exec.iterate() {
                    break;
                }
                exec.loops += 1;
                let test = exec.run_script(condition, "", &mut run.out);
                exec.loops -= 1;
                if !exec.loop_goes_on() || (test == 0) == *until {
                    break;
                }
                status = exec.run_body(body, "", &mut run.out);
                if !exec.loop_goes_on() {
                    break;
                }
            },
            Compound::For { name, words, body } => {
                let (values, mut next) = match lap {
                    Some(Lap::For { values, next }) => (values, next),
                    _ => {
                        self.save(exec, run, step, None);
                        let expanded = match words {
                            Some(words) => exec.expand_words(words, &mut run.out),
                            None => Ok(Vec::new()),
                        };
                        match expanded {
                            Ok(values) => (values, 0),
                            Err(error) => {
                                run.out.err(&format!("sh: {error}\n"));
                                return 1;
                            }
                        }
                    }
                };
                while let Some(value) = values.get(next) {
                    let lap = Lap::For {
                        values: values.clone(),
                        next,
                    };
                    self.save(exec, run, step, Some(lap));
                    if !exec.iterate() {
                        break;
                    }
                    exec.shell.set_var(name, value.clone(), false);
                    status = exec.run_body(body, "", &mut run.out);
                    if !exec.loop_goes_on() {
                        break;
                    }
                    next += 1;
                }
            }
            // `top_level_loop` only returns loops.
            Compound::If { .. } | Compound::Group(_) => {}
        }
        status
    }

    /// Saves the state at the start of `step` (in iteration `lap`) and settles what was
    /// written so far, when the host wants to be able to resume from here.
    fn save(&mut self, exec: &mut Exec, run: &mut Run, step: usize, lap: Option<Lap>) {
        if exec.stopped() || !exec.host.checkpoint() {
            return;
        }
        self.shell = exec.shell.clone();
        self.at = Cursor { step, lap };
        let now = exec.host.elapsed_ms();
        let written = std::mem::replace(&mut run.out, Output::at(now));
        run.settled.extend(written.finish());
    }
}

/// Output of the run so far: settled, and since the last checkpoint.
struct Run {
    settled: Vec<Chunk>,
    out: Output,
}

/// The loop a top-level command is when it is one on its own (no pipe, `&&`, `!` or
/// redirection around it): its iterations are checkpoints.
fn top_level_loop(item: &AndOr) -> Option<&Compound> {
    if !item.rest.is_empty() || item.first.negated {
        return None;
    }
    let [command] = item.first.commands.as_slice() else {
        return None;
    };
    if !command.redirects.is_empty() {
        return None;
    }
    let compound = command.compound.as_deref()?;
    matches!(compound, Compound::While { .. } | Compound::For { .. }).then_some(compound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Interval, ProgramOutput};

    /// A host whose `poll` asks the outside world: answered with the time when it is not
    /// later than `now`, else the script is interrupted there.
    struct Poller {
        elapsed: u64,
        now: u64,
        /// Answers since the checkpoint, replayed on resume.
        answers: Vec<String>,
        asked: usize,
        paused: bool,
        /// How many times `poll` ran, replays included.
        calls: usize,
        /// The time at the checkpoint, where a resumed run starts.
        resume_from: u64,
    }

    impl Host for Poller {
        fn run(&mut self, argv: &[String], _: &str, _: &mut VirtualFs) -> Option<ProgramOutput> {
            (argv[0] == "poll").then_some(())?;
            self.calls += 1;
            let answer = match self.answers.get(self.asked) {
                Some(answer) => answer.clone(),
                None if self.elapsed > self.now => {
                    self.paused = true;
                    return Some(ProgramOutput::default());
                }
                None => {
                    let answer = format!("at {}\n", self.elapsed);
                    self.answers.push(answer.clone());
                    answer
                }
            };
            self.asked += 1;
            Some(ProgramOutput {
                chunks: vec![Chunk {
                    at_ms: self.elapsed,
                    ..Chunk::stdout(answer)
                }],
                status: 0,
            })
        }

        fn sleep(&mut self, interval: Interval, _: &mut VirtualFs) -> ProgramOutput {
            self.elapsed += interval.millis().unwrap_or(0);
            ProgramOutput::default()
        }

        fn elapsed_ms(&self) -> u64 {
            self.elapsed
        }

        fn interrupted(&self) -> bool {
            self.paused
        }

        fn checkpoint(&mut self) -> bool {
            self.answers.drain(..self.asked);
            self.asked = 0;
            self.resume_from = self.elapsed;
            true
        }
    }

    fn text(chunks: &[Chunk]) -> String {
        chunks.iter().map(|c| c.text.as_str()).collect()
    }

    /// Runs `script` resuming once per virtual second up to `seconds`; returns the settled
    /// output, the last run's pending output, the exit status and the `poll` calls.
    fn run_resuming(script: &str, seconds: u64) -> (String, String, Option<i32>, usize) {
        let mut resumable = Resumable::new(
            Shell::for_script(VirtualFs::new("/"), &Default::default()),
            script,
        );
        let mut settled = String::new();
        let mut host = Poller {
            elapsed: 0,
            now: 0,
            answers: Vec::new(),
            asked: 0,
            paused: false,
            calls: 0,
            resume_from: 0,
        };
        for second in 0..=seconds {
            host.now = second * 1000;
            host.elapsed = host.resume_from;
            host.asked = 0;
            host.paused = false;
            let progress = resumable.run(&mut host);
            settled.push_str(&text(&progress.settled));
            if progress.status.is_some() || second == seconds {
                return (
                    settled,
                    text(&progress.pending),
                    progress.status,
                    host.calls,
                );
            }
        }
        unreachable!()
    }

    #[test]
    fn a_polling_loop_resumes_where_it_stopped() {
        let (settled, pending, status, calls) =
            run_resuming("echo start; while true; do poll; sleep 1; done", 10);
        let expected: String = std::iter::once("start\n".to_string())
            .chain((0..=10).map(|s| format!("at {}\n", s * 1000)))
            .collect();
        assert_eq!(settled, expected);
        // Paused at the poll of second 11, which has written nothing yet.
        assert_eq!(pending, "");
        assert_eq!(status, None);
        // One poll per second and one that pauses: linear, not quadratic.
        assert!(calls <= 2 * 11, "{calls} polls");
    }

    #[test]
    fn a_for_loop_resumes_with_its_words_and_the_script_ends() {
        let (settled, pending, status, _) = run_resuming(
            "for i in a b c; do poll; echo $i; sleep 1; done; echo end; exit 3",
            5,
        );
        assert_eq!(
            format!("{settled}{pending}"),
            "at 0\na\nat 1000\nb\nat 2000\nc\nend\n"
        );
        assert_eq!(status, Some(3));
    }

    #[test]
    fn a_host_that_keeps_no_checkpoint_runs_the_script_whole() {
        let mut resumable = Resumable::new(
            Shell::for_script(VirtualFs::new("/"), &Default::default()),
            "for i in 1 2; do echo $i; done\nif; then",
        );
        struct Plain;
        impl Host for Plain {
            fn run(&mut self, _: &[String], _: &str, _: &mut VirtualFs) -> Option<ProgramOutput> {
                None
            }
            fn sleep(&mut self, _: Interval, _: &mut VirtualFs) -> ProgramOutput {
                ProgramOutput::default()
            }
        }
        let progress = resumable.run(&mut Plain);
        assert!(progress.settled.is_empty());
        assert!(text(&progress.pending).starts_with("1\n2\nsh: "));
        assert_eq!(progress.status, Some(2));
    }
}
