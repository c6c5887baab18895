//! The cluster view: nodes as lanes with their pods as chips (status by colour, icon and
//! text), pods waiting for a node, and the ownership tree of workloads. It stays readable and
//! cheap at every size: past a few hundred pods a lane shows its pods' counts by status and a
//! strip of colours, and opens to its chips on demand; long lists show a page at a time. Each
//! lane and workload is its own component, redrawn only when its model changed.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::inspector::Selection;
use crate::components::traffic::TrafficOverlay;
use crate::components::traffic_counts::{PodCounters, ServiceBar};
use crate::live::ClusterSnapshot;
use crate::pod_groups::PodSet;
use crate::state::{Intent, Outcome};
use crate::view::{NodeLane, PodChip, Workload};
use kubeplay_model::Kind;

/// More pods than this in view, and lanes and workloads show counts instead of chips.
const CHIPS_AT_MOST: usize = 200;
/// Chips of one opened lane or workload shown at first, and added by "Show more".
const CHIP_PAGE: usize = 100;
/// Node lanes shown at first, and added by "Show more nodes".
const LANE_PAGE: usize = 40;
/// A workload with more pods than this shows counts even among few pods.
const WORKLOAD_CHIPS_AT_MOST: usize = 30;

#[derive(Properties)]
pub struct ClusterProps {
    pub snapshot: ClusterSnapshot,
    pub namespace: Option<String>,
    pub on_namespace: Callback<Option<String>>,
    pub on_select: Callback<Option<Selection>>,
    pub selected: Option<Selection>,
    pub dispatch: Callback<Intent, Outcome>,
}

/// Redrawn when the model, the filter or the selection changed; the callbacks only read the
/// selection (a new one comes with it).
impl PartialEq for ClusterProps {
    fn eq(&self, other: &Self) -> bool {
        self.snapshot == other.snapshot
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

fn in_namespace(chip: &PodChip, namespace: &Option<String>) -> bool {
    namespace
        .as_ref()
        .is_none_or(|wanted| *wanted == chip.namespace)
}

/// Counts by status as text, and a strip of colours in the same proportions (an SVG: the
/// page's Content-Security-Policy allows no inline styles).
fn summary(pods: &PodSet) -> Html {
    let counted = pods.counts();
    let total = pods.len().max(1);
    let mut x = 0;
    html! {
        <div class="pod-summary">
            <svg class="strip" viewBox={format!("0 0 {total} 1")} preserveAspectRatio="none" aria-hidden="true" focusable="false">
                { for counted.iter().map(|(tone, _, n)| {
                    let rect = html! { <rect class={*tone} x={x.to_string()} y="0" width={n.to_string()} height="1" /> };
                    x += n;
                    rect
                }) }
            </svg>
            <p class="counts">
                { for counted.iter().enumerate().map(|(i, (tone, status, n))| html! {
                    <span class={classes!("count", *tone)}>
                        if i > 0 { { " · " } }
                        <span class="pod-icon" aria-hidden="true">{ icon(tone) }</span>
                        { format!(" {n} {status}") }
                    </span>
                }) }
            </p>
        </div>
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
            <PodCounters namespace={chip.namespace.clone()} name={chip.name.clone()} />
            if let Some(note) = &chip.note {
                <span class="pod-note">{ note }</span>
            }
        </button>
    }
}

#[derive(Properties)]
struct PodsProps {
    pods: PodSet,
    /// Counts first, chips on demand.
    summarize: bool,
    /// What the pods belong to, for the toggle's accessible name.
    owner: String,
    in_lane: bool,
    selected: Option<Selection>,
    on_select: Callback<Option<Selection>>,
}

/// Redrawn when the pods or the selection changed; the callback only reads the selection.
impl PartialEq for PodsProps {
    fn eq(&self, other: &Self) -> bool {
        self.pods == other.pods
            && self.summarize == other.summarize
            && self.selected == other.selected
            && self.in_lane == other.in_lane
            && self.owner == other.owner
    }
}

/// A group of pods: chips, or counts that open to chips a page at a time. It reads only the
/// counts and the chips it shows, however many pods the group has.
#[function_component(Pods)]
fn pods(props: &PodsProps) -> Html {
    let shown = use_state(|| 0usize);
    let total = props.pods.len();
    if total == 0 {
        return Html::default();
    }
    let chip_list = |count: usize| {
        html! {
            <div class="chips">{ for props.pods.first(count).iter().map(|chip| pod_chip(chip, &props.on_select, &props.selected, props.in_lane)) }</div>
        }
    };
    if !props.summarize {
        return chip_list(total);
    }
    let open = *shown > 0;
    let toggle = {
        let shown = shown.clone();
        move |_| shown.set(if open { 0 } else { CHIP_PAGE })
    };
    let more = {
        let shown = shown.clone();
        let now = *shown;
        move |_| shown.set(now + CHIP_PAGE)
    };
    html! {
        <>
            { summary(&props.pods) }
            <button class="link show-pods" aria-expanded={open.to_string()} onclick={toggle}
                aria-label={format!("{} the {total} pods of {}", if open { "Hide" } else { "Show" }, props.owner)}>
                { if open { "Hide pods".to_string() } else { format!("Show {total} pods") } }
            </button>
            if open {
                { chip_list(*shown) }
                if *shown < total {
                    <button class="link show-more" onclick={more}>{ format!("Show {} more of {}", CHIP_PAGE.min(total - *shown), total - *shown) }</button>
                }
            }
        </>
    }
}

#[derive(Properties)]
struct LaneProps {
    lane: Rc<NodeLane>,
    namespace: Option<String>,
    summarize: bool,
    selected: Option<Selection>,
    on_select: Callback<Option<Selection>>,
}

/// Redrawn only when the lane's model changed (the same `Rc` otherwise), or the filter or the
/// selection did; the callback only reads the selection.
impl PartialEq for LaneProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lane, &other.lane)
            && self.namespace == other.namespace
            && self.summarize == other.summarize
            && self.selected == other.selected
    }
}

/// A node's lane: its name and status (with the reason when it is not Ready), what the
/// control plane waits for there, and its pods.
#[function_component(Lane)]
fn lane_view(props: &LaneProps) -> Html {
    let lane = &props.lane;
    let pods = PodSet::of(
        lane.pods
            .iter()
            .filter(|chip| in_namespace(chip, &props.namespace))
            .cloned(),
    );
    let count = pods.len();
    let header = html! {
        <>
            <span class="node-name">{ &lane.name }</span>
            <span class="node-meta">{ if lane.deleted { format!("{} · {count} pods", lane.status) } else { format!("{} · {} · {count} pods", lane.status, lane.roles) } }</span>
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
        <div class={classes!("lane", lane.lost.then_some("lost"))} data-node-lane={lane.name.clone()} data-lost={lane.lost.to_string()}>
            if lane.deleted {
                <div class={header_class}>{ header }</div>
            } else {
                <button class={header_class}
                    onclick={ let on_select = props.on_select.clone(); let name = lane.name.clone(); move |_| on_select.emit(Some(Selection { kind: Kind::Node, namespace: String::new(), name: name.clone() })) }>
                    { header }
                </button>
            }
            if !lane.notes.is_empty() {
                <ul class="lane-notes" aria-label={format!("What the control plane waits for on {}", lane.name)}>
                    { for lane.notes.iter().map(|note| html! { <li>{ note }</li> }) }
                </ul>
            }
            <Pods pods={pods} summarize={props.summarize} owner={format!("node {}", lane.name)} in_lane={true}
                selected={props.selected.clone()} on_select={props.on_select.clone()} />
        </div>
    }
}

#[derive(Properties)]
struct WorkloadProps {
    workload: Rc<Workload>,
    namespace: Option<String>,
    summarize: bool,
    selected: Option<Selection>,
    on_select: Callback<Option<Selection>>,
}

impl PartialEq for WorkloadProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.workload, &other.workload)
            && self.namespace == other.namespace
            && self.summarize == other.summarize
            && self.selected == other.selected
    }
}

#[function_component(WorkloadTree)]
fn workload_tree(props: &WorkloadProps) -> Html {
    workload_item(
        &props.workload,
        &props.namespace,
        props.summarize,
        &props.on_select,
        &props.selected,
    )
}

fn workload_item(
    workload: &Workload,
    namespace: &Option<String>,
    summarize: bool,
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
    // A workload's pods are in its namespace; only the stand-alone ones need filtering.
    let pods = match namespace {
        Some(namespace) if workload.kind == Kind::Pod => workload.pods.in_namespace(namespace),
        _ => workload.pods.clone(),
    };
    let summarize = summarize || pods.len() > WORKLOAD_CHIPS_AT_MOST;
    html! {
        <li class={classes!("workload", workload.kind.name().to_ascii_lowercase())} data-namespace={workload.namespace.clone()}>
            if let Some(selection) = selection {
                <button class="workload-name" onclick={ let on_select = on_select.clone(); move |_| on_select.emit(Some(selection.clone())) }>
                    { label.clone() }<span class="summary">{ &workload.summary }</span>
                </button>
            } else {
                <span class="workload-name">{ label.clone() }</span>
            }
            <Pods pods={pods} summarize={summarize} owner={label} in_lane={false}
                selected={selected.clone()} on_select={on_select.clone()} />
            if !workload.children.is_empty() {
                <ul>{ for workload.children.iter().map(|child| workload_item(child, namespace, summarize, on_select, selected)) }</ul>
            }
        </li>
    }
}

#[function_component(ClusterView)]
pub fn cluster_view(props: &ClusterProps) -> Html {
    let lanes_shown = use_state(|| LANE_PAGE);
    let snapshot = &props.snapshot;
    let namespace = props.namespace.as_deref();
    let wanted = |chip: &&Rc<PodChip>| in_namespace(chip, &props.namespace);
    let total = match namespace {
        None => {
            snapshot
                .lanes
                .iter()
                .map(|lane| lane.pods.len())
                .sum::<usize>()
                + snapshot.pending.len()
        }
        Some(_) => {
            snapshot
                .lanes
                .iter()
                .map(|lane| lane.pods.iter().filter(wanted).count())
                .sum::<usize>()
                + snapshot.pending.iter().filter(wanted).count()
        }
    };
    let summarize = total > CHIPS_AT_MOST;
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
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| {
            dispatch.emit(Intent::Run("kubeplay node add".into()));
        })
    };
    let hidden_lanes = snapshot.lanes.len().saturating_sub(*lanes_shown);
    let more_lanes = {
        let lanes_shown = lanes_shown.clone();
        let now = *lanes_shown;
        move |_| lanes_shown.set(now + LANE_PAGE)
    };
    let pending = PodSet::of(snapshot.pending.iter().filter(wanted).cloned());
    let workloads = snapshot.workloads.iter().filter(|w| {
        if w.kind == Kind::Pod {
            namespace.is_none_or(|n| w.pods.any_in(n))
        } else {
            namespace.is_none_or(|n| n == w.namespace)
        }
    });
    html! {
        <section class="panel cluster" role="region" aria-label="Cluster">
            <TrafficOverlay namespace={props.namespace.clone()} />
            <div class="panel-header">
                <h2>{ "Cluster" }</h2>
                <label for="namespace-filter">{ "Namespace" }</label>
                <select id="namespace-filter" onchange={on_namespace}>
                    <option value="" selected={namespace.is_none()}>{ "all namespaces" }</option>
                    { for snapshot.namespaces.iter().map(|n| html! { <option value={n.clone()} selected={namespace == Some(n.as_str())}>{ n }</option> }) }
                </select>
                <button class="action" title="kubeplay node add" onclick={add_node}>{ "Add node" }</button>
            </div>
            if summarize {
                <p class="cluster-total">{ format!("{total} pods on {} nodes: each node shows its pods by status; open one to see its pods.", snapshot.lanes.len()) }</p>
            }
            <ServiceBar namespace={props.namespace.clone()} selected={props.selected.clone()} on_select={props.on_select.clone()} />
            <div class="lanes">
                { for snapshot.lanes.iter().take(*lanes_shown).map(|lane| html! {
                    <Lane key={lane.name.clone()} lane={lane.clone()} namespace={props.namespace.clone()} summarize={summarize}
                        selected={props.selected.clone()} on_select={props.on_select.clone()} />
                }) }
                if hidden_lanes > 0 {
                    <button class="link show-more lanes-more" onclick={more_lanes}>{ format!("Show {} more nodes of {hidden_lanes}", LANE_PAGE.min(hidden_lanes)) }</button>
                }
                if !pending.is_empty() {
                    <div class="lane pending-lane">
                        <div class="lane-header"><span class="node-name">{ "Not scheduled" }</span></div>
                        <Pods pods={pending} summarize={summarize} owner={"no node".to_string()} in_lane={true}
                            selected={props.selected.clone()} on_select={props.on_select.clone()} />
                    </div>
                }
            </div>
            <h3>{ "Workloads" }</h3>
            <ul class="tree">{ for workloads.map(|w| html! {
                <WorkloadTree key={format!("{}/{}/{}", w.kind, w.namespace, w.name)} workload={w.clone()} namespace={props.namespace.clone()}
                    summarize={summarize} selected={props.selected.clone()} on_select={props.on_select.clone()} />
            }) }</ul>
        </section>
    }
}
