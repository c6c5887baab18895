//! `spec.podFailurePolicy` (`pod_failure_policy.go`): which rule a failed pod matches, and what
//! that means for the Job. Rules are tried in order and the first match wins; a pod that
//! matches no rule is counted like any other failure.

use k8s_openapi::api::batch::v1::{
    PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement,
    PodFailurePolicyOnPodConditionsPattern,
};
use k8s_openapi::api::core::v1::PodCondition;
use kubeplay_model::ContainerStatus;
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;

/// The action of the rule a failed pod matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyAction {
    FailJob,
    FailIndex,
    Ignore,
    Count,
}

impl PolicyAction {
    /// Unknown actions are skipped, as clients are told to do with actions added later.
    fn parse(action: &str) -> Option<PolicyAction> {
        match action {
            "FailJob" => Some(PolicyAction::FailJob),
            "FailIndex" => Some(PolicyAction::FailIndex),
            "Ignore" => Some(PolicyAction::Ignore),
            "Count" => Some(PolicyAction::Count),
            _ => None,
        }
    }
}

/// What the policy says about one failed pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyMatch {
    pub action: Option<PolicyAction>,
    /// The Job's failure message when a `FailJob` rule matched.
    pub fail_job_message: Option<String>,
}

impl PolicyMatch {
    const UNMATCHED: PolicyMatch = PolicyMatch {
        action: None,
        fail_job_message: None,
    };

    /// Whether the failure counts toward backoffLimit (and backoffLimitPerIndex): all but `Ignore`.
    pub fn counts(&self) -> bool {
        self.action != Some(PolicyAction::Ignore)
    }
}

/// `matchPodFailurePolicy`: the first rule the failed pod satisfies.
pub fn match_pod(policy: Option<&PodFailurePolicy>, pod: &Pod) -> PolicyMatch {
    let Some(policy) = policy else {
        return PolicyMatch::UNMATCHED;
    };
    for (index, rule) in policy.rules.iter().enumerate() {
        let Some(action) = PolicyAction::parse(&rule.action) else {
            continue;
        };
        let message = if let Some(requirement) = &rule.on_exit_codes {
            let Some(container) = matching_container(pod, requirement) else {
                continue;
            };
            format!(
                "Container {} for pod {}/{} failed with exit code {} matching {} rule at index {index}",
                container.name,
                pod.metadata.namespace_str(),
                pod.metadata.name_str(),
                exit_code(container).unwrap_or_default(),
                rule.action,
            )
        } else if let Some(patterns) = &rule.on_pod_conditions {
            let Some(condition) = matching_condition(pod, patterns) else {
                continue;
            };
            format!(
                "Pod {}/{} has condition {} matching {} rule at index {index}",
                pod.metadata.namespace_str(),
                pod.metadata.name_str(),
                condition.type_,
                rule.action,
            )
        } else {
            continue;
        };
        return PolicyMatch {
            action: Some(action),
            fail_job_message: (action == PolicyAction::FailJob).then_some(message),
        };
    }
    PolicyMatch::UNMATCHED
}

fn exit_code(status: &ContainerStatus) -> Option<i32> {
    Some(status.state.as_ref()?.terminated.as_ref()?.exit_code)
}

/// `matchOnExitCodes`: the first terminated container with a non-zero exit code the
/// requirement accepts, regular containers before init containers.
fn matching_container<'p>(
    pod: &'p Pod,
    requirement: &PodFailurePolicyOnExitCodesRequirement,
) -> Option<&'p ContainerStatus> {
    let status = pod.status.as_ref()?;
    status
        .container_statuses
        .iter()
        .flatten()
        .chain(status.init_container_statuses.iter().flatten())
        .find(|container| {
            let Some(code) = exit_code(container).filter(|code| *code != 0) else {
                return false;
            };
            requirement
                .container_name
                .as_ref()
                .is_none_or(|name| *name == container.name)
                && operator_matches(code, requirement)
        })
}

fn operator_matches(code: i32, requirement: &PodFailurePolicyOnExitCodesRequirement) -> bool {
    match requirement.operator.as_str() {
        "In" => requirement.values.contains(&code),
        "NotIn" => !requirement.values.contains(&code),
        _ => false,
    }
}

/// `matchOnPodConditions`: the first pod condition any pattern names with the same status.
fn matching_condition<'p>(
    pod: &'p Pod,
    patterns: &[PodFailurePolicyOnPodConditionsPattern],
) -> Option<&'p PodCondition> {
    pod.status.as_ref()?.conditions().iter().find(|c| {
        patterns
            .iter()
            .any(|p| p.type_ == c.type_ && p.status == c.status)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::PodFailurePolicyRule;
    use k8s_openapi::api::core::v1::{ContainerState, ContainerStateTerminated};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use kubeplay_model::PodStatus;

    fn failed_pod(containers: &[(&str, i32)], conditions: &[(&str, &str)]) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some("job-abcde".into()),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            spec: None,
            status: Some(PodStatus {
                phase: Some("Failed".into()),
                container_statuses: Some(
                    containers
                        .iter()
                        .map(|(name, code)| ContainerStatus {
                            name: (*name).into(),
                            state: Some(
                                ContainerState {
                                    terminated: Some(ContainerStateTerminated {
                                        exit_code: *code,
                                        ..Default::default()
                                    }),
                                    ..Default::default()
                                }
                                .into(),
                            ),
                            ..Default::default()
                        })
                        .collect(),
                ),
                conditions: Some(
                    conditions
                        .iter()
                        .map(|(type_, status)| PodCondition {
                            type_: (*type_).into(),
                            status: (*status).into(),
                            ..Default::default()
                        })
                        .collect::<Vec<_>>()
                        .into(),
                ),
                ..Default::default()
            }),
        }
    }

    fn exit_rule(
        action: &str,
        container: Option<&str>,
        operator: &str,
        values: &[i32],
    ) -> PodFailurePolicyRule {
        PodFailurePolicyRule {
            action: action.into(),
            on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                container_name: container.map(Into::into),
                operator: operator.into(),
                values: values.to_vec(),
            }),
            on_pod_conditions: None,
        }
    }

    fn condition_rule(action: &str, type_: &str) -> PodFailurePolicyRule {
        PodFailurePolicyRule {
            action: action.into(),
            on_exit_codes: None,
            on_pod_conditions: Some(vec![PodFailurePolicyOnPodConditionsPattern {
                type_: type_.into(),
                status: "True".into(),
            }]),
        }
    }

    fn policy(rules: Vec<PodFailurePolicyRule>) -> PodFailurePolicy {
        PodFailurePolicy { rules }
    }

    #[test]
    fn fail_job_on_exit_code_names_container_pod_and_rule() {
        let policy = policy(vec![
            exit_rule("FailJob", Some("main"), "In", &[42]),
            condition_rule("Ignore", "DisruptionTarget"),
        ]);
        let matched = match_pod(Some(&policy), &failed_pod(&[("main", 42)], &[]));
        assert_eq!(matched.action, Some(PolicyAction::FailJob));
        assert_eq!(
            matched.fail_job_message.as_deref(),
            Some(
                "Container main for pod default/job-abcde failed with exit code 42 matching FailJob rule at index 0"
            )
        );
        assert!(matched.counts());
    }

    #[test]
    fn first_matching_rule_wins() {
        let policy = policy(vec![
            exit_rule("Count", None, "NotIn", &[42]),
            exit_rule("FailJob", None, "In", &[1, 42]),
        ]);
        let counted = match_pod(Some(&policy), &failed_pod(&[("main", 1)], &[]));
        assert_eq!(counted.action, Some(PolicyAction::Count));
        assert_eq!(counted.fail_job_message, None);
        let failed = match_pod(Some(&policy), &failed_pod(&[("main", 42)], &[]));
        assert_eq!(failed.action, Some(PolicyAction::FailJob));
    }

    #[test]
    fn container_name_restricts_the_exit_code_rule() {
        let policy = policy(vec![exit_rule("FailJob", Some("sidecar"), "In", &[42])]);
        let matched = match_pod(
            Some(&policy),
            &failed_pod(&[("main", 42), ("sidecar", 1)], &[]),
        );
        assert_eq!(matched.action, None);
        assert!(matched.counts());
    }

    #[test]
    fn exit_code_zero_never_matches_not_in() {
        let policy = policy(vec![exit_rule("FailIndex", None, "NotIn", &[1])]);
        assert_eq!(
            match_pod(Some(&policy), &failed_pod(&[("main", 0)], &[])).action,
            None
        );
        assert_eq!(
            match_pod(Some(&policy), &failed_pod(&[("main", 0), ("b", 3)], &[])).action,
            Some(PolicyAction::FailIndex)
        );
    }

    #[test]
    fn ignored_disruptions_do_not_count() {
        let policy = policy(vec![condition_rule("Ignore", "DisruptionTarget")]);
        let disrupted = failed_pod(&[("main", 137)], &[("DisruptionTarget", "True")]);
        let matched = match_pod(Some(&policy), &disrupted);
        assert_eq!(matched.action, Some(PolicyAction::Ignore));
        assert!(!matched.counts());
        let not_disrupted = failed_pod(&[("main", 137)], &[("DisruptionTarget", "False")]);
        assert!(match_pod(Some(&policy), &not_disrupted).counts());
    }

    #[test]
    fn fail_job_on_condition_has_its_own_message() {
        let policy = policy(vec![condition_rule("FailJob", "DisruptionTarget")]);
        let pod = failed_pod(&[("main", 137)], &[("DisruptionTarget", "True")]);
        assert_eq!(
            match_pod(Some(&policy), &pod).fail_job_message.as_deref(),
            Some(
                "Pod default/job-abcde has condition DisruptionTarget matching FailJob rule at index 0"
            )
        );
    }

    #[test]
    fn unknown_actions_are_skipped() {
        let policy = policy(vec![
            exit_rule("Retry", None, "In", &[42]),
            exit_rule("Ignore", None, "In", &[42]),
        ]);
        let matched = match_pod(Some(&policy), &failed_pod(&[("main", 42)], &[]));
        assert_eq!(matched.action, Some(PolicyAction::Ignore));
    }
}
