//! The page's state and formats without any UI, as a library so that the fuzz entry points
//! (`crates/fuzzing`) reach the share-link and saved-state decoders the page runs.

pub mod persist;
pub mod playground;
pub mod share;
