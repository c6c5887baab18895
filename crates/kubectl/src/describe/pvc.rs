//! `kubectl describe persistentvolumeclaim` (`describePersistentVolumeClaim`) and the claim
//! block shared with ephemeral volumes (`printPersistentVolumeClaim`).

use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kubeplay_model::Pod;

use super::DescribeContext;
use super::common::{rfc, s};
use super::events::describe_events;
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::text::labels::{annotations_multiline, labels_multiline};
use crate::text::time::since;
use kubeplay_model::keys::LAST_APPLIED;
use kubeplay_model::quantity::canonical;

/// `pods` are those mounting the claim or owning it (`getPodsForPVC`).
pub fn describe_persistent_volume_claim(
    pvc: &PersistentVolumeClaim,
    pods: &[&Pod],
    ctx: &DescribeContext<'_>,
) -> String {
    let mut w = PrefixWriter::new();
    print_full_claim(&mut w, pvc, ctx);
    let mut names: Vec<&str> = pods.iter().map(|p| s(&p.metadata.name)).collect();
    names.sort();
    w.write(LEVEL_0, "Used By:\t");
    if names.is_empty() {
        w.write(LEVEL_0, "<none>\n");
    }
    for (i, name) in names.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        w.write(LEVEL_0, format!("{name}\n"));
    }
    let conditions = pvc
        .status
        .as_ref()
        .and_then(|st| st.conditions.as_deref())
        .unwrap_or_default();
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(
            LEVEL_1,
            "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.write(
                LEVEL_1,
                format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status,
                    rfc(c.last_probe_time.as_ref()),
                    rfc(c.last_transition_time.as_ref()),
                    s(&c.reason),
                    s(&c.message)
                ),
            );
        }
    }
    describe_events(&mut w, ctx);
    w.finish()
}

fn print_full_claim(w: &mut PrefixWriter, pvc: &PersistentVolumeClaim, ctx: &DescribeContext<'_>) {
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&pvc.metadata.name)));
    w.write(
        LEVEL_0,
        format!("Namespace:\t{}\n", s(&pvc.metadata.namespace)),
    );
    w.write(LEVEL_0, format!("StorageClass:\t{}\n", claim_class(pvc)));
    match &pvc.metadata.deletion_timestamp {
        Some(deleted) => w.write(
            LEVEL_0,
            format!(
                "Status:\tTerminating (lasts {})\n",
                since(ctx.now, Some(deleted.0))
            ),
        ),
        None => {
            let phase = pvc.status.as_ref().map(|st| s(&st.phase)).unwrap_or("");
            w.write(LEVEL_0, format!("Status:\t{phase}\n"));
        }
    }
    print_claim_body(w, LEVEL_0, pvc, true);
}

/// `printPersistentVolumeClaim(w, pvc, false)` for ephemeral volume templates, written
/// `base` levels deeper (describe.go's `NewNestedPrefixWriter`).
pub(super) fn print_persistent_volume_claim(
    w: &mut PrefixWriter,
    base: usize,
    pvc: &PersistentVolumeClaim,
    full: bool,
) {
    w.write(base, format!("StorageClass:\t{}\n", claim_class(pvc)));
    print_claim_body(w, base, pvc, full);
}

fn print_claim_body(w: &mut PrefixWriter, base: usize, pvc: &PersistentVolumeClaim, full: bool) {
    let spec = pvc.spec.as_ref();
    let volume_name = spec.map(|sp| s(&sp.volume_name)).unwrap_or("");
    w.write(base, format!("Volume:\t{volume_name}\n"));
    if base == LEVEL_0 {
        w.write(
            base,
            labels_multiline("", "Labels", pvc.metadata.labels.as_ref()),
        );
        w.write(
            base,
            annotations_multiline("Annotations", pvc.metadata.annotations.as_ref()),
        );
    } else {
        nested_map(w, base, "Labels", pvc.metadata.labels.as_ref(), false);
        nested_map(
            w,
            base,
            "Annotations",
            pvc.metadata.annotations.as_ref(),
            true,
        );
    }
    if full {
        let finalizers = pvc
            .metadata
            .finalizers
            .as_deref()
            .unwrap_or_default()
            .join(" ");
        w.write(base, format!("Finalizers:\t[{finalizers}]\n"));
    }
    let (mut capacity, mut access_modes) = (String::new(), String::new());
    if !volume_name.is_empty() {
        let status = pvc.status.as_ref();
        access_modes = access_modes_string(
            status
                .and_then(|st| st.access_modes.as_deref())
                .unwrap_or_default(),
        );
        capacity = status
            .and_then(|st| st.capacity.as_ref())
            .and_then(|c| c.get("storage"))
            .map_or_else(|| "0".to_string(), canonical);
    }
    w.write(base, format!("Capacity:\t{capacity}\n"));
    w.write(base, format!("Access Modes:\t{access_modes}\n"));
    if let Some(mode) = spec.and_then(|sp| sp.volume_mode.as_deref()) {
        w.write(base, format!("VolumeMode:\t{mode}\n"));
    }
    if let Some(source) = spec.and_then(|sp| sp.data_source.as_ref()) {
        w.write(base, "DataSource:\n");
        if let Some(group) = &source.api_group {
            w.write(base + LEVEL_1, format!("APIGroup:\t{group}\n"));
        }
        w.write(base + LEVEL_1, format!("Kind:\t{}\n", source.kind));
        w.write(base + LEVEL_1, format!("Name:\t{}\n", source.name));
    }
}

/// `printLabelsMultiline` / `printAnnotationsMultiline` through a nested prefix writer, which
/// indents every individual write, continuation pieces and `<none>` included. (Long
/// annotation values are not wrapped on this path.)
fn nested_map(
    w: &mut PrefixWriter,
    base: usize,
    title: &str,
    map: Option<&std::collections::BTreeMap<String, String>>,
    annotations: bool,
) {
    w.write(base, format!("{title}:\t"));
    let entries: Vec<String> = map
        .into_iter()
        .flatten()
        .filter(|(k, _)| !annotations || k.as_str() != LAST_APPLIED)
        .map(|(k, v)| {
            if annotations {
                format!("{k}: {v}")
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    if entries.is_empty() {
        w.write(base, "<none>\n");
    }
    for (i, entry) in entries.into_iter().enumerate() {
        if i != 0 {
            if !annotations {
                w.write(base, "");
            }
            w.write(base, "\t");
        }
        w.write(base, format!("{entry}\n"));
    }
}

/// `storageutil.GetPersistentVolumeClaimClass`: the beta annotation wins over the field.
pub(super) fn claim_class(pvc: &PersistentVolumeClaim) -> &str {
    pvc.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class"))
        .map(String::as_str)
        .or_else(|| {
            pvc.spec
                .as_ref()
                .and_then(|sp| sp.storage_class_name.as_deref())
        })
        .unwrap_or("")
}

/// `storageutil.GetAccessModesAsString`: `RWO,ROX,RWX,RWOP` in that fixed order.
pub(super) fn access_modes_string(modes: &[String]) -> String {
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .into_iter()
    .filter(|(mode, _)| modes.iter().any(|m| m == mode))
    .map(|(_, short)| short)
    .collect::<Vec<_>>()
    .join(",")
}
