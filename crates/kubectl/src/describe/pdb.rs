//! `kubectl describe poddisruptionbudget` (`describePodDisruptionBudgetV1`).

use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kubeplay_model::intstr;
use kubeplay_model::selector::format_label_selector;

use super::DescribeContext;
use super::common::s;
use super::events::describe_events;
use super::writer::{LEVEL_0, LEVEL_2, PrefixWriter};

pub fn describe_pod_disruption_budget(
    pdb: &PodDisruptionBudget,
    ctx: &DescribeContext<'_>,
) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&pdb.metadata.name)));
    w.write(
        LEVEL_0,
        format!("Namespace:\t{}\n", s(&pdb.metadata.namespace)),
    );
    let spec = pdb.spec.clone().unwrap_or_default();
    if let Some(min) = &spec.min_available {
        w.write(
            LEVEL_0,
            format!("Min available:\t{}\n", intstr::display(min)),
        );
    } else if let Some(max) = &spec.max_unavailable {
        w.write(
            LEVEL_0,
            format!("Max unavailable:\t{}\n", intstr::display(max)),
        );
    }
    match &spec.selector {
        Some(selector) => w.write(
            LEVEL_0,
            format!("Selector:\t{}\n", format_label_selector(Some(selector))),
        ),
        None => w.write(LEVEL_0, "Selector:\t<unset>\n"),
    }
    let status = pdb.status.clone().unwrap_or_default();
    w.write(LEVEL_0, "Status:\n");
    w.write(
        LEVEL_2,
        format!("Allowed disruptions:\t{}\n", status.disruptions_allowed),
    );
    w.write(LEVEL_2, format!("Current:\t{}\n", status.current_healthy));
    w.write(LEVEL_2, format!("Desired:\t{}\n", status.desired_healthy));
    w.write(LEVEL_2, format!("Total:\t{}\n", status.expected_pods));
    describe_events(&mut w, ctx);
    w.finish()
}
