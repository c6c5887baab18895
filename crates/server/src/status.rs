//! `Status` answers: an [`ApiError`] (or a failure of the HTTP layer itself) as the API
//! server encodes it — code, reason, message, and the details kubectl reads.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kubeplay_model::{ApiError, Kind};
use serde_json::{Value, json};

/// A failed request: the Status body and its HTTP code.
#[derive(Debug)]
pub struct Failure {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl Failure {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Failure {
        Failure::new(400, "BadRequest", message)
    }

    /// An unknown resource or path under `/api` or `/apis`.
    pub fn no_resource() -> Failure {
        Failure {
            details: Some(json!({})),
            ..Failure::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        }
    }

    pub fn method_not_allowed() -> Failure {
        Failure {
            details: Some(json!({})),
            ..Failure::new(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
            )
        }
    }

    /// 410 Gone for a watch or list from a resourceVersion the server no longer holds.
    pub fn expired(message: impl Into<String>) -> Failure {
        Failure::new(410, "Expired", message)
    }

    pub fn unsupported_media_type() -> Failure {
        Failure::new(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
        )
    }

    pub fn status_value(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(details) = &self.details {
            status["details"] = details.clone();
        }
        // The server leaves out an empty reason (an unknown failure).
        if self.reason.is_empty() {
            status.as_object_mut().map(|map| map.remove("reason"));
        }
        status
    }
}

fn group_of(kind: Kind) -> Option<&'static str> {
    Some(kind.group()).filter(|group| !group.is_empty())
}

/// `details` as `StatusDetails`: the name, group and resource (or, for Invalid, the kind).
fn details(kind: Kind, name: &str, kind_field: &str) -> Value {
    let mut details = json!({ "name": name, "kind": kind_field });
    if let Some(group) = group_of(kind) {
        details["group"] = json!(group);
    }
    details
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Failure {
        let details = match &error {
            ApiError::NotFound { kind, name }
            | ApiError::AlreadyExists { kind, name }
            | ApiError::Conflict { kind, name, .. }
            | ApiError::Forbidden { kind, name, .. } => Some(details(*kind, name, kind.plural())),
            ApiError::Invalid { kind, name, causes } => {
                let mut value = details(*kind, name, kind.name());
                value["causes"] = causes
                    .iter()
                    .map(|cause| {
                        json!({
                            "reason": cause.error_type.cause_reason(),
                            "message": cause.body(),
                            "field": cause.path,
                        })
                    })
                    .collect();
                Some(value)
            }
            ApiError::ApplyConflict { causes, .. } => Some(json!({
                "causes": causes
                    .iter()
                    .map(|(message, field)| json!({
                        "reason": "FieldManagerConflict",
                        "message": message,
                        "field": field,
                    }))
                    .collect::<Vec<_>>()
            })),
            ApiError::Unprocessable(detail) => Some(json!({
                "causes": [{ "reason": "UnexpectedServerResponse", "message": detail }]
            })),
            _ => None,
        };
        Failure {
            code: error.code(),
            reason: error.reason(),
            message: error.to_string(),
            details,
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        crate::http::json_response(code, &self.status_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_model::FieldError;

    #[test]
    fn not_found_names_the_resource_and_group() {
        let failure = Failure::from(ApiError::not_found(Kind::Deployment, "web"));
        assert_eq!(
            failure.status_value(),
            json!({
                "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": "deployments.apps \"web\" not found", "reason": "NotFound",
                "details": {"name": "web", "group": "apps", "kind": "deployments"}, "code": 404
            })
        );
    }

    #[test]
    fn invalid_lists_its_causes() {
        let failure = Failure::from(ApiError::invalid(
            Kind::Pod,
            "p",
            vec![FieldError::required("spec.containers")],
        ));
        assert_eq!(failure.code, 422);
        assert_eq!(
            failure.status_value()["details"],
            json!({"name": "p", "kind": "Pod", "causes": [
                {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers"}
            ]})
        );
    }
}
