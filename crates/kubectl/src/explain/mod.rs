//! The field documentation `kubectl explain` shows: the OpenAPI v3 schemas of the kinds
//! kubeplay serves, as the Kubernetes v1.33 API server publishes them at `/openapi/v3`.
//! `schemas.json.deflate` is generated from the upstream v1.33.0 definitions by
//! `scripts/explain-schemas.py` (its header names the exact upstream files); it is inflated
//! on the first `explain`, so a page that never asks pays nothing but its download.

pub mod plaintext;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

const DATA: &[u8] = include_bytes!("schemas.json.deflate");

/// How a document refers to one of its schemas.
pub const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Why the compiled-in schemas could not be read (a broken build, never user input).
#[derive(Clone, Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("the compiled-in OpenAPI schemas are damaged: {0}")]
    Inflate(String),
    #[error("the compiled-in OpenAPI schemas are not valid JSON: {0}")]
    Json(String),
}

/// The schemas by name (`io.k8s.api.core.v1.Pod`), in name order.
#[derive(Debug)]
pub struct Schemas {
    schemas: Map<String, Value>,
}

/// The schemas, inflated once.
pub fn schemas() -> Result<&'static Schemas, SchemaError> {
    static DECODED: OnceLock<Result<Schemas, SchemaError>> = OnceLock::new();
    DECODED.get_or_init(decode).as_ref().map_err(Clone::clone)
}

fn decode() -> Result<Schemas, SchemaError> {
    let json = miniz_oxide::inflate::decompress_to_vec(DATA)
        .map_err(|error| SchemaError::Inflate(format!("{error:?}")))?;
    let mut document: Value =
        serde_json::from_slice(&json).map_err(|error| SchemaError::Json(error.to_string()))?;
    match document.get_mut("schemas").map(Value::take) {
        Some(Value::Object(schemas)) => Ok(Schemas { schemas }),
        _ => Err(SchemaError::Json("no \"schemas\" object".into())),
    }
}

impl Schemas {
    /// The schema a `$ref` names, as kubectl's `resolveRef` finds it.
    pub fn resolve(&self, reference: &str) -> Option<&Value> {
        self.schemas.get(reference.strip_prefix(SCHEMA_PREFIX)?)
    }

    /// The name and schema of the kind `group/version, Kind=kind`: the first schema, in name
    /// order, whose `x-kubernetes-group-version-kind` lists it.
    pub fn for_kind(&self, group: &str, version: &str, kind: &str) -> Option<(&str, &Value)> {
        self.schemas.iter().find_map(|(name, schema)| {
            let listed = schema
                .get("x-kubernetes-group-version-kind")?
                .as_array()?
                .iter()
                .any(|gvk| {
                    gvk.get("group").and_then(Value::as_str) == Some(group)
                        && gvk.get("version").and_then(Value::as_str) == Some(version)
                        && gvk.get("kind").and_then(Value::as_str) == Some(kind)
                });
            listed.then_some((name.as_str(), schema))
        })
    }

    /// The schemas named in `roots` and every schema they refer to, directly or not: what a
    /// self-contained document about those kinds holds.
    pub fn closure<'a>(&self, roots: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, Value> {
        let mut kept = BTreeMap::new();
        let mut pending: Vec<String> = roots.into_iter().map(str::to_string).collect();
        while let Some(name) = pending.pop() {
            if kept.contains_key(&name) {
                continue;
            }
            let Some(schema) = self.schemas.get(&name) else {
                continue;
            };
            collect_refs(schema, &mut pending);
            kept.insert(name, schema.clone());
        }
        kept
    }
}

fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => {
                        if let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) {
                            into.push(name.to_string());
                        }
                    }
                    _ => collect_refs(value, into),
                }
            }
        }
        Value::Array(values) => values.iter().for_each(|value| collect_refs(value, into)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use kubeplay_model::Kind;

    use super::schemas;

    #[test]
    fn every_served_kind_has_its_schema() {
        let Ok(schemas) = schemas() else {
            panic!("the compiled-in schemas do not decode")
        };
        for kind in Kind::all() {
            let info = kind.info();
            assert!(
                schemas
                    .for_kind(info.group, info.version, info.name)
                    .is_some(),
                "no schema for {}",
                info.name
            );
        }
    }

    #[test]
    fn every_reference_resolves() {
        let Ok(schemas) = schemas() else {
            panic!("the compiled-in schemas do not decode")
        };
        let all = schemas.closure(schemas.schemas.keys().map(String::as_str));
        assert_eq!(all.len(), schemas.schemas.len());
        let mut refs = Vec::new();
        for schema in all.values() {
            super::collect_refs(schema, &mut refs);
        }
        for reference in refs {
            assert!(
                all.contains_key(&reference),
                "{reference} is not in the data"
            );
        }
    }
}
