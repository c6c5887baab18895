//! `kubectl describe daemonset` (`describeDaemonSet`, with the 1.33 `Namespace:` line).

use k8s_openapi::api::apps::v1::DaemonSet;
use kubeplay_model::Pod;

use super::DescribeContext;
use super::common::{pods_status, s, write_labels_and_annotations};
use super::events::describe_events;
use super::pod_template::describe_pod_template;
use super::writer::{LEVEL_0, PrefixWriter};
use crate::text::labels::{format_label_selector, format_labels};

/// `pods`: the pods matching the selector; only those it controls are counted.
pub fn describe_daemon_set(ds: &DaemonSet, pods: &[&Pod], ctx: &DescribeContext<'_>) -> String {
    let mut w = PrefixWriter::new();
    let meta = &ds.metadata;
    let default_spec = Default::default();
    let spec = ds.spec.as_ref().unwrap_or(&default_spec);
    let default_status = Default::default();
    let status = ds.status.as_ref().unwrap_or(&default_status);
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    let selector = format_label_selector(Some(&spec.selector));
    w.write(LEVEL_0, format!("Selector:\t{selector}\n"));
    let node_selector = spec
        .template
        .spec
        .as_ref()
        .and_then(|sp| sp.node_selector.as_ref());
    w.write(
        LEVEL_0,
        format!("Node-Selector:\t{}\n", format_labels(node_selector)),
    );
    write_labels_and_annotations(&mut w, meta);
    // These five lines have no tab, so each flushes the alignment.
    w.write(
        LEVEL_0,
        format!(
            "Desired Number of Nodes Scheduled: {}\n",
            status.desired_number_scheduled
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "Current Number of Nodes Scheduled: {}\n",
            status.current_number_scheduled
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
            status.updated_number_scheduled.unwrap_or(0)
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "Number of Nodes Scheduled with Available Pods: {}\n",
            status.number_available.unwrap_or(0)
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "Number of Nodes Misscheduled: {}\n",
            status.number_misscheduled
        ),
    );
    w.write(
        LEVEL_0,
        format!("Pods Status:\t{}\n", pods_status(meta, pods)),
    );
    describe_pod_template(&mut w, &spec.template);
    describe_events(&mut w, ctx);
    w.finish()
}
