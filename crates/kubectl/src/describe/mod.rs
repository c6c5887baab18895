//! `kubectl describe` renderers over k8s-openapi objects, following
//! `staging/src/k8s.io/kubectl/pkg/describe/describe.go` (v1.33) line by line. Each
//! `describe_*` returns kubectl's complete stdout for one object (ending in a newline).
//! Related objects kubectl would fetch (pods, ReplicaSets, the node Lease, events) are
//! passed in by the caller.

mod autoscaler;
mod common;
mod config;
mod container;
mod container_env;
mod cron_job;
mod daemon_set;
mod deployment;
mod events;
mod job;
mod namespace;
mod network_policy;
mod node;
mod node_resources;
mod pdb;
mod pod;
mod pod_template;
mod probe;
mod pv;
mod pvc;
mod qos;
mod replica_set;
mod replication_controller;
mod service;
mod stateful_set;
mod topology;
mod volumes;
mod writer;

#[cfg(test)]
mod tests;

use kubeplay_model::Event;

pub use autoscaler::describe_autoscaler;
pub use config::{describe_config_map, describe_secret};
pub use cron_job::describe_cron_job;
pub use daemon_set::describe_daemon_set;
pub use deployment::describe_deployment;
pub use job::describe_job;
pub use namespace::describe_namespace;
pub use network_policy::describe_network_policy;
pub use node::describe_node;
pub use pdb::describe_pod_disruption_budget;
pub use pod::describe_pod;
pub use pv::describe_persistent_volume;
pub use pvc::describe_persistent_volume_claim;
pub use replica_set::describe_replica_set;
pub use replication_controller::describe_replication_controller;
pub use service::describe_service;
pub use stateful_set::describe_stateful_set;

/// The `Pod Template:` block alone, as `kubectl rollout history --revision=N` prints it:
/// `printTemplate` writes `DescribePodTemplate` through a prefix writer straight into a
/// buffer, so its tabs are not aligned.
pub fn pod_template_text(template: &k8s_openapi::api::core::v1::PodTemplateSpec) -> String {
    let mut w = writer::PrefixWriter::raw();
    pod_template::describe_pod_template(&mut w, template);
    w.finish()
}

/// What every describer needs besides the object itself.
#[derive(Clone, Copy, Debug)]
pub struct DescribeContext<'a> {
    /// The virtual "now" that ages are measured against.
    pub now: jiff::Timestamp,
    /// Events whose involvedObject is the described object, in any order (kubectl's
    /// ordering — by name as the API lists them, then by lastTimestamp — is applied here).
    /// For a Node, pass the events found by its UID and by its name.
    pub events: &'a [&'a Event],
}
