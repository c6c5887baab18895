//! The Job controller (`pkg/controller/job`), NonIndexed: runs pods until `completions`
//! succeed with at most `parallelism` active, retries failures with exponential back-off up to
//! `backoffLimit`, enforces `activeDeadlineSeconds`, honours `suspend`, writes the v1.33
//! conditions (SuccessCriteriaMet/Complete, FailureTarget/Failed) and events, and deletes
//! finished Jobs after `ttlSecondsAfterFinished`.

use k8s_openapi::api::batch::v1::{Job, JobCondition, JobStatus, UncountedTerminatedPods};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::pods::{is_active, is_ready, phase, pod_from_template};
use super::{Action, Context, CreatedEvent, Reconciliation, event, is_controlled_by};
use crate::api::{DeleteOptions, EventType, Propagation};

const COMPONENT: &str = "job-controller";
/// Pod-failure back-off: 10 s doubling, capped at 10 minutes (`MaxJobPodFailureBackOff`).
const BACKOFF_INITIAL_S: i64 = 10;
const BACKOFF_MAX_S: i64 = 600;
/// Pods created or deleted per sync at most (`MaxPodCreateDeletePerSync`).
const MAX_PER_SYNC: usize = 500;

fn now_time(ctx: &Context) -> Time {
    Time(jiff::Timestamp::from_second(ctx.now.as_second()).unwrap_or(ctx.now))
}

fn has_condition(status: &JobStatus, condition_type: &str) -> bool {
    status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == condition_type && c.status == "True")
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

/// Restarts of OnFailure pods count as failures toward the backoff limit.
fn restarts(pod: &Pod) -> i32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .map_or(0, |statuses| statuses.iter().map(|c| c.restart_count).sum())
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let Some(job) = ctx.store.get_typed::<Job>(&key.namespace, &key.name) else {
        return result;
    };
    let Some(spec) = job.spec.clone() else {
        return result;
    };
    let job_object = job.clone().into_object();
    let now = now_time(ctx);
    let mut status = job.status.clone().unwrap_or_default();
    let finished = has_condition(&status, "Complete") || has_condition(&status, "Failed");
    if finished {
        schedule_ttl(&job, &status, ctx, &mut result);
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
    let active: Vec<&Pod> = pods.iter().copied().filter(|pod| is_active(pod)).collect();
    let indexed = spec.completion_mode.as_deref() == Some("Indexed");
    let succeeded_indexes: std::collections::BTreeSet<i32> = pods
        .iter()
        .filter(|pod| phase(pod) == "Succeeded")
        .filter_map(|pod| completion_index(pod))
        .collect();
    let succeeded = if indexed {
        i32::try_from(succeeded_indexes.len()).unwrap_or(i32::MAX)
    } else {
        i32::try_from(pods.iter().filter(|pod| phase(pod) == "Succeeded").count())
            .unwrap_or(i32::MAX)
    };
    let failed_pods = pods.iter().filter(|pod| phase(pod) == "Failed").count();
    let failed = i32::try_from(failed_pods).unwrap_or(i32::MAX)
        + pods.iter().map(|pod| restarts(pod)).sum::<i32>();
    let suspended = spec.suspend.unwrap_or(false);
    let completions = spec.completions;
    let parallelism = spec.parallelism.unwrap_or(1).max(0);

    if suspended {
        for pod in &active {
            result.actions.push(delete_pod(key, pod));
        }
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

    let deadline_exceeded = spec.active_deadline_seconds.is_some_and(|deadline| {
        status
            .start_time
            .as_ref()
            .is_some_and(|start| ctx.now.as_second() - start.0.as_second() >= deadline)
    });
    let complete = match completions {
        Some(completions) => succeeded >= completions,
        None => succeeded > 0 && active.is_empty(),
    };
    let backoff_exceeded = failed > spec.backoff_limit.unwrap_or(6);
    let failure = if deadline_exceeded {
        Some((
            "DeadlineExceeded",
            "Job was active longer than specified deadline",
        ))
    } else if backoff_exceeded {
        Some((
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        ))
    } else {
        None
    };
    if let Some((reason, message)) = failure.filter(|_| !suspended) {
        for pod in &active {
            result.actions.push(delete_pod(key, pod));
        }
        set_condition(
            &mut status,
            condition("FailureTarget", reason, message, &now),
        );
        set_condition(&mut status, condition("Failed", reason, message, &now));
        result.actions.push(Action::Event(event(
            key.clone(),
            EventType::Warning,
            reason,
            message.into(),
            COMPONENT,
        )));
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
        if active.len() < wanted {
            // After failures, replacements wait out the back-off since the last failure.
            let wait = failure_backoff_remaining(failed, &pods, ctx);
            if wait > 0 {
                result.requeue_within(u64::try_from(wait).unwrap_or(1) * 1000);
            } else if let Some(template) = Some(&spec.template) {
                let mut creates = Vec::new();
                // Indexed Jobs fill the lowest indexes that neither succeeded nor run.
                let running: std::collections::BTreeSet<i32> = active
                    .iter()
                    .filter_map(|pod| completion_index(pod))
                    .collect();
                let mut pending = (0..completions.unwrap_or(0))
                    .filter(|i| !succeeded_indexes.contains(i) && !running.contains(i));
                for _ in 0..(wanted - active.len()).min(MAX_PER_SYNC) {
                    let pod = match indexed.then(|| pending.next()).flatten() {
                        Some(index) => indexed_pod(template, &job_object, index),
                        None if indexed => break,
                        None => pod_from_template(template, &job_object),
                    };
                    creates.push(Action::Create {
                        object: Object::Pod(pod),
                        event: Some(CreatedEvent {
                            regarding: key.clone(),
                            reason: "SuccessfulCreate",
                            message_prefix: "Created pod: ",
                            component: COMPONENT,
                        }),
                    });
                }
                result.actions.push(Action::SlowStart {
                    owner: key.clone(),
                    component: COMPONENT,
                    creates,
                });
            }
        } else if active.len() > wanted {
            for pod in active.iter().skip(wanted) {
                result.actions.push(delete_pod(key, pod));
            }
        }
        if let Some(deadline) = spec.active_deadline_seconds {
            if let Some(start) = &status.start_time {
                let left = start.0.as_second() + deadline - ctx.now.as_second();
                result.requeue_within(u64::try_from(left.max(1)).unwrap_or(1) * 1000);
            }
        }
    }
    status.active = Some(i32::try_from(active.len()).unwrap_or(i32::MAX)).filter(|a| *a > 0);
    status.ready =
        Some(i32::try_from(active.iter().filter(|pod| is_ready(pod)).count()).unwrap_or(0));
    status.succeeded = Some(succeeded).filter(|s| *s > 0);
    status.failed = Some(failed).filter(|f| *f > 0);
    status.terminating = Some(
        i32::try_from(
            pods.iter()
                .filter(|p| p.metadata.is_deleting() && !matches!(phase(p), "Succeeded" | "Failed"))
                .count(),
        )
        .unwrap_or(0),
    );
    status.uncounted_terminated_pods = Some(UncountedTerminatedPods::default());
    if indexed {
        status.completed_indexes =
            Some(index_intervals(&succeeded_indexes)).filter(|s| !s.is_empty());
    }
    if job.status.as_ref() != Some(&status) {
        let mut updated = job.clone();
        updated.status = Some(status);
        result
            .actions
            .push(Action::UpdateStatus(updated.into_object()));
    }
    result
}

const INDEX_ANNOTATION: &str = "batch.kubernetes.io/job-completion-index";

fn completion_index(pod: &Pod) -> Option<i32> {
    pod.metadata.annotation(INDEX_ANNOTATION)?.parse().ok()
}

/// A pod of an Indexed Job: `<job>-<index>-xxxxx`, the index as annotation, label and
/// `JOB_COMPLETION_INDEX`.
fn indexed_pod(
    template: &k8s_openapi::api::core::v1::PodTemplateSpec,
    job: &Object,
    index: i32,
) -> Pod {
    let mut pod = pod_from_template(template, job);
    pod.metadata.generate_name = Some(format!("{}-{index}-", job.name()));
    pod.metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(INDEX_ANNOTATION.into(), index.to_string());
    pod.metadata
        .labels
        .get_or_insert_with(Default::default)
        .insert(INDEX_ANNOTATION.into(), index.to_string());
    if let Some(spec) = pod.spec.as_mut() {
        if spec.subdomain.is_some() {
            spec.hostname = Some(format!("{}-{index}", job.name()));
        }
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
                            field_path: format!("metadata.annotations['{INDEX_ANNOTATION}']"),
                        }),
                        ..Default::default()
                    }),
                });
        }
    }
    pod
}

/// `0-2,4,6-7`, as `status.completedIndexes` writes a set of indexes.
fn index_intervals(indexes: &std::collections::BTreeSet<i32>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = indexes.iter().copied().peekable();
    while let Some(first) = iter.next() {
        let mut last = first;
        while iter.peek() == Some(&(last + 1)) {
            last += 1;
            iter.next();
        }
        parts.push(if first == last {
            first.to_string()
        } else {
            format!("{first}-{last}")
        });
    }
    parts.join(",")
}

fn set_condition(status: &mut JobStatus, condition: JobCondition) {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    match conditions.iter_mut().find(|c| c.type_ == condition.type_) {
        Some(existing) => *existing = condition,
        None => conditions.push(condition),
    }
}

/// Seconds until a replacement may start: 10 s × 2^(failures−1), capped, after the newest failure.
fn failure_backoff_remaining(failures: i32, pods: &[&Pod], ctx: &Context) -> i64 {
    if failures <= 0 {
        return 0;
    }
    let last_failure = pods
        .iter()
        .filter(|pod| phase(pod) == "Failed")
        .filter_map(|pod| {
            pod.status
                .as_ref()?
                .container_statuses
                .as_ref()?
                .iter()
                .filter_map(|c| c.state.as_ref()?.terminated.as_ref()?.finished_at.as_ref())
                .max()
                .cloned()
        })
        .max();
    let Some(last_failure) = last_failure else {
        return 0;
    };
    let delay = (BACKOFF_INITIAL_S << (failures - 1).clamp(0, 16)).min(BACKOFF_MAX_S);
    last_failure.0.as_second() + delay - ctx.now.as_second()
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
    let left = finished_at + i64::from(ttl) - ctx.now.as_second();
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
