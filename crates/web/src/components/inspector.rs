//! The inspector: `kubectl describe`, `-o yaml` and the events of the selected object.

use kubeplay_model::Kind;
use yew::prelude::*;

use crate::app::Handle;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

#[derive(Properties)]
pub struct InspectorProps {
    pub handle: Handle,
    pub selection: Selection,
    pub on_close: Callback<()>,
}

/// Redrawn when objects changed or a second passed (ages in describe).
impl PartialEq for InspectorProps {
    fn eq(&self, other: &Self) -> bool {
        self.handle.same_playground(&other.handle)
            && self.handle.store_version == other.handle.store_version
            && self.handle.second == other.handle.second
            && self.selection == other.selection
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Describe,
    Yaml,
    Events,
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let tab = use_state(|| Tab::Describe);
    let selection = &props.selection;
    let plural = selection.kind.plural();
    let mut args = match *tab {
        Tab::Describe => vec!["describe", plural, selection.name.as_str()],
        Tab::Yaml => vec!["get", plural, selection.name.as_str(), "-o", "yaml"],
        Tab::Events => vec!["get", "events", "--field-selector"],
    };
    let field = format!("involvedObject.name={}", selection.name);
    if *tab == Tab::Events {
        args.push(&field);
    }
    if selection.kind.namespaced() {
        args.extend(["-n", selection.namespace.as_str()]);
    }
    // Reading through kubectl keeps the inspector identical to what the terminal prints.
    let output = props
        .handle
        .playground
        .borrow_mut()
        .terminal
        .kubectl(&args, "");
    let text: String = output.chunks.iter().map(|c| c.text.as_str()).collect();
    let tab_button = |which: Tab, label: &'static str| {
        let tab = tab.clone();
        html! { <button role="tab" aria-selected={(*tab == which).to_string()} onclick={move |_| tab.set(which)}>{ label }</button> }
    };
    html! {
        <aside class="inspector" aria-label={format!("{} {}", selection.kind, selection.name)}>
            <div class="panel-header">
                <h2>{ format!("{} {}", selection.kind, selection.name) }</h2>
                <div role="tablist">
                    { tab_button(Tab::Describe, "Describe") }
                    { tab_button(Tab::Yaml, "YAML") }
                    { tab_button(Tab::Events, "Events") }
                </div>
                <button aria-label="Close inspector" onclick={ let on_close = props.on_close.clone(); move |_| on_close.emit(()) }>{ "×" }</button>
            </div>
            <pre class="inspector-body" role="tabpanel" tabindex="0">{ text }</pre>
        </aside>
    }
}
