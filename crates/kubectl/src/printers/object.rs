//! `-o yaml`, `-o json` and `-o name`: whole objects as kubectl prints them (keys sorted,
//! managedFields omitted, several objects wrapped in a `List`).

use kubeplay_model::Object;
use serde::Serialize;
use serde_json::{Value, json};

/// The object as printed: without its managedFields unless `--show-managed-fields` (get's
/// `OmitManagedFieldsPrinter` wraps every printer but the table: yaml, json, jsonpath,
/// templates, custom columns).
pub fn cleaned(object: &Object, managed_fields: bool) -> Value {
    let mut value = object.to_value();
    if !managed_fields
        && let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut)
    {
        metadata.remove("managedFields");
    }
    value
}

/// One object bare, or several (or a list request) as `kind: List`.
fn document(objects: &[&Object], as_list: bool, managed_fields: bool) -> Value {
    if objects.len() == 1 && !as_list {
        return cleaned(objects[0], managed_fields);
    }
    json!({
        "apiVersion": "v1",
        "items": objects.iter().map(|o| cleaned(o, managed_fields)).collect::<Vec<_>>(),
        "kind": "List",
        "metadata": { "resourceVersion": "" },
    })
}

pub fn yaml(objects: &[&Object], as_list: bool) -> String {
    yaml_showing(objects, as_list, false)
}

/// `-o yaml`, with the managedFields when `managed_fields` (`--show-managed-fields`).
pub fn yaml_showing(objects: &[&Object], as_list: bool, managed_fields: bool) -> String {
    super::yaml::to_yaml(&document(objects, as_list, managed_fields))
}

pub fn json(objects: &[&Object], as_list: bool) -> String {
    json_showing(objects, as_list, false)
}

/// `-o json`, with the managedFields when `managed_fields` (`--show-managed-fields`).
pub fn json_showing(objects: &[&Object], as_list: bool, managed_fields: bool) -> String {
    let mut buffer = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
    if document(objects, as_list, managed_fields)
        .serialize(&mut serializer)
        .is_err()
    {
        return String::new();
    }
    let mut text = String::from_utf8(buffer).unwrap_or_default();
    text.push('\n');
    text
}

/// `deployment.apps/demo`.
pub fn name(object: &Object) -> String {
    format!("{}/{}", object.kind().qualified_singular(), object.name())
}

/// An object built by a kubectl generator as Go serializes it client-side (before any server
/// defaulting): zero-valued structs appear as `{}` and unset times as `null`.
pub fn client_side_value(object: &Object) -> Value {
    let mut value = object.to_value();
    let Some(map) = value.as_object_mut() else {
        return value;
    };
    if let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.entry("creationTimestamp").or_insert(Value::Null);
    }
    // Kinds without a status have none to print.
    if !matches!(
        object.kind(),
        kubeplay_model::Kind::ConfigMap | kubeplay_model::Kind::Secret
    ) {
        map.entry("status").or_insert_with(|| json!({}));
    }
    match object.kind() {
        kubeplay_model::Kind::Service => {
            map.insert("status".into(), json!({"loadBalancer": {}}));
        }
        kubeplay_model::Kind::Namespace => {
            map.entry("spec").or_insert_with(|| json!({}));
        }
        kubeplay_model::Kind::Deployment => {
            if let Some(spec) = map.get_mut("spec").and_then(Value::as_object_mut) {
                spec.entry("strategy").or_insert_with(|| json!({}));
                if let Some(template) = spec.get_mut("template").and_then(Value::as_object_mut) {
                    if let Some(metadata) =
                        template.get_mut("metadata").and_then(Value::as_object_mut)
                    {
                        metadata.entry("creationTimestamp").or_insert(Value::Null);
                    }
                    add_empty_resources(template.get_mut("spec"));
                }
            }
        }
        kubeplay_model::Kind::Pod => add_empty_resources(map.get_mut("spec")),
        kubeplay_model::Kind::Job => {
            if let Some(template) = map
                .get_mut("spec")
                .and_then(|s| s.get_mut("template"))
                .and_then(Value::as_object_mut)
            {
                if let Some(metadata) = template.get_mut("metadata").and_then(Value::as_object_mut)
                {
                    metadata.entry("creationTimestamp").or_insert(Value::Null);
                }
                add_empty_resources(template.get_mut("spec"));
            }
        }
        kubeplay_model::Kind::CronJob => {
            if let Some(job_template) = map
                .get_mut("spec")
                .and_then(|s| s.get_mut("jobTemplate"))
                .and_then(Value::as_object_mut)
            {
                if let Some(metadata) = job_template
                    .get_mut("metadata")
                    .and_then(Value::as_object_mut)
                {
                    metadata.entry("creationTimestamp").or_insert(Value::Null);
                }
                if let Some(template) = job_template
                    .get_mut("spec")
                    .and_then(|s| s.get_mut("template"))
                    .and_then(Value::as_object_mut)
                {
                    if let Some(metadata) =
                        template.get_mut("metadata").and_then(Value::as_object_mut)
                    {
                        metadata.entry("creationTimestamp").or_insert(Value::Null);
                    }
                    add_empty_resources(template.get_mut("spec"));
                }
            }
        }
        _ => {}
    }
    value
}

fn add_empty_resources(pod_spec: Option<&mut Value>) {
    let containers = pod_spec
        .and_then(|spec| spec.get_mut("containers"))
        .and_then(Value::as_array_mut);
    for container in containers.into_iter().flatten() {
        if let Some(container) = container.as_object_mut() {
            container.entry("resources").or_insert_with(|| json!({}));
        }
    }
}

/// Prints a value in the requested output format (`yaml`, `json`, `name`) for dry runs.
pub fn print_value(value: &Value, object: &Object, format: Option<&str>) -> Option<String> {
    match format {
        Some("yaml") => Some(super::yaml::to_yaml(value)),
        Some("json") => {
            let mut buffer = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
            value.serialize(&mut serializer).ok()?;
            Some(String::from_utf8(buffer).unwrap_or_default() + "\n")
        }
        Some("name") => Some(name(object) + "\n"),
        _ => None,
    }
}
