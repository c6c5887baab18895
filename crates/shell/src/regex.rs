//! Translates POSIX basic and extended regular expressions (as grep, sed and awk take them) into
//! the syntax of `regex-lite`, which is small enough for wasm and matches in linear time.

use crate::limits::MAX_REGEX_SIZE;
use regex_lite::{Regex, RegexBuilder};
use thiserror::Error;

/// Basic (grep, sed) or extended (grep -E, sed -E, awk) syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    Basic,
    Extended,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum RegexError {
    #[error("Unmatched [, [^, [:, [., or [=")]
    UnmatchedBracket,
    #[error("Trailing backslash")]
    TrailingBackslash,
    #[error("back-references (\\{0}) are not supported")]
    BackReference(char),
    #[error("Invalid regular expression: {0}")]
    Invalid(String),
}

/// Compiles a POSIX pattern.
pub(crate) fn compile(
    pattern: &str,
    flavor: Flavor,
    ignore_case: bool,
) -> Result<Regex, RegexError> {
    build(&translate(pattern, flavor)?, ignore_case)
}

/// Compiles a pattern already in regex-lite syntax.
pub(crate) fn build(pattern: &str, ignore_case: bool) -> Result<Regex, RegexError> {
    RegexBuilder::new(pattern)
        .case_insensitive(ignore_case)
        .size_limit(MAX_REGEX_SIZE)
        .nest_limit(64)
        .build()
        .map_err(|e| {
            RegexError::Invalid(
                e.to_string()
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
            )
        })
}

/// Escapes text so it matches literally (`grep -F`).
pub(crate) fn literal(text: &str) -> String {
    regex_lite::escape(text)
}

/// Rewrites a POSIX BRE/ERE into regex-lite syntax.
pub(crate) fn translate(pattern: &str, flavor: Flavor) -> Result<String, RegexError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    // True where a `*` is literal and `^` is an anchor in a BRE: at the start, after `\(`, `\|`.
    let mut at_start = true;
    let mut open_interval = false;
    let basic = flavor == Flavor::Basic;
    while let Some(&c) = chars.get(i) {
        i += 1;
        let was_start = at_start;
        at_start = false;
        match c {
            '\\' => {
                let Some(&n) = chars.get(i) else {
                    return Err(RegexError::TrailingBackslash);
                };
                i += 1;
                match n {
                    '(' | '|' if basic => {
                        out.push(n);
                        at_start = true;
                    }
                    ')' | '+' | '?' if basic => out.push(n),
                    '{' if basic => {
                        out.push('{');
                        open_interval = true;
                    }
                    '}' if basic => {
                        out.push('}');
                        open_interval = false;
                    }
                    '1'..='9' => return Err(RegexError::BackReference(n)),
                    'w' | 'W' | 's' | 'S' | 'b' | 'B' => {
                        out.push('\\');
                        out.push(n);
                    }
                    '<' | '>' => out.push_str("\\b"),
                    'n' => out.push_str("\\n"),
                    't' => out.push_str("\\t"),
                    '`' => out.push_str("\\A"),
                    '\'' => out.push_str("\\z"),
                    other => push_literal(&mut out, other),
                }
            }
            '[' => i = bracket(&chars, i, &mut out)?,
            '(' | ')' | '|' | '+' | '?' if basic => push_literal(&mut out, c),
            '{' | '}' if basic => push_literal(&mut out, c),
            '(' | '|' => {
                out.push(c);
                at_start = true;
            }
            '{' => {
                if chars.get(i).is_some_and(char::is_ascii_digit) {
                    out.push('{');
                    open_interval = true;
                } else {
                    out.push_str("\\{");
                }
            }
            '}' if open_interval => {
                out.push('}');
                open_interval = false;
            }
            '}' => out.push_str("\\}"),
            '*' if was_start => out.push_str("\\*"),
            '^' if basic && !was_start => out.push_str("\\^"),
            '^' => {
                out.push('^');
                at_start = true;
            }
            '$' if basic => {
                let at_end = matches!(
                    (chars.get(i), chars.get(i + 1)),
                    (None, _) | (Some('\\'), Some(')' | '|'))
                );
                out.push_str(if at_end { "$" } else { "\\$" });
            }
            _ => push_literal_or_meta(&mut out, c),
        }
    }
    Ok(out)
}

/// Characters that mean the same in POSIX and regex-lite (`.`, `*`, `$`…) pass through.
fn push_literal_or_meta(out: &mut String, c: char) {
    match c {
        '.' | '*' | '$' | ')' | '+' | '?' => out.push(c),
        _ => push_literal(out, c),
    }
}

fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_punctuation() {
        out.push_str(&regex_lite::escape(&c.to_string()));
    } else {
        out.push(c);
    }
}

/// Translates a bracket expression starting after its `[`; returns the index after its `]`.
/// In POSIX a backslash is literal inside brackets, and `]` first is a member.
fn bracket(chars: &[char], mut i: usize, out: &mut String) -> Result<usize, RegexError> {
    out.push('[');
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let first = i;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(RegexError::UnmatchedBracket);
        };
        i += 1;
        match c {
            ']' if i - 1 > first => {
                out.push(']');
                return Ok(i);
            }
            '[' if matches!(chars.get(i), Some(':' | '.' | '=')) => {
                let kind = chars.get(i).copied().unwrap_or(':');
                let rest = chars.get(i + 1..).unwrap_or_default();
                let Some(len) = rest.windows(2).position(|w| w[0] == kind && w[1] == ']') else {
                    return Err(RegexError::UnmatchedBracket);
                };
                let name: String = rest.get(..len).unwrap_or_default().iter().collect();
                if kind == ':' {
                    out.push_str(&format!("[:{name}:]"));
                } else {
                    name.chars().for_each(|c| push_class_char(out, c));
                }
                i += len + 3;
            }
            '-' => out.push('-'),
            other => push_class_char(out, other),
        }
    }
}

fn push_class_char(out: &mut String, c: char) {
    if matches!(c, '\\' | '[' | ']' | '&' | '~' | '^' | '-') {
        out.push('\\');
    }
    out.push(c);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, flavor: Flavor, text: &str) -> bool {
        compile(pattern, flavor, false).is_ok_and(|re| re.is_match(text))
    }

    #[test]
    fn basic_syntax() {
        assert_eq!(
            translate(r"a\(b\)*c", Flavor::Basic),
            Ok("a(b)*c".to_string())
        );
        assert_eq!(
            translate("a+b?(c)|{", Flavor::Basic),
            Ok(r"a\+b\?\(c\)\|\{".to_string())
        );
        assert!(matches(r"x\{2\}", Flavor::Basic, "axxb"));
        assert!(matches("*a", Flavor::Basic, "*a"));
        assert!(matches("a^b$c", Flavor::Basic, "a^b$c"));
        assert!(matches("^kube-proxy", Flavor::Basic, "kube-proxy-abc"));
        assert!(!matches("^proxy", Flavor::Basic, "kube-proxy-abc"));
    }

    #[test]
    fn extended_syntax() {
        assert!(matches(
            "(Running|Pending)$",
            Flavor::Extended,
            "pod Running"
        ));
        assert!(matches("a{2}", Flavor::Extended, "aa"));
        assert!(matches("a{b", Flavor::Extended, "a{b"));
        assert!(matches("[0-9]+", Flavor::Extended, "x12"));
    }

    #[test]
    fn brackets() {
        assert!(matches(r"[\.]", Flavor::Basic, r"a\b"));
        assert!(matches("[]a]", Flavor::Basic, "]"));
        assert!(matches("[[:digit:]]", Flavor::Basic, "5"));
        assert!(matches("[^[:space:]]", Flavor::Basic, " x"));
        assert!(matches("[a&&b]", Flavor::Basic, "&"));
        assert_eq!(
            translate("[abc", Flavor::Basic),
            Err(RegexError::UnmatchedBracket)
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            translate(r"\(a\)\1", Flavor::Basic),
            Err(RegexError::BackReference('1'))
        );
        assert_eq!(
            translate("a\\", Flavor::Basic),
            Err(RegexError::TrailingBackslash)
        );
        assert!(compile("(", Flavor::Extended, false).is_err());
    }
}
