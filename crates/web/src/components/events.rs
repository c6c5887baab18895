//! The events timeline, newest first, filterable by object, reason or message.

use gloo::events::EventListener;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::row_window::{FIRST_ROWS, rows_to_draw};
use crate::state::Handle;
use crate::view::{self, EventRow};

#[derive(Properties)]
pub struct EventsProps {
    pub handle: Handle,
    /// The store version and virtual second to show (the page lets them lag a little while time
    /// runs: `cadence.rs`).
    pub shown: (u64, u64),
    pub namespace: Option<String>,
}

/// Redrawn when objects changed or a second passed (ages), as `shown` says.
impl PartialEq for EventsProps {
    fn eq(&self, other: &Self) -> bool {
        self.handle.same_playground(&other.handle)
            && self.shown == other.shown
            && self.namespace == other.namespace
    }
}

/// Rows shown at most; older events stay in the cluster (`kubectl get events`).
const SHOWN: usize = 200;

/// A row's least height in pixels (one line in the wide layout, style.css): the row window
/// counts with it, so it never draws too few rows.
const SHORTEST_ROW_PX: f64 = 21.0;

#[function_component(EventsTimeline)]
pub fn events_timeline(props: &EventsProps) -> Html {
    let filter = use_state(String::new);
    // Redrawn only when the count changes.
    let drawn = use_state_eq(|| FIRST_ROWS);
    let panel = use_node_ref();
    // The panel is the scroll box: measured once shown, at every scroll and when the window
    // is resized (which may make the panel taller).
    let measure = {
        let (panel, drawn) = (panel.clone(), drawn.clone());
        move || {
            if let Some(panel) = panel.cast::<Element>() {
                drawn.set(rows_to_draw(
                    f64::from(panel.scroll_top()),
                    f64::from(panel.client_height()),
                    SHORTEST_ROW_PX,
                    SHOWN,
                ));
            }
        }
    };
    {
        let measure = measure.clone();
        use_effect_with((), move |_| {
            measure();
            let listener = web_sys::window()
                .map(|window| EventListener::new(&window, "resize", move |_| measure()));
            move || drop(listener)
        });
    }
    let onscroll = move |_: Event| measure();
    let playground = props.handle.playground.borrow();
    let view::EventRows { matching, rows } = view::events(
        &playground.terminal.cluster.api.store,
        playground.now(),
        props.namespace.as_deref(),
        &filter,
        SHOWN,
        *drawn,
    );
    let undrawn = matching - rows.len();
    // The room of the undrawn rows, set through the CSSOM: the page's Content-Security-Policy
    // forbids style attributes.
    let body = use_node_ref();
    {
        let body = body.clone();
        use_effect_with(undrawn, move |undrawn| {
            if let Some(body) = body.cast::<HtmlElement>() {
                // Failing leaves the rows without room below them, nothing worse.
                let _ = body
                    .style()
                    .set_property("--undrawn-rows", &undrawn.to_string());
            }
        });
    }
    html! {
        // Focusable, so that the keyboard can scroll it (its filter is its only other stop).
        <section class="panel events" aria-label="Events" tabindex="0" ref={panel} {onscroll}>
            <div class="panel-header">
                <h2>{ "Events" }</h2>
                <input type="search" aria-label="Filter events" placeholder="filter: pod/demo, Pulled…" value={(*filter).clone()}
                    oninput={ let filter = filter.clone(); move |e: InputEvent| if let Some(input) = e.target_dyn_into::<HtmlInputElement>() { filter.set(input.value()) } } />
            </div>
            // Explicit roles: the rows are laid out as grids (style.css), which would otherwise
            // cost the table its semantics in some screen readers.
            // Only the rows in reach of the view are drawn (`row_window.rs`); the table says
            // how many there are, and the room of the rest is kept below them.
            <table role="table" aria-rowcount={(matching + 1).to_string()}>
                <thead role="rowgroup"><tr role="row">
                    <th role="columnheader">{ "Age" }</th><th role="columnheader">{ "Type" }</th><th role="columnheader">{ "Reason" }</th>
                    <th role="columnheader">{ "Object" }</th><th role="columnheader">{ "Message" }</th>
                </tr></thead>
                <tbody role="rowgroup" ref={body}>
                    { for rows.into_iter().map(|row| html! { <Row row={row} /> }) }
                </tbody>
            </table>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    row: EventRow,
}

/// One Event. Rows are not keyed by their Event: each redraw writes the newest Events' text
/// into the rows already there. Keyed, a busy cluster (10,000 pods scaling at 60×, thousands
/// of Events a second) replaced all 200 rows, five cells each, at every redraw — removing and
/// building 2,400 elements four times a second, the page's most frequent long task. A quiet
/// cluster's new Event now rewrites the rows' text, shifted by one, which costs far less
/// than the tables it no longer builds.
#[function_component(Row)]
fn row(props: &RowProps) -> Html {
    let row = &props.row;
    html! {
        <tr role="row" class={classes!((row.event_type == "Warning").then_some("warning"))}>
            <td role="cell">{ &row.age }</td><td role="cell">{ &row.event_type }</td><td role="cell">{ &row.reason }</td>
            <td role="cell">{ &row.object }</td><td role="cell">{ &row.message }</td>
        </tr>
    }
}
