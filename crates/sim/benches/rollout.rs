//! Scale benchmark (`cargo bench -p kubeplay-sim`): a Deployment of 1,000 and 10,000 replicas
//! on kind-multi plus 100 extra workers, run until every replica is ready, then a full
//! rolling update, then the loss of 10 workers (kubelets stopped) until every replica runs
//! again elsewhere. Reports wall time, simulated work (reconciles and kubelet steps), virtual
//! time, and the process's peak memory.

mod common;

use std::time::Instant;

use common::{manifest, run_until_settled};
use kubeplay_model::{Object, Typed};
use kubeplay_sim::bootstrap::Role;
use kubeplay_sim::{ClusterShape, create_cluster};

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn scenario(replicas: usize) {
    let mut shape = ClusterShape::kind_multi();
    shape
        .nodes
        .extend((0..100).map(|_| (Role::Worker, Default::default())));
    let wall = Instant::now();
    let mut cluster = create_cluster(
        &shape,
        "2025-06-02T10:15:00Z".parse().unwrap_or_default(),
        42,
    );
    let boot = wall.elapsed();

    let work_before = cluster.reconciles();
    let phase = Instant::now();
    if let Err(error) = cluster.api.create(manifest(replicas, "nginx:1.27"), false) {
        panic!("{error}");
    }
    let virtual_ready = run_until_settled(&mut cluster, replicas as i32, 1000, 3_600_000);
    let ready = phase.elapsed();
    let work_ready = cluster.reconciles() - work_before;

    let phase = Instant::now();
    let work_before = cluster.reconciles();
    let Some(Object::Deployment(mut deployment)) =
        cluster.api.store.get(&manifest(0, "x").key()).cloned()
    else {
        panic!("no deployment")
    };
    if let Some(container) = deployment
        .spec
        .as_mut()
        .and_then(|s| s.template.spec.as_mut())
        .and_then(|s| s.containers.first_mut())
    {
        container.image = Some("nginx:1.28".into());
    }
    if let Err(error) = cluster.api.update(deployment.into_object(), false) {
        panic!("{error}");
    }
    let virtual_rollout = run_until_settled(&mut cluster, replicas as i32, 1000, 3_600_000);
    let rollout = phase.elapsed();
    let work_rollout = cluster.reconciles() - work_before;

    // Ten workers go silent: NotReady after the grace period, evictions 300 s later.
    let phase = Instant::now();
    let work_before = cluster.reconciles();
    for index in 2..12 {
        if let Err(error) = cluster.stop_node(&format!("kind-worker{index}")) {
            panic!("{error}");
        }
    }
    cluster.advance(60_000);
    let virtual_recovery =
        60_000 + run_until_settled(&mut cluster, replicas as i32, 1000, 3_600_000);
    let recovery = phase.elapsed();
    let work_recovery = cluster.reconciles() - work_before;

    println!(
        "replicas={replicas:>6} nodes=104 | boot {:>6.2}s | to all-Ready: {:>7.2}s wall, {:>8} steps, {:>4}s virtual | rolling update: {:>7.2}s wall, {:>8} steps, {:>4}s virtual | 10 nodes lost: {:>7.2}s wall, {:>8} steps, {:>4}s virtual | objects {:>7} | peak RSS {} MiB",
        boot.as_secs_f64(),
        ready.as_secs_f64(),
        work_ready,
        virtual_ready / 1000,
        rollout.as_secs_f64(),
        work_rollout,
        virtual_rollout / 1000,
        recovery.as_secs_f64(),
        work_recovery,
        virtual_recovery / 1000,
        cluster.api.store.len(),
        peak_memory_kib().map_or("?".to_string(), |kib| (kib / 1024).to_string()),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a number instead runs that one size.
    match std::env::args().skip(1).find_map(|a| a.parse().ok()) {
        Some(replicas) => scenario(replicas),
        None => [1_000, 10_000].into_iter().for_each(scenario),
    }
}
