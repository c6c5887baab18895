//! Strategic merge patch, as `strategicpatch.StrategicMergeMapPatch` applies it: maps merge,
//! `null` deletes, lists follow the field's merge strategy ([`super::meta`]), and the
//! directives `$patch` (`replace`, `delete`, `merge`), `$retainKeys`,
//! `$deleteFromPrimitiveList/FIELD` and `$setElementOrder/FIELD` steer it.

use serde_json::{Map, Value};

use super::PatchError;
use super::meta::{ListMerge, list_merge};

const PATCH: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList/";
const SET_ELEMENT_ORDER: &str = "$setElementOrder/";

fn malformed(message: impl Into<String>) -> PatchError {
    PatchError::Malformed(message.into())
}

pub fn apply(original: &Value, patch: &Map<String, Value>) -> Result<Value, PatchError> {
    let original = match original {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    Ok(merge_map(original, patch, &mut Vec::new())?
        .map_or(Value::Object(Map::new()), Value::Object))
}

/// Merges `patch` into `original`; None when the patch deletes the whole map.
fn merge_map<'a>(
    mut original: Map<String, Value>,
    patch: &'a Map<String, Value>,
    path: &mut Vec<&'a str>,
) -> Result<Option<Map<String, Value>>, PatchError> {
    match patch.get(PATCH) {
        None => {}
        Some(Value::String(directive)) => match directive.as_str() {
            "replace" => return Ok(Some(without_directives(patch))),
            "delete" => return Ok(None),
            "merge" => {}
            other => return Err(malformed(format!("Unknown patch type: {other}"))),
        },
        Some(other) => return Err(malformed(format!("Unknown patch type: {other}"))),
    }
    if let Some(retain) = patch.get(RETAIN_KEYS) {
        let Value::Array(keys) = retain else {
            return Err(malformed("invalid retainKeys: must be a list of strings"));
        };
        let keys: Vec<&str> = keys.iter().filter_map(Value::as_str).collect();
        original.retain(|key, _| keys.contains(&key.as_str()));
    }
    let mut orders = Vec::new();
    for (key, value) in patch {
        if key == PATCH || key == RETAIN_KEYS {
            continue;
        }
        if let Some(field) = key.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
            let Value::Array(deleted) = value else {
                return Err(malformed(format!("{key} must be a list")));
            };
            if let Some(Value::Array(items)) = original.get_mut(field) {
                items.retain(|item| !deleted.contains(item));
            }
            continue;
        }
        if let Some(field) = key.strip_prefix(SET_ELEMENT_ORDER) {
            orders.push((field, value));
            continue;
        }
        if key.starts_with('$') {
            return Err(malformed(format!("unknown directive {key}")));
        }
        if value.is_null() {
            original.remove(key);
            continue;
        }
        path.push(key);
        let merged = merge_value(original.remove(key), value, path)?;
        path.pop();
        if let Some(merged) = merged {
            original.insert(key.clone(), merged);
        }
    }
    for (field, order) in orders {
        path.push(field);
        let merge = list_merge(path);
        path.pop();
        if let (Some(Value::Array(items)), Value::Array(order)) = (original.get_mut(field), order) {
            reorder(items, order, merge);
        }
    }
    Ok(Some(original))
}

/// The value of one field after the patch; None when it is deleted.
fn merge_value<'a>(
    original: Option<Value>,
    patch: &'a Value,
    path: &mut Vec<&'a str>,
) -> Result<Option<Value>, PatchError> {
    match patch {
        Value::Object(patch_map) => {
            let base = match original {
                Some(Value::Object(map)) => map,
                _ => Map::new(),
            };
            Ok(merge_map(base, patch_map, path)?.map(Value::Object))
        }
        Value::Array(patch_items) => {
            let base = match original {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            merge_list(base, patch_items, list_merge(path), path)
                .map(|items| Some(Value::Array(items)))
        }
        scalar => Ok(Some(scalar.clone())),
    }
}

fn merge_list<'a>(
    mut original: Vec<Value>,
    patch: &'a [Value],
    merge: ListMerge,
    path: &mut Vec<&'a str>,
) -> Result<Vec<Value>, PatchError> {
    let replace = patch
        .iter()
        .any(|item| item.get(PATCH).and_then(Value::as_str) == Some("replace"));
    if replace {
        return Ok(patch
            .iter()
            .filter(|item| item.get(PATCH).is_none())
            .map(strip_nested)
            .collect());
    }
    match merge {
        ListMerge::Replace => Ok(patch.iter().map(strip_nested).collect()),
        ListMerge::Primitives => {
            for item in patch {
                if !original.contains(item) {
                    original.push(item.clone());
                }
            }
            Ok(original)
        }
        ListMerge::ByKey(key) => {
            for item in patch {
                let Value::Object(item_map) = item else {
                    return Err(malformed(format!(
                        "cannot merge a non-object into a list merged by {key}"
                    )));
                };
                let Some(wanted) = item_map.get(key) else {
                    return Err(malformed(format!(
                        "map: {item} does not contain declared merge key: {key}"
                    )));
                };
                let position = original.iter().position(|o| o.get(key) == Some(wanted));
                if item_map.get(PATCH).and_then(Value::as_str) == Some("delete") {
                    original.retain(|o| o.get(key) != Some(wanted));
                    continue;
                }
                let base = match position.map(|index| original.remove(index)) {
                    Some(Value::Object(map)) => map,
                    _ => Map::new(),
                };
                let merged = merge_map(base, item_map, path)?;
                if let Some(merged) = merged {
                    let index = position.unwrap_or(original.len());
                    original.insert(index, Value::Object(merged));
                }
            }
            Ok(original)
        }
    }
}

/// `$setElementOrder`: the listed elements in the listed order; the others (the server's
/// own) keep their relative order after them.
fn reorder(items: &mut Vec<Value>, order: &[Value], merge: ListMerge) {
    let rank = |item: &Value| -> Option<usize> {
        order.iter().position(|wanted| match merge {
            ListMerge::ByKey(key) => wanted.get(key).is_some() && wanted.get(key) == item.get(key),
            _ => wanted == item,
        })
    };
    let mut ranked: Vec<(usize, usize, Value)> = items
        .drain(..)
        .enumerate()
        .map(|(index, item)| (rank(&item).unwrap_or(usize::MAX), index, item))
        .collect();
    ranked.sort_by_key(|(rank, index, _)| (*rank, *index));
    items.extend(ranked.into_iter().map(|(_, _, item)| item));
}

fn without_directives(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .filter(|(key, _)| !key.starts_with('$'))
        .map(|(key, value)| (key.clone(), strip_nested(value)))
        .collect()
}

/// A value taken whole from the patch, without directives.
fn strip_nested(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(without_directives(map)),
        Value::Array(items) => Value::Array(items.iter().map(strip_nested).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(original: Value, patch: Value) -> Value {
        let Value::Object(map) = patch else {
            panic!("patch must be a map")
        };
        apply(&original, &map).unwrap()
    }

    fn deployment(containers: Value) -> Value {
        json!({"spec": {"template": {"spec": {"containers": containers}}}})
    }

    #[test]
    fn containers_merge_by_name_and_other_lists_replace() {
        let original = deployment(json!([
            {"name": "web", "image": "nginx:1.26", "args": ["a", "b"]},
            {"name": "sidecar", "image": "busybox"}
        ]));
        let patched = patch(
            original,
            deployment(json!([{"name": "web", "image": "nginx:1.27", "args": ["c"]}])),
        );
        assert_eq!(
            patched,
            deployment(json!([
                {"name": "web", "image": "nginx:1.27", "args": ["c"]},
                {"name": "sidecar", "image": "busybox"}
            ]))
        );
    }

    #[test]
    fn directives_delete_replace_and_order() {
        let original = deployment(json!([{"name": "a"}, {"name": "b"}, {"name": "c"}]));
        let deleted = patch(
            original.clone(),
            deployment(json!([{"name": "b", "$patch": "delete"}])),
        );
        assert_eq!(deleted, deployment(json!([{"name": "a"}, {"name": "c"}])));
        let replaced = patch(
            original.clone(),
            deployment(json!([{"name": "z"}, {"$patch": "replace"}])),
        );
        assert_eq!(replaced, deployment(json!([{"name": "z"}])));
        let ordered = patch(
            original,
            json!({"spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "c"}, {"name": "a"}],
                "containers": [{"name": "a", "image": "x"}]
            }}}}),
        );
        assert_eq!(
            ordered,
            deployment(json!([{"name": "c"}, {"name": "a", "image": "x"}, {"name": "b"}]))
        );
    }

    #[test]
    fn null_deletes_and_retain_keys_clear_the_rest() {
        let original = json!({"metadata": {"labels": {"a": "1", "b": "2"}},
            "spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}});
        let patched = patch(
            original,
            json!({"metadata": {"labels": {"a": null}},
                "spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
        );
        assert_eq!(
            patched,
            json!({"metadata": {"labels": {"b": "2"}}, "spec": {"strategy": {"type": "Recreate"}}})
        );
    }

    #[test]
    fn finalizers_merge_as_a_set_and_delete_from_primitive_lists() {
        let original = json!({"metadata": {"finalizers": ["a", "b"]}});
        let added = patch(
            original.clone(),
            json!({"metadata": {"finalizers": ["b", "c"]}}),
        );
        assert_eq!(added, json!({"metadata": {"finalizers": ["a", "b", "c"]}}));
        let removed = patch(
            original,
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
        );
        assert_eq!(removed, json!({"metadata": {"finalizers": ["b"]}}));
    }

    #[test]
    fn a_map_patch_can_replace_or_delete_a_map() {
        let original = json!({"spec": {"selector": {"a": "1"}, "other": {"x": 1}}});
        let patched = patch(
            original,
            json!({"spec": {"selector": {"b": "2", "$patch": "replace"}, "other": {"$patch": "delete"}}}),
        );
        assert_eq!(patched, json!({"spec": {"selector": {"b": "2"}}}));
    }

    #[test]
    fn bad_directives_are_errors() {
        let Value::Object(bad) = json!({"spec": {"$patch": "explode"}}) else {
            unreachable!()
        };
        assert!(apply(&json!({}), &bad).is_err());
        let Value::Object(no_key) = deployment(json!([{"image": "x"}])) else {
            unreachable!()
        };
        assert!(apply(&deployment(json!([])), &no_key).is_err());
    }
}
