//! `test` and `[`: POSIX conditional expressions over strings, integers and the virtual
//! filesystem, with `!`, `-a`, `-o` and parentheses. Status 0 (true), 1 (false), 2 (error).

use super::{Io, UtilError};

pub(crate) fn test(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    evaluate(args, io)
}

pub(crate) fn bracket(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    match args.split_last() {
        Some((last, rest)) if last == "]" => evaluate(rest, io),
        _ => Err(UtilError::Usage("missing ]")),
    }
}

fn evaluate(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut parser = Parser { words, pos: 0, io };
    if parser.words.is_empty() {
        return Ok(1);
    }
    let value = parser.or()?;
    if let Some(extra) = parser.words.get(parser.pos) {
        return Err(UtilError::Message(format!("{extra}: unexpected operator")));
    }
    Ok(i32::from(!value))
}

struct Parser<'a, 'b> {
    words: Vec<&'a str>,
    pos: usize,
    io: &'a mut Io<'b>,
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&str> {
        self.words.get(self.pos).copied()
    }

    fn next(&mut self) -> Result<String, UtilError> {
        let word = self
            .peek()
            .ok_or(UtilError::Usage("argument expected"))?
            .to_string();
        self.pos += 1;
        Ok(word)
    }

    fn or(&mut self) -> Result<bool, UtilError> {
        let mut value = self.and()?;
        while self.peek() == Some("-o") {
            self.pos += 1;
            value |= self.and()?;
        }
        Ok(value)
    }

    fn and(&mut self) -> Result<bool, UtilError> {
        let mut value = self.not()?;
        while self.peek() == Some("-a") {
            self.pos += 1;
            value &= self.not()?;
        }
        Ok(value)
    }

    fn not(&mut self) -> Result<bool, UtilError> {
        // `! X` negates, unless `!` is the left operand of a binary operator.
        if self.peek() == Some("!") && !self.binary_at(self.pos + 1) {
            self.pos += 1;
            return Ok(!self.not()?);
        }
        self.primary()
    }

    fn binary_at(&self, index: usize) -> bool {
        self.words.get(index).is_some_and(|w| is_binary(w))
    }

    fn primary(&mut self) -> Result<bool, UtilError> {
        if self.peek() == Some("(") && !self.binary_at(self.pos + 1) {
            self.pos += 1;
            let value = self.or()?;
            if self.next()? != ")" {
                return Err(UtilError::Usage("')' expected"));
            }
            return Ok(value);
        }
        let first = self.next()?;
        if self.binary_at(self.pos) {
            let op = self.next()?;
            let right = self.next()?;
            return binary(&first, &op, &right);
        }
        if is_unary(&first)
            && let Some(operand) = self.peek().map(str::to_string)
            && !matches!(operand.as_str(), "-a" | "-o" | ")")
        {
            self.pos += 1;
            return Ok(self.unary(&first, &operand));
        }
        Ok(!first.is_empty())
    }

    fn unary(&self, op: &str, operand: &str) -> bool {
        let fs = &self.io.fs;
        match op {
            "-n" => !operand.is_empty(),
            "-z" => operand.is_empty(),
            "-e" | "-r" | "-w" | "-x" => fs.exists(operand),
            "-f" => fs.is_file(operand),
            "-d" => fs.is_dir(operand),
            "-s" => fs.read(operand).is_some_and(|text| !text.is_empty()),
            // No symbolic links, pipes or terminals in the virtual filesystem.
            _ => false,
        }
    }
}

fn is_unary(word: &str) -> bool {
    matches!(
        word,
        "-n" | "-z" | "-e" | "-f" | "-d" | "-s" | "-r" | "-w" | "-x" | "-L" | "-h" | "-p" | "-t"
    )
}

fn is_binary(word: &str) -> bool {
    matches!(
        word,
        "=" | "==" | "!=" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" | "<" | ">"
    )
}

fn binary(left: &str, op: &str, right: &str) -> Result<bool, UtilError> {
    let number = |text: &str| {
        text.trim()
            .parse::<i64>()
            .map_err(|_| UtilError::Message(format!("{text}: integer expression expected")))
    };
    Ok(match op {
        "=" | "==" => left == right,
        "!=" => left != right,
        "<" => left < right,
        ">" => left > right,
        _ => {
            let (a, b) = (number(left)?, number(right)?);
            match op {
                "-eq" => a == b,
                "-ne" => a != b,
                "-lt" => a < b,
                "-le" => a <= b,
                "-gt" => a > b,
                _ => a >= b,
            }
        }
    })
}
