//! What moves virtual time in `kubeplay serve`: the wall clock (times a speed), or only the
//! `POST /kubeplay/v1/advance` endpoint. The core reads no clock; this task tells it the time.

use std::time::{Duration, Instant};

use crate::state::Shared;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClockMode {
    /// Virtual time follows the wall clock, `speed` times as fast.
    Real { speed: f64 },
    /// Virtual time moves only when asked (tests, scripted runs).
    Manual,
}

/// How often the real clock catches virtual time up.
const TICK: Duration = Duration::from_millis(100);
/// Longest a catch-up may hold the cluster before requests get their turn again.
const CATCH_UP_BUDGET: Duration = Duration::from_millis(200);

/// Runs for ever: every tick, virtual time catches up with wall time × speed.
pub async fn follow_wall_clock(shared: Shared, speed: f64) {
    let started = Instant::now();
    let origin = shared.read(|cluster| cluster.now_ms());
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        ticker.tick().await;
        let elapsed = started.elapsed().as_secs_f64() * speed * 1000.0;
        let target = origin.saturating_add(elapsed as u64);
        shared.write(|cluster| {
            let target = target.min(cluster.api.clock.last_ms());
            if target > cluster.now_ms() {
                let began = Instant::now();
                cluster.advance_to_within(target, &mut || began.elapsed() < CATCH_UP_BUDGET);
            }
        });
    }
}
