//! Executing a parsed template (`exec.go`) with kubectl's options: missing keys print
//! `<no value>` (`missingkey=default`), and kubectl's extra functions `exists` and
//! `base64decode` next to Go's builtins.

use super::funcs::{CallError, call};
use super::parse::{Arg, Branch, Command, Node, Pipe};
use super::value::Value;

/// An execution error at a node of the template.
pub(super) struct ExecError {
    pub pos: usize,
    pub node: String,
    pub message: String,
}

const MAX_RANGE_COUNT: i64 = 100_000;

/// A failed execution: what was written before the error, and the error.
pub(super) struct Failed {
    pub partial: String,
    pub error: ExecError,
}

pub(super) fn execute(nodes: &[Node], data: &Value) -> Result<String, Failed> {
    let mut state = State {
        out: String::new(),
        vars: vec![("$".to_string(), data.clone())],
    };
    match state.walk(data, nodes) {
        Ok(()) => Ok(state.out),
        Err(error) => Err(Failed {
            partial: state.out,
            error,
        }),
    }
}

struct State {
    out: String,
    vars: Vec<(String, Value)>,
}

/// A Go number literal: integers (decimal, hex, octal, binary, with `_`), floats, and
/// character-free forms; `None` when Go would reject it.
pub(super) fn parse_number(text: &str) -> Option<Value> {
    let cleaned = text.replace('_', "");
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, cleaned.trim_start_matches('+').to_string()),
    };
    let lower = digits.to_ascii_lowercase();
    let radix_int = |prefix: &str, radix: u32| {
        lower
            .strip_prefix(prefix)
            .and_then(|d| i64::from_str_radix(d, radix).ok())
    };
    let int = radix_int("0x", 16)
        .or_else(|| radix_int("0o", 8))
        .or_else(|| radix_int("0b", 2))
        .or_else(|| {
            (lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit()))
                .then(|| i64::from_str_radix(&lower[1..], 8).ok())
                .flatten()
        })
        .or_else(|| lower.parse::<i64>().ok());
    if let Some(int) = int {
        return Some(Value::Int(if negative { -int } else { int }));
    }
    if lower.starts_with("0x") || !lower.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let float: f64 = lower.parse().ok()?;
    Some(Value::Float(if negative { -float } else { float }))
}

impl State {
    fn walk(&mut self, dot: &Value, nodes: &[Node]) -> Result<(), ExecError> {
        for node in nodes {
            match node {
                Node::Text(text) => self.out.push_str(text),
                Node::Action(pipe) => {
                    let value = self.pipe(dot, pipe)?;
                    if pipe.decl.is_empty() {
                        self.out.push_str(&value.printed());
                    }
                }
                Node::If(branch) | Node::With(branch) => {
                    let depth = self.vars.len();
                    let value = self.pipe(dot, &branch.pipe)?;
                    let with = matches!(node, Node::With(_));
                    if value.truth() {
                        let inner = if with { &value } else { dot };
                        self.walk(inner, &branch.list)?;
                    } else {
                        self.walk(dot, &branch.else_list)?;
                    }
                    self.vars.truncate(depth);
                }
                Node::Range(branch) => self.range(dot, branch)?,
            }
        }
        Ok(())
    }

    fn range(&mut self, dot: &Value, branch: &Branch) -> Result<(), ExecError> {
        let depth = self.vars.len();
        let mut pipe = branch.pipe.clone();
        let decl = std::mem::take(&mut pipe.decl);
        let value = self.pipe(dot, &pipe)?;
        let items: Vec<(Value, Value)> = match &value {
            Value::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Int(i64::try_from(i).unwrap_or(i64::MAX)), v.clone()))
                .collect(),
            Value::Map(map) => map
                .iter()
                .map(|(k, v)| (Value::Str(k.clone()), v.clone()))
                .collect(),
            // Go counts to any bound; a page must not, so very long counts stop here.
            Value::Int(n) if *n > MAX_RANGE_COUNT => {
                return Err(ExecError {
                    pos: pipe.pos,
                    node: pipe.to_string(),
                    message: format!(
                        "kubeplay does not range over more than {MAX_RANGE_COUNT} integers"
                    ),
                });
            }
            Value::Int(n) => (0..*n).map(|i| (Value::Int(i), Value::Int(i))).collect(),
            Value::Missing | Value::Nil => Vec::new(),
            other => {
                return Err(ExecError {
                    pos: pipe.pos,
                    node: pipe.to_string(),
                    message: format!("range can't iterate over {}", other.go_format()),
                });
            }
        };
        if items.is_empty() {
            self.walk(dot, &branch.else_list)?;
        }
        for (key, element) in items {
            match decl.as_slice() {
                [one] => self.set_var(one, element.clone(), pipe.is_assign),
                [index, elem] => {
                    self.set_var(index, key, pipe.is_assign);
                    self.set_var(elem, element.clone(), pipe.is_assign);
                }
                _ => {}
            }
            self.walk(&element, &branch.list)?;
        }
        self.vars.truncate(depth);
        Ok(())
    }

    fn set_var(&mut self, name: &str, value: Value, assign: bool) {
        if assign && let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            slot.1 = value;
            return;
        }
        self.vars.push((name.to_string(), value));
    }

    fn var(&self, name: &str) -> Value {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map_or(Value::Missing, |(_, v)| v.clone())
    }

    fn pipe(&mut self, dot: &Value, pipe: &Pipe) -> Result<Value, ExecError> {
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            value = Some(self.command(dot, cmd, value)?);
        }
        let value = value.unwrap_or(Value::Missing);
        for name in &pipe.decl {
            self.set_var(name, value.clone(), pipe.is_assign);
        }
        Ok(value)
    }

    fn command(
        &mut self,
        dot: &Value,
        cmd: &Command,
        piped: Option<Value>,
    ) -> Result<Value, ExecError> {
        let Some(first) = cmd.args.first() else {
            return Ok(Value::Missing);
        };
        let err = |message: String| ExecError {
            pos: cmd.pos,
            node: cmd.to_string(),
            message,
        };
        match first {
            Arg::Function(name) => {
                let mut args = Vec::new();
                for arg in &cmd.args[1..] {
                    args.push(self.arg(dot, arg)?);
                }
                if let Some(piped) = piped {
                    args.push(piped);
                }
                call(name, args).map_err(|failure| match failure {
                    CallError::Arity(message) => ExecError {
                        pos: cmd.pos,
                        node: name.clone(),
                        message,
                    },
                    CallError::Failed(message) => err(format!("error calling {name}: {message}")),
                })
            }
            _ if cmd.args.len() > 1 || piped.is_some() => {
                let what = match first {
                    Arg::Field { idents, .. } => format!(
                        "{} is not a method but has arguments",
                        idents.last().cloned().unwrap_or_default()
                    ),
                    other => format!("can't give argument to non-function {other}"),
                };
                Err(err(what))
            }
            Arg::Nil => Err(err("nil is not a command".into())),
            other => self.arg(dot, other),
        }
    }

    fn arg(&mut self, dot: &Value, arg: &Arg) -> Result<Value, ExecError> {
        match arg {
            Arg::Field { pos, idents } => fields(dot.clone(), idents, *pos, &arg.to_string()),
            Arg::Variable { pos, name, idents } => {
                fields(self.var(name), idents, *pos, &arg.to_string())
            }
            Arg::Chain { pos, pipe, idents } => {
                let base = self.pipe(dot, pipe)?;
                fields(base, idents, *pos, &arg.to_string())
            }
            Arg::Pipe(pipe) => self.pipe(dot, pipe),
            Arg::Dot => Ok(dot.clone()),
            Arg::Nil => Ok(Value::Nil),
            Arg::Bool(b) => Ok(Value::Bool(*b)),
            Arg::Number(text) => Ok(parse_number(text).unwrap_or(Value::Missing)),
            Arg::Str(_, value) => Ok(Value::Str(value.clone())),
            Arg::Char(_, code) => Ok(Value::Int(i64::from(*code))),
            Arg::Function(name) => call(name, Vec::new()).map_err(|failure| ExecError {
                pos: 0,
                node: name.clone(),
                message: match failure {
                    CallError::Arity(m) | CallError::Failed(m) => m,
                },
            }),
        }
    }
}

/// `evalFieldChain` on maps: a missing key gives nothing, a field of a nil or of a scalar
/// is an error.
fn fields(mut value: Value, idents: &[String], pos: usize, node: &str) -> Result<Value, ExecError> {
    for ident in idents {
        value = match value {
            Value::Map(mut map) => map.remove(ident).unwrap_or(Value::Missing),
            Value::Missing => Value::Missing,
            Value::Nil => {
                return Err(ExecError {
                    pos,
                    node: node.into(),
                    message: format!("nil pointer evaluating interface {{}}.{ident}"),
                });
            }
            _ => {
                return Err(ExecError {
                    pos,
                    node: node.into(),
                    message: format!("can't evaluate field {ident} in type interface {{}}"),
                });
            }
        };
    }
    Ok(value)
}
