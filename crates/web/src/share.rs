//! Share links: the playground's settings and action log, as JSON, deflated and base64url
//! encoded into the URL fragment. Decoding yields only data — replaying it runs simulator
//! commands and nothing else.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::playground::{Action, Settings};

/// The largest fragment accepted (decoded), so a crafted link cannot exhaust memory.
const MAX_DECODED_BYTES: usize = 4 * 1024 * 1024;
/// The most virtual time a link may pass, so a crafted link cannot keep the tab simulating
/// for ever (a year: far beyond any session, even at 60× for days).
const MAX_LINK_MS: u64 = 366 * 24 * 60 * 60 * 1000;
const PREFIX: &str = "s=";
/// The link format this version writes and reads.
const FORMAT: u32 = 1;

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

#[derive(Serialize, Deserialize)]
struct Shared {
    version: u32,
    settings: Settings,
    actions: Vec<Action>,
}

pub fn encode(settings: &Settings, actions: &[Action]) -> String {
    let shared = Shared {
        version: FORMAT,
        settings: settings.clone(),
        actions: actions.to_vec(),
    };
    let json = serde_json::to_vec(&shared).unwrap_or_default();
    let compressed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(compressed))
}

pub fn decode(fragment: &str) -> Result<(Settings, Vec<Action>), String> {
    let body = fragment
        .trim_start_matches('#')
        .strip_prefix(PREFIX)
        .ok_or("not a kubeplay share link")?;
    let compressed = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|e| format!("the share link is damaged ({e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_DECODED_BYTES)
        .map_err(|_| "the share link is damaged or too large".to_string())?;
    // The version is read first, so a link of another format is named as such rather than
    // reported as a parse error of fields this version does not know.
    let version = serde_json::from_slice::<VersionOnly>(&json)
        .map_err(|e| format!("the share link is not understood ({e})"))?
        .version;
    if version != FORMAT {
        return Err(format!(
            "the share link was made by another version of kubeplay (format {version}; this one reads format {FORMAT})"
        ));
    }
    let shared: Shared = serde_json::from_slice(&json)
        .map_err(|e| format!("the share link is not understood ({e})"))?;
    let advanced = shared
        .actions
        .iter()
        .fold(0u64, |total, action| match action {
            Action::Advance(ms) => total.saturating_add(*ms),
            _ => total,
        });
    if advanced > MAX_LINK_MS {
        return Err("the share link passes more than a year of virtual time".into());
    }
    Ok((shared.settings, shared.actions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::Preset;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let settings = Settings {
            seed: 3,
            preset: Preset::KindMulti,
            start_second: 1,
        };
        let actions = vec![
            Action::Command("kubectl get pods".into()),
            Action::Advance(5000),
        ];
        let fragment = encode(&settings, &actions);
        assert_eq!(
            decode(&format!("#{fragment}")),
            Ok((settings.clone(), actions))
        );
        assert!(decode("#s=!!!").is_err());
        assert!(decode("#other").is_err());
        assert!(decode("#s=AAAA").is_err());
        let endless = encode(&settings, &[Action::Advance(u64::MAX)]);
        assert!(decode(&endless).is_err());
    }

    #[test]
    fn names_a_link_of_another_version() {
        let json = br#"{"version":2,"state":"something new"}"#;
        let compressed = miniz_oxide::deflate::compress_to_vec(json, 9);
        let link = format!("#s={}", URL_SAFE_NO_PAD.encode(compressed));
        assert_eq!(
            decode(&link),
            Err("the share link was made by another version of kubeplay (format 2; this one reads format 1)".into())
        );
    }
}
