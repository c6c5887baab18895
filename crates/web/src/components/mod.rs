//! The panels of the page, one component per file.

pub mod clock;
pub mod cluster;
pub mod editor;
pub mod events;
pub mod inspector;
pub mod lesson;
pub mod logo;
pub mod terminal;
pub mod toolbar;
pub mod traffic;
pub mod traffic_counts;
