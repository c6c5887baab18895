//! Progress (`progress.go`): the Progressing and Available conditions, the progress deadline
//! and paused rollouts.

use k8s_openapi::api::apps::v1::DeploymentCondition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::object::MetaExt;

use super::Sync;

impl<'a> Sync<'a> {
    pub(super) fn check_paused_conditions(&mut self) {
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

    pub(super) fn has_progress_deadline(&self) -> bool {
        self.spec()
            .and_then(|s| s.progress_deadline_seconds)
            .is_some_and(|d| d != i32::MAX)
    }

    pub(super) fn condition(&self, condition_type: &str) -> Option<&DeploymentCondition> {
        self.status
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == condition_type)
    }

    /// `SetDeploymentCondition`: same status and reason → untouched; same status → keep the
    /// transition time; otherwise a fresh condition.
    pub(super) fn set_condition(
        &mut self,
        condition_type: &str,
        status: &str,
        reason: &str,
        message: String,
    ) {
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

    pub(super) fn is_complete(&mut self) -> bool {
        self.compute_status();
        let replicas = self.replicas();
        self.status.updated_replicas == Some(replicas)
            && self.status.replicas == Some(replicas)
            && self.status.available_replicas == Some(replicas)
            && self.status.observed_generation >= self.deployment.metadata.generation
    }

    /// `syncRolloutStatus`: recompute status and the Progressing condition.
    pub(super) fn sync_rollout_status(&mut self) {
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

    pub(super) fn force_progressing(&mut self, message: String) {
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
}
