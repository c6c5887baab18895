//! The kubeplay playground in the browser: a thin Yew shell over the simulation and kubectl.

mod app;
mod boot;
mod cadence;
mod clock_step;
mod completion;
mod components;
mod embed;
mod examples;
mod frame;
mod highlight;
mod host_ready;
mod lesson_session;
mod live;
mod opening;
mod pace;
mod pod_groups;
mod row_window;
mod soon;
mod state;
mod task;
mod traffic_scene;
mod view;

use kubeplay_web::{persist, playground, share};

/// dlmalloc growing the memory by a quarter at a time (a large cluster no longer spends its
/// time in `memory.grow`), small freed blocks kept per size class in front of it
/// (crates/sim/src/wasm_heap.rs).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: kubeplay_sim::wasm_heap::WasmHeap = kubeplay_sim::wasm_heap::WasmHeap::new();

fn main() {
    mark("kubeplay:started");
    install_panic_hook();
    yew::Renderer::<app::App>::new().render();
}

/// A User Timing mark (DevTools' Performance panel and `tests/perf/page.mjs` show where the
/// page's start-up time goes).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// A panic in wasm kills the page; show a clear message instead of a dead UI.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("kubeplay stopped because of an internal error: {info}");
        web_sys::console::error_1(&message.clone().into());
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("fatal"))
        {
            element.set_text_content(Some(&format!(
                "{message}\n\nReload the page to start again; your work is saved."
            )));
            let _ = element.set_attribute("class", "fatal visible");
        }
    }));
}
