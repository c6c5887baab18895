//! Keeps the learner's top-level playground across reloads, in localStorage: the settings
//! and action log, the editor's unapplied draft, and the playground a share link replaced
//! (so the learner can go back to it). An embedded playground calls none of this.
//!
//! The saved playground carries a format version, so a state written by another version of
//! kubeplay, or damaged by hand, is recognised and answered with a message instead of being
//! misread.

use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

use crate::playground::{Action, Settings};

const STATE: &str = "kubeplay.state.v1";
const DRAFT: &str = "kubeplay.draft.v1";
const BACKUP: &str = "kubeplay.backup.v1";
/// The format this version writes and reads.
const FORMAT: u32 = 1;

pub type Saved = (Settings, Vec<Action>);

#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    settings: Settings,
    actions: Vec<Action>,
}

/// Only the version, read before the rest so another format is named, not misparsed.
#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

fn encode(settings: &Settings, actions: &[Action]) -> String {
    let stored = Stored {
        version: FORMAT,
        settings: settings.clone(),
        actions: actions.to_vec(),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// Reads a stored playground: the versioned format, or the unversioned `[settings, actions]`
/// pair the first releases wrote.
fn decode(raw: &str) -> Result<Saved, String> {
    let value: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| format!("it is damaged ({e})"))?;
    if value.is_array() {
        return serde_json::from_value(value).map_err(|e| format!("it is damaged ({e})"));
    }
    let VersionOnly { version } =
        serde_json::from_value(value.clone()).map_err(|e| format!("it is damaged ({e})"))?;
    if version != FORMAT {
        return Err(format!(
            "it was saved by another version of kubeplay (format {version}; this one reads format {FORMAT})"
        ));
    }
    let stored: Stored =
        serde_json::from_value(value).map_err(|e| format!("it is damaged ({e})"))?;
    Ok((stored.settings, stored.actions))
}

fn read(key: &str) -> Option<Result<Saved, String>> {
    let raw = LocalStorage::raw().get_item(key).ok().flatten()?;
    Some(decode(&raw))
}

fn write(key: &str, settings: &Settings, actions: &[Action]) -> bool {
    LocalStorage::raw()
        .set_item(key, &encode(settings, actions))
        .is_ok()
}

pub fn save(settings: &Settings, actions: &[Action]) {
    write(STATE, settings, actions);
}

/// The saved playground: none, one, or why the stored one cannot be used.
pub fn load() -> Option<Result<Saved, String>> {
    read(STATE)
}

pub fn clear() {
    LocalStorage::delete(STATE);
}

/// Keeps the saved playground aside before a share link replaces it.
pub fn back_up() -> bool {
    matches!(load(), Some(Ok((settings, actions))) if write(BACKUP, &settings, &actions))
}

/// Takes back the playground a share link replaced.
pub fn take_backup() -> Option<Saved> {
    let saved = read(BACKUP).and_then(Result::ok);
    LocalStorage::delete(BACKUP);
    saved
}

pub fn save_draft(text: &str) {
    let _ = LocalStorage::set(DRAFT, text);
}

pub fn load_draft() -> Option<String> {
    LocalStorage::get(DRAFT).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::Preset;

    fn settings() -> Settings {
        Settings {
            seed: 7,
            preset: Preset::Kind,
            start_second: 1,
        }
    }

    #[test]
    fn round_trips_the_versioned_format_and_reads_the_unversioned_one() {
        let actions = vec![
            Action::Command("kubectl get pods".into()),
            Action::Advance(10),
        ];
        assert_eq!(
            decode(&encode(&settings(), &actions)),
            Ok((settings(), actions.clone()))
        );
        let legacy = serde_json::to_string(&(settings(), &actions)).unwrap_or_default();
        assert_eq!(decode(&legacy), Ok((settings(), actions)));
    }

    #[test]
    fn names_another_version_and_damage() {
        let future = r#"{"version":2,"cluster":{"nodes":[]}}"#;
        assert_eq!(
            decode(future),
            Err(
                "it was saved by another version of kubeplay (format 2; this one reads format 1)"
                    .into()
            )
        );
        for damaged in [
            "{not json",
            "42",
            r#"{"version":1,"settings":3}"#,
            "[1,2,3]",
        ] {
            let error = decode(damaged).err().unwrap_or_default();
            assert!(error.starts_with("it is damaged ("), "{damaged}: {error}");
        }
    }
}
