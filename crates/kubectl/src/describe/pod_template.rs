//! `DescribePodTemplate`: the `Pod Template:` block of Deployments, ReplicaSets,
//! DaemonSets, StatefulSets, Jobs and CronJobs.

use k8s_openapi::api::core::v1::PodTemplateSpec;

use super::common::s;
use super::container::describe_containers;
use super::topology::describe_topology_spread_constraints;
use super::volumes::describe_volumes;
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::text::labels::{annotations_multiline, labels_multiline, tolerations_multiline};

pub(super) fn describe_pod_template(w: &mut PrefixWriter, template: &PodTemplateSpec) {
    w.write(LEVEL_0, "Pod Template:\n");
    let meta = template.metadata.as_ref();
    w.write(
        LEVEL_0,
        labels_multiline("", "  Labels", meta.and_then(|m| m.labels.as_ref())),
    );
    if let Some(annotations) = meta
        .and_then(|m| m.annotations.as_ref())
        .filter(|a| !a.is_empty())
    {
        w.write(
            LEVEL_0,
            annotations_multiline("  Annotations", Some(annotations)),
        );
    }
    let default_spec = Default::default();
    let spec = template.spec.as_ref().unwrap_or(&default_spec);
    let service_account = s(&spec.service_account_name);
    if !service_account.is_empty() {
        w.write(LEVEL_1, format!("Service Account:\t{service_account}\n"));
    }
    let init_containers = spec.init_containers.as_deref().unwrap_or_default();
    if !init_containers.is_empty() {
        describe_containers(w, "Init Containers", init_containers, &[], None, "  ");
    }
    describe_containers(w, "Containers", &spec.containers, &[], None, "  ");
    describe_volumes(w, spec.volumes.as_deref().unwrap_or_default(), "  ");
    describe_topology_spread_constraints(
        w,
        spec.topology_spread_constraints
            .as_deref()
            .unwrap_or_default(),
        "  ",
    );
    let priority_class = s(&spec.priority_class_name);
    if !priority_class.is_empty() {
        w.write(LEVEL_1, format!("Priority Class Name:\t{priority_class}\n"));
    }
    w.write(
        LEVEL_0,
        labels_multiline("", "  Node-Selectors", spec.node_selector.as_ref()),
    );
    w.write(
        LEVEL_0,
        tolerations_multiline(
            "  Tolerations",
            spec.tolerations.as_deref().unwrap_or_default(),
        ),
    );
}
