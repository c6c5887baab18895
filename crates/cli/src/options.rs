//! Command-line options of `kubeplay`.

use jiff::Timestamp;

pub const USAGE: &str = "Usage:
  kubeplay run [--cluster kind|kind-multi|FILE] [--seed N] [--start RFC3339]
               [--budget SECONDS] SCRIPT
  kubeplay lesson check [--quick] FILE...

Runs SCRIPT (a file of terminal commands, or - for standard input) against a fresh
simulated Kubernetes v1.33 cluster and prints the transcript: each command as `$ ` plus its
first line, then everything it printed. The same seed, start and script give the same
transcript, byte for byte.

`kubeplay lesson check` walks each lesson file (lessons/NAME.md) as a learner would: its
start state, then every step's code, letting virtual time pass until the step's checks
pass; each step's checks must fail before the step and pass after it. Then it leaves out
each step in turn: the rest must fail, or the left-out step's checks must still fail at the
end (--quick skips this).

Options of run:
  --cluster   kind (one node, default), kind-multi (a control plane and three workers),
              or the path of a kind Cluster config file
  --seed      seed of the simulation's random source (default 1)
  --start     virtual wall-clock time when the script starts (default 2025-06-02T10:15:00Z)
  --budget    real seconds each command may take (default 10): a command that waits in
              virtual time longer than this (`sleep` on a busy cluster, `kubectl get -w`)
              is stopped with an error and the script goes on
";

/// Long enough for any sensible command, short enough that a runaway one is noticed.
pub const DEFAULT_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

pub struct Options {
    pub cluster: String,
    pub seed: u64,
    pub start: Timestamp,
    pub script: String,
    /// Wall-clock time each command may take.
    pub budget: std::time::Duration,
}

pub enum Command {
    Help,
    Run(Options),
    CheckLessons { files: Vec<String>, quick: bool },
}

fn parse_lesson(args: &[String]) -> Result<Command, String> {
    if args.first().map(String::as_str) != Some("check") {
        return Err("kubeplay lesson takes one subcommand: check".into());
    }
    let mut files = Vec::new();
    let mut quick = false;
    for arg in &args[1..] {
        match arg.as_str() {
            "--quick" => quick = true,
            other if other.starts_with('-') => return Err(format!("unknown flag {other}")),
            file => files.push(file.to_string()),
        }
    }
    if files.is_empty() {
        return Err("kubeplay lesson check needs at least one FILE".into());
    }
    Ok(Command::CheckLessons { files, quick })
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    match args.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => return Ok(Command::Help),
        Some("run") => {}
        Some("lesson") => return parse_lesson(&args[1..]),
        Some(other) => return Err(format!("unknown command {other:?}")),
    }
    let mut options = Options {
        cluster: "kind".into(),
        seed: 1,
        start: "2025-06-02T10:15:00Z".parse().map_err(|e| format!("{e}"))?,
        script: String::new(),
        budget: DEFAULT_BUDGET,
    };
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or(format!("{name} needs a value"))
        };
        match flag {
            "--cluster" => options.cluster = value("--cluster")?,
            "--seed" => {
                options.seed = value("--seed")?
                    .parse()
                    .map_err(|_| "--seed takes a whole number".to_string())?
            }
            "--start" => {
                let text = value("--start")?;
                options.start = text.parse().map_err(|error| {
                    format!("--start {text:?} is not an RFC 3339 time: {error}")
                })?;
            }
            "--budget" => {
                let text = value("--budget")?;
                options.budget = text
                    .parse::<f64>()
                    .ok()
                    .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
                    .and_then(|seconds| std::time::Duration::try_from_secs_f64(seconds).ok())
                    .ok_or_else(|| {
                        format!("--budget {text:?} is not a positive number of seconds")
                    })?;
            }
            "-" => options.script = "-".into(),
            other if other.starts_with('-') => return Err(format!("unknown flag {other}")),
            script => {
                if !options.script.is_empty() {
                    return Err("only one SCRIPT may be given".into());
                }
                options.script = script.to_string();
            }
        }
    }
    if options.script.is_empty() {
        return Err("SCRIPT is required".into());
    }
    Ok(Command::Run(options))
}
