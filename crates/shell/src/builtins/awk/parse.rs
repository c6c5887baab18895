//! Lexer and recursive-descent parser for the awk subset: rules `pattern { action }` with
//! BEGIN/END, regex and expression patterns; `print`, `printf`, `if`/`else`, `next`, `exit`,
//! assignments, arithmetic, comparison, matching, concatenation and a few string functions.

use super::AwkError;
use crate::limits::{MAX_AWK_NESTING, MAX_AWK_TOKENS};
use crate::regex::{self, Flavor};
use regex_lite::Regex;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Regex(String),
    Ident(String),
    Func(String),
    Dollar,
    Punct(&'static str),
    Newline,
}

const PUNCTS: &[&str] = &[
    "&&", "||", "==", "!=", ">=", "<=", "!~", "++", "--", "+=", "-=", "*=", "/=", "%=", "^=", "{",
    "}", "(", ")", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "~", "=", "?", ":", "[",
    "]", "|",
];

const FUNCTIONS: &[&str] = &[
    "length", "substr", "index", "toupper", "tolower", "sprintf", "int", "sub", "gsub", "split",
    "match",
];

fn tokenize(src: &str) -> Result<Vec<Tok>, AwkError> {
    let chars: Vec<char> = src.chars().collect();
    let mut tokens: Vec<Tok> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        // A `/` starts a regex unless it follows an operand (then it divides).
        let after_operand = matches!(
            tokens.last(),
            Some(
                Tok::Num(_)
                    | Tok::Str(_)
                    | Tok::Ident(_)
                    | Tok::Punct(")" | "]" | "++" | "--")
                    | Tok::Dollar
            )
        );
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
            '\n' => {
                tokens.push(Tok::Newline);
                i += 1;
            }
            '#' => {
                while chars.get(i).is_some_and(|c| *c != '\n') {
                    i += 1;
                }
            }
            '"' => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(AwkError::Syntax("unterminated string".into())),
                        Some('"') => break,
                        Some('\\') => {
                            i += 1;
                            text.push(match chars.get(i) {
                                Some('n') => '\n',
                                Some('t') => '\t',
                                Some('r') => '\r',
                                Some(c) => *c,
                                None => return Err(AwkError::Syntax("unterminated string".into())),
                            });
                        }
                        Some(c) => text.push(*c),
                    }
                    i += 1;
                }
                i += 1;
                tokens.push(Tok::Str(text));
            }
            '/' if !after_operand => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => {
                            return Err(AwkError::Syntax("unterminated regexp".into()));
                        }
                        Some('/') => break,
                        Some('\\') if chars.get(i + 1) == Some(&'/') => {
                            text.push('/');
                            i += 1;
                        }
                        Some('\\') => {
                            text.push('\\');
                            if let Some(n) = chars.get(i + 1) {
                                text.push(*n);
                                i += 1;
                            }
                        }
                        Some(c) => text.push(*c),
                    }
                    i += 1;
                }
                i += 1;
                tokens.push(Tok::Regex(text));
            }
            '$' => {
                tokens.push(Tok::Dollar);
                i += 1;
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_digit() || *c == '.')
                {
                    i += 1;
                }
                if chars.get(i).is_some_and(|c| *c == 'e' || *c == 'E')
                    && chars
                        .get(i + 1)
                        .is_some_and(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
                {
                    i += 2;
                    while chars.get(i).is_some_and(char::is_ascii_digit) {
                        i += 1;
                    }
                }
                let text: String = chars.get(start..i).unwrap_or_default().iter().collect();
                let value = text
                    .parse()
                    .map_err(|_| AwkError::Syntax(format!("bad number {text}")))?;
                tokens.push(Tok::Num(value));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                let name: String = chars.get(start..i).unwrap_or_default().iter().collect();
                let is_call = chars.get(i) == Some(&'(') || name == "length";
                tokens.push(if FUNCTIONS.contains(&name.as_str()) && is_call {
                    Tok::Func(name)
                } else {
                    Tok::Ident(name)
                });
            }
            _ => {
                let rest: String = chars
                    .get(i..(i + 2).min(chars.len()))
                    .unwrap_or_default()
                    .iter()
                    .collect();
                let Some(p) = PUNCTS.iter().find(|p| rest.starts_with(**p)) else {
                    return Err(AwkError::Syntax(format!("unexpected character '{c}'")));
                };
                tokens.push(Tok::Punct(p));
                i += p.chars().count();
            }
        }
    }
    Ok(tokens)
}

#[derive(Debug)]
pub(super) enum Expr {
    Num(f64),
    Str(String),
    /// A regex on its own matches `$0`.
    Regex(Regex),
    Field(Box<Expr>),
    Var(String),
    Assign {
        target: Box<Expr>,
        op: Option<char>,
        value: Box<Expr>,
    },
    IncDec {
        target: Box<Expr>,
        delta: f64,
        prefix: bool,
    },
    Neg(Box<Expr>),
    Plus(Box<Expr>),
    Not(Box<Expr>),
    Arith(char, Box<Expr>, Box<Expr>),
    Compare(&'static str, Box<Expr>, Box<Expr>),
    Match {
        negate: bool,
        subject: Box<Expr>,
        pattern: Box<Expr>,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

#[derive(Debug)]
pub(super) enum Stmt {
    Print(Vec<Expr>),
    Printf(Vec<Expr>),
    Expr(Expr),
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    Next,
    Exit(Option<Expr>),
}

#[derive(Debug)]
pub(super) enum Pattern {
    Begin,
    End,
    All,
    Expr(Expr),
}

#[derive(Debug)]
pub(super) struct Rule {
    pub pattern: Pattern,
    /// `None`: print the record.
    pub action: Option<Vec<Stmt>>,
}

pub(super) fn parse(src: &str) -> Result<Vec<Rule>, AwkError> {
    let tokens = tokenize(src)?;
    if tokens.len() > MAX_AWK_TOKENS {
        return Err(AwkError::TooLong(MAX_AWK_TOKENS));
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        no_gt: false,
        depth: 0,
    };
    parser.program()
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
    /// Current recursion depth, bounded by [`MAX_AWK_NESTING`].
    depth: usize,
    /// Inside `print`'s arguments a bare `>` would be an output redirection.
    no_gt: bool,
}

fn unsupported(what: &'static str) -> AwkError {
    AwkError::Unsupported(what)
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }

    fn eat(&mut self, p: &str) -> bool {
        let found = self.is(p);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, p: &str) -> Result<(), AwkError> {
        if self.eat(p) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&self) -> AwkError {
        AwkError::Syntax(match self.peek() {
            None => "unexpected end of program".into(),
            Some(Tok::Newline) => "unexpected newline".into(),
            Some(Tok::Punct(p)) => format!("unexpected '{p}'"),
            Some(Tok::Ident(name) | Tok::Func(name)) => format!("unexpected '{name}'"),
            Some(Tok::Str(s)) => format!("unexpected string \"{s}\""),
            Some(Tok::Num(n)) => format!("unexpected number {n}"),
            Some(Tok::Regex(r)) => format!("unexpected regexp /{r}/"),
            Some(Tok::Dollar) => "unexpected '$'".into(),
        })
    }

    fn skip_terminators(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline | Tok::Punct(";"))) {
            self.pos += 1;
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline)) {
            self.pos += 1;
        }
    }

    fn program(&mut self) -> Result<Vec<Rule>, AwkError> {
        let mut rules = Vec::new();
        loop {
            self.skip_terminators();
            let Some(token) = self.peek().cloned() else {
                return Ok(rules);
            };
            let pattern = match token {
                Tok::Ident(name) if name == "BEGIN" || name == "END" => {
                    self.pos += 1;
                    if name == "BEGIN" {
                        Pattern::Begin
                    } else {
                        Pattern::End
                    }
                }
                Tok::Ident(name) if name == "function" => {
                    return Err(unsupported("user-defined functions"));
                }
                Tok::Punct("{") => Pattern::All,
                _ => {
                    let expr = self.expr()?;
                    if self.is(",") {
                        return Err(unsupported("range patterns"));
                    }
                    Pattern::Expr(expr)
                }
            };
            let action = if self.is("{") {
                Some(self.block()?)
            } else {
                None
            };
            if action.is_none() && matches!(pattern, Pattern::Begin | Pattern::End) {
                return Err(self.unexpected());
            }
            rules.push(Rule { pattern, action });
        }
    }

    fn block(&mut self) -> Result<Vec<Stmt>, AwkError> {
        self.expect("{")?;
        let mut stmts = Vec::new();
        loop {
            self.skip_terminators();
            if self.eat("}") {
                return Ok(stmts);
            }
            stmts.push(self.statement()?);
            if !matches!(self.peek(), Some(Tok::Newline | Tok::Punct(";" | "}"))) {
                return Err(self.unexpected());
            }
        }
    }

    fn statement(&mut self) -> Result<Stmt, AwkError> {
        self.deeper(Self::statement_inner)
    }

    fn statement_inner(&mut self) -> Result<Stmt, AwkError> {
        if self.is("{") {
            let body = self.block()?;
            return Ok(Stmt::If(Expr::Num(1.0), body, Vec::new()));
        }
        let name = match self.peek() {
            Some(Tok::Ident(name)) => name.clone(),
            _ => return Ok(Stmt::Expr(self.expr()?)),
        };
        match name.as_str() {
            "print" | "printf" => {
                self.pos += 1;
                if self.is(">") || self.is("|") {
                    return Err(unsupported("output redirections"));
                }
                let parenthesized = self.is("(") && self.paren_list_is_whole();
                let args = if parenthesized {
                    self.pos += 1;
                    let args = self.expr_list()?;
                    self.expect(")")?;
                    args
                } else if matches!(
                    self.peek(),
                    None | Some(Tok::Newline | Tok::Punct(";" | "}"))
                ) {
                    Vec::new()
                } else {
                    self.no_gt = true;
                    let args = self.expr_list();
                    self.no_gt = false;
                    args?
                };
                if self.is(">") || self.is("|") {
                    return Err(unsupported("output redirections"));
                }
                if name == "print" {
                    Ok(Stmt::Print(args))
                } else if args.is_empty() {
                    Err(AwkError::Syntax("printf: no format".into()))
                } else {
                    Ok(Stmt::Printf(args))
                }
            }
            "if" => {
                self.pos += 1;
                self.expect("(")?;
                let cond = self.expr()?;
                self.expect(")")?;
                self.skip_newlines();
                let then = self.body()?;
                let save = self.pos;
                self.skip_terminators();
                let otherwise = if matches!(self.peek(), Some(Tok::Ident(n)) if n == "else") {
                    self.pos += 1;
                    self.skip_newlines();
                    self.body()?
                } else {
                    self.pos = save;
                    Vec::new()
                };
                Ok(Stmt::If(cond, then, otherwise))
            }
            "next" => {
                self.pos += 1;
                Ok(Stmt::Next)
            }
            "exit" => {
                self.pos += 1;
                let code = if matches!(
                    self.peek(),
                    None | Some(Tok::Newline | Tok::Punct(";" | "}"))
                ) {
                    None
                } else {
                    Some(self.expr()?)
                };
                Ok(Stmt::Exit(code))
            }
            "while" | "for" | "do" => Err(unsupported("loops")),
            "delete" => Err(unsupported("arrays")),
            "getline" => Err(unsupported("getline")),
            _ => Ok(Stmt::Expr(self.expr()?)),
        }
    }

    /// The body of an `if`/`else`: a block or a single statement.
    fn body(&mut self) -> Result<Vec<Stmt>, AwkError> {
        if self.is("{") {
            self.block()
        } else {
            Ok(vec![self.statement()?])
        }
    }

    /// Whether the `(` at the cursor closes right before the end of the statement, as in
    /// `print ("a", "b")` (rather than `print (a) b`).
    fn paren_list_is_whole(&self) -> bool {
        let mut depth = 0usize;
        for (offset, token) in self.tokens.iter().enumerate().skip(self.pos) {
            match token {
                Tok::Punct("(") => depth += 1,
                Tok::Punct(")") => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return matches!(
                            self.tokens.get(offset + 1),
                            None | Some(Tok::Newline | Tok::Punct(";" | "}" | ">" | "|"))
                        );
                    }
                }
                _ => {}
            }
        }
        false
    }

    fn expr_list(&mut self) -> Result<Vec<Expr>, AwkError> {
        let mut list = vec![self.expr()?];
        while self.eat(",") {
            self.skip_newlines();
            list.push(self.expr()?);
        }
        Ok(list)
    }

    pub fn expr(&mut self) -> Result<Expr, AwkError> {
        self.ternary()
    }

    fn ternary(&mut self) -> Result<Expr, AwkError> {
        let cond = self.or()?;
        if self.eat("?") {
            let a = self.ternary()?;
            self.expect(":")?;
            let b = self.ternary()?;
            return Ok(Expr::Cond(Box::new(cond), Box::new(a), Box::new(b)));
        }
        let op = ["=", "+=", "-=", "*=", "/=", "%=", "^="]
            .into_iter()
            .find(|p| self.is(p));
        if let Some(op) = op {
            if !matches!(cond, Expr::Var(_) | Expr::Field(_)) {
                return Err(AwkError::Syntax(format!("cannot assign with '{op}' here")));
            }
            self.pos += 1;
            let value = self.ternary()?;
            let op = if op == "=" { None } else { op.chars().next() };
            return Ok(Expr::Assign {
                target: Box::new(cond),
                op,
                value: Box::new(value),
            });
        }
        Ok(cond)
    }

    fn or(&mut self) -> Result<Expr, AwkError> {
        let base = self.depth;
        let mut left = self.and()?;
        while self.eat("||") {
            self.chain_step()?;
            self.skip_newlines();
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        self.depth = base;
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, AwkError> {
        let base = self.depth;
        let mut left = self.matching()?;
        while self.eat("&&") {
            self.chain_step()?;
            self.skip_newlines();
            left = Expr::And(Box::new(left), Box::new(self.matching()?));
        }
        self.depth = base;
        Ok(left)
    }

    fn matching(&mut self) -> Result<Expr, AwkError> {
        let base = self.depth;
        let mut left = self.comparison()?;
        loop {
            let negate = if self.eat("~") {
                false
            } else if self.eat("!~") {
                true
            } else {
                self.depth = base;
                return Ok(left);
            };
            self.chain_step()?;
            let pattern = self.comparison()?;
            left = Expr::Match {
                negate,
                subject: Box::new(left),
                pattern: Box::new(pattern),
            };
        }
    }

    fn comparison(&mut self) -> Result<Expr, AwkError> {
        let left = self.concat()?;
        let ops: &[&'static str] = &["<=", ">=", "==", "!=", "<", ">"];
        let Some(op) = ops.iter().copied().find(|p| self.is(p)) else {
            return Ok(left);
        };
        if op == ">" && self.no_gt {
            return Ok(left);
        }
        self.pos += 1;
        let right = self.concat()?;
        Ok(Expr::Compare(op, Box::new(left), Box::new(right)))
    }

    fn starts_operand(&self) -> bool {
        matches!(
            self.peek(),
            Some(
                Tok::Num(_)
                    | Tok::Str(_)
                    | Tok::Ident(_)
                    | Tok::Func(_)
                    | Tok::Dollar
                    | Tok::Punct("(" | "!" | "++" | "--")
            )
        ) && !matches!(self.peek(), Some(Tok::Ident(n)) if n == "in" || n == "getline")
    }

    fn concat(&mut self) -> Result<Expr, AwkError> {
        let base = self.depth;
        let mut left = self.additive()?;
        while self.starts_operand() && !self.is("!") {
            self.chain_step()?;
            left = Expr::Concat(Box::new(left), Box::new(self.additive()?));
        }
        self.depth = base;
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr, AwkError> {
        let base = self.depth;
        let mut left = self.multiplicative()?;
        loop {
            let op = if self.eat("+") {
                '+'
            } else if self.eat("-") {
                '-'
            } else {
                self.depth = base;
                return Ok(left);
            };
            self.chain_step()?;
            left = Expr::Arith(op, Box::new(left), Box::new(self.multiplicative()?));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, AwkError> {
        let base = self.depth;
        let mut left = self.unary()?;
        loop {
            let op = ['*', '/', '%']
                .into_iter()
                .find(|c| self.is(&c.to_string()));
            let Some(op) = op else {
                self.depth = base;
                return Ok(left);
            };
            self.chain_step()?;
            self.pos += 1;
            left = Expr::Arith(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    /// Runs `f` one recursion level deeper, failing instead of overflowing the stack.
    fn deeper<T>(&mut self, f: fn(&mut Self) -> Result<T, AwkError>) -> Result<T, AwkError> {
        if self.depth >= MAX_AWK_NESTING {
            return Err(AwkError::TooDeep(MAX_AWK_NESTING));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn unary(&mut self) -> Result<Expr, AwkError> {
        self.deeper(Self::unary_inner)
    }

    /// Counts one more binary node on the left spine of a chain like `a+b+c`, whose syntax
    /// tree gets one level deeper per operator although the parser loops rather than recurses.
    fn chain_step(&mut self) -> Result<(), AwkError> {
        self.depth += 1;
        if self.depth > MAX_AWK_NESTING {
            return Err(AwkError::TooDeep(MAX_AWK_NESTING));
        }
        Ok(())
    }

    fn unary_inner(&mut self) -> Result<Expr, AwkError> {
        if self.eat("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("-") {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        if self.eat("+") {
            return Ok(Expr::Plus(Box::new(self.unary()?)));
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, AwkError> {
        let base = self.postfix()?;
        if self.eat("^") {
            // Right-associative, and binds tighter than unary minus on its left.
            let exponent = self.unary()?;
            return Ok(Expr::Arith('^', Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> Result<Expr, AwkError> {
        for (op, delta) in [("++", 1.0), ("--", -1.0)] {
            if self.eat(op) {
                let target = self.primary()?;
                return incdec(target, delta, true);
            }
        }
        let expr = self.primary()?;
        for (op, delta) in [("++", 1.0), ("--", -1.0)] {
            if matches!(expr, Expr::Var(_) | Expr::Field(_)) && self.eat(op) {
                return incdec(expr, delta, false);
            }
        }
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, AwkError> {
        self.deeper(Self::primary_inner)
    }

    fn primary_inner(&mut self) -> Result<Expr, AwkError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.unexpected());
        };
        self.pos += 1;
        match token {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Regex(r) => Ok(Expr::Regex(compile(&r)?)),
            Tok::Dollar => {
                // `$` binds tighter than everything but grouping and increments: `$NF-1` is ($NF)-1.
                let inner = if self.eat("++") || self.eat("--") {
                    return Err(unsupported("increments inside '$'"));
                } else {
                    self.primary()?
                };
                Ok(Expr::Field(Box::new(inner)))
            }
            Tok::Punct("(") => {
                let saved = self.no_gt;
                self.no_gt = false;
                let inner = self.expr();
                self.no_gt = saved;
                let inner = inner?;
                if self.is(",") {
                    return Err(unsupported("'(a, b) in array' tests"));
                }
                self.expect(")")?;
                Ok(inner)
            }
            Tok::Func(name) => {
                let mut args = Vec::new();
                if self.eat("(") {
                    self.skip_newlines();
                    if !self.eat(")") {
                        let saved = self.no_gt;
                        self.no_gt = false;
                        let list = self.expr_list();
                        self.no_gt = saved;
                        args = list?;
                        self.expect(")")?;
                    }
                }
                if matches!(name.as_str(), "split" | "match") {
                    return Err(unsupported("arrays (split, match)"));
                }
                Ok(Expr::Call(name, args))
            }
            Tok::Ident(name) => {
                if self.is("[") {
                    return Err(unsupported("arrays"));
                }
                if matches!(name.as_str(), "getline" | "in") {
                    return Err(unsupported("getline and arrays"));
                }
                Ok(Expr::Var(name))
            }
            Tok::Punct(_) | Tok::Newline => {
                self.pos -= 1;
                Err(self.unexpected())
            }
        }
    }
}

fn incdec(target: Expr, delta: f64, prefix: bool) -> Result<Expr, AwkError> {
    if !matches!(target, Expr::Var(_) | Expr::Field(_)) {
        return Err(AwkError::Syntax("'++' or '--' needs a variable".into()));
    }
    Ok(Expr::IncDec {
        target: Box::new(target),
        delta,
        prefix,
    })
}

/// awk regexes are POSIX extended ones.
pub(super) fn compile(pattern: &str) -> Result<Regex, AwkError> {
    regex::compile(pattern, Flavor::Extended, false).map_err(|e| AwkError::Regex(e.to_string()))
}
