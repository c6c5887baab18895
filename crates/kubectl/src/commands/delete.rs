//! `kubectl delete`: by type and name, `TYPE/NAME`, `-f`, `-l` or `--all`; `--cascade`,
//! `--grace-period`, `--force`; then waits (in virtual time) until the objects are gone.

use kubeplay_model::selector::Selector;
use kubeplay_model::{ApiError, ObjectKey};
use kubeplay_sim::clock::Millis;
use kubeplay_sim::{Check, DeleteOptions, Propagation};

use crate::args::{self, Flag, boolean, duration, value};
use crate::errors;
use crate::manifests;
use crate::output::Output;
use crate::resources;
use crate::session::Session;
use crate::waiting::{self, Poll, Wait};

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("selector", Some('l')),
    boolean("all", None),
    boolean("all-namespaces", Some('A')),
    value("cascade", None),
    value("grace-period", None),
    boolean("force", None),
    boolean("now", None),
    value("wait", None),
    boolean("ignore-not-found", None),
    value("output", Some('o')),
    duration("timeout", None),
];

/// How long `delete` waits for objects to disappear before giving up, like `--timeout`.
pub const WAIT_LIMIT_MS: u64 = 5 * 60 * 1000;

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "delete") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let propagation = match parsed.value("cascade") {
        None | Some("background" | "true") => Propagation::Background,
        Some("foreground") => Propagation::Foreground,
        Some("orphan" | "false") => Propagation::Orphan,
        Some(other) => return out.error(format!("error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"")),
    };
    let force = parsed.bool("force");
    let grace = match parsed.value("grace-period").map(str::parse::<i64>) {
        None => {
            if parsed.bool("now") {
                Some(1)
            } else {
                None
            }
        }
        Some(Ok(seconds)) if seconds >= 0 => Some(seconds),
        Some(Ok(_)) => None,
        Some(Err(_)) => return out.error("error: invalid argument for \"--grace-period\" flag"),
    };
    let grace = if force && grace.is_none() {
        Some(0)
    } else {
        grace
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();

    let mut keys: Vec<ObjectKey> = Vec::new();
    // Where each key came from: a `-f` source names itself in errors (`AddSourceToErr`).
    let mut sources: Vec<Option<String>> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    // DeleteOptions.Complete: names and selectors exclude each other, as do --all and -l.
    let names_given = parsed.positional.len() > 1
        || parsed
            .positional
            .first()
            .is_some_and(|arg| arg.contains('/'));
    if parsed.has("selector") && parsed.bool("all") {
        return out.error("error: setting 'all' parameter but found a non empty selector. ");
    }
    if names_given && (parsed.has("selector") || parsed.bool("all")) {
        return out.error("error: name cannot be provided when a selector is specified");
    }
    if parsed.has("filename") {
        match manifests::load(&parsed.values("filename"), stdin, session) {
            Ok((loaded, errors)) => {
                failures.extend(errors);
                for item in loaded {
                    let object = item.document.object;
                    let ns = object
                        .meta()
                        .namespace
                        .clone()
                        .unwrap_or_else(|| namespace.clone());
                    keys.push(ObjectKey::new(object.kind(), &ns, object.name()));
                    sources.push(Some(item.source));
                }
            }
            Err(error) => return out.error(error),
        }
    } else {
        let requests = match resources::parse(&parsed.positional) {
            Ok(requests) if requests.is_empty() => {
                return out.error("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
            }
            Ok(requests) => requests,
            Err(error) => return out.error(error),
        };
        let selector = match parsed.value("selector").map(Selector::parse).transpose() {
            Ok(selector) => selector,
            Err(error) => return out.error(format!("error: {error}")),
        };
        for request in requests {
            if request.names.is_empty() {
                if selector.is_none() && !parsed.bool("all") {
                    return out
                        .error("error: resource(s) were provided, but no name was specified");
                }
                let scope = (!parsed.bool("all-namespaces")).then_some(namespace.as_str());
                let selector = selector.clone().unwrap_or_default();
                keys.extend(
                    session
                        .cluster
                        .api
                        .store
                        .list(request.kind, scope)
                        .filter(|o| selector.matches(o.meta().labels.as_ref()))
                        .map(|o| o.key()),
                );
            } else {
                keys.extend(
                    request
                        .names
                        .iter()
                        .map(|name| ObjectKey::new(request.kind, &namespace, name)),
                );
            }
        }
    }
    if keys.is_empty() && failures.is_empty() {
        out.line("No resources found");
        return;
    }
    if force && grace == Some(0) {
        out.note("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let mut deleted = Vec::new();
    sources.resize(keys.len(), None);
    for (key, source) in keys.into_iter().zip(sources) {
        let options = DeleteOptions {
            propagation: Some(propagation),
            grace_period_seconds: grace,
        };
        let result = if force && grace == Some(0) && key.kind == kubeplay_model::Kind::Pod {
            session
                .cluster
                .api
                .delete(&key, options)
                .inspect(|_object| {
                    session.cluster.api.remove_pod(&key);
                })
        } else {
            session.cluster.api.delete(&key, options)
        };
        match result {
            Ok(object) => {
                let verb = if force && grace == Some(0) {
                    "force deleted"
                } else {
                    "deleted"
                };
                print_deleted(&key, verb, out);
                deleted.push((key, object.uid().to_string()));
            }
            Err(ApiError::NotFound { .. }) if parsed.bool("ignore-not-found") => {}
            Err(error) => failures.push(match &source {
                Some(source) => errors::render_for_source(&error, "deleting", source),
                None => errors::render(&error),
            }),
        }
        session.cluster.settle();
    }
    if parsed.value("wait") == Some("false") {
        for failure in failures {
            out.error(failure);
        }
        return;
    }
    let wait = DeletionWait {
        deleted,
        deadline: session.cluster.now_ms() + WAIT_LIMIT_MS,
        failures,
    };
    waiting::run(Box::new(wait), session, out);
}

/// kubectl's line for one deleted object: `deployment.apps "web" deleted`.
pub(crate) fn print_deleted(key: &ObjectKey, verb: &str, out: &mut Output) {
    out.line(format!(
        "{} {:?} {verb}",
        key.kind.qualified_singular(),
        key.name
    ));
}

/// `--wait`: until the deleted objects are gone, then the failures. By UID: a controller
/// may already have created a replacement under the same name, as a StatefulSet does.
struct DeletionWait {
    deleted: Vec<(ObjectKey, String)>,
    deadline: Millis,
    failures: Vec<String>,
}

impl Wait for DeletionWait {
    fn poll(&mut self, session: &mut Session, out: &mut Output) -> Poll {
        let store = &session.cluster.api.store;
        let pending = self
            .deleted
            .iter()
            .any(|(key, uid)| store.get(key).is_some_and(|o| o.uid() == uid));
        if pending && session.cluster.now_ms() < self.deadline {
            return Poll::Pending {
                recheck_at: Some(self.deadline),
                on_change: true,
            };
        }
        for failure in self.failures.drain(..) {
            out.error(failure);
        }
        Poll::Met
    }
}

/// Advances virtual time until these objects (by UID) are gone or `deadline` passes, for a
/// command that waits in the middle of its work (`replace --force`).
pub fn wait_until_gone(session: &mut Session, deleted: &[(ObjectKey, String)], deadline: Millis) {
    session.cluster.run_until(
        deadline,
        &mut |cluster| {
            let store = &cluster.api.store;
            if deleted
                .iter()
                .any(|(key, uid)| store.get(key).is_some_and(|o| o.uid() == uid))
            {
                Check::Pending {
                    recheck_at: Some(deadline),
                    on_change: true,
                }
            } else {
                Check::Met
            }
        },
        &mut || true,
    );
}
