//! Errors in the API server's own vocabulary (NotFound, AlreadyExists, Invalid with field
//! causes, …). kubectl turns them into its exact text at the edge.

use std::fmt;

use crate::kinds::Kind;

/// The type of a field validation failure, rendered as the API server spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldErrorType {
    Required,
    Invalid,
    Unsupported,
    Duplicate,
    Forbidden,
    TooLong,
    TooMany,
    NotFound,
}

impl FieldErrorType {
    /// The `reason` of a Status cause (`FieldValueRequired`, …), as `field.ErrorType` names it.
    pub fn cause_reason(self) -> &'static str {
        match self {
            FieldErrorType::Required => "FieldValueRequired",
            FieldErrorType::Invalid => "FieldValueInvalid",
            FieldErrorType::Unsupported => "FieldValueNotSupported",
            FieldErrorType::Duplicate => "FieldValueDuplicate",
            FieldErrorType::Forbidden => "FieldValueForbidden",
            FieldErrorType::TooLong => "FieldValueTooLong",
            FieldErrorType::TooMany => "FieldValueTooMany",
            FieldErrorType::NotFound => "FieldValueNotFound",
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            FieldErrorType::Required => "Required value",
            FieldErrorType::Invalid => "Invalid value",
            FieldErrorType::Unsupported => "Unsupported value",
            FieldErrorType::Duplicate => "Duplicate value",
            FieldErrorType::Forbidden => "Forbidden",
            FieldErrorType::TooLong => "Too long",
            FieldErrorType::TooMany => "Too many",
            FieldErrorType::NotFound => "Not found",
        }
    }
}

/// One cause of an Invalid error: `spec.replicas: Invalid value: -1: must be …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub error_type: FieldErrorType,
    /// The offending value already rendered as Go prints it (`"My_App"`, `-1`, `map[…]`).
    pub value: Option<String>,
    pub detail: String,
}

impl FieldError {
    pub fn required(path: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            error_type: FieldErrorType::Required,
            value: None,
            detail: String::new(),
        }
    }

    pub fn invalid(
        path: impl Into<String>,
        value: impl Into<String>,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            path: path.into(),
            error_type: FieldErrorType::Invalid,
            value: Some(value.into()),
            detail: detail.into(),
        }
    }

    pub fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            error_type: FieldErrorType::Forbidden,
            value: None,
            detail: detail.into(),
        }
    }

    pub fn unsupported(path: impl Into<String>, value: &str, supported: &[&str]) -> FieldError {
        let supported: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
        FieldError {
            path: path.into(),
            error_type: FieldErrorType::Unsupported,
            value: Some(format!("{value:?}")),
            detail: format!("supported values: {}", supported.join(", ")),
        }
    }

    /// `field.TooLong` (apimachinery v1.33 wording); the value is never shown.
    pub fn too_long(path: impl Into<String>, max: usize) -> FieldError {
        FieldError {
            path: path.into(),
            error_type: FieldErrorType::TooLong,
            value: None,
            detail: format!("may not be more than {max} bytes"),
        }
    }

    /// `field.TooMany`: a list longer than the API allows.
    pub fn too_many(path: impl Into<String>, actual: usize, max: usize) -> FieldError {
        FieldError {
            path: path.into(),
            error_type: FieldErrorType::TooMany,
            value: Some(actual.to_string()),
            detail: format!("must have at most {max} items"),
        }
    }

    pub fn duplicate(path: impl Into<String>, value: &str) -> FieldError {
        FieldError {
            path: path.into(),
            error_type: FieldErrorType::Duplicate,
            value: Some(format!("{value:?}")),
            detail: String::new(),
        }
    }
}

impl FieldError {
    /// The message without the field path (`field.Error.ErrorBody`), as a Status cause has it.
    pub fn body(&self) -> String {
        let full = self.to_string();
        full.strip_prefix(&format!("{}: ", self.path))
            .unwrap_or(&full)
            .to_string()
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.error_type.as_str())?;
        if let Some(value) = &self.value {
            write!(f, ": {value}")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// The API server's `--max-request-bytes` default for a write request body (3 MiB).
pub const MAX_REQUEST_BODY_BYTES: usize = 3 * 1024 * 1024;

/// An error returned by the simulated API server.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("{} {name:?} not found", kind.qualified_plural())]
    NotFound { kind: Kind, name: String },
    #[error("{} {name:?} already exists", kind.qualified_plural())]
    AlreadyExists { kind: Kind, name: String },
    #[error("{} {name:?} is invalid: {}", qualified_kind(*kind), join_causes(causes))]
    Invalid {
        kind: Kind,
        name: String,
        causes: Vec<FieldError>,
    },
    #[error("{0}")]
    BadRequest(String),
    #[error("Operation cannot be fulfilled on {} {name:?}: {detail}", kind.qualified_plural())]
    Conflict {
        kind: Kind,
        name: String,
        detail: String,
    },
    /// 409 from server-side apply: fields other managers own (`NewApplyConflict`); each
    /// cause is (message, field).
    #[error("{message}")]
    ApplyConflict {
        message: String,
        causes: Vec<(String, String)>,
    },
    #[error("{} {name:?} is forbidden: {detail}", kind.qualified_plural())]
    Forbidden {
        kind: Kind,
        name: String,
        detail: String,
    },
    /// 429: e.g. an eviction a PodDisruptionBudget does not allow yet.
    #[error("{0}")]
    TooManyRequests(String),
    /// 500: a state the server cannot handle.
    #[error("{0}")]
    InternalError(String),
    /// 422 without field causes: a well-formed patch that cannot apply (a JSON Patch
    /// operation on a missing path, a failed `test`); the detail is the Status's cause.
    #[error("the server rejected our request due to an error in our request")]
    Unprocessable(String),
    /// 413: a request body over the server's limit (`limit is 3145728`).
    #[error("Request entity too large: {0}")]
    RequestEntityTooLarge(String),
}

impl ApiError {
    /// The `reason` of the API Status, as kubectl shows in `Error from server (<reason>)`.
    pub fn reason(&self) -> &'static str {
        match self {
            ApiError::NotFound { .. } => "NotFound",
            ApiError::AlreadyExists { .. } => "AlreadyExists",
            ApiError::Invalid { .. } => "Invalid",
            ApiError::BadRequest(_) => "BadRequest",
            ApiError::Conflict { .. } | ApiError::ApplyConflict { .. } => "Conflict",
            ApiError::Forbidden { .. } => "Forbidden",
            ApiError::TooManyRequests(_) => "TooManyRequests",
            ApiError::InternalError(_) => "InternalError",
            ApiError::RequestEntityTooLarge(_) => "RequestEntityTooLarge",
            ApiError::Unprocessable(_) => "Invalid",
        }
    }

    /// The HTTP status code the API server answers with.
    pub fn code(&self) -> u16 {
        match self {
            ApiError::NotFound { .. } => 404,
            ApiError::AlreadyExists { .. }
            | ApiError::Conflict { .. }
            | ApiError::ApplyConflict { .. } => 409,
            ApiError::Invalid { .. } | ApiError::Unprocessable(_) => 422,
            ApiError::BadRequest(_) => 400,
            ApiError::Forbidden { .. } => 403,
            ApiError::TooManyRequests(_) => 429,
            ApiError::InternalError(_) => 500,
            ApiError::RequestEntityTooLarge(_) => 413,
        }
    }

    pub fn not_found(kind: Kind, name: &str) -> ApiError {
        ApiError::NotFound {
            kind,
            name: name.to_string(),
        }
    }

    pub fn invalid(kind: Kind, name: &str, causes: Vec<FieldError>) -> ApiError {
        ApiError::Invalid {
            kind,
            name: name.to_string(),
            causes,
        }
    }
}

/// `Deployment.apps`, or `Pod` for the core group: how Invalid errors name a kind.
fn qualified_kind(kind: Kind) -> String {
    if kind.group().is_empty() {
        kind.name().to_string()
    } else {
        format!("{}.{}", kind.name(), kind.group())
    }
}

/// `field.ErrorList.ToAggregate()`: each distinct message once, in brackets when several.
fn join_causes(causes: &[FieldError]) -> String {
    let mut rendered: Vec<String> = Vec::new();
    for cause in causes {
        let text = cause.to_string();
        if !rendered.contains(&text) {
            rendered.push(text);
        }
    }
    if rendered.len() == 1 {
        rendered.concat()
    } else {
        format!("[{}]", rendered.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_the_api_server() {
        assert_eq!(
            ApiError::not_found(Kind::Deployment, "nginx").to_string(),
            r#"deployments.apps "nginx" not found"#
        );
        assert_eq!(
            ApiError::not_found(Kind::Pod, "coredns").to_string(),
            r#"pods "coredns" not found"#
        );
        let invalid = ApiError::invalid(
            Kind::Deployment,
            "web",
            vec![
                FieldError::required("spec.selector"),
                FieldError::invalid("spec.replicas", "-1", "must be greater than or equal to 0"),
            ],
        );
        assert_eq!(
            invalid.to_string(),
            r#"Deployment.apps "web" is invalid: [spec.selector: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]"#
        );
    }
}
