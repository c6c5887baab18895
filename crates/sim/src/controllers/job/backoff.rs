//! Pod-failure back-off (`backoff_utils.go`): replacements for failed pods wait
//! 10 s × 2^(failures−1), capped at 10 minutes, counted from when the last failure finished.

use jiff::Timestamp;
use kubeplay_model::Pod;

/// `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff`, in seconds.
const INITIAL_S: i64 = 10;
const MAX_S: i64 = 600;

/// `getFinishedTime`: the latest container finish when every container finished, else when
/// the pod stopped being Ready, else when its deletion began, else its creation.
pub fn finished_at(pod: &Pod) -> Option<Timestamp> {
    let status = pod.status.as_ref();
    let containers: Option<Vec<Timestamp>> = status
        .and_then(|s| s.container_statuses.as_ref())
        .filter(|statuses| !statuses.is_empty())
        .and_then(|statuses| {
            statuses
                .iter()
                .map(|c| {
                    Some(
                        c.state
                            .as_ref()?
                            .terminated
                            .as_ref()?
                            .finished_at
                            .as_ref()?
                            .0,
                    )
                })
                .collect()
        });
    if let Some(latest) = containers.and_then(|times| times.into_iter().max()) {
        return Some(latest);
    }
    let not_ready = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|conditions| conditions.iter().find(|c| c.type_ == "Ready"))
        .filter(|c| c.status == "False")
        .and_then(|c| c.last_transition_time.as_ref());
    if let Some(since) = not_ready {
        return Some(since.0);
    }
    if let Some(deleted) = &pod.metadata.deletion_timestamp {
        let grace = pod.metadata.deletion_grace_period_seconds.unwrap_or(0);
        return Some(Timestamp::from_second(deleted.0.as_second() - grace).unwrap_or(deleted.0));
    }
    pod.metadata.creation_timestamp.as_ref().map(|t| t.0)
}

/// Seconds before a replacement may start after `failures` consecutive failures, the last
/// of which finished at `last_failure`; 0 or less means now.
pub fn remaining_seconds(failures: i32, last_failure: Timestamp, now: Timestamp) -> i64 {
    if failures <= 0 {
        return 0;
    }
    let delay = (INITIAL_S << (failures - 1).clamp(0, 16)).min(MAX_S);
    last_failure.as_second() + delay - now.as_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + second).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn delay_doubles_from_ten_seconds_up_to_ten_minutes() {
        assert_eq!(remaining_seconds(0, at(0), at(0)), 0);
        assert_eq!(remaining_seconds(1, at(0), at(0)), 10);
        assert_eq!(remaining_seconds(2, at(0), at(5)), 15);
        assert_eq!(remaining_seconds(7, at(0), at(0)), 600);
        assert_eq!(remaining_seconds(30, at(0), at(0)), 600);
        assert!(remaining_seconds(1, at(0), at(10)) <= 0);
    }
}
