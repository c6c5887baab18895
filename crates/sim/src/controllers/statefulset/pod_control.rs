//! Making one replica (`StatefulPodControl.CreateStatefulPod`): its claims first, one per
//! claim template and ordinal, then the pod named `<set>-<ordinal>` that mounts them. A claim
//! the API server refuses means no pod, and the sync fails: the controller's work queue
//! retries it with its rate-limited back-off.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, PodTemplateSpec, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::keys::{CONTROLLER_REVISION_HASH, POD_INDEX, STATEFULSET_POD_NAME};
use kubeplay_model::object::MetaExt;
use kubeplay_model::validation;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::{COMPONENT, Sync};
use crate::api::EventType;
use crate::controllers::pods::pod_from_template;
use crate::controllers::{Action, controller_ref};

impl<'a> Sync<'a> {
    pub(super) fn create_replica(
        &mut self,
        template: &PodTemplateSpec,
        ordinal: i32,
        revision: &str,
    ) {
        let set = self.key.name.clone();
        let pod_name = format!("{set}-{ordinal}");
        let mut claim_volumes = Vec::new();
        let mut claim_failures = Vec::new();
        let claims = self.spec.volume_claim_templates.clone().unwrap_or_default();
        for claim in &claims {
            let template_name = claim.metadata.name_str().to_string();
            let claim_name = format!("{template_name}-{set}-{ordinal}");
            claim_volumes.push(Volume {
                name: template_name,
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim_name.clone(),
                    read_only: None,
                }),
                ..Volume::default()
            });
            if let Err(error) = self.create_claim(claim, &claim_name, &pod_name) {
                claim_failures.push(format!("failed to create PVC {claim_name}: {error}"));
            }
        }
        if !claim_failures.is_empty() {
            // `errorutils.NewAggregate`: one error alone, several in brackets.
            let aggregate = if claim_failures.len() == 1 {
                claim_failures.concat()
            } else {
                format!("[{}]", claim_failures.join(", "))
            };
            self.record(
                EventType::Warning,
                "FailedCreate",
                format!("create Pod {pod_name} in StatefulSet {set} failed error: {aggregate}"),
            );
            self.result.fail();
            return;
        }
        let mut pod = pod_from_template(template, &self.object);
        pod.metadata.generate_name = None;
        pod.metadata.name = Some(pod_name.clone());
        let labels = pod.metadata.labels.get_or_insert_with(BTreeMap::new);
        labels.insert(STATEFULSET_POD_NAME.into(), pod_name.clone());
        labels.insert(POD_INDEX.into(), ordinal.to_string());
        labels.insert(CONTROLLER_REVISION_HASH.into(), revision.into());
        if let Some(pod_spec) = pod.spec.as_mut() {
            pod_spec.hostname = Some(pod_name.clone());
            pod_spec.subdomain = self.spec.service_name.clone().filter(|s| !s.is_empty());
            let volumes = pod_spec.volumes.get_or_insert_with(Vec::new);
            volumes.retain(|v| !claim_volumes.iter().any(|c| c.name == v.name));
            volumes.extend(claim_volumes);
        }
        self.result.actions.push(Action::Create {
            object: pod.into_object(),
            event: None,
        });
        self.record(
            EventType::Normal,
            "SuccessfulCreate",
            format!("create Pod {pod_name} in StatefulSet {set} successful"),
        );
    }

    /// Creates the claim unless it exists. Controllers' writes are applied after the
    /// reconcile, so the API server's answer is asked of the same validation it runs.
    fn create_claim(
        &mut self,
        claim: &PersistentVolumeClaim,
        claim_name: &str,
        pod_name: &str,
    ) -> Result<(), kubeplay_model::ApiError> {
        let namespace = self.key.namespace.clone();
        let key = ObjectKey::new(Kind::PersistentVolumeClaim, &namespace, claim_name);
        if self.ctx.store.get(&key).is_some() {
            return Ok(());
        }
        let mut labels = claim.metadata.labels.clone().unwrap_or_default();
        labels.extend(self.spec.selector.match_labels.clone().unwrap_or_default());
        // `whenDeleted: Delete` makes the set the claim's owner, so the garbage collector
        // removes it with the set.
        let when_deleted = self
            .spec
            .persistent_volume_claim_retention_policy
            .as_ref()
            .and_then(|p| p.when_deleted.as_deref())
            == Some("Delete");
        let pvc = PersistentVolumeClaim {
            metadata: ObjectMeta {
                name: Some(claim_name.to_string()),
                namespace: Some(namespace),
                labels: Some(labels),
                owner_references: when_deleted.then(|| vec![controller_ref(&self.object)]),
                ..ObjectMeta::default()
            },
            spec: claim.spec.clone(),
            status: None,
        };
        let claim_object = Object::PersistentVolumeClaim(Box::new(pvc));
        let set = &self.key.name;
        if let Err(error) = validation::validate(&claim_object) {
            self.record(
                EventType::Warning,
                "FailedCreate",
                format!(
                    "create Claim {claim_name} for Pod {pod_name} in StatefulSet {set} failed error: {error}"
                ),
            );
            return Err(error);
        }
        self.result.actions.push(Action::Create {
            object: claim_object,
            event: None,
        });
        self.record(
            EventType::Normal,
            "SuccessfulCreate",
            format!("create Claim {claim_name} Pod {pod_name} in StatefulSet {set} success"),
        );
        Ok(())
    }

    fn record(&mut self, event_type: EventType, reason: &'static str, message: String) {
        (self.result).record(self.key, event_type, reason, message, COMPONENT);
    }
}
