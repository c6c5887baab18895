//! Properties under node churn: whatever sequence of joins, removals, relabels, NoExecute
//! taints and kubelet stops the cluster goes through, a DaemonSet ends with exactly one pod
//! on every eligible node and none on the others; and a Deployment's replicas come back to
//! Running on healthy nodes after a node is lost.

mod common;

use std::collections::BTreeMap;

use common::{apply, start};
use k8s_openapi::api::core::v1::{Node, Taint};
use kubeplay_model::{Kind, Object, ObjectKey, Pod, Typed};
use kubeplay_sim::cluster::NewNode;
use kubeplay_sim::{Cluster, ClusterShape, create_cluster};

const SEEDS: [u64; 5] = [1, 2, 3, 5, 8];

/// A tiny deterministic generator, so each seed replays the same churn.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn node(cluster: &Cluster, name: &str) -> Option<Node> {
    cluster
        .api
        .store
        .get(&ObjectKey::cluster(Kind::Node, name))
        .and_then(Node::from_object)
        .cloned()
}

fn workers(cluster: &Cluster) -> Vec<String> {
    cluster
        .api
        .store
        .list_typed::<Node>(None)
        .filter_map(|n| n.metadata.name.clone())
        .filter(|n| n.contains("worker"))
        .collect()
}

fn update_node(cluster: &mut Cluster, name: &str, change: impl FnOnce(&mut Node)) {
    if let Some(mut node) = node(cluster, name) {
        change(&mut node);
        let _ = cluster.api.update(Object::Node(Box::new(node)), false);
        cluster.settle();
    }
}

const DEDICATED: &str = "dedicated";

fn labelled_ssd(node: &Node) -> bool {
    node.metadata
        .labels
        .as_ref()
        .is_some_and(|l| l.get("disktype").map(String::as_str) == Some("ssd"))
}

fn has_dedicated_taint(node: &Node) -> bool {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .is_some_and(|t| t.iter().any(|t| t.key == DEDICATED))
}

fn ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn running_agents(cluster: &Cluster) -> Vec<(String, Vec<&Pod>)> {
    let mut by_node: BTreeMap<String, Vec<&Pod>> = BTreeMap::new();
    for pod in cluster.api.store.list_typed::<Pod>(Some("default")) {
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let node = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default();
        by_node.entry(node).or_default().push(pod);
    }
    by_node.into_iter().collect()
}

#[test]
fn a_daemon_set_runs_exactly_once_on_every_eligible_node_through_node_churn() {
    // How often each side of the property was checked: both must be exercised.
    let (mut eligible_checks, mut ineligible_checks) = (0, 0);
    for seed in SEEDS {
        let mut cluster = create_cluster(&ClusterShape::kind_multi(), start(), seed);
        let mut rng = Lcg(seed);
        for name in workers(&cluster) {
            update_node(&mut cluster, &name, |n| {
                n.metadata
                    .labels
                    .get_or_insert_with(Default::default)
                    .insert("disktype".into(), "ssd".into());
            });
        }
        apply(
            &mut cluster,
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n  namespace: default\nspec:\n  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n      nodeSelector:\n        disktype: ssd\n      containers:\n      - name: agent\n        image: busybox:1.36\n        command: [\"sleep\", \"infinity\"]\n",
        );
        for step in 0..12 {
            let names = workers(&cluster);
            let target = names[rng.below(names.len() as u64) as usize].clone();
            match rng.below(6) {
                0 => {
                    let ssd = rng.below(2) == 0;
                    let labels = if ssd {
                        [("disktype".to_string(), "ssd".to_string())].into()
                    } else {
                        BTreeMap::new()
                    };
                    let _ = cluster.add_node(NewNode {
                        labels,
                        ..NewNode::default()
                    });
                }
                1 if names.len() > 1 => {
                    let _ = cluster.remove_node(&target);
                }
                2 => update_node(&mut cluster, &target, |n| {
                    let labels = n.metadata.labels.get_or_insert_with(Default::default);
                    if labels.remove("disktype").is_none() {
                        labels.insert("disktype".into(), "ssd".into());
                    }
                }),
                3 => update_node(&mut cluster, &target, |n| {
                    let taints = n
                        .spec
                        .get_or_insert_with(Default::default)
                        .taints
                        .get_or_insert_with(Vec::new);
                    if taints.iter().any(|t| t.key == DEDICATED) {
                        taints.retain(|t| t.key != DEDICATED);
                    } else {
                        taints.push(Taint {
                            key: DEDICATED.into(),
                            value: Some("db".into()),
                            effect: "NoExecute".into(),
                            time_added: None,
                        });
                    }
                }),
                4 => {
                    let _ = cluster.stop_node(&target);
                }
                _ => {
                    let _ = cluster.start_node(&target);
                }
            }
            cluster.advance(2 * 60 * 1000);
            let pods = running_agents(&cluster);
            for name in workers(&cluster) {
                let Some(node) = node(&cluster, &name) else {
                    continue;
                };
                let here = pods
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(0, |(_, p)| p.len());
                assert!(
                    here <= 1,
                    "seed {seed} step {step}: {here} agents on {name}"
                );
                if !labelled_ssd(&node) || has_dedicated_taint(&node) {
                    ineligible_checks += 1;
                    assert_eq!(
                        here, 0,
                        "seed {seed} step {step}: agent on ineligible {name}"
                    );
                } else if ready(&node) {
                    eligible_checks += 1;
                    assert_eq!(
                        here, 1,
                        "seed {seed} step {step}: no agent on eligible {name}"
                    );
                }
            }
        }
    }
    assert!(
        eligible_checks > 50 && ineligible_checks > 10,
        "{eligible_checks} {ineligible_checks}"
    );
}

#[test]
fn replicas_lost_with_a_node_come_back_on_healthy_nodes() {
    for seed in SEEDS {
        let mut cluster = create_cluster(&ClusterShape::kind_multi(), start(), seed);
        apply(
            &mut cluster,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n",
        );
        cluster.advance(30_000);
        let victim = workers(&cluster)[(seed % 3) as usize].clone();
        let stopped_at = cluster.now_ms();
        if let Err(error) = cluster.stop_node(&victim) {
            panic!("{error}");
        }
        // Not yet noticed before the grace period; replaced only after 300 s of taint.
        cluster.advance_to(stopped_at + 40_000);
        assert!(node(&cluster, &victim).is_some_and(|n| ready(&n)));
        cluster.advance_to(stopped_at + 70_000);
        assert!(node(&cluster, &victim).is_some_and(|n| !ready(&n)));
        cluster.advance_to(stopped_at + 7 * 60 * 1000);
        let running: Vec<&Pod> = cluster
            .api
            .store
            .list_typed::<Pod>(Some("default"))
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect();
        assert_eq!(running.len(), 3, "seed {seed}");
        for pod in running {
            let on = pod.spec.as_ref().and_then(|s| s.node_name.clone());
            assert_ne!(on.as_deref(), Some(victim.as_str()), "seed {seed}");
            let phase = pod.status.as_ref().and_then(|s| s.phase.clone());
            assert_eq!(phase.as_deref(), Some("Running"), "seed {seed}");
        }
    }
}
