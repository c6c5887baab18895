//! `-o jsonpath=TEMPLATE` as client-go's `util/jsonpath` runs it for kubectl: literal text
//! around `{…}` actions (paths with `[*]`, `[N]`, slices, quoted keys, `..`, unions and
//! `?(@.x=="y")` filters; quoted literals; `{range PATH}…{end}`). Several results of one
//! action are joined by spaces; maps and lists print as JSON; nothing is added at the end.

mod eval;
mod parse;

use serde_json::Value;

use crate::output::Output;
use crate::printers::gotemplate::go_quote;

pub use eval::{compare, evaluate, text};
pub use parse::steps;

/// Renders `template` against `value`, or kubectl's error (parse or execution) as text.
pub fn render(template: &str, value: &Value) -> Result<String, String> {
    let nodes = parse::parse(template)
        .map_err(|e| format!("error: error parsing jsonpath {template}, {e}"))?;
    let mut out = String::new();
    eval::execute(&nodes, value, &mut out).map_err(|error| {
        format!(
            "error: error executing jsonpath {}: Error executing template: {error}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n",
            go_quote(template),
            go_syntax(value)
        )
    })?;
    Ok(out)
}

/// Prints what kubectl prints for `-o jsonpath=TEMPLATE` of `value`.
pub fn print(template: &str, value: &Value, out: &mut Output) {
    match render(template, value) {
        Ok(text) => out.out(text),
        Err(error) => out.error(error),
    }
}

/// Go's `%#v` of a decoded JSON document (`map[string]interface {}{"k":…}`), as the
/// debugging dump shows it; map keys sorted as `fmt` sorts them.
fn go_syntax(value: &Value) -> String {
    match value {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_f64() => {
            crate::printers::gotemplate::format_float_g(n.as_f64().unwrap_or_default())
        }
        Value::Number(n) => n.to_string(),
        Value::String(s) => go_quote(s),
        Value::Array(items) => format!(
            "[]interface {{}}{{{}}}",
            items.iter().map(go_syntax).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "map[string]interface {{}}{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}:{}", go_quote(k), go_syntax(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pods() -> Value {
        json!({"items": [
            {"metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "x"}},
             "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "b"},
             "status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}]}}
        ]})
    }

    #[test]
    fn renders_tutorial_templates() {
        let list = pods();
        assert_eq!(render("{.items[*].metadata.name}", &list), Ok("a b".into()));
        assert_eq!(
            render("{.items[0].metadata.name}{\"\\n\"}", &list),
            Ok("a\n".into())
        );
        assert_eq!(
            render(
                "name={.items[0].metadata.labels['app.kubernetes.io/name']}",
                &list
            ),
            Ok("name=x".into())
        );
        assert_eq!(
            render(
                "{.items[-1:].metadata.name} {.items[-1].metadata.name}",
                &list
            ),
            Ok("b b".into())
        );
        assert!(render("{.items[", &list).is_err());
    }

    #[test]
    fn ranges_and_filters() {
        let list = pods();
        assert_eq!(
            render(
                "{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}",
                &list
            ),
            Ok("a\tRunning\nb\tPending\n".into())
        );
        assert_eq!(
            render(
                "{.items[?(@.status.phase==\"Pending\")].metadata.name}",
                &list
            ),
            Ok("b".into())
        );
        assert_eq!(
            render(
                "{range .items[*]}{.metadata.name}:{.status.conditions[?(@.type=='Ready')].status} {end}",
                &list
            ),
            Ok("a:True b:False ".into())
        );
        assert_eq!(
            render("{range .nope[*]}x{end}.{..phase}", &list),
            Ok(".Running Pending".into())
        );
        assert!(render("{end}", &list).is_err_and(|e| e.contains("not in range, nothing to end")));
        assert!(
            render("{.items[5]}", &list)
                .is_err_and(|e| e.contains("array index out of bounds: index 5, length 2"))
        );
    }

    #[test]
    fn templates_are_bounded_by_their_document_not_by_a_fixed_count() {
        // 30,000 pods' images: one `..` reaches every value once, whatever the list's size.
        let items: Vec<serde_json::Value> = (0..30_000)
            .map(|i| json!({"metadata": {"name": format!("p{i}"), "labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}))
            .collect();
        let list = json!({"kind": "List", "items": items});
        let images = render("{..image}", &list).unwrap_or_default();
        assert_eq!(images.split(' ').count(), 30_000);
        // Each further `..` multiplies what is reached (as a power of their count, the
        // document's depth the exponent): refused, not run for minutes.
        let pod = json!({"metadata": {"name": "x", "labels": {"a": "b"}}, "spec": {"containers": [{"image": "nginx"}]}});
        let refused = render(&format!("{{{}image}}", ".".repeat(120)), &pod);
        assert!(
            refused.as_ref().is_err_and(
                |e| e.contains("the jsonpath expression reaches more than 100000 values")
            ),
            "{refused:?}"
        );
    }
}
