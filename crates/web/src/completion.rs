//! Tab completion for the terminal: commands, kubectl subcommands, resource kinds and object
//! names from the cluster.

use kubeplay_kubectl::commands::{COMMANDS, Operands, command};
use kubeplay_model::Kind;
use kubeplay_sim::store::Store;

const PROGRAMS: &[&str] = &[
    "kubectl", "kubeplay", "cat", "clear", "echo", "grep", "head", "sleep", "tail", "tee", "wc",
];
const ROLLOUT: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];

/// Completes the last word of `input`; returns the new input, or None when nothing fits.
pub fn complete(input: &str, store: &Store) -> Option<String> {
    let words: Vec<&str> = input.split_whitespace().collect();
    let ends_with_space = input.ends_with(' ');
    let (done, partial) = if ends_with_space || words.is_empty() {
        (words.as_slice(), "")
    } else {
        (&words[..words.len() - 1], words[words.len() - 1])
    };
    let namespace = done
        .windows(2)
        .find(|w| w[0] == "-n" || w[0] == "--namespace")
        .map_or("default", |w| w[1]);
    // Words that are neither flags nor a flag's value.
    let mut positional: Vec<&str> = Vec::new();
    let mut skip_next = false;
    for word in done {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if matches!(
            *word,
            "-n" | "--namespace" | "-o" | "--output" | "-l" | "--selector" | "-c" | "--container"
        ) {
            skip_next = true;
        } else if !word.starts_with('-') {
            positional.push(word);
        }
    }
    let candidates: Vec<String> = match positional.as_slice() {
        [] => PROGRAMS.iter().map(|s| s.to_string()).collect(),
        ["kubectl"] => COMMANDS
            .iter()
            .filter(|command| command.is_simulated())
            .map(|command| command.name.to_string())
            .collect(),
        ["kubectl", "rollout"] => ROLLOUT.iter().map(|s| s.to_string()).collect(),
        ["kubectl", "rollout", _] => kinds_or_names(partial, namespace, store),
        ["kubectl", "rollout", _, typed, ..] => names(typed, namespace, store),
        ["kubectl", verb, rest @ ..] => match (command(verb).map(|c| c.operands), rest) {
            (Some(Operands::Resources), []) => kinds_or_names(partial, namespace, store),
            (Some(Operands::Resources), [typed, ..]) => names(typed, namespace, store),
            (Some(Operands::Kinds), []) => Kind::all().map(|k| k.plural().to_string()).collect(),
            (Some(Operands::Nodes), _) => names("nodes", namespace, store),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let matching: Vec<&String> = candidates
        .iter()
        .filter(|c| c.starts_with(partial))
        .collect();
    let first = matching.first()?;
    let common: String = first
        .chars()
        .enumerate()
        .take_while(|(i, c)| matching.iter().all(|m| m.chars().nth(*i) == Some(*c)))
        .map(|(_, c)| c)
        .collect();
    if common.len() <= partial.len() && matching.len() > 1 {
        return None;
    }
    let prefix = &input[..input.len() - partial.len()];
    let suffix = if matching.len() == 1 { " " } else { "" };
    Some(format!("{prefix}{common}{suffix}"))
}

/// The names of the objects of the kind `typed` names.
fn names(typed: &str, namespace: &str, store: &Store) -> Vec<String> {
    match Kind::resolve(typed) {
        Some(kind) => store
            .list(kind, Some(namespace))
            .map(|o| o.name().to_string())
            .collect(),
        None => Vec::new(),
    }
}

/// Kinds, or with `KIND/` typed, the names of that kind's objects.
fn kinds_or_names(partial: &str, namespace: &str, store: &Store) -> Vec<String> {
    if let Some((typed, _)) = partial.split_once('/')
        && let Some(kind) = Kind::resolve(typed)
    {
        return store
            .list(kind, Some(namespace))
            .map(|o| format!("{typed}/{}", o.name()))
            .collect();
    }
    Kind::all().map(|k| k.plural().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_sim::{ClusterShape, create_cluster};

    #[test]
    fn completes_commands_kinds_and_names() {
        let cluster = create_cluster(
            &ClusterShape::kind(),
            "2025-06-02T10:15:00Z".parse().unwrap_or_default(),
            1,
        );
        let store = &cluster.api.store;
        // Two programs share `kube`: Tab completes their common prefix, as bash does.
        assert_eq!(complete("kub", store).as_deref(), Some("kube"));
        assert_eq!(complete("kubec", store).as_deref(), Some("kubectl "));
        assert_eq!(
            complete("kubectl ge", store).as_deref(),
            Some("kubectl get ")
        );
        assert_eq!(
            complete("kubectl get deploym", store).as_deref(),
            Some("kubectl get deployments ")
        );
        assert_eq!(
            complete("kubectl -n kube-system get deployments cor", store).as_deref(),
            Some("kubectl -n kube-system get deployments coredns ")
        );
        assert_eq!(
            complete("kubectl describe nodes kind-", store).as_deref(),
            Some("kubectl describe nodes kind-control-plane ")
        );
        assert_eq!(complete("kubep", store).as_deref(), Some("kubeplay "));
        assert_eq!(
            complete("kubectl explain statef", store).as_deref(),
            Some("kubectl explain statefulsets ")
        );
        assert_eq!(complete("kubectl explain pods co", store), None);
        assert_eq!(
            complete("kubectl cor", store).as_deref(),
            Some("kubectl cordon ")
        );
        assert_eq!(
            complete("kubectl dra", store).as_deref(),
            Some("kubectl drain ")
        );
        assert_eq!(
            complete("kubectl drain kind-c", store).as_deref(),
            Some("kubectl drain kind-control-plane ")
        );
        assert_eq!(
            complete("kubectl taint nodes kind-c", store).as_deref(),
            Some("kubectl taint nodes kind-control-plane ")
        );
        assert_eq!(
            complete(
                "kubectl -n kube-system rollout status deployment cor",
                store
            )
            .as_deref(),
            Some("kubectl -n kube-system rollout status deployment coredns ")
        );
        // Real commands kubeplay does not simulate are not offered.
        assert_eq!(complete("kubectl kusto", store), None);
        assert_eq!(
            complete("kubectl expo", store).as_deref(),
            Some("kubectl expose ")
        );
        assert_eq!(complete("zzz", store), None);
    }
}
