//! `PATCH`: JSON Patch, JSON merge patch and strategic merge patch, applied by the core
//! (`ApiServer::patch`); on the `scale` subresource the patch applies to the Scale and its
//! replicas go through the ordinary update.

use axum::http::StatusCode;
use axum::response::Response;
use kubeplay_model::manifest::FieldValidation;
use kubeplay_model::patch::{self, PatchError, PatchType};
use kubeplay_model::{ApiError, Object};
use kubeplay_sim::Cluster;
use kubeplay_sim::patch::PatchTarget;

use crate::http::{json_response, with_warnings};
use crate::objects::{key, object_value};
use crate::request::Request;
use crate::status::Failure;
use crate::subresources::{scale_value, set_replicas};

fn unsupported_patch(media: &str) -> Failure {
    Failure::new(
        415,
        "UnsupportedMediaType",
        format!(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (not {media:?})"
        ),
    )
}

fn validation(request: &Request) -> FieldValidation {
    match request.param("fieldValidation") {
        Some("Strict") => FieldValidation::Strict,
        Some("Ignore") => FieldValidation::Ignore,
        _ => FieldValidation::Warn,
    }
}

pub fn patch(request: &Request, cluster: &mut Cluster) -> Result<Response, Failure> {
    let Some(patch_type) = PatchType::from_media_type(&request.content_type) else {
        return Err(unsupported_patch(&request.content_type));
    };
    let body = std::str::from_utf8(&request.body)
        .map_err(|_| Failure::bad_request("the patch is not valid UTF-8"))?;
    let key = key(request);
    if request.target.subresource.as_deref() == Some("scale") {
        return patch_scale(request, cluster, patch_type, body);
    }
    let target = match request.target.subresource.as_deref() {
        Some("status") => PatchTarget::Status,
        _ => PatchTarget::Object,
    };
    let patched = cluster.api.patch(
        &key,
        patch_type,
        body,
        target,
        validation(request),
        request.dry_run(),
    )?;
    Ok(with_warnings(
        json_response(StatusCode::OK, &object_value(&patched.object)),
        &patched.warnings,
    ))
}

fn patch_scale(
    request: &Request,
    cluster: &mut Cluster,
    patch_type: PatchType,
    body: &str,
) -> Result<Response, Failure> {
    let key = key(request);
    let current: Object = cluster
        .api
        .store
        .get(&key)
        .cloned()
        .ok_or_else(|| ApiError::not_found(key.kind, &key.name))?;
    let scale =
        patch::apply(&scale_value(&current), patch_type, body).map_err(|error| match error {
            PatchError::Malformed(message) => Failure::bad_request(message),
            PatchError::Unprocessable(message) => ApiError::Unprocessable(message).into(),
        })?;
    let replicas = scale["spec"]["replicas"]
        .as_i64()
        .and_then(|r| i32::try_from(r).ok())
        .ok_or_else(|| Failure::bad_request("spec.replicas must be a 32-bit integer"))?;
    let version = scale["metadata"]["resourceVersion"]
        .as_str()
        .map(str::to_string);
    let updated = set_replicas(cluster, current, replicas, version, request.dry_run())?;
    Ok(json_response(StatusCode::OK, &scale_value(&updated)))
}
