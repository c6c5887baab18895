//! `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json] [--subresource status|scale]`:
//! the patch goes to the API server's patch (`ApiServer::patch`, the model's patch module),
//! the same code `kubeplay serve` answers a PATCH with.

use kubeplay_model::manifest::FieldValidation;
use kubeplay_model::patch::PatchType;
use kubeplay_sim::patch::PatchTarget;

use crate::args::{self, Flag, value};
use crate::errors;
use crate::output::Output;
use crate::printers::object::name;
use crate::resources;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("patch", Some('p')),
    value("patch-file", None),
    value("type", None),
    value("subresource", None),
    value("dry-run", None),
];

const NO_RESOURCES: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

fn patch_type(flag: Option<&str>) -> Result<PatchType, String> {
    match flag.map(str::to_ascii_lowercase).as_deref() {
        None | Some("strategic") => Ok(PatchType::Strategic),
        Some("merge") => Ok(PatchType::Merge),
        Some("json") => Ok(PatchType::Json),
        Some(_) => Err(format!(
            "error: --type must be one of [json merge strategic], not {:?}",
            flag.unwrap_or_default()
        )),
    }
}

/// The patch as kubectl sends it: YAML or JSON turned into JSON.
fn patch_json(text: &str) -> Result<String, String> {
    serde_norway::from_str::<serde_json::Value>(text)
        .map(|value| value.to_string())
        .map_err(|error| format!("error: unable to parse {text:?}: {error}"))
}

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "patch") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let patch_type = match patch_type(parsed.value("type")) {
        Ok(patch_type) => patch_type,
        Err(error) => return out.error(error),
    };
    let text = match (parsed.value("patch"), parsed.value("patch-file")) {
        (Some(patch), _) => patch.to_string(),
        (None, Some(file)) => match session.read_file(file) {
            Some(text) => text,
            None => return out.error(format!("error: open {file}: no such file or directory")),
        },
        (None, None) => {
            return out.error(
                "error: must specify --patch or --patch-file containing the contents of the patch",
            );
        }
    };
    let body = match patch_json(&text) {
        Ok(body) => body,
        Err(error) => return out.error(error),
    };
    let target = match parsed.value("subresource") {
        None => PatchTarget::Object,
        Some("status") => PatchTarget::Status,
        Some(other) => {
            return out.error(format!(
                "error: invalid subresource value: {other:?}. Must be one of [status]"
            ));
        }
    };
    let dry_run = matches!(parsed.value("dry-run"), Some("server" | "client" | "true"));
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let requests = match resources::parse(&parsed.positional) {
        Ok(requests) if requests.is_empty() => return out.error(NO_RESOURCES),
        Ok(requests) => requests,
        Err(error) => return out.error(error),
    };
    for request in &requests {
        for object_name in &request.names {
            let key = kubeplay_model::ObjectKey::new(request.kind, &namespace, object_name);
            let before = session.cluster.api.store.get(&key).cloned();
            let patched = session.cluster.api.patch(
                &key,
                patch_type,
                &body,
                target,
                // kubectl patch sends no fieldValidation: the server's default (Warn) holds.
                FieldValidation::Warn,
                dry_run,
            );
            match patched {
                Ok(patched) => {
                    for warning in &patched.warnings {
                        out.note(format!("Warning: {warning}"));
                    }
                    let changed = before.as_ref() != Some(&patched.object);
                    // A server dry run prints as a patch (kubectl adds no suffix for it).
                    let suffix = match (parsed.value("dry-run"), changed) {
                        (Some("client" | "true"), _) => " (dry run)",
                        (_, false) => " (no change)",
                        (_, true) => "",
                    };
                    out.line(format!("{} patched{suffix}", name(&patched.object)));
                }
                Err(error) => out.error(errors::render(&error)),
            }
        }
    }
    session.cluster.settle();
}
