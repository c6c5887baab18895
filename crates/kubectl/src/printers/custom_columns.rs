//! `-o custom-columns=HEADER:PATH,…` and `-o custom-columns-file=FILE` (kubectl's
//! `customcolumn.go`): one column per JSONPath, several results joined by commas, none
//! shown as `<none>`, laid out by the tab writer of `get` tables.

use serde_json::Value;

use super::jsonpath;
use super::table::Table;

/// A parsed custom-columns spec: headers and their JSONPath templates.
#[derive(Debug)]
pub struct CustomColumns {
    columns: Vec<(String, String)>,
}

impl CustomColumns {
    /// `NewCustomColumnsPrinterFromSpec`.
    pub fn from_spec(spec: &str) -> Result<CustomColumns, String> {
        if spec.is_empty() {
            return Err(
                "error: custom-columns format specified but no custom columns given".into(),
            );
        }
        let mut columns = Vec::new();
        for part in spec.split(',') {
            let Some((header, path)) = part.split_once(':') else {
                return Err(format!(
                    "error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
                ));
            };
            columns.push((header.to_string(), relaxed(path)?));
        }
        CustomColumns::checked(columns)
    }

    /// `NewCustomColumnsPrinterFromTemplate`: a line of headers, a line of paths.
    pub fn from_file(text: &str) -> Result<CustomColumns, String> {
        const EXPECTED: &str = "Expected format is one line of space separated headers, one line of space separated column specs.";
        let mut lines = text.lines();
        let headers: Vec<&str> = lines
            .next()
            .ok_or_else(|| format!("error: invalid template, missing header line. {EXPECTED}"))?
            .split_whitespace()
            .collect();
        let specs: Vec<&str> = lines
            .next()
            .ok_or_else(|| format!("error: invalid template, missing spec line. {EXPECTED}"))?
            .split_whitespace()
            .collect();
        if headers.len() != specs.len() {
            return Err(format!(
                "error: number of headers ({}) and field specifications ({}) don't match",
                headers.len(),
                specs.len()
            ));
        }
        let columns = headers
            .iter()
            .zip(&specs)
            .map(|(header, spec)| Ok((header.to_string(), relaxed(spec)?)))
            .collect::<Result<Vec<_>, String>>()?;
        CustomColumns::checked(columns)
    }

    /// Every path must parse before anything prints.
    fn checked(columns: Vec<(String, String)>) -> Result<CustomColumns, String> {
        for (_, path) in &columns {
            jsonpath::render(path, &Value::Null).map_err(|error| {
                error.replacen(
                    &format!("error: error parsing jsonpath {path}, "),
                    "error: failed to parse JSONPath expression: ",
                    1,
                )
            })?;
        }
        Ok(CustomColumns { columns })
    }

    /// The table of `objects`, one row each.
    pub fn table(&self, objects: &[Value]) -> Result<Table, String> {
        let mut rows = Vec::new();
        for object in objects {
            let mut cells = Vec::new();
            for (_, path) in &self.columns {
                cells.push(cell(path, object)?);
            }
            rows.push(cells);
        }
        Ok(Table {
            headers: self.columns.iter().map(|(h, _)| h.clone()).collect(),
            rows,
        })
    }
}

/// One cell: every value the path reaches, printed as Go's `fmt.Sprint` does.
fn cell(path: &str, object: &Value) -> Result<String, String> {
    let steps = jsonpath::steps(path.trim_start_matches('{').trim_end_matches('}'))?;
    let values = jsonpath::evaluate(&steps, object, object)?;
    if values.is_empty() {
        return Ok("<none>".into());
    }
    Ok(values
        .iter()
        .map(|value| match value {
            Value::String(s) => s.clone(),
            other => super::gotemplate::go_sprint(other),
        })
        .collect::<Vec<_>>()
        .join(","))
}

/// `RelaxedJSONPathExpression`: `a.b`, `.a.b`, `{a.b}` and `{.a.b}` all mean `{.a.b}`.
pub fn relaxed(path: &str) -> Result<String, String> {
    if path.is_empty() {
        return Ok(String::new());
    }
    let inner = path
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .unwrap_or(path);
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    if inner.is_empty() || inner.contains(['{', '}']) {
        return Err("error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
    }
    Ok(format!("{{.{inner}}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn columns_from_spec_and_file() {
        let pods = [
            json!({"metadata": {"name": "a", "labels": {"app": "x"}}, "spec": {"containers": [{"image": "nginx"}, {"image": "busybox"}]}}),
            json!({"metadata": {"name": "bb"}, "spec": {"containers": []}}),
        ];
        let columns = CustomColumns::from_spec(
            "NAME:.metadata.name,IMAGES:spec.containers[*].image,LABELS:{.metadata.labels}",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let table = columns.table(&pods).unwrap_or_default();
        assert_eq!(
            table.render(true),
            "NAME   IMAGES          LABELS\na      nginx,busybox   map[app:x]\nbb     <none>          <none>\n"
        );
        let file =
            CustomColumns::from_file("NAME  FIRST\n.metadata.name {.spec.containers[0].image}\n")
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            file.table(&pods[..1]).unwrap_or_default().rows,
            vec![vec!["a".to_string(), "nginx".to_string()]]
        );
        assert!(
            CustomColumns::from_spec("NAME")
                .is_err_and(|e| e.contains("expected <header>:<json-path-expr>"))
        );
        assert!(CustomColumns::from_file("A B\n.x\n").is_err_and(|e| {
            e.contains("number of headers (2) and field specifications (1) don't match")
        }));
    }
}
