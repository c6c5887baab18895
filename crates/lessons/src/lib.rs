//! Guided lessons: a Markdown file format an author writes by hand ([`parse`]), checks that
//! read the simulated cluster through kubectl itself ([`check`]), and the native verification
//! that every step is needed and does what it says ([`verify`]). The page and the CLI share
//! all of it; like the core crates it does no IO and builds for wasm32. The lessons shipped
//! with kubeplay are compiled in ([`catalog`]).

pub mod catalog;
pub mod check;
pub mod lesson;
pub mod parse;
pub mod verify;

pub use check::{CheckResult, StepStatus, step_status};
pub use lesson::{Block, Check, Code, Expectation, Lesson, Step};
pub use parse::{LessonError, parse};
