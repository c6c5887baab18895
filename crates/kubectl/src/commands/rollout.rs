//! `kubectl rollout status|history|undo|pause|resume|restart` for Deployments (and `status`
//! for DaemonSets). `status` advances virtual time, printing a line on every change of the
//! object as kubectl's watch does, until done, failed, or `--timeout`.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use kubeplay_model::keys::{CHANGE_CAUSE, DEPLOYMENT_ANNOTATIONS_TO_SKIP, POD_TEMPLATE_HASH};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};
use kubeplay_sim::controllers::deployment::{equal_ignoring_hash, revision};

use crate::args::{self, Flag, boolean, duration, value};
use crate::errors;
use crate::output::Output;
use crate::resources;
use crate::session::Session;
use crate::waiting::{self, Poll, Wait};
use kubeplay_sim::clock::Millis;

const FLAGS: &[Flag] = &[
    duration("timeout", None),
    value("watch", Some('w')),
    value("revision", None),
    value("to-revision", None),
    value("filename", Some('f')),
    value("selector", Some('l')),
    value("output", Some('o')),
    boolean("dry-run", None),
];

const ROLLOUT_HELP: &str = "Manage the rollout of one or many resources.
        
 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets

Examples:
  # Rollback to the previous deployment
  kubectl rollout undo deployment/abc
  
  # Check the rollout status of a daemonset
  kubectl rollout status daemonset/foo
  
  # Restart a deployment
  kubectl rollout restart deployment/abc
  
  # Restart deployments with the 'app=nginx' label
  kubectl rollout restart deployment --selector=app=nginx

Available Commands:
  history       View rollout history
  pause         Mark the provided resource as paused
  restart       Restart a resource
  resume        Resume a paused resource
  status        Show the status of the rollout
  undo          Undo a previous rollout

Usage:
  kubectl rollout SUBCOMMAND [options]

Use \"kubectl rollout <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

/// How long `rollout status` waits without `--timeout` before giving up (virtual time).
const DEFAULT_STATUS_LIMIT_MS: u64 = 60 * 60 * 1000;

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    if let Err(error) = args::check_parent_flags(args, "rollout") {
        return out.error(error);
    }
    let Some(sub) = args.first().map(String::as_str) else {
        return out.out(ROLLOUT_HELP);
    };
    if !["history", "pause", "restart", "resume", "status", "undo"].contains(&sub) {
        return out.error(format!(
            "error: unknown command {:?}\nSee 'kubectl rollout -h' for help and examples",
            args.join(" ")
        ));
    }
    let parsed = match args::parse(&args[1..], FLAGS, &format!("rollout {sub}")) {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let requests = match resources::parse(&parsed.positional) {
        Ok(requests) if requests.is_empty() || requests.iter().any(|r| r.names.is_empty()) => {
            return out.error("error: required resource not specified");
        }
        Ok(requests) => requests,
        Err(error) => return out.error(error),
    };
    for request in requests {
        for name in &request.names {
            let key = ObjectKey::new(request.kind, &namespace, name);
            if !session.cluster.api.store.contains(&key) {
                out.error(errors::render(&kubeplay_model::ApiError::not_found(
                    request.kind,
                    name,
                )));
                continue;
            }
            if !matches!(
                request.kind,
                Kind::Deployment | Kind::DaemonSet | Kind::StatefulSet
            ) {
                out.error(format!(
                    "error: no {sub}er has been implemented for {{{:?} {:?}}}",
                    request.kind.group(),
                    request.kind.name()
                ));
                continue;
            }
            match sub {
                "status" => status(&key, &parsed, session, out),
                "history" => history(&key, &parsed, session, out),
                "undo" => undo(&key, &parsed, session, out),
                "pause" | "resume" => pause_resume(&key, sub == "pause", session, out),
                "restart" => restart(&key, session, out),
                _ => {}
            }
        }
    }
}

enum Progress {
    Waiting(String),
    Done(String),
    Failed(String),
}

fn deployment_progress(d: &Deployment) -> Progress {
    let name = d.metadata.name_str();
    let status = d.status.clone().unwrap_or_default();
    if d.metadata.generation > status.observed_generation {
        return Progress::Waiting("Waiting for deployment spec update to be observed...".into());
    }
    let progressing = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "Progressing");
    if progressing.and_then(|c| c.reason.as_deref()) == Some("ProgressDeadlineExceeded") {
        return Progress::Failed(format!(
            "error: deployment {name:?} exceeded its progress deadline"
        ));
    }
    let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let updated = status.updated_replicas.unwrap_or(0);
    let total = status.replicas.unwrap_or(0);
    let available = status.available_replicas.unwrap_or(0);
    if updated < replicas {
        return Progress::Waiting(format!(
            "Waiting for deployment {name:?} rollout to finish: {updated} out of {replicas} new replicas have been updated..."
        ));
    }
    if total > updated {
        return Progress::Waiting(format!(
            "Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...",
            total - updated
        ));
    }
    if available < updated {
        return Progress::Waiting(format!(
            "Waiting for deployment {name:?} rollout to finish: {available} of {updated} updated replicas are available..."
        ));
    }
    Progress::Done(format!("deployment {name:?} successfully rolled out"))
}

fn daemon_set_progress(ds: &DaemonSet) -> Progress {
    let name = ds.metadata.name_str();
    let status = ds.status.clone().unwrap_or_default();
    if ds
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        == Some("OnDelete")
    {
        return Progress::Failed(
            "error: rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    if ds.metadata.generation > status.observed_generation {
        return Progress::Waiting("Waiting for daemon set spec update to be observed...".into());
    }
    let desired = status.desired_number_scheduled;
    let updated = status.updated_number_scheduled.unwrap_or(0);
    let available = status.number_available.unwrap_or(0);
    if updated < desired {
        return Progress::Waiting(format!(
            "Waiting for daemon set {name:?} rollout to finish: {updated} out of {desired} new pods have been updated..."
        ));
    }
    if available < desired {
        return Progress::Waiting(format!(
            "Waiting for daemon set {name:?} rollout to finish: {available} of {desired} updated pods are available..."
        ));
    }
    Progress::Done(format!("daemon set {name:?} successfully rolled out"))
}

/// `StatefulSetStatusViewer`: with the defaulted `partition` the partitioned messages apply.
fn stateful_set_progress(sts: &k8s_openapi::api::apps::v1::StatefulSet) -> Progress {
    let status = sts.status.clone().unwrap_or_default();
    let spec = sts.spec.clone().unwrap_or_default();
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    if strategy.type_.as_deref() == Some("OnDelete") {
        return Progress::Failed(
            "error: rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    if status
        .observed_generation
        .is_none_or(|g| Some(g) < sts.metadata.generation)
    {
        return Progress::Waiting("Waiting for statefulset spec update to be observed...".into());
    }
    let replicas = spec.replicas.unwrap_or(1);
    let ready = status.ready_replicas.unwrap_or(0);
    if ready < replicas {
        return Progress::Waiting(format!(
            "Waiting for {} pods to be ready...",
            replicas - ready
        ));
    }
    let updated = status.updated_replicas.unwrap_or(0);
    match strategy.rolling_update.and_then(|r| r.partition) {
        Some(partition) => {
            if updated < replicas - partition {
                return Progress::Waiting(format!(
                    "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...",
                    replicas - partition
                ));
            }
            Progress::Done(format!(
                "partitioned roll out complete: {updated} new pods have been updated..."
            ))
        }
        None => {
            let revision = status.update_revision.clone().unwrap_or_default();
            if status.update_revision != status.current_revision {
                return Progress::Waiting(format!(
                    "waiting for statefulset rolling update to complete {updated} pods at revision {revision}..."
                ));
            }
            Progress::Done(format!(
                "statefulset rolling update complete {} pods at revision {revision}...",
                status.current_replicas.unwrap_or(0)
            ))
        }
    }
}

fn progress(object: &Object) -> Progress {
    match object {
        Object::Deployment(d) => deployment_progress(d),
        Object::DaemonSet(ds) => daemon_set_progress(ds),
        Object::StatefulSet(sts) => stateful_set_progress(sts),
        _ => Progress::Failed(
            "error: rollout status is not supported for this kind in kubeplay yet".into(),
        ),
    }
}

fn status(key: &ObjectKey, parsed: &args::Parsed, session: &mut Session, out: &mut Output) {
    // `0` means no timeout.
    let timeout = parsed.duration_ms("timeout").filter(|ms| *ms > 0);
    let wait = StatusWait {
        key: key.clone(),
        watch: parsed.value("watch") != Some("false"),
        deadline: session.cluster.now_ms() + timeout.unwrap_or(DEFAULT_STATUS_LIMIT_MS),
        last_version: None,
    };
    waiting::run(Box::new(wait), session, out);
}

/// `rollout status`: prints the progress message whenever the object changes, until the
/// rollout is done, fails, or the deadline passes.
struct StatusWait {
    key: ObjectKey,
    watch: bool,
    deadline: Millis,
    last_version: Option<String>,
}

impl Wait for StatusWait {
    fn poll(&mut self, session: &mut Session, out: &mut Output) -> Poll {
        let Some(object) = session.cluster.api.store.get(&self.key) else {
            out.error(errors::render(&kubeplay_model::ApiError::not_found(
                self.key.kind,
                &self.key.name,
            )));
            return Poll::Met;
        };
        let version = object.meta().resource_version.clone();
        let changed = version != self.last_version;
        self.last_version = version;
        match progress(object) {
            Progress::Done(message) => {
                out.line(message);
                return Poll::Met;
            }
            Progress::Failed(message) => {
                out.error(message);
                return Poll::Met;
            }
            Progress::Waiting(message) => {
                if changed {
                    out.line(message);
                }
                if !self.watch {
                    return Poll::Met;
                }
            }
        }
        if session.cluster.now_ms() >= self.deadline {
            out.error("error: timed out waiting for the condition");
            return Poll::Met;
        }
        Poll::Pending {
            recheck_at: Some(self.deadline),
            on_change: true,
        }
    }
}

/// The Deployment's ReplicaSets, by revision.
fn replica_sets_by_revision<'a>(
    session: &'a Session,
    deployment: &Deployment,
) -> BTreeMap<i64, &'a ReplicaSet> {
    let uid = deployment.metadata.uid_str();
    session
        .cluster
        .api
        .store
        .dependents_of(uid)
        .filter_map(ReplicaSet::from_object)
        .map(|rs| (revision(rs), rs))
        .collect()
}

/// ControllerRevisions of a DaemonSet or StatefulSet, by revision number.
fn controller_revisions<'a>(
    session: &'a Session,
    owner: &Object,
) -> BTreeMap<i64, &'a k8s_openapi::api::apps::v1::ControllerRevision> {
    session
        .cluster
        .api
        .store
        .dependents_of(owner.uid())
        .filter_map(k8s_openapi::api::apps::v1::ControllerRevision::from_object)
        .map(|r| (r.revision, r))
        .collect()
}

fn revision_template(
    revision: &k8s_openapi::api::apps::v1::ControllerRevision,
) -> Option<k8s_openapi::api::core::v1::PodTemplateSpec> {
    kubeplay_model::object::decode(revision.data.as_ref()?.0.get("spec")?.get("template")?).ok()
}

fn object_template(object: &Object) -> Option<k8s_openapi::api::core::v1::PodTemplateSpec> {
    match object {
        Object::DaemonSet(ds) => ds.spec.as_ref().map(|s| s.template.clone()),
        Object::StatefulSet(sts) => sts.spec.as_ref().map(|s| s.template.clone()),
        _ => None,
    }
}

/// `rollout history` for DaemonSets and StatefulSets (from ControllerRevisions).
fn revision_history(object: &Object, parsed: &args::Parsed, session: &Session, out: &mut Output) {
    let revisions = controller_revisions(session, object);
    let name = format!("{}/{}", object.kind().qualified_singular(), object.name());
    if let Some(wanted) = parsed
        .value("revision")
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|r| *r > 0)
    {
        let Some(template) = revisions.get(&wanted).and_then(|r| revision_template(r)) else {
            return out.error("error: unable to find the specified revision");
        };
        print_revision(&name, wanted, &template, out);
        return;
    }
    print_history(
        &name,
        revisions
            .iter()
            .map(|(number, revision)| (*number, &revision.metadata)),
        out,
    );
}

/// `rollout undo` for DaemonSets and StatefulSets: the chosen revision's template.
fn revision_undo(object: &Object, parsed: &args::Parsed, session: &mut Session, out: &mut Output) {
    let name = format!("{}/{}", object.kind().qualified_singular(), object.name());
    let revisions = controller_revisions(session, object);
    let wanted = parsed
        .value("to-revision")
        .and_then(|r| r.parse::<i64>().ok())
        .unwrap_or(0);
    let number = if wanted == 0 {
        match revisions.keys().rev().nth(1) {
            Some(previous) => *previous,
            None => {
                return out.error(format!(
                    "error: no rollout history found for {} {:?}",
                    object.kind().name().to_ascii_lowercase(),
                    object.name()
                ));
            }
        }
    } else if revisions.contains_key(&wanted) {
        wanted
    } else {
        return out.error(format!(
            "error: unable to find specified revision {wanted} in history"
        ));
    };
    let Some(template) = revisions.get(&number).and_then(|r| revision_template(r)) else {
        return;
    };
    if object_template(object).as_ref() == Some(&template) {
        return out.line(format!(
            "{name} skipped rollback (current template already matches revision {number})"
        ));
    }
    let mut updated = object.clone();
    match &mut updated {
        Object::DaemonSet(ds) => {
            if let Some(spec) = ds.spec.as_mut() {
                spec.template = template;
            }
        }
        Object::StatefulSet(sts) => {
            if let Some(spec) = sts.spec.as_mut() {
                spec.template = template;
            }
        }
        _ => return,
    }
    match session.cluster.api.update(updated, false) {
        Ok(_) => out.line(format!("{name} rolled back")),
        Err(error) => out.error(errors::render(&error)),
    }
    session.cluster.settle();
}

fn history(key: &ObjectKey, parsed: &args::Parsed, session: &mut Session, out: &mut Output) {
    let object = session.cluster.api.store.get(key).cloned();
    if let Some(object @ (Object::DaemonSet(_) | Object::StatefulSet(_))) = &object {
        return revision_history(object, parsed, session, out);
    }
    let Some(Object::Deployment(deployment)) = object else {
        return;
    };
    let revisions = replica_sets_by_revision(session, &deployment);
    let name = format!("{}/{}", key.kind.qualified_singular(), key.name);
    if let Some(wanted) = parsed
        .value("revision")
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|r| *r > 0)
    {
        let Some(rs) = revisions.get(&wanted) else {
            return out.error("error: unable to find the specified revision");
        };
        // ViewHistory shows the ReplicaSet's template as it is (pod-template-hash
        // included) plus the ReplicaSet's change-cause among its annotations.
        let mut template = rs
            .spec
            .as_ref()
            .and_then(|s| s.template.clone())
            .unwrap_or_default();
        if let Some(cause) = rs.metadata.annotation(CHANGE_CAUSE) {
            template
                .metadata
                .get_or_insert_with(Default::default)
                .annotations
                .get_or_insert_with(Default::default)
                .insert(CHANGE_CAUSE.to_string(), cause.to_string());
        }
        return print_revision(&name, wanted, &template, out);
    }
    print_history(
        &name,
        revisions.iter().map(|(number, rs)| (*number, &rs.metadata)),
        out,
    );
}

/// One revision's template: the name printer's `NAME with revision #N` line, whose
/// operation text is the template itself, then the name printer's closing newline.
fn print_revision(name: &str, number: i64, template: &PodTemplateSpec, out: &mut Output) {
    out.out(format!(
        "{name} with revision #{number}\n{}\n",
        crate::describe::pod_template_text(template)
    ));
}

/// The history table, ending in a blank line; `CHANGE-CAUSE` from `kubernetes.io/change-cause`.
fn print_history<'a>(
    name: &str,
    revisions: impl Iterator<
        Item = (
            i64,
            &'a k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
        ),
    >,
    out: &mut Output,
) {
    let mut text = String::new();
    for (number, meta) in revisions {
        let cause = meta.annotation(CHANGE_CAUSE).unwrap_or("<none>");
        text.push_str(&format!("{number:<10}{cause}\n"));
    }
    if text.is_empty() {
        return out.line("No rollout history found.");
    }
    out.out(format!("{name} \nREVISION  CHANGE-CAUSE\n{text}\n"));
}

fn undo(key: &ObjectKey, parsed: &args::Parsed, session: &mut Session, out: &mut Output) {
    let object = session.cluster.api.store.get(key).cloned();
    if let Some(object @ (Object::DaemonSet(_) | Object::StatefulSet(_))) = &object {
        return revision_undo(object, parsed, session, out);
    }
    let Some(Object::Deployment(deployment)) = object else {
        return;
    };
    let name = format!("{}/{}", key.kind.qualified_singular(), key.name);
    if deployment
        .spec
        .as_ref()
        .and_then(|s| s.paused)
        .unwrap_or(false)
    {
        return out.error("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    }
    let revisions = replica_sets_by_revision(session, &deployment);
    let wanted = parsed
        .value("to-revision")
        .and_then(|r| r.parse::<i64>().ok())
        .unwrap_or(0);
    let target = if wanted == 0 {
        let mut numbers: Vec<i64> = revisions.keys().copied().collect();
        numbers.pop();
        match numbers.last() {
            Some(previous) => revisions.get(previous).copied(),
            None => {
                return out.error(format!(
                    "error: no rollout history found for deployment {:?}",
                    key.name
                ));
            }
        }
    } else {
        match revisions.get(&wanted) {
            Some(rs) => Some(*rs),
            None => {
                return out.error(format!(
                    "error: unable to find specified revision {wanted} in history"
                ));
            }
        }
    };
    let Some(target) = target.cloned() else {
        return;
    };
    let mut template = target
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default();
    if let Some(labels) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove(POD_TEMPLATE_HASH);
    }
    let current_template = deployment
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    if equal_ignoring_hash(&template, &current_template) {
        return out.line(format!(
            "{name} skipped rollback (current template already matches revision {})",
            revision(&target)
        ));
    }
    let mut updated = deployment.clone();
    if let Some(spec) = updated.spec.as_mut() {
        spec.template = template;
    }
    // The RS's annotations replace the Deployment's, except the skipped keys.
    let mut annotations: BTreeMap<String, String> = target
        .metadata
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| !DEPLOYMENT_ANNOTATIONS_TO_SKIP.contains(&k.as_str()))
        .collect();
    for (k, v) in deployment.metadata.annotations.iter().flatten() {
        if DEPLOYMENT_ANNOTATIONS_TO_SKIP.contains(&k.as_str()) {
            annotations.insert(k.clone(), v.clone());
        }
    }
    updated.metadata.annotations = Some(annotations);
    match session.cluster.api.update(updated.into_object(), false) {
        Ok(_) => out.line(format!("{name} rolled back")),
        Err(error) => out.error(errors::render(&error)),
    }
    session.cluster.settle();
}

fn pause_resume(key: &ObjectKey, pause: bool, session: &mut Session, out: &mut Output) {
    let Some(Object::Deployment(mut deployment)) = session.cluster.api.store.get(key).cloned()
    else {
        return out.error(format!(
            "error: {} {:?} {}",
            key.kind.qualified_plural(),
            key.name,
            if pause {
                "pausing is not supported"
            } else {
                "resuming is not supported"
            }
        ));
    };
    let paused = deployment
        .spec
        .as_ref()
        .and_then(|s| s.paused)
        .unwrap_or(false);
    if paused == pause {
        return out.error(format!(
            "error: {} {:?} is {}",
            key.kind.qualified_plural(),
            key.name,
            if pause {
                "already paused"
            } else {
                "not paused"
            }
        ));
    }
    if let Some(spec) = deployment.spec.as_mut() {
        spec.paused = if pause { Some(true) } else { None };
    }
    match session.cluster.api.update(deployment.into_object(), false) {
        Ok(_) => out.line(format!(
            "{}/{} {}",
            key.kind.qualified_singular(),
            key.name,
            if pause { "paused" } else { "resumed" }
        )),
        Err(error) => out.error(errors::render(&error)),
    }
    session.cluster.settle();
}

fn restart(key: &ObjectKey, session: &mut Session, out: &mut Output) {
    let Some(mut object) = session.cluster.api.store.get(key).cloned() else {
        return;
    };
    let now = jiff::Timestamp::from_second(session.now().as_second())
        .unwrap_or(session.now())
        .to_string();
    let template = match &mut object {
        Object::Deployment(d) => {
            if d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false) {
                return out.error(format!(
                    "error: {} {:?} can't restart paused deployment (run rollout resume first)",
                    key.kind.qualified_plural(),
                    key.name
                ));
            }
            d.spec.as_mut().map(|s| &mut s.template)
        }
        Object::DaemonSet(ds) => ds.spec.as_mut().map(|s| &mut s.template),
        Object::StatefulSet(sts) => sts.spec.as_mut().map(|s| &mut s.template),
        _ => None,
    };
    let Some(template) = template else { return };
    template
        .metadata
        .get_or_insert_with(Default::default)
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert("kubectl.kubernetes.io/restartedAt".into(), now);
    match session.cluster.api.update(object, false) {
        Ok(_) => out.line(format!(
            "{}/{} restarted",
            key.kind.qualified_singular(),
            key.name
        )),
        Err(error) => out.error(errors::render(&error)),
    }
    session.cluster.settle();
}
