//! Commands that reach into pods: `exec` (simulated processes) and `run`, and the pod and
//! container choice `logs` shares.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, EnvVar, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::keys::DEFAULT_CONTAINER;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod;
use kubeplay_model::selector::Selector;
use kubeplay_model::{ApiError, Kind, Object, ObjectKey, Pod, Typed};
use kubeplay_sim::kubelet::exec::Printed;

use super::attach::Attach;
use crate::args::{self, Flag, boolean, value};
use crate::errors;
use crate::output::Output;
use crate::session::Session;
use crate::waiting;

/// Finds the pod a command targets: `POD`, `pod/POD`, or the first pod of `TYPE/NAME`
/// (kubectl's `ByLogging` order: running and ready first, then the oldest).
pub(super) fn target_pod(target: &str, namespace: &str, session: &Session) -> Result<Pod, String> {
    let (kind, name) = match target.split_once('/') {
        Some((kind, name)) => (crate::resources::resolve_kind(kind)?, name),
        None => (Kind::Pod, target),
    };
    let store = &session.cluster.api.store;
    let not_found = || errors::render(&ApiError::not_found(kind, name));
    let object = store
        .get(&ObjectKey::new(kind, namespace, name))
        .ok_or_else(not_found)?;
    if let Object::Pod(pod) = object {
        return Ok(Pod::clone(pod));
    }
    let label_selector = match object {
        Object::Deployment(d) => d.spec.as_ref().map(|s| &s.selector),
        Object::ReplicaSet(rs) => rs.spec.as_ref().map(|s| &s.selector),
        Object::DaemonSet(ds) => ds.spec.as_ref().map(|s| &s.selector),
        Object::StatefulSet(sts) => sts.spec.as_ref().map(|s| &s.selector),
        Object::Job(job) => job.spec.as_ref().and_then(|s| s.selector.as_ref()),
        _ => None,
    };
    let selector = match object {
        Object::ReplicationController(rc) => rc
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .map(Selector::from_labels),
        _ => Selector::from_label_selector(label_selector).ok(),
    }
    .unwrap_or_default();
    let mut pods: Vec<&Pod> = store
        .list_typed::<Pod>(Some(namespace))
        .filter(|p| selector.matches(p.metadata.labels.as_ref()))
        .collect();
    pods.sort_by_key(|pod| {
        let running = pod::phase(pod) == "Running";
        let ready = pod::is_ready(pod);
        (
            Reverse(
                pod.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_ref())
                    .is_some(),
            ),
            Reverse(running),
            Reverse(ready),
            pod.metadata.creation_timestamp.clone(),
            pod.metadata.name.clone(),
        )
    });
    pods.first()
        .map(|p| (*p).clone())
        .ok_or_else(|| format!("error: no pods found for {target}"))
}

/// The container a command names, or the pod's first app container, announced on stderr
/// as `podcmd.FindOrDefaultContainerByName` does when the pod has others (init containers
/// included).
pub(super) fn pick_container<'a>(
    pod: &'a Pod,
    wanted: Option<&str>,
    out: &mut Output,
) -> Result<&'a Container, String> {
    let Some(spec) = pod.spec.as_ref() else {
        return Err("error: pod has no containers".to_string());
    };
    let init = spec.init_containers.as_deref().unwrap_or_default();
    match wanted {
        Some(name) => spec
            .containers
            .iter()
            .chain(init)
            .find(|c| c.name == name)
            // The API server's refusal (`validateContainer`), for exec and logs alike.
            .ok_or_else(|| {
                errors::render(&ApiError::BadRequest(format!(
                    "container {name} is not valid for pod {}",
                    pod.metadata.name_str()
                )))
            }),
        None => {
            // The `kubectl.kubernetes.io/default-container` annotation names the default.
            let annotated = pod
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(DEFAULT_CONTAINER))
                .and_then(|name| spec.containers.iter().chain(init).find(|c| &c.name == name));
            if let Some(container) = annotated {
                return Ok(container);
            }
            let first = spec
                .containers
                .first()
                .ok_or_else(|| "error: pod has no containers".to_string())?;
            if spec.containers.len() > 1 || !init.is_empty() {
                let names: Vec<String> = spec
                    .containers
                    .iter()
                    .map(|c| c.name.clone())
                    .chain(init.iter().map(|c| format!("{} (init)", c.name)))
                    .collect();
                out.note(format!(
                    "Defaulted container {:?} out of: {}",
                    first.name,
                    names.join(", ")
                ));
            }
            Ok(first)
        }
    }
}

const EXEC_FLAGS: &[Flag] = &[
    value("container", Some('c')),
    boolean("stdin", Some('i')),
    boolean("tty", Some('t')),
    boolean("quiet", Some('q')),
    value("filename", Some('f')),
];

/// `kubectl exec`: with `-i` the command reads what was piped into kubectl.
pub fn exec(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, EXEC_FLAGS, "exec") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let Some(target) = parsed.positional.first() else {
        return out.error("error: pod, type/name or --filename must be specified");
    };
    if parsed.after_dash.is_empty() {
        return out.error("error: you must specify at least one command for the container");
    }
    let pod = match target_pod(target, &namespace, session) {
        Ok(pod) => pod,
        Err(error) => return out.error(error),
    };
    let container = match pick_container(&pod, parsed.value("container"), out) {
        Ok(container) => container.clone(),
        Err(error) => return out.error(error),
    };
    if pod::is_finished(&pod) {
        return out.error(format!(
            "error: cannot exec into a container in a completed pod; current phase is {}",
            pod::phase(&pod)
        ));
    }
    if pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .unwrap_or_default()
        .is_empty()
    {
        return out.error(errors::render(&ApiError::BadRequest(format!(
            "pod {} does not have a host assigned",
            pod.metadata.name_str()
        ))));
    }
    // The kubelet's refusal, wrapped by the API server's WebSocket translator.
    let Some(exited) = session.cluster.exec(
        &pod,
        &container,
        &parsed.after_dash,
        parsed.bool("stdin").then_some(stdin),
    ) else {
        return out.error(format!(
            "error: Internal error occurred: unable to upgrade connection: container not found ({:?})",
            container.name
        ));
    };
    let finished = exited.code == 0 && !exited.not_started;
    for printed in exited.printed {
        match printed {
            Printed::Stdout(text) => out.out(text),
            Printed::Stderr(text) if exited.not_started => out.error(text),
            Printed::Stderr(text) => out.note(text),
        }
    }
    if !finished && !exited.not_started {
        out.error(format!("command terminated with exit code {}", exited.code));
        // kubectl exits with the command's own code.
        out.exit_with(exited.code);
    }
}

const RUN_FLAGS: &[Flag] = &[
    value("image", None),
    value("restart", None),
    value("labels", Some('l')),
    value("env", None),
    value("port", None),
    boolean("command", None),
    boolean("stdin", Some('i')),
    boolean("tty", Some('t')),
    boolean("rm", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("image-pull-policy", None),
];

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, RUN_FLAGS, "run") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let Some(image) = parsed.value("image").map(str::to_string) else {
        return out.error("error: required flag(s) \"image\" not set");
    };
    if let Err(error) =
        crate::printers::check_format(parsed.value("output"), crate::printers::OBJECT_FORMATS)
    {
        return out.error(error);
    }
    if let Some(policy) = parsed
        .value("restart")
        .filter(|p| !["Always", "OnFailure", "Never"].contains(p))
    {
        return out.error(format!(
            "error: invalid restart policy: {policy}\nSee 'kubectl run -h' for help and examples"
        ));
    }
    let Some(name) = parsed.positional.first().cloned() else {
        return out
            .error("error: NAME is required for run\nSee 'kubectl run -h' for help and examples");
    };
    let attach = parsed.bool("stdin") || parsed.bool("tty");
    let dry_run = matches!(parsed.value("dry-run"), Some("client" | "server"));
    if parsed.bool("rm") && !attach {
        return out.error(
            "Error: --rm should only be used for attached containers\nSee 'kubectl run -h' for help and examples",
        );
    }
    if attach && dry_run {
        return out.error("error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\nSee 'kubectl run -h' for help and examples");
    }
    if attach && reads_a_terminal(&parsed.after_dash) {
        return out.error("error: kubeplay cannot attach a terminal to an interactive shell; run the pod without -i/-t (e.g. -- sleep 3600), then use kubectl exec");
    }
    let mut labels: BTreeMap<String, String> = [("run".to_string(), name.clone())].into();
    if let Some(custom) = parsed.value("labels") {
        labels = custom
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    }
    let env: Vec<EnvVar> = parsed
        .values("env")
        .iter()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| EnvVar {
            name: k.into(),
            value: Some(v.into()),
            value_from: None,
        })
        .collect();
    let (command, extra) = if parsed.bool("command") {
        (Some(parsed.after_dash.clone()), None)
    } else {
        (None, Some(parsed.after_dash.clone()))
    };
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(parsed.value("namespace").unwrap_or("default").into()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        spec: Some(
            PodSpec {
                restart_policy: Some(parsed.value("restart").unwrap_or("Always").to_string()),
                containers: vec![Container {
                    name: parsed.positional[0].clone(),
                    image: Some(image),
                    command: command.filter(|c| !c.is_empty()),
                    args: extra.filter(|a| !a.is_empty()),
                    env: (!env.is_empty()).then_some(env),
                    image_pull_policy: parsed.value("image-pull-policy").map(str::to_string),
                    ports: parsed.value("port").and_then(|p| p.parse().ok()).map(|p| {
                        vec![k8s_openapi::api::core::v1::ContainerPort {
                            container_port: p,
                            ..Default::default()
                        }]
                    }),
                    ..Container::default()
                }],
                ..PodSpec::default()
            }
            .into(),
        ),
        status: None,
    };
    match session.cluster.api.create(pod.into_object(), dry_run) {
        Ok(Object::Pod(created)) if attach => {
            // Attached, kubectl prints the container's output instead of the pod's name.
            let restart = parsed.value("restart").unwrap_or("Always");
            let now = session.cluster.now_ms();
            let wait = Attach::new(
                &created,
                parsed.bool("stdin"),
                restart,
                parsed.bool("rm"),
                now,
            );
            waiting::run(Box::new(wait), session, out);
        }
        Ok(created) => match parsed.value("output") {
            Some("yaml") => out.out(crate::printers::object::yaml(&[&created], false)),
            Some("json") => out.out(crate::printers::object::json(&[&created], false)),
            _ => out.line(format!(
                "pod/{} created{}",
                created.name(),
                if dry_run { " (dry run)" } else { "" }
            )),
        },
        Err(error) => out.error(errors::render(&error)),
    }
}

/// Whether the pod's command is an interactive shell (or the image's default, which for the
/// images learners attach to is one): attached, it would read the learner's keystrokes.
fn reads_a_terminal(command: &[String]) -> bool {
    match command.first().map(|c| c.rsplit('/').next().unwrap_or(c)) {
        None => true,
        Some("sh" | "bash" | "ash" | "zsh") => command.get(1).is_none_or(|a| a != "-c"),
        Some(_) => false,
    }
}
