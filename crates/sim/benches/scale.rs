//! Scale benchmark of the core (issue 11): a Deployment of N replicas on kind-multi with one
//! worker per 100 replicas (at most 999, as a 1,000-node cluster), phase by phase: boot, apply
//! until every replica is Ready, then an image update until every replica is Ready again. It
//! prints wall time, CPU time and virtual time per phase (and the wall time of one more virtual minute
//! at all-Ready: what a real second costs a page playing at 60×), the store's size, and memory: peak RSS natively
//! (`/proc/self/status`), the linear memory's size in wasm32 (it only grows, so it is the peak),
//! and from a counting allocator the heap's peak and what each pod and each Event costs: the
//! heap a pod adds to the booted cluster at all-Ready, all in (its object, its Events, the
//! store's indexes, its kubelet's state, its timers) and the bytes of one Pod and one Event
//! object alone (weighed by deep-copying a sample of a thousand). Peaks are the process's, so
//! run sizes in ascending order (as the default does).
//!
//! Natively: `cargo bench -p kubeplay-sim --bench scale [-- 1000 10000 100000]`
//! (`-- --boot-only 1000`: the boot alone; `-- --breakdown 2000`: also where each pod's bytes
//! go at all-Ready — weighed by cloning the cluster's parts, which raises the peaks it prints).
//! In WebAssembly under node's WASI, both side by side: `scripts/bench-core [SIZES…]`.

mod common;
#[path = "common/heap.rs"]
mod heap;

use std::time::Instant;

use common::{manifest, run_until_settled};
use kubeplay_model::{Event, Kind, Object, Pod, Typed};
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

/// The CPU time the process has used (user and system), natively from `/proc/self/stat`
/// (in clock ticks of 10 ms): on a machine shared with other work, wall times mostly measure
/// waiting for a core, CPU times what the phase cost.
#[cfg(not(target_family = "wasm"))]
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// The CPU time the process has used, from WASI's process CPU-time clock (node's WASI
/// reports the whole node process: V8's compiler and collector threads included).
#[cfg(target_family = "wasm")]
fn cpu_seconds() -> f64 {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    unsafe extern "C" {
        fn clock_time_get(id: u32, precision: u64, time: *mut u64) -> u16;
    }
    const PROCESS_CPUTIME: u32 = 2;
    let mut nanos = 0u64;
    // SAFETY: WASI writes one u64 through the pointer, which is valid for the call.
    let errno = unsafe { clock_time_get(PROCESS_CPUTIME, 1, &mut nanos) };
    if errno == 0 { nanos as f64 / 1e9 } else { 0.0 }
}

/// Runs one size; returns its wall time from boot to the end of its steady minute (none when
/// only booting).
fn scenario(replicas: usize, boot_only: bool, breakdown: bool) -> Option<f64> {
    let workers = workers_for(replicas);
    let mut shape = ClusterShape::kind_multi();
    shape
        .nodes
        .extend((3..workers).map(|_| (Role::Worker, Default::default())));
    let wall = Instant::now();
    let cpu_start = cpu_seconds();
    let mut cluster = create_cluster(
        &shape,
        "2025-06-02T10:15:00Z".parse().unwrap_or_default(),
        42,
    );
    let boot = wall.elapsed();
    let boot_cpu = cpu_seconds() - cpu_start;
    if boot_only {
        println!(
            "{target:<6} replicas={replicas:>6} nodes={nodes:>4} | boot {boot:>7.2}s (cpu {boot_cpu:.2}s)",
            target = target(),
            nodes = workers + 1,
            boot = boot.as_secs_f64(),
        );
        return None;
    }
    let cpu = cpu_seconds();
    let boot_heap = heap::live();

    let phase = Instant::now();
    if let Err(error) = cluster.api.create(manifest(replicas, "nginx:1.27"), false) {
        panic!("{error}");
    }
    let virtual_ready = run_until_settled(&mut cluster, replicas as i32, 10_000, 6 * 3_600_000);
    let ready = phase.elapsed();
    let ready_cpu = cpu_seconds() - cpu;
    let ready_heap = heap::live();
    let pods = cluster.api.store.list(Kind::Pod, None).count();
    let events = cluster.api.store.list(Kind::Event, None).count();
    let (ready_rss, ready_heap_peak) = (peak_memory().unwrap_or(0), heap::peak());
    if breakdown {
        print_breakdown(&cluster, pods);
    }
    let (_, shared_specs) = shared_pod_specs(&cluster);
    let (_, shared_status_parts) = shared_pod_status_parts(&cluster);
    let pod_count = cluster.api.store.pod_count().max(1);
    let pod_bytes =
        object_bytes(&cluster, Kind::Pod) + (shared_specs + shared_status_parts) / pod_count;
    let event_count = cluster.api.store.list(Kind::Event, None).count().max(1);
    let event_bytes =
        object_bytes(&cluster, Kind::Event) + shared_event_parts(&cluster) / event_count;
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
    let cpu = cpu_seconds();
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
    let rollout_cpu = cpu_seconds() - cpu;
    // A steady minute at all-Ready: what one real second costs the page playing at 60×.
    let phase = Instant::now();
    cluster.advance(60_000);
    let steady = phase.elapsed();
    let peak = peak_memory().unwrap_or(0);
    let events_after = cluster.api.store.list(Kind::Event, None).count();

    let mib = |bytes: u64| bytes as f64 / 1_048_576.0;
    let total = wall.elapsed().as_secs_f64();
    println!(
        "{target:<6} replicas={replicas:>6} nodes={nodes:>4} | boot {boot:>7.2}s (cpu {boot_cpu:.2}s) | apply→Ready {ready:>8.2}s wall (cpu {ready_cpu:.2}s) {vr:>5}s virtual | image update→Ready {rollout:>8.2}s wall (cpu {rollout_cpu:.2}s) {vu:>5}s virtual | steady minute {steady:>6.2}s | total {total:>8.2}s | pods {pods} events {events}→{events_after} objects {objects} kubelet runtimes {runtimes} | peak RSS {peak:.0} MiB, heap peak {heap_peak:.0} MiB (booted {boot_mib:.0} MiB) | at Ready {per_pod:.1} KiB per pod all in, a Pod object {pod_bytes} B, an Event object {event_bytes} B",
        target = target(),
        nodes = workers + 1,
        boot = boot.as_secs_f64(),
        ready = ready.as_secs_f64(),
        vr = virtual_ready / 1000,
        rollout = rollout.as_secs_f64(),
        vu = virtual_rollout / 1000,
        steady = steady.as_secs_f64(),
        objects = cluster.api.store.len(),
        runtimes = cluster.kubelets.pod_count(),
        peak = mib(peak),
        heap_peak = mib(heap::peak() as u64),
        boot_mib = mib(boot_heap as u64),
    );
    Some(total)
}

/// Where the heap goes at all-Ready, per pod: the stored objects (pods, Events, the rest), the
/// store's indexes (the store's clone: it shares its objects), the rest of the API server, the
/// kubelets' state, and the rest of the cluster (timers, queues, controllers' caches). Clones drop spare capacity of vectors
/// and strings (not of hash maps), so parts weigh a little less than they hold.
fn print_breakdown(cluster: &Cluster, pods: usize) {
    let weigh_kind = |kind: Kind| {
        let (copies, bytes) = heap::weigh(|| {
            cluster
                .api
                .store
                .list(kind, None)
                .cloned()
                .collect::<Vec<_>>()
        });
        bytes.saturating_sub(copies.capacity() * std::mem::size_of::<Object>())
    };
    // A copy of a pod shares its spec and conditions, as stored pods do: they are weighed
    // once each.
    let (specs, spec_bytes) = shared_pod_specs(cluster);
    let (condition_lists, status_part_bytes) = shared_pod_status_parts(cluster);
    let pod_objects = weigh_kind(Kind::Pod) + spec_bytes + status_part_bytes;
    let event_objects = weigh_kind(Kind::Event) + shared_event_parts(cluster);
    let (copies, all_objects) =
        heap::weigh(|| cluster.api.store.list_all().cloned().collect::<Vec<_>>());
    let all_objects = all_objects.saturating_sub(copies.capacity() * std::mem::size_of::<Object>())
        + spec_bytes
        + status_part_bytes
        + shared_event_parts(cluster);
    drop(copies);
    let (store, store_bytes) = heap::weigh(|| cluster.api.store.clone());
    drop(store);
    let (api, api_bytes) = heap::weigh(|| cluster.api.clone());
    drop(api);
    let (kubelets, kubelet_bytes) = heap::weigh(|| cluster.kubelets.clone());
    drop(kubelets);
    let (whole, cluster_bytes) = heap::weigh(|| cluster.clone());
    drop(whole);
    let per_pod = |bytes: usize| bytes as f64 / pods.max(1) as f64;
    // A Pod's parts: what pods of one template could share is in its spec.
    let sample: Vec<&Pod> = cluster
        .api
        .store
        .list_typed::<Pod>(None)
        .take(1_000)
        .collect();
    let part = |weigh_one: &dyn Fn(&Pod) -> usize| {
        sample.iter().map(|pod| weigh_one(pod)).sum::<usize>() / sample.len().max(1)
    };
    let status = part(&|pod| heap::weigh(|| pod.status.clone()).1);
    let metadata = part(&|pod| heap::weigh(|| pod.metadata.clone()).1);
    eprintln!(
        "  a Pod's heap beyond its {inline} B struct: its share of {specs} specs shared by {holders:.0} pods each {spec:.0} B ({each} B a spec), status {status} B and its share of {condition_lists} condition lists (shared by {condition_holders:.1} pods each) and of container states {status_parts:.0} B, metadata {metadata} B",
        inline = std::mem::size_of::<Pod>(),
        holders = per_pod(pods) * pods as f64 / specs.max(1) as f64,
        spec = per_pod(spec_bytes),
        each = spec_bytes / specs.max(1),
        condition_holders = pods as f64 / condition_lists.max(1) as f64,
        status_parts = per_pod(status_part_bytes),
    );
    eprintln!(
        "  breakdown per pod at Ready (bytes): Pod objects {pod:.0}, Event objects {event:.0}, other objects {other:.0}, store indexes and queues {indexes:.0}, the rest of the API server (the Event recorder's caches) {api:.0}, kubelets {kubelets:.0} ({runtimes} pod runtimes), the rest of the cluster (timers, queues, controllers' caches) {rest:.0}",
        pod = per_pod(pod_objects),
        event = per_pod(event_objects),
        other = per_pod(all_objects.saturating_sub(pod_objects + event_objects)),
        indexes = per_pod(store_bytes),
        kubelets = per_pod(kubelet_bytes),
        runtimes = cluster.kubelets.pod_count(),
        api = per_pod(api_bytes.saturating_sub(store_bytes)),
        rest = per_pod(cluster_bytes.saturating_sub(api_bytes + kubelet_bytes)),
    );
}

/// How many distinct pod specs the stored pods hold (the store shares equal ones: see
/// `store/sharing.rs`) and their bytes, each weighed once (its `Arc` allocation and heap).
fn shared_pod_specs(cluster: &Cluster) -> (usize, usize) {
    let mut weighed = Weighed::default();
    for pod in cluster.api.store.list_typed::<Pod>(None) {
        weighed.once(pod.spec.as_deref());
    }
    (weighed.seen.len(), weighed.bytes)
}

/// How many distinct condition lists the stored pods hold (the store shares equal ones, and
/// equal container states) and the bytes of both, each weighed once.
fn shared_pod_status_parts(cluster: &Cluster) -> (usize, usize) {
    let (mut conditions, mut states) = (Weighed::default(), Weighed::default());
    for status in cluster
        .api
        .store
        .list_typed::<Pod>(None)
        .filter_map(|pod| pod.status.as_ref())
    {
        conditions.once(status.conditions.as_deref());
        let containers = [&status.init_container_statuses, &status.container_statuses];
        for container in containers.into_iter().flatten().flatten() {
            states.once(container.state.as_deref());
            states.once(container.last_state.as_deref());
        }
    }
    (conditions.seen.len(), conditions.bytes + states.bytes)
}

/// The bytes of the parts the stored Events share (what they are about, who reported them,
/// their texts), each weighed once: a copy of an Event shares them, as stored Events do.
fn shared_event_parts(cluster: &Cluster) -> usize {
    let mut weighed = Weighed::default();
    for event in cluster.api.store.list_typed::<Event>(None) {
        weighed.once(Some(&*event.involved_object));
        weighed.once(event.related.as_deref());
        weighed.once(event.source.as_deref());
        for text in [
            &event.action,
            &event.message,
            &event.reason,
            &event.reporting_component,
            &event.reporting_instance,
            &event.type_,
        ] {
            weighed.once(text.as_deref());
        }
    }
    weighed.bytes
}

/// Shared parts weighed once each, told apart by their address.
#[derive(Default)]
struct Weighed {
    seen: std::collections::HashSet<*const ()>,
    bytes: usize,
}

impl Weighed {
    /// Adds `part`'s bytes (its `Arc` allocation and its heap) unless they were added.
    fn once<T: Clone>(&mut self, part: Option<&T>) {
        let Some(part) = part else {
            return;
        };
        if self.seen.insert(std::ptr::from_ref(part).cast()) {
            let arc = std::mem::size_of::<T>() + 2 * std::mem::size_of::<usize>();
            self.bytes += arc + heap::weigh(|| part.clone()).1;
        }
    }
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

fn target() -> &'static str {
    if cfg!(target_family = "wasm") {
        "wasm"
    } else {
        "native"
    }
}

fn main() {
    heap::configure();
    // `cargo bench` passes `--bench`; numbers instead run those sizes; `--boot-only` stops
    // each after its boot.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let boot_only = args.iter().any(|a| a == "--boot-only");
    let breakdown = args.iter().any(|a| a == "--breakdown");
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let mut previous: Option<(usize, f64)> = None;
    for size in sizes {
        let Some(total) = scenario(size, boot_only, breakdown) else {
            continue;
        };
        // Issue 11's measure: each size's wall time against the last's, in one process.
        if let Some((last_size, last_total)) = previous {
            println!(
                "{target:<6} replicas={size:>6} ÷ {last_size}: {ratio:.1}× the wall time ({total:.2} s ÷ {last_total:.2} s)",
                target = target(),
                ratio = total / last_total,
            );
        }
        previous = Some((size, total));
    }
}
