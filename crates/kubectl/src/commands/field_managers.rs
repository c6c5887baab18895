//! The field manager each kubectl command writes as (`--field-manager`, else the command's
//! default from kubectl's `AddFieldManagerFlagVar`; commands without one are named after
//! kubectl's User-Agent, as the API server names unnamed managers), so the objects it writes
//! carry the `managedFields` a real server records for it.

use kubeplay_sim::field_manager::FieldManager;

/// The command's default manager, and the subresource it writes through.
fn default_manager(command: &str) -> (&'static str, Option<&'static str>) {
    match command {
        "create" => ("kubectl-create", None),
        "apply" => ("kubectl-client-side-apply", None),
        "edit" => ("kubectl-edit", None),
        "patch" => ("kubectl-patch", None),
        "replace" => ("kubectl-replace", None),
        "label" => ("kubectl-label", None),
        "annotate" => ("kubectl-annotate", None),
        "set" => ("kubectl-set", None),
        // kubectl v1.33's scale names no manager: the server names it after the User-Agent.
        "scale" => ("kubectl", Some("scale")),
        "rollout" => ("kubectl-rollout", None),
        "run" => ("kubectl-run", None),
        "expose" => ("kubectl-expose", None),
        "autoscale" => ("kubectl-autoscale", None),
        "taint" => ("kubectl-taint", None),
        _ => ("kubectl", None),
    }
}

/// The manager `kubectl COMMAND ARGS…` writes as.
pub fn manager(command: &str, args: &[String]) -> FieldManager {
    let (default, subresource) = default_manager(command);
    let flag = args
        .iter()
        .take_while(|arg| *arg != "--")
        .enumerate()
        .find_map(|(i, arg)| match arg.strip_prefix("--field-manager") {
            Some(rest) => match rest.strip_prefix('=') {
                Some(value) => Some(value.to_string()),
                None if rest.is_empty() => args.get(i + 1).cloned(),
                None => None,
            },
            None => None,
        });
    FieldManager {
        name: flag.unwrap_or_else(|| default.to_string()),
        subresource: subresource.map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_the_flag() {
        assert_eq!(manager("create", &[]).name, "kubectl-create");
        let scale = manager("scale", &["deploy/web".into()]);
        assert_eq!(
            (scale.name.as_str(), scale.subresource.as_deref()),
            ("kubectl", Some("scale"))
        );
        let args: Vec<String> = ["-f", "x.yaml", "--field-manager", "ci"]
            .map(String::from)
            .to_vec();
        assert_eq!(manager("apply", &args).name, "ci");
        assert_eq!(manager("patch", &["--field-manager=me".into()]).name, "me");
        assert_eq!(manager("cordon", &[]).name, "kubectl");
    }
}
