//! The playground's state without any UI: a terminal over a simulated cluster, and the log
//! of what the learner did (applies, commands, time advanced), from which the same state can
//! be rebuilt — after a reload or from a share link.

use std::collections::VecDeque;

use kubeplay_kubectl::{Foreground, Started, Terminal};
use kubeplay_model::manifest::{ManifestError, decode_documents};
use kubeplay_shell::limits::MAX_INPUT_BYTES;
use kubeplay_shell::{Chunk, Stream};
use kubeplay_sim::{Advance, CLUSTER_AGE_MS, ClusterShape, SystemObjects, create_empty_cluster};
use serde::{Deserialize, Serialize};

/// The clusters the playground can start from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preset {
    Kind,
    KindMulti,
    /// A pasted kind `Cluster` config.
    Config(String),
}

impl Preset {
    pub fn shape(&self) -> Result<ClusterShape, String> {
        match self {
            Preset::Kind => Ok(ClusterShape::kind()),
            Preset::KindMulti => Ok(ClusterShape::kind_multi()),
            Preset::Config(text) => ClusterShape::from_kind_config(text).map_err(|e| e.to_string()),
        }
    }
}

/// Everything that decides how a playground starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub seed: u64,
    pub preset: Preset,
    /// Virtual wall-clock time (Unix seconds) when the learner's first action ran.
    pub start_second: i64,
}

/// One thing the learner did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Apply(String),
    Command(String),
    Advance(u64),
    /// Ctrl+C on the command running in the foreground.
    Interrupt,
    /// The YAML editor's text saved for a `kubectl edit` typed in the terminal.
    Edit {
        command: String,
        text: String,
    },
}

/// A `kubectl edit` open in the YAML editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditSession {
    /// The command line as typed.
    pub command: String,
    /// Its arguments after `edit`.
    pub args: Vec<String>,
    /// What the editor shows: kubectl's header and the object (or the reopened file).
    pub text: String,
}

/// One line of terminal history, as the terminal panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// The command as it ran, every line of it (a pasted heredoc block stays whole).
    Prompt(String),
    Out(String),
    Err(String),
}

/// Where the editor should point at a YAML problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What the Apply button reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyOutcome {
    pub lines: Vec<Line>,
    pub problem: Option<YamlProblem>,
}

/// Limits that keep a page responsive whatever is pasted or replayed.
const MAX_ACTIONS: usize = 5_000;
const MAX_HISTORY_LINES: usize = 5_000;

pub struct Playground {
    pub settings: Settings,
    pub terminal: Terminal,
    actions: Vec<Action>,
    /// Whole entries (a prompt and its output); the oldest go first past the limit.
    pub history: Vec<Line>,
    /// Lines dropped from the start of `history` to keep it under the limit.
    pub trimmed_lines: usize,
    history_version: u64,
    /// The command line waiting in virtual time (`sleep`, `get -w`, …); time passing drives it.
    foreground: Option<Foreground>,
    /// Pasted command lines that run once the foreground one ends.
    queued: VecDeque<String>,
    /// A `kubectl edit` waiting in the YAML editor.
    edit: Option<EditSession>,
    /// Changes whenever `edit` does (the editor panel follows it).
    edit_version: u64,
    /// Whether the page shows the YAML editor, which `kubectl edit` opens.
    pub page_editor: bool,
    /// What is left of the cluster's boot (see [`Playground::starting`]).
    boot: Option<Boot>,
}

/// The steps of a cluster's boot still to take.
enum Boot {
    /// Its nodes, system objects and static pods are being written, a step per look at the
    /// budget (a document of the system manifest is one step).
    Writing(Box<SystemObjects>),
    /// It has not yet lived its `CLUSTER_AGE_MS`.
    Aging,
}

fn lines_of(chunks: Vec<Chunk>) -> Vec<Line> {
    let mut lines = Vec::new();
    for chunk in chunks {
        for text in chunk.text.lines() {
            lines.push(match chunk.stream {
                Stream::Stdout => Line::Out(text.to_string()),
                Stream::Stderr => Line::Err(text.to_string()),
                Stream::Repaint => continue,
            });
        }
    }
    lines
}

/// What a piece of output leaves on the screen: the lines after its last repaint mark
/// (`watch`'s refresh), and whether there was one — then the command's earlier output
/// goes, as a repainted screen loses it.
fn screen_of(mut chunks: Vec<Chunk>) -> (bool, Vec<Line>) {
    match chunks.iter().rposition(|c| c.stream == Stream::Repaint) {
        Some(mark) => (true, lines_of(chunks.split_off(mark + 1))),
        None => (false, lines_of(chunks)),
    }
}

impl Playground {
    pub fn new(settings: Settings) -> Result<Playground, String> {
        let mut playground = Playground::starting(settings)?;
        playground.finish_boot();
        Ok(playground)
    }

    /// A playground whose cluster is not booted yet: writing its objects and the
    /// `CLUSTER_AGE_MS` a fresh kind cluster has lived when the learner's first command runs
    /// are left to [`Playground::boot_within`], so the page can show its terminal first and
    /// boot the cluster a slice at a time. Whatever the learner does first finishes the boot,
    /// so a command typed meanwhile meets the same booted cluster as [`Playground::new`]'s.
    pub fn starting(settings: Settings) -> Result<Playground, String> {
        let shape = settings.preset.shape()?;
        let start =
            jiff::Timestamp::from_second(settings.start_second).map_err(|e| e.to_string())?;
        let cluster = create_empty_cluster(&shape, start, settings.seed);
        Ok(Playground {
            settings,
            terminal: Terminal::new(cluster, Box::new(|_| None)),
            actions: Vec::new(),
            history: Vec::new(),
            trimmed_lines: 0,
            history_version: 0,
            foreground: None,
            queued: VecDeque::new(),
            edit: None,
            edit_version: 0,
            page_editor: true,
            boot: Some(Boot::Writing(Box::new(SystemObjects::new(shape)))),
        })
    }

    /// Whether the cluster is still booting.
    pub fn booting(&self) -> bool {
        self.boot.is_some()
    }

    /// Boots the cluster further, asking `keep_going` now and then whether the caller's slice
    /// of real time allows more; returns whether the cluster is booted. The system objects
    /// are written a step at a time (a document of the system manifest at most); the aging
    /// stops between two instants, and resumed reaches the state of one advance.
    pub fn boot_within(&mut self, keep_going: &mut dyn FnMut() -> bool) -> bool {
        let cluster = &mut self.terminal.cluster;
        if let Some(Boot::Writing(objects)) = &mut self.boot {
            while objects.write_next(cluster) {
                if !keep_going() {
                    return false;
                }
            }
            self.boot = Some(Boot::Aging);
        }
        if self.boot.is_some()
            && let Advance::Reached = cluster.advance_to_within(CLUSTER_AGE_MS, keep_going)
        {
            self.boot = None;
        }
        self.boot.is_none()
    }

    /// Boots the rest of the cluster at once.
    pub fn finish_boot(&mut self) {
        self.boot_within(&mut || true);
    }

    /// Rebuilds a playground by replaying `actions`.
    pub fn replay(settings: Settings, actions: &[Action]) -> Result<Playground, String> {
        let mut playground = Playground::new(settings)?;
        for action in actions.iter().take(MAX_ACTIONS) {
            match action {
                Action::Apply(yaml) => {
                    playground.apply(yaml);
                }
                Action::Command(line) => {
                    playground.run(line);
                }
                Action::Advance(ms) => playground.advance(*ms),
                Action::Interrupt => playground.interrupt(),
                Action::Edit { command, text } => {
                    playground.save_edit_of(command, text);
                }
            }
        }
        Ok(playground)
    }

    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    fn record(&mut self, action: Action) {
        if let (Action::Advance(more), Some(Action::Advance(total))) =
            (&action, self.actions.last_mut())
        {
            *total += more;
            return;
        }
        if self.actions.len() < MAX_ACTIONS {
            self.actions.push(action);
        }
    }

    /// Changes whenever the terminal history does.
    pub fn history_version(&self) -> u64 {
        self.history_version
    }

    fn push_history(&mut self, lines: Vec<Line>) {
        self.history_version += 1;
        self.history.extend(lines);
        let excess = self.history.len().saturating_sub(MAX_HISTORY_LINES);
        if excess == 0 {
            return;
        }
        // Trim whole entries, so no command loses its prompt or table header; the newest
        // entry stays whole however long it is.
        let is_prompt = |line: &Line| matches!(line, Line::Prompt(_));
        let cut = self.history[excess..]
            .iter()
            .position(is_prompt)
            .map(|offset| excess + offset)
            .or_else(|| self.history.iter().rposition(is_prompt))
            .unwrap_or(0);
        self.history.drain(..cut);
        self.trimmed_lines += cut;
    }

    /// Shows what the foreground command printed since the last frame; a repaint first
    /// takes the command's earlier output away, back to its prompt.
    fn show(&mut self, chunks: Vec<Chunk>) {
        let (repaint, lines) = screen_of(chunks);
        if repaint
            && let Some(prompt) = self
                .history
                .iter()
                .rposition(|line| matches!(line, Line::Prompt(_)))
        {
            self.history.truncate(prompt + 1);
            self.history_version += 1;
        }
        if !lines.is_empty() {
            self.push_history(lines);
        }
    }

    fn clear_history(&mut self) {
        self.history_version += 1;
        self.history.clear();
        self.trimmed_lines = 0;
    }

    /// `kubectl apply -f -` with the editor's text. A YAML syntax error is pointed out where it
    /// is; as with kubectl, the documents before it are still applied.
    pub fn apply(&mut self, yaml: &str) -> ApplyOutcome {
        self.finish_boot();
        self.record(Action::Apply(yaml.to_string()));
        let problem =
            decode_documents(yaml, "STDIN")
                .into_iter()
                .find_map(|document| match document {
                    Err(
                        error @ ManifestError::Yaml {
                            absolute_line,
                            column,
                            ..
                        },
                    ) => Some(YamlProblem {
                        line: absolute_line,
                        column,
                        message: format!(
                            "error: error parsing STDIN: error converting YAML to JSON: {error}"
                        ),
                    }),
                    _ => None,
                });
        let output = self.terminal.kubectl(&["apply", "-f", "-"], yaml);
        let mut lines = vec![Line::Prompt(
            "kubectl apply -f -   # from the editor".into(),
        )];
        lines.extend(lines_of(output.chunks));
        self.push_history(lines.clone());
        ApplyOutcome { lines, problem }
    }

    /// Runs a terminal command (possibly several lines, e.g. a pasted heredoc). A command that
    /// waits in virtual time keeps running in the foreground (see [`Playground::busy`]) while
    /// time passes; commands typed meanwhile run after it.
    pub fn run(&mut self, command: &str) -> (Vec<Line>, bool) {
        self.finish_boot();
        if self.foreground.is_some() {
            self.queued.push_back(command.to_string());
            return (Vec::new(), false);
        }
        if command.len() > MAX_INPUT_BYTES {
            // Neither run, shown whole, nor saved: it would fill the page and the saved state.
            let first_line = command.lines().next().unwrap_or_default();
            let shown: String = first_line.chars().take(80).collect();
            let lines = vec![
                Line::Prompt(format!("{shown} …")),
                Line::Err(format!(
                    "kubeplay: a command or pasted script may be at most {MAX_INPUT_BYTES} bytes; this one is {} bytes",
                    command.len()
                )),
            ];
            self.push_history(lines.clone());
            return (lines, false);
        }
        if let Some(args) = self.page_edit_args(command) {
            return (self.open_edit(command, args), false);
        }
        self.record(Action::Command(command.to_string()));
        let mut lines = vec![Line::Prompt(command.trim_end_matches('\n').to_string())];
        let execution = match self.terminal.start(command) {
            Started::Finished(execution) => execution,
            Started::Waiting(mut foreground) => {
                // Whatever it prints at once (the first table of `get -w`) shows now.
                let slice = self
                    .terminal
                    .drive(&mut foreground, self.terminal.cluster.now_ms());
                lines.extend(screen_of(slice.output).1);
                if slice.finished.is_none() {
                    self.foreground = Some(foreground);
                }
                self.push_history(lines.clone());
                return (lines, false);
            }
        };
        lines.extend(screen_of(execution.output).1);
        if execution.clear_screen {
            self.clear_history();
        } else {
            self.push_history(lines.clone());
        }
        (lines, execution.clear_screen)
    }

    /// `kubectl edit ARGS` typed as a plain command while the page shows its YAML editor
    /// and no `KUBE_EDITOR`/`EDITOR` is set: the page's editor is kubectl's editor.
    fn page_edit_args(&self, command: &str) -> Option<Vec<String>> {
        if !self.page_editor
            || command.contains(['|', ';', '&', '<', '>', '$', '`', '"', '\'', '\n'])
        {
            return None;
        }
        let shell = self.terminal.shell();
        if ["KUBE_EDITOR", "EDITOR"]
            .iter()
            .any(|name| shell.variable(name).is_some_and(|v| !v.is_empty()))
        {
            return None;
        }
        let words: Vec<&str> = command.split_whitespace().collect();
        match words.as_slice() {
            ["kubectl" | "k", "edit", rest @ ..] => {
                Some(rest.iter().map(|w| (*w).to_string()).collect())
            }
            _ => None,
        }
    }

    /// Opens the object in the YAML editor (nothing changes until it is saved).
    fn open_edit(&mut self, command: &str, args: Vec<String>) -> Vec<Line> {
        let mut lines = vec![Line::Prompt(command.to_string())];
        match self.terminal.edit_document(&args) {
            Ok(text) => {
                lines.push(Line::Out(
                    "Editing in the YAML editor: Save edit (Ctrl+Enter) or Cancel.".into(),
                ));
                self.edit = Some(EditSession {
                    command: command.to_string(),
                    args,
                    text,
                });
                self.edit_version += 1;
            }
            Err(output) => lines.extend(lines_of(output.chunks)),
        }
        self.push_history(lines.clone());
        lines
    }

    /// The `kubectl edit` open in the editor, and a counter that moves when it changes.
    pub fn edit(&self) -> (u64, Option<&EditSession>) {
        (self.edit_version, self.edit.as_ref())
    }

    /// Saves the editor's text for the open `kubectl edit`: the edit ends, or reopens with
    /// kubectl's reasons in its header.
    pub fn save_edit(&mut self, text: &str) -> Vec<Line> {
        let Some(command) = self.edit.as_ref().map(|e| e.command.clone()) else {
            return Vec::new();
        };
        self.save_edit_of(&command, text)
    }

    fn save_edit_of(&mut self, command: &str, text: &str) -> Vec<Line> {
        self.finish_boot();
        self.record(Action::Edit {
            command: command.to_string(),
            text: text.to_string(),
        });
        let args: Vec<String> = command
            .split_whitespace()
            .skip(2)
            .map(str::to_string)
            .collect();
        let (output, reopen) = self.terminal.save_edit(&args, text);
        let mut lines = vec![Line::Prompt(format!("{command}   # saved from the editor"))];
        lines.extend(lines_of(output.chunks));
        self.push_history(lines.clone());
        self.edit = reopen.map(|text| EditSession {
            command: command.to_string(),
            args,
            text,
        });
        self.edit_version += 1;
        lines
    }

    /// Closes the open `kubectl edit` without saving, as quitting the editor unchanged does.
    pub fn cancel_edit(&mut self) -> Vec<Line> {
        let Some(edit) = self.edit.take() else {
            return Vec::new();
        };
        self.edit_version += 1;
        let lines = vec![
            Line::Prompt(format!("{}   # cancelled in the editor", edit.command)),
            Line::Err("Edit cancelled, no changes made.".into()),
        ];
        self.push_history(lines.clone());
        lines
    }

    /// Advances virtual time, driving the foreground command if one is running.
    pub fn advance(&mut self, ms: u64) {
        self.finish_boot();
        self.advance_within(ms, &mut || true);
    }

    /// Advances virtual time by up to `ms` as [`Playground::advance`] does, asking
    /// `keep_going` now and then whether the caller's slice of real time (the page's frame)
    /// allows more; returns how far time moved. When it stops early, everything up to the
    /// current instant has happened and only that much is recorded, so a replay (which
    /// advances the sum at once) reaches the same state: a stop falls between two instants,
    /// where splitting an advance changes nothing.
    /// While the cluster boots, the learner's time has not begun: nothing moves.
    pub fn advance_within(&mut self, ms: u64, keep_going: &mut dyn FnMut() -> bool) -> u64 {
        if self.booting() || (ms == 0 && self.foreground.is_none()) {
            return 0;
        }
        let start = self.terminal.cluster.now_ms();
        let target = start.saturating_add(ms);
        let finished = match self.foreground.take() {
            None => {
                self.terminal.cluster.advance_to_within(target, keep_going);
                false
            }
            Some(mut foreground) => {
                let slice = self
                    .terminal
                    .drive_within(&mut foreground, target, keep_going);
                self.show(slice.output);
                match slice.finished {
                    None => {
                        self.foreground = Some(foreground);
                        false
                    }
                    Some(_) => {
                        // The rest of the frame's time passes after the command ended.
                        self.terminal.cluster.advance_to_within(target, keep_going);
                        true
                    }
                }
            }
        };
        let moved = self.terminal.cluster.now_ms().saturating_sub(start);
        // Recorded before the queued commands run, as they were typed after it.
        if moved > 0 || finished {
            self.record(Action::Advance(moved));
        }
        if finished {
            self.run_queued();
        }
        moved
    }

    /// Ctrl+C: stops the foreground command (`^C`, `$?` 130) and drops what was queued.
    pub fn interrupt(&mut self) {
        let Some(foreground) = self.foreground.take() else {
            return;
        };
        self.record(Action::Interrupt);
        self.queued.clear();
        let slice = self.terminal.interrupt(foreground);
        self.show(slice.output);
    }

    /// Whether a command is running in the foreground.
    pub fn busy(&self) -> bool {
        self.foreground.is_some()
    }

    fn run_queued(&mut self) {
        while self.foreground.is_none()
            && let Some(command) = self.queued.pop_front()
        {
            self.run(&command);
        }
    }

    /// Milliseconds until the next scheduled change, if any.
    pub fn next_change_in(&self) -> Option<u64> {
        let cluster = &self.terminal.cluster;
        cluster
            .next_change_at()
            .map(|at| at.saturating_sub(cluster.now_ms()))
    }

    /// The virtual time; while the cluster boots, the time its boot ends at (the learner's
    /// time begins there).
    pub fn now(&self) -> jiff::Timestamp {
        let clock = &self.terminal.cluster.api.clock;
        if !self.booting() {
            return clock.now();
        }
        let rest = CLUSTER_AGE_MS.saturating_sub(clock.now_ms());
        clock
            .now()
            .checked_add(jiff::SignedDuration::from_millis(rest as i64))
            .unwrap_or(clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: demo\n  template:\n    metadata:\n      labels:\n        app: demo\n    spec:\n      containers:\n      - name: demo\n        image: demo:1.0.0\n";

    fn settings() -> Settings {
        Settings {
            seed: 9,
            preset: Preset::Kind,
            start_second: 1_748_859_300,
        }
    }

    #[test]
    fn replay_reproduces_the_state() {
        let mut playground = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        playground.apply(DEMO);
        playground.advance(20_000);
        playground.advance(10_000);
        playground.run("kubectl scale deployment demo --replicas=5");
        assert_eq!(playground.actions().len(), 3);
        let (a, _) = playground.run("kubectl get pods");
        let mut replayed = Playground::replay(settings(), &playground.actions()[..3])
            .unwrap_or_else(|e| panic!("{e}"));
        let (b, _) = replayed.run("kubectl get pods");
        assert_eq!(a, b);
    }

    /// Frames that run out of their slice stop between two instants and go on at the next:
    /// the playground ends where one unsliced advance ends, a waiting command prints the same,
    /// and the actions recorded (only the time that passed) replay to the same state.
    #[test]
    fn sliced_advances_reach_the_state_of_one_advance() {
        let script = |p: &mut Playground, advance: &mut dyn FnMut(&mut Playground, u64)| {
            p.apply(DEMO);
            p.run("kubectl scale deployment demo --replicas=80");
            p.run("kubectl rollout status deployment/demo");
            p.run("kubectl get pods --no-headers | wc -l");
            advance(p, 90_000);
            p.run("kubectl get deployment demo");
            p.run("kubectl get events --no-headers | wc -l");
            advance(p, 5_000);
        };
        let mut whole = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        script(&mut whole, &mut |p, ms| p.advance(ms));
        let mut sliced = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        let mut cut_short = 0;
        script(&mut sliced, &mut |p, ms| {
            // Frames of 5 s whose slice is spent at the first look at the budget.
            let mut owed = ms;
            while owed > 0 {
                let frame = owed.min(5_000);
                let moved = p.advance_within(frame, &mut || false);
                cut_short += usize::from(moved < frame);
                owed -= moved;
            }
        });
        assert!(
            cut_short >= 2,
            "only {cut_short} frames ran out of their slice"
        );
        let state = "kubectl get pods,replicasets,deployments,events -A -o yaml";
        let mut replayed =
            Playground::replay(settings(), sliced.actions()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sliced.history, whole.history);
        assert_eq!(replayed.history, whole.history);
        let expected = whole.run(state);
        assert_eq!(sliced.run(state), expected);
        assert_eq!(replayed.run(state), expected);
    }

    #[test]
    fn a_boot_in_slices_reaches_the_cluster_of_one_boot() {
        let state = "kubectl get nodes,pods,daemonsets,deployments,replicasets,events -A -o yaml";
        let mut whole = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        let mut sliced = Playground::starting(settings()).unwrap_or_else(|e| panic!("{e}"));
        assert!(sliced.booting());
        assert_eq!(
            sliced.now(),
            whole.now(),
            "the clock shows where the boot ends"
        );
        let mut slices = 0;
        // Every slice is spent at its first look at the budget.
        while !sliced.boot_within(&mut || false) {
            slices += 1;
            assert_eq!(
                sliced.advance_within(1_000, &mut || true),
                0,
                "no time of the learner's passes while booting"
            );
        }
        assert!(slices >= 2, "the boot took {slices} slices");
        assert!(sliced.actions().is_empty());
        assert_eq!(sliced.now(), whole.now());
        assert_eq!(sliced.run(state), whole.run(state));
    }

    #[test]
    fn a_command_typed_while_the_cluster_boots_meets_the_booted_cluster() {
        let mut whole = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        let mut starting = Playground::starting(settings()).unwrap_or_else(|e| panic!("{e}"));
        starting.boot_within(&mut || false);
        assert!(starting.booting());
        let command = "kubectl get pods -A -o wide";
        assert_eq!(starting.run(command), whole.run(command));
        assert!(!starting.booting());
        assert_eq!(starting.history, whole.history);
    }

    #[test]
    fn an_oversized_paste_is_refused_and_not_saved() {
        let mut playground = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        let paste = format!("echo start\n{}", "x".repeat(MAX_INPUT_BYTES));
        let (lines, _) = playground.run(&paste);
        assert_eq!(
            lines,
            vec![
                Line::Prompt("echo start …".into()),
                Line::Err(format!(
                    "kubeplay: a command or pasted script may be at most 1048576 bytes; this one is {} bytes",
                    paste.len()
                )),
            ]
        );
        assert!(playground.actions().is_empty());
    }

    #[test]
    fn waiting_commands_run_while_time_passes_and_stop_on_interrupt() {
        let mut playground = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        playground.run("sleep 3600");
        playground.run("echo after");
        assert!(playground.busy());
        playground.advance(1_000_000);
        assert!(playground.busy(), "a third of the hour has passed");
        playground.advance(3_000_000);
        assert!(!playground.busy());
        assert_eq!(
            playground.history.last(),
            Some(&Line::Out("after".into())),
            "the queued command ran once the sleep ended"
        );
        playground.apply(DEMO);
        playground.run("kubectl get pods -w");
        assert!(playground.busy());
        playground.advance(30_000);
        playground.interrupt();
        assert!(!playground.busy());
        assert_eq!(playground.history.last(), Some(&Line::Out("^C".into())));
        let (lines, _) = playground.run("echo $?");
        assert_eq!(lines.last(), Some(&Line::Out("130".into())));
        // The same actions rebuild the same history.
        let replayed =
            Playground::replay(settings(), playground.actions()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(replayed.history, playground.history);
    }

    #[test]
    fn watch_repaints_its_frame_until_interrupted() {
        let mut playground = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        playground.run("echo before");
        playground.run("watch -n 1 'echo tick; date +%S'");
        assert!(playground.busy());
        let frame_of = |playground: &Playground| -> Vec<Line> {
            let prompt = playground
                .history
                .iter()
                .rposition(|line| matches!(line, Line::Prompt(_)))
                .unwrap_or_default();
            playground.history[prompt + 1..].to_vec()
        };
        let first = frame_of(&playground);
        for _ in 0..5 {
            playground.advance(1_000);
        }
        let frame = frame_of(&playground);
        // One header, a blank line, the output: the earlier frames are gone.
        assert_eq!(frame.len(), 4, "{frame:?}");
        assert!(
            matches!(&frame[0], Line::Out(h) if h.starts_with("Every 1.0s: echo tick; date +%S"))
        );
        assert_eq!(frame[2], Line::Out("tick".into()));
        assert_ne!(frame, first, "the seconds moved on");
        assert!(playground.history.contains(&Line::Out("before".into())));
        playground.interrupt();
        assert_eq!(playground.history.last(), Some(&Line::Out("^C".into())));
        assert_eq!(
            frame_of(&playground).len(),
            5,
            "the last frame stays, then ^C"
        );
        let replayed =
            Playground::replay(settings(), playground.actions()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(replayed.history, playground.history);
    }

    #[test]
    fn yaml_errors_point_at_their_line_and_apply_nothing() {
        let mut playground = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        let outcome =
            playground.apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n");
        assert_eq!(outcome.problem.as_ref().map(|p| p.line), Some(5));
        let (lines, _) = playground.run("kubectl get pods");
        assert_eq!(
            lines.last(),
            Some(&Line::Err(
                "No resources found in default namespace.".into()
            ))
        );
    }

    #[test]
    fn a_pasted_block_shows_whole_and_blank_lines_stay() {
        let mut playground = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        let block = "cat <<EOF | kubectl apply -f -\n".to_string() + DEMO + "EOF\n";
        let (lines, _) = playground.run(&block);
        assert_eq!(lines[0], Line::Prompt(block.trim_end().to_string()));
        let (lines, _) = playground.run("kubectl get deployments,replicasets");
        assert!(lines.contains(&Line::Out(String::new())), "{lines:?}");
    }

    #[test]
    fn history_drops_whole_entries_and_counts_what_went() {
        let mut playground = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        while playground.trimmed_lines == 0 {
            playground.run("kubectl get pods -A -o yaml");
        }
        assert!(matches!(playground.history.first(), Some(Line::Prompt(_))));
        assert!(playground.history.len() <= MAX_HISTORY_LINES);
        // One entry longer than the limit stays whole.
        let long: String = (0..MAX_HISTORY_LINES + 10)
            .map(|i| format!("{i}\n"))
            .collect();
        playground.run(&format!("cat <<EOF\n{long}EOF"));
        assert!(matches!(playground.history.first(), Some(Line::Prompt(_))));
        assert_eq!(playground.history.len(), MAX_HISTORY_LINES + 11);
    }
}

#[cfg(test)]
mod edit_tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            seed: 3,
            preset: Preset::Kind,
            start_second: 1_750_000_000,
        }
    }

    #[test]
    fn kubectl_edit_opens_the_editor_and_saving_replays() {
        let mut playground = Playground::new(settings()).unwrap_or_else(|e| panic!("{e}"));
        playground.run("kubectl create deployment web --image=nginx:1.27");
        playground.run("kubectl edit deployment/web");
        let (_, open) = playground.edit();
        let text = open.map(|e| e.text.clone()).unwrap_or_default();
        assert!(
            text.starts_with("# Please edit the object below."),
            "{text}"
        );
        assert!(text.contains("  replicas: 1\n"));
        // An invalid edit reopens with the reasons in the header.
        let lines = playground.save_edit(&text.replace("  replicas: 1\n", "  replicas: -1\n"));
        assert!(lines.contains(&Line::Err(
            "error: deployments.apps \"web\" is invalid".into()
        )));
        let (_, reopened) = playground.edit();
        let reopened = reopened.map(|e| e.text.clone()).unwrap_or_default();
        assert!(
            reopened.contains("# * spec.replicas: Invalid value: -1"),
            "{reopened}"
        );
        let lines = playground.save_edit(&reopened.replace("replicas: -1", "replicas: 3"));
        assert!(lines.contains(&Line::Out("deployment.apps/web edited".into())));
        assert!(playground.edit().1.is_none());
        // The actions rebuild the same cluster.
        let replayed =
            Playground::replay(settings(), playground.actions()).unwrap_or_else(|e| panic!("{e}"));
        let replicas = |p: &Playground| {
            p.terminal
                .cluster
                .api
                .store
                .get(&kubeplay_model::ObjectKey::new(
                    kubeplay_model::Kind::Deployment,
                    "default",
                    "web",
                ))
                .map(|o| o.to_value()["spec"]["replicas"].clone())
        };
        assert_eq!(replicas(&playground), Some(serde_json::json!(3)));
        assert_eq!(replicas(&replayed), replicas(&playground));
        // Cancelling changes nothing.
        playground.run("kubectl edit deployment/web");
        let lines = playground.cancel_edit();
        assert!(lines.contains(&Line::Err("Edit cancelled, no changes made.".into())));
    }
}
