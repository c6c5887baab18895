//! `tr SET1 SET2`, `tr -d SET1`, `tr -s SET1 [SET2]` with ranges (`a-z`), classes
//! (`[:upper:]` …) and escapes (`\n`, `\t`, `\\`).

use super::{Io, UtilError, parse_opts};

/// Expands a tr set into its characters, in order.
fn expand_set(set: &str) -> Result<Vec<char>, UtilError> {
    let mut chars: Vec<char> = Vec::new();
    let mut raw: Vec<char> = Vec::new();
    let mut iter = set.chars().peekable();
    // First resolve escapes and classes, then ranges over the resolved characters.
    let mut class_chars: Vec<(usize, Vec<char>)> = Vec::new();
    while let Some(c) = iter.next() {
        match c {
            '\\' => raw.push(match iter.next() {
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some(other) => other,
                None => '\\',
            }),
            '[' if iter.peek() == Some(&':') => {
                let rest: String = iter.clone().collect();
                let Some(end) = rest.find(":]") else {
                    raw.push('[');
                    continue;
                };
                let name = rest.get(1..end).unwrap_or("");
                let members: Vec<char> = match name {
                    "lower" => ('a'..='z').collect(),
                    "upper" => ('A'..='Z').collect(),
                    "digit" => ('0'..='9').collect(),
                    "alpha" => ('A'..='Z').chain('a'..='z').collect(),
                    "alnum" => ('0'..='9').chain('A'..='Z').chain('a'..='z').collect(),
                    "space" => vec![' ', '\t', '\n', '\r', '\u{b}', '\u{c}'],
                    "blank" => vec![' ', '\t'],
                    "punct" => (0u8..128)
                        .map(char::from)
                        .filter(char::is_ascii_punctuation)
                        .collect(),
                    _ => {
                        return Err(UtilError::Message(format!(
                            "invalid character class '{name}'"
                        )));
                    }
                };
                for _ in 0..end + 2 {
                    iter.next();
                }
                class_chars.push((raw.len(), members));
                raw.push('\0');
            }
            other => raw.push(other),
        }
    }
    let mut i = 0;
    while let Some(&c) = raw.get(i) {
        if let Some((_, members)) = class_chars.iter().find(|(at, _)| *at == i) {
            chars.extend(members);
            i += 1;
            continue;
        }
        match (raw.get(i + 1), raw.get(i + 2)) {
            (Some('-'), Some(&end)) => {
                if end < c {
                    return Err(UtilError::Message(format!(
                        "range-endpoints of '{c}-{end}' are in reverse collating sequence order"
                    )));
                }
                chars.extend(c..=end);
                i += 3;
            }
            _ => {
                chars.push(c);
                i += 1;
            }
        }
    }
    Ok(chars)
}

pub(crate) fn tr(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(args, "dsc", &[("delete", 'd'), ("squeeze-repeats", 's')])?;
    let set1 = expand_set(opts.operands.first().ok_or(UtilError::MissingOperand)?)?;
    let set2 = opts.operands.get(1).map(|s| expand_set(s)).transpose()?;
    if opts.operands.len() > 2 {
        return Err(UtilError::ExtraOperand(
            opts.operands.get(2).cloned().unwrap_or_default(),
        ));
    }
    let delete = opts.has('d');
    let squeeze = opts.has('s');
    if !delete && !squeeze && set2.is_none() {
        return Err(UtilError::Message(format!(
            "missing operand after '{}'",
            opts.operands.first().cloned().unwrap_or_default()
        )));
    }
    let translate = |c: char| -> char {
        match (&set2, set1.iter().position(|x| *x == c)) {
            (Some(to), Some(i)) if !delete && !to.is_empty() => {
                *to.get(i).or(to.last()).unwrap_or(&c)
            }
            _ => c,
        }
    };
    // With -d, -s squeezes SET2; otherwise the set the output characters come from.
    let squeeze_set: &[char] = match (&set2, delete) {
        (Some(s2), _) => s2,
        (None, _) => &set1,
    };
    let mut output = String::with_capacity(io.stdin.len());
    let mut previous: Option<char> = None;
    for c in io.stdin.chars() {
        if delete && set1.contains(&c) {
            continue;
        }
        let c = translate(c);
        if squeeze && previous == Some(c) && squeeze_set.contains(&c) {
            continue;
        }
        output.push(c);
        previous = Some(c);
    }
    io.out.out(&output);
    Ok(0)
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run};

    #[test]
    fn translates() {
        assert_eq!(ok("tr", &["a-z", "A-Z"], "hello\n"), "HELLO\n");
        assert_eq!(ok("tr", &["[:lower:]", "[:upper:]"], "abc\n"), "ABC\n");
        assert_eq!(ok("tr", &["-d", "\\n"], "a\nb\n"), "ab");
        assert_eq!(ok("tr", &["-d", "0-9"], "a1b22\n"), "ab\n");
        assert_eq!(ok("tr", &["-s", " "], "a   b  c\n"), "a b c\n");
        assert_eq!(ok("tr", &["\\n", " "], "a\nb\n"), "a b ");
        assert_eq!(ok("tr", &["abc", "x"], "abcd"), "xxxd");
        assert_eq!(ok("tr", &["-s", "a-z", "A-Z"], "aabb"), "AB");
    }

    #[test]
    fn errors() {
        assert_eq!(run("tr", &[], "").stderr, "tr: missing operand\n");
        assert_eq!(
            run("tr", &["a"], "").stderr,
            "tr: missing operand after 'a'\n"
        );
        assert_eq!(run("tr", &["[:nope:]", "x"], "").status, 1);
    }
}
