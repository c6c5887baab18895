//! `kubectl replace -f FILE`: sends each object as a full update (PUT); the server keeps
//! status and its own metadata. `--force` deletes the live object, waits until it is gone
//! and creates the file's object instead (`replace.go` `forceReplace`).

use kubeplay_model::ApiError;
use kubeplay_sim::DeleteOptions;

use super::apply::{ApplyError, resolve_namespace};
use super::delete::{WAIT_LIMIT_MS, wait_until_gone};
use super::report::{DryRun, Report};
use crate::args::{self, Flag, boolean, value};
use crate::errors::{self, Failure};
use crate::manifests;
use crate::output::Output;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    boolean("force", None),
    value("grace-period", None),
    value("cascade", None),
    value("output", Some('o')),
    value("template", None),
    value("dry-run", None),
    value("validate", None),
    boolean("save-config", None),
    value("timeout", None),
    value("wait", None),
];

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "replace") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let report = match Report::from_flags(&parsed, session) {
        Ok(report) => report,
        Err(error) => return out.error(error),
    };
    let validation =
        match kubeplay_model::manifest::FieldValidation::from_flag(parsed.value("validate")) {
            Ok(validation) => validation,
            Err(error) => return out.error(format!("error: {error}")),
        };
    let (loaded, failures) =
        match manifests::load_with(&parsed.values("filename"), stdin, session, validation) {
            Ok(result) => result,
            Err(error) => return out.error(error),
        };
    if loaded.is_empty() && failures.is_empty() {
        return out.error("error: no objects passed to replace");
    }
    let force = parsed.bool("force");
    let mut failures: Vec<Failure> = failures.into_iter().map(Failure::Message).collect();
    for item in loaded {
        let mut object = item.document.object;
        if let Err(ApplyError::Message(message)) =
            resolve_namespace(&mut object, parsed.value("namespace"))
        {
            failures.push(Failure::Message(message));
            continue;
        }
        if report.dry_run == DryRun::Client {
            report.print(&object, "replaced", out);
            continue;
        }
        let server_dry_run = report.dry_run.server_side();
        if force && !server_dry_run {
            let key = object.key();
            match session.cluster.api.delete(&key, DeleteOptions::default()) {
                Ok(deleted) => {
                    out.line(format!(
                        "{} {:?} deleted",
                        key.kind.qualified_singular(),
                        key.name
                    ));
                    let deadline = session.cluster.now_ms() + WAIT_LIMIT_MS;
                    session.cluster.settle();
                    wait_until_gone(session, &[(key, deleted.uid().to_string())], deadline);
                }
                Err(ApiError::NotFound { .. }) => {}
                Err(error) => {
                    failures.push(Failure::Api {
                        error,
                        verb: "deleting",
                        source: item.source.clone(),
                    });
                    continue;
                }
            }
            // What the file says is created anew; the old identity is not carried over.
            let meta = object.meta_mut();
            meta.resource_version = None;
            meta.uid = None;
            match session.cluster.api.create(object, false) {
                Ok(created) => report.print(&created, "replaced", out),
                Err(error) => failures.push(Failure::Api {
                    error,
                    verb: "replacing",
                    source: item.source.clone(),
                }),
            }
            session.cluster.settle();
            continue;
        }
        let sent = object
            .check_request_size()
            .and_then(|()| session.cluster.api.update(object, server_dry_run));
        match sent {
            Ok(updated) => report.print(&updated, "replaced", out),
            Err(error) => failures.push(Failure::Api {
                error,
                verb: "replacing",
                source: item.source.clone(),
            }),
        }
        session.cluster.settle();
    }
    errors::print_failures(failures, out);
}
