//! `kubectl auth can-i` and `auth whoami` for kind's admin user (`kubernetes-admin` in the
//! `kubeadm:cluster-admins` group, bound to `cluster-admin`): every action is allowed.
//! `--list` shows the rules a SelfSubjectRulesReview returns for that user — cluster-admin's
//! plus the bootstrap roles every authenticated user has — broken down and sorted as
//! `printStatus` does (by each rule's Go string, verbs first).

use crate::args::{self, Flag, boolean, value};
use crate::output::Output;
use crate::printers::table::Table;

const USAGE: &str = "Inspect authorization.\n\nAvailable Commands:\n  can-i         Check whether an action is allowed\n  reconcile     Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects\n  whoami        Experimental: Check self subject attributes\n\nUsage:\n  kubectl auth [flags] [options]\n\nUse \"kubectl auth <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).";

const FLAGS: &[Flag] = &[
    boolean("list", None),
    boolean("no-headers", None),
    boolean("quiet", Some('q')),
    boolean("all-namespaces", Some('A')),
    value("subresource", None),
    value("as", None),
    value("as-group", None),
];

/// One rule of the review: verbs, groups, resources, or non-resource URLs.
struct Rule {
    verbs: &'static [&'static str],
    groups: &'static [&'static str],
    resources: &'static [&'static str],
    urls: &'static [&'static str],
}

const fn resource(
    verbs: &'static [&'static str],
    groups: &'static [&'static str],
    resources: &'static [&'static str],
) -> Rule {
    Rule {
        verbs,
        groups,
        resources,
        urls: &[],
    }
}

const fn url(verbs: &'static [&'static str], urls: &'static [&'static str]) -> Rule {
    Rule {
        verbs,
        groups: &[],
        resources: &[],
        urls,
    }
}

/// The bootstrap ClusterRoles kind's admin holds (`plugin/pkg/auth/authorizer/rbac/
/// bootstrappolicy/policy.go`): cluster-admin, system:basic-user, system:discovery and
/// system:public-info-viewer.
const RULES: &[Rule] = &[
    resource(&["*"], &["*"], &["*"]),
    url(&["*"], &["*"]),
    resource(
        &["create"],
        &["authorization.k8s.io"],
        &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
    ),
    resource(
        &["create"],
        &["authentication.k8s.io"],
        &["selfsubjectreviews"],
    ),
    url(
        &["get"],
        &[
            "/healthz",
            "/version",
            "/version/",
            "/api",
            "/api/*",
            "/apis",
            "/apis/*",
            "/openapi",
            "/openapi/*",
            "/livez",
            "/readyz",
        ],
    ),
    url(
        &["get"],
        &["/healthz", "/version", "/version/", "/livez", "/readyz"],
    ),
];

pub fn run(args: &[String], out: &mut Output) {
    if let Err(error) = crate::args::check_parent_flags(args, "auth") {
        return out.error(error);
    }
    match args.first().map(String::as_str) {
        Some("can-i") => can_i(&args[1..], out),
        Some("whoami") => out.out(
            Table {
                headers: vec!["ATTRIBUTE".into(), "VALUE".into()],
                rows: vec![
                    vec!["Username".into(), "kubernetes-admin".into()],
                    vec![
                        "Groups".into(),
                        "[kubeadm:cluster-admins system:authenticated]".into(),
                    ],
                ],
            }
            .render(true),
        ),
        Some("reconcile") => {
            out.error("error: kubeplay does not simulate \"kubectl auth reconcile\" yet")
        }
        None => out.error(USAGE),
        Some(other) => out.error(format!(
            "error: unknown command {other:?}\nSee 'kubectl auth -h' for help and examples"
        )),
    }
}

fn can_i(args: &[String], out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "auth can-i") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    if parsed.bool("list") {
        if !parsed.positional.is_empty() {
            return out.error("error: list option must be specified with no arguments");
        }
        return out.out(rules_table().render(!parsed.bool("no-headers")));
    }
    if !(2..=3).contains(&parsed.positional.len()) {
        return out.error("error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.");
    }
    let resource = &parsed.positional[1];
    if !resource.starts_with('/')
        && resource != "*"
        && kubeplay_model::Kind::resolve(resource.split('/').next().unwrap_or(resource)).is_none()
    {
        out.note(format!(
            "Warning: the server doesn't have a resource type '{}'",
            resource.split('/').next().unwrap_or(resource)
        ));
    }
    if !parsed.bool("quiet") {
        out.line("yes");
    }
}

/// The rules broken down to one resource or URL each, sorted by their Go string.
fn rules_table() -> Table {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for rule in RULES {
        let verbs = format!("[{}]", rule.verbs.join(" "));
        for group in rule.groups {
            for resource in rule.resources {
                let sort_key = format!(
                    "&PolicyRule{{Verbs:{verbs},APIGroups:[{group}],Resources:[{resource}],ResourceNames:[],NonResourceURLs:[],}}"
                );
                let name = if group.is_empty() {
                    (*resource).to_string()
                } else {
                    format!("{resource}.{group}")
                };
                rows.push((
                    sort_key,
                    vec![name, "[]".into(), "[]".into(), verbs.clone()],
                ));
            }
        }
        for url in rule.urls {
            let sort_key = format!(
                "&PolicyRule{{Verbs:{verbs},APIGroups:[],Resources:[],ResourceNames:[],NonResourceURLs:[{url}],}}"
            );
            rows.push((
                sort_key,
                vec![
                    String::new(),
                    format!("[{url}]"),
                    "[]".into(),
                    verbs.clone(),
                ],
            ));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Table {
        headers: ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]
            .iter()
            .map(|h| (*h).to_string())
            .collect(),
        rows: rows.into_iter().map(|(_, row)| row).collect(),
    }
}
