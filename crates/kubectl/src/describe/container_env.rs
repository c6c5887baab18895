//! A container's `Environment Variables from:` and `Environment:` sections
//! (`describeContainerEnvFrom`, `describeContainerEnvVars`).

use k8s_openapi::api::core::v1::Container;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;
use kubeplay_model::Pod;

use super::common::s;
use super::writer::{LEVEL_2, LEVEL_3, PrefixWriter};
use kubeplay_model::quantity::Quantity;

pub(super) fn describe_env_from(w: &mut PrefixWriter, container: &Container) {
    let sources = container.env_from.as_deref().unwrap_or_default();
    if sources.is_empty() {
        return;
    }
    w.write(LEVEL_2, "Environment Variables from:\n");
    for source in sources {
        let (name, from, optional) = if let Some(cm) = &source.config_map_ref {
            (cm.name.as_str(), "ConfigMap", cm.optional == Some(true))
        } else if let Some(secret) = &source.secret_ref {
            (
                secret.name.as_str(),
                "Secret",
                secret.optional == Some(true),
            )
        } else {
            ("", "", false)
        };
        match source.prefix.as_deref() {
            None | Some("") => w.write(LEVEL_3, format!("{name}\t{from}\tOptional: {optional}\n")),
            Some(prefix) => w.write(
                LEVEL_3,
                format!("{name}\t{from} with prefix '{prefix}'\tOptional: {optional}\n"),
            ),
        }
    }
}

/// `pod` resolves field references (`EnvValueRetriever`); pod templates pass `None`.
pub(super) fn describe_env_vars(w: &mut PrefixWriter, container: &Container, pod: Option<&Pod>) {
    let env = container.env.as_deref().unwrap_or_default();
    if env.is_empty() {
        w.write(LEVEL_2, "Environment:\t<none>\n");
        return;
    }
    w.write(LEVEL_2, "Environment:\n");
    for e in env {
        let Some(value_from) = &e.value_from else {
            for (i, line) in s(&e.value).split('\n').enumerate() {
                if i == 0 {
                    w.write(LEVEL_3, format!("{}:\t{line}\n", e.name));
                } else {
                    w.write(LEVEL_3, format!("\t{line}\n"));
                }
            }
            continue;
        };
        if let Some(field) = &value_from.field_ref {
            let value = pod
                .map(|p| resolve_field(p, &field.field_path))
                .unwrap_or("");
            w.write(
                LEVEL_3,
                format!(
                    "{}:\t{value} ({}:{})\n",
                    e.name,
                    s(&field.api_version),
                    field.field_path
                ),
            );
        } else if let Some(resource) = &value_from.resource_field_ref {
            let mut value =
                container_resource_value(container, &resource.resource, resource.divisor.as_ref());
            if value == "0"
                && (resource.resource == "limits.cpu" || resource.resource == "limits.memory")
            {
                value = "node allocatable".to_string();
            }
            w.write(
                LEVEL_3,
                format!("{}:\t{value} ({})\n", e.name, resource.resource),
            );
        } else if let Some(secret) = &value_from.secret_key_ref {
            w.write(
                LEVEL_3,
                format!(
                    "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                    e.name,
                    secret.key,
                    secret.name,
                    secret.optional == Some(true)
                ),
            );
        } else if let Some(cm) = &value_from.config_map_key_ref {
            w.write(
                LEVEL_3,
                format!(
                    "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                    e.name,
                    cm.key,
                    cm.name,
                    cm.optional == Some(true)
                ),
            );
        }
    }
}

/// kubectl converts the field path with its own scheme, which registers no field-label
/// conversions for pods: only `metadata.name` and `metadata.namespace` survive, every other
/// path (`spec.nodeName`, `status.podIP`, …) resolves to an empty value.
fn resolve_field<'a>(pod: &'a Pod, path: &str) -> &'a str {
    match path {
        "metadata.name" => s(&pod.metadata.name),
        "metadata.namespace" => s(&pod.metadata.namespace),
        _ => "",
    }
}

/// `resourcehelper.ExtractContainerResourceValue`: the ceiling of value/divisor.
fn container_resource_value(
    container: &Container,
    resource: &str,
    divisor: Option<&ApiQuantity>,
) -> String {
    let divisor = divisor
        .map(Quantity::of)
        .filter(|d| !d.is_zero())
        .or_else(|| Quantity::parse("1"))
        .unwrap_or(Quantity::ZERO);
    let Some((kind, name)) = resource.split_once('.') else {
        return String::new();
    };
    let resources = container.resources.as_ref();
    let list = match kind {
        "limits" => resources.and_then(|r| r.limits.as_ref()),
        "requests" => resources.and_then(|r| r.requests.as_ref()),
        _ => return String::new(),
    };
    let quantity = list
        .and_then(|l| l.get(name))
        .map(Quantity::of)
        .unwrap_or(Quantity::ZERO);
    let ratio = match name {
        "cpu" => quantity.milli_value() as f64 / divisor.milli_value() as f64,
        "memory" | "ephemeral-storage" => quantity.value() as f64 / divisor.value() as f64,
        _ if name.starts_with("hugepages-") => quantity.value() as f64 / divisor.value() as f64,
        _ => return String::new(),
    };
    (ratio.ceil() as i64).to_string()
}
