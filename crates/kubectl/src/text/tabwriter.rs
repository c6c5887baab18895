//! Elastic tabstops exactly as Go's `text/tabwriter` lays them out (and its fork
//! `github.com/liggitt/tabwriter`, which adds `RememberWidths`): a port of the real
//! `format()` recursion over column blocks, not an approximation.
//!
//! Text is split into cells terminated by `\t` (or `\v`); `\n` and `\f` end lines. A column
//! block is a run of consecutive lines that all have a tab-terminated cell in that column; its
//! width is the widest cell plus padding (at least `min_width`). The last cell of a line is
//! never padded. A line holding a single cell flushes everything buffered, which is why a
//! line without a tab starts a fresh alignment in `kubectl describe`.

/// Writer settings (Go's `Init(output, minwidth, tabwidth, padding, padchar, flags)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub min_width: usize,
    pub tab_width: usize,
    pub padding: usize,
    pub pad_char: char,
    /// liggitt's `RememberWidths`: column widths survive `flush` and only ever grow.
    pub remember_widths: bool,
}

impl Config {
    /// `kubectl get` tables (`cli-runtime/pkg/printers/tabwriter.go`).
    pub const GET: Config = Config {
        min_width: 6,
        tab_width: 4,
        padding: 3,
        pad_char: ' ',
        remember_widths: true,
    };

    /// `kubectl describe` (`tabbedString` in describe.go: `Init(buf, 0, 8, 2, ' ', 0)`).
    pub const DESCRIBE: Config = Config {
        min_width: 0,
        tab_width: 8,
        padding: 2,
        pad_char: ' ',
        remember_widths: false,
    };
}

#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    /// Bytes of text in `buf`.
    size: usize,
    /// Width in runes.
    width: usize,
    /// Terminated by a horizontal tab.
    htab: bool,
}

/// A tab writer that accumulates its output in memory.
#[derive(Debug)]
pub struct TabWriter {
    config: Config,
    /// Text of all buffered cells, without tabs or line breaks.
    buf: String,
    /// The current, unterminated cell.
    cell: Cell,
    lines: Vec<Vec<Cell>>,
    /// Widths of the columns enclosing the block being formatted.
    widths: Vec<usize>,
    /// Remembered widths per column (`remember_widths` only).
    max_widths: Vec<usize>,
    out: String,
}

impl TabWriter {
    pub fn new(config: Config) -> Self {
        TabWriter {
            config,
            buf: String::new(),
            cell: Cell::default(),
            lines: vec![Vec::new()],
            widths: Vec::new(),
            max_widths: Vec::new(),
            out: String::new(),
        }
    }

    /// Buffers `text`; formatted output appears when a line flushes or on [`flush`](Self::flush).
    pub fn write_str(&mut self, text: &str) {
        for ch in text.chars() {
            match ch {
                '\t' | '\u{b}' | '\n' | '\u{c}' => {
                    let cells = self.terminate_cell(ch == '\t');
                    if ch == '\n' || ch == '\u{c}' {
                        self.lines.push(Vec::new());
                        // A one-cell line cannot influence later columns, so Go flushes here.
                        if ch == '\u{c}' || cells == 1 {
                            self.flush();
                        }
                    }
                }
                _ => {
                    self.buf.push(ch);
                    self.cell.size += ch.len_utf8();
                    self.cell.width += 1;
                }
            }
        }
    }

    /// Formats and emits everything buffered (a trailing partial line is written unterminated).
    pub fn flush(&mut self) {
        if self.cell.size > 0 {
            self.terminate_cell(false);
        }
        let line_count = self.lines.len();
        self.format(0, 0, line_count);
        self.buf.clear();
        self.cell = Cell::default();
        self.lines.clear();
        self.lines.push(Vec::new());
        self.widths.clear();
    }

    /// Takes the output formatted so far (for incremental printing such as `get -w`).
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// Flushes and returns all output.
    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }

    fn terminate_cell(&mut self, htab: bool) -> usize {
        self.cell.htab = htab;
        let cell = std::mem::take(&mut self.cell);
        match self.lines.last_mut() {
            Some(line) => {
                line.push(cell);
                line.len()
            }
            None => {
                self.lines.push(vec![cell]);
                1
            }
        }
    }

    /// Go's `format`: finds the blocks of column `widths.len()` within `line0..line1`, fixes
    /// their width and recurses into the next column.
    fn format(&mut self, pos0: usize, mut line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            // Cell exists in this column: print the lines above the block, then the block.
            pos = self.write_lines(pos, line0, this);
            line0 = this;

            let mut width = self.config.min_width;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                width = width.max(line[column].width + self.config.padding);
                this += 1;
            }

            if self.config.remember_widths {
                if self.max_widths.len() < self.widths.len() {
                    let known = self.max_widths.len();
                    self.max_widths.extend_from_slice(&self.widths[known..]);
                }
                match self.max_widths.get_mut(column) {
                    None => self.max_widths.push(width),
                    Some(max) if *max > width => width = *max,
                    Some(max) => *max = width,
                }
            }

            self.widths.push(width);
            pos = self.format(pos, line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1)
    }

    fn write_lines(&mut self, pos0: usize, line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        for i in line0..line1 {
            for (j, cell) in self.lines[i].iter().enumerate() {
                self.out.push_str(&self.buf[pos..pos + cell.size]);
                pos += cell.size;
                if let Some(&column_width) = self.widths.get(j) {
                    write_padding(&mut self.out, &self.config, cell.width, column_width);
                }
            }
            if i + 1 == self.lines.len() {
                // The last buffered line is partial: emit the pending cell, no newline.
                self.out.push_str(&self.buf[pos..pos + self.cell.size]);
                pos += self.cell.size;
            } else {
                self.out.push('\n');
            }
        }
        pos
    }
}

impl std::fmt::Write for TabWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        TabWriter::write_str(self, s);
        Ok(())
    }
}

fn write_padding(out: &mut String, config: &Config, text_width: usize, cell_width: usize) {
    if config.pad_char == '\t' {
        if config.tab_width == 0 {
            return;
        }
        let cell_width = cell_width.div_ceil(config.tab_width) * config.tab_width;
        let n = cell_width.saturating_sub(text_width);
        out.extend(std::iter::repeat_n('\t', n.div_ceil(config.tab_width)));
        return;
    }
    out.extend(std::iter::repeat_n(
        config.pad_char,
        cell_width.saturating_sub(text_width),
    ));
}

/// Lays out `text` in one go with `config`.
pub fn layout(config: Config, text: &str) -> String {
    let mut writer = TabWriter::new(config);
    writer.write_str(text);
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(text: &str) -> String {
        layout(Config::DESCRIBE, text)
    }

    fn get(text: &str) -> String {
        layout(Config::GET, text)
    }

    #[test]
    fn get_tables_have_min_width_and_no_trailing_space() {
        let out = get("NAME\tREADY\tSTATUS\tRESTARTS\tAGE\n\
                       nginx-7854ff8877-2xkqz\t1/1\tRunning\t0\t10s\n");
        assert_eq!(
            out,
            "NAME                     READY   STATUS    RESTARTS   AGE\n\
             nginx-7854ff8877-2xkqz   1/1     Running   0          10s\n"
        );
        assert_eq!(get("A\tB\n"), "A     B\n");
    }

    #[test]
    fn remember_widths_only_grow_across_flushes() {
        let mut w = TabWriter::new(Config::GET);
        w.write_str("NAME\tAGE\nab\t1s\n");
        w.flush();
        assert_eq!(w.take_output(), "NAME   AGE\nab     1s\n");
        w.write_str("a-much-longer-name\t2s\n");
        w.flush();
        assert_eq!(w.take_output(), "a-much-longer-name   2s\n");
        w.write_str("x\t3s\n");
        w.flush();
        assert_eq!(w.take_output(), "x                    3s\n");
    }

    #[test]
    fn without_remember_widths_each_flush_is_fresh() {
        let mut w = TabWriter::new(Config::DESCRIBE);
        w.write_str("long-key:\tv\n");
        w.flush();
        w.write_str("k:\tv\n");
        assert_eq!(w.finish(), "long-key:  v\nk:  v\n");
    }

    #[test]
    fn untabbed_line_ends_the_block() {
        let out = describe("Name:\tx\nService Account:\ty\nIPs:\n  IP:\t1\nControlled By:\tz\n");
        assert_eq!(
            out,
            "Name:             x\nService Account:  y\nIPs:\n  IP:           1\nControlled By:  z\n"
        );
    }

    #[test]
    fn empty_terminated_cell_pads_and_trailing_cell_space_is_kept() {
        assert_eq!(
            describe("Kube-Proxy Version:\t\nPodCIDR:\tx\n"),
            "Kube-Proxy Version:  \nPodCIDR:             x\n"
        );
        assert_eq!(
            describe("  Type\tStatus\n  Ready \tTrue \n  PodScheduled \tTrue \n"),
            "  Type           Status\n  Ready          True \n  PodScheduled   True \n"
        );
    }

    #[test]
    fn continuation_lines_start_with_an_empty_cell() {
        assert_eq!(
            describe("Labels:\tapp=nginx\n\tpod-template-hash=1\nAnnotations:\t<none>\n"),
            "Labels:       app=nginx\n              pod-template-hash=1\nAnnotations:  <none>\n"
        );
    }

    #[test]
    fn inner_columns_form_their_own_blocks() {
        // Column 1 exists only on the Port and NodePort lines, which are not adjacent.
        let out = describe(
            "Port:\thttp\t80/TCP\nTargetPort:\t8080/TCP\nNodePort:\tlonger-name\t30080/TCP\n",
        );
        assert_eq!(
            out,
            "Port:        http  80/TCP\nTargetPort:  8080/TCP\nNodePort:    longer-name  30080/TCP\n"
        );
    }

    #[test]
    fn widths_count_runes_and_partial_lines_flush_unterminated() {
        assert_eq!(describe("é:\tx\nab:\ty"), "é:   x\nab:  y");
        assert_eq!(describe("a\t"), "a");
        assert_eq!(describe(""), "");
    }

    #[test]
    fn form_feed_forces_a_flush_and_tab_padding_uses_tabwidth() {
        assert_eq!(describe("a:\tx\u{c}bbbb:\ty\n"), "a:  x\nbbbb:  y\n");
        let tabs = Config {
            pad_char: '\t',
            ..Config::DESCRIBE
        };
        assert_eq!(
            layout(tabs, "a\tb\nccccccccc\td\n"),
            "a\t\tb\nccccccccc\td\n"
        );
    }
}
