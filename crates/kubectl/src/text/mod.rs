//! Text layout primitives shared by printers: tab writers, durations, timestamps, and the
//! label/selector/taint renderings kubectl uses in tables and descriptions.

pub mod duration;
pub mod go_duration;
pub mod labels;
pub mod tabwriter;
pub mod time;
pub mod unified_diff;
pub mod wordwrap;
