//! Controller history (`pkg/controller/history`): ControllerRevisions that snapshot a
//! StatefulSet's or DaemonSet's pod template, numbered in order; going back to an earlier
//! template renumbers its revision instead of creating a new one. Which revisions an owner
//! has is `claim::claim_revisions` (its own plus the orphans it adopts).

use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use kubeplay_model::keys::LAST_APPLIED;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Object, Typed};

use super::{Action, Reconciliation, controller_ref};

/// Makes `name` the newest revision: created if missing, renumbered if it is an older one.
pub fn ensure_revision(
    owner: &Object,
    template: &PodTemplateSpec,
    name: &str,
    hash: &str,
    revisions: &[ControllerRevision],
    result: &mut Reconciliation,
) {
    let latest = revisions.iter().map(|r| r.revision).max().unwrap_or(0);
    match revisions.iter().find(|r| r.metadata.name_str() == name) {
        Some(existing) if existing.revision < latest => {
            let mut renumbered = existing.clone();
            renumbered.revision = latest + 1;
            result
                .actions
                .push(Action::Update(renumbered.into_object()));
        }
        Some(_) => {}
        None => result.actions.push(Action::Create {
            object: revision_object(owner, template, name, hash, latest + 1),
            event: None,
        }),
    }
}

/// The pod template a revision recorded.
pub fn template_of(revisions: &[ControllerRevision], name: &str) -> Option<PodTemplateSpec> {
    let revision = revisions.iter().find(|r| r.metadata.name_str() == name)?;
    let data = revision.data.as_ref()?;
    kubeplay_model::object::decode(data.0.get("spec")?.get("template")?).ok()
}

fn revision_object(
    owner: &Object,
    template: &PodTemplateSpec,
    name: &str,
    hash: &str,
    number: i64,
) -> Object {
    let mut labels = template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    labels.insert("controller.kubernetes.io/hash".into(), hash.into());
    let annotations = owner
        .meta()
        .annotations
        .clone()
        .filter(|a| !a.is_empty())
        .map(|mut a| {
            a.remove(LAST_APPLIED);
            a.remove("deprecated.daemonset.template.generation");
            a
        });
    let data = serde_json::json!({ "spec": { "template": serde_json::to_value(template).unwrap_or_default() } });
    Object::ControllerRevision(Box::new(ControllerRevision {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(owner.namespace().into()),
            labels: Some(labels),
            annotations: annotations.filter(|a| !a.is_empty()),
            owner_references: Some(vec![controller_ref(owner)]),
            ..ObjectMeta::default()
        },
        data: Some(RawExtension(data)),
        revision: number,
    }))
}
