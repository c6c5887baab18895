//! The traffic overlay: an SVG laid over the cluster view that draws `traffic_scene`'s legs
//! and dots between the pod chips and Service anchors on screen. The page hands it the
//! clock through a context every frame, so only the overlay redraws while requests move —
//! the cluster view under it is not rendered again. Positions come from the chips' boxes,
//! measured after each render (only the anchors the scene uses; a pod without a chip on
//! screen — counts instead of chips at scale — is drawn at its node's lane, and one
//! without a lane on screen is not drawn).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gloo::events::EventListener;
use kubeplay_model::Pod;
use yew::prelude::*;

use crate::playground::Playground;
use crate::traffic_scene::{self, Anchor, Dot, Leg, Scene};

/// Counters and Service rates refresh at most this often while the clock runs (each refresh
/// redraws the chips that show them; dots move every frame regardless).
const COUNTS_EVERY_MS: f64 = 250.0;

/// The clock and the traffic, every frame: what the overlay follows.
#[derive(Clone)]
pub struct TrafficFrame {
    pub playground: Rc<RefCell<Playground>>,
    pub now_ms: u64,
    pub total: u64,
    pub store_version: u64,
}

impl PartialEq for TrafficFrame {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.playground, &other.playground)
            && (self.now_ms, self.total, self.store_version)
                == (other.now_ms, other.total, other.store_version)
    }
}

/// The traffic a few times per second: what the chips' counters and the Service anchors
/// follow.
#[derive(Clone)]
pub struct TrafficCounts {
    pub playground: Rc<RefCell<Playground>>,
    pub total: u64,
    pub store_version: u64,
    pub now_ms: u64,
}

impl PartialEq for TrafficCounts {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.playground, &other.playground)
            && (self.total, self.store_version, self.now_ms)
                == (other.total, other.store_version, other.now_ms)
    }
}

/// The two traffic contexts for this render: the frame always, the counts when they changed
/// and were last refreshed [`COUNTS_EVERY_MS`] ago (at once when the clock is paused).
#[hook]
pub fn use_traffic(
    playground: &Rc<RefCell<Playground>>,
    playing: bool,
) -> (TrafficFrame, TrafficCounts) {
    let last: Rc<RefCell<Option<(TrafficCounts, f64)>>> = use_mut_ref(|| None);
    let p = playground.borrow();
    let total = p.terminal.cluster.traffic().total();
    let frame = TrafficFrame {
        playground: playground.clone(),
        // Without any request yet there is nothing to move: the overlay is not redrawn.
        now_ms: if total == 0 {
            0
        } else {
            p.terminal.cluster.now_ms()
        },
        total,
        store_version: p.terminal.cluster.api.store.changes(),
    };
    let fresh = TrafficCounts {
        playground: playground.clone(),
        total: frame.total,
        store_version: frame.store_version,
        // Rates fall when no request comes: follow the clock too, by whole seconds.
        now_ms: frame.now_ms / 1000 * 1000,
    };
    let wall = js_sys::Date::now();
    let mut last = last.borrow_mut();
    let counts = match last.as_ref() {
        Some((shown, _)) if *shown == fresh => shown.clone(),
        Some((shown, at)) if playing && wall - at < COUNTS_EVERY_MS => shown.clone(),
        _ => {
            *last = Some((fresh.clone(), wall));
            fresh
        }
    };
    (frame, counts)
}

/// A box on screen, relative to the overlay's origin.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Rect {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

/// Where an anchor is drawn: the element found for it (its selector names it) and its box.
#[derive(Clone, Debug, PartialEq)]
struct Place {
    element: String,
    rect: Rect,
}

type Geometry = HashMap<Anchor, Place>;

/// Names are DNS labels; anything else is not drawn rather than risk a broken selector.
fn plain(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// The CSS selector of an anchor's own element: a pod's chip in its node's lane, a
/// Service's anchor.
fn selector(anchor: &Anchor) -> Option<String> {
    let (attribute, namespace, name) = match anchor {
        Anchor::Pod { namespace, name } => ("data-pod", namespace, name),
        Anchor::Service { namespace, name } => ("data-service", namespace, name),
    };
    (plain(namespace) && plain(name))
        .then(|| format!("[{attribute}=\"{name}\"][data-namespace=\"{namespace}\"]"))
}

/// Where each anchor is on screen, relative to the overlay (`svg`): its chip, else the lane
/// of the node it runs on; anchors on neither are left out.
fn measure(svg: &web_sys::Element, anchors: &[Anchor], playground: &Playground) -> Geometry {
    let origin = svg.get_bounding_client_rect();
    let Some(scope) = svg.parent_element() else {
        return Geometry::new();
    };
    let store = &playground.terminal.cluster.api.store;
    let find = |selector: Option<String>| {
        let selector = selector?;
        let element = scope.query_selector(&selector).ok().flatten()?;
        Some((selector, element))
    };
    let mut geometry = Geometry::new();
    for anchor in anchors {
        let element = find(selector(anchor)).or_else(|| match anchor {
            Anchor::Pod { namespace, name } => {
                let node = store
                    .get_typed::<Pod>(namespace, name)
                    .and_then(|pod| pod.spec.as_ref()?.node_name.clone())?;
                find(plain(&node).then(|| format!("[data-node-lane=\"{node}\"]")))
            }
            Anchor::Service { .. } => None,
        });
        let Some((selector, element)) = element else {
            continue;
        };
        let rect = element.get_bounding_client_rect();
        if rect.width() == 0.0 && rect.height() == 0.0 {
            continue;
        }
        let round = |v: f64| (v * 2.0).round() / 2.0;
        geometry.insert(
            anchor.clone(),
            Place {
                element: selector,
                rect: Rect {
                    x: round(rect.left() - origin.left()),
                    y: round(rect.top() - origin.top()),
                    width: round(rect.width()),
                    height: round(rect.height()),
                },
            },
        );
    }
    geometry
}

/// The point where the line from the centre of `rect` towards `(dx, dy)` leaves it.
fn edge(rect: &Rect, dx: f64, dy: f64) -> (f64, f64) {
    let (cx, cy) = (rect.x + rect.width / 2.0, rect.y + rect.height / 2.0);
    let scale_x = if dx.abs() > f64::EPSILON {
        rect.width / 2.0 / dx.abs()
    } else {
        f64::INFINITY
    };
    let scale_y = if dy.abs() > f64::EPSILON {
        rect.height / 2.0 / dy.abs()
    } else {
        f64::INFINITY
    };
    let t = scale_x.min(scale_y).min(1.0);
    (cx + dx * t, cy + dy * t)
}

/// A leg's curve between the edges of two boxes: start, control point, end. It bends to the
/// right of its direction, so the way there and the way back do not overlap.
fn curve(from: &Rect, to: &Rect) -> [(f64, f64); 3] {
    let centre = |r: &Rect| (r.x + r.width / 2.0, r.y + r.height / 2.0);
    let (a, b) = (centre(from), centre(to));
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let start = edge(from, dx, dy);
    let end = edge(to, -dx, -dy);
    let length = ((end.0 - start.0).powi(2) + (end.1 - start.1).powi(2)).sqrt();
    let bend = (length * 0.12).min(40.0);
    let (nx, ny) = if length > 0.0 {
        (-(end.1 - start.1) / length, (end.0 - start.0) / length)
    } else {
        (0.0, 0.0)
    };
    let middle = ((start.0 + end.0) / 2.0, (start.1 + end.1) / 2.0);
    [start, (middle.0 + nx * bend, middle.1 + ny * bend), end]
}

fn point_on(curve: &[(f64, f64); 3], t: f64) -> (f64, f64) {
    let [p0, c, p1] = curve;
    let u = 1.0 - t;
    (
        u * u * p0.0 + 2.0 * u * t * c.0 + t * t * p1.0,
        u * u * p0.1 + 2.0 * u * t * c.1 + t * t * p1.1,
    )
}

/// A leg's line (drawn under the chips) and its label (over them).
fn leg_view(from: &Rect, to: &Rect, leg: &Leg) -> (Html, Html) {
    let curve = curve(from, to);
    let [start, control, end] = curve;
    // Labels sit towards the pod end: every leg meets the others at its Service.
    let label_at = point_on(
        &curve,
        match (&leg.from, &leg.to) {
            (Anchor::Service { .. }, _) => 0.7,
            (_, Anchor::Service { .. }) => 0.3,
            _ => 0.5,
        },
    );
    let failed = leg.all_failed();
    let class = classes!(
        "traffic-leg",
        failed.then_some("failed"),
        leg.is_flow().then_some("flow")
    );
    let line = html! {
        <path class={class} d={format!("M{:.1} {:.1} Q{:.1} {:.1} {:.1} {:.1}", start.0, start.1, control.0, control.1, end.0, end.1)}
            stroke-width={format!("{:.1}", leg.width())}
            marker-end={if failed { "url(#traffic-arrow-failed)" } else { "url(#traffic-arrow)" }} />
    };
    let label = html! {
        <text class={classes!("traffic-label", (leg.failed > 0).then_some("failed"))} x={format!("{:.1}", label_at.0)} y={format!("{:.1}", label_at.1 - 4.0)} text-anchor="middle">
            { leg.label() }
        </text>
    };
    (line, label)
}

fn dot_view(dot: &Dot, geometry: &Geometry) -> Option<Html> {
    let from = geometry.get(&dot.from)?;
    let (x, y) = if dot.from == dot.to {
        // A request that went nowhere fades on the client's edge.
        (from.rect.x + from.rect.width, from.rect.y)
    } else {
        let to = geometry.get(&dot.to)?;
        if to.element == from.element {
            // Both ends drawn at the same lane: nowhere to travel.
            return None;
        }
        point_on(&curve(&from.rect, &to.rect), dot.along)
    };
    let opacity = format!("{:.2}", dot.opacity);
    Some(if dot.failed {
        html! { <circle class="traffic-dot failed" cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="5" opacity={opacity} /> }
    } else {
        html! { <circle class="traffic-dot" cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="4" opacity={opacity} /> }
    })
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}

#[derive(Properties, PartialEq)]
pub struct OverlayProps {
    pub namespace: Option<String>,
}

/// Laid over the cluster view (first child of its panel, which scrolls it with the chips).
#[function_component(TrafficOverlay)]
pub fn traffic_overlay(props: &OverlayProps) -> Html {
    let frame = use_context::<TrafficFrame>();
    let svg = use_node_ref();
    let geometry = use_state(Geometry::new);
    let force = use_force_update();
    // A resized window moves the chips while the clock may be paused.
    use_effect_with((), move |_| {
        let listener = web_sys::window()
            .map(|window| EventListener::new(&window, "resize", move |_| force.force_update()));
        move || drop(listener)
    });
    let scene = frame.as_ref().map_or_else(Scene::default, |frame| {
        let p = frame.playground.borrow();
        let traffic = p.terminal.cluster.traffic();
        traffic_scene::scene(
            traffic.since(frame.now_ms.saturating_sub(traffic_scene::SHOWN_MS)),
            frame.now_ms,
            props.namespace.as_deref(),
            !prefers_reduced_motion(),
        )
    });
    let anchors: Vec<Anchor> = scene.anchors().into_iter().cloned().collect();
    {
        let svg = svg.clone();
        let geometry = geometry.clone();
        let playground = frame.as_ref().map(|f| f.playground.clone());
        use_effect(move || {
            if let (Some(element), Some(playground)) = (svg.cast::<web_sys::Element>(), playground)
            {
                let measured = if anchors.is_empty() {
                    Geometry::new()
                } else {
                    measure(&element, &anchors, &playground.borrow())
                };
                if measured != *geometry {
                    geometry.set(measured);
                }
            }
        });
    }
    let (lines, labels): (Vec<Html>, Vec<Html>) = scene
        .legs_between(|anchor| geometry.get(anchor).map(|place| &place.element))
        .into_iter()
        .filter_map(|(from, to, leg)| {
            let place = |element: &String| {
                geometry
                    .values()
                    .find(|place| &place.element == element)
                    .map(|place| place.rect)
            };
            Some(leg_view(&place(from)?, &place(to)?, &leg))
        })
        .collect();
    let dots: Vec<Html> = scene
        .dots
        .iter()
        .filter_map(|dot| dot_view(dot, &geometry))
        .collect();
    // Two layers: the lines under the chips (which stay readable), the labels and dots over
    // them.
    html! {
        <>
        <svg ref={svg} class="traffic-overlay traffic-paths" width="1" height="1" aria-hidden="true" focusable="false"
            data-legs={lines.len().to_string()} data-dots={dots.len().to_string()}>
            <defs>
                <marker id="traffic-arrow" class="traffic-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" markerUnits="userSpaceOnUse" orient="auto">
                    <path d="M0 0 L10 5 L0 10 z" />
                </marker>
                <marker id="traffic-arrow-failed" class="traffic-arrow failed" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" markerUnits="userSpaceOnUse" orient="auto">
                    <path d="M0 0 L10 5 L0 10 z" />
                </marker>
            </defs>
            { for lines }
        </svg>
        <svg class="traffic-overlay traffic-moving" width="1" height="1" aria-hidden="true" focusable="false">
            { for labels }
            { for dots }
        </svg>
        </>
    }
}
