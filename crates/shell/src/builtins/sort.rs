//! `sort` (`-r -n -u -f -k N[,M] -t SEP`, byte order as in the C locale) and `uniq` (`-c -d -u -i`).

use super::{Io, UtilError, lines, parse_count, parse_opts, read_inputs};
use std::cmp::Ordering;

/// A `-k START[,END]` key: 1-based field numbers.
struct Key {
    start: usize,
    end: Option<usize>,
}

fn parse_key(spec: &str) -> Result<Key, UtilError> {
    let invalid = || {
        UtilError::Message(format!(
            "invalid number at field start: invalid count at start of '{spec}'"
        ))
    };
    let field = |s: &str| -> Result<usize, UtilError> {
        // Character offsets and per-key options (`-k2n`) are accepted and ignored.
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        digits
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(invalid)
    };
    let (start, end) = match spec.split_once(',') {
        Some((s, e)) => (field(s)?, Some(field(e)?)),
        None => (field(spec)?, None),
    };
    Ok(Key { start, end })
}

/// The text of the key in a line: whitespace-separated fields by default (leading blanks
/// belong to the field, as in GNU sort), or fields split on `sep`.
fn key_text<'a>(line: &'a str, key: &Key, sep: Option<char>) -> &'a str {
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    match sep {
        Some(sep) => {
            let mut start = 0;
            for (i, c) in line.char_indices() {
                if c == sep {
                    bounds.push((start, i));
                    start = i + c.len_utf8();
                }
            }
            bounds.push((start, line.len()));
        }
        None => {
            let mut start = 0;
            let mut in_blank = true;
            for (i, c) in line.char_indices() {
                let blank = c == ' ' || c == '\t';
                if blank && !in_blank {
                    bounds.push((start, i));
                    start = i;
                }
                in_blank = blank;
            }
            bounds.push((start, line.len()));
        }
    }
    let Some(&(from, _)) = bounds.get(key.start - 1) else {
        return "";
    };
    let to = match key.end {
        Some(end) => bounds
            .get(end.max(key.start) - 1)
            .map_or(line.len(), |b| b.1),
        None => line.len(),
    };
    line.get(from..to).unwrap_or("")
}

/// The leading number of a key, as `sort -n` reads it (no number sorts as zero).
fn numeric(text: &str) -> f64 {
    let text = text.trim_start();
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if c.is_ascii_digit() || c == '.' || (i == 0 && c == '-') {
            end = i + 1;
        } else {
            break;
        }
    }
    text.get(..end).and_then(|n| n.parse().ok()).unwrap_or(0.0)
}

pub(crate) fn sort(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(
        args,
        "rnufbk:t:sh",
        &[
            ("reverse", 'r'),
            ("numeric-sort", 'n'),
            ("unique", 'u'),
            ("ignore-case", 'f'),
            ("key", 'k'),
        ],
    )?;
    let key = opts.value('k').map(parse_key).transpose()?;
    let sep = match opts.value('t') {
        Some(t) if t.chars().count() == 1 => t.chars().next(),
        Some(_) => return Err(UtilError::Message("multi-character tab".into())),
        None => None,
    };
    let (texts, failed) = read_inputs("sort", &opts.operands, io);
    let all: String = texts.into_iter().map(|(_, t)| t).collect();
    let mut rows: Vec<&str> = lines(&all).collect();
    let (numeric_sort, fold) = (opts.has('n') || opts.has('h'), opts.has('f'));
    let compare_keys = |a: &str, b: &str| -> Ordering {
        let (ka, kb) = match &key {
            Some(k) => (key_text(a, k, sep), key_text(b, k, sep)),
            None => (a, b),
        };
        if numeric_sort {
            numeric(ka)
                .partial_cmp(&numeric(kb))
                .unwrap_or(Ordering::Equal)
        } else if fold {
            ka.to_lowercase().cmp(&kb.to_lowercase())
        } else if opts.has('b') {
            ka.trim_start().cmp(kb.trim_start())
        } else {
            ka.cmp(kb)
        }
    };
    let stable = opts.has('s');
    rows.sort_by(|a, b| {
        let ordering = compare_keys(a, b);
        // Like GNU sort, equal keys fall back to comparing whole lines (unless -s).
        let ordering = if ordering == Ordering::Equal && !stable && !opts.has('u') {
            a.cmp(b)
        } else {
            ordering
        };
        if opts.has('r') {
            ordering.reverse()
        } else {
            ordering
        }
    });
    if opts.has('u') {
        rows.dedup_by(|a, b| compare_keys(a, b) == Ordering::Equal);
    }
    let mut output = String::with_capacity(all.len() + 1);
    for row in rows {
        output.push_str(row);
        output.push('\n');
    }
    io.out.out(&output);
    Ok(if failed { 2 } else { 0 })
}

pub(crate) fn uniq(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(
        args,
        "cduif:",
        &[
            ("count", 'c'),
            ("repeated", 'd'),
            ("unique", 'u'),
            ("ignore-case", 'i'),
        ],
    )?;
    let skip = opts
        .value('f')
        .map(|f| parse_count(f, "number of fields to skip"))
        .transpose()?
        .unwrap_or(0);
    let input = match opts.operands.first() {
        Some(name) => super::read_input(name, io)?,
        None => io.stdin.to_string(),
    };
    let key = |line: &str| -> String {
        let rest = line
            .split_whitespace()
            .skip(skip)
            .collect::<Vec<_>>()
            .join(" ");
        let rest = if skip == 0 { line.to_string() } else { rest };
        if opts.has('i') {
            rest.to_lowercase()
        } else {
            rest
        }
    };
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for line in lines(&input) {
        match groups.last_mut() {
            Some((first, count)) if key(first) == key(line) => *count += 1,
            _ => groups.push((line, 1)),
        }
    }
    let mut output = String::new();
    for (line, count) in groups {
        if (opts.has('d') && count < 2) || (opts.has('u') && count > 1) {
            continue;
        }
        if opts.has('c') {
            output.push_str(&format!("{count:>7} {line}\n"));
        } else {
            output.push_str(line);
            output.push('\n');
        }
    }
    io.out.out(&output);
    Ok(0)
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run};

    #[test]
    fn sorts() {
        assert_eq!(ok("sort", &[], "b\na\nc\n"), "a\nb\nc\n");
        assert_eq!(ok("sort", &["-r"], "b\na\nc\n"), "c\nb\na\n");
        assert_eq!(ok("sort", &["-n"], "10\n9\n-1\nx\n"), "-1\nx\n9\n10\n");
        assert_eq!(ok("sort", &["-u"], "b\na\nb\n"), "a\nb\n");
        assert_eq!(
            ok("sort", &["-k", "2"], "a 3\nb 1\nc 2\n"),
            "b 1\nc 2\na 3\n"
        );
        assert_eq!(
            ok("sort", &["-k2,2", "-n", "-r"], "a 3 x\nb 10 y\nc 2 z\n"),
            "b 10 y\na 3 x\nc 2 z\n"
        );
        assert_eq!(
            ok("sort", &["-t", ":", "-k", "2"], "a:z\nb:y\n"),
            "b:y\na:z\n"
        );
        assert_eq!(ok("sort", &["-nk2"], "a 3\nb 1\n"), "b 1\na 3\n");
        assert_eq!(ok("sort", &[], "B\na\n"), "B\na\n");
        assert_eq!(run("sort", &["-k", "x"], "").status, 1);
    }

    #[test]
    fn uniq_counts() {
        assert_eq!(ok("uniq", &[], "a\na\nb\na\n"), "a\nb\na\n");
        assert_eq!(ok("uniq", &["-c"], "a\na\nb\n"), "      2 a\n      1 b\n");
        assert_eq!(ok("uniq", &["-d"], "a\na\nb\n"), "a\n");
        assert_eq!(ok("uniq", &["-u"], "a\na\nb\n"), "b\n");
        assert_eq!(ok("uniq", &["-i"], "a\nA\n"), "a\n");
    }
}
