//! Subresources: `scale` (read and write a workload's replicas as an autoscaling/v1 Scale),
//! `log` (a container's log), `eviction` (a delete its PodDisruptionBudget allows).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::{Selector, format_label_selector};
use kubeplay_model::{ApiError, Object};
use kubeplay_sim::Cluster;
use serde_json::{Value, json};

use crate::http::json_response;
use crate::objects::key;
use crate::request::Request;
use crate::status::Failure;

fn current(request: &Request, cluster: &Cluster) -> Result<Object, Failure> {
    let key = key(request);
    cluster
        .api
        .store
        .get(&key)
        .cloned()
        .ok_or_else(|| ApiError::not_found(key.kind, &key.name).into())
}

/// `spec.replicas`, `status.replicas` and the selector of a scalable workload.
fn replicas(object: &Object) -> Option<(i32, i32, String)> {
    match object {
        Object::Deployment(d) => Some((
            d.spec.as_ref()?.replicas.unwrap_or(1),
            d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0),
            format_label_selector(d.spec.as_ref().map(|s| &s.selector)),
        )),
        Object::ReplicaSet(r) => Some((
            r.spec.as_ref()?.replicas.unwrap_or(1),
            r.status.as_ref().map_or(0, |s| s.replicas),
            format_label_selector(r.spec.as_ref().map(|s| &s.selector)),
        )),
        Object::ReplicationController(r) => Some((
            r.spec.as_ref()?.replicas.unwrap_or(1),
            r.status.as_ref().map_or(0, |s| s.replicas),
            r.spec
                .as_ref()?
                .selector
                .as_ref()
                .map(|labels| Selector::from_labels(labels).to_string())
                .unwrap_or_default(),
        )),
        Object::StatefulSet(s) => Some((
            s.spec.as_ref()?.replicas.unwrap_or(1),
            s.status.as_ref().map_or(0, |s| s.replicas),
            format_label_selector(s.spec.as_ref().map(|s| &s.selector)),
        )),
        _ => None,
    }
}

pub fn scale_value(object: &Object) -> Value {
    let (spec, status, selector) = replicas(object).unwrap_or_default();
    let meta = object.meta();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": object.name(),
            "namespace": object.namespace(),
            "uid": object.uid(),
            "resourceVersion": meta.resource_version,
            "creationTimestamp": object.to_value()["metadata"]["creationTimestamp"],
        },
        "spec": { "replicas": spec },
        "status": { "replicas": status, "selector": selector },
    })
}

pub fn get_scale(request: &Request, cluster: &Cluster) -> Result<Response, Failure> {
    Ok(json_response(
        StatusCode::OK,
        &scale_value(&current(request, cluster)?),
    ))
}

/// Sets `spec.replicas` of the workload through an ordinary update.
pub fn set_replicas(
    cluster: &mut Cluster,
    mut object: Object,
    replicas: i32,
    resource_version: Option<String>,
    dry_run: bool,
) -> Result<Object, Failure> {
    if let Some(version) = resource_version {
        object.meta_mut().resource_version = Some(version);
    }
    match &mut object {
        Object::Deployment(d) => d.spec.get_or_insert_default().replicas = Some(replicas),
        Object::ReplicaSet(r) => r.spec.get_or_insert_default().replicas = Some(replicas),
        Object::ReplicationController(r) => {
            r.spec.get_or_insert_default().replicas = Some(replicas)
        }
        Object::StatefulSet(s) => s.spec.get_or_insert_default().replicas = Some(replicas),
        _ => return Err(Failure::no_resource()),
    }
    Ok(cluster.api.update(object, dry_run)?)
}

pub fn put_scale(request: &Request, cluster: &mut Cluster) -> Result<Response, Failure> {
    let object = current(request, cluster)?;
    let body: Value = serde_json::from_str(&request.body_text()?)
        .map_err(|error| Failure::bad_request(error.to_string()))?;
    let replicas = body["spec"]["replicas"].as_i64().unwrap_or(0);
    let replicas = i32::try_from(replicas)
        .map_err(|_| Failure::bad_request(format!("spec.replicas: {replicas} is out of range")))?;
    let version = body["metadata"]["resourceVersion"]
        .as_str()
        .map(str::to_string);
    let updated = set_replicas(cluster, object, replicas, version, request.dry_run())?;
    Ok(json_response(StatusCode::OK, &scale_value(&updated)))
}

/// The pod's container a log request names: `container=`, else its only container.
fn log_container(request: &Request, pod: &kubeplay_model::Pod) -> Result<String, Failure> {
    if let Some(container) = request.param("container") {
        return Ok(container.to_string());
    }
    let spec = pod.spec.as_ref();
    let names: Vec<&str> = spec
        .map(|s| s.containers.iter().map(|c| c.name.as_str()).collect())
        .unwrap_or_default();
    match names.as_slice() {
        [one] => Ok((*one).to_string()),
        _ => Err(Failure::bad_request(format!(
            "a container name must be specified for pod {}, choose one of: [{}]",
            pod.metadata.name_str(),
            names.join(" ")
        ))),
    }
}

/// The pod and container a log request reads, checked as the server checks them.
pub fn log_target(
    request: &Request,
    cluster: &Cluster,
) -> Result<(kubeplay_model::Pod, String), Failure> {
    let Object::Pod(pod) = current(request, cluster)? else {
        return Err(Failure::no_resource());
    };
    let container = log_container(request, &pod)?;
    let known = pod
        .spec
        .iter()
        .flat_map(|s| {
            s.containers
                .iter()
                .chain(s.init_containers.iter().flatten())
        })
        .any(|c| c.name == container);
    if !known {
        return Err(Failure::bad_request(format!(
            "container {container} is not valid for pod {}",
            pod.metadata.name_str()
        )));
    }
    Ok((kubeplay_model::Pod::clone(&pod), container))
}

/// How many of a log's first lines `tailLines=N` leaves out.
pub fn skipped_by_tail(request: &Request, lines: usize) -> usize {
    request
        .param("tailLines")
        .and_then(|t| t.parse::<usize>().ok())
        .map_or(0, |tail| lines.saturating_sub(tail))
}

pub fn log(request: &Request, cluster: &Cluster) -> Result<Response, Failure> {
    let (pod, container) = log_target(request, cluster)?;
    let lines = cluster.container_log(&pod, &container, request.flag("previous"))?;
    let skip = skipped_by_tail(request, lines.len());
    let mut text = String::new();
    for (_, line) in &lines[skip..] {
        text.push_str(line);
        text.push('\n');
    }
    Ok(([(header::CONTENT_TYPE, "text/plain")], text).into_response())
}

/// `POST pods/NAME/eviction` with an Eviction body.
pub fn evict(request: &Request, cluster: &mut Cluster) -> Result<Response, Failure> {
    let body: Value = serde_json::from_str(&request.body_text()?)
        .map_err(|error| Failure::bad_request(error.to_string()))?;
    let grace = body["deleteOptions"]["gracePeriodSeconds"].as_i64();
    cluster.api.evict(&key(request), grace)?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
    ))
}
