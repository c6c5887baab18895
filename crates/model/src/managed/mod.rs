//! Field ownership (`metadata.managedFields`), as the API server's field manager keeps it
//! with structured-merge-diff: every write records which fields its manager set (an
//! `Update` entry), and server-side apply (`Apply` entries) merges a configuration into the
//! object, refuses to change fields other managers own unless forced, and removes the
//! fields its manager applied before and no longer applies.
//!
//! Objects are handled as JSON values; list types and keys come from [`fieldset::list_type`].

pub mod fieldset;

use serde_json::{Map, Value, json};

pub use fieldset::{FieldSet, ListType, list_type, path_string};

/// `Apply` or `Update`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operation {
    Apply,
    Update,
}

/// One `managedFields` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub manager: String,
    pub operation: Operation,
    pub api_version: String,
    /// RFC 3339, seconds.
    pub time: String,
    pub subresource: Option<String>,
    pub fields: FieldSet,
}

impl Entry {
    fn from_value(value: &Value) -> Option<Entry> {
        Some(Entry {
            manager: value.get("manager")?.as_str()?.to_string(),
            operation: match value.get("operation")?.as_str()? {
                "Apply" => Operation::Apply,
                _ => Operation::Update,
            },
            api_version: value["apiVersion"].as_str().unwrap_or_default().to_string(),
            time: value["time"].as_str().unwrap_or_default().to_string(),
            subresource: value["subresource"].as_str().map(str::to_string),
            fields: FieldSet::from_fields_v1(value.get("fieldsV1").unwrap_or(&json!({})))?,
        })
    }

    fn to_value(&self) -> Value {
        let mut value = json!({
            "manager": self.manager,
            "operation": match self.operation {
                Operation::Apply => "Apply",
                Operation::Update => "Update",
            },
            "apiVersion": self.api_version,
            "time": self.time,
            "fieldsType": "FieldsV1",
            "fieldsV1": self.fields.to_fields_v1(),
        });
        if let Some(subresource) = &self.subresource {
            value["subresource"] = json!(subresource);
        }
        value
    }

    /// How conflicts name the manager (`printManager`): an updater with its API version.
    fn label(&self) -> String {
        let mut label = format!("{:?}", self.manager);
        if let Some(subresource) = &self.subresource {
            label.push_str(&format!(" with subresource {subresource:?}"));
        }
        if self.operation == Operation::Update {
            label.push_str(&format!(" using {}", self.api_version));
        }
        label
    }
}

/// The entries an object carries (unreadable ones are dropped, as the server resets them).
pub fn entries(object: &Value) -> Vec<Entry> {
    object["metadata"]["managedFields"]
        .as_array()
        .map(|list| list.iter().filter_map(Entry::from_value).collect())
        .unwrap_or_default()
}

/// The entries as `metadata.managedFields`, in the server's order (Apply before Update,
/// then by time, manager, API version, subresource).
pub fn entries_value(entries: &[Entry]) -> Value {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|p, q| {
        (
            p.operation,
            &p.time,
            &p.manager,
            &p.api_version,
            &p.subresource,
        )
            .cmp(&(
                q.operation,
                &q.time,
                &q.manager,
                &q.api_version,
                &q.subresource,
            ))
    });
    Value::Array(sorted.into_iter().map(Entry::to_value).collect())
}

/// The part of an object managers own: no type, no identity or server-set metadata
/// (`stripmeta`), and only the status on the `status` subresource, only the rest elsewhere
/// (the strategy's reset fields).
pub fn owned_part(object: &Value, subresource: Option<&str>) -> Value {
    let mut part = object.clone();
    let Some(map) = part.as_object_mut() else {
        return Value::Object(Map::new());
    };
    map.remove("apiVersion");
    map.remove("kind");
    match subresource {
        Some("status") => {
            map.retain(|key, _| key == "status");
        }
        _ => {
            map.remove("status");
        }
    }
    if let Some(Value::Object(meta)) = map.get_mut("metadata") {
        for key in [
            "name",
            "namespace",
            "creationTimestamp",
            "selfLink",
            "uid",
            "generation",
            "managedFields",
            "resourceVersion",
        ] {
            meta.remove(key);
        }
        if meta.is_empty() {
            map.remove("metadata");
        }
    }
    part
}

/// Objects whose absence a Go object never shows (non-pointer structs serialise as `{}`),
/// so a write that fills them in does not own them as such.
const VALUE_STRUCTS: &[&str] = &[
    "metadata",
    "spec",
    "template",
    "strategy",
    "updateStrategy",
    "resources",
    "status",
];

/// The fields `new` adds or changes over `old` (structured-merge-diff's Added ∪ Modified).
fn changed(old: Option<&Value>, new: &Value, path: &mut Vec<String>) -> FieldSet {
    let mut set = FieldSet::default();
    match new {
        Value::Object(map) if !map.is_empty() && !FieldSet::of(new).member => {
            for (name, child) in map {
                let old_child = old.and_then(|o| o.get(name));
                path.push(name.clone());
                let mut node = changed(old_child, child, path);
                path.pop();
                let absent = old_child.is_none_or(Value::is_null);
                if absent && child.is_object() && !VALUE_STRUCTS.contains(&name.as_str()) {
                    node.member = true;
                }
                if child.is_null() && old_child != Some(child) {
                    node.member = true;
                }
                if !node.is_empty() {
                    set.children.insert(format!("f:{name}"), node);
                }
            }
        }
        Value::Array(items) => {
            let names: Vec<&str> = path.iter().map(String::as_str).collect();
            let list = list_type(&names);
            if list == ListType::Atomic {
                set.member = old != Some(new);
                return set;
            }
            let old_items = old.and_then(Value::as_array).cloned().unwrap_or_default();
            for item in items {
                let Some(element) = fieldset::item_element(item, list) else {
                    continue;
                };
                let old_item = old_items
                    .iter()
                    .find(|o| fieldset::item_element(o, list).as_ref() == Some(&element));
                let mut node = if matches!(list, ListType::Map(_)) {
                    changed(old_item, item, path)
                } else {
                    FieldSet::default()
                };
                node.member |= old_item.is_none();
                if !node.is_empty() {
                    set.children.insert(element, node);
                }
            }
        }
        _ => set.member = old != Some(new),
    }
    set
}

/// Records a write (create, update, patch) by `manager`: its `Update` entry gains what the
/// write added or changed, every entry loses what the write removed, and other managers
/// lose what it changed. The entries are those of `new` (the request's), else those of
/// `old`; a write that changes nothing managers own leaves them as they are.
pub fn record_update(
    old: Option<&Value>,
    new: &Value,
    manager: &str,
    subresource: Option<&str>,
    time: &str,
) -> Value {
    let old_part = old.map(|o| owned_part(o, subresource));
    let new_part = owned_part(new, subresource);
    let carried = if new["metadata"]["managedFields"].is_array() {
        entries(new)
    } else {
        old.map(entries).unwrap_or_default()
    };
    if old_part.as_ref() == Some(&new_part) {
        return entries_value(&carried);
    }
    let added = changed(old_part.as_ref(), &new_part, &mut Vec::new());
    let removed = old_part
        .as_ref()
        .map(FieldSet::of)
        .unwrap_or_default()
        .difference(&FieldSet::of(&new_part));
    let api_version = new["apiVersion"].as_str().unwrap_or_default().to_string();
    let mut result = Vec::new();
    let mut mine = FieldSet::default();
    for entry in carried {
        let ours = entry.manager == manager
            && entry.operation == Operation::Update
            && entry.api_version == api_version
            && entry.subresource.as_deref() == subresource;
        if ours {
            mine = entry.fields;
            continue;
        }
        let fields = entry.fields.difference(&added).difference(&removed);
        if !fields.is_empty() {
            result.push(Entry { fields, ..entry });
        }
    }
    let fields = mine.union(&added).difference(&removed);
    if !fields.is_empty() {
        result.push(Entry {
            manager: manager.to_string(),
            operation: Operation::Update,
            api_version,
            time: time.to_string(),
            subresource: subresource.map(str::to_string),
            fields,
        });
    }
    entries_value(&result)
}

/// Fields an apply would change that other managers own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflicts(Vec<(String, String)>);

impl Conflicts {
    /// The Status message (`getConflictMessage`).
    pub fn message(&self) -> String {
        if let [(manager, path)] = self.0.as_slice() {
            return format!("Apply failed with 1 conflict: conflict with {manager}: {path}");
        }
        let mut managers: Vec<&String> = self.0.iter().map(|(m, _)| m).collect();
        managers.sort();
        managers.dedup();
        let mut lines = Vec::new();
        for manager in managers {
            lines.push(format!("conflicts with {manager}"));
            for (_, path) in self.0.iter().filter(|(m, _)| m == manager) {
                lines.push(format!("- {path}"));
            }
        }
        format!(
            "Apply failed with {} conflicts: {}",
            self.0.len(),
            lines.join("\n")
        )
    }

    /// Each conflict as a Status cause: (message, field).
    pub fn causes(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .map(|(manager, path)| (format!("conflict with {manager}"), path.clone()))
            .collect()
    }
}

/// `config` merged into `live`: objects field by field (`null` removes), keyed lists item
/// by item, sets by value, anything else replaced.
fn merge(live: Option<&Value>, config: &Value, path: &mut Vec<String>) -> Value {
    match (live, config) {
        (Some(Value::Object(live)), Value::Object(config))
            if !FieldSet::of(&Value::Object(config.clone())).member =>
        {
            let mut result = live.clone();
            for (name, value) in config {
                if value.is_null() {
                    result.remove(name);
                    continue;
                }
                path.push(name.clone());
                let merged = merge(live.get(name), value, path);
                path.pop();
                result.insert(name.clone(), merged);
            }
            Value::Object(result)
        }
        (Some(Value::Array(live)), Value::Array(config)) => {
            let names: Vec<&str> = path.iter().map(String::as_str).collect();
            let list = list_type(&names);
            if list == ListType::Atomic {
                return Value::Array(config.clone());
            }
            let mut result = live.clone();
            for item in config {
                let element = fieldset::item_element(item, list);
                let found = result
                    .iter()
                    .position(|l| element.is_some() && fieldset::item_element(l, list) == element);
                match found {
                    Some(index) if matches!(list, ListType::Map(_)) => {
                        result[index] = merge(Some(&result[index]), item, path);
                    }
                    Some(_) => {}
                    None => result.push(item.clone()),
                }
            }
            Value::Array(result)
        }
        _ => config.clone(),
    }
}

/// Removes the members of `dropped` from `value`, except where `kept` (what managers still
/// own) holds fields below them: the object that holds an owned field stays.
fn prune(value: &mut Value, dropped: &FieldSet, kept: Option<&FieldSet>, path: &mut Vec<String>) {
    for (element, child) in &dropped.children {
        let kept_child = kept.and_then(|k| k.children.get(element));
        let still_owned_below = kept_child.is_some_and(|k| !k.children.is_empty());
        let remove = child.member && !still_owned_below;
        if let Some(name) = element.strip_prefix("f:") {
            let Some(map) = value.as_object_mut() else {
                continue;
            };
            if remove {
                map.remove(name);
            } else if let Some(inner) = map.get_mut(name) {
                path.push(name.to_string());
                prune(inner, child, kept_child, path);
                path.pop();
                // A map whose last field went is gone too, as Go's `omitempty` drops it.
                if inner.as_object().is_some_and(Map::is_empty) {
                    map.remove(name);
                }
            }
        } else if let Some(items) = value.as_array_mut() {
            let names: Vec<&str> = path.iter().map(String::as_str).collect();
            let list = list_type(&names);
            let position = items
                .iter()
                .position(|item| fieldset::item_element(item, list).as_ref() == Some(element));
            match position {
                Some(index) if remove => {
                    items.remove(index);
                }
                Some(index) => prune(&mut items[index], child, kept_child, path),
                None => {}
            }
        }
    }
}

/// What an apply asks.
pub struct Apply<'a> {
    pub manager: &'a str,
    pub force: bool,
    /// Now, RFC 3339 seconds.
    pub time: &'a str,
}

/// Server-side apply of `config` over `live` (None: the object does not exist yet): the
/// object to store, its `managedFields` already set, or the conflicts.
pub fn apply(live: Option<&Value>, config: &Value, request: &Apply) -> Result<Value, Conflicts> {
    let applied = FieldSet::of(&owned_part(config, None));
    let mut merged = merge(live, config, &mut Vec::new());
    let live_part = live.map(|l| owned_part(l, None));
    let changes = changed(
        live_part.as_ref(),
        &owned_part(&merged, None),
        &mut Vec::new(),
    )
    .intersection(&applied);
    let mut previous = FieldSet::default();
    let mut others = Vec::new();
    let mut conflicts = Vec::new();
    for entry in live.map(entries).unwrap_or_default() {
        if entry.manager == request.manager && entry.operation == Operation::Apply {
            previous = entry.fields;
            continue;
        }
        let clash = entry.fields.intersection(&changes);
        for path in clash.paths() {
            conflicts.push((entry.label(), path_string(&path)));
        }
        others.push(Entry {
            fields: entry.fields.difference(&clash),
            ..entry
        });
    }
    if !conflicts.is_empty() && !request.force {
        return Err(Conflicts(conflicts));
    }
    if request.force {
        others.retain(|entry| !entry.fields.is_empty());
    } else {
        // Unforced, nothing was taken from anyone.
        others = live.map(entries).unwrap_or_default();
        others.retain(|e| !(e.manager == request.manager && e.operation == Operation::Apply));
    }
    let owned_by_others = others
        .iter()
        .fold(FieldSet::default(), |all, e| all.union(&e.fields));
    let kept = owned_by_others.union(&applied);
    let dropped = previous.difference(&kept);
    prune(&mut merged, &dropped, Some(&kept), &mut Vec::new());
    others.push(Entry {
        manager: request.manager.to_string(),
        operation: Operation::Apply,
        api_version: config["apiVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        time: request.time.to_string(),
        subresource: None,
        fields: applied,
    });
    if let Some(meta) = merged.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("managedFields".into(), entries_value(&others));
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2025-06-02T10:00:00Z";

    fn deployment(replicas: i64) -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}}
        })
    }

    fn with_fields(mut object: Value, fields: Value) -> Value {
        object["metadata"]["managedFields"] = fields;
        object
    }

    #[test]
    fn a_create_owns_what_it_set_and_an_update_takes_what_it_changed() {
        let created = record_update(None, &deployment(1), "kubectl-create", None, NOW);
        let object = with_fields(deployment(1), created);
        let scaled = with_fields(deployment(3), object["metadata"]["managedFields"].clone());
        let fields = record_update(Some(&object), &scaled, "kubectl-scale", None, NOW);
        let entries: Vec<Entry> = fields
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Entry::from_value)
            .collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].manager, "kubectl-scale");
        assert_eq!(
            entries[1].fields.to_fields_v1(),
            json!({"f:spec": {"f:replicas": {}}})
        );
        assert!(
            !entries[0].fields.to_fields_v1()["f:spec"]
                .as_object()
                .unwrap()
                .contains_key("f:replicas")
        );
        // The created labels map did not exist before: its entry owns it too (".").
        assert_eq!(
            entries[0].fields.to_fields_v1()["f:metadata"]["f:labels"],
            json!({".": {}, "f:app": {}})
        );
    }

    #[test]
    fn apply_conflicts_unless_forced_and_prunes_what_it_stopped_applying() {
        let created = record_update(None, &deployment(1), "kubectl-client-side-apply", None, NOW);
        let live = with_fields(deployment(1), created);
        let request = Apply {
            manager: "kubectl",
            force: false,
            time: NOW,
        };
        let conflicts = apply(Some(&live), &deployment(2), &request).unwrap_err();
        assert_eq!(
            conflicts.message(),
            "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas"
        );
        // The same value is shared, not a conflict.
        let shared = apply(Some(&live), &deployment(1), &request).unwrap();
        assert_eq!(entries(&shared).len(), 2);
        let forced = apply(
            Some(&live),
            &deployment(2),
            &Apply {
                force: true,
                ..request
            },
        )
        .unwrap();
        assert_eq!(forced["spec"]["replicas"], json!(2));
        let mine = entries(&forced)
            .into_iter()
            .find(|e| e.manager == "kubectl")
            .unwrap();
        assert_eq!(mine.operation, Operation::Apply);
        // A field applied before and no longer applied goes when nobody else owns it.
        let mut with_paused = deployment(2);
        with_paused["spec"]["paused"] = json!(true);
        let first = apply(None, &with_paused, &request).unwrap();
        assert_eq!(first["spec"]["paused"], json!(true));
        let second = apply(Some(&first), &deployment(2), &request).unwrap();
        assert_eq!(second["spec"].get("paused"), None);
        // A map owned as such before (`.`) stays while its fields are still applied.
        let mut owned_map = second.clone();
        owned_map["metadata"]["managedFields"][0]["fieldsV1"]["f:metadata"]["f:labels"]["."] =
            json!({});
        let third = apply(Some(&owned_map), &deployment(2), &request).unwrap();
        assert_eq!(third["metadata"]["labels"], json!({"app": "web"}));
    }

    #[test]
    fn apply_merges_keyed_lists_item_by_item() {
        let live = apply(
            None,
            &deployment(1),
            &Apply {
                manager: "a",
                force: false,
                time: NOW,
            },
        )
        .unwrap();
        let sidecar = json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"template": {"spec": {"containers": [{"name": "log", "image": "busybox"}]}}}
        });
        let merged = apply(
            Some(&live),
            &sidecar,
            &Apply {
                manager: "b",
                force: false,
                time: NOW,
            },
        )
        .unwrap();
        let names: Vec<&str> = merged["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["web", "log"]);
    }
}
