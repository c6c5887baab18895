//! `kubectl edit TYPE NAME` (`editoptions.go` v1.33) where there is no terminal editor: the
//! object, under kubectl's header comment, is written to `/tmp/kubectl-edit-N.yaml` in the
//! shell's files and `KUBE_EDITOR` (else `EDITOR`) — a command such as `sed -i …`, as
//! scripts and CI set it — is run on it by the shell. An unchanged file cancels; a changed
//! one is sent as an update; an invalid one is reopened with the server's reasons in the
//! header, and when the editor changes nothing more, the edit ends as kubectl's does.
//! The page's `kubectl edit` opens its YAML editor instead (see `kubeplay-web`).

use kubeplay_model::manifest::{FieldValidation, ManifestError, decode_documents_with};
use kubeplay_model::{ApiError, Object};
use kubeplay_shell::{Host, Interval, ProgramOutput, Shell, VirtualFs};

use crate::args::{self, Flag, boolean, value};
use crate::errors;
use crate::output::Output;
use crate::printers::object;
use crate::resources;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("output", Some('o')),
    boolean("save-config", None),
    value("validate", None),
    boolean("windows-line-endings", None),
    value("subresource", None),
    value("field-manager", None),
    boolean("show-managed-fields", None),
];

/// The header kubectl writes above the object.
pub const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// kubectl reopens an invalid edit for as long as the editor changes the file; a script's
/// editor that keeps changing it would loop for ever, so kubeplay stops after this many.
const MAX_ROUNDS: usize = 10;

/// Why the last save failed, as the reopened file's header lists it.
struct Reason {
    head: String,
    details: Vec<String>,
}

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "edit") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let keys = match resources::keys(&parsed, stdin, &namespace, session) {
        Ok(keys) => keys,
        Err(error) => return out.error(error),
    };
    let editor = ["KUBE_EDITOR", "EDITOR"]
        .iter()
        .find_map(|name| session.env.get(*name).filter(|v| !v.is_empty()))
        .cloned();
    for key in keys {
        let Some(live) = session.cluster.api.store.get(&key).cloned() else {
            out.error(errors::render(&ApiError::not_found(key.kind, &key.name)));
            continue;
        };
        let Some(editor) = &editor else {
            return out.error("error: kubeplay has no interactive editor in a script; set KUBE_EDITOR (or EDITOR) to a command that edits the file in place, e.g. KUBE_EDITOR=\"sed -i 's/replicas: 1/replicas: 3/'\" kubectl edit deployment/web (the playground page opens its YAML editor instead)");
        };
        if !edit_one(&live, editor, session, out) {
            return;
        }
    }
}

/// The text kubectl opens: its header, then the object as `-o yaml` prints it.
pub fn document(live: &Object) -> String {
    format!("{HEADER}{}", object::yaml(&[live], false))
}

/// Edits one object; false when the command must stop (an error that exits).
fn edit_one(live: &Object, editor: &str, session: &mut Session, out: &mut Output) -> bool {
    let path = temp_path(live, session.now().as_millisecond());
    let original = object::yaml(&[live], false);
    let mut reasons: Vec<Reason> = Vec::new();
    let mut previous: Option<String> = None;
    for _ in 0..MAX_ROUNDS {
        let text = match &previous {
            Some(edited) => reopened(&reasons, edited),
            None => format!("{HEADER}{original}"),
        };
        let edited = match launch(editor, &path, &text, session, out) {
            Ok(edited) => edited,
            Err(error) => {
                out.error(error);
                return false;
            }
        };
        // A reopened file the editor left as it was: kubectl gives up.
        if let Some(previous) = &previous
            && same(previous, &edited)
        {
            out.note(format!(
                "A copy of your changes has been stored to {path:?}"
            ));
            out.error("error: Edit cancelled, no valid changes were saved.");
            return false;
        }
        if let Some(message) = check(&original, &edited) {
            let _ = session.fs.remove(&path);
            out.note(message);
            return true;
        }
        previous = Some(edited.clone());
        match submit(live, &edited, session, out) {
            Submitted::Saved => {
                let _ = session.fs.remove(&path);
                return true;
            }
            Submitted::Reopen(again) => reasons = again,
            Submitted::IdentityChanged => {
                out.note(format!(
                    "A copy of your changes has been stored to {path:?}"
                ));
                out.error("error: At least one of apiVersion, kind and name was changed");
                return false;
            }
            Submitted::Gone => {
                out.error(format!(
                    "The edits you made on deleted resources have been saved to {path:?}"
                ));
                return false;
            }
            Submitted::Retryable => {
                out.error(format!(
                    "You can run `kubectl replace -f {path}` to try this update again."
                ));
                return false;
            }
        }
    }
    out.note(format!(
        "A copy of your changes has been stored to {path:?}"
    ));
    out.error(format!(
        "error: Edit cancelled: the editor was still changing the file after {MAX_ROUNDS} attempts"
    ));
    false
}

/// kubectl's answer to a saved file that needs no update: unchanged, or emptied.
fn check(original: &str, edited: &str) -> Option<&'static str> {
    if same(original, edited) {
        return Some("Edit cancelled, no changes made.");
    }
    if manual_strip(edited).trim().is_empty() {
        return Some("Edit cancelled, saved file was empty.");
    }
    None
}

/// What sending an edited file came to.
enum Submitted {
    /// Stored; `KIND/NAME edited` was printed.
    Saved,
    /// Not valid: the file reopens with these reasons in its header.
    Reopen(Vec<Reason>),
    /// The apiVersion, kind or name was changed.
    IdentityChanged,
    /// The object was deleted meanwhile.
    Gone,
    /// Another error (a conflict): `kubectl replace -f` may retry it.
    Retryable,
}

/// Sends one edited file for `live` (known to differ from it and not to be empty): a
/// syntax error or an invalid object reopens the file; the update is a full PUT of what
/// was saved, carrying the resourceVersion it was read at.
fn submit(live: &Object, edited: &str, session: &mut Session, out: &mut Output) -> Submitted {
    let document = decode_documents_with(edited, "edited", FieldValidation::Strict)
        .into_iter()
        .next();
    let updated = match document {
        Some(Ok(document)) => document.object,
        Some(Err(error)) => {
            return Submitted::Reopen(vec![Reason {
                head: format!("The edited file had a syntax error: {}", syntax(&error)),
                details: Vec::new(),
            }]);
        }
        None => {
            return Submitted::Reopen(vec![Reason {
                head: "The edited file had a syntax error: no object in the file".into(),
                details: Vec::new(),
            }]);
        }
    };
    if updated.kind() != live.kind() || updated.name() != live.name() {
        return Submitted::IdentityChanged;
    }
    let resource = live.kind().qualified_plural();
    match session.cluster.api.update(updated, false) {
        Ok(stored) => {
            out.line(format!("{} edited", object::name(&stored)));
            session.cluster.settle();
            Submitted::Saved
        }
        Err(ApiError::Invalid { causes, .. }) => {
            out.note(format!("error: {resource} {:?} is invalid", live.name()));
            Submitted::Reopen(vec![Reason {
                head: format!("{resource} {:?} was not valid", live.name()),
                details: causes.iter().map(ToString::to_string).collect(),
            }])
        }
        Err(ApiError::NotFound { .. }) => {
            out.note(format!(
                "error: {resource} {:?} could not be found on the server",
                live.name()
            ));
            Submitted::Gone
        }
        Err(error) => {
            out.note(format!(
                "error: {resource} {:?} could not be patched: {error}",
                live.name()
            ));
            Submitted::Retryable
        }
    }
}

/// The text a reopened edit shows: the header with `reasons`, then the edited object.
fn reopened(reasons: &[Reason], edited: &str) -> String {
    format!("{}{}", header(reasons), manual_strip(edited))
}

/// `kubectl edit ARGS` in the page: the object to open in the YAML editor, with kubectl's
/// header, or what kubectl answers when there is none.
pub fn page_document(args: &[String], session: &mut Session) -> Result<(Object, String), Output> {
    let mut out = Output::default();
    let parsed = match args::parse(args, FLAGS, "edit") {
        Ok(parsed) => parsed,
        Err(error) => {
            out.error(error);
            return Err(out);
        }
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let keys = match resources::keys(&parsed, "", &namespace, session) {
        Ok(keys) => keys,
        Err(error) => {
            out.error(error);
            return Err(out);
        }
    };
    let Some(key) = keys.first() else {
        out.error(resources::NO_RESOURCES);
        return Err(out);
    };
    match session.cluster.api.store.get(key).cloned() {
        Some(live) => {
            let text = format!("{HEADER}{}", object::yaml(&[&live], false));
            Ok((live, text))
        }
        None => {
            out.error(errors::render(&ApiError::not_found(key.kind, &key.name)));
            Err(out)
        }
    }
}

/// Saves the page editor's text for `kubectl edit ARGS`: prints what kubectl prints and,
/// when the file must reopen (a syntax error, an invalid object), returns its new text.
pub fn page_save(args: &[String], edited: &str, session: &mut Session) -> (Output, Option<String>) {
    let (live, original) = match page_document(args, session) {
        Ok(found) => found,
        Err(out) => return (out, None),
    };
    let mut out = Output::default();
    if let Some(message) = check(&original, edited) {
        out.note(message);
        return (out, None);
    }
    match submit(&live, edited, session, &mut out) {
        Submitted::Saved => (out, None),
        Submitted::Reopen(reasons) => (out, Some(reopened(&reasons, edited))),
        Submitted::IdentityChanged => {
            out.error("error: At least one of apiVersion, kind and name was changed");
            (out, None)
        }
        Submitted::Gone | Submitted::Retryable => {
            out.error("error: the edit was not saved; run kubectl edit again to start from the live object");
            (out, None)
        }
    }
}

/// The header, then each reason (`# deployments.apps "web" was not valid:` and its causes).
fn header(reasons: &[Reason]) -> String {
    let mut text = HEADER.to_string();
    for reason in reasons {
        let colon = if reason.details.is_empty() { "" } else { ":" };
        text.push_str(&format!("# {}{colon}\n", hash_line_breaks(&reason.head)));
        for detail in &reason.details {
            text.push_str(&format!("# * {}\n", hash_line_breaks(detail)));
        }
        text.push_str("#\n");
    }
    text
}

fn hash_line_breaks(text: &str) -> String {
    text.replace('\n', "\n# ")
}

fn syntax(error: &ManifestError) -> String {
    match error {
        ManifestError::Yaml { .. } => format!("error converting YAML to JSON: {error}"),
        other => other.to_string(),
    }
}

/// Writes the file, runs the editor on it through the shell, and reads it back.
fn launch(
    editor: &str,
    path: &str,
    text: &str,
    session: &mut Session,
    out: &mut Output,
) -> Result<String, String> {
    session
        .fs
        .write(path, text)
        .map_err(|e| format!("error: {e}"))?;
    let mut shell = Shell::for_script(session.fs.clone(), &session.env);
    let execution = shell.execute(&format!("{editor} {path}"), &mut EditorHost);
    for chunk in execution.output {
        match chunk.stream {
            kubeplay_shell::Stream::Stdout => out.out(chunk.text),
            kubeplay_shell::Stream::Stderr => out.note(chunk.text.trim_end_matches('\n')),
            kubeplay_shell::Stream::Repaint => {}
        }
    }
    if execution.status != 0 {
        return Err(format!(
            "error: there was a problem with the editor {:?}",
            editor_args(editor)
        ));
    }
    let edited = shell.fs().read(path).unwrap_or_default().to_string();
    session
        .fs
        .write(path, &edited)
        .map_err(|e| format!("error: {e}"))?;
    Ok(edited)
}

/// `Editor.Args` as `%q` prints it: the editor's words, or the shell running it.
fn editor_args(editor: &str) -> String {
    let words: Vec<String> = if !editor.contains(' ') {
        vec![editor.to_string()]
    } else if !editor.contains(['"', '\'', '\\']) {
        editor.split(' ').map(str::to_string).collect()
    } else {
        vec!["/bin/bash".into(), "-c".into(), editor.to_string()]
    };
    format!(
        "[{}]",
        words
            .iter()
            .map(|w| format!("{w:?}"))
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// The editor runs with the shell's utilities only (no kubectl inside an editor).
struct EditorHost;

impl Host for EditorHost {
    fn run(&mut self, _: &[String], _: &str, _: &mut VirtualFs) -> Option<ProgramOutput> {
        None
    }

    fn sleep(&mut self, _: Interval, _: &mut VirtualFs) -> ProgramOutput {
        ProgramOutput {
            chunks: Vec::new(),
            status: 0,
        }
    }
}

/// Whether two files hold the same object once comments are stripped (`StripComments`
/// compares them as JSON, so layout does not count).
fn same(a: &str, b: &str) -> bool {
    match (as_json(a), as_json(b)) {
        (Some(a), Some(b)) => a == b,
        _ => manual_strip(a) == manual_strip(b),
    }
}

fn as_json(text: &str) -> Option<serde_json::Value> {
    serde_norway::from_str::<serde_json::Value>(&manual_strip(text)).ok()
}

/// `ManualStrip`: drops the lines that are comments (`#`, but not `#!`).
fn manual_strip(text: &str) -> String {
    text.split_inclusive('\n')
        .filter(|line| {
            let trimmed = line.trim();
            !trimmed.starts_with('#') || trimmed.starts_with("#!")
        })
        .collect()
}

/// `/tmp/kubectl-edit-N.yaml`; N stands in for `os.CreateTemp`'s random number.
fn temp_path(object: &Object, millis: i64) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in object.uid().bytes().chain(millis.to_le_bytes()) {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    format!("/tmp/kubectl-edit-{hash}.yaml")
}
