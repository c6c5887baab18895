//! What every sync of a Deployment does (`sync.go`): claiming its ReplicaSets, finding or
//! creating the new one with its revision and annotations, scaling (proportionally while paused
//! or resized mid-rollout), cleaning up old history, and computing the status.

use std::borrow::Cow;
use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::keys::{
    DEPLOYMENT_ANNOTATIONS_TO_SKIP, DESIRED_REPLICAS, MAX_REPLICAS, POD_TEMPLATE_HASH, REVISION,
    REVISION_HISTORY,
};
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, ObjectKey, Typed};

use crate::controllers::claim::claim_owned;
use crate::controllers::{Action, controller_ref, is_controlled_by, template_hash};

use crate::api::DeleteOptions;

use super::{Sync, available_replicas, revision, spec_replicas};

impl<'a> Sync<'a> {
    /// `getReplicaSetsForDeployment`: every ReplicaSet of the namespace, claimed
    /// (`ClaimReplicaSets`: adopted when an orphan matches, released when ours stops matching).
    pub(super) fn claim_replica_sets(&mut self, selector: &Selector) {
        let candidates = self
            .ctx
            .store
            .list_typed::<ReplicaSet>(Some(self.deployment.metadata.namespace_str()));
        let matches = |rs: &ReplicaSet| selector.matches(rs.metadata.labels.as_ref());
        self.replica_sets =
            claim_owned(self.object, candidates, matches, self.ctx, &mut self.result);
        // Oldest first, as controller.ReplicaSetsByCreationTimestamp sorts.
        self.replica_sets.sort_by(|a, b| {
            a.metadata
                .creation_timestamp
                .cmp(&b.metadata.creation_timestamp)
                .then_with(|| a.metadata.name.cmp(&b.metadata.name))
        });
    }

    pub(super) fn max_old_revision(&self) -> i64 {
        self.old_indexes()
            .iter()
            .map(|i| revision(&self.replica_sets[*i]))
            .max()
            .unwrap_or(0)
    }

    /// `getNewReplicaSet`: refresh the existing new RS's annotations, or create it.
    pub(super) fn ensure_new_replica_set(&mut self, create: bool) -> Option<usize> {
        let new_revision = self.max_old_revision() + 1;
        if let Some(index) = self.new_rs_index() {
            if !self.new_replica_set_is_current(&self.replica_sets[index], new_revision) {
                self.update_new_replica_set(index, new_revision);
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
        self.create_new_replica_set(new_revision)
    }

    /// Whether the existing new ReplicaSet already carries what `getNewReplicaSet` copies to
    /// it: the Deployment's annotations, the new revision, `minReadySeconds`. Most syncs find
    /// it so, and then copy nothing.
    fn new_replica_set_is_current(&self, rs: &ReplicaSet, new_revision: i64) -> bool {
        let annotations_copied = self
            .annotations_to_copy()
            .all(|(key, value)| rs.metadata.annotation(key) == Some(value.as_str()));
        let min_ready = self.spec().and_then(|s| s.min_ready_seconds);
        annotations_copied
            && revision(rs) >= new_revision
            && rs
                .spec
                .as_ref()
                .is_none_or(|spec| spec.min_ready_seconds == min_ready)
    }

    /// `getNewReplicaSet`'s update of an existing new ReplicaSet that is not current.
    fn update_new_replica_set(&mut self, index: usize, new_revision: i64) {
        let mut rs = self.replica_sets[index].as_ref().clone();
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
            self.replica_sets[index] = Cow::Owned(rs);
        }
    }

    /// `getNewReplicaSet`'s create: the Deployment's template with its hash, named for it.
    fn create_new_replica_set(&mut self, new_revision: i64) -> Option<usize> {
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
            owner_references: Some(vec![controller_ref(self.object)]),
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
        self.replica_sets.push(Cow::Owned(rs));
        Some(self.replica_sets.len() - 1)
    }

    /// The Deployment's annotations its ReplicaSets carry too
    /// (`copyDeploymentAnnotationsToReplicaSet` skips the rest).
    fn annotations_to_copy(&self) -> impl Iterator<Item = (&String, &String)> {
        self.deployment
            .metadata
            .annotations
            .iter()
            .flatten()
            .filter(|(key, _)| !DEPLOYMENT_ANNOTATIONS_TO_SKIP.contains(&key.as_str()))
    }

    pub(super) fn copy_deployment_annotations(&self, metadata: &mut ObjectMeta) -> bool {
        let mut changed = false;
        let annotations = metadata.annotations.get_or_insert_with(BTreeMap::new);
        for (key, value) in self.annotations_to_copy() {
            if annotations.get(key) != Some(value) {
                annotations.insert(key.clone(), value.clone());
                changed = true;
            }
        }
        changed
    }

    pub(super) fn set_deployment_revision(&mut self, revision: i64) {
        let revision = revision.to_string();
        let current = self.deployment.metadata.annotation(REVISION);
        if current != Some(revision.as_str()) {
            self.deployment
                .to_mut()
                .metadata
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert(REVISION.into(), revision);
            self.annotations_changed = true;
        }
    }

    /// `NewRSNewReplicas`.
    pub(super) fn new_rs_new_replicas(&self, new_rs: &ReplicaSet) -> i32 {
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

    /// The desired- and max-replicas annotations a ReplicaSet of this Deployment carries.
    fn replica_annotations(&self) -> (String, String) {
        let desired = self.replicas().to_string();
        let max = (self.replicas() + self.max_surge()).to_string();
        (desired, max)
    }

    fn set_replica_annotations(&self, rs: &mut ReplicaSet) {
        let (desired, max) = self.replica_annotations();
        let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
        annotations.insert(DESIRED_REPLICAS.into(), desired);
        annotations.insert(MAX_REPLICAS.into(), max);
    }

    /// `scaleReplicaSet`: writes the new size (and fresh annotations) and records the event.
    pub(super) fn scale(&mut self, index: usize, new_size: i32) -> bool {
        let old_size = spec_replicas(&self.replica_sets[index]);
        let (desired, max) = self.replica_annotations();
        let annotated = |rs: &ReplicaSet| {
            rs.metadata.annotation(DESIRED_REPLICAS) == Some(desired.as_str())
                && rs.metadata.annotation(MAX_REPLICAS) == Some(max.as_str())
        };
        // Most syncs ask for the size it has: nothing to write, nothing to copy.
        if old_size == new_size && annotated(&self.replica_sets[index]) {
            return false;
        }
        let mut rs = self.replica_sets[index].as_ref().clone();
        self.set_replica_annotations(&mut rs);
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
        self.replica_sets[index] = Cow::Owned(rs);
        old_size != new_size
    }

    pub(super) fn is_scaling_event(&self) -> bool {
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

    /// The scaling/paused path (`sync` + `scale`): proportional scaling, no rollout.
    pub(super) fn scale_only(&mut self, paused: bool) {
        let new_index = self.ensure_new_replica_set(false);
        self.proportional_scale(new_index);
        if paused {
            self.cleanup_history();
        }
        self.compute_status();
    }

    pub(super) fn proportional_scale(&mut self, new_index: Option<usize>) {
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

    pub(super) fn cleanup_history(&mut self) {
        let Some(limit) = self.spec().and_then(|s| s.revision_history_limit) else {
            return;
        };
        let new_index = self.new_rs_index();
        let mut old: Vec<&ReplicaSet> = self
            .replica_sets
            .iter()
            .enumerate()
            .filter(|(i, rs)| Some(*i) != new_index && !rs.metadata.is_deleting())
            .map(|(_, rs)| rs.as_ref())
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

    pub(super) fn compute_status(&mut self) {
        let new_index = self.new_rs_index();
        let sum = |f: fn(&ReplicaSet) -> i32| self.replica_sets.iter().map(|rs| f(rs)).sum::<i32>();
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
}
