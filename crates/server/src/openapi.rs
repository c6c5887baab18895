//! `/openapi/v3`: one document per group-version, as much of it as kubectl reads — each
//! kind's PATCH operation with its `x-kubernetes-group-version-kind`, the patch media types
//! it accepts and the `fieldValidation` parameter, which tells kubectl v1.33 to leave
//! validation to the server (`--validate=strict` sends `fieldValidation=Strict`). The
//! documents carry no schemas, so kubectl computes `apply` patches from its compiled-in
//! types (its fallback), and `kubectl explain` has nothing to show. `/openapi/v2`, which
//! kubectl reads only for kinds the v3 documents do not name, is an empty document (an empty
//! protobuf message): such a kind then fails as "no matches for kind", as with a real server.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kubeplay_model::Kind;
use serde_json::{Value, json};

use crate::http::json_response;

const PATCH_TYPES: [&str; 4] = [
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
];

/// `api/v1`, `apis/apps/v1`, …: the group-versions the server serves.
fn group_versions() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for kind in Kind::all() {
        let name = if kind.group().is_empty() {
            "api/v1".to_string()
        } else {
            format!("apis/{}/v1", kind.group())
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn root() -> Value {
    let paths: serde_json::Map<String, Value> = group_versions()
        .into_iter()
        .map(|gv| {
            let url = format!("/openapi/v3/{gv}?hash=kubeplay");
            (gv, json!({ "serverRelativeURL": url }))
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
            "x-kubernetes-group-version-kind": { "group": kind.group(), "version": "v1", "kind": kind.name() },
        }
    })
}

fn document(group_version: &str) -> Option<Value> {
    if !group_versions().iter().any(|gv| gv == group_version) {
        return None;
    }
    let group = group_version
        .strip_prefix("apis/")
        .and_then(|rest| rest.strip_suffix("/v1"))
        .unwrap_or_default();
    let mut paths = serde_json::Map::new();
    for kind in Kind::all().filter(|kind| kind.group() == group) {
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
    Some(json!({
        "openapi": "3.0.0",
        "info": { "title": "Kubernetes", "version": crate::discovery::version()["gitVersion"] },
        "paths": paths,
        "components": { "schemas": {} },
    }))
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
        Some(gv) => match document(gv.trim_start_matches('/')) {
            Some(document) => json_response(StatusCode::OK, &document),
            None => (StatusCode::NOT_FOUND, "404 page not found\n").into_response(),
        },
        None => (StatusCode::NOT_FOUND, "404 page not found\n").into_response(),
    })
}
