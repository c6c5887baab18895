//! `fmt.Sprintf` for template values: the verbs templates use (`%v %s %d %q %t %f %e %g %x
//! %X %o %b %c %T %%`) with flags, width and precision, and Go's in-band errors
//! (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA …)`).

use super::value::{Value, format_float_g};

#[derive(Default, Clone, Copy)]
struct Spec {
    minus: bool,
    plus: bool,
    zero: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

pub(super) fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut next_arg = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&flag) = chars.peek() {
            match flag {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '0' => spec.zero = true,
                ' ' => spec.space = true,
                '#' => spec.sharp = true,
                _ => break,
            }
            chars.next();
        }
        let number = |chars: &mut std::iter::Peekable<std::str::Chars>| {
            let mut digits = String::new();
            while let Some(&d) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                digits.push(d);
                chars.next();
            }
            digits.parse::<usize>().ok()
        };
        spec.width = number(&mut chars);
        if spec.width.is_some_and(too_large) {
            out.push_str("%!(BADWIDTH)");
            spec.width = None;
        }
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(number(&mut chars).unwrap_or(0));
            if spec.precision.is_some_and(too_large) {
                out.push_str("%!(BADPREC)");
                spec.precision = None;
            }
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next_arg) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next_arg += 1;
        out.push_str(&format_one(verb, spec, arg));
    }
    if next_arg < args.len() {
        let extra: Vec<String> = args[next_arg..]
            .iter()
            .map(|a| format!("{}={}", a.type_name(), a.go_format()))
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

/// fmt's `tooLarge`: widths and precisions beyond a million are refused.
fn too_large(n: usize) -> bool {
    n > 1_000_000
}

fn format_one(verb: char, spec: Spec, arg: &Value) -> String {
    let body = match (verb, arg) {
        ('v', _) => Some(arg.go_format()),
        ('T', _) => Some(arg.type_name().to_string()),
        ('s', Value::Str(s)) => Some(truncate(s, spec.precision)),
        ('s', Value::List(_) | Value::Map(_)) => Some(arg.go_format()),
        ('q', Value::Str(s)) => Some(go_quote(s)),
        ('t', Value::Bool(b)) => Some(b.to_string()),
        ('d', Value::Int(i)) => Some(signed(i.to_string(), *i >= 0, spec)),
        ('x', Value::Int(i)) => Some(radix(*i, 16, false)),
        ('X', Value::Int(i)) => Some(radix(*i, 16, true)),
        ('o', Value::Int(i)) => Some(radix(*i, 8, false)),
        ('b', Value::Int(i)) => Some(radix(*i, 2, false)),
        ('c', Value::Int(i)) => u32::try_from(*i)
            .ok()
            .and_then(char::from_u32)
            .map(String::from),
        ('x', Value::Str(s)) => Some(s.bytes().map(|b| format!("{b:02x}")).collect()),
        ('X', Value::Str(s)) => Some(s.bytes().map(|b| format!("{b:02X}")).collect()),
        ('f' | 'F', Value::Float(f)) => Some(signed(
            format!("{:.*}", spec.precision.unwrap_or(6), f),
            *f >= 0.0,
            spec,
        )),
        ('e', Value::Float(f)) => Some(go_exponent(*f, spec.precision.unwrap_or(6))),
        ('g', Value::Float(f)) => Some(format_float_g(*f)),
        _ => None,
    };
    match body {
        Some(body) => pad(body, spec, matches!(arg, Value::Int(_) | Value::Float(_))),
        None => {
            let shown = pad(
                arg.go_format(),
                Spec {
                    zero: false,
                    ..spec
                },
                false,
            );
            match arg {
                Value::Missing | Value::Nil => format!("%!{verb}(<nil>)"),
                _ => format!("%!{verb}({}={shown})", arg.type_name()),
            }
        }
    }
}

fn signed(digits: String, non_negative: bool, spec: Spec) -> String {
    if non_negative && spec.plus {
        format!("+{digits}")
    } else if non_negative && spec.space {
        format!(" {digits}")
    } else {
        digits
    }
}

fn radix(i: i64, base: u32, upper: bool) -> String {
    let magnitude = i.unsigned_abs();
    let digits = match base {
        16 if upper => format!("{magnitude:X}"),
        16 => format!("{magnitude:x}"),
        8 => format!("{magnitude:o}"),
        _ => format!("{magnitude:b}"),
    };
    if i < 0 { format!("-{digits}") } else { digits }
}

fn truncate(s: &str, precision: Option<usize>) -> String {
    match precision {
        Some(n) => s.chars().take(n).collect(),
        None => s.to_string(),
    }
}

fn pad(body: String, spec: Spec, numeric: bool) -> String {
    let Some(width) = spec.width else { return body };
    let len = body.chars().count();
    if len >= width {
        return body;
    }
    let fill = width - len;
    if spec.minus {
        format!("{body}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        let (sign, digits) = match body.strip_prefix(['-', '+']) {
            Some(rest) => (&body[..1], rest),
            None => ("", body.as_str()),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else if spec.zero {
        format!("{}{body}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn go_exponent(f: f64, precision: usize) -> String {
    let text = format!("{f:.precision$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
}

/// `strconv.Quote`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
