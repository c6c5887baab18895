//! `kubectl diff -f FILE`: what `apply` would change, as `diff -u -N` of the live object
//! and the object a dry-run apply returns (`diff.go`: both written as YAML to
//! `/tmp/LIVE-N/GROUP.VERSION.KIND.NAMESPACE.NAME` and `/tmp/MERGED-N/…`). Exit status 1
//! when something differs, 0 when nothing does, above 1 on errors.
//! The temporary directories' numbers are derived from the clock and the object (kubectl
//! draws them at random), and the file times are the virtual clock's.

use kubeplay_model::Object;

use super::apply::{ApplyError, apply_one};
use crate::args::{self, Flag, boolean, value};
use crate::errors;
use crate::manifests;
use crate::output::Output;
use crate::printers::object;
use crate::session::Session;
use crate::text::unified_diff;

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    boolean("server-side", None),
    boolean("force-conflicts", None),
    value("field-manager", None),
    boolean("prune", None),
    value("selector", Some('l')),
    boolean("show-managed-fields", None),
    value("concurrency", None),
];

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "diff") {
        Ok(parsed) => parsed,
        Err(error) => {
            // `diff` sets its own flag-error hint (`cmdutil.UsageErrorf`'s form).
            out.error(error.replace(
                "See 'kubectl diff --help' for usage.",
                "See 'kubectl diff -h' for help and examples",
            ));
            return out.exit_with(2);
        }
    };
    let (loaded, failures) = match manifests::load(&parsed.values("filename"), stdin, session) {
        Ok(result) => result,
        Err(error) => {
            out.error(error);
            return out.exit_with(2);
        }
    };
    if !failures.is_empty() {
        for failure in failures {
            out.error(failure);
        }
        return out.exit_with(2);
    }
    let mut differs = false;
    for item in loaded {
        let object = item.document.object;
        let kind = object.kind();
        let namespace = object
            .meta()
            .namespace
            .clone()
            .or_else(|| parsed.value("namespace").map(str::to_string))
            .unwrap_or_else(|| "default".into());
        let live = session.get(kind, &namespace, object.name()).cloned();
        let merged = match apply_one(
            object,
            &item.document.raw,
            parsed.value("namespace"),
            true,
            session,
        ) {
            Ok((merged, _, _)) => merged,
            Err(ApplyError::Api(error, verb)) => {
                out.error(errors::render_for_source(&error, verb, &item.source));
                return out.exit_with(2);
            }
            Err(ApplyError::Message(message)) => {
                out.error(message);
                return out.exit_with(2);
            }
        };
        let live_text = live.as_ref().map(document).unwrap_or_default();
        let merged_text = document(&merged);
        let changes = unified_diff::hunks(&live_text, &merged_text);
        if changes.is_empty() {
            continue;
        }
        differs = true;
        let file = file_name(&merged);
        let seed = seed(&file, session.now().as_millisecond());
        let live_path = format!("/tmp/LIVE-{}/{file}", seed);
        let merged_path = format!(
            "/tmp/MERGED-{}/{file}",
            seed.wrapping_mul(2_654_435_761) % 4_294_967_296
        );
        let now = session.now();
        let when = |exists: bool| {
            if exists {
                format!(
                    "{}.{:03}000000 +0000",
                    now.strftime("%Y-%m-%d %H:%M:%S"),
                    now.subsec_millisecond()
                )
            } else {
                "1970-01-01 00:00:00.000000000 +0000".into()
            }
        };
        out.out(format!(
            "diff -u -N {live_path} {merged_path}\n--- {live_path}\t{}\n+++ {merged_path}\t{}\n{changes}",
            when(live.is_some()),
            when(true)
        ));
    }
    if differs {
        out.exit_with(1);
    }
}

/// The YAML kubectl writes for an object (managed fields are not kept by kubeplay).
fn document(object: &Object) -> String {
    object::yaml(&[object], false)
}

/// `GROUP.VERSION.KIND.NAMESPACE.NAME` (`v1.Service.default.web` for the core group).
fn file_name(object: &Object) -> String {
    let kind = object.kind();
    let prefix = if kind.group().is_empty() {
        kind.info().version.to_string()
    } else {
        format!("{}.{}", kind.group(), kind.info().version)
    };
    let namespace = if kind.namespaced() {
        format!("{}.", object.namespace())
    } else {
        String::new()
    };
    format!("{prefix}.{}.{namespace}{}", kind.name(), object.name())
}

/// A stable stand-in for `os.MkdirTemp`'s random suffix (FNV-1a of the file and time).
fn seed(file: &str, millis: i64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in file.bytes().chain(millis.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash % 4_294_967_296
}
