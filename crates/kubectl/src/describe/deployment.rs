//! `kubectl describe deployment` (`describeDeployment`).

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

use super::DescribeContext;
use super::common::{rfc, s, write_labels_and_annotations};
use super::events::describe_events;
use super::pod_template::describe_pod_template;
use super::probe::int_or_string;
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::text::labels::selector_string;

/// `old_replica_sets` and `new_replica_set` as `deploymentutil.GetAllReplicaSets` finds them.
pub fn describe_deployment(
    d: &Deployment,
    old_replica_sets: &[&ReplicaSet],
    new_replica_set: Option<&ReplicaSet>,
    ctx: &DescribeContext<'_>,
) -> String {
    let mut w = PrefixWriter::new();
    let meta = &d.metadata;
    let default_spec = Default::default();
    let spec = d.spec.as_ref().unwrap_or(&default_spec);
    let default_status = Default::default();
    let status = d.status.as_ref().unwrap_or(&default_status);
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    w.write(
        LEVEL_0,
        format!(
            "CreationTimestamp:\t{}\n",
            rfc(meta.creation_timestamp.as_ref())
        ),
    );
    write_labels_and_annotations(&mut w, meta);
    let selector = selector_string(Some(&spec.selector)).unwrap_or_else(|e| e);
    w.write(LEVEL_0, format!("Selector:\t{selector}\n"));
    w.write(
        LEVEL_0,
        format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            spec.replicas.unwrap_or(0),
            status.updated_replicas.unwrap_or(0),
            status.replicas.unwrap_or(0),
            status.available_replicas.unwrap_or(0),
            status.unavailable_replicas.unwrap_or(0)
        ),
    );
    let strategy = spec.strategy.as_ref();
    let strategy_type = strategy.map(|st| s(&st.type_)).unwrap_or("");
    w.write(LEVEL_0, format!("StrategyType:\t{strategy_type}\n"));
    w.write(
        LEVEL_0,
        format!(
            "MinReadySeconds:\t{}\n",
            spec.min_ready_seconds.unwrap_or(0)
        ),
    );
    if let Some(rolling) = strategy.and_then(|st| st.rolling_update.as_ref()) {
        // A nil *IntOrString prints `<nil>`.
        let show = |v: &Option<_>| {
            v.as_ref()
                .map_or_else(|| "<nil>".to_string(), int_or_string)
        };
        w.write(
            LEVEL_0,
            format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                show(&rolling.max_unavailable),
                show(&rolling.max_surge)
            ),
        );
    }
    describe_pod_template(&mut w, &spec.template);
    let conditions = status.conditions.as_deref().unwrap_or_default();
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n");
        w.write(LEVEL_1, "----\t------\t------\n");
        for c in conditions {
            w.write(
                LEVEL_1,
                format!("{} \t{}\t{}\n", c.type_, c.status, s(&c.reason)),
            );
        }
    }
    if !old_replica_sets.is_empty() || new_replica_set.is_some() {
        w.write(
            LEVEL_0,
            format!(
                "OldReplicaSets:\t{}\n",
                replica_sets_summary(old_replica_sets)
            ),
        );
        let new: Vec<&ReplicaSet> = new_replica_set.into_iter().collect();
        w.write(
            LEVEL_0,
            format!("NewReplicaSet:\t{}\n", replica_sets_summary(&new)),
        );
    }
    describe_events(&mut w, ctx);
    w.finish()
}

/// `printReplicaSetsByLabels`: `name (current/desired replicas created)`, comma-joined.
fn replica_sets_summary(sets: &[&ReplicaSet]) -> String {
    let list = sets
        .iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                s(&rs.metadata.name),
                rs.status.as_ref().map_or(0, |st| st.replicas),
                rs.spec.as_ref().and_then(|sp| sp.replicas).unwrap_or(0)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    if list.is_empty() {
        "<none>".to_string()
    } else {
        list
    }
}
