//! kube-scheduler's loop tries one pod at a time: a retry of the pods a removal woke keeps
//! it busy a millisecond a pod, removals meanwhile find those pods already queued, and new
//! pods are placed at once (the active queue is popped before the back-off queue).

mod common;

use common::{apply, start};
use kubeplay_model::{Kind, ObjectKey};
use kubeplay_sim::{Cluster, ClusterShape, create_cluster};

/// `count` bare pods named `{prefix}-N` requesting `cpu` each (kind's node has 8 CPUs).
fn pods(prefix: &str, count: usize, cpu: &str) -> String {
    (0..count)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {prefix}-{i}\n  namespace: default\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    resources:\n      requests:\n        cpu: \"{cpu}\"\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

fn bound(cluster: &Cluster, prefix: &str) -> usize {
    cluster
        .pods(Some("default"))
        .into_iter()
        .filter(|pod| {
            pod.metadata
                .name
                .as_deref()
                .is_some_and(|name| name.starts_with(prefix))
                && pod.spec.as_ref().is_some_and(|s| s.node_name.is_some())
        })
        .count()
}

fn remove(cluster: &mut Cluster, name: &str) {
    cluster
        .api
        .remove_pod(&ObjectKey::new(Kind::Pod, "default", name));
    cluster.settle();
}

#[test]
fn woken_pods_wait_for_the_loop_while_new_pods_are_placed_at_once() {
    let mut cluster = create_cluster(&ClusterShape::kind(), start(), 3);
    apply(&mut cluster, &pods("big", 2, "3"));
    cluster.advance(10_000);
    assert_eq!(bound(&cluster, "big"), 2);
    apply(&mut cluster, &pods("waiting", 20, "3"));
    assert_eq!(bound(&cluster, "waiting"), 0, "no room for any");

    // The first removal wakes all 20: one takes the room, 19 fail, 20 ms of the loop.
    remove(&mut cluster, "big-0");
    assert_eq!(bound(&cluster, "waiting"), 1);
    cluster.advance(1);
    // Room again, but the woken pods wait for the loop; a new pod is placed at once.
    remove(&mut cluster, "big-1");
    apply(&mut cluster, &pods("new", 1, "100m"));
    assert_eq!(bound(&cluster, "new"), 1, "a new pod does not wait");
    assert_eq!(
        bound(&cluster, "waiting"),
        1,
        "the retry waits for the loop"
    );
    cluster.advance(18);
    assert_eq!(bound(&cluster, "waiting"), 1, "19 ms after the retry began");
    cluster.advance(1);
    assert_eq!(bound(&cluster, "waiting"), 2, "20 ms after: the next retry");
}
