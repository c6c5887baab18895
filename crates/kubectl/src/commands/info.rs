//! Commands about the cluster and the client: `version`, `cluster-info`, `api-resources`,
//! `config current-context`.

use kubeplay_model::Kind;

use crate::output::Output;
use crate::printers::table::Table;

pub const CLIENT_VERSION: &str = "v1.33.1";

pub fn version(args: &[String], out: &mut Output) {
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

pub fn cluster_info(out: &mut Output) {
    out.line("Kubernetes control plane is running at https://127.0.0.1:6443");
    out.line("CoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy");
    out.line("");
    out.line("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
}

pub fn api_resources(out: &mut Output) {
    let mut table = Table {
        headers: ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
            .iter()
            .map(|h| (*h).to_string())
            .collect(),
        rows: Vec::new(),
    };
    for kind in Kind::all() {
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

pub fn config(args: &[String], out: &mut Output) {
    match args.first().map(String::as_str) {
        Some("current-context") => out.line("kind-kind"),
        Some("get-contexts") => out.out("CURRENT   NAME        CLUSTER     AUTHINFO    NAMESPACE\n*         kind-kind   kind-kind   kind-kind   \n"),
        _ => out.error("error: kubeplay supports `kubectl config current-context` and `get-contexts` only"),
    }
}
