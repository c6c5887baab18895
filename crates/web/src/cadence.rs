//! When the two busiest panels take new content. At 60× a big cluster changes every frame:
//! while 10,000 pods scaled, drawing the cluster view took 5–25 ms of every frame, and the
//! events timeline's redraw, now and then in the same frame, made it longer still. So while
//! time runs (the clock plays, a command waits, a step plays) the cluster
//! view redraws at most ten times a second and the events timeline four, never both in one
//! frame (what a learner's command or Apply changed shows within that tenth of a second, as
//! everything else); with time stopped both follow every change at once. Times are the page's
//! real-time milliseconds, given by the caller.

/// The cluster view's shortest interval between redraws while time runs: quicker than the eye
/// reads counts, ten times fewer redraws than frames.
const CLUSTER_EVERY_MS: f64 = 100.0;
/// The events timeline's: at scale each redraw rewrites all its rows.
const EVENTS_EVERY_MS: f64 = 250.0;

/// When each panel last took new content.
#[derive(Debug, Default)]
pub struct Cadence {
    cluster_at: Option<f64>,
    events_at: Option<f64>,
}

/// What a render draws anew.
#[derive(Debug, PartialEq, Eq)]
pub struct Due {
    pub cluster: bool,
    pub events: bool,
}

impl Cadence {
    /// What the render at `now` draws anew; `running` says whether time runs, `events_changed`
    /// whether the events timeline has something new to show.
    pub fn due(&mut self, running: bool, now: f64, events_changed: bool) -> Due {
        let waited = |at: Option<f64>, every: f64| at.is_none_or(|at| now - at >= every);
        let events = events_changed && (!running || waited(self.events_at, EVENTS_EVERY_MS));
        // An events redraw takes the frame; the cluster view follows in the next one.
        let cluster = !running || (!events && waited(self.cluster_at, CLUSTER_EVERY_MS));
        if events {
            self.events_at = Some(now);
        }
        if cluster {
            self.cluster_at = Some(now);
        }
        Due { cluster, events }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_time_stopped_every_change_is_drawn_at_once() {
        let mut cadence = Cadence::default();
        for now in [0.0, 1.0, 2.0] {
            assert_eq!(
                cadence.due(false, now, true),
                Due {
                    cluster: true,
                    events: true
                }
            );
        }
        assert!(!cadence.due(false, 3.0, false).events);
    }

    #[test]
    fn while_time_runs_the_panels_are_drawn_at_their_pace_and_never_together() {
        let mut cadence = Cadence::default();
        let frames: Vec<Due> = (0..60)
            .map(|frame| cadence.due(true, frame as f64 * 1000.0 / 60.0, true))
            .collect();
        let events = frames.iter().filter(|due| due.events).count();
        let cluster = frames.iter().filter(|due| due.cluster).count();
        assert_eq!(events, 4, "four events redraws in a second");
        assert!((9..=10).contains(&cluster), "{cluster} cluster redraws");
        assert!(!frames.iter().any(|due| due.cluster && due.events));
        assert!(
            frames[0].events && frames[1].cluster,
            "the first frames draw both"
        );
    }

    #[test]
    fn nothing_new_for_the_events_leaves_them_as_drawn() {
        let mut cadence = Cadence::default();
        assert!(!cadence.due(true, 0.0, false).events);
        assert!(
            cadence.due(true, 1.0, true).events,
            "not held back by a redraw it skipped"
        );
    }
}
