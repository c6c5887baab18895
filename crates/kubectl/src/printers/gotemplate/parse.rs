//! The parser of Go's `text/template` (`parse/parse.go`) for the actions kubectl users write:
//! pipelines with variables, `if`/`else if`/`else`, `range` (with `else`), `with`, and
//! parenthesised pipelines. Functions must be known at parse time, as in Go.

use super::lex::{Item, Token};

#[derive(Clone, Debug)]
pub(super) enum Node {
    Text(String),
    Action(Pipe),
    If(Branch),
    Range(Branch),
    With(Branch),
}

/// The shared shape of `if`, `range` and `with`.
#[derive(Clone, Debug)]
pub(super) struct Branch {
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Vec<Node>,
}

#[derive(Clone, Debug)]
pub(super) struct Pipe {
    pub pos: usize,
    pub decl: Vec<String>,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    pub cmds: Vec<Command>,
}

#[derive(Clone, Debug)]
pub(super) struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

#[derive(Clone, Debug)]
pub(super) enum Arg {
    /// `.a.b`: the field chain on dot.
    Field {
        pos: usize,
        idents: Vec<String>,
    },
    /// `$x.a.b`.
    Variable {
        pos: usize,
        name: String,
        idents: Vec<String>,
    },
    /// `(pipeline).a.b`.
    Chain {
        pos: usize,
        pipe: Box<Pipe>,
        idents: Vec<String>,
    },
    Pipe(Box<Pipe>),
    Dot,
    Nil,
    Bool(bool),
    Number(String),
    Str(String, String),
    Char(String, u32),
    Function(String),
}

pub(super) const FUNCTIONS: &[&str] = &[
    "and",
    "or",
    "not",
    "len",
    "index",
    "print",
    "printf",
    "println",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "html",
    "js",
    "urlquery",
    "exists",
    "base64decode",
];

pub(super) struct ParseError {
    pub line: usize,
    pub message: String,
}

pub(super) fn parse(items: Vec<Item>) -> Result<Vec<Node>, ParseError> {
    let mut parser = Parser {
        items,
        next: 0,
        vars: vec!["$".to_string()],
    };
    let (list, end) = parser.list()?;
    match end {
        Stop::Eof => Ok(list),
        Stop::End(line) => Err(ParseError {
            line,
            message: "unexpected {{end}}".into(),
        }),
        Stop::Else(line, _) => Err(ParseError {
            line,
            message: "unexpected {{else}}".into(),
        }),
    }
}

/// What stopped a list.
enum Stop {
    Eof,
    End(usize),
    /// `{{else}}` or, with a keyword, `{{else if …}}` / `{{else with …}}`.
    Else(usize, Option<String>),
}

struct Parser {
    items: Vec<Item>,
    next: usize,
    /// Variables in scope, innermost last.
    vars: Vec<String>,
}

impl Parser {
    fn peek(&self) -> &Item {
        let index = self.next.min(self.items.len().saturating_sub(1));
        &self.items[index]
    }

    fn advance(&mut self) -> Item {
        let item = self.peek().clone();
        if self.next < self.items.len() {
            self.next += 1;
        }
        item
    }

    fn skip_space(&mut self) {
        while self.peek().token == Token::Space {
            self.advance();
        }
    }

    fn next_non_space(&mut self) -> Item {
        self.skip_space();
        self.advance()
    }

    fn peek_non_space(&mut self) -> Item {
        self.skip_space();
        self.peek().clone()
    }

    fn error<T>(&self, line: usize, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            line,
            message: message.into(),
        })
    }

    fn list(&mut self) -> Result<(Vec<Node>, Stop), ParseError> {
        let mut nodes = Vec::new();
        loop {
            let item = self.advance();
            match item.token {
                Token::Eof => return Ok((nodes, Stop::Eof)),
                Token::Text(text) => nodes.push(Node::Text(text)),
                Token::LeftDelim => {
                    let keyword = self.peek_non_space();
                    match &keyword.token {
                        Token::Identifier(word) if word == "end" => {
                            self.advance();
                            self.expect_right(keyword.line, "end")?;
                            return Ok((nodes, Stop::End(keyword.line)));
                        }
                        Token::Identifier(word) if word == "else" => {
                            self.advance();
                            let after = self.peek_non_space();
                            if let Token::Identifier(word) = &after.token
                                && (word == "if" || word == "with")
                            {
                                // `{{else if …}}`: the keyword starts the nested branch.
                                return Ok((nodes, Stop::Else(keyword.line, Some(word.clone()))));
                            }
                            self.expect_right(keyword.line, "else")?;
                            return Ok((nodes, Stop::Else(keyword.line, None)));
                        }
                        Token::Identifier(word)
                            if matches!(word.as_str(), "if" | "range" | "with") =>
                        {
                            let word = word.clone();
                            self.advance();
                            nodes.push(self.branch(&word)?);
                        }
                        Token::Identifier(word)
                            if matches!(
                                word.as_str(),
                                "define" | "template" | "block" | "break" | "continue"
                            ) =>
                        {
                            return self.error(
                                keyword.line,
                                format!("kubeplay does not support {{{{{word}}}}} in templates"),
                            );
                        }
                        _ => {
                            let pipe = self.pipeline("command", true)?;
                            nodes.push(Node::Action(pipe));
                        }
                    }
                }
                _ => return self.error(item.line, "unexpected token"),
            }
        }
    }

    fn expect_right(&mut self, line: usize, context: &str) -> Result<(), ParseError> {
        let item = self.next_non_space();
        if item.token != Token::RightDelim {
            return self.error(
                line,
                format!("unexpected {} in {context}", describe(&item.token)),
            );
        }
        Ok(())
    }

    /// `if`, `range` or `with` after its keyword, through its `{{end}}`.
    fn branch(&mut self, keyword: &str) -> Result<Node, ParseError> {
        let depth = self.vars.len();
        let pipe = self.pipeline(keyword, keyword == "range")?;
        let (list, end) = self.list()?;
        let else_list = match end {
            Stop::Eof => return self.error(self.peek().line, "unexpected EOF"),
            Stop::End(_) => Vec::new(),
            Stop::Else(_, None) => {
                let (else_list, end) = self.list()?;
                match end {
                    Stop::End(_) => else_list,
                    Stop::Eof => return self.error(self.peek().line, "unexpected EOF"),
                    Stop::Else(line, _) => {
                        return self.error(line, "expected end; found {{else}}");
                    }
                }
            }
            Stop::Else(else_line, Some(nested)) => {
                if nested != keyword {
                    return self.error(
                        else_line,
                        format!("expected end; found {{{{else {nested}}}}}"),
                    );
                }
                self.skip_space();
                self.advance();
                // The nested branch consumes the shared `{{end}}`.
                vec![self.branch(&nested)?]
            }
        };
        self.vars.truncate(depth);
        let branch = Branch {
            pipe,
            list,
            else_list,
        };
        Ok(match keyword {
            "if" => Node::If(branch),
            "range" => Node::Range(branch),
            _ => Node::With(branch),
        })
    }

    /// A pipeline up to `}}` (or `)` when nested), with an optional declaration.
    fn pipeline(&mut self, context: &str, allow_two_vars: bool) -> Result<Pipe, ParseError> {
        let start = self.peek_non_space();
        let mut pipe = Pipe {
            pos: start.pos,
            decl: Vec::new(),
            is_assign: false,
            cmds: Vec::new(),
        };
        // Declarations: `$x :=`, `$x =`, `$i, $e :=`.
        let save = self.next;
        if let Token::Variable(name) = &start.token {
            let name = name.clone();
            self.advance();
            let after = self.peek_non_space();
            match after.token {
                Token::Declare | Token::Assign => {
                    self.advance();
                    pipe.is_assign = after.token == Token::Assign;
                    pipe.decl.push(name);
                }
                Token::Comma if allow_two_vars => {
                    self.advance();
                    let second = self.next_non_space();
                    let Token::Variable(second_name) = second.token else {
                        return self
                            .error(second.line, format!("bad declaration syntax in {context}"));
                    };
                    let op = self.next_non_space();
                    if !matches!(op.token, Token::Declare | Token::Assign) {
                        return self.error(op.line, format!("bad declaration syntax in {context}"));
                    }
                    pipe.is_assign = op.token == Token::Assign;
                    pipe.decl.push(name);
                    pipe.decl.push(second_name);
                }
                _ => self.next = save,
            }
            if !pipe.decl.is_empty() && !pipe.is_assign {
                self.vars.extend(pipe.decl.iter().cloned());
            }
            if pipe.is_assign {
                for name in &pipe.decl {
                    if !self.vars.contains(name) {
                        return self.error(start.line, format!("undefined variable \"{name}\""));
                    }
                }
            }
            pipe.pos = self.peek_non_space().pos;
        }
        loop {
            let item = self.peek_non_space();
            match item.token {
                Token::RightDelim | Token::RightParen => {
                    let closing_paren = item.token == Token::RightParen;
                    if closing_paren != (context == "parenthesized pipeline") {
                        return self.error(
                            item.line,
                            format!("unexpected {} in {context}", describe(&item.token)),
                        );
                    }
                    self.advance();
                    if pipe.cmds.is_empty() {
                        return self.error(item.line, format!("missing value for {context}"));
                    }
                    return Ok(pipe);
                }
                Token::Eof => return self.error(item.line, "unclosed action"),
                _ => {
                    let command = self.command()?;
                    pipe.cmds.push(command);
                }
            }
        }
    }

    fn command(&mut self) -> Result<Command, ParseError> {
        let start = self.peek_non_space();
        let mut command = Command {
            pos: start.pos,
            args: Vec::new(),
        };
        loop {
            self.skip_space();
            let item = self.peek().clone();
            match item.token {
                Token::RightDelim | Token::RightParen => break,
                Token::Pipe => {
                    self.advance();
                    break;
                }
                Token::Eof => return self.error(item.line, "unclosed action"),
                _ => {
                    let arg = self.operand()?;
                    command.args.push(arg);
                }
            }
        }
        if command.args.is_empty() {
            return self.error(start.line, "missing value for command");
        }
        Ok(command)
    }

    fn operand(&mut self) -> Result<Arg, ParseError> {
        let item = self.advance();
        let term = match item.token {
            Token::Field(name) => Arg::Field {
                pos: item.pos,
                idents: vec![name],
            },
            Token::Variable(name) => {
                if !self.vars.contains(&name) {
                    return self.error(item.line, format!("undefined variable \"{name}\""));
                }
                Arg::Variable {
                    pos: item.pos,
                    name,
                    idents: Vec::new(),
                }
            }
            Token::Dot => Arg::Dot,
            Token::Nil => Arg::Nil,
            Token::Bool(b) => Arg::Bool(b),
            Token::Number(text) => Arg::Number(text),
            Token::Str(text, value) => Arg::Str(text, value),
            Token::Char(text, code) => Arg::Char(text, code),
            Token::Identifier(name) => {
                if !FUNCTIONS.contains(&name.as_str()) {
                    return self.error(item.line, format!("function \"{name}\" not defined"));
                }
                Arg::Function(name)
            }
            Token::LeftParen => {
                let pipe = self.pipeline("parenthesized pipeline", false)?;
                Arg::Pipe(Box::new(pipe))
            }
            other => {
                return self.error(
                    item.line,
                    format!("unexpected {} in operand", describe(&other)),
                );
            }
        };
        // A chain of fields after the term.
        let mut chained = Vec::new();
        let mut chain_pos = None;
        while let Token::Field(name) = &self.peek().token {
            chain_pos.get_or_insert(self.peek().pos);
            chained.push(name.clone());
            self.advance();
        }
        let Some(chain_pos) = chain_pos else {
            return Ok(term);
        };
        Ok(match term {
            Arg::Field { mut idents, .. } => {
                idents.extend(chained);
                Arg::Field {
                    pos: chain_pos,
                    idents,
                }
            }
            Arg::Variable { name, .. } => Arg::Variable {
                pos: chain_pos,
                name,
                idents: chained,
            },
            Arg::Pipe(pipe) => Arg::Chain {
                pos: chain_pos,
                pipe,
                idents: chained,
            },
            other => {
                return self.error(
                    item.line,
                    format!("unexpected . after term {:?}", other.to_string()),
                );
            }
        })
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::RightDelim => "\"}}\"".into(),
        Token::RightParen => "\")\"".into(),
        Token::LeftParen => "\"(\"".into(),
        Token::Pipe => "\"|\"".into(),
        Token::Comma => "\",\"".into(),
        Token::Declare => "\":=\"".into(),
        Token::Assign => "\"=\"".into(),
        Token::Eof => "EOF".into(),
        Token::Identifier(word) => format!("<{word}>"),
        other => format!("{other:?}"),
    }
}

/// Go's `String()` of nodes, as execution errors quote them.
impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fields = |idents: &[String]| idents.iter().map(|i| format!(".{i}")).collect::<String>();
        match self {
            Arg::Field { idents, .. } => write!(f, "{}", fields(idents)),
            Arg::Variable { name, idents, .. } => write!(f, "{name}{}", fields(idents)),
            Arg::Chain { pipe, idents, .. } => write!(f, "({pipe}){}", fields(idents)),
            Arg::Pipe(pipe) => write!(f, "({pipe})"),
            Arg::Dot => write!(f, "."),
            Arg::Nil => write!(f, "nil"),
            Arg::Bool(b) => write!(f, "{b}"),
            Arg::Number(text) | Arg::Str(text, _) | Arg::Char(text, _) => write!(f, "{text}"),
            Arg::Function(name) => write!(f, "{name}"),
        }
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|arg| match arg {
                Arg::Pipe(pipe) => format!("({pipe})"),
                other => other.to_string(),
            })
            .collect();
        write!(f, "{}", args.join(" "))
    }
}

impl std::fmt::Display for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.decl.is_empty() {
            let op = if self.is_assign { "=" } else { ":=" };
            write!(f, "{} {op} ", self.decl.join(", "))?;
        }
        let cmds: Vec<String> = self.cmds.iter().map(ToString::to_string).collect();
        write!(f, "{}", cmds.join(" | "))
    }
}
