//! View models: what the cluster view, workload tree and events timeline show, computed from
//! the store (pure functions, so they are tested natively and the UI only renders them).

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Node, ReplicationController, Taint};
use kubeplay_kubectl::printers::rows::{node_status, pod_status};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Event, Kind, Object, Pod, Typed};
use kubeplay_sim::Cluster;
use kubeplay_sim::controllers::scheduler::tolerates;
use kubeplay_sim::nodes::{KubeletState, NODE_MONITOR_GRACE_PERIOD_MS, unreachable_detected_at};
use kubeplay_sim::store::Store;

use crate::pod_groups::{PodGroups, PodSet};

/// A pod as a chip: its kubectl STATUS text and a class for colour and icon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodChip {
    pub name: String,
    pub namespace: String,
    pub node: String,
    pub status: String,
    pub ready: String,
    pub tone: &'static str,
    /// What STATUS does not say: the pod's node is lost, so it is not ready, and when it goes.
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeLane {
    pub name: String,
    pub status: String,
    pub roles: String,
    /// The playground stopped this node's kubelet (the control plane only sees silence).
    pub kubelet_stopped: bool,
    /// NotReady, Unknown or deleted: its pods are not what they seem.
    pub lost: bool,
    /// The Node object is gone (its pods wait for the pod garbage collector).
    pub deleted: bool,
    /// The Ready condition's message when the node is not Ready, e.g. "Kubelet stopped
    /// posting node status."
    pub reason: Option<String>,
    /// What the control plane waits for on this node and until when, in virtual time.
    pub notes: Vec<String>,
    pub pods: Vec<Rc<PodChip>>,
}

/// The cluster view's lanes built from the whole store: what tests check the page's
/// incrementally kept model (`live::LiveView`) against.
#[cfg(test)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterModel {
    pub nodes: Vec<NodeLane>,
    /// Pods no node has taken yet.
    pub pending: Vec<Rc<PodChip>>,
}

/// A workload and what it owns, for the ownership tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    pub kind: Kind,
    pub name: String,
    pub namespace: String,
    pub summary: String,
    pub children: Vec<Workload>,
    pub pods: PodSet,
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

pub fn chip(pod: &Pod, now: jiff::Timestamp) -> PodChip {
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
        note: None,
    }
}

/// Virtual wall-clock time of the cluster's millisecond `ms`, as the clock shows it.
fn clock_time(cluster: &Cluster, ms: u64) -> String {
    let now_ms = cluster.now_ms();
    let now = cluster.api.clock.now();
    let offset = i64::try_from(ms).unwrap_or(i64::MAX) - i64::try_from(now_ms).unwrap_or(i64::MAX);
    now.checked_add(jiff::SignedDuration::from_millis(offset))
        .ok()
        .and_then(|t| jiff::fmt::strtime::format("%H:%M:%S", t).ok())
        .unwrap_or_default()
}

fn millis_of(
    cluster: &Cluster,
    time: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) -> u64 {
    cluster.api.clock.millis_of(time)
}

/// The Ready condition's status and message.
fn ready_condition(node: &Node) -> Option<(&str, Option<&str>)> {
    node.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| (c.status.as_str(), c.message.as_deref()))
}

/// When the taint eviction controller deletes `pod` because of the node's NoExecute taints:
/// the taint's timeAdded plus the shortest matching `tolerationSeconds`; `None` when the pod
/// tolerates them for ever (DaemonSet pods).
fn eviction_at(cluster: &Cluster, pod: &Pod, taints: &[&Taint]) -> Option<u64> {
    let tolerations = pod
        .spec
        .as_ref()
        .and_then(|s| s.tolerations.clone())
        .unwrap_or_default();
    taints
        .iter()
        .filter_map(|taint| {
            let added = taint
                .time_added
                .as_ref()
                .map_or(cluster.now_ms(), |t| millis_of(cluster, t));
            let matching: Vec<_> = tolerations
                .iter()
                .filter(|t| tolerates(std::slice::from_ref(*t), taint))
                .collect();
            if matching.is_empty() {
                return Some(added);
            }
            let seconds = matching.iter().filter_map(|t| t.toleration_seconds).min()?;
            Some(added + u64::try_from(seconds.max(0)).unwrap_or(0) * 1000)
        })
        .min()
}

/// Marks the chips of a lost node and says what the control plane waits for there.
fn explain_lost_node(cluster: &Cluster, node: &Node, lane: &mut NodeLane) {
    let name = node.metadata.name_str();
    if let (Some(KubeletState::Stopped { since_ms }), Some(renewed)) = (
        cluster.nodes.state(name),
        cluster.nodes.last_renewal_ms(name),
    ) && !lane.lost
    {
        lane.notes.push(format!(
            "The kubelet stopped at {}. The control plane only sees its Lease age: after the {} s grace period (last renewal {}), the node turns NotReady at about {}.",
            clock_time(cluster, since_ms),
            NODE_MONITOR_GRACE_PERIOD_MS / 1000,
            clock_time(cluster, renewed),
            clock_time(cluster, unreachable_detected_at(renewed)),
        ));
    }
    if !lane.lost {
        return;
    }
    let taints: Vec<&Taint> = node
        .spec
        .iter()
        .flat_map(|s| s.taints.iter().flatten())
        .filter(|t| t.effect == "NoExecute")
        .collect();
    for taint in &taints {
        if let Some(added) = &taint.time_added {
            lane.notes.push(format!(
                "Tainted {}:NoExecute at {}.",
                taint.key,
                clock_time(cluster, millis_of(cluster, added))
            ));
        }
    }
    let now = cluster.now_ms();
    let mut waiting: Vec<u64> = Vec::new();
    let mut for_ever = 0;
    let mut terminating = 0;
    for chip in &mut lane.pods {
        let Some(pod) = cluster
            .api
            .store
            .get_typed::<Pod>(&chip.namespace, &chip.name)
        else {
            continue;
        };
        let finished = matches!(
            pod.status.as_ref().and_then(|s| s.phase.as_deref()),
            Some("Succeeded" | "Failed")
        );
        let note = if pod.metadata.is_deleting() {
            terminating += 1;
            "waits for the unreachable kubelet to confirm it stopped".to_string()
        } else if finished {
            continue;
        } else {
            match eviction_at(cluster, pod, &taints) {
                Some(at) if at > now => {
                    waiting.push(at);
                    format!(
                        "not ready (node lost); evicted at {}",
                        clock_time(cluster, at)
                    )
                }
                Some(_) => "not ready (node lost); being evicted".to_string(),
                None if taints.is_empty() => "not ready (node lost)".to_string(),
                None => {
                    for_ever += 1;
                    "not ready (node lost); tolerates the taint, stays".to_string()
                }
            }
        };
        let chip = Rc::make_mut(chip);
        chip.tone = "lost";
        chip.note = Some(note);
    }
    if let (Some(first), Some(last)) = (waiting.iter().min(), waiting.iter().max()) {
        let when = if first == last {
            format!("at {}", clock_time(cluster, *first))
        } else {
            format!(
                "from {} to {}",
                clock_time(cluster, *first),
                clock_time(cluster, *last)
            )
        };
        lane.notes.push(format!(
            "{} pod{} tolerate{} the taint for their tolerationSeconds (300 s by default): evicted {when}, then their controllers create replacements on other nodes.",
            waiting.len(),
            if waiting.len() == 1 { "" } else { "s" },
            if waiting.len() == 1 { "s" } else { "" },
        ));
    }
    if for_ever > 0 {
        lane.notes.push(format!(
            "{for_ever} pod{} tolerate{} the taint for ever (DaemonSet pods) and stay.",
            if for_ever == 1 { "" } else { "s" },
            if for_ever == 1 { "s" } else { "" },
        ));
    }
    if terminating > 0 {
        lane.notes.push(format!(
            "{terminating} pod{} Terminating until the kubelet confirms, which it cannot while unreachable: until the node comes back or is removed.",
            if terminating == 1 { " stays" } else { "s stay" },
        ));
    }
}

#[cfg(test)]
fn in_namespace(namespace: &str, filter: Option<&str>) -> bool {
    filter.is_none_or(|wanted| wanted == namespace)
}

/// A live node's lane with its pods (of every namespace shown).
pub fn node_lane(cluster: &Cluster, node: &Node, pods: Vec<Rc<PodChip>>) -> NodeLane {
    let ready = ready_condition(node);
    let lost = ready.is_none_or(|(status, _)| status != "True");
    let mut lane = NodeLane {
        name: node.metadata.name_str().to_string(),
        status: node_status(node),
        roles: kubeplay_kubectl::printers::rows::node_roles(node),
        kubelet_stopped: cluster
            .nodes
            .state(node.metadata.name_str())
            .is_some_and(|state| state != KubeletState::Running),
        lost,
        deleted: false,
        reason: ready
            .filter(|_| lost)
            .and_then(|(_, message)| message.map(str::to_string)),
        notes: Vec::new(),
        pods,
    };
    explain_lost_node(cluster, node, &mut lane);
    lane
}

/// The lane of pods still bound to a node that no longer exists: the pod garbage collector
/// deletes them once the node has been gone for its 40 s quarantine (checked every 20 s).
pub fn deleted_node_lane(name: &str, pods: Vec<Rc<PodChip>>) -> NodeLane {
    NodeLane {
        name: name.to_string(),
        status: "deleted".into(),
        roles: String::new(),
        kubelet_stopped: false,
        lost: true,
        deleted: true,
        reason: Some("The Node object was deleted.".into()),
        notes: vec![
            "The pod garbage collector deletes these pods 40–60 s after their node is gone; their controllers create replacements.".into(),
        ],
        pods: pods
            .into_iter()
            .map(|chip| {
                let mut chip = (*chip).clone();
                chip.tone = "lost";
                chip.note = Some("node deleted; waits for the pod garbage collector".into());
                Rc::new(chip)
            })
            .collect(),
    }
}

/// The cluster view's model built from the whole store (the page keeps one up to date
/// incrementally instead: `live::LiveView`).
#[cfg(test)]
pub fn cluster_model(cluster: &Cluster, namespace: Option<&str>) -> ClusterModel {
    let store = &cluster.api.store;
    let now = cluster.api.clock.now();
    let chips = |pods: &mut dyn Iterator<Item = &Pod>| -> Vec<Rc<PodChip>> {
        pods.filter(|pod| in_namespace(pod.metadata.namespace_str(), namespace))
            .map(|pod| Rc::new(chip(pod, now)))
            .collect()
    };
    let mut nodes: Vec<NodeLane> = store
        .list_typed::<Node>(None)
        .map(|node| {
            let pods = chips(
                &mut store
                    .pods_on_node(node.metadata.name_str())
                    .filter_map(Pod::from_object),
            );
            node_lane(cluster, node, pods)
        })
        .collect();
    let mut orphaned: std::collections::BTreeMap<&str, Vec<&Pod>> = Default::default();
    for pod in store.list_typed::<Pod>(namespace) {
        if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.as_deref())
            && store.get_typed::<Node>("", node).is_none()
        {
            orphaned.entry(node).or_default().push(pod);
        }
    }
    nodes.extend(
        orphaned
            .into_iter()
            .map(|(node, pods)| deleted_node_lane(node, chips(&mut pods.into_iter()))),
    );
    let pending = chips(&mut store.unscheduled_pods());
    ClusterModel { nodes, pending }
}

/// Deployments → ReplicaSets → Pods, DaemonSets → Pods, CronJobs → Jobs → Pods, stand-alone
/// ReplicaSets and ReplicationControllers → Pods, then bare pods: the workshop's diagrams.
pub fn workloads(store: &Store, pods: &PodGroups, namespace: Option<&str>) -> Vec<Workload> {
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
                pods: pods.owned_by(child.uid()),
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
            pods: PodSet::default(),
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
            pods: pods.owned_by(object.uid()),
        });
    }
    for object in store.list(Kind::CronJob, namespace) {
        let children = store
            .dependents_of(object.uid())
            .filter_map(|child| Job::from_object(child).map(|job| (child, job)))
            .map(|(child, job)| job_workload(child, job, pods))
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
            pods: PodSet::default(),
        });
    }
    for object in store.list(Kind::Job, namespace) {
        if object.meta().controller_ref().is_none()
            && let Some(job) = Job::from_object(object)
        {
            result.push(job_workload(object, job, pods));
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
                pods: pods.owned_by(object.uid()),
            });
        }
    }
    for object in store.list(Kind::ReplicationController, namespace) {
        let Some(rc) = ReplicationController::from_object(object) else {
            continue;
        };
        result.push(Workload {
            kind: Kind::ReplicationController,
            name: object.name().to_string(),
            namespace: object.namespace().to_string(),
            summary: format!(
                "{}/{} ready",
                rc.status
                    .as_ref()
                    .and_then(|s| s.ready_replicas)
                    .unwrap_or(0),
                rc.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
            ),
            children: Vec::new(),
            pods: pods.owned_by(object.uid()),
        });
    }
    let bare = match namespace {
        Some(namespace) => pods.standalone().in_namespace(namespace),
        None => pods.standalone(),
    };
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

fn job_workload(object: &Object, job: &Job, pods: &PodGroups) -> Workload {
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
        pods: pods.owned_by(object.uid()),
    }
}

/// The timeline's Events: how many match, up to its length, and the rows of the first ones,
/// those drawn (`row_window.rs`).
#[derive(Debug, Default)]
pub struct EventRows {
    pub matching: usize,
    pub rows: Vec<EventRow>,
}

/// The newest events first, like `kubectl get events -w` scrolled to the end: up to `limit`
/// matching ones counted, rows built for the first `drawn`. Only those are read: the store
/// keeps Events in that order.
pub fn events(
    store: &Store,
    now: jiff::Timestamp,
    namespace: Option<&str>,
    filter: &str,
    limit: usize,
    drawn: usize,
) -> EventRows {
    let matches = |event: &Event| {
        filter.is_empty()
            || event_object(event).contains(filter)
            || event.reason.as_deref().is_some_and(|r| r.contains(filter))
            || event.message.as_deref().is_some_and(|m| m.contains(filter))
    };
    // The store keeps Events by when they were last seen, then name: the newest come first, and only
    // the rows shown are read past the filter.
    store
        .events_newest_first()
        .filter(|event| namespace.is_none_or(|ns| event.metadata.namespace_str() == ns))
        .filter(|event| matches(event))
        .take(limit)
        .fold(EventRows::default(), |mut shown, event| {
            shown.matching += 1;
            if shown.rows.len() < drawn {
                shown.rows.push(event_row(event, now));
            }
            shown
        })
}

fn event_row(event: &Event, now: jiff::Timestamp) -> EventRow {
    let age = kubeplay_sim::events::last_seen(event).map_or(String::new(), |t| {
        kubeplay_kubectl::text::duration::human_duration(
            now.as_millisecond().saturating_sub(t.as_millisecond()),
        )
    });
    EventRow {
        age,
        event_type: event.type_.as_deref().cloned().unwrap_or_default(),
        reason: event.reason.as_deref().cloned().unwrap_or_default(),
        object: event_object(event),
        message: event.message.as_deref().cloned().unwrap_or_default(),
    }
}

/// `kind/name` of what an event is about, as `kubectl get events` prints it.
fn event_object(event: &Event) -> String {
    format!(
        "{}/{}",
        event
            .involved_object
            .kind
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase(),
        event.involved_object.name.as_deref().unwrap_or_default()
    )
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
        let now = cluster.api.clock.now();
        let trees = workloads(
            &cluster.api.store,
            &PodGroups::from_store(&cluster.api.store, now),
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
                10,
                10
            )
            .rows
            .is_empty()
        );
    }

    #[test]
    fn a_lost_node_and_its_pods_look_lost_and_say_what_waits() {
        use crate::playground::{Playground, Preset, Settings};
        let mut playground = Playground::new(Settings {
            seed: 4,
            preset: Preset::KindMulti,
            start_second: 1_748_859_300,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        playground.run("kubectl create deployment web --image=nginx --replicas=6");
        playground.advance(60_000);
        playground.run("kubeplay node stop kind-worker");
        let lane = |p: &Playground| {
            cluster_model(&p.terminal.cluster, Some("default"))
                .nodes
                .into_iter()
                .find(|lane| lane.name == "kind-worker")
                .unwrap_or_else(|| panic!("no lane"))
        };
        let stopped = lane(&playground);
        assert!(!stopped.lost);
        assert!(
            stopped.notes[0].contains("turns NotReady at about"),
            "{:?}",
            stopped.notes
        );
        playground.advance(70_000);
        let lost = lane(&playground);
        assert!(lost.lost && lost.status == "NotReady");
        assert_eq!(
            lost.reason.as_deref(),
            Some("Kubelet stopped posting node status.")
        );
        assert!(!lost.pods.is_empty());
        assert!(lost.pods.iter().all(|chip| {
            chip.tone == "lost"
                && chip
                    .note
                    .as_deref()
                    .is_some_and(|n| n.contains("evicted at"))
        }));
        assert!(
            lost.notes.iter().any(|n| n.contains("tolerationSeconds")),
            "{:?}",
            lost.notes
        );
    }

    #[test]
    fn a_replication_controller_is_a_workload_with_its_pods() {
        use crate::playground::{Playground, Preset, Settings};
        let mut playground = Playground::new(Settings {
            seed: 4,
            preset: Preset::Kind,
            start_second: 1_748_859_300,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        playground.run(
            "kubectl create -f - <<'EOF'\napiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: legacy\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels:\n        app: legacy\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\nEOF",
        );
        playground.advance(20_000);
        let cluster = &playground.terminal.cluster;
        let now = cluster.api.clock.now();
        let trees = workloads(
            &cluster.api.store,
            &PodGroups::from_store(&cluster.api.store, now),
            Some("default"),
        );
        let rc = trees
            .iter()
            .find(|w| w.kind == Kind::ReplicationController)
            .unwrap_or_else(|| panic!("no ReplicationController in {trees:?}"));
        assert_eq!(
            (rc.name.as_str(), rc.summary.as_str()),
            ("legacy", "2/2 ready")
        );
        assert_eq!(rc.pods.len(), 2);
    }

    /// The newest rows read from the store's index are the rows a full sort would show first.
    #[test]
    fn events_are_the_newest_matching_ones_in_order() {
        use crate::playground::{Playground, Preset, Settings};
        let mut playground = Playground::new(Settings {
            seed: 8,
            preset: Preset::KindMulti,
            start_second: 1_748_859_300,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        playground.run("kubectl create deployment web --image=nginx --replicas=12");
        playground.advance(30_000);
        playground.run("kubectl scale deployment web --replicas=2");
        playground.advance(30_000);
        let store = &playground.terminal.cluster.api.store;
        let now = playground.now();
        let mut all: Vec<&Event> = store.list_typed::<Event>(None).collect();
        all.sort_by(|a, b| {
            kubeplay_sim::events::last_seen(b)
                .cmp(&kubeplay_sim::events::last_seen(a))
                .then_with(|| b.metadata.name.cmp(&a.metadata.name))
        });
        for (filter, limit) in [
            ("", 5),
            ("", 500),
            ("web-", 7),
            ("Killing", 3),
            ("nothing", 4),
        ] {
            let expected: Vec<String> = all
                .iter()
                .filter(|e| {
                    filter.is_empty()
                        || event_object(e).contains(filter)
                        || e.reason.as_deref().is_some_and(|r| r.contains(filter))
                        || e.message.as_deref().is_some_and(|m| m.contains(filter))
                })
                .take(limit)
                .map(|e| e.metadata.name.clone().unwrap_or_default())
                .collect();
            // Counted to the limit, rows built for the first three.
            let first = events(store, now, None, filter, limit, 3);
            assert_eq!(first.matching, expected.len(), "{filter:?} {limit}");
            assert_eq!(
                first.rows.len(),
                expected.len().min(3),
                "{filter:?} {limit}"
            );
            let rows = events(store, now, None, filter, limit, limit).rows;
            assert_eq!(rows.len(), expected.len(), "{filter:?} {limit}");
            assert_eq!(rows[..first.rows.len()], first.rows, "{filter:?} {limit}");
            assert!(filter != "web-" || !rows.is_empty());
            let objects: Vec<String> = rows.iter().map(|r| r.object.clone()).collect();
            let expected_objects: Vec<String> = all
                .iter()
                .filter(|e| expected.contains(&e.metadata.name.clone().unwrap_or_default()))
                .map(|e| event_object(e))
                .collect();
            assert_eq!(objects, expected_objects, "{filter:?} {limit}");
        }
    }
}
