//! The lexer of Go's `text/template` (`lex.go`): text outside actions, and inside `{{ }}` the
//! tokens of pipelines, with the `{{- ` / ` -}}` trim markers and `/* */` comments.

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Token {
    Text(String),
    LeftDelim,
    RightDelim,
    /// `.name` (one segment; a chain is several).
    Field(String),
    /// `$` or `$name`.
    Variable(String),
    Identifier(String),
    /// The bare `.`.
    Dot,
    Bool(bool),
    Nil,
    /// A number as written.
    Number(String),
    /// A string constant: its text as written and its value.
    Str(String, String),
    /// A character constant: its text as written and its code point.
    Char(String, u32),
    Pipe,
    LeftParen,
    RightParen,
    Declare,
    Assign,
    Comma,
    Space,
    Eof,
}

#[derive(Clone, Debug)]
pub(super) struct Item {
    pub token: Token,
    /// Byte offset in the template.
    pub pos: usize,
    /// 1-based line.
    pub line: usize,
}

/// A lexing error with the line it happened on.
pub(super) struct LexError {
    pub line: usize,
    pub message: String,
}

pub(super) fn lex(input: &str) -> Result<Vec<Item>, LexError> {
    let mut lexer = Lexer {
        input,
        pos: 0,
        items: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.items)
}

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    items: Vec<Item>,
}

impl Lexer<'_> {
    fn line_at(&self, pos: usize) -> usize {
        1 + self.input[..pos.min(self.input.len())]
            .matches('\n')
            .count()
    }

    fn emit(&mut self, token: Token, pos: usize) {
        let line = self.line_at(pos);
        self.items.push(Item { token, pos, line });
    }

    fn error(&self, pos: usize, message: impl Into<String>) -> LexError {
        LexError {
            line: self.line_at(pos),
            message: message.into(),
        }
    }

    fn rest(&self) -> &str {
        &self.input[self.pos..]
    }

    fn run(&mut self) -> Result<(), LexError> {
        let mut trim_next_text = false;
        loop {
            let start = self.pos;
            let Some(offset) = self.rest().find("{{") else {
                let mut text = self.rest().to_string();
                if trim_next_text {
                    text = text.trim_start().to_string();
                }
                if !text.is_empty() {
                    self.emit(Token::Text(text), start);
                }
                self.emit(Token::Eof, self.input.len());
                return Ok(());
            };
            let delim = self.pos + offset;
            let trim_left = self.input[delim + 2..].starts_with("- ")
                || self.input[delim + 2..].starts_with("-\t")
                || self.input[delim + 2..].starts_with("-\n")
                || self.input[delim + 2..].starts_with("-\r");
            let mut text = self.input[self.pos..delim].to_string();
            if trim_next_text {
                text = text.trim_start().to_string();
            }
            if trim_left {
                text = text.trim_end().to_string();
            }
            if !text.is_empty() {
                self.emit(Token::Text(text), start);
            }
            self.pos = delim + 2 + if trim_left { 2 } else { 0 };
            // A comment: `{{/* … */}}`, with or without trim markers.
            if self.rest().starts_with("/*") {
                let Some(end) = self.rest().find("*/") else {
                    return Err(self.error(delim, "unclosed comment"));
                };
                self.pos += end + 2;
                let after = self.rest();
                let (trim_right, skip) = if after.starts_with(" -}}") {
                    (true, 4)
                } else if after.starts_with("}}") {
                    (false, 2)
                } else {
                    return Err(self.error(delim, "comment ends before closing delimiter"));
                };
                self.pos += skip;
                trim_next_text = trim_right;
                continue;
            }
            self.emit(Token::LeftDelim, delim);
            trim_next_text = self.inside_action(delim)?;
        }
    }

    /// Lexes one action's tokens up to `}}`; returns whether it ended with ` -}}`.
    fn inside_action(&mut self, delim: usize) -> Result<bool, LexError> {
        let mut parens = 0usize;
        loop {
            let rest = self.rest();
            let start = self.pos;
            if rest.is_empty() {
                return Err(self.error(delim, "unclosed action"));
            }
            if is_space_start(rest) && right_trim_at(rest) {
                let skip = rest.len() - rest.trim_start().len();
                self.emit(Token::RightDelim, start + skip);
                self.pos += skip + 3;
                return Ok(true);
            }
            if rest.starts_with("}}") {
                if parens > 0 {
                    return Err(self.error(start, "unclosed left paren"));
                }
                self.emit(Token::RightDelim, start);
                self.pos += 2;
                return Ok(false);
            }
            let Some(c) = rest.chars().next() else {
                return Err(self.error(delim, "unclosed action"));
            };
            match c {
                ' ' | '\t' | '\r' | '\n' => {
                    let skip = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
                    self.pos += skip;
                    self.emit(Token::Space, start);
                }
                '=' => {
                    self.pos += 1;
                    self.emit(Token::Assign, start);
                }
                ':' => {
                    if !rest.starts_with(":=") {
                        return Err(self.error(start, "expected :="));
                    }
                    self.pos += 2;
                    self.emit(Token::Declare, start);
                }
                '|' => {
                    self.pos += 1;
                    self.emit(Token::Pipe, start);
                }
                ',' => {
                    self.pos += 1;
                    self.emit(Token::Comma, start);
                }
                '(' => {
                    parens += 1;
                    self.pos += 1;
                    self.emit(Token::LeftParen, start);
                }
                ')' => {
                    if parens == 0 {
                        return Err(self.error(start, "unexpected right paren"));
                    }
                    parens -= 1;
                    self.pos += 1;
                    self.emit(Token::RightParen, start);
                }
                '"' => self.quoted(start)?,
                '`' => {
                    let Some(end) = rest[1..].find('`') else {
                        return Err(self.error(start, "unterminated raw quoted string"));
                    };
                    let text = rest[..end + 2].to_string();
                    let value = rest[1..end + 1].to_string();
                    self.pos += end + 2;
                    self.emit(Token::Str(text, value), start);
                }
                '\'' => self.char_constant(start)?,
                '$' => {
                    let name = alphanumeric_prefix(&rest[1..]);
                    let text = format!("${name}");
                    self.pos += text.len();
                    self.emit(Token::Variable(text), start);
                }
                '.' => {
                    let after = &rest[1..];
                    if after.starts_with(|c: char| c.is_ascii_digit()) {
                        self.number(start)?;
                    } else {
                        let name = alphanumeric_prefix(after);
                        self.pos += 1 + name.len();
                        if name.is_empty() {
                            self.emit(Token::Dot, start);
                        } else {
                            self.emit(Token::Field(name), start);
                        }
                    }
                }
                '+' | '-' | '0'..='9' => self.number(start)?,
                c if c.is_alphabetic() || c == '_' => {
                    let word = alphanumeric_prefix(rest);
                    self.pos += word.len();
                    let token = match word.as_str() {
                        "true" => Token::Bool(true),
                        "false" => Token::Bool(false),
                        "nil" => Token::Nil,
                        _ => Token::Identifier(word),
                    };
                    self.emit(token, start);
                }
                other => {
                    return Err(self.error(
                        start,
                        format!("unrecognized character in action: {other:?}"),
                    ));
                }
            }
        }
    }

    fn quoted(&mut self, start: usize) -> Result<(), LexError> {
        let rest = self.rest();
        let mut value = String::new();
        let mut chars = rest.char_indices().skip(1);
        while let Some((index, c)) = chars.next() {
            match c {
                '"' => {
                    let text = rest[..index + 1].to_string();
                    self.pos += index + 1;
                    self.emit(Token::Str(text, value), start);
                    return Ok(());
                }
                '\n' => break,
                '\\' => {
                    let Some((_, escaped)) = chars.next() else {
                        break;
                    };
                    match escaped {
                        'n' => value.push('\n'),
                        't' => value.push('\t'),
                        'r' => value.push('\r'),
                        '\\' => value.push('\\'),
                        '"' => value.push('"'),
                        '\'' => value.push('\''),
                        '0' => value.push('\0'),
                        'a' => value.push('\u{7}'),
                        'b' => value.push('\u{8}'),
                        'f' => value.push('\u{c}'),
                        'v' => value.push('\u{b}'),
                        other => {
                            value.push('\\');
                            value.push(other);
                        }
                    }
                }
                c => value.push(c),
            }
        }
        Err(self.error(start, "unterminated quoted string"))
    }

    fn char_constant(&mut self, start: usize) -> Result<(), LexError> {
        let rest = self.rest();
        let Some(end) = rest[1..].find('\'') else {
            return Err(self.error(start, "unterminated character constant"));
        };
        let text = rest[..end + 2].to_string();
        let inner = &rest[1..end + 1];
        let code = match inner {
            "\\n" => Some('\n'),
            "\\t" => Some('\t'),
            "\\r" => Some('\r'),
            "\\\\" => Some('\\'),
            "\\'" => Some('\''),
            "\\0" => Some('\0'),
            _ => {
                let mut chars = inner.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            }
        };
        let Some(code) = code else {
            return Err(self.error(start, format!("malformed character constant: {text}")));
        };
        self.pos += text.len();
        self.emit(Token::Char(text, u32::from(code)), start);
        Ok(())
    }

    fn number(&mut self, start: usize) -> Result<(), LexError> {
        let rest = self.rest().to_string();
        let mut end = 0;
        let bytes = rest.as_bytes();
        if matches!(bytes.first(), Some(b'+' | b'-')) {
            end += 1;
        }
        while end < bytes.len() {
            let b = bytes[end];
            let exponent_sign = matches!(b, b'+' | b'-')
                && end > 0
                && matches!(bytes[end - 1], b'e' | b'E' | b'p' | b'P')
                && !rest[..end].starts_with("0x");
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || exponent_sign {
                end += 1;
            } else {
                break;
            }
        }
        let text = rest[..end].to_string();
        if super::exec::parse_number(&text).is_none() {
            return Err(self.error(start, format!("bad number syntax: \"{text}\"")));
        }
        self.pos += end;
        self.emit(Token::Number(text), start);
        Ok(())
    }
}

fn is_space_start(rest: &str) -> bool {
    rest.starts_with([' ', '\t', '\r', '\n'])
}

/// ` -}}` after some space.
fn right_trim_at(rest: &str) -> bool {
    rest.trim_start_matches([' ', '\t', '\r', '\n'])
        .starts_with("-}}")
}

fn alphanumeric_prefix(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}
