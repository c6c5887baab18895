//! `kubectl describe persistentvolume` (`describePersistentVolume`), for the volume sources a
//! playground provisions (hostPath, local, NFS, CSI); others print `<unknown>`.

use k8s_openapi::api::core::v1::{NodeSelectorRequirement, PersistentVolume, VolumeNodeAffinity};

use super::DescribeContext;
use super::common::{s, write_labels_and_annotations};
use super::events::describe_events;
use super::pvc::access_modes_string;
use super::volumes::{print_csi_attributes, print_host_path, print_nfs};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, PrefixWriter};
use crate::text::time::since;
use kubeplay_model::quantity::canonical;

pub fn describe_persistent_volume(pv: &PersistentVolume, ctx: &DescribeContext<'_>) -> String {
    let mut w = PrefixWriter::new();
    let meta = &pv.metadata;
    let default_spec = Default::default();
    let spec = pv.spec.as_ref().unwrap_or(&default_spec);
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    write_labels_and_annotations(&mut w, meta);
    let finalizers = meta.finalizers.as_deref().unwrap_or_default().join(" ");
    w.write(LEVEL_0, format!("Finalizers:\t[{finalizers}]\n"));
    let class = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class"))
        .map_or_else(|| s(&spec.storage_class_name), String::as_str);
    w.write(LEVEL_0, format!("StorageClass:\t{class}\n"));
    match &meta.deletion_timestamp {
        Some(deleted) => w.write(
            LEVEL_0,
            format!(
                "Status:\tTerminating (lasts {})\n",
                since(ctx.now, Some(deleted.0))
            ),
        ),
        None => {
            let phase = pv.status.as_ref().map(|st| s(&st.phase)).unwrap_or("");
            w.write(LEVEL_0, format!("Status:\t{phase}\n"));
        }
    }
    let claim = spec
        .claim_ref
        .as_ref()
        .map(|c| format!("{}/{}", s(&c.namespace), s(&c.name)))
        .unwrap_or_default();
    w.write(LEVEL_0, format!("Claim:\t{claim}\n"));
    w.write(
        LEVEL_0,
        format!(
            "Reclaim Policy:\t{}\n",
            s(&spec.persistent_volume_reclaim_policy)
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "Access Modes:\t{}\n",
            access_modes_string(spec.access_modes.as_deref().unwrap_or_default())
        ),
    );
    if let Some(mode) = &spec.volume_mode {
        w.write(LEVEL_0, format!("VolumeMode:\t{mode}\n"));
    }
    let capacity = spec
        .capacity
        .as_ref()
        .and_then(|c| c.get("storage"))
        .map_or_else(|| "0".to_string(), canonical);
    w.write(LEVEL_0, format!("Capacity:\t{capacity}\n"));
    print_node_affinity(&mut w, spec.node_affinity.as_ref());
    let message = pv.status.as_ref().map(|st| s(&st.message)).unwrap_or("");
    w.write(LEVEL_0, format!("Message:\t{message}\n"));
    w.write(LEVEL_0, "Source:\n");
    if let Some(host_path) = &spec.host_path {
        print_host_path(&mut w, host_path);
    } else if let Some(nfs) = &spec.nfs {
        print_nfs(&mut w, nfs);
    } else if let Some(local) = &spec.local {
        w.write(
            LEVEL_2,
            format!(
                "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n",
                local.path
            ),
        );
    } else if let Some(csi) = &spec.csi {
        w.write(
            LEVEL_2,
            format!(
                "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n",
                csi.driver,
                s(&csi.fs_type),
                csi.volume_handle,
                csi.read_only == Some(true)
            ),
        );
        print_csi_attributes(&mut w, csi.volume_attributes.as_ref());
    } else {
        w.write(LEVEL_1, "<unknown>\n");
    }
    describe_events(&mut w, ctx);
    w.finish()
}

/// `printVolumeNodeAffinity`.
fn print_node_affinity(w: &mut PrefixWriter, affinity: Option<&VolumeNodeAffinity>) {
    w.write(LEVEL_0, "Node Affinity:\t");
    let Some(required) = affinity.and_then(|a| a.required.as_ref()) else {
        w.write(LEVEL_0, "<none>\n");
        return;
    };
    w.write(LEVEL_0, "\n");
    w.write(LEVEL_1, "Required Terms:\t");
    if required.node_selector_terms.is_empty() {
        w.write(LEVEL_0, "<none>\n");
        return;
    }
    w.write(LEVEL_0, "\n");
    for (i, term) in required.node_selector_terms.iter().enumerate() {
        print_term(
            w,
            &format!("Term {i}"),
            term.match_expressions.as_deref().unwrap_or_default(),
        );
    }
}

/// `printNodeSelectorTermsMultilineWithIndent(w, LEVEL_2, title, "\t", reqs)`.
fn print_term(w: &mut PrefixWriter, title: &str, requirements: &[NodeSelectorRequirement]) {
    w.write(LEVEL_2, format!("{title}:\t"));
    if requirements.is_empty() {
        w.write(LEVEL_0, "<none>\n");
        return;
    }
    for (i, req) in requirements.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_2, "\t");
        }
        let mut expr = format!("{} {}", req.key, req.operator.to_lowercase());
        let values = req.values.as_deref().unwrap_or_default();
        if !values.is_empty() {
            expr = format!("{expr} [{}]", values.join(", "));
        }
        w.write(LEVEL_0, format!("{expr}\n"));
    }
}
