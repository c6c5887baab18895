//! `kubectl describe hpa` (`describeHorizontalPodAutoscalerV2`).

use k8s_openapi::api::autoscaling::v2::{HPAScalingRules, HorizontalPodAutoscaler};

use super::DescribeContext;
use super::common::{rfc, s, write_labels_and_annotations};
use super::events::describe_events;
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter};

pub fn describe_autoscaler(hpa: &HorizontalPodAutoscaler, ctx: &DescribeContext<'_>) -> String {
    let mut w = PrefixWriter::new();
    let meta = &hpa.metadata;
    let spec = hpa.spec.clone().unwrap_or_default();
    let status = hpa.status.clone().unwrap_or_default();
    let current_metrics = status.current_metrics.clone().unwrap_or_default();
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    write_labels_and_annotations(&mut w, meta);
    w.write(
        LEVEL_0,
        format!(
            "CreationTimestamp:\t{}\n",
            rfc(meta.creation_timestamp.as_ref())
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "Reference:\t{}/{}\n",
            spec.scale_target_ref.kind, spec.scale_target_ref.name
        ),
    );
    w.write(LEVEL_0, "Metrics:\t( current / target )\n");
    for (i, metric) in spec.metrics.iter().flatten().enumerate() {
        let status = current_metrics.get(i);
        match (metric.type_.as_str(), &metric.resource, &metric.pods) {
            ("Resource", Some(resource), _) => {
                w.write(LEVEL_1, format!("resource {} on pods", resource.name));
                let current_status = status.and_then(|s| s.resource.as_ref());
                if let Some(average) = &resource.target.average_value {
                    let current = current_status
                        .and_then(|c| c.current.average_value.as_ref())
                        .map_or("<unknown>".to_string(), |q| q.0.clone());
                    w.write(LEVEL_0, format!(":\t{current} / {}\n", average.0));
                } else {
                    let current = current_status
                        .and_then(|c| {
                            c.current.average_utilization.map(|u| {
                                format!(
                                    "{u}% ({})",
                                    c.current
                                        .average_value
                                        .as_ref()
                                        .map_or("0", |q| q.0.as_str())
                                )
                            })
                        })
                        .unwrap_or_else(|| "<unknown>".into());
                    let target = resource
                        .target
                        .average_utilization
                        .map_or("<auto>".to_string(), |u| format!("{u}%"));
                    w.write(
                        LEVEL_1,
                        format!("(as a percentage of request):\t{current} / {target}\n"),
                    );
                }
            }
            ("Pods", _, Some(pods)) => {
                let current = status
                    .and_then(|s| s.pods.as_ref())
                    .and_then(|p| p.current.average_value.as_ref())
                    .map_or("<unknown>".to_string(), |q| q.0.clone());
                w.write(
                    LEVEL_1,
                    format!(
                        "{:?} on pods:\t{current} / {}\n",
                        pods.metric.name,
                        pods.target
                            .average_value
                            .as_ref()
                            .map_or("0", |q| q.0.as_str())
                    ),
                );
            }
            (other, _, _) => w.write(LEVEL_1, format!("<unknown metric type {other:?}>\n")),
        }
    }
    let min = spec
        .min_replicas
        .map_or("<unset>".to_string(), |m| m.to_string());
    w.write(LEVEL_0, format!("Min replicas:\t{min}\n"));
    w.write(LEVEL_0, format!("Max replicas:\t{}\n", spec.max_replicas));
    if let Some(behavior) = &spec.behavior {
        w.write(LEVEL_0, "Behavior:\n");
        direction(&mut w, "Scale Up", behavior.scale_up.as_ref());
        direction(&mut w, "Scale Down", behavior.scale_down.as_ref());
    }
    w.write(LEVEL_0, format!("{} pods:\t", spec.scale_target_ref.kind));
    w.write(
        LEVEL_0,
        format!(
            "{} current / {} desired\n",
            status.current_replicas.unwrap_or(0),
            status.desired_replicas
        ),
    );
    let conditions = status.conditions.unwrap_or_default();
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(LEVEL_1, "Type\tStatus\tReason\tMessage\n");
        w.write(LEVEL_1, "----\t------\t------\t-------\n");
        for c in conditions {
            w.write(
                LEVEL_1,
                format!(
                    "{}\t{}\t{}\t{}\n",
                    c.type_,
                    c.status,
                    c.reason.unwrap_or_default(),
                    c.message.unwrap_or_default()
                ),
            );
        }
    }
    describe_events(&mut w, ctx);
    w.finish()
}

/// `printDirectionBehavior`.
fn direction(w: &mut PrefixWriter, name: &str, rules: Option<&HPAScalingRules>) {
    let Some(rules) = rules else { return };
    w.write(LEVEL_1, format!("{name}:\n"));
    if let Some(window) = rules.stabilization_window_seconds {
        w.write(LEVEL_2, format!("Stabilization Window: {window} seconds\n"));
    }
    let policies = rules.policies.clone().unwrap_or_default();
    if !policies.is_empty() {
        w.write(
            LEVEL_2,
            format!(
                "Select Policy: {}\n",
                rules.select_policy.as_deref().unwrap_or("Max")
            ),
        );
        w.write(LEVEL_2, "Policies:\n");
        for p in policies {
            w.write(
                LEVEL_3,
                format!(
                    "- Type: {}\tValue: {}\tPeriod: {} seconds\n",
                    p.type_, p.value, p.period_seconds
                ),
            );
        }
    }
}
