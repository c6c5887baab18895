//! The YAML editor: line numbers, highlighting, Tab inserts spaces, examples, and Apply
//! (button or Ctrl/Cmd+Enter) as `kubectl apply -f -`, with YAML errors shown at their line.
//! It is also `kubectl edit`'s editor: a `kubectl edit` typed in the terminal opens the live
//! object here under kubectl's header; Save edit sends it (a refused edit reopens with the
//! reasons in the header), Cancel leaves the object as it is, and the draft comes back.
//! Tab indents, so Esc then Tab (or Shift+Tab) leaves the editor. The text is a draft kept
//! across reloads (top-level page only) until the learner replaces it.

use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::terminal::is_modifier;
use crate::examples::EXAMPLES;
use crate::highlight::highlight_line;
use crate::persist;
use crate::playground::{Line, YamlProblem};
use crate::state::{Intent, Outcome};

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub dispatch: Callback<Intent, Outcome>,
    /// Keep the text across reloads (not when embedded: that is the host's page, not the learner's).
    pub keep_draft: bool,
    /// Moves when a `kubectl edit` opens, reopens or closes (`Playground::edit`).
    pub edit_version: u64,
    /// The open `kubectl edit`, if any: its command line and the text kubectl's editor shows.
    pub editing: Option<(String, String)>,
}

/// Spaces inserted by Tab.
const INDENT: &str = "  ";

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let keep_draft = props.keep_draft;
    let text = use_state(move || {
        keep_draft
            .then(persist::load_draft)
            .flatten()
            .unwrap_or_else(|| EXAMPLES[0].yaml.to_string())
    });
    {
        let draft = (*text).clone();
        use_effect_with(draft, move |draft| {
            if keep_draft {
                persist::save_draft(draft);
            }
        });
    }
    let escaped = use_mut_ref(|| false);
    // The command of the `kubectl edit` shown, and the draft it replaced.
    let editing = use_state(|| None::<String>);
    let draft_before = use_mut_ref(|| None::<String>);
    let result = use_state(Vec::<Line>::new);
    let problem = use_state(|| None::<YamlProblem>);
    let textarea = use_node_ref();
    let highlight = use_node_ref();
    let gutter = use_node_ref();

    {
        let open = props.editing.clone();
        let text = text.clone();
        let editing = editing.clone();
        let draft_before = draft_before.clone();
        let problem = problem.clone();
        let textarea = textarea.clone();
        use_effect_with(props.edit_version, move |_| {
            match open.clone() {
                Some((command, document)) => {
                    if editing.is_none() {
                        *draft_before.borrow_mut() = Some((*text).clone());
                    }
                    text.set(document);
                    problem.set(None);
                    editing.set(Some(command));
                    // Once the new text is in the textarea: the caret and the view at the
                    // top, where kubectl's header is, and the keyboard in the editor.
                    let textarea = textarea.clone();
                    gloo::timers::callback::Timeout::new(0, move || {
                        if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
                            let _ = area.focus();
                            let _ = area.set_selection_range(0, 0);
                            area.set_scroll_top(0);
                        }
                    })
                    .forget();
                }
                None => {
                    if let Some(draft) = draft_before.borrow_mut().take() {
                        text.set(draft);
                    }
                    editing.set(None);
                }
            }
        });
    }
    let cancel = {
        let dispatch = props.dispatch.clone();
        let result = result.clone();
        Callback::from(move |_: MouseEvent| {
            let Outcome::Ran(lines) = dispatch.emit(Intent::CancelEdit) else {
                return;
            };
            result.set(
                lines
                    .into_iter()
                    .filter(|l| !matches!(l, Line::Prompt(_)))
                    .collect(),
            );
        })
    };
    let apply = {
        let dispatch = props.dispatch.clone();
        let text = text.clone();
        let result = result.clone();
        let problem = problem.clone();
        let editing = editing.clone();
        Callback::from(move |()| {
            if editing.is_some() {
                let Outcome::Ran(lines) = dispatch.emit(Intent::SaveEdit((*text).clone())) else {
                    return;
                };
                result.set(
                    lines
                        .into_iter()
                        .filter(|l| !matches!(l, Line::Prompt(_)))
                        .collect(),
                );
                problem.set(None);
                return;
            }
            let Outcome::Applied(outcome) = dispatch.emit(Intent::Apply((*text).clone())) else {
                return;
            };
            result.set(
                outcome
                    .lines
                    .into_iter()
                    .filter(|l| !matches!(l, Line::Prompt(_)))
                    .collect(),
            );
            problem.set(outcome.problem);
        })
    };
    let on_input = {
        let text = text.clone();
        let problem = problem.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(area) = event.target_dyn_into::<HtmlTextAreaElement>() {
                text.set(area.value());
                problem.set(None);
            }
        })
    };
    let on_keydown = {
        let apply = apply.clone();
        let text = text.clone();
        let escaped = escaped.clone();
        Callback::from(move |event: KeyboardEvent| {
            if is_modifier(&event.key()) {
                return;
            }
            let after_escape = std::mem::replace(&mut *escaped.borrow_mut(), false);
            if event.key() == "Escape" {
                *escaped.borrow_mut() = true;
            } else if event.key() == "Tab" && after_escape {
                // Leaves the editor: the browser moves focus.
            } else if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                apply.emit(());
            } else if event.key() == "Tab" && !event.shift_key() {
                let Some(area) = event.target_dyn_into::<HtmlTextAreaElement>() else {
                    return;
                };
                event.prevent_default();
                let value = area.value();
                let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
                let end = area.selection_end().ok().flatten().unwrap_or(0) as usize;
                // Selection offsets are UTF-16 units; map them onto the string.
                let to_byte = |units: usize| {
                    value
                        .char_indices()
                        .scan(0usize, |acc, (i, c)| {
                            let at = *acc;
                            *acc += c.len_utf16();
                            Some((at, i))
                        })
                        .find(|(at, _)| *at >= units)
                        .map_or(value.len(), |(_, i)| i)
                };
                let (byte_start, byte_end) = (to_byte(start), to_byte(end));
                let updated = format!("{}{INDENT}{}", &value[..byte_start], &value[byte_end..]);
                area.set_value(&updated);
                let caret = (start + INDENT.len()) as u32;
                let _ = area.set_selection_range(caret, caret);
                text.set(updated);
            }
        })
    };
    let on_scroll = {
        let textarea = textarea.clone();
        let highlight = highlight.clone();
        let gutter = gutter.clone();
        Callback::from(move |_: Event| {
            let Some(area) = textarea.cast::<HtmlTextAreaElement>() else {
                return;
            };
            for follower in [
                highlight.cast::<web_sys::Element>(),
                gutter.cast::<web_sys::Element>(),
            ]
            .into_iter()
            .flatten()
            {
                follower.set_scroll_top(area.scroll_top());
                follower.set_scroll_left(area.scroll_left());
            }
        })
    };
    let on_example = {
        let text = text.clone();
        let problem = problem.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                if let Some(example) = select
                    .value()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| EXAMPLES.get(i))
                {
                    text.set(example.yaml.to_string());
                    problem.set(None);
                }
                select.set_value("");
            }
        })
    };

    let line_count = text.lines().count().max(1) + usize::from(text.ends_with('\n'));
    let error_line = problem.as_ref().map(|p| p.line);
    html! {
        <section class="panel editor" aria-label="YAML">
            <div class="panel-header">
                <h2>{ "YAML" }</h2>
                <label class="visually-hidden" for="examples">{ "Examples" }</label>
                <select id="examples" onchange={on_example}>
                    <option value="" selected=true>{ "Examples…" }</option>
                    { for EXAMPLES.iter().enumerate().map(|(i, e)| html! { <option value={i.to_string()}>{ e.title }</option> }) }
                </select>
                if editing.is_some() {
                    <button onclick={cancel}>{ "Cancel" }</button>
                    <button class="primary" onclick={ let apply = apply.clone(); move |_| apply.emit(()) } title="Save edit (Ctrl+Enter)">{ "Save edit" }</button>
                } else {
                    <button class="primary" onclick={ let apply = apply.clone(); move |_| apply.emit(()) } title="Apply (Ctrl+Enter)">{ "Apply" }</button>
                }
            </div>
            if let Some(command) = (*editing).clone() {
                <p class="editing" role="status">{ format!("{command}: Save edit sends your change, Cancel leaves the object as it is.") }</p>
            }
            <div class="code">
                <div class="gutter" ref={gutter} aria-hidden="true">
                    { for (1..=line_count).map(|n| html! { <div class={classes!((Some(n) == error_line).then_some("error-line"))}>{ n }</div> }) }
                </div>
                <div class="code-area">
                    <pre class="highlight" ref={highlight} aria-hidden="true">
                        { for text.split('\n').enumerate().map(|(i, line)| html! {
                            <div class={classes!("hl-line", (Some(i + 1) == error_line).then_some("error-line"))}>
                                { for highlight_line(line).into_iter().map(|(class, span)| html! { <span class={class.css()}>{ span }</span> }) }
                                { "\u{200b}" }
                            </div>
                        }) }
                    </pre>
                    <textarea ref={textarea} aria-label="YAML editor" spellcheck="false" autocapitalize="off" autocomplete="off"
                        value={(*text).clone()} oninput={on_input} onkeydown={on_keydown} onscroll={on_scroll}
                        aria-invalid={problem.is_some().to_string()} aria-describedby="apply-result editor-keys" />
                </div>
            </div>
            <p id="editor-keys" class="keys">{ if editing.is_some() { "Ctrl+Enter saves the edit · Tab indents · Esc then Tab leaves the editor" } else { "Ctrl+Enter applies · Tab indents · Esc then Tab leaves the editor" } }</p>
            <div id="apply-result" class="apply-result" role="status" aria-live="polite">
                if let Some(problem) = (*problem).clone() {
                    <p class="err">{ format!("Line {}, column {}: {}", problem.line, problem.column, problem.message) }</p>
                } else {
                    { for result.iter().map(|line| match line {
                        Line::Err(text) => html! { <p class="err">{ text }</p> },
                        Line::Out(text) | Line::Prompt(text) => html! { <p class="out">{ text }</p> },
                    }) }
                }
            </div>
        </section>
    }
}
