//! The terminal a learner types into: the shell over the simulated cluster. `kubectl` runs
//! the command tree, `kubeplay` the playground's own commands, `sleep` and `timeout` pass
//! virtual time, everything else is the shell's.
//!
//! A command line that is one waiting command (`sleep 3600`, `kubectl get pods -w`,
//! `timeout 1m kubectl rollout status …`) can be started as a [`Foreground`] task that the
//! host drives in slices ([`Terminal::start`], [`Terminal::drive`], [`Terminal::interrupt`]);
//! [`Terminal::execute`] drives it to its end at once. A line that waits anywhere else (a
//! loop that sleeps, `kubectl rollout status` after `&&`) starts as a task too: it runs in
//! passes up to each wait (see `replay`), so a long loop never freezes the page; `execute`
//! drives such a line where its waits occur, in one pass. [`Terminal::query`] runs
//! read-only command lines (lesson checks) that can change nothing: not the cluster, not the
//! clock, not the shell.

use kubeplay_shell::{Chunk, Execution, Host, Interval, ProgramOutput, Shell, VirtualFs};
use kubeplay_sim::Cluster;
use kubeplay_sim::clock::Millis;

use crate::output::Output;
use crate::replay::{Call, Log, Replay};
use crate::session::{FileFallback, Session};
use crate::waiting::{self, Progress, Sleep, Task, WaitControl};

/// The learner's home directory inside the playground.
pub const HOME: &str = "/home/learner";

/// Programs whose command line may become a foreground task.
const TASK_PROGRAMS: &[&str] = &["sleep", "timeout", "kubectl", "k"];

/// The learner's machine, as `hostname` and `watch` name it.
const HOSTNAME: &str = "kubeplay";

/// Whether `command` is one command that waits once (so its wait is the whole command):
/// `watch` waits again and again, so a line running it goes on in passes.
fn waits_once(command: &str) -> bool {
    Shell::is_simple_command(command, TASK_PROGRAMS)
        && !command.split_whitespace().any(|word| word == "watch")
}

/// `date [-u] [+FORMAT]` at the cluster's virtual time, in UTC (the playground's zone), with
/// GNU date's default format.
fn date(args: &[String], now: jiff::Timestamp) -> ProgramOutput {
    let mut format = "%a %b %e %H:%M:%S %Z %Y".to_string();
    for arg in args {
        match arg.strip_prefix('+') {
            Some(custom) => format = custom.to_string(),
            None if matches!(arg.as_str(), "-u" | "--utc" | "--universal") => {}
            None => {
                return ProgramOutput {
                    chunks: vec![Chunk::stderr(format!("date: invalid date '{arg}'\n"))],
                    status: 1,
                };
            }
        }
    }
    let zoned = now.to_zoned(jiff::tz::TimeZone::UTC);
    match jiff::fmt::strtime::format(format.as_str(), &zoned) {
        Ok(text) => ProgramOutput {
            chunks: vec![Chunk::stdout(format!("{text}\n"))],
            status: 0,
        },
        Err(_) => ProgramOutput {
            chunks: vec![Chunk::stderr(format!("date: invalid format '+{format}'\n"))],
            status: 1,
        },
    }
}

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
    /// A line that goes on after this wait: its passes so far.
    replay: Option<Box<Replay>>,
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
    /// The answers of earlier passes of a line run in passes.
    log: Option<&'a mut Log>,
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

impl ClusterHost<'_> {
    fn run_live(
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
            Some("date") => Some(date(&argv[1..], self.cluster.api.clock.now())),
            Some("hostname") => Some(ProgramOutput {
                chunks: vec![Chunk::stdout(format!("{HOSTNAME}\n"))],
                status: 0,
            }),
            _ => None,
        }
    }

    fn sleep_live(&mut self, interval: Interval, fs: &mut VirtualFs) -> ProgramOutput {
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
        let Some(log) = self.log.as_deref_mut() else {
            return self.run_live(argv, stdin, env, fs);
        };
        if log.suspended {
            return Some(ProgramOutput::default());
        }
        if let Some(call) = log.replay() {
            return match call {
                Call::Run(output) => output,
                _ => Some(replay_mismatch()),
            };
        }
        let output = self.run_live(argv, stdin, env, fs);
        let answer = output.clone().unwrap_or_default();
        match self.after_live_call(answer, false, Call::Run(output.clone())) {
            Some(suspended) => Some(suspended),
            None => output,
        }
    }

    fn sleep(&mut self, interval: Interval, fs: &mut VirtualFs) -> ProgramOutput {
        let Some(log) = self.log.as_deref_mut() else {
            return self.sleep_live(interval, fs);
        };
        if log.suspended {
            return ProgramOutput::default();
        }
        if let Some(call) = log.replay() {
            return match call {
                Call::Sleep(output) => output,
                _ => replay_mismatch(),
            };
        }
        let output = self.sleep_live(interval, fs);
        self.after_live_call(output.clone(), true, Call::Sleep(output.clone()))
            .unwrap_or(output)
    }

    fn begin_timeout(&mut self, interval: Interval, timed_out_status: i32) {
        if let Some(log) = self.log.as_deref_mut() {
            if log.suspended {
                // Keeps the deadlines balanced while the shell unwinds.
                self.waits.push_deadline(Millis::MAX, timed_out_status);
                return;
            }
            if let Some(call) = log.replay() {
                let (deadline, status) = match call {
                    Call::BeginTimeout(deadline, status) => (deadline, status),
                    _ => (Millis::MAX, timed_out_status),
                };
                self.waits.push_deadline(deadline, status);
                return;
            }
        }
        let deadline = interval
            .millis()
            .and_then(|ms| self.cluster.now_ms().checked_add(ms))
            .unwrap_or(Millis::MAX);
        self.waits.push_deadline(deadline, timed_out_status);
        if let Some(log) = self.log.as_deref_mut() {
            log.record(Call::BeginTimeout(deadline, timed_out_status));
        }
    }

    fn end_timeout(&mut self) -> bool {
        if let Some(log) = self.log.as_deref_mut() {
            if log.suspended {
                self.waits.pop_deadline();
                return false;
            }
            if let Some(call) = log.replay() {
                self.waits.pop_deadline();
                return matches!(call, Call::EndTimeout(true));
            }
        }
        let deadline = self.waits.pop_deadline();
        // A deferred wait carries its deadline with it: it has not timed out yet.
        let passed = self.waits.deferred.is_none()
            && deadline.is_some_and(|deadline| self.cluster.now_ms() >= deadline);
        if let Some(log) = self.log.as_deref_mut() {
            log.record(Call::EndTimeout(passed));
        }
        passed
    }

    fn programs(&self) -> Vec<String> {
        ["kubectl", "kubeplay", "date", "hostname"]
            .map(String::from)
            .to_vec()
    }

    /// A pass stops at its first wait: the shell unwinds without doing anything more.
    fn interrupted(&self) -> bool {
        self.log.as_deref().is_some_and(|log| log.suspended)
    }
}

/// What a pass gets if it does not retrace the previous one (it always does: the shell is
/// deterministic given the same answers).
fn replay_mismatch() -> ProgramOutput {
    ProgramOutput {
        chunks: vec![Chunk::stderr(
            "kubeplay: internal error: a resumed command line took another path\n",
        )],
        status: 1,
    }
}

impl ClusterHost<'_> {
    /// After a call a pass made for real: if its wait was handed out, the pass is suspended
    /// (the call's answer comes with the next pass, once the wait is over) and the call
    /// answers nothing now; otherwise its answer is recorded and `None` returned.
    fn after_live_call(
        &mut self,
        output: ProgramOutput,
        sleep: bool,
        call: Call,
    ) -> Option<ProgramOutput> {
        let log = self.log.as_deref_mut()?;
        if self.waits.deferred.is_some() {
            log.suspended = true;
            log.pending = Some((output, sleep));
            return Some(ProgramOutput::default());
        }
        log.record(call);
        None
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
        let started = if waits_once(command) {
            self.start(command)
        } else {
            // In one pass: its waits are driven where they occur.
            Started::Finished(self.run_line(command, false))
        };
        match started {
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

    /// Starts a command line; if it waits, its wait is handed back to be driven with
    /// [`Terminal::drive`]: the whole command when the line is one waiting command, else the
    /// line's first wait, after which the line goes on in passes (see `replay`).
    pub fn start(&mut self, command: &str) -> Started {
        if waits_once(command) {
            let execution = self.run_line(command, true);
            return match self.waits.deferred.take() {
                None => Started::Finished(execution),
                Some(task) => Started::Waiting(Foreground {
                    task,
                    pending_output: execution.output,
                    replay: None,
                }),
            };
        }
        let replay = Replay {
            command: command.to_string(),
            shell: self.shell.clone(),
            log: Log::default(),
            shown: 0,
        };
        self.pass(Box::new(replay))
    }

    /// Files keep no times: `ls -l` shows the cluster's time of the command.
    fn stamp_files(&mut self) {
        let stamp = kubeplay_sim::kubelet::exec::ls_time(self.cluster.api.clock.now());
        self.shell.fs_mut().set_stamp(stamp);
    }

    /// Runs a line through the shell; `defer`: its wait is handed back as a task.
    fn run_line(&mut self, command: &str, defer: bool) -> Execution {
        self.stamp_files();
        self.waits.defer = defer;
        let mut host = ClusterHost {
            cluster: &mut self.cluster,
            fallback: self.fallback.as_ref(),
            waits: &mut self.waits,
            log: None,
        };
        let execution = self.shell.execute(command, &mut host);
        self.waits.defer = false;
        self.cluster.settle();
        execution
    }

    /// Runs a line from its start up to its next wait, replaying what earlier passes did.
    fn pass(&mut self, mut replay: Box<Replay>) -> Started {
        self.shell = replay.shell.clone();
        self.stamp_files();
        replay.log.rewind();
        self.waits.defer = true;
        let mut host = ClusterHost {
            cluster: &mut self.cluster,
            fallback: self.fallback.as_ref(),
            waits: &mut self.waits,
            log: Some(&mut replay.log),
        };
        let mut execution = self.shell.execute(&replay.command, &mut host);
        self.waits.defer = false;
        self.waits.clear_deadlines();
        self.cluster.settle();
        execution.output = replay.unseen(std::mem::take(&mut execution.output));
        match self.waits.deferred.take() {
            None => Started::Finished(execution),
            Some(task) => Started::Waiting(Foreground {
                task,
                pending_output: execution.output,
                replay: Some(replay),
            }),
        }
    }

    /// Drives a foreground task until it finishes or virtual time reaches `until_ms`
    /// (`Millis::MAX`: to its end, within the wall-clock budget). A line run in passes goes
    /// on from each wait that ends, within the same bound.
    pub fn drive(&mut self, foreground: &mut Foreground, until_ms: Millis) -> Slice {
        self.drive_within(foreground, until_ms, &mut || true)
    }

    /// [`Terminal::drive`] within one slice of the host's time (the page's frame): when
    /// `slice` says stop, the task stops at the current instant — everything up to it has
    /// happened — and goes on at the next drive, as if it had reached a bound there. Unlike
    /// the command's own budget, running out of a slice ends nothing.
    pub fn drive_within(
        &mut self,
        foreground: &mut Foreground,
        until_ms: Millis,
        slice: &mut dyn FnMut() -> bool,
    ) -> Slice {
        let mut output = std::mem::take(&mut foreground.pending_output);
        loop {
            let mut out = Output::default();
            let progress = self.drive_task(&mut foreground.task, &mut out, until_ms, slice);
            let finished = match progress {
                Progress::Finished(status) => Some(status),
                Progress::Running => None,
                Progress::OutOfBudget | Progress::Forever => {
                    out.error(match progress {
                        Progress::Forever => waiting::FOREVER,
                        _ => self.waits.out_of_budget_message(),
                    });
                    // The line ends here, as a line stopped by Ctrl+C does.
                    foreground.replay = None;
                    Some(waiting::INTERRUPTED)
                }
            };
            let Some(mut replay) = foreground.replay.take() else {
                output.extend(out.take_chunks());
                if let Some(status) = finished {
                    self.shell.set_last_status(status);
                }
                return Slice { output, finished };
            };
            let Some(status) = finished else {
                // What a wait in a line prints shows with the pass that reads it (it may go
                // through a pipe), so it is kept for the next pass.
                replay.log.keep_printed(out.take_chunks());
                foreground.replay = Some(replay);
                return Slice {
                    output,
                    finished: None,
                };
            };
            // The wait is over: the line goes on from where it waited.
            replay.log.finish_pending(out.take_chunks(), status);
            match self.pass(replay) {
                Started::Finished(execution) => {
                    output.extend(execution.output);
                    return Slice {
                        output,
                        finished: Some(execution.status),
                    };
                }
                Started::Waiting(next) => {
                    output.extend(next.pending_output);
                    foreground.task = next.task;
                    foreground.replay = next.replay;
                }
            }
        }
    }

    fn drive_task(
        &mut self,
        task: &mut Task,
        out: &mut Output,
        until_ms: Millis,
        slice: &mut dyn FnMut() -> bool,
    ) -> Progress {
        let mut session = Session {
            cluster: &mut self.cluster,
            fs: self.shell.fs_mut(),
            fallback: self.fallback.as_ref(),
            waits: &mut self.waits,
            env: Default::default(),
        };
        let mut control = std::mem::take(session.waits);
        let mut slice_over = false;
        let progress = {
            let mut keep_going = || {
                if !slice() {
                    slice_over = true;
                    return false;
                }
                control.keep_going()
            };
            task.drive(&mut session, out, until_ms, &mut keep_going)
        };
        *session.waits = control;
        match progress {
            // The slice ended, not the command's budget: it goes on at the next drive.
            Progress::OutOfBudget if slice_over => Progress::Running,
            progress => progress,
        }
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
