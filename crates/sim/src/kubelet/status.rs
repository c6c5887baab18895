//! The pod status a kubelet reports: container statuses, phase, conditions and IPs.

use k8s_openapi::api::core::v1::{ContainerStatus, HostIP, PodIP};
use kubeplay_model::{Kind, Object, ObjectKey};

use super::{Kubelets, images, node_ip};
use crate::api::ApiServer;
use crate::controllers::scheduler::set_pod_condition;

impl Kubelets {
    /// Builds the pod status from the runtime and writes it through the API.
    pub(super) fn write_status(&self, uid: &str, api: &mut ApiServer) {
        let Some(runtime) = self.pods.get(uid) else {
            return;
        };
        let Some(Object::Pod(pod)) = api.store.get(&runtime.key).cloned() else {
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
        let statuses: Vec<ContainerStatus> = runtime
            .containers
            .iter()
            .map(|c| {
                let image = images::lookup(c.container.image.as_deref().unwrap_or_default())
                    .map(|i| i.reference)
                    .unwrap_or_default();
                let started = c.started && c.state.running.is_some();
                ContainerStatus {
                    name: c.container.name.clone(),
                    image: c.container.image.clone().unwrap_or_default(),
                    image_id: if c.container_id.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "{image}@sha256:{}",
                            &c.container_id[13..].chars().rev().collect::<String>()
                        )
                    },
                    container_id: (!c.container_id.is_empty()).then(|| c.container_id.clone()),
                    ready: c.ready,
                    restart_count: c.restart_count,
                    started: Some(started),
                    state: Some(c.state.clone()),
                    last_state: Some(c.last_state.clone().unwrap_or_default()),
                    ..ContainerStatus::default()
                }
            })
            .collect();
        let all_ready = runtime.containers.iter().all(|c| c.ready);
        let any_running = runtime.containers.iter().any(|c| {
            c.state.running.is_some()
                || c.state
                    .waiting
                    .as_ref()
                    .is_some_and(|w| w.reason.as_deref() == Some("CrashLoopBackOff"))
        });
        let all_terminated = runtime
            .containers
            .iter()
            .all(|c| c.state.terminated.is_some());
        let phase = if all_terminated {
            if runtime.containers.iter().all(|c| {
                c.state
                    .terminated
                    .as_ref()
                    .is_some_and(|t| t.exit_code == 0)
            }) {
                "Succeeded"
            } else {
                "Failed"
            }
        } else if any_running {
            "Running"
        } else {
            "Pending"
        };
        let conditions = status.conditions.get_or_insert_with(Vec::new);
        let sandbox = if runtime.ip.is_some() && !all_terminated {
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
        set_pod_condition(conditions, "Initialized", "True", None, None, &now);
        let not_ready: Vec<String> = runtime
            .containers
            .iter()
            .filter(|c| !c.ready)
            .map(|c| c.container.name.clone())
            .collect();
        let (ready, reason, message) = if all_ready {
            ("True", None, None)
        } else if all_terminated {
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
        status.container_statuses = Some(statuses);
        status.host_ip = node_ip.clone();
        status.host_ips = node_ip.map(|ip| vec![HostIP { ip }]);
        status.pod_ip = runtime.ip.clone();
        status.pod_ips = runtime.ip.clone().map(|ip| vec![PodIP { ip }]);
        status.start_time.get_or_insert(now);
        let mut updated = pod;
        updated.status = Some(status);
        let _ = api.update_status(Object::Pod(updated));
    }
}
