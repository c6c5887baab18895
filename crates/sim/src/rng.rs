//! The one seeded random source of a simulation. Everything random (generated names, UIDs,
//! timing jitter) draws from it, so a seed and a script reproduce a run byte for byte.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// The API server's alphabet for generated name suffixes: no vowels, no 0/1/3.
pub const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRng {
    inner: Pcg64,
}

impl SimRng {
    pub fn seeded(seed: u64) -> SimRng {
        SimRng {
            inner: Pcg64::seed_from_u64(seed),
        }
    }

    /// A generator of its own for values derived from `key` (a pod UID and a run number,
    /// say): work that repeats, such as a crash loop's restarts, then draws nothing from the
    /// cluster's generator, so it stays periodic and can be jumped over.
    pub fn keyed(key: &str) -> SimRng {
        let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        SimRng::seeded(hash)
    }

    /// Five characters as `names.SimpleNameGenerator` appends to `generateName`.
    pub fn name_suffix(&mut self) -> String {
        (0..5)
            .map(|_| char::from(NAME_ALPHABET[self.inner.random_range(0..NAME_ALPHABET.len())]))
            .collect()
    }

    /// A version-4 style UID.
    pub fn uid(&mut self) -> String {
        let bytes: [u8; 16] = self.inner.random();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{}-{}-4{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[13..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// A uniformly drawn value in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        if high <= low {
            low
        } else {
            self.inner.random_range(low..=high)
        }
    }

    pub fn hex(&mut self, length: usize) -> String {
        (0..length)
            .map(|_| char::from(b"0123456789abcdef"[self.inner.random_range(0..16)]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_names() {
        let mut a = SimRng::seeded(7);
        let mut b = SimRng::seeded(7);
        assert_eq!(a.name_suffix(), b.name_suffix());
        assert_eq!(a.uid(), b.uid());
        let suffix = SimRng::seeded(1).name_suffix();
        assert_eq!(suffix.len(), 5);
        assert!(suffix.bytes().all(|c| NAME_ALPHABET.contains(&c)));
    }
}
