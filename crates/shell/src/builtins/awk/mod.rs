//! `awk [-F SEP] [-v NAME=VALUE] 'PROGRAM' [FILE…]` for the subset workshops use (see
//! [`parse`]); anything outside it is a clear error rather than a wrong answer.

mod parse;

use super::printf::render;
use super::{Io, UtilError, lines, read_inputs};
use parse::{Expr, Pattern, Rule, Stmt};
use regex_lite::Regex;
use std::collections::HashMap;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum AwkError {
    #[error("cmd. line:1: syntax error: {0}")]
    Syntax(String),
    #[error("cmd. line:1: {0} are not supported in the kubeplay shell's awk")]
    Unsupported(&'static str),
    #[error("cmd. line:1: program too long (limit {0} tokens)")]
    TooLong(usize),
    #[error("cmd. line:1: expression nested too deeply (limit {0})")]
    TooDeep(usize),
    #[error("{0}")]
    Regex(String),
    #[error("division by zero")]
    DivisionByZero,
    #[error("usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]")]
    Usage,
}

/// An awk value: numbers, strings, and input fields that compare as numbers when they look
/// like numbers ("strnum").
#[derive(Clone, Debug)]
enum Value {
    Num(f64),
    Str(String),
    StrNum(String),
}

impl Value {
    fn num(&self) -> f64 {
        match self {
            Value::Num(n) => *n,
            Value::Str(s) | Value::StrNum(s) => leading_number(s),
        }
    }

    fn text(&self) -> String {
        match self {
            Value::Num(n) => format_number(*n),
            Value::Str(s) | Value::StrNum(s) => s.clone(),
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Value::Num(n) => *n != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::StrNum(s) => looks_numeric(s).map_or(!s.is_empty(), |n| n != 0.0),
        }
    }

    /// Numeric if both sides are numbers (or numeric-looking input), else string.
    fn compare(&self, other: &Value) -> std::cmp::Ordering {
        let as_number = |v: &Value| match v {
            Value::Num(n) => Some(*n),
            Value::StrNum(s) => looks_numeric(s),
            Value::Str(_) => None,
        };
        match (as_number(self), as_number(other)) {
            (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal),
            _ => self.text().cmp(&other.text()),
        }
    }
}

/// The value of a whole numeric-looking string, as awk decides for input fields.
fn looks_numeric(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.contains(|c: char| c.is_alphabetic() && c != 'e' && c != 'E') {
        return None;
    }
    t.parse().ok()
}

/// The leading number of a string (`"3abc"` is 3, `"abc"` is 0), like `strtod`.
fn leading_number(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    let mut seen_digit = false;
    let mut seen_dot = false;
    for (i, c) in t.char_indices() {
        match c {
            '+' | '-' if i == 0 => {}
            '.' if !seen_dot => seen_dot = true,
            d if d.is_ascii_digit() => seen_digit = true,
            _ => break,
        }
        end = i + c.len_utf8();
    }
    if !seen_digit {
        return 0.0;
    }
    t.get(..end).and_then(|n| n.parse().ok()).unwrap_or(0.0)
}

/// Numbers print as integers when integral, else like `%.6g`.
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e16 {
        return format!("{}", n as i64);
    }
    if !n.is_finite() {
        return if n.is_nan() {
            "nan".into()
        } else if n > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let exponent = n.abs().log10().floor() as i32;
    if !(-4..6).contains(&exponent) {
        let text = format!("{n:.5e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        let exp: i32 = exp.parse().unwrap_or(0);
        return format!(
            "{mantissa}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        );
    }
    let decimals = (5 - exponent).max(0) as usize;
    let text = format!("{n:.decimals$}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// How a rule's action ended.
enum Flow {
    Normal,
    Next,
    Exit,
}

struct Runtime {
    vars: HashMap<String, Value>,
    fields: Vec<String>,
    nr: usize,
    output: String,
    regex_cache: HashMap<String, Regex>,
    exit_code: i32,
}

impl Runtime {
    fn var(&self, name: &str) -> Value {
        match name {
            "NR" | "FNR" => Value::Num(self.nr as f64),
            "NF" => Value::Num(self.fields.len().saturating_sub(1) as f64),
            _ => self
                .vars
                .get(name)
                .cloned()
                .unwrap_or(Value::StrNum(String::new())),
        }
    }

    fn special(&self, name: &str, default: &str) -> String {
        self.vars
            .get(name)
            .map_or_else(|| default.to_string(), Value::text)
    }

    fn set_record(&mut self, line: &str) {
        let fs = self.special("FS", " ");
        let mut fields = vec![line.to_string()];
        if fs == " " {
            fields.extend(line.split_whitespace().map(str::to_string));
        } else if !line.is_empty() {
            let single = if fs == "\\t" {
                Some('\t')
            } else if fs.chars().count() == 1 {
                fs.chars().next()
            } else {
                None
            };
            match single {
                Some(c) => fields.extend(line.split(c).map(str::to_string)),
                None => match self.regex(&fs) {
                    Ok(re) => fields.extend(re.split(line).map(str::to_string)),
                    Err(_) => fields.extend(line.split(fs.as_str()).map(str::to_string)),
                },
            }
        }
        self.fields = fields;
    }

    fn field(&self, index: f64) -> Value {
        let i = index.max(0.0) as usize;
        Value::StrNum(self.fields.get(i).cloned().unwrap_or_default())
    }

    fn set_field(&mut self, index: f64, value: String) {
        let i = (index.max(0.0) as usize).min(10_000);
        if i == 0 {
            self.set_record(&value);
            return;
        }
        while self.fields.len() <= i {
            self.fields.push(String::new());
        }
        if let Some(slot) = self.fields.get_mut(i) {
            *slot = value;
        }
        let ofs = self.special("OFS", " ");
        let record = self.fields.get(1..).unwrap_or_default().join(&ofs);
        if let Some(slot) = self.fields.first_mut() {
            *slot = record;
        }
    }

    fn regex(&mut self, pattern: &str) -> Result<Regex, AwkError> {
        if let Some(re) = self.regex_cache.get(pattern) {
            return Ok(re.clone());
        }
        let re = parse::compile(pattern)?;
        self.regex_cache.insert(pattern.to_string(), re.clone());
        Ok(re)
    }

    fn assign(&mut self, target: &Expr, value: Value) -> Result<(), AwkError> {
        match target {
            Expr::Var(name) => {
                self.vars.insert(name.clone(), value);
            }
            Expr::Field(index) => {
                let index = self.eval(index)?.num();
                self.set_field(index, value.text());
            }
            _ => return Err(AwkError::Syntax("assignment to a non-variable".into())),
        }
        Ok(())
    }

    fn eval(&mut self, expr: &Expr) -> Result<Value, AwkError> {
        Ok(match expr {
            Expr::Num(n) => Value::Num(*n),
            Expr::Str(s) => Value::Str(s.clone()),
            Expr::Regex(re) => Value::Num(f64::from(u8::from(
                re.is_match(self.fields.first().map_or("", |s| s)),
            ))),
            Expr::Field(index) => {
                let index = self.eval(index)?.num();
                self.field(index)
            }
            Expr::Var(name) => self.var(name),
            Expr::Assign { target, op, value } => {
                let value = self.eval(value)?;
                let value = match op {
                    None => value,
                    Some(op) => Value::Num(arith(*op, self.eval(target)?.num(), value.num())?),
                };
                self.assign(target, value.clone())?;
                value
            }
            Expr::IncDec {
                target,
                delta,
                prefix,
            } => {
                let old = self.eval(target)?.num();
                self.assign(target, Value::Num(old + delta))?;
                Value::Num(if *prefix { old + delta } else { old })
            }
            Expr::Neg(e) => Value::Num(-self.eval(e)?.num()),
            Expr::Plus(e) => Value::Num(self.eval(e)?.num()),
            Expr::Not(e) => bool_value(!self.eval(e)?.truthy()),
            Expr::Arith(op, a, b) => {
                let a = self.eval(a)?.num();
                let b = self.eval(b)?.num();
                Value::Num(arith(*op, a, b)?)
            }
            Expr::Compare(op, a, b) => {
                let ordering = self.eval(a)?.compare(&self.eval(b)?);
                bool_value(match *op {
                    "<" => ordering.is_lt(),
                    "<=" => ordering.is_le(),
                    ">" => ordering.is_gt(),
                    ">=" => ordering.is_ge(),
                    "==" => ordering.is_eq(),
                    _ => ordering.is_ne(),
                })
            }
            Expr::Match {
                negate,
                subject,
                pattern,
            } => {
                let subject = self.eval(subject)?.text();
                let re = self.pattern_regex(pattern)?;
                bool_value(re.is_match(&subject) != *negate)
            }
            Expr::And(a, b) => bool_value(self.eval(a)?.truthy() && self.eval(b)?.truthy()),
            Expr::Or(a, b) => bool_value(self.eval(a)?.truthy() || self.eval(b)?.truthy()),
            Expr::Concat(a, b) => {
                let mut text = self.eval(a)?.text();
                text.push_str(&self.eval(b)?.text());
                Value::Str(text)
            }
            Expr::Cond(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::Call(name, args) => self.call(name, args)?,
        })
    }

    /// The regex on the right of `~`: a literal `/re/` or a dynamic string.
    fn pattern_regex(&mut self, pattern: &Expr) -> Result<Regex, AwkError> {
        match pattern {
            Expr::Regex(re) => Ok(re.clone()),
            other => {
                let text = self.eval(other)?.text();
                self.regex(&text)
            }
        }
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> Result<Value, AwkError> {
        let mut values = Vec::with_capacity(args.len());
        // sub/gsub take a regex and an lvalue, so they evaluate their arguments themselves.
        if name != "sub" && name != "gsub" {
            for arg in args {
                values.push(self.eval(arg)?);
            }
        }
        let text = |i: usize| values.get(i).map(Value::text).unwrap_or_default();
        let num = |i: usize| values.get(i).map_or(0.0, Value::num);
        Ok(match name {
            "length" => {
                let s = if values.is_empty() {
                    self.fields.first().cloned().unwrap_or_default()
                } else {
                    text(0)
                };
                Value::Num(s.chars().count() as f64)
            }
            "substr" => {
                let s: Vec<char> = text(0).chars().collect();
                // awk positions are 1-based and rounded; out-of-range parts are clipped.
                let start = num(1).round();
                let end = if values.len() > 2 {
                    start + num(2).round()
                } else {
                    f64::INFINITY
                };
                let from = start.max(1.0) as usize - 1;
                let to = (end.min(s.len() as f64 + 1.0).max(1.0) as usize).saturating_sub(1);
                Value::Str(
                    s.get(from..to.max(from))
                        .unwrap_or_default()
                        .iter()
                        .collect(),
                )
            }
            "index" => {
                let (s, t) = (text(0), text(1));
                Value::Num(
                    s.find(&t)
                        .map_or(0, |i| s.get(..i).unwrap_or("").chars().count() + 1)
                        as f64,
                )
            }
            "toupper" => Value::Str(text(0).to_uppercase()),
            "tolower" => Value::Str(text(0).to_lowercase()),
            "int" => Value::Num(num(0).trunc()),
            "sprintf" => {
                let strings: Vec<String> = values.iter().map(Value::text).collect();
                let (format, mut rest) = strings
                    .split_first()
                    .map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
                let mut out = String::new();
                render(format, &mut rest, &mut out, &mut Vec::new());
                Value::Str(out)
            }
            _ => self.substitute(name == "gsub", args)?,
        })
    }

    /// `sub(re, repl[, target])` / `gsub(…)`: replaces in `target` (default `$0`), returns the count.
    fn substitute(&mut self, global: bool, args: &[Expr]) -> Result<Value, AwkError> {
        let (Some(pattern), Some(replacement)) = (args.first(), args.get(1)) else {
            return Err(AwkError::Syntax(
                "sub/gsub need a regex and a replacement".into(),
            ));
        };
        let default_target = Expr::Field(Box::new(Expr::Num(0.0)));
        let target = args.get(2).unwrap_or(&default_target);
        let re = self.pattern_regex(pattern)?;
        let replacement = self.eval(replacement)?.text();
        let subject = self.eval(target)?.text();
        let mut result = String::new();
        let mut last = 0;
        let mut count = 0;
        for m in re.find_iter(&subject) {
            result.push_str(subject.get(last..m.start()).unwrap_or(""));
            let mut chars = replacement.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some('&') => result.push('&'),
                        Some(other) => {
                            result.push('\\');
                            result.push(other);
                        }
                        None => result.push('\\'),
                    },
                    '&' => result.push_str(m.as_str()),
                    c => result.push(c),
                }
            }
            last = m.end();
            count += 1;
            if !global {
                break;
            }
        }
        if count > 0 {
            result.push_str(subject.get(last..).unwrap_or(""));
            self.assign(target, Value::Str(result))?;
        }
        Ok(Value::Num(f64::from(count)))
    }

    fn run(&mut self, stmts: &[Stmt]) -> Result<Flow, AwkError> {
        for stmt in stmts {
            match stmt {
                Stmt::Print(args) => {
                    let text = if args.is_empty() {
                        self.fields.first().cloned().unwrap_or_default()
                    } else {
                        let mut parts = Vec::with_capacity(args.len());
                        for arg in args {
                            parts.push(self.eval(arg)?.text());
                        }
                        parts.join(&self.special("OFS", " "))
                    };
                    self.output.push_str(&text);
                    self.output.push_str(&self.special("ORS", "\n"));
                }
                Stmt::Printf(args) => {
                    let mut strings = Vec::with_capacity(args.len());
                    for arg in args {
                        strings.push(self.eval(arg)?.text());
                    }
                    let (format, mut rest) = strings
                        .split_first()
                        .map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
                    let mut out = String::new();
                    render(format, &mut rest, &mut out, &mut Vec::new());
                    self.output.push_str(&out);
                }
                Stmt::Expr(expr) => {
                    self.eval(expr)?;
                }
                Stmt::If(cond, then, otherwise) => {
                    let branch = if self.eval(cond)?.truthy() {
                        then
                    } else {
                        otherwise
                    };
                    match self.run(branch)? {
                        Flow::Normal => {}
                        flow => return Ok(flow),
                    }
                }
                Stmt::Next => return Ok(Flow::Next),
                Stmt::Exit(code) => {
                    if let Some(code) = code {
                        self.exit_code = self.eval(code)?.num() as i32;
                    }
                    return Ok(Flow::Exit);
                }
            }
            if self.output.len() > crate::limits::MAX_OUTPUT_BYTES {
                return Ok(Flow::Exit);
            }
        }
        Ok(Flow::Normal)
    }
}

fn bool_value(b: bool) -> Value {
    Value::Num(if b { 1.0 } else { 0.0 })
}

fn arith(op: char, a: f64, b: f64) -> Result<f64, AwkError> {
    Ok(match op {
        '+' => a + b,
        '-' => a - b,
        '*' => a * b,
        '/' if b == 0.0 => return Err(AwkError::DivisionByZero),
        '/' => a / b,
        '%' if b == 0.0 => return Err(AwkError::DivisionByZero),
        '%' => a % b,
        _ => a.powf(b),
    })
}

/// What the command line asks for.
struct Invocation {
    /// `-F` (as `FS`) and `-v` assignments, in order.
    assignments: Vec<(String, String)>,
    program: String,
    files: Vec<String>,
}

/// Splits `-F`/`-v` options from the program and its files (options come first, as in awk).
fn parse_args(args: &[String]) -> Result<Invocation, AwkError> {
    let mut assignments = Vec::new();
    let mut rest = args;
    while let Some((arg, tail)) = rest.split_first() {
        let (flag, inline) = if let Some(v) = arg.strip_prefix("-F") {
            ('F', v)
        } else if let Some(v) = arg.strip_prefix("-v") {
            ('v', v)
        } else if arg == "--" {
            rest = tail;
            break;
        } else if arg.starts_with('-') && arg.len() > 1 {
            return Err(AwkError::Usage);
        } else {
            break;
        };
        let (value, tail) = if inline.is_empty() {
            let (value, tail) = tail.split_first().ok_or(AwkError::Usage)?;
            (value.as_str(), tail)
        } else {
            (inline, tail)
        };
        match flag {
            'F' => assignments.push((
                "FS".to_string(),
                if value == "t" {
                    "\t".to_string()
                } else {
                    value.to_string()
                },
            )),
            _ => {
                let (name, value) = value.split_once('=').ok_or(AwkError::Usage)?;
                assignments.push((name.to_string(), super::echo::unescape(value).0));
            }
        }
        rest = tail;
    }
    let (program, files) = rest.split_first().ok_or(AwkError::Usage)?;
    Ok(Invocation {
        assignments,
        program: program.clone(),
        files: files.to_vec(),
    })
}

pub(crate) fn awk(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let Invocation {
        assignments,
        program,
        files,
    } = parse_args(args)?;
    let rules = parse::parse(&program)?;
    let mut rt = Runtime {
        vars: HashMap::new(),
        fields: vec![String::new()],
        nr: 0,
        output: String::new(),
        regex_cache: HashMap::new(),
        exit_code: 0,
    };
    for (name, value) in assignments {
        rt.vars.insert(name, Value::StrNum(value));
    }
    let result = execute(&mut rt, &rules, &files, io);
    io.out.out(&rt.output);
    let failed = result?;
    Ok(if failed { 2 } else { rt.exit_code })
}

/// Runs BEGIN rules, the main rules over every input line, then END rules.
fn execute(
    rt: &mut Runtime,
    rules: &[Rule],
    files: &[String],
    io: &mut Io,
) -> Result<bool, AwkError> {
    let mut exiting = false;
    for rule in rules.iter().filter(|r| matches!(r.pattern, Pattern::Begin)) {
        if let Some(action) = &rule.action
            && matches!(rt.run(action)?, Flow::Exit)
        {
            exiting = true;
            break;
        }
    }
    let main: Vec<&Rule> = rules
        .iter()
        .filter(|r| matches!(r.pattern, Pattern::All | Pattern::Expr(_)))
        .collect();
    let has_end = rules.iter().any(|r| matches!(r.pattern, Pattern::End));
    let mut failed = false;
    if !exiting && (!main.is_empty() || has_end) {
        let (texts, read_failed) = read_inputs("awk", files, io);
        failed = read_failed;
        'input: for (_, text) in &texts {
            for line in lines(text) {
                rt.nr += 1;
                rt.set_record(line);
                for rule in &main {
                    let selected = match &rule.pattern {
                        Pattern::Expr(expr) => rt.eval(expr)?.truthy(),
                        _ => true,
                    };
                    if !selected {
                        continue;
                    }
                    let flow = match &rule.action {
                        Some(action) => rt.run(action)?,
                        None => rt.run(&[Stmt::Print(Vec::new())])?,
                    };
                    match flow {
                        Flow::Normal => {}
                        Flow::Next => break,
                        Flow::Exit => break 'input,
                    }
                }
            }
        }
    }
    for rule in rules.iter().filter(|r| matches!(r.pattern, Pattern::End)) {
        if let Some(action) = &rule.action
            && matches!(rt.run(action)?, Flow::Exit)
        {
            break;
        }
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run};

    const PODS: &str = "NAME READY STATUS RESTARTS\nweb-1 1/1 Running 0\nweb-2 0/1 Pending 3\ndb-0 1/1 Running 12\n";

    #[test]
    fn prints_fields() {
        assert_eq!(
            ok("awk", &["{print $1}"], PODS),
            "NAME\nweb-1\nweb-2\ndb-0\n"
        );
        assert_eq!(ok("awk", &["{print $1, $3}"], "a b c\n"), "a c\n");
        assert_eq!(ok("awk", &["{print $1 $3}"], "a b c\n"), "ac\n");
        assert_eq!(ok("awk", &["{print $NF}"], "a b c\n"), "c\n");
        assert_eq!(ok("awk", &["{print $(NF-1)}"], "a b c\n"), "b\n");
        assert_eq!(ok("awk", &["{print}"], "  x  y\n"), "  x  y\n");
        assert_eq!(ok("awk", &["-F", ":", "{print $2}"], "a:b:c\n"), "b\n");
        assert_eq!(ok("awk", &["-F,", "{print $2}"], "a,b\n"), "b\n");
        assert_eq!(ok("awk", &["-F", "\t", "{print $2}"], "a b\tc\n"), "c\n");
        assert_eq!(ok("awk", &["{ print \"name: \" $1 }"], "x\n"), "name: x\n");
    }

    #[test]
    fn patterns() {
        assert_eq!(
            ok("awk", &["NR>1 {print $1}"], PODS),
            "web-1\nweb-2\ndb-0\n"
        );
        assert_eq!(
            ok("awk", &["/web/ {print}"], PODS),
            "web-1 1/1 Running 0\nweb-2 0/1 Pending 3\n"
        );
        assert_eq!(ok("awk", &["/Pending/"], PODS), "web-2 0/1 Pending 3\n");
        assert_eq!(
            ok("awk", &["$3 == \"Running\" {print $1}"], PODS),
            "web-1\ndb-0\n"
        );
        assert_eq!(
            ok("awk", &["$4 > 2 {print $1}"], PODS),
            "NAME\nweb-2\ndb-0\n"
        );
        assert_eq!(
            ok("awk", &["NR>1 && $4 > 2 {print $1}"], PODS),
            "web-2\ndb-0\n"
        );
        assert_eq!(ok("awk", &["$1 ~ /^db/ {print $2}"], PODS), "1/1\n");
        assert_eq!(
            ok("awk", &["$1 !~ \"web\""], PODS),
            "NAME READY STATUS RESTARTS\ndb-0 1/1 Running 12\n"
        );
        assert_eq!(ok("awk", &["END {print NR}"], PODS), "4\n");
    }

    #[test]
    fn actions() {
        assert_eq!(
            ok("awk", &["NR>1 {sum += $4} END {print sum}"], PODS),
            "15\n"
        );
        assert_eq!(
            ok(
                "awk",
                &["BEGIN {print \"start\"} END {print \"n=\" NR}"],
                "a\n"
            ),
            "start\nn=1\n"
        );
        assert_eq!(
            ok("awk", &["{printf \"%-6s|%d\\n\", $1, $2}"], "ab 7\n"),
            "ab    |7\n"
        );
        assert_eq!(
            ok(
                "awk",
                &["{ if ($2 > 5) print $1; else print \"small\" }"],
                "a 9\nb 1\n"
            ),
            "a\nsmall\n"
        );
        assert_eq!(ok("awk", &["{ $2 = \"X\"; print }"], "a b c\n"), "a X c\n");
        assert_eq!(ok("awk", &["{ n++ } END { print n+0 }"], ""), "0\n");
        assert_eq!(
            ok("awk", &["{ gsub(/o/, \"0\"); print }"], "foo\n"),
            "f00\n"
        );
        assert_eq!(
            ok(
                "awk",
                &["{ print length($1), toupper($1), substr($1, 2, 2) }"],
                "hello\n"
            ),
            "5 HELLO el\n"
        );
        assert_eq!(
            ok("awk", &["BEGIN { print 1/3, 10/2, 2^10 }"], ""),
            "0.333333 5 1024\n"
        );
        assert_eq!(
            ok("awk", &["-v", "x=5", "BEGIN { print x * 2 }"], ""),
            "10\n"
        );
        assert_eq!(
            ok(
                "awk",
                &["NR==2 { print; exit } END { print \"end\" }"],
                PODS
            ),
            "web-1 1/1 Running 0\nend\n"
        );
        assert_eq!(
            ok(
                "awk",
                &["{ print ($1 == \"a\") ? \"yes\" : \"no\" }"],
                "a\nb\n"
            ),
            "yes\nno\n"
        );
    }

    #[test]
    fn errors() {
        let r = run("awk", &["{ for (i=1;i<3;i++) print i }"], "x\n");
        assert_eq!(r.status, 2);
        assert_eq!(
            r.stderr,
            "awk: cmd. line:1: loops are not supported in the kubeplay shell's awk\n"
        );
        assert!(
            run("awk", &["{print $1"], "")
                .stderr
                .contains("syntax error")
        );
        assert!(run("awk", &["{ a[1] = 2 }"], "").stderr.contains("arrays"));
        assert!(
            run("awk", &["{ print > \"f\" }"], "")
                .stderr
                .contains("redirections")
        );
        assert_eq!(
            run("awk", &["BEGIN { print 1/0 }"], "").stderr,
            "awk: division by zero\n"
        );
        assert_eq!(run("awk", &[], "").status, 2);
        assert!(
            run("awk", &[&"!".repeat(5000)], "")
                .stderr
                .contains("limit")
        );
        assert!(
            run("awk", &[&"(".repeat(500)], "")
                .stderr
                .contains("nested too deeply")
        );
    }
}
