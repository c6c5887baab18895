//! `--sort-by=PATH` (kubectl's `sorter.go`): objects ordered by the first value the
//! JSONPath reaches in each; an object without one comes first; strings compare in natural
//! order (`sortorder.NaturalLess`: digit runs as numbers), numbers as numbers. The sort is
//! stable, so equal keys keep the server's order.

use std::cmp::Ordering;

use serde_json::Value;

use super::custom_columns::relaxed;
use super::jsonpath;

/// Sorts `objects` (with their JSON forms) by `path`, or explains why the path is bad.
pub fn sort_by<T>(objects: &mut Vec<(T, Value)>, path: &str) -> Result<(), String> {
    let template = relaxed(path)?;
    let steps = jsonpath::steps(template.trim_start_matches('{').trim_end_matches('}'))
        .map_err(|e| format!("error: error parsing jsonpath {template}, {e}"))?;
    let mut keyed: Vec<(Option<Value>, (T, Value))> = Vec::with_capacity(objects.len());
    for (item, value) in objects.drain(..) {
        let key = jsonpath::evaluate(&steps, &value, &value)?
            .first()
            .map(|v| (*v).clone());
        keyed.push((key, (item, value)));
    }
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => less(a, b),
    });
    objects.extend(keyed.into_iter().map(|(_, item)| item));
    Ok(())
}

fn less(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::String(a), Value::String(b)) => natural(a, b),
        _ => jsonpath::compare(a, b).unwrap_or(Ordering::Equal),
    }
}

/// `sortorder.NaturalLess`: runs of digits compare by value, the rest byte by byte.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (ca, cb) = (a[i], b[j]);
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let start_a = i;
            while i < a.len() && a[i] == b'0' {
                i += 1;
            }
            let start_b = j;
            while j < b.len() && b[j] == b'0' {
                j += 1;
            }
            let digits_a = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let digits_b = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let (na, nb) = (&a[digits_a..i], &b[digits_b..j]);
            let by_value = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
            if by_value != Ordering::Equal {
                return by_value;
            }
            // Equal values: fewer leading zeros first.
            let zeros = (digits_a - start_a).cmp(&(digits_b - start_b));
            if zeros != Ordering::Equal {
                return zeros;
            }
            continue;
        }
        if ca != cb {
            return ca.cmp(&cb);
        }
        i += 1;
        j += 1;
    }
    (a.len() - i).cmp(&(b.len() - j))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_naturally_with_missing_first() {
        let mut items: Vec<(&str, Value)> = vec![
            (
                "web-10",
                json!({"metadata": {"name": "web-10"}, "spec": {"replicas": 3}}),
            ),
            (
                "web-9",
                json!({"metadata": {"name": "web-9"}, "spec": {"replicas": 10}}),
            ),
            ("none", json!({"metadata": {"name": "a"}})),
        ];
        assert!(sort_by(&mut items, ".metadata.name").is_ok());
        let names: Vec<&str> = items.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["none", "web-9", "web-10"]);
        assert!(sort_by(&mut items, "{.spec.replicas}").is_ok());
        let names: Vec<&str> = items.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["none", "web-10", "web-9"]);
        assert_eq!(natural("a2", "a10"), Ordering::Less);
    }
}
