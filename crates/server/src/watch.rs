//! `?watch=true`: a chunked stream of watch events (one JSON object per line) read from the
//! store's journal — the synthetic ADDED events of the current state first (unless the watch
//! resumes from a resourceVersion), bookmarks when asked for, `timeoutSeconds`, and an
//! ERROR event with a 410 Status for versions the journal no longer holds.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::Response;
use kubeplay_model::Object;
use kubeplay_sim::journal::TooOld;
use kubeplay_sim::store::WatchEventType;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::objects::{Filter, object_value};
use crate::request::Request;
use crate::state::Shared;
use crate::status::Failure;
use crate::table::{self, IncludeObject};

/// A watch without `timeoutSeconds` ends after this long (the server picks 30–60 minutes).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How often a watch that asked for bookmarks gets one.
const BOOKMARK_PERIOD: Duration = Duration::from_secs(60);

/// What one watch asked for, captured before the request goes.
struct Watch {
    request: Request,
    filter: Filter,
    bookmarks: bool,
    as_table: bool,
    include: IncludeObject,
}

impl Watch {
    fn wants(&self, object: &Object) -> bool {
        let target = &self.request.target;
        object.kind() == target.kind
            && target
                .namespace
                .as_deref()
                .is_none_or(|ns| object.namespace() == ns)
            && self.filter.matches(object)
    }

    fn event(&self, event_type: &str, object: &Object, now: jiff::Timestamp) -> Value {
        let value = if self.as_table {
            let version = object.meta().resource_version.clone().unwrap_or_default();
            table::table(object.kind(), &[object], now, &version, self.include)
        } else {
            object_value(object)
        };
        json!({ "type": event_type, "object": value })
    }

    fn bookmark(&self, resource_version: u64, initial_events_end: bool) -> Value {
        let kind = self.request.target.kind;
        let mut metadata = json!({ "resourceVersion": resource_version.to_string() });
        if initial_events_end {
            metadata["annotations"] = json!({ "k8s.io/initial-events-end": "true" });
        }
        json!({
            "type": "BOOKMARK",
            "object": { "kind": kind.name(), "apiVersion": kind.api_version(), "metadata": metadata },
        })
    }
}

fn expired(too_old: TooOld) -> Value {
    let failure = Failure::expired(format!(
        "too old resource version: {} ({})",
        too_old.requested, too_old.oldest
    ));
    json!({ "type": "ERROR", "object": failure.status_value() })
}

fn type_name(event_type: WatchEventType) -> &'static str {
    match event_type {
        WatchEventType::Added => "ADDED",
        WatchEventType::Modified => "MODIFIED",
        WatchEventType::Deleted => "DELETED",
    }
}

/// Where a watch starts: the events to send first and the journal position after them.
struct Start {
    events: Vec<Value>,
    sequence: u64,
    resource_version: u64,
    ended: bool,
}

fn start(watch: &Watch, shared: &Shared) -> Result<Start, Failure> {
    let requested = match watch.request.param("resourceVersion") {
        None | Some("" | "0") => None,
        Some(text) => Some(
            text.parse::<u64>()
                .map_err(|_| Failure::bad_request(format!("invalid resource version: {text:?}")))?,
        ),
    };
    let send_initial = watch.request.flag("sendInitialEvents");
    Ok(shared.read(|cluster| {
        let store = &cluster.api.store;
        let journal = store.journal();
        let now = cluster.api.clock.now();
        let mut start = Start {
            events: Vec::new(),
            sequence: journal.next_sequence(),
            resource_version: store.resource_version(),
            ended: false,
        };
        match requested {
            Some(version) if !send_initial => match journal.since(version) {
                Ok(entries) => {
                    start
                        .events
                        .extend(entries.filter_map(|entry| journal_event(watch, entry, now)));
                }
                Err(too_old) => {
                    start.events.push(expired(too_old));
                    start.ended = true;
                }
            },
            _ => {
                let target = &watch.request.target;
                for object in store.list(target.kind, target.namespace.as_deref()) {
                    if watch.filter.matches(object) {
                        start.events.push(watch.event("ADDED", object, now));
                    }
                }
                if send_initial && watch.bookmarks {
                    start
                        .events
                        .push(watch.bookmark(start.resource_version, true));
                }
            }
        }
        start
    }))
}

/// The event one journalled change makes for `watch`, if any. As the API server's watch
/// cache (`cacheWatcher.convertToWatchEvent`), it compares the object after the change with
/// the one before: an object that starts matching the watch's selectors is ADDED, one that
/// stops matching is DELETED (its last matching state, at the change's resourceVersion), and
/// one that matches on both sides keeps the change's own type.
fn journal_event(
    watch: &Watch,
    entry: &kubeplay_sim::journal::JournalEntry,
    now: jiff::Timestamp,
) -> Option<Value> {
    let event = &entry.event;
    let matches_now = !event.deleted() && watch.wants(&event.object);
    let before = if event.deleted() {
        Some(&*event.object)
    } else {
        event.previous.as_deref()
    };
    let matched_before = before.filter(|object| watch.wants(object));
    match (matches_now, matched_before) {
        (true, None) => Some(watch.event("ADDED", &event.object, now)),
        (true, Some(_)) => Some(watch.event(type_name(event.event_type), &event.object, now)),
        (false, Some(before)) => {
            let mut object = before.clone();
            object.meta_mut().resource_version = Some(entry.resource_version.to_string());
            Some(watch.event("DELETED", &object, now))
        }
        (false, None) => None,
    }
}

fn line(event: &Value) -> Bytes {
    let mut text = event.to_string();
    text.push('\n');
    Bytes::from(text)
}

pub fn watch(request: Request, shared: Shared) -> Result<Response, Failure> {
    let filter = Filter::from_request(&request)?;
    let timeout = request
        .param("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
    let watch = Watch {
        bookmarks: request.flag("allowWatchBookmarks"),
        as_table: table::wants_table(&request.accept),
        include: IncludeObject::parse(request.param("includeObject")),
        filter,
        request,
    };
    // Subscribed before reading the journal, so a change between the two is not missed.
    let mut changes = shared.subscribe();
    changes.borrow_and_update();
    let start = start(&watch, &shared)?;
    let (sender, receiver) = mpsc::channel::<Bytes>(64);
    tokio::spawn(stream(watch, shared, changes, start, timeout, sender));
    streaming(receiver, "application/json")
}

/// A 200 answer whose body is what `receiver` gets, chunk by chunk, until its sender is
/// dropped (a watch's events, a followed log's lines).
pub fn streaming(
    receiver: mpsc::Receiver<Bytes>,
    content_type: &'static str,
) -> Result<Response, Failure> {
    let body = Body::from_stream(futures_util::stream::unfold(
        receiver,
        |mut receiver| async {
            receiver
                .recv()
                .await
                .map(|bytes| (Ok::<_, Infallible>(bytes), receiver))
        },
    ));
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .map_err(|error| Failure::new(500, "InternalError", error.to_string()))
}

/// Sends the events of one watch until it times out or its client goes away.
async fn stream(
    watch: Watch,
    shared: Shared,
    mut changes: tokio::sync::watch::Receiver<u64>,
    start: Start,
    timeout: Duration,
    sender: mpsc::Sender<Bytes>,
) {
    let _open = shared.watch_opened();
    for event in &start.events {
        if sender.send(line(event)).await.is_err() {
            return;
        }
    }
    if start.ended {
        return;
    }
    let deadline = tokio::time::Instant::now() + timeout;
    let mut sequence = start.sequence;
    let mut last_version = start.resource_version;
    let mut bookmarks = tokio::time::interval(BOOKMARK_PERIOD);
    bookmarks.tick().await;
    loop {
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return },
            () = tokio::time::sleep_until(deadline) => return,
            () = sender.closed() => return,
            _ = bookmarks.tick(), if watch.bookmarks => {
                let version = shared.read(|cluster| cluster.api.store.resource_version());
                if sender.send(line(&watch.bookmark(version, false))).await.is_err() {
                    return;
                }
                continue;
            }
        }
        let (events, next, fell_behind) = shared.read(|cluster| {
            let journal = cluster.api.store.journal();
            let now = cluster.api.clock.now();
            match journal.from_sequence(sequence) {
                Some(entries) => {
                    let mut events = Vec::new();
                    for entry in entries {
                        last_version = entry.resource_version;
                        events.extend(journal_event(&watch, entry, now));
                    }
                    (events, journal.next_sequence(), None)
                }
                // This watcher fell further behind than the journal reaches.
                None => (
                    Vec::new(),
                    sequence,
                    Some(journal.since(last_version).err().unwrap_or(TooOld {
                        requested: last_version,
                        oldest: cluster.api.store.resource_version(),
                    })),
                ),
            }
        });
        if let Some(too_old) = fell_behind {
            let _ = sender.send(line(&expired(too_old))).await;
            return;
        }
        sequence = next;
        for event in &events {
            if sender.send(line(event)).await.is_err() {
                return;
            }
        }
    }
}
