//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE…`: kubectl would listen on a local port
//! and tunnel it to the pod. kubeplay runs in a browser tab (or a script), where nothing
//! can listen on a port, so it checks the arguments and the target as kubectl does and
//! then says so, showing how to reach the same port from inside the cluster instead.

use kubeplay_model::{Kind, Object};

use crate::args::{self, Flag, value};
use crate::errors;
use crate::output::Output;
use crate::session::Session;

const FLAGS: &[Flag] = &[value("address", None), value("pod-running-timeout", None)];

const USAGE: &str = "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples";

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "port-forward") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let [target, ports @ ..] = parsed.positional.as_slice() else {
        return out.error(USAGE);
    };
    if ports.is_empty() {
        return out.error(USAGE);
    }
    let namespace = parsed.value("namespace").unwrap_or("default");
    let (kind, name) = match target.split_once('/') {
        Some((kind, name)) => match crate::resources::resolve_kind(kind) {
            Ok(kind) => (kind, name),
            Err(error) => return out.error(error),
        },
        None => (Kind::Pod, target.as_str()),
    };
    let Some(object) = session.get(kind, namespace, name) else {
        return out.error(errors::render(&kubeplay_model::ApiError::not_found(
            kind, name,
        )));
    };
    let host = match object {
        Object::Service(_) => format!("{name}.{namespace}.svc.cluster.local"),
        Object::Pod(pod) => pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_else(|| name.to_string()),
        _ => format!("<{} pod IP>", kind.name().to_lowercase()),
    };
    let mut remote = Vec::new();
    for port in ports {
        let port = port.rsplit(':').next().unwrap_or(port);
        if port.parse::<u16>().is_err() {
            return out.error(format!(
                "error: Error parsing remote port '{port}': strconv.ParseUint: parsing {port:?}: invalid syntax"
            ));
        }
        remote.push(port.to_string());
    }
    // Any running pod of the namespace can make the request from inside the cluster.
    let from = session
        .cluster
        .api
        .store
        .list(Kind::Pod, Some(namespace))
        .find(|pod| match pod {
            Object::Pod(pod) => {
                pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
            }
            _ => false,
        })
        .map_or_else(|| "POD".to_string(), |pod| pod.name().to_string());
    out.error(format!(
        "error: kubeplay cannot forward ports: the cluster runs inside this page (or script), and nothing outside it — your browser's address bar, curl on your machine — can connect to a port it would open.\nTo reach {target} from inside the cluster, run curl in a pod there, for example:\n  kubectl exec {from} -- curl -s http://{host}:{}",
        remote[0]
    ));
}
