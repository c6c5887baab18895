//! What a container runs, in virtual time: a long-lived server, or a program the shell crate
//! runs over the container's filesystem — an `sh -c` script, or a single command such as
//! `rev /input/data.txt` (busybox's applets are the shell's utilities). `sleep` advances
//! the container's own clock, so a run is computed when the container starts: its log lines
//! with their times, the files it creates and removes (what exec probes look at), the
//! memory `stress` allocates (what the memory limit looks at), and when and with which
//! status it exits — or that it runs for ever.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_shell::{Chunk, Host, Interval, ProgramOutput, Shell, VirtualFs};

use super::exec::{Failure, Printed, nslookup};
use crate::clock::Millis;
use crate::dns::Resolver;

/// Log lines kept per container at most, like a rotated container log.
const MAX_LOG_LINES: usize = 5000;
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

/// Parses a container's `command` + `args` (or the image default).
pub fn program(command: &[String], args: &[String], exits_by_default: bool) -> Program {
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
        _ if CONTAINER_PROGRAMS.contains(&binary) || Shell::builtin_names().contains(&binary) => {
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

/// What the program finds when it starts.
pub struct Context<'a> {
    pub env: BTreeMap<String, String>,
    pub fs: VirtualFs,
    /// The wall-clock time of the start (what `date` prints from).
    pub start: jiff::Timestamp,
    pub hostname: String,
    /// The cluster DNS of the pod's namespace.
    pub dns: Resolver<'a>,
    /// How long the program has been running by now: it may ask the cluster things up to
    /// this moment, not later.
    pub now: Millis,
    /// The answers it got when it asked before (a resumed run replays them).
    pub answers: Vec<ProgramOutput>,
}

/// The outcome of a run: log lines, files and memory by offset from the start, the exit
/// (offset and status) unless it runs for ever, and the filesystem it leaves.
#[derive(Debug)]
pub struct Run {
    pub logs: Vec<(Millis, String)>,
    pub exit: Option<(Millis, i32)>,
    /// Files created (true) or removed (false), by offset.
    pub files: Vec<(Millis, String, bool)>,
    /// Memory held from an offset on, in bytes.
    pub memory: Vec<(Millis, u64)>,
    pub fs: VirtualFs,
    /// The program asks the cluster something at this offset, later than now: run it
    /// again then (with `answers`).
    pub resume_at: Option<Millis>,
    pub answers: Vec<ProgramOutput>,
}

/// Runs a program's script to its end (or until it is clear it runs for ever).
pub fn run(script: &str, context: Context) -> Run {
    let mut shell = Shell::for_script(context.fs, &context.env);
    let mut host = ContainerHost {
        elapsed: 0,
        forever: false,
        start: context.start,
        hostname: context.hostname,
        dns: context.dns,
        files: Vec::new(),
        seen: BTreeSet::new(),
        seen_version: None,
        memory: Vec::new(),
        now: context.now,
        answers: context.answers,
        asked: 0,
        paused_at: None,
    };
    let execution = shell.execute(script, &mut host);
    host.look_at(shell.fs());
    let ended = !execution.interrupted && !host.forever && host.paused_at.is_none();
    Run {
        logs: log_lines(&execution.output),
        exit: ended.then_some((host.elapsed, execution.status)),
        files: host.files,
        memory: host.memory,
        fs: shell.fs().clone(),
        resume_at: host.paused_at,
        answers: host.answers,
    }
}

/// The container log: stdout and stderr, line by line, each line stamped when it began.
fn log_lines(chunks: &[Chunk]) -> Vec<(Millis, String)> {
    let mut lines = Vec::new();
    let mut partial: Option<(Millis, String)> = None;
    for chunk in chunks {
        for piece in chunk.text.split_inclusive('\n') {
            let (at, line) = partial.get_or_insert_with(|| (chunk.at_ms, String::new()));
            match piece.strip_suffix('\n') {
                Some(text) => {
                    line.push_str(text);
                    lines.push((*at, std::mem::take(line)));
                    partial = None;
                }
                None => line.push_str(piece),
            }
            if lines.len() >= MAX_LOG_LINES {
                return lines;
            }
        }
    }
    lines.extend(partial);
    lines
}

/// The container as the shell's host: its clock, the programs the shell does not have,
/// and what the kubelet watches (files, memory).
struct ContainerHost<'a> {
    elapsed: Millis,
    /// The program will not end (`sleep infinity`, `stress` without `--timeout`).
    forever: bool,
    start: jiff::Timestamp,
    hostname: String,
    dns: Resolver<'a>,
    files: Vec<(Millis, String, bool)>,
    seen: BTreeSet<String>,
    /// The filesystem's file-set version at the last look.
    seen_version: Option<u64>,
    memory: Vec<(Millis, u64)>,
    /// See [`Context::now`] and [`Context::answers`]; `asked` counts the questions so far.
    now: Millis,
    answers: Vec<ProgramOutput>,
    asked: usize,
    /// The program asked the cluster something after `now`: it stops there for now.
    paused_at: Option<Millis>,
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
            "nslookup" => self.ask(|host| match nslookup::run(&host.dns, &argv[1..]) {
                Ok(text) => host.output(text, 0),
                Err(failure) => host.failure(failure),
            }),
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
}

impl ContainerHost<'_> {
    /// A question to the cluster: answered as before when it was asked before, from the
    /// cluster now when it is asked now, and not yet when it is asked later than now.
    fn ask(
        &mut self,
        answer: impl FnOnce(&Self) -> Option<ProgramOutput>,
    ) -> Option<ProgramOutput> {
        if let Some(previous) = self.answers.get(self.asked) {
            self.asked += 1;
            return Some(ProgramOutput {
                chunks: previous
                    .chunks
                    .iter()
                    .map(|c| Chunk {
                        at_ms: self.elapsed,
                        ..c.clone()
                    })
                    .collect(),
                status: previous.status,
            });
        }
        if self.elapsed > self.now {
            self.paused_at = Some(self.elapsed);
            return Some(ProgramOutput::default());
        }
        let output = answer(self)?;
        self.answers.push(output.clone());
        self.asked += 1;
        Some(output)
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

    fn run_script(script: &str) -> Run {
        let store = Store::default();
        let context = Context {
            env: BTreeMap::from([("GREETING".to_string(), "hi".to_string())]),
            fs: VirtualFs::new("/root"),
            start: jiff::Timestamp::UNIX_EPOCH,
            hostname: "pod-1".into(),
            dns: Resolver::new(&store, "default"),
            now: 0,
            answers: Vec::new(),
        };
        run(script, context)
    }

    fn script_of(argv: &[&str]) -> String {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        match program(&argv, &[], false) {
            Program::Run(script) => script,
            Program::Serve => panic!("{argv:?} is a server"),
        }
    }

    #[test]
    fn runs_echo_sleep_exit() {
        let run = run_script("echo $GREETING; sleep 5; echo 'bye now'; exit 3");
        assert_eq!(
            run.logs,
            vec![(0, "hi".to_string()), (5000, "bye now".to_string())]
        );
        assert_eq!(run.exit, Some((5000, 3)));
    }

    #[test]
    fn loops_forever_with_a_log() {
        let run = run_script("while true; do date; sleep 10; done");
        assert_eq!(run.logs[0], (0, "Thu Jan  1 00:00:00 UTC 1970".to_string()));
        assert_eq!(
            run.logs[1],
            (10_000, "Thu Jan  1 00:00:10 UTC 1970".to_string())
        );
        assert_eq!(run.exit, None);
    }

    #[test]
    fn files_appear_and_disappear() {
        let run = run_script("touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600");
        assert_eq!(
            run.files,
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
        let store = Store::default();
        let context = Context {
            env: BTreeMap::new(),
            fs,
            start: jiff::Timestamp::UNIX_EPOCH,
            hostname: "p".into(),
            dns: Resolver::new(&store, "default"),
            now: 0,
            answers: Vec::new(),
        };
        let run = run(&script_of(&["rev", "/input/data.txt"]), context);
        assert_eq!(run.logs, vec![(0, "oof".to_string())]);
        assert_eq!(run.exit, Some((0, 0)));
        let missing = run_script(&script_of(&["cat", "/nope"]));
        assert_eq!(missing.exit, Some((0, 1)));
        assert_eq!(run_script(&script_of(&["sleep", "infinity"])).exit, None);
        assert_eq!(
            run_script("frobnicate").logs,
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
            run.logs[0].1,
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
        assert_eq!(program(&[], &[], false), Program::Serve);
        assert_eq!(program(&[], &[], true), Program::Run(String::new()));
        let sh = program(&["sh".into(), "-c".into(), "sleep 3600".into()], &[], true);
        assert_eq!(sh, Program::Run("sleep 3600".into()));
        assert_eq!(program(&["nginx".into()], &[], false), Program::Serve);
    }
}
