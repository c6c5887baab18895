//! A bounded, ordered buffer of stdout/stderr chunks (what a command or the terminal receives).

use crate::limits::MAX_OUTPUT_BYTES;
use crate::{Chunk, Stream};

#[derive(Debug, Default)]
pub(crate) struct Output {
    chunks: Vec<Chunk>,
    bytes: usize,
    truncated: bool,
    /// The time new text is stamped with.
    now: u64,
}

impl Output {
    pub fn new() -> Output {
        Output::default()
    }

    /// An empty buffer whose text is stamped `now`.
    pub fn at(now: u64) -> Output {
        Output {
            now,
            ..Output::default()
        }
    }

    pub fn set_now(&mut self, now: u64) {
        self.now = now;
    }

    pub fn out(&mut self, text: &str) {
        self.push(Stream::Stdout, text);
    }

    pub fn err(&mut self, text: &str) {
        self.push(Stream::Stderr, text);
    }

    /// Appends text, merging with the previous chunk of the same stream; beyond
    /// [`MAX_OUTPUT_BYTES`] the text is dropped and a note is added once by [`Output::finish`].
    pub fn push(&mut self, stream: Stream, text: &str) {
        self.push_at(stream, text, self.now);
    }

    /// Marks a screen repaint ([`Stream::Repaint`]); one right after another is one.
    pub fn repaint(&mut self) {
        if !self.truncated
            && self
                .chunks
                .last()
                .is_none_or(|last| last.stream != Stream::Repaint)
        {
            self.chunks.push(Chunk {
                at_ms: self.now,
                ..Chunk::repaint()
            });
        }
    }

    fn push_at(&mut self, stream: Stream, text: &str, at_ms: u64) {
        if stream == Stream::Repaint {
            return self.repaint();
        }
        if text.is_empty() || self.truncated {
            return;
        }
        let room = MAX_OUTPUT_BYTES.saturating_sub(self.bytes);
        let text = if text.len() > room {
            self.truncated = true;
            let mut cut = room;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            &text[..cut]
        } else {
            text
        };
        self.bytes += text.len();
        match self.chunks.last_mut() {
            Some(last) if last.stream == stream && last.at_ms == at_ms => last.text.push_str(text),
            _ if text.is_empty() => {}
            _ => self.chunks.push(Chunk {
                stream,
                text: text.to_string(),
                at_ms,
            }),
        }
    }

    /// Appends chunks written elsewhere, keeping their times.
    pub fn extend(&mut self, chunks: Vec<Chunk>) {
        for chunk in chunks {
            self.push_at(chunk.stream, &chunk.text, chunk.at_ms);
        }
    }

    /// The chunks, with a trailing note on stderr when output was cut.
    pub fn finish(mut self) -> Vec<Chunk> {
        if self.truncated {
            let note = format!("sh: output truncated after {MAX_OUTPUT_BYTES} bytes\n");
            self.chunks.push(Chunk {
                at_ms: self.now,
                ..Chunk::stderr(note)
            });
        }
        self.chunks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_truncates() {
        let mut out = Output::new();
        out.out("a");
        out.out("b");
        out.err("e");
        assert_eq!(out.chunks.len(), 2);
        let big = "é".repeat(MAX_OUTPUT_BYTES);
        out.out(&big);
        let chunks = out.finish();
        let total: usize = chunks.iter().map(|c| c.text.len()).sum();
        assert!(total <= MAX_OUTPUT_BYTES + 100);
        assert!(chunks.last().is_some_and(|c| c.text.contains("truncated")));
    }
}
