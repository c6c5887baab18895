//! `expr`: integer arithmetic, comparisons, `|`, `&` and `length`, with POSIX's statuses:
//! 0 when the result is neither empty nor 0, 1 when it is, 2 on a bad expression.

use super::{Io, UtilError};

pub(crate) fn expr(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    if args.is_empty() {
        return Err(UtilError::MissingOperand);
    }
    let mut parser = Parser { args, pos: 0 };
    let value = parser.or()?;
    if let Some(extra) = args.get(parser.pos) {
        return Err(UtilError::Message(format!(
            "syntax error: unexpected argument '{extra}'"
        )));
    }
    io.out.out(&format!("{value}\n"));
    Ok(i32::from(value.is_empty() || value == "0"))
}

struct Parser<'a> {
    args: &'a [String],
    pos: usize,
}

fn int(text: &str) -> Result<i64, UtilError> {
    text.parse::<i64>()
        .map_err(|_| UtilError::Message("non-integer argument".into()))
}

fn truthy(value: &str) -> bool {
    !value.is_empty() && value != "0"
}

impl Parser<'_> {
    fn op(&mut self, ops: &[&str]) -> Option<String> {
        let op = self
            .args
            .get(self.pos)
            .filter(|a| ops.contains(&a.as_str()))?;
        self.pos += 1;
        Some(op.clone())
    }

    fn or(&mut self) -> Result<String, UtilError> {
        let mut left = self.and()?;
        while self.op(&["|"]).is_some() {
            let right = self.and()?;
            if !truthy(&left) {
                left = if truthy(&right) { right } else { "0".into() };
            }
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<String, UtilError> {
        let mut left = self.compare()?;
        while self.op(&["&"]).is_some() {
            let right = self.compare()?;
            if !truthy(&left) || !truthy(&right) {
                left = "0".into();
            }
        }
        Ok(left)
    }

    fn compare(&mut self) -> Result<String, UtilError> {
        let mut left = self.sum()?;
        while let Some(op) = self.op(&["=", "!=", "<", "<=", ">", ">="]) {
            let right = self.sum()?;
            let ordering = match (left.parse::<i64>(), right.parse::<i64>()) {
                (Ok(a), Ok(b)) => a.cmp(&b),
                _ => left.cmp(&right),
            };
            let holds = match op.as_str() {
                "=" => ordering.is_eq(),
                "!=" => ordering.is_ne(),
                "<" => ordering.is_lt(),
                "<=" => ordering.is_le(),
                ">" => ordering.is_gt(),
                _ => ordering.is_ge(),
            };
            left = i32::from(holds).to_string();
        }
        Ok(left)
    }

    fn sum(&mut self) -> Result<String, UtilError> {
        let mut left = self.product()?;
        while let Some(op) = self.op(&["+", "-"]) {
            let (a, b) = (int(&left)?, int(&self.product()?)?);
            let value = if op == "+" {
                a.checked_add(b)
            } else {
                a.checked_sub(b)
            };
            left = value
                .ok_or(UtilError::Message("integer overflow".into()))?
                .to_string();
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<String, UtilError> {
        let mut left = self.term()?;
        while let Some(op) = self.op(&["*", "/", "%"]) {
            let (a, b) = (int(&left)?, int(&self.term()?)?);
            if op != "*" && b == 0 {
                return Err(UtilError::Message("division by zero".into()));
            }
            let value = match op.as_str() {
                "*" => a.checked_mul(b),
                "/" => a.checked_div(b),
                _ => a.checked_rem(b),
            };
            left = value
                .ok_or(UtilError::Message("integer overflow".into()))?
                .to_string();
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<String, UtilError> {
        let Some(arg) = self.args.get(self.pos) else {
            return Err(UtilError::Message("syntax error: missing argument".into()));
        };
        self.pos += 1;
        match arg.as_str() {
            "(" => {
                let value = self.or()?;
                if self.op(&[")"]).is_none() {
                    return Err(UtilError::Message("syntax error: expecting ')'".into()));
                }
                Ok(value)
            }
            "length" => {
                let operand = self.term()?;
                Ok(operand.chars().count().to_string())
            }
            _ => Ok(arg.clone()),
        }
    }
}
