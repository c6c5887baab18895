//! View models: what the cluster view, workload tree and events timeline show, computed from
//! the store (pure functions, so they are tested natively and the UI only renders them).

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Event, Node, Pod};
use kubeplay_kubectl::printers::rows::{node_status, pod_status};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, Typed};
use kubeplay_sim::Cluster;
use kubeplay_sim::nodes::KubeletState;
use kubeplay_sim::store::Store;

/// A pod as a chip: its kubectl STATUS text and a class for colour and icon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodChip {
    pub name: String,
    pub namespace: String,
    pub node: String,
    pub status: String,
    pub ready: String,
    pub tone: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeLane {
    pub name: String,
    pub status: String,
    pub roles: String,
    /// The playground stopped this node's kubelet (the control plane only sees silence).
    pub kubelet_stopped: bool,
    pub pods: Vec<PodChip>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterModel {
    pub nodes: Vec<NodeLane>,
    /// Pods no node has taken yet.
    pub pending: Vec<PodChip>,
}

/// A workload and what it owns, for the ownership tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    pub kind: Kind,
    pub name: String,
    pub namespace: String,
    pub summary: String,
    pub children: Vec<Workload>,
    pub pods: Vec<PodChip>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    pub age: String,
    pub event_type: String,
    pub reason: String,
    pub object: String,
    pub message: String,
}

/// Colour/icon class of a STATUS text (the text itself is always shown too).
pub fn tone(status: &str, ready: &str) -> &'static str {
    match status {
        "Running" if ready.split('/').next() == ready.split('/').nth(1) => "ok",
        "Running" => "warn",
        "Completed" | "Succeeded" => "done",
        "Terminating" => "terminating",
        "Pending" | "ContainerCreating" | "PodInitializing" => "pending",
        s if s.starts_with("Init:") => "pending",
        _ => "bad",
    }
}

fn chip(pod: &Pod, now: jiff::Timestamp) -> PodChip {
    let (ready, status, _) = pod_status(pod, now);
    PodChip {
        name: pod.metadata.name_str().to_string(),
        namespace: pod.metadata.namespace_str().to_string(),
        node: pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default(),
        tone: tone(&status, &ready),
        status,
        ready,
    }
}

fn in_namespace(namespace: &str, filter: Option<&str>) -> bool {
    filter.is_none_or(|wanted| wanted == namespace)
}

pub fn cluster_model(cluster: &Cluster, namespace: Option<&str>) -> ClusterModel {
    let store = &cluster.api.store;
    let now = cluster.api.clock.now();
    let nodes = store
        .list_typed::<Node>(None)
        .map(|node| NodeLane {
            name: node.metadata.name_str().to_string(),
            status: node_status(node),
            roles: kubeplay_kubectl::printers::rows::node_roles(node),
            kubelet_stopped: cluster
                .nodes
                .state(node.metadata.name_str())
                .is_some_and(|state| state != KubeletState::Running),
            pods: store
                .pods_on_node(node.metadata.name_str())
                .filter_map(Pod::from_object)
                .filter(|pod| in_namespace(pod.metadata.namespace_str(), namespace))
                .map(|pod| chip(pod, now))
                .collect(),
        })
        .collect();
    let pending = store
        .unscheduled_pods()
        .filter(|pod| in_namespace(pod.metadata.namespace_str(), namespace))
        .map(|pod| chip(pod, now))
        .collect();
    ClusterModel { nodes, pending }
}

fn owned_pods(store: &Store, owner: &Object, now: jiff::Timestamp) -> Vec<PodChip> {
    store
        .dependents_of(owner.uid())
        .filter_map(Pod::from_object)
        .map(|pod| chip(pod, now))
        .collect()
}

/// Deployments → ReplicaSets → Pods, DaemonSets → Pods, then bare pods: the workshop's diagrams.
pub fn workloads(store: &Store, now: jiff::Timestamp, namespace: Option<&str>) -> Vec<Workload> {
    let mut result = Vec::new();
    for object in store.list(Kind::Deployment, namespace) {
        let Some(deployment) = Deployment::from_object(object) else {
            continue;
        };
        let status = deployment.status.clone().unwrap_or_default();
        let replicas = deployment
            .spec
            .as_ref()
            .and_then(|s| s.replicas)
            .unwrap_or(0);
        let children = store
            .dependents_of(object.uid())
            .filter_map(|child| ReplicaSet::from_object(child).map(|rs| (child, rs)))
            .map(|(child, rs)| Workload {
                kind: Kind::ReplicaSet,
                name: rs.metadata.name_str().to_string(),
                namespace: rs.metadata.namespace_str().to_string(),
                summary: format!(
                    "{}/{} ready",
                    rs.status
                        .as_ref()
                        .and_then(|s| s.ready_replicas)
                        .unwrap_or(0),
                    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
                ),
                children: Vec::new(),
                pods: owned_pods(store, child, now),
            })
            .collect();
        result.push(Workload {
            kind: Kind::Deployment,
            name: deployment.metadata.name_str().to_string(),
            namespace: deployment.metadata.namespace_str().to_string(),
            summary: format!(
                "{}/{replicas} ready, {} up-to-date",
                status.ready_replicas.unwrap_or(0),
                status.updated_replicas.unwrap_or(0)
            ),
            children,
            pods: Vec::new(),
        });
    }
    for object in store.list(Kind::DaemonSet, namespace) {
        let Some(ds) = DaemonSet::from_object(object) else {
            continue;
        };
        let status = ds.status.clone().unwrap_or_default();
        result.push(Workload {
            kind: Kind::DaemonSet,
            name: ds.metadata.name_str().to_string(),
            namespace: ds.metadata.namespace_str().to_string(),
            summary: format!(
                "{}/{} ready, one per node",
                status.number_ready, status.desired_number_scheduled
            ),
            children: Vec::new(),
            pods: owned_pods(store, object, now),
        });
    }
    for object in store.list(Kind::CronJob, namespace) {
        let children = store
            .dependents_of(object.uid())
            .filter_map(|child| Job::from_object(child).map(|job| (child, job)))
            .map(|(child, job)| job_workload(store, child, job, now))
            .collect();
        result.push(Workload {
            kind: Kind::CronJob,
            name: object.name().to_string(),
            namespace: object.namespace().to_string(),
            summary: CronJob::from_object(object)
                .and_then(|c| c.spec.as_ref())
                .map(|s| format!("schedule {}", s.schedule))
                .unwrap_or_default(),
            children,
            pods: Vec::new(),
        });
    }
    for object in store.list(Kind::Job, namespace) {
        if object.meta().controller_ref().is_none()
            && let Some(job) = Job::from_object(object)
        {
            result.push(job_workload(store, object, job, now));
        }
    }
    for object in store.list(Kind::ReplicaSet, namespace) {
        if object.meta().controller_ref().is_none() {
            result.push(Workload {
                kind: Kind::ReplicaSet,
                name: object.name().to_string(),
                namespace: object.namespace().to_string(),
                summary: String::new(),
                children: Vec::new(),
                pods: owned_pods(store, object, now),
            });
        }
    }
    let bare: Vec<PodChip> = store
        .list(Kind::Pod, namespace)
        .filter_map(Pod::from_object)
        .filter(|pod| {
            pod.metadata
                .controller_ref()
                .is_none_or(|owner| owner.kind == "Node")
        })
        .map(|pod| chip(pod, now))
        .collect();
    if !bare.is_empty() {
        result.push(Workload {
            kind: Kind::Pod,
            name: "Static and standalone pods".into(),
            namespace: String::new(),
            summary: String::new(),
            children: Vec::new(),
            pods: bare,
        });
    }
    result
}

fn job_workload(store: &Store, object: &Object, job: &Job, now: jiff::Timestamp) -> Workload {
    let status = job.status.clone().unwrap_or_default();
    let completions = job.spec.as_ref().and_then(|s| s.completions).unwrap_or(1);
    Workload {
        kind: Kind::Job,
        name: job.metadata.name_str().to_string(),
        namespace: job.metadata.namespace_str().to_string(),
        summary: format!(
            "{} — {}/{completions} succeeded",
            kubeplay_kubectl::printers::rows::job_status(job),
            status.succeeded.unwrap_or(0)
        ),
        children: Vec::new(),
        pods: owned_pods(store, object, now),
    }
}

/// The newest events first, like `kubectl get events -w` scrolled to the end.
pub fn events(
    store: &Store,
    now: jiff::Timestamp,
    namespace: Option<&str>,
    filter: &str,
    limit: usize,
) -> Vec<EventRow> {
    let mut events: Vec<&Event> = store.list_typed::<Event>(namespace).collect();
    events.sort_by(|a, b| {
        b.last_timestamp
            .cmp(&a.last_timestamp)
            .then_with(|| b.metadata.name.cmp(&a.metadata.name))
    });
    events
        .into_iter()
        .map(|event| {
            let age = event.last_timestamp.as_ref().map_or(String::new(), |t| {
                kubeplay_kubectl::text::duration::human_duration(
                    now.as_millisecond().saturating_sub(t.0.as_millisecond()),
                )
            });
            EventRow {
                age,
                event_type: event.type_.clone().unwrap_or_default(),
                reason: event.reason.clone().unwrap_or_default(),
                object: format!(
                    "{}/{}",
                    event
                        .involved_object
                        .kind
                        .clone()
                        .unwrap_or_default()
                        .to_ascii_lowercase(),
                    event.involved_object.name.clone().unwrap_or_default()
                ),
                message: event.message.clone().unwrap_or_default(),
            }
        })
        .filter(|row| {
            filter.is_empty()
                || row.object.contains(filter)
                || row.reason.contains(filter)
                || row.message.contains(filter)
        })
        .take(limit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_sim::{ClusterShape, create_cluster};

    #[test]
    fn a_kind_cluster_shows_its_system_pods_on_the_node() {
        let cluster = create_cluster(
            &ClusterShape::kind(),
            "2025-06-02T10:15:00Z".parse().unwrap_or_default(),
            1,
        );
        let model = cluster_model(&cluster, Some("kube-system"));
        assert_eq!(model.nodes.len(), 1);
        assert_eq!(model.nodes[0].pods.len(), 8);
        assert!(
            model.nodes[0]
                .pods
                .iter()
                .all(|chip| chip.status == "Running" && chip.tone == "ok")
        );
        let trees = workloads(
            &cluster.api.store,
            cluster.api.clock.now(),
            Some("kube-system"),
        );
        assert_eq!(
            trees.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(),
            vec![
                "coredns",
                "kindnet",
                "kube-proxy",
                "Static and standalone pods"
            ]
        );
        assert!(
            !events(
                &cluster.api.store,
                cluster.api.clock.now(),
                None,
                "coredns",
                10
            )
            .is_empty()
        );
    }
}
