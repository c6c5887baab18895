//! The kubectl command tree: splits global flags, dispatches to a command, and answers
//! unknown commands with cobra's message and suggestions.

pub mod apply;
pub mod create;
pub mod delete;
pub mod describe;
pub mod drain;
pub mod get;
pub mod info;
pub mod nodes;
pub mod pods;
pub mod rollout;
pub mod wait;
pub mod watch;
pub mod workload;

use crate::args;
use crate::output::Output;
use crate::session::Session;

/// kubectl's commands in registration order (cobra's suggestions follow it; sorting is off).
const ALL_COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "alpha",
    "api-resources",
    "api-versions",
    "config",
    "plugin",
    "version",
    "options",
];

/// `kubectl` without arguments prints its full help (text of kubectl v1.33.1).
const USAGE: &str = include_str!("usage.txt");

/// Runs `kubectl ARGS…` (argv without the program name).
pub fn run(argv: &[String], stdin: &str, session: &mut Session) -> Output {
    let mut out = Output::default();
    let (rest, leading) = args::split_command(argv);
    let Some(command) = rest.first() else {
        out.out(USAGE);
        return out;
    };
    // Global flags given before the command apply to it: insert them after the
    // subcommand words but before any `--`.
    let mut command_args: Vec<String> = rest[1..].to_vec();
    let dash = command_args
        .iter()
        .position(|a| a == "--")
        .unwrap_or(command_args.len());
    command_args.splice(dash..dash, leading);
    match command.as_str() {
        "get" => get::run(&command_args, session, &mut out),
        "apply" => apply::run(&command_args, stdin, session, &mut out),
        "create" => create::run(&command_args, stdin, session, &mut out),
        "delete" => delete::run(&command_args, stdin, session, &mut out),
        "describe" => describe::run(&command_args, session, &mut out),
        "scale" => workload::scale(&command_args, stdin, session, &mut out),
        "set" => workload::set(&command_args, session, &mut out),
        "label" => workload::label_or_annotate(&command_args, false, session, &mut out),
        "annotate" => workload::label_or_annotate(&command_args, true, session, &mut out),
        "rollout" => rollout::run(&command_args, session, &mut out),
        "logs" => pods::logs(&command_args, session, &mut out),
        "exec" => pods::exec(&command_args, session, &mut out),
        "run" => pods::run(&command_args, session, &mut out),
        "wait" => wait::run(&command_args, session, &mut out),
        "cordon" => nodes::cordon(&command_args, true, session, &mut out),
        "uncordon" => nodes::cordon(&command_args, false, session, &mut out),
        "taint" => nodes::taint(&command_args, session, &mut out),
        "drain" => drain::run(&command_args, session, &mut out),
        "version" => info::version(&command_args, &mut out),
        "cluster-info" => info::cluster_info(&mut out),
        "api-resources" => info::api_resources(&mut out),
        "config" => info::config(&command_args, &mut out),
        "help" | "--help" | "-h" => out.out(USAGE),
        known if ALL_COMMANDS.contains(&known) => {
            out.error(format!(
                "error: kubeplay does not simulate \"kubectl {known}\" yet"
            ));
        }
        unknown => {
            let mut message = format!("error: unknown command {unknown:?} for \"kubectl\"");
            let suggestions = args::suggestions(unknown, ALL_COMMANDS);
            if !suggestions.is_empty() {
                message.push_str("\n\nDid you mean this?");
                for suggestion in suggestions {
                    message.push_str(&format!("\n\t{suggestion}"));
                }
            }
            out.error(message);
        }
    }
    session.cluster.settle();
    out
}
