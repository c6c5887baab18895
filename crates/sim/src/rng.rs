//! The one seeded random source of a simulation. Everything random (generated names, UIDs,
//! timing jitter) draws from it, so a seed and a script reproduce a run byte for byte.
//!
//! Every value takes a fixed number of steps of the generator, whatever it turns out to be,
//! and the steps are counted: a stretch of simulation that repeats (a CronJob's runs) then
//! moves the generator on by the same count each time, and a jump over many repetitions can
//! move it on by their total at once (`advance`), as PCG allows in logarithmic time.

use rand::{RngCore, SeedableRng};
use rand_pcg::Pcg64;

/// The API server's alphabet for generated name suffixes: no vowels, no 0/1/3.
pub const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRng {
    inner: Pcg64,
    /// Steps taken since seeding.
    steps: u128,
}

impl SimRng {
    pub fn seeded(seed: u64) -> SimRng {
        SimRng {
            inner: Pcg64::seed_from_u64(seed),
            steps: 0,
        }
    }

    /// Steps taken since seeding: what a stretch of simulation drew is the difference.
    pub fn steps(&self) -> u128 {
        self.steps
    }

    /// Moves on `steps` steps, as drawing that many values would.
    pub fn advance(&mut self, steps: u128) {
        self.inner.advance(steps);
        self.steps = self.steps.wrapping_add(steps);
    }

    fn next_u32(&mut self) -> u32 {
        self.steps = self.steps.wrapping_add(1);
        self.inner.next_u32()
    }

    fn next_u64(&mut self) -> u64 {
        self.steps = self.steps.wrapping_add(1);
        self.inner.next_u64()
    }

    /// A value in `0..bound` from one step, by the widening multiply `rand` uses, without
    /// its rare second draw to reduce a bias of at most `bound / 2^32`: the values are
    /// `rand`'s in all but those rare cases, and the step count never depends on them.
    fn below(&mut self, bound: u32) -> u32 {
        ((u64::from(self.next_u32()) * u64::from(bound)) >> 32) as u32
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
            .map(|_| char::from(NAME_ALPHABET[self.below(NAME_ALPHABET.len() as u32) as usize]))
            .collect()
    }

    /// A version-4 style UID.
    pub fn uid(&mut self) -> String {
        // One step per byte, as `rand` fills a byte array.
        let bytes: [u8; 16] = std::array::from_fn(|_| self.next_u32() as u8);
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
            return low;
        }
        match (high - low).checked_add(1) {
            // One step, widened as for `below`.
            Some(range) => low + ((u128::from(self.next_u64()) * u128::from(range)) >> 64) as u64,
            None => self.next_u64(),
        }
    }

    pub fn hex(&mut self, length: usize) -> String {
        (0..length)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize]))
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

    /// The draws are `rand`'s (outside its rare bias corrections), so seeds keep the names
    /// and timings they always had.
    #[test]
    fn values_are_rands() {
        use rand::Rng;
        for seed in 0..200 {
            let mut ours = SimRng::seeded(seed);
            let mut theirs = Pcg64::seed_from_u64(seed);
            let suffix: String = (0..5)
                .map(|_| char::from(NAME_ALPHABET[theirs.random_range(0..NAME_ALPHABET.len())]))
                .collect();
            assert_eq!(ours.name_suffix(), suffix);
            let bytes: [u8; 16] = theirs.random();
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(ours.uid()[..8], hex[..8]);
            assert_eq!(ours.between(300, 900), theirs.random_range(300..=900));
            let hex: String = (0..64)
                .map(|_| char::from(b"0123456789abcdef"[theirs.random_range(0..16)]))
                .collect();
            assert_eq!(ours.hex(64), hex);
        }
    }

    #[test]
    fn advancing_equals_drawing() {
        let mut drawn = SimRng::seeded(3);
        let mut jumped = drawn.clone();
        let before = drawn.steps();
        drawn.name_suffix();
        drawn.uid();
        drawn.between(1, 10);
        drawn.hex(8);
        jumped.advance(drawn.steps() - before);
        assert_eq!(drawn, jumped);
        assert_eq!(drawn.name_suffix(), jumped.name_suffix());
    }
}
