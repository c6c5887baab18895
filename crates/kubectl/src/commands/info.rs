//! Commands about the cluster and the client: `version`, `cluster-info`, `api-resources`,
//! `config current-context`.

use kubeplay_model::Kind;

use crate::args::{self, Flag, boolean, value};
use crate::output::Output;
use crate::printers::table::Table;

pub const CLIENT_VERSION: &str = "v1.33.1";

// Each command's own flags (v1.33), so that others are refused with cobra's hint.
const VERSION_FLAGS: &[Flag] = &[boolean("client", None), value("output", Some('o'))];
const API_RESOURCES_FLAGS: &[Flag] = &[
    value("api-group", None),
    boolean("cached", None),
    value("categories", None),
    boolean("namespaced", None),
    boolean("no-headers", None),
    value("output", Some('o')),
    value("sort-by", None),
    value("verbs", None),
];
const GET_CONTEXTS_FLAGS: &[Flag] = &[boolean("no-headers", None), value("output", Some('o'))];
const CONFIG_SUBCOMMANDS: &[args::Subcommand] = &[
    ("current-context", &[]),
    ("delete-cluster", &[]),
    ("delete-context", &[]),
    ("delete-user", &[]),
    ("get-clusters", &[]),
    ("get-contexts", &[]),
    ("get-users", &[]),
    ("rename-context", &[]),
    ("set", &[]),
    ("set-cluster", &[]),
    ("set-context", &[]),
    ("set-credentials", &[]),
    ("unset", &[]),
    ("use-context", &["use"]),
    ("view", &[]),
];

pub fn version(args: &[String], out: &mut Output) {
    match args::parse(args, VERSION_FLAGS, "version") {
        Err(error) => return out.error(error),
        Ok(parsed) if !parsed.positional.is_empty() => {
            return out.error(format!(
                "error: extra arguments: {}",
                go_list(&parsed.positional)
            ));
        }
        Ok(_) => {}
    }
    if args.iter().any(|a| a == "--client") {
        out.line(format!(
            "Client Version: {CLIENT_VERSION}\nKustomize Version: v5.6.0"
        ));
    } else {
        out.line(format!(
            "Client Version: {CLIENT_VERSION}\nKustomize Version: v5.6.0\nServer Version: v1.33.1"
        ));
    }
}

/// A string slice as Go's `%v` prints it: `[a b]`.
fn go_list(words: &[String]) -> String {
    format!("[{}]", words.join(" "))
}

pub fn cluster_info(args: &[String], out: &mut Output) {
    if let Err(error) = args::parse(args, &[], "cluster-info") {
        return out.error(error);
    }
    out.line("Kubernetes control plane is running at https://127.0.0.1:6443");
    out.line("CoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy");
    out.line("");
    out.line("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
}

pub fn api_resources(args: &[String], out: &mut Output) {
    let group = match args::parse(args, API_RESOURCES_FLAGS, "api-resources") {
        Err(error) => return out.error(error),
        Ok(parsed) if !parsed.positional.is_empty() => {
            return out.error(format!(
                "error: unexpected arguments: {}\nSee 'kubectl api-resources -h' for help and examples",
                go_list(&parsed.positional)
            ));
        }
        Ok(parsed) => parsed.value("api-group").map(str::to_string),
    };
    let mut table = Table {
        headers: ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
            .iter()
            .map(|h| (*h).to_string())
            .collect(),
        rows: Vec::new(),
    };
    // `--api-group` keeps one group's rows (`''` is the core group); the columns are as wide
    // as the rows printed.
    for kind in Kind::all().filter(|kind| group.as_deref().is_none_or(|g| g == kind.group())) {
        let info = kind.info();
        table.rows.push(vec![
            info.plural.into(),
            info.short_names.join(","),
            kind.api_version(),
            info.namespaced.to_string(),
            info.name.into(),
        ]);
    }
    out.out(table.render(true));
}

/// `kubectl api-versions`: the group/versions of the kinds kubeplay serves, sorted.
pub fn api_versions(args: &[String], out: &mut Output) {
    if let Err(error) = crate::args::parse(args, &[], "api-versions") {
        return out.error(error);
    }
    if !args.is_empty() {
        return out.error(format!(
            "error: unexpected arguments: [{}]\nSee 'kubectl api-versions -h' for help and examples",
            args.join(" ")
        ));
    }
    let versions: std::collections::BTreeSet<String> = Kind::all().map(Kind::api_version).collect();
    for version in versions {
        out.line(version);
    }
}
/// `kubectl config` without a subcommand prints its help (text of kubectl v1.33.1).
const CONFIG_USAGE: &str = include_str!("config-usage.txt");

pub fn config(args: &[String], out: &mut Output) {
    let command = args::command_path("config", CONFIG_SUBCOMMANDS, args, &[]);
    let flags = match command.as_str() {
        "config get-contexts" => GET_CONTEXTS_FLAGS,
        _ => &[],
    };
    if let Err(error) = args::parse(args, flags, &command) {
        return out.error(error);
    }
    match command.strip_prefix("config ") {
        None if args.is_empty() => out.out(CONFIG_USAGE),
        None => out.error(format!(
            "error: unknown command {:?}\nSee 'kubectl config -h' for help and examples",
            args.join(" ")
        )),
        Some("current-context") => out.line("kind-kind"),
        Some("get-contexts") => out.out("CURRENT   NAME        CLUSTER     AUTHINFO    NAMESPACE\n*         kind-kind   kind-kind   kind-kind   \n"),
        Some(_) => out.error("error: kubeplay supports `kubectl config current-context` and `get-contexts` only"),
    }
}
