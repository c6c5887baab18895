//! What a container runs, in virtual time: a long-lived server, or a small `sh -c` script of
//! `echo`, `sleep`, `exit`, `touch`/`rm` and `while true` / `for` loops that writes logs,
//! creates and removes files (what exec probes look at) and exits; or `stress`, which
//! allocates memory (what the memory limit looks at).

use crate::clock::Millis;

/// Log lines kept per container at most, like a rotated container log.
const MAX_LOG_LINES: usize = 5000;

#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Log(String),
    Sleep(Millis),
    Exit(i32),
    /// `sleep infinity` and friends: never ends.
    Forever,
    Loop(Vec<Step>),
    /// `date`: prints the current time, which only the kubelet knows.
    Date,
    /// `touch PATH` (true) or `rm PATH` (false).
    File(String, bool),
    /// Memory the program holds from now on, in bytes (`stress --vm`).
    Allocate(u64),
}

/// Stands for the output of `date` in a run's log until the kubelet formats the time.
pub const DATE_LINE: &str = "\u{1}date";

#[derive(Clone, Debug, PartialEq)]
pub enum Program {
    Serve,
    Script(Vec<Step>),
}

/// Parses a container's `command` + `args` (or the image default).
pub fn program(command: &[String], args: &[String], exits_by_default: bool) -> Program {
    let argv: Vec<String> = command.iter().chain(args).cloned().collect();
    let Some(first) = argv.first() else {
        return if exits_by_default {
            Program::Script(vec![Step::Exit(0)])
        } else {
            Program::Serve
        };
    };
    let binary = first.rsplit('/').next().unwrap_or(first);
    match binary {
        "sh" | "bash" | "ash" if argv.get(1).map(String::as_str) == Some("-c") => Program::Script(
            parse_script(argv.get(2).map(String::as_str).unwrap_or_default()),
        ),
        "sleep" | "echo" | "exit" | "true" | "false" => {
            Program::Script(parse_script(&argv.join(" ")))
        }
        "stress" => Program::Script(stress(&argv[1..])),
        // The kubernetes.io Job example: `perl -Mbignum=bpi -wle 'print bpi(2000)'`.
        "perl" => match argv
            .iter()
            .find_map(|a| a.split("bpi(").nth(1))
            .and_then(|rest| rest.split(')').next())
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(digits) => {
                let digits = digits.clamp(1, MAX_PI_DIGITS);
                // The real container needs a few seconds of CPU for 2,000 digits.
                Program::Script(vec![
                    Step::Sleep(2_000 + (digits as Millis) * 2),
                    Step::Log(pi_digits(digits)),
                    Step::Exit(0),
                ])
            }
            None => Program::Serve,
        },
        _ => Program::Serve,
    }
}

/// `stress` (the `polinux/stress` image of the "Assign Memory Resources" task): `--vm N`
/// workers each allocating `--vm-bytes` (binary suffixes, default 256M) and holding it;
/// `--timeout` ends the run.
fn stress(args: &[String]) -> Vec<Step> {
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
    let mut steps = vec![Step::Log(format!(
        "stress: info: [1] dispatching hogs: {} cpu, {} io, {workers} vm, {} hdd",
        count("--cpu"),
        count("--io"),
        count("--hdd")
    ))];
    if workers > 0 {
        // Allocating and touching the pages takes a moment.
        steps.push(Step::Sleep(300));
        steps.push(Step::Allocate(workers.saturating_mul(bytes)));
    }
    match option("--timeout").and_then(parse_duration) {
        Some(timeout) => {
            steps.push(Step::Sleep(timeout));
            steps.push(Step::Log(format!(
                "stress: info: [1] successful run completed in {}s",
                timeout / 1000
            )));
            steps.push(Step::Exit(0));
        }
        None => steps.push(Step::Forever),
    }
    steps
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

/// Digits of π kubeplay computes at most for a `bpi(N)` container.
const MAX_PI_DIGITS: usize = 10_000;

/// The first `digits` significant digits of π (`3.14159…`), by Dik Winter's spigot, four
/// digits per round.
pub fn pi_digits(digits: usize) -> String {
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
    let significant: String = out.chars().take(digits).collect();
    if significant.len() <= 1 {
        significant
    } else {
        format!("{}.{}", &significant[..1], &significant[1..])
    }
}

/// Splits a script into statements on `;`, `&&`, `||` and newlines, outside quotes.
fn statements(script: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (None, ';' | '\n') => parts.push(std::mem::take(&mut current)),
            (None, '&' | '|') if chars.peek() == Some(&c) => {
                chars.next();
                parts.push(std::mem::take(&mut current));
            }
            (None, c) => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn unquote(word: &str) -> String {
    let trimmed = word.trim();
    for q in ['"', '\''] {
        if let Some(inner) = trimmed.strip_prefix(q).and_then(|w| w.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    trimmed.to_string()
}

/// Splits on whitespace outside quotes and removes the quotes, as a shell would.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
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

pub fn parse_script(script: &str) -> Vec<Step> {
    let list = statements(script);
    let mut index = 0;
    parse_block(&list, &mut index, None)
}

fn parse_block(list: &[String], index: &mut usize, variable: Option<(&str, &str)>) -> Vec<Step> {
    let mut steps = Vec::new();
    while *index < list.len() {
        let statement = list[*index].clone();
        *index += 1;
        let statement = match variable {
            Some((name, value)) => statement
                .replace(&format!("${{{name}}}"), value)
                .replace(&format!("${name}"), value),
            None => statement,
        };
        let (word, rest) = statement
            .split_once(char::is_whitespace)
            .unwrap_or((statement.as_str(), ""));
        match word {
            "done" => return steps,
            "do" => {}
            "while" | "until" => {
                let body = parse_loop_body(list, index, rest, None);
                steps.push(Step::Loop(body));
            }
            "for" => {
                // for NAME in A B C; do …; done
                let mut words = rest.split_whitespace();
                let name = words.next().unwrap_or_default().to_string();
                let values: Vec<String> = words.skip(1).map(unquote).collect();
                let start = *index;
                for value in &values {
                    *index = start;
                    let body = parse_loop_body(list, index, "", Some((&name, value)));
                    steps.extend(body);
                }
                if values.is_empty() {
                    parse_loop_body(list, index, "", None);
                }
            }
            "echo" => steps.push(Step::Log(words(rest).join(" ").replace("\\n", "\n"))),
            "sleep" => match rest.trim() {
                "infinity" => steps.push(Step::Forever),
                duration => steps.push(parse_duration(duration).map_or(
                    Step::Log(format!("sleep: invalid number '{duration}'")),
                    Step::Sleep,
                )),
            },
            "exit" => {
                steps.push(Step::Exit(rest.trim().parse().unwrap_or(0)));
            }
            "date" => steps.push(Step::Date),
            "touch" => steps.extend(words(rest).into_iter().map(|p| Step::File(p, true))),
            "rm" => steps.extend(
                words(rest)
                    .into_iter()
                    .filter(|w| !w.starts_with('-'))
                    .map(|p| Step::File(p, false)),
            ),
            "true" | ":" | "trap" | "set" | "export" | "cd" => {}
            "false" => {}
            other => steps.push(Step::Log(format!("sh: {other}: not found"))),
        }
    }
    steps
}

fn parse_loop_body(
    list: &[String],
    index: &mut usize,
    _condition: &str,
    variable: Option<(&str, &str)>,
) -> Vec<Step> {
    // Skip an optional `do` that was split off as its own statement.
    if list.get(*index).is_some_and(|s| s == "do") {
        *index += 1;
    } else if let Some(statement) = list.get(*index)
        && let Some(after) = statement.strip_prefix("do ")
    {
        let mut rewritten = list.to_vec();
        rewritten[*index] = after.to_string();
        return parse_block(&rewritten, index, variable);
    }
    parse_block(list, index, variable)
}

/// The outcome of running steps for `elapsed` ms: the log lines with their offsets and,
/// if the program ended, when and with which code.
#[derive(Debug, Default, PartialEq)]
pub struct Run {
    pub logs: Vec<(Millis, String)>,
    pub exit: Option<(Millis, i32)>,
    /// Files created (true) or removed (false), by offset.
    pub files: Vec<(Millis, String, bool)>,
    /// Memory held from an offset on, in bytes.
    pub memory: Vec<(Millis, u64)>,
}

/// Runs `steps` for up to `horizon` ms of virtual time.
pub fn run(steps: &[Step], horizon: Millis) -> Run {
    let mut run = Run::default();
    let mut now = 0;
    if !execute(steps, &mut now, horizon, &mut run) {
        return run;
    }
    if run.exit.is_none() {
        run.exit = Some((now, 0));
    }
    run
}

/// Returns false when the program is still running at the horizon (or forever).
fn execute(steps: &[Step], now: &mut Millis, horizon: Millis, run: &mut Run) -> bool {
    for step in steps {
        if *now > horizon || run.logs.len() + run.files.len() >= MAX_LOG_LINES {
            return false;
        }
        match step {
            Step::Log(line) => run
                .logs
                .extend(line.split('\n').map(|l| (*now, l.to_string()))),
            Step::Sleep(ms) => *now += ms,
            Step::Date => run.logs.push((*now, DATE_LINE.to_string())),
            Step::File(path, exists) => run.files.push((*now, path.clone(), *exists)),
            Step::Allocate(bytes) => run.memory.push((*now, *bytes)),
            Step::Exit(code) => {
                run.exit = Some((*now, *code));
                return true;
            }
            Step::Forever => return false,
            Step::Loop(body) => {
                let body_takes_time = body.iter().any(|s| matches!(s, Step::Sleep(ms) if *ms > 0));
                let body_is_seen = body
                    .iter()
                    .any(|s| !matches!(s, Step::Sleep(_) | Step::Allocate(_) | Step::Forever));
                // A loop that only sleeps changes nothing anyone can see: it runs forever
                // (unrolling it up to the horizon would never end).
                if !body_takes_time || !body_is_seen {
                    // A busy loop without sleeps would spin forever; treat it as running.
                    execute(body, now, horizon, run);
                    return false;
                }
                loop {
                    if !execute(body, now, horizon, run) {
                        return false;
                    }
                    if run.exit.is_some() {
                        return true;
                    }
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_echo_sleep_exit() {
        let steps = parse_script("echo hello; sleep 5; echo 'bye now'; exit 3");
        let run = run(&steps, 60_000);
        assert_eq!(
            run.logs,
            vec![(0, "hello".to_string()), (5000, "bye now".to_string())]
        );
        assert_eq!(run.exit, Some((5000, 3)));
    }

    #[test]
    fn loops_forever_until_the_horizon() {
        let steps = parse_script("while true; do echo tick; sleep 10; done");
        let run = run(&steps, 25_000);
        assert_eq!(run.logs.len(), 3);
        assert_eq!(run.exit, None);
    }

    #[test]
    fn files_appear_and_disappear() {
        let steps = parse_script("touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600");
        let run = run(&steps, u64::MAX / 4);
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
    fn a_loop_that_only_sleeps_runs_forever() {
        let steps = parse_script("while true; do sleep 1; done");
        assert_eq!(run(&steps, u64::MAX / 4).exit, None);
    }

    #[test]
    fn stress_holds_its_memory() {
        let argv: Vec<String> = [
            "stress",
            "--vm",
            "1",
            "--vm-bytes",
            "250M",
            "--vm-hang",
            "1",
        ]
        .map(String::from)
        .to_vec();
        let Program::Script(steps) = program(&argv[..1], &argv[1..], false) else {
            panic!("stress is a script");
        };
        let run = run(&steps, u64::MAX / 4);
        assert_eq!(run.memory, vec![(300, 250 << 20)]);
        assert_eq!(run.exit, None);
        assert_eq!(
            run.logs[0].1,
            "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd"
        );
    }

    #[test]
    fn computes_pi_like_perl_bignum() {
        assert_eq!(pi_digits(10), "3.141592653");
        let long = pi_digits(1000);
        assert!(long.starts_with("3.14159265358979323846264338327950288419716939937510"));
        // The Feynman point: six 9s starting at the 762nd decimal.
        assert_eq!(&long[763..769], "999999");
        assert!(long.ends_with("216420198"), "{}", &long[long.len() - 20..]);
        assert_eq!(long.len(), 1001);
    }

    #[test]
    fn defaults_follow_the_image() {
        assert_eq!(program(&[], &[], false), Program::Serve);
        assert_eq!(
            program(&[], &[], true),
            Program::Script(vec![Step::Exit(0)])
        );
        let sh = program(&["sh".into(), "-c".into(), "sleep 3600".into()], &[], true);
        assert_eq!(sh, Program::Script(vec![Step::Sleep(3_600_000)]));
    }
}
