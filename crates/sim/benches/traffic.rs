//! Traffic benchmark (`cargo bench -p kubeplay-sim --bench traffic`): the wall time of one
//! minute of virtual time while looping client pods call a Service (`wget` then `sleep 0.1`,
//! 10 requests per second each), beside idle pods that make the cluster bigger. The cost per
//! request should not grow with the number of pods.

use std::time::Instant;

use kubeplay_model::manifest::decode_documents;
use kubeplay_sim::bootstrap::Role;
use kubeplay_sim::{Cluster, ClusterShape, create_cluster};

const MINUTE_MS: u64 = 60_000;

fn deployment(name: &str, replicas: usize, image: &str, command: Option<&str>) -> String {
    let command = command
        .map(|script| format!("\n        command: [\"sh\", \"-c\", {script:?}]"))
        .unwrap_or_default();
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: default\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: main\n        image: {image}{command}\n"
    )
}

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: demo\n  namespace: default\nspec:\n  selector:\n    app: demo\n  ports:\n  - port: 80\n";

fn cluster(idle: usize, clients: usize) -> Cluster {
    let start = "2025-06-02T10:15:00Z".parse().unwrap_or_default();
    // Room for 100 pods per worker, as the scale benchmark gives.
    let mut shape = ClusterShape::kind_multi();
    shape
        .nodes
        .extend((3..idle / 100 + 3).map(|_| (Role::Worker, Default::default())));
    let mut cluster = create_cluster(&shape, start, 1);
    let manifests = [
        deployment("demo", 3, "demo:1.0.0", None),
        SERVICE.to_string(),
        deployment("idle", idle, "registry.k8s.io/pause:3.10", None),
        deployment(
            "load",
            clients,
            "busybox:1.36",
            Some("while true; do wget -qO- http://demo; sleep 0.1; done"),
        ),
    ];
    for manifest in manifests {
        for document in decode_documents(&manifest, "bench").into_iter().flatten() {
            let _ = cluster.api.create(document.object, false);
        }
    }
    // Until everything runs: the controllers create the pods at their client's pace.
    cluster.advance(10 * MINUTE_MS);
    cluster
}

fn main() {
    println!(
        "{:>6} {:>8} {:>10} {:>10} {:>12} {:>12}",
        "pods", "clients", "requests", "wall", "req/s wall", "us/request"
    );
    for (idle, clients) in [(100, 10), (1_000, 10), (10_000, 10), (1_000, 100)] {
        let mut cluster = cluster(idle, clients);
        let before = cluster.traffic().total();
        let started = Instant::now();
        cluster.advance(MINUTE_MS);
        let wall = started.elapsed();
        let requests = cluster.traffic().total() - before;
        println!(
            "{:>6} {:>8} {:>10} {:>9.2}s {:>12.0} {:>12.1}",
            idle + clients + 3,
            clients,
            requests,
            wall.as_secs_f64(),
            requests as f64 / wall.as_secs_f64(),
            wall.as_secs_f64() * 1e6 / requests.max(1) as f64
        );
    }
}
