//! [`ContainerId`]: the ID the container runtime gives a container run.

/// `containerd://` and 64 hex digits, held as the 32 bytes they spell (a `String` of it was
/// 104 bytes a container); none before the container first starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct ContainerId(Option<[u8; 32]>);

const SCHEME: &str = "containerd://";

impl ContainerId {
    /// The ID spelled by `digits`, 64 lowercase hex digits (what the runtime draws).
    pub(super) fn from_digits(digits: &str) -> ContainerId {
        let mut bytes = [0u8; 32];
        let nibble = |digit: u8| (digit as char).to_digit(16).map(|n| n as u8);
        let parsed = digits.len() == 64
            && bytes
                .iter_mut()
                .zip(digits.as_bytes().chunks(2))
                .all(|(byte, pair)| match (nibble(pair[0]), nibble(pair[1])) {
                    (Some(high), Some(low)) => {
                        *byte = high << 4 | low;
                        true
                    }
                    _ => false,
                });
        ContainerId(parsed.then_some(bytes))
    }

    pub(super) fn is_none(&self) -> bool {
        self.0.is_none()
    }

    /// The 64 hex digits.
    fn digits(&self) -> String {
        self.0
            .iter()
            .flatten()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// `containerd://<digits>`, or nothing before the first start.
    pub(super) fn text(&self) -> String {
        if self.is_none() {
            String::new()
        } else {
            format!("{SCHEME}{}", self.digits())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_back_as_it_was_drawn() {
        let digits = "0123456789abcdef".repeat(4);
        let id = ContainerId::from_digits(&digits);
        assert!(!id.is_none());
        assert_eq!(id.digits(), digits);
        assert_eq!(id.text(), format!("containerd://{digits}"));
        assert_eq!(ContainerId::default().text(), "");
        assert!(ContainerId::from_digits("0123").is_none());
        assert!(ContainerId::from_digits(&"g".repeat(64)).is_none());
    }
}
