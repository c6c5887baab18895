//! A command line that waits in the middle (`for i in 1 2 3; do kubectl get pods; sleep 5;
//! done`) runs in the page as a resumable task without making the shell resumable: the line
//! runs until its first wait, which is handed to the host as a [`crate::waiting::Task`]; when
//! that wait ends, the line runs again from the shell as it was before the line, with every
//! answer it already had from the cluster replayed from a [`Log`] (so nothing is done twice),
//! up to its next wait, and so on. Only the output past what was already shown is handed out.
//!
//! The shell is deterministic given its host's answers, so each pass retraces the previous
//! one exactly. A pass costs what the line did so far (a loop of N sleeps costs N²/2
//! replayed iterations, bounded by the shell's loop limit), which is little next to a frame.

use kubeplay_shell::{Chunk, ProgramOutput, Shell};
use kubeplay_sim::clock::Millis;

/// One answer the host gave the shell, in order.
#[derive(Clone, Debug)]
pub(crate) enum Call {
    /// `Host::run` (`None`: no such program).
    Run(Option<ProgramOutput>),
    /// `Host::sleep`.
    Sleep(ProgramOutput),
    /// `Host::begin_timeout`: the deadline it set.
    BeginTimeout(Millis, i32),
    /// `Host::end_timeout`: whether the deadline had passed.
    EndTimeout(bool),
}

/// The answers of the passes so far.
#[derive(Debug, Default)]
pub(crate) struct Log {
    calls: Vec<Call>,
    /// Next answer to replay.
    position: usize,
    /// The wait of this pass was handed out: the shell is unwinding, nothing more is done.
    pub suspended: bool,
    /// What the suspended call printed before its wait began, and whether it was `sleep`.
    pub pending: Option<(ProgramOutput, bool)>,
}

impl Log {
    /// Starts a pass from the first answer.
    pub fn rewind(&mut self) {
        self.position = 0;
        self.suspended = false;
        self.pending = None;
    }

    /// The next recorded answer, while the pass retraces the previous ones.
    pub fn replay(&mut self) -> Option<Call> {
        let call = self.calls.get(self.position).cloned()?;
        self.position += 1;
        Some(call)
    }

    pub fn record(&mut self, call: Call) {
        self.calls.push(call);
        self.position = self.calls.len();
    }

    /// Keeps what the suspended call's wait printed so far.
    pub fn keep_printed(&mut self, chunks: Vec<Chunk>) {
        if let Some((output, _)) = &mut self.pending {
            output.chunks.extend(chunks);
        }
    }

    /// Records how the suspended call ended once its wait finished.
    pub fn finish_pending(&mut self, mut chunks: Vec<Chunk>, status: i32) {
        let Some((mut output, sleep)) = self.pending.take() else {
            return;
        };
        output.chunks.append(&mut chunks);
        output.status = status;
        self.record(if sleep {
            Call::Sleep(output)
        } else {
            Call::Run(Some(output))
        });
    }
}

/// A command line being run in passes.
pub(crate) struct Replay {
    pub command: String,
    /// The shell as it was before the line.
    pub shell: Shell,
    pub log: Log,
    /// Bytes of output already handed out.
    pub shown: usize,
}

impl Replay {
    /// The part of a pass's output not shown yet; remembers that all of it now is.
    pub fn unseen(&mut self, output: Vec<Chunk>) -> Vec<Chunk> {
        let mut skip = self.shown;
        self.shown = output.iter().map(|c| c.text.len()).sum();
        let mut fresh = Vec::new();
        for mut chunk in output {
            // A repaint mark has no text: it was shown if text after it was.
            if skip > 0 && skip >= chunk.text.len() {
                skip -= chunk.text.len();
                continue;
            }
            if skip > 0 {
                // Passes retrace each other, so the cut falls where the last pass ended.
                let mut cut = skip;
                while !chunk.text.is_char_boundary(cut) {
                    cut += 1;
                }
                chunk.text = chunk.text.split_off(cut);
                skip = 0;
            }
            fresh.push(chunk);
        }
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_only_what_was_not_shown() {
        let mut replay = Replay {
            command: String::new(),
            shell: Shell::new("/home/learner"),
            log: Log::default(),
            shown: 0,
        };
        let first = replay.unseen(vec![Chunk::stdout("one\n")]);
        assert_eq!(first, vec![Chunk::stdout("one\n")]);
        let second = replay.unseen(vec![
            Chunk::stdout("one\ntw"),
            Chunk::stderr("o!\n"),
            Chunk::stdout("three\n"),
        ]);
        assert_eq!(
            second,
            vec![
                Chunk::stdout("tw"),
                Chunk::stderr("o!\n"),
                Chunk::stdout("three\n")
            ]
        );
        assert_eq!(replay.shown, 15);
    }

    #[test]
    fn a_finished_wait_is_answered_on_the_next_pass() {
        let mut log = Log::default();
        log.record(Call::EndTimeout(false));
        log.pending = Some((
            ProgramOutput {
                chunks: vec![Chunk::stdout("before\n")],
                status: 0,
            },
            false,
        ));
        log.finish_pending(vec![Chunk::stdout("after\n")], 1);
        log.rewind();
        assert!(matches!(log.replay(), Some(Call::EndTimeout(false))));
        let Some(Call::Run(Some(output))) = log.replay() else {
            panic!("the finished wait is the second answer");
        };
        assert_eq!(output.status, 1);
        assert_eq!(output.chunks.len(), 2);
        assert!(log.replay().is_none());
    }
}
