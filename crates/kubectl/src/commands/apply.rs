//! `kubectl apply -f`: client-side apply with the `last-applied-configuration` annotation —
//! created / configured / unchanged per object, errors after the successes.

use std::collections::BTreeMap;

use kubeplay_model::keys::LAST_APPLIED;
use kubeplay_model::manifest::FieldValidation;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{ApiError, Object};
use serde_json::Value;

use super::server_side_apply;
use crate::args::{self, Flag, boolean, value};
use crate::errors::{self, Failure};
use crate::manifests::{self, Loaded};
use crate::output::Output;
use crate::printers::gotemplate::{GoTemplate, is_template_format};
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("output", Some('o')),
    value("template", None),
    value("dry-run", None),
    boolean("recursive", Some('R')),
    value("validate", None),
    boolean("server-side", None),
    boolean("force-conflicts", None),
    value("field-manager", None),
    boolean("force", None),
    boolean("prune", None),
    value("selector", Some('l')),
];

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "apply") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    if !parsed.positional.is_empty() {
        return out.error(format!(
            "error: Unexpected args: {:?}\nSee 'kubectl apply -h' for help and examples",
            parsed.positional
        ));
    }
    let validation = match FieldValidation::from_flag(parsed.value("validate")) {
        Ok(validation) => validation,
        Err(error) => return out.error(format!("error: {error}")),
    };
    if let Err(error) =
        crate::printers::check_format(parsed.value("output"), crate::printers::OBJECT_FORMATS)
    {
        return out.error(error);
    }
    let dry_run = matches!(parsed.value("dry-run"), Some("client" | "server" | "true"));
    let server_side = parsed.bool("server-side");
    if parsed.bool("force-conflicts") && !server_side {
        return out.error("error: --force-conflicts only works with --server-side");
    }
    if server_side && matches!(parsed.value("dry-run"), Some("client" | "true")) {
        return out.error(
            "error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)",
        );
    }
    let server_side_options = server_side_apply::Options {
        manager: parsed.value("field-manager").unwrap_or("kubectl"),
        force: parsed.bool("force-conflicts"),
        validation,
        dry_run,
    };
    let template = match parsed.value("output").filter(|f| is_template_format(f)) {
        Some(format) => match GoTemplate::from_flags(format, parsed.value("template"), session) {
            Ok(template) => Some(template),
            Err(error) => return out.error(error),
        },
        None => None,
    };
    let (loaded, load_failures) =
        match manifests::load_with(&parsed.values("filename"), stdin, session, validation) {
            Ok(result) => result,
            Err(error) => return out.error(error),
        };
    if loaded.is_empty() && load_failures.is_empty() {
        return out.error("error: no objects passed to apply");
    }
    let mut failures: Vec<Failure> = load_failures.into_iter().map(Failure::Message).collect();
    let namespace_flag = parsed.value("namespace").map(str::to_string);
    for Loaded { source, document } in loaded {
        if let Some(failure) = nameless(&document.object, namespace_flag.as_deref(), &source) {
            failures.push(Failure::Message(failure));
            continue;
        }
        for warning in &document.warnings {
            out.note(format!("Warning: {warning}"));
        }
        let applied = if server_side {
            server_side_apply::apply_one(
                document.object,
                &document.raw,
                namespace_flag.as_deref(),
                &server_side_options,
                session,
            )
            .map(|object| (object, "serverside-applied", None))
        } else {
            apply_one(
                document.object,
                &document.raw,
                namespace_flag.as_deref(),
                dry_run,
                session,
            )
        };
        match applied {
            Ok((object, verb, warning)) => {
                if let Some(warning) = warning {
                    out.note(warning);
                }
                let suffix = match (dry_run, parsed.value("dry-run")) {
                    (true, Some("server")) => " (server dry run)",
                    (true, _) => " (dry run)",
                    _ => "",
                };
                if let Some(template) = &template {
                    let client_dry_run = matches!(parsed.value("dry-run"), Some("client" | "true"));
                    let value = if client_dry_run && verb == "created" {
                        client_created_value(&document.raw, &object)
                    } else {
                        object.to_value()
                    };
                    template.print(&value, out);
                } else if parsed.value("output") == Some("name") {
                    out.line(crate::printers::object::name(&object));
                } else {
                    out.line(format!(
                        "{}/{} {verb}{suffix}",
                        object.kind().qualified_singular(),
                        object.name()
                    ));
                }
            }
            Err(ApplyError::Api(error, verb)) => failures.push(Failure::Api {
                error,
                verb,
                source,
            }),
            Err(ApplyError::Message(message)) => failures.push(Failure::Message(message)),
        }
    }
    errors::print_failures(failures, out);
}

/// `applyOneObject`'s refusal of an object without a name: a `generateName` cannot be
/// applied, and no name at all fails the GET of the live object.
fn nameless(object: &Object, namespace_flag: Option<&str>, source: &str) -> Option<String> {
    if !object.name().is_empty() {
        return None;
    }
    if let Some(generate_name) = object
        .meta()
        .generate_name
        .as_deref()
        .filter(|g| !g.is_empty())
    {
        return Some(format!(
            "error: from {generate_name}: cannot use generate name with apply"
        ));
    }
    let kind = object.kind();
    let group_version = kind.api_version();
    let (group, version) = group_version
        .rsplit_once('/')
        .unwrap_or(("", &group_version));
    let namespace = if kind.namespaced() {
        object
            .meta()
            .namespace
            .as_deref()
            .filter(|n| !n.is_empty())
            .or(namespace_flag)
            .unwrap_or("default")
    } else {
        ""
    };
    Some(format!(
        "error: error when retrieving current configuration of:\nResource: \"{group}/{version}, Resource={}\", GroupVersionKind: \"{group}/{version}, Kind={}\"\nName: \"\", Namespace: \"{namespace}\"\nfrom server for: \"{source}\": resource name may not be empty",
        kind.plural(),
        kind.name()
    ))
}

/// What a client-side dry run of a create prints: the manifest as read, with its namespace
/// and the last-applied annotation kubectl adds (no server defaults).
fn client_created_value(raw: &Value, created: &Object) -> Value {
    let mut value = raw.clone();
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        if created.kind().namespaced() {
            metadata.insert(
                "namespace".into(),
                Value::String(created.namespace().to_string()),
            );
        }
        let annotations = metadata
            .entry("annotations")
            .or_insert_with(|| Value::Object(Default::default()));
        if let (Some(annotations), Some(applied)) = (
            annotations.as_object_mut(),
            created.meta().annotation(LAST_APPLIED),
        ) {
            annotations.insert(LAST_APPLIED.into(), Value::String(applied.to_string()));
        }
    }
    value
}

pub enum ApplyError {
    Api(ApiError, &'static str),
    Message(String),
}

/// Applies one object: create it, or three-way merge it into the live one.
pub fn apply_one(
    mut object: Object,
    raw: &Value,
    namespace_flag: Option<&str>,
    dry_run: bool,
    session: &mut Session,
) -> Result<(Object, &'static str, Option<String>), ApplyError> {
    let namespace = resolve_namespace(&mut object, namespace_flag)?;
    let mut desired = raw.clone();
    if object.kind().namespaced()
        && let Some(metadata) = desired.get_mut("metadata").and_then(Value::as_object_mut)
    {
        metadata.insert("namespace".into(), Value::String(namespace.clone()));
    }
    let kind = object.kind();
    let name = object.name().to_string();
    let live = session.get(kind, &namespace, &name).cloned();
    let Some(live) = live else {
        let annotation = serde_json::to_string(&desired).unwrap_or_default() + "\n";
        object
            .meta_mut()
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(LAST_APPLIED.into(), annotation);
        object
            .check_request_size()
            .map_err(|e| ApplyError::Api(e, "creating"))?;
        let created = session
            .cluster
            .api
            .create(object, dry_run)
            .map_err(|e| ApplyError::Api(e, "creating"))?;
        return Ok((created, "created", None));
    };
    let last_applied: Option<Value> = live
        .meta()
        .annotation(LAST_APPLIED)
        .and_then(|text| serde_json::from_str(text).ok());
    let warning = last_applied.is_none().then(|| {
        format!(
            "Warning: resource {}/{name} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.",
            kind.plural()
        )
    });
    let mut live_value = live.to_value();
    let status = live_value.as_object_mut().and_then(|m| m.remove("status"));
    let mut merged = three_way_merge(&live_value, last_applied.as_ref(), &desired);
    let annotation = serde_json::to_string(&desired).unwrap_or_default() + "\n";
    if let Some(metadata) = merged.get_mut("metadata").and_then(Value::as_object_mut) {
        let annotations = metadata
            .entry("annotations")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(map) = annotations.as_object_mut() {
            map.insert(LAST_APPLIED.into(), Value::String(annotation));
        }
    }
    if let (Some(map), Some(status)) = (merged.as_object_mut(), status) {
        map.insert("status".into(), status);
    }
    let merged_object =
        Object::from_value(kind, &merged).map_err(|e| ApplyError::Api(e, "applying patch"))?;
    // The server's answer says whether the merge changed anything, defaults included.
    merged_object
        .check_request_size()
        .map_err(|e| ApplyError::Api(e, "applying patch"))?;
    let updated = session
        .cluster
        .api
        .update(merged_object, dry_run)
        .map_err(|e| ApplyError::Api(e, "applying patch"))?;
    let verb = if updated == live {
        "unchanged"
    } else {
        "configured"
    };
    Ok((updated, verb, warning))
}

/// The object's namespace: from the manifest, else `-n`, else `default`; a conflict is an error.
pub fn resolve_namespace(object: &mut Object, flag: Option<&str>) -> Result<String, ApplyError> {
    if !object.kind().namespaced() {
        return Ok(String::new());
    }
    let written = object.meta().namespace.clone().filter(|n| !n.is_empty());
    match (written, flag) {
        (Some(written), Some(flag)) if written != flag => Err(ApplyError::Message(format!(
            "error: the namespace from the provided object {written:?} does not match the namespace {flag:?}. You must pass '--namespace={written}' to perform this operation."
        ))),
        (Some(written), _) => Ok(written),
        (None, flag) => {
            let namespace = flag.unwrap_or("default").to_string();
            object.meta_mut().namespace = Some(namespace.clone());
            Ok(namespace)
        }
    }
}

/// A client-side three-way merge: fields from `desired` replace live ones (maps merge
/// recursively, lists of named items merge by name); fields that were last applied but
/// are no longer desired are removed; everything else in `live` stays.
pub fn three_way_merge(live: &Value, last_applied: Option<&Value>, desired: &Value) -> Value {
    match (live, desired) {
        (Value::Object(live_map), Value::Object(desired_map)) => {
            let mut result = live_map.clone();
            if let Some(Value::Object(last_map)) = last_applied {
                for key in last_map.keys() {
                    if !desired_map.contains_key(key) {
                        result.remove(key);
                    }
                }
            }
            for (key, desired_value) in desired_map {
                let last_value = last_applied.and_then(|l| l.get(key));
                let merged = match live_map.get(key) {
                    Some(live_value) => three_way_merge(live_value, last_value, desired_value),
                    None => desired_value.clone(),
                };
                result.insert(key.clone(), merged);
            }
            Value::Object(result)
        }
        (Value::Array(live_items), Value::Array(desired_items))
            if desired_items.iter().all(|i| i.get("name").is_some()) =>
        {
            let find = |items: &[Value], name: &Value| {
                items.iter().find(|i| i.get("name") == Some(name)).cloned()
            };
            let last_items = last_applied
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            Value::Array(
                desired_items
                    .iter()
                    .map(|item| {
                        let name = item.get("name").cloned().unwrap_or(Value::Null);
                        match find(live_items, &name) {
                            Some(live_item) => {
                                three_way_merge(&live_item, find(&last_items, &name).as_ref(), item)
                            }
                            None => item.clone(),
                        }
                    })
                    .collect(),
            )
        }
        _ => desired.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_keeps_live_fields_and_drops_removed_ones() {
        let live = json!({"spec": {"replicas": 5, "paused": false, "template": {"containers": [{"name": "a", "image": "x:1", "imagePullPolicy": "IfNotPresent"}]}}});
        let last = json!({"spec": {"paused": false, "template": {"containers": [{"name": "a", "image": "x:1"}]}}});
        let desired =
            json!({"spec": {"template": {"containers": [{"name": "a", "image": "x:2"}]}}});
        let merged = three_way_merge(&live, Some(&last), &desired);
        assert_eq!(
            merged,
            json!({"spec": {"replicas": 5, "template": {"containers": [{"name": "a", "image": "x:2", "imagePullPolicy": "IfNotPresent"}]}}})
        );
    }
}
