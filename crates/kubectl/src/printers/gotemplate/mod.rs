//! `-o go-template=…` (and `template=`, `go-template-file=`, `templatefile=`): kubectl's
//! `GoTemplatePrinter` (cli-runtime `printers/template.go`) over a small implementation of
//! Go's `text/template` — the lexer, parser and executor of the language kubectl users
//! write, with Go's messages for parse and execution errors.

mod exec;
mod format;
mod funcs;
mod lex;
mod parse;
mod value;

use crate::output::Output;
use crate::session::Session;
pub(crate) use format::go_quote;
use value::Value;
pub(crate) use value::format_float_g;

/// A parsed template and the text it came from.
pub struct GoTemplate {
    raw: String,
    nodes: Vec<parse::Node>,
}

/// The `-o` values that select this printer.
pub fn is_template_format(format: &str) -> bool {
    let name = format.split_once('=').map_or(format, |(name, _)| name);
    matches!(
        name,
        "go-template" | "template" | "go-template-file" | "templatefile"
    )
}

impl GoTemplate {
    /// The template an `-o` value (plus `--template`) names, or kubectl's error for it.
    pub fn from_flags(
        format: &str,
        template_flag: Option<&str>,
        session: &Session,
    ) -> Result<GoTemplate, String> {
        let (name, inline) = match format.split_once('=') {
            Some((name, text)) => (name, Some(text)),
            None => (format, None),
        };
        let text = inline.or(template_flag).unwrap_or_default();
        if text.is_empty() {
            return Err("error: template format specified but no template given".into());
        }
        let text = if name.ends_with("file") {
            session.read_file(text).ok_or_else(|| {
                format!(
                    "error: error reading --template {text}, open {text}: no such file or directory"
                )
            })?
        } else {
            text.to_string()
        };
        GoTemplate::parse(&text)
    }

    /// Parses `raw`, failing with kubectl's `error parsing template` line.
    pub fn parse(raw: &str) -> Result<GoTemplate, String> {
        let failure = |line: usize, message: &str| {
            format!("error: error parsing template {raw}, template: output:{line}: {message}")
        };
        let items = lex::lex(raw).map_err(|e| failure(e.line, &e.message))?;
        let nodes = parse::parse(items).map_err(|e| failure(e.line, &e.message))?;
        Ok(GoTemplate {
            raw: raw.to_string(),
            nodes,
        })
    }

    /// Runs the template on one object (or a `List`) and prints what kubectl prints:
    /// the result, or what was written before an execution error, the debugging dump on
    /// stdout and the error on stderr.
    pub fn print(&self, data: &serde_json::Value, out: &mut Output) {
        let value = Value::from_json(data);
        match exec::execute(&self.nodes, &value) {
            Ok(text) => out.out(text),
            Err(failure) => {
                out.out(failure.partial.clone());
                let error = self.describe(&failure.error);
                out.out(format!(
                    "Error executing template: {error}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{}\n\traw data was:\n\t\t{}\n\tobject given to template engine was:\n\t\t{}\n\n",
                    self.raw,
                    serde_json::to_string(data).unwrap_or_default(),
                    value.go_format()
                ));
                out.error(format!(
                    "error: error executing template {}: {error}",
                    format::go_quote(&self.raw)
                ));
            }
        }
    }

    /// `ErrorContext`: `template: output:LINE:COL: executing "output" at <NODE>: MESSAGE`.
    fn describe(&self, error: &exec::ExecError) -> String {
        let before = &self.raw[..error.pos.min(self.raw.len())];
        let line = 1 + before.matches('\n').count();
        let column = before
            .rfind('\n')
            .map_or(error.pos, |nl| error.pos - nl - 1);
        format!(
            "template: output:{line}:{column}: executing \"output\" at <{}>: {}",
            error.node, error.message
        )
    }
}

#[cfg(test)]
mod tests;

/// Go's `fmt.Sprint` of a decoded JSON value (`map[k:v]`, `[a b]`, `<nil>`), as printers
/// outside templates show values too (custom columns).
pub(crate) fn go_sprint(value: &serde_json::Value) -> String {
    Value::from_json(value).go_format()
}
