//! Runs parsed scripts: lists, pipelines, redirections, assignments, and dispatch of each command
//! to a shell builtin, a text utility or the host.

use crate::builtins::{self, Io};
use crate::error::RunError;
use crate::lexer;
use crate::limits::{MAX_INPUT_BYTES, MAX_LOOP_ITERATIONS, MAX_NESTING_DEPTH};
use crate::output::Output;
use crate::parser::{self, AndOr, Command, Compound, Connector, Pipeline, Script, Target};
use crate::{Chunk, Execution, Host, Shell, Stream};

/// Commands implemented in `builtins::shell` because they need the interpreter itself.
pub(crate) const SHELL_BUILTINS: &[&str] = &[
    ".", ":", "alias", "break", "cd", "clear", "command", "continue", "eval", "exit", "export",
    "false", "history", "pwd", "sleep", "source", "timeout", "true", "type", "unalias", "unset",
    "watch", "which", "xargs",
];

/// The interpreter at work on one `execute` call.
pub(crate) struct Exec<'a> {
    pub shell: &'a mut Shell,
    pub host: &'a mut dyn Host,
    /// Current nesting of `$(…)`, `eval`, `source` and `xargs`.
    pub depth: usize,
    pub clear_screen: bool,
    /// Status of the last command substitution in the current command (for `x=$(false)`).
    pub subst_status: Option<i32>,
    /// Why the script stopped before its end, if it did.
    pub halt: Option<Halt>,
    /// Loop iterations so far (bounded by [`MAX_LOOP_ITERATIONS`]).
    pub iterations: usize,
    /// The `NAME=value` prefixes of the command being dispatched (its environment).
    pub command_env: Vec<(String, String)>,
    /// How many loops enclose the running command (for `break` and `continue`).
    pub loops: usize,
    /// The loops ran [`MAX_LOOP_ITERATIONS`] times (a script that would never end).
    pub loop_limit_reached: bool,
    /// Aliases being expanded, so an alias naming itself (`alias ls='ls -l'`) runs the command.
    pub expanding: Vec<String>,
}

/// Why a script stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Halt {
    /// `exit N` in a script that may exit.
    Exit(i32),
    /// The host asked, or the loops ran too long.
    Interrupted,
    /// `break N`: leave N enclosing loops.
    Break(usize),
    /// `continue N`: leave N - 1 enclosing loops and go on with the next iteration of the Nth.
    Continue(usize),
}

/// Runs `input`; `stdin` is what the first command line reads (a container's exec with
/// `-i`), as a script's first reader consumes the standard input it was started with.
pub(crate) fn execute(
    shell: &mut Shell,
    input: &str,
    stdin: &str,
    host: &mut dyn Host,
) -> Execution {
    let mut out = Output::new();
    if input.len() > MAX_INPUT_BYTES {
        out.err(&format!(
            "sh: input too large (limit {MAX_INPUT_BYTES} bytes)\n"
        ));
        shell.last_status = 2;
        return Execution {
            output: out.finish(),
            status: 2,
            clear_screen: false,
            interrupted: false,
        };
    }
    let mut exec = Exec::new(shell, host);
    out.set_now(exec.host.elapsed_ms());
    let mut stdin = stdin;
    for command in crate::split_commands(input) {
        if exec.stopped() {
            break;
        }
        exec.run_source(&command, stdin, &mut out);
        stdin = "";
    }
    // The terminal says why it stopped; a container's script just runs for ever.
    if exec.loop_limit_reached && !exec.shell.exit_allowed {
        out.set_now(exec.host.elapsed_ms());
        out.err(&format!(
            "sh: loop stopped after {MAX_LOOP_ITERATIONS} iterations: it would never end (add `sleep` to wait for changes, or `break` when done)\n"
        ));
        exec.shell.last_status = 130;
    }
    match exec.halt {
        Some(Halt::Exit(code)) => exec.shell.last_status = code,
        // A `break` that left every loop stops nothing more.
        Some(Halt::Break(_) | Halt::Continue(_)) => exec.halt = None,
        _ => {}
    }
    let clear_screen = exec.clear_screen;
    Execution {
        output: out.finish(),
        status: exec.shell.last_status,
        clear_screen,
        interrupted: exec.halt == Some(Halt::Interrupted),
    }
}

/// Where a command's file descriptor 1 or 2 goes.
#[derive(Clone, Debug, PartialEq)]
enum Dest {
    Stdout,
    Stderr,
    File(String),
}

/// The result of setting up a command's redirections.
struct Plan {
    stdin: Option<String>,
    stdout: Dest,
    stderr: Dest,
}

impl<'a> Exec<'a> {
    pub(crate) fn new(shell: &'a mut Shell, host: &'a mut dyn Host) -> Exec<'a> {
        Exec {
            shell,
            host,
            depth: 0,
            clear_screen: false,
            subst_status: None,
            halt: None,
            iterations: 0,
            command_env: Vec::new(),
            loops: 0,
            loop_limit_reached: false,
            expanding: Vec::new(),
        }
    }
}

impl Exec<'_> {
    /// Lexes, parses and runs source text reading `stdin`; syntax errors are reported with
    /// status 2.
    fn run_source(&mut self, source: &str, stdin: &str, out: &mut Output) -> i32 {
        match lexer::lex(source).and_then(parser::parse) {
            Ok(script) => self.run_script(&script, stdin, out),
            Err(error) => {
                out.err(&format!("sh: {error}\n"));
                self.shell.last_status = 2;
                2
            }
        }
    }

    /// Runs `f` one nesting level deeper, or fails when too deep.
    pub fn nested<T>(
        &mut self,
        what: &'static str,
        f: impl FnOnce(&mut Self) -> T,
    ) -> Result<T, RunError> {
        if self.depth >= MAX_NESTING_DEPTH {
            return Err(RunError::TooDeep(what, MAX_NESTING_DEPTH));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        Ok(result)
    }

    /// Whether the script must stop: it exited, or its host interrupted it.
    pub fn stopped(&mut self) -> bool {
        if self.halt.is_none() && self.host.interrupted() {
            self.halt = Some(Halt::Interrupted);
        }
        self.halt.is_some()
    }

    pub fn run_script(&mut self, script: &Script, stdin: &str, out: &mut Output) -> i32 {
        let mut status = self.shell.last_status;
        for item in &script.items {
            if self.stopped() {
                break;
            }
            status = self.run_and_or(item, stdin, out);
        }
        status
    }

    pub(crate) fn run_and_or(&mut self, item: &AndOr, stdin: &str, out: &mut Output) -> i32 {
        let mut status = self.run_pipeline(&item.first, stdin, out);
        for (connector, pipeline) in &item.rest {
            let run = match connector {
                Connector::And => status == 0,
                Connector::Or => status != 0,
            };
            if run && !self.stopped() {
                status = self.run_pipeline(pipeline, stdin, out);
            }
        }
        status
    }

    /// Counts one loop iteration; false once the loops have run too long.
    pub(crate) fn iterate(&mut self) -> bool {
        self.iterations += 1;
        if self.iterations > MAX_LOOP_ITERATIONS {
            self.halt.get_or_insert(Halt::Interrupted);
            self.loop_limit_reached = true;
        }
        !self.stopped()
    }

    /// After a loop body ran: whether the loop goes on, consuming a `break`/`continue`
    /// meant for it (one meant for an enclosing loop stays, one level lower).
    pub(crate) fn loop_goes_on(&mut self) -> bool {
        match self.halt {
            Some(Halt::Break(1)) => {
                self.halt = None;
                false
            }
            Some(Halt::Continue(1)) => {
                self.halt = None;
                true
            }
            Some(Halt::Break(n)) => {
                self.halt = Some(Halt::Break(n - 1));
                false
            }
            Some(Halt::Continue(n)) => {
                self.halt = Some(Halt::Continue(n - 1));
                false
            }
            _ => !self.stopped(),
        }
    }

    /// Runs a loop body one loop deeper.
    pub(crate) fn run_body(&mut self, body: &Script, stdin: &str, out: &mut Output) -> i32 {
        self.loops += 1;
        let status = self.run_script(body, stdin, out);
        self.loops -= 1;
        status
    }

    /// Runs a loop, conditional or group; its status is its last command's.
    fn run_compound(&mut self, compound: &Compound, stdin: &str, out: &mut Output) -> i32 {
        match compound {
            Compound::While {
                until,
                condition,
                body,
            } => {
                let mut status = 0;
                while self.iterate() {
                    self.loops += 1;
                    let test = self.run_script(condition, stdin, out);
                    self.loops -= 1;
                    if !self.loop_goes_on() {
                        break;
                    }
                    if (test == 0) == *until {
                        break;
                    }
                    status = self.run_body(body, stdin, out);
                    if !self.loop_goes_on() {
                        break;
                    }
                }
                status
            }
            Compound::For { name, words, body } => {
                let values = match words {
                    Some(words) => match self.expand_words(words, out) {
                        Ok(values) => values,
                        Err(error) => {
                            out.err(&format!("sh: {error}\n"));
                            return 1;
                        }
                    },
                    None => Vec::new(),
                };
                let mut status = 0;
                for value in values {
                    if !self.iterate() {
                        break;
                    }
                    self.shell.set_var(name, value, false);
                    status = self.run_body(body, stdin, out);
                    if !self.loop_goes_on() {
                        break;
                    }
                }
                status
            }
            Compound::If {
                branches,
                otherwise,
            } => {
                for (condition, body) in branches {
                    let test = self.run_script(condition, stdin, out);
                    if self.stopped() {
                        return test;
                    }
                    if test == 0 {
                        return self.run_script(body, stdin, out);
                    }
                }
                match otherwise {
                    Some(body) => self.run_script(body, stdin, out),
                    None => 0,
                }
            }
            Compound::Group(script) => self.run_script(script, stdin, out),
        }
    }

    /// Runs the stages one after another: each stage's stdout is the next one's stdin, stderr
    /// goes straight to `out`, and the last stage's output goes to `out` in order.
    fn run_pipeline(&mut self, pipeline: &Pipeline, stdin: &str, out: &mut Output) -> i32 {
        let mut input = stdin.to_string();
        let mut status = 0;
        let last = pipeline.commands.len().saturating_sub(1);
        for (i, command) in pipeline.commands.iter().enumerate() {
            if i > 0 && self.stopped() {
                break;
            }
            let (chunks, stage_status) = self.run_command(command, &input, out);
            status = stage_status;
            if i == last {
                out.extend(chunks);
            } else {
                input.clear();
                for chunk in chunks {
                    match chunk.stream {
                        Stream::Stdout => input.push_str(&chunk.text),
                        Stream::Stderr => out.err(&chunk.text),
                        // The next stage reads text; it has no screen to repaint.
                        Stream::Repaint => {}
                    }
                }
            }
        }
        if pipeline.negated {
            status = i32::from(status == 0);
        }
        self.shell.last_status = status;
        status
    }

    /// Expands and runs one simple command; returns its (redirected) output and status.
    fn run_command(
        &mut self,
        command: &Command,
        stdin: &str,
        out: &mut Output,
    ) -> (Vec<Chunk>, i32) {
        self.subst_status = None;
        let result = match self.try_run_command(command, stdin, out) {
            Ok(result) => result,
            Err(error) => {
                out.err(&format!("sh: {error}\n"));
                (Vec::new(), 1)
            }
        };
        out.set_now(self.host.elapsed_ms());
        result
    }

    fn try_run_command(
        &mut self,
        command: &Command,
        stdin: &str,
        out: &mut Output,
    ) -> Result<(Vec<Chunk>, i32), RunError> {
        if let Some(compound) = &command.compound {
            let plan = self.redirections(command, out)?;
            let mut local = Output::at(self.host.elapsed_ms());
            let status =
                self.run_compound(compound, plan.stdin.as_deref().unwrap_or(stdin), &mut local);
            return Ok((self.route(local, &plan), status));
        }
        let argv = self.expand_words(&command.words, out)?;
        if argv.is_empty() {
            for (name, word) in &command.assignments {
                let value = self.expand_single(word, out)?;
                self.shell.set_var(name, value, false);
            }
            for (name, words) in &command.arrays {
                let values = self.expand_words(words, out)?;
                self.shell.arrays.insert(name.clone(), values);
            }
        }
        let plan = self.redirections(command, out)?;
        if argv.is_empty() {
            return Ok((Vec::new(), self.subst_status.unwrap_or(0)));
        }
        // `NAME=value cmd`: the assignments are the command's environment only.
        let mut prefix = Vec::new();
        for (name, word) in &command.assignments {
            prefix.push((name.clone(), self.expand_single(word, out)?));
        }
        let mut local = Output::at(self.host.elapsed_ms());
        self.command_env = prefix;
        let status = self.dispatch(&argv, plan.stdin.as_deref().unwrap_or(stdin), &mut local);
        self.command_env.clear();
        Ok((self.route(local, &plan), status))
    }

    /// Sends a command's output where its redirections say.
    fn route(&mut self, local: Output, plan: &Plan) -> Vec<Chunk> {
        let mut routed = Output::new();
        for chunk in local.finish() {
            // A repaint belongs to the screen: it goes where stdout goes only when that
            // is still the terminal.
            if chunk.stream == Stream::Repaint {
                if matches!(plan.stdout, Dest::Stdout) {
                    routed.repaint();
                }
                continue;
            }
            let dest = if chunk.stream == Stream::Stdout {
                &plan.stdout
            } else {
                &plan.stderr
            };
            match dest {
                Dest::Stdout => routed.extend(vec![Chunk {
                    stream: Stream::Stdout,
                    ..chunk
                }]),
                Dest::Stderr => routed.extend(vec![Chunk {
                    stream: Stream::Stderr,
                    ..chunk
                }]),
                Dest::File(path) => {
                    if let Err(error) = self.shell.fs.append(path, &chunk.text) {
                        routed.set_now(chunk.at_ms);
                        routed.err(&format!("sh: {path}: {error}\n"));
                    }
                }
            }
        }
        routed.finish()
    }

    /// Performs the redirections left to right: files are created or truncated, `N>&M` copies.
    fn redirections(&mut self, command: &Command, out: &mut Output) -> Result<Plan, RunError> {
        let mut plan = Plan {
            stdin: None,
            stdout: Dest::Stdout,
            stderr: Dest::Stderr,
        };
        for redirect in &command.redirects {
            let dest = match &redirect.target {
                Target::Read(word) => {
                    let name = self.expand_single(word, out)?;
                    let text = self
                        .shell
                        .fs
                        .read_file(&name)
                        .map_err(|e| RunError::File(name, e))?;
                    if redirect.fd == 0 {
                        plan.stdin = Some(text.to_string());
                    }
                    continue;
                }
                Target::HereDoc(body) => {
                    let text = match body {
                        lexer::HereBody::Literal(text) => text.clone(),
                        lexer::HereBody::Expand(word) => self.expand_single(word, out)?,
                    };
                    if redirect.fd == 0 {
                        plan.stdin = Some(text);
                    }
                    continue;
                }
                Target::HereString(word) => {
                    let text = self.expand_single(word, out)?;
                    if redirect.fd == 0 {
                        plan.stdin = Some(format!("{text}\n"));
                    }
                    continue;
                }
                Target::Write(word) | Target::Append(word) => {
                    let name = self.expand_single(word, out)?;
                    if name.is_empty() {
                        return Err(RunError::AmbiguousRedirect(name));
                    }
                    let result = if matches!(redirect.target, Target::Write(_)) {
                        self.shell.fs.write(&name, "")
                    } else {
                        self.shell.fs.append(&name, "")
                    };
                    result.map_err(|e| RunError::File(name.clone(), e))?;
                    Dest::File(self.shell.fs.absolute(&name))
                }
                Target::Dup(1) => plan.stdout.clone(),
                Target::Dup(2) => plan.stderr.clone(),
                Target::Dup(_) => continue,
            };
            match redirect.fd {
                1 => plan.stdout = dest,
                2 => plan.stderr = dest,
                _ => {}
            }
        }
        Ok(plan)
    }

    /// Whether `name` is a command this shell can run (builtin, utility or host program).
    pub fn is_command(&self, name: &str) -> bool {
        SHELL_BUILTINS.contains(&name)
            || builtins::UTILITY_NAMES.contains(&name)
            || self.host.programs().iter().any(|p| p == name)
    }

    /// Runs an expanded command line: shell builtin, text utility, or the host's program.
    pub fn dispatch(&mut self, argv: &[String], stdin: &str, out: &mut Output) -> i32 {
        let Some(name) = argv.first() else {
            return 0;
        };
        let args = argv.get(1..).unwrap_or_default();
        if let Some(value) = self.shell.aliases.get(name)
            && !self.expanding.contains(name)
        {
            // bash substitutes an alias's text for the command word and reads the line again;
            // the arguments (already expanded) follow it, quoted.
            let mut source = value.clone();
            for arg in args {
                source.push(' ');
                source.push_str(&builtins::shell::quote(arg));
            }
            self.expanding.push(name.clone());
            let status = self.run_nested_source(&source, stdin, out);
            self.expanding.pop();
            return status;
        }
        if let Some(status) = builtins::shell::run(self, name, args, stdin, out) {
            return status;
        }
        let on_path = match &self.shell.path_programs {
            Some(programs) => {
                matches!(name.as_str(), "echo" | "printf" | "test" | "[")
                    || programs.iter().any(|p| p == name)
            }
            None => true,
        };
        let mut io = Io {
            stdin,
            fs: &mut self.shell.fs,
            out,
        };
        if on_path && let Some(status) = builtins::run(name, args, &mut io) {
            return status;
        }
        let mut env = self.shell.environment();
        env.extend(std::mem::take(&mut self.command_env));
        match self
            .host
            .run_with_env(argv, stdin, &env, &mut self.shell.fs)
        {
            Some(result) => {
                out.extend(result.chunks);
                result.status
            }
            None => {
                out.err(&format!("sh: {name}: command not found\n"));
                127
            }
        }
    }

    /// Runs text as a script one level deeper (`eval`, `source`).
    pub fn run_nested_source(&mut self, source: &str, stdin: &str, out: &mut Output) -> i32 {
        let script = match lexer::lex(source).and_then(parser::parse) {
            Ok(script) => script,
            Err(error) => {
                out.err(&format!("sh: {error}\n"));
                return 2;
            }
        };
        match self.nested("eval", |exec| exec.run_script(&script, stdin, out)) {
            Ok(status) => status,
            Err(error) => {
                out.err(&format!("sh: {error}\n"));
                1
            }
        }
    }
}
