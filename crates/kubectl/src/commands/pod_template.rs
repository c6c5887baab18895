//! What the `set` commands change: the pod spec of a workload's template (or a Pod's own),
//! and the objects they act on — live objects, or with `--local` those `-f` files hold.

use k8s_openapi::api::core::v1::PodSpec;
use kubeplay_model::{Object, ObjectKey};

use crate::args::Parsed;
use crate::errors;
use crate::output::Output;
use crate::resources;
use crate::session::Session;

/// The pod spec a workload stamps pods from, or a Pod's spec.
pub fn pod_spec_mut(object: &mut Object) -> Option<&mut PodSpec> {
    match object {
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
        Object::Job(job) => job.spec.as_mut().and_then(|s| s.template.spec.as_mut()),
        Object::CronJob(cj) => cj
            .spec
            .as_mut()
            .and_then(|s| s.job_template.spec.as_mut())
            .and_then(|s| s.template.spec.as_mut()),
        Object::Pod(pod) => pod.spec.as_deref_mut(),
        _ => None,
    }
}

/// The objects to change: with `--local`, the `-f` files' objects (nothing is read from
/// the cluster); otherwise the live objects named by files or arguments. Missing objects
/// are reported as NotFound and skipped.
pub fn targets(
    parsed: &Parsed,
    resource_args: &[String],
    stdin: &str,
    session: &Session,
    out: &mut Output,
) -> Result<Vec<Object>, String> {
    let namespace = parsed.value("namespace").unwrap_or("default");
    if parsed.bool("local") {
        if !parsed.has("filename") {
            return Err("error: --local cannot be used without -f".into());
        }
        let (loaded, failures) =
            crate::manifests::load(&parsed.values("filename"), stdin, session)?;
        if let Some(first) = failures.into_iter().next() {
            return Err(first);
        }
        return Ok(loaded.into_iter().map(|l| l.document.object).collect());
    }
    let mut scoped = parsed.clone();
    scoped.positional = resource_args.to_vec();
    let keys: Vec<ObjectKey> = resources::keys(&scoped, stdin, namespace, session)?;
    let mut objects = Vec::new();
    for key in keys {
        match session.cluster.api.store.get(&key) {
            Some(object) => objects.push(object.clone()),
            None => out.error(errors::render(&kubeplay_model::ApiError::not_found(
                key.kind, &key.name,
            ))),
        }
    }
    Ok(objects)
}

/// kubectl's `--containers` selection: a name or a glob with `*`.
pub fn matches_container(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, rest)) => {
            name.starts_with(prefix)
                && (rest.is_empty() || {
                    let tail = &name[prefix.len()..];
                    rest.split('*')
                        .try_fold(tail, |remaining, part| {
                            remaining.find(part).map(|at| &remaining[at + part.len()..])
                        })
                        .is_some_and(|remaining| rest.ends_with('*') || remaining.is_empty())
                })
        }
    }
}
