//! One API request as the handlers see it: the resolved target, the query, the content
//! types, and the body read under the server's size limit.

use std::borrow::Cow;
use std::collections::BTreeMap;

use kubeplay_model::manifest::{FieldValidation, decode_documents_with};
use kubeplay_model::{Kind, Object};

use crate::path::Target;
use crate::protobuf;
use crate::status::Failure;

pub struct Request {
    pub target: Target,
    pub query: BTreeMap<String, String>,
    pub accept: String,
    pub content_type: String,
    /// The client's `User-Agent` (it names the field manager when the request does not).
    pub user_agent: String,
    pub body: Vec<u8>,
}

/// A decoded body, with the server's warnings about it (unknown fields under `Warn`).
pub struct Decoded {
    pub object: Object,
    pub warnings: Vec<String>,
}

impl Request {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    /// A boolean parameter as Go's `strconv.ParseBool` reads it (`true`, `True`, `1`, …).
    pub fn flag(&self, name: &str) -> bool {
        matches!(
            self.param(name),
            Some("1" | "t" | "T" | "true" | "TRUE" | "True")
        )
    }

    /// `dryRun=All`.
    pub fn dry_run(&self) -> bool {
        self.param("dryRun") == Some("All")
    }

    /// The namespace a namespaced request works in.
    pub fn namespace(&self) -> &str {
        self.target.namespace.as_deref().unwrap_or_default()
    }

    pub fn field_validation(&self) -> Result<FieldValidation, Failure> {
        match self.param("fieldValidation") {
            // The server's default since v1.27 is Warn.
            None | Some("" | "Warn") => Ok(FieldValidation::Warn),
            Some("Strict") => Ok(FieldValidation::Strict),
            Some("Ignore") => Ok(FieldValidation::Ignore),
            Some(other) => Err(Failure::bad_request(format!(
                "fieldValidation parameter unsupported: {other}"
            ))),
        }
    }

    /// The body as text, if its media type is one the server reads as JSON or YAML; a
    /// protobuf body as the JSON of the object it holds.
    pub fn body_text(&self) -> Result<Cow<'_, str>, Failure> {
        let media = self
            .content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim();
        if media == protobuf::MEDIA_TYPE {
            let object = protobuf::decode(&self.body, self.target.kind)?;
            return Ok(Cow::Owned(object.to_string()));
        }
        if !matches!(media, "" | "application/json" | "application/yaml" | "*/*") {
            return Err(Failure::unsupported_media_type());
        }
        let text = std::str::from_utf8(&self.body)
            .map_err(|_| Failure::bad_request("the request body is not valid UTF-8"))?;
        if media != "application/yaml"
            && let Err(error) = serde_json::from_str::<serde_json::Value>(text)
        {
            return Err(Failure::bad_request(format!(
                "couldn't get version/kind; json parse error: {error}"
            )));
        }
        Ok(Cow::Borrowed(text))
    }

    /// Decodes the body as one object of the target's kind, in the target's namespace.
    pub fn decode(&self) -> Result<Decoded, Failure> {
        let text = self.with_type_from_url(&self.body_text()?);
        let validation = self.field_validation()?;
        let mut documents = decode_documents_with(&text, "", validation).into_iter();
        let document = match (documents.next(), documents.next()) {
            (Some(Ok(document)), None) => document,
            (Some(Err(error)), None) => return Err(Failure::bad_request(error.to_string())),
            _ => {
                return Err(Failure::bad_request(
                    "the request body must hold exactly one object",
                ));
            }
        };
        let mut object = document.object;
        self.check_kind(object.kind())?;
        if self.target.kind.namespaced() {
            match object.meta().namespace.as_deref() {
                None | Some("") => object.meta_mut().namespace = Some(self.namespace().into()),
                Some(namespace) if namespace != self.namespace() => {
                    return Err(Failure::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(Decoded {
            object,
            warnings: document.warnings,
        })
    }

    /// The body with `apiVersion` and `kind` taken from the URL where it leaves them out, as
    /// the server defaults them (clients such as Python's send objects without them).
    fn with_type_from_url(&self, text: &str) -> String {
        let Ok(serde_json::Value::Object(mut map)) =
            serde_norway::from_str::<serde_json::Value>(text)
        else {
            return text.to_string();
        };
        if map.contains_key("apiVersion") && map.contains_key("kind") {
            return text.to_string();
        }
        let kind = self.target.kind;
        map.entry("apiVersion")
            .or_insert_with(|| kind.api_version().into());
        map.entry("kind").or_insert_with(|| kind.name().into());
        serde_json::Value::Object(map).to_string()
    }

    fn check_kind(&self, kind: Kind) -> Result<(), Failure> {
        let expected = self.target.kind;
        if kind == expected {
            return Ok(());
        }
        Err(Failure::bad_request(format!(
            "{} in version \"v1\" cannot be handled as a {}: the object provided is unrecognized (must be of type {})",
            kind.name(),
            expected.name(),
            expected.name()
        )))
    }
}
