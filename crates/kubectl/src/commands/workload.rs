//! Small commands that change one workload: `scale`, `set image`, `label`, `annotate`.

use std::collections::BTreeMap;

use kubeplay_model::{Kind, Object, ObjectKey};

use super::report::{DryRun, Report};
use crate::args::{self, Flag, boolean, duration, value};
use crate::errors;
use crate::output::Output;
use crate::resources;
use crate::session::Session;

const NO_RESOURCES: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// Resolves `TYPE NAME…` / `TYPE/NAME…` into keys in the namespace.
fn targets(positional: &[String], namespace: &str) -> Result<Vec<ObjectKey>, String> {
    let requests = resources::parse(positional)?;
    if requests.is_empty() || requests.iter().any(|r| r.names.is_empty()) {
        return Err("error: resource(s) were provided, but no name was specified".into());
    }
    Ok(requests
        .iter()
        .flat_map(|r| r.names.iter().map(|n| ObjectKey::new(r.kind, namespace, n)))
        .collect())
}

fn fetch(session: &Session, key: &ObjectKey, out: &mut Output) -> Option<Object> {
    let object = session.cluster.api.store.get(key).cloned();
    if object.is_none() {
        out.error(errors::render(&kubeplay_model::ApiError::not_found(
            key.kind, &key.name,
        )));
    }
    object
}

const SCALE_FLAGS: &[Flag] = &[
    value("replicas", None),
    value("current-replicas", None),
    value("filename", Some('f')),
    duration("timeout", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("template", None),
];

pub fn scale(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, SCALE_FLAGS, "scale") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let Some(replicas) = parsed.value("replicas") else {
        return out.error("error: required flag(s) \"replicas\" not set");
    };
    let Ok(replicas) = replicas.parse::<i32>() else {
        return out.error(format!("error: invalid argument {replicas:?} for \"--replicas\" flag: strconv.ParseInt: parsing {replicas:?}: invalid syntax\nSee 'kubectl scale --help' for usage."));
    };
    if replicas < 0 {
        return out.error("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
    }
    let report = match Report::from_flags(&parsed, session) {
        Ok(report) => report,
        Err(error) => return out.error(error),
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let keys = if parsed.has("filename") {
        match scale_targets_from_files(&parsed.values("filename"), stdin, &namespace, session) {
            Ok(keys) => keys,
            Err(error) => return out.error(error),
        }
    } else if parsed.positional.is_empty() {
        return out.error(NO_RESOURCES);
    } else {
        match targets(&parsed.positional, &namespace) {
            Ok(keys) => keys,
            Err(error) => return out.error(error),
        }
    };
    // `scale.go` reads every object first; when none can be read it says so, with the
    // first reason (`no objects passed to scale deployments.apps "x" not found`).
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for key in &keys {
        match session.cluster.api.store.get(key) {
            Some(object) => found.push(object.clone()),
            None => missing.push(kubeplay_model::ApiError::not_found(key.kind, &key.name)),
        }
    }
    if found.is_empty()
        && let Some(first) = missing.first()
    {
        return out.error(format!("error: no objects passed to scale {first}"));
    }
    for error in &missing {
        out.error(errors::render(error));
    }
    for fetched in found {
        let key = fetched.key();
        let mut object = fetched.clone();
        let current = match &mut object {
            Object::Deployment(d) => d.spec.as_mut().map(|s| &mut s.replicas),
            Object::ReplicaSet(rs) => rs.spec.as_mut().map(|s| &mut s.replicas),
            Object::ReplicationController(rc) => rc.spec.as_mut().map(|s| &mut s.replicas),
            Object::StatefulSet(sts) => sts.spec.as_mut().map(|s| &mut s.replicas),
            _ => {
                out.error(format!(
                    "error: no scaler has been implemented for {{{:?} {:?}}}",
                    key.kind.group(),
                    key.kind.name()
                ));
                continue;
            }
        };
        let Some(current) = current else { continue };
        // `scale.go`: a client dry run prints the object as read and checks no precondition.
        if report.dry_run == DryRun::Client {
            report.print(&fetched, "scaled", out);
            continue;
        }
        if let Some(expected) = parsed
            .value("current-replicas")
            .and_then(|v| v.parse::<i32>().ok())
            && current.unwrap_or(1) != expected
        {
            out.error(format!(
                "error: Expected replicas to be {expected}, was {}",
                current.unwrap_or(1)
            ));
            continue;
        }
        *current = Some(replicas);
        // kubectl writes through the scale subresource and prints the object it read before
        // (`info.Object` is not refreshed), so `-o yaml` shows the old replica count.
        match session
            .cluster
            .api
            .update(object, report.dry_run.server_side())
        {
            Ok(_) => report.print(&fetched, "scaled", out),
            Err(error) => out.error(errors::render(&error)),
        }
        session.cluster.settle();
    }
}

/// The objects named by `-f` sources; none at all is kubectl's `no objects passed to scale`.
fn scale_targets_from_files(
    paths: &[String],
    stdin: &str,
    namespace: &str,
    session: &Session,
) -> Result<Vec<ObjectKey>, String> {
    let (loaded, failures) = crate::manifests::load(paths, stdin, session)?;
    if let Some(first) = failures.into_iter().next() {
        return Err(first);
    }
    if loaded.is_empty() {
        return Err("error: no objects passed to scale".into());
    }
    Ok(loaded
        .iter()
        .map(|item| {
            let object = &item.document.object;
            let ns = object.meta().namespace.as_deref().unwrap_or(namespace);
            ObjectKey::new(object.kind(), ns, object.name())
        })
        .collect())
}

const SET_IMAGE_FLAGS: &[Flag] = &[
    boolean("all", None),
    value("selector", Some('l')),
    value("output", Some('o')),
    value("filename", Some('f')),
];

/// `kubectl set` without a subcommand prints its help (text of kubectl v1.33.1).
const SET_USAGE: &str = include_str!("set-usage.txt");

/// `kubectl set env|image|resources …`.
pub fn set(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    if let Err(error) = args::check_parent_flags(args, "set") {
        return out.error(error);
    }
    match args.first().map(String::as_str) {
        None => out.out(SET_USAGE),
        Some("image") => set_image(args, session, out),
        Some("env") => super::set_env::run(&args[1..], stdin, session, out),
        Some("resources") => super::set_resources::run(&args[1..], stdin, session, out),
        Some(sub @ ("selector" | "serviceaccount" | "sa" | "subject")) => out.error(format!(
            "error: kubeplay does not simulate \"kubectl set {sub}\" yet"
        )),
        Some(_) => out.error(format!(
            "error: unknown command {:?}\nSee 'kubectl set -h' for help and examples",
            args.join(" ")
        )),
    }
}

fn set_image(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(&args[1..], SET_IMAGE_FLAGS, "set image") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let (assignments, resources): (Vec<String>, Vec<String>) = parsed
        .positional
        .iter()
        .cloned()
        .partition(|a| a.contains('='));
    if resources.is_empty() {
        return out.error(NO_RESOURCES);
    }
    if assignments.is_empty() {
        return out.error("error: at least one image update is required");
    }
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let keys = match targets(&resources, &namespace) {
        Ok(keys) => keys,
        Err(error) => return out.error(error),
    };
    for key in keys {
        let Some(mut object) = fetch(session, &key, out) else {
            continue;
        };
        let spec = match &mut object {
            Object::Deployment(d) => d.spec.as_mut().and_then(|s| s.template.spec.as_mut()),
            Object::ReplicaSet(rs) => rs
                .spec
                .as_mut()
                .and_then(|s| s.template.as_mut())
                .and_then(|t| t.spec.as_mut()),
            Object::ReplicationController(rc) => rc
                .spec
                .as_mut()
                .and_then(|s| s.template.as_mut())
                .and_then(|t| t.spec.as_mut()),
            Object::DaemonSet(ds) => ds.spec.as_mut().and_then(|s| s.template.spec.as_mut()),
            Object::StatefulSet(sts) => sts.spec.as_mut().and_then(|s| s.template.spec.as_mut()),
            Object::Pod(pod) => pod.spec.as_deref_mut(),
            _ => None,
        };
        let Some(spec) = spec else { continue };
        let mut missing = None;
        for assignment in &assignments {
            let (container, image) = assignment.split_once('=').unwrap_or_default();
            let mut matched = false;
            for c in spec
                .containers
                .iter_mut()
                .chain(spec.init_containers.iter_mut().flatten())
            {
                if container == "*" || c.name == container {
                    c.image = Some(image.to_string());
                    matched = true;
                }
            }
            if !matched {
                missing = Some(container.to_string());
            }
        }
        if let Some(container) = missing {
            out.error(format!(
                "error: unable to find container named {container:?}"
            ));
            continue;
        }
        let before = session.cluster.api.store.get(&key).cloned();
        match session.cluster.api.update(object, false) {
            Ok(updated) if Some(&updated) != before.as_ref() => out.line(format!(
                "{} image updated",
                crate::printers::object::name(&updated)
            )),
            Ok(_) => {}
            Err(error) => out.error(errors::render(&error)),
        }
        session.cluster.settle();
    }
}

const META_FLAGS: &[Flag] = &[
    boolean("overwrite", None),
    boolean("all", None),
    value("selector", Some('l')),
    boolean("list", None),
    value("output", Some('o')),
];

/// `label` and `annotate`: `key=value` sets, `key-` removes.
pub fn label_or_annotate(args: &[String], annotate: bool, session: &mut Session, out: &mut Output) {
    let command = if annotate { "annotate" } else { "label" };
    let parsed = match args::parse(args, META_FLAGS, command) {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let (changes, resources): (Vec<String>, Vec<String>) =
        parsed.positional.iter().cloned().partition(|a| {
            a.contains('=') || (a.ends_with('-') && a.len() > 1 && !resources_like(a))
        });
    if resources.is_empty() {
        return out.error("error: one or more resources must be specified as <resource> <name> or <resource>/<name>");
    }
    if changes.is_empty() {
        return out.error(format!(
            "error: at least one {} update is required",
            if annotate { "annotation" } else { "label" }
        ));
    }
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let keys = if parsed.bool("all") || parsed.has("selector") {
        let kind = match resources.first().map(|r| resources::resolve_kind(r)) {
            Some(Ok(kind)) => kind,
            Some(Err(error)) => return out.error(error),
            None => return out.error("error: one or more resources must be specified as <resource> <name> or <resource>/<name>"),
        };
        let selector =
            kubeplay_model::selector::Selector::parse(parsed.value("selector").unwrap_or(""))
                .unwrap_or_default();
        session
            .cluster
            .api
            .store
            .list(kind, Some(&namespace))
            .filter(|o| selector.matches(o.meta().labels.as_ref()))
            .map(|o| o.key())
            .collect()
    } else {
        match targets(&resources, &namespace) {
            Ok(keys) => keys,
            Err(error) => return out.error(error),
        }
    };
    for key in keys {
        let Some(mut object) = fetch(session, &key, out) else {
            continue;
        };
        let meta = object.meta_mut();
        let map = if annotate {
            meta.annotations.get_or_insert_with(BTreeMap::new)
        } else {
            meta.labels.get_or_insert_with(BTreeMap::new)
        };
        let mut conflict = None;
        let mut removed_only = true;
        for change in &changes {
            if let Some((k, v)) = change.split_once('=') {
                removed_only = false;
                if let Some(existing) = map.get(k)
                    && existing != v
                    && !parsed.bool("overwrite")
                {
                    conflict = Some(format!(
                        "error: '{k}' already has a value ({existing}), and --overwrite is false"
                    ));
                    break;
                }
                map.insert(k.to_string(), v.to_string());
            } else if let Some(k) = change.strip_suffix('-') {
                map.remove(k);
            }
        }
        if let Some(conflict) = conflict {
            out.error(conflict);
            continue;
        }
        let before = session.cluster.api.store.get(&key).cloned();
        match session.cluster.api.update(object, false) {
            Ok(updated) => {
                let verb = match (annotate, Some(&updated) == before.as_ref(), removed_only) {
                    (true, _, _) => "annotated",
                    (false, true, _) => "not labeled",
                    (false, false, true) => "unlabeled",
                    (false, false, false) => "labeled",
                };
                out.line(format!(
                    "{} {verb}",
                    crate::printers::object::name(&updated)
                ));
            }
            Err(error) => out.error(errors::render(&error)),
        }
        session.cluster.settle();
    }
}

/// `deployment/web-` is a resource, not a label removal.
fn resources_like(arg: &str) -> bool {
    arg.contains('/') || Kind::resolve(arg.trim_end_matches('-')).is_some() && !arg.ends_with('-')
}
