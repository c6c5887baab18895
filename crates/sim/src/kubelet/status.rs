//! The pod status a kubelet reports: init and app container statuses, phase (`getPhase` in
//! kubelet_pods.go), conditions (`generatePodInitializedCondition` and friends in
//! pkg/kubelet/status/generate.go) and IPs.

use k8s_openapi::api::core::v1::{HostIP, PodIP};
use kubeplay_model::ContainerStatus;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::{ContainerRuntime, Kubelets, images, node_ip};
use crate::api::ApiServer;
use crate::status_request::WithStatus;
use crate::uid_key::UidKey;
use kubeplay_model::pod::set_pod_condition;

impl Kubelets {
    /// Builds the pod status from the runtime and writes it through the API.
    pub(super) fn write_status(&self, uid: &str, api: &mut ApiServer) {
        let Some(runtime) = self.pods.get(&UidKey::new(uid)) else {
            return;
        };
        let Some(Object::Pod(pod)) = api.store.get(&runtime.key) else {
            return;
        };
        let node_ip = match api
            .store
            .get(&ObjectKey::cluster(Kind::Node, &runtime.node))
        {
            Some(Object::Node(node)) => node_ip(node),
            _ => None,
        };
        let now = api.clock.now_time();
        let mut status = pod.status.clone().unwrap_or_default();
        let (init, app): (Vec<&ContainerRuntime>, Vec<&ContainerRuntime>) =
            runtime.containers.iter().partition(|c| c.init);
        let phase = phase(&init, &app, &runtime.restart_policy);
        let conditions = status.conditions_mut();
        let sandbox = if runtime.ip.is_some() && !matches!(phase, "Succeeded" | "Failed") {
            "True"
        } else {
            "False"
        };
        set_pod_condition(
            conditions,
            "PodReadyToStartContainers",
            sandbox,
            None,
            None,
            &now,
        );
        let incomplete: Vec<String> = init
            .iter()
            .filter(|c| {
                if c.sidecar {
                    !(c.started && c.state.running.is_some())
                } else {
                    c.state.terminated.as_ref().is_none_or(|t| t.exit_code != 0)
                }
            })
            .map(|c| c.name.clone())
            .collect();
        if phase == "Succeeded" {
            set_pod_condition(
                conditions,
                "Initialized",
                "True",
                Some("PodCompleted"),
                None,
                &now,
            );
        } else if incomplete.is_empty() {
            set_pod_condition(conditions, "Initialized", "True", None, None, &now);
        } else {
            let message = format!(
                "containers with incomplete status: [{}]",
                incomplete.join(" ")
            );
            set_pod_condition(
                conditions,
                "Initialized",
                "False",
                Some("ContainersNotInitialized"),
                Some(&message),
                &now,
            );
        }
        let not_ready: Vec<String> = init
            .iter()
            .filter(|c| c.sidecar)
            .chain(&app)
            .filter(|c| !c.ready)
            .map(|c| c.name.clone())
            .collect();
        let (ready, reason, message) = if not_ready.is_empty() {
            ("True", None, None)
        } else if matches!(phase, "Succeeded" | "Failed") {
            ("False", Some("PodCompleted"), None)
        } else {
            (
                "False",
                Some("ContainersNotReady"),
                Some(format!(
                    "containers with unready status: [{}]",
                    not_ready.join(" ")
                )),
            )
        };
        set_pod_condition(conditions, "Ready", ready, reason, message.as_deref(), &now);
        set_pod_condition(
            conditions,
            "ContainersReady",
            ready,
            reason,
            message.as_deref(),
            &now,
        );
        set_pod_condition(conditions, "PodScheduled", "True", None, None, &now);
        let order = [
            "PodReadyToStartContainers",
            "Initialized",
            "Ready",
            "ContainersReady",
            "PodScheduled",
        ];
        conditions.sort_by_key(|c| {
            order
                .iter()
                .position(|o| *o == c.type_)
                .unwrap_or(order.len())
        });
        status.phase = Some(phase.into());
        status.init_container_statuses =
            (!init.is_empty()).then(|| init.iter().map(|c| container_status(c)).collect());
        status.container_statuses = Some(app.iter().map(|c| container_status(c)).collect());
        status.host_ip = node_ip.clone();
        status.host_ips = node_ip.map(|ip| vec![HostIP { ip }]);
        status.pod_ip = runtime.ip.clone();
        status.pod_ips = runtime.ip.clone().map(|ip| vec![PodIP { ip }]);
        status.start_time.get_or_insert(now);
        // The status manager sends nothing when the status is the one it last wrote
        // (`isPodStatusByKubeletEqual` in pkg/kubelet/status/status_manager.go).
        if pod.status.as_ref() == Some(&status) {
            return;
        }
        let _ = api.write_status(pod.status_request(status).into_object());
    }
}

fn container_status(c: &ContainerRuntime) -> ContainerStatus {
    let started = c.started && c.state.running.is_some();
    ContainerStatus {
        name: c.name.clone(),
        image: c.image.clone().unwrap_or_default(),
        image_id: if c.container_id.is_none() {
            String::new()
        } else {
            images::image_id(c.image.as_deref().unwrap_or_default())
        },
        container_id: (!c.container_id.is_none()).then(|| c.container_id.text()),
        ready: c.ready,
        restart_count: c.restart_count,
        started: Some(started),
        state: Some(c.state.clone().into()),
        last_state: Some(c.last_state.as_deref().cloned().unwrap_or_default().into()),
        ..ContainerStatus::default()
    }
}

/// The pod phase as the kubelet's `getPhase` computes it from its containers (the pod is
/// never marked terminal here: a pod whose containers all stopped for good gets its phase
/// from the restart policy, as in the non-terminal branch).
fn phase(
    init: &[&ContainerRuntime],
    app: &[&ContainerRuntime],
    restart_policy: &str,
) -> &'static str {
    let last_failed = |c: &ContainerRuntime| {
        c.last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .map(|t| t.exit_code != 0)
    };
    let mut pending_init = 0;
    let mut failed_init = 0;
    for c in init.iter().filter(|c| !c.sidecar) {
        if c.state.running.is_some() {
            pending_init += 1;
        } else if let Some(t) = &c.state.terminated {
            if t.exit_code != 0 {
                failed_init += 1;
            }
        } else {
            match last_failed(c) {
                Some(true) => failed_init += 1,
                Some(false) => {}
                None => pending_init += 1,
            }
        }
    }
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    let mut pending_sidecars = 0;
    for c in init.iter().filter(|c| c.sidecar) {
        if c.state.running.is_some() {
            if !c.started {
                pending_sidecars += 1;
            }
            running += 1;
        } else if c.state.waiting.is_some() && last_failed(c).is_none() {
            pending_sidecars += 1;
            waiting += 1;
        }
    }
    for c in app {
        if c.state.running.is_some() {
            running += 1;
        } else if let Some(t) = &c.state.terminated {
            stopped += 1;
            if t.exit_code == 0 {
                succeeded += 1;
            }
        } else if last_failed(c).is_some() {
            stopped += 1;
        } else {
            waiting += 1;
        }
    }
    if failed_init > 0 && restart_policy == "Never" {
        return "Failed";
    }
    if pending_init > 0 || (pending_sidecars > 0 && stopped == 0) || waiting > 0 {
        return "Pending";
    }
    if running > 0 {
        return "Running";
    }
    if stopped == 0 {
        return "Pending";
    }
    match restart_policy {
        "Always" => "Running",
        _ if stopped == succeeded => "Succeeded",
        "Never" => "Failed",
        _ => "Running",
    }
}
