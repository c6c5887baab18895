//! Keeps the playground across reloads: settings and the action log in localStorage.

use gloo::storage::{LocalStorage, Storage};

use crate::playground::{Action, Settings};

const KEY: &str = "kubeplay.state.v1";

pub fn save(settings: &Settings, actions: &[Action]) {
    let _ = LocalStorage::set(KEY, (settings, actions));
}

pub fn load() -> Option<(Settings, Vec<Action>)> {
    LocalStorage::get(KEY).ok()
}

pub fn clear() {
    LocalStorage::delete(KEY);
}
