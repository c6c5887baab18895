//! The `kubeplay` program of the terminal: what a learner can do to the simulated cluster
//! that kubectl cannot (break a pod's probes, a node, …). One file per subcommand; this one
//! only dispatches.

mod pod;

use crate::output::Output;
use crate::session::Session;

const USAGE: &str = "kubeplay changes what happens inside the simulated cluster.

Available Commands:
  node        Break and repair nodes
  pod         Make a pod's probes fail or pass again

Usage:
  kubeplay pod fail-probe POD [-c CONTAINER] [--probe readiness|liveness|startup] [-n NAMESPACE]
  kubeplay pod fix-probe POD [-c CONTAINER] [--probe readiness|liveness|startup] [-n NAMESPACE]
  kubeplay COMMAND --help
";

/// Runs `kubeplay ARGS…` (argv without the program name).
pub fn run(argv: &[String], session: &mut Session) -> Output {
    let mut out = Output::default();
    match argv.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => out.out(USAGE),
        Some("pod") => pod::run(&argv[1..], session, &mut out),
        Some(unknown) => out.error(format!(
            "error: unknown command {unknown:?} for \"kubeplay\"\nRun 'kubeplay --help' for usage."
        )),
    }
    session.cluster.settle();
    out
}
