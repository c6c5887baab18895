//! How fast virtual time really runs while playing. Each frame simulates within its slice of
//! real time (`frame.rs`), so a cluster busier than the slice allows (100,000 pods being
//! created) runs slower than the chosen speed: the clock then says so, rather than letting a
//! learner think 60× is what they see.

/// Real time over which the pace is measured: long enough to smooth single frames, short
/// enough that the note comes and goes with the work.
const WINDOW_MS: f64 = 1_000.0;
/// Below this share of the chosen speed, the clock counts as behind.
const KEEPING_UP: f64 = 0.9;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Pace {
    real_ms: f64,
    virtual_ms: u64,
    /// The pace of the last window in which the clock fell behind the chosen speed.
    behind: Option<u64>,
}

impl Pace {
    /// A frame of `real_ms` (as the clock counted it) moved virtual time by `moved_ms`, at a
    /// chosen `speed`.
    pub fn frame(&mut self, real_ms: f64, moved_ms: u64, speed: u64) {
        self.real_ms += real_ms;
        self.virtual_ms = self.virtual_ms.saturating_add(moved_ms);
        if self.real_ms < WINDOW_MS {
            return;
        }
        let pace = self.virtual_ms as f64 / self.real_ms;
        self.behind = (pace < speed as f64 * KEEPING_UP).then(|| pace.round().max(0.0) as u64);
        self.real_ms = 0.0;
        self.virtual_ms = 0;
    }

    /// The pace virtual time runs at when it is behind the chosen speed (`None` when it keeps up).
    pub fn behind(&self) -> Option<u64> {
        self.behind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeping_up_says_nothing_and_falling_behind_says_how_fast() {
        let mut pace = Pace::default();
        for _ in 0..120 {
            pace.frame(16.7, 1_002, 60);
        }
        assert_eq!(pace.behind(), None);
        // A busy cluster: each frame simulates a tenth of what 60× asks.
        for _ in 0..120 {
            pace.frame(16.7, 100, 60);
        }
        assert_eq!(pace.behind(), Some(6));
        // It catches up again once the work is done.
        for _ in 0..120 {
            pace.frame(16.7, 1_002, 60);
        }
        assert_eq!(pace.behind(), None);
    }

    #[test]
    fn a_window_shorter_than_a_second_changes_nothing() {
        let mut pace = Pace::default();
        for _ in 0..30 {
            pace.frame(16.7, 0, 60);
        }
        assert_eq!(pace.behind(), None);
    }
}
