//! `sed`: `s/re/rep/flags` (any delimiter; flags `g`, `p`, `i`/`I`, N; `&`, `\1`…`\9`),
//! `d`, `p`, `q`, `=`, addresses (N, `$`, `/re/`, ranges, `!`), options `-n -e -E -r -i`.

use super::{Io, UtilError, parse_opts, read_input};
use crate::regex::{self, Flavor};
use regex_lite::Regex;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum SedError {
    #[error("-e expression #{expr}, char {pos}: {kind}")]
    Script {
        expr: usize,
        pos: usize,
        kind: ScriptError,
    },
    #[error("no input files")]
    NoInputFiles,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum ScriptError {
    #[error("unterminated `s' command")]
    UnterminatedS,
    #[error("unknown option to `s'")]
    UnknownOption,
    #[error("unknown command: `{0}'")]
    UnknownCommand(char),
    #[error("command `{0}' is not supported in the kubeplay shell")]
    UnsupportedCommand(char),
    #[error("missing command")]
    MissingCommand,
    #[error("unterminated address regex")]
    UnterminatedAddress,
    #[error("unexpected `,'")]
    UnexpectedComma,
    #[error("extra characters after command")]
    ExtraCharacters,
    #[error("invalid reference \\{0} on `s' command's RHS")]
    InvalidReference(usize),
    #[error("{0}")]
    Regex(String),
}

enum Address {
    Line(usize),
    Last,
    Match(Regex),
}

/// A piece of an `s` replacement.
enum Piece {
    Text(String),
    /// `&` (0) or `\1`…`\9`.
    Group(usize),
}

enum Action {
    Substitute {
        re: Regex,
        replacement: Vec<Piece>,
        global: bool,
        nth: usize,
        print: bool,
    },
    Delete,
    Print,
    Quit,
    LineNumber,
}

struct Command {
    from: Option<Address>,
    to: Option<Address>,
    negate: bool,
    action: Action,
}

/// Reads one `-e` expression, counting characters for GNU-style error positions.
struct ScriptParser<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    pos: usize,
    expr: usize,
    flavor: Flavor,
}

impl ScriptParser<'_> {
    fn next(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        self.pos += 1;
        Some(c)
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn error(&self, kind: ScriptError) -> SedError {
        SedError::Script {
            expr: self.expr,
            pos: self.pos,
            kind,
        }
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(|c| c == ' ' || c == '\t') {
            self.next();
        }
    }

    fn commands(&mut self) -> Result<Vec<Command>, SedError> {
        let mut commands = Vec::new();
        loop {
            while self.peek().is_some_and(|c| c.is_whitespace() || c == ';') {
                self.next();
            }
            if self.peek().is_none() {
                return Ok(commands);
            }
            commands.push(self.command()?);
            self.skip_blanks();
            match self.peek() {
                None | Some(';' | '\n') => {}
                Some('#') => while self.next().is_some_and(|c| c != '\n') {},
                Some(_) => {
                    self.next();
                    return Err(self.error(ScriptError::ExtraCharacters));
                }
            }
        }
    }

    fn command(&mut self) -> Result<Command, SedError> {
        let from = self.address()?;
        let mut to = None;
        if self.peek() == Some(',') {
            self.next();
            if from.is_none() {
                return Err(self.error(ScriptError::UnexpectedComma));
            }
            to = self.address()?;
            if to.is_none() {
                return Err(self.error(ScriptError::UnexpectedComma));
            }
        }
        self.skip_blanks();
        let negate = self.peek() == Some('!');
        if negate {
            self.next();
            self.skip_blanks();
        }
        let action = match self.next() {
            None => return Err(self.error(ScriptError::MissingCommand)),
            Some('s') => self.substitute()?,
            Some('d') => Action::Delete,
            Some('p') => Action::Print,
            Some('q') => Action::Quit,
            Some('=') => Action::LineNumber,
            Some(
                c @ ('a' | 'i' | 'c' | 'y' | 'n' | 'N' | 'D' | 'P' | 'h' | 'H' | 'g' | 'G' | 'x'
                | 'b' | 't' | 'T' | ':' | '{' | '}' | 'r' | 'w' | 'l' | 'e' | 'z' | 'Q' | 'F'),
            ) => {
                return Err(self.error(ScriptError::UnsupportedCommand(c)));
            }
            Some(c) => return Err(self.error(ScriptError::UnknownCommand(c))),
        };
        Ok(Command {
            from,
            to,
            negate,
            action,
        })
    }

    fn address(&mut self) -> Result<Option<Address>, SedError> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let mut n = 0usize;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    self.next();
                }
                Ok(Some(Address::Line(n)))
            }
            Some('$') => {
                self.next();
                Ok(Some(Address::Last))
            }
            Some('/' | '\\') => {
                let delim = match self.next() {
                    Some('\\') => self.next(),
                    other => other,
                };
                let Some(delim) = delim else {
                    return Err(self.error(ScriptError::UnterminatedAddress));
                };
                let pattern = self
                    .until(delim, false)
                    .ok_or_else(|| self.error(ScriptError::UnterminatedAddress))?;
                let ignore_case = self.peek() == Some('I');
                if ignore_case {
                    self.next();
                }
                Ok(Some(Address::Match(self.regex(&pattern, ignore_case)?)))
            }
            _ => Ok(None),
        }
    }

    fn regex(&self, pattern: &str, ignore_case: bool) -> Result<Regex, SedError> {
        regex::compile(pattern, self.flavor, ignore_case)
            .map_err(|e| self.error(ScriptError::Regex(e.to_string())))
    }

    /// Reads up to an unescaped `delim`; `\delim` becomes `delim`, `\n` a newline. With
    /// `replacement`, other escapes are kept for [`parse_replacement`].
    fn until(&mut self, delim: char, replacement: bool) -> Option<String> {
        let mut text = String::new();
        loop {
            match self.next()? {
                c if c == delim => return Some(text),
                '\\' => match self.next()? {
                    c if c == delim && !replacement => text.push(c),
                    c if c == delim => {
                        text.push('\\');
                        text.push(c);
                    }
                    'n' if !replacement => text.push('\n'),
                    c => {
                        text.push('\\');
                        text.push(c);
                    }
                },
                c => text.push(c),
            }
        }
    }

    fn substitute(&mut self) -> Result<Action, SedError> {
        let unterminated = |p: &Self| p.error(ScriptError::UnterminatedS);
        let delim = match self.next() {
            None | Some('\n' | '\\') => return Err(unterminated(self)),
            Some(c) => c,
        };
        let pattern = self.until(delim, false).ok_or_else(|| unterminated(self))?;
        let raw = self.until(delim, true).ok_or_else(|| unterminated(self))?;
        let (mut global, mut print, mut ignore_case, mut nth) = (false, false, false, 1usize);
        while let Some(c) = self.peek() {
            match c {
                'g' => global = true,
                'p' => print = true,
                'i' | 'I' => ignore_case = true,
                d if d.is_ascii_digit() => {
                    let mut n = 0usize;
                    while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                        n = n.saturating_mul(10).saturating_add(d as usize);
                        self.next();
                    }
                    nth = n.max(1);
                    continue;
                }
                ';' | '\n' | ' ' | '\t' | '#' | '}' => break,
                _ => {
                    self.next();
                    return Err(self.error(ScriptError::UnknownOption));
                }
            }
            self.next();
        }
        let re = self.regex(&pattern, ignore_case)?;
        let replacement = parse_replacement(&raw, delim);
        if let Some(n) = replacement.iter().find_map(|p| match p {
            Piece::Group(n) if *n >= re.captures_len() => Some(*n),
            _ => None,
        }) {
            return Err(self.error(ScriptError::InvalidReference(n)));
        }
        Ok(Action::Substitute {
            re,
            replacement,
            global,
            nth,
            print,
        })
    }
}

fn parse_replacement(raw: &str, delim: char) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '&' => {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
                pieces.push(Piece::Group(0));
            }
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                    pieces.push(Piece::Group(d.to_digit(10).unwrap_or(0) as usize));
                }
                Some('n') if delim != 'n' => text.push('\n'),
                Some('t') if delim != 't' => text.push('\t'),
                Some(other) => text.push(other),
                None => text.push('\\'),
            },
            c => text.push(c),
        }
    }
    pieces.push(Piece::Text(text));
    pieces
}

pub(crate) fn sed(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(
        args,
        "nEre:isuz",
        &[
            ("quiet", 'n'),
            ("silent", 'n'),
            ("regexp-extended", 'E'),
            ("expression", 'e'),
            ("in-place", 'i'),
        ],
    )?;
    let flavor = if opts.has('E') || opts.has('r') {
        Flavor::Extended
    } else {
        Flavor::Basic
    };
    let mut operands = opts.operands.iter();
    let expressions: Vec<String> = if opts.has('e') {
        opts.values('e').map(str::to_string).collect()
    } else {
        vec![operands.next().cloned().ok_or(UtilError::Usage(
            "usage: sed [OPTION]... {script} [FILE]...",
        ))?]
    };
    let mut commands = Vec::new();
    for (i, expression) in expressions.iter().enumerate() {
        let mut parser = ScriptParser {
            chars: expression.chars().peekable(),
            pos: 0,
            expr: i + 1,
            flavor,
        };
        commands.extend(parser.commands()?);
    }
    let files: Vec<String> = operands.cloned().collect();
    let quiet = opts.has('n');
    if opts.has('i') {
        if files.is_empty() {
            return Err(SedError::NoInputFiles.into());
        }
        let mut status = 0;
        for file in &files {
            match read_input(file, io) {
                Ok(text) => {
                    let edited = run_script(&commands, &text, quiet);
                    if let Err(error) = io.fs.write(file, &edited) {
                        io.out.err(&format!("sed: couldn't edit {file}: {error}\n"));
                        status = 4;
                    }
                }
                Err(error) => {
                    io.out.err(&format!("sed: {error}\n"));
                    status = 2;
                }
            }
        }
        return Ok(status);
    }
    let mut input = String::new();
    let mut status = 0;
    if files.is_empty() {
        input.push_str(io.stdin);
    }
    for file in &files {
        match read_input(file, io) {
            Ok(text) => input.push_str(&text),
            Err(error) => {
                io.out.err(&format!("sed: can't read {error}\n"));
                status = 2;
            }
        }
    }
    let output = run_script(&commands, &input, quiet);
    io.out.out(&output);
    Ok(status)
}

impl Address {
    fn matches(&self, number: usize, last: bool, line: &str) -> bool {
        match self {
            Address::Line(n) => *n == number,
            Address::Last => last,
            Address::Match(re) => re.is_match(line),
        }
    }
}

impl Command {
    /// Whether the command applies to this line; `in_range` carries a range across lines.
    fn selects(&self, in_range: &mut bool, number: usize, last: bool, line: &str) -> bool {
        let selected = match (&self.from, &self.to) {
            (None, _) => true,
            (Some(from), None) => from.matches(number, last, line),
            (Some(from), Some(to)) => {
                if *in_range {
                    *in_range = match to {
                        Address::Line(n) => number < *n,
                        Address::Last => !last,
                        Address::Match(re) => !re.is_match(line),
                    };
                    true
                } else if from.matches(number, last, line) {
                    *in_range = match to {
                        Address::Line(n) => *n > number,
                        Address::Last => !last,
                        Address::Match(_) => true,
                    };
                    true
                } else {
                    false
                }
            }
        };
        selected != self.negate
    }
}

fn substitute(
    line: &str,
    re: &Regex,
    replacement: &[Piece],
    global: bool,
    nth: usize,
) -> Option<String> {
    let mut result = String::new();
    let mut last = 0;
    let mut replaced = false;
    for (count, caps) in re.captures_iter(line).enumerate() {
        let Some(whole) = caps.get(0) else { continue };
        if count + 1 < nth {
            continue;
        }
        result.push_str(line.get(last..whole.start()).unwrap_or(""));
        for piece in replacement {
            match piece {
                Piece::Text(text) => result.push_str(text),
                Piece::Group(n) => result.push_str(caps.get(*n).map_or("", |m| m.as_str())),
            }
        }
        last = whole.end();
        replaced = true;
        if !global {
            break;
        }
    }
    if !replaced {
        return None;
    }
    result.push_str(line.get(last..).unwrap_or(""));
    Some(result)
}

fn run_script(commands: &[Command], input: &str, quiet: bool) -> String {
    let mut output = String::new();
    let mut ranges = vec![false; commands.len()];
    let all: Vec<&str> = input.split_inclusive('\n').collect();
    let count = all.len();
    for (index, raw) in all.into_iter().enumerate() {
        let (mut line, newline) = match raw.strip_suffix('\n') {
            Some(l) => (l.to_string(), "\n"),
            None => (raw.to_string(), ""),
        };
        let number = index + 1;
        let last = number == count;
        let mut deleted = false;
        let mut quit = false;
        for (command, in_range) in commands.iter().zip(ranges.iter_mut()) {
            if !command.selects(in_range, number, last, &line) {
                continue;
            }
            match &command.action {
                Action::Substitute {
                    re,
                    replacement,
                    global,
                    nth,
                    print,
                } => {
                    if let Some(new) = substitute(&line, re, replacement, *global, *nth) {
                        line = new;
                        if *print {
                            output.push_str(&line);
                            output.push('\n');
                        }
                    }
                }
                Action::Delete => {
                    deleted = true;
                    break;
                }
                Action::Print => {
                    output.push_str(&line);
                    output.push('\n');
                }
                Action::LineNumber => output.push_str(&format!("{number}\n")),
                Action::Quit => {
                    quit = true;
                    break;
                }
            }
        }
        if !deleted && !quiet {
            output.push_str(&line);
            output.push_str(newline);
        }
        if quit {
            break;
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run, run_with};
    use crate::fs::VirtualFs;

    #[test]
    fn substitutions() {
        assert_eq!(
            ok("sed", &["s/ .*//"], "kube-proxy-abc 1/1 Running\n"),
            "kube-proxy-abc\n"
        );
        assert_eq!(ok("sed", &["s/a/b/"], "aaa\n"), "baa\n");
        assert_eq!(ok("sed", &["s/a/b/g"], "aaa\n"), "bbb\n");
        assert_eq!(ok("sed", &["s/a/b/2"], "aaa\n"), "aba\n");
        assert_eq!(ok("sed", &["s|/|:|g"], "a/b/c\n"), "a:b:c\n");
        assert_eq!(ok("sed", &["s/#/x/"], "a#b\n"), "axb\n");
        assert_eq!(
            ok("sed", &["s/\\(a\\)\\(b\\)/\\2\\1[&]/"], "ab\n"),
            "ba[ab]\n"
        );
        assert_eq!(ok("sed", &["-E", "s/(a+)/<\\1>/"], "xaay\n"), "x<aa>y\n");
        assert_eq!(ok("sed", &["s/A/b/gI"], "aA\n"), "bb\n");
        assert_eq!(ok("sed", &["s/x/\\n/"], "axb"), "a\nb");
        assert_eq!(ok("sed", &["-e", "s/a/b/", "-e", "s/b/c/"], "a\n"), "c\n");
        assert_eq!(ok("sed", &["s/a/b/;s/b/c/"], "a\n"), "c\n");
        assert_eq!(ok("sed", &["-n", "s/a/b/p"], "a\nc\n"), "b\n");
        assert_eq!(ok("sed", &["s/x*/-/g"], "abc\n"), "-a-b-c-\n");
    }

    #[test]
    fn addresses_and_commands() {
        let text = "1\n2\n3\n4\n";
        assert_eq!(ok("sed", &["2d"], text), "1\n3\n4\n");
        assert_eq!(ok("sed", &["$d"], text), "1\n2\n3\n");
        assert_eq!(ok("sed", &["1,3d"], text), "4\n");
        assert_eq!(ok("sed", &["/3/d"], text), "1\n2\n4\n");
        assert_eq!(ok("sed", &["-n", "/2/,/3/p"], text), "2\n3\n");
        assert_eq!(ok("sed", &["-n", "$p"], text), "4\n");
        assert_eq!(ok("sed", &["2q"], text), "1\n2\n");
        assert_eq!(ok("sed", &["2!d"], text), "2\n");
        assert_eq!(ok("sed", &["-n", "\\,3,p"], text), "3\n");
        assert_eq!(ok("sed", &["3,1d"], text), "1\n2\n4\n");
    }

    #[test]
    fn errors() {
        let r = run("sed", &["s/a/b"], "");
        assert_eq!(
            r.stderr,
            "sed: -e expression #1, char 5: unterminated `s' command\n"
        );
        assert_eq!(r.status, 1);
        assert_eq!(
            run("sed", &["k"], "").stderr,
            "sed: -e expression #1, char 1: unknown command: `k'\n"
        );
        assert_eq!(
            run("sed", &["s/a/b/z"], "").stderr,
            "sed: -e expression #1, char 7: unknown option to `s'\n"
        );
        assert_eq!(
            run("sed", &["s/a/\\1/"], "").stderr,
            "sed: -e expression #1, char 7: invalid reference \\1 on `s' command's RHS\n"
        );
        assert!(run("sed", &["y/a/b/"], "").stderr.contains("not supported"));
        assert_eq!(run("sed", &[], "").status, 1);
    }

    #[test]
    fn in_place_and_files() {
        let mut fs = VirtualFs::new("/home/learner");
        let _ = fs.write("d.yaml", "replicas: 1\n");
        let r = run_with(&mut fs, "sed", &["-i", "s/1/3/", "d.yaml"], "");
        assert_eq!((r.stdout.as_str(), r.status), ("", 0));
        assert_eq!(fs.read("d.yaml"), Some("replicas: 3\n"));
        assert_eq!(
            run_with(&mut fs, "sed", &["p", "d.yaml"], "").stdout,
            "replicas: 3\nreplicas: 3\n"
        );
        let r = run_with(&mut fs, "sed", &["p", "nope"], "");
        assert_eq!(
            (r.stderr.as_str(), r.status),
            ("sed: can't read nope: No such file or directory\n", 2)
        );
    }
}
