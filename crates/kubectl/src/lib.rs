//! kubectl over the kubeplay simulation: argument parsing, commands and printers.

pub mod describe;
pub mod text;
