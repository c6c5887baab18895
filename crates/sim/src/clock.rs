//! Virtual time: integer milliseconds since the simulation started, mapped onto a wall-clock
//! start instant chosen by the caller. The core never reads a real clock.

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// Milliseconds of virtual time since the simulation began.
pub type Millis = u64;

#[derive(Clone, Debug)]
pub struct Clock {
    start: Timestamp,
    now_ms: Millis,
}

impl Clock {
    pub fn new(start: Timestamp) -> Clock {
        Clock { start, now_ms: 0 }
    }

    pub fn now_ms(&self) -> Millis {
        self.now_ms
    }

    /// Moves time forward; time never goes back.
    pub fn advance_to(&mut self, at_ms: Millis) {
        self.now_ms = self.now_ms.max(at_ms);
    }

    /// The last instant the clock can show (jiff's maximum timestamp, in 9999).
    pub fn last_ms(&self) -> Millis {
        let span = Timestamp::MAX.as_millisecond() - self.start.as_millisecond();
        Millis::try_from(span).unwrap_or(0)
    }

    pub fn timestamp_at(&self, at_ms: Millis) -> Timestamp {
        let offset = SignedDuration::from_millis(i64::try_from(at_ms).unwrap_or(i64::MAX));
        self.start.checked_add(offset).unwrap_or(self.start)
    }

    pub fn now(&self) -> Timestamp {
        self.timestamp_at(self.now_ms)
    }

    /// The current time truncated to whole seconds, as the API server stores timestamps.
    pub fn now_time(&self) -> Time {
        let seconds = self.now().as_second();
        Time(Timestamp::from_second(seconds).unwrap_or(self.start))
    }

    /// Milliseconds of virtual time corresponding to a stored timestamp (0 if before start).
    pub fn millis_of(&self, time: &Time) -> Millis {
        let delta = time.0.as_millisecond() - self.start.as_millisecond();
        Millis::try_from(delta).unwrap_or(0)
    }
}
