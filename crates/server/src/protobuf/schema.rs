//! The wire layout of the served kinds, read once from `fields.txt` (generated from the
//! v1.33 `generated.proto` and `types.go` files by `scripts/gen-protobuf-fields`).

use std::collections::HashMap;
use std::sync::OnceLock;

const FIELDS: &str = include_str!("fields.txt");

/// How a field repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Optional,
    Repeated,
    /// `map<K, V>`: repeated entries with the key at 1 and the value at 2.
    Map,
}

#[derive(Debug)]
pub struct Field {
    /// The JSON name; empty for a field embedded `json:",inline"`.
    pub json_name: &'static str,
    pub label: Label,
    /// A scalar (`string`, `int32`, …) or a message's name; for a map the value's type.
    pub value_type: &'static str,
    /// A map's key type.
    pub key_type: &'static str,
    /// A zero value the client sent stays (a Go pointer, or a field without `omitempty`).
    pub keep_zero: bool,
    /// The field's message's fields sit in this message's JSON object.
    pub inline: bool,
}

/// Messages by name (`api.apps.v1.Deployment`), each with its fields by number.
pub type Schema = HashMap<&'static str, HashMap<u64, Field>>;

pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| parse(FIELDS))
}

/// Reads `fields.txt`; a malformed line is a bug of the generator, caught by the tests.
fn parse(text: &'static str) -> Schema {
    let mut schema: Schema = HashMap::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let words: Vec<&'static str> = line.split(' ').collect();
        let [message, number, json_name, label, value_type, flags] = words[..] else {
            continue;
        };
        let Ok(number) = number.parse::<u64>() else {
            continue;
        };
        let label = match label {
            "rep" => Label::Repeated,
            "map" => Label::Map,
            _ => Label::Optional,
        };
        let (key_type, value_type) = value_type.split_once(':').unwrap_or(("", value_type));
        let flags: Vec<&str> = flags.split(',').collect();
        schema.entry(message).or_default().insert(
            number,
            Field {
                json_name: if json_name == "-" { "" } else { json_name },
                label,
                value_type,
                key_type,
                keep_zero: flags.contains(&"keep"),
                inline: flags.contains(&"inline"),
            },
        );
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_read_and_every_message_type_is_known() {
        let lines = FIELDS.lines().filter(|line| !line.starts_with('#')).count();
        let schema = schema();
        let fields: usize = schema.values().map(HashMap::len).sum();
        assert_eq!(fields, lines);
        for field in schema.values().flat_map(HashMap::values) {
            let value = field.value_type;
            let scalar = !value.contains('.');
            assert!(
                scalar || schema.contains_key(value) || super::super::json::special(value),
                "{value} is neither a scalar, a message nor a special type"
            );
        }
    }

    #[test]
    fn carries_go_pointer_and_inline_facts() {
        let spec = &schema()["api.apps.v1.DeploymentSpec"];
        assert!(spec[&1].keep_zero, "replicas is a *int32");
        assert!(
            !spec[&5].keep_zero,
            "minReadySeconds is an int32 with omitempty"
        );
        let probe = &schema()["api.core.v1.Probe"];
        assert!(probe[&1].inline && probe[&1].json_name.is_empty());
        let meta = &schema()["apimachinery.pkg.apis.meta.v1.ObjectMeta"];
        assert_eq!(meta[&11].label, Label::Map);
        assert_eq!(
            (meta[&11].key_type, meta[&11].value_type),
            ("string", "string")
        );
    }
}
