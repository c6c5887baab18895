//! Runs parsed jsonpath nodes as client-go's `FindResults` does: a `range` runs the nodes
//! after it once per result, up to its `end`, with that result as the data; missing keys
//! yield nothing (kubectl allows missing keys), an index out of bounds is an error.

use serde_json::Value;

use super::parse::{Filter, Node, Operand, Step};

/// What a template may do at most, in proportion to its document: a path may reach, and
/// ranges may run, four values per value in the document (at least 100,000), and it may print
/// 256 MiB. One `..` reaches each value once, so `{..image}` over 10,000 pods stays far
/// below; but each further `..` multiplies what the path has reached by the size of the
/// document below it, so `{..........items}` would take client-go (and the tab) longer than
/// anyone waits: past these bounds the template is refused instead.
struct Limits {
    values: usize,
    output: usize,
}

impl Limits {
    fn for_document(data: &Value) -> Limits {
        Limits {
            values: count_values(data).saturating_mul(4).max(100_000),
            output: 256 << 20,
        }
    }
}

/// How many values `value` holds, itself included.
fn count_values(value: &Value) -> usize {
    1 + children(value).into_iter().map(count_values).sum::<usize>()
}

/// Writes what `nodes` print for `data` into `out`.
pub fn execute(nodes: &[Node], data: &Value, out: &mut String) -> Result<(), String> {
    let limits = Limits::for_document(data);
    let mut iterations = 0;
    run(nodes, 0, data, 0, out, &limits, &mut iterations).map(|_| ())
}

/// Runs `nodes` from `start`; returns the index after the `end` that closed this level.
fn run(
    nodes: &[Node],
    start: usize,
    data: &Value,
    depth: usize,
    out: &mut String,
    limits: &Limits,
    iterations: &mut usize,
) -> Result<usize, String> {
    let mut index = start;
    while index < nodes.len() {
        match &nodes[index] {
            Node::Text(text) => out.push_str(text),
            Node::Path(steps) => {
                let texts: Vec<String> = evaluate_within(steps, data, data, limits.values)?
                    .into_iter()
                    .map(text)
                    .collect();
                out.push_str(&texts.join(" "));
            }
            Node::End if depth == 0 => return Err("not in range, nothing to end".into()),
            Node::End => return Ok(index + 1),
            Node::Range(steps) => {
                let results = evaluate_within(steps, data, data, limits.values)?;
                let mut after = nodes.len();
                if results.is_empty() {
                    // The body still runs (on nothing) so the position reaches its end.
                    after = run(
                        nodes,
                        index + 1,
                        &Value::Null,
                        depth + 1,
                        &mut String::new(),
                        limits,
                        iterations,
                    )?;
                }
                for result in results {
                    *iterations += 1;
                    if *iterations > limits.values {
                        return Err(format!(
                            "the jsonpath template runs more than {} range iterations",
                            limits.values
                        ));
                    }
                    after = run(nodes, index + 1, result, depth + 1, out, limits, iterations)?;
                }
                index = after;
                continue;
            }
        }
        if out.len() > limits.output {
            return Err(format!(
                "the jsonpath template prints more than {} bytes",
                limits.output
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
    evaluate_within(steps, current, root, Limits::for_document(root).values)
}

/// [`evaluate`], refusing to reach more than `max_values`.
fn evaluate_within<'a>(
    steps: &[Step],
    current: &'a Value,
    root: &'a Value,
    max_values: usize,
) -> Result<Vec<&'a Value>, String> {
    let mut values = vec![current];
    for step in steps {
        let mut next = Vec::new();
        for value in values {
            apply(step, value, root, &mut next, max_values)?;
            if next.len() > max_values {
                return Err(format!(
                    "the jsonpath expression reaches more than {max_values} values"
                ));
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
    max_values: usize,
) -> Result<(), String> {
    match step {
        Step::Field(name) if name == "*" => next.extend(children(value)),
        Step::Field(name) => next.extend(value.as_object().and_then(|map| map.get(name))),
        Step::Wildcard => next.extend(children(value)),
        Step::Recursive => descend(value, next),
        Step::Union(steps) => {
            for step in steps {
                apply(step, value, root, next, max_values)?;
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
                    if passes(filter, item, root, max_values)? {
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

fn passes(filter: &Filter, item: &Value, root: &Value, max_values: usize) -> Result<bool, String> {
    let lefts = operand(&filter.left, item, root, max_values)?;
    let Some(operator) = &filter.operator else {
        return Ok(!lefts.is_empty());
    };
    let rights = operand(&filter.right, item, root, max_values)?;
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
    max_values: usize,
) -> Result<Vec<&'a Value>, String> {
    match operand {
        Operand::Literal(value) => Ok(vec![value]),
        Operand::Path(steps) => evaluate_within(steps, item, root, max_values),
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
