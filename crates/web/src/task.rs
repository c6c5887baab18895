//! A command running in the terminal's foreground (`sleep 3600`, `kubectl get pods -w`)
//! is a task the page drives one animation frame at a time, so the page stays responsive:
//! virtual time passes at least as fast as real time while it runs (faster when the clock
//! plays at a higher speed: the clock's own frames drive it then), and Ctrl+C stops it.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{AnimationFrame, request_animation_frame};
use yew::Callback;

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
            playground.borrow_mut().advance(elapsed.max(1));
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
