//! client-go's `tools/record` EventCorrelator (staging/src/k8s.io/client-go/tools/record/
//! events_cache.go, v1.33), which every core/v1 Event of kube-controller-manager and the
//! kubelet passes through before it is written (`recordToSink` in tools/record/event.go).
//! `EventCorrelate` applies, in this order:
//!
//! 1. `EventAggregator` (`EventAggregatorByReasonFunc`): events of one source about one object
//!    with the same type and reason but different messages are similar; when 10 different
//!    messages (`defaultAggregateMaxEvents`) have been seen with no gap over 10 minutes
//!    (`defaultAggregateIntervalInSeconds`, measured from the last similar event), the event
//!    becomes one combined Event, "(combined from similar events): <message>", counted under
//!    the similarity key.
//! 2. `eventLogger.eventObserve`: an event seen before under its key (`getEventKey`: source,
//!    object, fieldPath, type, reason, message) patches the first one's Event with count+1,
//!    lastTimestamp and message.
//! 3. `EventSourceObjectSpamFilter` (25 events per source and object, one more every 5
//!    minutes) — not modelled; see ARCHITECTURE.md's Known differences.
//!
//! The caches here are kept per involved object; an object's entries go with the object (no
//! later event can be about it), an observation goes with its Event when that expires, and
//! a similarity record after 10 minutes without a similar event (the aggregator would start
//! afresh then anyway). The API server prunes them on its Event-expiry grid, looking only at
//! what can have changed since the last pass — the objects and Events removed since, the
//! similarity records that aged past 10 minutes — so a pass costs what changed, not the
//! hundred thousand objects that have a history.

use std::collections::BTreeSet;

use foldhash::{HashMap, HashSet};
use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::{EventRecord, key_of};
use crate::clock::Millis;
use crate::uid_key::UidKey;

/// `defaultAggregateMaxEvents`: this many different messages make similar events combined.
const AGGREGATE_MAX_EVENTS: usize = 10;
/// `defaultAggregateIntervalInSeconds`: a longer gap since the last similar event starts over.
const AGGREGATE_INTERVAL_MS: Millis = 600 * 1000;
/// `EventAggregatorByReasonMessageFunc`'s prefix.
const COMBINED_PREFIX: &str = "(combined from similar events): ";

#[derive(Clone, Debug, Default)]
pub(crate) struct Correlator {
    /// By involved object UID.
    /// Histories boxed, as the kubelets' runtimes are (`kubelet/mod.rs`): the table stays small
    /// when objects coming and going make it grow.
    objects: HashMap<UidKey, Box<History>>,
    /// Histories whose object was removed since the last prune.
    removed: HashSet<UidKey>,
    /// Histories one of whose Events a client removed since the last prune, with the
    /// suffixes of those Events' names: a prune looks up only those Events again, not every
    /// Event the history observed. (An expired Event takes its observation at once:
    /// `note_expired`.)
    removed_events: HashMap<UidKey, Vec<u64>>,
    /// Histories with similarity records, by when the oldest of them was last seen (or
    /// earlier: a jump over steady cycles moves records on, not this), each at most once.
    aging: BTreeSet<(Millis, UidKey)>,
}

#[derive(Clone, Debug, Default)]
struct History {
    /// The event logger's entries: each recorded Event and how often it was seen.
    observed: Vec<Observation>,
    /// The aggregator's entries: the messages seen per similarity key.
    similar: Vec<Similar>,
    /// Its place in `aging`, while it has one.
    aging_at: Option<Millis>,
}

#[derive(Clone, Debug, PartialEq)]
struct Observation {
    key: u64,
    /// The Event's name after the object's (`event_name`): at 100,000 replicas the caches
    /// hold about 290,000 of these, and a name is 40 bytes of text.
    suffix: u64,
    count: i32,
    first: Time,
}

/// `<object name>.<hex>`, as both event libraries name Events (their hex is the time in
/// nanoseconds; see `recording.rs`). The Event lives in the object's namespace.
pub(crate) fn event_name(object: &str, suffix: u64) -> String {
    format!("{object}.{suffix:x}")
}

/// The suffix `event_name(object, suffix)` put in `name`, if `event_name` made it (the hex
/// lowercase without a leading zero, as `{:x}` writes it).
fn name_suffix(object: &str, name: &str) -> Option<u64> {
    let hex = name.strip_prefix(object)?.strip_prefix('.')?;
    let lowercase = hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let leading_zero = hex.len() > 1 && hex.starts_with('0');
    if !lowercase || leading_zero {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

/// The observation an Event named `name` about `regarding` would be: its object's UID and
/// its name's suffix — only a name `event_name` made can be an observation's Event.
fn observation_of((regarding, name): (&ObjectReference, &str)) -> Option<(UidKey, u64)> {
    let regarding_uid = UidKey::new(regarding.uid.as_deref()?);
    let suffix = name_suffix(regarding.name.as_deref().unwrap_or_default(), name)?;
    Some((regarding_uid, suffix))
}

#[derive(Clone, Debug, PartialEq)]
struct Similar {
    key: u64,
    /// The different messages seen (their keys), oldest first, at most 10.
    messages: Vec<u64>,
    last_ms: Millis,
}

/// What to write for an event.
pub(crate) struct Correlated {
    /// The message to write (prefixed when combined).
    pub message: Option<String>,
    /// Whether the Event is new (a create) or an earlier one repeated (a patch).
    pub new: bool,
    pub name: String,
    pub count: i32,
    pub first: Time,
    pub combined: bool,
}

impl Correlator {
    /// Correlates an event about the object with `uid`, at `now`; `new_suffix` draws the
    /// suffix of a new Event's name (`event_name`).
    pub(crate) fn correlate(
        &mut self,
        uid: &str,
        record: &EventRecord,
        now_ms: Millis,
        now: &Time,
        new_suffix: impl FnOnce() -> u64,
    ) -> Correlated {
        let uid = UidKey::new(uid);
        let history = self.objects.entry(uid.clone()).or_default();
        // Every event touches a similarity record (below): the history ages from now.
        if history.aging_at.is_none() {
            history.aging_at = Some(now_ms);
            self.aging.insert((now_ms, uid));
        }
        let similar_key = key_of((
            record.component,
            &record.host,
            record.event_type,
            record.reason,
        ));
        let combined = history.aggregate(similar_key, key_of(&record.message), now_ms);
        let observe_key = if combined {
            key_of(("combined", similar_key))
        } else {
            key_of((
                record.component,
                &record.host,
                &record.field_path,
                record.event_type,
                record.reason,
                &record.message,
            ))
        };
        let message = combined.then(|| format!("{COMBINED_PREFIX}{}", record.message));
        if let Some(seen) = history.observed.iter_mut().find(|o| o.key == observe_key) {
            seen.count = seen.count.saturating_add(1);
            return Correlated {
                message,
                new: false,
                name: event_name(&record.regarding.name, seen.suffix),
                count: seen.count,
                first: seen.first.clone(),
                combined,
            };
        }
        let suffix = new_suffix();
        history.observed.push(Observation {
            key: observe_key,
            suffix,
            count: 1,
            first: now.clone(),
        });
        Correlated {
            message,
            new: true,
            name: event_name(&record.regarding.name, suffix),
            count: 1,
            first: now.clone(),
            combined,
        }
    }

    /// Notes a removed object (`uid`): its history is looked at in the next prune. A
    /// removed Event (`event`: the object it is about and its name) marks its observation.
    pub(crate) fn note_removed(&mut self, uid: &str, event: Option<(&ObjectReference, &str)>) {
        let uid = UidKey::new(uid);
        if self.objects.contains_key(&uid) {
            self.removed.insert(uid);
        }
        let Some((regarding_uid, suffix)) = event.and_then(observation_of) else {
            return;
        };
        if self.objects.contains_key(&regarding_uid) {
            self.removed_events
                .entry(regarding_uid)
                .or_default()
                .push(suffix);
        }
    }

    /// Notes an Event (`uid`, about `regarding`, named `name`) that expired: its observation
    /// goes at once. A client's removal is only marked (`note_removed`), since the recorder
    /// may write the Event again under its name before the next prune looks; an expiry is
    /// followed by that prune with nothing written in between, and looking the Event and its
    /// object up again in a store of 280,000 objects was 1–2% of the 100,000-replica run.
    pub(crate) fn note_expired(&mut self, uid: &str, regarding: &ObjectReference, name: &str) {
        self.note_removed(uid, None);
        let Some((regarding_uid, suffix)) = observation_of((regarding, name)) else {
            return;
        };
        if let Some(history) = self.objects.get_mut(&regarding_uid) {
            history.observed.retain(|seen| seen.suffix != suffix);
            self.forget_if_empty(&regarding_uid);
        }
    }

    /// Forgets what can no longer matter: objects that are gone (`object_exists` answers the
    /// namespace of a stored object's Events and its name), observations whose Event
    /// is gone, similarity records older than the aggregation interval — looking only at
    /// what can have happened since the last prune.
    pub(crate) fn prune<'s>(
        &mut self,
        now_ms: Millis,
        object_exists: impl Fn(&UidKey) -> Option<(&'s str, &'s str)>,
        event_exists: impl Fn(&str, &str) -> bool,
    ) {
        let mut removed: Vec<UidKey> = self.removed.drain().collect();
        // In a stable order, as everything the simulation does.
        removed.sort_unstable();
        for uid in removed {
            if object_exists(&uid).is_none() {
                self.forget(&uid);
            }
        }
        let mut removed_events: Vec<(UidKey, Vec<u64>)> = self.removed_events.drain().collect();
        removed_events.sort_unstable();
        for (uid, suffixes) in removed_events {
            let Some(history) = self.objects.get_mut(&uid) else {
                continue;
            };
            let Some((namespace, object)) = object_exists(&uid) else {
                self.forget(&uid);
                continue;
            };
            // An Event removed and created again under its name since is still observed.
            history.observed.retain(|seen| {
                !suffixes.contains(&seen.suffix)
                    || event_exists(namespace, &event_name(object, seen.suffix))
            });
            self.forget_if_empty(&uid);
        }
        while let Some((seen_ms, uid)) = self.aging.first().cloned() {
            if now_ms.saturating_sub(seen_ms) <= AGGREGATE_INTERVAL_MS {
                break;
            }
            self.aging.pop_first();
            let Some(history) = self.objects.get_mut(&uid) else {
                continue;
            };
            history
                .similar
                .retain(|similar| now_ms.saturating_sub(similar.last_ms) <= AGGREGATE_INTERVAL_MS);
            history.aging_at = history.similar.iter().map(|s| s.last_ms).min();
            if let Some(oldest) = history.aging_at {
                self.aging.insert((oldest, uid.clone()));
            }
            self.forget_if_empty(&uid);
        }
    }

    fn forget(&mut self, uid: &UidKey) {
        if let Some(history) = self.objects.remove(uid)
            && let Some(at) = history.aging_at
        {
            self.aging.remove(&(at, uid.clone()));
        }
    }

    fn forget_if_empty(&mut self, uid: &UidKey) {
        if self
            .objects
            .get(uid)
            .is_some_and(|h| h.observed.is_empty() && h.similar.is_empty())
        {
            self.forget(uid);
        }
    }

    /// Takes the count of an Event a jump over steady cycles moved on (`cycles.rs`), as the
    /// recorder's `UpdateState` takes the server's answer.
    pub(crate) fn resync(&mut self, regarding: &ObjectReference, name: &str, count: i32) {
        let Some(uid) = regarding.uid.as_deref() else {
            return;
        };
        let suffix = name_suffix(regarding.name.as_deref().unwrap_or_default(), name);
        if let Some(seen) = self.objects.get_mut(&UidKey::new(uid)).and_then(|history| {
            history
                .observed
                .iter_mut()
                .find(|o| Some(o.suffix) == suffix)
        }) {
            seen.count = count;
        }
    }

    /// Moves the similarity records touched since `since_ms` on by `shift` (a jump over
    /// steady cycles: each cycle touches them again).
    pub(crate) fn shift_recent(&mut self, since_ms: Millis, shift: Millis) {
        for history in self.objects.values_mut() {
            for similar in &mut history.similar {
                if similar.last_ms >= since_ms {
                    similar.last_ms = similar.last_ms.saturating_add(shift);
                }
            }
        }
    }

    /// The caches in a stable order, for comparing two runs (what they hold, not when
    /// the next prune looks at them).
    pub(crate) fn fingerprint(&self) -> String {
        let mut objects: Vec<_> = self
            .objects
            .iter()
            .map(|(uid, history)| (uid, &history.observed, &history.similar))
            .collect();
        objects.sort_by(|a, b| a.0.cmp(b.0));
        format!("{objects:?}")
    }
}

impl History {
    /// `EventAggregate`: records the message among the similar ones and says whether the
    /// event is to be combined.
    fn aggregate(&mut self, key: u64, message: u64, now_ms: Millis) -> bool {
        let index = match self.similar.iter().position(|s| s.key == key) {
            Some(index) => index,
            None => {
                self.similar.push(Similar {
                    key,
                    messages: Vec::new(),
                    last_ms: now_ms,
                });
                self.similar.len() - 1
            }
        };
        let similar = &mut self.similar[index];
        if now_ms.saturating_sub(similar.last_ms) > AGGREGATE_INTERVAL_MS {
            similar.messages.clear();
        }
        if !similar.messages.contains(&message) {
            similar.messages.push(message);
        }
        similar.last_ms = now_ms;
        if similar.messages.len() < AGGREGATE_MAX_EVENTS {
            return false;
        }
        // `localKeys.PopAny()` keeps the set below the maximum; Go pops an arbitrary
        // member, we pop the oldest so runs repeat.
        similar.messages.remove(0);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventType;
    use kubeplay_model::{Kind, ObjectKey};

    fn record(message: &str) -> EventRecord {
        EventRecord {
            regarding: ObjectKey::new(Kind::ReplicaSet, "default", "web"),
            event_type: EventType::Normal,
            reason: "SuccessfulCreate",
            message: message.to_string(),
            component: "replicaset-controller",
            host: None,
            field_path: None,
            reported: None,
        }
    }

    fn time() -> Time {
        Time(jiff::Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn identical_events_are_counted_into_the_first() {
        let mut correlator = Correlator::default();
        let first = correlator.correlate("u", &record("Created pod: a"), 0, &time(), || 0xe1);
        assert!(first.new);
        assert_eq!(first.name, "web.e1");
        let again = correlator.correlate("u", &record("Created pod: a"), 5, &time(), || 0xe2);
        assert!(!again.new);
        assert_eq!((again.name.as_str(), again.count), ("web.e1", 2));
        assert_eq!(again.message, None);
    }

    #[test]
    fn the_tenth_different_message_within_ten_minutes_is_combined() {
        let mut correlator = Correlator::default();
        let mut names = 0;
        let mut next = || {
            names += 1;
            names
        };
        for i in 0..9 {
            let each = correlator.correlate(
                "u",
                &record(&format!("Created pod: {i}")),
                i,
                &time(),
                &mut next,
            );
            assert!(each.new && !each.combined, "message {i}");
        }
        let tenth = correlator.correlate("u", &record("Created pod: 9"), 9, &time(), &mut next);
        assert!(tenth.new && tenth.combined);
        assert_eq!(
            tenth.message.as_deref(),
            Some("(combined from similar events): Created pod: 9")
        );
        let eleventh =
            correlator.correlate("u", &record("Created pod: 10"), 10, &time(), &mut next);
        assert!(!eleventh.new && eleventh.combined);
        assert_eq!((eleventh.name, eleventh.count), (tenth.name, 2));
        // A message still among the 9 remembered ones is its own Event again.
        let repeat = correlator.correlate("u", &record("Created pod: 5"), 11, &time(), &mut next);
        assert!(!repeat.combined && !repeat.new);
        assert_eq!(repeat.count, 2);
    }

    #[test]
    fn a_prune_forgets_what_was_removed_and_what_aged() {
        let mut correlator = Correlator::default();
        for (uid, suffix) in [("kept", 1), ("gone", 2), ("event-gone", 3)] {
            correlator.correlate(uid, &record("Created pod: a"), 0, &time(), || suffix);
        }
        let objects = |uid: &UidKey| (uid.to_string() != "gone").then_some(("default", "web"));
        let events = |_: &str, name: &str| name != "web.3";
        // Nothing was noted removed: the histories stay, whatever the store holds.
        correlator.prune(1_000, objects, events);
        assert_eq!(correlator.objects.len(), 3);
        correlator.note_removed("gone", None);
        let regarding = ObjectReference {
            uid: Some("event-gone".into()),
            name: Some("web".into()),
            ..Default::default()
        };
        correlator.note_removed("event-gone-event-uid", Some((&regarding, "web.3")));
        correlator.prune(2_000, objects, events);
        let mut uids: Vec<_> = correlator.objects.keys().map(UidKey::to_string).collect();
        uids.sort();
        assert_eq!(uids, ["event-gone", "kept"]);
        assert!(
            correlator.objects[&UidKey::new("event-gone")]
                .observed
                .is_empty()
        );
        assert_eq!(correlator.objects[&UidKey::new("kept")].observed.len(), 1);
        // Ten minutes after the last similar event its record goes, and with it a history
        // that holds nothing else; a record seen again later stays.
        correlator.correlate("kept", &record("Created pod: a"), 300_000, &time(), || 0);
        correlator.prune(AGGREGATE_INTERVAL_MS + 1, objects, events);
        let mut uids: Vec<_> = correlator.objects.keys().map(UidKey::to_string).collect();
        uids.sort();
        assert_eq!(uids, ["kept"]);
        correlator.prune(300_000 + AGGREGATE_INTERVAL_MS + 1, objects, events);
        assert!(correlator.objects[&UidKey::new("kept")].similar.is_empty());
        assert_eq!(correlator.objects[&UidKey::new("kept")].observed.len(), 1);
        assert!(correlator.aging.is_empty());
    }

    #[test]
    fn an_expired_event_takes_its_observation_at_once() {
        let mut correlator = Correlator::default();
        correlator.correlate("web-uid", &record("Created pod: a"), 0, &time(), || 3);
        let regarding = ObjectReference {
            uid: Some("web-uid".into()),
            name: Some("web".into()),
            ..Default::default()
        };
        let observed =
            |correlator: &Correlator| correlator.objects[&UidKey::new("web-uid")].observed.len();
        // A name the recorder did not make is not its Event.
        correlator.note_expired("other-event-uid", &regarding, "web.03");
        assert_eq!(observed(&correlator), 1);
        correlator.note_expired("event-uid", &regarding, "web.3");
        assert_eq!(observed(&correlator), 0);
        // Nothing is left for a prune to look up.
        assert!(correlator.removed_events.is_empty() && correlator.removed.is_empty());
    }

    #[test]
    fn a_suffix_is_read_only_from_a_name_event_name_made() {
        for suffix in [0, 0x1a7e, u64::MAX] {
            assert_eq!(name_suffix("web", &event_name("web", suffix)), Some(suffix));
        }
        for other in [
            "web",
            "web.",
            "web.01a7e",
            "web.1A7E",
            "web.+1a7e",
            "web.1a7e.2",
        ] {
            assert_eq!(name_suffix("web", other), None, "{other}");
        }
        assert_eq!(name_suffix("web", "web.10000000000000000"), None);
        assert_eq!(name_suffix("web", "api.1a7e"), None);
    }

    #[test]
    fn a_gap_over_ten_minutes_starts_the_similar_events_afresh() {
        let mut correlator = Correlator::default();
        let mut n = 0;
        for i in 0..9 {
            correlator.correlate("u", &record(&format!("m{i}")), i, &time(), || {
                n += 1;
                n
            });
        }
        let late = correlator.correlate(
            "u",
            &record("m9"),
            8 + AGGREGATE_INTERVAL_MS + 1,
            &time(),
            || 0x1a7e,
        );
        assert!(!late.combined);
    }
}
