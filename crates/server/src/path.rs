//! Request paths of the Kubernetes API: `/api/v1/namespaces/NS/pods/NAME/log` and the like,
//! resolved against the catalogue of served kinds.

use kubeplay_model::Kind;

/// What a resource path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub kind: Kind,
    /// None: all namespaces (or a cluster-scoped kind).
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

/// A path under `/api` or `/apis`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiPath {
    /// `/api` or `/apis`.
    Root {
        core: bool,
    },
    /// `/apis/GROUP`.
    Group(String),
    /// `/api/v1` or `/apis/GROUP/VERSION`.
    GroupVersion {
        group: String,
        version: String,
    },
    Resource(Target),
}

fn kind_of(group: &str, version: &str, plural: &str) -> Option<Kind> {
    Kind::all().find(|kind| {
        let info = kind.info();
        info.group == group && info.version == version && info.plural == plural
    })
}

/// Resolves a path; None when it names nothing the server serves.
pub fn parse(path: &str) -> Option<ApiPath> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api"] => return Some(ApiPath::Root { core: true }),
        ["apis"] => return Some(ApiPath::Root { core: false }),
        ["apis", group] => return Some(ApiPath::Group((*group).to_string())),
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    if rest.is_empty() {
        let served = Kind::all().any(|k| k.info().group == group && k.info().version == version);
        return served.then(|| ApiPath::GroupVersion {
            group: group.to_string(),
            version: version.to_string(),
        });
    }
    let resource = |plural: &str, namespace: Option<&str>, tail: &[&str]| -> Option<ApiPath> {
        let kind = kind_of(group, version, plural)?;
        if namespace.is_some() && !kind.namespaced() {
            return None;
        }
        let (name, subresource) = match tail {
            [] => (None, None),
            [name] => (Some(name.to_string()), None),
            [name, sub] => (Some(name.to_string()), Some(sub.to_string())),
            _ => return None,
        };
        Some(ApiPath::Resource(Target {
            kind,
            namespace: namespace.map(str::to_string),
            name,
            subresource,
        }))
    };
    match rest {
        // `namespaces/NS/pods…`, but `namespaces/NS` and `namespaces/NS/status` are the
        // Namespace itself.
        ["namespaces", namespace, plural, tail @ ..]
            if group.is_empty() && !matches!(*plural, "status" | "finalize")
                || !group.is_empty() =>
        {
            resource(plural, Some(namespace), tail)
        }
        [plural, tail @ ..] => resource(plural, None, tail),
        [] => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(path: &str) -> Target {
        match parse(path) {
            Some(ApiPath::Resource(target)) => target,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn resolves_namespaced_cluster_and_subresource_paths() {
        let pods = target("/api/v1/namespaces/default/pods");
        assert_eq!(
            (pods.kind, pods.namespace.as_deref()),
            (Kind::Pod, Some("default"))
        );
        let log = target("/api/v1/namespaces/default/pods/web/log");
        assert_eq!(
            (log.name.as_deref(), log.subresource.as_deref()),
            (Some("web"), Some("log"))
        );
        let all = target("/apis/apps/v1/deployments");
        assert_eq!((all.kind, all.namespace), (Kind::Deployment, None));
        let namespace = target("/api/v1/namespaces/kube-system");
        assert_eq!(
            (namespace.kind, namespace.name.as_deref()),
            (Kind::Namespace, Some("kube-system"))
        );
        let status = target("/api/v1/namespaces/kube-system/status");
        assert_eq!(status.subresource.as_deref(), Some("status"));
        assert_eq!(
            parse("/apis/apps/v1/namespaces/x/nodes"),
            None,
            "nodes are not namespaced"
        );
        assert_eq!(parse("/api/v1/widgets"), None);
        assert_eq!(parse("/apis/apps/v2"), None);
        assert_eq!(parse("/healthz"), None);
    }
}
