//! The core group (`pkg/apis/core/validation`): containers, pod specs and templates, pods,
//! Services, Namespaces, ConfigMaps and claims.

use std::collections::BTreeSet;

use crate::Pod;
use k8s_openapi::api::core::v1::{
    Container, Namespace, PodSpec, PodTemplateSpec, ReplicationController, Service,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::meta::{
    NameRule, go_map, is_unset, validate_labels, validate_meta, validate_non_negative,
};
use super::names::dns1123_label_errors;
use crate::errors::FieldError;
use crate::quantity::Quantity;
use crate::selector::Selector;

pub(super) fn validate_container(
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

pub(super) fn validate_template(
    template: &PodTemplateSpec,
    selector: &LabelSelector,
    restart_policies: &[&str],
    errors: &mut Vec<FieldError>,
) {
    validate_selector_matches_template(template, selector, errors);
    validate_template_spec(template, restart_policies, errors);
}

/// The template's labels satisfy the workload's selector (checked first, before the template
/// itself, as `ValidatePodTemplateSpecForReplicaSet` and `ValidateDaemonSetSpec` do).
pub(super) fn validate_selector_matches_template(
    template: &PodTemplateSpec,
    selector: &LabelSelector,
    errors: &mut Vec<FieldError>,
) {
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    if let Ok(parsed) = Selector::from_label_selector(Some(selector))
        && (is_unset(selector) || (!parsed.is_empty() && !parsed.matches(labels)))
    {
        errors.push(FieldError::invalid(
            "spec.template.metadata.labels",
            go_map(labels),
            "`selector` does not match template `labels`",
        ));
    }
}

/// `ValidatePodTemplateSpec` (the template's labels, then its pod spec) and the restart
/// policies the workload allows.
pub(super) fn validate_template_spec(
    template: &PodTemplateSpec,
    restart_policies: &[&str],
    errors: &mut Vec<FieldError>,
) {
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    validate_labels(labels, "spec.template.metadata.labels", errors);
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

/// `ValidateReplicationController`: the selector is a plain label map, defaulted from the
/// template's labels, so an RC without either has none; the template must run forever
/// (`ValidatePodTemplateSpecForRC`).
pub(super) fn validate_replication_controller(
    controller: &ReplicationController,
    errors: &mut Vec<FieldError>,
) {
    validate_meta(&controller.metadata, NameRule::Subdomain, true, errors);
    let spec = controller.spec.clone().unwrap_or_default();
    validate_non_negative(spec.min_ready_seconds, "spec.minReadySeconds", errors);
    let selector = spec.selector.clone().unwrap_or_default();
    if selector.is_empty() {
        errors.push(FieldError::required("spec.selector"));
    }
    validate_non_negative(spec.replicas, "spec.replicas", errors);
    let Some(template) = &spec.template else {
        errors.push(FieldError::required("spec.template"));
        return;
    };
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    if !selector.is_empty() && !Selector::from_labels(&selector).matches(labels) {
        errors.push(FieldError::invalid(
            "spec.template.metadata.labels",
            go_map(labels),
            "`selector` does not match template `labels`",
        ));
    }
    validate_labels(labels, "spec.template.metadata.labels", errors);
    let Some(pod_spec) = &template.spec else {
        errors.push(FieldError::required("spec.template.spec.containers"));
        return;
    };
    validate_pod_spec(pod_spec, "spec.template.spec", errors);
    if let Some(policy) = pod_spec
        .restart_policy
        .as_deref()
        .filter(|policy| *policy != "Always")
    {
        errors.push(FieldError::unsupported(
            "spec.template.spec.restartPolicy",
            policy,
            &["Always"],
        ));
    }
    if pod_spec.active_deadline_seconds.is_some() {
        errors.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in ReplicationController is not Supported",
        ));
    }
}

pub(super) fn validate_pod(pod: &Pod, errors: &mut Vec<FieldError>) {
    validate_meta(&pod.metadata, NameRule::Subdomain, true, errors);
    match &pod.spec {
        Some(spec) => validate_pod_spec(spec, "spec", errors),
        None => errors.push(FieldError::required("spec.containers")),
    }
}

pub(super) fn validate_service(service: &Service, errors: &mut Vec<FieldError>) {
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

pub(super) fn validate_namespace(namespace: &Namespace, errors: &mut Vec<FieldError>) {
    validate_meta(&namespace.metadata, NameRule::Label, false, errors);
}

/// `core.MaxSecretSize`: the most bytes of values a ConfigMap (or Secret) may hold.
pub const MAX_CONFIG_MAP_BYTES: usize = 1024 * 1024;

/// `ValidateConfigMap`'s size check: all values of `data` and `binaryData` together. The
/// error is on the whole object (`field.NewPath("")`, printed `[]`).
pub(super) fn validate_config_map(
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
pub(super) fn validate_claim_storage(
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
