//! `kubeplay …`: the playground's own commands, for what kubectl cannot do — break and heal
//! the simulated machines and containers. One file per subcommand; this one only dispatches.

pub mod fit;
pub mod node;
mod pod;
mod traffic;

use crate::output::Output;
use crate::session::Session;

const USAGE: &str = "kubeplay simulates what happens to the cluster's machines and containers.

Available Commands:
  node        Add, stop, start or remove a node's machine
  pod         Make a pod's probes fail or pass again
  fit         Show, node by node, whether a pod fits and why not
  traffic     Show the requests pods sent each other, per pod

Usage:
  kubeplay <command> [arguments]

Use \"kubeplay <command> --help\" for more information about a command.
";

/// Runs `kubeplay ARGS…` (argv without the program name).
pub fn run(argv: &[String], session: &mut Session) -> Output {
    let mut out = Output::default();
    match argv.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => out.out(USAGE),
        Some("node" | "nodes") => node::run(&argv[1..], session, &mut out),
        Some("pod" | "pods") => pod::run(&argv[1..], session, &mut out),
        Some("fit") => fit::run(&argv[1..], session, &mut out),
        Some("traffic") => traffic::run(&argv[1..], session, &mut out),
        Some(other) => out.error(format!(
            "error: unknown command {other:?} for \"kubeplay\"\nRun 'kubeplay --help' for usage."
        )),
    }
    session.cluster.settle();
    out
}
