//! `kubectl describe replicationcontroller` (`describeReplicationController`): a
//! ReplicaSet's page with the selector as a plain label map and no `Controlled By`.

use k8s_openapi::api::core::v1::ReplicationController;
use kubeplay_model::Pod;

use super::DescribeContext;
use super::common::{describe_replica_conditions, pods_status, s, write_labels_and_annotations};
use super::events::describe_events;
use super::pod_template::describe_pod_template;
use super::writer::{LEVEL_0, PrefixWriter};
use crate::text::labels::format_labels;

/// `pods`: the pods matching the selector; only those it controls are counted.
pub fn describe_replication_controller(
    rc: &ReplicationController,
    pods: &[&Pod],
    ctx: &DescribeContext<'_>,
) -> String {
    let mut w = PrefixWriter::new();
    let meta = &rc.metadata;
    let spec = rc.spec.clone().unwrap_or_default();
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    w.write(
        LEVEL_0,
        format!("Selector:\t{}\n", format_labels(spec.selector.as_ref())),
    );
    write_labels_and_annotations(&mut w, meta);
    w.write(
        LEVEL_0,
        format!(
            "Replicas:\t{} current / {} desired\n",
            rc.status.as_ref().map_or(0, |st| st.replicas),
            spec.replicas.unwrap_or(0)
        ),
    );
    w.write(
        LEVEL_0,
        format!("Pods Status:\t{}\n", pods_status(meta, pods)),
    );
    describe_pod_template(&mut w, &spec.template.unwrap_or_default());
    let conditions = rc
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
