//! The ReplicationController controller (`pkg/controller/replication`): upstream's
//! ReplicationManager is the ReplicaSet controller over RCs converted to ReplicaSets, with
//! its own name on Events; here it is the same sync (`replicaset::sync`) over
//! [`Replicated`] for `ReplicationController`, whose selector is a plain label map.

use k8s_openapi::api::core::v1::{
    PodTemplateSpec, ReplicationController, ReplicationControllerStatus,
};
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, ObjectKey};

use super::claim::wake_adopters;
use super::replicaset::{Counts, Replicated, selector_of, sync};
use super::{Context, Controller, Reconcile, Reconciliation, Watch};
use crate::store::WatchEvent;

const COMPONENT: &str = "replication-controller";

/// ReplicationControllers, through the pods they own.
pub static CONTROLLER: Controller = Controller {
    name: "replicationcontroller",
    reconciles: Some(Kind::ReplicationController),
    owns: &[Kind::Pod],
    watches: orphan_pods,
    reconcile: Reconcile::Stateless(reconcile),
};

/// An orphan pod wakes the ReplicationControllers of its namespace that select it.
fn orphan_pods(event: &WatchEvent, watch: &mut Watch) {
    if event.object.kind() == Kind::Pod && !event.deleted() {
        wake_adopters(
            &event.object,
            Kind::ReplicationController,
            selector_of::<ReplicationController>,
            watch,
        );
    }
}

fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    sync::<ReplicationController>(key, ctx, COMPONENT)
}

impl Replicated for ReplicationController {
    fn selector(&self) -> Option<Selector> {
        let labels = self.spec.as_ref()?.selector.as_ref()?;
        Some(Selector::from_labels(labels))
    }
    fn replicas(&self) -> i32 {
        self.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
    }
    fn template(&self) -> Option<&PodTemplateSpec> {
        self.spec.as_ref()?.template.as_ref()
    }
    fn min_ready_seconds(&self) -> i32 {
        self.spec
            .as_ref()
            .and_then(|s| s.min_ready_seconds)
            .unwrap_or(0)
    }
    fn status_from(&self, counts: Counts) -> ReplicationControllerStatus {
        ReplicationControllerStatus {
            replicas: counts.replicas,
            fully_labeled_replicas: Some(counts.fully_labeled),
            ready_replicas: Some(counts.ready),
            available_replicas: Some(counts.available),
            observed_generation: self.metadata.generation,
            conditions: None,
        }
    }
}
