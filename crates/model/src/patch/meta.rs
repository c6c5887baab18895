//! The strategic-merge metadata of the real v1.33 types (`patchStrategy` and
//! `patchMergeKey` struct tags in `k8s.io/api`): which lists merge, and by which key. A list
//! not named here is replaced whole, as an untagged Go field is.

/// How a list field merges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListMerge {
    /// Replaced whole by the patch's list.
    Replace,
    /// A list of scalars merged as a set (`finalizers`).
    Primitives,
    /// Objects matched by this key (`containers` by `name`).
    ByKey(&'static str),
}

/// How the list at `path` (field names from the object's root, list indices left out)
/// merges.
pub fn list_merge(path: &[&str]) -> ListMerge {
    let Some((field, parents)) = path.split_last() else {
        return ListMerge::Replace;
    };
    let parent = parents.last().copied().unwrap_or_default();
    match *field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "imagePullSecrets"
        | "volumes"
        | "schedulingGates"
        | "resourceClaims"
        | "env"
        | "secrets" => ListMerge::ByKey("name"),
        "ports"
            if matches!(
                parent,
                "containers" | "initContainers" | "ephemeralContainers"
            ) =>
        {
            ListMerge::ByKey("containerPort")
        }
        // Service ports merge by port; an Endpoints subset's ports are atomic.
        "ports" if path == ["spec", "ports"] => ListMerge::ByKey("port"),
        "volumeMounts" => ListMerge::ByKey("mountPath"),
        "volumeDevices" => ListMerge::ByKey("devicePath"),
        "hostAliases" => ListMerge::ByKey("ip"),
        "ownerReferences" if parent == "metadata" => ListMerge::ByKey("uid"),
        "finalizers" if parent == "metadata" => ListMerge::Primitives,
        "conditions" if parent == "status" => ListMerge::ByKey("type"),
        "addresses" if path == ["status", "addresses"] => ListMerge::ByKey("type"),
        "topologySpreadConstraints" => ListMerge::ByKey("topologyKey"),
        _ => ListMerge::Replace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_tagged_lists() {
        let containers = ["spec", "template", "spec", "containers"];
        assert_eq!(list_merge(&containers), ListMerge::ByKey("name"));
        let ports = ["spec", "template", "spec", "containers", "ports"];
        assert_eq!(list_merge(&ports), ListMerge::ByKey("containerPort"));
        assert_eq!(list_merge(&["spec", "ports"]), ListMerge::ByKey("port"));
        assert_eq!(
            list_merge(&["metadata", "finalizers"]),
            ListMerge::Primitives
        );
        assert_eq!(list_merge(&["spec", "tolerations"]), ListMerge::Replace);
        assert_eq!(
            list_merge(&["spec", "containers", "args"]),
            ListMerge::Replace
        );
    }
}
