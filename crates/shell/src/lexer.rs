//! Turns shell text into tokens: words (with their quoting and expansions recorded), operators,
//! redirections and heredocs (whose bodies are read after the next newline, as bash does).

use crate::error::SyntaxError;
use crate::limits::MAX_NESTING_DEPTH;
use crate::parser::{self, Script};

/// A word as written: a sequence of literal and expandable parts.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Word {
    pub parts: Vec<WordPart>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WordPart {
    /// Text; `quoted` text is neither field-split nor tilde-expanded.
    Literal { text: String, quoted: bool },
    /// An unquoted `~` at the start of a word (or of an assignment value): the home directory.
    Tilde,
    /// `$NAME`, `${NAME…}` or a special parameter such as `$?`.
    Param {
        name: String,
        op: ParamOp,
        quoted: bool,
    },
    /// `$(…)` or `` `…` ``.
    Subst { script: Script, quoted: bool },
}

/// The operator of a `${…}` expansion.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ParamOp {
    Plain,
    /// `${#NAME}`
    Length,
    /// `${NAME[SUBSCRIPT]}` of an indexed array (`@` or `*`: all elements; `length`:
    /// `${#NAME[@]}`, their count). The subscript is a number or `$VAR`.
    Element {
        subscript: String,
        length: bool,
    },
    /// `${NAME:-word}` (`colon`: also when empty) …
    Default {
        word: Word,
        colon: bool,
    },
    /// `${NAME:=word}`
    Assign {
        word: Word,
        colon: bool,
    },
    /// `${NAME:+word}`
    Alternative {
        word: Word,
        colon: bool,
    },
    /// `${NAME:?word}`
    Error {
        word: Word,
        colon: bool,
    },
}

impl Word {
    /// The text of a word made only of unquoted literals (to spot keywords and assignments).
    pub fn plain_text(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [
                WordPart::Literal {
                    text,
                    quoted: false,
                },
            ] => Some(text),
            _ => None,
        }
    }

    fn push_char(&mut self, c: char, quoted: bool) {
        match self.parts.last_mut() {
            Some(WordPart::Literal { text, quoted: q }) if *q == quoted => text.push(c),
            _ => self.parts.push(WordPart::Literal {
                text: c.to_string(),
                quoted,
            }),
        }
    }

    /// Marks that quotes were present, so `""` still yields an (empty) argument.
    fn mark_quoted(&mut self) {
        if !matches!(
            self.parts.last(),
            Some(WordPart::Literal { quoted: true, .. })
        ) {
            self.parts.push(WordPart::Literal {
                text: String::new(),
                quoted: true,
            });
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Pipe,
    /// `|&`: pipe stdout and stderr.
    PipeBoth,
    And,
    Or,
    Semi,
    DoubleSemi,
    Amp,
    LParen,
    RParen,
    Newline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RedirOp {
    /// `<`
    In,
    /// `>` and `>|`
    Out,
    /// `>>`
    Append,
    /// `>&`
    DupOut,
    /// `<&`
    DupIn,
    /// `&>`
    Both,
    /// `&>>`
    BothAppend,
    /// `<<<`
    HereString,
    /// `<>`
    ReadWrite,
    /// `<(` or `>(`
    ProcessSubst,
}

/// The body of a heredoc: literal when the delimiter was quoted, else subject to expansion.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum HereBody {
    Literal(String),
    Expand(Word),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Token {
    Word(Word),
    Op(Op),
    Redir { fd: Option<u32>, op: RedirOp },
    HereDoc { fd: Option<u32>, body: HereBody },
}

/// A token with the byte range of the source it came from; a newline's range also covers the
/// heredoc bodies read after it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Spanned {
    pub token: Token,
    pub start: usize,
    pub end: usize,
}

/// A heredoc whose body has not been read yet.
struct Pending {
    token_index: usize,
    delimiter: String,
    quoted: bool,
    strip_tabs: bool,
}

/// What ends a word being lexed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// An ordinary word: blanks and operator characters.
    Unquoted,
    /// The word inside `${NAME:-…}`: only the closing `}`.
    Brace { quoted: bool },
    /// A heredoc body: nothing (only `$`, `` ` `` and `\` are special).
    HereDoc,
}

pub(crate) struct Lexer<'a> {
    src: &'a str,
    pub pos: usize,
    /// Start of the token being lexed (for `split_commands`' error recovery).
    pub token_start: usize,
    depth: usize,
    emitted: usize,
    pending: Vec<Pending>,
    bodies: Vec<(usize, HereBody)>,
}

/// Lexes a complete script (heredoc bodies attached to their tokens).
pub(crate) fn lex(src: &str) -> Result<Vec<Spanned>, SyntaxError> {
    Lexer::new(src, 0).lex_all()
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r')
}

fn is_meta(c: char) -> bool {
    is_blank(c) || matches!(c, '\n' | '|' | '&' | ';' | '(' | ')' | '<' | '>')
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// True for `NAME=`: a tilde right after it is expanded, as in bash assignments.
fn is_assignment_prefix(word: &Word) -> bool {
    word.plain_text()
        .and_then(|t| t.strip_suffix('='))
        .is_some_and(|name| name.starts_with(is_name_start) && name.chars().all(is_name_char))
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str, depth: usize) -> Lexer<'a> {
        Lexer {
            src,
            pos: 0,
            token_start: 0,
            depth,
            emitted: 0,
            pending: Vec::new(),
            bodies: Vec::new(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().nth(n))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        if self
            .src
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(s))
        {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// Lexes to the end of input.
    fn lex_all(mut self) -> Result<Vec<Spanned>, SyntaxError> {
        let mut tokens = Vec::new();
        while let Some(spanned) = self.next_token()? {
            tokens.push(spanned);
        }
        attach_bodies(&mut tokens, self.bodies);
        Ok(tokens)
    }

    /// The next token, or `None` at the end of input.
    pub fn next_token(&mut self) -> Result<Option<Spanned>, SyntaxError> {
        loop {
            loop {
                if self.peek().is_some_and(is_blank) {
                    self.bump();
                } else if !self.eat_str("\\\n") {
                    break;
                }
            }
            self.token_start = self.pos;
            let Some(c) = self.peek() else {
                if let Some(p) = self.pending.first() {
                    return Err(SyntaxError::UnterminatedHeredoc(p.delimiter.clone()));
                }
                return Ok(None);
            };
            if c == '#' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.bump();
                }
                continue;
            }
            let token = self.token(c)?;
            self.emitted += 1;
            return Ok(Some(Spanned {
                token,
                start: self.token_start,
                end: self.pos,
            }));
        }
    }

    fn token(&mut self, c: char) -> Result<Token, SyntaxError> {
        if c == '\n' {
            self.bump();
            self.read_heredoc_bodies()?;
            return Ok(Token::Op(Op::Newline));
        }
        if c.is_ascii_digit() {
            let digits: String = self.src[self.pos..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let after = self.src[self.pos + digits.len()..].chars().next();
            if let (Some('<' | '>'), Ok(fd)) = (after, digits.parse::<u32>()) {
                self.pos += digits.len();
                return self.redirection(Some(fd));
            }
        }
        let op = match c {
            '|' if self.eat_str("||") => Op::Or,
            '|' if self.eat_str("|&") => Op::PipeBoth,
            '|' => Op::Pipe,
            '&' if self.eat_str("&&") => Op::And,
            '&' if self.eat_str("&>>") => {
                return Ok(Token::Redir {
                    fd: None,
                    op: RedirOp::BothAppend,
                });
            }
            '&' if self.eat_str("&>") => {
                return Ok(Token::Redir {
                    fd: None,
                    op: RedirOp::Both,
                });
            }
            '&' => Op::Amp,
            ';' if self.eat_str(";;") => Op::DoubleSemi,
            ';' => Op::Semi,
            '(' => Op::LParen,
            ')' => Op::RParen,
            '<' | '>' => return self.redirection(None),
            _ => return Ok(Token::Word(self.word(Mode::Unquoted)?)),
        };
        if matches!(op, Op::Pipe | Op::Amp | Op::Semi | Op::LParen | Op::RParen) {
            self.bump();
        }
        Ok(Token::Op(op))
    }

    fn redirection(&mut self, fd: Option<u32>) -> Result<Token, SyntaxError> {
        let op = if self.eat_str("<<<") {
            RedirOp::HereString
        } else if self.eat_str("<<-") {
            return self.heredoc(fd, true);
        } else if self.eat_str("<<") {
            return self.heredoc(fd, false);
        } else if self.eat_str("<&") {
            RedirOp::DupIn
        } else if self.eat_str("<>") {
            RedirOp::ReadWrite
        } else if self.eat_str("<(") || self.eat_str(">(") {
            RedirOp::ProcessSubst
        } else if self.eat_str(">>") {
            RedirOp::Append
        } else if self.eat_str(">&") {
            RedirOp::DupOut
        } else if self.eat_str(">|") || self.eat_str(">") {
            RedirOp::Out
        } else {
            self.bump();
            RedirOp::In
        };
        Ok(Token::Redir { fd, op })
    }

    /// After `<<`: reads the delimiter word and queues the body for the next newline.
    fn heredoc(&mut self, fd: Option<u32>, strip_tabs: bool) -> Result<Token, SyntaxError> {
        while self.peek().is_some_and(is_blank) {
            self.bump();
        }
        match self.peek() {
            None => return Err(SyntaxError::UnexpectedEof),
            Some('\n') => return Err(SyntaxError::UnexpectedToken("newline".into())),
            Some(c) if is_meta(c) => return Err(SyntaxError::UnexpectedToken(c.to_string())),
            Some(_) => {}
        }
        let word = self.word(Mode::Unquoted)?;
        let mut delimiter = String::new();
        let mut quoted = false;
        for part in &word.parts {
            match part {
                WordPart::Literal { text, quoted: q } => {
                    delimiter.push_str(text);
                    quoted |= *q;
                }
                WordPart::Tilde => delimiter.push('~'),
                WordPart::Param { name, .. } => delimiter.push_str(&format!("${name}")),
                WordPart::Subst { .. } => quoted = true,
            }
        }
        self.pending.push(Pending {
            token_index: self.emitted,
            delimiter,
            quoted,
            strip_tabs,
        });
        Ok(Token::HereDoc {
            fd,
            body: HereBody::Literal(String::new()),
        })
    }

    fn read_heredoc_bodies(&mut self) -> Result<(), SyntaxError> {
        for pending in std::mem::take(&mut self.pending) {
            let mut body = String::new();
            loop {
                let rest = self.src.get(self.pos..).unwrap_or("");
                if rest.is_empty() {
                    return Err(SyntaxError::UnterminatedHeredoc(pending.delimiter));
                }
                let (line, consumed) = match rest.find('\n') {
                    Some(i) => (&rest[..i], i + 1),
                    None => (rest, rest.len()),
                };
                self.pos += consumed;
                let line = if pending.strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if line == pending.delimiter || line.strip_suffix('\r') == Some(&pending.delimiter)
                {
                    break;
                }
                body.push_str(line);
                body.push('\n');
            }
            let body = if pending.quoted {
                HereBody::Literal(body)
            } else {
                let mut lexer = Lexer::new(&body, self.depth);
                HereBody::Expand(lexer.word(Mode::HereDoc)?)
            };
            self.bodies.push((pending.token_index, body));
        }
        Ok(())
    }

    fn word(&mut self, mode: Mode) -> Result<Word, SyntaxError> {
        let mut word = Word::default();
        let in_quotes = matches!(mode, Mode::Brace { quoted: true } | Mode::HereDoc);
        loop {
            let Some(c) = self.peek() else {
                if matches!(mode, Mode::Brace { .. }) {
                    return Err(SyntaxError::Unterminated('}'));
                }
                break;
            };
            match (mode, c) {
                (Mode::Unquoted, c) if is_meta(c) => break,
                (Mode::Brace { .. }, '}') => break,
                (_, '$') => {
                    self.bump();
                    self.dollar(&mut word, in_quotes)?;
                }
                (_, '`') => {
                    self.bump();
                    let script = self.backtick()?;
                    word.parts.push(WordPart::Subst {
                        script,
                        quoted: in_quotes,
                    });
                }
                (_, '\\') => {
                    self.bump();
                    match self.bump() {
                        None => word.push_char('\\', in_quotes),
                        Some('\n') => {}
                        Some(c)
                            if !in_quotes
                                || matches!(c, '$' | '`' | '\\')
                                || (c == '}' && matches!(mode, Mode::Brace { .. })) =>
                        {
                            word.push_char(c, true);
                        }
                        Some(c) => {
                            word.push_char('\\', true);
                            word.push_char(c, true);
                        }
                    }
                }
                (Mode::Unquoted | Mode::Brace { quoted: false }, '\'') => {
                    self.bump();
                    word.mark_quoted();
                    self.single_quoted(&mut word)?;
                }
                (Mode::Unquoted | Mode::Brace { quoted: false }, '"') => {
                    self.bump();
                    word.mark_quoted();
                    self.double_quoted(&mut word)?;
                }
                (Mode::Unquoted, '~') if word.parts.is_empty() || is_assignment_prefix(&word) => {
                    self.bump();
                    match self.peek() {
                        None | Some('/') => word.parts.push(WordPart::Tilde),
                        Some(c) if is_meta(c) => word.parts.push(WordPart::Tilde),
                        Some(_) => word.push_char('~', false),
                    }
                }
                (_, c) => {
                    self.bump();
                    word.push_char(c, in_quotes);
                }
            }
        }
        Ok(word)
    }

    fn single_quoted(&mut self, word: &mut Word) -> Result<(), SyntaxError> {
        loop {
            match self.bump() {
                None => return Err(SyntaxError::Unterminated('\'')),
                Some('\'') => return Ok(()),
                Some(c) => word.push_char(c, true),
            }
        }
    }

    fn double_quoted(&mut self, word: &mut Word) -> Result<(), SyntaxError> {
        loop {
            match self.bump() {
                None => return Err(SyntaxError::Unterminated('"')),
                Some('"') => return Ok(()),
                Some('$') => self.dollar(word, true)?,
                Some('`') => {
                    let script = self.backtick()?;
                    word.parts.push(WordPart::Subst {
                        script,
                        quoted: true,
                    });
                }
                Some('\\') => match self.bump() {
                    None => return Err(SyntaxError::Unterminated('"')),
                    Some('\n') => {}
                    Some(c @ ('$' | '`' | '"' | '\\')) => word.push_char(c, true),
                    Some(c) => {
                        word.push_char('\\', true);
                        word.push_char(c, true);
                    }
                },
                Some(c) => word.push_char(c, true),
            }
        }
    }

    /// `$'…'`: ANSI-C quoting with the common escapes.
    fn ansi_c_quoted(&mut self, word: &mut Word) -> Result<(), SyntaxError> {
        word.mark_quoted();
        loop {
            match self.bump() {
                None => return Err(SyntaxError::Unterminated('\'')),
                Some('\'') => return Ok(()),
                Some('\\') => {
                    let c = match self.bump() {
                        None => return Err(SyntaxError::Unterminated('\'')),
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('r') => '\r',
                        Some('e' | 'E') => '\u{1b}',
                        Some('a') => '\u{7}',
                        Some('0') => '\0',
                        Some(c) => c,
                    };
                    word.push_char(c, true);
                }
                Some(c) => word.push_char(c, true),
            }
        }
    }

    fn nested_depth(&self) -> Result<usize, SyntaxError> {
        let depth = self.depth + 1;
        if depth > MAX_NESTING_DEPTH {
            return Err(SyntaxError::TooDeep(MAX_NESTING_DEPTH));
        }
        Ok(depth)
    }

    /// After a `$`.
    fn dollar(&mut self, word: &mut Word, quoted: bool) -> Result<(), SyntaxError> {
        match self.peek() {
            Some('(') if self.peek_at(1) == Some('(') => {
                Err(SyntaxError::Unsupported("arithmetic expansions $((…))"))
            }
            Some('(') => {
                self.bump();
                let mut inner = Lexer::new(self.src, self.nested_depth()?);
                inner.pos = self.pos;
                let tokens = inner.lex_until_paren()?;
                self.pos = tokens.1;
                let script = parser::parse(tokens.0)?;
                word.parts.push(WordPart::Subst { script, quoted });
                Ok(())
            }
            Some('{') => {
                self.bump();
                self.braced_param(word, quoted)
            }
            Some('\'') if !quoted => {
                self.bump();
                self.ansi_c_quoted(word)
            }
            Some(c @ ('?' | '$' | '#' | '!' | '@' | '*' | '-' | '0'..='9')) => {
                self.bump();
                word.parts.push(WordPart::Param {
                    name: c.to_string(),
                    op: ParamOp::Plain,
                    quoted,
                });
                Ok(())
            }
            Some(c) if is_name_start(c) => {
                let name = self.name();
                word.parts.push(WordPart::Param {
                    name,
                    op: ParamOp::Plain,
                    quoted,
                });
                Ok(())
            }
            // `$"…"` is a (locale-translated) double-quoted string; otherwise `$` is literal.
            Some('"') if !quoted => Ok(()),
            _ => {
                word.push_char('$', quoted);
                Ok(())
            }
        }
    }

    /// Lexes the inside of `$(…)`; returns its tokens and the position after the `)`.
    fn lex_until_paren(mut self) -> Result<(Vec<Spanned>, usize), SyntaxError> {
        let mut tokens = Vec::new();
        let mut parens = 0usize;
        loop {
            let Some(spanned) = self.next_token()? else {
                return Err(SyntaxError::Unterminated(')'));
            };
            match spanned.token {
                Token::Op(Op::LParen) => parens += 1,
                Token::Op(Op::RParen) if parens == 0 => break,
                Token::Op(Op::RParen) => parens -= 1,
                _ => {}
            }
            tokens.push(spanned);
        }
        if let Some(p) = self.pending.first() {
            return Err(SyntaxError::UnterminatedHeredoc(p.delimiter.clone()));
        }
        attach_bodies(&mut tokens, self.bodies);
        Ok((tokens, self.pos))
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek().filter(|c| is_name_char(*c)) {
            name.push(c);
            self.bump();
        }
        name
    }

    /// After `${`.
    fn braced_param(&mut self, word: &mut Word, quoted: bool) -> Result<(), SyntaxError> {
        let start = self.pos;
        let length = self.peek() == Some('#') && self.peek_at(1) != Some('}');
        if length {
            self.bump();
        }
        let name = match self.peek() {
            Some(c) if is_name_start(c) => self.name(),
            Some(c @ ('?' | '$' | '#' | '!' | '@' | '*' | '-' | '0'..='9')) => {
                self.bump();
                c.to_string()
            }
            _ => String::new(),
        };
        if self.peek() == Some('[')
            && !name.is_empty()
            && is_name_start(name.chars().next().unwrap_or('0'))
        {
            self.bump();
            let mut subscript = String::new();
            loop {
                match self.bump() {
                    Some(']') => break,
                    Some(c) => subscript.push(c),
                    None => return Err(SyntaxError::Unterminated(']')),
                }
            }
            if !self.eat('}') {
                return Err(self.bad_substitution(start));
            }
            let op = ParamOp::Element { subscript, length };
            word.parts.push(WordPart::Param { name, op, quoted });
            return Ok(());
        }
        let colon = self.eat(':');
        let op = match self.peek() {
            Some('}') if !colon && !name.is_empty() => {
                self.bump();
                let op = if length {
                    ParamOp::Length
                } else {
                    ParamOp::Plain
                };
                word.parts.push(WordPart::Param { name, op, quoted });
                return Ok(());
            }
            Some(c @ ('-' | '=' | '+' | '?')) if !length && !name.is_empty() => c,
            _ => return Err(self.bad_substitution(start)),
        };
        self.bump();
        let mut inner = Lexer::new(self.src, self.nested_depth()?);
        inner.pos = self.pos;
        let arg = inner.word(Mode::Brace { quoted })?;
        self.pos = inner.pos;
        self.bump();
        let op = match op {
            '-' => ParamOp::Default { word: arg, colon },
            '=' => ParamOp::Assign { word: arg, colon },
            '+' => ParamOp::Alternative { word: arg, colon },
            _ => ParamOp::Error { word: arg, colon },
        };
        word.parts.push(WordPart::Param { name, op, quoted });
        Ok(())
    }

    fn bad_substitution(&mut self, start: usize) -> SyntaxError {
        while let Some(c) = self.bump() {
            if c == '}' {
                let text = self.src.get(start..self.pos).unwrap_or("");
                return SyntaxError::BadSubstitution(format!("${{{text}"));
            }
        }
        SyntaxError::Unterminated('}')
    }

    /// After an opening backtick: the command text up to the closing one, lexed and parsed.
    fn backtick(&mut self) -> Result<Script, SyntaxError> {
        let mut inner = String::new();
        loop {
            match self.bump() {
                None => return Err(SyntaxError::Unterminated('`')),
                Some('`') => break,
                Some('\\') => match self.bump() {
                    None => return Err(SyntaxError::Unterminated('`')),
                    Some(c @ ('$' | '`' | '\\')) => inner.push(c),
                    Some(c) => {
                        inner.push('\\');
                        inner.push(c);
                    }
                },
                Some(c) => inner.push(c),
            }
        }
        let tokens = Lexer::new(&inner, self.nested_depth()?).lex_all()?;
        parser::parse(tokens)
    }
}

fn attach_bodies(tokens: &mut [Spanned], bodies: Vec<(usize, HereBody)>) {
    for (index, body) in bodies {
        if let Some(Spanned {
            token: Token::HereDoc { body: slot, .. },
            ..
        }) = tokens.get_mut(index)
        {
            *slot = body;
        }
    }
}
