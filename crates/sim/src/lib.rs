//! A deterministic simulation of a Kubernetes v1.33 control plane: an API server over an
//! object store, controllers as reconcilers, a scheduler and kubelets, all in virtual time
//! with one seeded random source. No IO, no wall clock, no global state.

pub mod admission;
pub mod api;
pub mod bootstrap;
pub mod census;
pub mod clock;
pub mod cluster;
pub mod controllers;
pub mod dns;
pub mod events;
pub mod eviction;
pub mod features;
pub mod field_manager;
pub mod journal;
pub mod kubelet;
pub mod limits;
pub mod logs;
pub mod namespace_defaults;
pub mod network;
pub mod network_policy;
pub mod nodes;
pub mod patch;
pub mod rng;
pub mod status_request;
pub mod store;
pub mod traffic;
mod uid_key;
pub mod usage;
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
pub mod wasm_heap;

pub use api::{ApiServer, DeleteOptions, Propagation};
pub use bootstrap::{
    CLUSTER_AGE_MS, ClusterShape, SystemObjects, create_cluster, create_empty_cluster,
};
pub use cluster::{Advance, Check, Cluster, Until};
pub use features::FeatureGates;
