//! The Node object a kind node's kubelet registers: kind's labels and annotations, the
//! machine's capacity, its addresses and pod CIDR, and the conditions the kubelet posts.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Node, NodeAddress, NodeCondition, NodeSpec, NodeStatus, NodeSystemInfo, Taint,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

pub const KUBERNETES_VERSION: &str = "v1.33.1";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    ControlPlane,
    Worker,
}

/// What a machine offers: a kind node on a laptop reports the host's CPUs and memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capacity {
    pub cpu: String,
    pub memory: String,
    pub pods: u32,
}

impl Default for Capacity {
    fn default() -> Capacity {
        Capacity {
            cpu: "8".into(),
            memory: "16331380Ki".into(),
            pods: 110,
        }
    }
}

/// Everything that distinguishes one kind node from another.
#[derive(Clone, Debug)]
pub struct Machine {
    pub name: String,
    pub role: Role,
    pub labels: BTreeMap<String, String>,
    pub capacity: Capacity,
    /// Position in the cluster: decides the InternalIP (172.18.0.N+2) and pod CIDR (10.244.N.0/24).
    pub index: usize,
    /// A single-node cluster's control plane runs workloads: no control-plane taint.
    pub single: bool,
}

/// The state of one kubelet-posted condition.
struct ConditionText {
    type_: &'static str,
    healthy_status: &'static str,
    reason: &'static str,
    message: &'static str,
}

/// The conditions a healthy kubelet posts, in the order it posts them.
const CONDITIONS: [ConditionText; 4] = [
    ConditionText {
        type_: "MemoryPressure",
        healthy_status: "False",
        reason: "KubeletHasSufficientMemory",
        message: "kubelet has sufficient memory available",
    },
    ConditionText {
        type_: "DiskPressure",
        healthy_status: "False",
        reason: "KubeletHasNoDiskPressure",
        message: "kubelet has no disk pressure",
    },
    ConditionText {
        type_: "PIDPressure",
        healthy_status: "False",
        reason: "KubeletHasSufficientPID",
        message: "kubelet has sufficient PID available",
    },
    ConditionText {
        type_: "Ready",
        healthy_status: "True",
        reason: "KubeletReady",
        message: "kubelet is posting ready status",
    },
];

/// Why a freshly started kubelet is not Ready yet: kindnet has not written the CNI config.
const NETWORK_NOT_READY: &str = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized";

/// The conditions a running kubelet posts at `now`; `network_ready` is false while the
/// node's CNI is not set up (the first seconds after a kubelet joins).
pub fn kubelet_conditions(
    current: &[NodeCondition],
    network_ready: bool,
    now: &Time,
) -> Vec<NodeCondition> {
    CONDITIONS
        .iter()
        .map(|text| {
            let (status, reason, message) = if text.type_ == "Ready" && !network_ready {
                ("False", "KubeletNotReady", NETWORK_NOT_READY)
            } else {
                (text.healthy_status, text.reason, text.message)
            };
            let previous = current.iter().find(|c| c.type_ == text.type_);
            let transition = match previous {
                Some(previous) if previous.status == status => previous
                    .last_transition_time
                    .clone()
                    .unwrap_or_else(|| now.clone()),
                _ => now.clone(),
            };
            NodeCondition {
                type_: text.type_.into(),
                status: status.into(),
                reason: Some(reason.into()),
                message: Some(message.into()),
                last_heartbeat_time: Some(now.clone()),
                last_transition_time: Some(transition),
            }
        })
        .collect()
}

fn quantity(text: &str) -> Quantity {
    Quantity(text.to_string())
}

impl Machine {
    /// The Node object as the kubelet registers it at `now`.
    pub fn node(&self, network_ready: bool, now: &Time) -> Node {
        let name = self.name.as_str();
        let mut labels: BTreeMap<String, String> = [
            ("beta.kubernetes.io/arch", "amd64"),
            ("beta.kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("kubernetes.io/hostname", name),
            ("kubernetes.io/os", "linux"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let mut taints = Vec::new();
        if self.role == Role::ControlPlane {
            labels.insert(
                "node-role.kubernetes.io/control-plane".into(),
                String::new(),
            );
            if !self.single {
                labels.insert(
                    "node.kubernetes.io/exclude-from-external-load-balancers".into(),
                    String::new(),
                );
                taints.push(Taint {
                    key: "node-role.kubernetes.io/control-plane".into(),
                    effect: "NoSchedule".into(),
                    ..Taint::default()
                });
            }
        }
        if !network_ready {
            taints.push(Taint {
                key: "node.kubernetes.io/not-ready".into(),
                effect: "NoSchedule".into(),
                ..Taint::default()
            });
        }
        labels.extend(self.labels.clone());
        let pods = self.capacity.pods.to_string();
        let resources: BTreeMap<String, Quantity> = [
            ("cpu", self.capacity.cpu.as_str()),
            ("ephemeral-storage", "489620016Ki"),
            ("hugepages-1Gi", "0"),
            ("hugepages-2Mi", "0"),
            ("memory", self.capacity.memory.as_str()),
            ("pods", pods.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), quantity(v)))
        .collect();
        let annotations = [
            (
                "kubeadm.alpha.kubernetes.io/cri-socket",
                "unix:///run/containerd/containerd.sock",
            ),
            ("node.alpha.kubernetes.io/ttl", "0"),
            (
                "volumes.kubernetes.io/controller-managed-attach-detach",
                "true",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let cidr = format!("10.244.{}.0/24", self.index);
        Node {
            metadata: ObjectMeta {
                name: Some(name.into()),
                labels: Some(labels),
                annotations: Some(annotations),
                ..ObjectMeta::default()
            },
            spec: Some(NodeSpec {
                pod_cidr: Some(cidr.clone()),
                pod_cidrs: Some(vec![cidr]),
                provider_id: Some(format!("kind://docker/kind/{name}")),
                taints: (!taints.is_empty()).then_some(taints),
                ..NodeSpec::default()
            }),
            status: Some(NodeStatus {
                addresses: Some(vec![
                    NodeAddress {
                        type_: "InternalIP".into(),
                        address: format!("172.18.0.{}", self.index + 2),
                    },
                    NodeAddress {
                        type_: "Hostname".into(),
                        address: name.into(),
                    },
                ]),
                allocatable: Some(resources.clone()),
                capacity: Some(resources),
                conditions: Some(kubelet_conditions(&[], network_ready, now)),
                node_info: Some(NodeSystemInfo {
                    architecture: "amd64".into(),
                    boot_id: String::new(),
                    container_runtime_version: "containerd://2.1.1".into(),
                    kernel_version: "6.8.0-60-generic".into(),
                    kube_proxy_version: String::new(),
                    kubelet_version: KUBERNETES_VERSION.into(),
                    machine_id: String::new(),
                    operating_system: "linux".into(),
                    os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                    system_uuid: String::new(),
                    swap: None,
                }),
                ..NodeStatus::default()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Time {
        Time(jiff::Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn a_joining_kubelet_is_not_ready_until_its_network_is() {
        let joining = kubelet_conditions(&[], false, &now());
        let ready = joining.iter().find(|c| c.type_ == "Ready");
        assert_eq!(ready.map(|c| c.status.as_str()), Some("False"));
        assert_eq!(
            ready.and_then(|c| c.reason.as_deref()),
            Some("KubeletNotReady")
        );
        let later = Time(jiff::Timestamp::from_second(12).unwrap_or_default());
        let joined = kubelet_conditions(&joining, true, &later);
        let ready = joined.iter().find(|c| c.type_ == "Ready");
        assert_eq!(ready.map(|c| c.status.as_str()), Some("True"));
        assert_eq!(
            ready.and_then(|c| c.last_transition_time.clone()),
            Some(later)
        );
        // Unchanged conditions keep their transition time.
        let memory = joined.iter().find(|c| c.type_ == "MemoryPressure");
        assert_eq!(
            memory.and_then(|c| c.last_transition_time.clone()),
            Some(now())
        );
    }
}
