//! A pod's or pod template's `Volumes:` section (`describeVolumes` and the
//! `print*VolumeSource` helpers). Sources a playground can create are covered; the
//! cloud-provider ones print `<unknown>`.

use k8s_openapi::api::core::v1::{
    HostPathVolumeSource, NFSVolumeSource, PersistentVolumeClaim, ProjectedVolumeSource, Volume,
};

use super::common::s;
use super::pvc::print_persistent_volume_claim;
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter};
use kubeplay_model::quantity::Quantity;

/// `space` is `"  "` in pod templates, where volume names get one extra space.
pub(super) fn describe_volumes(w: &mut PrefixWriter, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        w.write(LEVEL_0, format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(LEVEL_0, format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for volume in volumes {
        w.write(LEVEL_1, format!("{name_indent}{}:\n", volume.name));
        describe_source(w, volume);
    }
}

fn describe_source(w: &mut PrefixWriter, volume: &Volume) {
    if let Some(host_path) = &volume.host_path {
        print_host_path(w, host_path);
    } else if let Some(empty_dir) = &volume.empty_dir {
        let size_limit = empty_dir
            .size_limit
            .as_ref()
            .map(Quantity::of)
            .filter(|q| *q > Quantity::ZERO)
            .map_or_else(|| "<unset>".to_string(), |q| q.canonical());
        w.write(
            LEVEL_2,
            format!(
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size_limit}\n",
                s(&empty_dir.medium)
            ),
        );
    } else if let Some(git) = &volume.git_repo {
        w.write(
            LEVEL_2,
            format!(
                "Type:\tGitRepo (a volume that is pulled from git when the pod is created)\n    Repository:\t{}\n    Revision:\t{}\n",
                git.repository,
                s(&git.revision)
            ),
        );
    } else if let Some(secret) = &volume.secret {
        w.write(
            LEVEL_2,
            format!(
                "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                s(&secret.secret_name),
                secret.optional == Some(true)
            ),
        );
    } else if let Some(config_map) = &volume.config_map {
        w.write(
            LEVEL_2,
            format!(
                "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                config_map.name,
                config_map.optional == Some(true)
            ),
        );
    } else if let Some(nfs) = &volume.nfs {
        print_nfs(w, nfs);
    } else if let Some(claim) = &volume.persistent_volume_claim {
        w.write(
            LEVEL_2,
            format!(
                "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                claim.claim_name,
                claim.read_only == Some(true)
            ),
        );
    } else if let Some(ephemeral) = &volume.ephemeral {
        w.write(
            LEVEL_2,
            "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n",
        );
        if let Some(template) = &ephemeral.volume_claim_template {
            let claim = PersistentVolumeClaim {
                metadata: template.metadata.clone().unwrap_or_default(),
                spec: Some(template.spec.clone()),
                status: None,
            };
            print_persistent_volume_claim(w, LEVEL_2, &claim, false);
        }
    } else if let Some(downward) = &volume.downward_api {
        w.write(
            LEVEL_2,
            "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
        );
        for item in downward.items.iter().flatten() {
            if let Some(field) = &item.field_ref {
                w.write(LEVEL_3, format!("{} -> {}\n", field.field_path, item.path));
            }
            if let Some(resource) = &item.resource_field_ref {
                w.write(LEVEL_3, format!("{} -> {}\n", resource.resource, item.path));
            }
        }
    } else if let Some(projected) = &volume.projected {
        print_projected(w, projected);
    } else if let Some(csi) = &volume.csi {
        w.write(
            LEVEL_2,
            format!(
                "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n",
                csi.driver,
                s(&csi.fs_type),
                csi.read_only == Some(true)
            ),
        );
        print_csi_attributes(w, csi.volume_attributes.as_ref());
    } else if let Some(image) = &volume.image {
        w.write(
            LEVEL_2,
            format!(
                "Type:\tImage (a container image or OCI artifact)\n    Reference:\t{}\n    PullPolicy:\t{}\n",
                s(&image.reference),
                s(&image.pull_policy)
            ),
        );
    } else {
        w.write(LEVEL_1, "<unknown>\n");
    }
}

/// `printHostPathVolumeSource` (also used for PersistentVolumes).
pub(super) fn print_host_path(w: &mut PrefixWriter, host_path: &HostPathVolumeSource) {
    let kind = host_path.type_.as_deref().unwrap_or("<none>");
    w.write(
        LEVEL_2,
        format!(
            "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{kind}\n",
            host_path.path
        ),
    );
}

/// `printNFSVolumeSource` (also used for PersistentVolumes).
pub(super) fn print_nfs(w: &mut PrefixWriter, nfs: &NFSVolumeSource) {
    w.write(
        LEVEL_2,
        format!(
            "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
            nfs.server,
            nfs.path,
            nfs.read_only == Some(true)
        ),
    );
}

/// `printProjectedVolumeSource` in its 1.33 form (`Optional:` rather than `ConfigMapOptional:`).
fn print_projected(w: &mut PrefixWriter, projected: &ProjectedVolumeSource) {
    w.write(
        LEVEL_2,
        "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
    );
    for source in projected.sources.iter().flatten() {
        if let Some(secret) = &source.secret {
            w.write(
                LEVEL_2,
                format!(
                    "SecretName:\t{}\n    Optional:\t{}\n",
                    secret.name,
                    secret.optional == Some(true)
                ),
            );
        } else if source.downward_api.is_some() {
            w.write(LEVEL_2, "DownwardAPI:\ttrue\n");
        } else if let Some(config_map) = &source.config_map {
            w.write(
                LEVEL_2,
                format!(
                    "ConfigMapName:\t{}\n    Optional:\t{}\n",
                    config_map.name,
                    config_map.optional == Some(true)
                ),
            );
        } else if let Some(token) = &source.service_account_token {
            w.write(
                LEVEL_2,
                format!(
                    "TokenExpirationSeconds:\t{}\n",
                    token.expiration_seconds.unwrap_or(0)
                ),
            );
        }
    }
}

/// `printCSIPersistentVolumeAttributesMultilineIndent`, whose every write is at LEVEL_2
/// (so continuation lines carry eight spaces before the tab and four after it).
pub(super) fn print_csi_attributes(
    w: &mut PrefixWriter,
    attributes: Option<&std::collections::BTreeMap<String, String>>,
) {
    w.write(LEVEL_2, "VolumeAttributes:\t");
    let Some(attributes) = attributes.filter(|a| !a.is_empty()) else {
        w.write(LEVEL_0, "<none>\n");
        return;
    };
    for (i, (key, value)) in attributes.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_2, "");
            w.write(LEVEL_2, "\t");
        }
        let line = format!("{key}={value}");
        if line.len() > 140 {
            let mut end = 140;
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            w.write(LEVEL_2, format!("{}...\n", &line[..end]));
        } else {
            w.write(LEVEL_2, format!("{line}\n"));
        }
    }
}
