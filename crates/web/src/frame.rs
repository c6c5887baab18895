//! The share of an animation frame the simulation may take. A frame that advances virtual
//! time stops when its slice is spent and leaves the rest for the next frame, so the page
//! never holds the thread for long, however much happens in the cluster (a paced scale-up of
//! 10,000 pods runs for minutes of virtual time): the clock then runs as fast as the
//! simulation can go instead of freezing the page until it catches up.

/// What advancing the simulation may take of one frame; the rest is the view's and the
/// browser's (a 60 Hz frame is 16.7 ms).
pub const SLICE_MS: f64 = 8.0;

/// A 60 Hz display's frame.
const FRAME_MS: f64 = 1000.0 / 60.0;
/// Left free at the end of a frame, so the browser starts the next one on time.
const MARGIN_MS: f64 = 2.0;
/// The least a frame-aligned slice gives the simulation, however long the drawing took, so the
/// clock always moves on.
const LEAST_MS: f64 = 2.0;

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

/// A budget for the playing clock's advance, which runs after the frame that began at
/// `frame_start` (its animation frame's timestamp) was drawn: it ends where that frame should
/// end, so the next one starts on time. The frame is one display frame when the drawing left
/// the simulation its `SLICE_MS`, else two (30 frames a second, the most a busy cluster costs:
/// while 10,000 pods scale, drawing takes 10–25 ms, and a fixed slice after it made one frame
/// in ten take three display frames or more).
pub fn slice_in_frame(frame_start: f64) -> impl FnMut() -> bool {
    let deadline = frame_deadline(frame_start, now_ms());
    move || now_ms() < deadline
}

/// Where [`slice_in_frame`]'s budget ends, for a frame that began at `frame_start` and an
/// advance that starts at `now`.
fn frame_deadline(frame_start: f64, now: f64) -> f64 {
    let drawn = now - frame_start;
    let frames = if drawn + SLICE_MS <= FRAME_MS - MARGIN_MS {
        1.0
    } else {
        2.0
    };
    (frame_start + frames * FRAME_MS - MARGIN_MS).max(now + LEAST_MS)
}

/// A budget of `ms` of real time from now.
pub fn slice_of(ms: f64) -> impl FnMut() -> bool {
    let deadline = now_ms() + ms;
    move || now_ms() < deadline
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quick_drawing_leaves_the_advance_the_rest_of_one_display_frame() {
        let deadline = frame_deadline(100.0, 103.0);
        assert!((deadline - (100.0 + FRAME_MS - MARGIN_MS)).abs() < 1e-9);
        assert!(deadline - 103.0 >= SLICE_MS, "at least the usual slice");
    }

    #[test]
    fn a_long_drawing_makes_the_frame_two_display_frames() {
        let deadline = frame_deadline(100.0, 115.0);
        assert!((deadline - (100.0 + 2.0 * FRAME_MS - MARGIN_MS)).abs() < 1e-9);
    }

    #[test]
    fn a_drawing_past_two_display_frames_still_leaves_the_least_slice() {
        assert_eq!(frame_deadline(100.0, 140.0), 140.0 + LEAST_MS);
    }
}
