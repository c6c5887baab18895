//! `PATCH`: the stored object as JSON, the patch applied by the model's patch module, the
//! result decoded (unknown fields as `fieldValidation` says) and written through the ordinary
//! update — or the status update for the `status` subresource — so defaulting, validation,
//! resourceVersion preconditions and generation work as for any write.

use kubeplay_model::manifest::{FieldValidation, decode_documents_with};
use kubeplay_model::patch::{self, PatchError, PatchType};
use kubeplay_model::{ApiError, Object, ObjectKey};

use crate::api::ApiServer;

/// What a patch writes: the object, or only its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchTarget {
    Object,
    Status,
}

/// A patched object and the server's warnings about it (unknown fields under `Warn`).
#[derive(Debug)]
pub struct Patched {
    pub object: Object,
    pub warnings: Vec<String>,
}

impl ApiServer {
    /// Applies `body` (a patch of `patch_type`) to the object at `key`.
    pub fn patch(
        &mut self,
        key: &ObjectKey,
        patch_type: PatchType,
        body: &str,
        target: PatchTarget,
        validation: FieldValidation,
        dry_run: bool,
    ) -> Result<Patched, ApiError> {
        let Some(current) = self.store.get(key) else {
            return Err(ApiError::not_found(key.kind, &key.name));
        };
        let patched =
            patch::apply(&current.to_value(), patch_type, body).map_err(|error| match error {
                PatchError::Malformed(message) => ApiError::BadRequest(message),
                PatchError::Unprocessable(message) => ApiError::Unprocessable(message),
            })?;
        let text =
            serde_json::to_string(&patched).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let mut documents = decode_documents_with(&text, "", validation).into_iter();
        let document = match documents.next() {
            Some(Ok(document)) => document,
            Some(Err(error)) => return Err(ApiError::BadRequest(error.to_string())),
            None => {
                return Err(ApiError::BadRequest(
                    "the patch removed the whole object".into(),
                ));
            }
        };
        let object = document.object;
        if object.key() != *key {
            return Err(ApiError::BadRequest(
                "the patch may not change the object's kind, name or namespace".into(),
            ));
        }
        let object = match target {
            PatchTarget::Object => self.update(object, dry_run)?,
            PatchTarget::Status if dry_run => object,
            PatchTarget::Status => self.update_status(object)?,
        };
        Ok(Patched {
            object,
            warnings: document.warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClusterShape, create_cluster};
    use kubeplay_model::Kind;

    fn coredns() -> ObjectKey {
        ObjectKey::new(Kind::Deployment, "kube-system", "coredns")
    }

    #[test]
    fn a_patch_goes_through_the_update_path() {
        let mut cluster = create_cluster(
            &ClusterShape::preset("kind").unwrap(),
            jiff::Timestamp::UNIX_EPOCH,
            1,
        );
        let api = &mut cluster.api;
        let before = api.store.get(&coredns()).unwrap().meta().generation;
        let patched = api
            .patch(
                &coredns(),
                PatchType::Strategic,
                r#"{"spec":{"replicas":3}}"#,
                PatchTarget::Object,
                FieldValidation::Strict,
                false,
            )
            .unwrap();
        assert_eq!(patched.object.to_value()["spec"]["replicas"], 3);
        assert_eq!(patched.object.meta().generation, before.map(|g| g + 1));
        let invalid = api.patch(
            &coredns(),
            PatchType::Merge,
            r#"{"spec":{"replicas":-1}}"#,
            PatchTarget::Object,
            FieldValidation::Strict,
            false,
        );
        assert!(
            matches!(invalid, Err(ApiError::Invalid { .. })),
            "{invalid:?}"
        );
        let stale = api.patch(
            &coredns(),
            PatchType::Merge,
            r#"{"metadata":{"resourceVersion":"1"}}"#,
            PatchTarget::Object,
            FieldValidation::Strict,
            false,
        );
        assert!(matches!(stale, Err(ApiError::Conflict { .. })), "{stale:?}");
        let unknown = api.patch(
            &coredns(),
            PatchType::Merge,
            r#"{"spec":{"bogus":1}}"#,
            PatchTarget::Object,
            FieldValidation::Strict,
            false,
        );
        assert!(
            matches!(unknown, Err(ApiError::BadRequest(ref m)) if m.contains("unknown field \"spec.bogus\"")),
            "{unknown:?}"
        );
        let missing = api.patch(
            &coredns(),
            PatchType::Json,
            r#"[{"op":"remove","path":"/spec/nothing"}]"#,
            PatchTarget::Object,
            FieldValidation::Strict,
            false,
        );
        assert!(
            matches!(missing, Err(ApiError::Unprocessable(_))),
            "{missing:?}"
        );
        assert_eq!(
            api.store.get(&coredns()).unwrap().to_value()["spec"]["replicas"],
            3,
            "failed patches changed nothing"
        );
    }
}
