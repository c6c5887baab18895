//! The functions templates can call: Go's builtins (`and or not len index print printf
//! println eq ne lt le gt ge html js urlquery`) and kubectl's `exists` and `base64decode`.

use super::format::sprintf;
use super::value::Value;

pub(super) enum CallError {
    /// Reported at the function's name.
    Arity(String),
    /// Reported at the whole command, as `error calling NAME: …`.
    Failed(String),
}

fn arity(name: &str, want: usize, got: usize) -> Result<(), CallError> {
    if want == got {
        Ok(())
    } else {
        Err(CallError::Arity(format!(
            "wrong number of args for {name}: want {want} got {got}"
        )))
    }
}

fn at_least(name: &str, want: usize, got: usize) -> Result<(), CallError> {
    if got >= want {
        Ok(())
    } else {
        Err(CallError::Arity(format!(
            "wrong number of args for {name}: want at least {want} got {got}"
        )))
    }
}

pub(super) fn call(name: &str, args: Vec<Value>) -> Result<Value, CallError> {
    let failed = |message: &str| Err(CallError::Failed(message.to_string()));
    match name {
        "and" | "or" => {
            at_least(name, 1, args.len())?;
            let stop = |v: &Value| if name == "and" { !v.truth() } else { v.truth() };
            let last = args.len() - 1;
            Ok(args
                .iter()
                .position(stop)
                .map_or_else(|| args[last].clone(), |i| args[i].clone()))
        }
        "not" => {
            arity(name, 1, args.len())?;
            Ok(Value::Bool(!args[0].truth()))
        }
        "len" => {
            arity(name, 1, args.len())?;
            match &args[0] {
                Value::Str(s) => Ok(Value::Int(s.len() as i64)),
                Value::List(items) => Ok(Value::Int(items.len() as i64)),
                Value::Map(map) => Ok(Value::Int(map.len() as i64)),
                Value::Missing | Value::Nil => failed("len of nil pointer"),
                other => failed(&format!("len of type {}", other.type_name())),
            }
        }
        "index" => {
            at_least(name, 1, args.len())?;
            let mut item = args[0].clone();
            for index in &args[1..] {
                item = match (&item, index) {
                    (Value::Missing | Value::Nil, _) => return failed("index of untyped nil"),
                    (Value::List(items), Value::Int(i)) => {
                        match usize::try_from(*i).ok().and_then(|i| items.get(i)) {
                            Some(v) => v.clone(),
                            None => return failed(&format!("index out of range: {i}")),
                        }
                    }
                    (Value::List(_), other) => {
                        return failed(&format!(
                            "cannot index slice/array with type {}",
                            other.type_name()
                        ));
                    }
                    (Value::Map(map), Value::Str(key)) => {
                        map.get(key).cloned().unwrap_or(Value::Missing)
                    }
                    (Value::Map(_), other) => {
                        return failed(&format!(
                            "value has type {}; should be string",
                            other.type_name()
                        ));
                    }
                    (other, _) => {
                        return failed(&format!("can't index item of type {}", other.type_name()));
                    }
                };
            }
            Ok(item)
        }
        "print" => Ok(Value::Str(sprint(&args))),
        "println" => Ok(Value::Str(
            args.iter()
                .map(Value::go_format)
                .collect::<Vec<_>>()
                .join(" ")
                + "\n",
        )),
        "printf" => {
            at_least(name, 1, args.len())?;
            let format = match &args[0] {
                Value::Str(s) => s.clone(),
                other => {
                    return Err(CallError::Failed(format!(
                        "wrong type for value; expected string; got {}",
                        other.type_name()
                    )));
                }
            };
            Ok(Value::Str(sprintf(&format, &args[1..])))
        }
        "eq" | "ne" => {
            at_least(name, 2, args.len())?;
            let mut equal = false;
            for other in &args[1..] {
                equal |= compare(&args[0], other, true)? == std::cmp::Ordering::Equal;
            }
            if name == "ne" {
                arity(name, 2, args.len())?;
                return Ok(Value::Bool(!equal));
            }
            Ok(Value::Bool(equal))
        }
        "lt" | "le" | "gt" | "ge" => {
            arity(name, 2, args.len())?;
            let order = compare(&args[0], &args[1], false)?;
            use std::cmp::Ordering::*;
            Ok(Value::Bool(match name {
                "lt" => order == Less,
                "le" => order != Greater,
                "gt" => order == Greater,
                _ => order != Less,
            }))
        }
        "html" => Ok(Value::Str(escape_html(&sprint(&args)))),
        "js" => Ok(Value::Str(escape_js(&sprint(&args)))),
        "urlquery" => Ok(Value::Str(query_escape(&sprint(&args)))),
        "exists" => Ok(Value::Bool(exists(&args))),
        "base64decode" => {
            arity(name, 1, args.len())?;
            let Value::Str(encoded) = &args[0] else {
                return failed("invalid value; expected string");
            };
            match base64_decode(encoded) {
                Some(bytes) => Ok(Value::Str(String::from_utf8_lossy(&bytes).into_owned())),
                None => failed("illegal base64 data"),
            }
        }
        other => failed(&format!("function {other:?} not defined")),
    }
}

/// `eq`/`lt`'s comparison of basic kinds: ints with ints, floats with floats, strings with
/// strings (and, for `eq`, bools with bools).
fn compare(a: &Value, b: &Value, equality: bool) -> Result<std::cmp::Ordering, CallError> {
    use std::cmp::Ordering;
    let incompatible = || {
        Err(CallError::Failed(
            "incompatible types for comparison".into(),
        ))
    };
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => Ok(x.partial_cmp(y).unwrap_or(Ordering::Less)),
        (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) if equality => Ok(if x == y {
            Ordering::Equal
        } else {
            Ordering::Less
        }),
        (Value::Bool(_), _) | (_, Value::Bool(_)) if !equality => {
            Err(CallError::Failed("invalid type for comparison".into()))
        }
        (Value::List(_) | Value::Map(_), _) | (_, Value::List(_) | Value::Map(_)) => {
            if equality {
                Err(CallError::Failed("non-comparable type".into()))
            } else {
                Err(CallError::Failed("invalid type for comparison".into()))
            }
        }
        (Value::Missing | Value::Nil, _) | (_, Value::Missing | Value::Nil) => {
            if equality {
                Ok(if a == b {
                    Ordering::Equal
                } else {
                    Ordering::Less
                })
            } else {
                Err(CallError::Failed("invalid type for comparison".into()))
            }
        }
        _ => incompatible(),
    }
}

/// `fmt.Sprint`: spaces between operands when neither is a string.
pub(super) fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 && !matches!(arg, Value::Str(_)) && !matches!(args[i - 1], Value::Str(_)) {
            out.push(' ');
        }
        out.push_str(&arg.go_format());
    }
    out
}

/// kubectl's `exists`: whether the path of keys and indexes leads somewhere.
fn exists(args: &[Value]) -> bool {
    let Some((first, path)) = args.split_first() else {
        return false;
    };
    let mut current = first.clone();
    for step in path {
        current = match (&current, step) {
            (Value::Map(map), Value::Str(key)) => match map.get(key) {
                Some(v) => v.clone(),
                None => return false,
            },
            (Value::List(items), Value::Int(i)) => {
                match usize::try_from(*i).ok().and_then(|i| items.get(i)) {
                    Some(v) => v.clone(),
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    true
}

fn escape_html(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&#34;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn escape_js(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `url.QueryEscape`.
fn query_escape(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Standard base64 with padding, as `base64.StdEncoding.DecodeString`.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let padding = chunk.iter().rev().take_while(|b| **b == b'=').count();
        if padding > 2 {
            return None;
        }
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            let v = if i >= 4 - padding { 0 } else { value(*b)? };
            n = (n << 6) | v;
        }
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    Some(out)
}
