//! kubectl v1.33's `plaintext` explain template (`pkg/explain/v2/templates/plaintext.tmpl`),
//! one function per template: `output` follows the field path, `description`, `field_list`,
//! `field_detail`, `type_guess` and `extract_enum` print what it finds. The template's
//! quirks are kept: a field's description is followed by its type's, a blank line inside a
//! description is indented, and an unknown field is named by the last word of the path.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Schemas;
use crate::text::wordwrap::wrap;

/// What `kubectl explain` prints for one kind: the header goes out before the body is
/// rendered, so it is printed even when the body fails.
#[derive(Debug)]
pub struct Explanation {
    pub header: String,
    pub body: Result<String, String>,
}

/// The explanation of `fields` (empty for the kind itself) of `group/version, Kind=kind`.
pub fn explain(
    schemas: &Schemas,
    (group, version, kind): (&str, &str, &str),
    fields: &[String],
    recursive: bool,
) -> Explanation {
    let mut header = String::new();
    if !group.is_empty() {
        header.push_str(&format!("GROUP:      {group}\n"));
    }
    header.push_str(&format!("KIND:       {kind}\nVERSION:    {version}\n\n"));
    let renderer = Renderer { schemas, recursive };
    let body = match schemas.for_kind(group, version, kind) {
        None => Err(format!(
            "error: GVK map[group:{group} kind:{kind} version:{version}] not found in OpenAPI schema"
        )),
        Some((_, schema)) => {
            let text = renderer.output(schema, &BTreeSet::new(), fields);
            match fields.last() {
                Some(field) if text.is_empty() => {
                    Err(format!("error: field \"{field}\" does not exist"))
                }
                _ => Ok(text + "\n"),
            }
        }
    };
    Explanation { header, body }
}

struct Renderer<'a> {
    schemas: &'a Schemas,
    recursive: bool,
}

/// A template's truth test of a JSON value: empty strings, maps and lists, false, 0 and
/// null are false.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
    }
}

fn text<'v>(schema: &'v Value, key: &str) -> &'v str {
    schema.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `additionalProperties` when it is a schema (not `true`/`false`) worth following.
fn map_values(schema: &Value) -> Option<&Value> {
    schema
        .get("additionalProperties")
        .filter(|value| value.is_object() && truthy(Some(value)))
}

fn items(schema: &Value) -> Option<&Value> {
    schema.get("items").filter(|value| truthy(Some(value)))
}

fn all_of(schema: &Value) -> &[Value] {
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The template's `indent`: every line, even an empty one, gets the padding.
fn indent(amount: usize, text: &str) -> String {
    let pad = " ".repeat(amount);
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

impl<'a> Renderer<'a> {
    /// `or (resolveRef $ref) $schema`: the schema a `$ref` names, else the schema itself.
    fn resolved(&self, schema: &'a Value) -> &'a Value {
        self.schemas
            .resolve(text(schema, "$ref"))
            .filter(|resolved| truthy(Some(resolved)))
            .unwrap_or(schema)
    }

    /// The template `output`: follows `path`, then prints the description and the fields.
    fn output(&self, schema: &'a Value, history: &BTreeSet<&'a str>, path: &[String]) -> String {
        let reference = text(schema, "$ref");
        let mut next_history = history.clone();
        next_history.insert(reference);
        let resolved = self.resolved(schema);
        let Some((field, rest)) = path.split_first() else {
            let description = self.description(resolved);
            let description = if description.is_empty() {
                "<empty>".to_string()
            } else {
                description
            };
            let mut out = format!("DESCRIPTION:\n{}\n", indent(4, &wrap(&description, 76)));
            let fields = self.field_list(resolved, 1, &BTreeSet::new());
            if !fields.is_empty() {
                out.push_str("FIELDS:\n");
                out.push_str(&fields);
            }
            return out;
        };
        if !reference.is_empty() && history.contains(reference) {
            return String::new();
        }
        if let Some(property) = resolved
            .get("properties")
            .and_then(|properties| properties.get(field))
            .filter(|property| truthy(Some(property)))
        {
            let mut out = String::new();
            if rest.is_empty() {
                out.push_str(&format!("FIELD: {field} <{}>\n", self.type_guess(property)));
                out.push_str(&extract_enum(property, None, 0));
                out.push_str("\n\n");
            }
            out.push_str(&self.output(property, &BTreeSet::new(), rest));
            return out;
        }
        if let Some(items) = items(resolved) {
            return self.output(items, &next_history, path);
        }
        if let Some(values) = map_values(resolved) {
            return self.output(values, &next_history, path);
        }
        all_of(resolved)
            .iter()
            .map(|alternative| self.output(alternative, &next_history, path))
            .find(|out| !out.is_empty())
            .unwrap_or_default()
    }

    /// The template `description`: the schema's description, then those of the schemas it
    /// is made of (`allOf`), of its items and of its map values, a line break after each.
    fn description(&self, schema: &'a Value) -> String {
        let node = self.resolved(schema);
        if !truthy(Some(node)) {
            return String::new();
        }
        let mut out = String::new();
        let own = text(node, "description");
        if !own.is_empty() {
            out.push_str(own);
            out.push('\n');
        }
        for part in all_of(node) {
            out.push_str(&self.description(part));
        }
        if let Some(items) = items(node) {
            out.push_str(&self.description(items));
        }
        if let Some(values) = map_values(node) {
            out.push_str(&self.description(values));
        }
        out
    }

    /// The template `fieldList`: the fields of a schema, and with `--recursive` their
    /// fields, a reference seen higher up the same branch ending the descent.
    fn field_list(&self, schema: &'a Value, level: usize, history: &BTreeSet<&'a str>) -> String {
        let reference = text(schema, "$ref");
        if !reference.is_empty() && history.contains(reference) {
            return String::new();
        }
        let mut next_history = history.clone();
        next_history.insert(reference);
        let resolved = self.resolved(schema);
        let mut out = String::new();
        if let Some(properties) = resolved.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                out.push_str(&self.field_detail(name, resolved, level));
                if self.recursive {
                    out.push_str(&self.field_list(property, level + 1, &next_history));
                }
            }
        }
        for part in all_of(resolved) {
            out.push_str(&self.field_list(part, level, &next_history));
        }
        if let Some(items) = items(resolved) {
            out.push_str(&self.field_list(items, level, &next_history));
        }
        if let Some(values) = map_values(resolved) {
            out.push_str(&self.field_list(values, level, &next_history));
        }
        out
    }

    /// The template `fieldDetail`: `name<TAB><type>`, ` -required-`, the enum line, and
    /// (unless recursive) the wrapped description and a blank line.
    fn field_detail(&self, name: &str, parent: &'a Value, level: usize) -> String {
        let indent_amount = level * 2;
        let field = parent
            .get("properties")
            .and_then(|properties| properties.get(name))
            .unwrap_or(&Value::Null);
        let mut out = format!(
            "{}\t<{}>",
            indent(indent_amount, name),
            self.type_guess(field)
        );
        let required = parent
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|required| required.iter().any(|r| r.as_str() == Some(name)));
        if required {
            out.push_str(" -required-");
        }
        out.push_str(&extract_enum(field, Some(4), indent_amount));
        out.push('\n');
        if !self.recursive {
            let description = match text(field, "description") {
                "" => "<no description>",
                description => description,
            };
            out.push_str(&indent(
                indent_amount + 2,
                &wrap(description, 78 - indent_amount),
            ));
            out.push_str("\n\n");
        }
        out
    }

    /// The template `typeGuess`: `string`, `Object`, `[]Container`, `map[string]string`, or
    /// the name of the kind a reference names.
    fn type_guess(&self, schema: &'a Value) -> String {
        if let Some(items) = items(schema) {
            return format!("[]{}", self.type_guess(items));
        }
        if let Some(values) = map_values(schema) {
            return format!("map[string]{}", self.type_guess(values));
        }
        let parts = all_of(schema);
        if parts.len() == 1 && !truthy(schema.get("properties")) {
            return self.type_guess(&parts[0]);
        }
        let reference = text(schema, "$ref");
        if !reference.is_empty() {
            let target = self
                .schemas
                .resolve(reference)
                .filter(|target| truthy(Some(target)));
            let target_type = target.map(|target| text(target, "type")).unwrap_or("");
            if target_type.is_empty() || target_type == "object" {
                let name = reference.rsplit('/').next().unwrap_or_default();
                let short = name.rsplit('.').next().unwrap_or_default();
                return if short.is_empty() {
                    "Object".into()
                } else {
                    short.into()
                };
            }
            return target_type.into();
        }
        match text(schema, "type") {
            "" | "object" => "Object".into(),
            other => other.into(),
        }
    }
}

/// The template `extractEnum`: the long view (`limit` None) lists every value on its own
/// line under `ENUM:`; the short one lists `limit` values on an `enum:` line.
fn extract_enum(schema: &Value, limit: Option<usize>, indent_amount: usize) -> String {
    let Some(values) = schema
        .get("enum")
        .and_then(Value::as_array)
        .filter(|v| !v.is_empty())
    else {
        return String::new();
    };
    let mut out = match limit {
        Some(_) => format!("\n{}enum: ", " ".repeat(indent_amount)),
        None => "ENUM:".to_string(),
    };
    for (index, value) in values.iter().enumerate() {
        if limit.is_some_and(|limit| index >= limit) {
            out.push_str(", ....");
            break;
        }
        match limit {
            Some(_) if index > 0 => out.push_str(", "),
            Some(_) => {}
            None => out.push_str("\n    "),
        }
        match value {
            Value::String(s) if s.is_empty() => out.push_str("\"\""),
            Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
    }
    out
}
