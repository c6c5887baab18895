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
mod failure_policy;
mod indexes;

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::batch::v1::{Job, JobCondition, JobSpec, JobStatus, UncountedTerminatedPods};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::pods::pod_from_template;
use super::{Action, Context, CreatedEvent, Reconciliation, event, is_controlled_by};
use super::{Controller, Reconcile};
use crate::api::{DeleteOptions, EventType, Propagation};
use failure_policy::{PolicyMatch, match_pod};
use indexes::completion_index;
use kubeplay_model::keys::{
    JOB_COMPLETION_INDEX, JOB_INDEX_FAILURE_COUNT, JOB_INDEX_IGNORED_FAILURE_COUNT,
};
use kubeplay_model::pod::{is_active, is_ready, phase};

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

/// The reasons a Job fails with (`batch.JobReason…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FailureReason {
    PodFailurePolicy,
    BackoffLimitExceeded,
    DeadlineExceeded,
    MaxFailedIndexesExceeded,
    FailedIndexes,
}

impl FailureReason {
    const ALL: [FailureReason; 5] = [
        FailureReason::PodFailurePolicy,
        FailureReason::BackoffLimitExceeded,
        FailureReason::DeadlineExceeded,
        FailureReason::MaxFailedIndexesExceeded,
        FailureReason::FailedIndexes,
    ];

    fn as_str(self) -> &'static str {
        match self {
            FailureReason::PodFailurePolicy => "PodFailurePolicy",
            FailureReason::BackoffLimitExceeded => "BackoffLimitExceeded",
            FailureReason::DeadlineExceeded => "DeadlineExceeded",
            FailureReason::MaxFailedIndexesExceeded => "MaxFailedIndexesExceeded",
            FailureReason::FailedIndexes => "FailedIndexes",
        }
    }

    fn parse(reason: &str) -> Option<FailureReason> {
        FailureReason::ALL
            .into_iter()
            .find(|r| r.as_str() == reason)
    }
}

/// Why the Job is failing: the reason and message of its FailureTarget and Failed conditions.
struct Failure {
    reason: FailureReason,
    message: String,
}

impl Failure {
    fn new(reason: FailureReason, message: &str) -> Failure {
        Failure {
            reason,
            message: message.into(),
        }
    }
}

/// The Job's pods, sorted the way the controller looks at them.
struct Census<'a> {
    indexed: bool,
    active: Vec<&'a Pod>,
    /// Being deleted and not yet finished.
    terminating: Vec<&'a Pod>,
    /// Failed pods (of a valid index, for Indexed Jobs) with what the pod failure policy says.
    failed: Vec<(&'a Pod, PolicyMatch)>,
    succeeded_pods: Vec<&'a Pod>,
    succeeded: i32,
    succeeded_indexes: BTreeSet<i32>,
    /// Restarts in pods still Pending or Running, which OnFailure Jobs count against backoffLimit.
    live_restarts: i32,
}

impl<'a> Census<'a> {
    fn take(spec: &JobSpec, pods: &[&'a Pod]) -> Census<'a> {
        let indexed = spec.completion_mode.as_deref() == Some("Indexed");
        let completions = spec.completions.unwrap_or(0);
        // Indexed Jobs only look at finished pods of an index in range.
        let in_range =
            |pod: &Pod| !indexed || completion_index(pod).is_some_and(|index| index < completions);
        let succeeded_pods: Vec<&Pod> = pods
            .iter()
            .copied()
            .filter(|pod| phase(pod) == "Succeeded" && in_range(pod))
            .collect();
        let succeeded_indexes: BTreeSet<i32> = succeeded_pods
            .iter()
            .filter_map(|pod| completion_index(pod))
            .collect();
        let succeeded = count(if indexed {
            succeeded_indexes.len()
        } else {
            succeeded_pods.len()
        });
        Census {
            indexed,
            active: pods.iter().copied().filter(|pod| is_active(pod)).collect(),
            terminating: pods
                .iter()
                .copied()
                .filter(|p| p.metadata.is_deleting() && !matches!(phase(p), "Succeeded" | "Failed"))
                .collect(),
            failed: pods
                .iter()
                .copied()
                .filter(|pod| phase(pod) == "Failed" && in_range(pod))
                .map(|pod| (pod, match_pod(spec.pod_failure_policy.as_ref(), pod)))
                .collect(),
            succeeded_pods,
            succeeded,
            succeeded_indexes,
            live_restarts: pods
                .iter()
                .filter(|pod| matches!(phase(pod), "Pending" | "Running"))
                .map(|pod| restarts(pod))
                .sum(),
        }
    }

    /// Failed pods that count toward backoffLimit: all but those a policy ignores.
    fn counted_failures(&self) -> i32 {
        count(self.failed.iter().filter(|(_, m)| m.counts()).count())
    }

    /// `pastBackoffLimitOnFailure`: with restartPolicy OnFailure the kubelet restarts failed
    /// containers in place, and their restarts use up the backoff limit.
    fn past_backoff_limit_on_failure(&self, spec: &JobSpec) -> bool {
        let on_failure = spec
            .template
            .spec
            .as_ref()
            .is_some_and(|s| s.restart_policy.as_deref() == Some("OnFailure"));
        match spec.backoff_limit.unwrap_or(6) {
            _ if !on_failure => false,
            0 => self.live_restarts > 0,
            limit => self.live_restarts >= limit,
        }
    }

    /// The first FailJob message a failed pod matched (`getFailJobMessage`).
    fn fail_job_message(&self) -> Option<&str> {
        self.failed
            .iter()
            .find_map(|(_, m)| m.fail_job_message.as_deref())
    }
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
    watches: super::declaration::nothing_else,
    reconcile: Reconcile::Stateless(reconcile),
};

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let Some(job) = ctx.store.get_typed::<Job>(&key.namespace, &key.name) else {
        return result;
    };
    let Some(spec) = job.spec.clone() else {
        return result;
    };
    let job_object = job.clone().into_object();
    let now = ctx.clock.now_time();
    let mut status = job.status.clone().unwrap_or_default();
    let finished = has_condition(&status, "Complete") || has_condition(&status, "Failed");
    if finished {
        schedule_ttl(job, &status, ctx, &mut result);
        return result;
    }
    if job.metadata.is_deleting() {
        return result;
    }
    let pods: Vec<&Pod> = ctx
        .store
        .dependents_of(job.metadata.uid_str())
        .filter_map(Pod::from_object)
        .filter(|pod| is_controlled_by(&pod.metadata, job.metadata.uid_str()))
        .collect();
    let census = Census::take(&spec, &pods);
    let active = &census.active;
    let succeeded = census.succeeded;
    let previously_failed = status.failed.unwrap_or(0);
    let mut failed = census.counted_failures().max(previously_failed);
    let suspended = spec.suspend.unwrap_or(false);
    let completions = spec.completions;
    let parallelism = spec.parallelism.unwrap_or(1).max(0);
    let per_index = census.indexed && spec.backoff_limit_per_index.is_some();
    // Indexes out of retries stay failed; the status remembers those whose pods are gone.
    let failed_indexes: Option<BTreeSet<i32>> = per_index.then(|| {
        let mut failed_indexes = indexes::parse(
            status.failed_indexes.as_deref().unwrap_or_default(),
            completions.unwrap_or(0),
        );
        failed_indexes.extend(
            census
                .failed
                .iter()
                .filter(|(pod, matched)| indexes::fails_its_index(&spec, pod, matched))
                .filter_map(|(pod, _)| completion_index(pod)),
        );
        failed_indexes
    });

    // Pods deleted by this sync leave `active` and join `terminating` in the status it writes.
    let mut deleted: Vec<&Pod> = Vec::new();
    if suspended {
        deleted.extend(active.iter().copied());
        delete_pods(key, active, &mut result);
        if !has_condition(&status, "Suspended") {
            set_condition(
                &mut status,
                condition("Suspended", "JobSuspended", "Job suspended", &now),
            );
            result.actions.push(Action::Event(event(
                key.clone(),
                EventType::Normal,
                "Suspended",
                "Job suspended".into(),
                COMPONENT,
            )));
        }
    } else {
        if has_condition(&status, "Suspended") {
            set_condition(
                &mut status,
                JobCondition {
                    status: "False".into(),
                    ..condition("Suspended", "JobResumed", "Job resumed", &now)
                },
            );
            status.start_time = Some(now.clone());
            result.actions.push(Action::Event(event(
                key.clone(),
                EventType::Normal,
                "Resumed",
                "Job resumed".into(),
                COMPONENT,
            )));
        }
        status.start_time.get_or_insert_with(|| now.clone());
    }

    let complete = match completions {
        Some(completions) => succeeded >= completions,
        None => succeeded > 0 && active.is_empty(),
    };
    let failure = failure(
        &spec,
        &status,
        &census,
        failed,
        failed_indexes.as_ref(),
        ctx,
    );
    if let Some(failure) = failure.filter(|_| !suspended) {
        // Every pod not yet finished counts as failed once the Job is failing.
        failed = failed.max(
            census
                .counted_failures()
                .saturating_add(count(active.len() + census.terminating.len())),
        );
        deleted.extend(active.iter().copied());
        delete_pods(key, active, &mut result);
        if !has_condition(&status, "FailureTarget") {
            set_condition(
                &mut status,
                condition(
                    "FailureTarget",
                    failure.reason.as_str(),
                    &failure.message,
                    &now,
                ),
            );
        }
        // Failed is written once the last pod has terminated (`delayTerminalCondition`).
        if active.is_empty() && census.terminating.is_empty() {
            set_condition(
                &mut status,
                condition("Failed", failure.reason.as_str(), &failure.message, &now),
            );
            result.actions.push(Action::Event(event(
                key.clone(),
                EventType::Warning,
                failure.reason.as_str(),
                failure.message,
                COMPONENT,
            )));
        }
    } else if complete && !suspended {
        set_condition(
            &mut status,
            condition(
                "SuccessCriteriaMet",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
                &now,
            ),
        );
        set_condition(
            &mut status,
            condition(
                "Complete",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
                &now,
            ),
        );
        status.completion_time = Some(now.clone());
        result.actions.push(Action::Event(event(
            key.clone(),
            EventType::Normal,
            "Completed",
            "Job completed".into(),
            COMPONENT,
        )));
    } else if !suspended {
        let remaining = match completions {
            Some(completions) => (completions - succeeded).max(0),
            None if succeeded > 0 => 0,
            None => parallelism,
        };
        let wanted = usize::try_from(parallelism.min(remaining)).unwrap_or(0);
        if active.len() > wanted {
            deleted.extend(active.iter().skip(wanted).copied());
            delete_pods(key, &active[wanted..], &mut result);
        } else {
            let waiting = if only_replaces_failed_pods(&spec) {
                census.terminating.len()
            } else {
                0
            };
            let missing = wanted
                .saturating_sub(active.len() + waiting)
                .min(MAX_PER_SYNC);
            if missing > 0 {
                let plan = Replacements {
                    spec: &spec,
                    census: &census,
                    failed_indexes: failed_indexes.as_ref(),
                    job: &job_object,
                    key,
                    ctx,
                };
                plan.create(missing, &mut result);
            }
        }
        if let Some(deadline) = spec.active_deadline_seconds
            && let Some(start) = &status.start_time
        {
            let left = start.0.as_second() + deadline - ctx.clock.now().as_second();
            result.requeue_within(u64::try_from(left.max(1)).unwrap_or(1) * 1000);
        }
    }
    let remaining: Vec<&Pod> = active
        .iter()
        .copied()
        .filter(|pod| !deleted.iter().any(|d| d.metadata.uid == pod.metadata.uid))
        .collect();
    status.active = Some(count(remaining.len())).filter(|a| *a > 0);
    status.ready = Some(count(remaining.iter().filter(|pod| is_ready(pod)).count()));
    status.succeeded = Some(succeeded).filter(|s| *s > 0);
    status.failed = Some(failed).filter(|f| *f > 0);
    status.terminating = Some(count(census.terminating.len() + deleted.len()));
    status.uncounted_terminated_pods = Some(UncountedTerminatedPods::default());
    if census.indexed {
        status.completed_indexes =
            Some(indexes::render(&census.succeeded_indexes)).filter(|s| !s.is_empty());
    }
    status.failed_indexes = failed_indexes.as_ref().map(indexes::render);
    if job.status.as_ref() != Some(&status) {
        let mut updated = job.clone();
        updated.status = Some(status);
        result
            .actions
            .push(Action::UpdateStatus(updated.into_object()));
    }
    result
}

/// Whether and why the Job fails, in the order `syncJob` evaluates it: a FailureTarget
/// already written, a FailJob rule, backoffLimit, activeDeadlineSeconds, then failed indexes.
fn failure(
    spec: &JobSpec,
    status: &JobStatus,
    census: &Census,
    failed: i32,
    failed_indexes: Option<&BTreeSet<i32>>,
    ctx: &Context,
) -> Option<Failure> {
    // A FailureTarget written earlier decides, so that Failed repeats its reason and message.
    let target = true_condition(status, "FailureTarget");
    if let Some(reason) = target.and_then(|t| FailureReason::parse(t.reason.as_deref()?)) {
        let message = target
            .and_then(|t| t.message.as_deref())
            .unwrap_or_default();
        return Some(Failure::new(reason, message));
    }
    if let Some(message) = census.fail_job_message() {
        return Some(Failure::new(FailureReason::PodFailurePolicy, message));
    }
    if failed > spec.backoff_limit.unwrap_or(6) || census.past_backoff_limit_on_failure(spec) {
        return Some(Failure::new(
            FailureReason::BackoffLimitExceeded,
            "Job has reached the specified backoff limit",
        ));
    }
    let deadline_exceeded = spec.active_deadline_seconds.is_some_and(|deadline| {
        status
            .start_time
            .as_ref()
            .is_some_and(|start| ctx.clock.now().as_second() - start.0.as_second() >= deadline)
    });
    if deadline_exceeded {
        return Some(Failure::new(
            FailureReason::DeadlineExceeded,
            "Job was active longer than specified deadline",
        ));
    }
    let failed_indexes = failed_indexes?;
    if spec
        .max_failed_indexes
        .is_some_and(|max| count(failed_indexes.len()) > max)
    {
        return Some(Failure::new(
            FailureReason::MaxFailedIndexesExceeded,
            "Job has exceeded the specified maximal number of failed indexes",
        ));
    }
    let settled = count(failed_indexes.len()).saturating_add(count(census.succeeded_indexes.len()));
    if !failed_indexes.is_empty() && settled >= spec.completions.unwrap_or(0) {
        return Some(Failure::new(
            FailureReason::FailedIndexes,
            "Job has failed indexes",
        ));
    }
    None
}

/// Creating the pods a running Job is missing (`manageJob`).
struct Replacements<'a> {
    spec: &'a JobSpec,
    census: &'a Census<'a>,
    failed_indexes: Option<&'a BTreeSet<i32>>,
    job: &'a Object,
    key: &'a ObjectKey,
    ctx: &'a Context<'a>,
}

impl Replacements<'_> {
    fn create(&self, missing: usize, result: &mut Reconciliation) {
        // After failures, replacements wait out the back-off since the last failure (ignored
        // failures lengthen it too); with backoffLimitPerIndex each index waits on its own.
        if self.spec.backoff_limit_per_index.is_none() {
            let wait = self.global_backoff();
            if wait > 0 {
                result.requeue_within(u64::try_from(wait).unwrap_or(1) * 1000);
                return;
            }
        }
        let pods_to_create: Vec<Pod> = if self.census.indexed {
            match self.indexed_pods(missing, result) {
                Some(pods) => pods,
                None => return,
            }
        } else {
            (0..missing)
                .map(|_| pod_from_template(&self.spec.template, self.job))
                .collect()
        };
        let creates = pods_to_create
            .into_iter()
            .map(|pod| Action::Create {
                object: Object::Pod(pod),
                event: Some(CreatedEvent {
                    regarding: self.key.clone(),
                    reason: "SuccessfulCreate",
                    message_prefix: "Created pod: ",
                    component: COMPONENT,
                }),
            })
            .collect();
        result.actions.push(Action::SlowStart {
            owner: self.key.clone(),
            component: COMPONENT,
            creates,
        });
    }

    /// Seconds until replacements may start: the back-off grows with the failures since the
    /// last success (`failuresAfterLastSuccess`) and counts from the newest of them.
    fn global_backoff(&self) -> i64 {
        let last_success = self
            .census
            .succeeded_pods
            .iter()
            .filter_map(|pod| backoff::finished_at(pod))
            .max();
        let failures: Vec<jiff::Timestamp> = self
            .census
            .failed
            .iter()
            .filter_map(|(pod, _)| backoff::finished_at(pod))
            .filter(|finished| last_success.is_none_or(|success| *finished > success))
            .collect();
        failures.iter().max().map_or(0, |last| {
            backoff::remaining_seconds(count(failures.len()), *last, self.ctx.clock.now())
        })
    }

    /// The lowest indexes neither succeeded, failed nor running (`firstPendingIndexes`); with
    /// backoffLimitPerIndex only those whose own back-off is over. None when every candidate
    /// index still waits (the Job is requeued for the first to be ready).
    fn indexed_pods(&self, missing: usize, result: &mut Reconciliation) -> Option<Vec<Pod>> {
        let mut taken: BTreeSet<i32> = self.census.succeeded_indexes.clone();
        taken.extend(
            self.census
                .active
                .iter()
                .filter_map(|pod| completion_index(pod)),
        );
        if only_replaces_failed_pods(self.spec) {
            taken.extend(
                self.census
                    .terminating
                    .iter()
                    .filter_map(|pod| completion_index(pod)),
            );
        }
        if let Some(failed_indexes) = self.failed_indexes {
            taken.extend(failed_indexes);
        }
        let candidates: Vec<i32> = (0..self.spec.completions.unwrap_or(0))
            .filter(|index| !taken.contains(index))
            .take(missing)
            .collect();
        if self.spec.backoff_limit_per_index.is_none() {
            return Some(
                candidates
                    .into_iter()
                    .map(|index| indexed_pod(&self.spec.template, self.job, index, None))
                    .collect(),
            );
        }
        let last_failed: BTreeMap<i32, &Pod> =
            indexes::last_failed_pods(self.census.failed.iter().map(|(pod, _)| *pod), &taken);
        let waits: Vec<(i32, i64)> = candidates
            .iter()
            .map(|index| {
                let wait = indexes::remaining_backoff(
                    last_failed.get(index).copied(),
                    self.ctx.clock.now(),
                );
                (*index, wait)
            })
            .collect();
        let ready: Vec<Pod> = waits
            .iter()
            .filter(|(_, wait)| *wait <= 0)
            .map(|(index, _)| {
                let counts =
                    indexes::replacement_counts(self.spec, last_failed.get(index).copied());
                indexed_pod(&self.spec.template, self.job, *index, Some(counts))
            })
            .collect();
        if ready.is_empty() {
            if let Some(wait) = waits.iter().map(|(_, wait)| *wait).min() {
                result.requeue_within(u64::try_from(wait).unwrap_or(1) * 1000);
            }
            return None;
        }
        Some(ready)
    }
}

/// A pod of an Indexed Job: `<job>-<index>-xxxxx`, the index as annotation, label, hostname
/// `<job>-<index>` and `JOB_COMPLETION_INDEX`; with backoffLimitPerIndex, the index's failure counts so far.
fn indexed_pod(
    template: &PodTemplateSpec,
    job: &Object,
    index: i32,
    failure_counts: Option<(i32, i32)>,
) -> Pod {
    let mut pod = pod_from_template(template, job);
    pod.metadata.generate_name = Some(format!("{}-{index}-", job.name()));
    let annotations = pod
        .metadata
        .annotations
        .get_or_insert_with(Default::default);
    annotations.insert(JOB_COMPLETION_INDEX.into(), index.to_string());
    if let Some((failures, ignored)) = failure_counts {
        annotations.insert(JOB_INDEX_FAILURE_COUNT.into(), failures.to_string());
        if ignored > 0 {
            annotations.insert(JOB_INDEX_IGNORED_FAILURE_COUNT.into(), ignored.to_string());
        }
    }
    pod.metadata
        .labels
        .get_or_insert_with(Default::default)
        .insert(JOB_COMPLETION_INDEX.into(), index.to_string());
    if let Some(spec) = pod.spec.as_mut() {
        spec.hostname = Some(format!("{}-{index}", job.name()));
        for container in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten())
        {
            container
                .env
                .get_or_insert_with(Vec::new)
                .push(k8s_openapi::api::core::v1::EnvVar {
                    name: "JOB_COMPLETION_INDEX".into(),
                    value: None,
                    value_from: Some(k8s_openapi::api::core::v1::EnvVarSource {
                        field_ref: Some(k8s_openapi::api::core::v1::ObjectFieldSelector {
                            api_version: Some("v1".into()),
                            // PodIndexLabel (GA in 1.32) reads the index from the label.
                            field_path: format!("metadata.labels['{JOB_COMPLETION_INDEX}']"),
                        }),
                        ..Default::default()
                    }),
                });
        }
    }
    pod
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
        result.actions.push(delete_pod(job, pod));
    }
}

fn delete_pod(job: &ObjectKey, pod: &Pod) -> Action {
    Action::Delete {
        key: ObjectKey::new(
            Kind::Pod,
            pod.metadata.namespace_str(),
            pod.metadata.name_str(),
        ),
        options: DeleteOptions::default(),
        event: Some(event(
            job.clone(),
            EventType::Normal,
            "SuccessfulDelete",
            format!("Deleted pod: {}", pod.metadata.name_str()),
            COMPONENT,
        )),
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
