//! Keeps the learner's top-level playground across reloads, in localStorage: the settings
//! and action log, the editor's unapplied draft, and the playground a share link replaced
//! (so the learner can go back to it). An embedded playground calls none of this.

use gloo::storage::{LocalStorage, Storage};

use crate::playground::{Action, Settings};

const STATE: &str = "kubeplay.state.v1";
const DRAFT: &str = "kubeplay.draft.v1";
const BACKUP: &str = "kubeplay.backup.v1";

pub type Saved = (Settings, Vec<Action>);

pub fn save(settings: &Settings, actions: &[Action]) {
    let _ = LocalStorage::set(STATE, (settings, actions));
}

pub fn load() -> Option<Saved> {
    LocalStorage::get(STATE).ok()
}

pub fn clear() {
    LocalStorage::delete(STATE);
}

/// Keeps the saved playground aside before a share link replaces it.
pub fn back_up() -> bool {
    load().is_some_and(|saved| LocalStorage::set(BACKUP, saved).is_ok())
}

/// Takes back the playground a share link replaced.
pub fn take_backup() -> Option<Saved> {
    let saved = LocalStorage::get(BACKUP).ok();
    LocalStorage::delete(BACKUP);
    saved
}

pub fn save_draft(text: &str) {
    let _ = LocalStorage::set(DRAFT, text);
}

pub fn load_draft() -> Option<String> {
    LocalStorage::get(DRAFT).ok()
}
