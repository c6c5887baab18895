//! The header: title, cluster preset + Reset (with confirmation), and Share.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::logo::Logo;
use crate::playground::Preset;
use crate::share;
use crate::state::Handle;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub handle: Handle,
    pub on_reset: Callback<Preset>,
    pub on_notice: Callback<String>,
}

/// Copies text to the clipboard (the browser may refuse silently; the link is shown too).
pub fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let _promise = window.navigator().clipboard().write_text(text);
    true
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let preset_ref = use_node_ref();
    // The menu starts at the running playground's preset, so Reset keeps the same cluster.
    let current = props.handle.playground.borrow().settings.preset.clone();
    let config = {
        let current = current.clone();
        use_state(move || match current {
            Preset::Config(text) => text,
            _ => String::new(),
        })
    };
    let confirming = use_state(|| false);
    let chosen = use_state(move || {
        match current {
            Preset::Kind => "kind",
            Preset::KindMulti => "kind-multi",
            Preset::Config(_) => "config",
        }
        .to_string()
    });
    let shared = use_state(|| None::<String>);

    let on_preset = {
        let chosen = chosen.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                chosen.set(select.value());
            }
        })
    };
    let reset = {
        let on_reset = props.on_reset.clone();
        let chosen = chosen.clone();
        let config = config.clone();
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| {
            let preset = match chosen.as_str() {
                "kind-multi" => Preset::KindMulti,
                "config" => Preset::Config((*config).clone()),
                _ => Preset::Kind,
            };
            confirming.set(false);
            on_reset.emit(preset);
        })
    };
    let share_link = {
        let shared = shared.clone();
        let handle = props.handle.clone();
        let on_notice = props.on_notice.clone();
        Callback::from(move |_: MouseEvent| {
            let playground = handle.playground.borrow();
            let fragment = share::encode(&playground.settings, playground.actions());
            let Some(window) = web_sys::window() else {
                return;
            };
            let location = window.location();
            let base = format!(
                "{}{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            );
            let link = format!("{base}#{fragment}");
            // Not put in the address bar: a link is for opening once, and a reload of this
            // page continues the saved playground.
            copy_to_clipboard(&link);
            shared.set(Some(link));
            on_notice.emit("Share link copied to the clipboard (and shown above).".into());
        })
    };
    html! {
        <header class="toolbar">
            <h1 class="brand"><Logo />{ " kubeplay" }</h1>
            <div class="toolbar-group">
                <label for="preset">{ "Cluster" }</label>
                <select id="preset" ref={preset_ref} onchange={on_preset} value={(*chosen).clone()}>
                    <option value="kind" selected={*chosen == "kind"}>{ "kind (1 node)" }</option>
                    <option value="kind-multi" selected={*chosen == "kind-multi"}>{ "kind-multi (4 nodes)" }</option>
                    <option value="config" selected={*chosen == "config"}>{ "kind config…" }</option>
                </select>
                if *chosen == "config" {
                    <textarea class="kind-config" aria-label="kind cluster config" placeholder="kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker"
                        value={(*config).clone()}
                        oninput={ let config = config.clone(); move |e: InputEvent| if let Some(t) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() { config.set(t.value()) } } />
                }
                if *confirming {
                    <span class="confirm" role="alert">{ "Discard this playground? " }
                        <button class="danger" onclick={reset}>{ "Yes, reset" }</button>
                        <button onclick={ let confirming = confirming.clone(); move |_| confirming.set(false) }>{ "Keep it" }</button>
                    </span>
                } else {
                    <button onclick={ let confirming = confirming.clone(); move |_| confirming.set(true) }>{ "Reset" }</button>
                }
                <button onclick={share_link}>{ "Share" }</button>
            </div>
            if let Some(link) = (*shared).clone() {
                <div class="share-link">
                    <label for="share-link">{ "Share link" }</label>
                    <input id="share-link" readonly=true value={link} onfocus={|e: FocusEvent| if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() { input.select() }} />
                    <button class="link" aria-label="Hide the share link" onclick={ let shared = shared.clone(); move |_| shared.set(None) }>{ "×" }</button>
                </div>
            }
        </header>
    }
}
