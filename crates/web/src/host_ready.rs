//! Tells the host page that an embedded playground listens: `{type: "kubeplay:ready"}` to
//! the parent window, so a host script (www/embed.js) sends its first commands only once
//! they can be answered. It carries no data, and goes only to the origin the page was given
//! (`origin=`) or, failing that, to the origin of the page that framed it (the referrer).

use wasm_bindgen::JsValue;

pub fn announce(embed: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if !embed || js_sys::Object::is(&parent, &window) {
        return;
    }
    let Some(origin) = host_origin(&window) else {
        return;
    };
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &message,
        &JsValue::from_str("type"),
        &JsValue::from_str("kubeplay:ready"),
    );
    let _ = parent.post_message(&message, &origin);
}

/// The first `origin=` of the URL, else the referrer's origin.
fn host_origin(window: &web_sys::Window) -> Option<String> {
    let search = window.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    if let Some(pinned) = params.get("origin") {
        return pinned
            .split(',')
            .map(str::trim)
            .find(|o| !o.is_empty())
            .map(str::to_string);
    }
    let referrer = window.document()?.referrer();
    let url = web_sys::Url::new(&referrer).ok()?;
    Some(url.origin()).filter(|o| o != "null")
}
