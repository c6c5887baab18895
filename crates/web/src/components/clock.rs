//! The virtual clock: play/pause, speed, steps, and the virtual time. It runs at 1× from the
//! start, as a cluster does; "Next change" skips the control plane's silent timers and
//! stops at the next change the page shows. A step runs across frames (`clock_step`) and
//! says so here while it does, as does a clock running slower than its speed (`pace`).

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::embed::SPEEDS;
use crate::state::{Handle, Intent, Outcome};

#[derive(Properties, PartialEq)]
pub struct ClockProps {
    pub handle: Handle,
    pub playing: bool,
    pub speed: u32,
    /// The pace virtual time really runs at, when the cluster is too busy for `speed`.
    pub behind: Option<u64>,
    /// A step under way, as it says its progress.
    pub stepping: Option<String>,
    pub on_play: Callback<bool>,
    pub on_speed: Callback<u32>,
    pub dispatch: Callback<Intent, Outcome>,
}

#[function_component(Clock)]
pub fn clock(props: &ClockProps) -> Html {
    let step = |ms: u64| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.emit(Intent::Advance(ms));
        })
    };
    let next_change = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.emit(Intent::NextChange);
        })
    };
    let playground = props.handle.playground.borrow();
    let now = playground.now();
    let time = jiff::fmt::strtime::format("%Y-%m-%d %H:%M:%S", now).unwrap_or_default();
    let elapsed_s = playground.terminal.cluster.now_ms() / 1000;
    let on_speed = {
        let on_speed = props.on_speed.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                on_speed.emit(select.value().parse().unwrap_or(1));
            }
        })
    };
    let playing = props.playing;
    html! {
        <section class="clock" aria-label="Clock">
            <button class="primary" aria-pressed={playing.to_string()} onclick={ let on_play = props.on_play.clone(); move |_| on_play.emit(!playing) }>
                { if playing { "Pause" } else { "Play" } }
            </button>
            <label class="visually-hidden" for="speed">{ "Speed" }</label>
            <select id="speed" onchange={on_speed} value={props.speed.to_string()}>
                { for SPEEDS.iter().map(|speed| html! { <option value={speed.to_string()} selected={props.speed == *speed}>{ format!("{speed}×") }</option> }) }
            </select>
            <button onclick={step(1_000)}>{ "Step 1s" }</button>
            <button onclick={step(10_000)}>{ "Step 10s" }</button>
            <button onclick={next_change} title="Advance to the next change the page shows">{ "Next change" }</button>
            if let Some(progress) = &props.stepping {
                <span class="clock-paused clock-stepping">{ format!("{progress}…") }</span>
            } else if !playing {
                <span class="clock-paused">{ "paused" }</span>
            } else if let Some(pace) = props.behind {
                <span class="clock-paused clock-behind" title={format!("The cluster is too busy to simulate at {}×: virtual time runs at about {pace}× real time until the work is done.", props.speed)}>
                    { format!("busy: {pace}×") }
                </span>
            }
            <output class="virtual-time" aria-label="Virtual time" title={format!("{elapsed_s}s since the cluster was created")}>{ format!("{time} UTC") }</output>
        </section>
    }
}
