//! Word expansion: parameters, command substitution, tilde, then field splitting of unquoted
//! expansion results (no globbing: `*` stays literal).

use crate::Stream;
use crate::error::RunError;
use crate::exec::Exec;
use crate::lexer::{ParamOp, Word, WordPart};
use crate::limits::MAX_WORD_BYTES;
use crate::output::Output;

/// Collects the fields one word expands to.
#[derive(Default)]
struct Fields {
    done: Vec<String>,
    current: String,
    /// Whether `current` is a field even if empty (quotes or literal text were seen).
    started: bool,
    bytes: usize,
}

impl Fields {
    fn grow(&mut self, n: usize) -> Result<(), RunError> {
        self.bytes += n;
        if self.bytes > MAX_WORD_BYTES {
            return Err(RunError::WordTooLarge(MAX_WORD_BYTES));
        }
        Ok(())
    }

    fn push_whole(&mut self, text: &str) -> Result<(), RunError> {
        self.grow(text.len())?;
        self.current.push_str(text);
        self.started = true;
        Ok(())
    }

    /// Appends an unquoted expansion result, splitting it on blanks and newlines.
    fn push_split(&mut self, text: &str) -> Result<(), RunError> {
        self.grow(text.len())?;
        for c in text.chars() {
            if matches!(c, ' ' | '\t' | '\n') {
                if self.started {
                    self.done.push(std::mem::take(&mut self.current));
                    self.started = false;
                }
            } else {
                self.current.push(c);
                self.started = true;
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Vec<String> {
        if self.started {
            self.done.push(self.current);
        }
        self.done
    }
}

/// `export`-like commands whose `NAME=value` arguments are expanded without field splitting.
fn takes_assignments(command: &str) -> bool {
    matches!(command, "export" | "local" | "readonly" | "declare")
}

fn looks_like_assignment(word: &Word) -> bool {
    matches!(word.parts.first(), Some(WordPart::Literal { text, quoted: false })
        if text.split_once('=').is_some_and(|(name, _)| !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')))
}

impl Exec<'_> {
    /// Expands command words into arguments (with field splitting).
    pub fn expand_words(
        &mut self,
        words: &[Word],
        out: &mut Output,
    ) -> Result<Vec<String>, RunError> {
        let mut argv: Vec<String> = Vec::new();
        for word in words {
            let keep_whole =
                argv.first().is_some_and(|c| takes_assignments(c)) && looks_like_assignment(word);
            if keep_whole {
                argv.push(self.expand_single(word, out)?);
            } else {
                argv.extend(self.expand_fields(word, out)?);
            }
        }
        Ok(argv)
    }

    fn expand_fields(&mut self, word: &Word, out: &mut Output) -> Result<Vec<String>, RunError> {
        let mut fields = Fields::default();
        for part in &word.parts {
            match part {
                WordPart::Literal { text, .. } => fields.push_whole(text)?,
                WordPart::Tilde => {
                    let home = self.shell.fs.home().to_string();
                    fields.push_whole(&home)?;
                }
                WordPart::Param { quoted, .. } | WordPart::Subst { quoted, .. } => {
                    let value = self.expand_part(part, out)?;
                    if *quoted {
                        fields.push_whole(&value)?;
                    } else {
                        fields.push_split(&value)?;
                    }
                }
            }
        }
        Ok(fields.finish())
    }

    /// Expands a word to one string, without field splitting (assignments, redirection
    /// targets, heredoc bodies).
    pub fn expand_single(&mut self, word: &Word, out: &mut Output) -> Result<String, RunError> {
        let mut fields = Fields::default();
        for part in &word.parts {
            let text = self.expand_part(part, out)?;
            fields.push_whole(&text)?;
        }
        Ok(fields.current)
    }

    fn expand_part(&mut self, part: &WordPart, out: &mut Output) -> Result<String, RunError> {
        Ok(match part {
            WordPart::Literal { text, .. } => text.clone(),
            WordPart::Tilde => self.shell.fs.home().to_string(),
            WordPart::Param { name, op, .. } => self.parameter(name, op, out)?,
            WordPart::Subst { script, .. } => {
                let mut captured = Output::new();
                let status = self.nested("command substitution", |exec| {
                    exec.run_script(script, "", &mut captured)
                })?;
                self.subst_status = Some(status);
                let mut text = String::new();
                for chunk in captured.finish() {
                    match chunk.stream {
                        Stream::Stdout => text.push_str(&chunk.text),
                        Stream::Stderr => out.err(&chunk.text),
                        Stream::Repaint => {}
                    }
                }
                let kept = text.trim_end_matches('\n').len();
                text.truncate(kept);
                text
            }
        })
    }

    /// The value of a parameter (special ones are fixed: this shell has no arguments or jobs).
    fn lookup(&self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.shell.last_status.to_string()),
            "$" => Some("4242".to_string()),
            "#" => Some("0".to_string()),
            "0" => Some("sh".to_string()),
            "PWD" => Some(self.shell.fs.cwd().to_string()),
            _ => self.shell.variable(name).map(str::to_string).or_else(|| {
                // An array's name alone is its first element.
                self.shell.arrays.get(name)?.first().cloned()
            }),
        }
    }

    /// `${NAME[SUBSCRIPT]}`: one element, or all of them for `@` and `*`.
    fn element(&self, name: &str, subscript: &str, length: bool) -> String {
        let elements = self.shell.arrays.get(name);
        if matches!(subscript, "@" | "*") {
            let all = elements.cloned().unwrap_or_default();
            return if length {
                all.len().to_string()
            } else {
                all.join(" ")
            };
        }
        let index = match subscript.trim().strip_prefix('$') {
            Some(variable) => {
                let variable = variable.trim_start_matches('{').trim_end_matches('}');
                self.lookup(variable).unwrap_or_default()
            }
            None => subscript.trim().to_string(),
        };
        let value = index
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|i| match elements {
                Some(elements) => elements.get(i).cloned(),
                // A plain variable is an array of one.
                None => (i == 0).then(|| self.lookup(name)).flatten(),
            });
        let value = value.unwrap_or_default();
        if length {
            value.chars().count().to_string()
        } else {
            value
        }
    }

    fn parameter(
        &mut self,
        name: &str,
        op: &ParamOp,
        out: &mut Output,
    ) -> Result<String, RunError> {
        let value = self.lookup(name);
        let missing = |colon: bool| value.as_deref().is_none_or(|v| colon && v.is_empty());
        Ok(match op {
            ParamOp::Plain => value.unwrap_or_default(),
            ParamOp::Length => value.unwrap_or_default().chars().count().to_string(),
            ParamOp::Element { subscript, length } => self.element(name, subscript, *length),
            ParamOp::Default { word, colon } => {
                if missing(*colon) {
                    self.expand_single(word, out)?
                } else {
                    value.unwrap_or_default()
                }
            }
            ParamOp::Assign { word, colon } => {
                if missing(*colon) {
                    let new = self.expand_single(word, out)?;
                    self.shell.set_var(name, new.clone(), false);
                    new
                } else {
                    value.unwrap_or_default()
                }
            }
            ParamOp::Alternative { word, colon } => {
                if missing(*colon) {
                    String::new()
                } else {
                    self.expand_single(word, out)?
                }
            }
            ParamOp::Error { word, colon } => {
                if missing(*colon) {
                    let message = self.expand_single(word, out)?;
                    let message = if message.is_empty() {
                        "parameter null or not set".into()
                    } else {
                        message
                    };
                    return Err(RunError::NullParameter(format!("{name}: {message}")));
                }
                value.unwrap_or_default()
            }
        })
    }
}
