//! The kubectl command tree: splits global flags, dispatches to a command, and answers
//! unknown commands with cobra's message and suggestions.

pub mod apply;
mod attach;
pub mod auth;
pub mod autoscale;
pub mod create;
pub mod delete;
pub mod describe;
pub mod diff;
pub mod drain;
pub mod edit;
pub mod explain;
pub mod expose;
pub mod field_managers;
pub mod get;
pub mod info;
pub mod logs;
pub mod nodes;
pub mod patch;
pub mod pod_template;
pub mod pods;
pub mod port_forward;
pub mod replace;
pub mod report;
pub mod rollout;
pub mod server_side_apply;
pub mod set_env;
pub mod set_resources;
pub mod top;
pub mod wait;
pub mod watch;
pub mod workload;

use crate::args;
use crate::output::Output;
use crate::session::Session;

/// What a command's words after its name are, so Tab completion can offer them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operands {
    /// Nothing completable (or the command's own subcommands).
    Nothing,
    /// A resource kind, then its objects' names (`get pods web`, `get pods/web`).
    Resources,
    /// A resource kind only (`explain pods`).
    Kinds,
    /// Node names.
    Nodes,
    /// Manifest files (`-f FILE`).
    Files,
}

/// Runs a command with its arguments, standard input and the session.
type Handler = fn(&[String], &str, &mut Session, &mut Output);

/// One kubectl command. This table is the only list of commands: it drives dispatch, the
/// "did you mean" suggestions and the page's Tab completion; adding a command is one row.
pub struct Command {
    pub name: &'static str,
    /// None for a real kubectl command kubeplay does not simulate yet.
    handler: Option<Handler>,
    pub operands: Operands,
}

impl Command {
    const fn simulated(name: &'static str, handler: Handler, operands: Operands) -> Command {
        Command {
            name,
            handler: Some(handler),
            operands,
        }
    }

    const fn not_simulated(name: &'static str) -> Command {
        Command {
            name,
            handler: None,
            operands: Operands::Nothing,
        }
    }

    pub fn is_simulated(&self) -> bool {
        self.handler.is_some()
    }
}

/// kubectl's commands in registration order (cobra's suggestions follow it; sorting is off).
pub const COMMANDS: &[Command] = &[
    Command::simulated("create", create::run, Operands::Files),
    Command::simulated("expose", expose::run, Operands::Resources),
    Command::simulated("run", |a, _, s, o| pods::run(a, s, o), Operands::Nothing),
    Command::simulated("set", workload::set, Operands::Nothing),
    Command::simulated("explain", |a, _, _, o| explain::run(a, o), Operands::Kinds),
    Command::simulated("get", get::run, Operands::Resources),
    Command::simulated("edit", edit::run, Operands::Resources),
    Command::simulated("delete", delete::run, Operands::Resources),
    Command::simulated(
        "rollout",
        |a, _, s, o| rollout::run(a, s, o),
        Operands::Nothing,
    ),
    Command::simulated("scale", workload::scale, Operands::Resources),
    Command::simulated("autoscale", autoscale::run, Operands::Resources),
    Command::not_simulated("certificate"),
    Command::simulated(
        "cluster-info",
        |a, _, _, o| info::cluster_info(a, o),
        Operands::Nothing,
    ),
    Command::simulated("top", |a, _, _, o| top::run(a, o), Operands::Nothing),
    Command::simulated(
        "cordon",
        |a, _, s, o| nodes::cordon(a, true, s, o),
        Operands::Nodes,
    ),
    Command::simulated(
        "uncordon",
        |a, _, s, o| nodes::cordon(a, false, s, o),
        Operands::Nodes,
    ),
    Command::simulated("drain", |a, _, s, o| drain::run(a, s, o), Operands::Nodes),
    Command::simulated(
        "taint",
        |a, _, s, o| nodes::taint(a, s, o),
        Operands::Resources,
    ),
    Command::simulated(
        "describe",
        |a, _, s, o| describe::run(a, s, o),
        Operands::Resources,
    ),
    Command::simulated(
        "logs",
        |a, _, s, o| logs::logs(a, s, o),
        Operands::Resources,
    ),
    Command::not_simulated("attach"),
    Command::simulated("exec", pods::exec, Operands::Resources),
    Command::simulated(
        "port-forward",
        |a, _, s, o| port_forward::run(a, s, o),
        Operands::Resources,
    ),
    Command::not_simulated("proxy"),
    Command::not_simulated("cp"),
    Command::simulated("auth", |a, _, _, o| auth::run(a, o), Operands::Nothing),
    Command::not_simulated("debug"),
    Command::not_simulated("events"),
    Command::simulated("diff", diff::run, Operands::Files),
    Command::simulated("apply", apply::run, Operands::Files),
    Command::simulated(
        "patch",
        |a, _, s, o| patch::run(a, s, o),
        Operands::Resources,
    ),
    Command::simulated("replace", replace::run, Operands::Files),
    Command::simulated("wait", |a, _, s, o| wait::run(a, s, o), Operands::Resources),
    Command::not_simulated("kustomize"),
    Command::simulated(
        "label",
        |a, _, s, o| workload::label_or_annotate(a, false, s, o),
        Operands::Resources,
    ),
    Command::simulated(
        "annotate",
        |a, _, s, o| workload::label_or_annotate(a, true, s, o),
        Operands::Resources,
    ),
    Command::not_simulated("completion"),
    Command::not_simulated("alpha"),
    Command::simulated(
        "api-resources",
        |a, _, _, o| info::api_resources(a, o),
        Operands::Nothing,
    ),
    Command::simulated(
        "api-versions",
        |a, _, _, o| info::api_versions(a, o),
        Operands::Nothing,
    ),
    Command::simulated("config", |a, _, _, o| info::config(a, o), Operands::Nothing),
    Command::not_simulated("plugin"),
    Command::simulated(
        "version",
        |a, _, _, o| info::version(a, o),
        Operands::Nothing,
    ),
    Command::not_simulated("options"),
];

/// The command named `name`.
pub fn command(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|command| command.name == name)
}

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
        "help" | "--help" | "-h" => out.out(USAGE),
        name => match self::command(name) {
            Some(Command {
                handler: Some(handler),
                ..
            }) => {
                // What the command writes is recorded for its field manager; the control
                // plane's writes while it waits are not (`Cluster::settle` and
                // `advance_to_within` set the manager aside).
                let manager = field_managers::manager(name, &command_args);
                let outer = session.cluster.api.field_manager.replace(manager);
                handler(&command_args, stdin, session, &mut out);
                session.cluster.api.field_manager = outer;
            }
            Some(known) => out.error(format!(
                "error: kubeplay does not simulate \"kubectl {}\" yet",
                known.name
            )),
            None => out.error(unknown_command(name)),
        },
    }
    session.cluster.settle();
    out
}

/// cobra's answer to an unknown command, with its suggestions.
fn unknown_command(unknown: &str) -> String {
    let names: Vec<&str> = COMMANDS.iter().map(|command| command.name).collect();
    let mut message = format!("error: unknown command {unknown:?} for \"kubectl\"");
    let suggestions = args::suggestions(unknown, &names);
    if !suggestions.is_empty() {
        message.push_str("\n\nDid you mean this?");
        for suggestion in suggestions {
            message.push_str(&format!("\n\t{suggestion}"));
        }
    }
    message
}
