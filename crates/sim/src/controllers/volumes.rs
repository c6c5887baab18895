//! Persistent volumes the way kind provides them: the `standard` StorageClass binds on first
//! consumer, and rancher's local-path provisioner creates a hostPath PV on the consumer's node
//! (`pvc-<uid>`); when a claim is deleted its volume is reclaimed (deleted).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    HostPathVolumeSource, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, ObjectReference,
    PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimStatus, PersistentVolumeSpec,
    PersistentVolumeStatus, VolumeNodeAffinity,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Pod, Typed};

use super::{Action, Context, Reconciliation, event};
use super::{Controller, Reconcile, Watch};
use crate::api::{DeleteOptions, EventType};
use crate::store::WatchEvent;

const BINDER: &str = "persistentvolume-controller";
const PROVISIONER: &str = "rancher.io/local-path";

/// Claims: binding them to volumes and provisioning those.
pub static CONTROLLER: Controller = Controller {
    name: "persistentvolume-binder",
    reconciles: Some(Kind::PersistentVolumeClaim),
    owns: &[],
    watches: claims_and_consumers,
    reconcile: Reconcile::Stateless(reconcile),
};

/// A deleted claim may free its volume; a scheduled consumer lets its claims bind.
fn claims_and_consumers(event: &WatchEvent, watch: &mut Watch) {
    match &*event.object {
        Object::PersistentVolumeClaim(_) if event.deleted() => {
            watch.wake_every(Kind::PersistentVolume, None)
        }
        Object::Pod(pod) if !event.deleted() => {
            let Some(spec) = pod.spec.as_ref().filter(|s| s.node_name.is_some()) else {
                return;
            };
            for volume in spec.volumes.iter().flatten() {
                if let Some(claim) = &volume.persistent_volume_claim {
                    watch.wake(ObjectKey::new(
                        Kind::PersistentVolumeClaim,
                        pod.metadata.namespace_str(),
                        &claim.claim_name,
                    ));
                }
            }
        }
        _ => {}
    }
}

/// Reconciles a claim (bind it once a scheduled pod uses it) or a volume (reclaim it once its
/// claim is gone).
pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    match key.kind {
        Kind::PersistentVolume => {
            let Some(pv) = ctx.store.get_typed::<PersistentVolume>("", &key.name) else {
                return result;
            };
            let claim = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref());
            let claim_gone = claim.is_some_and(|c| {
                ctx.store
                    .get_typed::<PersistentVolumeClaim>(
                        c.namespace.as_deref().unwrap_or_default(),
                        c.name.as_deref().unwrap_or_default(),
                    )
                    .is_none_or(|pvc| pvc.metadata.uid != c.uid)
            });
            let delete = pv
                .spec
                .as_ref()
                .and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
                == Some("Delete");
            if claim_gone && delete && !pv.metadata.is_deleting() {
                result.actions.push(Action::Delete {
                    key: key.clone(),
                    options: DeleteOptions::default(),
                    event: None,
                });
            }
        }
        Kind::PersistentVolumeClaim => {
            let Some(pvc) = ctx
                .store
                .get_typed::<PersistentVolumeClaim>(&key.namespace, &key.name)
            else {
                return result;
            };
            if pvc
                .spec
                .as_ref()
                .and_then(|s| s.volume_name.as_ref())
                .is_some()
                || pvc.metadata.is_deleting()
            {
                return result;
            }
            let consumer = ctx
                .store
                .list_typed::<Pod>(Some(&key.namespace))
                .find(|pod| {
                    pod.spec.as_ref().is_some_and(|s| {
                        s.volumes.iter().flatten().any(|v| {
                            v.persistent_volume_claim
                                .as_ref()
                                .is_some_and(|c| c.claim_name == key.name)
                        })
                    })
                });
            let node = consumer.and_then(|pod| pod.spec.as_ref()?.node_name.clone());
            match node {
                None => result.actions.push(Action::Event(event(
                    key.clone(),
                    EventType::Normal,
                    "WaitForFirstConsumer",
                    "waiting for first consumer to be created before binding".into(),
                    BINDER,
                ))),
                Some(node) => provision(pvc, &node, key, &mut result),
            }
        }
        _ => {}
    }
    result
}

fn provision(
    pvc: &PersistentVolumeClaim,
    node: &str,
    key: &ObjectKey,
    result: &mut Reconciliation,
) {
    let spec = pvc.spec.clone().unwrap_or_default();
    let volume_name = format!("pvc-{}", pvc.metadata.uid_str());
    let capacity: BTreeMap<_, _> = spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k == "storage")
        .collect();
    let pv = PersistentVolume {
        metadata: ObjectMeta {
            name: Some(volume_name.clone()),
            annotations: Some(
                [
                    (
                        "pv.kubernetes.io/provisioned-by".to_string(),
                        PROVISIONER.to_string(),
                    ),
                    (
                        "local.path.provisioner/selected-node".to_string(),
                        node.to_string(),
                    ),
                ]
                .into(),
            ),
            finalizers: None,
            ..ObjectMeta::default()
        },
        spec: Some(PersistentVolumeSpec {
            access_modes: spec.access_modes.clone(),
            capacity: Some(capacity.clone()),
            claim_ref: Some(ObjectReference {
                api_version: Some("v1".into()),
                kind: Some("PersistentVolumeClaim".into()),
                name: pvc.metadata.name.clone(),
                namespace: pvc.metadata.namespace.clone(),
                uid: pvc.metadata.uid.clone(),
                ..ObjectReference::default()
            }),
            host_path: Some(HostPathVolumeSource {
                path: format!(
                    "/var/local-path-provisioner/{volume_name}_{}_{}",
                    pvc.metadata.namespace_str(),
                    pvc.metadata.name_str()
                ),
                type_: Some("DirectoryOrCreate".into()),
            }),
            node_affinity: Some(VolumeNodeAffinity {
                required: Some(NodeSelector {
                    node_selector_terms: vec![NodeSelectorTerm {
                        match_expressions: Some(vec![NodeSelectorRequirement {
                            key: "kubernetes.io/hostname".into(),
                            operator: "In".into(),
                            values: Some(vec![node.into()]),
                        }]),
                        match_fields: None,
                    }],
                }),
            }),
            persistent_volume_reclaim_policy: Some("Delete".into()),
            storage_class_name: spec.storage_class_name.clone(),
            volume_mode: Some("Filesystem".into()),
            ..PersistentVolumeSpec::default()
        }),
        status: Some(PersistentVolumeStatus {
            phase: Some("Bound".into()),
            ..PersistentVolumeStatus::default()
        }),
    };
    result.actions.push(Action::Event(event(
        key.clone(),
        EventType::Normal,
        "Provisioning",
        format!(
            "External provisioner is provisioning volume for claim \"{}/{}\"",
            pvc.metadata.namespace_str(),
            pvc.metadata.name_str()
        ),
        PROVISIONER,
    )));
    result.actions.push(Action::Create {
        object: pv.into_object(),
        event: None,
    });
    let mut bound = pvc.clone();
    if let Some(spec) = bound.spec.as_mut() {
        spec.volume_name = Some(volume_name.clone());
    }
    result
        .actions
        .push(Action::Update(Object::PersistentVolumeClaim(Box::new(
            bound.clone(),
        ))));
    bound.status = Some(PersistentVolumeClaimStatus {
        phase: Some("Bound".into()),
        access_modes: spec.access_modes.clone(),
        capacity: Some(capacity),
        ..PersistentVolumeClaimStatus::default()
    });
    result
        .actions
        .push(Action::UpdateStatus(Object::PersistentVolumeClaim(
            Box::new(bound),
        )));
    result.actions.push(Action::Event(event(
        key.clone(),
        EventType::Normal,
        "ProvisioningSucceeded",
        format!("Successfully provisioned volume {volume_name}"),
        PROVISIONER,
    )));
}
