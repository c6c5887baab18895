//! Page options from the URL (`?embed=1&panels=terminal,cluster&cmd=…&yaml=…&preset=…`,
//! `clock=paused`, `speed=10`, `origin=…`) and the postMessage bridge that lets the page
//! embedding the playground run commands and read their output.
//!
//! The bridge is the only way in from another page, so it answers only when all hold:
//! the page runs embedded (`embed=1`) inside a frame; the message comes from that frame's
//! parent window (not an opener, a sibling or a child); and, when the URL pins host origins
//! with `origin=`, the parent's origin is one of them. Replies go to the parent's origin,
//! never to `*`. An embedded playground has its own state: it never reads or writes the
//! learner's saved playground, so even an allowed host only ever drives a scratch cluster.

use gloo::events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

use crate::playground::Line;
use crate::state::{Intent, Outcome};

/// What the URL asks of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageOptions {
    pub embed: bool,
    pub editor: bool,
    pub terminal: bool,
    pub cluster: bool,
    pub events: bool,
    pub commands: Vec<String>,
    pub yaml: Option<String>,
    pub preset: Option<String>,
    /// `clock=paused`: start with the clock stopped (it runs at 1× by default, as a cluster does).
    pub paused: bool,
    /// `speed=1|10|60`: the clock's starting speed.
    pub speed: u32,
    /// `origin=https://a.example,https://b.example` (repeatable): the host origins the bridge
    /// answers; empty = whichever page embeds the playground.
    pub allowed_origins: Vec<String>,
}

/// The speeds the clock offers.
pub const SPEEDS: [u32; 3] = [1, 10, 60];

impl PageOptions {
    pub fn from_location() -> PageOptions {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        PageOptions::from_query(&search)
    }

    pub fn from_query(search: &str) -> PageOptions {
        let params = web_sys::UrlSearchParams::new_with_str(search).ok();
        let get = |name: &str| params.as_ref().and_then(|p| p.get(name));
        let get_all = |name: &str| -> Vec<String> {
            params
                .as_ref()
                .map(|p| {
                    p.get_all(name)
                        .iter()
                        .filter_map(|v| v.as_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let panels: Option<Vec<String>> =
            get("panels").map(|p| p.split(',').map(|s| s.trim().to_string()).collect());
        let shows = |panel: &str| {
            panels
                .as_ref()
                .is_none_or(|list| list.iter().any(|p| p == panel))
        };
        PageOptions {
            embed: get("embed").is_some_and(|v| v == "1" || v == "true"),
            editor: shows("editor"),
            terminal: shows("terminal"),
            cluster: shows("cluster"),
            events: shows("events"),
            commands: get_all("cmd"),
            yaml: get("yaml"),
            preset: get("preset"),
            paused: get("clock").is_some_and(|v| v == "paused"),
            speed: get("speed")
                .and_then(|v| v.trim_end_matches(['x', '×']).parse().ok())
                .filter(|speed| SPEEDS.contains(speed))
                .unwrap_or(1),
            allowed_origins: get_all("origin")
                .iter()
                .flat_map(|list| list.split(','))
                .map(|origin| origin.trim().trim_end_matches('/').to_string())
                .filter(|origin| !origin.is_empty())
                .collect(),
        }
    }

    /// Whether the URL sets up a playground of its own (commands or a manifest to run).
    pub fn sets_up_playground(&self) -> bool {
        !self.commands.is_empty() || self.yaml.is_some()
    }
}

/// Whether the bridge may answer a message from a parent at `origin`.
pub fn origin_allowed(allowed: &[String], origin: &str) -> bool {
    // An opaque origin ("null": sandboxed frames, file: pages) cannot be replied to safely.
    origin != "null" && (allowed.is_empty() || allowed.iter().any(|a| a == origin))
}

/// A `{type: "kubeplay:run", command, id}` message from the host page.
pub struct RunRequest {
    pub command: String,
    pub id: JsValue,
}

pub fn parse_request(data: &JsValue) -> Option<RunRequest> {
    let field = |name: &str| js_sys::Reflect::get(data, &JsValue::from_str(name)).ok();
    if field("type")?.as_string()? != "kubeplay:run" {
        return None;
    }
    let command = field("command")?.as_string()?;
    Some(RunRequest {
        command,
        id: field("id").unwrap_or(JsValue::NULL),
    })
}

/// `{type: "kubeplay:output", id, output, status}` for the host page.
pub fn response(id: &JsValue, output: &str, failed: bool) -> JsValue {
    let object = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), value);
    };
    set("type", &JsValue::from_str("kubeplay:output"));
    set("id", id);
    set("output", &JsValue::from_str(output));
    set("status", &JsValue::from_f64(if failed { 1.0 } else { 0.0 }));
    object.into()
}

/// The window embedding this page, if it runs in a frame.
fn embedding_parent(window: &web_sys::Window) -> Option<web_sys::Window> {
    let parent = window.parent().ok().flatten()?;
    let own: &JsValue = window.as_ref();
    let theirs: &JsValue = parent.as_ref();
    (!js_sys::Object::is(own, theirs)).then_some(parent)
}

/// Listens for the host page's requests, under the rules in the module comment. `None`
/// (nothing listens at all) unless the page is embedded in a frame.
pub fn listen(options: &PageOptions, dispatch: Callback<Intent, Outcome>) -> Option<EventListener> {
    if !options.embed {
        return None;
    }
    let window = web_sys::window()?;
    let parent = embedding_parent(&window)?;
    let allowed = options.allowed_origins.clone();
    Some(EventListener::new(&window, "message", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        // Only the embedding parent: the same window object, compared by identity.
        let from_parent = event
            .source()
            .is_some_and(|source| js_sys::Object::is(source.as_ref(), parent.as_ref()));
        let origin = event.origin();
        if !from_parent || !origin_allowed(&allowed, &origin) {
            return;
        }
        let Some(request) = parse_request(&event.data()) else {
            return;
        };
        // A waiting command (`sleep`, `get -w`) goes on in the foreground, as when typed; the
        // reply holds what it printed at once.
        let Outcome::Ran(lines) = dispatch.emit(Intent::Run(request.command)) else {
            return;
        };
        let failed = lines.iter().any(|l| matches!(l, Line::Err(_)));
        let output: String = lines
            .iter()
            .filter_map(|line| match line {
                Line::Out(text) | Line::Err(text) => Some(format!("{text}\n")),
                Line::Prompt(_) => None,
            })
            .collect();
        // The reply names the origin the request came from: if the parent navigated away
        // meanwhile, the browser drops it instead of handing it to the new page.
        let _ = parent.post_message(&response(&request.id, &output, failed), &origin);
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pinned_origins_are_answered_when_pinned() {
        assert!(origin_allowed(&[], "https://workshop.example"));
        assert!(!origin_allowed(&[], "null"));
        let pinned = vec!["https://workshop.example".to_string()];
        assert!(origin_allowed(&pinned, "https://workshop.example"));
        assert!(!origin_allowed(&pinned, "https://evil.example"));
        assert!(!origin_allowed(
            &pinned,
            "https://workshop.example.evil.example"
        ));
    }
}
