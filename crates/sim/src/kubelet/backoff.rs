//! The kubelet's crash back-off per container (`doBackOff` in
//! `pkg/kubelet/kuberuntime/kuberuntime_manager.go` over client-go's `flowcontrol.Backoff`,
//! created without jitter): the first exit restarts at once, later exits wait 10 s, 20 s,
//! 40 s … up to 5 min, and a container that ran for 10 min (twice the cap) starts over.

use crate::clock::Millis;

const INITIAL_MS: Millis = 10_000;
const MAX_MS: Millis = 300_000;

#[derive(Clone, Debug, Default)]
pub struct CrashBackOff {
    /// The current back-off and when it was last moved (`perItemBackoff[key]`).
    entry: Option<(Millis, Millis)>,
}

impl CrashBackOff {
    /// `hasExpired`: the container finished long enough after the last restart.
    fn expired(finished: Millis, last_update: Millis) -> bool {
        finished.saturating_sub(last_update) > 2 * MAX_MS
    }

    /// How long a container that finished at `finished` must wait before it restarts
    /// (`IsInBackOffSince` at the sync right after the exit): `None` restarts it now.
    pub fn wait(&self, finished: Millis) -> Option<Millis> {
        let (back_off, last_update) = self.entry?;
        (!Self::expired(finished, last_update)).then_some(back_off)
    }

    /// The same back-off, moved `by` later: the kubelet's view after whole crash cycles.
    pub fn shifted(&self, by: Millis) -> CrashBackOff {
        CrashBackOff {
            entry: self
                .entry
                .map(|(back_off, last_update)| (back_off, last_update.saturating_add(by))),
        }
    }

    /// Records a restart (`Backoff.Next`): the next exit waits twice as long.
    pub fn restarted(&mut self, finished: Millis, now: Millis) {
        let back_off = match self.entry {
            Some((back_off, last_update)) if !Self::expired(finished, last_update) => {
                (back_off * 2).min(MAX_MS)
            }
            _ => INITIAL_MS,
        };
        self.entry = Some((back_off, now));
    }
}

/// A whole-second duration as Go's `time.Duration.String` prints it: `40s`, `1m20s`, `5m0s`.
pub fn go_duration(ms: Millis) -> String {
    let seconds = ms / 1000;
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m{}s", seconds / 60, seconds % 60),
        _ => format!(
            "{}h{}m{}s",
            seconds / 3600,
            seconds % 3600 / 60,
            seconds % 60
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A container that exits as soon as it starts: restarts at 0, 10, 30, 70, 150, 310,
    /// 610 s after the first exit.
    #[test]
    fn doubles_up_to_five_minutes() {
        let mut back_off = CrashBackOff::default();
        let mut now = 0;
        let mut waits = Vec::new();
        for _ in 0..8 {
            let wait = back_off.wait(now).unwrap_or(0);
            waits.push(wait / 1000);
            let finished = now;
            now += wait;
            back_off.restarted(finished, now);
        }
        assert_eq!(waits, vec![0, 10, 20, 40, 80, 160, 300, 300]);
    }

    #[test]
    fn resets_after_ten_minutes_of_running() {
        let mut back_off = CrashBackOff::default();
        back_off.restarted(0, 0);
        back_off.restarted(5_000, 15_000);
        assert_eq!(back_off.wait(20_000), Some(20_000));
        assert_eq!(back_off.wait(15_000 + 600_001), None);
        back_off.restarted(15_000 + 600_001, 15_000 + 600_001);
        assert_eq!(back_off.wait(700_000), Some(10_000));
    }

    #[test]
    fn prints_like_go() {
        assert_eq!(go_duration(10_000), "10s");
        assert_eq!(go_duration(80_000), "1m20s");
        assert_eq!(go_duration(300_000), "5m0s");
    }
}
