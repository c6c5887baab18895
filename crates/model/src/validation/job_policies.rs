//! Validation of a Job's failure handling — `backoffLimitPerIndex`, `maxFailedIndexes`,
//! `podFailurePolicy` and `podReplacementPolicy` — with the messages of
//! `pkg/apis/batch/validation/validation.go`.

use k8s_openapi::api::batch::v1::{
    JobSpec, PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement,
    PodFailurePolicyOnPodConditionsPattern, PodFailurePolicyRule,
};

use super::meta::validate_non_negative;
use super::names::qualified_name_errors;
use crate::errors::FieldError;

/// Caps that keep `status.completedIndexes` and `status.failedIndexes` short.
const MAX_FAILED_INDEXES: i32 = 100_000;
const COMPLETIONS_SOFT_LIMIT: i32 = 100_000;
const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS: i32 = 10_000;
const MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS: i32 = 10_000;

/// List lengths the API allows (`maxPodFailurePolicyRules` and friends).
const MAX_RULES: usize = 20;
const MAX_EXIT_CODES: usize = 255;
const MAX_CONDITION_PATTERNS: usize = 20;

const ACTIONS: [&str; 4] = ["Count", "FailIndex", "FailJob", "Ignore"];
const OPERATORS: [&str; 2] = ["In", "NotIn"];
const CONDITION_STATUSES: [&str; 3] = ["False", "True", "Unknown"];

/// Go's `%q` of a string slice: `["A" "B"]`.
fn quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!("[{}]", quoted.join(" "))
}

/// Go's `%#v` of an `[]int32`.
fn go_int32s(values: &[i32]) -> String {
    let items: Vec<String> = values.iter().map(i32::to_string).collect();
    format!("[]int32{{{}}}", items.join(", "))
}

/// The per-index limits, checked right after `backoffLimit`.
pub fn validate_index_limits(spec: &JobSpec, errors: &mut Vec<FieldError>) {
    validate_non_negative(
        spec.backoff_limit_per_index,
        "spec.backoffLimitPerIndex",
        errors,
    );
    if spec.max_failed_indexes.is_some() {
        validate_non_negative(spec.max_failed_indexes, "spec.maxFailedIndexes", errors);
        if spec.backoff_limit_per_index.is_none() {
            errors.push(
                FieldError::required("spec.backoffLimitPerIndex")
                    .with_detail("when maxFailedIndexes is specified"),
            );
        }
    }
}

/// What the completion mode allows of the per-index limits, checked after the mode itself.
pub fn validate_index_limits_for_mode(spec: &JobSpec, errors: &mut Vec<FieldError>) {
    let mode = spec.completion_mode.as_deref();
    if mode == Some("Indexed") {
        if let (Some(completions), Some(max)) = (spec.completions, spec.max_failed_indexes)
            && max > completions
        {
            errors.push(FieldError::invalid(
                "spec.maxFailedIndexes",
                max.to_string(),
                "must be less than or equal to completions",
            ));
        }
        if let Some(max) = spec.max_failed_indexes.filter(|m| *m > MAX_FAILED_INDEXES) {
            errors.push(FieldError::invalid(
                "spec.maxFailedIndexes",
                max.to_string(),
                format!("must be less than or equal to {MAX_FAILED_INDEXES}"),
            ));
        }
        let high = spec.completions.is_some_and(|c| c > COMPLETIONS_SOFT_LIMIT);
        if high && spec.backoff_limit_per_index.is_some() {
            if spec.max_failed_indexes.is_none() {
                errors.push(
                    FieldError::required("spec.maxFailedIndexes").with_detail(&format!(
                        "must be specified when completions is above {COMPLETIONS_SOFT_LIMIT}"
                    )),
                );
            }
            let suffix = format!(
                "when completions are above {COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
            );
            if let Some(p) = spec
                .parallelism
                .filter(|p| *p > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS)
            {
                errors.push(FieldError::invalid(
                    "spec.parallelism",
                    p.to_string(),
                    format!("must be less than or equal to {PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} {suffix}"),
                ));
            }
            if let Some(m) = spec
                .max_failed_indexes
                .filter(|m| *m > MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS)
            {
                errors.push(FieldError::invalid(
                    "spec.maxFailedIndexes",
                    m.to_string(),
                    format!("must be less than or equal to {MAX_FAILED_INDEXES_FOR_HIGH_COMPLETIONS} {suffix}"),
                ));
            }
        }
    } else if mode.is_none_or(|m| m == "NonIndexed") {
        for (value, path) in [
            (spec.backoff_limit_per_index, "spec.backoffLimitPerIndex"),
            (spec.max_failed_indexes, "spec.maxFailedIndexes"),
        ] {
            if let Some(value) = value {
                errors.push(FieldError::invalid(
                    path,
                    value.to_string(),
                    "requires indexed completion mode",
                ));
            }
        }
    }
}

/// `podFailurePolicy` and `podReplacementPolicy`, checked before the pod template.
pub fn validate_failure_policies(spec: &JobSpec, errors: &mut Vec<FieldError>) {
    if let Some(policy) = &spec.pod_failure_policy {
        validate_pod_failure_policy(spec, policy, errors);
    }
    if let Some(replacement) = spec.pod_replacement_policy.as_deref() {
        let supported: &[&str] = if spec.pod_failure_policy.is_some() {
            &["Failed"]
        } else {
            &["Failed", "TerminatingOrFailed"]
        };
        if !supported.contains(&replacement) {
            errors.push(FieldError::unsupported(
                "spec.podReplacementPolicy",
                replacement,
                supported,
            ));
        }
    }
}

/// A pod failure policy needs pods that fail rather than restart in place; checked after the
/// template, once `Always` has been rejected.
pub fn validate_restart_policy_for_failure_policy(spec: &JobSpec, errors: &mut Vec<FieldError>) {
    let restart_policy = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref());
    if let Some(policy) = restart_policy.filter(|p| *p == "OnFailure")
        && spec.pod_failure_policy.is_some()
    {
        errors.push(FieldError::invalid(
            "spec.template.spec.restartPolicy",
            format!("{policy:?}"),
            "only \"Never\" is supported when podFailurePolicy is specified",
        ));
    }
}

fn validate_pod_failure_policy(
    spec: &JobSpec,
    policy: &PodFailurePolicy,
    errors: &mut Vec<FieldError>,
) {
    let containers: Vec<&str> = spec
        .template
        .spec
        .iter()
        .flat_map(|s| {
            s.containers
                .iter()
                .chain(s.init_containers.iter().flatten())
        })
        .map(|c| c.name.as_str())
        .collect();
    if policy.rules.len() > MAX_RULES {
        errors.push(FieldError::too_many(
            "spec.podFailurePolicy.rules",
            policy.rules.len(),
            MAX_RULES,
        ));
    }
    for (index, rule) in policy.rules.iter().enumerate() {
        let path = format!("spec.podFailurePolicy.rules[{index}]");
        validate_rule(spec, rule, &path, &containers, errors);
    }
}

fn validate_rule(
    spec: &JobSpec,
    rule: &PodFailurePolicyRule,
    path: &str,
    containers: &[&str],
    errors: &mut Vec<FieldError>,
) {
    let action_path = format!("{path}.action");
    match rule.action.as_str() {
        "" => errors.push(
            FieldError::required(action_path)
                .with_detail(&format!("valid values: {}", quoted_list(&ACTIONS))),
        ),
        "FailIndex" if spec.backoff_limit_per_index.is_none() => {
            errors.push(FieldError::invalid(
                action_path,
                "\"FailIndex\"",
                "requires the backoffLimitPerIndex to be set",
            ));
        }
        action if !ACTIONS.contains(&action) => {
            errors.push(FieldError::unsupported(action_path, action, &ACTIONS));
        }
        _ => {}
    }
    if let Some(on_exit_codes) = &rule.on_exit_codes {
        validate_on_exit_codes(
            on_exit_codes,
            &format!("{path}.onExitCodes"),
            containers,
            errors,
        );
    }
    let patterns = rule.on_pod_conditions.as_deref().unwrap_or_default();
    if !patterns.is_empty() {
        validate_on_pod_conditions(patterns, &format!("{path}.onPodConditions"), errors);
    }
    match (rule.on_exit_codes.is_some(), !patterns.is_empty()) {
        (true, true) => errors.push(omitted_value(
            path,
            "specifying both OnExitCodes and OnPodConditions is not supported",
        )),
        (false, false) => errors.push(omitted_value(
            path,
            "specifying one of OnExitCodes and OnPodConditions is required",
        )),
        _ => {}
    }
}

/// `field.Invalid(path, field.OmitValueType{}, detail)`: no value is printed.
fn omitted_value(path: &str, detail: &str) -> FieldError {
    FieldError {
        value: None,
        ..FieldError::invalid(path, "", detail)
    }
}

fn validate_on_exit_codes(
    requirement: &PodFailurePolicyOnExitCodesRequirement,
    path: &str,
    containers: &[&str],
    errors: &mut Vec<FieldError>,
) {
    let operator_path = format!("{path}.operator");
    match requirement.operator.as_str() {
        "" => errors.push(
            FieldError::required(operator_path)
                .with_detail(&format!("valid values: {}", quoted_list(&OPERATORS))),
        ),
        operator if !OPERATORS.contains(&operator) => {
            errors.push(FieldError::unsupported(operator_path, operator, &OPERATORS));
        }
        _ => {}
    }
    if let Some(name) = requirement
        .container_name
        .as_deref()
        .filter(|name| !containers.contains(name))
    {
        errors.push(FieldError::invalid(
            format!("{path}.containerName"),
            format!("{name:?}"),
            "must be one of the container or initContainer names in the pod template",
        ));
    }
    let values_path = format!("{path}.values");
    let values = &requirement.values;
    if values.is_empty() {
        errors.push(FieldError::invalid(
            &values_path,
            go_int32s(values),
            "at least one value is required",
        ));
    } else if values.len() > MAX_EXIT_CODES {
        errors.push(FieldError::too_many(
            &values_path,
            values.len(),
            MAX_EXIT_CODES,
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (index, value) in values.iter().enumerate() {
        let value_path = format!("{values_path}[{index}]");
        if requirement.operator == "In" && *value == 0 {
            errors.push(FieldError::invalid(
                &value_path,
                "0",
                "must not be 0 for the In operator",
            ));
        }
        if !seen.insert(*value) {
            errors.push(FieldError {
                value: Some(value.to_string()),
                ..FieldError::duplicate(&value_path, "")
            });
        }
    }
    if values.windows(2).any(|pair| pair[0] > pair[1]) {
        errors.push(FieldError::invalid(
            values_path,
            go_int32s(values),
            "must be ordered",
        ));
    }
}

fn validate_on_pod_conditions(
    patterns: &[PodFailurePolicyOnPodConditionsPattern],
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    if patterns.len() > MAX_CONDITION_PATTERNS {
        errors.push(FieldError::too_many(
            path,
            patterns.len(),
            MAX_CONDITION_PATTERNS,
        ));
    }
    for (index, pattern) in patterns.iter().enumerate() {
        let pattern_path = format!("{path}[{index}]");
        for problem in qualified_name_errors(&pattern.type_) {
            errors.push(FieldError::invalid(
                format!("{pattern_path}.type"),
                format!("{:?}", pattern.type_),
                problem,
            ));
        }
        let status_path = format!("{pattern_path}.status");
        match pattern.status.as_str() {
            "" => errors.push(FieldError::required(status_path).with_detail(&format!(
                "valid values: {}",
                quoted_list(&CONDITION_STATUSES)
            ))),
            status if !CONDITION_STATUSES.contains(&status) => errors.push(
                FieldError::unsupported(status_path, status, &CONDITION_STATUSES),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::defaults::defaulted;
    use crate::manifest::decode_documents;
    use crate::validation::validate;

    /// The API server's answer to creating the Job `spec` (indented YAML under `spec:`).
    fn create(spec: &str) -> String {
        let yaml =
            format!("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: job\nspec:\n{spec}");
        let object = match decode_documents(&yaml, "job.yaml").into_iter().next() {
            Some(Ok(document)) => document.object,
            other => panic!("not decoded: {other:?}"),
        };
        match validate(&defaulted(object)) {
            Err(error) => error.to_string(),
            Ok(()) => "created".to_string(),
        }
    }

    /// A selector as the API server generates it, so that only the policies are in question.
    const TEMPLATE: &str = "  selector:\n    matchLabels:\n      app: job\n  template:\n    metadata:\n      labels:\n        app: job\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: main\n        image: busybox\n";

    #[test]
    fn accepts_the_kubernetes_io_examples() {
        let policy = "  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes:\n        containerName: main\n        operator: In\n        values: [42]\n    - action: Ignore\n      onPodConditions:\n      - type: DisruptionTarget\n";
        assert_eq!(create(&format!("{policy}{TEMPLATE}")), "created");
        let per_index = "  completions: 10\n  parallelism: 3\n  completionMode: Indexed\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 5\n";
        assert_eq!(create(&format!("{per_index}{TEMPLATE}")), "created");
    }

    #[test]
    fn per_index_limits_need_indexed_completion() {
        assert_eq!(
            create(&format!(
                "  backoffLimitPerIndex: 1\n  maxFailedIndexes: 2\n{TEMPLATE}"
            )),
            "Job.batch \"job\" is invalid: [spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode, spec.maxFailedIndexes: Invalid value: 2: requires indexed completion mode]"
        );
        assert_eq!(
            create(&format!(
                "  completions: 3\n  completionMode: Indexed\n  maxFailedIndexes: 4\n{TEMPLATE}"
            )),
            "Job.batch \"job\" is invalid: [spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified, spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions]"
        );
    }

    #[test]
    fn pod_failure_policy_needs_restart_policy_never() {
        let policy = "  podFailurePolicy:\n    rules:\n    - action: Ignore\n      onExitCodes:\n        operator: In\n        values: [1]\n";
        let on_failure = TEMPLATE.replace("Never", "OnFailure");
        assert_eq!(
            create(&format!("{policy}{on_failure}")),
            "Job.batch \"job\" is invalid: spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified"
        );
    }

    #[test]
    fn rules_are_checked_like_the_api_server() {
        let policy = "  podFailurePolicy:\n    rules:\n    - action: FailIndex\n      onExitCodes:\n        containerName: sidecar\n        operator: In\n        values: [0, 3, 3, 1]\n    - action: Retry\n";
        assert_eq!(
            create(&format!("{policy}{TEMPLATE}")),
            "Job.batch \"job\" is invalid: [spec.podFailurePolicy.rules[0].action: Invalid value: \"FailIndex\": requires the backoffLimitPerIndex to be set, spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: \"sidecar\": must be one of the container or initContainer names in the pod template, spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator, spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3, spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{0, 3, 3, 1}: must be ordered, spec.podFailurePolicy.rules[1].action: Unsupported value: \"Retry\": supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\", spec.podFailurePolicy.rules[1]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required]"
        );
    }

    #[test]
    fn long_lists_are_too_many() {
        let rule = "    - action: Count\n      onExitCodes:\n        operator: NotIn\n        values: [1]\n";
        let policy = format!("  podFailurePolicy:\n    rules:\n{}", rule.repeat(21));
        assert_eq!(
            create(&format!("{policy}{TEMPLATE}")),
            "Job.batch \"job\" is invalid: spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items"
        );
    }

    #[test]
    fn replacement_policy_must_be_failed_with_a_failure_policy() {
        let policy = "  podReplacementPolicy: TerminatingOrFailed\n  podFailurePolicy:\n    rules:\n    - action: Count\n      onPodConditions:\n      - type: DisruptionTarget\n";
        assert_eq!(
            create(&format!("{policy}{TEMPLATE}")),
            "Job.batch \"job\" is invalid: spec.podReplacementPolicy: Unsupported value: \"TerminatingOrFailed\": supported values: \"Failed\""
        );
    }
}
