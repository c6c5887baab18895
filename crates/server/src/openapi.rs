//! `/openapi/v2` and `/openapi/v3`: what kubectl reads of the schema.

use axum::response::Response;

/// None when `path` is not an OpenAPI path.
pub fn serve(path: &str) -> Option<Response> {
    let _ = path;
    None
}
