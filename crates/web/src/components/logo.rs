//! The helm-wheel logo, drawn rather than typed. As the character ⎈ it made the page's first
//! layout look for a font that has it (Chromium's font fallback: 10–25 ms of the main thread
//! while the WebAssembly streams in, and a missing-glyph box where no font has it). The
//! loading screen in `index.html` draws the same wheel before this app starts.

use yew::prelude::*;

#[function_component(Logo)]
pub fn logo() -> Html {
    html! {
        <svg class="logo" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <g fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
                <circle cx="12" cy="12" r="6.5" />
                <path d="M12 2v20M2 12h20M4.9 4.9l14.2 14.2M19.1 4.9L4.9 19.1" />
            </g>
            <circle cx="12" cy="12" r="2.2" fill="currentColor" />
        </svg>
    }
}
