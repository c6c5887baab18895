//! Builds the AST (lists of and-or chains of pipelines of simple commands) from tokens, and
//! rejects the constructs this shell does not implement with a clear message.

use crate::error::SyntaxError;
use crate::lexer::{HereBody, Op, RedirOp, Spanned, Token, Word, WordPart};
use crate::limits::MAX_PIPELINE_LEN;

/// Commands separated by `;` or newlines.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Script {
    pub items: Vec<AndOr>,
}

/// `a && b || c`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(Connector, Pipeline)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Connector {
    And,
    Or,
}

/// `[!] a | b | c`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Pipeline {
    pub negated: bool,
    pub commands: Vec<Command>,
}

/// `NAME=value… word… redirection…` in any order, or a compound command with its
/// redirections.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Command {
    pub assignments: Vec<(String, Word)>,
    /// `NAME=(WORD…)`: bash's indexed arrays.
    pub arrays: Vec<(String, Vec<Word>)>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    pub compound: Option<Box<Compound>>,
}

/// The compound commands: loops, conditionals and groups.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Compound {
    /// `while COND; do BODY; done` (`until`: while the condition fails).
    While {
        until: bool,
        condition: Script,
        body: Script,
    },
    /// `for NAME [in WORD…]; do BODY; done`
    For {
        name: String,
        words: Option<Vec<Word>>,
        body: Script,
    },
    /// `if COND; then BODY; [elif COND; then BODY;]… [else BODY;] fi`
    If {
        branches: Vec<(Script, Script)>,
        otherwise: Option<Script>,
    },
    /// `{ LIST; }`
    Group(Script),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Redirect {
    pub fd: u32,
    pub target: Target,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Target {
    /// `< file`
    Read(Word),
    /// `> file`
    Write(Word),
    /// `>> file`
    Append(Word),
    /// `N>&M`: make `fd` a copy of `M`.
    Dup(u32),
    /// `<<EOF`
    HereDoc(HereBody),
    /// `<<< word`
    HereString(Word),
}

pub(crate) fn parse(tokens: Vec<Spanned>) -> Result<Script, SyntaxError> {
    let mut parser = Parser {
        tokens: tokens.into_iter().map(|s| s.token).collect(),
        pos: 0,
    };
    parser.script()
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

/// How an operator token is shown in "unexpected token" messages.
fn op_text(op: Op) -> &'static str {
    match op {
        Op::Pipe => "|",
        Op::PipeBoth => "|&",
        Op::And => "&&",
        Op::Or => "||",
        Op::Semi => ";",
        Op::DoubleSemi => ";;",
        Op::Amp => "&",
        Op::LParen => "(",
        Op::RParen => ")",
        Op::Newline => "newline",
    }
}

fn token_text(token: &Token) -> String {
    match token {
        Token::Op(op) => op_text(*op).to_string(),
        Token::Redir { op, .. } => match op {
            RedirOp::In => "<",
            RedirOp::Out => ">",
            RedirOp::Append => ">>",
            RedirOp::DupOut => ">&",
            RedirOp::DupIn => "<&",
            RedirOp::Both => "&>",
            RedirOp::BothAppend => "&>>",
            RedirOp::HereString => "<<<",
            RedirOp::ReadWrite => "<>",
            RedirOp::ProcessSubst => "(",
        }
        .to_string(),
        Token::HereDoc { .. } => "<<".to_string(),
        Token::Word(word) => word.plain_text().unwrap_or("word").to_string(),
    }
}

/// Reserved words this shell does not implement, with the construct they start.
fn unsupported_keyword(word: &str) -> Option<&'static str> {
    Some(match word {
        "select" => "'select' loops",
        "case" => "'case' statements",
        "function" => "function definitions",
        "[[" => "'[[ … ]]' tests",
        "coproc" => "coprocesses",
        _ => return None,
    })
}

/// Reserved words that can only continue a construct started elsewhere.
fn is_closing_keyword(word: &str) -> bool {
    matches!(
        word,
        "then" | "else" | "elif" | "fi" | "do" | "done" | "esac" | "}"
    )
}

/// Splits `NAME=value` off a word, if it is an assignment.
fn assignment(word: &Word) -> Option<(String, Word)> {
    let Some(WordPart::Literal {
        text,
        quoted: false,
    }) = word.parts.first()
    else {
        return None;
    };
    let (name, value) = text.split_once('=')?;
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return None;
    }
    let mut parts = vec![WordPart::Literal {
        text: value.to_string(),
        quoted: false,
    }];
    parts.extend(word.parts.iter().skip(1).cloned());
    Some((name.to_string(), Word { parts }))
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_op(&self) -> Option<Op> {
        match self.peek() {
            Some(Token::Op(op)) => Some(*op),
            _ => None,
        }
    }

    fn unexpected(&self) -> SyntaxError {
        match self.peek() {
            None => SyntaxError::UnexpectedEof,
            Some(Token::Op(Op::Amp)) => SyntaxError::Unsupported("background jobs ('&')"),
            Some(Token::Op(Op::LParen)) => SyntaxError::Unsupported("subshells '( … )'"),
            Some(token) => SyntaxError::UnexpectedToken(token_text(token)),
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek_op() == Some(Op::Newline) {
            self.pos += 1;
        }
    }

    fn script(&mut self) -> Result<Script, SyntaxError> {
        let mut script = Script::default();
        loop {
            self.skip_newlines();
            if self.peek().is_none() {
                return Ok(script);
            }
            script.items.push(self.and_or()?);
            match self.peek_op() {
                None if self.peek().is_none() => return Ok(script),
                Some(Op::Semi | Op::Newline) => self.pos += 1,
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn and_or(&mut self) -> Result<AndOr, SyntaxError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let connector = match self.peek_op() {
                Some(Op::And) => Connector::And,
                Some(Op::Or) => Connector::Or,
                _ => return Ok(AndOr { first, rest }),
            };
            self.pos += 1;
            self.skip_newlines();
            rest.push((connector, self.pipeline()?));
        }
    }

    fn pipeline(&mut self) -> Result<Pipeline, SyntaxError> {
        let negated = matches!(self.peek(), Some(Token::Word(w)) if w.plain_text() == Some("!"));
        if negated {
            self.pos += 1;
        }
        let mut commands = vec![self.command()?];
        loop {
            let both = match self.peek_op() {
                Some(Op::Pipe) => false,
                Some(Op::PipeBoth) => true,
                _ => return Ok(Pipeline { negated, commands }),
            };
            if both && let Some(last) = commands.last_mut() {
                last.redirects.push(Redirect {
                    fd: 2,
                    target: Target::Dup(1),
                });
            }
            self.pos += 1;
            self.skip_newlines();
            if commands.len() >= MAX_PIPELINE_LEN {
                return Err(SyntaxError::PipelineTooLong(MAX_PIPELINE_LEN));
            }
            commands.push(self.command()?);
        }
    }

    fn command(&mut self) -> Result<Command, SyntaxError> {
        let mut command = Command::default();
        while let Some(token) = self.peek().cloned() {
            match token {
                Token::Word(word) => {
                    if command.words.is_empty() {
                        // Reserved words only count in command position.
                        if let Some(text) = word.plain_text()
                            && command.assignments.is_empty()
                        {
                            if matches!(text, "while" | "until" | "for" | "if" | "{") {
                                let keyword = text.to_string();
                                self.pos += 1;
                                return self.compound(&keyword);
                            }
                            if let Some(what) = unsupported_keyword(text) {
                                return Err(SyntaxError::Unsupported(what));
                            }
                            if is_closing_keyword(text) {
                                return Err(SyntaxError::UnexpectedToken(text.to_string()));
                            }
                        }
                        if let Some(assign) = assignment(&word) {
                            command.assignments.push(assign);
                            self.pos += 1;
                            continue;
                        }
                    }
                    command.words.push(word);
                    self.pos += 1;
                }
                Token::Redir { fd, op } => {
                    self.pos += 1;
                    self.redirect(&mut command, fd, op)?;
                }
                Token::HereDoc { fd, body } => {
                    self.pos += 1;
                    let target = Target::HereDoc(body);
                    command.redirects.push(Redirect {
                        fd: fd.unwrap_or(0),
                        target,
                    });
                }
                // `NAME=(a b c)`: an array assignment.
                Token::Op(Op::LParen)
                    if command.words.is_empty()
                        && command
                            .assignments
                            .last()
                            .is_some_and(|(_, value)| value.plain_text() == Some("")) =>
                {
                    self.pos += 1;
                    let mut elements = Vec::new();
                    loop {
                        match self.peek().cloned() {
                            Some(Token::Word(word)) => elements.push(word),
                            Some(Token::Op(Op::Newline)) => {}
                            Some(Token::Op(Op::RParen)) => break,
                            _ => return Err(self.unexpected()),
                        }
                        self.pos += 1;
                    }
                    self.pos += 1;
                    if let Some((name, _)) = command.assignments.pop() {
                        command.arrays.push((name, elements));
                    }
                }
                Token::Op(Op::LParen) if command.words.len() == 1 => {
                    return Err(SyntaxError::Unsupported("function definitions"));
                }
                Token::Op(_) => break,
            }
        }
        if command.words.is_empty()
            && command.assignments.is_empty()
            && command.arrays.is_empty()
            && command.redirects.is_empty()
        {
            return Err(self.unexpected());
        }
        Ok(command)
    }

    /// A compound command after its opening keyword, then its redirections.
    fn compound(&mut self, keyword: &str) -> Result<Command, SyntaxError> {
        let compound = match keyword {
            "while" | "until" => {
                let (condition, _) = self.list_until(&["do"])?;
                let (body, _) = self.list_until(&["done"])?;
                Compound::While {
                    until: keyword == "until",
                    condition,
                    body,
                }
            }
            "for" => self.for_loop()?,
            "if" => {
                let mut branches = Vec::new();
                let mut otherwise = None;
                loop {
                    let (condition, _) = self.list_until(&["then"])?;
                    let (body, end) = self.list_until(&["elif", "else", "fi"])?;
                    branches.push((condition, body));
                    match end.as_str() {
                        "elif" => continue,
                        "else" => {
                            otherwise = Some(self.list_until(&["fi"])?.0);
                            break;
                        }
                        _ => break,
                    }
                }
                Compound::If {
                    branches,
                    otherwise,
                }
            }
            _ => Compound::Group(self.list_until(&["}"])?.0),
        };
        let mut command = Command {
            compound: Some(Box::new(compound)),
            ..Command::default()
        };
        loop {
            match self.peek().cloned() {
                Some(Token::Redir { fd, op }) => {
                    self.pos += 1;
                    self.redirect(&mut command, fd, op)?;
                }
                Some(Token::HereDoc { fd, body }) => {
                    self.pos += 1;
                    command.redirects.push(Redirect {
                        fd: fd.unwrap_or(0),
                        target: Target::HereDoc(body),
                    });
                }
                Some(Token::Op(_)) | None => return Ok(command),
                Some(token) => return Err(SyntaxError::UnexpectedToken(token_text(&token))),
            }
        }
    }

    /// `for NAME [in WORD…] ; do BODY ; done`
    fn for_loop(&mut self) -> Result<Compound, SyntaxError> {
        let name = match self.peek() {
            Some(Token::Word(word)) => word
                .plain_text()
                .filter(|n| {
                    n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
                .map(str::to_string)
                .ok_or_else(|| {
                    SyntaxError::UnexpectedToken(token_text(&Token::Word(word.clone())))
                })?,
            _ => return Err(self.unexpected()),
        };
        self.pos += 1;
        let mut words = None;
        if matches!(self.peek(), Some(Token::Word(w)) if w.plain_text() == Some("in")) {
            self.pos += 1;
            let mut list = Vec::new();
            while let Some(Token::Word(word)) = self.peek() {
                list.push(word.clone());
                self.pos += 1;
            }
            words = Some(list);
        }
        if matches!(self.peek_op(), Some(Op::Semi)) {
            self.pos += 1;
        }
        self.skip_newlines();
        match self.peek() {
            Some(Token::Word(w)) if w.plain_text() == Some("do") => self.pos += 1,
            _ => return Err(self.unexpected()),
        }
        let (body, _) = self.list_until(&["done"])?;
        Ok(Compound::For { name, words, body })
    }

    /// Commands up to one of the reserved words `ends` in command position; returns them and
    /// the word that ended them (consumed).
    fn list_until(&mut self, ends: &[&str]) -> Result<(Script, String), SyntaxError> {
        let mut script = Script::default();
        loop {
            self.skip_newlines();
            match self.peek() {
                None => return Err(SyntaxError::UnexpectedEof),
                Some(Token::Word(word)) => {
                    if let Some(end) = word.plain_text().filter(|t| ends.contains(t)) {
                        let end = end.to_string();
                        self.pos += 1;
                        return Ok((script, end));
                    }
                }
                _ => {}
            }
            script.items.push(self.and_or()?);
            match self.peek_op() {
                Some(Op::Semi | Op::Newline) => self.pos += 1,
                None if self.peek().is_none() => return Err(SyntaxError::UnexpectedEof),
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn target_word(&mut self) -> Result<Word, SyntaxError> {
        match self.peek() {
            Some(Token::Word(word)) => {
                let word = word.clone();
                self.pos += 1;
                Ok(word)
            }
            // A missing target at the end of the line is reported like bash does.
            None => Err(SyntaxError::UnexpectedToken("newline".into())),
            _ => Err(self.unexpected()),
        }
    }

    fn redirect(
        &mut self,
        command: &mut Command,
        fd: Option<u32>,
        op: RedirOp,
    ) -> Result<(), SyntaxError> {
        let mut push = |fd: u32, target: Target| command.redirects.push(Redirect { fd, target });
        match op {
            RedirOp::In => push(fd.unwrap_or(0), Target::Read(self.target_word()?)),
            RedirOp::Out => push(fd.unwrap_or(1), Target::Write(self.target_word()?)),
            RedirOp::Append => push(fd.unwrap_or(1), Target::Append(self.target_word()?)),
            RedirOp::HereString => push(fd.unwrap_or(0), Target::HereString(self.target_word()?)),
            RedirOp::Both | RedirOp::BothAppend => {
                let word = self.target_word()?;
                let target = if op == RedirOp::Both {
                    Target::Write(word)
                } else {
                    Target::Append(word)
                };
                push(1, target);
                push(2, Target::Dup(1));
            }
            RedirOp::DupOut | RedirOp::DupIn => {
                let word = self.target_word()?;
                let default_fd = if op == RedirOp::DupOut { 1 } else { 0 };
                match word.plain_text().map(str::parse::<u32>) {
                    Some(Ok(target)) => push(fd.unwrap_or(default_fd), Target::Dup(target)),
                    // `>&file` is bash's old spelling of `&>file`.
                    _ if op == RedirOp::DupOut && fd.is_none() => {
                        push(1, Target::Write(word));
                        push(2, Target::Dup(1));
                    }
                    _ => {
                        return Err(SyntaxError::Unsupported(
                            "closing or moving file descriptors",
                        ));
                    }
                }
            }
            RedirOp::ReadWrite => {
                return Err(SyntaxError::Unsupported("read-write redirections '<>'"));
            }
            RedirOp::ProcessSubst => {
                return Err(SyntaxError::Unsupported("process substitutions '<(…)'"));
            }
        }
        Ok(())
    }
}
