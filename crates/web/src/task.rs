//! A command running in the terminal's foreground (`sleep 3600`, `kubectl get pods -w`)
//! is a task the page drives one animation frame at a time, so the page stays responsive:
//! virtual time passes at least as fast as real time while it runs (faster when the clock
//! plays at a higher speed: the clock's own frames drive it then), and Ctrl+C stops it.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{AnimationFrame, request_animation_frame};
use yew::prelude::*;

use crate::playground::Playground;

/// The longest real-time step one frame may take (a background tab gets no frames).
const MAX_FRAME_MS: f64 = 250.0;

/// Drives the foreground command frame by frame until it ends. When the clock is paused,
/// the task passes virtual time itself at 1×; when the clock runs, its frames already do.
pub fn drive(playground: Rc<RefCell<Playground>>, changed: Callback<()>) {
    let slot = Rc::new(RefCell::new(None));
    schedule(slot, playground, changed, None);
}

fn schedule(
    slot: Rc<RefCell<Option<AnimationFrame>>>,
    playground: Rc<RefCell<Playground>>,
    changed: Callback<()>,
    last: Option<(f64, u64)>,
) {
    let next_slot = slot.clone();
    let frame = request_animation_frame(move |now_ms| {
        let virtual_now = playground.borrow().terminal.cluster.now_ms();
        if let Some((last_ms, last_virtual)) = last
            && virtual_now == last_virtual
        {
            let elapsed = (now_ms - last_ms).clamp(0.0, MAX_FRAME_MS) as u64;
            playground
                .borrow_mut()
                .advance_within(elapsed.max(1), &mut crate::frame::slice());
        }
        changed.emit(());
        if !playground.borrow().busy() {
            next_slot.borrow_mut().take();
            return;
        }
        let virtual_now = playground.borrow().terminal.cluster.now_ms();
        schedule(next_slot, playground, changed, Some((now_ms, virtual_now)));
    });
    *slot.borrow_mut() = Some(frame);
}

#[derive(Properties)]
pub struct RunningStatusProps {
    pub playground: Rc<RefCell<Playground>>,
    /// What Ctrl+C does, for a pointer or a keyboard outside the terminal's input.
    pub on_stop: Callback<()>,
}

impl PartialEq for RunningStatusProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.playground, &other.playground)
    }
}

/// The status line of the foreground command, with a Stop button (Ctrl+C's twin). It redraws itself every frame while the
/// command runs: the virtual time it shows moves on without the terminal's history (what
/// redraws the terminal) changing, and it must vanish when the command ends on its own.
#[function_component(RunningStatus)]
pub fn running_status(props: &RunningStatusProps) -> Html {
    let force = use_force_update();
    let frame = use_mut_ref(|| None::<AnimationFrame>);
    let playground = props.playground.borrow();
    let busy = playground.busy();
    use_effect(move || {
        *frame.borrow_mut() = busy.then(|| request_animation_frame(move |_| force.force_update()));
    });
    if !busy {
        return Html::default();
    }
    let time = playground.now().strftime("%H:%M:%S").to_string();
    let stop = {
        let on_stop = props.on_stop.clone();
        Callback::from(move |_: MouseEvent| on_stop.emit(()))
    };
    html! {
        // The clock ticks for the eye only: a live region announcing it every second
        // would drown everything else a screen reader says.
        <p class="running" role="status">
            { "Running… " }
            <span aria-hidden="true">{ format!("virtual time {time} · ") }</span>
            { "Ctrl+C stops it " }
            <button class="stop" onclick={stop} title="Stop the running command (Ctrl+C)">{ "Stop" }</button>
        </p>
    }
}
