//! Field managers of requests and server-side apply (`PATCH` with
//! `application/apply-patch+yaml`): the manager a write is recorded for, and the apply
//! itself, both done by the core (`sim/src/field_manager.rs`, `model/src/managed/`).

use axum::http::StatusCode;
use axum::response::Response;
use kubeplay_sim::Cluster;
use kubeplay_sim::field_manager::{ApplyRequest, FieldManager};

use crate::http::{json_response, with_warnings};
use crate::objects::{key, object_value};
use crate::request::Request;
use crate::status::Failure;

pub const APPLY_PATCH: &str = "application/apply-patch+yaml";

/// The longest field manager the server takes.
const MAX_MANAGER_LENGTH: usize = 128;

/// The request's field manager: `fieldManager`, else the client's User-Agent up to its
/// first `/` (`prefixFromUserAgent`), as the API server names unnamed managers.
pub fn manager(request: &Request) -> Result<String, Failure> {
    if let Some(manager) = request.param("fieldManager") {
        if manager.chars().count() > MAX_MANAGER_LENGTH || manager.chars().any(|c| c.is_control()) {
            return Err(Failure::bad_request(format!(
                "fieldManager: Invalid value: {manager:?}: must be less than {MAX_MANAGER_LENGTH} characters and printable"
            )));
        }
        return Ok(manager.to_string());
    }
    let agent = request.user_agent.split('/').next().unwrap_or_default();
    Ok(agent.chars().take(MAX_MANAGER_LENGTH).collect())
}

/// Runs a write of `request` with its field manager recorded on what it writes.
pub fn as_manager<T>(
    request: &Request,
    cluster: &mut Cluster,
    write: impl FnOnce(&Request, &mut Cluster) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let manager = FieldManager {
        name: manager(request)?,
        subresource: request.target.subresource.clone(),
    };
    let outer = cluster.api.field_manager.replace(manager);
    let result = write(request, cluster);
    cluster.api.field_manager = outer;
    result
}

pub fn apply(request: &Request, cluster: &mut Cluster) -> Result<Response, Failure> {
    if request.target.subresource.is_some() {
        return Err(Failure::method_not_allowed());
    }
    let body = std::str::from_utf8(&request.body)
        .map_err(|_| Failure::bad_request("the configuration is not valid UTF-8"))?;
    let manager = match request.param("fieldManager") {
        Some(manager) if !manager.is_empty() => manager.to_string(),
        _ => {
            return Err(Failure::bad_request(
                "PATCH, application/apply-patch+yaml requests require fieldManager",
            ));
        }
    };
    let force = match request.param("force") {
        None => false,
        Some(_) => request.flag("force"),
    };
    let validation = request.field_validation()?;
    let applied = cluster.api.server_side_apply(
        &key(request),
        &ApplyRequest {
            body,
            manager: &manager,
            force,
            validation,
            dry_run: request.dry_run(),
        },
    )?;
    let code = if applied.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(with_warnings(
        json_response(code, &object_value(&applied.object)),
        &applied.warnings,
    ))
}
