//! A table as the API server returns it for `kubectl get` (column names and cell strings),
//! and its rendering through kubectl's tab writer (minwidth 6, padding 3, no trailing space).

/// One `kubectl get` table: headers and rows of cells. The web UI renders the same value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

const MIN_WIDTH: usize = 6;
const PADDING: usize = 3;

impl Table {
    /// Renders with kubectl's column rules; `headers` false for `--no-headers`.
    pub fn render(&self, headers: bool) -> String {
        let mut lines: Vec<&Vec<String>> = Vec::new();
        if headers {
            lines.push(&self.headers);
        }
        lines.extend(self.rows.iter());
        let columns = lines.iter().map(|l| l.len()).max().unwrap_or(0);
        let mut widths = vec![0; columns];
        for line in &lines {
            // The last cell of a line is not tab-terminated and does not size its column.
            for (index, cell) in line.iter().enumerate().take(line.len().saturating_sub(1)) {
                widths[index] = widths[index]
                    .max(sanitize(cell).chars().count() + PADDING)
                    .max(MIN_WIDTH);
            }
        }
        let mut text = String::new();
        for line in lines {
            for (index, cell) in line.iter().enumerate() {
                let cell = sanitize(cell);
                text.push_str(&cell);
                if index + 1 < line.len() {
                    let pad = widths[index].saturating_sub(cell.chars().count());
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            text.push('\n');
        }
        text
    }
}

/// Cells are cut at the first line break with `...` appended, as the server printer does.
fn sanitize(cell: &str) -> String {
    match cell.find(['\n', '\r', '\u{c}']) {
        Some(index) => format!("{}...", &cell[..index]),
        None => cell.to_string(),
    }
}

/// `HumanDuration` (apimachinery `util/duration`): AGE, DURATION, "(5m ago)".
pub fn human_duration(milliseconds: i64) -> String {
    let seconds = milliseconds.div_euclid(1000);
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let rest = seconds % 60;
        return if rest == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{rest}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let rest = minutes % 60;
        return if rest == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{rest}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 192 {
        let rest = hours % 24;
        return if rest == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{rest}h", hours / 24)
        };
    }
    if hours < 24 * 730 {
        return format!("{}d", hours / 24);
    }
    let years = hours / 24 / 365;
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        return if days == 0 {
            format!("{years}y")
        } else {
            format!("{years}y{days}d")
        };
    }
    format!("{years}y")
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

    #[test]
    fn human_duration_boundaries() {
        let s = |secs: i64| human_duration(secs * 1000);
        assert_eq!(s(-2), "<invalid>");
        assert_eq!(s(-1), "0s");
        assert_eq!(s(119), "119s");
        assert_eq!(s(120), "2m");
        assert_eq!(s(238), "3m58s");
        assert_eq!(s(599), "9m59s");
        assert_eq!(s(600), "10m");
        assert_eq!(s(179 * 60 + 59), "179m");
        assert_eq!(s(180 * 60), "3h");
        assert_eq!(s(3 * 3600 + 5 * 60), "3h5m");
        assert_eq!(s(47 * 3600), "47h");
        assert_eq!(s(48 * 3600), "2d");
        assert_eq!(s(53 * 3600), "2d5h");
        assert_eq!(s(9 * 86400), "9d");
        assert_eq!(s(730 * 86400), "2y");
        assert_eq!(s(830 * 86400), "2y100d");
        assert_eq!(s(9 * 365 * 86400), "9y");
    }
}
