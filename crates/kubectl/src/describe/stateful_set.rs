//! `kubectl describe statefulset` (`describeStatefulSet`, `describeVolumeClaimTemplates`).

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kubeplay_model::Pod;

use super::DescribeContext;
use super::common::{pods_status, rfc, s, write_labels_and_annotations};
use super::events::describe_events;
use super::pod_template::describe_pod_template;
use super::probe::int_or_string;
use super::pvc::claim_class;
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::text::labels::{labels_multiline, selector_string};
use kubeplay_model::quantity::canonical;

/// `pods`: the pods matching the selector; only those it controls are counted.
pub fn describe_stateful_set(
    sts: &StatefulSet,
    pods: &[&Pod],
    ctx: &DescribeContext<'_>,
) -> String {
    let mut w = PrefixWriter::new();
    let meta = &sts.metadata;
    let default_spec = Default::default();
    let spec = sts.spec.as_ref().unwrap_or(&default_spec);
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    w.write(
        LEVEL_0,
        format!(
            "CreationTimestamp:\t{}\n",
            rfc(meta.creation_timestamp.as_ref())
        ),
    );
    let selector = selector_string(Some(&spec.selector)).unwrap_or_else(|e| e);
    w.write(LEVEL_0, format!("Selector:\t{selector}\n"));
    write_labels_and_annotations(&mut w, meta);
    w.write(
        LEVEL_0,
        format!(
            "Replicas:\t{} desired | {} total\n",
            spec.replicas.unwrap_or(0),
            sts.status.as_ref().map_or(0, |st| st.replicas)
        ),
    );
    let strategy = spec.update_strategy.as_ref();
    w.write(
        LEVEL_0,
        format!(
            "Update Strategy:\t{}\n",
            strategy.map(|st| s(&st.type_)).unwrap_or("")
        ),
    );
    // MaxUnavailable shows only together with a partition (which the API defaults to 0).
    let rolling = strategy.and_then(|st| st.rolling_update.as_ref());
    if let Some((rolling, partition)) = rolling.and_then(|r| Some((r, r.partition?))) {
        w.write(LEVEL_1, format!("Partition:\t{partition}\n"));
        if let Some(max_unavailable) = &rolling.max_unavailable {
            w.write(
                LEVEL_1,
                format!("MaxUnavailable:\t{}\n", int_or_string(max_unavailable)),
            );
        }
    }
    w.write(
        LEVEL_0,
        format!("Pods Status:\t{}\n", pods_status(meta, pods)),
    );
    describe_pod_template(&mut w, &spec.template);
    describe_volume_claim_templates(
        &mut w,
        spec.volume_claim_templates.as_deref().unwrap_or_default(),
    );
    describe_events(&mut w, ctx);
    w.finish()
}

fn describe_volume_claim_templates(w: &mut PrefixWriter, templates: &[PersistentVolumeClaim]) {
    if templates.is_empty() {
        w.write(LEVEL_0, "Volume Claims:\t<none>\n");
        return;
    }
    w.write(LEVEL_0, "Volume Claims:\n");
    for pvc in templates {
        w.write(LEVEL_1, format!("Name:\t{}\n", s(&pvc.metadata.name)));
        w.write(LEVEL_1, format!("StorageClass:\t{}\n", claim_class(pvc)));
        w.write(
            LEVEL_0,
            labels_multiline("  ", "Labels", pvc.metadata.labels.as_ref()),
        );
        w.write(
            LEVEL_0,
            labels_multiline("  ", "Annotations", pvc.metadata.annotations.as_ref()),
        );
        let spec = pvc.spec.as_ref();
        let capacity = spec
            .and_then(|sp| sp.resources.as_ref())
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
            .map_or_else(|| "<default>".to_string(), canonical);
        w.write(LEVEL_1, format!("Capacity:\t{capacity}\n"));
        // Go's `%s` of a []PersistentVolumeAccessMode.
        let modes = spec
            .and_then(|sp| sp.access_modes.as_deref())
            .unwrap_or_default()
            .join(" ");
        w.write(LEVEL_1, format!("Access Modes:\t[{modes}]\n"));
    }
}
