//! Validation as the API server does it, with its field paths and messages
//! (`k8s.io/apimachinery/pkg/util/validation`, `pkg/apis/{core,apps}/validation`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, DeploymentStrategy, ReplicaSet};
use k8s_openapi::api::core::v1::{Container, Namespace, Pod, PodSpec, PodTemplateSpec, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::errors::{ApiError, FieldError};
use crate::intstr;
use crate::object::Object;
use crate::quantity::Quantity;
use crate::selector::Selector;

mod job_policies;
mod policy;

const DNS1123_SUBDOMAIN_MESSAGE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_LABEL_MESSAGE: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MESSAGE: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_NAME_MESSAGE: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

fn is_dns1123_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

pub fn dns1123_label_errors(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > 63 {
        errors.push("must be no more than 63 characters".to_string());
    }
    if !is_dns1123_label(text) {
        errors.push(DNS1123_LABEL_MESSAGE.to_string());
    }
    errors
}

pub fn dns1123_subdomain_errors(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > 253 {
        errors.push("must be no more than 253 characters".to_string());
    }
    if !text.split('.').all(is_dns1123_label) {
        errors.push(DNS1123_SUBDOMAIN_MESSAGE.to_string());
    }
    errors
}

pub fn dns1035_label_errors(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > 63 {
        errors.push("must be no more than 63 characters".to_string());
    }
    if !(is_dns1123_label(text) && text.as_bytes().first().is_some_and(u8::is_ascii_lowercase)) {
        errors.push(DNS1035_LABEL_MESSAGE.to_string());
    }
    errors
}

fn is_label_value(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.is_empty()
        || (bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
            && bytes.last().is_some_and(u8::is_ascii_alphanumeric))
}

pub fn label_value_errors(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > 63 {
        errors.push("must be no more than 63 characters".to_string());
    }
    if !is_label_value(text) {
        errors.push(LABEL_VALUE_MESSAGE.to_string());
    }
    errors
}

/// A label or annotation key: `[prefix/]name`.
pub fn qualified_name_errors(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let (prefix, name) = match text.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, text),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            errors.push("prefix part must be non-empty".to_string());
        } else {
            errors.extend(
                dns1123_subdomain_errors(prefix)
                    .into_iter()
                    .map(|e| format!("prefix part {e}")),
            );
        }
    }
    if name.is_empty() {
        errors.push("name part must be non-empty".to_string());
    } else {
        if name.len() > 63 {
            errors.push("name part must be no more than 63 characters".to_string());
        }
        if !(is_label_value(name)) {
            errors.push(QUALIFIED_NAME_MESSAGE.to_string());
        }
    }
    errors
}

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
enum NameRule {
    Subdomain,
    Label,
    Dns1035,
}

fn validate_meta(
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
fn validate_annotations(
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

fn validate_labels(
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
    fn with_detail(mut self, detail: &str) -> FieldError {
        self.detail = detail.to_string();
        self
    }
}

fn validate_container(
    container: &Container,
    path: &str,
    names: &mut BTreeSet<String>,
    errors: &mut Vec<FieldError>,
) {
    if container.name.is_empty() {
        errors.push(FieldError::required(format!("{path}.name")));
    } else {
        for problem in dns1123_label_errors(&container.name) {
            errors.push(FieldError::invalid(
                format!("{path}.name"),
                format!("{:?}", container.name),
                problem,
            ));
        }
        if !names.insert(container.name.clone()) {
            errors.push(FieldError::duplicate(
                format!("{path}.name"),
                &container.name,
            ));
        }
    }
    if container
        .image
        .as_deref()
        .is_none_or(|image| image.trim().is_empty())
    {
        errors.push(FieldError::required(format!("{path}.image")));
    }
    if let Some(policy) = container.image_pull_policy.as_deref()
        && !["Always", "IfNotPresent", "Never"].contains(&policy)
    {
        errors.push(FieldError::unsupported(
            format!("{path}.imagePullPolicy"),
            policy,
            &["Always", "IfNotPresent", "Never"],
        ));
    }
    for (index, port) in container.ports.iter().flatten().enumerate() {
        if !(1..=65535).contains(&port.container_port) {
            errors.push(FieldError::invalid(
                format!("{path}.ports[{index}].containerPort"),
                port.container_port.to_string(),
                "must be between 1 and 65535, inclusive",
            ));
        }
    }
    for (index, env) in container.env.iter().flatten().enumerate() {
        if env.name.is_empty() {
            errors.push(FieldError::required(format!("{path}.env[{index}].name")));
        }
    }
    if let Some(resources) = &container.resources {
        for (field, list) in [
            ("limits", &resources.limits),
            ("requests", &resources.requests),
        ] {
            for (name, quantity) in list.iter().flatten() {
                if Quantity::parse(&quantity.0).is_some_and(|q| q.milli() < 0) {
                    errors.push(FieldError::invalid(
                        format!("{path}.resources.{field}[{name}]"),
                        format!("{:?}", quantity.0),
                        "must be greater than or equal to 0",
                    ));
                }
            }
        }
        for (name, request) in resources.requests.iter().flatten() {
            let limit = resources
                .limits
                .as_ref()
                .and_then(|limits| limits.get(name));
            if let (Some(request_q), Some(limit_q)) = (
                Quantity::parse(&request.0),
                limit.and_then(|l| Quantity::parse(&l.0)),
            ) && request_q > limit_q
            {
                errors.push(FieldError::invalid(
                    format!("{path}.resources.requests"),
                    format!("{:?}", request.0),
                    format!(
                        "must be less than or equal to {name} limit of {}",
                        limit.map(|l| l.0.as_str()).unwrap_or_default()
                    ),
                ));
            }
        }
    }
}

/// `ValidatePodSpec` for the fields kubeplay simulates.
pub fn validate_pod_spec(spec: &PodSpec, path: &str, errors: &mut Vec<FieldError>) {
    let mut names = BTreeSet::new();
    if spec.containers.is_empty() {
        errors.push(FieldError::required(format!("{path}.containers")));
    }
    for (index, container) in spec.init_containers.iter().flatten().enumerate() {
        validate_container(
            container,
            &format!("{path}.initContainers[{index}]"),
            &mut names,
            errors,
        );
    }
    for (index, container) in spec.containers.iter().enumerate() {
        validate_container(
            container,
            &format!("{path}.containers[{index}]"),
            &mut names,
            errors,
        );
    }
    if let Some(policy) = spec.restart_policy.as_deref()
        && !["Always", "OnFailure", "Never"].contains(&policy)
    {
        errors.push(FieldError::unsupported(
            format!("{path}.restartPolicy"),
            policy,
            &["Always", "OnFailure", "Never"],
        ));
    }
    if let Some(grace) = spec.termination_grace_period_seconds
        && grace < 0
    {
        errors.push(FieldError::invalid(
            format!("{path}.terminationGracePeriodSeconds"),
            grace.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    validate_labels(
        spec.node_selector.as_ref(),
        &format!("{path}.nodeSelector"),
        errors,
    );
    for (index, toleration) in spec.tolerations.iter().flatten().enumerate() {
        if let Some(operator) = toleration.operator.as_deref()
            && !["Equal", "Exists"].contains(&operator)
        {
            errors.push(FieldError::unsupported(
                format!("{path}.tolerations[{index}].operator"),
                operator,
                &["Equal", "Exists"],
            ));
        }
        if let Some(effect) = toleration.effect.as_deref()
            && !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&effect)
        {
            errors.push(FieldError::unsupported(
                format!("{path}.tolerations[{index}].effect"),
                effect,
                &["NoExecute", "NoSchedule", "PreferNoSchedule"],
            ));
        }
    }
}

/// k8s-openapi decodes an absent `spec.selector` as an empty one; like the API server's nil
/// selector, it is then required and matches nothing.
fn is_unset(selector: &LabelSelector) -> bool {
    selector.match_labels.is_none() && selector.match_expressions.is_none()
}

fn validate_template(
    template: &PodTemplateSpec,
    selector: &LabelSelector,
    restart_policies: &[&str],
    errors: &mut Vec<FieldError>,
) {
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    validate_labels(labels, "spec.template.metadata.labels", errors);
    if let Ok(parsed) = Selector::from_label_selector(Some(selector))
        && (is_unset(selector) || (!parsed.is_empty() && !parsed.matches(labels)))
    {
        errors.push(FieldError::invalid(
            "spec.template.metadata.labels",
            go_map(labels),
            "`selector` does not match template `labels`",
        ));
    }
    match &template.spec {
        None => errors.push(FieldError::required("spec.template.spec.containers")),
        Some(spec) => {
            validate_pod_spec(spec, "spec.template.spec", errors);
            if let Some(policy) = spec.restart_policy.as_deref()
                && !restart_policies.contains(&policy)
                && ["Always", "OnFailure", "Never"].contains(&policy)
            {
                errors.push(FieldError::unsupported(
                    "spec.template.spec.restartPolicy",
                    policy,
                    restart_policies,
                ));
            }
        }
    }
}

/// A workload's `spec.selector`: required, valid, and not empty (`workload` names the kind
/// in the message as `pkg/apis/apps/validation` does: a ReplicaSet's says "deployment").
fn validate_selector(selector: &LabelSelector, workload: &str, errors: &mut Vec<FieldError>) {
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

fn validate_not_empty_selector(
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

fn validate_non_negative(value: Option<i32>, path: &str, errors: &mut Vec<FieldError>) {
    if let Some(value) = value.filter(|v| *v < 0) {
        errors.push(FieldError::invalid(
            path,
            value.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}

const PERCENT_FORMAT: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/// `ValidatePositiveIntOrPercent` (pkg/apis/apps/validation): a valid percent string, or a
/// non-negative integer. The struct is shown with Go's `%#v`.
fn validate_positive_int_or_percent(value: &IntOrString, path: &str, errors: &mut Vec<FieldError>) {
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
fn validate_not_more_than_100_percent(
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
fn validate_stateful_set_max_unavailable(value: &IntOrString, errors: &mut Vec<FieldError>) {
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
fn validate_stateful_set_update_strategy(
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
fn or_zero(value: Option<&IntOrString>) -> IntOrString {
    value.cloned().unwrap_or(IntOrString::Int(0))
}

fn validate_strategy(strategy: Option<&DeploymentStrategy>, errors: &mut Vec<FieldError>) {
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
fn validate_rolling_update_deployment(
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

fn validate_deployment(deployment: &Deployment, errors: &mut Vec<FieldError>) {
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

fn validate_replica_set(replica_set: &ReplicaSet, errors: &mut Vec<FieldError>) {
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

fn validate_daemon_set(daemon_set: &DaemonSet, errors: &mut Vec<FieldError>) {
    validate_meta(&daemon_set.metadata, NameRule::Subdomain, true, errors);
    let Some(spec) = &daemon_set.spec else {
        errors.push(FieldError::required("spec.selector"));
        return;
    };
    // A DaemonSet's selector is not required as such: an absent one matches no template
    // (`ValidateDaemonSetSpec`), and the empty check follows the template's.
    validate_labels(
        spec.selector.match_labels.as_ref(),
        "spec.selector.matchLabels",
        errors,
    );
    validate_template(&spec.template, &spec.selector, &["Always"], errors);
    if !is_unset(&spec.selector) {
        validate_not_empty_selector(&spec.selector, "daemonset", errors);
    }
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
fn validate_daemon_set_rolling_update(
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

fn validate_job(job: &k8s_openapi::api::batch::v1::Job, errors: &mut Vec<FieldError>) {
    validate_meta(&job.metadata, NameRule::Subdomain, true, errors);
    let Some(spec) = &job.spec else {
        errors.push(FieldError::required("spec.template"));
        return;
    };
    validate_non_negative(spec.parallelism, "spec.parallelism", errors);
    validate_non_negative(spec.completions, "spec.completions", errors);
    validate_non_negative(spec.backoff_limit, "spec.backoffLimit", errors);
    job_policies::validate_index_limits(spec, errors);
    if let Some(deadline) = spec.active_deadline_seconds.filter(|d| *d <= 0) {
        errors.push(FieldError::invalid(
            "spec.activeDeadlineSeconds",
            deadline.to_string(),
            "must be greater than 0",
        ));
    }
    if spec.completion_mode.as_deref() == Some("Indexed") && spec.completions.is_none() {
        errors.push(
            FieldError::required("spec.completions").with_detail("when completion mode is Indexed"),
        );
    }
    if let Some(mode) = spec.completion_mode.as_deref()
        && !["NonIndexed", "Indexed"].contains(&mode)
    {
        errors.push(FieldError::unsupported(
            "spec.completionMode",
            mode,
            &["NonIndexed", "Indexed"],
        ));
    }
    job_policies::validate_index_limits_for_mode(spec, errors);
    job_policies::validate_failure_policies(spec, errors);
    // A Job's selector is optional in the typed API: a written empty one (allowed with
    // `manualSelector: true`) selects everything, so it matches any template.
    let selector = match &spec.selector {
        Some(selector) if is_unset(selector) => LabelSelector {
            match_labels: Some(BTreeMap::new()),
            ..LabelSelector::default()
        },
        selector => selector.clone().unwrap_or_default(),
    };
    validate_template(&spec.template, &selector, &["OnFailure", "Never"], errors);
    job_policies::validate_restart_policy_for_failure_policy(spec, errors);
}

fn validate_cron_job(
    cron_job: &k8s_openapi::api::batch::v1::CronJob,
    errors: &mut Vec<FieldError>,
) {
    validate_meta(&cron_job.metadata, NameRule::Subdomain, true, errors);
    // Job names append 11 characters (`-` and the scheduled minute) to the CronJob's name.
    if let Some(name) = cron_job.metadata.name.as_deref().filter(|n| n.len() > 52) {
        errors.push(FieldError::invalid(
            "metadata.name",
            format!("{name:?}"),
            "must be no more than 52 characters",
        ));
    }
    let Some(spec) = &cron_job.spec else {
        errors.push(FieldError::required("spec.schedule"));
        return;
    };
    if spec.schedule.is_empty() {
        errors.push(FieldError::required("spec.schedule"));
    } else {
        if let Err(problem) = crate::schedule::Schedule::parse(&spec.schedule) {
            errors.push(FieldError::invalid(
                "spec.schedule",
                format!("{:?}", spec.schedule),
                problem,
            ));
        }
        // A zone belongs in spec.timeZone (`validateScheduleFormat`; only CronJobs that
        // already had one in their schedule may keep it, and kubeplay has none such).
        if spec.schedule.contains("TZ") {
            errors.push(FieldError::invalid(
                "spec.schedule",
                format!("{:?}", spec.schedule),
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        }
    }
    if let Some(zone) = spec.time_zone.as_deref() {
        validate_time_zone(zone, errors);
    }
    if let Some(policy) = spec.concurrency_policy.as_deref()
        && !["Allow", "Forbid", "Replace"].contains(&policy)
    {
        errors.push(FieldError::unsupported(
            "spec.concurrencyPolicy",
            policy,
            &["Allow", "Forbid", "Replace"],
        ));
    }
    validate_non_negative(
        spec.successful_jobs_history_limit,
        "spec.successfulJobsHistoryLimit",
        errors,
    );
    validate_non_negative(
        spec.failed_jobs_history_limit,
        "spec.failedJobsHistoryLimit",
        errors,
    );
    if let Some(job_spec) = &spec.job_template.spec
        && let Some(template_spec) = &job_spec.template.spec
    {
        let mut template_errors = Vec::new();
        validate_pod_spec(
            template_spec,
            "spec.jobTemplate.spec.template.spec",
            &mut template_errors,
        );
        errors.extend(template_errors);
        if let Some(policy) = template_spec
            .restart_policy
            .as_deref()
            .filter(|p| !["OnFailure", "Never"].contains(p))
        {
            errors.push(FieldError::unsupported(
                "spec.jobTemplate.spec.template.spec.restartPolicy",
                policy,
                &["OnFailure", "Never"],
            ));
        }
    }
}

/// `validateTimeZone` (`pkg/apis/batch/validation/validation.go`): IANA name syntax first,
/// then `time.LoadLocation`.
fn validate_time_zone(zone: &str, errors: &mut Vec<FieldError>) {
    let invalid =
        |detail: String| FieldError::invalid("spec.timeZone", format!("{zone:?}"), detail);
    if zone.is_empty() {
        errors.push(invalid("timeZone must be nil or non-empty string".into()));
        return;
    }
    // Each `/`-separated part: 1-14 of `[A-Za-z.\-_0-9+]`, not `.`, `..`, nor starting with `-`.
    let bad_part = |part: &str| {
        matches!(part, "." | "..")
            || part.starts_with('-')
            || part.is_empty()
            || part.len() > 14
            || !part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_+".contains(c))
    };
    if zone.split('/').any(bad_part) {
        errors.push(invalid(format!("unknown time zone {zone}")));
        return;
    }
    if zone.eq_ignore_ascii_case("Local") {
        errors.push(invalid(
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
                .into(),
        ));
    }
    if let Err(error) = crate::schedule::load_location(zone) {
        errors.push(invalid(error.to_string()));
    }
}

fn validate_pod(pod: &Pod, errors: &mut Vec<FieldError>) {
    validate_meta(&pod.metadata, NameRule::Subdomain, true, errors);
    match &pod.spec {
        Some(spec) => validate_pod_spec(spec, "spec", errors),
        None => errors.push(FieldError::required("spec.containers")),
    }
}

fn validate_service(service: &Service, errors: &mut Vec<FieldError>) {
    validate_meta(&service.metadata, NameRule::Dns1035, true, errors);
    if let Some(spec) = &service.spec {
        for (index, port) in spec.ports.iter().flatten().enumerate() {
            if !(1..=65535).contains(&port.port) {
                errors.push(FieldError::invalid(
                    format!("spec.ports[{index}].port"),
                    port.port.to_string(),
                    "must be between 1 and 65535, inclusive",
                ));
            }
        }
    }
}

fn validate_namespace(namespace: &Namespace, errors: &mut Vec<FieldError>) {
    validate_meta(&namespace.metadata, NameRule::Label, false, errors);
}

/// `core.MaxSecretSize`: the most bytes of values a ConfigMap (or Secret) may hold.
pub const MAX_CONFIG_MAP_BYTES: usize = 1024 * 1024;

/// `ValidateConfigMap`'s size check: all values of `data` and `binaryData` together. The
/// error is on the whole object (`field.NewPath("")`, printed `[]`).
fn validate_config_map(
    config_map: &k8s_openapi::api::core::v1::ConfigMap,
    errors: &mut Vec<FieldError>,
) {
    validate_meta(&config_map.metadata, NameRule::Subdomain, true, errors);
    let text: usize = config_map.data.iter().flatten().map(|(_, v)| v.len()).sum();
    let binary: usize = config_map
        .binary_data
        .iter()
        .flatten()
        .map(|(_, v)| v.0.len())
        .sum();
    if text + binary > MAX_CONFIG_MAP_BYTES {
        errors.push(FieldError::too_long("[]", MAX_CONFIG_MAP_BYTES));
    }
}

/// `ValidatePersistentVolumeClaimSpec`'s storage check: a claim must say how much it wants.
fn validate_claim_storage(
    spec: Option<&k8s_openapi::api::core::v1::PersistentVolumeClaimSpec>,
    errors: &mut Vec<FieldError>,
) {
    let has_storage = spec
        .and_then(|s| s.resources.as_ref())
        .and_then(|r| r.requests.as_ref())
        .is_some_and(|requests| requests.contains_key("storage"));
    if !has_storage {
        errors.push(FieldError::required("spec.resources[storage]"));
    }
}

/// Validates an object about to be created (or the new version of an updated one).
pub fn validate(object: &Object) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    match object {
        Object::Deployment(o) => validate_deployment(o, &mut errors),
        Object::ReplicaSet(o) => validate_replica_set(o, &mut errors),
        Object::DaemonSet(o) => validate_daemon_set(o, &mut errors),
        Object::Pod(o) => validate_pod(o, &mut errors),
        Object::Service(o) => validate_service(o, &mut errors),
        Object::Job(o) => validate_job(o, &mut errors),
        Object::CronJob(o) => validate_cron_job(o, &mut errors),
        Object::Namespace(o) => validate_namespace(o, &mut errors),
        Object::ConfigMap(o) => validate_config_map(o, &mut errors),
        Object::PodDisruptionBudget(o) => policy::validate_pod_disruption_budget(o, &mut errors),
        Object::PersistentVolumeClaim(o) => {
            validate_meta(&o.metadata, NameRule::Subdomain, true, &mut errors);
            validate_claim_storage(o.spec.as_ref(), &mut errors);
        }
        Object::StatefulSet(o) => {
            validate_meta(&o.metadata, NameRule::Label, true, &mut errors);
            if let Some(spec) = &o.spec {
                // `ValidateStatefulSetSpec` checks the policy first, and words it itself.
                if let Some(policy) = spec
                    .pod_management_policy
                    .as_deref()
                    .filter(|p| !["OrderedReady", "Parallel"].contains(p))
                {
                    errors.push(FieldError::invalid(
                        "spec.podManagementPolicy",
                        format!("{policy:?}"),
                        "must be 'OrderedReady' or 'Parallel'",
                    ));
                }
                validate_non_negative(spec.replicas, "spec.replicas", &mut errors);
                validate_selector(&spec.selector, "statefulset", &mut errors);
                validate_template(&spec.template, &spec.selector, &["Always"], &mut errors);
                validate_non_negative(
                    spec.revision_history_limit,
                    "spec.revisionHistoryLimit",
                    &mut errors,
                );
                validate_non_negative(spec.min_ready_seconds, "spec.minReadySeconds", &mut errors);
                if let Some(strategy) = &spec.update_strategy {
                    validate_stateful_set_update_strategy(strategy, &mut errors);
                }
            }
        }
        other => validate_meta(
            other.meta(),
            NameRule::Subdomain,
            other.kind().namespaced(),
            &mut errors,
        ),
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(object.kind(), object.name(), errors))
    }
}

/// Checks what may not change on update (`ValidateDeploymentUpdate` and friends).
pub fn validate_update(old: &Object, new: &Object) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let selector_pair = match (old, new) {
        (Object::Deployment(a), Object::Deployment(b)) => Some((
            a.spec.as_ref().map(|s| &s.selector),
            b.spec.as_ref().map(|s| &s.selector),
        )),
        (Object::ReplicaSet(a), Object::ReplicaSet(b)) => Some((
            a.spec.as_ref().map(|s| &s.selector),
            b.spec.as_ref().map(|s| &s.selector),
        )),
        (Object::DaemonSet(a), Object::DaemonSet(b)) => Some((
            a.spec.as_ref().map(|s| &s.selector),
            b.spec.as_ref().map(|s| &s.selector),
        )),
        _ => None,
    };
    if let Some((Some(old_selector), Some(new_selector))) = selector_pair
        && old_selector != new_selector
    {
        errors.push(FieldError::invalid(
            "spec.selector",
            go_label_selector(new_selector),
            "field is immutable",
        ));
    }
    if let (Object::Pod(a), Object::Pod(b)) = (old, new) {
        let mut old_spec = a.spec.clone().unwrap_or_default();
        let new_spec = b.spec.clone().unwrap_or_default();
        // Only images, activeDeadlineSeconds and added tolerations may change on a pod.
        for (old_container, new_container) in
            old_spec.containers.iter_mut().zip(&new_spec.containers)
        {
            old_container.image = new_container.image.clone();
        }
        old_spec.active_deadline_seconds = new_spec.active_deadline_seconds;
        old_spec.tolerations = new_spec.tolerations.clone();
        if old_spec != new_spec {
            errors.push(FieldError::forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"));
        }
    }
    if errors.is_empty() {
        validate(new)
    } else {
        Err(ApiError::invalid(new.kind(), new.name(), errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::decode_documents;

    fn invalid_message(yaml: &str) -> String {
        let decoded = decode_documents(yaml, "test.yaml");
        let object = match decoded.into_iter().next() {
            Some(Ok(document)) => document.object,
            other => panic!("not decoded: {other:?}"),
        };
        match validate(&crate::defaults::defaulted(object)) {
            Err(error) => error.to_string(),
            Ok(()) => String::new(),
        }
    }

    #[test]
    fn a_claim_must_request_storage() {
        let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: www-web-0\nspec:\n  accessModes: [ReadWriteOnce]\n";
        assert_eq!(
            invalid_message(claim),
            r#"PersistentVolumeClaim "www-web-0" is invalid: spec.resources[storage]: Required value"#
        );
    }

    #[test]
    fn reports_selector_mismatch_like_the_api_server() {
        let message = invalid_message(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: web\n        image: nginx\n",
        );
        assert_eq!(
            message,
            "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`"
        );
    }

    #[test]
    fn reports_bad_names_and_missing_images() {
        let message = invalid_message(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: My_App\nspec:\n  containers:\n  - name: app\n",
        );
        assert!(message.starts_with("Pod \"My_App\" is invalid: [metadata.name: Invalid value: \"My_App\": a lowercase RFC 1123 subdomain"));
        assert!(message.ends_with("spec.containers[0].image: Required value]"));
    }

    #[test]
    fn rejects_zero_surge_and_unavailable() {
        let message = invalid_message(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n",
        );
        assert_eq!(
            message,
            "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"
        );
    }

    const SURGE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  strategy:\n    rollingUpdate:\n      maxSurge: SURGE\n      maxUnavailable: UNAVAILABLE\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";

    fn deployment_errors(surge: &str, unavailable: &str) -> String {
        let yaml = SURGE
            .replace("SURGE", surge)
            .replace("UNAVAILABLE", unavailable);
        let decoded = decode_documents(&yaml, "test.yaml");
        match decoded.into_iter().next() {
            Some(Ok(document)) => validate(&crate::defaults::defaulted(document.object))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_max_unavailable_of_a_deployment_is_capped_at_100_percent() {
        assert_eq!(deployment_errors("200%", "0"), "");
        assert_eq!(
            deployment_errors("1", "101%"),
            "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"101%\"}: must not be greater than 100%"
        );
        assert_eq!(
            deployment_errors("x%", "1"),
            "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x%\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
        );
    }

    #[test]
    fn annotations_may_not_exceed_256_kib_together() {
        let at_limit = "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT - 4);
        let yaml = |value: &str| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  annotations:\n    note: {value}\n"
            )
        };
        assert_eq!(invalid_message(&yaml(&at_limit)), "");
        assert_eq!(
            invalid_message(&yaml(&format!("{at_limit}y"))),
            "ConfigMap \"big\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes"
        );
    }

    #[test]
    fn stateful_set_partition_may_not_be_negative() {
        let message = invalid_message(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: -1\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: nginx\n",
        );
        assert_eq!(
            message,
            "StatefulSet.apps \"db\" is invalid: spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"
        );
    }

    fn cron_job_errors(schedule: &str, time_zone: Option<&str>) -> Vec<String> {
        let zone = time_zone.map_or(String::new(), |z| format!("  timeZone: {z:?}\n"));
        let yaml = format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: {schedule:?}\n{zone}  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            image: busybox\n          restartPolicy: Never\n"
        );
        let decoded = decode_documents(&yaml, "test.yaml");
        let Some(Ok(document)) = decoded.into_iter().next() else {
            panic!("not decoded: {yaml}");
        };
        let mut errors = Vec::new();
        if let Object::CronJob(cron_job) = crate::defaults::defaulted(document.object) {
            validate_cron_job(&cron_job, &mut errors);
        }
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn validates_time_zones_like_the_api_server() {
        assert!(cron_job_errors("0 9 * * *", Some("Europe/Berlin")).is_empty());
        assert_eq!(
            cron_job_errors("0 9 * * *", Some("Europe/Nowhere")),
            ["spec.timeZone: Invalid value: \"Europe/Nowhere\": unknown time zone Europe/Nowhere"]
        );
        assert_eq!(
            cron_job_errors("0 9 * * *", Some("Europe/Berlin Mitte")),
            [
                "spec.timeZone: Invalid value: \"Europe/Berlin Mitte\": unknown time zone Europe/Berlin Mitte"
            ]
        );
        assert_eq!(
            cron_job_errors("0 9 * * *", Some("")),
            ["spec.timeZone: Invalid value: \"\": timeZone must be nil or non-empty string"]
        );
        assert_eq!(
            cron_job_errors("0 9 * * *", Some("local")),
            [
                "spec.timeZone: Invalid value: \"local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
                "spec.timeZone: Invalid value: \"local\": unknown time zone local",
            ]
        );
        assert_eq!(
            cron_job_errors("TZ=Europe/Berlin 0 9 * * *", None),
            [
                "spec.schedule: Invalid value: \"TZ=Europe/Berlin 0 9 * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
            ]
        );
    }

    #[test]
    fn validates_stateful_set_max_unavailable_like_the_api_server() {
        let errors = |value: IntOrString| {
            let mut errors = Vec::new();
            validate_stateful_set_max_unavailable(&value, &mut errors);
            errors.iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        assert!(errors(IntOrString::Int(2)).is_empty());
        assert!(errors(IntOrString::String("50%".into())).is_empty());
        assert_eq!(
            errors(IntOrString::Int(0)),
            [
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: cannot be 0"
            ]
        );
        assert_eq!(
            errors(IntOrString::String("half".into())).len(),
            2,
            "a malformed percent is also zero to getIntOrPercentValue"
        );
        assert_eq!(
            errors(IntOrString::String("120%".into())),
            [
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"120%\"}: must not be greater than 100%"
            ]
        );
    }
}
