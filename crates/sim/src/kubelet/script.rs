//! What a container runs, in virtual time: a long-lived server, or a program the shell crate
//! runs over the container's filesystem — an `sh -c` script, or a single command such as
//! `rev /input/data.txt` (busybox's applets are the shell's utilities). `sleep` advances
//! the container's own clock, so a run is computed when the container starts: its log lines
//! with their times, the files it creates and removes (what exec probes look at), the
//! memory `stress` allocates (what the memory limit looks at), and when and with which
//! status it exits — or that it runs for ever.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_model::Pod;
use kubeplay_shell::{Chunk, Host, Interval, ProgramOutput, Resumable, Shell, VirtualFs};

use super::exec::{Connections, Failure, Printed, http, nslookup};
use super::images::filesystems;
use crate::clock::Millis;
use crate::dns::Resolver;

/// Log lines kept per container at most, like a rotated container log.
pub(super) const MAX_LOG_LINES: usize = 5000;
/// Digits of π kubeplay computes at most for a `bpi(N)` container.
const MAX_PI_DIGITS: usize = 10_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Program {
    /// A server (or any program kubeplay does not run): it runs until stopped.
    Serve,
    /// A shell script: `sh -c`'s argument, or a single command, quoted.
    Run(String),
}

/// Programs a container can run besides the shell's builtins and utilities.
const CONTAINER_PROGRAMS: &[&str] = &["date", "hostname", "stress", "nslookup", "env", "printenv"];

/// The HTTP clients a container may run as its command, when its image has them.
const NETWORK_CLIENTS: &[&str] = &["curl", "wget"];

/// Parses a container's `command` + `args` (or the image default); `on_path` says whether
/// the image has a program.
pub fn program(
    command: &[String],
    args: &[String],
    exits_by_default: bool,
    on_path: impl Fn(&str) -> bool,
) -> Program {
    let argv: Vec<String> = command.iter().chain(args).cloned().collect();
    let Some(first) = argv.first() else {
        return if exits_by_default {
            // A shell without a terminal reads an empty stdin and exits.
            Program::Run(String::new())
        } else {
            Program::Serve
        };
    };
    let binary = first.rsplit('/').next().unwrap_or(first).to_string();
    let binary = binary.as_str();
    match binary {
        "sh" | "bash" | "ash" | "dash" => match argv.get(1).map(String::as_str) {
            Some("-c") => Program::Run(argv.get(2).cloned().unwrap_or_default()),
            None => Program::Run(String::new()),
            Some(_) => Program::Serve,
        },
        // The kubernetes.io Job example: `perl -Mbignum=bpi -wle 'print bpi(2000)'`.
        "perl" if pi_request(&argv).is_some() => Program::Run(quote(&argv)),
        _ if CONTAINER_PROGRAMS.contains(&binary)
            || Shell::builtin_names().contains(&binary)
            || (NETWORK_CLIENTS.contains(&binary) && on_path(binary)) =>
        {
            let mut argv = argv;
            argv[0] = binary.to_string();
            Program::Run(quote(&argv))
        }
        _ => Program::Serve,
    }
}

/// A command line that runs `argv` as given.
fn quote(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| format!("'{}'", arg.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a resumed program finds: the cluster as it is now.
pub struct Context<'a> {
    /// The wall-clock time of the start (what `date` prints from).
    pub start: jiff::Timestamp,
    /// The same instant as the cluster's clock counts it.
    pub start_ms: Millis,
    pub hostname: String,
    /// The pod it runs in (where its requests come from).
    pub pod: &'a Pod,
    /// The cluster DNS of the pod's namespace.
    pub dns: Resolver<'a>,
    /// How long the program has been running by now: it may ask the cluster things up to
    /// this moment, not later.
    pub now: Millis,
    /// Where kube-proxy's choices for its requests come from.
    pub connections: &'a Connections,
}

/// A program's run, kept between the moments it is resumed: the script at its last
/// checkpoint (see `kubeplay_shell::Resumable`) and what the container had done by then.
#[derive(Clone, Debug)]
pub struct Running {
    script: Resumable,
    /// The programs on the image's PATH (which of `curl` and `wget` it has).
    programs: Vec<String>,
    /// The time at the checkpoint.
    elapsed: Millis,
    /// The files there were at the checkpoint, and the filesystem's file-set version then.
    seen: BTreeSet<String>,
    seen_version: Option<u64>,
    /// Memory held from an offset on, up to the checkpoint.
    memory: Vec<(Millis, u64)>,
    /// The answers given since the checkpoint (a resumed run replays them).
    answers: Vec<Answer>,
    /// The program asked the cluster something: from then on checkpoints are kept.
    asks: bool,
    /// A log line begun before the checkpoint and not ended yet.
    partial: Option<(Millis, String)>,
    /// How many requests it sent so far (kube-proxy's choices are drawn per request).
    requests: u64,
}

impl Running {
    /// The program `script` about to start over `fs` with the environment `env` in a
    /// container of `image`.
    pub fn start(
        script: &str,
        env: &BTreeMap<String, String>,
        fs: VirtualFs,
        image: &str,
    ) -> Running {
        Running {
            script: Resumable::new(Shell::for_script(fs, env), script),
            programs: filesystems::contents(image).programs,
            elapsed: 0,
            seen: BTreeSet::new(),
            seen_version: None,
            memory: Vec::new(),
            answers: Vec::new(),
            asks: false,
            partial: None,
            requests: 0,
        }
    }

    pub fn requests(&self) -> u64 {
        self.requests
    }

    pub fn set_requests(&mut self, requests: u64) {
        self.requests = requests;
    }

    /// Runs the program from its last checkpoint to its end, to the point it runs for ever,
    /// or to its first question to the cluster later than now.
    pub fn run(&mut self, context: Context) -> Run {
        let mut host = ContainerHost {
            elapsed: self.elapsed,
            forever: false,
            start: context.start,
            start_ms: context.start_ms,
            hostname: context.hostname,
            pod: context.pod,
            dns: context.dns,
            connections: context.connections,
            programs: &self.programs,
            files: Vec::new(),
            seen: self.seen.clone(),
            seen_version: self.seen_version,
            memory: Vec::new(),
            now: context.now,
            answers: std::mem::take(&mut self.answers),
            asked: 0,
            asks: self.asks,
            paused_at: None,
            checkpoint: None,
        };
        let progress = self.script.run(&mut host);
        host.look_at(&progress.fs);
        let ended = progress.status.is_some() && !host.forever && host.paused_at.is_none();
        // What the container did up to the checkpoint is kept; after it, it is done again
        // by the next run.
        let (settled_files, settled_memory) = match host.checkpoint.take() {
            Some(checkpoint) => {
                self.elapsed = checkpoint.elapsed;
                self.seen = checkpoint.seen;
                self.seen_version = checkpoint.seen_version;
                (checkpoint.files, checkpoint.memory)
            }
            None => (0, 0),
        };
        self.asks = host.asks;
        self.memory.extend(host.memory.drain(..settled_memory));
        self.answers = host.answers;
        let pending_files = host.files.split_off(settled_files);
        let settled_logs = log_lines(&mut self.partial, &progress.settled);
        let mut partial = self.partial.clone();
        let mut pending_logs = log_lines(&mut partial, &progress.pending);
        pending_logs.extend(partial);
        Run {
            settled_logs,
            pending_logs,
            exit: progress
                .status
                .filter(|_| ended)
                .map(|status| (host.elapsed, status)),
            settled_files: host.files,
            pending_files,
            memory: self.memory.iter().chain(&host.memory).copied().collect(),
            fs: progress.fs,
            resume_at: host.paused_at,
        }
    }
}

/// The outcome of a run from the checkpoint: log lines, files and memory by offset from the
/// start (before the checkpoint: settled; after it: done again by a resumed run), the exit
/// (offset and status) unless it runs for ever, and the filesystem it leaves.
#[derive(Debug)]
pub struct Run {
    pub settled_logs: Vec<(Millis, String)>,
    pub pending_logs: Vec<(Millis, String)>,
    pub exit: Option<(Millis, i32)>,
    /// Files created (true) or removed (false), by offset.
    pub settled_files: Vec<(Millis, String, bool)>,
    pub pending_files: Vec<(Millis, String, bool)>,
    /// Memory held from an offset on, in bytes (since the start).
    pub memory: Vec<(Millis, u64)>,
    pub fs: VirtualFs,
    /// The program asks the cluster something at this offset, later than now: run it
    /// again then.
    pub resume_at: Option<Millis>,
}

/// The container log: stdout and stderr, line by line, each line stamped when it began; a
/// line not ended yet stays in `partial`.
fn log_lines(partial: &mut Option<(Millis, String)>, chunks: &[Chunk]) -> Vec<(Millis, String)> {
    let mut lines = Vec::new();
    for chunk in chunks {
        for piece in chunk.text.split_inclusive('\n') {
            let (at, line) = partial.get_or_insert_with(|| (chunk.at_ms, String::new()));
            match piece.strip_suffix('\n') {
                Some(text) => {
                    line.push_str(text);
                    lines.push((*at, std::mem::take(line)));
                    *partial = None;
                }
                None => line.push_str(piece),
            }
            if lines.len() >= MAX_LOG_LINES {
                return lines;
            }
        }
    }
    lines
}

/// What the cluster answered a question the program asked, and how long the answer took.
#[derive(Clone, Debug)]
struct Answer {
    output: ProgramOutput,
    took: Millis,
}

/// The container as the shell's host: its clock, the programs the shell does not have,
/// and what the kubelet watches (files, memory).
struct ContainerHost<'a> {
    elapsed: Millis,
    /// The program will not end (`sleep infinity`, `stress` without `--timeout`).
    forever: bool,
    start: jiff::Timestamp,
    start_ms: Millis,
    hostname: String,
    pod: &'a Pod,
    dns: Resolver<'a>,
    connections: &'a Connections,
    programs: &'a [String],
    files: Vec<(Millis, String, bool)>,
    seen: BTreeSet<String>,
    /// The filesystem's file-set version at the last look.
    seen_version: Option<u64>,
    memory: Vec<(Millis, u64)>,
    /// See [`Context::now`] and [`Running::answers`]; `asked` counts the questions since
    /// the checkpoint.
    now: Millis,
    answers: Vec<Answer>,
    asked: usize,
    asks: bool,
    /// The program asked the cluster something after `now`: it stops there for now.
    paused_at: Option<Millis>,
    /// The last checkpoint this run kept.
    checkpoint: Option<HostCheckpoint>,
}

/// The container at a checkpoint: its time, its files, and how much of what it did is
/// settled.
struct HostCheckpoint {
    elapsed: Millis,
    seen: BTreeSet<String>,
    seen_version: Option<u64>,
    files: usize,
    memory: usize,
}

impl ContainerHost<'_> {
    fn output(&self, text: String, status: i32) -> Option<ProgramOutput> {
        Some(ProgramOutput {
            chunks: vec![Chunk {
                at_ms: self.elapsed,
                ..Chunk::stdout(text)
            }],
            status,
        })
    }

    fn failure(&self, failure: Failure) -> Option<ProgramOutput> {
        let chunks = failure
            .printed
            .into_iter()
            .map(|printed| match printed {
                Printed::Stdout(text) => Chunk::stdout(text),
                Printed::Stderr(text) => Chunk::stderr(format!("{text}\n")),
            })
            .map(|chunk| Chunk {
                at_ms: self.elapsed,
                ..chunk
            })
            .collect();
        Some(ProgramOutput {
            chunks,
            status: failure.code,
        })
    }

    /// `stress` (the `polinux/stress` image of the "Assign Memory Resources" task): `--vm N`
    /// workers each allocating `--vm-bytes` (binary suffixes, default 256M) and holding it;
    /// `--timeout` ends the run.
    fn stress(&mut self, args: &[String]) -> Option<ProgramOutput> {
        let option = |name: &str| {
            args.iter()
                .position(|a| a == name)
                .and_then(|i| args.get(i + 1))
                .map(String::as_str)
        };
        let count = |name: &str| {
            option(name)
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let workers = count("--vm");
        let bytes = option("--vm-bytes")
            .and_then(stress_bytes)
            .unwrap_or(256 << 20);
        let mut chunks = vec![Chunk {
            at_ms: self.elapsed,
            ..Chunk::stdout(format!(
                "stress: info: [1] dispatching hogs: {} cpu, {} io, {workers} vm, {} hdd\n",
                count("--cpu"),
                count("--io"),
                count("--hdd")
            ))
        }];
        if workers > 0 {
            // Allocating and touching the pages takes a moment.
            self.elapsed += 300;
            self.memory
                .push((self.elapsed, workers.saturating_mul(bytes)));
        }
        match option("--timeout").and_then(parse_duration) {
            Some(timeout) => {
                self.elapsed = self.elapsed.saturating_add(timeout);
                chunks.push(Chunk {
                    at_ms: self.elapsed,
                    ..Chunk::stdout(format!(
                        "stress: info: [1] successful run completed in {}s\n",
                        timeout / 1000
                    ))
                });
            }
            None => self.forever = true,
        }
        Some(ProgramOutput { chunks, status: 0 })
    }
}

impl Host for ContainerHost<'_> {
    fn run(&mut self, argv: &[String], _stdin: &str, _fs: &mut VirtualFs) -> Option<ProgramOutput> {
        let name = argv.first()?.rsplit('/').next().unwrap_or_default();
        match name {
            "date" => {
                let now = self.start + jiff::SignedDuration::from_millis(self.elapsed as i64);
                self.output(format!("{}\n", super::busybox_date(now)), 0)
            }
            "hostname" => self.output(format!("{}\n", self.hostname), 0),
            "stress" => self.stress(&argv[1..]),
            "nslookup" => self.ask(|host| {
                let output = match nslookup::run(&host.dns, &argv[1..]) {
                    Ok(text) => host.output(text, 0),
                    Err(failure) => host.failure(failure),
                };
                Some(Answer {
                    output: output?,
                    took: 0,
                })
            }),
            "curl" | "wget" if self.programs.iter().any(|p| p == name) => {
                self.ask(|host| Some(host.request(argv)))
            }
            "perl" => match pi_request(argv) {
                Some(digits) => {
                    // The real container needs a few seconds of CPU for 2,000 digits.
                    self.elapsed += 2_000 + (digits as Millis) * 2;
                    self.output(format!("{}\n", pi_digits(digits)), 0)
                }
                None => self.not_found(name),
            },
            _ => self.not_found(name),
        }
    }

    /// `sleep` passes the container's own time; `sleep infinity` never ends.
    fn sleep(&mut self, interval: Interval, fs: &mut VirtualFs) -> ProgramOutput {
        self.look_at(fs);
        match interval.millis().filter(|_| !interval.is_infinite()) {
            Some(ms) => self.elapsed = self.elapsed.saturating_add(ms),
            None => self.forever = true,
        }
        ProgramOutput::default()
    }

    fn elapsed_ms(&self) -> u64 {
        self.elapsed
    }

    fn interrupted(&self) -> bool {
        self.forever || self.paused_at.is_some()
    }

    /// Checkpoints are kept once the program has asked the cluster something: only such a
    /// program is ever resumed.
    fn checkpoint(&mut self) -> bool {
        if !self.asks {
            return false;
        }
        self.answers.drain(..self.asked);
        self.asked = 0;
        self.checkpoint = Some(HostCheckpoint {
            elapsed: self.elapsed,
            seen: self.seen.clone(),
            seen_version: self.seen_version,
            files: self.files.len(),
            memory: self.memory.len(),
        });
        true
    }
}

impl ContainerHost<'_> {
    /// A question to the cluster: answered as before when it was asked before, from the
    /// cluster now when it is asked now, and not yet when it is asked later than now.
    fn ask(&mut self, answer: impl FnOnce(&Self) -> Option<Answer>) -> Option<ProgramOutput> {
        let answer = match self.answers.get(self.asked) {
            Some(previous) => previous.clone(),
            None if self.elapsed > self.now => {
                self.paused_at = Some(self.elapsed);
                return Some(ProgramOutput::default());
            }
            None => {
                let fresh = answer(self)?;
                self.answers.push(fresh.clone());
                self.asks = true;
                fresh
            }
        };
        self.asked += 1;
        // What it prints comes when it is done (after waiting for what never answered).
        self.elapsed = self.elapsed.saturating_add(answer.took);
        Some(ProgramOutput {
            chunks: answer
                .output
                .chunks
                .into_iter()
                .map(|c| Chunk {
                    at_ms: self.elapsed,
                    ..c
                })
                .collect(),
            status: answer.output.status,
        })
    }

    /// An HTTP request from the container, sent now.
    fn request(&self, argv: &[String]) -> Answer {
        let caller = http::Caller {
            pod: self.pod,
            dns: &self.dns,
            connections: self.connections,
            now: self.start + jiff::SignedDuration::from_millis(self.elapsed as i64),
            at_ms: self.start_ms + self.elapsed,
            waited: std::cell::Cell::new(0),
        };
        let output = match http::request(&caller, argv) {
            Ok(body) => self.output(body, 0),
            Err(failure) => self.failure(failure),
        };
        Answer {
            output: output.unwrap_or_default(),
            took: caller.waited.get(),
        }
    }

    /// Records which files appeared or went away since the last look.
    fn look_at(&mut self, fs: &VirtualFs) {
        if self.seen_version == Some(fs.file_set_version()) {
            return;
        }
        self.seen_version = Some(fs.file_set_version());
        let mut now = BTreeSet::new();
        walk(fs, "/", &mut now);
        for gone in self.seen.difference(&now) {
            self.files.push((self.elapsed, gone.clone(), false));
        }
        for new in now.difference(&self.seen) {
            self.files.push((self.elapsed, new.clone(), true));
        }
        self.seen = now;
    }

    /// busybox ash's answer for a program the image does not have.
    fn not_found(&self, name: &str) -> Option<ProgramOutput> {
        Some(ProgramOutput {
            chunks: vec![Chunk {
                at_ms: self.elapsed,
                ..Chunk::stderr(format!("sh: {name}: not found\n"))
            }],
            status: 127,
        })
    }
}

/// Every file under `dir`.
fn walk(fs: &VirtualFs, dir: &str, files: &mut BTreeSet<String>) {
    for name in fs.list(dir).unwrap_or_default() {
        let path = if dir == "/" {
            format!("/{name}")
        } else {
            format!("{dir}/{name}")
        };
        if fs.is_dir(&path) {
            walk(fs, &path, files);
        } else {
            files.insert(path);
        }
    }
}

/// The digits `perl -Mbignum=bpi -wle 'print bpi(N)'` asks for.
fn pi_request(argv: &[String]) -> Option<usize> {
    argv.iter()
        .find_map(|a| a.split("bpi(").nth(1))
        .and_then(|rest| rest.split(')').next())
        .and_then(|n| n.parse::<usize>().ok())
        .map(|digits| digits.clamp(1, MAX_PI_DIGITS))
}

/// stress's sizes: a number with an optional `b`, `k`, `m` or `g` suffix (powers of 1024).
fn stress_bytes(text: &str) -> Option<u64> {
    let (number, factor) = match text.chars().last()?.to_ascii_lowercase() {
        'b' => (&text[..text.len() - 1], 1),
        'k' => (&text[..text.len() - 1], 1 << 10),
        'm' => (&text[..text.len() - 1], 1 << 20),
        'g' => (&text[..text.len() - 1], 1 << 30),
        _ => (text, 1),
    };
    number.parse::<u64>().ok()?.checked_mul(factor)
}

fn parse_duration(text: &str) -> Option<Millis> {
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((index, _)) => text.split_at(index),
        None => (text, "s"),
    };
    let value: f64 = number.parse().ok()?;
    let factor = match unit {
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => return None,
    };
    Some((value * factor) as Millis)
}

/// The first `digits` significant digits of π (`3.14159…`), by Dik Winter's spigot, four
/// digits per round.
pub fn pi_digits(digits: usize) -> String {
    // Math::BigFloat rounds the last digit (half up), so a few more digits are computed.
    let raw = pi_spigot(digits + 8);
    let mut significant: Vec<u8> = raw.bytes().take(digits).map(|b| b - b'0').collect();
    if raw.as_bytes().get(digits).is_some_and(|next| *next >= b'5') {
        for digit in significant.iter_mut().rev() {
            if *digit == 9 {
                *digit = 0;
            } else {
                *digit += 1;
                break;
            }
        }
    }
    let significant: String = significant.iter().map(|d| char::from(b'0' + d)).collect();
    if significant.len() <= 1 {
        significant
    } else {
        format!("{}.{}", &significant[..1], &significant[1..])
    }
}

/// The first digits of pi (at least `digits` of them, without the point), by Rabinowitz and
/// Wagon's spigot in base 10,000.
fn pi_spigot(digits: usize) -> String {
    const BASE: i128 = 10_000;
    let mut c = (digits.div_ceil(4) + 1) * 14;
    let mut f = vec![BASE / 5; c + 1];
    f[c] = 0;
    let mut carry: i128 = 0;
    let mut out = String::with_capacity(digits + 8);
    while c > 0 {
        let mut d: i128 = 0;
        let mut g = (c * 2) as i128;
        let mut b = c;
        loop {
            d += f[b] * BASE;
            g -= 1;
            f[b] = d % g;
            d /= g;
            g -= 1;
            b -= 1;
            if b == 0 {
                break;
            }
            d *= b as i128;
        }
        out.push_str(&format!("{:04}", carry + d / BASE));
        carry = d % BASE;
        c -= 14;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn run_in(script: &str, fs: VirtualFs) -> Run {
        let store = Store::default();
        let pod = Pod::default();
        let connections = Connections::new(0);
        let env = BTreeMap::from([("GREETING".to_string(), "hi".to_string())]);
        let mut running = Running::start(script, &env, fs, "busybox");
        running.run(Context {
            start: jiff::Timestamp::UNIX_EPOCH,
            start_ms: 0,
            hostname: "pod-1".into(),
            pod: &pod,
            dns: Resolver::new(&store, "default"),
            now: 0,
            connections: &connections,
        })
    }

    fn run_script(script: &str) -> Run {
        run_in(script, VirtualFs::new("/root"))
    }

    /// A run's whole log (a script that never asks the cluster keeps no checkpoint).
    fn logs(run: &Run) -> Vec<(Millis, String)> {
        run.settled_logs
            .iter()
            .chain(&run.pending_logs)
            .cloned()
            .collect()
    }

    fn script_of(argv: &[&str]) -> String {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        match program(&argv, &[], false, |_| false) {
            Program::Run(script) => script,
            Program::Serve => panic!("{argv:?} is a server"),
        }
    }

    #[test]
    fn runs_echo_sleep_exit() {
        let run = run_script("echo $GREETING; sleep 5; echo 'bye now'; exit 3");
        assert_eq!(
            logs(&run),
            vec![(0, "hi".to_string()), (5000, "bye now".to_string())]
        );
        assert_eq!(run.exit, Some((5000, 3)));
    }

    #[test]
    fn loops_forever_with_a_log() {
        let run = run_script("while true; do date; sleep 10; done");
        let logs = logs(&run);
        assert_eq!(logs[0], (0, "Thu Jan  1 00:00:00 UTC 1970".to_string()));
        assert_eq!(
            logs[1],
            (10_000, "Thu Jan  1 00:00:10 UTC 1970".to_string())
        );
        assert_eq!(run.exit, None);
    }

    #[test]
    fn files_appear_and_disappear() {
        let run = run_script("touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600");
        assert_eq!(
            run.pending_files,
            vec![
                (0, "/tmp/healthy".to_string(), true),
                (30_000, "/tmp/healthy".to_string(), false)
            ]
        );
        assert_eq!(run.exit, Some((630_000, 0)));
    }

    #[test]
    fn commands_run_to_their_end() {
        let mut fs = VirtualFs::new("/root");
        let _ = fs.mkdir("/input", true);
        let _ = fs.write("/input/data.txt", "foo\n");
        let run = run_in(&script_of(&["rev", "/input/data.txt"]), fs);
        assert_eq!(logs(&run), vec![(0, "oof".to_string())]);
        assert_eq!(run.exit, Some((0, 0)));
        let missing = run_script(&script_of(&["cat", "/nope"]));
        assert_eq!(missing.exit, Some((0, 1)));
        assert_eq!(run_script(&script_of(&["sleep", "infinity"])).exit, None);
        assert_eq!(
            logs(&run_script("frobnicate")),
            vec![(0, "sh: frobnicate: not found".to_string())]
        );
        assert_eq!(run_script("frobnicate").exit, Some((0, 127)));
    }

    #[test]
    fn a_loop_that_only_sleeps_runs_forever() {
        assert_eq!(run_script("while true; do sleep 1; done").exit, None);
        assert_eq!(run_script("while :; do :; done").exit, None);
    }

    #[test]
    fn stress_holds_its_memory() {
        let run = run_script(&script_of(&[
            "stress",
            "--vm",
            "1",
            "--vm-bytes",
            "250M",
            "--vm-hang",
            "1",
        ]));
        assert_eq!(run.memory, vec![(300, 250 << 20)]);
        assert_eq!(run.exit, None);
        assert_eq!(
            logs(&run)[0].1,
            "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd"
        );
    }

    #[test]
    fn computes_pi_like_perl_bignum() {
        assert_eq!(
            pi_digits(10),
            "3.141592654",
            "the last digit is rounded, as Math::BigFloat does"
        );
        assert_eq!(pi_digits(3), "3.14");
        assert_eq!(pi_digits(1), "3");
        let long = pi_digits(1000);
        assert!(long.starts_with("3.14159265358979323846264338327950288419716939937510"));
        // The Feynman point: six 9s starting at the 762nd decimal.
        assert_eq!(&long[763..769], "999999");
        assert!(long.ends_with("216420199"), "{}", &long[long.len() - 20..]);
        assert_eq!(long.len(), 1001);
    }

    #[test]
    fn defaults_follow_the_image() {
        assert_eq!(program(&[], &[], false, |_| false), Program::Serve);
        assert_eq!(
            program(&[], &[], true, |_| false),
            Program::Run(String::new())
        );
        let sh = program(
            &["sh".into(), "-c".into(), "sleep 3600".into()],
            &[],
            true,
            |_| false,
        );
        assert_eq!(sh, Program::Run("sleep 3600".into()));
        assert_eq!(
            program(&["nginx".into()], &[], false, |_| true),
            Program::Serve
        );
    }
}
