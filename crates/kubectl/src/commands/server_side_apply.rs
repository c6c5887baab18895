//! `kubectl apply --server-side`: each object is sent whole to the API server's
//! server-side apply (`ApiServer::server_side_apply`, what `kubeplay serve` runs for the
//! real kubectl), which merges it, records its field manager's ownership and refuses to
//! change fields other managers own unless `--force-conflicts`.

use kubeplay_model::ApiError;
use kubeplay_model::manifest::FieldValidation;
use kubeplay_model::{Object, ObjectKey};
use kubeplay_sim::field_manager::ApplyRequest;
use serde_json::Value;

use super::apply::{ApplyError, resolve_namespace};
use crate::session::Session;

/// kubectl's advice after a conflict (`apply.go`).
const CONFLICT_ADVICE: &str =
    "Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts";

/// How `kubectl apply --server-side` was asked to apply.
pub struct Options<'a> {
    pub manager: &'a str,
    pub force: bool,
    pub validation: FieldValidation,
    pub dry_run: bool,
}

/// Applies one object as it was written (its namespace filled in as kubectl does).
pub fn apply_one(
    mut object: Object,
    raw: &Value,
    namespace_flag: Option<&str>,
    options: &Options,
    session: &mut Session,
) -> Result<Object, ApplyError> {
    let namespace = resolve_namespace(&mut object, namespace_flag)?;
    let mut config = raw.clone();
    if object.kind().namespaced()
        && let Some(metadata) = config.get_mut("metadata").and_then(Value::as_object_mut)
    {
        metadata.insert("namespace".into(), Value::String(namespace.clone()));
    }
    let key = ObjectKey::new(object.kind(), &namespace, object.name());
    let request = ApplyRequest {
        body: &config.to_string(),
        manager: options.manager,
        force: options.force,
        validation: options.validation,
        dry_run: options.dry_run,
    };
    match session.cluster.api.server_side_apply(&key, &request) {
        Ok(applied) => Ok(applied.object),
        Err(ApiError::ApplyConflict { message, .. }) => Err(ApplyError::Message(format!(
            "error: {message}\n{CONFLICT_ADVICE}"
        ))),
        Err(error) => Err(ApplyError::Api(error, "serverside-apply")),
    }
}
