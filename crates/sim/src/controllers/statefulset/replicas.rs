//! The replicas of a StatefulSet (`updateStatefulSet` in `stateful_set_control.go`): missing
//! ordinals created and finished pods replaced in ascending order, condemned ordinals deleted
//! from the highest down; OrderedReady stops at the first replica that is not healthy.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::is_finished;
use kubeplay_model::{Kind, Object, ObjectKey, Pod};

use super::{Sync, healthy};
use crate::controllers::{Action, history};

impl<'a> Sync<'a> {
    /// Replicas in ascending ordinal order: create what is missing, replace what finished.
    pub(super) fn manage_replicas(&mut self) {
        let partition = self.partition();
        for ordinal in self.ordinals() {
            match self.owned.get(&ordinal).copied() {
                None => {
                    let revision = if !self.on_delete() && ordinal < self.start + partition {
                        self.current_revision.clone()
                    } else {
                        self.update_revision.clone()
                    };
                    let template = if revision == self.update_revision {
                        self.spec.template.clone()
                    } else {
                        history::template_of(&self.revisions, &revision)
                            .unwrap_or_else(|| self.spec.template.clone())
                    };
                    self.create_replica(&template, ordinal, &revision);
                }
                Some(pod) if is_finished(pod) && !pod.metadata.is_deleting() => self.delete(pod),
                Some(pod) if !self.parallel && !healthy(pod) => {}
                Some(_) => continue,
            }
            if !self.parallel {
                self.blocked = true;
                return;
            }
        }
    }

    /// Condemned pods (ordinals past the end) go from the highest ordinal down.
    pub(super) fn condemn(&mut self) {
        let condemned: Vec<&Pod> = self
            .owned
            .iter()
            .rev()
            .filter(|(n, _)| !self.ordinals().contains(n))
            .map(|(_, p)| *p)
            .collect();
        for pod in condemned {
            if pod.metadata.is_deleting() {
                if !self.parallel {
                    break;
                }
                continue;
            }
            if !self.parallel && self.blocked {
                break;
            }
            self.release_claims_to(pod);
            self.delete(pod);
            if !self.parallel {
                break;
            }
        }
    }

    /// `whenScaled: Delete`: the condemned pod becomes its claims' owner first, so they go
    /// when it does.
    fn release_claims_to(&mut self, pod: &Pod) {
        let when_scaled = self
            .spec
            .persistent_volume_claim_retention_policy
            .as_ref()
            .and_then(|p| p.when_scaled.as_deref());
        if when_scaled != Some("Delete") {
            return;
        }
        for claim in pod
            .spec
            .iter()
            .flat_map(|s| s.volumes.iter().flatten())
            .filter_map(|v| v.persistent_volume_claim.as_ref())
        {
            let key = ObjectKey::new(
                Kind::PersistentVolumeClaim,
                &self.key.namespace,
                &claim.claim_name,
            );
            let Some(Object::PersistentVolumeClaim(pvc)) = self.ctx.store.get(&key) else {
                continue;
            };
            let mut owned = pvc.clone();
            let references = owned.metadata.owner_references.get_or_insert_with(Vec::new);
            if references.iter().any(|r| r.uid == pod.metadata.uid_str()) {
                continue;
            }
            // The pod, not the set, owns the claim from now on.
            references.retain(|r| r.kind != "StatefulSet");
            references.push(OwnerReference {
                api_version: "v1".into(),
                kind: "Pod".into(),
                name: pod.metadata.name_str().into(),
                uid: pod.metadata.uid_str().into(),
                controller: None,
                block_owner_deletion: None,
            });
            self.result
                .actions
                .push(Action::Update(Object::PersistentVolumeClaim(owned)));
        }
    }
}
