//! [`UidKey`]: an object's UID as the key of a map of every pod or every object. The API
//! server's UIDs are UUIDs in their 36-character text form; as a `String` each is a 48-byte
//! allocation besides its 24-byte header, and at 100,000 replicas the store's index by UID,
//! the kubelets' runtimes and the Event recorder's caches hold about 500,000 of them.

use std::fmt;

/// A UID held as the 16 bytes of its UUID when it is one in canonical form (lowercase hex,
/// dashes after the 8th, 12th, 16th and 20th digit), otherwise as its text. The form is
/// chosen from the text alone, so equal UIDs make equal keys.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum UidKey {
    Uuid([u8; 16]),
    Text(Box<str>),
}

/// Where the dashes of a canonical UUID are.
const DASHES: [usize; 4] = [8, 13, 18, 23];

impl UidKey {
    pub(crate) fn new(uid: &str) -> UidKey {
        parse_uuid(uid).map_or_else(|| UidKey::Text(uid.into()), UidKey::Uuid)
    }
}

/// Where each byte's two digits start in the text (every kubelet step and owner lookup
/// parses a UID, so this reads fixed places rather than scanning).
const BYTE_AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let text: &[u8; 36] = text.as_bytes().try_into().ok()?;
    if DASHES.iter().any(|&at| text[at] != b'-') {
        return None;
    }
    let digit = |at: usize| match text[at] {
        digit @ b'0'..=b'9' => Some(digit - b'0'),
        digit @ b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    };
    let mut bytes = [0u8; 16];
    for (byte, &at) in bytes.iter_mut().zip(&BYTE_AT) {
        *byte = digit(at)? << 4 | digit(at + 1)?;
    }
    Some(bytes)
}

/// In the order of the UIDs' text (for UUIDs in canonical form, their bytes' order), as the
/// maps these keys replaced iterated.
impl Ord for UidKey {
    fn cmp(&self, other: &UidKey) -> std::cmp::Ordering {
        match (self, other) {
            (UidKey::Uuid(a), UidKey::Uuid(b)) => a.cmp(b),
            (UidKey::Text(a), UidKey::Text(b)) => a.cmp(b),
            _ => self.to_string().cmp(&other.to_string()),
        }
    }
}

impl PartialOrd for UidKey {
    fn partial_cmp(&self, other: &UidKey) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// As its text, quoted (as the `String` keys it replaced showed).
impl fmt::Debug for UidKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string(), f)
    }
}

impl fmt::Display for UidKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UidKey::Text(text) => f.write_str(text),
            UidKey::Uuid(bytes) => {
                for (at, byte) in bytes.iter().enumerate() {
                    if matches!(at, 4 | 6 | 8 | 10) {
                        f.write_str("-")?;
                    }
                    write!(f, "{byte:02x}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canonical_uuid_is_held_as_its_bytes_and_reads_back_the_same() {
        let uid = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
        let key = UidKey::new(uid);
        assert!(matches!(key, UidKey::Uuid(_)));
        assert_eq!(key.to_string(), uid);
        assert_eq!(key, UidKey::new(uid));
    }

    #[test]
    fn anything_else_is_held_as_text() {
        for uid in [
            "uid-p",
            "",
            "0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0",
            "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0x",
            "0f1e2d3c+4b5a-4968-8776-a5b4c3d2e1f0",
            "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1fg",
            "é-ab-4968-8776-a5b4c3d2e1f0-0f1e2d3c4",
        ] {
            let key = UidKey::new(uid);
            assert_eq!(key, UidKey::Text(uid.into()), "{uid}");
            assert_eq!(key.to_string(), uid);
        }
        assert_ne!(
            UidKey::new("0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0"),
            UidKey::new("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0")
        );
    }

    #[test]
    fn keys_sort_as_their_text() {
        let uids = [
            "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
            "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f1",
            "9f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
            "a0000000-0000-4000-8000-000000000000",
            "uid-p",
            "0f1e",
        ];
        let mut by_text = uids.to_vec();
        by_text.sort_unstable();
        let mut by_key: Vec<UidKey> = uids.iter().map(|uid| UidKey::new(uid)).collect();
        by_key.sort_unstable();
        let by_key: Vec<String> = by_key.iter().map(UidKey::to_string).collect();
        assert_eq!(by_key, by_text);
    }
}
