//! The pod garbage collector (`pkg/controller/podgc`): force-deletes the pods bound to a
//! node that no longer exists. It runs every 20 s and waits a 40 s quarantine before it
//! trusts that the node is really gone, so orphaned pods vanish 40–60 s after their node.

use k8s_openapi::api::core::v1::Node;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, ObjectKey, Pod, Typed};

use super::{Action, Context, Reconciliation, pods};
use super::{Controller, Reconcile, Watch};
use crate::api::DeleteOptions;
use crate::clock::Millis;
use crate::store::WatchEvent;

/// `gcCheckPeriod`.
pub const CHECK_PERIOD_MS: Millis = 20_000;
/// `quarantineTime`.
pub const QUARANTINE_MS: Millis = 40_000;

/// When the pods of a node deleted at `deleted_ms` are collected: the first pass after the
/// deletion puts the node in quarantine; the pass after the quarantine deletes its pods.
pub fn collection_due_ms(deleted_ms: Millis) -> Millis {
    let noticed = (deleted_ms / CHECK_PERIOD_MS + 1) * CHECK_PERIOD_MS;
    (noticed + QUARANTINE_MS).div_ceil(CHECK_PERIOD_MS) * CHECK_PERIOD_MS
}

/// Pods of deleted nodes, once the quarantine has passed.
pub static CONTROLLER: Controller = Controller {
    name: "pod-garbage-collector",
    reconciles: None,
    owns: &[],
    watches: deleted_nodes,
    reconcile: Reconcile::Stateless(reconcile),
};

/// A deleted node's pods are collected after the quarantine.
fn deleted_nodes(event: &WatchEvent, watch: &mut Watch) {
    if event.object.kind() == Kind::Node && event.deleted() {
        let delay = collection_due_ms(watch.now_ms).saturating_sub(watch.now_ms);
        watch.wake_after(delay, event.object.key());
    }
}

/// `gcOrphaned` for one missing node.
pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut reconciliation = Reconciliation::default();
    if ctx.store.get_typed::<Node>("", &key.name).is_some() {
        return reconciliation;
    }
    for pod in ctx
        .store
        .pods_on_node(&key.name)
        .filter_map(Pod::from_object)
    {
        let mut marked = pods::with_disruption_target(
            pod,
            "DeletionByPodGC",
            "PodGC: node no longer exists",
            &ctx.clock.now_time(),
        );
        let status = marked.status.get_or_insert_with(Default::default);
        if !matches!(status.phase.as_deref(), Some("Succeeded" | "Failed")) {
            status.phase = Some("Failed".into());
        }
        reconciliation
            .actions
            .push(Action::UpdateStatus(marked.into_object()));
        reconciliation.actions.push(Action::Delete {
            key: ObjectKey::new(
                Kind::Pod,
                pod.metadata.namespace_str(),
                pod.metadata.name_str(),
            ),
            options: DeleteOptions {
                propagation: None,
                grace_period_seconds: Some(0),
            },
            event: None,
        });
    }
    reconciliation
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orphans_go_after_the_quarantine() {
        // Deleted at 5 s: noticed at 20 s, collected at 60 s.
        assert_eq!(collection_due_ms(5_000), 60_000);
        // Deleted right at a pass: noticed at the next one.
        assert_eq!(collection_due_ms(20_000), 80_000);
    }
}
