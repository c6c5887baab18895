//! `printf FORMAT [ARG…]`: `%s %d %i %u %x %o %c %f %%` with flags, width and precision; the
//! format is reused while arguments remain, as in bash.

use super::echo::unescape;
use super::{Io, UtilError};

pub(crate) fn printf(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let Some((format, mut rest)) = args.split_first() else {
        return Err(UtilError::Usage("usage: printf format [arguments]"));
    };
    let mut output = String::new();
    let mut invalid = Vec::new();
    loop {
        let consumed = render(format, &mut rest, &mut output, &mut invalid);
        if rest.is_empty() || !consumed {
            break;
        }
    }
    for arg in &invalid {
        io.out.err(&format!("printf: '{arg}': invalid number\n"));
    }
    io.out.out(&output);
    Ok(i32::from(!invalid.is_empty()))
}

/// Renders `format` once into `out`, taking arguments from the front of `args` (missing ones
/// are empty); arguments that are not numbers where one is needed count as 0 and are listed
/// in `invalid`. Returns whether any argument was consumed.
pub(crate) fn render(
    format: &str,
    args: &mut &[String],
    out: &mut String,
    invalid: &mut Vec<String>,
) -> bool {
    let mut consumed = false;
    let mut chars = format.chars().peekable();
    let mut next_arg = |consumed: &mut bool| -> String {
        match args.split_first() {
            Some((first, tail)) => {
                *args = tail;
                *consumed = true;
                first.clone()
            }
            None => String::new(),
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let mut escape = String::from("\\");
                if let Some(n) = chars.next() {
                    escape.push(n);
                }
                out.push_str(&unescape(&escape).0);
            }
            '%' => {
                let mut spec = String::new();
                while let Some(&f) = chars.peek().filter(|f| "-+ #0".contains(**f)) {
                    spec.push(f);
                    chars.next();
                }
                while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit() || **d == '.') {
                    spec.push(d);
                    chars.next();
                }
                let Some(conv) = chars.next() else {
                    out.push('%');
                    break;
                };
                match conv {
                    '%' => out.push('%'),
                    's' | 'b' | 'c' | 'q' => {
                        let mut arg = next_arg(&mut consumed);
                        if conv == 'b' {
                            arg = unescape(&arg).0;
                        } else if conv == 'c' {
                            arg = arg.chars().take(1).collect();
                        }
                        out.push_str(&pad_text(&arg, &spec));
                    }
                    'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'f' | 'e' | 'g' => {
                        let arg = next_arg(&mut consumed);
                        let value = number(&arg).unwrap_or_else(|| {
                            invalid.push(arg.clone());
                            0.0
                        });
                        out.push_str(&format_number(value, conv, &spec));
                    }
                    other => {
                        out.push('%');
                        out.push_str(&spec);
                        out.push(other);
                    }
                }
            }
            c => out.push(c),
        }
    }
    consumed
}

/// Parses a numeric argument; empty is 0, a leading quote gives the character's code.
fn number(arg: &str) -> Option<f64> {
    let arg = arg.trim();
    if arg.is_empty() {
        return Some(0.0);
    }
    if let Some(c) = arg.strip_prefix(['\'', '"']).and_then(|s| s.chars().next()) {
        return Some(f64::from(u32::from(c)));
    }
    if let Some(hex) = arg.strip_prefix("0x").or_else(|| arg.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok().map(|v| v as f64);
    }
    arg.parse::<f64>().ok()
}

fn split_spec(spec: &str) -> (bool, bool, usize, Option<usize>) {
    let left = spec.contains('-');
    let zero = spec
        .trim_start_matches(['-', '+', ' ', '#'])
        .starts_with('0');
    let digits = spec.trim_start_matches(['-', '+', ' ', '#', '0']);
    let (width, precision) = match digits.split_once('.') {
        Some((w, p)) => (w, Some(p.parse().unwrap_or(0))),
        None => (digits, None),
    };
    (
        left,
        zero,
        width.parse().unwrap_or(0).min(1000),
        precision.map(|p: usize| p.min(1000)),
    )
}

fn pad_text(text: &str, spec: &str) -> String {
    let (left, _, width, precision) = split_spec(spec);
    let text: String = match precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_string(),
    };
    pad(&text, width, left, false)
}

fn pad(text: &str, width: usize, left: bool, zero: bool) -> String {
    let len = text.chars().count();
    if len >= width {
        return text.to_string();
    }
    let fill = width - len;
    if left {
        format!("{text}{}", " ".repeat(fill))
    } else if zero {
        match text.strip_prefix('-') {
            Some(digits) => format!("-{}{digits}", "0".repeat(fill)),
            None => format!("{}{text}", "0".repeat(fill)),
        }
    } else {
        format!("{}{text}", " ".repeat(fill))
    }
}

fn format_number(value: f64, conv: char, spec: &str) -> String {
    let (left, zero, width, precision) = split_spec(spec);
    let int = value.trunc() as i64;
    let text = match conv {
        'x' => format!("{int:x}"),
        'X' => format!("{int:X}"),
        'o' => format!("{int:o}"),
        'f' => format!("{value:.*}", precision.unwrap_or(6)),
        'e' => format!("{value:.*e}", precision.unwrap_or(6)),
        'g' => format!("{value}"),
        _ => format!("{int}"),
    };
    let text = if spec.contains('+') && value >= 0.0 {
        format!("+{text}")
    } else {
        text
    };
    pad(&text, width, left, zero && !left)
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run};

    #[test]
    fn formats() {
        assert_eq!(ok("printf", &["%s-%d\\n", "a", "5"], ""), "a-5\n");
        assert_eq!(ok("printf", &["%s\\n", "a", "b"], ""), "a\nb\n");
        assert_eq!(
            ok("printf", &["[%5s|%-3s|%03d]", "ab", "c", "7"], ""),
            "[   ab|c  |007]"
        );
        assert_eq!(
            ok("printf", &["%.2f %x %%", "3.14159", "255"], ""),
            "3.14 ff %"
        );
        assert_eq!(ok("printf", &["no newline"], ""), "no newline");
        assert_eq!(ok("printf", &["%s|"], ""), "|");
    }

    #[test]
    fn invalid_number() {
        let r = run("printf", &["%d\\n", "abc"], "");
        assert_eq!((r.stdout.as_str(), r.status), ("0\n", 1));
        assert!(r.stderr.contains("invalid number"));
        assert_eq!(run("printf", &[], "").status, 1);
    }
}
