//! The API server's side of recording: the writes each recorder's decision makes (a create,
//! a patch of count or series), and the Events' one-hour TTL.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{EventSeries, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, Time};
use kubeplay_model::object::MetaExt;
use kubeplay_model::shared::Shared;
use kubeplay_model::{Event, Kind, Object, ObjectKey};

use super::correlator::event_name;
use super::series::{Observed, Series};
use super::{EventRecord, Reported, key_of};
use crate::api::{ApiServer, EVENT_TTL_MS};
use crate::clock::{Clock, Millis};

/// What every new Event takes from the object it is about.
struct Regarding {
    uid: String,
    namespace: Option<String>,
    version: Option<String>,
}

impl ApiServer {
    /// Records an Event through its reporter's library: `tools/events` for events.k8s.io
    /// reporters (kube-scheduler), `tools/record`'s correlator for the others.
    pub fn record_event(&mut self, mut record: EventRecord) {
        match record.reported.take() {
            Some(reported) => self.record_reported(record, reported),
            None => self.record_correlated(record),
        }
    }

    /// The host the control plane runs on, for events.k8s.io reporters' `reportingInstance`.
    pub fn set_control_plane_host(&mut self, host: &str) {
        self.control_plane_host = host.to_string();
    }

    fn record_correlated(&mut self, record: EventRecord) {
        let Some(regarding) = self.regarding(&record.regarding) else {
            return;
        };
        let namespace = event_namespace(&record.regarding);
        let now = self.clock.now_time();
        let now_ms = self.clock.now_ms();
        let (sequence, clock) = (&mut self.event_sequence, &self.clock);
        let correlated = self
            .correlator
            .correlate(&regarding.uid, &record, now_ms, &now, || {
                *sequence += 1;
                event_name_suffix(clock, *sequence)
            });
        let message = correlated.message.unwrap_or_else(|| record.message.clone());
        let key = ObjectKey::new(Kind::Event, &namespace, &correlated.name);
        if !correlated.new
            && let Some(Object::Event(existing)) = self.store.get(&key)
        {
            // The logger's patch: count, lastTimestamp and message.
            let mut event = existing.clone();
            event.count = Some(correlated.count);
            event.last_timestamp = Some(now);
            event.message = Some(message.into());
            event.metadata.resource_version = Some(self.store.next_resource_version());
            self.store.put(Object::Event(event));
            return;
        }
        // A new Event, or a repeat whose Event is gone (deleted by hand): the patch fails
        // with NotFound and `recordEvent` creates it with the same name and count.
        let (component, instance) = if correlated.combined {
            // The aggregator's copy sets no reporting fields.
            (String::new(), String::new())
        } else {
            (record.component.to_string(), String::new())
        };
        let event = Event {
            metadata: self.event_meta(&correlated.name, &namespace, now.clone()),
            involved_object: reference(&record, &regarding, regarding.version.clone()).into(),
            reason: Some(record.reason.to_string().into()),
            message: Some(message.into()),
            type_: Some(record.event_type.as_str().to_string().into()),
            source: Some(
                EventSource {
                    component: Some(record.component.to_string()),
                    host: record.host,
                }
                .into(),
            ),
            first_timestamp: Some(correlated.first),
            last_timestamp: Some(now),
            count: Some(correlated.count),
            reporting_component: Some(component.into()),
            reporting_instance: Some(instance.into()),
            ..Event::default()
        };
        self.create_event(event, key);
    }

    fn record_reported(&mut self, record: EventRecord, reported: Reported) {
        // `getKey`: type, action, reason, reportingController, reportingInstance, regarding
        // (with its resourceVersion and fieldPath), related; not the note.
        let key = key_of((
            record.event_type,
            reported.action,
            record.reason,
            record.component,
            &self.control_plane_host,
            (record.regarding.kind, &record.regarding.namespace),
            (&record.regarding.name, &reported.regarding_uid),
            (&reported.regarding_version, &record.field_path),
        ));
        let now_ms = self.clock.now_ms();
        match self.series.observe(key, now_ms) {
            Observed::Counted => {}
            Observed::SeriesStarted(event, series) => self.write_series(&event, series),
            Observed::New => {
                let Some(regarding) = self.regarding(&record.regarding) else {
                    return;
                };
                self.event_sequence += 1;
                let name = event_name(
                    &record.regarding.name,
                    event_name_suffix(&self.clock, self.event_sequence),
                );
                let namespace = event_namespace(&record.regarding);
                let event_key = ObjectKey::new(Kind::Event, &namespace, &name);
                // The core/v1 view of an events.k8s.io/v1 Event (pkg/apis/events/v1/
                // conversion.go): count, firstTimestamp, lastTimestamp and source are the
                // deprecated fields, which tools/events leaves empty.
                let event = Event {
                    metadata: self.event_meta(&name, &namespace, self.clock.now_time()),
                    involved_object: reference(&record, &regarding, reported.regarding_version)
                        .into(),
                    reason: Some(record.reason.to_string().into()),
                    message: Some(record.message.into()),
                    type_: Some(record.event_type.as_str().to_string().into()),
                    source: Some(EventSource::default().into()),
                    event_time: Some(Box::new(MicroTime(self.clock.now()))),
                    action: Some(reported.action.to_string().into()),
                    reporting_component: Some(record.component.to_string().into()),
                    // `NewRecorder`: reportingController + "-" + hostname.
                    reporting_instance: Some(Shared::new(format!(
                        "{}-{}",
                        record.component, self.control_plane_host
                    ))),
                    ..Event::default()
                };
                self.series.cache(key, event_key.clone(), now_ms);
                self.create_event(event, event_key);
            }
        }
    }

    /// Patches a series onto its Event (a patch that changes nothing writes nothing). An
    /// Event deleted meanwhile is not created again.
    fn write_series(&mut self, key: &ObjectKey, series: Series) {
        let Some(Object::Event(existing)) = self.store.get(key) else {
            return;
        };
        let written = Some(Box::new(EventSeries {
            count: Some(series.count),
            last_observed_time: Some(MicroTime(self.clock.timestamp_at(series.last_observed_ms))),
        }));
        if existing.series == written {
            return;
        }
        let mut event = existing.clone();
        event.series = written;
        event.metadata.resource_version = Some(self.store.next_resource_version());
        self.store.put(Object::Event(event));
        self.series_written.insert(key.clone(), self.clock.now_ms());
    }

    /// The next tick of kube-scheduler's recorder loops after `after` at which they write or
    /// forget something.
    pub(crate) fn next_series_tick(&self, after: Millis) -> Option<Millis> {
        self.series.next_tick(after)
    }

    /// Runs kube-scheduler's recorder loops due at this instant (a tick of their grid).
    pub(crate) fn flush_series(&mut self) {
        let tick = self.clock.now_ms();
        for (event, series) in self.series.flush(tick) {
            self.write_series(&event, series);
        }
    }

    fn regarding(&self, key: &ObjectKey) -> Option<Regarding> {
        let object = self.store.get(key)?;
        Some(Regarding {
            uid: object.uid().to_string(),
            namespace: object.meta().namespace.clone(),
            version: object.meta().resource_version.clone(),
        })
    }

    fn event_meta(&mut self, name: &str, namespace: &str, now: Time) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(namespace.to_string()),
            uid: Some(self.rng.uid()),
            creation_timestamp: Some(now),
            resource_version: Some(self.store.next_resource_version()),
            ..ObjectMeta::default()
        }
    }

    fn create_event(&mut self, event: Event, key: ObjectKey) {
        self.store.put(Object::Event(Box::new(event)));
        let key = self.store.shared_key(&key).unwrap_or_else(|| Arc::new(key));
        self.event_expiry
            .insert((self.clock.now_ms() + EVENT_TTL_MS, key));
    }

    /// The earliest instant at which `expire_events` can drop (or renew) anything.
    pub fn next_event_expiry_ms(&self) -> Option<Millis> {
        self.event_expiry.first().map(|(expiry, _)| *expiry)
    }

    /// Drops Events older than the TTL, each on its own as etcd leases expire for the real
    /// API server (so when an Event goes never depends on the others), and what the
    /// recorders' caches no longer need.
    pub fn expire_events(&mut self) {
        let now = self.clock.now_ms();
        while self
            .event_expiry
            .first()
            .is_some_and(|(expiry, _)| *expiry <= now)
        {
            let Some((_, key)) = self.event_expiry.pop_first() else {
                break;
            };
            if let Some(Object::Event(event)) = self.store.get(&key) {
                let patched = event
                    .last_timestamp
                    .as_ref()
                    .map_or(0, |t| self.clock.millis_of(t));
                let last = patched.max(self.series_written.get(&key).copied().unwrap_or(0));
                if last + EVENT_TTL_MS > now {
                    // Written since: kept for another TTL from its last write.
                    self.event_expiry.insert((last + EVENT_TTL_MS, key));
                    continue;
                }
            }
            self.series_written.remove(&key);
            self.expire_stored(&key);
        }
        let store = &self.store;
        self.correlator.prune(
            now,
            |uid| {
                let meta = store.get_by_uid_key(uid)?.meta();
                Some((
                    meta.namespace.as_deref().unwrap_or("default"),
                    meta.name_str(),
                ))
            },
            |namespace, name| store.contains(&ObjectKey::new(Kind::Event, namespace, name)),
        );
    }

    /// After a jump over steady cycles (`cluster/cycles.rs`): the recorders take the counts
    /// of the Events the jump moved on, and the cache entries the cycles touch move on with
    /// the clock.
    pub(crate) fn jump_event_caches(&mut self, moved: &[&Event], since_ms: Millis, shift: Millis) {
        for event in moved {
            if let Some(count) = event.count {
                self.correlator
                    .resync(&event.involved_object, event.metadata.name_str(), count);
            }
        }
        self.correlator.shift_recent(since_ms, shift);
        self.series.shift_recent(since_ms, shift);
    }

    /// The recorders' caches, for comparing two runs.
    pub(crate) fn event_caches_fingerprint(&self) -> String {
        format!(
            "{}\n{}\n{:?}",
            self.correlator.fingerprint(),
            self.series.fingerprint(),
            {
                let mut written: Vec<_> = self.series_written.iter().collect();
                written.sort();
                written
            }
        )
    }
}

/// What follows `<object name>.` in a new Event's name (`correlator::event_name`): the time
/// in nanoseconds, as both event libraries name Events; ours also count the Events created,
/// so that names never collide.
fn event_name_suffix(clock: &Clock, sequence: u64) -> u64 {
    let nanos = clock.now().as_nanosecond() + i128::from(sequence);
    u64::try_from(nanos.max(0)).unwrap_or(u64::MAX)
}

/// Events of cluster-scoped objects go to `default`.
fn event_namespace(regarding: &ObjectKey) -> String {
    if regarding.namespace.is_empty() {
        "default".to_string()
    } else {
        regarding.namespace.clone()
    }
}

fn reference(
    record: &EventRecord,
    regarding: &Regarding,
    version: Option<String>,
) -> ObjectReference {
    ObjectReference {
        api_version: Some(record.regarding.kind.api_version()),
        kind: Some(record.regarding.kind.name().to_string()),
        name: Some(record.regarding.name.clone()),
        namespace: regarding.namespace.clone(),
        uid: Some(regarding.uid.clone()),
        resource_version: version,
        field_path: record.field_path.clone(),
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{Container, Namespace, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use kubeplay_model::{Event, Kind, Object, ObjectKey, Pod, Typed};

    use crate::api::ApiServer;
    use crate::clock::Clock;
    use crate::events::{EventRecord, EventType};
    use crate::rng::SimRng;

    fn api_with_pod() -> ApiServer {
        let start = "2025-06-02T10:15:00Z".parse().expect("a timestamp");
        let mut api = ApiServer::new(Clock::new(start), SimRng::seeded(1));
        api.set_control_plane_host("kind-control-plane");
        let meta = |name: &str| ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        };
        let namespace = Namespace {
            metadata: meta("default"),
            ..Namespace::default()
        };
        api.create(Object::Namespace(Box::new(namespace)), false)
            .expect("a namespace");
        let pod = Pod {
            metadata: meta("lonely"),
            spec: Some(
                PodSpec {
                    containers: vec![Container {
                        name: "app".into(),
                        image: Some("busybox:1.36".into()),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }
                .into(),
            ),
            ..Pod::default()
        };
        api.create(pod.into_object(), false).expect("a pod");
        api
    }

    fn failed_scheduling(api: &ApiServer) -> EventRecord {
        let key = ObjectKey::new(Kind::Pod, "default", "lonely");
        let meta = api
            .store
            .get(&key)
            .map(|p| p.meta().clone())
            .unwrap_or_default();
        EventRecord {
            regarding: key,
            event_type: EventType::Warning,
            reason: "FailedScheduling",
            message: "0/1 nodes are available".into(),
            component: "default-scheduler",
            host: None,
            field_path: None,
            reported: None,
        }
        .reported("Scheduling", &meta)
    }

    fn events(api: &ApiServer) -> Vec<&Event> {
        api.store.list_typed::<Event>(None).collect()
    }

    #[test]
    fn a_scheduler_retry_after_the_first_repeat_writes_nothing() {
        let mut api = api_with_pod();
        api.record_event(failed_scheduling(&api));
        let created = api.store.resource_version();
        api.clock.advance_to(1_000);
        api.record_event(failed_scheduling(&api));
        assert_eq!(
            api.store.resource_version(),
            created + 1,
            "the series is written"
        );
        api.store.take_watch_events();
        for second in 2..50 {
            api.clock.advance_to(second * 1_000);
            api.record_event(failed_scheduling(&api));
        }
        assert_eq!(
            api.store.resource_version(),
            created + 1,
            "only the cache counts"
        );
        assert!(api.store.take_watch_events().is_empty());
        let [event] = events(&api)[..] else {
            panic!("one Event");
        };
        let series = event.series.as_ref().expect("a series");
        assert_eq!(series.count, Some(2));
        assert_eq!(event.count, None);
        assert_eq!(event.last_timestamp, None);
        assert_eq!(
            event.action.as_deref().map(String::as_str),
            Some("Scheduling")
        );
        assert_eq!(
            event.reporting_instance.as_deref().map(String::as_str),
            Some("default-scheduler-kind-control-plane")
        );
        // finishSeries, at the first 6-minute tick more than 6 minutes after the last one.
        let tick = api.next_series_tick(0).expect("a tick");
        assert_eq!(tick, 12 * 60_000);
        api.clock.advance_to(tick);
        api.flush_series();
        let series = events(&api)[0].series.clone().expect("a series");
        assert_eq!(series.count, Some(50), "the first, the repeat and 48 more");
        assert_eq!(api.next_series_tick(tick), None);
    }

    #[test]
    fn identical_kubelet_events_count_and_containers_stay_apart() {
        let mut api = api_with_pod();
        let pulled = |container: &str| EventRecord {
            regarding: ObjectKey::new(Kind::Pod, "default", "lonely"),
            event_type: EventType::Normal,
            reason: "Pulled",
            message: "Container image \"busybox:1.36\" already present on machine".into(),
            component: "kubelet",
            host: Some("kind-worker".into()),
            field_path: Some(format!("spec.containers{{{container}}}")),
            reported: None,
        };
        api.record_event(pulled("a"));
        api.clock.advance_to(5_000);
        api.record_event(pulled("a"));
        api.record_event(pulled("b"));
        let mut counts: Vec<_> = events(&api)
            .iter()
            .map(|e| (e.involved_object.field_path.clone(), e.count))
            .collect();
        counts.sort();
        assert_eq!(
            counts,
            [
                (Some("spec.containers{a}".into()), Some(2)),
                (Some("spec.containers{b}".into()), Some(1))
            ]
        );
    }
}
