//! `kubeplay pod fail-probe|fix-probe POD`: makes a container's probe fail until it is
//! fixed, through the kubelet's probe knob, and says so in kubectl's `pod/NAME …` style.

use k8s_openapi::api::core::v1::Container;
use kubeplay_model::keys::DEFAULT_CONTAINER;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{ApiError, Kind, Object, Pod};
use kubeplay_sim::kubelet::{ProbeKind, ProbeOverrideError};

use crate::args::{self, Flag, value};
use crate::errors;
use crate::output::Output;
use crate::session::Session;

const FLAGS: &[Flag] = &[value("container", Some('c')), value("probe", None)];

const USAGE: &str = "Make a pod's probes fail or pass again.

Usage:
  kubeplay pod fail-probe POD [-c CONTAINER] [--probe readiness|liveness|startup] [-n NAMESPACE]
  kubeplay pod fix-probe POD [-c CONTAINER] [--probe readiness|liveness|startup] [-n NAMESPACE]

Without --probe: the container's readiness probe, else its liveness, else its startup probe.
";

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    match args.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => out.out(USAGE),
        Some("fail-probe") => set_probe(&args[1..], true, session, out),
        Some("fix-probe") => set_probe(&args[1..], false, session, out),
        Some(unknown) => out.error(format!(
            "error: unknown command {unknown:?} for \"kubeplay pod\"\nRun 'kubeplay pod --help' for usage."
        )),
    }
}

fn set_probe(args: &[String], failing: bool, session: &mut Session, out: &mut Output) {
    let verb = if failing { "fail-probe" } else { "fix-probe" };
    let parsed = match args::parse(args, FLAGS, &format!("pod {verb}")) {
        Ok(parsed) => parsed,
        // The flag parser's hint names kubectl; this command is kubeplay's.
        Err(error) => return out.error(error.replace("'kubectl ", "'kubeplay ")),
    };
    let [target] = parsed.positional.as_slice() else {
        return out.error(format!(
            "error: expected 'kubeplay pod {verb} POD [-c CONTAINER] [--probe readiness|liveness|startup]'"
        ));
    };
    // `POD` or kubectl's `pod/POD`.
    let name = match target.split_once('/') {
        Some(("pod" | "pods" | "po", name)) => name,
        Some(_) => {
            return out.error(format!(
                "error: {target:?} is not a pod: kubeplay pod takes POD or pod/POD"
            ));
        }
        None => target.as_str(),
    };
    let namespace = parsed.value("namespace").unwrap_or("default");
    let Some(Object::Pod(pod)) = session.get(Kind::Pod, namespace, name) else {
        return out.error(errors::render(&ApiError::not_found(Kind::Pod, name)));
    };
    let pod = pod.clone();
    let container = match pick_container(&pod, parsed.value("container")) {
        Ok(container) => container,
        Err(message) => return out.error(message),
    };
    let kind = match pick_probe(&pod, container, parsed.value("probe")) {
        Ok(kind) => kind,
        Err(message) => return out.error(message),
    };
    let container_name = container.name.clone();
    match session.cluster.set_probe_override(
        pod.metadata.uid_str(),
        Some(&container_name),
        kind,
        failing,
    ) {
        Ok(()) => out.line(format!(
            "pod/{name} {} probe {}",
            kind.name(),
            if failing { "failing" } else { "passing" }
        )),
        Err(ProbeOverrideError::NotRunning) => {
            out.error(format!("error: pod {name:?} is not running on a node yet"))
        }
        Err(other) => out.error(format!("error: {other}")),
    }
}

/// `-c CONTAINER`, else the `kubectl.kubernetes.io/default-container`, else the first.
fn pick_container<'a>(pod: &'a Pod, wanted: Option<&str>) -> Result<&'a Container, String> {
    let containers = pod
        .spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or_default();
    let annotated = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(DEFAULT_CONTAINER))
        .map(String::as_str);
    match wanted.or(annotated) {
        Some(name) => containers.iter().find(|c| c.name == name).ok_or_else(|| {
            format!(
                "error: container {name} is not valid for pod {}",
                pod.metadata.name_str()
            )
        }),
        None => containers
            .first()
            .ok_or_else(|| "error: pod has no containers".to_string()),
    }
}

fn pick_probe(pod: &Pod, container: &Container, wanted: Option<&str>) -> Result<ProbeKind, String> {
    let pod_name = pod.metadata.name_str();
    let name = &container.name;
    match wanted {
        Some(text) => {
            let kind = ProbeKind::parse(text).ok_or_else(|| {
                format!(
                    "error: invalid probe {text:?}: must be one of readiness, liveness, startup"
                )
            })?;
            kind.of(container).map(|_| kind).ok_or_else(|| {
                format!(
                    "error: container {name:?} in pod {pod_name:?} has no {} probe",
                    kind.name()
                )
            })
        }
        None => [
            ProbeKind::Readiness,
            ProbeKind::Liveness,
            ProbeKind::Startup,
        ]
        .into_iter()
        .find(|kind| kind.of(container).is_some())
        .ok_or_else(|| format!("error: container {name:?} in pod {pod_name:?} has no probes")),
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{PodSpec, Probe};

    use super::*;

    fn pod_with(container: Container) -> Pod {
        Pod {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some("web-1".into()),
                ..Default::default()
            },
            spec: Some(
                PodSpec {
                    containers: vec![container],
                    ..PodSpec::default()
                }
                .into(),
            ),
            status: None,
        }
    }

    #[test]
    fn picks_the_probe_the_container_defines() {
        let container = Container {
            name: "app".into(),
            liveness_probe: Some(Probe::default()),
            ..Container::default()
        };
        let pod = pod_with(container.clone());
        assert_eq!(pick_probe(&pod, &container, None), Ok(ProbeKind::Liveness));
        assert_eq!(
            pick_probe(&pod, &container, Some("readiness")),
            Err("error: container \"app\" in pod \"web-1\" has no readiness probe".into())
        );
        assert!(pick_probe(&pod, &container, Some("ready")).is_err());
        let bare = Container {
            name: "app".into(),
            ..Container::default()
        };
        assert_eq!(
            pick_probe(&pod_with(bare.clone()), &bare, None),
            Err("error: container \"app\" in pod \"web-1\" has no probes".into())
        );
    }
}
