//! Scale benchmark of the core (issue 11): a Deployment of N replicas on kind-multi with one
//! worker per 100 replicas (at most 999, as a 1,000-node cluster), phase by phase: boot, apply
//! until every replica is Ready, then an image update until every replica is Ready again. It
//! prints wall time and virtual time per phase (and the wall time of one more virtual minute
//! at all-Ready: what a real second costs a page playing at 60×), the store's size, and memory: peak RSS natively
//! (`/proc/self/status`), the linear memory's size in wasm32 (it only grows, so it is the peak),
//! and from a counting allocator the heap's peak and what each pod and each Event costs: the
//! heap a pod adds to the booted cluster at all-Ready, all in (its object, its Events, the
//! store's indexes, its kubelet's state, its timers) and the bytes of one Pod and one Event
//! object alone (weighed by deep-copying a sample of a thousand). Peaks are the process's, so
//! run sizes in ascending order (as the default does).
//!
//! Natively: `cargo bench -p kubeplay-sim --bench scale [-- 1000 10000 100000]`.
//! In WebAssembly under node's WASI, both side by side: `scripts/bench-core [SIZES…]`.

mod common;
#[path = "common/heap.rs"]
mod heap;

use std::time::Instant;

use common::{manifest, run_until_settled};
use kubeplay_model::{Kind, Object, Typed};
use kubeplay_sim::bootstrap::Role;
use kubeplay_sim::{Cluster, ClusterShape, create_cluster};

#[global_allocator]
static ALLOCATOR: heap::CountingAllocator = heap::CountingAllocator;

/// kind-multi's 3 workers, plus enough for 100 replicas each (a kind node runs 110 pods, 2 of
/// them DaemonSet pods), up to 999 workers.
fn workers_for(replicas: usize) -> usize {
    replicas.div_ceil(100).clamp(3, 999)
}

/// The most memory the process has held, in bytes.
#[cfg(not(target_family = "wasm"))]
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
}

/// The linear memory's size: it never shrinks, so it is the peak.
#[cfg(target_family = "wasm")]
fn peak_memory() -> Option<u64> {
    Some(core::arch::wasm32::memory_size(0) as u64 * 65_536)
}

fn scenario(replicas: usize) {
    let workers = workers_for(replicas);
    let mut shape = ClusterShape::kind_multi();
    shape
        .nodes
        .extend((3..workers).map(|_| (Role::Worker, Default::default())));
    let wall = Instant::now();
    let mut cluster = create_cluster(
        &shape,
        "2025-06-02T10:15:00Z".parse().unwrap_or_default(),
        42,
    );
    let boot = wall.elapsed();
    let boot_heap = heap::live();

    let phase = Instant::now();
    if let Err(error) = cluster.api.create(manifest(replicas, "nginx:1.27"), false) {
        panic!("{error}");
    }
    let virtual_ready = run_until_settled(&mut cluster, replicas as i32, 10_000, 6 * 3_600_000);
    let ready = phase.elapsed();
    let ready_heap = heap::live();
    let pods = cluster.api.store.list(Kind::Pod, None).count();
    let events = cluster.api.store.list(Kind::Event, None).count();
    let (ready_rss, ready_heap_peak) = (peak_memory().unwrap_or(0), heap::peak());
    let pod_bytes = object_bytes(&cluster, Kind::Pod);
    let event_bytes = object_bytes(&cluster, Kind::Event);
    // What the pods and their events added to the booted cluster, per pod.
    let per_pod = ready_heap.saturating_sub(boot_heap) as f64 / pods.max(1) as f64 / 1024.0;
    // The first phase on its own, as soon as it ends: a run too long to finish still tells
    // what all-Ready costs.
    eprintln!(
        "  replicas={replicas} all Ready after {ready:.2}s wall {vr}s virtual: peak RSS {rss:.0} MiB, heap {heap:.0} MiB (peak {heap_peak:.0}), {per_pod:.1} KiB per pod all in, pods {pods} events {events}",
        ready = ready.as_secs_f64(),
        vr = virtual_ready / 1000,
        rss = ready_rss as f64 / 1_048_576.0,
        heap = ready_heap as f64 / 1_048_576.0,
        heap_peak = ready_heap_peak as f64 / 1_048_576.0,
    );

    let phase = Instant::now();
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
    let virtual_rollout = run_until_settled(&mut cluster, replicas as i32, 10_000, 6 * 3_600_000);
    let rollout = phase.elapsed();
    // A steady minute at all-Ready: what one real second costs the page playing at 60×.
    let phase = Instant::now();
    cluster.advance(60_000);
    let steady = phase.elapsed();
    let peak = peak_memory().unwrap_or(0);
    let events_after = cluster.api.store.list(Kind::Event, None).count();

    let mib = |bytes: u64| bytes as f64 / 1_048_576.0;
    println!(
        "{target:<6} replicas={replicas:>6} nodes={nodes:>4} | boot {boot:>7.2}s | apply→Ready {ready:>8.2}s wall {vr:>5}s virtual | image update→Ready {rollout:>8.2}s wall {vu:>5}s virtual | steady minute {steady:>6.2}s | total {total:>8.2}s | pods {pods} events {events}→{events_after} objects {objects} | peak RSS {peak:.0} MiB, heap peak {heap_peak:.0} MiB (booted {boot_mib:.0} MiB) | at Ready {per_pod:.1} KiB per pod all in, a Pod object {pod_bytes} B, an Event object {event_bytes} B",
        target = if cfg!(target_family = "wasm") {
            "wasm"
        } else {
            "native"
        },
        nodes = workers + 1,
        boot = boot.as_secs_f64(),
        ready = ready.as_secs_f64(),
        vr = virtual_ready / 1000,
        rollout = rollout.as_secs_f64(),
        vu = virtual_rollout / 1000,
        steady = steady.as_secs_f64(),
        total = wall.elapsed().as_secs_f64(),
        objects = cluster.api.store.len(),
        peak = mib(peak),
        heap_peak = mib(heap::peak() as u64),
        boot_mib = mib(boot_heap as u64),
    );
}

/// The heap bytes of one stored object of `kind`, on average over the first thousand (its
/// box, strings, lists, maps); a sample, so that weighing does not raise the peak it reports.
fn object_bytes(cluster: &Cluster, kind: Kind) -> usize {
    let (copies, bytes) = heap::weigh(|| {
        cluster
            .api
            .store
            .list(kind, None)
            .take(1_000)
            .cloned()
            .collect::<Vec<_>>()
    });
    let vector = copies.capacity() * std::mem::size_of::<Object>();
    bytes.saturating_sub(vector) / copies.len().max(1)
}

fn main() {
    // `cargo bench` passes `--bench`; numbers instead run those sizes.
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        [1_000, 10_000].into_iter().for_each(scenario);
    } else {
        sizes.into_iter().for_each(scenario);
    }
}
