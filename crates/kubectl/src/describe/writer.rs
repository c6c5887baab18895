//! describe.go's `prefixWriter`: lines at indentation levels of two spaces, laid out by
//! `tabbedString`'s tab writer (Go's `text/tabwriter`, minwidth 0, tabwidth 8, padding 2,
//! padchar ' ') — or, for `rollout history --revision`, written straight into a buffer with
//! their tabs as they are (`printTemplate` in kubectl's polymorphichelpers/history.go).

use crate::text::tabwriter::{Config, TabWriter};

pub(super) const LEVEL_0: usize = 0;
pub(super) const LEVEL_1: usize = 1;
pub(super) const LEVEL_2: usize = 2;
pub(super) const LEVEL_3: usize = 3;

pub(super) enum PrefixWriter {
    Aligned(TabWriter),
    Raw(String),
}

impl PrefixWriter {
    pub(super) fn new() -> Self {
        PrefixWriter::Aligned(TabWriter::new(Config::DESCRIBE))
    }

    /// A writer that keeps tabs as they are.
    pub(super) fn raw() -> Self {
        PrefixWriter::Raw(String::new())
    }

    /// `Write(level, ...)`: the text prefixed by two spaces per level.
    pub(super) fn write(&mut self, level: usize, text: impl AsRef<str>) {
        let text = format!("{}{}", "  ".repeat(level), text.as_ref());
        match self {
            PrefixWriter::Aligned(out) => out.write_str(&text),
            PrefixWriter::Raw(out) => out.push_str(&text),
        }
    }

    /// `Flush()`: ends the current alignment (the Events table starts afresh).
    pub(super) fn flush(&mut self) {
        if let PrefixWriter::Aligned(out) = self {
            out.flush();
        }
    }

    /// The whole description, as `tabbedString` (or the plain buffer) holds it.
    pub(super) fn finish(self) -> String {
        match self {
            PrefixWriter::Aligned(out) => out.finish(),
            PrefixWriter::Raw(out) => out,
        }
    }
}
