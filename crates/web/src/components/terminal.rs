//! The terminal: the shell and kubectl over the cluster, with history (↑/↓), Tab completion,
//! multi-line paste (whole workshop blocks, heredocs included), copy and `clear`. Tab
//! completes, so Esc then Tab (or Shift+Tab) is the way out, as in code editors. When the
//! clock is paused the terminal says so, since nothing a command starts will progress.

use gloo::render::{AnimationFrame, request_animation_frame};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::completion::complete;
use crate::components::toolbar::copy_to_clipboard;
use crate::playground::{Action, Line};
use crate::state::{Handle, Intent, Outcome};

#[derive(Properties)]
pub struct TerminalProps {
    pub handle: Handle,
    pub dispatch: Callback<Intent, Outcome>,
    /// Whether the clock runs; a paused clock is announced here with a way to resume.
    pub playing: bool,
    pub on_play: Callback<bool>,
}

/// Redrawn when the history changed or the clock started or stopped.
impl PartialEq for TerminalProps {
    fn eq(&self, other: &Self) -> bool {
        self.handle.same_playground(&other.handle)
            && self.handle.history_version == other.handle.history_version
            && self.playing == other.playing
    }
}

/// A prompt line as the shell echoes it: `$ ` before the first line, `> ` before the rest.
fn prompt_lines(command: &str) -> impl Iterator<Item = (&'static str, &str)> {
    command
        .split('\n')
        .enumerate()
        .map(|(i, line)| (if i == 0 { "$ " } else { "> " }, line))
}

#[function_component(TerminalPanel)]
pub fn terminal_panel(props: &TerminalProps) -> Html {
    let input = use_state(String::new);
    // ↑ recalls what ran before, reloads included: the action log has every command.
    let history = {
        let playground = props.handle.playground.clone();
        use_mut_ref(move || {
            playground
                .borrow()
                .actions()
                .iter()
                .filter_map(|action| match action {
                    Action::Command(command) => Some(command.trim_end().to_string()),
                    _ => None,
                })
                .collect::<Vec<String>>()
        })
    };
    let position = use_mut_ref(|| None::<usize>);
    let escaped = use_mut_ref(|| false);
    let output_ref = use_node_ref();

    // The output follows its last line. Reading scrollHeight lays the page out, so it is
    // read in the next animation frame, where the browser lays it out anyway before painting,
    // rather than during this render (a second layout of the whole page: 5–10 ms, on the
    // first render and every answer).
    {
        let output_ref = output_ref.clone();
        let scroll = use_mut_ref(|| None::<AnimationFrame>);
        use_effect_with(props.handle.history_version, move |_| {
            *scroll.borrow_mut() = Some(request_animation_frame(move |_| {
                if let Some(element) = output_ref.cast::<web_sys::Element>() {
                    element.set_scroll_top(element.scroll_height());
                }
            }));
        });
    }

    let run = {
        let dispatch = props.dispatch.clone();
        let input = input.clone();
        let history = history.clone();
        let position = position.clone();
        Callback::from(move |text: String| {
            if text.trim().is_empty() {
                return;
            }
            history.borrow_mut().push(text.trim_end().to_string());
            *position.borrow_mut() = None;
            input.set(String::new());
            dispatch.emit(Intent::Run(text));
        })
    };
    let on_keydown = {
        let input = input.clone();
        let history = history.clone();
        let position = position.clone();
        let run = run.clone();
        let handle = props.handle.clone();
        let escaped = escaped.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |event: KeyboardEvent| {
            let Some(area) = event.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            let value = area.value();
            if is_modifier(&event.key()) {
                return;
            }
            let after_escape = std::mem::replace(&mut *escaped.borrow_mut(), false);
            match event.key().as_str() {
                "Escape" => *escaped.borrow_mut() = true,
                // Leaves the terminal (nothing to complete on an empty line): the browser moves focus.
                "Tab" if after_escape || event.shift_key() || value.is_empty() => {}
                "Enter" if !event.shift_key() => {
                    // A heredoc still waiting for its end marker continues on the next line.
                    let commands = kubeplay_shell::split_commands(&value);
                    let waiting_for_heredoc =
                        value.contains("<<") && commands.len() == 1 && !heredoc_closed(&value);
                    if !waiting_for_heredoc {
                        event.prevent_default();
                        run.emit(value);
                    }
                }
                "ArrowUp" | "ArrowDown" if !value.contains('\n') => {
                    let entries = history.borrow();
                    if entries.is_empty() {
                        return;
                    }
                    event.prevent_default();
                    let current = *position.borrow();
                    let next = match (event.key().as_str(), current) {
                        ("ArrowUp", None) => Some(entries.len() - 1),
                        ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                        ("ArrowDown", Some(i)) if i + 1 < entries.len() => Some(i + 1),
                        _ => None,
                    };
                    *position.borrow_mut() = next;
                    input.set(next.map(|i| entries[i].clone()).unwrap_or_default());
                }
                "Tab" => {
                    event.prevent_default();
                    if let Some(completed) = complete(
                        &value,
                        &handle.playground.borrow().terminal.cluster.api.store,
                    ) {
                        input.set(completed);
                    }
                }
                "c" if event.ctrl_key() && handle.playground.borrow().busy() => {
                    event.prevent_default();
                    dispatch.emit(Intent::Interrupt);
                }
                "l" if event.ctrl_key() => {
                    event.prevent_default();
                    run.emit("clear".into());
                }
                _ => {}
            }
        })
    };
    let on_input = {
        let input = input.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(area) = event.target_dyn_into::<HtmlTextAreaElement>() {
                input.set(area.value());
            }
        })
    };
    let copy = {
        let handle = props.handle.clone();
        Callback::from(move |_: MouseEvent| {
            let text: String = handle
                .playground
                .borrow()
                .history
                .iter()
                .map(|line| match line {
                    Line::Prompt(text) => prompt_lines(text)
                        .map(|(sigil, line)| format!("{sigil}{line}\n"))
                        .collect(),
                    Line::Out(text) | Line::Err(text) => format!("{text}\n"),
                })
                .collect();
            copy_to_clipboard(&text);
        })
    };
    let stop = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |()| {
            dispatch.emit(Intent::Interrupt);
        })
    };
    let playground = props.handle.playground.borrow();
    let rows = input.lines().count().clamp(1, 12);
    let resume = {
        let on_play = props.on_play.clone();
        Callback::from(move |_: MouseEvent| on_play.emit(true))
    };
    html! {
        <section class="panel terminal" aria-label="Terminal panel">
            <div class="panel-header">
                <h2>{ "Terminal" }</h2>
                <button onclick={copy} title="Copy the terminal output">{ "Copy" }</button>
                <button onclick={ let run = run.clone(); move |_| run.emit("clear".into()) }>{ "Clear" }</button>
            </div>
            <div class="terminal-output" role="log" aria-label="Terminal output" aria-live="polite" tabindex="0" ref={output_ref}
                data-version={props.handle.history_version.to_string()}>
                if playground.history.is_empty() {
                    <p class="hint">{ "Type kubectl commands or paste a workshop block, e.g. kubectl get pods -A" }</p>
                }
                if playground.trimmed_lines > 0 {
                    <p class="trimmed" role="note">{ format!("… {} earlier lines were trimmed: the terminal keeps its last 5,000 lines, whole commands only.", playground.trimmed_lines) }</p>
                }
                { for playground.history.iter().map(|line| match line {
                    Line::Prompt(text) => html! {
                        <div class="prompt">
                            { for prompt_lines(text).map(|(sigil, line)| html! {
                                <div><span class="sigil" aria-hidden="true">{ sigil }</span>{ line }</div>
                            }) }
                        </div>
                    },
                    Line::Out(text) => html! { <div class="out">{ text }</div> },
                    Line::Err(text) => html! { <div class="err">{ text }</div> },
                }) }
            </div>
            // A running command passes time itself (see `task`), so the note is not needed then.
            if !props.playing && !playground.busy() {
                <div class="paused" role="status">
                    <span><span class="pause-icon" aria-hidden="true"></span>{ "The clock is paused: pods and controllers wait until it runs." }</span>
                    <button onclick={resume}>{ "Resume" }</button>
                </div>
            }
            if playground.busy() {
                <crate::task::RunningStatus playground={props.handle.playground.clone()} on_stop={stop} />
            }
            <div class="terminal-input">
                <span class="sigil" aria-hidden="true">{ "$" }</span>
                <textarea aria-label="Terminal" aria-describedby="terminal-keys" rows={rows.to_string()} spellcheck="false" autocapitalize="off" autocomplete="off"
                    value={(*input).clone()} oninput={on_input} onkeydown={on_keydown} placeholder="kubectl get pods" />
            </div>
            <p id="terminal-keys" class="keys">{ "Enter runs · Tab completes · Esc then Tab leaves the terminal" }</p>
        </section>
    }
}

/// Shift, Control, Alt and Meta on their own: pressing one between Esc and Tab keeps the way out.
pub fn is_modifier(key: &str) -> bool {
    matches!(key, "Shift" | "Control" | "Alt" | "Meta")
}

/// Whether every heredoc opened in `text` has its end marker.
fn heredoc_closed(text: &str) -> bool {
    let mut lines = text.lines();
    let mut pending: Vec<String> = Vec::new();
    for line in lines.by_ref() {
        if let Some(marker) = pending.first() {
            if line.trim_start_matches('\t') == marker {
                pending.remove(0);
            }
            continue;
        }
        let mut rest = line;
        while let Some(index) = rest.find("<<") {
            let after = rest[index + 2..].trim_start_matches('-').trim_start();
            let marker: String = after
                .trim_start_matches(['\'', '"'])
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !marker.is_empty() {
                pending.push(marker);
            }
            rest = &rest[index + 2..];
        }
    }
    pending.is_empty()
}
