//! `/openapi/v3`: one document per group-version, as much of it as kubectl reads — each
//! kind's PATCH operation with its `x-kubernetes-group-version-kind`, the patch media types
//! it accepts and the `fieldValidation` parameter, which tells kubectl v1.33 to leave
//! validation to the server (`--validate=strict` sends `fieldValidation=Strict`), and the
//! v1.33 schemas of the group-version's kinds and everything they refer to (the data
//! `kubectl explain` in the page reads, `kubeplay_kubectl::explain`), which the real
//! `kubectl explain` renders and `apply` reads patch strategies from. `/openapi/v2`, which
//! kubectl reads only for kinds the v3 documents do not name, is an empty document (an empty
//! protobuf message): such a kind then fails as "no matches for kind", as with a real server.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kubeplay_kubectl::explain;
use kubeplay_model::Kind;
use serde_json::{Value, json};

use crate::http::json_response;

const PATCH_TYPES: [&str; 4] = [
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
];

/// `api/v1`, `apis/apps/v1`, …: where the document of a kind's group-version lives.
fn group_version_path(kind: Kind) -> String {
    let info = kind.info();
    if info.group.is_empty() {
        format!("api/{}", info.version)
    } else {
        format!("apis/{}/{}", info.group, info.version)
    }
}

/// Each group-version's document and its hash, built once.
fn documents() -> &'static BTreeMap<String, (Value, String)> {
    static DOCUMENTS: OnceLock<BTreeMap<String, (Value, String)>> = OnceLock::new();
    DOCUMENTS.get_or_init(|| {
        let paths: std::collections::BTreeSet<String> =
            Kind::all().map(group_version_path).collect();
        paths
            .into_iter()
            .map(|path| {
                let document = document(&path);
                let hash = hash(&document);
                (path, (document, hash))
            })
            .collect()
    })
}

/// The `hash` query the root names each document by: FNV-1a of its JSON, so a client's
/// cache (kubectl keeps documents by URL) never serves a document another build served.
fn hash(document: &Value) -> String {
    let fnv = document
        .to_string()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{fnv:016X}")
}

fn root() -> Value {
    let paths: serde_json::Map<String, Value> = documents()
        .iter()
        .map(|(gv, (_, hash))| {
            let url = format!("/openapi/v3/{gv}?hash={hash}");
            (gv.clone(), json!({ "serverRelativeURL": url }))
        })
        .collect();
    json!({ "paths": paths })
}

fn query_parameter(name: &str) -> Value {
    json!({ "name": name, "in": "query", "schema": { "type": "string", "uniqueItems": true } })
}

fn patch_operation(kind: Kind) -> Value {
    let content: serde_json::Map<String, Value> = PATCH_TYPES
        .iter()
        .map(|media| {
            (
                (*media).to_string(),
                json!({ "schema": { "type": "object" } }),
            )
        })
        .collect();
    json!({
        "patch": {
            "operationId": format!("patch{}", kind.name()),
            "parameters": [
                query_parameter("dryRun"),
                query_parameter("fieldManager"),
                query_parameter("fieldValidation"),
                json!({ "name": "force", "in": "query", "schema": { "type": "boolean", "uniqueItems": true } }),
            ],
            "requestBody": { "content": content, "required": true },
            "responses": { "200": { "description": "OK" } },
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": { "group": kind.group(), "version": kind.info().version, "kind": kind.name() },
        }
    })
}

/// The document of `group_version` (`apis/apps/v1`), one of [`group_version_path`]'s.
fn document(group_version: &str) -> Value {
    let kinds: Vec<Kind> = Kind::all()
        .filter(|kind| group_version_path(*kind) == group_version)
        .collect();
    let mut paths = serde_json::Map::new();
    for kind in kinds.iter().copied() {
        let path = if kind.namespaced() {
            format!(
                "/{group_version}/namespaces/{{namespace}}/{}/{{name}}",
                kind.plural()
            )
        } else {
            format!("/{group_version}/{}/{{name}}", kind.plural())
        };
        paths.insert(path, patch_operation(kind));
    }
    json!({
        "openapi": "3.0.0",
        "info": { "title": "Kubernetes", "version": crate::discovery::version()["gitVersion"] },
        "paths": paths,
        "components": { "schemas": schemas(&kinds) },
    })
}

/// The schemas of `kinds` and all they refer to; none if the compiled-in data is damaged
/// (kubectl then falls back to its own types, as before the schemas were served).
fn schemas(kinds: &[Kind]) -> BTreeMap<String, Value> {
    let Ok(schemas) = explain::schemas() else {
        return BTreeMap::new();
    };
    let roots = kinds.iter().filter_map(|kind| {
        let info = kind.info();
        schemas
            .for_kind(info.group, info.version, info.name)
            .map(|(name, _)| name)
    });
    schemas.closure(roots)
}

/// None when `path` is not an OpenAPI path.
pub fn serve(path: &str) -> Option<Response> {
    let rest = path.strip_prefix("/openapi/")?;
    if rest == "v2" {
        return Some(
            (
                StatusCode::OK,
                [(
                    axum::http::header::CONTENT_TYPE,
                    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
                )],
                Vec::new(),
            )
                .into_response(),
        );
    }
    Some(match rest.strip_prefix("v3") {
        Some("" | "/") => json_response(StatusCode::OK, &root()),
        Some(gv) => match documents().get(gv.trim_start_matches('/')) {
            Some((document, _)) => json_response(StatusCode::OK, document),
            None => (StatusCode::NOT_FOUND, "404 page not found\n").into_response(),
        },
        None => (StatusCode::NOT_FOUND, "404 page not found\n").into_response(),
    })
}
