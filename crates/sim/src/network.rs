//! Where a connection from a pod goes, as kind's network delivers it: kube-proxy in its
//! default iptables mode turns a Service's ClusterIP (or a node's IP at a NodePort) into one
//! ready endpoint, each with equal probability (`sessionAffinity: ClientIP` keeps a client on
//! one), honouring `internalTrafficPolicy` / `externalTrafficPolicy: Local`; a Service with no
//! ready endpoint is rejected (connection refused); a pod IP reaches the pod itself. Network
//! policies then allow the connection or drop it (`crate::network_policy`).

use k8s_openapi::api::core::v1::{Endpoints, Node, Service, ServicePort};
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;

use crate::network_policy;
use crate::store::Store;

/// The pod a connection reaches and the port it reaches it on.
#[derive(Debug)]
pub struct Destination<'a> {
    pub pod: &'a Pod,
    pub port: u16,
    /// The Service that sent it there (none for a pod IP).
    pub service: Option<String>,
}

/// Why a connection was not made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreachable {
    /// A reset or an ICMP reject: kube-proxy's REJECT for a Service without ready
    /// endpoints, or a pod where nothing listens on the port.
    Refused,
    /// Packets dropped: an address or port nothing routes, a `Local` traffic policy with
    /// no endpoint on the node, or a NetworkPolicy that does not allow the connection.
    TimedOut,
}

/// The Service whose ClusterIP is `ip` (what a request that went nowhere was sent to, for
/// the traffic record).
pub fn service_at<'a>(store: &'a Store, ip: &str) -> Option<&'a Service> {
    store
        .list_typed::<Service>(None)
        .find(|s| cluster_ips(s).any(|c| c == ip))
}

/// Connects from `client` to `ip:port` over TCP; `pick(n)` chooses one of `n` ready
/// endpoints. The network policies of both ends then decide on the endpoint kube-proxy
/// chose (`network_policy`): a connection they do not allow is dropped.
pub fn connect<'a>(
    store: &'a Store,
    client: &Pod,
    ip: &str,
    port: u16,
    pick: &mut dyn FnMut(usize) -> usize,
) -> Result<Destination<'a>, Unreachable> {
    let destination = route(store, client, ip, port, pick)?;
    if network_policy::allows(store, client, destination.pod, destination.port, "TCP") {
        Ok(destination)
    } else {
        Err(Unreachable::TimedOut)
    }
}

/// Where kube-proxy and the pod network deliver a connection to `ip:port`.
fn route<'a>(
    store: &'a Store,
    client: &Pod,
    ip: &str,
    port: u16,
    pick: &mut dyn FnMut(usize) -> usize,
) -> Result<Destination<'a>, Unreachable> {
    let services = || store.list_typed::<Service>(None);
    if let Some(service) = services().find(|s| cluster_ips(s).any(|c| c == ip)) {
        let service_port = ports(service)
            .find(|p| p.port == i32::from(port))
            .ok_or(Unreachable::TimedOut)?;
        let local_node = (traffic_policy(service, false) == "Local")
            .then(|| node_of(client))
            .flatten();
        return to_endpoint(store, service, service_port, local_node, client, pick);
    }
    if let Some(node) = store
        .list_typed::<Node>(None)
        .find(|node| node_ips(node).any(|a| a == ip))
    {
        let (service, service_port) = services()
            .find_map(|service| {
                let p = ports(service).find(|p| p.node_port == Some(i32::from(port)))?;
                Some((service, p))
            })
            .ok_or(Unreachable::Refused)?;
        let local_node =
            (traffic_policy(service, true) == "Local").then(|| node.metadata.name_str());
        return to_endpoint(store, service, service_port, local_node, client, pick);
    }
    store
        .list_typed::<Pod>(None)
        .find(|pod| pod_ip(pod) == Some(ip))
        .map(|pod| Destination {
            pod,
            port,
            service: None,
        })
        .ok_or(Unreachable::TimedOut)
}

/// One ready endpoint of `service` for `service_port` (on `local_node` only, for a `Local`
/// traffic policy).
fn to_endpoint<'a>(
    store: &'a Store,
    service: &Service,
    service_port: &ServicePort,
    local_node: Option<&str>,
    client: &Pod,
    pick: &mut dyn FnMut(usize) -> usize,
) -> Result<Destination<'a>, Unreachable> {
    let endpoints = store.get_typed::<Endpoints>(
        service.metadata.namespace_str(),
        service.metadata.name_str(),
    );
    let mut candidates: Vec<Destination<'a>> = Vec::new();
    for subset in endpoints.iter().flat_map(|e| e.subsets.iter().flatten()) {
        let Some(port) = subset
            .ports
            .iter()
            .flatten()
            .find(|p| p.name == service_port.name)
            .and_then(|p| u16::try_from(p.port).ok())
        else {
            continue;
        };
        for address in subset.addresses.iter().flatten() {
            let Some(pod) = address
                .target_ref
                .as_ref()
                .filter(|r| r.kind.as_deref() == Some("Pod"))
                .and_then(|r| store.get_typed::<Pod>(r.namespace.as_deref()?, r.name.as_deref()?))
            else {
                continue;
            };
            if local_node.is_some_and(|node| node_of(pod) != Some(node)) {
                continue;
            }
            candidates.push(Destination {
                pod,
                port,
                service: None,
            });
        }
    }
    if candidates.is_empty() {
        // kube-proxy rejects a Service without endpoints; a Local policy with none on the
        // node has its packets dropped.
        return Err(if local_node.is_some() {
            Unreachable::TimedOut
        } else {
            Unreachable::Refused
        });
    }
    let affinity = service
        .spec
        .as_ref()
        .and_then(|s| s.session_affinity.as_deref())
        == Some("ClientIP");
    let index = if affinity {
        // The same client keeps reaching the same endpoint (the `recent` module's table).
        stable_index(pod_ip(client).unwrap_or_default(), candidates.len())
    } else {
        pick(candidates.len())
    };
    let mut chosen = candidates.swap_remove(index.min(candidates.len() - 1));
    chosen.service = Some(service.metadata.name_str().to_string());
    Ok(chosen)
}

fn stable_index(key: &str, count: usize) -> usize {
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    usize::try_from(hash % count.max(1) as u64).unwrap_or(0)
}

fn cluster_ips(service: &Service) -> impl Iterator<Item = &str> {
    let spec = service.spec.as_ref();
    spec.and_then(|s| s.cluster_ip.as_deref())
        .into_iter()
        .chain(
            spec.and_then(|s| s.cluster_ips.as_ref())
                .into_iter()
                .flatten()
                .map(String::as_str),
        )
        .filter(|ip| *ip != "None" && !ip.is_empty())
}

fn ports(service: &Service) -> impl Iterator<Item = &ServicePort> {
    service.spec.iter().flat_map(|s| s.ports.iter().flatten())
}

/// `internalTrafficPolicy` (inside the cluster) or `externalTrafficPolicy` (NodePort).
fn traffic_policy(service: &Service, external: bool) -> &str {
    let spec = service.spec.as_ref();
    let policy = if external {
        spec.and_then(|s| s.external_traffic_policy.as_deref())
    } else {
        spec.and_then(|s| s.internal_traffic_policy.as_deref())
    };
    policy.unwrap_or("Cluster")
}

fn node_ips(node: &Node) -> impl Iterator<Item = &str> {
    node.status
        .iter()
        .flat_map(|s| s.addresses.iter().flatten())
        .filter(|a| a.type_ == "InternalIP")
        .map(|a| a.address.as_str())
}

fn node_of(pod: &Pod) -> Option<&str> {
    pod.spec.as_ref()?.node_name.as_deref()
}

pub fn pod_ip(pod: &Pod) -> Option<&str> {
    pod.status.as_ref()?.pod_ip.as_deref()
}
