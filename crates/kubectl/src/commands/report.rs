//! What a command that writes one object prints: `-o yaml|json|name|jsonpath=…|go-template=…`
//! of what was sent (a client-side dry run prints the object as kubectl built it) or
//! `KIND/NAME VERB`, with ` (dry run)` / ` (server dry run)`.

use kubeplay_model::Object;

use crate::args::Parsed;
use crate::output::Output;
use crate::printers::gotemplate::{GoTemplate, is_template_format};
use crate::printers::{self, object};
use crate::session::Session;

/// `--dry-run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    pub fn from_flag(value: Option<&str>) -> Result<DryRun, String> {
        match value {
            None | Some("none") | Some("false") => Ok(DryRun::None),
            Some("client") | Some("true") => Ok(DryRun::Client),
            Some("server") => Ok(DryRun::Server),
            Some(other) => Err(format!(
                "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            )),
        }
    }

    /// Whether the server is asked to run the write without storing it.
    pub fn server_side(self) -> bool {
        self == DryRun::Server
    }
}

/// How a command reports the object it wrote.
pub struct Report {
    output: Option<String>,
    template: Option<GoTemplate>,
    pub dry_run: DryRun,
    /// `--local`: objects come from files and are printed as kubectl built them.
    pub local: bool,
}

impl Report {
    /// Reads `-o`, `--template` and `--dry-run`.
    pub fn from_flags(parsed: &Parsed, session: &Session) -> Result<Report, String> {
        let output = parsed.value("output").map(str::to_string);
        printers::check_format(output.as_deref(), printers::OBJECT_FORMATS)?;
        let template = match output.as_deref().filter(|f| is_template_format(f)) {
            Some(format) => Some(GoTemplate::from_flags(
                format,
                parsed.value("template"),
                session,
            )?),
            None => None,
        };
        Ok(Report {
            output,
            template,
            dry_run: DryRun::from_flag(parsed.value("dry-run"))?,
            local: parsed.bool("local"),
        })
    }

    /// Prints `object` (as sent, or as stored) or `KIND/NAME VERB`.
    pub fn print(&self, object: &Object, verb: &str, out: &mut Output) {
        let value = if self.local || self.dry_run == DryRun::Client {
            object::client_side_value(object)
        } else {
            object.to_value()
        };
        if let Some(template) = &self.template {
            return template.print(&value, out);
        }
        if let Some(path) = self
            .output
            .as_deref()
            .and_then(|f| f.strip_prefix("jsonpath="))
        {
            return printers::jsonpath::print(path.trim_matches('\''), &value, out);
        }
        match object::print_value(&value, object, self.output.as_deref()) {
            Some(text) => out.out(text),
            None => out.line(format!(
                "{} {verb}{}",
                object::name(object),
                match self.dry_run {
                    DryRun::None => "",
                    DryRun::Client => " (dry run)",
                    DryRun::Server => " (server dry run)",
                }
            )),
        }
    }
}
