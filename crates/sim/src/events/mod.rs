//! How components record Events. Kubernetes v1.33 has two client libraries for it, and the
//! control plane uses both:
//!
//! - `correlator.rs`: client-go's `tools/record` (core/v1 Events), which kube-controller-manager's
//!   controllers, the node lifecycle controller and the kubelet use: similar events are
//!   combined, identical ones counted into one Event that is patched on every repeat.
//! - `series.rs`: client-go's `tools/events` (events.k8s.io/v1), which kube-scheduler uses:
//!   a repeat starts a series written once; later repeats only count in the client's cache,
//!   which is written out every 30 minutes and when the series ends.
//!
//! Both keep their caches per involved object here (in a real cluster, per process); what a
//! cache would decide on its own (a repeat, a combined event) is decided the same way.

mod correlator;
mod recording;
mod series;

use std::hash::{DefaultHasher, Hash, Hasher};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::ObjectKey;

pub(crate) use correlator::Correlator;
pub(crate) use series::{FINISH_PERIOD_MS, SeriesCache};

/// Normal or Warning, as Events are typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// An Event to record about an object.
#[derive(Clone, Debug)]
pub struct EventRecord {
    pub regarding: ObjectKey,
    pub event_type: EventType,
    pub reason: &'static str,
    pub message: String,
    /// `source.component` (`deployment-controller`, `kubelet`, …), or for events.k8s.io
    /// reporters the `reportingController` (`default-scheduler`).
    pub component: &'static str,
    /// `source.host` for kubelet events.
    pub host: Option<String>,
    /// `involvedObject.fieldPath`, e.g. `spec.containers{nginx}`.
    pub field_path: Option<String>,
    /// Set for reporters on the events.k8s.io/v1 API (`tools/events`): the action and the
    /// resourceVersion of the regarding object as the reporter saw it (part of the series key).
    pub reported: Option<Reported>,
}

/// What an events.k8s.io/v1 reporter adds to an Event.
#[derive(Clone, Debug)]
pub struct Reported {
    /// `action`: `Scheduling`, `Binding`, …
    pub action: &'static str,
    /// `regarding.resourceVersion` as the reporter's copy of the object had it.
    pub regarding_version: Option<String>,
    /// `regarding.uid`, from the same copy (a repeat is keyed without a look in the store).
    pub regarding_uid: String,
}

impl EventRecord {
    /// The same Event reported through `tools/events` (events.k8s.io/v1), as kube-scheduler
    /// reports, with its action and the object as the reporter saw it.
    pub fn reported(mut self, action: &'static str, regarding: &ObjectMeta) -> Self {
        self.reported = Some(Reported {
            action,
            regarding_version: regarding.resource_version.clone(),
            regarding_uid: regarding.uid.clone().unwrap_or_default(),
        });
        self
    }
}

pub use kubeplay_model::event::last_seen;

/// A stable 64-bit key for cache lookups (the caches hold keys, not the strings they join).
pub(crate) fn key_of(parts: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}
