//! Whether and why a Job fails (`syncJob`'s order of checks), and the reasons it fails with.

use std::collections::BTreeSet;

use k8s_openapi::api::batch::v1::{JobSpec, JobStatus};

use super::census::Census;
use super::{count, true_condition};
use crate::controllers::Context;

/// The reasons a Job fails with (`batch.JobReason…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FailureReason {
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

    pub(super) fn as_str(self) -> &'static str {
        match self {
            FailureReason::PodFailurePolicy => "PodFailurePolicy",
            FailureReason::BackoffLimitExceeded => "BackoffLimitExceeded",
            FailureReason::DeadlineExceeded => "DeadlineExceeded",
            FailureReason::MaxFailedIndexesExceeded => "MaxFailedIndexesExceeded",
            FailureReason::FailedIndexes => "FailedIndexes",
        }
    }

    pub(super) fn parse(reason: &str) -> Option<FailureReason> {
        FailureReason::ALL
            .into_iter()
            .find(|r| r.as_str() == reason)
    }
}

/// Why the Job is failing: the reason and message of its FailureTarget and Failed conditions.
pub(super) struct Failure {
    pub(super) reason: FailureReason,
    pub(super) message: String,
}

impl Failure {
    pub(super) fn new(reason: FailureReason, message: &str) -> Failure {
        Failure {
            reason,
            message: message.into(),
        }
    }
}

/// Whether and why the Job fails, in the order `syncJob` evaluates it: a FailureTarget
/// already written, a FailJob rule, backoffLimit, activeDeadlineSeconds, then failed indexes.
pub(super) fn failure(
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
