//! The catalogue of resource kinds kubeplay serves, with the names kubectl resolves
//! (plural, singular, short names) and their API group, version and scope.

use std::fmt;

/// A resource kind served by the simulated API server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Namespace,
    Node,
    Pod,
    Service,
    Endpoints,
    ConfigMap,
    ServiceAccount,
    Event,
    PersistentVolumeClaim,
    PersistentVolume,
    Deployment,
    ReplicaSet,
    ReplicationController,
    DaemonSet,
    StatefulSet,
    ControllerRevision,
    Job,
    CronJob,
    StorageClass,
    PodDisruptionBudget,
    NetworkPolicy,
    Secret,
    HorizontalPodAutoscaler,
}

/// Static facts about a kind, as API discovery would report them.
#[derive(Debug)]
pub struct KindInfo {
    pub kind: Kind,
    pub name: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
}

const fn info(
    kind: Kind,
    name: &'static str,
    plural: &'static str,
    short_names: &'static [&'static str],
    group: &'static str,
    namespaced: bool,
) -> KindInfo {
    KindInfo {
        kind,
        name,
        plural,
        singular: "",
        short_names,
        group,
        version: "v1",
        namespaced,
    }
}

/// [`info`] for a group whose served version is not `v1`.
const fn versioned(info: KindInfo, version: &'static str) -> KindInfo {
    KindInfo { version, ..info }
}

/// Discovery order: the order `kubectl api-resources` lists core, then named groups.
static KINDS: &[KindInfo] = &[
    info(
        Kind::ConfigMap,
        "ConfigMap",
        "configmaps",
        &["cm"],
        "",
        true,
    ),
    info(Kind::Endpoints, "Endpoints", "endpoints", &["ep"], "", true),
    info(Kind::Event, "Event", "events", &["ev"], "", true),
    info(
        Kind::Namespace,
        "Namespace",
        "namespaces",
        &["ns"],
        "",
        false,
    ),
    info(Kind::Node, "Node", "nodes", &["no"], "", false),
    info(
        Kind::PersistentVolumeClaim,
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        &["pvc"],
        "",
        true,
    ),
    info(
        Kind::PersistentVolume,
        "PersistentVolume",
        "persistentvolumes",
        &["pv"],
        "",
        false,
    ),
    info(Kind::Pod, "Pod", "pods", &["po"], "", true),
    info(
        Kind::ReplicationController,
        "ReplicationController",
        "replicationcontrollers",
        &["rc"],
        "",
        true,
    ),
    info(Kind::Secret, "Secret", "secrets", &[], "", true),
    info(
        Kind::ServiceAccount,
        "ServiceAccount",
        "serviceaccounts",
        &["sa"],
        "",
        true,
    ),
    info(Kind::Service, "Service", "services", &["svc"], "", true),
    info(
        Kind::ControllerRevision,
        "ControllerRevision",
        "controllerrevisions",
        &[],
        "apps",
        true,
    ),
    info(
        Kind::DaemonSet,
        "DaemonSet",
        "daemonsets",
        &["ds"],
        "apps",
        true,
    ),
    info(
        Kind::Deployment,
        "Deployment",
        "deployments",
        &["deploy"],
        "apps",
        true,
    ),
    info(
        Kind::ReplicaSet,
        "ReplicaSet",
        "replicasets",
        &["rs"],
        "apps",
        true,
    ),
    info(
        Kind::StatefulSet,
        "StatefulSet",
        "statefulsets",
        &["sts"],
        "apps",
        true,
    ),
    versioned(
        info(
            Kind::HorizontalPodAutoscaler,
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            &["hpa"],
            "autoscaling",
            true,
        ),
        "v2",
    ),
    info(Kind::CronJob, "CronJob", "cronjobs", &["cj"], "batch", true),
    info(Kind::Job, "Job", "jobs", &[], "batch", true),
    info(
        Kind::NetworkPolicy,
        "NetworkPolicy",
        "networkpolicies",
        &["netpol"],
        "networking.k8s.io",
        true,
    ),
    info(
        Kind::PodDisruptionBudget,
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        &["pdb"],
        "policy",
        true,
    ),
    info(
        Kind::StorageClass,
        "StorageClass",
        "storageclasses",
        &["sc"],
        "storage.k8s.io",
        false,
    ),
];

impl Kind {
    /// Every kind, in discovery order.
    pub fn all() -> impl Iterator<Item = Kind> {
        KINDS.iter().map(|info| info.kind)
    }

    pub fn info(self) -> &'static KindInfo {
        // Every variant has exactly one entry; the table is checked by a test.
        KINDS
            .iter()
            .find(|info| info.kind == self)
            .unwrap_or(&KINDS[0])
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn plural(self) -> &'static str {
        self.info().plural
    }

    pub fn group(self) -> &'static str {
        self.info().group
    }

    pub fn namespaced(self) -> bool {
        self.info().namespaced
    }

    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(self) -> String {
        let info = self.info();
        if info.group.is_empty() {
            info.version.to_string()
        } else {
            format!("{}/{}", info.group, info.version)
        }
    }

    /// `deployments.apps`, or `pods` for the core group: how API errors name a resource.
    pub fn qualified_plural(self) -> String {
        let info = self.info();
        if info.group.is_empty() {
            info.plural.to_string()
        } else {
            format!("{}.{}", info.plural, info.group)
        }
    }

    /// `deployment.apps`, or `pod` for the core group: how kubectl prefixes names.
    pub fn qualified_singular(self) -> String {
        let singular = self.info().name.to_ascii_lowercase();
        let group = self.group();
        if group.is_empty() {
            singular
        } else {
            format!("{singular}.{group}")
        }
    }

    /// Resolves what a user typed (`deploy`, `pods`, `Deployment`, `deployments.apps`,
    /// `deployment.v1.apps`) to a kind, as kubectl's RESTMapper does.
    pub fn resolve(typed: &str) -> Option<Kind> {
        let lower = typed.to_ascii_lowercase();
        let (resource, group) = match lower.split_once('.') {
            Some((resource, rest)) => {
                // `deployment.v1.apps` carries a version before the group.
                let group = rest
                    .split_once('.')
                    .filter(|(version, _)| {
                        version.starts_with('v')
                            && version[1..].starts_with(|c: char| c.is_ascii_digit())
                    })
                    .map_or(rest, |(_, group)| group);
                (resource.to_string(), Some(group.to_string()))
            }
            None => (lower.clone(), None),
        };
        KINDS.iter().map(|info| info.kind).find(|kind| {
            let info = kind.info();
            let group_ok = group.as_deref().is_none_or(|group| {
                group == info.group || (group == "v1" && info.group.is_empty())
            });
            group_ok
                && (resource == info.plural
                    || resource == info.name.to_ascii_lowercase()
                    || info.short_names.contains(&resource.as_str()))
        })
    }

    /// Looks a kind up by `apiVersion` and `kind` as written in a manifest.
    pub fn from_manifest(api_version: &str, kind: &str) -> Option<Kind> {
        KINDS
            .iter()
            .find(|info| info.name == kind && info.kind.api_version() == api_version)
            .map(|info| info.kind)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_entry() {
        for info in KINDS {
            assert_eq!(
                KINDS.iter().filter(|other| other.kind == info.kind).count(),
                1
            );
            assert_eq!(info.kind.info().name, info.name);
        }
    }

    #[test]
    fn resolves_what_users_type() {
        assert_eq!(Kind::resolve("deploy"), Some(Kind::Deployment));
        assert_eq!(Kind::resolve("Deployments"), Some(Kind::Deployment));
        assert_eq!(Kind::resolve("deployments.apps"), Some(Kind::Deployment));
        assert_eq!(Kind::resolve("deployment.v1.apps"), Some(Kind::Deployment));
        assert_eq!(Kind::resolve("po"), Some(Kind::Pod));
        assert_eq!(Kind::resolve("no"), Some(Kind::Node));
        assert_eq!(Kind::resolve("ds"), Some(Kind::DaemonSet));
        assert_eq!(Kind::resolve("deploymnts"), None);
        assert_eq!(Kind::resolve("pods.apps"), None);
    }

    #[test]
    fn names_resources_like_the_api_server() {
        assert_eq!(Kind::Deployment.qualified_plural(), "deployments.apps");
        assert_eq!(Kind::Pod.qualified_plural(), "pods");
        assert_eq!(Kind::Deployment.qualified_singular(), "deployment.apps");
        assert_eq!(Kind::Job.api_version(), "batch/v1");
        assert_eq!(
            Kind::from_manifest("apps/v1", "Deployment"),
            Some(Kind::Deployment)
        );
        assert_eq!(Kind::from_manifest("v1", "Deployment"), None);
    }
}
