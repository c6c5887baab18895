//! `grep`: basic/extended/fixed patterns with `-v -i -c -n -E -F -w -x -o -q -h -H -l -e -m`
//! and context lines (`-A -B -C`, groups separated by `--` as GNU grep prints them);
//! exit status 0 when something matched, 1 when nothing did, 2 on errors.

use super::{Io, UtilError, lines, parse_opts, read_inputs};
use crate::regex::{self, Flavor};

/// Option letter standing for `--color`, which has no short form.
const COLOR: char = '\u{1}';

const LONG: &[(&str, char)] = &[
    ("invert-match", 'v'),
    ("ignore-case", 'i'),
    ("count", 'c'),
    ("line-number", 'n'),
    ("extended-regexp", 'E'),
    ("fixed-strings", 'F'),
    ("word-regexp", 'w'),
    ("line-regexp", 'x'),
    ("only-matching", 'o'),
    ("quiet", 'q'),
    ("silent", 'q'),
    ("regexp", 'e'),
    ("files-with-matches", 'l'),
    ("no-filename", 'h'),
    ("with-filename", 'H'),
    ("after-context", 'A'),
    ("before-context", 'B'),
    ("context", 'C'),
    ("max-count", 'm'),
    // `--color[=WHEN]` changes nothing here: the terminal shows no colours.
    ("color", COLOR),
    ("colour", COLOR),
];

pub(crate) fn grep(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let mut opts = parse_opts(args, "vicnEFGwxoqshHle:rRA:B:C:m:\u{1}", LONG)?;
    if opts.has('r') || opts.has('R') {
        return Err(UtilError::Usage("recursive search (-r) is not supported"));
    }
    let mut patterns: Vec<String> = opts.values('e').map(str::to_string).collect();
    if patterns.is_empty() {
        if opts.operands.is_empty() {
            return Err(UtilError::Usage(
                "usage: grep [OPTION]... PATTERNS [FILE]...",
            ));
        }
        patterns.push(opts.operands.remove(0));
    }
    // A pattern with newlines is several patterns, as in GNU grep.
    let patterns: Vec<&str> = patterns.iter().flat_map(|p| p.split('\n')).collect();
    let flavor = if opts.has('E') {
        Flavor::Extended
    } else {
        Flavor::Basic
    };
    let mut alternatives = Vec::new();
    for pattern in &patterns {
        let translated = if opts.has('F') {
            regex::literal(pattern)
        } else {
            regex::translate(pattern, flavor)?
        };
        alternatives.push(format!("(?:{translated})"));
    }
    let mut combined = alternatives.join("|");
    if opts.has('x') {
        combined = format!("^(?:{combined})$");
    } else if opts.has('w') {
        combined = format!(r"\b(?:{combined})\b");
    }
    let re = regex::build(&combined, opts.has('i'))?;

    let context = |flag: char| -> Result<usize, UtilError> {
        match opts.value(flag).or(opts.value('C')) {
            Some(value) => value.parse().map_err(|_| {
                UtilError::Message(format!("{value}: invalid context length argument"))
            }),
            None => Ok(0),
        }
    };
    let (after, before) = (context('A')?, context('B')?);
    let max_count = match opts.value('m') {
        Some(value) => Some(
            value
                .parse::<usize>()
                .map_err(|_| UtilError::Message("invalid max count".into()))?,
        ),
        None => None,
    };

    let (texts, failed) = read_inputs("grep", &opts.operands, io);
    let show_names = (opts.operands.len() > 1 || opts.has('H')) && !opts.has('h');
    let invert = opts.has('v');
    let quiet = opts.has('q') || opts.has('c') || opts.has('l');
    let mut any = false;
    let mut result = String::new();
    // Whether anything was printed yet (GNU separates the groups of different files too).
    let mut printed_any = false;
    for (name, text) in &texts {
        let name = if name == "-" {
            "(standard input)"
        } else {
            name.as_str()
        };
        let all: Vec<&str> = lines(text).collect();
        // Prefix of line `number` (0-based): `name:12:` for a match, `name-12-` for context.
        let prefix = |number: usize, separator: char| {
            let mut prefix = String::new();
            if show_names {
                prefix.push_str(name);
                prefix.push(separator);
            }
            if opts.has('n') {
                prefix.push_str(&format!("{}{separator}", number + 1));
            }
            prefix
        };
        let mut count = 0usize;
        let mut last_printed: Option<usize> = None;
        // Lines after a match still to print as context.
        let mut after_left = 0usize;
        for (number, line) in all.iter().enumerate() {
            let selected = re.is_match(line) != invert;
            let past_max = max_count.is_some_and(|max| count >= max);
            if !selected || past_max {
                // Trailing context (also after `-m`'s last match, as GNU prints it).
                if after_left > 0 && !quiet {
                    result.push_str(&format!("{}{line}\n", prefix(number, '-')));
                    last_printed = Some(number);
                    after_left -= 1;
                } else if past_max {
                    break;
                }
                continue;
            }
            count += 1;
            any = true;
            if quiet {
                continue;
            }
            let first = number.saturating_sub(before);
            let from = last_printed.map_or(first, |last| first.max(last + 1));
            let gap = match last_printed {
                Some(last) => from > last + 1,
                None => printed_any,
            };
            if gap && (before > 0 || after > 0) {
                result.push_str("--\n");
            }
            for (offset, context_line) in all[from..number].iter().enumerate() {
                result.push_str(&format!("{}{context_line}\n", prefix(from + offset, '-')));
            }
            if opts.has('o') && !invert {
                for m in re.find_iter(line).filter(|m| !m.is_empty()) {
                    result.push_str(&format!("{}{}\n", prefix(number, ':'), m.as_str()));
                }
            } else {
                result.push_str(&format!("{}{line}\n", prefix(number, ':')));
            }
            last_printed = Some(number);
            printed_any = true;
            after_left = after;
        }
        if opts.has('l') && count > 0 {
            result.push_str(&format!("{name}\n"));
        } else if opts.has('c') && !opts.has('q') {
            let prefix = if show_names {
                format!("{name}:")
            } else {
                String::new()
            };
            result.push_str(&format!("{prefix}{count}\n"));
        }
    }
    io.out.out(&result);
    Ok(if failed && !(opts.has('q') && any) {
        2
    } else {
        i32::from(!any)
    })
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run, run_with};
    use crate::fs::VirtualFs;

    const PODS: &str = "NAME READY STATUS\ncoredns-1 1/1 Running\nkube-proxy-x 1/1 Running\naws-node-2 0/1 Pending\n";

    #[test]
    fn matches_lines() {
        assert_eq!(ok("grep", &["coredns"], PODS), "coredns-1 1/1 Running\n");
        assert_eq!(
            ok("grep", &["-v", "Running"], PODS),
            "NAME READY STATUS\naws-node-2 0/1 Pending\n"
        );
        assert_eq!(ok("grep", &["-c", "Running"], PODS), "2\n");
        assert_eq!(
            ok("grep", &["-in", "PENDING"], PODS),
            "4:aws-node-2 0/1 Pending\n"
        );
        assert_eq!(ok("grep", &["-E", "core|aws"], PODS).lines().count(), 2);
        assert_eq!(
            ok("grep", &["-e", "core", "-e", "aws"], PODS)
                .lines()
                .count(),
            2
        );
        assert_eq!(
            ok("grep", &["-o", "[0-9]/[0-9]"], "a 1/1 b 0/1\n"),
            "1/1\n0/1\n"
        );
        assert_eq!(ok("grep", &["-F", "1/1 R"], PODS).lines().count(), 2);
        assert_eq!(
            ok("grep", &["-w", "kube"], PODS),
            "kube-proxy-x 1/1 Running\n"
        );
        assert_eq!(ok("grep", &["-x", "ab"], "ab\nabc\n"), "ab\n");
        assert_eq!(ok("grep", &["a.c"], "abc\na.c\nxyz\n"), "abc\na.c\n");
        assert_eq!(ok("grep", &["-F", "a.c"], "abc\na.c\n"), "a.c\n");
    }

    #[test]
    fn context_lines_are_grouped_as_gnu_prints_them() {
        let text = "a\nb\nmatch1\nc\nd\ne\nf\nmatch2\ng\n";
        assert_eq!(
            ok("grep", &["-A1", "match"], text),
            "match1\nc\n--\nmatch2\ng\n"
        );
        assert_eq!(ok("grep", &["-B", "2", "match2"], text), "e\nf\nmatch2\n");
        assert_eq!(
            ok("grep", &["-n", "-C1", "match"], text),
            "2-b\n3:match1\n4-c\n--\n7-f\n8:match2\n9-g\n"
        );
        // Overlapping context joins the groups.
        assert_eq!(ok("grep", &["-C3", "match"], text), text);
        assert_eq!(ok("grep", &["-m1", "match"], text), "match1\n");
        assert_eq!(ok("grep", &["-c", "-E", "match[12]"], text), "2\n");
        assert_eq!(ok("grep", &["-oE", "[0-9]+"], text), "1\n2\n");
        let r = run("grep", &["-A", "x", "a"], text);
        assert_eq!(
            (r.stderr.as_str(), r.status),
            ("grep: x: invalid context length argument\n", 2)
        );
    }

    #[test]
    fn status_and_quiet() {
        let r = run("grep", &["nothing"], PODS);
        assert_eq!((r.stdout.as_str(), r.status), ("", 1));
        let r = run("grep", &["-q", "coredns"], PODS);
        assert_eq!((r.stdout.as_str(), r.status), ("", 0));
        let r = run("grep", &["[abc"], PODS);
        assert_eq!(
            (r.stderr.as_str(), r.status),
            ("grep: Unmatched [, [^, [:, [., or [=\n", 2)
        );
        assert_eq!(run("grep", &[], "").status, 2);
    }

    #[test]
    fn several_files() {
        let mut fs = VirtualFs::new("/home/learner");
        let _ = fs.write("a", "x1\ny\n");
        let _ = fs.write("b", "x2\n");
        let r = run_with(&mut fs, "grep", &["x", "a", "b", "nope"], "");
        assert_eq!(r.stdout, "a:x1\nb:x2\n");
        assert_eq!(r.stderr, "grep: nope: No such file or directory\n");
        assert_eq!(r.status, 2);
        assert_eq!(
            run_with(&mut fs, "grep", &["-c", "x", "a", "b"], "").stdout,
            "a:1\nb:1\n"
        );
        assert_eq!(
            run_with(&mut fs, "grep", &["-l", "y", "a", "b"], "").stdout,
            "a\n"
        );
    }
}
