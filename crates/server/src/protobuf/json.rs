//! A message on the wire → the JSON object the API server would show for it: each field
//! under its JSON name, embedded (`inline`) messages' fields in their parent, the types with
//! a JSON form of their own (times, quantities, int-or-strings, raw extensions) in that
//! form, and a zero value kept only where Go's JSON encoder keeps it (a pointer, or a field
//! without `omitempty`) — the wire carries every non-pointer field, set or not.

use base64::Engine;
use serde_json::{Map, Number, Value};

use super::schema::{Field, Label, schema};
use super::wire::{self, Reader, WireError};

const TIME: &str = "apimachinery.pkg.apis.meta.v1.Time";
const MICRO_TIME: &str = "apimachinery.pkg.apis.meta.v1.MicroTime";
const FIELDS_V1: &str = "apimachinery.pkg.apis.meta.v1.FieldsV1";
const QUANTITY: &str = "apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING: &str = "apimachinery.pkg.util.intstr.IntOrString";
const RAW_EXTENSION: &str = "apimachinery.pkg.runtime.RawExtension";

/// Whether a message has a JSON form of its own, decoded here by name.
pub fn special(name: &str) -> bool {
    matches!(
        name,
        TIME | MICRO_TIME | FIELDS_V1 | QUANTITY | INT_OR_STRING | RAW_EXTENSION
    )
}

/// The JSON form of message `name` (`api.apps.v1.Deployment`) held in `bytes`.
pub fn message(bytes: &[u8], name: &str) -> Result<Value, WireError> {
    if special(name) {
        return special_message(bytes, name);
    }
    let Some(fields) = schema().get(name) else {
        return Err(WireError::Invalid(format!("no protobuf layout for {name}")));
    };
    let short = name.rsplit('.').next().unwrap_or(name);
    let mut object = Map::new();
    let mut inlined = Vec::new();
    let mut reader = Reader::new(bytes, short);
    while let Some(entry) = reader.next_entry()? {
        // A field this version does not know is skipped, as the server's decoder does.
        let Some(field) = fields.get(&entry.number) else {
            continue;
        };
        match field.label {
            Label::Optional => {
                let value = value(field, field.value_type, entry.value)?;
                if field.inline {
                    inlined.push(value);
                } else if value.is_null() || (!field.keep_zero && is_zero(&value)) {
                    object.remove(field.json_name);
                } else {
                    object.insert(field.json_name.to_string(), value);
                }
            }
            Label::Repeated => {
                let items = object
                    .entry(field.json_name)
                    .or_insert_with(|| Value::Array(Vec::new()));
                let Value::Array(items) = items else {
                    continue;
                };
                match entry.value {
                    // A packed run of numbers or booleans.
                    wire::Value::Bytes(bytes) if is_varint_scalar(field.value_type) => {
                        for number in wire::packed_varints(bytes)? {
                            items.push(value(
                                field,
                                field.value_type,
                                wire::Value::Varint(number),
                            )?);
                        }
                    }
                    single => items.push(value(field, field.value_type, single)?),
                }
            }
            Label::Map => {
                let (key, value) = map_entry(field, entry.value)?;
                let map = object
                    .entry(field.json_name)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(map) = map {
                    map.insert(key, value);
                }
            }
        }
    }
    for value in inlined {
        if let Value::Object(fields) = value {
            object.extend(fields);
        }
    }
    Ok(Value::Object(object))
}

fn is_zero(value: &Value) -> bool {
    match value {
        Value::String(text) => text.is_empty(),
        Value::Bool(flag) => !flag,
        Value::Number(number) => number.as_f64() == Some(0.0),
        _ => false,
    }
}

fn is_varint_scalar(value_type: &str) -> bool {
    matches!(value_type, "bool" | "int32" | "int64" | "uint32" | "uint64")
}

/// Go's name of a field, as gogo's errors spell it (`replicas` → `Replicas`).
fn go_name(json_name: &str) -> String {
    let mut chars = json_name.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn wrong_wire_type(field: &Field, found: wire::Value<'_>) -> WireError {
    WireError::WrongWireType {
        field: go_name(field.json_name),
        wire_type: found.wire_type().number(),
    }
}

/// One value of type `value_type` (a scalar or a message).
fn value(field: &Field, value_type: &str, found: wire::Value<'_>) -> Result<Value, WireError> {
    use wire::Value as W;
    Ok(match (value_type, found) {
        ("string", W::Bytes(bytes)) => Value::String(String::from_utf8_lossy(bytes).into_owned()),
        ("bytes", W::Bytes(bytes)) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        ("bool", W::Varint(number)) => Value::Bool(number != 0),
        // Go's int32 on the wire is the sign-extended 64-bit varint.
        ("int32", W::Varint(number)) => Value::from(number as i64 as i32),
        ("int64", W::Varint(number)) => Value::from(number as i64),
        ("uint32", W::Varint(number)) => Value::from(number as u32),
        ("uint64", W::Varint(number)) => Value::from(number),
        ("double", W::Fixed64(bits)) => {
            Number::from_f64(f64::from_bits(bits)).map_or(Value::Null, Value::Number)
        }
        ("float", W::Fixed32(bits)) => {
            Number::from_f64(f64::from(f32::from_bits(bits))).map_or(Value::Null, Value::Number)
        }
        (name, W::Bytes(bytes)) if name.contains('.') => message(bytes, name)?,
        _ => return Err(wrong_wire_type(field, found)),
    })
}

/// A `map<K, V>` entry: the key at 1, the value at 2 (either may be left out as empty).
fn map_entry(field: &Field, found: wire::Value<'_>) -> Result<(String, Value), WireError> {
    let wire::Value::Bytes(bytes) = found else {
        return Err(wrong_wire_type(field, found));
    };
    let mut key = String::new();
    let mut entry_value = None;
    let mut reader = Reader::new(bytes, "");
    while let Some(entry) = reader.next_entry()? {
        match entry.number {
            1 => {
                if let Value::String(text) = value(field, field.key_type, entry.value)? {
                    key = text;
                }
            }
            2 => entry_value = Some(value(field, field.value_type, entry.value)?),
            _ => {}
        }
    }
    let empty = match field.value_type {
        "string" | "bytes" => Value::String(String::new()),
        name if name.contains('.') => message(&[], name)?,
        _ => Value::from(0),
    };
    Ok((key, entry_value.unwrap_or(empty)))
}

/// The special messages' fields: numbers and strings by field number.
struct Fields {
    varints: [Option<u64>; 4],
    bytes: [Option<Vec<u8>>; 4],
}

fn read_fields(bytes: &[u8], name: &str) -> Result<Fields, WireError> {
    let mut fields = Fields {
        varints: [None; 4],
        bytes: Default::default(),
    };
    let mut reader = Reader::new(bytes, name.rsplit('.').next().unwrap_or(name));
    while let Some(entry) = reader.next_entry()? {
        let Ok(index) = usize::try_from(entry.number) else {
            continue;
        };
        if index >= 4 {
            continue;
        }
        match entry.value {
            wire::Value::Varint(number) => fields.varints[index] = Some(number),
            wire::Value::Bytes(bytes) => fields.bytes[index] = Some(bytes.to_vec()),
            other => {
                return Err(WireError::WrongWireType {
                    field: format!("{name} #{index}"),
                    wire_type: other.wire_type().number(),
                });
            }
        }
    }
    Ok(fields)
}

fn text(bytes: &Option<Vec<u8>>) -> String {
    bytes
        .as_deref()
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_default()
}

fn special_message(bytes: &[u8], name: &str) -> Result<Value, WireError> {
    let fields = read_fields(bytes, name)?;
    match name {
        TIME | MICRO_TIME => {
            // Go's zero time (an unset non-pointer `creationTimestamp`) is sent as an
            // empty message; its JSON is `null`.
            if bytes.is_empty() {
                return Ok(Value::Null);
            }
            let seconds = fields.varints[1].unwrap_or(0) as i64;
            let nanos = fields.varints[2].unwrap_or(0) as i64 as i32;
            let instant = jiff::Timestamp::new(seconds, nanos).map_err(|_| {
                WireError::Invalid(format!("time out of range: {seconds}s {nanos}ns"))
            })?;
            let whole = instant.strftime("%Y-%m-%dT%H:%M:%S");
            Ok(Value::String(if name == TIME {
                // metav1.Time's JSON is RFC 3339 to the second.
                format!("{whole}Z")
            } else {
                format!("{whole}.{:06}Z", instant.subsec_microsecond())
            }))
        }
        QUANTITY => Ok(Value::String(text(&fields.bytes[1]))),
        INT_OR_STRING => Ok(if fields.varints[1] == Some(1) {
            Value::String(text(&fields.bytes[3]))
        } else {
            Value::from(fields.varints[2].unwrap_or(0) as i64 as i32)
        }),
        // RawExtension and FieldsV1 carry JSON as it was written.
        _ => match fields.bytes[1].as_deref() {
            None | Some([]) => Ok(Value::Null),
            Some(raw) => serde_json::from_slice(raw).map_err(|error| {
                WireError::Invalid(format!("couldn't decode the raw JSON of {name}: {error}"))
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes test messages: `field(n, bytes)`, `varint(n, v)`.
    fn key(number: u64, wire_type: u64) -> Vec<u8> {
        varint_bytes(number << 3 | wire_type)
    }
    fn varint_bytes(mut value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                out.push(byte);
                return out;
            }
            out.push(byte | 0x80);
        }
    }
    fn field(number: u64, bytes: &[u8]) -> Vec<u8> {
        let mut out = key(number, 2);
        out.extend(varint_bytes(bytes.len() as u64));
        out.extend(bytes);
        out
    }
    fn varint(number: u64, value: u64) -> Vec<u8> {
        let mut out = key(number, 0);
        out.extend(varint_bytes(value));
        out
    }

    #[test]
    fn drops_unset_non_pointer_fields_and_keeps_pointer_zeros() {
        let meta = [
            field(1, b"web"),
            field(2, b""),
            field(3, b""),
            varint(7, 0),
            // creationTimestamp: Go's zero time
            field(8, &[]),
            field(11, &[field(1, b"app"), field(2, b"web")].concat()),
        ]
        .concat();
        let spec = [varint(1, 0), varint(5, 0), varint(7, 0)].concat();
        let deployment = [field(1, &meta), field(2, &spec), field(3, &[])].concat();
        let json = message(&deployment, "api.apps.v1.Deployment").unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "metadata": { "name": "web", "labels": { "app": "web" } },
                "spec": { "replicas": 0 },
                "status": {},
            })
        );
    }

    #[test]
    fn inline_fields_sit_in_their_parent_and_special_types_take_their_json_form() {
        // Probe { handler: { httpGet: { path, port: IntOrString(string "http") } }, periodSeconds: 5 }
        let port = [varint(1, 1), field(3, b"http")].concat();
        let http_get = [field(1, b"/healthz"), field(2, &port)].concat();
        let handler = field(2, &http_get);
        let probe = [field(1, &handler), varint(4, 5)].concat();
        let json = message(&probe, "api.core.v1.Probe").unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "httpGet": { "path": "/healthz", "port": "http" }, "periodSeconds": 5 })
        );
        let limits = field(
            1,
            &[field(1, b"cpu"), field(2, &field(1, b"500m"))].concat(),
        );
        let json = message(&limits, "api.core.v1.ResourceRequirements").unwrap();
        assert_eq!(json, serde_json::json!({ "limits": { "cpu": "500m" } }));
        let time = [varint(1, 1_700_000_000), varint(2, 123_456_789)].concat();
        assert_eq!(message(&time, TIME).unwrap(), "2023-11-14T22:13:20Z");
        assert_eq!(
            message(&time, MICRO_TIME).unwrap(),
            "2023-11-14T22:13:20.123456Z"
        );
    }

    #[test]
    fn secrets_bytes_are_base64_and_negative_int32s_survive() {
        let data = field(2, &[field(1, b"password"), field(2, b"s3cr3t")].concat());
        let json = message(&data, "api.core.v1.Secret").unwrap();
        assert_eq!(json["data"]["password"], "czNjcjN0");
        // ContainerPort.containerPort = -1 as a sign-extended varint
        let port = varint(3, -1i64 as u64);
        assert_eq!(
            message(&port, "api.core.v1.ContainerPort").unwrap()["containerPort"],
            -1
        );
    }

    #[test]
    fn a_known_field_with_the_wrong_wire_type_is_named() {
        let spec = field(1, b"three");
        let error = message(&spec, "api.apps.v1.DeploymentSpec").unwrap_err();
        assert_eq!(
            error.to_string(),
            "proto: wrong wireType = 2 for field Replicas"
        );
    }
}
