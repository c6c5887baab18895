//! Cluster DNS as CoreDNS's `kubernetes` plugin answers it in a kind cluster (zone
//! `cluster.local`): Services by name, the ready pods behind a headless Service, a pod's
//! stable `<hostname>.<subdomain>` name, and reverse (PTR) names for those addresses. A pod's
//! resolver walks its `/etc/resolv.conf` search list (`<ns>.svc.cluster.local`,
//! `svc.cluster.local`, `cluster.local`, `ndots:5`) before trying a name as written.

use k8s_openapi::api::core::v1::{EndpointAddress, Endpoints, Service};
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;

use crate::network_policy;
use crate::store::Store;

const ZONE: &str = "cluster.local";
/// `options ndots:5` in a pod's resolv.conf: names with fewer dots try the search list first.
const NDOTS: usize = 5;

/// One address a name resolves to, with the name its reverse lookup gives, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub ip: String,
    pub reverse: Option<String>,
}

/// The cluster's DNS as seen from pods in one namespace (or from one pod, whose network
/// policies may keep its queries from reaching the DNS pods).
pub struct Resolver<'a> {
    store: &'a Store,
    namespace: &'a str,
    client: Option<&'a Pod>,
}

impl<'a> Resolver<'a> {
    pub fn new(store: &'a Store, namespace: &'a str) -> Resolver<'a> {
        Resolver {
            store,
            namespace,
            client: None,
        }
    }

    /// The resolver of `pod`: its namespace's search list, and its queries subject to the
    /// network policies between it and the DNS pods.
    pub fn of_pod(store: &'a Store, pod: &'a Pod) -> Resolver<'a> {
        Resolver {
            store,
            namespace: pod.metadata.namespace_str(),
            client: Some(pod),
        }
    }

    /// Whether queries reach a DNS pod (a policy may drop them: the resolver times out).
    pub fn reachable(&self) -> bool {
        self.client
            .is_none_or(|pod| network_policy::dns_reachable(self.store, pod))
    }

    /// The objects the cluster DNS answers from.
    pub fn store(&self) -> &'a Store {
        self.store
    }

    /// The nameserver in every pod's resolv.conf: the `kube-dns` Service (without its
    /// reverse name when queries do not get through).
    pub fn nameserver(&self) -> Option<Address> {
        let service = self.store.get_typed::<Service>("kube-system", "kube-dns")?;
        let ip = cluster_ip(service)?;
        if !self.reachable() {
            return Some(Address {
                ip: ip.to_string(),
                reverse: None,
            });
        }
        Some(self.address(ip))
    }

    /// getaddrinfo: the search list first (unless the name has `ndots` dots or ends in a
    /// dot), then the name as written. Empty when nothing answers (NXDOMAIN).
    pub fn lookup(&self, name: &str) -> Vec<Address> {
        if !self.reachable() {
            return Vec::new();
        }
        let name = name.to_ascii_lowercase();
        if let Some(absolute) = name.strip_suffix('.') {
            return self.records(absolute);
        }
        let search = [
            format!("{}.svc.{ZONE}", self.namespace),
            format!("svc.{ZONE}"),
            ZONE.to_string(),
        ];
        let mut candidates: Vec<String> = search.iter().map(|s| format!("{name}.{s}")).collect();
        if name.matches('.').count() >= NDOTS {
            candidates.insert(0, name.clone());
        } else {
            candidates.push(name.clone());
        }
        candidates
            .iter()
            .map(|candidate| self.records(candidate))
            .find(|found| !found.is_empty())
            .unwrap_or_default()
    }

    /// The A records of a fully qualified name (without the final dot).
    fn records(&self, fqdn: &str) -> Vec<Address> {
        let Some(labels) = fqdn.strip_suffix(&format!(".svc.{ZONE}")) else {
            return Vec::new();
        };
        let parts: Vec<&str> = labels.split('.').collect();
        match parts.as_slice() {
            [service, namespace] => {
                let Some(service) = self.store.get_typed::<Service>(namespace, service) else {
                    return Vec::new();
                };
                match cluster_ip(service) {
                    Some(ip) => vec![self.address(ip)],
                    None => endpoints(self.store, service)
                        .map(|endpoint| self.address(&endpoint.ip))
                        .collect(),
                }
            }
            [hostname, service, namespace] => {
                let Some(service) = self.store.get_typed::<Service>(namespace, service) else {
                    return Vec::new();
                };
                endpoints(self.store, service)
                    .filter(|endpoint| endpoint.hostname.as_deref() == Some(*hostname))
                    .map(|endpoint| self.address(&endpoint.ip))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    fn address(&self, ip: &str) -> Address {
        Address {
            ip: ip.to_string(),
            reverse: self.reverse(ip),
        }
    }

    /// PTR: a Service's ClusterIP names the Service; an endpoint of a headless Service names
    /// the pod within it (`<hostname>.<service>…` when the pod has that stable name).
    fn reverse(&self, ip: &str) -> Option<String> {
        let services: Vec<&Service> = self.store.list_typed::<Service>(None).collect();
        if let Some(service) = services
            .iter()
            .find(|service| cluster_ip(service) == Some(ip))
        {
            return Some(service_name(service));
        }
        services
            .iter()
            .filter(|service| is_headless(service))
            .find_map(|service| {
                let endpoint = endpoints(self.store, service).find(|e| e.ip == ip)?;
                let host = endpoint
                    .hostname
                    .clone()
                    .unwrap_or_else(|| ip.replace('.', "-"));
                Some(format!("{host}.{}", service_name(service)))
            })
    }
}

fn service_name(service: &Service) -> String {
    format!(
        "{}.{}.svc.{ZONE}",
        service.metadata.name_str(),
        service.metadata.namespace_str()
    )
}

fn is_headless(service: &Service) -> bool {
    service
        .spec
        .as_ref()
        .and_then(|spec| spec.cluster_ip.as_deref())
        == Some("None")
}

/// A Service's virtual IP, unless it is headless.
fn cluster_ip(service: &Service) -> Option<&str> {
    service
        .spec
        .as_ref()
        .and_then(|spec| spec.cluster_ip.as_deref())
        .filter(|ip| *ip != "None" && !ip.is_empty())
}

/// The ready addresses behind a Service, as the endpoints controller publishes them (an
/// address carries the pod's `<hostname>` when its `spec.subdomain` names the Service).
fn endpoints<'s>(store: &'s Store, service: &Service) -> impl Iterator<Item = &'s EndpointAddress> {
    store
        .get_typed::<Endpoints>(
            service.metadata.namespace_str(),
            service.metadata.name_str(),
        )
        .into_iter()
        .flat_map(|endpoints| endpoints.subsets.iter().flatten())
        .flat_map(|subset| subset.addresses.iter().flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClusterShape, create_cluster};

    #[test]
    fn services_resolve_through_the_search_list() {
        let start = "2025-06-02T10:15:00Z".parse().unwrap_or_default();
        let cluster = create_cluster(&ClusterShape::kind(), start, 1);
        let dns = Resolver::new(&cluster.api.store, "default");
        let kubernetes = Address {
            ip: "10.96.0.1".into(),
            reverse: Some("kubernetes.default.svc.cluster.local".into()),
        };
        assert_eq!(dns.lookup("kubernetes"), std::slice::from_ref(&kubernetes));
        assert_eq!(
            dns.lookup("kubernetes.default"),
            std::slice::from_ref(&kubernetes)
        );
        assert_eq!(
            dns.lookup("kubernetes.default.svc.cluster.local."),
            [kubernetes]
        );
        assert_eq!(
            dns.nameserver().map(|server| server.reverse),
            Some(Some("kube-dns.kube-system.svc.cluster.local".into()))
        );
        // From kube-system the short name is kube-dns; from default it needs the namespace.
        assert!(dns.lookup("kube-dns").is_empty());
        assert!(
            !Resolver::new(&cluster.api.store, "kube-system")
                .lookup("kube-dns")
                .is_empty()
        );
        assert!(dns.lookup("web-0.nginx").is_empty());
    }
}
