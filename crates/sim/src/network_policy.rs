//! NetworkPolicy enforcement as kind's kindnet does it (kube-network-policies, since kind
//! v0.24): a connection from one pod to another is allowed only if the client's egress
//! policies and the server's ingress policies both let it through; what they do not allow is
//! dropped (the client times out). A pod that no policy of a direction selects is not
//! isolated in that direction. Pods cannot block traffic to themselves, and host-network
//! pods are not governed by policies.
//!
//! Each side looks at the policies of one namespace only (a range of the store's index), so
//! a request costs the policies of the two namespaces involved, not a scan of the cluster.

use k8s_openapi::api::core::v1::{Endpoints, Namespace};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_model::Pod;
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

#[cfg(test)]
mod tests {
    use kubeplay_model::{Object, Typed};
    use serde_json::{Value, json};

    use super::*;

    fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).unwrap_or_else(|e| panic!("{e}"))
    }

    fn namespace(name: &str, labels: Value) -> Object {
        let mut labels = labels;
        labels["kubernetes.io/metadata.name"] = json!(name);
        Object::Namespace(typed(json!({"metadata": {"name": name, "labels": labels}})))
    }

    fn pod(namespace: &str, name: &str, ip: &str, labels: Value) -> Pod {
        typed(json!({
            "metadata": {"name": name, "namespace": namespace, "uid": format!("{namespace}/{name}"), "labels": labels},
            "spec": {"containers": [{"name": "main", "image": "nginx", "ports": [
                {"name": "http", "containerPort": 80},
                {"name": "dns", "containerPort": 53, "protocol": "UDP"}
            ]}]},
            "status": {"podIP": ip}
        }))
    }

    fn policy(namespace: &str, name: &str, spec: Value) -> Object {
        Object::NetworkPolicy(typed(json!({
            "metadata": {"name": name, "namespace": namespace},
            "spec": spec
        })))
    }

    /// Namespaces `dev` and `ops` (labelled team=ops), a server and two clients in dev, a
    /// tool in ops.
    struct Cluster {
        store: Store,
        server: Pod,
        client: Pod,
        friend: Pod,
        tool: Pod,
    }

    impl Cluster {
        fn new(policies: &[Object]) -> Cluster {
            let mut store = Store::default();
            store.put(namespace("dev", json!({})));
            store.put(namespace("ops", json!({"team": "ops"})));
            for policy in policies {
                store.put(policy.clone());
            }
            Cluster {
                store,
                server: pod("dev", "server", "10.244.1.2", json!({"app": "demo"})),
                client: pod("dev", "client", "10.244.1.3", json!({"run": "client"})),
                friend: pod("dev", "friend", "10.244.2.4", json!({"access": "true"})),
                tool: pod("ops", "tool", "10.244.2.5", json!({"run": "tool"})),
            }
        }

        fn reaches(&self, client: &Pod, port: u16) -> bool {
            allows(&self.store, client, &self.server, port, "TCP")
        }
    }

    fn deny_ingress() -> Object {
        policy(
            "dev",
            "deny",
            json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
        )
    }

    #[test]
    fn without_policies_everything_is_allowed() {
        let cluster = Cluster::new(&[]);
        assert!(cluster.reaches(&cluster.client, 80));
        assert!(cluster.reaches(&cluster.tool, 8080));
    }

    #[test]
    fn a_default_deny_drops_all_ingress_but_a_pod_reaching_itself() {
        let cluster = Cluster::new(&[deny_ingress()]);
        assert!(!cluster.reaches(&cluster.client, 80));
        assert!(!cluster.reaches(&cluster.tool, 80));
        assert!(allows(
            &cluster.store,
            &cluster.server,
            &cluster.server,
            80,
            "TCP"
        ));
        // Egress is not isolated by an Ingress policy: the server may still call out.
        let other = pod("ops", "other", "10.244.3.3", json!({}));
        assert!(allows(&cluster.store, &cluster.server, &other, 80, "TCP"));
    }

    #[test]
    fn policies_add_up_and_pod_selectors_look_in_the_policy_namespace() {
        let allow = policy(
            "dev",
            "allow",
            json!({"podSelector": {"matchLabels": {"app": "demo"}},
                   "ingress": [{"from": [{"podSelector": {"matchLabels": {"access": "true"}}}]}],
                   "policyTypes": ["Ingress"]}),
        );
        let cluster = Cluster::new(&[deny_ingress(), allow]);
        assert!(cluster.reaches(&cluster.friend, 80));
        assert!(!cluster.reaches(&cluster.client, 80));
        // A pod labelled access=true in another namespace is not selected.
        let stranger = pod("ops", "stranger", "10.244.3.9", json!({"access": "true"}));
        assert!(!cluster.reaches(&stranger, 80));
    }

    #[test]
    fn namespace_selectors_alone_or_combined_with_pod_selectors() {
        let by_namespace = policy(
            "dev",
            "ops",
            json!({"podSelector": {},
                   "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "ops"}}}]}],
                   "policyTypes": ["Ingress"]}),
        );
        let cluster = Cluster::new(&[by_namespace]);
        assert!(cluster.reaches(&cluster.tool, 80));
        assert!(!cluster.reaches(&cluster.client, 80));
        let combined = policy(
            "dev",
            "ops",
            json!({"podSelector": {},
                   "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "ops"}},
                                          "podSelector": {"matchLabels": {"run": "other"}}}]}],
                   "policyTypes": ["Ingress"]}),
        );
        let cluster = Cluster::new(&[combined]);
        assert!(
            !cluster.reaches(&cluster.tool, 80),
            "both selectors must match"
        );
        let other = pod("ops", "other", "10.244.3.3", json!({"run": "other"}));
        assert!(cluster.reaches(&other, 80));
    }

    #[test]
    fn ip_blocks_match_the_client_pod_ip_minus_the_exceptions() {
        let by_block = policy(
            "dev",
            "block",
            json!({"podSelector": {},
                   "ingress": [{"from": [{"ipBlock": {"cidr": "10.244.0.0/16", "except": ["10.244.2.0/24"]}}]}],
                   "policyTypes": ["Ingress"]}),
        );
        let cluster = Cluster::new(&[by_block]);
        assert!(cluster.reaches(&cluster.client, 80), "10.244.1.3 is inside");
        assert!(
            !cluster.reaches(&cluster.friend, 80),
            "10.244.2.4 is excepted"
        );
    }

    #[test]
    fn ports_by_number_range_name_and_protocol() {
        let rule = |ports: Value| {
            Cluster::new(&[policy(
                "dev",
                "ports",
                json!({"podSelector": {}, "ingress": [{"ports": ports}], "policyTypes": ["Ingress"]}),
            )])
        };
        let cluster = rule(json!([{"port": 80, "protocol": "TCP"}]));
        assert!(cluster.reaches(&cluster.client, 80));
        assert!(!cluster.reaches(&cluster.client, 81));
        let cluster = rule(json!([{"port": 8000, "endPort": 8080, "protocol": "TCP"}]));
        assert!(cluster.reaches(&cluster.client, 8080));
        assert!(!cluster.reaches(&cluster.client, 8081));
        let cluster = rule(json!([{"port": "http", "protocol": "TCP"}]));
        assert!(
            cluster.reaches(&cluster.client, 80),
            "the server names port 80 http"
        );
        assert!(!cluster.reaches(&cluster.client, 53));
        let cluster = rule(json!([{"port": 80, "protocol": "UDP"}]));
        assert!(
            !cluster.reaches(&cluster.client, 80),
            "a UDP rule does not allow TCP"
        );
    }

    #[test]
    fn egress_policies_isolate_the_client() {
        let deny = policy(
            "dev",
            "egress",
            json!({"podSelector": {"matchLabels": {"run": "client"}}, "policyTypes": ["Egress"]}),
        );
        let cluster = Cluster::new(std::slice::from_ref(&deny));
        assert!(!cluster.reaches(&cluster.client, 80));
        assert!(cluster.reaches(&cluster.friend, 80));
        let to_demo = policy(
            "dev",
            "to-demo",
            json!({"podSelector": {"matchLabels": {"run": "client"}},
                   "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "demo"}}}], "ports": [{"port": 80, "protocol": "TCP"}]}],
                   "policyTypes": ["Egress"]}),
        );
        let cluster = Cluster::new(&[deny, to_demo]);
        assert!(cluster.reaches(&cluster.client, 80));
        assert!(!cluster.reaches(&cluster.client, 8080));
    }

    #[test]
    fn name_lookups_need_udp_53_to_a_dns_pod() {
        let deny = policy(
            "dev",
            "egress",
            json!({"podSelector": {"matchLabels": {"run": "client"}}, "policyTypes": ["Egress"]}),
        );
        let mut cluster = Cluster::new(&[deny]);
        assert!(
            dns_reachable(&cluster.store, &cluster.client),
            "no DNS pods: not a policy matter"
        );
        let mut coredns = pod(
            "kube-system",
            "coredns",
            "10.244.0.2",
            json!({"k8s-app": "kube-dns"}),
        );
        coredns.metadata.uid = Some("coredns".into());
        cluster.store.put(namespace("kube-system", json!({})));
        cluster.store.put(coredns.into_object());
        cluster.store.put(Object::Endpoints(typed(json!({
            "metadata": {"name": "kube-dns", "namespace": "kube-system"},
            "subsets": [{"addresses": [{"ip": "10.244.0.2", "targetRef": {"kind": "Pod", "namespace": "kube-system", "name": "coredns"}}],
                         "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}]}]
        }))));
        assert!(!dns_reachable(&cluster.store, &cluster.client));
        assert!(dns_reachable(&cluster.store, &cluster.friend));
        cluster.store.put(policy(
            "dev",
            "dns",
            json!({"podSelector": {},
                   "egress": [{"to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                               "ports": [{"port": "dns", "protocol": "UDP"}]}],
                   "policyTypes": ["Egress"]}),
        ));
        assert!(
            dns_reachable(&cluster.store, &cluster.client),
            "the named port resolves on the DNS pod"
        );
    }
}
