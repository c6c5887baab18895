//! A lesson in the page: what the URL asks for (`?lesson=NAME[&step=N]`, `?lessons` for the
//! index, `?start=NAME` for only a lesson's start state, as host pages use it), the playground
//! a lesson starts from (its preset, seed and start state, run as ordinary commands so they
//! replay like the learner's own), and the learner's progress. A lesson's session is saved
//! under its own key, so opening a lesson never overwrites the learner's free playground; the
//! current step is kept in the URL, so reloads and share links carry the progress.

use std::rc::Rc;

use gloo::storage::{LocalStorage, Storage};
use kubeplay_lessons::{Lesson, catalog};
use serde::{Deserialize, Serialize};

use crate::playground::{Action, Playground, Preset, Settings};

/// What the URL asks for, resolved against the shipped lessons.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonPage {
    /// The lesson whose panel is shown.
    pub lesson: Option<Rc<Lesson>>,
    /// The lesson whose start state the playground begins from (the panel's, or `start=`).
    pub start: Option<Rc<Lesson>>,
    /// Show the lesson index (`?lessons`, or a lesson that could not be opened).
    pub index: bool,
    /// Why the lesson asked for could not be opened.
    pub problem: Option<String>,
    /// `step=N`: the step to open at (1-based); the steps before it count as done.
    pub step: Option<usize>,
    /// Embedded in a host page: nothing is read from or written to the learner's storage.
    pub embed: bool,
}

impl LessonPage {
    pub fn from_location(embed: bool) -> LessonPage {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
        let get = |name: &str| params.as_ref().and_then(|p| p.get(name));
        LessonPage::resolve(
            get("lesson").as_deref(),
            get("start").as_deref(),
            get("lessons").is_some(),
            get("step").as_deref(),
            embed,
        )
    }

    /// Resolves the URL's parameters (pure, so it is tested natively).
    pub fn resolve(
        lesson: Option<&str>,
        start: Option<&str>,
        index: bool,
        step: Option<&str>,
        embed: bool,
    ) -> LessonPage {
        let mut page = LessonPage {
            index,
            embed,
            step: step
                .and_then(|s| s.parse::<usize>().ok())
                .filter(|s| *s >= 1),
            ..LessonPage::default()
        };
        let open = |name: &str| -> Result<Rc<Lesson>, String> {
            match catalog::find(name) {
                Some(Ok(lesson)) => Ok(Rc::new(lesson)),
                Some(Err(error)) => Err(format!("The lesson {name:?} cannot be opened: {error}")),
                None => Err(format!("There is no lesson called {name:?}.")),
            }
        };
        match lesson.map(str::trim) {
            Some("") => page.index = true,
            Some(name) => match open(name) {
                Ok(lesson) => {
                    page.start = Some(lesson.clone());
                    page.lesson = Some(lesson);
                }
                Err(problem) => {
                    page.problem = Some(problem);
                    page.index = true;
                }
            },
            None => {}
        }
        if page.start.is_none()
            && let Some(name) = start.map(str::trim).filter(|n| !n.is_empty())
        {
            match open(name) {
                Ok(lesson) => page.start = Some(lesson),
                Err(problem) => page.problem = Some(problem),
            }
        }
        page
    }

    /// Whether the page shows the lesson panel (a lesson, the index, or a problem).
    pub fn shows_panel(&self) -> bool {
        self.lesson.is_some() || self.index || self.problem.is_some()
    }

    /// The lesson whose session this page saves (not when embedded).
    pub fn saved_as(&self) -> Option<&str> {
        self.lesson
            .as_ref()
            .filter(|_| !self.embed)
            .map(|lesson| lesson.name.as_str())
    }
}

/// How long a waiting start command may take, and the slices time passes in meanwhile.
const MAX_START_WAIT_MS: u64 = 15 * 60 * 1000;
const START_STEP_MS: u64 = 1000;

/// A fresh playground for `lesson`: its cluster and seed, with its start state run.
pub fn lesson_playground(lesson: &Lesson, start_second: i64) -> Result<Playground, String> {
    let preset = match lesson.preset.as_str() {
        "kind-multi" => Preset::KindMulti,
        _ => Preset::Kind,
    };
    let mut playground = Playground::new(Settings {
        seed: lesson.seed,
        preset,
        start_second,
    })?;
    if !lesson.start.is_empty() {
        playground.run(&format!(
            "# The start state of the lesson {:?}",
            lesson.title
        ));
    }
    for command in &lesson.start {
        playground.run(command);
        // A start command that waits (`kubectl rollout status`) runs to its end before the
        // learner starts; the time it took is recorded, so a reload replays the same state.
        let mut waited_ms = 0;
        while playground.busy() && waited_ms < MAX_START_WAIT_MS {
            playground.advance(START_STEP_MS);
            waited_ms += START_STEP_MS;
        }
    }
    Ok(playground)
}

/// A lesson's saved session: the playground's settings and actions, and the steps done.
#[derive(Serialize, Deserialize)]
struct Saved {
    settings: Settings,
    actions: Vec<Action>,
    done: usize,
}

fn key(name: &str) -> String {
    format!("kubeplay.lesson.{name}.v1")
}

/// The playground the page opens with for a lesson (or a start state), unless a share link
/// decides: the saved session of this lesson, else a fresh one.
pub fn initial(page: &LessonPage, start_second: i64) -> Option<Playground> {
    let lesson = page.start.as_ref()?;
    if let Some(name) = page.saved_as()
        && let Ok(saved) = LocalStorage::get::<Saved>(key(name))
        && let Ok(playground) = Playground::replay(saved.settings, &saved.actions)
    {
        return Some(playground);
    }
    lesson_playground(lesson, start_second).ok()
}

pub fn save_session(name: &str, settings: &Settings, actions: &[Action]) {
    let done = saved_done(name).unwrap_or(0);
    let _ = LocalStorage::set(
        key(name),
        Saved {
            settings: settings.clone(),
            actions: actions.to_vec(),
            done,
        },
    );
}

fn saved_done(name: &str) -> Option<usize> {
    LocalStorage::get::<Saved>(key(name)).ok().map(|s| s.done)
}

/// How many steps the panel opens with done: the URL's `step=N` says N − 1 (a share link or a
/// reload); a saved session of the same lesson may know more.
pub fn initial_done(page: &LessonPage) -> usize {
    let from_url = page.step.map_or(0, |step| step - 1);
    let saved = page.saved_as().and_then(saved_done).unwrap_or(0);
    let steps = page.lesson.as_ref().map_or(0, |l| l.steps.len());
    from_url.max(saved).min(steps)
}

/// Records that `done` steps are done: in the saved session and in the URL (`step=`), so a
/// reload or a share link opens at the same place.
pub fn save_progress(page: &LessonPage, done: usize) {
    if let Some(name) = page.saved_as()
        && let Ok(mut saved) = LocalStorage::get::<Saved>(key(name))
    {
        saved.done = done;
        let _ = LocalStorage::set(key(name), saved);
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    params.set("step", &(done + 1).to_string());
    let url = format!(
        "{}?{}{}",
        location.pathname().unwrap_or_default(),
        String::from(params.to_string()),
        location.hash().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::Line;

    #[test]
    fn resolves_what_the_url_asks_for() {
        let page = LessonPage::resolve(Some("002-running-at-scale"), None, false, Some("2"), false);
        assert_eq!(
            page.lesson.as_ref().map(|l| l.title.as_str()),
            Some("Running at Scale")
        );
        assert_eq!(page.step, Some(2));
        assert_eq!(page.saved_as(), Some("002-running-at-scale"));
        let unknown = LessonPage::resolve(Some("nope"), None, false, None, false);
        assert!(unknown.lesson.is_none() && unknown.index);
        assert_eq!(
            unknown.problem.as_deref(),
            Some("There is no lesson called \"nope\".")
        );
        let host = LessonPage::resolve(None, Some("002-running-at-scale"), false, None, true);
        assert!(!host.shows_panel() && host.start.is_some() && host.saved_as().is_none());
        assert!(!LessonPage::resolve(None, None, false, Some("x"), false).shows_panel());
    }

    #[test]
    fn a_lesson_playground_starts_from_its_start_state() {
        let lesson = catalog::find("002-running-at-scale")
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("not shipped"));
        let mut playground =
            lesson_playground(&lesson, 1_748_859_300).unwrap_or_else(|e| panic!("{e}"));
        let (lines, _) = playground.run("kubectl -n dev get deployment demo -o name");
        assert_eq!(
            lines.last(),
            Some(&Line::Out("deployment.apps/demo".into()))
        );
        // The start state is made of ordinary actions: a reload replays it.
        let replayed = Playground::replay(playground.settings.clone(), playground.actions())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            replayed.terminal.cluster.api.store.resource_version(),
            playground.terminal.cluster.api.store.resource_version()
        );
    }
}
