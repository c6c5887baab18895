//! describe.go's `prefixWriter` over `tabbedString`'s tab writer: lines at indentation
//! levels of two spaces, laid out by Go's `text/tabwriter` (minwidth 0, tabwidth 8,
//! padding 2, padchar ' ').

use crate::text::tabwriter::{Config, TabWriter};

pub(super) const LEVEL_0: usize = 0;
pub(super) const LEVEL_1: usize = 1;
pub(super) const LEVEL_2: usize = 2;
pub(super) const LEVEL_3: usize = 3;

pub(super) struct PrefixWriter {
    out: TabWriter,
}

impl PrefixWriter {
    pub(super) fn new() -> Self {
        PrefixWriter {
            out: TabWriter::new(Config::DESCRIBE),
        }
    }

    /// `Write(level, ...)`: the text prefixed by two spaces per level.
    pub(super) fn write(&mut self, level: usize, text: impl AsRef<str>) {
        for _ in 0..level {
            self.out.write_str("  ");
        }
        self.out.write_str(text.as_ref());
    }

    /// `Flush()`: ends the current alignment (the Events table starts afresh).
    pub(super) fn flush(&mut self) {
        self.out.flush();
    }

    /// The whole description, as `tabbedString` returns it.
    pub(super) fn finish(self) -> String {
        self.out.finish()
    }
}
