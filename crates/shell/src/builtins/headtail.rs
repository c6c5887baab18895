//! `head` (`-n N`, `-n -N`, `-N`, `-c N`) and `tail` (`-n N`, `-n +N`, `-N`, `+N`, `-c N`).

use super::{Io, UtilError, parse_count, parse_opts, read_inputs};

/// How many lines or bytes to keep, and from which end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Amount {
    /// The first N (head) or last N (tail).
    Count(usize),
    /// head `-n -N`: all but the last N; tail `-n +N`: from the Nth on.
    Complement(usize),
}

/// Rewrites the obsolete `-5` / `+5` forms into `-n 5` / `-n +5`.
fn modernize(args: &[String], allow_plus: bool) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len() + 1);
    for (i, arg) in args.iter().enumerate() {
        // The value of `-n`/`-c` may itself look like `-5` (head's "all but the last 5").
        if i > 0 && matches!(args.get(i - 1).map(String::as_str), Some("-n" | "-c")) {
            out.push(arg.clone());
            continue;
        }
        let digits = arg
            .strip_prefix('-')
            .or_else(|| arg.strip_prefix('+').filter(|_| allow_plus && i == 0));
        match digits {
            Some(d) if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) => {
                out.push("-n".to_string());
                out.push(if arg.starts_with('+') {
                    format!("+{d}")
                } else {
                    d.to_string()
                });
            }
            _ => out.push(arg.clone()),
        }
    }
    out
}

fn amount(value: &str, what: &'static str, sign: char) -> Result<Amount, UtilError> {
    match value.strip_prefix(sign) {
        Some(rest) => Ok(Amount::Complement(parse_count(rest, what)?)),
        None => Ok(Amount::Count(parse_count(
            value.trim_start_matches(['+', '-']),
            what,
        )?)),
    }
}

/// Splits into lines keeping their terminators.
fn pieces(text: &str, bytes: bool) -> Vec<&str> {
    if bytes {
        text.char_indices()
            .map(|(i, c)| text.get(i..i + c.len_utf8()).unwrap_or(""))
            .collect()
    } else {
        text.split_inclusive('\n').collect()
    }
}

fn run(name: &str, args: &[String], io: &mut Io, head: bool) -> Result<i32, UtilError> {
    let args = modernize(args, !head);
    let opts = parse_opts(
        &args,
        "n:c:qvf",
        &[("lines", 'n'), ("bytes", 'c'), ("quiet", 'q')],
    )?;
    if opts.has('f') {
        return Err(UtilError::Usage(
            "following a file (-f) is not supported in the kubeplay shell",
        ));
    }
    let bytes = opts.has('c');
    let (what, value) = if bytes {
        ("number of bytes", opts.value('c').unwrap_or("10"))
    } else {
        ("number of lines", opts.value('n').unwrap_or("10"))
    };
    let amount = amount(value, what, if head { '-' } else { '+' })?;
    let (texts, failed) = read_inputs(name, &opts.operands, io);
    let headers = texts.len() > 1 && !opts.has('q');
    for (i, (file, text)) in texts.iter().enumerate() {
        if headers {
            let name = if file == "-" { "standard input" } else { file };
            io.out.out(&format!(
                "{}==> {name} <==\n",
                if i > 0 { "\n" } else { "" }
            ));
        }
        let parts = pieces(text, bytes);
        let len = parts.len();
        let range = match (head, amount) {
            (true, Amount::Count(n)) => 0..n.min(len),
            (true, Amount::Complement(n)) => 0..len.saturating_sub(n),
            (false, Amount::Count(n)) => len.saturating_sub(n)..len,
            (false, Amount::Complement(n)) => n.saturating_sub(1).min(len)..len,
        };
        io.out.out(&parts.get(range).unwrap_or_default().concat());
    }
    Ok(i32::from(failed))
}

pub(crate) fn head(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    run("head", args, io, true)
}

pub(crate) fn tail(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    run("tail", args, io, false)
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run, run_with};
    use crate::fs::VirtualFs;

    const TEXT: &str = "1\n2\n3\n4\n5\n";

    #[test]
    fn head_forms() {
        assert_eq!(ok("head", &["-n", "2"], TEXT), "1\n2\n");
        assert_eq!(ok("head", &["-2"], TEXT), "1\n2\n");
        assert_eq!(ok("head", &["-n2"], TEXT), "1\n2\n");
        assert_eq!(ok("head", &["-n", "-2"], TEXT), "1\n2\n3\n");
        assert_eq!(ok("head", &["-c", "3"], TEXT), "1\n2");
        assert_eq!(ok("head", &[], &"x\n".repeat(20)), "x\n".repeat(10));
        assert_eq!(ok("head", &["-n", "9"], "a"), "a");
    }

    #[test]
    fn tail_forms() {
        assert_eq!(ok("tail", &["-n", "2"], TEXT), "4\n5\n");
        assert_eq!(ok("tail", &["-2"], TEXT), "4\n5\n");
        assert_eq!(ok("tail", &["-n", "+2"], TEXT), "2\n3\n4\n5\n");
        assert_eq!(ok("tail", &["+4"], TEXT), "4\n5\n");
        assert_eq!(ok("tail", &["-n", "+9"], TEXT), "");
        assert_eq!(ok("tail", &["-c", "4"], TEXT), "4\n5\n");
    }

    #[test]
    fn errors_and_headers() {
        let r = run("head", &["-n", "x"], "");
        assert_eq!(
            (r.stderr.as_str(), r.status),
            ("head: invalid number of lines: 'x'\n", 1)
        );
        assert!(
            run("tail", &["-f", "x"], "")
                .stderr
                .contains("not supported")
        );
        let mut fs = VirtualFs::new("/h");
        let _ = fs.write("a", "1\n");
        let _ = fs.write("b", "2\n");
        assert_eq!(
            run_with(&mut fs, "head", &["a", "b"], "").stdout,
            "==> a <==\n1\n\n==> b <==\n2\n"
        );
    }
}
