//! The fuzz entry points, one per parser or interpreter that reads what a learner (or a
//! crafted link) can type. The cargo-fuzz targets in `fuzz/` call these and nothing else, and
//! `tests/corpus.rs` replays every committed corpus and crash input through the same
//! functions on stable Rust, so a crash once found stays fixed.
//!
//! Each entry point must return normally for every input: an error is an answer, a panic is
//! a bug (in wasm it kills the page).

mod host;

use jiff::Timestamp;
use kubeplay_kubectl::Terminal;
use kubeplay_model::manifest::decode_documents;
use kubeplay_model::schedule::Schedule;
use kubeplay_shell::Shell;
use kubeplay_sim::{ClusterShape, create_cluster};

/// A fuzz target: its name (the directory of its corpus) and its entry point.
pub type Target = (&'static str, fn(&[u8]));

/// Every target.
pub const TARGETS: &[Target] = &[
    ("manifest_apply", manifest_apply),
    ("shell", shell),
    ("kubectl_args", kubectl_args),
    ("kind_config", kind_config),
    ("cron_schedule", cron_schedule),
    ("jsonpath", jsonpath),
    ("share_link", share_link),
];

/// The nodes a kind config may ask for in a fuzz run: enough to exercise multi-node
/// bootstraps, few enough that one input stays fast.
const MAX_FUZZ_NODES: usize = 8;

/// How often a terminal's waits may ask whether to go on before the fuzz input is stopped,
/// standing in for the page's wall-clock budget (`kubectl wait`, `get --watch`, `sleep`).
const WAIT_BUDGET_CHECKS: u32 = 200;

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

fn fresh_terminal() -> Terminal {
    let start = Timestamp::from_second(1_767_225_600).unwrap_or(Timestamp::UNIX_EPOCH);
    let cluster = create_cluster(&ClusterShape::kind(), start, 1);
    Terminal::new(cluster, Box::new(|_| None))
}

/// Runs `body` on a terminal over a kind cluster, with a fresh wait budget. Replayed inputs
/// (`cargo test`) each get a fresh cluster, so a failure reproduces from its input alone.
/// Under cargo-fuzz, booting a cluster for every input would cost more than the input, so a
/// cluster serves [`INPUTS_PER_CLUSTER`] inputs in a row; a crash found that way is
/// minimized and committed as a regression input, which then replays on a fresh cluster.
fn with_terminal(body: impl FnOnce(&mut Terminal)) {
    #[cfg(fuzzing)]
    {
        use std::cell::RefCell;
        thread_local! {
            static SHARED: RefCell<(usize, Option<Terminal>)> = const { RefCell::new((0, None)) };
        }
        SHARED.with_borrow_mut(|(used, terminal)| {
            if *used >= INPUTS_PER_CLUSTER {
                *terminal = None;
                *used = 0;
            }
            *used += 1;
            let terminal = terminal.get_or_insert_with(fresh_terminal);
            budget(terminal);
            body(terminal);
        });
    }
    #[cfg(not(fuzzing))]
    {
        let mut terminal = fresh_terminal();
        budget(&mut terminal);
        body(&mut terminal);
    }
}

/// How many fuzz inputs one cluster serves before a fresh one is booted.
#[cfg(fuzzing)]
const INPUTS_PER_CLUSTER: usize = 200;

fn budget(terminal: &mut Terminal) {
    let mut checks = 0u32;
    terminal.set_budget(
        Box::new(move || {
            checks += 1;
            checks <= WAIT_BUDGET_CHECKS
        }),
        "fuzz: out of budget".into(),
    );
}

/// A manifest decoded as `kubectl apply -f -` reads it, then applied to a fresh cluster
/// (decode, defaulting, validation, admission, the controllers' first reconcile).
pub fn manifest_apply(data: &[u8]) {
    let manifest = text(data);
    let decoded = decode_documents(&manifest, "STDIN");
    if decoded.iter().any(Result::is_ok) {
        with_terminal(|terminal| {
            terminal.kubectl(&["apply", "-f", "-"], &manifest);
        });
    }
}

/// The shell alone: lexer, parser and executor with its builtins, over a host that knows
/// no programs and stops a script after a bounded number of steps.
pub fn shell(data: &[u8]) {
    let mut shell = Shell::new("/root");
    let mut host = host::Bounded::default();
    shell.execute(&text(data), &mut host);
}

/// One command line typed into the page's terminal: the shell hands `kubectl …` and
/// `kubeplay …` to their argument parsers and commands over a fresh cluster. Lines not
/// starting with a program name are read as kubectl's arguments.
pub fn kubectl_args(data: &[u8]) {
    let line = text(data);
    let line = if line.starts_with("kubectl") || line.starts_with("kubeplay") {
        line
    } else {
        format!("kubectl {line}")
    };
    with_terminal(|terminal| {
        terminal.execute(&line);
    });
}

/// A pasted kind `Cluster` config; a small accepted one is booted.
pub fn kind_config(data: &[u8]) {
    if let Ok(shape) = ClusterShape::from_kind_config(&text(data))
        && shape.node_names().len() <= MAX_FUZZ_NODES
        && first_boot_of(&shape)
    {
        create_cluster(&shape, Timestamp::UNIX_EPOCH, 1);
    }
}

/// Whether `shape` has not been booted yet in this fuzz process. A boot is a pure function of
/// the shape, and most mutated configs parse to a shape seen before (the mutation hit a comment,
/// a key order, quoting), so under cargo-fuzz each distinct shape boots once and the parser and
/// validation run on every input: the boot (milliseconds) would otherwise cap the target at a
/// hundred inputs a second. Replayed inputs (`cargo test`) always boot.
fn first_boot_of(shape: &ClusterShape) -> bool {
    #[cfg(fuzzing)]
    {
        use std::cell::RefCell;
        use std::collections::HashSet;
        /// Distinct shapes remembered before the memory is cleared (bounds the fuzzer's RSS).
        const REMEMBERED_SHAPES: usize = 100_000;
        thread_local! {
            static BOOTED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
        }
        BOOTED.with_borrow_mut(|booted| {
            if booted.len() >= REMEMBERED_SHAPES {
                booted.clear();
            }
            booted.insert(format!("{shape:?}"))
        })
    }
    #[cfg(not(fuzzing))]
    {
        let _ = shape;
        true
    }
}

/// A CronJob schedule (with an optional `TZ=` zone), and its next runs when it parses.
pub fn cron_schedule(data: &[u8]) {
    if let Ok(schedule) = Schedule::parse(&text(data)) {
        let mut after = Timestamp::from_second(1_767_225_600).unwrap_or(Timestamp::UNIX_EPOCH);
        for _ in 0..3 {
            match schedule.next_after(after) {
                Some(next) => after = next,
                None => break,
            }
        }
    }
}

/// A `-o jsonpath=` template (the first line) over a JSON document (the rest; a Pod when the
/// rest is not JSON).
pub fn jsonpath(data: &[u8]) {
    let input = text(data);
    let (template, document) = input.split_once('\n').unwrap_or((&input, ""));
    let value = serde_json::from_str(document).unwrap_or_else(|_| host::sample_pod());
    let _ = kubeplay_kubectl::printers::jsonpath::render(template, &value);
}

/// A share link's fragment, decoded as the page does on opening one, and the cluster its
/// settings ask for checked.
pub fn share_link(data: &[u8]) {
    if let Ok((settings, _actions)) = kubeplay_web::share::decode(&text(data)) {
        let _ = settings.preset.shape();
    }
}
