//! Page options from the URL (`?embed=1&panels=terminal,cluster&cmd=…&yaml=…&preset=…`) and
//! the postMessage bridge that lets a host page run commands and read their output.

use wasm_bindgen::JsValue;

/// Panels the page can show.
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
}

impl PageOptions {
    pub fn from_location() -> PageOptions {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
        let get = |name: &str| params.as_ref().and_then(|p| p.get(name));
        let embed = get("embed").is_some_and(|v| v == "1" || v == "true");
        let panels: Option<Vec<String>> =
            get("panels").map(|p| p.split(',').map(|s| s.trim().to_string()).collect());
        let shows = |panel: &str| {
            panels
                .as_ref()
                .is_none_or(|list| list.iter().any(|p| p == panel))
        };
        PageOptions {
            embed,
            editor: shows("editor"),
            terminal: shows("terminal"),
            cluster: shows("cluster"),
            events: shows("events"),
            commands: params
                .as_ref()
                .map(|p| {
                    p.get_all("cmd")
                        .iter()
                        .filter_map(|v| v.as_string())
                        .collect()
                })
                .unwrap_or_default(),
            yaml: get("yaml"),
            preset: get("preset"),
        }
    }
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
