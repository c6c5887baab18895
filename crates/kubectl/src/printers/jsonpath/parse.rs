//! The template language of client-go's `util/jsonpath`: text, `{…}` actions holding a path
//! (`.field`, `..field`, `[*]`, `[N]`, `[A:B:C]`, `['key']`, `[?(@.x=="y")]`), a quoted
//! literal, `range PATH` … `end`, with the parser's error messages.

/// One piece of a template, in order; `range` and `end` are flat markers as in client-go,
/// whose executor pairs them while it runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>),
    End,
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// `.name` or `['name']`; `*` for every value.
    Field(String),
    /// `..`: the value and everything below it.
    Recursive,
    /// `[start:end:step]`; `[N]` is `[N:N+1]`; a missing bound is `None`.
    Slice(Option<i64>, Option<i64>, Option<i64>),
    /// `[*]`.
    Wildcard,
    /// `['a','b']` or `[0,1]`.
    Union(Vec<Step>),
    Filter(Box<Filter>),
}

/// `?(LEFT OP RIGHT)`, or `?(LEFT)` testing that a value exists.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub left: Operand,
    pub operator: Option<String>,
    pub right: Operand,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A path from the element (`@…`) or the root (`$…`).
    Path(Vec<Step>),
    Literal(serde_json::Value),
}

/// Parses a template into its nodes, or the message after `error parsing jsonpath T, `.
pub fn parse(template: &str) -> Result<Vec<Node>, String> {
    let mut nodes = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        if start > 0 {
            nodes.push(Node::Text(rest[..start].to_string()));
        }
        let inside = &rest[start + 1..];
        let end = action_end(inside)?;
        nodes.push(action(inside[..end].trim())?);
        rest = &inside[end + 1..];
    }
    if !rest.is_empty() {
        nodes.push(Node::Text(rest.to_string()));
    }
    Ok(nodes)
}

/// Where the `}` closing an action is: outside quotes and brackets. A filter is scanned as
/// client-go's `parseFilter` scans it, to its `)` outside quotes, then `]`.
fn action_end(text: &str) -> Result<usize, &'static str> {
    let mut quote = None;
    let mut depth = 0usize;
    let mut escaped = false;
    let mut index = 0;
    while let Some(c) = text[index..].chars().next() {
        let width = c.len_utf8();
        match (quote, c) {
            (Some(_), '\\') if !escaped => {
                escaped = true;
                index += width;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (Some(_), _) => {}
            (None, '[') if text[index..].starts_with("[?(") => {
                index += filter_length(&text[index..])?;
                continue;
            }
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth = depth.saturating_sub(1),
            (None, '}') if depth == 0 => return Ok(index),
            (None, '{' | '\n') => return Err("unclosed action"),
            _ => {}
        }
        escaped = false;
        index += width;
    }
    Err("unclosed action")
}

/// The length of `[?(…)]` at the start of `text`.
fn filter_length(text: &str) -> Result<usize, &'static str> {
    let mut pair = None;
    let mut closed = false;
    let mut previous = ' ';
    for (index, c) in text.char_indices().skip(3) {
        match c {
            '\n' => return Err("unterminated filter"),
            '"' | '\'' if pair.is_none() => pair = Some(c),
            c if Some(c) == pair && previous != '\\' => closed = true,
            ')' if pair.is_none() || closed => {
                return if text[index + 1..].starts_with(']') {
                    Ok(index + 2)
                } else {
                    Err("unclosed array expect ]")
                };
            }
            _ => {}
        }
        previous = c;
    }
    Err("unterminated filter")
}

fn action(text: &str) -> Result<Node, String> {
    if text == "end" {
        return Ok(Node::End);
    }
    if let Some(path) = text.strip_prefix("range ") {
        return Ok(Node::Range(steps(path.trim())?));
    }
    if let Some(literal) = quoted(text) {
        return Ok(Node::Text(literal?));
    }
    Ok(Node::Path(steps(text)?))
}

/// A quoted literal (`"\n"`, `'x'`) with Go's escapes, or None when `text` is not quoted.
fn quoted(text: &str) -> Option<Result<String, String>> {
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = text[1..].strip_suffix(quote)?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        // Only double quotes have Go's escapes; in single quotes a backslash keeps the
        // next character as it is.
        if quote == '\'' {
            out.extend(chars.next());
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => return Some(Err(format!("unterminated quoted string {text}"))),
        }
    }
    Some(Ok(out))
}

/// The steps of a path such as `$.items[0].metadata.name` or `@.status`.
pub fn steps(text: &str) -> Result<Vec<Step>, String> {
    let text = text
        .strip_prefix('$')
        .or_else(|| text.strip_prefix('@'))
        .unwrap_or(text);
    let mut steps = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match c {
            '.' if rest.starts_with("..") => {
                steps.push(Step::Recursive);
                rest = &rest[1..];
            }
            '.' => {
                let body = &rest[1..];
                let end = body.find(['.', '[']).unwrap_or(body.len());
                let name = &body[..end];
                if !name.is_empty() {
                    steps.push(Step::Field(name.to_string()));
                }
                rest = &body[end..];
            }
            '[' => {
                let end = bracket_end(rest).ok_or_else(|| {
                    if rest.starts_with("[?(") {
                        "unterminated filter".to_string()
                    } else {
                        "unterminated array".to_string()
                    }
                })?;
                steps.push(bracket(&rest[1..end])?);
                rest = &rest[end + 1..];
            }
            c if c.is_whitespace() => rest = rest.trim_start(),
            _ => {
                // A bare word is a field (`{kind}`, `{range items[*]}`).
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let word = &rest[..end];
                if word.chars().any(|c| !is_field_char(c)) {
                    let bad = word.chars().find(|c| !is_field_char(*c)).unwrap_or(c);
                    return Err(format!(
                        "unrecognized character in action: U+{:04X} {bad:?}",
                        bad as u32
                    ));
                }
                steps.push(Step::Field(word.to_string()));
                rest = &rest[end..];
            }
        }
    }
    Ok(steps)
}

fn is_field_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | '*')
}

/// The `]` closing the bracket that starts `text`, skipping quotes and nested brackets.
fn bracket_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (index, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

fn bracket(body: &str) -> Result<Step, String> {
    let body = body.trim();
    if body == "*" {
        return Ok(Step::Wildcard);
    }
    if let Some(filter) = body.strip_prefix("?(") {
        let filter = filter.strip_suffix(')').ok_or("unterminated filter")?;
        return Ok(Step::Filter(Box::new(parse_filter(filter)?)));
    }
    let parts = split_outside_quotes(body, ',');
    if parts.len() > 1 {
        return parts
            .iter()
            .map(|part| bracket(part))
            .collect::<Result<Vec<_>, _>>()
            .map(Step::Union);
    }
    if let Some(key) = quoted(body) {
        return Ok(Step::Field(key?));
    }
    let bounds: Vec<&str> = body.split(':').collect();
    if bounds.len() > 3 {
        return Err(format!("invalid array index {body}"));
    }
    let mut numbers = Vec::new();
    for bound in &bounds {
        let bound = bound.trim();
        if bound.is_empty() {
            numbers.push(None);
        } else {
            let n = bound
                .parse::<i64>()
                .map_err(|_| format!("invalid array index {body}"))?;
            numbers.push(Some(n));
        }
    }
    Ok(match numbers.as_slice() {
        [Some(n)] => Step::Slice(Some(*n), Some(n.saturating_add(1)), None),
        [start, end] => Step::Slice(*start, *end, None),
        [start, end, step] => Step::Slice(*start, *end, *step),
        _ => return Err(format!("invalid array index {body}")),
    })
}

fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c == separator => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

const OPERATORS: &[&str] = &["==", "!=", "<=", ">=", "<", ">"];

fn parse_filter(text: &str) -> Result<Filter, String> {
    let mut quote = None;
    for (index, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, _) => {
                if let Some(operator) = OPERATORS.iter().find(|op| text[index..].starts_with(**op))
                {
                    return Ok(Filter {
                        left: operand(text[..index].trim())?,
                        operator: Some((*operator).to_string()),
                        right: operand(text[index + operator.len()..].trim())?,
                    });
                }
            }
        }
    }
    Ok(Filter {
        left: operand(text.trim())?,
        operator: None,
        right: Operand::Literal(serde_json::Value::Null),
    })
}

fn operand(text: &str) -> Result<Operand, String> {
    if text.starts_with('@') || text.starts_with('$') || text.starts_with('.') {
        return Ok(Operand::Path(steps(text)?));
    }
    if let Some(literal) = quoted(text) {
        return Ok(Operand::Literal(serde_json::Value::String(literal?)));
    }
    match text {
        "true" => return Ok(Operand::Literal(true.into())),
        "false" => return Ok(Operand::Literal(false.into())),
        _ => {}
    }
    if let Ok(n) = text.parse::<i64>() {
        return Ok(Operand::Literal(n.into()));
    }
    if let Ok(f) = text.parse::<f64>() {
        return Ok(Operand::Literal(serde_json::json!(f)));
    }
    Err(format!("unrecognized character in action: {text}"))
}
