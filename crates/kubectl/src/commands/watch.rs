//! `kubectl get --watch` / `--watch-only` (`GetOptions.watch` in kubectl's get.go): the
//! current list as a table (unless `--watch-only`), then one row per change as the watch
//! delivers it, through the same tab writer so columns keep their remembered widths and the
//! header is not repeated. It runs until `--request-timeout`, an enclosing `timeout`, or
//! Ctrl+C in the page; then it exits 0 as kubectl does when its watch is closed.

use std::collections::BTreeMap;

use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, Object, ObjectKey};
use kubeplay_sim::clock::Millis;

use super::get::Columns;
use crate::args;
use crate::fields::FieldSelector;
use crate::output::Output;
use crate::printers::rows::RowContext;
use crate::resources::Request;
use crate::session::Session;
use crate::text::{go_duration, tabwriter};
use crate::waiting::{self, Poll, Wait};

const MULTIPLE_TYPES: &str = "error: watch is only supported on individual resources and resource collections - more than 1 resource was found";

/// What `get` asked for: one kind, by name or by selectors.
pub struct Query {
    pub requests: Vec<Request>,
    pub namespace: String,
    pub all_namespaces: bool,
    pub selector: Selector,
    pub fields: FieldSelector,
}

impl Query {
    fn kind(&self) -> Kind {
        self.requests[0].kind
    }

    fn matching(&self, session: &Session) -> BTreeMap<ObjectKey, Object> {
        let store = &session.cluster.api.store;
        let kind = self.kind();
        let names = &self.requests[0].names;
        if !names.is_empty() {
            return names
                .iter()
                .filter_map(|name| store.get(&ObjectKey::new(kind, &self.namespace, name)))
                .map(|o| (o.key(), o.clone()))
                .collect();
        }
        let scope = (kind.namespaced() && !self.all_namespaces).then_some(self.namespace.as_str());
        store
            .list(kind, scope)
            .filter(|o| self.selector.matches(o.meta().labels.as_ref()) && self.fields.matches(o))
            .map(|o| (o.key(), o.clone()))
            .collect()
    }
}

/// `--request-timeout`: `0` (none), a Go duration, or whole seconds.
pub(super) fn request_timeout_ms(parsed: &args::Parsed) -> Result<Option<Millis>, String> {
    let Some(text) = parsed.value("request-timeout") else {
        return Ok(None);
    };
    let ms = match text.parse::<u64>() {
        Ok(seconds) => seconds.saturating_mul(1000),
        Err(_) => go_duration::parse("request-timeout", text)?,
    };
    Ok((ms > 0).then_some(ms))
}

pub fn run(query: Query, parsed: &args::Parsed, session: &mut Session, out: &mut Output) {
    let same_kind = query.requests.iter().all(|r| r.kind == query.kind());
    if !same_kind {
        return out.error(MULTIPLE_TYPES);
    }
    if !matches!(parsed.value("output"), None | Some("" | "wide")) {
        return out.error("error: kubeplay's --watch prints tables only (drop -o, or use -o wide)");
    }
    let timeout = match request_timeout_ms(parsed) {
        Ok(timeout) => timeout,
        Err(error) => return out.error(error),
    };
    let watch = Watch {
        columns: Columns::new(parsed, false),
        wide: parsed.value("output") == Some("wide"),
        headers: !parsed.bool("no-headers"),
        header_printed: false,
        writer: tabwriter::TabWriter::new(tabwriter::Config::GET),
        seen: None,
        list_first: !parsed.bool("watch-only"),
        ends_at: timeout.map(|ms| session.cluster.now_ms().saturating_add(ms)),
        query,
    };
    waiting::run(Box::new(watch), session, out);
}

struct Watch {
    query: Query,
    columns: Columns,
    wide: bool,
    headers: bool,
    header_printed: bool,
    writer: tabwriter::TabWriter,
    /// The objects as last printed (or listed), to spot changes and deletions.
    seen: Option<BTreeMap<ObjectKey, Object>>,
    list_first: bool,
    ends_at: Option<Millis>,
}

impl Watch {
    fn print(&mut self, objects: &[&Object], session: &Session, out: &mut Output) {
        if objects.is_empty() {
            return;
        }
        let kind = self.query.kind();
        let ctx = RowContext {
            now: session.now(),
            wide: self.wide,
        };
        let mut text = String::new();
        if self.headers && !self.header_printed {
            text.push_str(&self.columns.headers(kind).join("\t"));
            text.push('\n');
            self.header_printed = true;
        }
        for object in objects {
            let cells = self.columns.cells(object, kind, &ctx);
            let cells: Vec<String> = cells.iter().map(|c| c.replace(['\t', '\n'], " ")).collect();
            text.push_str(&cells.join("\t"));
            text.push('\n');
        }
        self.writer.write_str(&text);
        self.writer.flush();
        out.out(self.writer.take_output());
    }
}

impl Wait for Watch {
    fn poll(&mut self, session: &mut Session, out: &mut Output) -> Poll {
        let current = self.query.matching(session);
        match self.seen.take() {
            None => {
                if self.list_first {
                    let objects: Vec<&Object> = current.values().collect();
                    self.print(&objects, session, out);
                }
            }
            Some(seen) => {
                // Changes in the order the watch delivers them (resourceVersion), then the
                // objects that went away (their last state, as a DELETED event carries).
                let mut changed: Vec<&Object> = current
                    .iter()
                    .filter(|(key, object)| {
                        seen.get(*key).is_none_or(|old| {
                            old.meta().resource_version != object.meta().resource_version
                        })
                    })
                    .map(|(_, object)| object)
                    .collect();
                changed.sort_by_key(|o| {
                    o.meta()
                        .resource_version
                        .as_deref()
                        .and_then(|v| v.parse::<u64>().ok())
                        .unwrap_or(0)
                });
                let gone: Vec<&Object> = seen
                    .iter()
                    .filter(|(key, _)| !current.contains_key(*key))
                    .map(|(_, object)| object)
                    .collect();
                let rows: Vec<&Object> = changed.into_iter().chain(gone).collect();
                self.print(&rows, session, out);
            }
        }
        self.seen = Some(current);
        if self
            .ends_at
            .is_some_and(|end| session.cluster.now_ms() >= end)
        {
            return Poll::Met;
        }
        Poll::Pending {
            recheck_at: self.ends_at,
            on_change: true,
        }
    }
}
