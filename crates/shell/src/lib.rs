//! A tiny, safe, deterministic POSIX-like shell for running commands pasted from Kubernetes
//! workshop pages against an embedding [`Host`] and an in-memory [`VirtualFs`].
//!
//! The pipeline is: `lexer` (text → tokens, heredoc bodies attached) → `parser` (tokens → AST)
//! → `exec` (AST → output, using `expand` for words and `builtins` for the text utilities).
//! Nothing here touches the real filesystem, clock, environment or network, every resource is
//! bounded by the constants in [`limits`], and no input can make it panic.
//!
//! Compound commands: `while`/`until`, `for`, `if`/`elif`/`else` and `{ …; }` groups; loops
//! are bounded by [`limits::MAX_LOOP_ITERATIONS`] (beyond it the script counts as running for
//! ever and is interrupted). A shell made with [`Shell::for_script`] runs a program's
//! `sh -c` script (a container's): `exit` ends it, output is stamped with the host's time.
//!
//! Known differences from bash: no `case`, functions, subshells, `&`, arithmetic `$((…))`
//! or process substitution (each is a one-line error, status 2); aliases are expanded when
//! a command runs (its first word, after expansion), not when the line is read; no
//! globbing (`*` is literal); `NAME=value cmd` prefixes are ignored (commands cannot read an
//! environment); an unterminated heredoc is an error rather than a warning; `tee` creates
//! missing parent directories; `sort` compares bytes (the C locale); regexes have no
//! back-references.

mod builtins;
mod error;
mod exec;
mod expand;
mod fs;
mod interval;
mod lexer;
pub mod limits;
mod output;
mod parser;
mod regex;
mod resume;
mod split;

#[cfg(test)]
mod tests;

pub use builtins::timing::{SleepRequest, TimeoutRequest, parse_sleep, parse_timeout};
pub use error::FsError;
pub use fs::VirtualFs;
pub use interval::Interval;
pub use resume::{Progress, Resumable};
pub use split::split_commands;

use lexer::Word;

use std::collections::BTreeMap;

/// Which stream a piece of terminal output belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
    /// No text: the screen is repainted from here, as procps `watch` refreshes it. A
    /// terminal that can repaint (the page) replaces what the command line showed so far
    /// with what follows; a transcript, a pipe or a file has no screen and ignores it.
    Repaint,
}

/// One piece of output as the terminal shows it, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub stream: Stream,
    pub text: String,
    /// When it was written, as the host's [`Host::elapsed_ms`] said (a container's log
    /// lines are stamped with it).
    pub at_ms: u64,
}

impl Chunk {
    pub fn stdout(text: impl Into<String>) -> Chunk {
        Chunk {
            stream: Stream::Stdout,
            text: text.into(),
            at_ms: 0,
        }
    }

    /// The mark of a screen repaint ([`Stream::Repaint`]).
    pub fn repaint() -> Chunk {
        Chunk {
            stream: Stream::Repaint,
            text: String::new(),
            at_ms: 0,
        }
    }

    pub fn stderr(text: impl Into<String>) -> Chunk {
        Chunk {
            stream: Stream::Stderr,
            text: text.into(),
            at_ms: 0,
        }
    }
}

/// What an external program (not a builtin) produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgramOutput {
    pub chunks: Vec<Chunk>,
    pub status: i32,
}

/// Implemented by the embedding application (kubectl, the playground's own commands).
pub trait Host {
    /// Runs `argv[0]` with `stdin`; `None` when the host does not know the program
    /// (the shell then reports `<name>: command not found`, status 127).
    /// The host may read and write the virtual filesystem (e.g. `kubectl apply -f ~/x.yaml`);
    /// relative paths resolve against [`VirtualFs::cwd`].
    fn run(&mut self, argv: &[String], stdin: &str, fs: &mut VirtualFs) -> Option<ProgramOutput>;
    /// [`Host::run`] with the program's environment: the exported variables and the
    /// command's own `NAME=value` prefixes (`KUBE_EDITOR="sed -i …" kubectl edit …`).
    /// Hosts that read no environment need not implement it.
    fn run_with_env(
        &mut self,
        argv: &[String],
        stdin: &str,
        env: &BTreeMap<String, String>,
        fs: &mut VirtualFs,
    ) -> Option<ProgramOutput> {
        let _ = env;
        self.run(argv, stdin, fs)
    }
    /// `sleep` advances the host's virtual clock by `interval` (which may be infinite)
    /// instead of blocking.
    /// What it prints and its status are the host's (e.g. when the interval ends after
    /// the host's clock does).
    fn sleep(&mut self, interval: Interval, fs: &mut VirtualFs) -> ProgramOutput;
    /// `timeout DURATION`: until the matching `end_timeout`, every wait of the host stops
    /// once `interval` has passed from now (timeouts nest; the earliest deadline wins).
    /// `timed_out_status` is what the command exits with if the deadline ends it.
    fn begin_timeout(&mut self, interval: Interval, timed_out_status: i32) {
        let _ = (interval, timed_out_status);
    }
    /// Ends the innermost `begin_timeout`; whether its deadline was reached.
    fn end_timeout(&mut self) -> bool {
        false
    }
    /// Program names for `command -v`/`type` and for tab completion (optional, default empty).
    fn programs(&self) -> Vec<String> {
        Vec::new()
    }
    /// The host's virtual time since the script started, which stamps output chunks.
    fn elapsed_ms(&self) -> u64 {
        0
    }
    /// A [`Resumable`] script reached a point it can be resumed from. `true` keeps it as
    /// the checkpoint (what happened so far is then settled: a resumed run starts after
    /// it); a host that will not interrupt the script to resume it later says `false`, and
    /// the shell saves nothing.
    fn checkpoint(&mut self) -> bool {
        false
    }
    /// Whether the script must stop now (its host has seen enough of it); the shell unwinds
    /// and reports [`Execution::interrupted`].
    fn interrupted(&self) -> bool {
        false
    }
}

/// Result of executing one command line / script fragment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Execution {
    pub output: Vec<Chunk>,
    pub status: i32,
    pub clear_screen: bool,
    /// The script was stopped before its end: by the host, or by a loop that ran
    /// [`limits::MAX_LOOP_ITERATIONS`] times (a script that would run for ever).
    pub interrupted: bool,
}

impl Execution {
    /// All stdout text, concatenated (convenient for callers and tests).
    pub fn stdout(&self) -> String {
        self.text_of(Stream::Stdout)
    }

    /// All stderr text, concatenated.
    pub fn stderr(&self) -> String {
        self.text_of(Stream::Stderr)
    }

    fn text_of(&self, stream: Stream) -> String {
        self.output
            .iter()
            .filter(|c| c.stream == stream)
            .map(|c| c.text.as_str())
            .collect()
    }
}

/// A shell variable; `exported` only matters for `export -p` style listings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Variable {
    pub value: String,
    pub exported: bool,
}

/// The interpreter: variables, working directory (kept in the filesystem), last status.
#[derive(Clone, Debug)]
pub struct Shell {
    pub(crate) vars: BTreeMap<String, Variable>,
    /// bash's indexed arrays (`items=(a b c)`).
    pub(crate) arrays: BTreeMap<String, Vec<String>>,
    /// `alias NAME=VALUE` definitions.
    pub(crate) aliases: BTreeMap<String, String>,
    pub(crate) fs: VirtualFs,
    pub(crate) last_status: i32,
    /// `exit` ends the script (a container's `sh -c`); the terminal refuses it.
    pub(crate) exit_allowed: bool,
    /// The programs on the PATH of a container's image: its utilities outside this list are
    /// not found (`None`: all of them are there).
    pub(crate) path_programs: Option<Vec<String>>,
}

impl Shell {
    /// A shell whose home (and initial working directory) is `home`, e.g. `/home/learner`.
    pub fn new(home: &str) -> Shell {
        let fs = VirtualFs::new(home);
        let home = fs.home().to_string();
        let mut shell = Shell {
            vars: BTreeMap::new(),
            arrays: BTreeMap::new(),
            aliases: BTreeMap::new(),
            fs,
            last_status: 0,
            exit_allowed: false,
            path_programs: None,
        };
        for (name, value) in [
            ("HOME", home.as_str()),
            ("PWD", home.as_str()),
            ("USER", "learner"),
            ("SHELL", "/bin/sh"),
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
        ] {
            shell.set_var(name, value.to_string(), true);
        }
        shell
    }

    /// A shell that runs a program's script (`sh -c`) over `fs` with the environment `env`
    /// (all exported): `exit` ends the script.
    pub fn for_script(fs: VirtualFs, env: &BTreeMap<String, String>) -> Shell {
        let mut shell = Shell {
            vars: BTreeMap::new(),
            arrays: BTreeMap::new(),
            aliases: BTreeMap::new(),
            fs,
            last_status: 0,
            exit_allowed: true,
            path_programs: None,
        };
        for (name, value) in env {
            shell.set_var(name, value.clone(), true);
        }
        shell
    }

    /// Limits the text utilities to those an image has on its PATH (`kubectl exec` into a
    /// container); the utilities every shell has built in (`echo`, `printf`, `test`) stay.
    pub fn restrict_programs(&mut self, programs: Vec<String>) {
        self.path_programs = Some(programs);
    }

    /// Runs one or more command lines (heredoc bodies included) and returns what the terminal shows.
    pub fn execute(&mut self, input: &str, host: &mut dyn Host) -> Execution {
        exec::execute(self, input, "", host)
    }

    /// Runs `input` as [`Shell::execute`] does, its first command line reading `stdin`.
    pub fn execute_reading(&mut self, input: &str, stdin: &str, host: &mut dyn Host) -> Execution {
        exec::execute(self, input, stdin, host)
    }

    pub fn fs(&self) -> &VirtualFs {
        &self.fs
    }

    pub fn fs_mut(&mut self) -> &mut VirtualFs {
        &mut self.fs
    }

    pub fn variable(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|v| v.value.as_str())
    }

    /// Names of all shell variables, sorted (for completion).
    /// The exported variables, as a program's environment.
    pub fn environment(&self) -> BTreeMap<String, String> {
        self.vars
            .iter()
            .filter(|(_, v)| v.exported)
            .map(|(name, v)| (name.clone(), v.value.clone()))
            .collect()
    }

    pub fn variable_names(&self) -> Vec<String> {
        self.vars.keys().cloned().collect()
    }

    pub fn cwd(&self) -> &str {
        self.fs.cwd()
    }

    /// Status of the last command executed (`$?`).
    pub fn last_status(&self) -> i32 {
        self.last_status
    }

    /// Records how a command the host finished later (a wait it drove as a task) ended.
    pub fn set_last_status(&mut self, status: i32) {
        self.last_status = status;
    }

    /// Whether `input` is one simple command running `program` (one of `programs`) with
    /// nothing after it, no redirection and no command substitution, so that the host may
    /// finish it later (a long wait run as a task) without the shell having to resume.
    pub fn is_simple_command(input: &str, programs: &[&str]) -> bool {
        if input.contains("$(") || input.contains('`') {
            return false;
        }
        let mut commands = split_commands(input).into_iter();
        let (Some(command), None) = (commands.next(), commands.next()) else {
            return false;
        };
        let Ok(script) = lexer::lex(&command).and_then(parser::parse) else {
            return false;
        };
        match script.items.as_slice() {
            [item] if item.rest.is_empty() => {
                let pipeline = &item.first;
                !pipeline.negated
                    && matches!(pipeline.commands.as_slice(),
                        [command] if command.redirects.is_empty()
                            && command.words.first().and_then(Word::plain_text)
                                .is_some_and(|name| programs.contains(&name)))
            }
            _ => false,
        }
    }

    /// Names of the commands the shell itself implements (for completion and `command -v`).
    pub fn builtin_names() -> Vec<&'static str> {
        let mut names: Vec<&'static str> = builtins::UTILITY_NAMES
            .iter()
            .chain(exec::SHELL_BUILTINS)
            .copied()
            .collect();
        names.sort_unstable();
        names
    }

    pub(crate) fn set_var(&mut self, name: &str, value: String, export: bool) {
        let exported = export || self.vars.get(name).is_some_and(|v| v.exported);
        self.vars
            .insert(name.to_string(), Variable { value, exported });
    }
}
