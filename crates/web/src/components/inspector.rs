//! The inspector: `kubectl describe`, `-o yaml` and the events of the selected object, the
//! scheduler's per-node verdict for a pod, and buttons that break and heal things. Buttons
//! run the same commands a learner could type, so the terminal shows what they did.
//! Opening it moves keyboard focus into it; Esc closes it (focus goes back to what opened it).

use kubeplay_model::{Kind, Typed};
use yew::prelude::*;

use crate::state::{Handle, Intent, Outcome};

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
    /// Runs an action's command.
    pub dispatch: Callback<Intent, Outcome>,
}

/// Redrawn when objects changed, a second passed (ages in describe), or a command ran (a
/// kubelet stopped or started changes no object but changes the buttons).
impl PartialEq for InspectorProps {
    fn eq(&self, other: &Self) -> bool {
        self.handle.same_playground(&other.handle)
            && self.handle.store_version == other.handle.store_version
            && self.handle.second == other.handle.second
            && self.handle.history_version == other.handle.history_version
            && self.selection == other.selection
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Describe,
    Yaml,
    Events,
    /// `kubeplay fit`: why the pod does (not) fit each node.
    Fit,
}

/// The commands offered for the selected object: (button label, command).
fn actions(selection: &Selection, handle: &Handle) -> Vec<(&'static str, String)> {
    let name = &selection.name;
    match selection.kind {
        Kind::Node => {
            let playground = handle.playground.borrow();
            let cluster = &playground.terminal.cluster;
            let mut actions = Vec::new();
            match cluster.nodes.is_running(name) {
                true => actions.push(("Stop kubelet", format!("kubeplay node stop {name}"))),
                false if cluster.nodes.has_machine(name) => {
                    actions.push(("Start kubelet", format!("kubeplay node start {name}")))
                }
                false => {}
            }
            let cordoned = cluster
                .api
                .store
                .get(&kubeplay_model::ObjectKey::cluster(Kind::Node, name))
                .and_then(k8s_openapi::api::core::v1::Node::from_object)
                .and_then(|n| n.spec.as_ref()?.unschedulable)
                .unwrap_or(false);
            if cordoned {
                actions.push(("Uncordon", format!("kubectl uncordon {name}")));
            } else {
                actions.push(("Cordon", format!("kubectl cordon {name}")));
                actions.push((
                    "Drain",
                    format!("kubectl drain {name} --ignore-daemonsets --timeout=60s"),
                ));
            }
            actions.push(("Remove", format!("kubeplay node remove {name}")));
            actions
        }
        Kind::Pod => {
            let namespace = &selection.namespace;
            let mut actions = vec![(
                "Delete",
                format!("kubectl delete pod {name} -n {namespace} --wait=false"),
            )];
            let playground = handle.playground.borrow();
            let probed = playground
                .terminal
                .cluster
                .api
                .store
                .get_typed::<kubeplay_model::Pod>(namespace, name)
                .and_then(|pod| pod.spec.as_ref())
                .is_some_and(|spec| {
                    spec.containers.iter().any(|c| {
                        c.readiness_probe.is_some()
                            || c.liveness_probe.is_some()
                            || c.startup_probe.is_some()
                    })
                });
            if probed {
                actions.push((
                    "Fail probe",
                    format!("kubeplay pod fail-probe {name} -n {namespace}"),
                ));
                actions.push((
                    "Fix probe",
                    format!("kubeplay pod fix-probe {name} -n {namespace}"),
                ));
            }
            actions
        }
        _ => Vec::new(),
    }
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let tab = use_state(|| Tab::Describe);
    let panel = use_node_ref();
    {
        let panel = panel.clone();
        use_effect_with(props.selection.clone(), move |_| {
            if let Some(panel) = panel.cast::<web_sys::HtmlElement>() {
                let _ = panel.focus();
            }
        });
    }
    let on_keydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                event.prevent_default();
                on_close.emit(());
            }
        })
    };
    let selection = &props.selection;
    let plural = selection.kind.plural();
    let mut args = match *tab {
        Tab::Describe => vec!["describe", plural, selection.name.as_str()],
        Tab::Yaml => vec!["get", plural, selection.name.as_str(), "-o", "yaml"],
        Tab::Events => vec!["get", "events", "--field-selector"],
        Tab::Fit => vec!["fit", selection.name.as_str()],
    };
    let field = format!("involvedObject.name={}", selection.name);
    if *tab == Tab::Events {
        args.push(&field);
    }
    if selection.kind.namespaced() {
        args.extend(["-n", selection.namespace.as_str()]);
    }
    // Reading through kubectl keeps the inspector identical to what the terminal prints.
    let output = if *tab == Tab::Fit {
        props
            .handle
            .playground
            .borrow_mut()
            .terminal
            .kubeplay(&args)
    } else {
        props
            .handle
            .playground
            .borrow_mut()
            .terminal
            .kubectl(&args, "")
    };
    let text: String = output.chunks.iter().map(|c| c.text.as_str()).collect();
    let actions = actions(selection, &props.handle);
    let tab_button = |which: Tab, label: &'static str| {
        let tab = tab.clone();
        html! { <button role="tab" aria-selected={(*tab == which).to_string()} onclick={move |_| tab.set(which)}>{ label }</button> }
    };
    html! {
        <aside class="inspector" aria-label={format!("{} {}", selection.kind, selection.name)} tabindex="-1" ref={panel} onkeydown={on_keydown}>
            <div class="panel-header">
                <h2>{ format!("{} {}", selection.kind, selection.name) }</h2>
                <div role="tablist">
                    { tab_button(Tab::Describe, "Describe") }
                    { tab_button(Tab::Yaml, "YAML") }
                    { tab_button(Tab::Events, "Events") }
                    if selection.kind == Kind::Pod {
                        { tab_button(Tab::Fit, "Fit") }
                    }
                </div>
                <button aria-label="Close inspector" onclick={ let on_close = props.on_close.clone(); move |_| on_close.emit(()) }>{ "×" }</button>
            </div>
            if !actions.is_empty() {
                <div class="actions" role="toolbar" aria-label="Actions">
                    { for actions.into_iter().map(|(label, command)| {
                        let dispatch = props.dispatch.clone();
                        let title = command.clone();
                        html! {
                            <button class="action" title={title} onclick={move |_| {
                                dispatch.emit(Intent::Run(command.clone()));
                            }}>{ label }</button>
                        }
                    }) }
                </div>
            }
            <pre class="inspector-body" role="tabpanel" tabindex="0">{ text }</pre>
        </aside>
    }
}
