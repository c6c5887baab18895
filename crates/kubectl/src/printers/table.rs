//! A table as the API server returns it for `kubectl get` (column names and cell strings),
//! and its rendering through kubectl's tab writer.

use crate::text::tabwriter;

/// One `kubectl get` table: headers and rows of cells. The web UI renders the same value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Renders through kubectl's tab writer; `headers` false for `--no-headers`.
    pub fn render(&self, headers: bool) -> String {
        let mut text = String::new();
        let lines = headers
            .then_some(&self.headers)
            .into_iter()
            .chain(self.rows.iter());
        for line in lines {
            let cells: Vec<String> = line.iter().map(|cell| sanitize(cell)).collect();
            text.push_str(&cells.join("\t"));
            text.push('\n');
        }
        tabwriter::layout(tabwriter::Config::GET, &text)
    }
}

/// Cells are cut at the first line break with `...` appended, as the server printer does;
/// tabs would split a cell in two.
fn sanitize(cell: &str) -> String {
    let cell = cell.replace('\t', " ");
    match cell.find(['\n', '\r', '\u{c}']) {
        Some(index) => format!("{}...", &cell[..index]),
        None => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_like_kubectl() {
        let table = Table {
            headers: vec![
                "NAME".into(),
                "READY".into(),
                "STATUS".into(),
                "RESTARTS".into(),
                "AGE".into(),
            ],
            rows: vec![vec![
                "nginx-7854ff8877-2xkqz".into(),
                "1/1".into(),
                "Running".into(),
                "0".into(),
                "10s".into(),
            ]],
        };
        assert_eq!(
            table.render(true),
            "NAME                     READY   STATUS    RESTARTS   AGE\nnginx-7854ff8877-2xkqz   1/1     Running   0          10s\n"
        );
        let narrow = Table {
            headers: vec!["A".into(), "B".into()],
            rows: vec![],
        };
        assert_eq!(narrow.render(true), "A     B\n");
    }
}
