//! The endpoints controller (`pkg/controller/endpoint`): for every Service with a selector,
//! an Endpoints object listing the selected pods' IPs — ready pods as `addresses`, the others
//! as `notReadyAddresses` — so a failing readiness probe takes a pod out of its Service. The
//! EndpointSlice that kubectl reads is not stored: `mirrored_slice` derives it on demand.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, ObjectReference, Service, ServicePort,
};
use k8s_openapi::api::discovery::v1::{
    Endpoint, EndpointConditions, EndpointPort as SlicePort, EndpointSlice,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, Object, ObjectKey, Pod, Typed};

use super::{Action, Context, Controller, Reconcile, Reconciliation, Watch};
use crate::api::DeleteOptions;
use crate::store::WatchEvent;
use kubeplay_model::pod::{is_finished, is_ready};

/// Services' Endpoints, from the pods they select.
pub static CONTROLLER: Controller = Controller {
    name: "endpoint",
    reconciles: Some(Kind::Service),
    owns: &[],
    watches: services_of_pod,
    reconcile: Reconcile::Stateless(reconcile),
};

/// A deleted Service's Endpoints go; a pod change wakes the Services that select the pod or
/// selected it before the change (`getPodServiceMemberships` of the old and the new pod).
fn services_of_pod(event: &WatchEvent, watch: &mut Watch) {
    match &*event.object {
        Object::Service(_) if event.deleted() => watch.wake(event.object.key()),
        Object::Pod(pod) => {
            let before = event.previous.as_deref().and_then(Pod::from_object);
            let store = watch.store;
            let services = store
                .list_typed::<Service>(Some(pod.metadata.namespace_str()))
                .filter(|service| {
                    selects(service, pod) || before.is_some_and(|old| selects(service, old))
                });
            for service in services {
                watch.wake(ObjectKey::new(
                    Kind::Service,
                    service.metadata.namespace_str(),
                    service.metadata.name_str(),
                ));
            }
        }
        _ => {}
    }
}

/// A Service's selector, if it has one (without, its Endpoints are someone else's).
fn selector(service: &Service) -> Option<Selector> {
    let labels = service.spec.as_ref()?.selector.as_ref()?;
    (!labels.is_empty()).then(|| Selector::from_labels(labels))
}

fn selects(service: &Service, pod: &Pod) -> bool {
    selector(service).is_some_and(|selector| selector.matches(pod.metadata.labels.as_ref()))
}

/// `FindPort`: a numeric targetPort as is, a named one through the pod's container ports.
fn target_port(pod: &Pod, port: &ServicePort) -> Option<i32> {
    match &port.target_port {
        None => Some(port.port),
        Some(IntOrString::Int(number)) => Some(*number),
        Some(IntOrString::String(name)) => pod
            .spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .flat_map(|c| c.ports.iter().flatten())
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .map(|p| p.container_port),
    }
}

/// `ShouldPodBeInEndpoints`: an IP, not finished, not terminating (unless published).
fn belongs(pod: &Pod, publish_not_ready: bool) -> bool {
    let has_ip = pod
        .status
        .as_ref()
        .and_then(|s| s.pod_ip.as_deref())
        .is_some_and(|ip| !ip.is_empty());
    has_ip && !is_finished(pod) && (publish_not_ready || !pod.metadata.is_deleting())
}

fn address(pod: &Pod, service: &Service) -> EndpointAddress {
    let spec = pod.spec.as_ref();
    let hostname = spec
        .filter(|s| s.subdomain.as_deref() == Some(service.metadata.name_str()))
        .and_then(|s| s.hostname.clone());
    EndpointAddress {
        ip: pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default(),
        hostname,
        node_name: spec.and_then(|s| s.node_name.clone()),
        target_ref: Some(ObjectReference {
            kind: Some("Pod".into()),
            namespace: pod.metadata.namespace.clone(),
            name: pod.metadata.name.clone(),
            uid: pod.metadata.uid.clone(),
            ..ObjectReference::default()
        }),
    }
}

/// The subsets of a Service's Endpoints, grouped by port set as `RepackSubsets` does and
/// sorted by IP.
pub fn subsets(service: &Service, pods: &[&Pod]) -> Vec<EndpointSubset> {
    let spec = service.spec.clone().unwrap_or_default();
    let publish_not_ready = spec.publish_not_ready_addresses.unwrap_or(false);
    let service_ports = spec.ports.unwrap_or_default();
    // Port set (as a sortable key) → (ports, ready, not ready).
    type Group = (
        Vec<EndpointPort>,
        Vec<EndpointAddress>,
        Vec<EndpointAddress>,
    );
    let mut groups: BTreeMap<Vec<(String, i32, String)>, Group> = BTreeMap::new();
    for pod in pods.iter().filter(|p| belongs(p, publish_not_ready)) {
        let ports: Vec<EndpointPort> = service_ports
            .iter()
            .filter_map(|port| {
                Some(EndpointPort {
                    name: port.name.clone(),
                    port: target_port(pod, port)?,
                    protocol: Some(port.protocol.clone().unwrap_or_else(|| "TCP".into())),
                    app_protocol: port.app_protocol.clone(),
                })
            })
            .collect();
        let key = ports
            .iter()
            .map(|p| {
                (
                    p.name.clone().unwrap_or_default(),
                    p.port,
                    p.protocol.clone().unwrap_or_default(),
                )
            })
            .collect();
        let group = groups
            .entry(key)
            .or_insert_with(|| (ports, Vec::new(), Vec::new()));
        if publish_not_ready || is_ready(pod) {
            group.1.push(address(pod, service));
        } else {
            group.2.push(address(pod, service));
        }
    }
    groups
        .into_values()
        .map(|(ports, mut ready, mut not_ready)| {
            ready.sort_by(|a, b| a.ip.cmp(&b.ip));
            not_ready.sort_by(|a, b| a.ip.cmp(&b.ip));
            EndpointSubset {
                addresses: (!ready.is_empty()).then_some(ready),
                not_ready_addresses: (!not_ready.is_empty()).then_some(not_ready),
                ports: (!ports.is_empty()).then_some(ports),
            }
        })
        .collect()
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut reconciliation = Reconciliation::default();
    let endpoints_key = ObjectKey::new(Kind::Endpoints, &key.namespace, &key.name);
    let current = ctx.store.get_typed::<Endpoints>(&key.namespace, &key.name);
    let Some(service) = ctx.store.get_typed::<Service>(&key.namespace, &key.name) else {
        if current.is_some() {
            reconciliation.actions.push(Action::Delete {
                key: endpoints_key,
                options: DeleteOptions::default(),
                event: None,
            });
        }
        return reconciliation;
    };
    // Services without a selector have their Endpoints managed by someone else.
    let Some(selector) = selector(service) else {
        return reconciliation;
    };
    let pods: Vec<&Pod> = ctx.store.pods_matching(&key.namespace, &selector).collect();
    let subsets = subsets(service, &pods);
    let subsets = (!subsets.is_empty()).then_some(subsets);
    let mut labels = service.metadata.labels.clone().unwrap_or_default();
    if service.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None") {
        labels.insert("service.kubernetes.io/headless".into(), String::new());
    }
    let labels = (!labels.is_empty()).then_some(labels);
    match current {
        Some(existing) if existing.subsets == subsets && existing.metadata.labels == labels => {}
        Some(existing) => {
            let mut updated = existing.clone();
            updated.subsets = subsets;
            updated.metadata.labels = labels;
            reconciliation
                .actions
                .push(Action::Update(updated.into_object()));
        }
        None => {
            let endpoints = Endpoints {
                metadata: ObjectMeta {
                    name: Some(key.name.clone()),
                    namespace: Some(key.namespace.clone()),
                    labels,
                    ..ObjectMeta::default()
                },
                subsets,
            };
            reconciliation.actions.push(Action::Create {
                object: endpoints.into_object(),
                event: None,
            });
        }
    }
    reconciliation
}

/// The EndpointSlice the slice controller keeps for a Service with these Endpoints: every
/// address with its readiness, and the ports.
pub fn mirrored_slice(endpoints: &Endpoints) -> EndpointSlice {
    let mut slice = EndpointSlice {
        address_type: "IPv4".into(),
        ..EndpointSlice::default()
    };
    for subset in endpoints.subsets.iter().flatten() {
        let ready = subset.addresses.iter().flatten().map(|a| (a, true));
        let not_ready = subset
            .not_ready_addresses
            .iter()
            .flatten()
            .map(|a| (a, false));
        for (address, is_ready) in ready.chain(not_ready) {
            slice.endpoints.push(Endpoint {
                addresses: vec![address.ip.clone()],
                conditions: Some(EndpointConditions {
                    ready: Some(is_ready),
                    ..EndpointConditions::default()
                }),
                node_name: address.node_name.clone(),
                ..Endpoint::default()
            });
        }
        if slice.ports.is_none() {
            slice.ports = subset.ports.as_ref().map(|ports| {
                ports
                    .iter()
                    .map(|p| SlicePort {
                        name: p.name.clone(),
                        port: Some(p.port),
                        protocol: p.protocol.clone(),
                        app_protocol: p.app_protocol.clone(),
                    })
                    .collect()
            });
        }
    }
    slice
}
