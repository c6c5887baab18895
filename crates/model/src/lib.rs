//! The Kubernetes object model kubeplay simulates: which kinds exist, how objects are held,
//! and the API server's pure rules about them (selectors, quantities, defaulting, validation,
//! manifest decoding). Nothing here knows about time passing or controllers.

pub mod cidr;
pub mod container_status;
pub mod defaults;
pub mod errors;
pub mod event;
pub mod intstr;
pub mod keys;
pub mod kinds;
pub mod managed;
pub mod manifest;
pub mod object;
pub mod patch;
pub mod pod;
pub mod pod_object;
pub mod pod_status;
pub mod quantity;
pub mod schedule;
pub mod selector;
pub mod shared;
pub mod validation;

pub use container_status::ContainerStatus;
pub use errors::{ApiError, FieldError};
pub use event::Event;
pub use kinds::Kind;
pub use object::{Object, ObjectKey, Typed};
pub use pod_object::Pod;
pub use pod_status::PodStatus;

/// Re-export of the Kubernetes API types (v1.33) used throughout kubeplay.
pub use k8s_openapi as api;
