//! The cluster view: nodes as lanes with their pods as chips (status by colour, icon and
//! text), pods waiting for a node, and the ownership tree of workloads.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::app::Handle;
use crate::components::inspector::Selection;
use crate::view::{self, NodeLane, PodChip, Workload};
use kubeplay_model::Kind;

#[derive(Properties)]
pub struct ClusterProps {
    pub handle: Handle,
    pub namespace: Option<String>,
    pub on_namespace: Callback<Option<String>>,
    pub on_select: Callback<Option<Selection>>,
    pub selected: Option<Selection>,
    /// Called after a button here changed the cluster.
    pub changed: Callback<()>,
}

/// Redrawn only when objects changed or a command ran (not on every clock tick).
impl PartialEq for ClusterProps {
    fn eq(&self, other: &Self) -> bool {
        self.handle.same_playground(&other.handle)
            && self.handle.store_version == other.handle.store_version
            && self.handle.history_version == other.handle.history_version
            && self.namespace == other.namespace
            && self.selected == other.selected
    }
}

fn icon(tone: &str) -> &'static str {
    match tone {
        "ok" => "●",
        "warn" => "◐",
        "pending" => "◌",
        "terminating" => "◍",
        "done" => "✓",
        "lost" => "⚠",
        _ => "✕",
    }
}

/// A pod chip. Node lanes carry the `data-pod` attributes (one element per pod, for tests and
/// tools outside); the workload tree repeats pods without them.
fn pod_chip(
    chip: &PodChip,
    on_select: &Callback<Option<Selection>>,
    selected: &Option<Selection>,
    in_lane: bool,
) -> Html {
    let selection = Selection {
        kind: Kind::Pod,
        namespace: chip.namespace.clone(),
        name: chip.name.clone(),
    };
    let is_selected = selected.as_ref() == Some(&selection);
    let onclick = {
        let on_select = on_select.clone();
        move |_| on_select.emit(Some(selection.clone()))
    };
    html! {
        <button key={format!("{}/{}", chip.namespace, chip.name)} class={classes!("pod", chip.tone, is_selected.then_some("selected"))}
            data-pod={in_lane.then(|| chip.name.clone())} data-namespace={in_lane.then(|| chip.namespace.clone())}
            data-node={in_lane.then(|| chip.node.clone())} data-status={in_lane.then(|| chip.status.clone())} data-tone={in_lane.then_some(chip.tone)}
            aria-pressed={is_selected.to_string()} onclick={onclick}>
            <span class="visually-hidden">{ "Pod " }</span>
            <span class="pod-name">{ &chip.name }</span>
            <span class="pod-status"><span class="pod-icon" aria-hidden="true">{ icon(chip.tone) }</span>{ format!(" {} {}", chip.status, chip.ready) }</span>
            if let Some(note) = &chip.note {
                <span class="pod-note">{ note }</span>
            }
        </button>
    }
}

/// A node's lane: its name and status (with the reason when it is not Ready), what the
/// control plane waits for there, and its pods.
fn node_lane(
    lane: &NodeLane,
    on_select: &Callback<Option<Selection>>,
    selected: &Option<Selection>,
) -> Html {
    let header = html! {
        <>
            <span class="node-name">{ &lane.name }</span>
            <span class="node-meta">{ if lane.deleted { format!("{} · {} pods", lane.status, lane.pods.len()) } else { format!("{} · {} · {} pods", lane.status, lane.roles, lane.pods.len()) } }</span>
            if let Some(reason) = &lane.reason {
                <span class="node-meta node-reason">{ reason }</span>
            }
            if lane.kubelet_stopped {
                <span class="node-meta kubelet-stopped">{ "kubelet stopped" }</span>
            }
        </>
    };
    let header_class = classes!(
        "lane-header",
        (lane.status != "Ready").then_some("not-ready")
    );
    html! {
        <div class={classes!("lane", lane.lost.then_some("lost"))} key={lane.name.clone()} data-node-lane={lane.name.clone()} data-lost={lane.lost.to_string()}>
            if lane.deleted {
                <div class={header_class}>{ header }</div>
            } else {
                <button class={header_class}
                    onclick={ let on_select = on_select.clone(); let name = lane.name.clone(); move |_| on_select.emit(Some(Selection { kind: Kind::Node, namespace: String::new(), name: name.clone() })) }>
                    { header }
                </button>
            }
            if !lane.notes.is_empty() {
                <ul class="lane-notes" aria-label={format!("What the control plane waits for on {}", lane.name)}>
                    { for lane.notes.iter().map(|note| html! { <li>{ note }</li> }) }
                </ul>
            }
            <div class="chips">{ for lane.pods.iter().map(|chip| pod_chip(chip, on_select, selected, true)) }</div>
        </div>
    }
}

fn workload_tree(
    workload: &Workload,
    on_select: &Callback<Option<Selection>>,
    selected: &Option<Selection>,
) -> Html {
    let selection = (workload.kind != Kind::Pod).then(|| Selection {
        kind: workload.kind,
        namespace: workload.namespace.clone(),
        name: workload.name.clone(),
    });
    let label = if workload.kind == Kind::Pod {
        workload.name.clone()
    } else {
        format!("{} {}", workload.kind, workload.name)
    };
    html! {
        <li class={classes!("workload", workload.kind.name().to_ascii_lowercase())} data-namespace={workload.namespace.clone()}>
            if let Some(selection) = selection {
                <button class="workload-name" onclick={ let on_select = on_select.clone(); move |_| on_select.emit(Some(selection.clone())) }>
                    { label }<span class="summary">{ &workload.summary }</span>
                </button>
            } else {
                <span class="workload-name">{ label }</span>
            }
            if !workload.pods.is_empty() {
                <div class="chips">{ for workload.pods.iter().map(|chip| pod_chip(chip, on_select, selected, false)) }</div>
            }
            if !workload.children.is_empty() {
                <ul>{ for workload.children.iter().map(|child| workload_tree(child, on_select, selected)) }</ul>
            }
        </li>
    }
}

#[function_component(ClusterView)]
pub fn cluster_view(props: &ClusterProps) -> Html {
    let playground = props.handle.playground.borrow();
    let store = &playground.terminal.cluster.api.store;
    let now = playground.now();
    let namespace = props.namespace.as_deref();
    let model = view::cluster_model(&playground.terminal.cluster, namespace);
    let trees = view::workloads(store, now, namespace);
    let namespaces: Vec<String> = store
        .list(Kind::Namespace, None)
        .map(|n| n.name().to_string())
        .collect();
    let on_namespace = {
        let on_namespace = props.on_namespace.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                let value = select.value();
                on_namespace.emit((!value.is_empty()).then_some(value));
            }
        })
    };
    // Runs as a terminal command, so the transcript shows how to do it by hand.
    let add_node = {
        let playground = props.handle.playground.clone();
        let changed = props.changed.clone();
        Callback::from(move |_| {
            playground.borrow_mut().run("kubeplay node add");
            changed.emit(());
        })
    };
    html! {
        <section class="panel cluster" role="region" aria-label="Cluster">
            <div class="panel-header">
                <h2>{ "Cluster" }</h2>
                <label for="namespace-filter">{ "Namespace" }</label>
                <select id="namespace-filter" onchange={on_namespace}>
                    <option value="" selected={namespace.is_none()}>{ "all namespaces" }</option>
                    { for namespaces.iter().map(|n| html! { <option value={n.clone()} selected={namespace == Some(n.as_str())}>{ n }</option> }) }
                </select>
                <button class="action" title="kubeplay node add" onclick={add_node}>{ "Add node" }</button>
            </div>
            <div class="lanes">
                { for model.nodes.iter().map(|lane| node_lane(lane, &props.on_select, &props.selected)) }
                if !model.pending.is_empty() {
                    <div class="lane pending-lane">
                        <div class="lane-header"><span class="node-name">{ "Not scheduled" }</span></div>
                        <div class="chips">{ for model.pending.iter().map(|chip| pod_chip(chip, &props.on_select, &props.selected, true)) }</div>
                    </div>
                }
            </div>
            <h3>{ "Workloads" }</h3>
            <ul class="tree">{ for trees.iter().map(|w| workload_tree(w, &props.on_select, &props.selected)) }</ul>
        </section>
    }
}
