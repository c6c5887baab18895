//! Command-line options of `kubeplay`.

use jiff::Timestamp;

pub const USAGE: &str = "Usage:
  kubeplay run [--cluster kind|kind-multi|FILE] [--seed N] [--start RFC3339]
               [--budget SECONDS] SCRIPT
  kubeplay serve [--cluster kind|kind-multi|FILE] [--seed N] [--start RFC3339]
                 [--listen ADDRESS:PORT] [--clock real|manual] [--speed X]
                 [--kubeconfig FILE] [--watch-cache-size N]
  kubeplay lesson check [--quick] FILE...

Runs SCRIPT (a file of terminal commands, or - for standard input) against a fresh
simulated Kubernetes v1.33 cluster and prints the transcript: each command as `$ ` plus its
first line, then everything it printed. The same seed, start and script give the same
transcript, byte for byte.

`kubeplay serve` serves the same simulated cluster over the Kubernetes HTTP API, so the
real kubectl and client libraries drive it: it prints its address, writes a kubeconfig
with a `kubeplay` context, and runs until interrupted (Ctrl+C).

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

Options of serve (and --cluster, --seed, --start as for run):
  --listen     address to listen on (default 127.0.0.1:6443; loopback unless told)
  --clock      real (default): virtual time follows the wall clock, --speed times as
               fast, and starts now unless --start says otherwise; manual: it moves only
               on POST /kubeplay/v1/advance?seconds=N (for tests and scripted runs)
  --speed      how much faster than the wall clock a real clock runs (default 1)
  --kubeconfig where to write the kubeconfig (default kubeplay.kubeconfig)
  --watch-cache-size
               how many recent changes watches can resume from (default 10000); older
               resourceVersions get 410 Gone, as from the API server's watch cache
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

/// Options of `kubeplay serve`.
pub struct ServeOptions {
    pub cluster: String,
    pub seed: u64,
    /// None: now for a real clock, the default start for a manual one.
    pub start: Option<Timestamp>,
    pub listen: std::net::SocketAddr,
    /// None: manual; Some(speed): real.
    pub speed: Option<f64>,
    pub kubeconfig: String,
    pub watch_cache_size: usize,
}

pub enum Command {
    Help,
    Run(Options),
    Serve(ServeOptions),
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
        Some("serve") => return parse_serve(&args[1..]).map(Command::Serve),
        Some("lesson") => return parse_lesson(&args[1..]),
        Some(other) => return Err(format!("unknown command {other:?}")),
    }
    let mut options = Options {
        cluster: "kind".into(),
        seed: 1,
        start: default_start(),
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

/// The start time of runs and manual clocks: where the golden transcripts begin.
pub fn default_start() -> Timestamp {
    Timestamp::constant(1_748_859_300, 0)
}

fn parse_serve(args: &[String]) -> Result<ServeOptions, String> {
    let mut options = ServeOptions {
        cluster: "kind".into(),
        seed: 1,
        start: None,
        listen: "127.0.0.1:6443".parse().map_err(|e| format!("{e}"))?,
        speed: Some(1.0),
        kubeconfig: "kubeplay.kubeconfig".into(),
        watch_cache_size: kubeplay_server::DEFAULT_WATCH_CACHE_SIZE,
    };
    let mut clock = "real".to_string();
    let mut speed = 1.0;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag {
            "--cluster" => options.cluster = value()?,
            "--seed" => {
                options.seed = value()?
                    .parse()
                    .map_err(|_| "--seed takes a whole number".to_string())?
            }
            "--start" => {
                let text = value()?;
                options.start = Some(text.parse().map_err(|error| {
                    format!("--start {text:?} is not an RFC 3339 time: {error}")
                })?);
            }
            "--listen" => {
                let text = value()?;
                options.listen = text
                    .parse()
                    .map_err(|_| format!("--listen {text:?} is not an ADDRESS:PORT"))?;
            }
            "--clock" => clock = value()?,
            "--speed" => {
                let text = value()?;
                speed = text
                    .parse::<f64>()
                    .ok()
                    .filter(|speed| speed.is_finite() && *speed > 0.0)
                    .ok_or_else(|| format!("--speed {text:?} is not a positive number"))?;
            }
            "--kubeconfig" => options.kubeconfig = value()?,
            "--watch-cache-size" => {
                options.watch_cache_size = value()?
                    .parse()
                    .ok()
                    .filter(|size| *size > 0)
                    .ok_or("--watch-cache-size takes a positive whole number")?
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    options.speed = match clock.as_str() {
        "real" => Some(speed),
        "manual" => None,
        other => return Err(format!("--clock is real or manual, not {other:?}")),
    };
    Ok(options)
}
