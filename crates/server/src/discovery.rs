//! API discovery as kubectl v1.33 reads it: the aggregated documents
//! (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`) for `/api` and `/apis`, the legacy
//! `APIVersions`/`APIGroupList`/`APIResourceList` fallbacks, and `/version`.

use kubeplay_model::Kind;
use kubeplay_sim::nodes::machine::KUBERNETES_VERSION;
use serde_json::{Value, json};

pub const AGGREGATED_CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

const VERBS: [&str; 8] = [
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// Whether the client asked for the aggregated form (kubectl lists it first in `Accept`).
pub fn wants_aggregated(accept: &str) -> bool {
    accept
        .split(',')
        .next()
        .is_some_and(|first| first.contains("as=APIGroupDiscoveryList") && first.contains("v=v2"))
}

/// Kinds `kubectl get all` shows (the `all` category).
fn categories(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Pod
        | Kind::ReplicationController
        | Kind::Service
        | Kind::Deployment
        | Kind::ReplicaSet
        | Kind::StatefulSet
        | Kind::DaemonSet
        | Kind::Job
        | Kind::CronJob => &["all"],
        _ => &[],
    }
}

/// The subresources a kind serves, with their verbs and response kind.
pub fn subresources(kind: Kind) -> Vec<(&'static str, &'static [&'static str], Value)> {
    let own = json!({"group": kind.group(), "version": "v1", "kind": kind.name()});
    let scale = json!({"group": "autoscaling", "version": "v1", "kind": "Scale"});
    let status: (&str, &[&str], Value) = ("status", &["get", "patch", "update"], own.clone());
    match kind {
        Kind::Pod => vec![
            (
                "binding",
                &["create"],
                json!({"group": "", "version": "v1", "kind": "Binding"}),
            ),
            (
                "eviction",
                &["create"],
                json!({"group": "policy", "version": "v1", "kind": "Eviction"}),
            ),
            (
                "log",
                &["get"],
                json!({"group": "", "version": "v1", "kind": "Pod"}),
            ),
            status,
        ],
        Kind::Deployment | Kind::ReplicaSet | Kind::ReplicationController | Kind::StatefulSet => {
            vec![("scale", &["get", "patch", "update"], scale), status]
        }
        Kind::DaemonSet
        | Kind::Job
        | Kind::CronJob
        | Kind::Namespace
        | Kind::Node
        | Kind::Service
        | Kind::PersistentVolumeClaim
        | Kind::PersistentVolume
        | Kind::PodDisruptionBudget => vec![status],
        _ => Vec::new(),
    }
}

fn kinds_of(group: &str) -> impl Iterator<Item = Kind> + '_ {
    Kind::all().filter(move |kind| kind.group() == group)
}

/// The named groups, in the catalogue's order.
fn groups() -> Vec<&'static str> {
    let mut groups: Vec<&'static str> = Vec::new();
    for kind in Kind::all() {
        if !kind.group().is_empty() && !groups.contains(&kind.group()) {
            groups.push(kind.group());
        }
    }
    groups
}

fn aggregated_resource(kind: Kind) -> Value {
    let info = kind.info();
    let mut resource = json!({
        "resource": info.plural,
        "responseKind": {"group": info.group, "version": info.version, "kind": info.name},
        "scope": if info.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": info.name.to_ascii_lowercase(),
        "verbs": VERBS,
    });
    if !info.short_names.is_empty() {
        resource["shortNames"] = json!(info.short_names);
    }
    if !categories(kind).is_empty() {
        resource["categories"] = json!(categories(kind));
    }
    let subresources: Vec<Value> = subresources(kind)
        .into_iter()
        .map(|(name, verbs, response)| {
            json!({"subresource": name, "responseKind": response, "verbs": verbs})
        })
        .collect();
    if !subresources.is_empty() {
        resource["subresources"] = json!(subresources);
    }
    resource
}

/// `GET /api` or `GET /apis` in the aggregated form.
pub fn aggregated(core: bool) -> Value {
    let names: Vec<&str> = if core { vec![""] } else { groups() };
    let items: Vec<Value> = names
        .into_iter()
        .map(|group| {
            let mut metadata = json!({"creationTimestamp": null});
            if !group.is_empty() {
                metadata["name"] = json!(group);
            }
            json!({
                "metadata": metadata,
                "versions": [{
                    "version": "v1",
                    "resources": kinds_of(group).map(aggregated_resource).collect::<Vec<_>>(),
                    "freshness": "Current",
                }],
            })
        })
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    })
}

/// `GET /api` in the legacy form.
pub fn api_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    })
}

fn group_value(group: &str) -> Value {
    let version = json!({"groupVersion": format!("{group}/v1"), "version": "v1"});
    json!({"name": group, "versions": [version.clone()], "preferredVersion": version})
}

/// `GET /apis` in the legacy form.
pub fn group_list() -> Value {
    json!({
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": groups().into_iter().map(group_value).collect::<Vec<_>>(),
    })
}

/// `GET /apis/GROUP`, or None for a group the server does not serve.
pub fn group(name: &str) -> Option<Value> {
    groups().contains(&name).then(|| {
        let mut value = group_value(name);
        value["kind"] = json!("APIGroup");
        value["apiVersion"] = json!("v1");
        value
    })
}

/// `GET /api/v1` or `GET /apis/GROUP/v1`.
pub fn resource_list(group: &str) -> Value {
    let mut resources = Vec::new();
    for kind in kinds_of(group) {
        let info = kind.info();
        let mut resource = json!({
            "name": info.plural,
            "singularName": info.name.to_ascii_lowercase(),
            "namespaced": info.namespaced,
            "kind": info.name,
            "verbs": VERBS,
        });
        if !info.short_names.is_empty() {
            resource["shortNames"] = json!(info.short_names);
        }
        if !categories(kind).is_empty() {
            resource["categories"] = json!(categories(kind));
        }
        resources.push(resource);
        for (name, verbs, response) in subresources(kind) {
            let mut sub = json!({
                "name": format!("{}/{name}", info.plural),
                "singularName": "",
                "namespaced": info.namespaced,
                "kind": response["kind"],
                "verbs": verbs,
            });
            if response["group"] != json!(info.group) {
                sub["group"] = response["group"].clone();
                sub["version"] = response["version"].clone();
            }
            resources.push(sub);
        }
    }
    let group_version = if group.is_empty() {
        "v1".to_string()
    } else {
        format!("{group}/v1")
    };
    json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    })
}

/// `GET /version`: the kind node image's Kubernetes.
pub fn version() -> Value {
    let minor = KUBERNETES_VERSION
        .trim_start_matches('v')
        .split('.')
        .nth(1)
        .unwrap_or_default();
    json!({
        "major": "1",
        "minor": minor,
        "emulationMajor": "1",
        "emulationMinor": minor,
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": minor.parse::<u32>().map_or(0, |m| m.saturating_sub(1)).to_string(),
        "gitVersion": KUBERNETES_VERSION,
        // A simulation has no build of its own to name.
        "gitCommit": "",
        "gitTreeState": "",
        "buildDate": "",
        "goVersion": "go1.24.2",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}
