//! The Job controller (`pkg/controller/job`): runs pods until `completions` succeed with at
//! most `parallelism` active, retries failures with exponential back-off up to `backoffLimit`
//! (or `backoffLimitPerIndex` for each index of an Indexed Job), applies `podFailurePolicy`,
//! enforces `activeDeadlineSeconds`, honours `suspend`, writes the v1.33 conditions
//! (SuccessCriteriaMet/Complete; FailureTarget, then Failed once no pod is terminating) and
//! events, and deletes finished Jobs after `ttlSecondsAfterFinished`.
//!
//! Counts are recomputed from the pods in the store (pods carry no job-tracking finalizer
//! here); `status.failed` never decreases, as pods counted once stay counted.

mod backoff;
mod census;
mod failure;
mod failure_policy;
mod indexes;
mod replacements;

use std::collections::BTreeSet;

use k8s_openapi::api::batch::v1::{Job, JobCondition, JobSpec, JobStatus, UncountedTerminatedPods};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, Object, ObjectKey, Pod, Typed};

use super::claim::{claim_pods, wake_adopters};
use super::{Action, Context, Reconciliation};
use super::{Controller, Reconcile, Watch};
use crate::api::{DeleteOptions, EventType, Propagation};
use crate::store::WatchEvent;
use census::Census;
use failure::{Failure, failure};
use indexes::completion_index;
use kubeplay_model::pod::is_ready;
use replacements::Replacements;

const COMPONENT: &str = "job-controller";
/// Pods created or deleted per sync at most (`MaxPodCreateDeletePerSync`).
const MAX_PER_SYNC: usize = 500;

fn true_condition<'s>(status: &'s JobStatus, condition_type: &str) -> Option<&'s JobCondition> {
    status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == condition_type && c.status == "True")
}

fn has_condition(status: &JobStatus, condition_type: &str) -> bool {
    true_condition(status, condition_type).is_some()
}

fn condition(condition_type: &str, reason: &str, message: &str, now: &Time) -> JobCondition {
    JobCondition {
        type_: condition_type.into(),
        status: "True".into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_probe_time: Some(now.clone()),
        last_transition_time: Some(now.clone()),
    }
}

/// Container restarts (init and regular) of a pod.
fn restarts(pod: &Pod) -> i32 {
    pod.status.as_ref().map_or(0, |s| {
        s.container_statuses
            .iter()
            .flatten()
            .chain(s.init_container_statuses.iter().flatten())
            .map(|c| c.restart_count)
            .sum()
    })
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `podFailurePolicy` or `podReplacementPolicy: Failed`: a pod is replaced only once it has
/// failed, not while it is still terminating.
fn only_replaces_failed_pods(spec: &JobSpec) -> bool {
    spec.pod_failure_policy.is_some() || spec.pod_replacement_policy.as_deref() == Some("Failed")
}

/// Jobs, through the pods they own.
pub static CONTROLLER: Controller = Controller {
    name: "job",
    reconciles: Some(Kind::Job),
    owns: &[Kind::Pod],
    watches: orphan_pods,
    reconcile: Reconcile::Stateless(reconcile),
};

/// An orphan pod wakes the Jobs of its namespace that select it.
fn orphan_pods(event: &WatchEvent, watch: &mut Watch) {
    if event.object.kind() == Kind::Pod && !event.deleted() {
        let selector_of = |object: &Object| {
            let job = Job::from_object(object)?;
            let selector = job.spec.as_ref()?.selector.as_ref()?;
            Selector::from_label_selector(Some(selector)).ok()
        };
        wake_adopters(&event.object, Kind::Job, selector_of, watch);
    }
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let Some(job) = ctx.store.get_typed::<Job>(&key.namespace, &key.name) else {
        return Reconciliation::default();
    };
    let Some(spec) = job.spec.clone() else {
        return Reconciliation::default();
    };
    let status = job.status.clone().unwrap_or_default();
    if has_condition(&status, "Complete") || has_condition(&status, "Failed") {
        let mut result = Reconciliation::default();
        schedule_ttl(job, &status, ctx, &mut result);
        return result;
    }
    if job.metadata.is_deleting() {
        return Reconciliation::default();
    }
    // `getPodsForJob`: orphans the selector matches are adopted (only a `manualSelector`
    // can match pods the Job did not create), ours that stopped matching released.
    let mut claims = Reconciliation::default();
    // A Job without a selector (the API server always sets one) selects nothing.
    let object = job.clone().into_object();
    let pods = match spec
        .selector
        .as_ref()
        .map(|s| Selector::from_label_selector(Some(s)))
    {
        Some(Ok(selector)) => claim_pods(&object, &selector, |_| true, ctx, &mut claims),
        _ => Vec::new(),
    };
    let census = Census::take(&spec, &pods);
    let mut sync = Sync::new(key, job, &spec, &census, status, ctx);
    sync.suspend_or_resume();
    let failure = failure(
        &spec,
        &sync.status,
        &census,
        sync.failed,
        sync.failed_indexes.as_ref(),
        ctx,
    );
    if !sync.suspended() {
        match failure {
            Some(failure) => sync.fail(failure),
            None if sync.complete() => sync.succeed(),
            None => sync.manage(),
        }
    }
    let mut result = sync.finish();
    claims.actions.append(&mut result.actions);
    result.actions = claims.actions;
    result.failed |= claims.failed;
    result
}

/// One sync of one Job (`syncJob`): its pods' census, the status it is writing, and the
/// pods it deletes (which leave `active` and join `terminating` in that status).
struct Sync<'a> {
    ctx: &'a Context<'a>,
    key: &'a ObjectKey,
    job: &'a Job,
    spec: &'a JobSpec,
    census: &'a Census<'a>,
    status: JobStatus,
    /// Failed pods counted so far; never fewer than the status already says.
    failed: i32,
    /// With backoffLimitPerIndex: the indexes out of retries.
    failed_indexes: Option<BTreeSet<i32>>,
    deleted: Vec<&'a Pod>,
    now: Time,
    result: Reconciliation,
}

impl<'a> Sync<'a> {
    fn new(
        key: &'a ObjectKey,
        job: &'a Job,
        spec: &'a JobSpec,
        census: &'a Census<'a>,
        status: JobStatus,
        ctx: &'a Context<'a>,
    ) -> Sync<'a> {
        let failed = census.counted_failures().max(status.failed.unwrap_or(0));
        let per_index = census.indexed && spec.backoff_limit_per_index.is_some();
        // Indexes out of retries stay failed; the status remembers those whose pods are gone.
        let failed_indexes = per_index.then(|| {
            let mut failed_indexes = indexes::parse(
                status.failed_indexes.as_deref().unwrap_or_default(),
                spec.completions.unwrap_or(0),
            );
            failed_indexes.extend(
                census
                    .failed
                    .iter()
                    .filter(|(pod, matched)| indexes::fails_its_index(spec, pod, matched))
                    .filter_map(|(pod, _)| completion_index(pod)),
            );
            failed_indexes
        });
        Sync {
            ctx,
            key,
            job,
            spec,
            census,
            status,
            failed,
            failed_indexes,
            deleted: Vec::new(),
            now: ctx.clock.now_time(),
            result: Reconciliation::default(),
        }
    }

    fn suspended(&self) -> bool {
        self.spec.suspend.unwrap_or(false)
    }

    /// Enough pods succeeded: `completions` of them, or (without it) one with none active.
    fn complete(&self) -> bool {
        let succeeded = self.census.succeeded;
        match self.spec.completions {
            Some(completions) => succeeded >= completions,
            None => succeeded > 0 && self.census.active.is_empty(),
        }
    }

    fn record(&mut self, event_type: EventType, reason: &'static str, message: String) {
        (self.result).record(self.key, event_type, reason, message, COMPONENT);
    }

    fn delete(&mut self, pods: &[&'a Pod]) {
        self.deleted.extend(pods.iter().copied());
        delete_pods(self.key, pods, &mut self.result);
    }

    /// A suspended Job's pods go and it says so once; a resumed one restarts its clock.
    fn suspend_or_resume(&mut self) {
        let now = self.now.clone();
        if self.suspended() {
            self.delete(&self.census.active);
            if !has_condition(&self.status, "Suspended") {
                set_condition(
                    &mut self.status,
                    condition("Suspended", "JobSuspended", "Job suspended", &now),
                );
                self.record(EventType::Normal, "Suspended", "Job suspended".into());
            }
            return;
        }
        if has_condition(&self.status, "Suspended") {
            set_condition(
                &mut self.status,
                JobCondition {
                    status: "False".into(),
                    ..condition("Suspended", "JobResumed", "Job resumed", &now)
                },
            );
            self.status.start_time = Some(now.clone());
            self.record(EventType::Normal, "Resumed", "Job resumed".into());
        }
        self.status.start_time.get_or_insert(now);
    }

    /// The Job is failing: its pods go, FailureTarget is written, and Failed once the last
    /// pod has terminated (`delayTerminalCondition`).
    fn fail(&mut self, failure: Failure) {
        let census = self.census;
        // Every pod not yet finished counts as failed once the Job is failing.
        self.failed = self.failed.max(
            census
                .counted_failures()
                .saturating_add(count(census.active.len() + census.terminating.len())),
        );
        self.delete(&census.active);
        let now = self.now.clone();
        let reason = failure.reason.as_str();
        if !has_condition(&self.status, "FailureTarget") {
            set_condition(
                &mut self.status,
                condition("FailureTarget", reason, &failure.message, &now),
            );
        }
        if census.active.is_empty() && census.terminating.is_empty() {
            set_condition(
                &mut self.status,
                condition("Failed", reason, &failure.message, &now),
            );
            self.record(EventType::Warning, reason, failure.message);
        }
    }

    /// Enough pods succeeded: SuccessCriteriaMet, then Complete.
    fn succeed(&mut self) {
        let now = self.now.clone();
        let message = "Reached expected number of succeeded pods";
        for condition_type in ["SuccessCriteriaMet", "Complete"] {
            set_condition(
                &mut self.status,
                condition(condition_type, "CompletionsReached", message, &now),
            );
        }
        self.status.completion_time = Some(now);
        self.record(EventType::Normal, "Completed", "Job completed".into());
    }

    /// `manageJob`: as many active pods as parallelism and the remaining completions allow,
    /// and a look again at the active deadline.
    fn manage(&mut self) {
        let census = self.census;
        let parallelism = self.spec.parallelism.unwrap_or(1).max(0);
        let remaining = match self.spec.completions {
            Some(completions) => (completions - census.succeeded).max(0),
            None if census.succeeded > 0 => 0,
            None => parallelism,
        };
        let wanted = usize::try_from(parallelism.min(remaining)).unwrap_or(0);
        if census.active.len() > wanted {
            self.delete(&census.active[wanted..]);
        } else {
            let waiting = if only_replaces_failed_pods(self.spec) {
                census.terminating.len()
            } else {
                0
            };
            let missing = wanted
                .saturating_sub(census.active.len() + waiting)
                .min(MAX_PER_SYNC);
            if missing > 0 {
                let job = self.job.clone().into_object();
                let plan = Replacements {
                    spec: self.spec,
                    census,
                    failed_indexes: self.failed_indexes.as_ref(),
                    job: &job,
                    key: self.key,
                    ctx: self.ctx,
                };
                plan.create(missing, &mut self.result);
            }
        }
        if let Some(deadline) = self.spec.active_deadline_seconds
            && let Some(start) = &self.status.start_time
        {
            let left = start.0.as_second() + deadline - self.ctx.clock.now().as_second();
            self.result
                .requeue_within(u64::try_from(left.max(1)).unwrap_or(1) * 1000);
        }
    }

    /// The status from the census, less the pods this sync deleted.
    fn finish(mut self) -> Reconciliation {
        let census = self.census;
        let remaining: Vec<&Pod> = census
            .active
            .iter()
            .copied()
            .filter(|pod| {
                !self
                    .deleted
                    .iter()
                    .any(|d| d.metadata.uid == pod.metadata.uid)
            })
            .collect();
        let status = &mut self.status;
        status.active = Some(count(remaining.len())).filter(|a| *a > 0);
        status.ready = Some(count(remaining.iter().filter(|pod| is_ready(pod)).count()));
        status.succeeded = Some(census.succeeded).filter(|s| *s > 0);
        status.failed = Some(self.failed).filter(|f| *f > 0);
        status.terminating = Some(count(census.terminating.len() + self.deleted.len()));
        status.uncounted_terminated_pods = Some(UncountedTerminatedPods::default());
        if census.indexed {
            status.completed_indexes =
                Some(indexes::render(&census.succeeded_indexes)).filter(|s| !s.is_empty());
        }
        status.failed_indexes = self.failed_indexes.as_ref().map(indexes::render);
        self.result.update_status(self.job, self.status);
        self.result
    }
}

fn set_condition(status: &mut JobStatus, condition: JobCondition) {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    match conditions.iter_mut().find(|c| c.type_ == condition.type_) {
        Some(existing) => *existing = condition,
        None => conditions.push(condition),
    }
}

fn delete_pods(job: &ObjectKey, pods: &[&Pod], result: &mut Reconciliation) {
    for pod in pods {
        result
            .actions
            .push(Action::delete_owned_pod(job, pod, COMPONENT));
    }
}

/// `ttlSecondsAfterFinished`: delete the finished Job (foreground) once the TTL has passed.
fn schedule_ttl(job: &Job, status: &JobStatus, ctx: &Context, result: &mut Reconciliation) {
    let Some(ttl) = job.spec.as_ref().and_then(|s| s.ttl_seconds_after_finished) else {
        return;
    };
    let finished_at = status
        .conditions
        .iter()
        .flatten()
        .filter(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True")
        .filter_map(|c| c.last_transition_time.as_ref())
        .map(|t| t.0.as_second())
        .max();
    let Some(finished_at) = finished_at else {
        return;
    };
    let left = finished_at + i64::from(ttl) - ctx.clock.now().as_second();
    if left <= 0 {
        result.actions.push(Action::Delete {
            key: ObjectKey::new(
                Kind::Job,
                job.metadata.namespace_str(),
                job.metadata.name_str(),
            ),
            options: DeleteOptions {
                propagation: Some(Propagation::Foreground),
                grace_period_seconds: None,
            },
            event: None,
        });
    } else {
        result.requeue_within(u64::try_from(left).unwrap_or(1) * 1000);
    }
}
