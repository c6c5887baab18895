//! Commands that wait in virtual time (`sleep`, `timeout`, `rollout status`, `wait`,
//! `get --watch`) as resumable slices. A [`Wait`] looks at the cluster at the current instant,
//! prints what it has to and says whether it is done; a [`Task`] drives it, advancing virtual
//! time from one change to the next up to a bound the host chooses: the CLI drives a task to
//! its end (within a wall-clock budget), the page one frame's worth at a time.

use kubeplay_sim::Until;
use kubeplay_sim::clock::Millis;

use crate::output::Output;
use crate::session::Session;

/// Exit status of a command stopped by Ctrl+C (128 + SIGINT), as shells report it.
pub const INTERRUPTED: i32 = 130;

/// What a wait found at the current instant: done, or when to look again.
pub use kubeplay_sim::Check as Poll;

/// A command waiting for something in the cluster, polled at the instants it asks for.
pub trait Wait {
    fn poll(&mut self, session: &mut Session, out: &mut Output) -> Poll;
}

/// `sleep`: done once the clock reaches `until` (never, if `None`).
pub struct Sleep {
    pub until: Option<Millis>,
}

impl Wait for Sleep {
    fn poll(&mut self, session: &mut Session, _out: &mut Output) -> Poll {
        match self.until {
            Some(until) if session.cluster.now_ms() >= until => Poll::Met,
            until => Poll::Pending {
                recheck_at: until,
                on_change: false,
            },
        }
    }
}

/// Where a drive stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    Finished(i32),
    /// Reached the bound it was driven to; drive again to go on.
    Running,
    /// The host's wall-clock budget ran out.
    OutOfBudget,
    /// Nothing is scheduled to happen and the wait has no deadline: it would wait for ever.
    Forever,
}

/// A wait in progress, with the deadline of an enclosing `timeout`.
pub struct Task {
    wait: Box<dyn Wait>,
    /// When `timeout` ends the command, and the status it then exits with.
    deadline: Option<(Millis, i32)>,
    failed: bool,
    /// The exit status the wait chose (`kubectl run -i` exits with its container's code).
    status: Option<i32>,
}

impl Task {
    pub fn new(wait: Box<dyn Wait>, deadline: Option<(Millis, i32)>) -> Task {
        Task {
            wait,
            deadline,
            failed: false,
            status: None,
        }
    }

    /// Advances until the wait finishes or virtual time reaches `until_ms`, asking
    /// `keep_going` now and then whether the host's budget allows more.
    pub fn drive(
        &mut self,
        session: &mut Session,
        out: &mut Output,
        until_ms: Millis,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> Progress {
        let Session {
            cluster,
            fs,
            fallback,
            waits,
            env,
        } = session;
        let (wait, failed, status, deadline) = (
            &mut self.wait,
            &mut self.failed,
            &mut self.status,
            self.deadline,
        );
        let mut timed_out = None;
        let mut condition = |cluster: &mut kubeplay_sim::Cluster| {
            let mut session = Session {
                cluster,
                fs,
                fallback: *fallback,
                waits,
                env: env.clone(),
            };
            let mut slice = Output::default();
            let poll = wait.poll(&mut session, &mut slice);
            *failed |= slice.failed();
            *status = slice.status().or(*status);
            out.append(slice);
            let Poll::Pending {
                recheck_at,
                on_change,
            } = poll
            else {
                return Poll::Met;
            };
            match deadline {
                // An enclosing `timeout` ends the command.
                Some((at, status)) if session.cluster.now_ms() >= at => {
                    timed_out = Some(status);
                    Poll::Met
                }
                Some((at, _)) => Poll::Pending {
                    recheck_at: Some(recheck_at.map_or(at, |recheck| recheck.min(at))),
                    on_change,
                },
                None => poll,
            }
        };
        match cluster.run_until(until_ms, &mut condition, keep_going) {
            Until::Met => {
                Progress::Finished(timed_out.or(self.status).unwrap_or(i32::from(self.failed)))
            }
            Until::Reached => Progress::Running,
            Until::Stopped => Progress::OutOfBudget,
            Until::Idle => Progress::Forever,
        }
    }
}

/// The host's rules for waits inside one command line: the deadlines of enclosing
/// `timeout`s, the wall-clock budget, and whether the command's wait should be handed back
/// as a task instead of driven here.
pub struct WaitControl {
    /// Deadlines of the enclosing `timeout`s, innermost last, with their timed-out status.
    deadlines: Vec<(Millis, i32)>,
    /// Set for a command line that is one simple command: its wait becomes a [`Task`].
    pub defer: bool,
    pub deferred: Option<Task>,
    keep_going: Box<dyn FnMut() -> bool>,
    /// What to say when the budget runs out (the host knows what the budget is).
    out_of_budget: String,
    exhausted: bool,
}

impl Default for WaitControl {
    fn default() -> WaitControl {
        WaitControl {
            deadlines: Vec::new(),
            defer: false,
            deferred: None,
            keep_going: Box::new(|| true),
            out_of_budget: String::new(),
            exhausted: false,
        }
    }
}

impl WaitControl {
    /// Installs the wall-clock budget of the next command and what to say when it runs out.
    pub fn set_budget(&mut self, keep_going: Box<dyn FnMut() -> bool>, message: String) {
        self.keep_going = keep_going;
        self.out_of_budget = message;
        self.exhausted = false;
    }

    pub fn keep_going(&mut self) -> bool {
        !self.exhausted && (self.keep_going)()
    }

    pub fn out_of_budget_message(&self) -> &str {
        &self.out_of_budget
    }

    /// The earliest deadline of the enclosing `timeout`s.
    pub fn deadline(&self) -> Option<(Millis, i32)> {
        self.deadlines.iter().copied().min_by_key(|(at, _)| *at)
    }

    pub fn push_deadline(&mut self, at: Millis, timed_out_status: i32) {
        self.deadlines.push((at, timed_out_status));
    }

    /// Ends the innermost `timeout`; its deadline, if it had one.
    pub fn pop_deadline(&mut self) -> Option<Millis> {
        self.deadlines.pop().map(|(at, _)| at)
    }

    /// Forgets the deadlines of `timeout`s a suspended line left open.
    pub fn clear_deadlines(&mut self) {
        self.deadlines.clear();
    }

    pub fn mark_exhausted(&mut self) {
        self.exhausted = true;
    }
}

/// Runs `wait` for a command: handed back as a task when the command line is one simple
/// command (the host drives it), else driven to its end here. Returns the status.
pub fn run(wait: Box<dyn Wait>, session: &mut Session, out: &mut Output) -> i32 {
    let deadline = session.waits.deadline();
    if session.waits.defer && session.waits.deferred.is_none() {
        session.waits.deferred = Some(Task::new(wait, deadline));
        return 0;
    }
    let mut task = Task::new(wait, deadline);
    // The budget closure lives in the session; borrow it out for the drive.
    let mut control = std::mem::take(session.waits);
    let progress = {
        let mut keep_going = || control.keep_going();
        task.drive(session, out, Millis::MAX, &mut keep_going)
    };
    *session.waits = control;
    match progress {
        Progress::Finished(status) => status,
        Progress::Running => 0,
        Progress::OutOfBudget => {
            session.waits.mark_exhausted();
            out.error(session.waits.out_of_budget_message());
            INTERRUPTED
        }
        Progress::Forever => {
            out.error(FOREVER);
            INTERRUPTED
        }
    }
}

/// What a script is told when a command would wait for ever.
pub const FOREVER: &str = "kubeplay: this command would wait for ever (nothing else is scheduled to happen in the cluster); bound it with `timeout DURATION …`";
