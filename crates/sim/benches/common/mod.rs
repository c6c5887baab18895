//! What the scale benchmarks share: the Deployment they run and the wait for it to settle.

use k8s_openapi::api::apps::v1::Deployment;
use kubeplay_model::Object;
use kubeplay_model::manifest::decode_documents;
use kubeplay_sim::Cluster;

/// A Deployment `load` of `replicas` pods running `image`.
pub fn manifest(replicas: usize, image: &str) -> Object {
    let yaml = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: load\n  namespace: default\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: load\n  template:\n    metadata:\n      labels:\n        app: load\n    spec:\n      containers:\n      - name: app\n        image: {image}\n"
    );
    match decode_documents(&yaml, "bench").into_iter().next() {
        Some(Ok(document)) => document.object,
        other => panic!("bad manifest: {other:?}"),
    }
}

fn settled(cluster: &Cluster, replicas: i32) -> bool {
    let Some(deployment) = cluster.api.store.get_typed::<Deployment>("default", "load") else {
        return false;
    };
    let status = deployment.status.clone().unwrap_or_default();
    status.observed_generation >= deployment.metadata.generation
        && status.updated_replicas == Some(replicas)
        && status.available_replicas == Some(replicas)
        && status.replicas == Some(replicas)
}

/// Advances `step_ms` of virtual time at a time until the Deployment settles (at most
/// `limit_ms`); returns the virtual time it took.
pub fn run_until_settled(cluster: &mut Cluster, replicas: i32, step_ms: u64, limit_ms: u64) -> u64 {
    let start = cluster.now_ms();
    while !settled(cluster, replicas) {
        cluster.advance(step_ms);
        assert!(
            cluster.now_ms() - start < limit_ms,
            "did not settle within {} s of virtual time",
            limit_ms / 1000
        );
    }
    cluster.now_ms() - start
}
