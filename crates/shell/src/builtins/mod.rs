//! The text utilities (GNU coreutils look-alikes) and their shared plumbing: option parsing,
//! input reading and error rendering.

mod awk;
mod base64;
mod cat;
mod cut;
mod echo;
mod expr;
mod files;
mod grep;
mod headtail;
mod jq;
mod printf;
mod sed;
mod seq;
pub(crate) mod shell;
mod sort;
mod test;
pub(crate) mod timing;
mod tr;
mod watch;
mod wc;

use crate::error::FsError;
use crate::fs::VirtualFs;
use crate::output::Output;
use crate::regex::RegexError;
use thiserror::Error;

/// What a utility may touch: its stdin, the virtual filesystem and its output.
pub(crate) struct Io<'a> {
    pub stdin: &'a str,
    pub fs: &'a mut VirtualFs,
    pub out: &'a mut Output,
}

type Utility = fn(&[String], &mut Io) -> Result<i32, UtilError>;

const UTILITIES: &[(&str, Utility)] = &[
    ("[", test::bracket),
    ("awk", awk::awk),
    ("base64", base64::base64),
    ("basename", files::basename),
    ("cat", cat::cat),
    ("cut", cut::cut),
    ("dirname", files::dirname),
    ("echo", echo::echo),
    ("expr", expr::expr),
    ("grep", grep::grep),
    ("head", headtail::head),
    ("jq", jq::jq),
    ("less", cat::pager),
    ("ls", files::ls),
    ("mkdir", files::mkdir),
    ("more", cat::pager),
    ("printf", printf::printf),
    ("rev", seq::rev),
    ("rm", files::rm),
    ("sed", sed::sed),
    ("seq", seq::seq),
    ("sort", sort::sort),
    ("tail", headtail::tail),
    ("tee", cat::tee),
    ("test", test::test),
    ("touch", files::touch),
    ("tr", tr::tr),
    ("uniq", sort::uniq),
    ("wc", wc::wc),
];

/// Names of the utilities, for `command -v`, `type` and completion.
pub(crate) const UTILITY_NAMES: &[&str] = &[
    "[", "awk", "base64", "basename", "cat", "cut", "dirname", "echo", "expr", "grep", "head",
    "jq", "less", "ls", "mkdir", "more", "printf", "rev", "rm", "sed", "seq", "sort", "tail",
    "tee", "test", "touch", "tr", "uniq", "wc",
];

/// Runs utility `name`, or returns `None` if there is none by that name.
pub(crate) fn run(name: &str, args: &[String], io: &mut Io) -> Option<i32> {
    let (_, utility) = UTILITIES.iter().find(|(n, _)| *n == name)?;
    Some(match utility(args, io) {
        Ok(status) => status,
        Err(error) => {
            io.out.err(&format!("{name}: {error}\n"));
            error_status(name)
        }
    })
}

/// Exit status for a fatal error: grep, awk, test and expr use 2 (1 means "no match" or
/// "false" for them).
fn error_status(name: &str) -> i32 {
    if matches!(name, "grep" | "awk" | "test" | "[" | "expr") {
        2
    } else {
        1
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum UtilError {
    #[error("invalid option -- '{0}'")]
    InvalidOption(char),
    #[error("unrecognized option '{0}'")]
    UnrecognizedOption(String),
    #[error("option requires an argument -- '{0}'")]
    MissingArgument(char),
    #[error("missing operand")]
    MissingOperand,
    #[error("extra operand '{0}'")]
    ExtraOperand(String),
    #[error("{0}: {1}")]
    File(String, FsError),
    #[error("invalid {what}: '{value}'")]
    InvalidNumber { what: &'static str, value: String },
    #[error("{0}")]
    Regex(#[from] RegexError),
    #[error("{0}")]
    Sed(#[from] sed::SedError),
    #[error("{0}")]
    Awk(#[from] awk::AwkError),
    #[error("{0}")]
    Usage(&'static str),
    #[error("{0}")]
    Message(String),
}

/// Parsed command-line options: flags in order (with their values) and operands.
#[derive(Debug, Default)]
pub(crate) struct Opts {
    pub flags: Vec<(char, Option<String>)>,
    pub operands: Vec<String>,
}

impl Opts {
    pub fn has(&self, flag: char) -> bool {
        self.flags.iter().any(|(f, _)| *f == flag)
    }

    /// The last value given for `flag`.
    pub fn value(&self, flag: char) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(f, _)| *f == flag)
            .and_then(|(_, v)| v.as_deref())
    }

    pub fn values(&self, flag: char) -> impl Iterator<Item = &str> {
        self.flags
            .iter()
            .filter(move |(f, _)| *f == flag)
            .filter_map(|(_, v)| v.as_deref())
    }
}

/// Parses GNU-style options: `-abc`, `-n5`, `-n 5`, `--long[=value]` (mapped through `long`),
/// `--` ends options, and options may follow operands (GNU argument permutation).
/// `flags` lists option letters; a letter followed by `:` takes a value.
pub(crate) fn parse_opts(
    args: &[String],
    flags: &str,
    long: &[(&str, char)],
) -> Result<Opts, UtilError> {
    let takes_value = |c: char| {
        flags
            .find(c)
            .is_some_and(|i| flags[i + c.len_utf8()..].starts_with(':'))
    };
    let known = |c: char| c != ':' && flags.contains(c);
    let mut opts = Opts::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            opts.operands.extend(iter.by_ref().cloned());
            break;
        }
        if let Some(name) = arg.strip_prefix("--") {
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (name, None),
            };
            let Some(&(_, c)) = long.iter().find(|(l, _)| *l == name) else {
                return Err(UtilError::UnrecognizedOption(arg.clone()));
            };
            let value = match inline {
                Some(v) => Some(v),
                None if takes_value(c) => {
                    Some(iter.next().cloned().ok_or(UtilError::MissingArgument(c))?)
                }
                None => None,
            };
            opts.flags.push((c, value));
            continue;
        }
        let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.is_empty()) else {
            opts.operands.push(arg.clone());
            continue;
        };
        for (i, c) in cluster.char_indices() {
            if !known(c) {
                return Err(UtilError::InvalidOption(c));
            }
            if takes_value(c) {
                let rest = &cluster[i + c.len_utf8()..];
                let value = if rest.is_empty() {
                    iter.next().cloned().ok_or(UtilError::MissingArgument(c))?
                } else {
                    rest.to_string()
                };
                opts.flags.push((c, Some(value)));
                break;
            }
            opts.flags.push((c, None));
        }
    }
    Ok(opts)
}

/// Reads the named inputs (`-` or none: stdin); a missing file is reported on stderr and
/// skipped, as coreutils do. Returns the texts read and whether any failed.
pub(crate) fn read_inputs(
    prog: &str,
    names: &[String],
    io: &mut Io,
) -> (Vec<(String, String)>, bool) {
    if names.is_empty() {
        return (vec![("-".to_string(), io.stdin.to_string())], false);
    }
    let mut texts = Vec::new();
    let mut failed = false;
    for name in names {
        match read_input(name, io) {
            Ok(text) => texts.push((name.clone(), text)),
            Err(error) => {
                io.out.err(&format!("{prog}: {error}\n"));
                failed = true;
            }
        }
    }
    (texts, failed)
}

/// Reads one input: `-` is stdin, anything else a file.
pub(crate) fn read_input(name: &str, io: &Io) -> Result<String, UtilError> {
    if name == "-" {
        return Ok(io.stdin.to_string());
    }
    io.fs
        .read_file(name)
        .map(str::to_string)
        .map_err(|e| UtilError::File(name.to_string(), e))
}

/// Parses a non-negative count such as `head -n 5`.
pub(crate) fn parse_count(value: &str, what: &'static str) -> Result<usize, UtilError> {
    value.parse().map_err(|_| UtilError::InvalidNumber {
        what,
        value: value.to_string(),
    })
}

/// Splits text into lines without their terminators; a final unterminated line counts.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive('\n')
        .map(|l| l.strip_suffix('\n').unwrap_or(l))
}

#[cfg(test)]
pub(crate) mod testing {
    //! Runs a utility on a scratch filesystem for the unit tests.
    use super::*;

    pub struct Run {
        pub stdout: String,
        pub stderr: String,
        pub status: i32,
    }

    pub fn run_with(fs: &mut VirtualFs, name: &str, args: &[&str], stdin: &str) -> Run {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut out = Output::new();
        let mut io = Io {
            stdin,
            fs,
            out: &mut out,
        };
        let status = super::run(name, &args, &mut io).unwrap_or(127);
        let chunks = out.finish();
        let text = |stream| -> String {
            chunks
                .iter()
                .filter(|c| c.stream == stream)
                .map(|c| c.text.as_str())
                .collect()
        };
        Run {
            stdout: text(crate::Stream::Stdout),
            stderr: text(crate::Stream::Stderr),
            status,
        }
    }

    pub fn run(name: &str, args: &[&str], stdin: &str) -> Run {
        run_with(&mut VirtualFs::new("/home/learner"), name, args, stdin)
    }

    /// Stdout of a successful run.
    pub fn ok(name: &str, args: &[&str], stdin: &str) -> String {
        let r = run(name, args, stdin);
        assert_eq!((r.status, r.stderr.as_str()), (0, ""), "{name} {args:?}");
        r.stdout
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_clusters_values_and_permutation() {
        let opts = parse_opts(
            &strings(&["-vn5", "file", "-e", "x", "--", "-i"]),
            "vn:e:i",
            &[],
        )
        .unwrap_or_default();
        assert!(opts.has('v'));
        assert_eq!(opts.value('n'), Some("5"));
        assert_eq!(opts.value('e'), Some("x"));
        assert!(!opts.has('i'));
        assert_eq!(opts.operands, strings(&["file", "-i"]));
    }

    #[test]
    fn reports_bad_options() {
        assert_eq!(
            parse_opts(&strings(&["-z"]), "a", &[]).err(),
            Some(UtilError::InvalidOption('z'))
        );
        assert_eq!(
            parse_opts(&strings(&["-n"]), "n:", &[]).err(),
            Some(UtilError::MissingArgument('n'))
        );
        assert_eq!(
            parse_opts(&strings(&["--nope"]), "n:", &[]).err(),
            Some(UtilError::UnrecognizedOption("--nope".into()))
        );
        let opts = parse_opts(&strings(&["--lines=3"]), "n:", &[("lines", 'n')]);
        assert_eq!(
            opts.ok().and_then(|o| o.value('n').map(str::to_string)),
            Some("3".into())
        );
    }

    #[test]
    fn unknown_utility() {
        assert_eq!(testing::run("nope", &[], "").status, 127);
    }
}
