//! How an Event is held ([`Event`]), and facts about an Event that both the simulation and
//! kubectl read.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{EventSeries, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, Time};

use crate::shared::Shared;

/// k8s-openapi's `Event` (`core/v1`) with what the Events of one object share held
/// [`Shared`]: the object it is about (`involvedObject`, 168 bytes and seven strings) and who
/// reported it (`source`). At 100,000 replicas the store holds about 290,000 Events, four or
/// five of each pod's about that pod; the store gives an Event the parts an earlier one holds
/// when equal (`Store::put`). `related`, rarely set, is shared too, to keep its 168 bytes out
/// of every Event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Event {
    pub action: Option<Shared<String>>,
    pub count: Option<i32>,
    pub event_time: Option<Box<MicroTime>>,
    pub first_timestamp: Option<Time>,
    pub involved_object: Shared<ObjectReference>,
    pub last_timestamp: Option<Time>,
    pub message: Option<Shared<String>>,
    pub metadata: ObjectMeta,
    pub reason: Option<Shared<String>>,
    pub related: Option<Shared<ObjectReference>>,
    pub reporting_component: Option<Shared<String>>,
    pub reporting_instance: Option<Shared<String>>,
    pub series: Option<Box<EventSeries>>,
    pub source: Option<Shared<EventSource>>,
    pub type_: Option<Shared<String>>,
}

type ApiEvent = k8s_openapi::api::core::v1::Event;

crate::shared::same_resource_as!(Event, ApiEvent);

impl From<ApiEvent> for Event {
    fn from(event: ApiEvent) -> Event {
        Event {
            action: event.action.map(Shared::new),
            count: event.count,
            event_time: event.event_time.map(Box::new),
            first_timestamp: event.first_timestamp,
            involved_object: event.involved_object.into(),
            last_timestamp: event.last_timestamp,
            message: event.message.map(Shared::new),
            metadata: event.metadata,
            reason: event.reason.map(Shared::new),
            related: event.related.map(Shared::new),
            reporting_component: event.reporting_component.map(Shared::new),
            reporting_instance: event.reporting_instance.map(Shared::new),
            series: event.series.map(Box::new),
            source: event.source.map(Shared::new),
            type_: event.type_.map(Shared::new),
        }
    }
}

impl From<Event> for ApiEvent {
    fn from(event: Event) -> ApiEvent {
        ApiEvent {
            action: event.action.map(Shared::into_inner),
            count: event.count,
            event_time: event.event_time.map(|time| *time),
            first_timestamp: event.first_timestamp,
            involved_object: event.involved_object.into_inner(),
            last_timestamp: event.last_timestamp,
            message: event.message.map(Shared::into_inner),
            metadata: event.metadata,
            reason: event.reason.map(Shared::into_inner),
            related: event.related.map(Shared::into_inner),
            reporting_component: event.reporting_component.map(Shared::into_inner),
            reporting_instance: event.reporting_instance.map(Shared::into_inner),
            series: event.series.map(|series| *series),
            source: event.source.map(Shared::into_inner),
            type_: event.type_.map(Shared::into_inner),
        }
    }
}

impl serde::Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ApiEvent::from(self.clone()).serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Event, D::Error> {
        ApiEvent::deserialize(deserializer).map(Event::from)
    }
}

/// When an Event was last seen, as `kubectl get events` reads it (`printEvent`): the series'
/// last observation, else `lastTimestamp`, else `firstTimestamp`, else `eventTime` (an
/// events.k8s.io Event's core/v1 view has no first/lastTimestamp).
pub fn last_seen(event: &Event) -> Option<Timestamp> {
    event
        .series
        .as_ref()
        .and_then(|series| series.last_observed_time.as_ref())
        .map(|t| t.0)
        .or_else(|| event.last_timestamp.as_ref().map(|t| t.0))
        .or_else(|| first_seen(event))
}

/// When an Event was first seen: `firstTimestamp`, else `eventTime`.
pub fn first_seen(event: &Event) -> Option<Timestamp> {
    event
        .first_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| event.event_time.as_ref().map(|t| t.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::assert_mirrors;

    #[test]
    fn it_mirrors_k8s_openapi_s_event_field_for_field() {
        let reference = serde_json::json!({"kind": "Pod", "name": "web-1", "uid": "u-1"});
        let api: ApiEvent = serde_json::from_value(serde_json::json!({
            "action": "Binding",
            "count": 3,
            "eventTime": "2025-06-02T10:15:00.000000Z",
            "firstTimestamp": "2025-06-02T10:14:00Z",
            "involvedObject": reference,
            "lastTimestamp": "2025-06-02T10:15:00Z",
            "message": "Successfully assigned default/web-1 to kind-worker",
            "metadata": {"name": "web-1.1a7e", "namespace": "default"},
            "reason": "Scheduled",
            "related": reference,
            "reportingComponent": "default-scheduler",
            "reportingInstance": "default-scheduler-kind-control-plane",
            "series": {"count": 2, "lastObservedTime": "2025-06-02T10:15:00.000000Z"},
            "source": {"component": "default-scheduler"},
            "type": "Normal"
        }))
        .expect("an Event");
        assert_mirrors::<Event, _>(api);
    }
}
