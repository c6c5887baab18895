//! kubectl over the kubeplay simulation: argument parsing, commands, printers, and the
//! terminal that runs them under the playground's shell.

pub mod args;
pub mod commands;
pub mod describe;
pub mod errors;
pub mod explain;
pub mod fields;
pub mod kubeplay;
pub mod manifests;
pub mod output;
pub mod printers;
mod replay;
pub mod resources;
pub mod session;
pub mod terminal;
#[cfg(test)]
mod terminal_tests;
pub mod text;
pub mod waiting;

pub use terminal::{Foreground, Slice, Started, Terminal};
