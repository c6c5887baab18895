//! `describeTopologySpreadConstraints`: `zone:DoNotSchedule when max skew 1 is exceeded for selector app=web`.

use k8s_openapi::api::core::v1::TopologySpreadConstraint;

use super::writer::{LEVEL_0, PrefixWriter};
use crate::text::labels::format_label_selector;

pub(super) fn describe_topology_spread_constraints(
    w: &mut PrefixWriter,
    constraints: &[TopologySpreadConstraint],
    space: &str,
) {
    if constraints.is_empty() {
        return;
    }
    let mut sorted: Vec<&TopologySpreadConstraint> = constraints.iter().collect();
    sorted.sort_by(|a, b| a.topology_key.cmp(&b.topology_key));
    w.write(LEVEL_0, format!("{space}Topology Spread Constraints:\t"));
    for (i, c) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, format!("{space}\t"));
        }
        w.write(
            LEVEL_0,
            format!(
                "{}:{} when max skew {} is exceeded",
                c.topology_key, c.when_unsatisfiable, c.max_skew
            ),
        );
        if let Some(selector) = &c.label_selector {
            w.write(
                LEVEL_0,
                format!(" for selector {}", format_label_selector(Some(selector))),
            );
        }
        w.write(LEVEL_0, "\n");
    }
}
