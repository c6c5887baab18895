//! A Job's pods as the controller counts them: active, succeeded, failed (with what the pod
//! failure policy says of each) and terminating.

use std::collections::BTreeSet;

use k8s_openapi::api::batch::v1::JobSpec;
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::{is_active, phase};

use super::failure_policy::{PolicyMatch, match_pod};
use super::indexes::completion_index;
use super::{count, restarts};

/// The Job's pods, sorted the way the controller looks at them.
pub(super) struct Census<'a> {
    pub(super) indexed: bool,
    pub(super) active: Vec<&'a Pod>,
    /// Being deleted and not yet finished.
    pub(super) terminating: Vec<&'a Pod>,
    /// Failed pods (of a valid index, for Indexed Jobs) with what the pod failure policy says.
    pub(super) failed: Vec<(&'a Pod, PolicyMatch)>,
    pub(super) succeeded_pods: Vec<&'a Pod>,
    pub(super) succeeded: i32,
    pub(super) succeeded_indexes: BTreeSet<i32>,
    /// Restarts in pods still Pending or Running, which OnFailure Jobs count against backoffLimit.
    pub(super) live_restarts: i32,
}

impl<'a> Census<'a> {
    pub(super) fn take(spec: &JobSpec, pods: &[&'a Pod]) -> Census<'a> {
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
    pub(super) fn counted_failures(&self) -> i32 {
        count(self.failed.iter().filter(|(_, m)| m.counts()).count())
    }

    /// `pastBackoffLimitOnFailure`: with restartPolicy OnFailure the kubelet restarts failed
    /// containers in place, and their restarts use up the backoff limit.
    pub(super) fn past_backoff_limit_on_failure(&self, spec: &JobSpec) -> bool {
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
    pub(super) fn fail_job_message(&self) -> Option<&str> {
        self.failed
            .iter()
            .find_map(|(_, m)| m.fail_job_message.as_deref())
    }
}
