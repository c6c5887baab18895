//! Builds the cluster a fresh `kind create cluster` (kind v0.29, Kubernetes v1.33.1) contains:
//! nodes with kind's labels, the system namespaces, Services, StorageClass, CoreDNS, kindnet,
//! kube-proxy, local-path-provisioner and the control plane's static pods. The shape comes
//! from a preset or a kind `Cluster` config.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kubeplay_model::{Kind, Pod};
use serde_json::Value;

use crate::cluster::{Cluster, RateLimit};
use crate::features::FeatureGates;
use crate::nodes::NodeAgents;
pub use crate::nodes::Role;

mod kubeadm;
mod system_objects;

pub use system_objects::SystemObjects;

const SYSTEM_MANIFEST: &str = include_str!("system.yaml");
/// How long the cluster has existed when the learner's first command runs.
pub const CLUSTER_AGE_MS: u64 = 5 * 60 * 1000;

/// The nodes of a kind cluster and the feature gates its components run with.
#[derive(Clone, Debug)]
pub struct ClusterShape {
    pub name: String,
    pub nodes: Vec<(Role, BTreeMap<String, String>)>,
    pub feature_gates: FeatureGates,
    /// The controller manager's `--kube-api-qps` / `--kube-api-burst`.
    pub controller_client: RateLimit,
}

/// Why a kind config could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid kind cluster config: {0}")]
pub struct ShapeError(String);

impl ClusterShape {
    pub fn kind() -> ClusterShape {
        ClusterShape {
            name: "kind".into(),
            nodes: vec![(Role::ControlPlane, BTreeMap::new())],
            feature_gates: FeatureGates::default(),
            controller_client: RateLimit::CONTROLLER_MANAGER,
        }
    }

    pub fn kind_multi() -> ClusterShape {
        let mut nodes = vec![(Role::ControlPlane, BTreeMap::new())];
        nodes.extend((0..3).map(|_| (Role::Worker, BTreeMap::new())));
        ClusterShape {
            name: "kind".into(),
            nodes,
            feature_gates: FeatureGates::default(),
            controller_client: RateLimit::CONTROLLER_MANAGER,
        }
    }

    pub fn preset(name: &str) -> Option<ClusterShape> {
        match name {
            "kind" => Some(ClusterShape::kind()),
            "kind-multi" => Some(ClusterShape::kind_multi()),
            _ => None,
        }
    }

    /// Parses a kind `Cluster` config (`kind.x-k8s.io/v1alpha4`).
    pub fn from_kind_config(text: &str) -> Result<ClusterShape, ShapeError> {
        let value: Value = serde_norway::from_str(text).map_err(|e| ShapeError(e.to_string()))?;
        if value.get("kind").and_then(Value::as_str) != Some("Cluster") {
            return Err(ShapeError("kind must be Cluster".into()));
        }
        if value.get("apiVersion").and_then(Value::as_str) != Some("kind.x-k8s.io/v1alpha4") {
            return Err(ShapeError(
                "apiVersion must be kind.x-k8s.io/v1alpha4".into(),
            ));
        }
        let name = value
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("kind")
            .to_string();
        let mut nodes = Vec::new();
        for node in value
            .get("nodes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_else(|| vec![serde_json::json!({"role": "control-plane"})])
        {
            let role = match node
                .get("role")
                .and_then(Value::as_str)
                .unwrap_or("control-plane")
            {
                "control-plane" => Role::ControlPlane,
                "worker" => Role::Worker,
                other => return Err(ShapeError(format!("unknown node role {other:?}"))),
            };
            let labels = node
                .get("labels")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                v.as_str().map_or_else(|| v.to_string(), str::to_string),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            nodes.push((role, labels));
        }
        if nodes.len() > 1000 {
            return Err(ShapeError("at most 1000 nodes are supported".into()));
        }
        if !nodes.iter().any(|(role, _)| *role == Role::ControlPlane) {
            return Err(ShapeError("a cluster needs a control-plane node".into()));
        }
        let feature_gates = feature_gates(&value)?;
        let controller_client = kubeadm::controller_manager_limit(&value)?;
        let shape = ClusterShape {
            name,
            nodes,
            feature_gates,
            controller_client,
        };
        shape.check_name()?;
        Ok(shape)
    }

    /// kind's own check of the cluster name (`Cluster.Validate`: Docker's container name
    /// rule, `^[a-z0-9.-]+$`), and that the nodes named after it are valid Node names (kind
    /// would fail later, creating them; a name like `-x` passes the first rule only).
    fn check_name(&self) -> Result<(), ShapeError> {
        let name = &self.name;
        let docker_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !docker_name {
            return Err(ShapeError(format!(
                "'{name}' is not a valid cluster name, cluster names must match `^[a-z0-9.-]+$`"
            )));
        }
        for node in self.node_names() {
            if let Some(problem) = kubeplay_model::validation::dns1123_subdomain_errors(&node)
                .into_iter()
                .next()
            {
                return Err(ShapeError(format!(
                    "'{name}' is not a valid cluster name: its node {node:?} is not a valid node name ({problem})"
                )));
            }
        }
        Ok(())
    }

    /// Node names as kind derives them: `<cluster>-<role>[N]`, the first without a number.
    pub fn node_names(&self) -> Vec<String> {
        let mut counters = BTreeMap::new();
        self.nodes
            .iter()
            .map(|(role, _)| {
                let role_name = match role {
                    Role::ControlPlane => "control-plane",
                    Role::Worker => "worker",
                };
                let counter = counters.entry(role_name).or_insert(0);
                *counter += 1;
                if *counter == 1 {
                    format!("{}-{role_name}", self.name)
                } else {
                    format!("{}-{role_name}{counter}", self.name)
                }
            })
            .collect()
    }
}

/// kind's `featureGates:` map (gate name to boolean), passed to every component.
fn feature_gates(config: &Value) -> Result<FeatureGates, ShapeError> {
    let Some(gates) = config.get("featureGates") else {
        return Ok(FeatureGates::default());
    };
    let Some(gates) = gates.as_object() else {
        return Err(ShapeError(
            "featureGates must be a map of gate names to booleans".into(),
        ));
    };
    let mut overrides = BTreeMap::new();
    for (name, value) in gates {
        let Some(enabled) = value.as_bool() else {
            return Err(ShapeError(format!(
                "featureGates.{name} must be true or false"
            )));
        };
        overrides.insert(name.clone(), enabled);
    }
    Ok(FeatureGates::new(overrides))
}

/// Creates a cluster of `shape` whose creation lies `CLUSTER_AGE_MS` before `start`.
pub fn create_cluster(shape: &ClusterShape, start: jiff::Timestamp, seed: u64) -> Cluster {
    let mut cluster = create_empty_cluster(shape, start, seed);
    let mut objects = SystemObjects::new(shape.clone());
    while objects.write_next(&mut cluster) {}
    cluster.advance_to(CLUSTER_AGE_MS);
    cluster
}

/// The first of [`create_cluster`]'s steps, which the page takes one at a time so that its
/// terminal is up before the cluster is: the cluster at its creation, with no object yet.
/// [`SystemObjects`] writes them; advanced to `CLUSTER_AGE_MS` (at once or in slices
/// with `Cluster::advance_to_within`) it is then the cluster `create_cluster` makes.
pub fn create_empty_cluster(shape: &ClusterShape, start: jiff::Timestamp, seed: u64) -> Cluster {
    let created = start
        .checked_sub(jiff::SignedDuration::from_millis(CLUSTER_AGE_MS as i64))
        .unwrap_or(start);
    let mut cluster = Cluster::new(created, seed);
    cluster.api.features = shape.feature_gates.clone();
    cluster.set_controller_client_limit(shape.controller_client);
    cluster.nodes = NodeAgents::new(&shape.name);
    cluster
}

/// Images baked into kind's node image.
pub const PRELOADED_IMAGES: &[&str] = &[
    "registry.k8s.io/coredns/coredns:v1.12.0",
    "docker.io/kindest/kindnetd:v20250512-df8de77b",
    "registry.k8s.io/kube-proxy:v1.33.1",
    "docker.io/kindest/local-path-provisioner:v20250214-acbabc1a",
    "registry.k8s.io/etcd:3.5.21-0",
    "registry.k8s.io/kube-apiserver:v1.33.1",
    "registry.k8s.io/kube-controller-manager:v1.33.1",
    "registry.k8s.io/kube-scheduler:v1.33.1",
];

/// The kubeadm static pods of a control-plane node, mirrored into the API.
fn static_pods(node: &str, node_uid: &str) -> Vec<Pod> {
    let components = [
        (
            "etcd",
            "registry.k8s.io/etcd:3.5.21-0",
            Some(("100m", "100Mi")),
        ),
        (
            "kube-apiserver",
            "registry.k8s.io/kube-apiserver:v1.33.1",
            Some(("250m", "")),
        ),
        (
            "kube-controller-manager",
            "registry.k8s.io/kube-controller-manager:v1.33.1",
            Some(("200m", "")),
        ),
        (
            "kube-scheduler",
            "registry.k8s.io/kube-scheduler:v1.33.1",
            Some(("100m", "")),
        ),
    ];
    components
        .into_iter()
        .map(|(component, image, requests)| {
            let mut request_map = BTreeMap::new();
            if let Some((cpu, memory)) = requests {
                request_map.insert("cpu".to_string(), Quantity(cpu.to_string()));
                if !memory.is_empty() {
                    request_map.insert("memory".to_string(), Quantity(memory.to_string()));
                }
            }
            Pod {
                metadata: ObjectMeta {
                    name: Some(format!("{component}-{node}")),
                    namespace: Some("kube-system".into()),
                    labels: Some(
                        [
                            ("component".to_string(), component.to_string()),
                            ("tier".to_string(), "control-plane".to_string()),
                        ]
                        .into(),
                    ),
                    annotations: Some(
                        [(
                            "kubernetes.io/config.source".to_string(),
                            "file".to_string(),
                        )]
                        .into(),
                    ),
                    owner_references: Some(vec![OwnerReference {
                        api_version: "v1".into(),
                        kind: Kind::Node.name().into(),
                        name: node.into(),
                        uid: node_uid.into(),
                        controller: Some(true),
                        block_owner_deletion: None,
                    }]),
                    ..ObjectMeta::default()
                },
                spec: Some(
                    PodSpec {
                        node_name: Some(node.into()),
                        host_network: Some(true),
                        priority_class_name: Some("system-node-critical".into()),
                        containers: vec![Container {
                            name: component.into(),
                            image: Some(image.into()),
                            command: Some(vec![component.into()]),
                            resources: Some(ResourceRequirements {
                                requests: Some(request_map),
                                ..ResourceRequirements::default()
                            }),
                            ..Container::default()
                        }],
                        ..PodSpec::default()
                    }
                    .into(),
                ),
                status: None,
            }
        })
        .collect()
}
