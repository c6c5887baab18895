//! Error types of the shell itself; they render to bash-style one-line messages at the edge.

use thiserror::Error;

/// A problem with the script text, found before anything runs (bash exit status 2).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SyntaxError {
    #[error("unexpected EOF while looking for matching `{0}'")]
    Unterminated(char),
    #[error("here-document delimited by end-of-file (wanted `{0}')")]
    UnterminatedHeredoc(String),
    #[error("syntax error: unexpected end of file")]
    UnexpectedEof,
    #[error("syntax error near unexpected token `{0}'")]
    UnexpectedToken(String),
    #[error("{0}: bad substitution")]
    BadSubstitution(String),
    #[error("{0} are not supported in the kubeplay shell")]
    Unsupported(&'static str),
    #[error("command substitutions nested too deeply (limit {0})")]
    TooDeep(usize),
    #[error("pipeline has more than {0} commands")]
    PipelineTooLong(usize),
}

impl SyntaxError {
    /// True when more input could complete the command (used by `split_commands`).
    pub fn is_incomplete(&self) -> bool {
        matches!(
            self,
            SyntaxError::Unterminated(_)
                | SyntaxError::UnterminatedHeredoc(_)
                | SyntaxError::UnexpectedEof
        )
    }
}

/// A problem while running: expanding words or performing redirections (status 1).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RunError {
    #[error("{0}: {1}")]
    File(String, FsError),
    #[error("{0}: ambiguous redirect")]
    AmbiguousRedirect(String),
    #[error("expansion too large (limit {0} bytes)")]
    WordTooLarge(usize),
    #[error("{0}: nested too deeply (limit {1})")]
    TooDeep(&'static str, usize),
    #[error("{0}")]
    NullParameter(String),
}

/// Why a virtual filesystem operation failed; the text matches coreutils' `strerror` wording.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FsError {
    #[error("No such file or directory")]
    NotFound,
    #[error("Is a directory")]
    IsADirectory,
    #[error("Not a directory")]
    NotADirectory,
    #[error("File exists")]
    Exists,
    #[error("Directory not empty")]
    NotEmpty,
    #[error("No space left on device")]
    NoSpace,
    #[error("Permission denied")]
    PermissionDenied,
}
