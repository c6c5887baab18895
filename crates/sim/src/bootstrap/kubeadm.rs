//! The parts of a kind config's `kubeadmConfigPatches` the simulation honours: the
//! controller manager's client limits (`controllerManager.extraArgs` `kube-api-qps` and
//! `kube-api-burst` in a `ClusterConfiguration` patch), as kind hands them to kubeadm. Both
//! kubeadm forms of `extraArgs` are read: a map (v1beta3) and a list of `name`/`value`
//! pairs (v1beta4). Patches are read from the top level and from control-plane nodes.

use serde_json::Value;

use super::ShapeError;
use crate::cluster::RateLimit;

/// The controller manager's client limits a kind config asks for (its defaults otherwise).
pub(super) fn controller_manager_limit(config: &Value) -> Result<RateLimit, ShapeError> {
    let mut qps = None;
    let mut burst = None;
    for patch in patches(config) {
        let Ok(document) = serde_norway::from_str::<Value>(patch) else {
            return Err(ShapeError(
                "kubeadmConfigPatches must be YAML documents".into(),
            ));
        };
        if document.get("kind").and_then(Value::as_str) != Some("ClusterConfiguration") {
            continue;
        }
        let Some(args) = document
            .get("controllerManager")
            .and_then(|c| c.get("extraArgs"))
        else {
            continue;
        };
        if let Some(value) = extra_arg(args, "kube-api-qps") {
            qps = Some(value);
        }
        if let Some(value) = extra_arg(args, "kube-api-burst") {
            burst = Some(value);
        }
    }
    RateLimit::from_flags(
        qps.as_deref(),
        burst.as_deref(),
        RateLimit::CONTROLLER_MANAGER,
    )
    .ok_or_else(|| {
        ShapeError(
            "controllerManager.extraArgs: kube-api-qps must be a positive number and \
             kube-api-burst a positive integer"
                .into(),
        )
    })
}

/// The patch texts: the config's own, then each control-plane node's.
fn patches(config: &Value) -> impl Iterator<Item = &str> {
    let own = config.get("kubeadmConfigPatches");
    let nodes = config
        .get("nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|node| {
            node.get("role")
                .and_then(Value::as_str)
                .is_none_or(|role| role == "control-plane")
        })
        .filter_map(|node| node.get("kubeadmConfigPatches"));
    std::iter::once(own)
        .flatten()
        .chain(nodes)
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
}

/// One `extraArgs` value, from a map or a list of `name`/`value` pairs; numbers written
/// without quotes are read as their text.
fn extra_arg(args: &Value, name: &str) -> Option<String> {
    let value = match args {
        Value::Object(map) => map.get(name)?,
        Value::Array(list) => list
            .iter()
            .rev()
            .find(|arg| arg.get("name").and_then(Value::as_str) == Some(name))?
            .get("value")?,
        _ => return None,
    };
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => Some(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(config: &str) -> Result<RateLimit, ShapeError> {
        controller_manager_limit(&serde_norway::from_str(config).unwrap_or(Value::Null))
    }

    #[test]
    fn the_defaults_without_patches() {
        assert_eq!(limit("kind: Cluster"), Ok(RateLimit::CONTROLLER_MANAGER));
    }

    #[test]
    fn extra_args_as_a_map_or_a_list() {
        let map = "kubeadmConfigPatches:\n- |\n  kind: ClusterConfiguration\n  controllerManager:\n    extraArgs:\n      kube-api-qps: \"100\"\n      kube-api-burst: 200\n";
        assert_eq!(
            limit(map),
            Ok(RateLimit {
                milli_qps: 100_000,
                burst: 200
            })
        );
        let list = "nodes:\n- role: control-plane\n  kubeadmConfigPatches:\n  - |\n    kind: ClusterConfiguration\n    controllerManager:\n      extraArgs:\n      - name: kube-api-qps\n        value: \"50\"\n";
        assert_eq!(
            limit(list),
            Ok(RateLimit {
                milli_qps: 50_000,
                burst: 30
            })
        );
    }

    #[test]
    fn bad_values_are_refused() {
        let bad = "kubeadmConfigPatches:\n- |\n  kind: ClusterConfiguration\n  controllerManager:\n    extraArgs:\n      kube-api-qps: lots\n";
        assert!(limit(bad).is_err());
    }
}
