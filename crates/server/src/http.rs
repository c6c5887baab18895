//! The HTTP front: every request goes through [`handle`], which reads the body under the
//! API server's size limit, resolves the path and dispatches to discovery, the resource verbs
//! or watches. Answers are JSON, and failures `Status` objects, as the real server's are.

use std::collections::BTreeMap;

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use kubeplay_model::ApiError;
use kubeplay_model::errors::MAX_REQUEST_BODY_BYTES;
use serde_json::Value;

use crate::apply::as_manager;
use crate::clock::ClockMode;
use crate::discovery;
use crate::objects;
use crate::path::{self, ApiPath};
use crate::request::Request;
use crate::state::Shared;
use crate::status::Failure;
use crate::watch;

/// Beyond this a request body is not even read to its end.
const MAX_DRAINED_BODY_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone)]
pub struct App {
    pub shared: Shared,
    pub clock: ClockMode,
}

pub fn json_response(code: StatusCode, value: &Value) -> Response {
    let mut response = (code, value.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Adds `Warning: 299 - "…"` headers, as the server sends deprecation and field warnings.
pub fn with_warnings(mut response: Response, warnings: &[String]) -> Response {
    for warning in warnings {
        let text = format!("299 - {}", serde_json::Value::String(warning.clone()));
        if let Ok(value) = HeaderValue::from_str(&text) {
            response.headers_mut().append(header::WARNING, value);
        }
    }
    response
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

fn not_found_page() -> Response {
    (StatusCode::NOT_FOUND, "404 page not found\n").into_response()
}

pub async fn handle(
    State(app): State<App>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // The body is read to its end (up to a bound) even when too large, so the client
    // finishes sending and reads the 413 rather than a broken pipe.
    let body = match to_bytes(body, MAX_DRAINED_BODY_BYTES).await {
        Ok(bytes) if bytes.len() <= MAX_REQUEST_BODY_BYTES => bytes.to_vec(),
        _ => {
            return Failure::from(ApiError::RequestEntityTooLarge(format!(
                "limit is {MAX_REQUEST_BODY_BYTES}"
            )))
            .into_response();
        }
    };
    let query: BTreeMap<String, String> =
        serde_urlencoded::from_str(uri.query().unwrap_or_default()).unwrap_or_default();
    let accept = header_text(&headers, header::ACCEPT);
    let content_type = header_text(&headers, header::CONTENT_TYPE);
    let route = uri.path();
    match route {
        "/version" | "/version/" => {
            return json_response(StatusCode::OK, &discovery::version());
        }
        "/healthz" | "/livez" | "/readyz" => return (StatusCode::OK, "ok").into_response(),
        "/kubeplay/v1/advance" => return advance(&app, &method, &query).into_response(),
        // How many watches are open: a script driving a manual clock steps it while its
        // client waits on one (`kubectl delete`, `rollout status`, `wait`).
        "/kubeplay/v1/watches" => {
            let open = app.shared.open_watches();
            return json_response(StatusCode::OK, &serde_json::json!({ "open": open }));
        }
        _ => {}
    }
    if let Some(response) = crate::openapi::serve(route) {
        return response;
    }
    let Some(api_path) = path::parse(route) else {
        return if route.starts_with("/api/") || route.starts_with("/apis/") {
            Failure::no_resource().into_response()
        } else {
            not_found_page()
        };
    };
    let target = match api_path {
        ApiPath::Root { core } => {
            if method != Method::GET {
                return Failure::method_not_allowed().into_response();
            }
            return if discovery::wants_aggregated(&accept) {
                let mut response = json_response(StatusCode::OK, &discovery::aggregated(core));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(discovery::AGGREGATED_CONTENT_TYPE),
                );
                response
            } else if core {
                json_response(
                    StatusCode::OK,
                    &discovery::api_versions(&app.shared.address),
                )
            } else {
                json_response(StatusCode::OK, &discovery::group_list())
            };
        }
        ApiPath::Group(group) => {
            return match discovery::group(&group) {
                Some(value) => json_response(StatusCode::OK, &value),
                None => Failure::no_resource().into_response(),
            };
        }
        ApiPath::GroupVersion { group, .. } => {
            return json_response(StatusCode::OK, &discovery::resource_list(&group));
        }
        ApiPath::Resource(target) => target,
    };
    if crate::protobuf::accepts_only_protobuf(&accept) {
        return crate::protobuf::not_acceptable().into_response();
    }
    let request = Request {
        target,
        query,
        accept,
        content_type,
        user_agent: header_text(&headers, header::USER_AGENT),
        body,
    };
    match resource(&app, &method, request) {
        Ok(response) => response,
        Err(failure) => failure.into_response(),
    }
}

fn resource(app: &App, method: &Method, request: Request) -> Result<Response, Failure> {
    let shared = &app.shared;
    let named = request.target.name.is_some();
    let subresource = request.target.subresource.clone();
    match (method.as_str(), named, subresource.as_deref()) {
        ("GET", false, None) if request.flag("watch") => watch::watch(request, shared.clone()),
        ("GET", false, None) => shared.read(|cluster| objects::list(&request, cluster)),
        ("GET", true, None | Some("status")) => {
            shared.read(|cluster| objects::get(&request, cluster))
        }
        ("GET", true, Some("scale")) => {
            shared.read(|cluster| crate::subresources::get_scale(&request, cluster))
        }
        ("GET", true, Some("log")) if request.flag("follow") && !request.flag("previous") => {
            crate::log_follow::follow(request, shared.clone())
        }
        ("GET", true, Some("log")) => {
            shared.read(|cluster| crate::subresources::log(&request, cluster))
        }
        ("POST", false, None) => {
            shared.write(|cluster| as_manager(&request, cluster, objects::create))
        }
        ("POST", true, Some("eviction")) => {
            shared.write(|cluster| crate::subresources::evict(&request, cluster))
        }
        ("PUT", true, None | Some("status")) => {
            shared.write(|cluster| as_manager(&request, cluster, objects::update))
        }
        ("PUT", true, Some("scale")) => {
            shared.write(|cluster| as_manager(&request, cluster, crate::subresources::put_scale))
        }
        ("PATCH", true, _) if request.content_type.starts_with(crate::apply::APPLY_PATCH) => {
            shared.write(|cluster| crate::apply::apply(&request, cluster))
        }
        ("PATCH", true, None | Some("status") | Some("scale")) => {
            shared.write(|cluster| as_manager(&request, cluster, crate::patching::patch))
        }
        ("DELETE", true, None) => shared.write(|cluster| objects::delete(&request, cluster)),
        ("DELETE", false, None) => {
            shared.write(|cluster| objects::delete_collection(&request, cluster))
        }
        (_, _, Some(sub))
            if !crate::discovery::subresources(request.target.kind)
                .iter()
                .any(|(name, _, _)| *name == sub) =>
        {
            Err(Failure::no_resource())
        }
        _ => Err(Failure::method_not_allowed()),
    }
}

/// `POST /kubeplay/v1/advance?seconds=N`: moves a manual clock on by N seconds (fractions
/// allowed), running everything scheduled on the way; `?to=next-change` moves it to the next
/// instant at which something is scheduled (as kubeplay's own waiting commands step), if
/// any. Answers the new virtual time.
fn advance(app: &App, method: &Method, query: &BTreeMap<String, String>) -> Response {
    if method != Method::POST {
        return Failure::method_not_allowed().into_response();
    }
    if app.clock != ClockMode::Manual {
        return Failure::bad_request("the clock follows the wall clock (kubeplay serve --clock real); only --clock manual advances on request").into_response();
    }
    if query.get("to").map(String::as_str) == Some("next-change") {
        let now = app.shared.write(|cluster| {
            if let Some(next) = cluster.next_change_at() {
                cluster.advance_to(next.min(cluster.api.clock.last_ms()));
            }
            cluster.api.clock.now()
        });
        return json_response(
            StatusCode::OK,
            &serde_json::json!({ "now": now.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string() }),
        );
    }
    let seconds = query.get("seconds").and_then(|s| s.parse::<f64>().ok());
    let Some(millis) = seconds
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| (s * 1000.0).round() as u64)
    else {
        return Failure::bad_request("seconds must be a non-negative number").into_response();
    };
    let now = app.shared.write(|cluster| {
        let target = cluster
            .now_ms()
            .saturating_add(millis)
            .min(cluster.api.clock.last_ms());
        cluster.advance_to(target);
        cluster.api.clock.now()
    });
    json_response(
        StatusCode::OK,
        &serde_json::json!({ "now": now.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string() }),
    )
}
