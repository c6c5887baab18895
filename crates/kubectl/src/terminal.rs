//! The terminal a learner types into: the shell over the simulated cluster. `kubectl` runs
//! the command tree, `kubeplay` the playground's own commands, `sleep` and `timeout` pass
//! virtual time, everything else is the shell's.
//!
//! A command line that is one waiting command (`sleep 3600`, `kubectl get pods -w`,
//! `timeout 1m kubectl rollout status …`) can be started as a [`Foreground`] task that the
//! host drives in slices ([`Terminal::start`], [`Terminal::drive`], [`Terminal::interrupt`]);
//! [`Terminal::execute`] drives it to its end at once. Waits anywhere else in a line (in a
//! pipeline, after `;`) are driven to their end where they occur. [`Terminal::query`] runs
//! read-only command lines (lesson checks) that can change nothing: not the cluster, not the
//! clock, not the shell.

use kubeplay_shell::{Chunk, Execution, Host, Interval, ProgramOutput, Shell, VirtualFs};
use kubeplay_sim::Cluster;
use kubeplay_sim::clock::Millis;

use crate::output::Output;
use crate::session::{FileFallback, Session};
use crate::waiting::{self, Progress, Sleep, Task, WaitControl};

/// The learner's home directory inside the playground.
pub const HOME: &str = "/home/learner";

/// Programs whose command line may become a foreground task.
const TASK_PROGRAMS: &[&str] = &["sleep", "timeout", "kubectl", "k"];

pub struct Terminal {
    pub cluster: Cluster,
    shell: Shell,
    fallback: Box<FileFallback>,
    waits: WaitControl,
}

/// A command line whose wait is still running; the host drives it.
pub struct Foreground {
    task: Task,
    /// What the command printed before its wait started, not yet handed out.
    pending_output: Vec<Chunk>,
}

/// What one slice of a foreground task produced.
#[derive(Debug, Default)]
pub struct Slice {
    pub output: Vec<Chunk>,
    /// The exit status once the command has finished.
    pub finished: Option<i32>,
}

/// A started command line: finished at once, or waiting in the foreground.
pub enum Started {
    Finished(Execution),
    Waiting(Foreground),
}

struct ClusterHost<'a> {
    cluster: &'a mut Cluster,
    fallback: &'a FileFallback,
    waits: &'a mut WaitControl,
}

impl ClusterHost<'_> {
    fn session<'s>(&'s mut self, fs: &'s mut VirtualFs) -> Session<'s> {
        Session {
            cluster: self.cluster,
            fs,
            fallback: self.fallback,
            waits: self.waits,
            env: Default::default(),
        }
    }
}

/// `1e+30` rather than thirty-one digits; whole numbers as such.
fn seconds_text(seconds: f64) -> String {
    if seconds >= 1e15 {
        format!("{seconds:e}")
    } else {
        format!("{seconds}")
    }
}

impl Host for ClusterHost<'_> {
    fn run(&mut self, argv: &[String], stdin: &str, fs: &mut VirtualFs) -> Option<ProgramOutput> {
        self.run_with_env(argv, stdin, &Default::default(), fs)
    }

    fn run_with_env(
        &mut self,
        argv: &[String],
        stdin: &str,
        env: &std::collections::BTreeMap<String, String>,
        fs: &mut VirtualFs,
    ) -> Option<ProgramOutput> {
        match argv.first().map(String::as_str) {
            Some("kubectl" | "k") => {
                let mut session = self.session(fs);
                session.env = env.clone();
                Some(crate::commands::run(&argv[1..], stdin, &mut session).into_program_output())
            }
            Some("kubeplay") => {
                let mut session = self.session(fs);
                Some(crate::kubeplay::run(&argv[1..], &mut session).into_program_output())
            }
            _ => None,
        }
    }

    fn sleep(&mut self, interval: Interval, fs: &mut VirtualFs) -> ProgramOutput {
        let now = self.cluster.now_ms();
        let last = self.cluster.api.clock.last_ms();
        let until = match interval.millis().and_then(|ms| now.checked_add(ms)) {
            Some(until) if until <= last => Some(until),
            _ if interval.is_infinite() => None,
            _ => {
                let end = self
                    .cluster
                    .api
                    .clock
                    .timestamp_at(last)
                    .strftime("%Y-%m-%dT%H:%M:%SZ");
                return ProgramOutput {
                    chunks: vec![Chunk::stderr(format!(
                        "sleep: {} seconds would end after the simulated clock does ({end})\n",
                        seconds_text(interval.seconds())
                    ))],
                    status: 1,
                };
            }
        };
        let mut out = Output::default();
        let mut session = self.session(fs);
        let status = waiting::run(Box::new(Sleep { until }), &mut session, &mut out);
        let mut output = out.into_program_output();
        output.status = status;
        output
    }

    fn begin_timeout(&mut self, interval: Interval, timed_out_status: i32) {
        let deadline = interval
            .millis()
            .and_then(|ms| self.cluster.now_ms().checked_add(ms))
            .unwrap_or(Millis::MAX);
        self.waits.push_deadline(deadline, timed_out_status);
    }

    fn end_timeout(&mut self) -> bool {
        let deadline = self.waits.pop_deadline();
        // A deferred wait carries its deadline with it: it has not timed out yet.
        self.waits.deferred.is_none()
            && deadline.is_some_and(|deadline| self.cluster.now_ms() >= deadline)
    }

    fn programs(&self) -> Vec<String> {
        vec!["kubectl".into(), "kubeplay".into()]
    }
}

/// kubectl commands a query may run: they read the store and write nothing.
const READ_ONLY_KUBECTL: &[&str] = &["get", "logs"];

/// Flags that would make a read-only command wait for changes.
const WAITING_FLAGS: &[&str] = &["-w", "--watch", "--watch-only", "-f", "--follow"];

/// The host of [`Terminal::query`]: only read-only kubectl commands that do not wait, and
/// `sleep` stands still.
struct QueryHost<'a> {
    cluster: &'a mut Cluster,
    fallback: &'a FileFallback,
    /// A budget that is always spent, so nothing can pass virtual time.
    waits: WaitControl,
}

impl Host for QueryHost<'_> {
    fn run(&mut self, argv: &[String], stdin: &str, fs: &mut VirtualFs) -> Option<ProgramOutput> {
        let refuse = |what: &str| {
            Some(ProgramOutput {
                chunks: vec![Chunk::stderr(format!(
                    "{what} cannot run in a check: checks only read the cluster (kubectl {}, without waiting)\n",
                    READ_ONLY_KUBECTL.join(", kubectl ")
                ))],
                status: 1,
            })
        };
        match argv.first().map(String::as_str) {
            Some("kubectl" | "k") => {
                let (rest, _) = crate::args::split_command(&argv[1..]);
                let verb = rest.first().map(String::as_str).unwrap_or_default();
                if !READ_ONLY_KUBECTL.contains(&verb) {
                    return refuse(&format!("kubectl {verb}"));
                }
                let waits = argv.iter().find(|arg| {
                    let flag = arg.split('=').next().unwrap_or_default();
                    WAITING_FLAGS.contains(&flag)
                });
                if let Some(flag) = waits {
                    return refuse(&format!("kubectl {verb} {flag}"));
                }
                let mut session = Session {
                    cluster: self.cluster,
                    fs,
                    fallback: self.fallback,
                    waits: &mut self.waits,
                    env: Default::default(),
                };
                Some(crate::commands::run(&argv[1..], stdin, &mut session).into_program_output())
            }
            Some("kubeplay") => refuse("kubeplay"),
            _ => None,
        }
    }

    /// Checks never pass virtual time.
    fn sleep(&mut self, _interval: Interval, _fs: &mut VirtualFs) -> ProgramOutput {
        ProgramOutput::default()
    }
}

impl Terminal {
    /// A terminal over `cluster`; `fallback` reads files outside the virtual home (the CLI
    /// reads the script's folder; the browser has none).
    pub fn new(cluster: Cluster, fallback: Box<FileFallback>) -> Terminal {
        Terminal {
            cluster,
            shell: Shell::new(HOME),
            fallback,
            waits: WaitControl::default(),
        }
    }

    /// Sets the wall-clock budget of the next command: `keep_going` says whether it may go
    /// on; `message` is what a command stopped by it prints. (The core reads no clock.)
    pub fn set_budget(&mut self, keep_going: Box<dyn FnMut() -> bool>, message: String) {
        self.waits.set_budget(keep_going, message);
    }

    /// Runs one command (which may span several lines, e.g. with a heredoc) to its end.
    pub fn execute(&mut self, command: &str) -> Execution {
        match self.start(command) {
            Started::Finished(execution) => execution,
            Started::Waiting(mut foreground) => {
                let slice = self.drive(&mut foreground, Millis::MAX);
                Execution {
                    output: slice.output,
                    status: slice.finished.unwrap_or(waiting::INTERRUPTED),
                    clear_screen: false,
                    interrupted: slice.finished.is_none(),
                }
            }
        }
    }

    /// Starts a command line; if it is one waiting command, its wait is handed back to be
    /// driven with [`Terminal::drive`].
    pub fn start(&mut self, command: &str) -> Started {
        self.waits.defer = Shell::is_simple_command(command, TASK_PROGRAMS);
        let mut host = ClusterHost {
            cluster: &mut self.cluster,
            fallback: self.fallback.as_ref(),
            waits: &mut self.waits,
        };
        let execution = self.shell.execute(command, &mut host);
        self.waits.defer = false;
        self.cluster.settle();
        match self.waits.deferred.take() {
            None => Started::Finished(execution),
            Some(task) => Started::Waiting(Foreground {
                task,
                pending_output: execution.output,
            }),
        }
    }

    /// Drives a foreground task until it finishes or virtual time reaches `until_ms`
    /// (`Millis::MAX`: to its end, within the wall-clock budget).
    pub fn drive(&mut self, foreground: &mut Foreground, until_ms: Millis) -> Slice {
        let mut out = Output::default();
        let progress = {
            let mut session = Session {
                cluster: &mut self.cluster,
                fs: self.shell.fs_mut(),
                fallback: self.fallback.as_ref(),
                waits: &mut self.waits,
                env: Default::default(),
            };
            let mut control = std::mem::take(session.waits);
            let progress = {
                let mut keep_going = || control.keep_going();
                foreground
                    .task
                    .drive(&mut session, &mut out, until_ms, &mut keep_going)
            };
            *session.waits = control;
            progress
        };
        let finished = match progress {
            Progress::Finished(status) => Some(status),
            Progress::Running => None,
            Progress::OutOfBudget => {
                out.error(self.waits.out_of_budget_message());
                Some(waiting::INTERRUPTED)
            }
            Progress::Forever => {
                out.error(waiting::FOREVER);
                Some(waiting::INTERRUPTED)
            }
        };
        let mut output = std::mem::take(&mut foreground.pending_output);
        output.extend(out.take_chunks());
        if let Some(status) = finished {
            self.shell.set_last_status(status);
        }
        Slice { output, finished }
    }

    /// Stops a foreground task as Ctrl+C does: the shell shows `^C` and `$?` is 130.
    pub fn interrupt(&mut self, foreground: Foreground) -> Slice {
        self.shell.set_last_status(waiting::INTERRUPTED);
        let mut output = foreground.pending_output;
        output.push(Chunk::stdout("^C\n"));
        Slice {
            output,
            finished: Some(waiting::INTERRUPTED),
        }
    }

    /// Runs a read-only command line, e.g. a lesson check such as
    /// `kubectl -n dev get deployment demo -o jsonpath={.status.readyReplicas}`: on a copy of
    /// the shell (so it sees the learner's variables and files, and what it sets is thrown
    /// away), with kubectl limited to commands that read, `kubeplay` refused, and `sleep`
    /// standing still. The cluster is not settled afterwards: nothing was written.
    pub fn query(&mut self, command: &str) -> Execution {
        let mut shell = self.shell.clone();
        let mut waits = WaitControl::default();
        waits.set_budget(Box::new(|| false), "checks do not wait".into());
        let mut host = QueryHost {
            cluster: &mut self.cluster,
            fallback: self.fallback.as_ref(),
            waits,
        };
        shell.execute(command, &mut host)
    }

    pub fn shell(&self) -> &Shell {
        &self.shell
    }

    /// Runs `kubectl ARGS…` directly with `stdin` (the playground's Apply button is
    /// `kubectl apply -f -` with the editor's text).
    pub fn kubectl(&mut self, args: &[&str], stdin: &str) -> ProgramOutput {
        let argv: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
        let mut session = Session {
            cluster: &mut self.cluster,
            fs: self.shell.fs_mut(),
            fallback: self.fallback.as_ref(),
            waits: &mut self.waits,
            env: Default::default(),
        };
        let output = crate::commands::run(&argv, stdin, &mut session).into_program_output();
        self.cluster.settle();
        output
    }

    /// `kubectl edit ARGS…` in the page: the text to open in the YAML editor (the live
    /// object under kubectl's header), or kubectl's answer when there is nothing to edit.
    pub fn edit_document(&mut self, args: &[String]) -> Result<String, ProgramOutput> {
        let mut session = Session {
            cluster: &mut self.cluster,
            fs: self.shell.fs_mut(),
            fallback: self.fallback.as_ref(),
            waits: &mut self.waits,
            env: Default::default(),
        };
        crate::commands::edit::page_document(args, &mut session)
            .map(|(_, text)| text)
            .map_err(Output::into_program_output)
    }

    /// Saves the page editor's `edited` text for `kubectl edit ARGS…`: what kubectl
    /// prints, and the text to reopen when the edit was refused (syntax, validation).
    pub fn save_edit(&mut self, args: &[String], edited: &str) -> (ProgramOutput, Option<String>) {
        let mut session = Session {
            cluster: &mut self.cluster,
            fs: self.shell.fs_mut(),
            fallback: self.fallback.as_ref(),
            waits: &mut self.waits,
            env: Default::default(),
        };
        let (out, reopen) = crate::commands::edit::page_save(args, edited, &mut session);
        self.cluster.settle();
        (out.into_program_output(), reopen)
    }

    /// Runs `kubeplay ARGS…` directly (the playground reads `kubeplay fit` this way).
    pub fn kubeplay(&mut self, args: &[&str]) -> ProgramOutput {
        let argv: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
        let mut session = Session {
            cluster: &mut self.cluster,
            fs: self.shell.fs_mut(),
            fallback: self.fallback.as_ref(),
            waits: &mut self.waits,
            env: Default::default(),
        };
        let output = crate::kubeplay::run(&argv, &mut session).into_program_output();
        self.cluster.settle();
        output
    }
}
