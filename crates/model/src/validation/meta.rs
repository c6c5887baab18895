//! Object metadata (`apimachinery`'s ObjectMeta and LabelSelector validation): names by their
//! kind's rule, labels, annotations and their size, selectors, and Go's `%#v` renderings that
//! messages quote.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::names::{
    dns1035_label_errors, dns1123_label_errors, dns1123_subdomain_errors, label_value_errors,
    qualified_name_errors,
};
use crate::errors::FieldError;

/// Renders a string map as Go's `%#v` does: `map[string]string{"app":"web"}`.
pub fn go_map(map: Option<&BTreeMap<String, String>>) -> String {
    match map {
        None => "map[string]string(nil)".to_string(),
        Some(map) => {
            let entries: Vec<String> = map.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
            format!("map[string]string{{{}}}", entries.join(", "))
        }
    }
}

/// Renders a selector as Go's `%#v` of `v1.LabelSelector`.
pub fn go_label_selector(selector: &LabelSelector) -> String {
    let expressions = match &selector.match_expressions {
        // An empty list is how the decoder marks a written `selector: {}` (see
        // `manifest::mark_empty_selector`), whose Go value holds a nil slice.
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(list) if list.is_empty() => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(list) => {
            let items: Vec<String> = list
                .iter()
                .map(|e| {
                    let values: Vec<String> = e.values.iter().flatten().map(|v| format!("{v:?}")).collect();
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{:?}, Operator:{:?}, Values:[]string{{{}}}}}",
                        e.key,
                        e.operator,
                        values.join(", ")
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        go_map(selector.match_labels.as_ref()),
        expressions
    )
}

/// Which name rule a kind's `metadata.name` follows.
#[derive(Clone, Copy)]
pub(super) enum NameRule {
    Subdomain,
    Label,
    Dns1035,
}

pub(super) fn validate_meta(
    meta: &ObjectMeta,
    rule: NameRule,
    namespaced: bool,
    errors: &mut Vec<FieldError>,
) {
    match meta.name.as_deref() {
        None | Some("") => {
            if meta.generate_name.is_none() {
                errors.push(
                    FieldError::required("metadata.name")
                        .with_detail("name or generateName is required"),
                );
            }
        }
        Some(name) => {
            let problems = match rule {
                NameRule::Subdomain => dns1123_subdomain_errors(name),
                NameRule::Label => dns1123_label_errors(name),
                NameRule::Dns1035 => dns1035_label_errors(name),
            };
            for problem in problems {
                errors.push(FieldError::invalid(
                    "metadata.name",
                    format!("{name:?}"),
                    problem,
                ));
            }
        }
    }
    if namespaced && let Some(namespace) = meta.namespace.as_deref() {
        for problem in dns1123_label_errors(namespace) {
            errors.push(FieldError::invalid(
                "metadata.namespace",
                format!("{namespace:?}"),
                problem,
            ));
        }
    }
    validate_labels(meta.labels.as_ref(), "metadata.labels", errors);
    validate_annotations(meta.annotations.as_ref(), errors);
}

/// `TotalAnnotationSizeLimitB` (apimachinery's ObjectMeta validation): keys and values together.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// `ValidateAnnotations`: keys are qualified names (case does not matter) and all of them
/// together, with their values, fit in 256 KiB.
pub(super) fn validate_annotations(
    annotations: Option<&BTreeMap<String, String>>,
    errors: &mut Vec<FieldError>,
) {
    let annotations = annotations.into_iter().flatten();
    let mut total = 0usize;
    for (key, value) in annotations {
        for problem in qualified_name_errors(&key.to_lowercase()) {
            errors.push(FieldError::invalid(
                "metadata.annotations",
                format!("{key:?}"),
                problem,
            ));
        }
        total = total.saturating_add(key.len() + value.len());
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errors.push(FieldError::too_long(
            "metadata.annotations",
            TOTAL_ANNOTATION_SIZE_LIMIT,
        ));
    }
}

pub(super) fn validate_labels(
    labels: Option<&BTreeMap<String, String>>,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    for (key, value) in labels.into_iter().flatten() {
        for problem in qualified_name_errors(key) {
            errors.push(FieldError::invalid(path, format!("{key:?}"), problem));
        }
        for problem in label_value_errors(value) {
            errors.push(FieldError::invalid(path, format!("{value:?}"), problem));
        }
    }
}

impl FieldError {
    pub(super) fn with_detail(mut self, detail: &str) -> FieldError {
        self.detail = detail.to_string();
        self
    }
}

/// k8s-openapi decodes an absent `spec.selector` as an empty one; like the API server's nil
/// selector, it is then required and matches nothing.
pub(super) fn is_unset(selector: &LabelSelector) -> bool {
    selector.match_labels.is_none() && selector.match_expressions.is_none()
}

/// A workload's `spec.selector`: required, valid, and not empty (`workload` names the kind
/// in the message as `pkg/apis/apps/validation` does: a ReplicaSet's says "deployment").
pub(super) fn validate_selector(
    selector: &LabelSelector,
    workload: &str,
    errors: &mut Vec<FieldError>,
) {
    if is_unset(selector) {
        errors.push(FieldError::required("spec.selector"));
        return;
    }
    validate_labels(
        selector.match_labels.as_ref(),
        "spec.selector.matchLabels",
        errors,
    );
    validate_not_empty_selector(selector, workload, errors);
}

pub(super) fn validate_not_empty_selector(
    selector: &LabelSelector,
    workload: &str,
    errors: &mut Vec<FieldError>,
) {
    if selector
        .match_labels
        .as_ref()
        .is_none_or(BTreeMap::is_empty)
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(Vec::is_empty)
    {
        errors.push(FieldError::invalid(
            "spec.selector",
            go_label_selector(selector),
            format!("empty selector is invalid for {workload}"),
        ));
    }
}

pub(super) fn validate_non_negative(value: Option<i32>, path: &str, errors: &mut Vec<FieldError>) {
    if let Some(value) = value.filter(|v| *v < 0) {
        errors.push(FieldError::invalid(
            path,
            value.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}

/// `ValidateLabelSelector` (`apis/meta/v1/validation`): the labels of `matchLabels`, and each
/// of `matchExpressions` with an operator, the values it needs, a valid key and valid values.
pub(super) fn validate_label_selector(
    selector: &LabelSelector,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    validate_labels(
        selector.match_labels.as_ref(),
        &format!("{path}.matchLabels"),
        errors,
    );
    for (index, requirement) in selector.match_expressions.iter().flatten().enumerate() {
        let path = format!("{path}.matchExpressions[{index}]");
        let values = requirement.values.as_deref().unwrap_or_default();
        match requirement.operator.as_str() {
            "In" | "NotIn" if values.is_empty() => errors.push(
                FieldError::required(format!("{path}.values"))
                    .with_detail("must be specified when `operator` is 'In' or 'NotIn'"),
            ),
            "Exists" | "DoesNotExist" if !values.is_empty() => errors.push(FieldError::forbidden(
                format!("{path}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            operator => errors.push(FieldError::invalid(
                format!("{path}.operator"),
                format!("{operator:?}"),
                "not a valid selector operator",
            )),
        }
        for problem in qualified_name_errors(&requirement.key) {
            errors.push(FieldError::invalid(
                format!("{path}.key"),
                format!("{:?}", requirement.key),
                problem,
            ));
        }
        for (value_index, value) in values.iter().enumerate() {
            for problem in label_value_errors(value) {
                errors.push(FieldError::invalid(
                    format!("{path}.values[{value_index}]"),
                    format!("{value:?}"),
                    problem,
                ));
            }
        }
    }
}
