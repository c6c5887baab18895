//! `kubectl top node|pod`: kind runs no metrics-server, so the Metrics API is not served
//! and kubectl answers as it does there (`top_pod.go`/`top_node.go` check discovery for
//! `metrics.k8s.io` first).

use crate::output::Output;

const USAGE: &str = "Display resource (CPU/memory) usage.\n\n The top command allows you to see the resource consumption for nodes or pods.\n\n This command requires Metrics Server to be correctly configured and working on the server.\n\nAvailable Commands:\n  node          Display resource (CPU/memory) usage of nodes\n  pod           Display resource (CPU/memory) usage of pods\n\nUsage:\n  kubectl top [flags] [options]\n\nUse \"kubectl top <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).";

pub fn run(args: &[String], out: &mut Output) {
    if let Err(error) = crate::args::check_parent_flags(args, "top") {
        return out.error(error);
    }
    match args.first().map(String::as_str) {
        Some("node" | "nodes" | "no" | "pod" | "pods" | "po") => {
            out.error("error: Metrics API not available")
        }
        None => out.error(USAGE),
        Some(other) => out.error(format!(
            "error: unknown command {other:?}\nSee 'kubectl top -h' for help and examples"
        )),
    }
}
