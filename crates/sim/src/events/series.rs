//! client-go's `tools/events` broadcaster (staging/src/k8s.io/client-go/tools/events/
//! event_broadcaster.go, v1.33), through which kube-scheduler writes events.k8s.io/v1
//! Events. `recordToSink` keys events by `getKey` (type, action, reason, reportingController,
//! reportingInstance, the regarding and related references — resourceVersion included, the
//! note not):
//!
//! - the first event is created and cached;
//! - an isomorphic repeat starts a series on the cached Event (count 2, lastObservedTime)
//!   and writes it (a patch of `series`);
//! - later repeats only bump the cached series: no write.
//!
//! Two loops started with the recorder (`StartRecordingToSinkWithContext`, `wait.Until`,
//! so at its start and every period after) write the cache out:
//! `refreshExistingEventSeries` every 30 minutes (`refreshTime`) writes every series, and
//! `finishSeries` every 6 minutes (`finishTime`) writes each series last observed more
//! than 6 minutes ago and forgets it, and forgets a singleton Event older than that. Both
//! run on a grid from the cluster's creation (when kube-scheduler starts), at the same
//! instant every 30 minutes; a patch that changes nothing writes nothing.

use std::collections::BTreeMap;

use foldhash::HashMap;
use kubeplay_model::ObjectKey;

use crate::clock::Millis;

/// `finishTime`.
pub(crate) const FINISH_PERIOD_MS: Millis = 6 * 60 * 1000;
/// `refreshTime`.
pub(crate) const REFRESH_PERIOD_MS: Millis = 30 * 60 * 1000;

#[derive(Clone, Debug, Default)]
pub(crate) struct SeriesCache {
    /// By `getKey` (hashed); the loops write in the keys' order.
    entries: HashMap<u64, Cached>,
    /// The ticks at which `finishSeries` will end or forget each entry, counted, so that the
    /// next one is found without a walk over the entries.
    finishing: BTreeMap<Millis, u32>,
    /// How many entries have a series not written yet (the refresh's work).
    unwritten: usize,
}

#[derive(Clone, Debug, PartialEq)]
struct Cached {
    event: ObjectKey,
    event_time_ms: Millis,
    series: Option<Series>,
    /// The series as last written.
    written: Option<Series>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Series {
    pub count: i32,
    pub last_observed_ms: Millis,
}

/// What an event does to the cache.
pub(crate) enum Observed {
    /// Not seen before: create an Event (the caller names it and tells `cache`).
    New,
    /// The first repeat: write this series onto the Event.
    SeriesStarted(ObjectKey, Series),
    /// A later repeat: counted in the cache only.
    Counted,
}

impl Cached {
    /// The `finishSeries` tick that ends it: the first after 6 minutes without a repeat
    /// (`LastObservedTime.Before(now - finishTime)`; a singleton's `EventTime`).
    fn finish_tick(&self) -> Millis {
        let observed = self
            .series
            .map_or(self.event_time_ms, |s| s.last_observed_ms);
        next_grid(observed.saturating_add(FINISH_PERIOD_MS), FINISH_PERIOD_MS)
    }

    fn unwritten(&self) -> bool {
        self.series != self.written
    }
}

/// The first tick of a `period` grid strictly after `at`.
fn next_grid(at: Millis, period: Millis) -> Millis {
    (at / period + 1).saturating_mul(period)
}

impl SeriesCache {
    pub(crate) fn observe(&mut self, key: u64, now_ms: Millis) -> Observed {
        let Some(cached) = self.entries.get_mut(&key) else {
            return Observed::New;
        };
        let (tick, unwritten) = (cached.finish_tick(), cached.unwritten());
        let observed = match &mut cached.series {
            Some(series) => {
                series.count = series.count.saturating_add(1);
                series.last_observed_ms = now_ms;
                Observed::Counted
            }
            None => {
                let series = Series {
                    count: 2,
                    last_observed_ms: now_ms,
                };
                cached.series = Some(series);
                cached.written = Some(series);
                Observed::SeriesStarted(cached.event.clone(), series)
            }
        };
        let (new_tick, now_unwritten) = (cached.finish_tick(), cached.unwritten());
        if new_tick != tick {
            self.unmark(tick);
            *self.finishing.entry(new_tick).or_default() += 1;
        }
        self.unwritten = self.unwritten + usize::from(now_unwritten) - usize::from(unwritten);
        observed
    }

    fn unmark(&mut self, tick: Millis) {
        if let Some(count) = self.finishing.get_mut(&tick) {
            *count -= 1;
            if *count == 0 {
                self.finishing.remove(&tick);
            }
        }
    }

    /// Recounts the finishing ticks and unwritten series after a change to many entries.
    fn recount(&mut self) {
        self.finishing.clear();
        self.unwritten = 0;
        for cached in self.entries.values() {
            *self.finishing.entry(cached.finish_tick()).or_default() += 1;
            self.unwritten += usize::from(cached.unwritten());
        }
    }

    /// Caches a newly created Event under its key.
    pub(crate) fn cache(&mut self, key: u64, event: ObjectKey, now_ms: Millis) {
        let cached = Cached {
            event,
            event_time_ms: now_ms,
            series: None,
            written: None,
        };
        *self.finishing.entry(cached.finish_tick()).or_default() += 1;
        if let Some(replaced) = self.entries.insert(key, cached) {
            self.unmark(replaced.finish_tick());
            self.unwritten -= usize::from(replaced.unwritten());
        }
    }

    /// The first tick of the 6-minute grid after `after` at which the loops would write
    /// or forget something.
    pub(crate) fn next_tick(&self, after: Millis) -> Option<Millis> {
        let finish = self.finishing.keys().next().copied();
        let refresh = (self.unwritten > 0).then(|| next_grid(after, REFRESH_PERIOD_MS));
        let tick = [finish, refresh].into_iter().flatten().min()?;
        Some(
            tick.max(after.saturating_add(1))
                .div_ceil(FINISH_PERIOD_MS)
                .saturating_mul(FINISH_PERIOD_MS),
        )
    }

    /// Runs the loops due at `tick` (a tick of the 6-minute grid): returns the series to
    /// write, in the cache's order.
    pub(crate) fn flush(&mut self, tick: Millis) -> Vec<(ObjectKey, Series)> {
        let mut writes = Vec::new();
        if tick.is_multiple_of(REFRESH_PERIOD_MS) {
            for (key, cached) in &mut self.entries {
                if let Some(series) = cached.series
                    && cached.written != Some(series)
                {
                    cached.written = Some(series);
                    writes.push((*key, cached.event.clone(), series));
                }
            }
        }
        self.entries.retain(|key, cached| {
            let observed = cached
                .series
                .map_or(cached.event_time_ms, |s| s.last_observed_ms);
            if observed.saturating_add(FINISH_PERIOD_MS) >= tick {
                return true;
            }
            if let Some(series) = cached.series
                && cached.written != Some(series)
            {
                writes.push((*key, cached.event.clone(), series));
            }
            false
        });
        self.recount();
        writes.sort_by_key(|(key, _, _)| *key);
        writes
            .into_iter()
            .map(|(_, event, series)| (event, series))
            .collect()
    }

    /// Moves the entries observed since `since_ms` on by `shift` (a jump over steady cycles).
    pub(crate) fn shift_recent(&mut self, since_ms: Millis, shift: Millis) {
        for cached in self.entries.values_mut() {
            if cached.event_time_ms >= since_ms {
                cached.event_time_ms = cached.event_time_ms.saturating_add(shift);
            }
            for series in [&mut cached.series, &mut cached.written]
                .into_iter()
                .flatten()
            {
                if series.last_observed_ms >= since_ms {
                    series.last_observed_ms = series.last_observed_ms.saturating_add(shift);
                }
            }
        }
        self.recount();
    }

    pub(crate) fn fingerprint(&self) -> String {
        let mut entries: Vec<_> = self.entries.iter().collect();
        entries.sort_by_key(|(key, _)| **key);
        format!("{entries:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_model::Kind;

    fn key() -> ObjectKey {
        ObjectKey::new(Kind::Event, "default", "web.1")
    }

    #[test]
    fn a_repeat_starts_a_series_and_later_ones_only_count() {
        let mut cache = SeriesCache::default();
        assert!(matches!(cache.observe(1, 1_000), Observed::New));
        cache.cache(1, key(), 1_000);
        let Observed::SeriesStarted(_, series) = cache.observe(1, 2_000) else {
            panic!("the first repeat starts a series");
        };
        assert_eq!(
            series,
            Series {
                count: 2,
                last_observed_ms: 2_000
            }
        );
        assert!(matches!(cache.observe(1, 3_000), Observed::Counted));
        assert!(matches!(cache.observe(1, 4_000), Observed::Counted));
        // The 6-minute tick after 4 s + 6 min finishes the series with its count.
        assert_eq!(cache.next_tick(0), Some(2 * FINISH_PERIOD_MS));
        assert_eq!(cache.flush(FINISH_PERIOD_MS), vec![]);
        let written = cache.flush(2 * FINISH_PERIOD_MS);
        assert_eq!(
            written,
            vec![(
                key(),
                Series {
                    count: 4,
                    last_observed_ms: 4_000
                }
            )]
        );
        assert!(matches!(cache.observe(1, 13 * 60_000), Observed::New));
    }

    #[test]
    fn the_refresh_writes_a_series_still_observed() {
        let mut cache = SeriesCache::default();
        cache.cache(1, key(), 0);
        for minute in 1..30 {
            cache.observe(1, minute * 60_000);
        }
        assert_eq!(
            cache.next_tick(FINISH_PERIOD_MS * 4),
            Some(REFRESH_PERIOD_MS)
        );
        let written = cache.flush(REFRESH_PERIOD_MS);
        assert_eq!(
            written,
            vec![(
                key(),
                Series {
                    count: 30,
                    last_observed_ms: 29 * 60_000
                }
            )]
        );
    }

    #[test]
    fn a_singleton_is_forgotten_after_six_minutes() {
        let mut cache = SeriesCache::default();
        cache.cache(1, key(), 60_000);
        assert_eq!(cache.next_tick(0), Some(2 * FINISH_PERIOD_MS));
        assert!(cache.flush(2 * FINISH_PERIOD_MS).is_empty());
        assert!(matches!(cache.observe(1, 13 * 60_000), Observed::New));
    }
}
