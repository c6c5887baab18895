//! `-o yaml`, `-o json` and `-o name`: whole objects as kubectl prints them (keys sorted,
//! managedFields omitted, several objects wrapped in a `List`).

use kubeplay_model::Object;
use serde::Serialize;
use serde_json::{Value, json};

fn cleaned(object: &Object) -> Value {
    let mut value = object.to_value();
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("managedFields");
    }
    value
}

/// One object bare, or several (or a list request) as `kind: List`.
fn document(objects: &[&Object], as_list: bool) -> Value {
    if objects.len() == 1 && !as_list {
        return cleaned(objects[0]);
    }
    json!({
        "apiVersion": "v1",
        "items": objects.iter().map(|o| cleaned(o)).collect::<Vec<_>>(),
        "kind": "List",
        "metadata": { "resourceVersion": "" },
    })
}

pub fn yaml(objects: &[&Object], as_list: bool) -> String {
    serde_norway::to_string(&document(objects, as_list)).unwrap_or_default()
}

pub fn json(objects: &[&Object], as_list: bool) -> String {
    let mut buffer = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
    if document(objects, as_list)
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
