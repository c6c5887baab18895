//! What a kubectl invocation prints, in order, split into stdout and stderr.

use kubeplay_shell::{Chunk, ProgramOutput};

#[derive(Debug, Default)]
pub struct Output {
    chunks: Vec<Chunk>,
    failed: bool,
    /// An exit status other than 0/1 (`kubectl diff` exits 1 on differences, 2+ on errors).
    status: Option<i32>,
}

impl Output {
    /// Appends text to stdout.
    pub fn out(&mut self, text: impl Into<String>) {
        self.chunks.push(Chunk::stdout(text));
    }

    /// Appends a line (newline added) to stdout.
    pub fn line(&mut self, text: impl AsRef<str>) {
        self.chunks
            .push(Chunk::stdout(format!("{}\n", text.as_ref())));
    }

    /// Appends a line to stderr and marks the command as failed (exit status 1).
    pub fn error(&mut self, text: impl AsRef<str>) {
        self.chunks
            .push(Chunk::stderr(format!("{}\n", text.as_ref())));
        self.failed = true;
    }

    /// Appends a line to stderr without failing (warnings, "No resources found").
    pub fn note(&mut self, text: impl AsRef<str>) {
        self.chunks
            .push(Chunk::stderr(format!("{}\n", text.as_ref())));
    }

    /// Appends everything `other` printed (and its failure).
    pub fn append(&mut self, other: Output) {
        self.chunks.extend(other.chunks);
        self.failed |= other.failed;
        self.status = other.status.or(self.status);
    }

    /// Takes what was printed so far, leaving the failure mark.
    pub fn take_chunks(&mut self) -> Vec<kubeplay_shell::Chunk> {
        std::mem::take(&mut self.chunks)
    }

    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The exit status set with [`Output::exit_with`], if any.
    pub fn status(&self) -> Option<i32> {
        self.status
    }

    /// Ends with `status` whatever was printed (`kubectl diff`'s 1 means "differences").
    pub fn exit_with(&mut self, status: i32) {
        self.status = Some(status);
        self.failed = status != 0;
    }

    pub fn into_program_output(self) -> ProgramOutput {
        ProgramOutput {
            chunks: self.chunks,
            status: self.status.unwrap_or(i32::from(self.failed)),
        }
    }

    /// Everything printed to stdout so far (for tests).
    pub fn stdout(&self) -> String {
        self.chunks
            .iter()
            .filter(|c| matches!(c.stream, kubeplay_shell::Stream::Stdout))
            .map(|c| c.text.as_str())
            .collect()
    }
}
