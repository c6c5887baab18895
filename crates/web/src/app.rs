//! The page: holds the playground, the clock and the selection, and lays out the panels.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::render::{AnimationFrame, request_animation_frame};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::cadence::Cadence;
use crate::clock_step::{self, ClockStep, ShownChanged, Stepper};
use crate::components::clock::Clock;
use crate::components::cluster::ClusterView;
use crate::components::editor::Editor;
use crate::components::events::EventsTimeline;
use crate::components::inspector::{Inspector, Selection};
use crate::components::lesson::LessonPanel;
use crate::components::terminal::TerminalPanel;
use crate::components::toolbar::Toolbar;
use crate::components::traffic::{TrafficCounts, TrafficFrame, use_traffic};
use crate::embed::{self, PageOptions};
use crate::lesson_session::{self, LessonPage};
use crate::live::LiveView;
use crate::pace::Pace;
use crate::playground::{Playground, Preset};
use crate::state::{self, Handle, Intent, Outcome};
use crate::{opening, persist};

/// The longest real-time step one frame may take (a tab in the background gets no frames).
const MAX_FRAME_MS: f64 = 250.0;
/// While the clock runs, the saved playground is refreshed at most this often (commands and
/// buttons save at once; a reload loses at most these seconds of waiting).
const SAVE_EVERY_MS: f64 = 2_000.0;

/// The playing clock's loop: each animation frame draws what the simulation did since the
/// last one and then leaves the simulation a task of its own, after the frame is painted, to
/// advance the clock within its slice (`frame.rs`) and ask for the next frame. Apart, the longest
/// task is the longer of the two rather than their sum: at 100,000 pods an advance and a
/// redraw each take tens of milliseconds, and a key pressed meanwhile waits for one of them,
/// not both. `owed` is virtual time earlier advances had no time left to simulate: it is
/// carried over, at most one long frame's worth, so a busy cluster slows the clock down
/// rather than freezing the page (and `pace` says so).
struct ClockLoop {
    slot: Rc<RefCell<Option<AnimationFrame>>>,
    playground: Rc<RefCell<Playground>>,
    ticked: Callback<()>,
    pace: Rc<RefCell<Pace>>,
    speed: u64,
}

impl ClockLoop {
    /// Requests the next animation frame; `last` is the previous frame's time.
    fn schedule(self, last: Option<f64>, owed: u64) {
        let slot = self.slot.clone();
        let handle = request_animation_frame(move |now_ms| {
            // While the cluster boots (`boot.rs`) the learner's time has not begun.
            let Some(last) = last.filter(|_| !self.playground.borrow().booting()) else {
                self.schedule(Some(now_ms), owed);
                return;
            };
            self.ticked.emit(());
            let elapsed = (now_ms - last).clamp(0.0, MAX_FRAME_MS);
            let most = (MAX_FRAME_MS as u64).saturating_mul(self.speed);
            let owed = owed
                .saturating_add((elapsed as u64).saturating_mul(self.speed))
                .min(most);
            crate::soon::run(move || {
                // Paused, or the speed changed, since the frame: that frame's chain ends here.
                if self.slot.borrow().is_none() {
                    return;
                }
                let moved = self
                    .playground
                    .borrow_mut()
                    .advance_within(owed, &mut crate::frame::slice_in_frame(now_ms));
                self.pace.borrow_mut().frame(elapsed, moved, self.speed);
                let owed = owed.saturating_sub(moved);
                self.schedule(Some(now_ms), owed);
            });
        });
        *slot.borrow_mut() = Some(handle);
    }
}

/// Moves keyboard focus back to `element` if it is still on the page.
fn refocus(element: Option<web_sys::HtmlElement>) {
    if let Some(element) = element.filter(|e| e.is_connected()) {
        let _ = element.focus();
    }
}

fn active_element() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

#[function_component(App)]
pub fn app() -> Html {
    let options = use_memo((), |_| PageOptions::from_location());
    let lesson = {
        let embed = options.embed;
        use_memo((), move |_| LessonPage::from_location(embed))
    };
    let counter = use_mut_ref(|| Cell::new(0u64));
    let notice = use_state(|| None::<String>);
    let offered = use_state(|| None::<persist::Saved>);
    let can_go_back = use_state(|| false);
    let playground = {
        let options = options.clone();
        let lesson = lesson.clone();
        let notice = notice.clone();
        let offered = offered.clone();
        use_mut_ref(move || {
            let opening = opening::initial(&options, &lesson);
            if opening.notice.is_some() {
                notice.set(opening.notice);
            }
            if opening.offered.is_some() {
                offered.set(opening.offered);
            }
            opening.playground
        })
    };
    let force = use_force_update();
    let playing = use_state(|| !options.paused);
    let speed = use_state(|| options.speed);
    let selection = use_state(|| None::<Selection>);
    let opener = use_mut_ref(|| None::<web_sys::HtmlElement>);
    let namespace = use_state(|| None::<String>);
    let last_saved = use_mut_ref(|| Cell::new(0f64));
    // The store version and second the events timeline shows.
    let events_shown = use_mut_ref(|| (0u64, 0u64));
    // When the cluster view and the events timeline take new content (`cadence.rs`).
    let cadence = use_mut_ref(Cadence::default);
    // The cluster view's model follows the store's changes since the last render (and a
    // "Next change" under way keeps it current as it looks).
    let live = use_mut_ref(LiveView::default);
    let stepper = use_mut_ref(Stepper::default);
    // How fast the playing clock really runs (behind the chosen speed when the cluster is busy).
    let pace = use_mut_ref(Pace::default);
    let shown_changed: ShownChanged = {
        let live = live.clone();
        (*use_memo((), move |_| -> ShownChanged {
            Rc::new(move |cluster: &mut kubeplay_sim::Cluster| {
                let mut live = live.borrow_mut();
                let before = live.snapshot().clone();
                let changed = cluster.api.store.take_changed_keys();
                // A new or updated Event shows in the events panel.
                let events = changed.as_ref().is_none_or(|keys| {
                    keys.iter()
                        .any(|key| key.kind == kubeplay_model::Kind::Event)
                });
                live.sync(cluster, changed);
                events || *live.snapshot() != before
            })
        }))
        .clone()
    };

    let save = {
        let playground = playground.clone();
        let last_saved = last_saved.clone();
        let embed = options.embed;
        let lesson = lesson.clone();
        Rc::new(move || {
            let p = playground.borrow();
            // A lesson's session has its own key, so a lesson never overwrites the free playground.
            if let Some(name) = lesson.saved_as() {
                lesson_session::save_session(name, &p.settings, p.actions());
            } else if !embed {
                persist::save(&p.settings, p.actions());
            }
            last_saved.borrow().set(js_sys::Date::now());
        })
    };
    // The running clock (and a command waiting in virtual time) goes through here, saving
    // only now and then.
    let ticked = {
        let counter = counter.clone();
        let force = force.clone();
        let save = save.clone();
        let last_saved = last_saved.clone();
        Callback::from(move |()| {
            let cell = counter.borrow();
            cell.set(cell.get() + 1);
            if js_sys::Date::now() - last_saved.borrow().get() >= SAVE_EVERY_MS {
                save();
            }
            force.force_update();
        })
    };
    // Every change a learner makes goes through here: the intent is applied, a command that
    // waits in virtual time starts its task, a step of the clock its frames, and the page saves
    // and redraws once. Made once, so panels that take only it (the editor) are not redrawn by
    // every tick.
    let dispatch: Callback<Intent, Outcome> = {
        let playground = playground.clone();
        let counter = counter.clone();
        let force = force.clone();
        let save = save.clone();
        let ticked = ticked.clone();
        let stepper = stepper.clone();
        let shown_changed = shown_changed.clone();
        (*use_memo((), move |_| {
            Callback::from(move |intent: Intent| -> Outcome {
                let was_busy = playground.borrow().busy();
                let outcome = state::reduce(
                    &mut playground.borrow_mut(),
                    &mut stepper.borrow_mut().step,
                    intent,
                );
                clock_step::drive(&stepper, &playground, &shown_changed, &ticked);
                if !was_busy && playground.borrow().busy() {
                    crate::task::drive(playground.clone(), ticked.clone());
                }
                let cell = counter.borrow();
                cell.set(cell.get() + 1);
                save();
                force.force_update();
                outcome
            })
        }))
        .clone()
    };

    // The page is up: the loading note in index.html goes.
    use_effect_with((), |_| {
        crate::mark("kubeplay:rendered");
        if let Some(loading) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("loading"))
        {
            loading.remove();
        }
    });

    // A fresh cluster boots after the first render, a slice per task (`boot.rs`); the
    // cluster and events panels follow once the boot's driver sees it booted. A command
    // entered mid-boot finishes the boot itself, and its answer is drawn first: the panels
    // (their first drawing is the page's largest) come in the task after it.
    let panels_up = {
        let playground = playground.clone();
        use_mut_ref(move || Cell::new(!playground.borrow().booting()))
    };
    {
        let playground = playground.clone();
        let driving = use_mut_ref(|| Rc::new(Cell::new(false))).borrow().clone();
        let counter = counter.clone();
        let force = force.clone();
        let panels_up = panels_up.clone();
        use_effect(move || {
            if playground.borrow().booting() {
                let booted = Callback::from(move |()| {
                    panels_up.borrow().set(true);
                    crate::mark("kubeplay:cluster-booted");
                    let cell = counter.borrow();
                    cell.set(cell.get() + 1);
                    force.force_update();
                });
                crate::boot::drive(playground, driving, booted);
            }
        });
    }

    // Leaving the page saves the time waited since the last save.
    {
        let save = save.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .map(|window| EventListener::new(&window, "pagehide", move |_| save()));
            move || drop(listener)
        });
    }

    // While playing, the simulation advances once per animation frame by the real time
    // elapsed (times the speed), capped so a background tab does not jump minutes at once.
    {
        let playground = playground.clone();
        let ticked = ticked.clone();
        let pace = pace.clone();
        use_effect_with((*playing, *speed), move |(playing, speed)| {
            let frame: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
            *pace.borrow_mut() = Pace::default();
            if *playing {
                let clock = ClockLoop {
                    slot: frame.clone(),
                    playground,
                    ticked,
                    pace,
                    speed: u64::from(*speed),
                };
                clock.schedule(None, 0);
            }
            move || drop(frame.borrow_mut().take())
        });
    }

    // A share link pasted into the address bar of an open playground changes only the
    // fragment: it is offered like one opened in a new tab.
    {
        let offered = offered.clone();
        let notice = notice.clone();
        use_effect_with(options.embed, move |embed| {
            let listener = (!embed).then(web_sys::window).flatten().map(|window| {
                EventListener::new(
                    &window,
                    "hashchange",
                    move |_| match opening::shared_in_url() {
                        Some(Ok(link)) => offered.set(Some(link)),
                        Some(Err(error)) => {
                            opening::forget_link();
                            notice.set(Some(format!("Could not open the link: {error}")));
                        }
                        None => {}
                    },
                )
            });
            move || drop(listener)
        });
    }

    // The page embedding the playground drives it with postMessage (see `embed`).
    {
        let dispatch = dispatch.clone();
        let options = options.clone();
        use_effect_with((), move |_| {
            let listener = embed::listen(&options, dispatch);
            crate::host_ready::announce(options.embed);
            move || drop(listener)
        });
    }

    // `kubectl edit` opens the YAML editor only where the page shows it.
    playground.borrow_mut().page_editor = options.editor;
    let (edit_version, editing) = {
        let p = playground.borrow();
        let (version, edit) = p.edit();
        (version, edit.map(|e| (e.command.clone(), e.text.clone())))
    };
    let handle = {
        let p = playground.borrow();
        Handle {
            playground: playground.clone(),
            version: counter.borrow().get(),
            store_version: p.terminal.cluster.api.store.changes(),
            second: p.terminal.cluster.now_ms() / 1000,
            history_version: p.history_version(),
        }
    };
    let booting = playground.borrow().booting() || !panels_up.borrow().get();
    let due = {
        let running = *playing || playground.borrow().busy() || stepper.borrow().step.is_some();
        let current = (handle.store_version, handle.second);
        let due = cadence.borrow_mut().due(
            running,
            js_sys::Date::now(),
            *events_shown.borrow() != current,
        );
        if due.events {
            *events_shown.borrow_mut() = current;
        }
        due
    };
    let events_version = *events_shown.borrow();
    // The traffic overlay follows every frame, the counters a few times per second.
    let (traffic_frame, traffic_counts) = use_traffic(&playground, *playing);
    // The cluster view's model follows the store's changes since it was last drawn, once the
    // cluster has booted.
    let snapshot = (!booting).then(|| {
        let mut live = live.borrow_mut();
        if due.cluster {
            let mut p = playground.borrow_mut();
            let changed = p.terminal.cluster.api.store.take_changed_keys();
            live.sync(&p.terminal.cluster, changed);
        }
        live.snapshot().clone()
    });
    let replace_playground = {
        let dispatch = dispatch.clone();
        let selection = selection.clone();
        Callback::from(move |next: Playground| {
            selection.set(None);
            dispatch.emit(Intent::Replace(Box::new(next)));
        })
    };
    let on_reset = {
        let replace_playground = replace_playground.clone();
        let notice = notice.clone();
        Callback::from(move |preset: Preset| {
            if let Err(error) = preset.shape() {
                notice.set(Some(error));
                return;
            }
            persist::clear();
            replace_playground.emit(opening::fresh(preset));
        })
    };
    let take_offer = {
        let offered = offered.clone();
        let notice = notice.clone();
        let can_go_back = can_go_back.clone();
        let replace_playground = replace_playground.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(link) = (*offered).clone() else {
                return;
            };
            offered.set(None);
            match opening::take_offer(link) {
                Ok(next) => {
                    replace_playground.emit(next);
                    can_go_back.set(true);
                    notice.set(Some(
                        "Opened the shared playground. Yours is kept aside.".into(),
                    ));
                }
                Err(error) => notice.set(Some(format!("Could not open the link: {error}"))),
            }
        })
    };
    let decline_offer = {
        let offered = offered.clone();
        Callback::from(move |_: MouseEvent| {
            opening::forget_link();
            offered.set(None);
        })
    };
    let go_back = {
        let notice = notice.clone();
        let can_go_back = can_go_back.clone();
        let replace_playground = replace_playground.clone();
        Callback::from(move |_: MouseEvent| {
            can_go_back.set(false);
            match opening::restore_backup() {
                Some(previous) => {
                    replace_playground.emit(previous);
                    notice.set(Some("Back to your playground.".into()));
                }
                None => notice.set(Some(
                    "Your previous playground could not be restored.".into(),
                )),
            }
        })
    };
    let on_notice = {
        let notice = notice.clone();
        Callback::from(move |message: String| notice.set(Some(message)))
    };
    let on_select = {
        let selection = selection.clone();
        let opener = opener.clone();
        Callback::from(move |selected: Option<Selection>| {
            match &selected {
                Some(_) if selection.is_none() => *opener.borrow_mut() = active_element(),
                None => refocus(opener.borrow_mut().take()),
                Some(_) => {}
            }
            selection.set(selected)
        })
    };
    let on_namespace = {
        let namespace = namespace.clone();
        Callback::from(move |value: Option<String>| namespace.set(value))
    };
    // Pause also stops a step of the clock where it is.
    let on_play = {
        let playing = playing.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |play: bool| {
            if !play {
                dispatch.emit(Intent::StopStep);
            }
            playing.set(play)
        })
    };
    let stepping = stepper.borrow().step.as_ref().map(ClockStep::progress);
    let behind = pace.borrow().behind().filter(|_| *playing);
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |value: u32| speed.set(value))
    };

    let class = classes!(
        "app",
        options.embed.then_some("embed"),
        // The plain playground fits the window (see style.css); embeds and lessons scroll.
        (!options.embed && !lesson.shows_panel()).then_some("fits"),
        selection.is_some().then_some("inspecting")
    );
    html! {
        <div class={class}>
            <div id="fatal" class="fatal" role="alert"></div>
            if !options.embed {
                <Toolbar handle={handle.clone()} on_reset={on_reset} on_notice={on_notice.clone()} />
            }
            <Clock handle={handle.clone()} playing={*playing} speed={*speed} behind={behind} stepping={stepping} on_play={on_play.clone()} on_speed={on_speed} dispatch={dispatch.clone()} />
            if let Some((_, actions)) = (*offered).as_ref() {
                <div class="notice offer" role="alertdialog" aria-labelledby="offer-text">
                    <p id="offer-text">{ format!("This link holds a shared playground ({} steps). Open it instead of yours? Yours is kept, and you can come back to it.", actions.len()) }</p>
                    <button class="primary" onclick={take_offer}>{ "Open the shared playground" }</button>
                    <button onclick={decline_offer}>{ "Keep mine" }</button>
                </div>
            }
            if let Some(message) = (*notice).clone() {
                <div class="notice" role="status">
                    <span>{ message }</span>
                    if *can_go_back {
                        <button onclick={go_back}>{ "Back to my playground" }</button>
                    }
                    <button class="link" aria-label="Dismiss message" onclick={ let notice = notice.clone(); move |_| notice.set(None) }>{ "×" }</button>
                </div>
            }
            // Source order is reading order (left column, then right): editor, terminal,
            // cluster, events; the grid places them.
            <main class={classes!("panels", lesson.shows_panel().then_some("with-lesson"))}>
                if lesson.shows_panel() {
                    <LessonPanel handle={handle.clone()} dispatch={dispatch.clone()} page={lesson.clone()} playing={*playing} />
                }
                if options.editor {
                    <Editor dispatch={dispatch.clone()} keep_draft={!options.embed} edit_version={edit_version} editing={editing} />
                }
                if options.terminal {
                    <TerminalPanel handle={handle.clone()} dispatch={dispatch.clone()} playing={*playing} on_play={on_play} />
                }
                if let Some(snapshot) = snapshot.filter(|_| options.cluster) {
                    <ContextProvider<TrafficFrame> context={traffic_frame}><ContextProvider<TrafficCounts> context={traffic_counts}>
                        <ClusterView snapshot={snapshot} namespace={(*namespace).clone()} on_namespace={on_namespace} on_select={on_select.clone()} selected={(*selection).clone()} dispatch={dispatch.clone()} />
                    </ContextProvider<TrafficCounts>></ContextProvider<TrafficFrame>>
                } else if options.cluster {
                    <Starting class="cluster" title="Cluster" />
                }
                if options.events && !booting {
                    <EventsTimeline handle={handle.clone()} shown={events_version} namespace={(*namespace).clone()} />
                } else if options.events {
                    <Starting class="events" title="Events" />
                }
            </main>
            if let Some(selected) = (*selection).clone() {
                <Inspector handle={handle} selection={selected} on_close={on_select.reform(|_| None)} dispatch={dispatch.clone()} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct StartingProps {
    class: &'static str,
    title: &'static str,
}

/// A panel's place while the cluster boots (a fraction of a second after the page is up).
#[function_component(Starting)]
fn starting(props: &StartingProps) -> Html {
    html! {
        <section class={classes!("panel", props.class, "starting")} aria-label={props.title} aria-busy="true">
            <div class="panel-header"><h2>{ props.title }</h2></div>
            <p class="starting-note">{ "Starting the simulated cluster…" }</p>
        </section>
    }
}
