//! `-o jsonpath=TEMPLATE`, the subset learners meet in tutorials: literal text around
//! `{.path.to[*].field}` expressions with `[*]`, `[N]` and quoted keys. Several results of one
//! expression are joined by spaces, as kubectl does; nothing is added at the end.

use serde_json::Value;

/// Renders `template` against `value`, or explains what it cannot understand.
pub fn render(template: &str, value: &Value) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&unescape(&rest[..start]));
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| format!("error: error parsing jsonpath {template}, unclosed action"))?
            + start;
        let expression = rest[start + 1..end].trim();
        // A quoted string is a literal: `{"\n"}`.
        if let Some(literal) = expression
            .strip_prefix('"')
            .and_then(|e| e.strip_suffix('"'))
        {
            out.push_str(&unescape(literal));
            rest = &rest[end + 1..];
            continue;
        }
        let results = evaluate(expression, value)
            .map_err(|e| format!("error: error parsing jsonpath {template}, {e}"))?;
        let texts: Vec<String> = results.iter().map(|v| scalar(v)).collect();
        out.push_str(&texts.join(" "));
        rest = &rest[end + 1..];
    }
    out.push_str(&unescape(rest));
    Ok(out)
}

fn unescape(text: &str) -> String {
    text.replace("\\n", "\n").replace("\\t", "\t")
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn evaluate<'a>(expression: &str, root: &'a Value) -> Result<Vec<&'a Value>, String> {
    let path = expression.strip_prefix('$').unwrap_or(expression);
    let mut current: Vec<&Value> = vec![root];
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut key = String::new();
                while let Some(&next) = chars.peek() {
                    if next == '.' || next == '[' {
                        break;
                    }
                    key.push(next);
                    chars.next();
                }
                if key.is_empty() {
                    continue;
                }
                current = current.into_iter().filter_map(|v| v.get(&key)).collect();
            }
            '[' => {
                let mut index = String::new();
                for next in chars.by_ref() {
                    if next == ']' {
                        break;
                    }
                    index.push(next);
                }
                let index = index.trim().trim_matches(['\'', '"']).to_string();
                current = if index == "*" {
                    current
                        .into_iter()
                        .flat_map(|v| match v {
                            Value::Array(items) => items.iter().collect::<Vec<_>>(),
                            Value::Object(map) => map.values().collect(),
                            _ => Vec::new(),
                        })
                        .collect()
                } else if let Ok(n) = index.parse::<usize>() {
                    current.into_iter().filter_map(|v| v.get(n)).collect()
                } else {
                    current.into_iter().filter_map(|v| v.get(&index)).collect()
                };
            }
            other => return Err(format!("unrecognized character in action: {other:?}")),
        }
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_tutorial_templates() {
        let list = json!({"items": [{"metadata": {"name": "pi-abcde", "labels": {"app.kubernetes.io/name": "x"}}}, {"metadata": {"name": "pi-fghij"}}]});
        assert_eq!(
            render("{.items[*].metadata.name}", &list),
            Ok("pi-abcde pi-fghij".into())
        );
        assert_eq!(
            render("{.items[0].metadata.name}{\"\\n\"}", &list),
            Ok("pi-abcde\n".into())
        );
        assert_eq!(
            render(
                "name={.items[0].metadata.labels['app.kubernetes.io/name']}",
                &list
            ),
            Ok("name=x".into())
        );
        assert!(render("{.items[", &list).is_err());
    }
}
