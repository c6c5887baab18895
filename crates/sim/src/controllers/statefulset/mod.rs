//! The StatefulSet controller (`pkg/controller/statefulset`): pods `NAME-0…NAME-(N-1)` with
//! stable names and storage (one PVC per claim template and ordinal, kept on scale-down and
//! delete), OrderedReady or Parallel management, revisions as ControllerRevisions, and
//! RollingUpdate in reverse ordinal order down to `partition` (or OnDelete). `replicas.rs`
//! creates, replaces and condemns pods (`stateful_set_control.go`), `pod_control.rs` makes a
//! replica and its claims (`stateful_pod_control.go`), `update.rs` is the rolling update.

mod pod_control;
mod replicas;
mod update;

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    ControllerRevision, StatefulSet, StatefulSetSpec, StatefulSetStatus,
};
use kubeplay_model::keys::CONTROLLER_REVISION_HASH;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::{is_available, is_ready, phase};
use kubeplay_model::{Kind, Object, ObjectKey, Pod, Typed};

use super::claim::{claim_pods, claim_revisions, wake_adopters};
use super::{
    Action, Context, Controller, Reconcile, Reconciliation, Watch, event, history, template_hash,
};
use crate::api::{DeleteOptions, EventType};
use crate::store::WatchEvent;
use kubeplay_model::selector::Selector;

const COMPONENT: &str = "statefulset-controller";

/// StatefulSets, through their pods, revisions and (with a `whenDeleted: Delete` retention
/// policy) claims.
pub static CONTROLLER: Controller = Controller {
    name: "statefulset",
    reconciles: Some(Kind::StatefulSet),
    owns: &[
        Kind::Pod,
        Kind::ControllerRevision,
        Kind::PersistentVolumeClaim,
    ],
    watches: orphan_pods,
    reconcile: Reconcile::Stateless(reconcile),
};

/// An orphan pod wakes the StatefulSets of its namespace that select it.
fn orphan_pods(event: &WatchEvent, watch: &mut Watch) {
    if event.object.kind() == Kind::Pod && !event.deleted() {
        let selector_of = |object: &Object| {
            let set = StatefulSet::from_object(object)?;
            Selector::from_label_selector(set.spec.as_ref().map(|s| &s.selector)).ok()
        };
        wake_adopters(&event.object, Kind::StatefulSet, selector_of, watch);
    }
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let Some(sts) = ctx
        .store
        .get_typed::<StatefulSet>(&key.namespace, &key.name)
    else {
        return Reconciliation::default();
    };
    let Some(spec) = sts.spec.clone() else {
        return Reconciliation::default();
    };
    let mut sync = Sync::new(key, sts, spec, ctx);
    sync.count_replicas();
    if !sts.metadata.is_deleting() {
        sync.manage_replicas();
        sync.condemn();
        sync.rolling_update();
    }
    sync.finish()
}

/// One sync of one StatefulSet (`updateStatefulSet`): its revisions, its pods by ordinal, and
/// what it decided so far.
struct Sync<'a> {
    ctx: &'a Context<'a>,
    key: &'a ObjectKey,
    sts: &'a StatefulSet,
    object: Object,
    spec: StatefulSetSpec,
    replicas: i32,
    /// The first ordinal (`spec.ordinals.start`).
    start: i32,
    parallel: bool,
    revisions: Vec<ControllerRevision>,
    current_revision: String,
    update_revision: String,
    /// Pods the set controls, by ordinal.
    owned: BTreeMap<i32, &'a Pod>,
    status: StatefulSetStatus,
    /// OrderedReady: a replica is missing, unhealthy or being replaced, so nothing after it
    /// moves.
    blocked: bool,
    result: Reconciliation,
}

impl<'a> Sync<'a> {
    fn new(
        key: &'a ObjectKey,
        sts: &'a StatefulSet,
        spec: StatefulSetSpec,
        ctx: &'a Context<'a>,
    ) -> Sync<'a> {
        let object = sts.clone().into_object();
        let mut result = Reconciliation::default();
        // Revisions: the current template's, and the one the set last completed.
        let hash = template_hash(
            &spec.template,
            sts.status.as_ref().and_then(|s| s.collision_count),
        );
        let update_revision = format!("{}-{hash}", key.name);
        let selector = Selector::from_label_selector(Some(&spec.selector)).unwrap_or_default();
        // `adoptOrphanRevisions`: revisions an orphaning delete left behind are adopted
        // (never released), so a re-created set finds its old history.
        let revisions = claim_revisions(&object, &selector, false, ctx, &mut result);
        history::ensure_revision(
            &object,
            &spec.template,
            &update_revision,
            &hash,
            &revisions,
            &mut result,
        );
        let current_revision = sts
            .status
            .as_ref()
            .and_then(|s| s.current_revision.clone())
            .unwrap_or_else(|| update_revision.clone());
        // `getPodsForStatefulSet`: pods the selector matches whose name is one of the set's
        // ordinals are claimed (orphans adopted), others released.
        let is_member = |pod: &Pod| ordinal(pod.metadata.name_str(), &key.name).is_some();
        let owned = claim_pods(&object, &selector, is_member, ctx, &mut result)
            .into_iter()
            .filter_map(|pod| ordinal(pod.metadata.name_str(), &key.name).map(|n| (n, pod)))
            .collect();
        let status = StatefulSetStatus {
            observed_generation: sts.metadata.generation,
            current_revision: Some(current_revision.clone()),
            update_revision: Some(update_revision.clone()),
            collision_count: sts.status.as_ref().and_then(|s| s.collision_count),
            ..StatefulSetStatus::default()
        };
        Sync {
            ctx,
            key,
            sts,
            object,
            replicas: spec.replicas.unwrap_or(1).max(0),
            start: spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0),
            parallel: spec.pod_management_policy.as_deref() == Some("Parallel"),
            spec,
            revisions,
            current_revision,
            update_revision,
            owned,
            status,
            blocked: false,
            result,
        }
    }

    /// The ordinals the set should have.
    fn ordinals(&self) -> std::ops::Range<i32> {
        self.start..self.start + self.replicas
    }

    fn on_delete(&self) -> bool {
        self.spec
            .update_strategy
            .as_ref()
            .and_then(|u| u.type_.as_deref())
            == Some("OnDelete")
    }

    fn partition(&self) -> i32 {
        self.spec
            .update_strategy
            .as_ref()
            .and_then(|u| u.rolling_update.as_ref())
            .and_then(|r| r.partition)
            .unwrap_or(0)
    }

    fn is_updated(&self, pod: &Pod) -> bool {
        pod.metadata.label(CONTROLLER_REVISION_HASH) == Some(self.update_revision.as_str())
    }

    /// The status counts of the pods not being deleted.
    fn count_replicas(&mut self) {
        let min_ready = self.spec.min_ready_seconds.unwrap_or(0);
        let now = self.ctx.clock.now();
        let status = &mut self.status;
        for pod in self.owned.values().filter(|p| !p.metadata.is_deleting()) {
            status.replicas += 1;
            if is_ready(pod) {
                status.ready_replicas = Some(status.ready_replicas.unwrap_or(0) + 1);
            }
            if is_available(pod, min_ready, now) {
                status.available_replicas = Some(status.available_replicas.unwrap_or(0) + 1);
            }
            let revision = pod.metadata.label(CONTROLLER_REVISION_HASH);
            if revision == Some(self.current_revision.as_str()) {
                status.current_replicas = Some(status.current_replicas.unwrap_or(0) + 1)
            }
            if revision == Some(self.update_revision.as_str()) {
                status.updated_replicas = Some(status.updated_replicas.unwrap_or(0) + 1);
            }
        }
    }

    fn delete(&mut self, pod: &Pod) {
        self.result.actions.push(delete_pod(self.key, pod));
    }

    /// The status, with the update revision current once every replica runs it.
    fn finish(mut self) -> Reconciliation {
        let replicas = self.replicas;
        let status = &mut self.status;
        let complete = status.updated_replicas.unwrap_or(0) == replicas
            && status.replicas == replicas
            && status.ready_replicas.unwrap_or(0) == replicas;
        if complete {
            status.current_revision = Some(self.update_revision.clone());
            status.current_replicas = status.updated_replicas;
        }
        self.result.update_status(self.sts, self.status);
        self.result
    }
}

/// Running, Ready and not being deleted.
fn healthy(pod: &Pod) -> bool {
    phase(pod) == "Running" && is_ready(pod) && !pod.metadata.is_deleting()
}

/// `<set>-<ordinal>` → ordinal.
fn ordinal(pod_name: &str, set: &str) -> Option<i32> {
    pod_name.strip_prefix(set)?.strip_prefix('-')?.parse().ok()
}

fn delete_pod(set: &ObjectKey, pod: &Pod) -> Action {
    let name = pod.metadata.name_str();
    Action::Delete {
        key: ObjectKey::new(Kind::Pod, pod.metadata.namespace_str(), name),
        options: DeleteOptions::default(),
        event: Some(event(
            set.clone(),
            EventType::Normal,
            "SuccessfulDelete",
            format!("delete Pod {name} in StatefulSet {} successful", set.name),
            COMPONENT,
        )),
    }
}
