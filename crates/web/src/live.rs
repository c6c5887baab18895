//! The cluster view's model, kept current from the store's changes instead of rebuilt from the
//! whole store: each sync recomputes the chips of the pods that changed, the lanes of the nodes
//! they are on, moves those chips in their workloads' groups (`pod_groups`: counts by status
//! kept as they change), and lists the workloads again only when a pod or a workload changed
//! (a walk over the workloads, not their pods). A sync costs what changed, not what exists.
//! Unchanged lanes and workloads keep the same `Rc`, so the panels redraw only what changed.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use foldhash::HashMap;

use k8s_openapi::api::core::v1::Node;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, ObjectKey, Pod};
use kubeplay_sim::Cluster;
use kubeplay_sim::nodes::KubeletState;

use crate::pod_groups::PodGroups;
use crate::view::{self, NodeLane, PodChip, Workload};

/// What the cluster view shows, for every namespace (the panel filters).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterSnapshot {
    /// Node lanes in name order, then lanes of deleted nodes that still hold pods.
    pub lanes: Rc<Vec<Rc<NodeLane>>>,
    /// Pods no node has taken yet.
    pub pending: Rc<Vec<Rc<PodChip>>>,
    pub workloads: Rc<Vec<Rc<Workload>>>,
    pub namespaces: Rc<Vec<String>>,
}

#[derive(Default)]
pub struct LiveView {
    /// The store's change counter when this was last synced; `None` before the first sync.
    synced: Option<u64>,
    chips: HashMap<ObjectKey, Rc<PodChip>>,
    /// The chips again by node name ("" for pods no node has taken), in name order: a lane
    /// rebuilt reads its chips from here (a hash lookup per pod of a lane cost more than the
    /// rest of a sync at 1,000 nodes × 100 pods).
    node_pods: BTreeMap<String, BTreeMap<ObjectKey, Rc<PodChip>>>,
    lanes: BTreeMap<String, Rc<NodeLane>>,
    /// The chips again, by the workloads they belong to.
    groups: PodGroups,
    snapshot: ClusterSnapshot,
}

/// Kinds whose changes can change the workload tree.
fn shapes_workloads(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Pod
            | Kind::Deployment
            | Kind::ReplicaSet
            | Kind::ReplicationController
            | Kind::DaemonSet
            | Kind::StatefulSet
            | Kind::Job
            | Kind::CronJob
    )
}

impl LiveView {
    pub fn snapshot(&self) -> &ClusterSnapshot {
        &self.snapshot
    }

    /// Brings the model up to date. `changed` lists the keys written or removed since the last
    /// sync (`Store::take_changed_keys`); `None` means "unknown": everything is rebuilt.
    pub fn sync(&mut self, cluster: &Cluster, changed: Option<Vec<ObjectKey>>) {
        let store = &cluster.api.store;
        if self.synced == Some(store.changes()) && changed.as_ref().is_some_and(Vec::is_empty) {
            self.refresh_time_dependent(cluster);
            return;
        }
        let changed = match (self.synced, changed) {
            (Some(_), Some(changed)) => changed,
            _ => {
                *self = LiveView::default();
                store
                    .list(Kind::Pod, None)
                    .chain(store.list(Kind::Node, None))
                    .chain(store.list(Kind::Namespace, None))
                    .map(|object| object.key())
                    .collect()
            }
        };
        self.synced = Some(store.changes());
        let now = cluster.api.clock.now();
        let mut dirty_nodes: BTreeSet<String> = BTreeSet::new();
        let mut workloads_dirty = self.snapshot.workloads.is_empty();
        let mut namespaces_dirty = self.snapshot.namespaces.is_empty();
        // Looked at once each, as they are now: since the last sync a pod may have been
        // written several times (created, bound, started), and most keys are Events'.
        let mut changed: Vec<ObjectKey> = changed
            .into_iter()
            .filter(|key| {
                workloads_dirty |= shapes_workloads(key.kind);
                matches!(key.kind, Kind::Pod | Kind::Node | Kind::Namespace)
            })
            .collect();
        changed.sort_unstable();
        changed.dedup();
        for key in changed {
            match key.kind {
                Kind::Pod => {
                    if let Some(old) = self.chips.remove(&key) {
                        self.unplace(&old.node, &key);
                        dirty_nodes.insert(old.node.clone());
                    }
                    if let Some(pod) = store.get_typed::<Pod>(&key.namespace, &key.name) {
                        let chip = Rc::new(view::chip(pod, now));
                        self.groups.put(pod, chip.clone());
                        dirty_nodes.insert(chip.node.clone());
                        self.node_pods
                            .entry(chip.node.clone())
                            .or_default()
                            .insert(key.clone(), chip.clone());
                        self.chips.insert(key, chip);
                    } else {
                        self.groups.remove(&key);
                    }
                }
                Kind::Node => {
                    dirty_nodes.insert(key.name);
                }
                Kind::Namespace => namespaces_dirty = true,
                _ => {}
            }
        }
        // Notes about lost nodes depend on time and on other objects: redo them every sync.
        dirty_nodes.extend(
            self.lanes
                .values()
                .filter(|lane| {
                    lane.lost || lane.kubelet_stopped != kubelet_stopped(cluster, &lane.name)
                })
                .map(|lane| lane.name.clone()),
        );
        let lanes_dirty = !dirty_nodes.is_empty();
        for name in dirty_nodes {
            self.rebuild_lane(cluster, &name);
        }
        if lanes_dirty {
            self.publish_lanes(cluster);
        }
        if workloads_dirty {
            self.rebuild_workloads(cluster);
        }
        if namespaces_dirty {
            self.snapshot.namespaces = Rc::new(
                store
                    .list(Kind::Namespace, None)
                    .map(|n| n.name().to_string())
                    .collect(),
            );
        }
    }

    /// Between store changes only a stopped kubelet (not in the store) changes a lane.
    fn refresh_time_dependent(&mut self, cluster: &Cluster) {
        let stale: Vec<String> = self
            .lanes
            .values()
            .filter(|lane| lane.kubelet_stopped != kubelet_stopped(cluster, &lane.name))
            .map(|lane| lane.name.clone())
            .collect();
        if stale.is_empty() {
            return;
        }
        for name in stale {
            self.rebuild_lane(cluster, &name);
        }
        self.publish_lanes(cluster);
    }

    fn unplace(&mut self, node: &str, key: &ObjectKey) {
        if let Some(keys) = self.node_pods.get_mut(node) {
            keys.remove(key);
            if keys.is_empty() {
                self.node_pods.remove(node);
            }
        }
    }

    fn chips_on(&self, node: &str) -> Vec<Rc<PodChip>> {
        self.node_pods
            .get(node)
            .into_iter()
            .flat_map(|chips| chips.values().cloned())
            .collect()
    }

    fn rebuild_lane(&mut self, cluster: &Cluster, name: &str) {
        if name.is_empty() {
            let store = &cluster.api.store;
            self.snapshot.pending = Rc::new(
                store
                    .unscheduled_pods()
                    .filter_map(|pod| self.chips.get(&pod_key(pod)).cloned())
                    .collect(),
            );
            return;
        }
        let pods = self.chips_on(name);
        let lane = match cluster.api.store.get_typed::<Node>("", name) {
            Some(node) => Some(view::node_lane(cluster, node, pods)),
            None if !pods.is_empty() => Some(view::deleted_node_lane(name, pods)),
            None => None,
        };
        match lane {
            // An equal lane keeps its Rc: the panel does not redraw it.
            Some(lane) if self.lanes.get(name).is_some_and(|old| **old == lane) => {}
            Some(lane) => {
                self.lanes.insert(name.to_string(), Rc::new(lane));
            }
            None => {
                self.lanes.remove(name);
            }
        }
    }

    /// Live nodes in name order, then deleted ones, as `view::cluster_model` orders them.
    fn publish_lanes(&mut self, _cluster: &Cluster) {
        let (deleted, live): (Vec<_>, Vec<_>) =
            self.lanes.values().cloned().partition(|lane| lane.deleted);
        self.snapshot.lanes = Rc::new(live.into_iter().chain(deleted).collect());
    }

    fn rebuild_workloads(&mut self, cluster: &Cluster) {
        let fresh = view::workloads(&cluster.api.store, &self.groups, None);
        let old = &self.snapshot.workloads;
        // Equal workloads keep their Rc (compared by position: the order is stable).
        let next: Vec<Rc<Workload>> = fresh
            .into_iter()
            .enumerate()
            .map(|(i, workload)| match old.get(i) {
                Some(previous) if **previous == workload => previous.clone(),
                _ => Rc::new(workload),
            })
            .collect();
        self.snapshot.workloads = Rc::new(next);
    }
}

fn pod_key(pod: &Pod) -> ObjectKey {
    ObjectKey::new(
        Kind::Pod,
        pod.metadata.namespace_str(),
        pod.metadata.name_str(),
    )
}

fn kubelet_stopped(cluster: &Cluster, node: &str) -> bool {
    cluster
        .nodes
        .state(node)
        .is_some_and(|state| state != KubeletState::Running)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::{Playground, Preset, Settings};

    fn playground() -> Playground {
        Playground::new(Settings {
            seed: 5,
            preset: Preset::KindMulti,
            start_second: 1_748_859_300,
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The incremental model equals the one built from scratch, at every step of a story with
    /// scale-ups, a rollout, a lost node and a removed node.
    #[test]
    fn syncing_from_changes_matches_a_rebuild() {
        let mut p = playground();
        let mut live = LiveView::default();
        let steps: &[(&str, u64)] = &[
            (
                "kubectl create deployment web --image=nginx --replicas=5",
                30_000,
            ),
            ("kubectl scale deployment web --replicas=40", 20_000),
            ("kubectl set image deployment/web nginx=nginx:1.28", 15_000),
            ("kubeplay node stop kind-worker", 90_000),
            ("kubectl create namespace team", 1_000),
            ("kubectl delete node kind-worker2", 70_000),
            ("kubectl scale deployment web --replicas=3", 40_000),
        ];
        for (command, wait) in steps {
            p.run(command);
            for _ in 0..4 {
                p.advance(wait / 4);
                let changed = p.terminal.cluster.api.store.take_changed_keys();
                live.sync(&p.terminal.cluster, changed);
                let mut fresh = LiveView::default();
                fresh.sync(&p.terminal.cluster, None);
                assert_eq!(live.snapshot(), fresh.snapshot(), "after {command}");
                let model = view::cluster_model(&p.terminal.cluster, None);
                let lanes: Vec<NodeLane> = live
                    .snapshot()
                    .lanes
                    .iter()
                    .map(|l| (**l).clone())
                    .collect();
                assert_eq!(lanes, model.nodes, "after {command}");
            }
        }
    }

    #[test]
    fn only_the_lanes_that_changed_get_a_new_model() {
        let mut p = playground();
        p.advance(30_000);
        let mut live = LiveView::default();
        let changed = p.terminal.cluster.api.store.take_changed_keys();
        live.sync(&p.terminal.cluster, changed);
        let before = live.snapshot().lanes.clone();
        p.run("kubectl run one --image=nginx");
        p.advance(5_000);
        let changed = p.terminal.cluster.api.store.take_changed_keys();
        assert!(changed.as_ref().is_some_and(|keys| !keys.is_empty()));
        live.sync(&p.terminal.cluster, changed);
        let after = live.snapshot().lanes.clone();
        let host = after
            .iter()
            .find(|lane| lane.pods.iter().any(|chip| chip.name == "one"))
            .map(|lane| lane.name.clone())
            .unwrap_or_else(|| panic!("pod one is on no lane"));
        for lane in after.iter() {
            let old = before.iter().find(|l| l.name == lane.name);
            let kept = old.is_some_and(|old| Rc::ptr_eq(old, lane));
            assert_eq!(kept, lane.name != host, "lane {}", lane.name);
        }
    }
}
