//! `kubectl cordon`, `uncordon` and `taint` (`pkg/cmd/drain`, `pkg/cmd/taint`): node
//! maintenance that the scheduler and the taint eviction controller then act on.

use k8s_openapi::api::core::v1::{Node, Taint};
use kubeplay_model::validation::{label_value_errors, qualified_name_errors};
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use crate::args::{self, Flag, boolean, value};
use crate::errors;
use crate::output::Output;
use crate::session::Session;

const CORDON_FLAGS: &[Flag] = &[value("selector", Some('l')), value("dry-run", None)];
const TAINT_FLAGS: &[Flag] = &[
    boolean("overwrite", None),
    boolean("all", None),
    value("selector", Some('l')),
    value("dry-run", None),
    value("output", Some('o')),
];

/// The Node named on the command line, or kubectl's NotFound error.
pub fn fetch_node(session: &Session, name: &str) -> Result<Node, String> {
    session
        .cluster
        .api
        .store
        .get(&ObjectKey::cluster(Kind::Node, name))
        .and_then(Node::from_object)
        .cloned()
        .ok_or_else(|| errors::render(&kubeplay_model::ApiError::not_found(Kind::Node, name)))
}

/// Accepts `NAME`, `node/NAME` or `nodes/NAME`.
fn node_name(arg: &str) -> &str {
    arg.strip_prefix("node/")
        .or_else(|| arg.strip_prefix("nodes/"))
        .unwrap_or(arg)
}

/// The nodes a cordon-like command works on: one NODE, or every node matching `-l`.
pub fn target_nodes(
    parsed: &args::Parsed,
    command: &str,
    session: &Session,
) -> Result<Vec<Node>, String> {
    match (parsed.positional.as_slice(), parsed.value("selector")) {
        (names, None) if !names.is_empty() => names
            .iter()
            .map(|name| fetch_node(session, node_name(name)))
            .collect(),
        ([], Some(selector)) => {
            let selector = kubeplay_model::selector::Selector::parse(selector)
                .map_err(|e| format!("error: {e}"))?;
            Ok(session
                .cluster
                .api
                .store
                .list_typed::<Node>(None)
                .filter(|n| selector.matches(n.metadata.labels.as_ref()))
                .cloned()
                .collect())
        }
        ([_, ..], Some(_)) => Err(format!(
            "error: cannot specify both a node name and a --selector option\nSee 'kubectl {command} -h' for help and examples"
        )),
        _ => Err(format!(
            "error: USAGE: {command} NODE [flags]\nSee 'kubectl {command} -h' for help and examples"
        )),
    }
}

/// Sets `spec.unschedulable`; prints `node/NAME cordoned` or `already cordoned`.
pub fn set_schedulable(node: &Node, cordon: bool, session: &mut Session, out: &mut Output) -> bool {
    let name = node.metadata.name.as_deref().unwrap_or_default();
    let current = node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false);
    let verb = if cordon { "cordon" } else { "uncordon" };
    if current == cordon {
        out.line(format!("node/{name} already {verb}ed"));
        return true;
    }
    let mut updated = node.clone();
    updated
        .spec
        .get_or_insert_with(Default::default)
        .unschedulable = cordon.then_some(true);
    match session.cluster.api.update(updated.into_object(), false) {
        Ok(_) => {
            out.line(format!("node/{name} {verb}ed"));
            true
        }
        Err(error) => {
            out.error(format!(
                "error: unable to {verb} node {name:?}: {}",
                errors::render(&error)
            ));
            false
        }
    }
}

/// `kubectl cordon NODE` / `kubectl uncordon NODE`.
pub fn cordon(args: &[String], cordon: bool, session: &mut Session, out: &mut Output) {
    let command = if cordon { "cordon" } else { "uncordon" };
    let parsed = match args::parse(args, CORDON_FLAGS, command) {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let nodes = match target_nodes(&parsed, command, session) {
        Ok(nodes) => nodes,
        Err(error) => return out.error(error),
    };
    for node in &nodes {
        set_schedulable(node, cordon, session, out);
    }
}

/// `parseTaint`: `key=value:Effect`, `key:Effect` or `key` (a removal may be any of them).
fn parse_taint(spec: &str) -> Result<Taint, String> {
    let invalid = |errors: Vec<String>| {
        if errors.is_empty() {
            format!("invalid taint spec: {spec}")
        } else {
            format!("invalid taint spec: {spec}, {}", errors.join("; "))
        }
    };
    let (key, value, effect) = match spec.split(':').collect::<Vec<_>>().as_slice() {
        [key] => (*key, None, ""),
        [key_value, effect] => {
            if !matches!(*effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            match key_value.split('=').collect::<Vec<_>>().as_slice() {
                [key] => (*key, None, *effect),
                [key, value] => {
                    let errors = label_value_errors(value);
                    if !errors.is_empty() {
                        return Err(invalid(errors));
                    }
                    (*key, Some(*value), *effect)
                }
                _ => return Err(invalid(Vec::new())),
            }
        }
        _ => return Err(invalid(Vec::new())),
    };
    let errors = qualified_name_errors(key);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    Ok(Taint {
        key: key.into(),
        value: value.filter(|v| !v.is_empty()).map(str::to_string),
        effect: effect.into(),
        time_added: None,
    })
}

fn taint_string(taint: &Taint) -> String {
    let mut text = taint.key.clone();
    if let Some(value) = &taint.value {
        text.push('=');
        text.push_str(value);
    }
    if !taint.effect.is_empty() {
        text.push(':');
        text.push_str(&taint.effect);
    }
    text
}

/// `reorganizeTaints`: the new taints first, then the old ones they do not replace, minus
/// the removals; and whether that is a "tainted", "untainted" or "modified".
fn reorganize(
    old: &[Taint],
    overwrite: bool,
    add: &[Taint],
    remove: &[Taint],
) -> (&'static str, Vec<Taint>, Vec<String>) {
    let mut taints: Vec<Taint> = add.to_vec();
    for taint in old {
        if !taints
            .iter()
            .any(|t| t.key == taint.key && t.effect == taint.effect)
        {
            taints.push(taint.clone());
        }
    }
    let added = old.len() != taints.len();
    let mut errors = Vec::new();
    let mut removed = false;
    for taint in remove {
        let before = taints.len();
        taints.retain(|t| {
            !(t.key == taint.key && (taint.effect.is_empty() || t.effect == taint.effect))
        });
        removed = taints.len() != before;
        if !removed {
            errors.push(format!("taint {:?} not found", taint_string(taint)));
        }
    }
    let operation = if (added && removed) || overwrite {
        "modified"
    } else if added {
        "tainted"
    } else {
        "untainted"
    };
    (operation, taints, errors)
}

/// `kubectl taint nodes NAME KEY=VALUE:EFFECT … [KEY:EFFECT-]`.
pub fn taint(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, TAINT_FLAGS, "taint") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    // Resources first, then taint changes (`Complete` in taint.go).
    let is_spec = |a: &str| a.contains('=') || a.contains(':') || a.ends_with('-');
    let split = parsed
        .positional
        .iter()
        .position(|a| is_spec(a))
        .unwrap_or(parsed.positional.len());
    let (resources, specs) = parsed.positional.split_at(split);
    if let Some(late) = specs.iter().find(|a| !is_spec(a)) {
        return out.error(format!(
            "error: all resources must be specified before taint changes: {late}"
        ));
    }
    let Some(kind) = resources.first() else {
        return out.error("error: one or more resources must be specified as <resource> <name>");
    };
    if specs.is_empty() {
        return out.error("error: at least one taint update is required");
    }
    let mut add = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        let result = match spec.strip_suffix('-') {
            Some(removal) => parse_taint(removal).map(|t| remove.push(t)),
            None => parse_taint(spec).and_then(|t| {
                if t.effect.is_empty() {
                    return Err(format!("invalid taint spec: {spec}"));
                }
                if add
                    .iter()
                    .any(|a: &Taint| a.key == t.key && a.effect == t.effect)
                {
                    return Err(format!(
                        "duplicated taints with the same key and effect: {}",
                        taint_string(&t)
                    ));
                }
                add.push(t);
                Ok(())
            }),
        };
        if let Err(error) = result {
            return out.error(format!(
                "error: {error}\nSee 'kubectl taint -h' for help and examples"
            ));
        }
    }
    match crate::resources::resolve_kind(kind) {
        Ok(Kind::Node) => {}
        Ok(_) => {
            return out.error(format!(
                "error: invalid resource type {}, only node types are supported",
                kind.to_lowercase()
            ));
        }
        Err(error) => return out.error(error),
    }
    let conflicts: Vec<String> = add
        .iter()
        .flat_map(|a| {
            remove
                .iter()
                .filter(|r| r.key == a.key && (r.effect.is_empty() || r.effect == a.effect))
                .map(|r| format!("{}={}", r.key, r.effect))
        })
        .collect();
    if !conflicts.is_empty() {
        return out.error(format!(
            "error: can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        ));
    }
    let all = parsed.bool("all");
    let names: Vec<String> = if all {
        session
            .cluster
            .api
            .store
            .list_typed::<Node>(None)
            .filter_map(|n| n.metadata.name.clone())
            .collect()
    } else if resources.len() < 2 {
        return out.error(
            "error: at least one resource name must be specified since 'all' parameter is not set",
        );
    } else {
        resources[1..].to_vec()
    };
    let now = session.cluster.api.clock.now_time();
    for taint in &mut add {
        if taint.effect == "NoExecute" {
            taint.time_added = Some(now.clone());
        }
    }
    for name in names {
        let node = match fetch_node(session, &name) {
            Ok(node) => node,
            Err(error) => return out.error(error),
        };
        let old = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default();
        if !parsed.bool("overwrite") {
            let existing: Vec<&str> = add
                .iter()
                .filter(|a| old.iter().any(|o| o.key == a.key && o.effect == a.effect))
                .map(|a| a.key.as_str())
                .collect();
            if !existing.is_empty() {
                return out.error(format!(
                    "error: node {name} already has {} taint(s) with same effect(s) and --overwrite is false",
                    existing.join(",")
                ));
            }
        }
        let (operation, taints, failures) =
            reorganize(&old, parsed.bool("overwrite"), &add, &remove);
        if !failures.is_empty() {
            let message = if failures.len() == 1 {
                failures.concat()
            } else {
                format!("[{}]", failures.join(", "))
            };
            return out.error(format!("error: {message}"));
        }
        let mut updated = node.clone();
        updated.spec.get_or_insert_with(Default::default).taints =
            (!taints.is_empty()).then_some(taints);
        if let Err(error) = session
            .cluster
            .api
            .update(Object::Node(Box::new(updated)), false)
        {
            return out.error(errors::render(&error));
        }
        out.line(format!("node/{name} {operation}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            effect: effect.into(),
            ..Taint::default()
        }
    }

    #[test]
    fn taint_specs_parse_like_kubectl() {
        let parsed = parse_taint("dedicated=gpu:NoSchedule");
        assert_eq!(
            parsed.map(|t| taint_string(&t)),
            Ok("dedicated=gpu:NoSchedule".into())
        );
        assert_eq!(
            parse_taint("dedicated:Sometimes"),
            Err("invalid taint effect: Sometimes, unsupported taint effect".into())
        );
        assert_eq!(
            parse_taint("a=b=c:NoSchedule"),
            Err("invalid taint spec: a=b=c:NoSchedule".into())
        );
        // Without an effect kubectl does not split off a value: the key is not a name.
        let missing_effect = parse_taint("dedicated=gpu").err().unwrap_or_default();
        assert!(
            missing_effect.starts_with("invalid taint spec: dedicated=gpu, name part must consist"),
            "{missing_effect}"
        );
    }

    #[test]
    fn new_taints_come_first_and_removals_report_misses() {
        let old = vec![taint("a", "NoSchedule")];
        let (operation, taints, errors) = reorganize(&old, false, &[taint("b", "NoExecute")], &[]);
        assert_eq!(operation, "tainted");
        assert_eq!(
            taints,
            vec![taint("b", "NoExecute"), taint("a", "NoSchedule")]
        );
        assert!(errors.is_empty());
        let (operation, taints, errors) = reorganize(&taints, false, &[], &[taint("a", "")]);
        assert_eq!(operation, "untainted");
        assert_eq!(taints, vec![taint("b", "NoExecute")]);
        assert!(errors.is_empty());
        let (_, _, errors) = reorganize(&taints, false, &[], &[taint("zzz", "NoSchedule")]);
        assert_eq!(
            errors,
            vec!["taint \"zzz:NoSchedule\" not found".to_string()]
        );
    }
}
