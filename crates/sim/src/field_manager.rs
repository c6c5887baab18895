//! The API server's field manager: the `managedFields` of writes made for a client (a
//! manager named by the request), and server-side apply. The control plane's own writes
//! record no entries (they carry the object's along unchanged).

use kubeplay_model::api::apimachinery::pkg::apis::meta::v1::ManagedFieldsEntry;
use kubeplay_model::managed::{self, Apply};
use kubeplay_model::manifest::{FieldValidation, decode_documents_with};
use kubeplay_model::{ApiError, Object, ObjectKey};
use serde_json::Value;

use crate::api::ApiServer;

/// Who a request writes for: its manager, and the subresource it writes through (`scale`,
/// `status`), which its entries name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldManager {
    pub name: String,
    pub subresource: Option<String>,
}

/// What a server-side apply asks (`PATCH` with `application/apply-patch+yaml`).
pub struct ApplyRequest<'a> {
    /// The configuration, YAML or JSON.
    pub body: &'a str,
    pub manager: &'a str,
    pub force: bool,
    pub validation: FieldValidation,
    pub dry_run: bool,
}

/// An applied object and the server's warnings about the configuration.
pub struct Applied {
    pub object: Object,
    pub created: bool,
    pub warnings: Vec<String>,
}

impl ApiServer {
    fn now_rfc3339(&self) -> String {
        self.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// Records the write of `new` over `old` for the request's manager, if there is one.
    pub(crate) fn record_managed_fields(
        &self,
        old: Option<&Object>,
        new: &mut Object,
        subresource: Option<&str>,
    ) {
        let Some(manager) = &self.field_manager else {
            return;
        };
        let old_value = old.map(Object::to_value);
        let subresource = subresource.or(manager.subresource.as_deref());
        let fields = managed::record_update(
            old_value.as_ref(),
            &new.to_value(),
            &manager.name,
            subresource,
            &self.now_rfc3339(),
        );
        set_managed_fields(new, fields);
    }

    /// Server-side apply: merges the configuration into the object named by `key` (creating
    /// it when absent), refusing — unless forced — to change fields other managers own.
    pub fn server_side_apply(
        &mut self,
        key: &ObjectKey,
        request: &ApplyRequest,
    ) -> Result<Applied, ApiError> {
        let config: Value = serde_norway::from_str(request.body)
            .map_err(|error| ApiError::BadRequest(format!("error decoding YAML: {error}")))?;
        if !config.is_object() {
            return Err(ApiError::BadRequest(
                "couldn't get version/kind; json parse error: the configuration is not an object"
                    .into(),
            ));
        }
        for (field, what) in [("apiVersion", "apiVersion"), ("kind", "kind")] {
            if config[field].as_str().is_none_or(str::is_empty) {
                return Err(ApiError::BadRequest(format!("{what} must be set")));
            }
        }
        let live = self.store.get(key).map(Object::to_value);
        let merged = managed::apply(
            live.as_ref(),
            &config,
            &Apply {
                manager: request.manager,
                force: request.force,
                time: &self.now_rfc3339(),
            },
        )
        .map_err(|conflicts| ApiError::ApplyConflict {
            message: conflicts.message(),
            causes: conflicts.causes(),
        })?;
        let text = merged.to_string();
        let document = match decode_documents_with(&text, "", request.validation)
            .into_iter()
            .next()
        {
            Some(Ok(document)) => document,
            Some(Err(error)) => return Err(ApiError::BadRequest(error.to_string())),
            None => return Err(ApiError::BadRequest("the configuration is empty".into())),
        };
        let mut object = document.object;
        if object.key().kind != key.kind || object.name() != key.name {
            return Err(ApiError::BadRequest(
                "the name of the object does not match the name on the URL".into(),
            ));
        }
        if key.kind.namespaced() {
            object.meta_mut().namespace = Some(key.namespace.clone());
        }
        // The entries are the apply's own; the write records nothing more.
        let outer = self.field_manager.take();
        let written = if live.is_some() {
            object.meta_mut().resource_version = None;
            self.update(object, request.dry_run)
        } else {
            self.create(object, request.dry_run)
        };
        self.field_manager = outer;
        Ok(Applied {
            object: written?,
            created: live.is_none(),
            warnings: document.warnings,
        })
    }
}

fn set_managed_fields(object: &mut Object, fields: Value) {
    let entries: Option<Vec<ManagedFieldsEntry>> = serde_json::from_value(fields).ok();
    object.meta_mut().managed_fields = entries.filter(|list| !list.is_empty());
}
