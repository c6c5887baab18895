//! Indexed Jobs' bookkeeping (`indexed_job_utils.go`): completion indexes on pods, the
//! interval syntax of `status.completedIndexes` / `status.failedIndexes`, and
//! `backoffLimitPerIndex`: per-index failure counts carried from a failed pod to its
//! replacement in annotations, failed indexes, and the per-index retry delay.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use k8s_openapi::api::batch::v1::JobSpec;
use kubeplay_model::Pod;
use kubeplay_model::keys::{
    JOB_COMPLETION_INDEX, JOB_INDEX_FAILURE_COUNT, JOB_INDEX_IGNORED_FAILURE_COUNT,
};
use kubeplay_model::object::MetaExt;

use super::backoff::{finished_at, remaining_seconds};
use super::failure_policy::{PolicyAction, PolicyMatch, match_pod};

/// `getCompletionIndex`: the pod's index, if it has a valid one.
pub fn completion_index(pod: &Pod) -> Option<i32> {
    pod.metadata
        .annotation(JOB_COMPLETION_INDEX)?
        .parse()
        .ok()
        .filter(|index| *index >= 0)
}

/// `0-2,4,6,7`: runs of three or more as ranges, two neighbours as a pair.
pub fn render(indexes: &BTreeSet<i32>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = indexes.iter().copied().peekable();
    while let Some(first) = iter.next() {
        let mut last = first;
        while iter.peek() == Some(&(last + 1)) {
            last += 1;
            iter.next();
        }
        parts.push(match last - first {
            0 => first.to_string(),
            1 => format!("{first},{last}"),
            _ => format!("{first}-{last}"),
        });
    }
    parts.join(",")
}

/// `parseIndexesFromString`: the indexes below `completions`; corrupt intervals are skipped.
pub fn parse(text: &str, completions: i32) -> BTreeSet<i32> {
    let mut indexes = BTreeSet::new();
    for interval in text.split(',').filter(|s| !s.is_empty()) {
        let mut limits = interval.splitn(2, '-');
        let Some(Ok(first)) = limits.next().map(str::parse::<i32>) else {
            continue;
        };
        let last = match limits.next().map(str::parse::<i32>) {
            None => first,
            Some(Ok(last)) => last,
            Some(Err(_)) => continue,
        };
        indexes.extend(first.max(0)..=last.min(completions - 1));
    }
    indexes
}

/// `parseInt32` of a count annotation: missing, malformed or negative values read as 0.
fn annotation_count(pod: &Pod, key: &str) -> i32 {
    pod.metadata
        .annotation(key)
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|count| *count >= 0)
        .unwrap_or(0)
}

/// Failures of the pod's index before this pod, ignored ones included.
fn absolute_failure_count(pod: &Pod) -> i32 {
    annotation_count(pod, JOB_INDEX_FAILURE_COUNT)
        .saturating_add(annotation_count(pod, JOB_INDEX_IGNORED_FAILURE_COUNT))
}

/// `isIndexFailed`: this failed pod, which the pod failure policy judged `matched`, used up
/// its index's retries or matched a FailIndex rule.
pub fn fails_its_index(spec: &JobSpec, pod: &Pod, matched: &PolicyMatch) -> bool {
    let Some(limit) = spec.backoff_limit_per_index else {
        return false;
    };
    matched.action == Some(PolicyAction::FailIndex)
        || (matched.counts() && annotation_count(pod, JOB_INDEX_FAILURE_COUNT) >= limit)
}

/// `getPodsWithDelayedDeletionPerIndex`: per index still to run, its latest failed pod — the
/// one its replacement inherits failure counts and back-off from.
pub fn last_failed_pods<'p>(
    failed: impl Iterator<Item = &'p Pod>,
    settled: &BTreeSet<i32>,
) -> BTreeMap<i32, &'p Pod> {
    let mut last: BTreeMap<i32, &Pod> = BTreeMap::new();
    for pod in failed {
        let Some(index) = completion_index(pod).filter(|i| !settled.contains(i)) else {
            continue;
        };
        let newer = last.get(&index).is_none_or(|previous| {
            absolute_failure_count(previous) <= absolute_failure_count(pod)
                && finished_at(pod) >= finished_at(previous)
        });
        if newer {
            last.insert(index, pod);
        }
    }
    last
}

/// `getNewIndexFailureCounts`: the (failure, ignored failure) counts a replacement of
/// `replaced` carries; a first pod starts at (0, 0).
pub fn replacement_counts(spec: &JobSpec, replaced: Option<&Pod>) -> (i32, i32) {
    let Some(pod) = replaced else {
        return (0, 0);
    };
    let (failures, ignored) = (
        annotation_count(pod, JOB_INDEX_FAILURE_COUNT),
        annotation_count(pod, JOB_INDEX_IGNORED_FAILURE_COUNT),
    );
    if match_pod(spec.pod_failure_policy.as_ref(), pod).counts() {
        (failures.saturating_add(1), ignored)
    } else {
        (failures, ignored.saturating_add(1))
    }
}

/// `getRemainingTimePerIndex`: seconds the index still waits after its last failed pod.
pub fn remaining_backoff(replaced: Option<&Pod>, now: Timestamp) -> i64 {
    let Some(pod) = replaced else {
        return 0;
    };
    let Some(finished) = finished_at(pod) else {
        return 0;
    };
    remaining_seconds(absolute_failure_count(pod).saturating_add(1), finished, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::{
        PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement, PodFailurePolicyRule,
    };
    use k8s_openapi::api::core::v1::{ContainerState, ContainerStateTerminated};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
    use kubeplay_model::{ContainerStatus, PodStatus};

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + second).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn failed(index: i32, failures: i32, exit_code: i32, finished: i64) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(format!("job-{index}-{failures}")),
                namespace: Some("default".into()),
                annotations: Some(
                    [
                        (JOB_COMPLETION_INDEX.to_string(), index.to_string()),
                        (JOB_INDEX_FAILURE_COUNT.to_string(), failures.to_string()),
                    ]
                    .into(),
                ),
                ..ObjectMeta::default()
            },
            spec: None,
            status: Some(PodStatus {
                phase: Some("Failed".into()),
                container_statuses: Some(vec![ContainerStatus {
                    name: "main".into(),
                    state: Some(
                        ContainerState {
                            terminated: Some(ContainerStateTerminated {
                                exit_code,
                                finished_at: Some(Time(at(finished))),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }
                        .into(),
                    ),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        }
    }

    fn per_index(limit: i32, policy: Option<PodFailurePolicy>) -> JobSpec {
        JobSpec {
            backoff_limit_per_index: Some(limit),
            pod_failure_policy: policy,
            ..JobSpec::default()
        }
    }

    fn exit_rule(action: &str, code: i32) -> PodFailurePolicy {
        PodFailurePolicy {
            rules: vec![PodFailurePolicyRule {
                action: action.into(),
                on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                    container_name: None,
                    operator: "In".into(),
                    values: vec![code],
                }),
                on_pod_conditions: None,
            }],
        }
    }

    #[test]
    fn intervals_round_trip() {
        let set: BTreeSet<i32> = [0, 1, 2, 4, 6, 7, 9].into();
        assert_eq!(render(&set), "0-2,4,6,7,9");
        assert_eq!(parse("0-2,4,6,7,9", 10), set);
        assert_eq!(parse("1,x-3,8-12", 10), [1, 8, 9].into());
        assert_eq!(render(&BTreeSet::new()), "");
    }

    fn fails(spec: &JobSpec, pod: &Pod) -> bool {
        let matched = match_pod(spec.pod_failure_policy.as_ref(), pod);
        fails_its_index(spec, pod, &matched)
    }

    #[test]
    fn an_index_fails_once_its_own_retries_are_used_up() {
        let spec = per_index(1, None);
        assert!(!fails(&spec, &failed(0, 0, 1, 0)));
        assert!(fails(&spec, &failed(0, 1, 1, 10)));
    }

    #[test]
    fn fail_index_rule_fails_at_once_and_ignore_never() {
        let spec = per_index(3, Some(exit_rule("FailIndex", 42)));
        assert!(fails(&spec, &failed(2, 0, 42, 0)));
        assert!(!fails(&spec, &failed(2, 0, 1, 0)));
        let spec = per_index(0, Some(exit_rule("Ignore", 42)));
        assert!(!fails(&spec, &failed(2, 5, 42, 0)));
    }

    #[test]
    fn replacements_inherit_counts_from_the_latest_failure_of_their_index() {
        let spec = per_index(2, Some(exit_rule("Ignore", 42)));
        let pods = [
            failed(0, 0, 1, 0),
            failed(0, 1, 1, 30),
            failed(1, 0, 42, 5),
            failed(3, 0, 1, 5),
        ];
        let settled: BTreeSet<i32> = [3].into();
        let last = last_failed_pods(pods.iter(), &settled);
        assert_eq!(last.keys().copied().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(replacement_counts(&spec, last.get(&0).copied()), (2, 0));
        assert_eq!(replacement_counts(&spec, last.get(&1).copied()), (0, 1));
        assert_eq!(replacement_counts(&spec, None), (0, 0));
    }

    #[test]
    fn each_index_backs_off_on_its_own() {
        // The second failure of an index waits 20 s from when it finished.
        let second = failed(0, 1, 1, 30);
        assert_eq!(remaining_backoff(Some(&second), at(35)), 15);
        let first = failed(1, 0, 1, 30);
        assert_eq!(remaining_backoff(Some(&first), at(35)), 5);
        assert_eq!(remaining_backoff(None, at(35)), 0);
    }
}
