//! `DescribeEvents`: the Events table closing every description.

use kubeplay_model::Event;

use super::DescribeContext;
use super::common::s;
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::text::time::since;

pub(super) fn describe_events(w: &mut PrefixWriter, ctx: &DescribeContext<'_>) {
    if ctx.events.is_empty() {
        // Written without a flush, so it aligns with the tabbed block above it.
        w.write(LEVEL_0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    // The API lists events by name (creation order); kubectl then sorts by lastTimestamp,
    // a missing one counting as the zero time.
    let mut events: Vec<&Event> = ctx.events.to_vec();
    events.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    events.sort_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0));
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n");
    for e in events {
        let first = match &e.event_time {
            Some(t) => since(ctx.now, Some(t.0)),
            None => since(ctx.now, e.first_timestamp.as_ref().map(|t| t.0)),
        };
        let count = e.count.unwrap_or(0);
        let interval = if let Some(series) = &e.series {
            let last = since(ctx.now, series.last_observed_time.as_ref().map(|t| t.0));
            format!("{last} (x{} over {first})", series.count.unwrap_or(0))
        } else if count > 1 {
            let last = since(ctx.now, e.last_timestamp.as_ref().map(|t| t.0));
            format!("{last} (x{count} over {first})")
        } else {
            first
        };
        let source = match e.source.as_ref().map(|src| s(&src.component)) {
            Some(component) if !component.is_empty() => component,
            _ => s(&e.reporting_component),
        };
        w.write(
            LEVEL_1,
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                s(&e.type_),
                s(&e.reason),
                interval,
                source,
                s(&e.message).trim()
            ),
        );
    }
}
