//! The apps group (`pkg/apis/apps/validation`): Deployments, ReplicaSets, DaemonSets and
//! StatefulSet update strategies, with their int-or-percent fields.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, DeploymentStrategy, ReplicaSet};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::core::{validate_selector_matches_template, validate_template, validate_template_spec};
use super::meta::{
    NameRule, is_unset, validate_labels, validate_meta, validate_non_negative,
    validate_not_empty_selector, validate_selector,
};
use crate::errors::FieldError;
use crate::intstr;

pub(super) const PERCENT_FORMAT: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/// `ValidatePositiveIntOrPercent` (pkg/apis/apps/validation): a valid percent string, or a
/// non-negative integer. The struct is shown with Go's `%#v`.
pub(super) fn validate_positive_int_or_percent(
    value: &IntOrString,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    match value {
        IntOrString::Int(int) => validate_non_negative(Some(*int), path, errors),
        IntOrString::String(text) => {
            if intstr::valid_percent(text).is_none() {
                errors.push(FieldError::invalid(
                    path,
                    intstr::go_struct(value),
                    PERCENT_FORMAT,
                ));
            }
        }
    }
}

/// `IsNotMoreThan100Percent`: only valid percent strings are checked.
pub(super) fn validate_not_more_than_100_percent(
    value: &IntOrString,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    if let IntOrString::String(text) = value
        && intstr::valid_percent(text).is_some_and(|p| p > 100)
    {
        errors.push(FieldError::invalid(
            path,
            intstr::go_struct(value),
            "must not be greater than 100%",
        ));
    }
}

/// `validateRollingUpdateStatefulSet`'s checks of `maxUnavailable`.
pub(super) fn validate_stateful_set_max_unavailable(
    value: &IntOrString,
    errors: &mut Vec<FieldError>,
) {
    const PATH: &str = "spec.updateStrategy.rollingUpdate.maxUnavailable";
    validate_positive_int_or_percent(value, PATH, errors);
    if intstr::int_or_percent_value(value) == 0 {
        errors.push(FieldError::invalid(
            PATH,
            intstr::go_struct(value),
            "cannot be 0",
        ));
    }
    validate_not_more_than_100_percent(value, PATH, errors);
}

/// `validateStatefulSetUpdateStrategy` and `validateRollingUpdateStatefulSet`.
pub(super) fn validate_stateful_set_update_strategy(
    strategy: &k8s_openapi::api::apps::v1::StatefulSetUpdateStrategy,
    errors: &mut Vec<FieldError>,
) {
    const PATH: &str = "spec.updateStrategy";
    match strategy.type_.as_deref() {
        Some("OnDelete") if let Some(rolling) = &strategy.rolling_update => {
            // The struct's `%#v`; a set maxUnavailable is a pointer, whose address the real
            // server prints and which differs from run to run.
            let max_unavailable = if rolling.max_unavailable.is_some() {
                "0xc000a3c1d0"
            } else {
                "nil"
            };
            errors.push(FieldError::invalid(
                format!("{PATH}.rollingUpdate"),
                format!(
                    "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:(*intstr.IntOrString)({max_unavailable})}}",
                    rolling.partition.unwrap_or(0)
                ),
                "only allowed for updateStrategy 'RollingUpdate'",
            ));
        }
        None | Some("OnDelete" | "RollingUpdate") => {}
        Some(other) => errors.push(FieldError::unsupported(
            format!("{PATH}.type"),
            other,
            &["OnDelete", "RollingUpdate"],
        )),
    }
    if let Some(rolling) = &strategy.rolling_update {
        validate_non_negative(
            rolling.partition,
            &format!("{PATH}.rollingUpdate.partition"),
            errors,
        );
        // Present only when MaxUnavailableStatefulSet is on (the API server drops it
        // otherwise), so it is validated whenever it is there.
        if let Some(value) = &rolling.max_unavailable {
            validate_stateful_set_max_unavailable(value, errors);
        }
    }
}

/// The internal API types hold these as values, so an absent one is the zero `IntOrString`.
pub(super) fn or_zero(value: Option<&IntOrString>) -> IntOrString {
    value.cloned().unwrap_or(IntOrString::Int(0))
}

pub(super) fn validate_strategy(
    strategy: Option<&DeploymentStrategy>,
    errors: &mut Vec<FieldError>,
) {
    let Some(strategy) = strategy else { return };
    match strategy.type_.as_deref() {
        Some("Recreate") => {
            if strategy.rolling_update.is_some() {
                errors.push(FieldError::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        Some("RollingUpdate") | None => {
            if let Some(rolling) = &strategy.rolling_update {
                validate_rolling_update_deployment(rolling, errors);
            }
        }
        Some(other) => errors.push(FieldError::unsupported(
            "spec.strategy.type",
            other,
            &["Recreate", "RollingUpdate"],
        )),
    }
}

/// `ValidateRollingUpdateDeployment`: only `maxUnavailable` is capped at 100%; a surge of
/// 200% is valid.
pub(super) fn validate_rolling_update_deployment(
    rolling: &k8s_openapi::api::apps::v1::RollingUpdateDeployment,
    errors: &mut Vec<FieldError>,
) {
    const PATH: &str = "spec.strategy.rollingUpdate";
    let max_unavailable = or_zero(rolling.max_unavailable.as_ref());
    let max_surge = or_zero(rolling.max_surge.as_ref());
    validate_positive_int_or_percent(&max_unavailable, &format!("{PATH}.maxUnavailable"), errors);
    validate_positive_int_or_percent(&max_surge, &format!("{PATH}.maxSurge"), errors);
    if intstr::int_or_percent_value(&max_unavailable) == 0
        && intstr::int_or_percent_value(&max_surge) == 0
    {
        errors.push(FieldError::invalid(
            format!("{PATH}.maxUnavailable"),
            intstr::go_struct(&max_unavailable),
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    validate_not_more_than_100_percent(&max_unavailable, &format!("{PATH}.maxUnavailable"), errors);
}

pub(super) fn validate_deployment(deployment: &Deployment, errors: &mut Vec<FieldError>) {
    validate_meta(&deployment.metadata, NameRule::Subdomain, true, errors);
    let Some(spec) = &deployment.spec else {
        errors.push(FieldError::required("spec.selector"));
        return;
    };
    validate_non_negative(spec.replicas, "spec.replicas", errors);
    validate_selector(&spec.selector, "deployment", errors);
    validate_template(&spec.template, &spec.selector, &["Always"], errors);
    validate_strategy(spec.strategy.as_ref(), errors);
    validate_non_negative(
        spec.revision_history_limit,
        "spec.revisionHistoryLimit",
        errors,
    );
    validate_non_negative(spec.min_ready_seconds, "spec.minReadySeconds", errors);
    if let Some(deadline) = spec.progress_deadline_seconds {
        validate_non_negative(Some(deadline), "spec.progressDeadlineSeconds", errors);
        if deadline <= spec.min_ready_seconds.unwrap_or(0) {
            errors.push(FieldError::invalid(
                "spec.progressDeadlineSeconds",
                deadline.to_string(),
                "must be greater than minReadySeconds",
            ));
        }
    }
}

pub(super) fn validate_replica_set(replica_set: &ReplicaSet, errors: &mut Vec<FieldError>) {
    validate_meta(&replica_set.metadata, NameRule::Subdomain, true, errors);
    let Some(spec) = &replica_set.spec else {
        errors.push(FieldError::required("spec.selector"));
        return;
    };
    validate_non_negative(spec.replicas, "spec.replicas", errors);
    validate_selector(&spec.selector, "deployment", errors);
    match &spec.template {
        Some(template) => validate_template(template, &spec.selector, &["Always"], errors),
        None => errors.push(FieldError::required("spec.template")),
    }
}

pub(super) fn validate_daemon_set(daemon_set: &DaemonSet, errors: &mut Vec<FieldError>) {
    validate_meta(&daemon_set.metadata, NameRule::Subdomain, true, errors);
    let Some(spec) = &daemon_set.spec else {
        errors.push(FieldError::required("spec.selector"));
        return;
    };
    // `ValidateDaemonSetSpec`'s order: the selector, whether it matches the template's labels
    // (an absent selector is not required as such: it matches no template), whether it is
    // empty, then the template itself.
    validate_labels(
        spec.selector.match_labels.as_ref(),
        "spec.selector.matchLabels",
        errors,
    );
    validate_selector_matches_template(&spec.template, &spec.selector, errors);
    if !is_unset(&spec.selector) {
        validate_not_empty_selector(&spec.selector, "daemonset", errors);
    }
    validate_template_spec(&spec.template, &["Always"], errors);
    if let Some(strategy) = &spec.update_strategy {
        match strategy.type_.as_deref() {
            None | Some("OnDelete") => {}
            Some("RollingUpdate") => {
                if let Some(rolling) = &strategy.rolling_update {
                    validate_daemon_set_rolling_update(rolling, errors);
                }
            }
            Some(other) => errors.push(FieldError::unsupported(
                "spec.updateStrategy.type",
                other,
                &["OnDelete", "RollingUpdate"],
            )),
        }
    }
}

/// `ValidateRollingUpdateDaemonSet`: each within 0..=100%, and exactly one of them non-zero.
pub(super) fn validate_daemon_set_rolling_update(
    rolling: &k8s_openapi::api::apps::v1::RollingUpdateDaemonSet,
    errors: &mut Vec<FieldError>,
) {
    const PATH: &str = "spec.updateStrategy.rollingUpdate";
    let max_unavailable = or_zero(rolling.max_unavailable.as_ref());
    let max_surge = or_zero(rolling.max_surge.as_ref());
    let unavailable_path = format!("{PATH}.maxUnavailable");
    let surge_path = format!("{PATH}.maxSurge");
    validate_positive_int_or_percent(&max_unavailable, &unavailable_path, errors);
    validate_positive_int_or_percent(&max_surge, &surge_path, errors);
    validate_not_more_than_100_percent(&max_unavailable, &unavailable_path, errors);
    validate_not_more_than_100_percent(&max_surge, &surge_path, errors);
    let has_unavailable = intstr::int_or_percent_value(&max_unavailable) != 0;
    let has_surge = intstr::int_or_percent_value(&max_surge) != 0;
    match (has_unavailable, has_surge) {
        (true, true) => errors.push(FieldError::invalid(
            surge_path,
            intstr::go_struct(&max_surge),
            "may not be set when maxUnavailable is non-zero",
        )),
        (false, false) => errors.push(FieldError {
            detail: "cannot be 0 when maxSurge is 0".into(),
            ..FieldError::required(unavailable_path)
        }),
        _ => {}
    }
}
