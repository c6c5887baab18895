//! `kubeplay`: runs a script of terminal commands against a fresh simulated cluster and
//! prints the transcript (`$ command` followed by everything it printed); `kubeplay lesson
//! check` verifies lesson files.

mod lesson;
mod options;
mod serve;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use kubeplay_kubectl::Terminal;
use kubeplay_shell::limits::MAX_INPUT_BYTES;
use kubeplay_shell::split_commands;
use kubeplay_sim::{ClusterShape, create_cluster};
use options::{Command, Options};

/// mimalloc rather than glibc's malloc: a 100,000-replica cluster holds a heap of about 2 GB in
/// millions of small blocks, where glibc's allocator took a growing share of the run (its
/// `_int_malloc` 6% of the 10,000-replica run, 9% of the 100,000 one) and mimalloc's
/// per-size free lists do not (`scale 100000`: 123 s → 83 s, README's Performance).
#[global_allocator]
static ALLOCATOR: kubeplay_heap::Heap = kubeplay_heap::Heap;

fn main() -> ExitCode {
    kubeplay_heap::configure();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match options::parse(&args) {
        Ok(Command::Help) => {
            print!("{}", options::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Command::Run(options)) => run(&options),
        Ok(Command::Serve(options)) => serve::serve(&options),
        Ok(Command::CheckLessons { files, quick }) => lesson::check(&files, quick),
        Err(message) => {
            eprintln!("kubeplay: {message}\n\n{}", options::USAGE);
            ExitCode::from(2)
        }
    }
}

fn read_script(path: &str) -> std::io::Result<String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(path)
    }
}

pub(crate) fn shape(cluster: &str) -> Result<ClusterShape, String> {
    if let Some(preset) = ClusterShape::preset(cluster) {
        return Ok(preset);
    }
    let text = std::fs::read_to_string(cluster)
        .map_err(|error| format!("cannot read cluster config {cluster}: {error}"))?;
    ClusterShape::from_kind_config(&text).map_err(|error| error.to_string())
}

/// `10s`, `2.5s`: a budget as the message about it shows it.
fn go_seconds(duration: Duration) -> String {
    format!("{}s", duration.as_secs_f64())
}

fn run(options: &Options) -> ExitCode {
    let script = match read_script(&options.script) {
        Ok(script) => script,
        Err(error) => {
            eprintln!("kubeplay: cannot read {}: {error}", options.script);
            return ExitCode::from(1);
        }
    };
    if script.len() > MAX_INPUT_BYTES {
        eprintln!(
            "kubeplay: {} is {} bytes; a script may be at most {MAX_INPUT_BYTES} bytes",
            options.script,
            script.len()
        );
        return ExitCode::from(2);
    }
    let shape = match shape(&options.cluster) {
        Ok(shape) => shape,
        Err(error) => {
            eprintln!("kubeplay: {error}");
            return ExitCode::from(2);
        }
    };
    let base: PathBuf = if options.script == "-" {
        PathBuf::from(".")
    } else {
        Path::new(&options.script)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    };
    // `kubectl apply -f PATH` may name files next to the script.
    let fallback = Box::new(move |path: &str| {
        let candidate = if Path::new(path).is_absolute() {
            PathBuf::from(path)
        } else {
            base.join(path)
        };
        std::fs::read_to_string(candidate).ok()
    });
    let cluster = create_cluster(&shape, options.start, options.seed);
    let mut terminal = Terminal::new(cluster, fallback);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for command in split_commands(&script) {
        let first_line = command.lines().next().unwrap_or_default();
        // The core reads no clock: the budget is a question it asks us now and then.
        let started = Instant::now();
        let budget = options.budget;
        terminal.set_budget(
            Box::new(move || started.elapsed() < budget),
            format!(
                "kubeplay: stopped after {} of real time (kubeplay run --budget SECONDS allows longer)",
                go_seconds(budget)
            ),
        );
        let mut transcript = format!("$ {first_line}\n");
        for chunk in terminal.execute(&command).output {
            transcript.push_str(&chunk.text);
        }
        if out.write_all(transcript.as_bytes()).is_err() {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
