//! What the page opens on load: the learner's saved playground, a fresh cluster, or the
//! playground a link describes — a share link (`#s=…`) or setup parameters (`?cmd=…`,
//! `?yaml=…`). A link never silently replaces saved work: over a non-empty saved playground
//! it is only offered, and taking it keeps the saved one aside to go back to. A link is
//! used once: then it leaves the address bar, so a reload continues the learner's own work.

use crate::embed::PageOptions;
use crate::lesson_session::{self, LessonPage};
use crate::persist::{self, Saved};
use crate::playground::{Action, Playground, Preset, Settings};
use crate::share;

pub struct Opening {
    pub playground: Playground,
    pub notice: Option<String>,
    /// A link's playground waiting for the learner to choose it over their saved one.
    pub offered: Option<Saved>,
}

fn now_second() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

pub fn fresh_settings(preset: Preset) -> Settings {
    Settings {
        seed: (js_sys::Math::random() * 1e9) as u64,
        preset,
        start_second: now_second(),
    }
}

/// A fresh cluster, booting (the page boots it after its first render: `boot.rs`); a preset
/// that cannot be built (a bad kind config) falls back to kind.
pub fn fresh(preset: Preset) -> Playground {
    Playground::starting(fresh_settings(preset)).unwrap_or_else(|_| {
        Playground::starting(fresh_settings(Preset::Kind))
            .unwrap_or_else(|error| panic!("the kind preset could not be built: {error}"))
    })
}

fn preset_of(options: &PageOptions) -> Preset {
    match options.preset.as_deref() {
        Some("kind-multi") => Preset::KindMulti,
        _ => Preset::Kind,
    }
}

/// The playground a share link in the address bar holds, if there is one.
pub fn shared_in_url() -> Option<Result<Saved, String>> {
    let fragment = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    fragment
        .starts_with("#s=")
        .then(|| share::decode(&fragment))
}

/// The playground the URL describes, if it describes one.
fn linked(options: &PageOptions) -> Option<Result<Saved, String>> {
    if let Some(shared) = shared_in_url() {
        return Some(shared);
    }
    if !options.sets_up_playground() {
        return None;
    }
    let mut actions: Vec<Action> = options.yaml.iter().cloned().map(Action::Apply).collect();
    actions.extend(options.commands.iter().cloned().map(Action::Command));
    Some(Ok((fresh_settings(preset_of(options)), actions)))
}

fn replayed((settings, actions): Saved) -> Result<Playground, String> {
    Playground::replay(settings, &actions)
}

/// A fresh cluster, or the lesson's playground on a lesson page.
fn fresh_for(options: &PageOptions, lesson: &LessonPage) -> Playground {
    lesson_session::initial(lesson, now_second()).unwrap_or_else(|| fresh(preset_of(options)))
}

pub fn initial(options: &PageOptions, lesson: &LessonPage) -> Opening {
    let link = linked(options);
    // An embedded playground is a scratch cluster: it never touches the saved one. A lesson
    // page keeps its session under the lesson's own key (`lesson_session`); a share link of
    // a lesson carries its progress and opens directly.
    if options.embed || lesson.start.is_some() {
        let (playground, notice) = match link.map(|l| l.and_then(replayed)) {
            Some(Ok(playground)) => (playground, None),
            Some(Err(error)) => (
                fresh_for(options, lesson),
                Some(format!("Could not open the link: {error}")),
            ),
            None => (fresh_for(options, lesson), None),
        };
        if !options.embed {
            forget_link();
        }
        return Opening {
            playground,
            notice,
            offered: None,
        };
    }
    // A saved playground that cannot be read or replayed leaves an empty one and says why;
    // the stored text stays until the learner's next action overwrites it.
    let (saved_raw, saved_problem) = match persist::load() {
        Some(Ok(saved)) => (Some(saved).filter(|(_, actions)| !actions.is_empty()), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    // The learner's own link, opened again, is no question.
    let link = link.filter(|link| match (link, &saved_raw) {
        (Ok(link), Some(saved)) if link == saved => {
            forget_link();
            false
        }
        _ => true,
    });
    let (saved, saved_problem) = match saved_raw.map(replayed) {
        Some(Ok(playground)) => (Some(playground), saved_problem),
        Some(Err(error)) => (None, Some(format!("it could not be replayed ({error})"))),
        None => (None, saved_problem),
    };
    let mut opening = open(options, lesson, link, saved);
    if let Some(problem) = saved_problem {
        let restored =
            format!("Your saved playground could not be restored: {problem}. This is a fresh one.");
        opening.notice = Some(match opening.notice.take() {
            Some(notice) => format!("{restored} {notice}"),
            None => restored,
        });
    }
    opening
}

fn open(
    options: &PageOptions,
    lesson: &LessonPage,
    link: Option<Result<Saved, String>>,
    saved: Option<Playground>,
) -> Opening {
    match (link, saved) {
        (None, Some(saved)) => Opening {
            playground: saved,
            notice: None,
            offered: None,
        },
        (None, None) => Opening {
            playground: fresh_for(options, lesson),
            notice: None,
            offered: None,
        },
        (Some(Err(error)), saved) => {
            forget_link();
            Opening {
                playground: saved.unwrap_or_else(|| fresh(preset_of(options))),
                notice: Some(format!("Could not open the link: {error}")),
                offered: None,
            }
        }
        (Some(Ok(link)), Some(saved)) => Opening {
            playground: saved,
            notice: None,
            offered: Some(link),
        },
        (Some(Ok(link)), None) => {
            forget_link();
            match replayed(link) {
                Ok(playground) => {
                    persist::save(&playground.settings, playground.actions());
                    Opening {
                        playground,
                        notice: Some("Opened the shared playground.".into()),
                        offered: None,
                    }
                }
                Err(error) => Opening {
                    playground: fresh(preset_of(options)),
                    notice: Some(format!("Could not open the link: {error}")),
                    offered: None,
                },
            }
        }
    }
}

/// Takes the offered link's playground: the saved one is kept aside (`persist::take_backup`).
pub fn take_offer(offered: Saved) -> Result<Playground, String> {
    forget_link();
    let playground = replayed(offered)?;
    persist::back_up();
    persist::save(&playground.settings, playground.actions());
    Ok(playground)
}

/// The playground a link replaced, saved again as the learner's own.
pub fn restore_backup() -> Option<Playground> {
    let playground = replayed(persist::take_backup()?).ok()?;
    persist::save(&playground.settings, playground.actions());
    Some(playground)
}

/// Removes the link from the address bar (fragment and setup parameters; the layout
/// parameters stay), so that a reload continues from the saved playground.
pub fn forget_link() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(href) = window.location().href() else {
        return;
    };
    let Ok(url) = web_sys::Url::new(&href) else {
        return;
    };
    url.set_hash("");
    let params = url.search_params();
    for name in ["cmd", "yaml"] {
        params.delete(name);
    }
    url.set_search(&params.to_string().as_string().unwrap_or_default());
    let clean = format!("{}{}", url.pathname(), url.search());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&clean));
    }
}
