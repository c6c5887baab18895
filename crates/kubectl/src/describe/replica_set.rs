//! `kubectl describe replicaset` (`describeReplicaSet`).

use k8s_openapi::api::apps::v1::ReplicaSet;
use kubeplay_model::Pod;

use super::DescribeContext;
use super::common::{
    controlled_by, describe_replica_conditions, pods_status, s, write_labels_and_annotations,
};
use super::events::describe_events;
use super::pod_template::describe_pod_template;
use super::writer::{LEVEL_0, PrefixWriter};
use crate::text::labels::format_label_selector;

/// `pods`: the pods matching the selector; only those it controls are counted.
pub fn describe_replica_set(rs: &ReplicaSet, pods: &[&Pod], ctx: &DescribeContext<'_>) -> String {
    let mut w = PrefixWriter::new();
    let meta = &rs.metadata;
    let default_spec = Default::default();
    let spec = rs.spec.as_ref().unwrap_or(&default_spec);
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    w.write(
        LEVEL_0,
        format!(
            "Selector:\t{}\n",
            format_label_selector(Some(&spec.selector))
        ),
    );
    write_labels_and_annotations(&mut w, meta);
    if let Some(controller) = controlled_by(meta) {
        w.write(LEVEL_0, format!("Controlled By:\t{controller}\n"));
    }
    w.write(
        LEVEL_0,
        format!(
            "Replicas:\t{} current / {} desired\n",
            rs.status.as_ref().map_or(0, |st| st.replicas),
            spec.replicas.unwrap_or(0)
        ),
    );
    w.write(
        LEVEL_0,
        format!("Pods Status:\t{}\n", pods_status(meta, pods)),
    );
    describe_pod_template(
        &mut w,
        spec.template.as_ref().unwrap_or(&Default::default()),
    );
    let conditions = rs
        .status
        .as_ref()
        .and_then(|st| st.conditions.as_deref())
        .unwrap_or_default();
    describe_replica_conditions(
        &mut w,
        conditions
            .iter()
            .map(|c| (c.type_.as_str(), c.status.as_str(), &c.reason)),
    );
    describe_events(&mut w, ctx);
    w.finish()
}
