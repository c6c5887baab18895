//! Facts about an Event that both the simulation and kubectl read.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;

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
