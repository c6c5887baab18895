//! The Deployment controller (`pkg/controller/deployment`): new/old ReplicaSets by template,
//! RollingUpdate and Recreate, proportional scaling, pause, revision annotations, history
//! cleanup, and the Progressing/Available conditions with the progress deadline. The strategies
//! are `rolling.rs` and `recreate.rs`, what every sync does is `sync.rs`, the conditions
//! `progress.rs`, as upstream splits `pkg/controller/deployment`.

mod progress;
mod recreate;
mod rolling;
mod sync;

use std::borrow::Cow;
use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentStatus, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::intstr::scaled_value;
use kubeplay_model::keys::{POD_TEMPLATE_HASH, REVISION};
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::claim::wake_adopters;
use super::{Action, Context, Reconciliation, event};
use super::{Controller, Reconcile, Watch};
use crate::api::EventType;
use crate::store::WatchEvent;

const COMPONENT: &str = "deployment-controller";

/// Deployments, through the ReplicaSets they own.
pub static CONTROLLER: Controller = Controller {
    name: "deployment",
    reconciles: Some(Kind::Deployment),
    owns: &[Kind::ReplicaSet],
    watches: orphans_and_last_pods,
    reconcile: Reconcile::Stateless(reconcile),
};

fn orphans_and_last_pods(event: &WatchEvent, watch: &mut Watch) {
    orphan_replica_sets(event, watch);
    last_pod_gone(event, watch);
}

/// `deletePod`: a Recreate Deployment is synced when the last pod of its ReplicaSets is
/// gone (its new ReplicaSet waits for that: `oldPodsRunning` counts terminating pods).
fn last_pod_gone(event: &WatchEvent, watch: &mut Watch) {
    if event.object.kind() != Kind::Pod || !event.deleted() {
        return;
    }
    let store = watch.store;
    let Some(deployment) = event
        .object
        .meta()
        .controller_ref()
        .and_then(|rs| store.get_by_uid(&rs.uid))
        .and_then(|rs| rs.meta().controller_ref())
        .and_then(|owner| store.get_by_uid(&owner.uid))
        .and_then(Deployment::from_object)
    else {
        return;
    };
    let recreate = deployment
        .spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        == Some("Recreate");
    let pods_left = store
        .dependents_of(deployment.metadata.uid_str())
        .filter(|o| o.kind() == Kind::ReplicaSet)
        .any(|rs| store.has_dependents(rs.uid()));
    if recreate && !pods_left {
        watch.wake(ObjectKey::new(
            Kind::Deployment,
            deployment.metadata.namespace_str(),
            deployment.metadata.name_str(),
        ));
    }
}

/// An orphan ReplicaSet wakes the Deployments of its namespace that select it.
fn orphan_replica_sets(event: &WatchEvent, watch: &mut Watch) {
    if event.object.kind() == Kind::ReplicaSet && !event.deleted() {
        let selector_of = |object: &Object| {
            let deployment = Deployment::from_object(object)?;
            Selector::from_label_selector(deployment.spec.as_ref().map(|s| &s.selector)).ok()
        };
        wake_adopters(&event.object, Kind::Deployment, selector_of, watch);
    }
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let stored = ObjectKey::new(Deployment::STORED_KIND, &key.namespace, &key.name);
    let Some(object) = ctx.store.get(&stored) else {
        return Reconciliation::default();
    };
    let Some(deployment) = Deployment::from_object(object) else {
        return Reconciliation::default();
    };
    let mut sync = Sync::new(deployment, object, ctx);
    let selector =
        Selector::from_label_selector(sync.spec().map(|s| &s.selector)).unwrap_or_default();
    if selector.is_empty() {
        sync.result.actions.push(Action::Event(event(
            key.clone(),
            EventType::Warning,
            "SelectingAll",
            "This deployment is selecting all pods. A non-empty selector is required.".into(),
            COMPONENT,
        )));
        sync.status.observed_generation = deployment.metadata.generation;
        return sync.finish();
    }
    sync.claim_replica_sets(&selector);
    if deployment.metadata.is_deleting() {
        sync.compute_status();
        return sync.finish();
    }
    sync.check_paused_conditions();
    let paused = sync.spec().and_then(|s| s.paused).unwrap_or(false);
    if paused || sync.is_scaling_event() {
        sync.scale_only(paused);
        return sync.finish();
    }
    let recreate = sync
        .spec()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        == Some("Recreate");
    if recreate {
        sync.rollout_recreate()
    } else {
        sync.rollout_rolling()
    }
    sync.finish()
}

/// One sync of one Deployment: its ReplicaSets (as stored until a step updates one, then
/// that step's copy), and the actions that record those updates.
struct Sync<'a> {
    ctx: &'a Context<'a>,
    /// The stored Deployment, copied only if the sync changes its annotations.
    deployment: Cow<'a, Deployment>,
    object: &'a Object,
    /// As stored; a step that updates one keeps its copy here.
    replica_sets: Vec<Cow<'a, ReplicaSet>>,
    status: DeploymentStatus,
    annotations_changed: bool,
    result: Reconciliation,
}

impl<'a> Sync<'a> {
    /// A sync of `deployment`, stored as `object`.
    pub(super) fn new(
        deployment: &'a Deployment,
        object: &'a Object,
        ctx: &'a Context<'a>,
    ) -> Sync<'a> {
        let status = deployment.status.clone().unwrap_or_default();
        Sync {
            ctx,
            deployment: Cow::Borrowed(deployment),
            object,
            replica_sets: Vec::new(),
            status,
            annotations_changed: false,
            result: Reconciliation::default(),
        }
    }

    pub(super) fn spec(&self) -> Option<&k8s_openapi::api::apps::v1::DeploymentSpec> {
        self.deployment.spec.as_ref()
    }

    pub(super) fn replicas(&self) -> i32 {
        self.spec().and_then(|s| s.replicas).unwrap_or(1)
    }

    pub(super) fn is_rolling(&self) -> bool {
        self.spec()
            .and_then(|s| s.strategy.as_ref())
            .and_then(|s| s.type_.as_deref())
            != Some("Recreate")
    }

    /// `ResolveFenceposts`: (maxSurge rounded up, maxUnavailable rounded down; both 0 → 1).
    pub(super) fn fenceposts(&self) -> (i32, i32) {
        let replicas = self.replicas();
        let rolling = self
            .spec()
            .and_then(|s| s.strategy.as_ref())
            .and_then(|s| s.rolling_update.as_ref());
        let surge = rolling
            .and_then(|r| r.max_surge.as_ref())
            .and_then(|v| scaled_value(v, replicas, true))
            .unwrap_or(0);
        let unavailable = rolling
            .and_then(|r| r.max_unavailable.as_ref())
            .and_then(|v| scaled_value(v, replicas, false))
            .unwrap_or(0);
        if surge == 0 && unavailable == 0 {
            (0, 1)
        } else {
            (surge, unavailable)
        }
    }

    pub(super) fn max_surge(&self) -> i32 {
        if self.is_rolling() {
            self.fenceposts().0
        } else {
            0
        }
    }

    pub(super) fn max_unavailable(&self) -> i32 {
        if !self.is_rolling() || self.replicas() == 0 {
            0
        } else {
            self.fenceposts().1.min(self.replicas())
        }
    }

    pub(super) fn key(&self) -> ObjectKey {
        ObjectKey::new(
            Kind::Deployment,
            self.deployment.metadata.namespace_str(),
            self.deployment.metadata.name_str(),
        )
    }

    pub(super) fn template(&self) -> PodTemplateSpec {
        self.spec().map(|s| s.template.clone()).unwrap_or_default()
    }

    pub(super) fn new_rs_index(&self) -> Option<usize> {
        let none = PodTemplateSpec::default();
        let template = self.spec().map_or(&none, |s| &s.template);
        self.replica_sets.iter().position(|rs| {
            rs.spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .is_some_and(|t| equal_ignoring_hash(t, template))
        })
    }

    pub(super) fn old_indexes(&self) -> Vec<usize> {
        let new = self.new_rs_index();
        (0..self.replica_sets.len())
            .filter(|i| Some(*i) != new)
            .collect()
    }

    pub(super) fn total_spec_replicas(&self) -> i32 {
        self.replica_sets.iter().map(|rs| spec_replicas(rs)).sum()
    }

    pub(super) fn event(&mut self, message: String) {
        let key = self.key();
        self.result.actions.push(Action::Event(event(
            key,
            EventType::Normal,
            "ScalingReplicaSet",
            message,
            COMPONENT,
        )));
    }

    pub(super) fn finish(mut self) -> Reconciliation {
        if self.annotations_changed {
            let mut updated = self.deployment.as_ref().clone();
            updated.status = None;
            self.result
                .actions
                .push(Action::Update(updated.into_object()));
        }
        self.result
            .update_status(self.deployment.as_ref(), self.status.clone());
        self.result
    }
}

pub fn spec_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
}

fn available_replicas(rs: &ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.available_replicas)
        .unwrap_or(0)
}

pub fn revision(rs: &ReplicaSet) -> i64 {
    rs.metadata
        .annotation(REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// `EqualIgnoreHash`: templates equal once the pod-template-hash label is removed, compared
/// as `apiequality.Semantic.DeepEqual` does (absent metadata or labels equal empty ones). A
/// Deployment sync compares its template with each of its ReplicaSets', at every wake, so
/// nothing is copied: the specs are compared whole and the metadata field by field.
pub fn equal_ignoring_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let empty = ObjectMeta::default();
    let (a_meta, b_meta) = (
        a.metadata.as_ref().unwrap_or(&empty),
        b.metadata.as_ref().unwrap_or(&empty),
    );
    a.spec == b.spec && meta_equal_ignoring_hash(a_meta, b_meta)
}

/// The labels but the pod-template-hash, in order.
fn labels_without_hash(
    labels: &Option<BTreeMap<String, String>>,
) -> impl Iterator<Item = (&String, &String)> {
    labels
        .iter()
        .flatten()
        .filter(|(key, _)| key.as_str() != POD_TEMPLATE_HASH)
}

fn meta_equal_ignoring_hash(a: &ObjectMeta, b: &ObjectMeta) -> bool {
    // Every field named: one added to ObjectMeta fails to build here instead of going
    // uncompared.
    let ObjectMeta {
        annotations,
        creation_timestamp,
        deletion_grace_period_seconds,
        deletion_timestamp,
        finalizers,
        generate_name,
        generation,
        labels,
        managed_fields,
        name,
        namespace,
        owner_references,
        resource_version,
        self_link,
        uid,
    } = a;
    labels_without_hash(labels).eq(labels_without_hash(&b.labels))
        && *annotations == b.annotations
        && *creation_timestamp == b.creation_timestamp
        && *deletion_grace_period_seconds == b.deletion_grace_period_seconds
        && *deletion_timestamp == b.deletion_timestamp
        && *finalizers == b.finalizers
        && *generate_name == b.generate_name
        && *generation == b.generation
        && *managed_fields == b.managed_fields
        && *name == b.name
        && *namespace == b.namespace
        && *owner_references == b.owner_references
        && *resource_version == b.resource_version
        && *self_link == b.self_link
        && *uid == b.uid
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{Container, PodSpec};

    use super::*;

    fn template(labels: &[(&str, &str)], image: &str) -> PodTemplateSpec {
        PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
                ..ObjectMeta::default()
            }),
            spec: Some(PodSpec {
                containers: vec![Container {
                    name: "web".into(),
                    image: Some(image.into()),
                    ..Container::default()
                }],
                ..PodSpec::default()
            }),
        }
    }

    #[test]
    fn templates_equal_but_for_the_hash_label_are_equal() {
        let deployment = template(&[("app", "web")], "nginx");
        let hashed = template(
            &[("app", "web"), (POD_TEMPLATE_HASH, "5f7b857bc4")],
            "nginx",
        );
        assert!(equal_ignoring_hash(&deployment, &hashed));
        assert!(equal_ignoring_hash(&hashed, &deployment));
        let other_label = template(
            &[("app", "api"), (POD_TEMPLATE_HASH, "5f7b857bc4")],
            "nginx",
        );
        assert!(!equal_ignoring_hash(&deployment, &other_label));
        let other_image = template(
            &[("app", "web"), (POD_TEMPLATE_HASH, "5f7b857bc4")],
            "httpd",
        );
        assert!(!equal_ignoring_hash(&deployment, &other_image));
        let mut annotated = hashed.clone();
        if let Some(meta) = annotated.metadata.as_mut() {
            meta.annotations_mut().insert("note".into(), "x".into());
        }
        assert!(!equal_ignoring_hash(&deployment, &annotated));
        // Absent metadata and labels are the empty ones, as Semantic.DeepEqual has it.
        let bare = PodTemplateSpec {
            metadata: None,
            spec: deployment.spec.clone(),
        };
        assert!(equal_ignoring_hash(
            &bare,
            &template(&[(POD_TEMPLATE_HASH, "1")], "nginx")
        ));
    }
}
