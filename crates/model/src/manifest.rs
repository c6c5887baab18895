//! Decoding manifests (multi-document YAML or JSON) into typed objects, with the errors kubectl
//! and the API server give: YAML syntax errors with their line, unknown kinds, type errors and
//! strict unknown-field checks.

use serde_json::Value;

use crate::kinds::Kind;
use crate::object::Object;

/// The largest manifest kubeplay reads at once: the playground's guard for the tab (as
/// large as its whole filesystem). Each object is still held to the API server's 3 MiB
/// request limit when it is sent.
pub const MAX_MANIFEST_BYTES: usize = 32 * 1024 * 1024;

/// kubectl's `--validate`: how unknown fields are treated (the server's field validation
/// directive) and whether kubectl checks each document's type before sending it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// `strict` or `true` (the default): unknown fields fail the request.
    #[default]
    Strict,
    /// `warn`: unknown fields are dropped with a warning per field.
    Warn,
    /// `ignore` or `false`: unknown fields are dropped silently, no client-side checks.
    Ignore,
}

impl FieldValidation {
    /// Reads the `--validate` flag as kubectl's `GetValidationDirective` does.
    pub fn from_flag(flag: Option<&str>) -> Result<FieldValidation, String> {
        match flag {
            None | Some("strict" | "true") => Ok(FieldValidation::Strict),
            Some("warn") => Ok(FieldValidation::Warn),
            Some("ignore" | "false") => Ok(FieldValidation::Ignore),
            Some(other) => Err(format!(
                "invalid - validate option {other:?}; must be one of: strict (or true), warn, ignore (or false)"
            )),
        }
    }
}

/// One decoded document.
#[derive(Clone, Debug)]
pub struct Document {
    /// The server's warnings about it (`unknown field "spec.foo"` under `--validate=warn`).
    pub warnings: Vec<String>,
    pub object: Object,
    /// The document exactly as written, as JSON (for `last-applied-configuration`).
    pub raw: Value,
    /// 1-based line of the input where this document starts.
    pub first_line: usize,
}

/// Why a document could not be decoded.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ManifestError {
    /// kubectl: `error parsing <source>: error converting YAML to JSON: yaml: line N: <problem>`.
    #[error("yaml: line {line}: {problem}")]
    Yaml {
        /// 1-based line within the document, as kubectl reports it.
        line: usize,
        column: usize,
        /// 1-based line within the whole input, for editors.
        absolute_line: usize,
        problem: String,
    },
    #[error("kubeplay reads manifests of at most {MAX_MANIFEST_BYTES} bytes; this one has {0}")]
    TooLarge(usize),
    /// kubectl's client-side schema check.
    #[error("error validating data: {0}")]
    Validation(String),
    #[error("no matches for kind {kind:?} in version {api_version:?}")]
    UnknownKind {
        name: String,
        namespace: String,
        api_version: String,
        kind: String,
    },
    /// kubectl itself could not decode the document (only seen with `--validate=false`).
    #[error("{0}")]
    ClientDecode(String),
    /// The server could not decode the object (`cannot be handled as a Deployment: …`).
    #[error("{kind} in version \"v1\" cannot be handled as a {kind}: {detail}")]
    Undecodable {
        kind: String,
        name: String,
        detail: String,
    },
}

/// Splits on `---` document markers, keeping each document's first line number.
fn split_documents(text: &str) -> Vec<(usize, String)> {
    let mut documents = Vec::new();
    let mut current = String::new();
    let mut start_line = 1;
    for (index, line) in text.lines().enumerate() {
        if line.starts_with("---") && (line.len() == 3 || line[3..].starts_with([' ', '\t'])) {
            documents.push((start_line, std::mem::take(&mut current)));
            start_line = index + 2;
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    documents.push((start_line, current));
    documents
        .into_iter()
        .filter(|(_, body)| {
            body.lines().any(|line| {
                !line.trim().is_empty()
                    && !line.trim_start().starts_with('#')
                    && line.trim() != "..."
            })
        })
        .collect()
}

/// go-yaml reports parser errors with the 0-based line of the problem (scanner errors get
/// 1 added), so kubectl shows parser errors one line above where libyaml points.
fn go_yaml_reported_line(problem: &str, line: usize) -> usize {
    const PARSER_PROBLEMS: [&str; 6] = [
        "did not find expected <document start>",
        "did not find expected key",
        "did not find expected node content",
        "did not find expected '-' indicator",
        "did not find expected ',' or ']'",
        "did not find expected ',' or '}'",
    ];
    if PARSER_PROBLEMS.iter().any(|p| problem.starts_with(p)) {
        line.saturating_sub(1)
    } else {
        line
    }
}

/// Decodes every document of `text`; each document succeeds or fails on its own, as with
/// `kubectl apply -f` on a multi-document file.
pub fn decode_documents(text: &str, source: &str) -> Vec<Result<Document, ManifestError>> {
    decode_documents_with(text, source, FieldValidation::Strict)
}

/// [`decode_documents`] under a `--validate` mode.
pub fn decode_documents_with(
    text: &str,
    _source: &str,
    validation: FieldValidation,
) -> Vec<Result<Document, ManifestError>> {
    if text.len() > MAX_MANIFEST_BYTES {
        return vec![Err(ManifestError::TooLarge(text.len()))];
    }
    split_documents(text)
        .into_iter()
        .map(|(first_line, body)| decode_document(&body, first_line, validation))
        .collect()
}

/// kubectl's checks before sending a document: its validator's `getObjectKind` (strict and
/// warn), or the unstructured decoder's own errors (ignore).
fn client_checks(raw: &Value, validation: FieldValidation) -> Result<(), ManifestError> {
    let strict = validation != FieldValidation::Ignore;
    let Value::Object(map) = raw else {
        let found = match raw {
            Value::Array(_) => "array",
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Bool(_) => "bool",
            _ => "null",
        };
        return Err(if strict {
            ManifestError::Validation("invalid object to validate".into())
        } else {
            ManifestError::ClientDecode(format!(
                "json: cannot unmarshal {found} into Go value of type unstructured.detector"
            ))
        });
    };
    let mut problems = Vec::new();
    match map.get("apiVersion") {
        None | Some(Value::Null) => problems.push("apiVersion not set".to_string()),
        Some(Value::String(version)) => {
            // schema.ParseGroupVersion: "", "v1" or "group/version", nothing with more slashes.
            if version.matches('/').count() > 1 {
                if !strict {
                    return Err(ManifestError::ClientDecode(format!(
                        "Object 'Kind' is missing in '{}'",
                        serde_json::to_string(raw).unwrap_or_default()
                    )));
                }
                problems.push(format!("unexpected GroupVersion string: {version}"));
            }
        }
        Some(_) => problems.push("apiVersion isn't string type".into()),
    }
    match map.get("kind") {
        None | Some(Value::Null) => problems.push("kind not set".into()),
        Some(Value::String(kind)) if kind.is_empty() => problems.push("kind not set".into()),
        Some(Value::String(_)) => {}
        Some(_) => problems.push("kind isn't string type".into()),
    }
    if let Some(Value::String(version)) = map.get("apiVersion")
        && version.is_empty()
    {
        problems.insert(0, "apiVersion not set".into());
    }
    match problems.as_slice() {
        [] => Ok(()),
        [one] => Err(ManifestError::Validation(one.clone())),
        many => Err(ManifestError::Validation(format!("[{}]", many.join(", ")))),
    }
}

fn decode_document(
    body: &str,
    first_line: usize,
    validation: FieldValidation,
) -> Result<Document, ManifestError> {
    let raw: Value = serde_norway::from_str(body).map_err(|error| {
        let (line, column) = error.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = error.to_string();
        // serde_norway appends ` at line L column C`; kubectl puts the line first instead.
        let problem = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        ManifestError::Yaml {
            line: go_yaml_reported_line(&problem, line),
            column,
            absolute_line: first_line + line - 1,
            problem,
        }
    })?;
    client_checks(&raw, validation)?;
    let Value::Object(map) = &raw else {
        return Err(ManifestError::Validation(
            "invalid object to validate".into(),
        ));
    };
    let api_version = map
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind_name = map.get("kind").and_then(Value::as_str).unwrap_or_default();
    let metadata = map.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let namespace = metadata
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let Some(kind) = Kind::from_manifest(api_version, kind_name) else {
        return Err(ManifestError::UnknownKind {
            name,
            namespace,
            api_version: api_version.to_string(),
            kind: kind_name.to_string(),
        });
    };
    if let Some(problem) = quantity_problem(&raw) {
        return Err(ManifestError::Undecodable {
            kind: kind.name().to_string(),
            name,
            detail: problem.to_string(),
        });
    }
    let object = decode_typed(kind, &raw, &name)?;
    let unknown = unknown_fields(&raw, &object.to_value(), "");
    let mut warnings = Vec::new();
    if validation == FieldValidation::Warn {
        warnings = unknown
            .iter()
            .map(|path| format!("unknown field {path:?}"))
            .collect();
    } else if validation == FieldValidation::Strict && !unknown.is_empty() {
        let listed: Vec<String> = unknown
            .iter()
            .map(|path| format!("unknown field {path:?}"))
            .collect();
        return Err(ManifestError::Undecodable {
            kind: kind.name().to_string(),
            name,
            detail: format!("strict decoding error: {}", listed.join(", ")),
        });
    }
    Ok(Document {
        warnings,
        object,
        raw,
        first_line,
    })
}

fn decode_typed(kind: Kind, raw: &Value, name: &str) -> Result<Object, ManifestError> {
    let decoded =
        Object::decode_with_path(kind, raw).map(|object| mark_empty_selector(object, raw));
    // k8s-openapi fills absent required fields with empty values; validation reports them.
    decoded.map_err(|error| {
        let path = error.path().to_string();
        let inner = error.inner().to_string();
        ManifestError::Undecodable {
            kind: kind.name().to_string(),
            name: name.to_string(),
            detail: go_style_type_error(kind, &path, &inner),
        }
    })
}

/// The workloads whose `spec.selector` k8s-openapi holds as a required value decode a
/// written `selector: {}` exactly as an absent one, yet the API server answers them
/// differently (`Required value` for none, `empty selector is invalid for deployment` for
/// an empty one). A written empty selector is kept as an empty, present `matchExpressions`
/// list (which `validation::go_label_selector` prints as Go's nil slice), so validation can
/// tell them apart.
fn mark_empty_selector(mut object: Object, raw: &Value) -> Object {
    let written_empty = raw
        .get("spec")
        .and_then(|spec| spec.get("selector"))
        .and_then(Value::as_object)
        .is_some_and(|selector| selector.is_empty());
    if !written_empty {
        return object;
    }
    let selector = match &mut object {
        Object::Deployment(o) => o.spec.as_mut().map(|s| &mut s.selector),
        Object::ReplicaSet(o) => o.spec.as_mut().map(|s| &mut s.selector),
        Object::DaemonSet(o) => o.spec.as_mut().map(|s| &mut s.selector),
        Object::StatefulSet(o) => o.spec.as_mut().map(|s| &mut s.selector),
        _ => None,
    };
    if let Some(selector) = selector {
        selector.match_expressions = Some(Vec::new());
    }
    object
}

/// Words a serde type error the way Go's JSON decoder (sigs.k8s.io/json) reports it: the
/// JSON kind found, the Go struct holding the field with the field's full path, and the
/// field's Go type (`json: cannot unmarshal string into Go struct field
/// DeploymentSpec.spec.replicas of type int32`).
fn go_style_type_error(kind: Kind, path: &str, inner: &str) -> String {
    let Some(rest) = inner.strip_prefix("invalid type: ") else {
        return if path.is_empty() {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        };
    };
    let found = rest.split(',').next().unwrap_or(rest);
    let go_found = match found.split_whitespace().next().unwrap_or(found) {
        "sequence" => "array",
        "map" => "object",
        "integer" | "floating" => "number",
        "boolean" => "bool",
        other => other,
    };
    // Go reports the path of JSON keys, without list indices.
    let keys: Vec<&str> = path
        .split('.')
        .map(|key| key.split('[').next().unwrap_or(key))
        .filter(|key| !key.is_empty())
        .collect();
    let field = keys.last().copied().unwrap_or_default();
    let expected = rest.rsplit("expected ").next().unwrap_or("");
    let go_type = match (field, expected) {
        ("labels" | "annotations" | "matchLabels" | "nodeSelector", _) => "map[string]string",
        (_, "i32") => "int32",
        (_, "i64") => "int64",
        (_, "a boolean") => "bool",
        (_, "a string") => "string",
        (_, other) if other.contains("sequence") => "array",
        _ => "object",
    };
    let parent = keys.len().checked_sub(2).map(|i| keys[i]);
    let struct_name = match (parent, keys.len()) {
        (None, _) => kind.name().to_string(),
        (Some("metadata"), _) => "ObjectMeta".to_string(),
        (Some("spec"), 2) => format!("{}Spec", kind.name()),
        (Some("spec"), _) if keys.get(keys.len().saturating_sub(3)) == Some(&"template") => {
            "PodSpec".to_string()
        }
        (Some("template"), _) => "PodTemplateSpec".to_string(),
        (Some("containers" | "initContainers"), _) => "Container".to_string(),
        (Some("selector"), _) => "LabelSelector".to_string(),
        (Some("strategy"), _) => "DeploymentStrategy".to_string(),
        (Some("resources"), _) => "ResourceRequirements".to_string(),
        (Some(other), _) => {
            let mut chars = other.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        }
    };
    format!(
        "json: cannot unmarshal {go_found} into Go struct field {struct_name}.{} of type {go_type}",
        keys.join(".")
    )
}

/// Maps whose values are `resource.Quantity` in the kinds kubeplay serves
/// (`resources.requests`, `overhead`, node `capacity`, quota `hard`, …).
const QUANTITY_MAPS: &[&str] = &[
    "requests",
    "limits",
    "overhead",
    "capacity",
    "allocatable",
    "hard",
    "used",
];

/// The first quantity Go's decoder would refuse (`Quantity.UnmarshalJSON` accepts JSON
/// numbers and strings `ParseQuantity` reads). Metadata (labels, annotations) is skipped.
fn quantity_problem(value: &Value) -> Option<&'static str> {
    let Value::Object(map) = value else {
        return value.as_array()?.iter().find_map(quantity_problem);
    };
    map.iter()
        .filter(|(key, _)| key.as_str() != "metadata")
        .find_map(|(key, child)| {
            let quantities: Vec<&Value> = match (key.as_str(), child) {
                ("sizeLimit", value) => vec![value],
                (key, Value::Object(values)) if QUANTITY_MAPS.contains(&key) => {
                    values.values().collect()
                }
                _ => return quantity_problem(child),
            };
            quantities.into_iter().find_map(|quantity| match quantity {
                Value::String(text) => crate::quantity::Quantity::parse_error(text),
                _ => None,
            })
        })
}

/// Keys present in what the user wrote but absent after a typed round trip: unknown fields.
fn unknown_fields(written: &Value, typed: &Value, path: &str) -> Vec<String> {
    let mut unknown = Vec::new();
    match (written, typed) {
        (Value::Object(written), Value::Object(typed)) => {
            for (key, value) in written {
                if value.is_null() {
                    continue;
                }
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match typed.get(key) {
                    None => unknown.push(child),
                    Some(typed_value) => unknown.extend(unknown_fields(value, typed_value, &child)),
                }
            }
        }
        (Value::Array(written), Value::Array(typed)) => {
            for (index, (w, t)) in written.iter().zip(typed).enumerate() {
                unknown.extend(unknown_fields(w, t, &format!("{path}[{index}]")));
            }
        }
        _ => {}
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: demo\n  name: demo\nspec:\n  replicas: 3                    # scale-out\n  selector:\n    matchLabels:\n      app: demo\n  template:\n    metadata:\n      labels:\n        app: demo\n    spec:\n      containers:\n      - name: demo\n        image: demo:1.0.0\n";

    #[test]
    fn decodes_the_workshop_deployment() {
        let documents = decode_documents(DEMO, "STDIN");
        assert_eq!(documents.len(), 1);
        let Some(Ok(document)) = documents.first() else {
            panic!("{documents:?}")
        };
        assert_eq!(document.object.kind(), Kind::Deployment);
        assert_eq!(document.object.name(), "demo");
    }

    #[test]
    fn splits_documents_and_keeps_line_numbers() {
        let text = format!(
            "# leading comment\n---\n{DEMO}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n"
        );
        let documents = decode_documents(&text, "STDIN");
        assert_eq!(documents.len(), 2);
        assert!(
            matches!(&documents[1], Ok(d) if d.first_line == 23 && d.object.kind() == Kind::Namespace)
        );
    }

    #[test]
    fn reports_yaml_errors_with_their_line() {
        let documents = decode_documents(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n",
            "STDIN",
        );
        match documents.first() {
            Some(Err(error @ ManifestError::Yaml { line: 5, .. })) => {
                assert_eq!(
                    error.to_string(),
                    "yaml: line 5: mapping values are not allowed in this context"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reports_unknown_kinds_and_fields() {
        let unknown_kind = decode_documents(
            "apiVersion: apps/v1\nkind: Deploymnt\nmetadata:\n  name: nginx\n",
            "x",
        );
        assert!(
            matches!(unknown_kind.first(), Some(Err(ManifestError::UnknownKind { kind, .. })) if kind == "Deploymnt")
        );
        let unknown_field = decode_documents(
            &DEMO.replace("  replicas: 3", "  foo: 1\n  replicas: 3"),
            "x",
        );
        match unknown_field.first() {
            Some(Err(error)) => assert_eq!(
                error.to_string(),
                "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.foo\""
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn type_errors_are_reported() {
        let documents = decode_documents(&DEMO.replace("replicas: 3 ", "replicas: three "), "x");
        assert!(
            matches!(
                documents.first(),
                Some(Err(ManifestError::Undecodable { .. }))
            ),
            "{documents:?}"
        );
    }
}
