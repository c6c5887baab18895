//! Protobuf request bodies (`application/vnd.kubernetes.protobuf`), which client-go's typed
//! clients send — kubectl v1.33's `create deployment|job|cronjob|service|configmap|secret|
//! namespace|…`, `run`, `expose`, drain's evictions — with no JSON fallback. A body is the
//! `k8s\0` magic, then a `runtime.Unknown` envelope {typeMeta, raw, contentEncoding,
//! contentType} whose `raw` is the kind's message from its `generated.proto`. It is decoded,
//! with the field layout in `fields.txt`, into the JSON object the API server would hold, and
//! from there takes the same path as a JSON body. Answers stay JSON, which clients accept.

mod json;
mod schema;
mod wire;

use kubeplay_model::Kind;
use serde_json::Value;

use crate::status::Failure;
use wire::{Reader, WireError};

pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// Whether an `Accept` header takes protobuf only: such a client gets 406, as the server
/// answers JSON (every client that sends protobuf, kubectl's included, also accepts JSON).
pub fn accepts_only_protobuf(accept: &str) -> bool {
    let mut media = accept
        .split(',')
        .map(|entry| entry.split(';').next().unwrap_or_default().trim())
        .filter(|media| !media.is_empty())
        .peekable();
    media.peek().is_some() && media.all(|media| media == MEDIA_TYPE)
}

/// The 406 for such a client, in the API server's words for an unacceptable `Accept`.
pub fn not_acceptable() -> Failure {
    Failure::new(
        406,
        "NotAcceptable",
        "only the following media types are accepted: application/json, application/yaml",
    )
}

/// The magic every Kubernetes protobuf body starts with.
const MAGIC: &[u8] = b"k8s\0";

/// The envelope's `typeMeta`, `raw` and `contentEncoding`.
struct Envelope<'a> {
    api_version: String,
    kind: String,
    raw: &'a [u8],
    content_encoding: String,
}

fn text(value: wire::Value<'_>) -> String {
    match value {
        wire::Value::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        _ => String::new(),
    }
}

fn wrong_type(field: &str, value: wire::Value<'_>) -> Result<(), WireError> {
    match value {
        wire::Value::Bytes(_) => Ok(()),
        other => Err(WireError::WrongWireType {
            field: field.to_string(),
            wire_type: other.wire_type().number(),
        }),
    }
}

fn envelope(data: &[u8]) -> Result<Envelope<'_>, WireError> {
    let mut envelope = Envelope {
        api_version: String::new(),
        kind: String::new(),
        raw: &[],
        content_encoding: String::new(),
    };
    let mut reader = Reader::new(data, "Unknown");
    while let Some(entry) = reader.next_entry()? {
        match entry.number {
            1 => {
                wrong_type("TypeMeta", entry.value)?;
                if let wire::Value::Bytes(bytes) = entry.value {
                    let mut type_meta = Reader::new(bytes, "TypeMeta");
                    while let Some(field) = type_meta.next_entry()? {
                        match field.number {
                            1 => envelope.api_version = text(field.value),
                            2 => envelope.kind = text(field.value),
                            _ => {}
                        }
                    }
                }
            }
            2 => {
                wrong_type("Raw", entry.value)?;
                if let wire::Value::Bytes(bytes) = entry.value {
                    envelope.raw = bytes;
                }
            }
            3 => envelope.content_encoding = text(entry.value),
            _ => {}
        }
    }
    Ok(envelope)
}

/// The message that holds `kind` of `api_version` (`apps/v1`, `Deployment` →
/// `api.apps.v1.Deployment`); `DeleteOptions` is meta's, whatever group it is sent to.
fn message_name(api_version: &str, kind: &str) -> String {
    if kind == "DeleteOptions" {
        return "apimachinery.pkg.apis.meta.v1.DeleteOptions".into();
    }
    let (group, version) = api_version.split_once('/').unwrap_or(("core", api_version));
    let group = group.strip_suffix(".k8s.io").unwrap_or(group);
    format!("api.{group}.{version}.{kind}")
}

/// The API server's `summarizeData`: the first 30 bytes, as text if JSON-like, else hex.
fn summary(body: &[u8]) -> String {
    let shown = &body[..body.len().min(30)];
    let more = if body.len() > 30 { " ..." } else { "" };
    match body.first() {
        None => "<empty>".into(),
        Some(b'{') => format!("{}{more}", String::from_utf8_lossy(shown)),
        Some(_) => {
            let hex: String = shown.iter().map(|byte| format!("{byte:02x}")).collect();
            format!("{hex}{more}")
        }
    }
}

/// A body that is not a Kubernetes protobuf message at all, as `transformDecodeError`
/// words it when the decoder learnt no kind.
fn unrecognized(target: Kind, reason: &str, body: &[u8]) -> Failure {
    Failure::bad_request(format!(
        "the object provided is unrecognized (must be of type {}): {reason} ({})",
        target.name(),
        summary(body)
    ))
}

/// Decodes a protobuf body sent to a resource of kind `target` into its JSON object, with
/// `apiVersion` and `kind` from the envelope (or the URL's, where the envelope leaves them out).
pub fn decode(body: &[u8], target: Kind) -> Result<Value, Failure> {
    let data = match body.strip_prefix(MAGIC) {
        _ if body.is_empty() => return Err(unrecognized(target, "empty data", body)),
        Some([]) => return Err(unrecognized(target, "empty body", body)),
        Some(data) => data,
        None => {
            // Go prints the prefix as `%v` prints a byte slice.
            let reason = "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]";
            return Err(unrecognized(target, reason, body));
        }
    };
    let envelope =
        envelope(data).map_err(|error| unrecognized(target, &error.to_string(), body))?;
    let kind = if envelope.kind.is_empty() {
        target.name().to_string()
    } else {
        envelope.kind.clone()
    };
    let api_version = if envelope.api_version.is_empty() {
        target.api_version()
    } else {
        envelope.api_version.clone()
    };
    let version = api_version.rsplit('/').next().unwrap_or_default();
    let cannot_handle = |reason: String| {
        Failure::bad_request(format!(
            "{kind} in version {version:?} cannot be handled as a {}: {reason}",
            target.name()
        ))
    };
    if !envelope.content_encoding.is_empty() {
        return Err(cannot_handle(format!(
            "unsupported content encoding {:?}",
            envelope.content_encoding
        )));
    }
    let name = message_name(&api_version, &kind);
    if !schema::schema().contains_key(name.as_str()) {
        return Err(cannot_handle(format!(
            "no kind {kind:?} is registered for version {api_version:?}"
        )));
    }
    let mut object =
        json::message(envelope.raw, &name).map_err(|error| cannot_handle(error.to_string()))?;
    if let Value::Object(fields) = &mut object {
        fields.insert("apiVersion".into(), Value::String(api_version));
        fields.insert("kind".into(), Value::String(kind));
    }
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn length_delimited(number: u8, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![number << 3 | 2, bytes.len() as u8];
        out.extend(bytes);
        out
    }

    fn body(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
        let type_meta = [
            length_delimited(1, api_version.as_bytes()),
            length_delimited(2, kind.as_bytes()),
        ]
        .concat();
        let unknown = [length_delimited(1, &type_meta), length_delimited(2, raw)].concat();
        [MAGIC, &unknown].concat()
    }

    #[test]
    fn decodes_an_envelope_into_the_kinds_json() {
        // ConfigMap { metadata: { name: "settings" }, data: { mode: "fast" } }
        let meta = length_delimited(1, b"settings");
        let entry = [length_delimited(1, b"mode"), length_delimited(2, b"fast")].concat();
        let raw = [length_delimited(1, &meta), length_delimited(2, &entry)].concat();
        let object = decode(&body("v1", "ConfigMap", &raw), Kind::ConfigMap).unwrap();
        assert_eq!(
            object,
            serde_json::json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": { "name": "settings" },
                "data": { "mode": "fast" },
            })
        );
    }

    #[test]
    fn only_a_protobuf_only_accept_is_refused() {
        assert!(accepts_only_protobuf("application/vnd.kubernetes.protobuf"));
        assert!(accepts_only_protobuf(
            "application/vnd.kubernetes.protobuf;stream=watch"
        ));
        assert!(!accepts_only_protobuf(
            "application/vnd.kubernetes.protobuf,application/json"
        ));
        assert!(!accepts_only_protobuf(
            "application/vnd.kubernetes.protobuf, */*"
        ));
        assert!(!accepts_only_protobuf(""));
    }

    #[test]
    fn errors_are_worded_as_the_api_server_words_them() {
        let error = decode(b"{\"kind\":\"Pod\"}", Kind::Pod).unwrap_err();
        assert_eq!(error.code, 400);
        assert_eq!(
            error.message,
            "the object provided is unrecognized (must be of type Pod): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({\"kind\":\"Pod\"})"
        );
        let error = decode(MAGIC, Kind::Pod).unwrap_err();
        assert!(
            error.message.contains("empty body (6b387300)"),
            "{}",
            error.message
        );
        let truncated = body("apps/v1", "Deployment", &[0x0a, 0x05, 0x0a]);
        let error = decode(&truncated, Kind::Deployment).unwrap_err();
        assert_eq!(
            error.message,
            "Deployment in version \"v1\" cannot be handled as a Deployment: unexpected EOF"
        );
        let error = decode(&body("v1", "Widget", &[]), Kind::Pod).unwrap_err();
        assert_eq!(
            error.message,
            "Widget in version \"v1\" cannot be handled as a Pod: no kind \"Widget\" is registered for version \"v1\""
        );
    }
}
