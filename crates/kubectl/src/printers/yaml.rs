//! A YAML emitter that writes JSON values the way kubectl's (sigs.k8s.io/yaml → go-yaml v2)
//! does: sorted keys, block style, sequences flush with their key, strings that would read
//! as another type double-quoted (`"1"`, `""`, timestamps), strings with YAML indicators
//! single-quoted, multi-line strings as literal blocks, and long scalars folded after
//! column 80.

use serde_json::Value;

const BEST_WIDTH: usize = 80;

pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => write_seq(items, 0, &mut out),
        scalar => {
            out.push_str(&scalar_text(scalar, 0, 0));
            out.push('\n');
        }
    }
    out
}

fn write_map(map: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (index, (key, value)) in map.iter().enumerate() {
        // The first key of a map inside a sequence item follows the `- ` on the same line.
        if !(index == 0 && out.ends_with("- ")) {
            out.push_str(&" ".repeat(indent));
        }
        let key_text = scalar_text(&Value::String(key.clone()), indent, indent);
        out.push_str(&key_text);
        out.push(':');
        write_value(value, indent, indent + key_text.chars().count() + 2, out);
    }
}

fn write_seq(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => write_map(map, indent + 2, out),
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(inner, indent + 2, out);
            }
            scalar => {
                out.push_str(&scalar_text(scalar, indent + 2, indent + 2));
                out.push('\n');
            }
        }
    }
}

/// Writes the value after `key:`; `column` is where it would start on the key's line.
fn write_value(value: &Value, indent: usize, column: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(map, indent + 2, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(items, indent, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar, indent + 2, column));
            out.push('\n');
        }
    }
}

fn scalar_text(value: &Value, indent: usize, column: usize) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        Value::String(s) => string_text(s, indent, column),
    }
}

fn string_text(s: &str, indent: usize, column: usize) -> String {
    if s.contains('\n') && s.chars().all(|c| c == '\n' || !c.is_control()) {
        return literal(s, indent);
    }
    if s.is_empty() || resolves_to_other_type(s) || s.chars().any(|c| c.is_control()) {
        return double_quoted(s);
    }
    if plain_allowed(s) {
        return fold(s, indent, column);
    }
    fold(&format!("'{}'", s.replace('\'', "''")), indent, column)
}

/// `|` blocks: `|-` without a final newline, `|` with exactly one, `|+` with more.
fn literal(s: &str, indent: usize) -> String {
    let chomp = if !s.ends_with('\n') {
        "-"
    } else if s.ends_with("\n\n") {
        "+"
    } else {
        ""
    };
    let body = s.strip_suffix('\n').unwrap_or(s);
    let pad = " ".repeat(indent);
    let mut text = format!("|{chomp}");
    for line in body.split('\n') {
        text.push('\n');
        if !line.is_empty() {
            text.push_str(&pad);
            text.push_str(line);
        }
    }
    text
}

fn double_quoted(s: &str) -> String {
    let mut text = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => text.push_str("\\\""),
            '\\' => text.push_str("\\\\"),
            '\n' => text.push_str("\\n"),
            '\t' => text.push_str("\\t"),
            '\r' => text.push_str("\\r"),
            c if c.is_control() => text.push_str(&format!("\\x{:02X}", c as u32)),
            c => text.push(c),
        }
    }
    text.push('"');
    text
}

/// Breaks at a space once past the best width, as go-yaml's emitter does.
fn fold(s: &str, indent: usize, start_column: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut text = String::new();
    let mut column = start_column;
    for (index, c) in chars.iter().enumerate() {
        let next_is_space = chars.get(index + 1).is_some_and(|n| *n == ' ');
        let previous_is_space = index > 0 && chars[index - 1] == ' ';
        if *c == ' '
            && column > BEST_WIDTH
            && !next_is_space
            && !previous_is_space
            && index + 1 < chars.len()
        {
            text.push('\n');
            text.push_str(&" ".repeat(indent));
            column = indent;
            continue;
        }
        text.push(*c);
        column += 1;
    }
    text
}

/// YAML 1.1 words and number/time forms a plain string would be read as.
fn resolves_to_other_type(s: &str) -> bool {
    const WORDS: [&str; 22] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    if WORDS.contains(&s)
        || matches!(
            s,
            "~" | "null" | "Null" | "NULL" | ".inf" | ".Inf" | "-.inf" | ".nan" | ".NaN"
        )
    {
        return true;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let digits_or_underscore =
        |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '_');
    if digits_or_underscore(unsigned) {
        return true;
    }
    if let Some(hex) = unsigned.strip_prefix("0x")
        && !hex.is_empty()
        && hex.chars().all(|c| c.is_ascii_hexdigit())
    {
        return true;
    }
    if unsigned.parse::<f64>().is_ok()
        && unsigned.chars().any(|c| c.is_ascii_digit())
        && !unsigned.contains(['i', 'n', 'N', 'I'])
    {
        return true;
    }
    is_timestamp(s)
}

fn is_timestamp(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
        && (bytes.len() == 10 || matches!(bytes[10], b'T' | b't' | b' '))
}

/// go-yaml's `yaml_emitter_analyze_scalar`, reduced to the block-context plain rules.
fn plain_allowed(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    let second = s.chars().nth(1);
    if s.starts_with(' ') || s.ends_with(' ') {
        return false;
    }
    if "#,[]{}&*!|>'\"%@`".contains(first) {
        return false;
    }
    if matches!(first, '-' | '?' | ':') && second.is_none_or(|c| c == ' ') {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_like_kubectl() {
        let value = json!({
            "apiVersion": "apps/v1",
            "metadata": {"annotations": {"deprecated.daemonset.template.generation": "1"}, "creationTimestamp": "2022-01-11T01:02:18Z", "resourceVersion": "503"},
            "spec": {"containers": [{"args": ["-conf", "/etc/coredns/Corefile"], "name": "x", "resources": {}}], "type": "", "ports": []},
            "status": {"message": "containers with unready status: [nginx]", "ready": true, "count": 3},
        });
        assert_eq!(
            to_yaml(&value),
            "apiVersion: apps/v1\nmetadata:\n  annotations:\n    deprecated.daemonset.template.generation: \"1\"\n  creationTimestamp: \"2022-01-11T01:02:18Z\"\n  resourceVersion: \"503\"\nspec:\n  containers:\n  - args:\n    - -conf\n    - /etc/coredns/Corefile\n    name: x\n    resources: {}\n  ports: []\n  type: \"\"\nstatus:\n  count: 3\n  message: 'containers with unready status: [nginx]'\n  ready: true\n"
        );
    }

    #[test]
    fn literal_blocks_and_folding() {
        let value = json!({"a": {"last-applied": "{\"x\":1}\n"}, "message": "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"});
        assert_eq!(
            to_yaml(&value),
            "a:\n  last-applied: |\n    {\"x\":1}\nmessage: one two three four five six seven eight nine ten eleven twelve thirteen fourteen\n  fifteen\n"
        );
    }
}
