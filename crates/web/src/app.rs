//! The page: holds the playground, the clock and the selection, and lays out the panels.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::render::{AnimationFrame, request_animation_frame};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::clock::Clock;
use crate::components::cluster::ClusterView;
use crate::components::editor::Editor;
use crate::components::events::EventsTimeline;
use crate::components::inspector::{Inspector, Selection};
use crate::components::lesson::LessonPanel;
use crate::components::terminal::TerminalPanel;
use crate::components::toolbar::Toolbar;
use crate::embed::{self, PageOptions};
use crate::lesson_session::{self, LessonPage};
use crate::playground::{Playground, Preset, Settings};
use crate::{persist, share};

/// The playground shared by the panels, with counters that say what changed: each panel's
/// props compare only the counters it depends on, so a clock tick that changes nothing in
/// the store does not rebuild the cluster view.
#[derive(Clone)]
pub struct Handle {
    pub playground: Rc<RefCell<Playground>>,
    /// Any change at all.
    pub version: u64,
    /// The store's resourceVersion: objects changed.
    pub store_version: u64,
    /// Whole virtual seconds: ages shown in tables changed.
    pub second: u64,
    /// Terminal history changed.
    pub history_version: u64,
}

impl Handle {
    pub fn same_playground(&self, other: &Handle) -> bool {
        Rc::ptr_eq(&self.playground, &other.playground)
    }
}

impl PartialEq for Handle {
    fn eq(&self, other: &Self) -> bool {
        self.same_playground(other) && self.version == other.version
    }
}

/// The longest real-time step one frame may take (a tab in the background gets no frames).
const MAX_FRAME_MS: f64 = 250.0;

/// Requests the next animation frame; each advances the clock and asks for the one after.
fn schedule_frame(
    slot: Rc<RefCell<Option<AnimationFrame>>>,
    playground: Rc<RefCell<Playground>>,
    changed: Callback<()>,
    speed: u64,
    last: Option<f64>,
) {
    let next_slot = slot.clone();
    let handle = request_animation_frame(move |now_ms| {
        if let Some(last) = last {
            let elapsed = (now_ms - last).clamp(0.0, MAX_FRAME_MS);
            playground.borrow_mut().advance((elapsed as u64) * speed);
            changed.emit(());
        }
        schedule_frame(next_slot, playground, changed, speed, Some(now_ms));
    });
    *slot.borrow_mut() = Some(handle);
}

fn now_second() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn fresh(preset: Preset) -> Playground {
    let settings = Settings {
        seed: (js_sys::Math::random() * 1e9) as u64,
        preset,
        start_second: now_second(),
    };
    match Playground::new(settings) {
        Ok(playground) => playground,
        Err(_) => Playground::new(Settings {
            seed: 1,
            preset: Preset::Kind,
            start_second: now_second(),
        })
        .unwrap_or_else(|_| unreachable_playground()),
    }
}

/// The kind preset cannot fail to build; this is only reached if that invariant breaks.
fn unreachable_playground() -> Playground {
    panic!("the kind preset could not be built")
}

/// Opens what the URL asks for: a share link, else a lesson, else the saved session, else a
/// fresh cluster.
fn initial(options: &PageOptions, lesson: &LessonPage) -> (Playground, Option<String>) {
    let fragment = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    if fragment.starts_with("#s=") {
        return match share::decode(&fragment)
            .and_then(|(settings, actions)| Playground::replay(settings, &actions))
        {
            Ok(playground) => (playground, Some("Opened the shared playground.".into())),
            Err(error) => (
                fresh(Preset::Kind),
                Some(format!("Could not open the share link: {error}")),
            ),
        };
    }
    if let Some(playground) = lesson_session::initial(lesson, now_second()) {
        return (playground, None);
    }
    let preset = match options.preset.as_deref() {
        Some("kind-multi") => Preset::KindMulti,
        _ => Preset::Kind,
    };
    if !options.embed
        && let Some((settings, actions)) = persist::load()
        && let Ok(playground) = Playground::replay(settings, &actions)
    {
        return (playground, None);
    }
    (fresh(preset), None)
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
    let playground = {
        let options = options.clone();
        let lesson = lesson.clone();
        let notice = notice.clone();
        use_mut_ref(move || {
            let (mut playground, message) = initial(&options, &lesson);
            if let Some(yaml) = &options.yaml {
                playground.apply(yaml);
            }
            for command in &options.commands {
                playground.run(command);
            }
            if message.is_some() {
                notice.set(message);
            }
            playground
        })
    };
    let force = use_force_update();
    let playing = use_state(|| false);
    let speed = use_state(|| 1u32);
    let selection = use_state(|| None::<Selection>);
    let namespace = use_state(|| None::<String>);

    // Every change goes through here: bump the version, save, re-render.
    let changed = {
        let counter = counter.clone();
        let playground = playground.clone();
        let force = force.clone();
        let embed = options.embed;
        let lesson = lesson.clone();
        Callback::from(move |()| {
            let cell = counter.borrow();
            cell.set(cell.get() + 1);
            {
                let p = playground.borrow();
                if let Some(name) = lesson.saved_as() {
                    lesson_session::save_session(name, &p.settings, p.actions());
                } else if !embed {
                    persist::save(&p.settings, p.actions());
                }
            }
            force.force_update();
        })
    };

    // While playing, the simulation advances once per animation frame by the real time
    // elapsed (times the speed), capped so a background tab does not jump minutes at once.
    {
        let playground = playground.clone();
        let changed = changed.clone();
        use_effect_with((*playing, *speed), move |(playing, speed)| {
            let frame: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
            if *playing {
                schedule_frame(frame.clone(), playground, changed, u64::from(*speed), None);
            }
            move || drop(frame.borrow_mut().take())
        });
    }

    // Host pages drive an embedded playground with postMessage.
    {
        let playground = playground.clone();
        let changed = changed.clone();
        let embed = options.embed;
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "message", move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
                        return;
                    };
                    let Some(request) = embed::parse_request(&event.data()) else {
                        return;
                    };
                    let (lines, _) = playground.borrow_mut().run(&request.command);
                    changed.emit(());
                    let failed = lines
                        .iter()
                        .any(|l| matches!(l, crate::playground::Line::Err(_)));
                    let output: String = lines
                        .iter()
                        .filter_map(|line| match line {
                            crate::playground::Line::Out(text)
                            | crate::playground::Line::Err(text) => Some(format!("{text}\n")),
                            crate::playground::Line::Prompt(_) => None,
                        })
                        .collect();
                    let reply = embed::response(&request.id, &output, failed);
                    // The sender is another frame's window: `instanceof Window` fails across
                    // realms, so the cast is unchecked.
                    if let Some(source) = event.source() {
                        let target: web_sys::Window = source.unchecked_into();
                        let _ = target.post_message(&reply, "*");
                    }
                })
            });
            crate::host_ready::announce(embed);
            move || drop(listener)
        });
    }

    let handle = {
        let p = playground.borrow();
        Handle {
            playground: playground.clone(),
            version: counter.borrow().get(),
            store_version: p.terminal.cluster.api.store.resource_version(),
            second: p.terminal.cluster.now_ms() / 1000,
            history_version: p.history_version(),
        }
    };
    let on_reset = {
        let playground = playground.clone();
        let changed = changed.clone();
        let selection = selection.clone();
        let notice = notice.clone();
        Callback::from(move |preset: Preset| {
            persist::clear();
            let mut fresh_playground = fresh(preset);
            if let Err(error) = fresh_playground.settings.preset.shape() {
                notice.set(Some(error));
                return;
            }
            std::mem::swap(&mut *playground.borrow_mut(), &mut fresh_playground);
            selection.set(None);
            changed.emit(());
        })
    };
    let on_notice = {
        let notice = notice.clone();
        Callback::from(move |message: String| notice.set(Some(message)))
    };
    let on_select = {
        let selection = selection.clone();
        Callback::from(move |selected: Option<Selection>| selection.set(selected))
    };
    let on_namespace = {
        let namespace = namespace.clone();
        Callback::from(move |value: Option<String>| namespace.set(value))
    };
    let on_play = {
        let playing = playing.clone();
        Callback::from(move |play: bool| playing.set(play))
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |value: u32| speed.set(value))
    };

    let class = classes!("app", options.embed.then_some("embed"));
    html! {
        <div class={class}>
            <div id="fatal" class="fatal" role="alert"></div>
            if !options.embed {
                <Toolbar handle={handle.clone()} on_reset={on_reset} on_notice={on_notice.clone()} />
            }
            <Clock handle={handle.clone()} playing={*playing} speed={*speed} on_play={on_play} on_speed={on_speed} changed={changed.clone()} />
            if let Some(message) = (*notice).clone() {
                <div class="notice" role="status">{ message }
                    <button class="link" aria-label="Dismiss message" onclick={ let notice = notice.clone(); move |_| notice.set(None) }>{ "×" }</button>
                </div>
            }
            <main class={classes!("panels", lesson.shows_panel().then_some("with-lesson"))}>
                if lesson.shows_panel() {
                    <LessonPanel handle={handle.clone()} changed={changed.clone()} page={lesson.clone()} playing={*playing} />
                }
                if options.editor {
                    <Editor handle={handle.clone()} changed={changed.clone()} />
                }
                if options.cluster {
                    <ClusterView handle={handle.clone()} namespace={(*namespace).clone()} on_namespace={on_namespace} on_select={on_select.clone()} selected={(*selection).clone()} changed={changed.clone()} />
                }
                if options.terminal {
                    <TerminalPanel handle={handle.clone()} changed={changed.clone()} />
                }
                if options.events {
                    <EventsTimeline handle={handle.clone()} namespace={(*namespace).clone()} />
                }
            </main>
            if let Some(selected) = (*selection).clone() {
                <Inspector handle={handle} selection={selected} on_close={on_select.reform(|_| None)} changed={changed.clone()} />
            }
        </div>
    }
}
