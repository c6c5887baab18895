//! `cut -f LIST [-d DELIM] [-s]` and `cut -c LIST` / `-b LIST` (LIST like `1,3`, `2-`, `-3`).

use super::{Io, UtilError, lines, parse_opts, read_inputs};

/// Inclusive 1-based ranges; `usize::MAX` stands for "to the end".
fn parse_list(list: &str) -> Result<Vec<(usize, usize)>, UtilError> {
    let invalid = || UtilError::Message(format!("invalid field value '{list}'"));
    let number = |s: &str| {
        s.parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(invalid)
    };
    let mut ranges = Vec::new();
    for part in list.split(',') {
        let range = match part.split_once('-') {
            Some(("", "")) => return Err(invalid()),
            Some(("", end)) => (1, number(end)?),
            Some((start, "")) => (number(start)?, usize::MAX),
            Some((start, end)) => (number(start)?, number(end)?),
            None => (number(part)?, number(part)?),
        };
        ranges.push(range);
    }
    Ok(ranges)
}

fn selected(ranges: &[(usize, usize)], n: usize) -> bool {
    ranges.iter().any(|(a, b)| *a <= n && n <= *b)
}

pub(crate) fn cut(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(
        args,
        "f:d:c:b:s",
        &[
            ("fields", 'f'),
            ("delimiter", 'd'),
            ("characters", 'c'),
            ("bytes", 'b'),
            ("only-delimited", 's'),
        ],
    )?;
    let (list, by_field) = match (opts.value('f'), opts.value('c').or(opts.value('b'))) {
        (Some(f), None) => (f, true),
        (None, Some(c)) => (c, false),
        (Some(_), Some(_)) => {
            return Err(UtilError::Usage("only one type of list may be specified"));
        }
        (None, None) => {
            return Err(UtilError::Usage(
                "you must specify a list of bytes, characters, or fields",
            ));
        }
    };
    let ranges = parse_list(list)?;
    let delim = match opts.value('d') {
        None => '\t',
        Some(d) if d.chars().count() == 1 => d.chars().next().unwrap_or('\t'),
        Some(_) => return Err(UtilError::Usage("the delimiter must be a single character")),
    };
    let (texts, failed) = read_inputs("cut", &opts.operands, io);
    let mut output = String::new();
    for (_, text) in &texts {
        for line in lines(text) {
            if by_field {
                if !line.contains(delim) {
                    if !opts.has('s') {
                        output.push_str(line);
                        output.push('\n');
                    }
                    continue;
                }
                let fields: Vec<&str> = line
                    .split(delim)
                    .enumerate()
                    .filter(|(i, _)| selected(&ranges, i + 1))
                    .map(|(_, f)| f)
                    .collect();
                output.push_str(&fields.join(&delim.to_string()));
            } else {
                output.extend(
                    line.chars()
                        .enumerate()
                        .filter(|(i, _)| selected(&ranges, i + 1))
                        .map(|(_, c)| c),
                );
            }
            output.push('\n');
        }
    }
    io.out.out(&output);
    Ok(i32::from(failed))
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run};

    #[test]
    fn fields_and_chars() {
        assert_eq!(
            ok("cut", &["-d", " ", "-f", "1"], "a b c\nd e f\n"),
            "a\nd\n"
        );
        assert_eq!(ok("cut", &["-d:", "-f2-"], "a:b:c\nnone\n"), "b:c\nnone\n");
        assert_eq!(ok("cut", &["-d:", "-f1,3", "-s"], "a:b:c\nnone\n"), "a:c\n");
        assert_eq!(ok("cut", &["-f", "2"], "a\tb\n"), "b\n");
        assert_eq!(ok("cut", &["-c", "1-3"], "abcdef\n"), "abc\n");
        assert_eq!(ok("cut", &["-c", "-2,5"], "abcdef\n"), "abe\n");
    }

    #[test]
    fn errors() {
        assert_eq!(
            run("cut", &["-f", "0"], "").stderr,
            "cut: invalid field value '0'\n"
        );
        assert_eq!(run("cut", &[], "").status, 1);
    }
}
