//! The lesson panel beside the terminal: the lesson's steps as headings, each code block with
//! a `Run` button that runs it in the terminal (so the transcript still teaches), and a live
//! status per step. The current step's checks are evaluated through kubectl whenever the
//! cluster or the terminal changed (while the clock runs, too); a step that passes is done for
//! good, and the next one becomes current. Also the lesson index (`?lessons`).

use std::rc::Rc;

use kubeplay_lessons::catalog::SHIPPED;
use kubeplay_lessons::{Block, Code, Lesson, Step, step_status};
use yew::prelude::*;

use crate::lesson_session::{self, LessonPage};
use crate::state::{Handle, Intent, Outcome};

#[derive(Properties)]
pub struct LessonProps {
    pub handle: Handle,
    pub dispatch: Callback<Intent, Outcome>,
    pub page: Rc<LessonPage>,
    pub playing: bool,
}

/// Redrawn when the cluster, the terminal or the clock's state changed.
impl PartialEq for LessonProps {
    fn eq(&self, other: &Self) -> bool {
        self.handle.same_playground(&other.handle)
            && self.handle.store_version == other.handle.store_version
            && self.handle.history_version == other.handle.history_version
            && Rc::ptr_eq(&self.page, &other.page)
            && self.playing == other.playing
    }
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonProps) -> Html {
    match &props.page.lesson {
        Some(lesson) => html! {
            <LessonSteps handle={props.handle.clone()} dispatch={props.dispatch.clone()}
                page={props.page.clone()} lesson={lesson.clone()} playing={props.playing} />
        },
        None => html! { <LessonIndex problem={props.page.problem.clone()} /> },
    }
}

#[derive(Properties)]
struct StepsProps {
    handle: Handle,
    dispatch: Callback<Intent, Outcome>,
    page: Rc<LessonPage>,
    lesson: Rc<Lesson>,
    playing: bool,
}

impl PartialEq for StepsProps {
    fn eq(&self, other: &Self) -> bool {
        self.handle.same_playground(&other.handle)
            && self.handle.store_version == other.handle.store_version
            && self.handle.history_version == other.handle.history_version
            && Rc::ptr_eq(&self.lesson, &other.lesson)
            && self.playing == other.playing
    }
}

#[function_component(LessonSteps)]
fn lesson_steps(props: &StepsProps) -> Html {
    let done = {
        let page = props.page.clone();
        use_state(move || lesson_session::initial_done(&page))
    };
    let missing = use_state(Vec::<String>::new);

    // Evaluate the current step whenever the cluster or the terminal changed; a step that
    // passes is done for good and the next one is evaluated at once.
    {
        let handle = props.handle.clone();
        let lesson = props.lesson.clone();
        let done = done.clone();
        let missing = missing.clone();
        let page = props.page.clone();
        use_effect_with(
            (
                props.handle.store_version,
                props.handle.history_version,
                *done,
            ),
            move |(_, _, current)| {
                if let Some(step) = lesson.steps.get(*current) {
                    let status = step_status(step, &mut handle.playground.borrow_mut().terminal);
                    if status.done {
                        lesson_session::save_progress(&page, current + 1);
                        done.set(current + 1);
                    } else if *missing != status.missing {
                        missing.set(status.missing);
                    }
                }
            },
        );
    }

    // Open at the step the URL names.
    {
        let step = props.page.step;
        use_effect_with((), move |_| {
            if let Some(step) = step
                && let Some(element) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&step_id(step - 1)))
            {
                element.scroll_into_view();
            }
        });
    }

    // A waiting command (`kubectl rollout status`) runs as the terminal's task.
    let run = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |command: String| {
            dispatch.emit(Intent::Run(command));
        })
    };

    let restart = {
        let dispatch = props.dispatch.clone();
        let lesson = props.lesson.clone();
        let page = props.page.clone();
        let done = done.clone();
        Callback::from(move |_: MouseEvent| {
            let start_second = (js_sys::Date::now() / 1000.0) as i64;
            if let Ok(fresh) = lesson_session::lesson_playground(&lesson, start_second) {
                lesson_session::save_progress(&page, 0);
                done.set(0);
                dispatch.emit(Intent::Replace(Box::new(fresh)));
            }
        })
    };
    let lesson = &props.lesson;
    let total = lesson.steps.len();
    html! {
        <section class="panel lesson" aria-label="Lesson">
            <div class="panel-header">
                <h2>{ &lesson.title }</h2>
                <span class="lesson-progress">{ format!("{} of {total} steps done", *done) }</span>
                <button onclick={restart} title="Start the lesson again from its start state">{ "Restart" }</button>
                <a href="?lessons">{ "All lessons" }</a>
            </div>
            <div class="lesson-body">
                { view_blocks(&lesson.intro, &run) }
                { for lesson.steps.iter().enumerate().map(|(index, step)| {
                    let status = if index < *done {
                        Status::Done
                    } else if index == *done {
                        Status::Current((*missing).clone())
                    } else {
                        Status::Later
                    };
                    view_step(index, step, status, props.playing, &run)
                }) }
                if *done == total {
                    <p class="lesson-complete">{ "Lesson complete. " }<a href="?lessons">{ "Choose another lesson" }</a></p>
                }
            </div>
        </section>
    }
}

enum Status {
    Done,
    /// The step being worked on, with what its checks still miss.
    Current(Vec<String>),
    Later,
}

fn step_id(index: usize) -> String {
    format!("lesson-step-{}", index + 1)
}

fn view_step(
    index: usize,
    step: &Step,
    status: Status,
    playing: bool,
    run: &Callback<String>,
) -> Html {
    let (class, text) = match &status {
        Status::Done => ("check done", "Done".to_string()),
        Status::Current(missing) if missing.is_empty() => {
            ("check pending", "Checking…".to_string())
        }
        Status::Current(missing) => {
            let mut text = missing.join(" ");
            if !playing {
                text.push_str(" The clock is paused: press Play to let the cluster move on.");
            }
            ("check pending", text)
        }
        Status::Later => (
            "check later",
            "Not started: finish the steps above first.".to_string(),
        ),
    };
    let id = step_id(index);
    html! {
        <section class={classes!("lesson-step", matches!(status, Status::Current(_)).then_some("current"))} aria-labelledby={id.clone()}>
            <h3 id={id}>{ format!("{}. {}", index + 1, step.title) }</h3>
            { view_blocks(&step.blocks, run) }
            <details class="lesson-checks">
                <summary>{ "What is checked" }</summary>
                <ul>{ for step.checks.iter().map(|check| html! {
                    <li>{ &check.that }{ ": " }<code>{ &check.run }</code>{ format!(" → {}", check.expect) }</li>
                }) }</ul>
            </details>
            <p class={class} role="status">{ text }</p>
        </section>
    }
}

/// The blocks in order, consecutive list items in one list.
fn view_blocks(blocks: &[Block], run: &Callback<String>) -> Html {
    let mut views: Vec<Html> = Vec::new();
    let mut items: Vec<Html> = Vec::new();
    for block in blocks {
        if let Block::Item(text) = block {
            items.push(html! { <li>{ inline(text) }</li> });
            continue;
        }
        if !items.is_empty() {
            views.push(html! { <ul class="lesson-list">{ for items.drain(..) }</ul> });
        }
        views.push(view_block(block, run));
    }
    if !items.is_empty() {
        views.push(html! { <ul class="lesson-list">{ for items.drain(..) }</ul> });
    }
    views.into_iter().collect::<Html>()
}

fn view_block(block: &Block, run: &Callback<String>) -> Html {
    match block {
        Block::Prose(text) => html! { <p>{ inline(text) }</p> },
        Block::Item(text) => html! { <ul class="lesson-list"><li>{ inline(text) }</li></ul> },
        Block::Code(code) => view_code(code, run),
        Block::Output(text) => html! {
            <pre class="lesson-output" aria-label="Example output">{ text }</pre>
        },
        Block::Hint(text) => html! {
            <details class="lesson-hint"><summary>{ "Hint" }</summary><p>{ inline(text) }</p></details>
        },
    }
}

fn view_code(code: &Code, run: &Callback<String>) -> Html {
    let onclick = {
        let run = run.clone();
        let command = code.command.clone();
        Callback::from(move |_: MouseEvent| run.emit(command.clone()))
    };
    html! {
        <div class="lesson-code">
            <pre><code>{ &code.text }</code></pre>
            <button class="primary" title="Type this block into the terminal and run it" {onclick}>{ "Run" }</button>
        </div>
    }
}

/// Inline Markdown: `code`, **bold** and [links](…) to lessons or https pages; the rest is text.
fn inline(text: &str) -> Html {
    let mut parts: Vec<Html> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let next = ['`', '*', '[']
            .iter()
            .filter_map(|c| rest.find(*c).map(|i| (i, *c)))
            .min();
        let Some((at, marker)) = next else {
            parts.push(html! { { rest } });
            break;
        };
        let (before, from) = rest.split_at(at);
        let span = match marker {
            '`' => from[1..]
                .find('`')
                .map(|end| (html! { <code>{ &from[1..=end] }</code> }, end + 2)),
            '*' if from.starts_with("**") => from[2..]
                .find("**")
                .map(|end| (html! { <strong>{ &from[2..end + 2] }</strong> }, end + 4)),
            '[' => link(from),
            _ => None,
        };
        if !before.is_empty() {
            parts.push(html! { { before } });
        }
        match span {
            Some((node, length)) => {
                parts.push(node);
                rest = &from[length..];
            }
            None => {
                parts.push(html! { { &from[..1] } });
                rest = &from[1..];
            }
        }
    }
    parts.into_iter().collect::<Html>()
}

/// `[text](target)` at the start of `from`: a link when the target is a lesson (`?lesson=…`)
/// or an https page, else plain text (so no `javascript:` URL ever reaches an `href`).
fn link(from: &str) -> Option<(Html, usize)> {
    let close = from.find("](")?;
    let end = from[close..].find(')')? + close;
    let label = &from[1..close];
    let target = &from[close + 2..end];
    let node = if target.starts_with("https://") || target.starts_with("?lesson") {
        html! { <a href={target.to_string()}>{ label }</a> }
    } else {
        html! { { label } }
    };
    Some((node, end + 1))
}

#[derive(Properties, PartialEq)]
struct IndexProps {
    problem: Option<String>,
}

#[function_component(LessonIndex)]
fn lesson_index(props: &IndexProps) -> Html {
    html! {
        <section class="panel lesson" aria-label="Lesson">
            <div class="panel-header"><h2>{ "Lessons" }</h2></div>
            <div class="lesson-body">
                if let Some(problem) = &props.problem {
                    <p class="lesson-problem" role="alert">{ problem }{ " Choose one of these:" }</p>
                }
                <ul class="lesson-index">
                    { for SHIPPED.iter().map(|shipped| match shipped.lesson() {
                        Ok(lesson) => html! {
                            <li>
                                <a href={format!("?lesson={}", shipped.name)}>{ &lesson.title }</a>
                                <span class="lesson-meta">{ format!(" — {} steps, {}", lesson.steps.len(), lesson.preset) }</span>
                                <p>{ &lesson.summary }</p>
                            </li>
                        },
                        Err(error) => html! { <li>{ error.to_string() }</li> },
                    }) }
                </ul>
            </div>
        </section>
    }
}
