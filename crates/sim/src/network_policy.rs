//! NetworkPolicy enforcement as kind's kindnet does it (kube-network-policies, since kind
//! v0.24): a connection from one pod to another is allowed only if the client's egress
//! policies and the server's ingress policies both let it through; what they do not allow is
//! dropped (the client times out). A pod that no policy of a direction selects is not
//! isolated in that direction. Pods cannot block traffic to themselves, and host-network
//! pods are not governed by policies.
//!
//! Each side looks at the policies of one namespace only (a range of the store's index), so
//! a request costs the policies of the two namespaces involved, not a scan of the cluster.

use k8s_openapi::api::core::v1::{Endpoints, Namespace, Pod};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_model::cidr::{Cidr, parse_ip_sloppy};
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;

use crate::network::pod_ip;
use crate::store::Store;

/// The kube-dns Service every pod's resolv.conf names, and the port its lookups go to.
const DNS_NAMESPACE: &str = "kube-system";
const DNS_SERVICE: &str = "kube-dns";
const DNS_PORT: u16 = 53;

/// Whether policies let `client` open a `protocol` connection to `server` on `port` (the
/// server pod's own port: after kube-proxy's DNAT, policies see the endpoint, not the
/// Service).
pub fn allows(store: &Store, client: &Pod, server: &Pod, port: u16, protocol: &str) -> bool {
    if client.metadata.uid == server.metadata.uid {
        return true;
    }
    let connection = Connection {
        store,
        client,
        server,
        port,
        protocol,
    };
    connection.egress_allowed() && connection.ingress_allowed()
}

/// Whether the client's name lookups reach the cluster DNS: a UDP packet to port 53 of one
/// of kube-dns's ready pods that the policies let through (glibc's resolver does not fall
/// back to TCP when UDP goes unanswered). With no DNS pod to ask, policies are not the
/// reason a lookup fails, so they are not consulted.
pub fn dns_reachable(store: &Store, client: &Pod) -> bool {
    let Some(endpoints) = store.get_typed::<Endpoints>(DNS_NAMESPACE, DNS_SERVICE) else {
        return true;
    };
    let mut servers = endpoints
        .subsets
        .iter()
        .flatten()
        .flat_map(|subset| subset.addresses.iter().flatten())
        .filter_map(|address| {
            let target = address.target_ref.as_ref()?;
            store.get_typed::<Pod>(target.namespace.as_deref()?, target.name.as_deref()?)
        })
        .peekable();
    if servers.peek().is_none() {
        return true;
    }
    servers.any(|server| allows(store, client, server, DNS_PORT, "UDP"))
}

struct Connection<'a> {
    store: &'a Store,
    client: &'a Pod,
    server: &'a Pod,
    port: u16,
    protocol: &'a str,
}

impl Connection<'_> {
    /// The client's egress policies allow the server, or none isolates the client.
    fn egress_allowed(&self) -> bool {
        if host_network(self.client) {
            return true;
        }
        let mut isolated = false;
        for policy in selecting(self.store, self.client, "Egress") {
            isolated = true;
            let spec = policy.spec.as_ref();
            let allowed = spec
                .iter()
                .flat_map(|s| s.egress.iter().flatten())
                .any(|rule| {
                    self.ports_match(rule.ports.as_deref(), self.server)
                        && self.peers_match(policy, rule.to.as_deref(), self.server)
                });
            if allowed {
                return true;
            }
        }
        !isolated
    }

    /// The server's ingress policies allow the client, or none isolates the server.
    fn ingress_allowed(&self) -> bool {
        if host_network(self.server) {
            return true;
        }
        let mut isolated = false;
        for policy in selecting(self.store, self.server, "Ingress") {
            isolated = true;
            let spec = policy.spec.as_ref();
            let allowed = spec
                .iter()
                .flat_map(|s| s.ingress.iter().flatten())
                .any(|rule| {
                    self.ports_match(rule.ports.as_deref(), self.server)
                        && self.peers_match(policy, rule.from.as_deref(), self.client)
                });
            if allowed {
                return true;
            }
        }
        !isolated
    }

    /// No ports (or an empty list) allow every port; otherwise one must match the protocol
    /// and the port (a number, a range up to `endPort`, or a name the destination pod's
    /// containers give the port).
    fn ports_match(&self, ports: Option<&[NetworkPolicyPort]>, destination: &Pod) -> bool {
        let ports = ports.unwrap_or_default();
        ports.is_empty()
            || ports.iter().any(|rule| {
                rule.protocol.as_deref().unwrap_or("TCP") == self.protocol
                    && match &rule.port {
                        None => true,
                        Some(IntOrString::Int(first)) => {
                            let last = rule.end_port.unwrap_or(*first);
                            (*first..=last).contains(&i32::from(self.port))
                        }
                        Some(IntOrString::String(name)) => {
                            named_port(destination, name, self.protocol) == Some(self.port)
                        }
                    }
            })
    }

    /// No peers (or an empty list) allow everyone; otherwise one must match `peer`.
    fn peers_match(
        &self,
        policy: &NetworkPolicy,
        peers: Option<&[NetworkPolicyPeer]>,
        peer: &Pod,
    ) -> bool {
        let peers = peers.unwrap_or_default();
        peers.is_empty()
            || peers
                .iter()
                .any(|rule| self.peer_matches(policy, rule, peer))
    }

    fn peer_matches(&self, policy: &NetworkPolicy, rule: &NetworkPolicyPeer, pod: &Pod) -> bool {
        if let Some(block) = &rule.ip_block {
            return ip_block_contains(block.cidr.as_str(), block.except.as_deref(), pod);
        }
        let namespace_ok = match &rule.namespace_selector {
            // A pod selector alone looks in the policy's own namespace.
            None => pod.metadata.namespace == policy.metadata.namespace,
            Some(selector) => {
                let labels = self
                    .store
                    .get_typed::<Namespace>("", pod.metadata.namespace_str())
                    .and_then(|namespace| namespace.metadata.labels.as_ref());
                selects(selector, labels)
            }
        };
        namespace_ok
            && rule
                .pod_selector
                .as_ref()
                .is_none_or(|selector| selects(selector, pod.metadata.labels.as_ref()))
    }
}

/// The policies of `pod`'s namespace that select it and apply to `direction`.
fn selecting<'a>(
    store: &'a Store,
    pod: &'a Pod,
    direction: &'static str,
) -> impl Iterator<Item = &'a NetworkPolicy> + 'a {
    store
        .list_typed::<NetworkPolicy>(Some(pod.metadata.namespace_str()))
        .filter(move |policy| {
            let Some(spec) = policy.spec.as_ref() else {
                return false;
            };
            spec.policy_types.iter().flatten().any(|t| t == direction)
                && selects(
                    spec.pod_selector
                        .as_ref()
                        .unwrap_or(&LabelSelector::default()),
                    pod.metadata.labels.as_ref(),
                )
        })
}

/// Whether a (validated) selector matches `labels`; an empty one matches everything.
fn selects(
    selector: &LabelSelector,
    labels: Option<&std::collections::BTreeMap<String, String>>,
) -> bool {
    Selector::from_label_selector(Some(selector)).is_ok_and(|s| s.matches(labels))
}

/// Whether the pod's IP is in `cidr` and in none of the `except` blocks.
fn ip_block_contains(cidr: &str, except: Option<&[String]>, pod: &Pod) -> bool {
    let Some(ip) = pod_ip(pod).and_then(parse_ip_sloppy) else {
        return false;
    };
    let inside = |text: &str| Cidr::parse(text).is_some_and(|block| block.contains(ip));
    inside(cidr) && !except.unwrap_or_default().iter().any(|text| inside(text))
}

/// The port a container of `pod` names `name` for `protocol`.
fn named_port(pod: &Pod, name: &str, protocol: &str) -> Option<u16> {
    pod.spec
        .iter()
        .flat_map(|spec| spec.containers.iter())
        .flat_map(|container| container.ports.iter().flatten())
        .find(|port| {
            port.name.as_deref() == Some(name)
                && port.protocol.as_deref().unwrap_or("TCP") == protocol
        })
        .and_then(|port| u16::try_from(port.container_port).ok())
}

fn host_network(pod: &Pod) -> bool {
    pod.spec
        .as_ref()
        .and_then(|spec| spec.host_network)
        .unwrap_or(false)
}
