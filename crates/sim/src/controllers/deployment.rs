//! The Deployment controller (`pkg/controller/deployment`): new/old ReplicaSets by template,
//! RollingUpdate and Recreate, proportional scaling, pause, revision annotations, history
//! cleanup, and the Progressing/Available conditions with the progress deadline.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet, ReplicaSetSpec,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kubeplay_model::intstr::scaled_value;
use kubeplay_model::keys::{
    DEPLOYMENT_ANNOTATIONS_TO_SKIP, DESIRED_REPLICAS, MAX_REPLICAS, POD_TEMPLATE_HASH, REVISION,
    REVISION_HISTORY,
};
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::{
    Action, Context, Reconciliation, controller_ref, event, is_controlled_by, template_hash,
};
use super::{Controller, Reconcile};
use crate::api::{DeleteOptions, EventType};

const COMPONENT: &str = "deployment-controller";

/// Deployments, through the ReplicaSets they own.
pub static CONTROLLER: Controller = Controller {
    name: "deployment",
    reconciles: Some(Kind::Deployment),
    owns: &[Kind::ReplicaSet],
    watches: super::declaration::nothing_else,
    reconcile: Reconcile::Stateless(reconcile),
};

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let Some(deployment) = ctx.store.get_typed::<Deployment>(&key.namespace, &key.name) else {
        return Reconciliation::default();
    };
    let mut sync = Sync::new(deployment.clone(), ctx);
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

/// One sync of one Deployment: local copies of its ReplicaSets that the steps update,
/// and the actions that record those updates.
struct Sync<'a> {
    ctx: &'a Context<'a>,
    deployment: Deployment,
    object: Object,
    replica_sets: Vec<ReplicaSet>,
    status: DeploymentStatus,
    annotations_changed: bool,
    result: Reconciliation,
}

impl<'a> Sync<'a> {
    fn new(deployment: Deployment, ctx: &'a Context<'a>) -> Sync<'a> {
        let status = deployment.status.clone().unwrap_or_default();
        let object = deployment.clone().into_object();
        Sync {
            ctx,
            deployment,
            object,
            replica_sets: Vec::new(),
            status,
            annotations_changed: false,
            result: Reconciliation::default(),
        }
    }

    fn spec(&self) -> Option<&k8s_openapi::api::apps::v1::DeploymentSpec> {
        self.deployment.spec.as_ref()
    }

    fn replicas(&self) -> i32 {
        self.spec().and_then(|s| s.replicas).unwrap_or(1)
    }

    fn is_rolling(&self) -> bool {
        self.spec()
            .and_then(|s| s.strategy.as_ref())
            .and_then(|s| s.type_.as_deref())
            != Some("Recreate")
    }

    /// `ResolveFenceposts`: (maxSurge rounded up, maxUnavailable rounded down; both 0 → 1).
    fn fenceposts(&self) -> (i32, i32) {
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

    fn max_surge(&self) -> i32 {
        if self.is_rolling() {
            self.fenceposts().0
        } else {
            0
        }
    }

    fn max_unavailable(&self) -> i32 {
        if !self.is_rolling() || self.replicas() == 0 {
            0
        } else {
            self.fenceposts().1.min(self.replicas())
        }
    }

    fn key(&self) -> ObjectKey {
        ObjectKey::new(
            Kind::Deployment,
            self.deployment.metadata.namespace_str(),
            self.deployment.metadata.name_str(),
        )
    }

    fn claim_replica_sets(&mut self, selector: &Selector) {
        let uid = self.deployment.metadata.uid_str().to_string();
        let deleting = self.deployment.metadata.is_deleting();
        for rs in self
            .ctx
            .store
            .list_typed::<ReplicaSet>(Some(self.deployment.metadata.namespace_str()))
        {
            let matches = selector.matches(rs.metadata.labels.as_ref());
            if is_controlled_by(&rs.metadata, &uid) {
                if matches || deleting {
                    self.replica_sets.push(rs.clone());
                } else {
                    let mut released = rs.clone();
                    if let Some(owners) = released.metadata.owner_references.as_mut() {
                        owners.retain(|o| o.uid != uid);
                    }
                    self.result
                        .actions
                        .push(Action::Update(released.into_object()));
                }
            } else if rs.metadata.controller_ref().is_none()
                && matches
                && !deleting
                && !rs.metadata.is_deleting()
            {
                let mut adopted = rs.clone();
                adopted
                    .metadata
                    .owner_references
                    .get_or_insert_with(Vec::new)
                    .push(controller_ref(&self.object));
                self.result
                    .actions
                    .push(Action::Update(adopted.clone().into_object()));
                self.replica_sets.push(adopted);
            }
        }
        // Oldest first, as controller.ReplicaSetsByCreationTimestamp sorts.
        self.replica_sets.sort_by(|a, b| {
            a.metadata
                .creation_timestamp
                .cmp(&b.metadata.creation_timestamp)
                .then_with(|| a.metadata.name.cmp(&b.metadata.name))
        });
    }

    fn template(&self) -> PodTemplateSpec {
        self.spec().map(|s| s.template.clone()).unwrap_or_default()
    }

    fn new_rs_index(&self) -> Option<usize> {
        let template = self.template();
        self.replica_sets.iter().position(|rs| {
            rs.spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .is_some_and(|t| equal_ignoring_hash(t, &template))
        })
    }

    fn old_indexes(&self) -> Vec<usize> {
        let new = self.new_rs_index();
        (0..self.replica_sets.len())
            .filter(|i| Some(*i) != new)
            .collect()
    }

    fn max_old_revision(&self) -> i64 {
        self.old_indexes()
            .iter()
            .map(|i| revision(&self.replica_sets[*i]))
            .max()
            .unwrap_or(0)
    }

    fn total_spec_replicas(&self) -> i32 {
        self.replica_sets.iter().map(spec_replicas).sum()
    }

    /// `getNewReplicaSet`: refresh the existing new RS's annotations, or create it.
    fn ensure_new_replica_set(&mut self, create: bool) -> Option<usize> {
        let new_revision = self.max_old_revision() + 1;
        if let Some(index) = self.new_rs_index() {
            let mut rs = self.replica_sets[index].clone();
            let mut changed = self.copy_deployment_annotations(&mut rs.metadata);
            let current_revision = revision(&rs);
            if current_revision < new_revision {
                let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
                if current_revision > 0 {
                    let history = annotations
                        .get(REVISION_HISTORY)
                        .map_or(current_revision.to_string(), |h| {
                            format!("{h},{current_revision}")
                        });
                    annotations.insert(REVISION_HISTORY.into(), history);
                }
                annotations.insert(REVISION.into(), new_revision.to_string());
                changed = true;
            }
            let min_ready = self.spec().and_then(|s| s.min_ready_seconds);
            if let Some(spec) = rs.spec.as_mut()
                && spec.min_ready_seconds != min_ready
            {
                spec.min_ready_seconds = min_ready;
                changed = true;
            }
            if changed {
                self.result
                    .actions
                    .push(Action::Update(rs.clone().into_object()));
                self.replica_sets[index] = rs;
            }
            self.set_deployment_revision(revision(&self.replica_sets[index]));
            if self.condition("Progressing").is_none() && self.has_progress_deadline() {
                let message = format!(
                    "Found new replica set {:?}",
                    self.replica_sets[index].metadata.name_str()
                );
                self.set_condition("Progressing", "True", "FoundNewReplicaSet", message);
            }
            return Some(index);
        }
        if !create {
            return None;
        }
        let collision_count = self.status.collision_count;
        let mut template = self.template();
        let hash = template_hash(&template, collision_count);
        let name = format!("{}-{}", self.deployment.metadata.name_str(), hash);
        let namespace = self.deployment.metadata.namespace_str().to_string();
        if let Some(existing) = self.ctx.store.get_typed::<ReplicaSet>(&namespace, &name) {
            // A hash collision: count it and try again with the next hash.
            let ours = is_controlled_by(&existing.metadata, self.deployment.metadata.uid_str());
            if !ours {
                self.status.collision_count = Some(collision_count.unwrap_or(0) + 1);
                self.result.requeue_within(0);
            }
            return None;
        }
        template
            .metadata
            .get_or_insert_with(ObjectMeta::default)
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(POD_TEMPLATE_HASH.into(), hash.clone());
        let mut selector = self.spec().map(|s| s.selector.clone()).unwrap_or_default();
        selector
            .match_labels
            .get_or_insert_with(BTreeMap::new)
            .insert(POD_TEMPLATE_HASH.into(), hash.clone());
        let mut metadata = ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(namespace),
            labels: template.metadata.as_ref().and_then(|m| m.labels.clone()),
            owner_references: Some(vec![controller_ref(&self.object)]),
            ..ObjectMeta::default()
        };
        self.copy_deployment_annotations(&mut metadata);
        metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(REVISION.into(), new_revision.to_string());
        let mut rs = ReplicaSet {
            metadata,
            spec: Some(ReplicaSetSpec {
                replicas: Some(0),
                min_ready_seconds: self.spec().and_then(|s| s.min_ready_seconds),
                selector,
                template: Some(template),
            }),
            status: None,
        };
        let replicas = self.new_rs_new_replicas(&rs);
        if let Some(spec) = rs.spec.as_mut() {
            spec.replicas = Some(replicas);
        }
        self.set_replica_annotations(&mut rs);
        self.result.actions.push(Action::Create {
            object: rs.clone().into_object(),
            event: None,
        });
        if replicas > 0 {
            self.event(format!("Scaled up replica set {name} from 0 to {replicas}"));
        }
        self.set_deployment_revision(new_revision);
        if self.has_progress_deadline() {
            self.set_condition(
                "Progressing",
                "True",
                "NewReplicaSetCreated",
                format!("Created new replica set {name:?}"),
            );
        }
        self.replica_sets.push(rs);
        Some(self.replica_sets.len() - 1)
    }

    fn copy_deployment_annotations(&self, metadata: &mut ObjectMeta) -> bool {
        let mut changed = false;
        let annotations = metadata.annotations.get_or_insert_with(BTreeMap::new);
        for (key, value) in self.deployment.metadata.annotations.iter().flatten() {
            if DEPLOYMENT_ANNOTATIONS_TO_SKIP.contains(&key.as_str()) {
                continue;
            }
            if annotations.get(key) != Some(value) {
                annotations.insert(key.clone(), value.clone());
                changed = true;
            }
        }
        changed
    }

    fn set_deployment_revision(&mut self, revision: i64) {
        let annotations = self
            .deployment
            .metadata
            .annotations
            .get_or_insert_with(BTreeMap::new);
        if annotations.get(REVISION).map(String::as_str) != Some(revision.to_string().as_str()) {
            annotations.insert(REVISION.into(), revision.to_string());
            self.annotations_changed = true;
        }
    }

    /// `NewRSNewReplicas`.
    fn new_rs_new_replicas(&self, new_rs: &ReplicaSet) -> i32 {
        if !self.is_rolling() {
            return self.replicas();
        }
        let current = self.total_spec_replicas();
        let max_total = self.replicas() + self.max_surge();
        let new_replicas = spec_replicas(new_rs);
        if current >= max_total {
            return new_replicas;
        }
        new_replicas
            + (max_total - current)
                .min(self.replicas() - new_replicas)
                .max(0)
    }

    fn set_replica_annotations(&self, rs: &mut ReplicaSet) -> bool {
        let desired = self.replicas().to_string();
        let max = (self.replicas() + self.max_surge()).to_string();
        let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
        let changed = annotations.get(DESIRED_REPLICAS) != Some(&desired)
            || annotations.get(MAX_REPLICAS) != Some(&max);
        annotations.insert(DESIRED_REPLICAS.into(), desired);
        annotations.insert(MAX_REPLICAS.into(), max);
        changed
    }

    /// `scaleReplicaSet`: writes the new size (and fresh annotations) and records the event.
    fn scale(&mut self, index: usize, new_size: i32) -> bool {
        let mut rs = self.replica_sets[index].clone();
        let old_size = spec_replicas(&rs);
        let annotations_changed = self.set_replica_annotations(&mut rs);
        if old_size == new_size && !annotations_changed {
            return false;
        }
        if let Some(spec) = rs.spec.as_mut() {
            spec.replicas = Some(new_size);
        }
        self.result
            .actions
            .push(Action::Update(rs.clone().into_object()));
        if old_size != new_size {
            let direction = if new_size > old_size { "up" } else { "down" };
            self.event(format!(
                "Scaled {direction} replica set {} from {old_size} to {new_size}",
                rs.metadata.name_str()
            ));
        }
        self.replica_sets[index] = rs;
        old_size != new_size
    }

    fn event(&mut self, message: String) {
        let key = self.key();
        self.result.actions.push(Action::Event(event(
            key,
            EventType::Normal,
            "ScalingReplicaSet",
            message,
            COMPONENT,
        )));
    }

    fn is_scaling_event(&self) -> bool {
        let replicas = self.replicas().to_string();
        self.replica_sets
            .iter()
            .filter(|rs| spec_replicas(rs) > 0)
            .any(|rs| {
                rs.metadata
                    .annotation(DESIRED_REPLICAS)
                    .is_some_and(|desired| desired != replicas)
            })
    }

    fn rollout_rolling(&mut self) {
        let Some(new_index) = self.ensure_new_replica_set(true) else {
            self.compute_status();
            return;
        };
        if self.reconcile_new_replica_set(new_index) || self.reconcile_old_replica_sets(new_index) {
            self.sync_rollout_status();
            return;
        }
        if self.is_complete() {
            self.cleanup_history();
        }
        self.sync_rollout_status();
    }

    fn reconcile_new_replica_set(&mut self, new_index: usize) -> bool {
        let replicas = self.replicas();
        let current = spec_replicas(&self.replica_sets[new_index]);
        if current == replicas {
            return false;
        }
        if current > replicas {
            return self.scale(new_index, replicas);
        }
        let target = self.new_rs_new_replicas(&self.replica_sets[new_index].clone());
        self.scale(new_index, target)
    }

    fn reconcile_old_replica_sets(&mut self, new_index: usize) -> bool {
        let old: Vec<usize> = self
            .old_indexes()
            .into_iter()
            .filter(|i| spec_replicas(&self.replica_sets[*i]) > 0)
            .collect();
        let old_count: i32 = old
            .iter()
            .map(|i| spec_replicas(&self.replica_sets[*i]))
            .sum();
        if old_count == 0 {
            return false;
        }
        let all_count = self.total_spec_replicas();
        let min_available = self.replicas() - self.max_unavailable();
        let new_rs = &self.replica_sets[new_index];
        let new_unavailable = spec_replicas(new_rs) - available_replicas(new_rs);
        let max_scaled_down = all_count - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        // First remove old pods that are not available anyway.
        let mut cleaned = 0;
        let mut scaled = false;
        for index in &old {
            if cleaned >= max_scaled_down {
                break;
            }
            let rs = &self.replica_sets[*index];
            let (spec, available) = (spec_replicas(rs), available_replicas(rs));
            if spec <= available {
                continue;
            }
            let down = (max_scaled_down - cleaned).min(spec - available);
            cleaned += down;
            scaled |= self.scale(*index, spec - down);
        }
        // Then scale down while keeping the minimum available.
        let available: i32 = self.replica_sets.iter().map(available_replicas).sum();
        if available > min_available {
            let mut budget = available - min_available;
            for index in &old {
                if budget <= 0 {
                    break;
                }
                let spec = spec_replicas(&self.replica_sets[*index]);
                if spec == 0 {
                    continue;
                }
                let down = spec.min(budget);
                budget -= down;
                scaled |= self.scale(*index, spec - down);
            }
        }
        scaled
    }

    fn rollout_recreate(&mut self) {
        let mut new_index = self.ensure_new_replica_set(false);
        let mut scaled_down = false;
        for index in self.old_indexes() {
            if spec_replicas(&self.replica_sets[index]) > 0 {
                scaled_down |= self.scale(index, 0);
            }
        }
        if scaled_down || self.old_pods_running(new_index) {
            self.sync_rollout_status();
            return;
        }
        if new_index.is_none() {
            new_index = self.ensure_new_replica_set(true);
        }
        if let Some(index) = new_index {
            let replicas = self.replicas();
            self.scale(index, replicas);
        }
        if self.is_complete() {
            self.cleanup_history();
        }
        self.sync_rollout_status();
    }

    fn old_pods_running(&self, new_index: Option<usize>) -> bool {
        self.replica_sets
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != new_index)
            .any(|(_, rs)| {
                rs.status.as_ref().is_some_and(|s| s.replicas > 0)
                    || self
                        .ctx
                        .store
                        .dependents_of(rs.metadata.uid_str())
                        .any(|o| match o {
                            Object::Pod(pod) => {
                                matches!(
                                    kubeplay_model::pod::phase(pod),
                                    "Pending" | "Running" | "Unknown"
                                )
                            }
                            _ => false,
                        })
            })
    }

    /// The scaling/paused path (`sync` + `scale`): proportional scaling, no rollout.
    fn scale_only(&mut self, paused: bool) {
        let new_index = self.ensure_new_replica_set(false);
        self.proportional_scale(new_index);
        if paused {
            self.cleanup_history();
        }
        self.compute_status();
    }

    fn proportional_scale(&mut self, new_index: Option<usize>) {
        let replicas = self.replicas();
        let active: Vec<usize> = (0..self.replica_sets.len())
            .filter(|i| spec_replicas(&self.replica_sets[*i]) > 0)
            .collect();
        // One active (or none): it alone takes the whole size.
        if active.len() <= 1 {
            let target = active
                .first()
                .copied()
                .or(new_index)
                .or_else(|| self.old_indexes().last().copied());
            if let Some(index) = target {
                self.scale(index, replicas);
            }
            return;
        }
        if let Some(index) = new_index {
            let rs = &self.replica_sets[index];
            let saturated = spec_replicas(rs) == replicas
                && rs.metadata.annotation(DESIRED_REPLICAS) == Some(replicas.to_string().as_str())
                && available_replicas(rs) == replicas;
            if saturated {
                for old in self.old_indexes() {
                    if spec_replicas(&self.replica_sets[old]) > 0 {
                        self.scale(old, 0);
                    }
                }
                return;
            }
        }
        if !self.is_rolling() {
            return;
        }
        let allowed = if replicas > 0 {
            replicas + self.max_surge()
        } else {
            0
        };
        let current: i32 = active
            .iter()
            .map(|i| spec_replicas(&self.replica_sets[*i]))
            .sum();
        let to_add = allowed - current;
        let mut order = active.clone();
        order.sort_by(|a, b| {
            let (ra, rb) = (&self.replica_sets[*a], &self.replica_sets[*b]);
            let by_size = spec_replicas(rb).cmp(&spec_replicas(ra));
            let by_age = ra
                .metadata
                .creation_timestamp
                .cmp(&rb.metadata.creation_timestamp);
            by_size.then(if to_add > 0 { by_age.reverse() } else { by_age })
        });
        let deployment_replicas = self.status.replicas.unwrap_or(0);
        let mut added = 0;
        let mut targets: Vec<(usize, i32)> = Vec::new();
        for index in &order {
            let rs = &self.replica_sets[*index];
            let size = spec_replicas(rs);
            let proportion = if to_add == 0 || size == 0 {
                0
            } else {
                let max = rs
                    .metadata
                    .annotation(MAX_REPLICAS)
                    .and_then(|m| m.parse::<i32>().ok())
                    .unwrap_or(deployment_replicas);
                let fraction = if replicas == 0 || max == 0 {
                    -size
                } else {
                    (f64::from(size) * f64::from(allowed) / f64::from(max)).round() as i32 - size
                };
                if to_add > 0 {
                    fraction.min(to_add - added)
                } else {
                    fraction.max(to_add - added)
                }
            };
            added += proportion;
            targets.push((*index, size + proportion));
        }
        if let Some(first) = targets.first_mut() {
            first.1 += to_add - added;
        }
        for (index, size) in targets {
            self.scale(index, size.max(0));
        }
    }

    fn cleanup_history(&mut self) {
        let Some(limit) = self.spec().and_then(|s| s.revision_history_limit) else {
            return;
        };
        let new_index = self.new_rs_index();
        let mut old: Vec<&ReplicaSet> = self
            .replica_sets
            .iter()
            .enumerate()
            .filter(|(i, rs)| Some(*i) != new_index && !rs.metadata.is_deleting())
            .map(|(_, rs)| rs)
            .collect();
        let excess = old.len() as i64 - i64::from(limit);
        if excess <= 0 {
            return;
        }
        old.sort_by_key(|rs| revision(rs));
        let mut deletions = Vec::new();
        for rs in old.into_iter().take(excess as usize) {
            let settled = rs
                .status
                .as_ref()
                .is_none_or(|s| s.replicas == 0 && s.observed_generation >= rs.metadata.generation);
            if spec_replicas(rs) == 0 && settled {
                deletions.push(ObjectKey::new(
                    Kind::ReplicaSet,
                    rs.metadata.namespace_str(),
                    rs.metadata.name_str(),
                ));
            }
        }
        for key in deletions {
            self.result.actions.push(Action::Delete {
                key,
                options: DeleteOptions::default(),
                event: None,
            });
        }
    }

    fn check_paused_conditions(&mut self) {
        if !self.has_progress_deadline() {
            return;
        }
        let reason = self.condition("Progressing").and_then(|c| c.reason.clone());
        if reason.as_deref() == Some("ProgressDeadlineExceeded") {
            return;
        }
        let paused = self.spec().and_then(|s| s.paused).unwrap_or(false);
        let paused_condition = reason.as_deref() == Some("DeploymentPaused");
        if paused && !paused_condition {
            self.set_condition(
                "Progressing",
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused".into(),
            );
        } else if !paused && paused_condition {
            self.set_condition(
                "Progressing",
                "Unknown",
                "DeploymentResumed",
                "Deployment is resumed".into(),
            );
        }
    }

    fn has_progress_deadline(&self) -> bool {
        self.spec()
            .and_then(|s| s.progress_deadline_seconds)
            .is_some_and(|d| d != i32::MAX)
    }

    fn condition(&self, condition_type: &str) -> Option<&DeploymentCondition> {
        self.status
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == condition_type)
    }

    /// `SetDeploymentCondition`: same status and reason → untouched; same status → keep the
    /// transition time; otherwise a fresh condition.
    fn set_condition(&mut self, condition_type: &str, status: &str, reason: &str, message: String) {
        let now = Time(
            jiff::Timestamp::from_second(self.ctx.clock.now().as_second())
                .unwrap_or(self.ctx.clock.now()),
        );
        let conditions = self.status.conditions.get_or_insert_with(Vec::new);
        let existing = conditions.iter().position(|c| c.type_ == condition_type);
        if let Some(index) = existing {
            let current = &conditions[index];
            if current.status == status && current.reason.as_deref() == Some(reason) {
                return;
            }
        }
        let transition = existing
            .map(|i| &conditions[i])
            .filter(|c| c.status == status)
            .and_then(|c| c.last_transition_time.clone())
            .unwrap_or_else(|| now.clone());
        let condition = DeploymentCondition {
            type_: condition_type.into(),
            status: status.into(),
            reason: Some(reason.into()),
            message: Some(message),
            last_update_time: Some(now),
            last_transition_time: Some(transition),
        };
        match existing {
            Some(index) => conditions[index] = condition,
            None => conditions.push(condition),
        }
    }

    fn compute_status(&mut self) {
        let new_index = self.new_rs_index();
        let sum = |f: fn(&ReplicaSet) -> i32| self.replica_sets.iter().map(f).sum::<i32>();
        let replicas = sum(|rs| rs.status.as_ref().map_or(0, |s| s.replicas));
        let ready = sum(|rs| {
            rs.status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0)
        });
        let available = sum(available_replicas);
        let updated = new_index.map_or(0, |i| {
            self.replica_sets[i]
                .status
                .as_ref()
                .map_or(0, |s| s.replicas)
        });
        let unavailable = (self.total_spec_replicas() - available).max(0);
        self.status.replicas = Some(replicas);
        self.status.updated_replicas = Some(updated);
        self.status.ready_replicas = Some(ready);
        self.status.available_replicas = Some(available);
        self.status.unavailable_replicas = Some(unavailable);
        self.status.observed_generation = self.deployment.metadata.generation;
        let minimum = self.replicas() - self.max_unavailable();
        if available >= minimum {
            self.set_condition(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
            );
        } else {
            self.set_condition(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
            );
        }
        // Keep Available before Progressing, as the controller orders them.
        if let Some(conditions) = self.status.conditions.as_mut() {
            conditions.sort_by_key(|c| if c.type_ == "Available" { 0 } else { 1 });
        }
    }

    fn is_complete(&mut self) -> bool {
        self.compute_status();
        let replicas = self.replicas();
        self.status.updated_replicas == Some(replicas)
            && self.status.replicas == Some(replicas)
            && self.status.available_replicas == Some(replicas)
            && self.status.observed_generation >= self.deployment.metadata.generation
    }

    /// `syncRolloutStatus`: recompute status and the Progressing condition.
    fn sync_rollout_status(&mut self) {
        let previous = self.deployment.status.clone().unwrap_or_default();
        let complete = self.is_complete();
        if !self.has_progress_deadline() {
            return;
        }
        let current_reason = self.condition("Progressing").and_then(|c| c.reason.clone());
        if self.status.replicas == self.status.updated_replicas
            && current_reason.as_deref() == Some("NewReplicaSetAvailable")
        {
            return;
        }
        let new_name = self
            .new_rs_index()
            .map(|i| self.replica_sets[i].metadata.name_str().to_string())
            .unwrap_or_default();
        let progressed = self.status.updated_replicas > previous.updated_replicas
            || self.status.replicas.unwrap_or(0) - self.status.updated_replicas.unwrap_or(0)
                < previous.replicas.unwrap_or(0) - previous.updated_replicas.unwrap_or(0)
            || self.status.ready_replicas > previous.ready_replicas
            || self.status.available_replicas > previous.available_replicas;
        if complete {
            self.set_condition(
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                format!("ReplicaSet {new_name:?} has successfully progressed."),
            );
        } else if progressed {
            // Always rewritten so that lastUpdateTime restarts the deadline.
            self.force_progressing(format!("ReplicaSet {new_name:?} is progressing."));
        } else if current_reason.as_deref() != Some("ProgressDeadlineExceeded") {
            let deadline = i64::from(
                self.spec()
                    .and_then(|s| s.progress_deadline_seconds)
                    .unwrap_or(600),
            );
            let last_update = self
                .condition("Progressing")
                .and_then(|c| c.last_update_time.as_ref())
                .map(|t| t.0.as_second());
            if let Some(last_update) = last_update {
                let remaining = last_update + deadline - self.ctx.clock.now().as_second();
                if remaining < 0 {
                    self.set_condition(
                        "Progressing",
                        "False",
                        "ProgressDeadlineExceeded",
                        format!("ReplicaSet {new_name:?} has timed out progressing."),
                    );
                } else {
                    self.result
                        .requeue_within((u64::try_from(remaining).unwrap_or(0) + 1) * 1000);
                }
            }
        }
    }

    fn force_progressing(&mut self, message: String) {
        let now = Time(
            jiff::Timestamp::from_second(self.ctx.clock.now().as_second())
                .unwrap_or(self.ctx.clock.now()),
        );
        let transition = self
            .condition("Progressing")
            .filter(|c| c.status == "True")
            .and_then(|c| c.last_transition_time.clone());
        let conditions = self.status.conditions.get_or_insert_with(Vec::new);
        conditions.retain(|c| c.type_ != "Progressing");
        conditions.push(DeploymentCondition {
            type_: "Progressing".into(),
            status: "True".into(),
            reason: Some("ReplicaSetUpdated".into()),
            message: Some(message),
            last_update_time: Some(now.clone()),
            last_transition_time: Some(transition.unwrap_or(now)),
        });
        let deadline = u64::try_from(
            self.spec()
                .and_then(|s| s.progress_deadline_seconds)
                .unwrap_or(600),
        )
        .unwrap_or(600);
        self.result.requeue_within((deadline + 1) * 1000);
    }

    fn finish(mut self) -> Reconciliation {
        if self.annotations_changed {
            let mut updated = self.deployment.clone();
            updated.status = None;
            self.result
                .actions
                .push(Action::Update(updated.into_object()));
        }
        if self.deployment.status.as_ref() != Some(&self.status) {
            let mut updated = self.deployment.clone();
            updated.status = Some(self.status.clone());
            self.result
                .actions
                .push(Action::UpdateStatus(updated.into_object()));
        }
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

/// `EqualIgnoreHash`: templates equal once the pod-template-hash label is removed.
pub fn equal_ignoring_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let strip = |template: &PodTemplateSpec| {
        let mut copy = template.clone();
        if let Some(labels) = copy.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
            labels.remove(POD_TEMPLATE_HASH);
        }
        copy
    };
    strip(a) == strip(b)
}
