//! Runs parsed jsonpath nodes as client-go's `FindResults` does: a `range` runs the nodes
//! after it once per result, up to its `end`, with that result as the data; missing keys
//! yield nothing (kubectl allows missing keys), an index out of bounds is an error.

use serde_json::Value;

use super::parse::{Filter, Node, Operand, Step};

/// Values one path may reach at most. Each `..` multiplies what the path has reached by the
/// size of the document below it, so `{..........items}` would take client-go (and the tab)
/// longer than anyone waits: past this bound the template is refused instead.
const MAX_VALUES: usize = 1_000_000;
/// Range iterations a template may run at most (nested ranges multiply too).
const MAX_ITERATIONS: usize = 1_000_000;
/// Bytes a template may print at most.
const MAX_OUTPUT: usize = 16 << 20;

fn too_many_values() -> String {
    format!("the jsonpath expression reaches more than {MAX_VALUES} values")
}

/// Writes what `nodes` print for `data` into `out`.
pub fn execute(nodes: &[Node], data: &Value, out: &mut String) -> Result<(), String> {
    let mut iterations = 0;
    run(nodes, 0, data, 0, out, &mut iterations).map(|_| ())
}

/// Runs `nodes` from `start`; returns the index after the `end` that closed this level.
fn run(
    nodes: &[Node],
    start: usize,
    data: &Value,
    depth: usize,
    out: &mut String,
    iterations: &mut usize,
) -> Result<usize, String> {
    let mut index = start;
    while index < nodes.len() {
        match &nodes[index] {
            Node::Text(text) => out.push_str(text),
            Node::Path(steps) => {
                let texts: Vec<String> =
                    evaluate(steps, data, data)?.into_iter().map(text).collect();
                out.push_str(&texts.join(" "));
            }
            Node::End if depth == 0 => return Err("not in range, nothing to end".into()),
            Node::End => return Ok(index + 1),
            Node::Range(steps) => {
                let results = evaluate(steps, data, data)?;
                let mut after = nodes.len();
                if results.is_empty() {
                    // The body still runs (on nothing) so the position reaches its end.
                    after = run(
                        nodes,
                        index + 1,
                        &Value::Null,
                        depth + 1,
                        &mut String::new(),
                        iterations,
                    )?;
                }
                for result in results {
                    *iterations += 1;
                    if *iterations > MAX_ITERATIONS {
                        return Err(format!(
                            "the jsonpath template runs more than {MAX_ITERATIONS} range iterations"
                        ));
                    }
                    after = run(nodes, index + 1, result, depth + 1, out, iterations)?;
                }
                index = after;
                continue;
            }
        }
        if out.len() > MAX_OUTPUT {
            return Err(format!(
                "the jsonpath template prints more than {MAX_OUTPUT} bytes"
            ));
        }
        index += 1;
    }
    Ok(nodes.len())
}

/// The values `steps` reach from `current` (`@`); `root` is `$`.
pub fn evaluate<'a>(
    steps: &[Step],
    current: &'a Value,
    root: &'a Value,
) -> Result<Vec<&'a Value>, String> {
    let mut values = vec![current];
    for step in steps {
        let mut next = Vec::new();
        for value in values {
            apply(step, value, root, &mut next)?;
            if next.len() > MAX_VALUES {
                return Err(too_many_values());
            }
        }
        values = next;
    }
    Ok(values)
}

fn apply<'a>(
    step: &Step,
    value: &'a Value,
    root: &'a Value,
    next: &mut Vec<&'a Value>,
) -> Result<(), String> {
    match step {
        Step::Field(name) if name == "*" => next.extend(children(value)),
        Step::Field(name) => next.extend(value.as_object().and_then(|map| map.get(name))),
        Step::Wildcard => next.extend(children(value)),
        Step::Recursive => descend(value, next),
        Step::Union(steps) => {
            for step in steps {
                apply(step, value, root, next)?;
            }
        }
        Step::Slice(start, end, step) => {
            if let Value::Array(items) = value {
                next.extend(slice(items, *start, *end, *step)?);
            }
        }
        Step::Filter(filter) => {
            if let Value::Array(items) = value {
                for item in items {
                    if passes(filter, item, root)? {
                        next.push(item);
                    }
                }
            }
        }
    }
    Ok(())
}

fn children(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        _ => Vec::new(),
    }
}

/// `evalRecursive`: a value with children, then everything below it, depth first.
fn descend<'a>(value: &'a Value, next: &mut Vec<&'a Value>) {
    let below = children(value);
    if below.is_empty() {
        return;
    }
    next.push(value);
    for child in below {
        descend(child, next);
    }
}

/// `evalArray`: Python-like bounds, with client-go's out-of-bounds errors.
fn slice(
    items: &[Value],
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
) -> Result<Vec<&Value>, String> {
    let length = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let mut from = start.unwrap_or(0);
    if from < 0 {
        from += length;
    }
    // `[N]` was parsed as `[N:N+1]`; `[-1]` therefore ends at 0, meaning the end.
    let single = matches!((start, end), (Some(s), Some(e)) if e == s.saturating_add(1));
    let mut to = end.unwrap_or(length);
    if to < 0 || (single && to == 0) {
        to += length;
    }
    if to == from {
        return Ok(Vec::new());
    }
    if from >= length || from < 0 {
        return Err(format!(
            "array index out of bounds: index {from}, length {length}"
        ));
    }
    if to > length || to < 0 {
        return Err(format!(
            "array index out of bounds: index {}, length {length}",
            to - 1
        ));
    }
    if from > to {
        return Err(format!(
            "starting index {from} is greater than ending index {to}"
        ));
    }
    let step = step.unwrap_or(1);
    if step <= 0 {
        return Err("step must be > 0".into());
    }
    let (from, to, step) = (from as usize, to as usize, step as usize);
    Ok(items[from..to].iter().step_by(step).collect())
}

fn passes(filter: &Filter, item: &Value, root: &Value) -> Result<bool, String> {
    let lefts = operand(&filter.left, item, root)?;
    let Some(operator) = &filter.operator else {
        return Ok(!lefts.is_empty());
    };
    let rights = operand(&filter.right, item, root)?;
    let (Some(left), Some(right)) = (lefts.first(), rights.first()) else {
        return Ok(false);
    };
    if lefts.len() > 1 || rights.len() > 1 {
        return Err("can only compare one element at a time".into());
    }
    let ordering = compare(left, right);
    Ok(match operator.as_str() {
        "==" => ordering == Some(std::cmp::Ordering::Equal),
        "!=" => ordering != Some(std::cmp::Ordering::Equal),
        "<" => ordering == Some(std::cmp::Ordering::Less),
        ">" => ordering == Some(std::cmp::Ordering::Greater),
        "<=" => matches!(
            ordering,
            Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
        ),
        ">=" => matches!(
            ordering,
            Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
        ),
        other => return Err(format!("unrecognized filter operator {other}")),
    })
}

fn operand<'a>(
    operand: &'a Operand,
    item: &'a Value,
    root: &'a Value,
) -> Result<Vec<&'a Value>, String> {
    match operand {
        Operand::Literal(value) => Ok(vec![value]),
        Operand::Path(steps) => evaluate(steps, item, root),
    }
}

/// Compares two values of one basic kind, as `template.Less`/`Equal` do; values of
/// different kinds are neither equal nor ordered.
pub fn compare(left: &Value, right: &Value) -> Option<std::cmp::Ordering> {
    match (left, right) {
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// How one result prints: strings as they are, maps and lists as compact JSON, numbers as
/// Go prints them.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Number(n) if n.is_f64() => {
            crate::printers::gotemplate::format_float_g(n.as_f64().unwrap_or_default())
        }
        other => other.to_string(),
    }
}
