//! PodDisruptionBudget validation (`pkg/apis/policy/validation`).

use k8s_openapi::api::policy::v1::PodDisruptionBudget;

use super::apps::{validate_not_more_than_100_percent, validate_positive_int_or_percent};
use super::meta::{NameRule, validate_meta};
use crate::errors::FieldError;
use crate::selector::Selector;

pub(super) fn validate_pod_disruption_budget(
    pdb: &PodDisruptionBudget,
    errors: &mut Vec<FieldError>,
) {
    validate_meta(&pdb.metadata, NameRule::Subdomain, true, errors);
    let Some(spec) = &pdb.spec else {
        return;
    };
    if spec.min_available.is_some() && spec.max_unavailable.is_some() {
        // The server prints the whole Go struct (with pointer addresses) as the value.
        errors.push(FieldError::invalid(
            "spec",
            "{minAvailable, maxUnavailable}",
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    // ValidatePodDisruptionBudgetSpec: apps' ValidatePositiveIntOrPercent and
    // IsNotMoreThan100Percent on each bound that is set.
    for (value, path) in [
        (&spec.min_available, "spec.minAvailable"),
        (&spec.max_unavailable, "spec.maxUnavailable"),
    ] {
        if let Some(value) = value {
            validate_positive_int_or_percent(value, path, errors);
            validate_not_more_than_100_percent(value, path, errors);
        }
    }
    if let Some(selector) = &spec.selector
        && let Err(error) = Selector::from_label_selector(Some(selector))
    {
        errors.push(FieldError::invalid("spec.selector", "", error.to_string()));
    }
    if let Some(policy) = spec
        .unhealthy_pod_eviction_policy
        .as_deref()
        .filter(|p| !["IfHealthyBudget", "AlwaysAllow"].contains(p))
    {
        errors.push(FieldError::unsupported(
            "spec.unhealthyPodEvictionPolicy",
            policy,
            &["AlwaysAllow", "IfHealthyBudget"],
        ));
    }
}
