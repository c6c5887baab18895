//! JSON Patch (RFC 6902): `add`, `remove`, `replace`, `move`, `copy` and `test` operations on
//! JSON Pointer paths, all or nothing.

use serde_json::Value;

use super::PatchError;

fn unprocessable(message: impl Into<String>) -> PatchError {
    PatchError::Unprocessable(message.into())
}

/// `/a/b~1c/0` → `["a", "b/c", "0"]`.
fn pointer_tokens(pointer: &str) -> Result<Vec<String>, PatchError> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(unprocessable(format!(
            "invalid path: {pointer:?} does not start with /"
        )));
    };
    Ok(rest
        .split('/')
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn missing(path: &str) -> PatchError {
    unprocessable(format!("doc is missing path: {path:?}: missing value"))
}

/// The container a path's last token lives in, and that token.
fn parent<'a>(
    doc: &'a mut Value,
    tokens: &[String],
    path: &str,
) -> Result<(&'a mut Value, String), PatchError> {
    let Some((last, init)) = tokens.split_last() else {
        return Err(unprocessable("a patch may not replace the whole document"));
    };
    let mut node = doc;
    for token in init {
        node = match node {
            Value::Object(map) => map.get_mut(token).ok_or_else(|| missing(path))?,
            Value::Array(items) => {
                let index: usize = token.parse().map_err(|_| missing(path))?;
                items.get_mut(index).ok_or_else(|| missing(path))?
            }
            _ => return Err(missing(path)),
        };
    }
    Ok((node, last.clone()))
}

fn get<'a>(doc: &'a Value, path: &str) -> Result<&'a Value, PatchError> {
    doc.pointer(path).ok_or_else(|| missing(path))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), PatchError> {
    let tokens = pointer_tokens(path)?;
    if tokens.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (node, last) = parent(doc, &tokens, path)?;
    match node {
        Value::Object(map) => {
            map.insert(last, value);
        }
        Value::Array(items) => {
            let index = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|index| *index <= items.len())
                    .ok_or_else(|| {
                        unprocessable(format!(
                            "add operation does not apply: doc is missing path: {path:?}"
                        ))
                    })?
            };
            items.insert(index, value);
        }
        _ => return Err(missing(path)),
    }
    Ok(())
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, PatchError> {
    let tokens = pointer_tokens(path)?;
    let (node, last) = parent(doc, &tokens, path)?;
    match node {
        Value::Object(map) => map.remove(&last).ok_or_else(|| {
            unprocessable(format!(
                "Unable to remove nonexistent key: {last}: missing value"
            ))
        }),
        Value::Array(items) => {
            let index: usize = last.parse().map_err(|_| missing(path))?;
            if index < items.len() {
                Ok(items.remove(index))
            } else {
                Err(missing(path))
            }
        }
        _ => Err(missing(path)),
    }
}

fn operation(doc: &mut Value, op: &serde_json::Map<String, Value>) -> Result<(), PatchError> {
    let text = |name: &str| -> Result<String, PatchError> {
        op.get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| unprocessable(format!("missing {name} in operation")))
    };
    let value = || {
        op.get("value")
            .cloned()
            .ok_or_else(|| unprocessable("missing value in operation"))
    };
    let path = text("path")?;
    match text("op")?.as_str() {
        "add" => add(doc, &path, value()?),
        "remove" => remove(doc, &path).map(drop).map_err(|error| match error {
            PatchError::Unprocessable(message) if message.starts_with("doc is missing path") => {
                unprocessable(format!("remove operation does not apply: {message}"))
            }
            other => other,
        }),
        "replace" => {
            remove(doc, &path).map_err(|_| {
                unprocessable(format!(
                    "replace operation does not apply: doc is missing key: {path}: missing value"
                ))
            })?;
            add(doc, &path, value()?)
        }
        "move" => {
            let from = text("from")?;
            let moved = remove(doc, &from)?;
            add(doc, &path, moved)
        }
        "copy" => {
            let copied = get(doc, &text("from")?)?.clone();
            add(doc, &path, copied)
        }
        "test" => {
            if get(doc, &path)? == &value()? {
                Ok(())
            } else {
                Err(unprocessable(format!(
                    "testing value {path} failed: test failed"
                )))
            }
        }
        other => Err(unprocessable(format!("Unexpected kind: {other}"))),
    }
}

/// Applies every operation in order to a copy of `original`; any failure leaves it untouched.
pub fn apply(original: &Value, patch: &Value) -> Result<Value, PatchError> {
    let Value::Array(operations) = patch else {
        return Err(PatchError::Malformed(
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch".into(),
        ));
    };
    let mut doc = original.clone();
    for op in operations {
        let Value::Object(op) = op else {
            return Err(PatchError::Malformed(
                "json: cannot unmarshal into Go value of type jsonpatch.Operation".into(),
            ));
        };
        operation(&mut doc, op)?;
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_every_operation() {
        let original = json!({"spec": {"replicas": 1, "list": ["a", "c"]}, "m": {"x/y": 1}});
        let patch = json!([
            {"op": "replace", "path": "/spec/replicas", "value": 3},
            {"op": "add", "path": "/spec/list/1", "value": "b"},
            {"op": "add", "path": "/spec/list/-", "value": "d"},
            {"op": "remove", "path": "/m/x~1y"},
            {"op": "copy", "from": "/spec/replicas", "path": "/copied"},
            {"op": "move", "from": "/copied", "path": "/moved"},
            {"op": "test", "path": "/moved", "value": 3}
        ]);
        assert_eq!(
            apply(&original, &patch).unwrap(),
            json!({"spec": {"replicas": 3, "list": ["a", "b", "c", "d"]}, "m": {}, "moved": 3})
        );
    }

    #[test]
    fn a_failing_operation_changes_nothing() {
        let original = json!({"a": 1});
        let patch =
            json!([{"op": "replace", "path": "/a", "value": 2}, {"op": "remove", "path": "/b"}]);
        assert_eq!(
            apply(&original, &patch),
            Err(PatchError::Unprocessable(
                "Unable to remove nonexistent key: b: missing value".into()
            ))
        );
        let failed_test = json!([{"op": "test", "path": "/a", "value": 2}]);
        assert!(matches!(
            apply(&original, &failed_test),
            Err(PatchError::Unprocessable(_))
        ));
        assert!(matches!(
            apply(&original, &json!({"op": "add"})),
            Err(PatchError::Malformed(_))
        ));
    }
}
