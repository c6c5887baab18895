//! `echo` as bash's builtin: `-n`, `-e`, `-E` (combinable); other arguments are printed as-is.

use super::{Io, UtilError};

pub(crate) fn echo(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let mut newline = true;
    let mut escapes = false;
    let mut rest = args;
    // Leading words made only of n/e/E letters are options; anything else starts the text.
    while let Some((first, tail)) = rest.split_first() {
        let Some(letters) = first.strip_prefix('-') else {
            break;
        };
        if letters.is_empty() || !letters.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            break;
        }
        for c in letters.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        rest = tail;
    }
    let mut text = rest.join(" ");
    if escapes {
        let (expanded, stop) = unescape(&text);
        text = expanded;
        if stop {
            newline = false;
        }
    }
    if newline {
        text.push('\n');
    }
    io.out.out(&text);
    Ok(0)
}

/// Interprets backslash escapes (`echo -e`, `printf`); returns the text and whether `\c`
/// asked to stop output there.
pub(crate) fn unescape(text: &str) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            None => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('e' | 'E') => out.push('\u{1b}'),
            Some('\\') => out.push('\\'),
            Some('c') => return (out, true),
            Some('0') => {
                let mut value = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::ok;

    #[test]
    fn prints_arguments() {
        assert_eq!(ok("echo", &["a", "b"], ""), "a b\n");
        assert_eq!(ok("echo", &[], ""), "\n");
        assert_eq!(ok("echo", &["-n", "x"], ""), "x");
        assert_eq!(ok("echo", &["-e", "a\\tb\\n"], ""), "a\tb\n\n");
        assert_eq!(ok("echo", &["a\\tb"], ""), "a\\tb\n");
        assert_eq!(ok("echo", &["-ne", "x\\cy"], ""), "x");
        assert_eq!(ok("echo", &["-x", "-n"], ""), "-x -n\n");
        assert_eq!(ok("echo", &["-e", "\\0101"], ""), "A\n");
    }
}
