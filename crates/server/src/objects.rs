//! The verbs on resources — get, list, create, update, delete — each one call of the same
//! `ApiServer` methods kubectl in the page uses, answered as the API server answers.

use axum::http::StatusCode;
use axum::response::Response;
use kubeplay_kubectl::fields::FieldSelector;
use kubeplay_model::selector::Selector;
use kubeplay_model::{ApiError, Kind, Object, ObjectKey};
use kubeplay_sim::Cluster;
use kubeplay_sim::api::{DeleteOptions, Propagation};
use serde_json::{Value, json};

use crate::http::{json_response, with_warnings};
use crate::request::Request;
use crate::status::Failure;
use crate::table::{self, IncludeObject};

/// The object as the API returns it: with its `apiVersion` and `kind`.
pub fn object_value(object: &Object) -> Value {
    let mut value = object.to_value();
    value["apiVersion"] = json!(object.kind().api_version());
    value["kind"] = json!(object.kind().name());
    value
}

pub fn key(request: &Request) -> ObjectKey {
    let name = request.target.name.as_deref().unwrap_or_default();
    ObjectKey::new(request.target.kind, request.namespace(), name)
}

/// The filters of a list or watch: `labelSelector` and `fieldSelector`.
pub struct Filter {
    labels: Selector,
    fields: FieldSelector,
}

impl Filter {
    pub fn from_request(request: &Request) -> Result<Filter, Failure> {
        let labels =
            Selector::parse(request.param("labelSelector").unwrap_or("")).map_err(|error| {
                Failure::bad_request(format!("unable to parse requirement: {}", error.0))
            })?;
        let fields = FieldSelector::parse(request.param("fieldSelector").unwrap_or("")).map_err(
            |error| Failure::bad_request(error.trim_start_matches("error: ").to_string()),
        )?;
        Ok(Filter { labels, fields })
    }

    pub fn matches(&self, object: &Object) -> bool {
        self.labels.matches(object.meta().labels.as_ref()) && self.fields.matches(object)
    }
}

fn scope(request: &Request) -> Option<&str> {
    request.target.namespace.as_deref()
}

/// The v1.33 server's warnings on every read of a kind (`Warning` headers).
pub fn kind_warnings(kind: Kind) -> Vec<String> {
    match kind {
        Kind::Endpoints => vec![
            "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice".into(),
        ],
        _ => Vec::new(),
    }
}

pub fn list(request: &Request, cluster: &Cluster) -> Result<Response, Failure> {
    let filter = Filter::from_request(request)?;
    let kind = request.target.kind;
    let store = &cluster.api.store;
    let objects: Vec<&Object> = store
        .list(kind, scope(request))
        .filter(|object| filter.matches(object))
        .collect();
    let version = store.resource_version().to_string();
    let body = if table::wants_table(&request.accept) {
        let include = IncludeObject::parse(request.param("includeObject"));
        table::table(kind, &objects, cluster.api.clock.now(), &version, include)
    } else {
        json!({
            "kind": format!("{}List", kind.name()),
            "apiVersion": kind.api_version(),
            "metadata": { "resourceVersion": version },
            "items": objects.iter().map(|object| object_value(object)).collect::<Vec<_>>(),
        })
    };
    Ok(with_warnings(
        json_response(StatusCode::OK, &body),
        &kind_warnings(kind),
    ))
}

pub fn get(request: &Request, cluster: &Cluster) -> Result<Response, Failure> {
    let key = key(request);
    let object = cluster
        .api
        .store
        .get(&key)
        .ok_or_else(|| ApiError::not_found(key.kind, &key.name))?;
    let body = if table::wants_table(&request.accept) {
        let include = IncludeObject::parse(request.param("includeObject"));
        let version = object.meta().resource_version.clone().unwrap_or_default();
        table::table(
            key.kind,
            &[object],
            cluster.api.clock.now(),
            &version,
            include,
        )
    } else {
        object_value(object)
    };
    Ok(with_warnings(
        json_response(StatusCode::OK, &body),
        &kind_warnings(key.kind),
    ))
}

pub fn create(request: &Request, cluster: &mut Cluster) -> Result<Response, Failure> {
    let decoded = request.decode()?;
    let created = cluster.api.create(decoded.object, request.dry_run())?;
    Ok(with_warnings(
        json_response(StatusCode::CREATED, &object_value(&created)),
        &decoded.warnings,
    ))
}

/// The name in the body must be the one in the URL.
fn check_name(request: &Request, object: &Object) -> Result<(), Failure> {
    let url_name = request.target.name.as_deref().unwrap_or_default();
    if object.name() != url_name {
        return Err(Failure::bad_request(format!(
            "the name of the object ({}) does not match the name on the URL ({url_name})",
            object.name()
        )));
    }
    Ok(())
}

pub fn update(request: &Request, cluster: &mut Cluster) -> Result<Response, Failure> {
    let decoded = request.decode()?;
    check_name(request, &decoded.object)?;
    let updated = match request.target.subresource.as_deref() {
        None => cluster.api.update(decoded.object, request.dry_run())?,
        Some("status") => cluster.api.update_status(decoded.object)?,
        Some(_) => return Err(Failure::method_not_allowed()),
    };
    Ok(with_warnings(
        json_response(StatusCode::OK, &object_value(&updated)),
        &decoded.warnings,
    ))
}

/// `DeleteOptions` from the body (kubectl sends one) or the query.
fn delete_options(request: &Request) -> Result<DeleteOptions, Failure> {
    let body: Value = if request.body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&request.body).map_err(|error| {
            Failure::bad_request(format!(
                "couldn't get version/kind; json parse error: {error}"
            ))
        })?
    };
    let propagation = body
        .get("propagationPolicy")
        .and_then(Value::as_str)
        .or(request.param("propagationPolicy"));
    let propagation = match propagation {
        None => None,
        Some("Background") => Some(Propagation::Background),
        Some("Foreground") => Some(Propagation::Foreground),
        Some("Orphan") => Some(Propagation::Orphan),
        Some(other) => {
            return Err(ApiError::invalid(
                request.target.kind,
                request.target.name.as_deref().unwrap_or_default(),
                vec![kubeplay_model::FieldError::unsupported(
                    "propagationPolicy",
                    other,
                    &["Foreground", "Background", "Orphan", "nil"],
                )],
            )
            .into());
        }
    };
    let orphan = body
        .get("orphanDependents")
        .and_then(Value::as_bool)
        .or(request.param("orphanDependents").map(|v| v == "true"));
    let propagation = propagation.or(match orphan {
        Some(true) => Some(Propagation::Orphan),
        Some(false) => Some(Propagation::Background),
        None => None,
    });
    let grace_period_seconds = body
        .get("gracePeriodSeconds")
        .and_then(Value::as_i64)
        .or(request
            .param("gracePeriodSeconds")
            .and_then(|v| v.parse().ok()));
    Ok(DeleteOptions {
        propagation,
        grace_period_seconds,
    })
}

fn success_status(object: &Object) -> Value {
    let mut details = json!({
        "name": object.name(),
        "kind": object.kind().plural(),
        "uid": object.uid(),
    });
    if !object.kind().group().is_empty() {
        details["group"] = json!(object.kind().group());
    }
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": details,
    })
}

pub fn delete(request: &Request, cluster: &mut Cluster) -> Result<Response, Failure> {
    let options = delete_options(request)?;
    let key = key(request);
    if request.dry_run() {
        let object = cluster
            .api
            .store
            .get(&key)
            .ok_or_else(|| ApiError::not_found(key.kind, &key.name))?;
        return Ok(json_response(StatusCode::OK, &object_value(object)));
    }
    let deleted = cluster.api.delete(&key, options)?;
    let still_there = cluster.api.store.contains(&key);
    // Pods come back as themselves; other kinds as a Success Status once gone.
    let body = if still_there || key.kind == Kind::Pod {
        object_value(&deleted)
    } else {
        success_status(&deleted)
    };
    let code = if still_there && key.kind != Kind::Pod {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok(json_response(code, &body))
}

/// `DELETE` on a collection: every object the filters select.
pub fn delete_collection(request: &Request, cluster: &mut Cluster) -> Result<Response, Failure> {
    let options = delete_options(request)?;
    let filter = Filter::from_request(request)?;
    let kind = request.target.kind;
    let keys: Vec<ObjectKey> = cluster
        .api
        .store
        .list(kind, scope(request))
        .filter(|object| filter.matches(object))
        .map(Object::key)
        .collect();
    let mut items = Vec::new();
    for key in keys {
        if let Ok(object) = cluster.api.delete(&key, options) {
            items.push(object_value(&object));
        }
    }
    let body = json!({
        "kind": format!("{}List", kind.name()),
        "apiVersion": kind.api_version(),
        "metadata": { "resourceVersion": cluster.api.store.resource_version().to_string() },
        "items": items,
    });
    Ok(json_response(StatusCode::OK, &body))
}
