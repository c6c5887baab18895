//! `kubectl expose (-f FILE | TYPE NAME)`: a Service for a Deployment, ReplicaSet, Pod or
//! Service (`expose.go` and the `ServiceGeneratorV2` it runs): the selector, ports and
//! protocols come from the object unless flags give them; the labels are the object's.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_model::{Kind, Object, Typed};

use super::report::Report;
use crate::args::{self, Flag, value};
use crate::errors;
use crate::output::Output;
use crate::resources;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("port", None),
    value("target-port", None),
    value("protocol", None),
    value("type", None),
    value("name", None),
    value("selector", None),
    value("labels", Some('l')),
    value("external-ip", None),
    value("cluster-ip", None),
    value("session-affinity", None),
    value("load-balancer-ip", None),
    value("output", Some('o')),
    value("template", None),
    value("dry-run", None),
];

// kubectl v1.33 reports a port or selector it cannot find with a plain error, no usage hint.

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "expose") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let report = match Report::from_flags(&parsed, session) {
        Ok(report) => report,
        Err(error) => return out.error(error),
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let keys = match resources::keys(&parsed, stdin, &namespace, session) {
        Ok(keys) => keys,
        Err(error) => return out.error(error),
    };
    for key in keys {
        let Some(object) = session.cluster.api.store.get(&key).cloned() else {
            out.error(errors::render(&kubeplay_model::ApiError::not_found(
                key.kind, &key.name,
            )));
            continue;
        };
        let service = match service_for(&object, &parsed) {
            Ok(service) => service,
            Err(error) => return out.error(error),
        };
        let mut service = service.into_object();
        if report.dry_run == super::report::DryRun::Client {
            // kubectl sets the namespace of what it prints only when `-n` was given.
            service.meta_mut().namespace = parsed.value("namespace").map(str::to_string);
            report.print(&service, "exposed", out);
            continue;
        }
        service.meta_mut().namespace = Some(key.namespace.clone());
        match session
            .cluster
            .api
            .create(service, report.dry_run.server_side())
        {
            Ok(created) => report.print(&created, "exposed", out),
            Err(error) => out.error(errors::render(&error)),
        }
    }
}

/// The Service `ServiceGeneratorV2` generates for `object`.
fn service_for(object: &Object, parsed: &args::Parsed) -> Result<Service, String> {
    let kind = object.kind();
    if !matches!(
        kind,
        Kind::Deployment
            | Kind::ReplicaSet
            | Kind::ReplicationController
            | Kind::Pod
            | Kind::Service
    ) {
        let group_kind = if kind.group().is_empty() {
            kind.name().to_string()
        } else {
            format!("{}.{}", kind.name(), kind.group())
        };
        return Err(format!("error: cannot expose a {group_kind}"));
    }
    let selector = match parsed.value("selector") {
        Some(text) => parse_labels(text)?,
        None => selector_of(object).map_err(|e| {
            format!("error: couldn't retrieve selectors via --selector flag or introspection: {e}")
        })?,
    };
    let protocols = protocols_of(object);
    let ports: Vec<String> = match parsed.value("port") {
        Some(port) => port.split(',').map(str::to_string).collect(),
        None => ports_of(object),
    };
    let headless = parsed.value("cluster-ip") == Some("None");
    if ports.is_empty() && !headless {
        return Err("error: couldn't find port via --port flag or introspection".to_string());
    }
    let mut service_ports = Vec::new();
    for (index, port) in ports.iter().enumerate() {
        let number = port
            .parse::<i32>()
            .map_err(|_| format!("error: strconv.Atoi: parsing {port:?}: invalid syntax"))?;
        let protocol = parsed
            .value("protocol")
            .map(str::to_string)
            .or_else(|| protocols.get(port).cloned())
            .unwrap_or_else(|| "TCP".into());
        let target_port = match parsed.value("target-port") {
            Some(target) => match target.parse::<i32>() {
                Ok(n) => IntOrString::Int(n),
                Err(_) => IntOrString::String(target.to_string()),
            },
            None => IntOrString::Int(number),
        };
        service_ports.push(ServicePort {
            name: (ports.len() > 1).then(|| format!("port-{}", index + 1)),
            port: number,
            protocol: Some(protocol),
            target_port: Some(target_port),
            ..ServicePort::default()
        });
    }
    let labels = match parsed.value("labels") {
        Some(text) => Some(parse_labels(text)?),
        None => object.meta().labels.clone(),
    };
    let service_type = parsed.value("type").map(str::to_string);
    Ok(Service {
        metadata: ObjectMeta {
            name: Some(parsed.value("name").unwrap_or(object.name()).to_string()),
            labels,
            ..ObjectMeta::default()
        },
        spec: Some(ServiceSpec {
            selector: Some(selector),
            ports: (!service_ports.is_empty()).then_some(service_ports),
            external_ips: parsed.value("external-ip").map(|ip| vec![ip.to_string()]),
            load_balancer_ip: parsed
                .value("load-balancer-ip")
                .filter(|_| service_type.as_deref() == Some("LoadBalancer"))
                .map(str::to_string),
            session_affinity: parsed.value("session-affinity").map(str::to_string),
            cluster_ip: parsed.value("cluster-ip").map(str::to_string),
            type_: service_type,
            ..ServiceSpec::default()
        }),
        status: None,
    })
}

/// `key=value,key=value` as `--selector` and `--labels` take them.
fn parse_labels(text: &str) -> Result<BTreeMap<String, String>, String> {
    text.split(',')
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| format!("error: invalid label spec: {pair}"))
        })
        .collect()
}

/// `MapBasedSelectorForObject`.
fn selector_of(object: &Object) -> Result<BTreeMap<String, String>, String> {
    let selector = match object {
        Object::Pod(pod) => {
            let labels = pod.metadata.labels.clone().unwrap_or_default();
            if labels.is_empty() {
                return Err("the pod has no labels and cannot be exposed".into());
            }
            return Ok(labels);
        }
        Object::Service(service) => {
            let selector = service
                .spec
                .as_ref()
                .and_then(|s| s.selector.clone())
                .unwrap_or_default();
            if selector.is_empty() {
                return Err("the service has no pod selector set".into());
            }
            return Ok(selector);
        }
        Object::ReplicationController(rc) => {
            return Ok(rc
                .spec
                .as_ref()
                .and_then(|s| s.selector.clone())
                .unwrap_or_default());
        }
        Object::Deployment(d) => d.spec.as_ref().map(|s| s.selector.clone()),
        Object::ReplicaSet(rs) => rs.spec.as_ref().map(|s| s.selector.clone()),
        _ => None,
    }
    .unwrap_or_default();
    if selector
        .match_expressions
        .as_ref()
        .is_some_and(|e| !e.is_empty())
    {
        return Err(format!(
            "couldn't convert expressions - \"{:?}\" to map-based selector format",
            selector.match_expressions.unwrap_or_default()
        ));
    }
    Ok(selector.match_labels.unwrap_or_default())
}

fn containers_of(object: &Object) -> Vec<Container> {
    let spec = match object {
        Object::Pod(pod) => pod.spec.as_deref().cloned(),
        Object::Deployment(d) => d.spec.as_ref().and_then(|s| s.template.spec.clone()),
        Object::ReplicaSet(rs) => rs
            .spec
            .as_ref()
            .and_then(|s| s.template.as_ref())
            .and_then(|t| t.spec.clone()),
        Object::ReplicationController(rc) => rc
            .spec
            .as_ref()
            .and_then(|s| s.template.as_ref())
            .and_then(|t| t.spec.clone()),
        _ => None,
    };
    spec.map(|s| s.containers).unwrap_or_default()
}

/// `PortsForObject`: every container port, or a Service's ports.
fn ports_of(object: &Object) -> Vec<String> {
    if let Object::Service(service) = object {
        return service
            .spec
            .iter()
            .flat_map(|s| s.ports.iter().flatten())
            .map(|p| p.port.to_string())
            .collect();
    }
    containers_of(object)
        .iter()
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| p.container_port.to_string())
        .collect()
}

/// `ProtocolsForObject`: each port's protocol.
fn protocols_of(object: &Object) -> BTreeMap<String, String> {
    if let Object::Service(service) = object {
        return service
            .spec
            .iter()
            .flat_map(|s| s.ports.iter().flatten())
            .map(|p| {
                (
                    p.port.to_string(),
                    p.protocol.clone().unwrap_or("TCP".into()),
                )
            })
            .collect();
    }
    containers_of(object)
        .iter()
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| {
            (
                p.container_port.to_string(),
                p.protocol.clone().unwrap_or("TCP".into()),
            )
        })
        .collect()
}
