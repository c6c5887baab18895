//! Patches as the API server applies them to a stored object (as JSON): JSON merge patch
//! (RFC 7386), JSON Patch (RFC 6902) and strategic merge patch with the real types' merge
//! keys and directives. `kubectl patch`, `kubectl apply` and `kubeplay serve` all patch here.

mod json_patch;
mod merge;
mod meta;
mod strategic;

pub use meta::{ListMerge, list_merge};

use serde_json::Value;

/// The patch types of the API (`Content-Type` of a PATCH, `kubectl patch --type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// `application/json-patch+json`
    Json,
    /// `application/merge-patch+json`
    Merge,
    /// `application/strategic-merge-patch+json`
    Strategic,
}

impl PatchType {
    /// The patch type of a request's media type; None for one the server does not take.
    pub fn from_media_type(media: &str) -> Option<PatchType> {
        match media.split(';').next().unwrap_or_default().trim() {
            "application/json-patch+json" => Some(PatchType::Json),
            "application/merge-patch+json" => Some(PatchType::Merge),
            "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
            _ => None,
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            PatchType::Json => "application/json-patch+json",
            PatchType::Merge => "application/merge-patch+json",
            PatchType::Strategic => "application/strategic-merge-patch+json",
        }
    }
}

/// Why a patch could not be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The patch is not JSON (or YAML) of the right shape: 400 from the server.
    #[error("{0}")]
    Malformed(String),
    /// The patch is well formed but cannot apply to this object: 422 from the server.
    #[error("{0}")]
    Unprocessable(String),
}

/// Applies `patch` (the request body) to `original`.
pub fn apply(original: &Value, patch_type: PatchType, patch: &str) -> Result<Value, PatchError> {
    let patch: Value = serde_json::from_str(patch).or_else(|json_error| {
        // The server also reads YAML patches (kubectl patch -p accepts either).
        serde_norway::from_str::<Value>(patch)
            .map_err(|_| PatchError::Malformed(format!("error decoding patch: {json_error}")))
    })?;
    match patch_type {
        PatchType::Merge => match patch {
            Value::Object(_) => Ok(merge::merge(original, &patch)),
            _ => Err(PatchError::Malformed(
                "json: cannot unmarshal into Go value of type map[string]interface {}".into(),
            )),
        },
        PatchType::Json => json_patch::apply(original, &patch),
        PatchType::Strategic => match patch {
            Value::Object(map) => strategic::apply(original, &map),
            _ => Err(PatchError::Malformed(
                "json: cannot unmarshal array into Go value of type map[string]interface {}".into(),
            )),
        },
    }
}
