//! The share of an animation frame the simulation may take. A frame that advances virtual
//! time stops when its slice is spent and leaves the rest for the next frame, so the page
//! never holds the thread for long, however much happens in the cluster (a paced scale-up of
//! 10,000 pods runs for minutes of virtual time): the clock then runs as fast as the
//! simulation can go instead of freezing the page until it catches up.

/// What advancing the simulation may take of one frame; the rest is the view's and the
/// browser's (a 60 Hz frame is 16.7 ms).
pub const SLICE_MS: f64 = 8.0;

/// The real-time clock, in milliseconds (`performance.now()`; 0 if the page has none).
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// A budget for `Playground::advance_within`: true until this frame's slice is spent.
pub fn slice() -> impl FnMut() -> bool {
    slice_of(SLICE_MS)
}

/// A budget of `ms` of real time from now.
pub fn slice_of(ms: f64) -> impl FnMut() -> bool {
    let deadline = now_ms() + ms;
    move || now_ms() < deadline
}
