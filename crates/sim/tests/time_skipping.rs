//! The time-skipping driver equals the naive one: on random clusters (workloads that settle,
//! crash-loop, run on a schedule, stay unschedulable; nodes that stop and start), advancing by
//! random steps from milliseconds to days leaves every object — timestamps, counts,
//! resourceVersions, generated names — exactly as a driver that visits every tick of its
//! periodic work and simulates every crash cycle one by one leaves it.

#[allow(dead_code)] // the shared helpers are not all used here
mod common;

use common::start;
use kubeplay_model::Kind;
use kubeplay_model::ObjectKey;
use kubeplay_model::manifest::decode_documents;
use kubeplay_sim::{Cluster, ClusterShape, DeleteOptions, create_cluster};

/// A small deterministic generator, so each seed is one reproducible scenario.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound.max(1)
    }
}

const WORKLOADS: [&str; 6] = [
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"sleep 1; exit 3\"]\n",
    "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tick\n  namespace: default\nspec:\n  schedule: \"*/7 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: t\n            image: busybox:1.36\n            command: [\"sh\", \"-c\", \"sleep 2\"]\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: huge\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    resources:\n      requests:\n        cpu: \"500\"\n",
    "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: flaky\n  namespace: default\nspec:\n  backoffLimit: 4\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: f\n        image: busybox:1.36\n        command: [\"sh\", \"-c\", \"sleep 3; exit 1\"]\n",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: default\nspec:\n  replicas: 2\n  serviceName: db\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: nginx:1.27\n",
];

/// Creates the workload; applying one twice is an AlreadyExists error for both alike.
fn create(cluster: &mut Cluster, yaml: &str) {
    for document in decode_documents(yaml, "test").into_iter().flatten() {
        let _ = cluster.api.create(document.object, false);
    }
    cluster.settle();
}

/// Every object and the clock, as text: what any observer could see.
fn dump(cluster: &Cluster) -> String {
    let mut text = format!("now {}\n", cluster.now_ms());
    for kind in Kind::all() {
        for object in cluster.api.store.list(kind, None) {
            text.push_str(&serde_json::to_string(&object.to_value()).unwrap_or_default());
            text.push('\n');
        }
    }
    text
}

fn first_difference(a: &str, b: &str) -> String {
    a.lines()
        .zip(b.lines())
        .find(|(x, y)| x != y)
        .map(|(x, y)| format!("skipping: {x}\nstepwise: {y}"))
        .unwrap_or_else(|| "different lengths".into())
}

#[test]
fn skipping_idle_time_changes_nothing_observable() {
    for seed in 1..=12u64 {
        let mut random = Lcg(seed);
        let shape = if seed % 2 == 0 {
            ClusterShape::kind_multi()
        } else {
            ClusterShape::kind()
        };
        let mut skipping = create_cluster(&shape, start(), seed);
        let mut stepwise = create_cluster(&shape, start(), seed);
        stepwise.set_stepwise(true);
        for step in 0..14 {
            match random.next(5) {
                0 => {
                    let workload = WORKLOADS[random.next(WORKLOADS.len() as u64) as usize];
                    for cluster in [&mut skipping, &mut stepwise] {
                        create(cluster, workload);
                    }
                }
                1 if shape.nodes.len() > 1 => {
                    let node = "kind-worker";
                    let stop = random.next(2) == 0;
                    for cluster in [&mut skipping, &mut stepwise] {
                        let _ = if stop {
                            cluster.stop_node(node)
                        } else {
                            cluster.start_node(node)
                        };
                        cluster.settle();
                    }
                }
                _ => {}
            }
            // From 100 ms to about three days, often long past the 1 h Event TTL.
            let delta = match random.next(3) {
                0 => 100 * (1 + random.next(50)),
                1 => 60_000 * (1 + random.next(120)),
                _ => 3_600_000 * (1 + random.next(72)),
            };
            skipping.advance(delta);
            stepwise.advance(delta);
            let (a, b) = (dump(&skipping), dump(&stepwise));
            assert!(
                a == b,
                "seed {seed}, step {step}: the clusters differ\n{}",
                first_difference(&a, &b)
            );
        }
    }
}

/// Crash loops the driver jumps over (`true`) or must simulate cycle by cycle (`false`: their
/// logs carry the date, so no two cycles are alike).
const CRASH_LOOPS: [(&str, bool); 5] = [
    (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"exit 3\"]\n",
        true,
    ),
    (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"echo starting; sleep 1; exit 3\"]\n  - name: web\n    image: nginx:1.27\n",
        true,
    ),
    (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: crash\n  namespace: default\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: crash\n  template:\n    metadata:\n      labels:\n        app: crash\n    spec:\n      containers:\n      - name: c\n        image: busybox:1.36\n        command: [\"sh\", \"-c\", \"sleep 12; exit 1\"]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: crash\n  namespace: default\nspec:\n  selector:\n    app: crash\n  ports:\n  - port: 80\n",
        true,
    ),
    (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"date; exit 1\"]\n",
        false,
    ),
    (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    livenessProbe:\n      httpGet:\n        path: /\n        port: 80\n      periodSeconds: 3\n",
        false,
    ),
];

fn assert_same(skipping: &Cluster, stepwise: &Cluster, context: &str) {
    let (a, b) = (dump(skipping), dump(stepwise));
    assert!(
        a == b,
        "{context}: the clusters differ\n{}",
        first_difference(&a, &b)
    );
}

#[test]
fn jumping_over_crash_loops_changes_nothing_observable() {
    for (scenario, (yaml, jumps)) in CRASH_LOOPS.iter().enumerate() {
        for seed in 1..=2u64 {
            let mut random = Lcg(seed * 31 + scenario as u64);
            let shape = if seed == 2 {
                ClusterShape::kind_multi()
            } else {
                ClusterShape::kind()
            };
            let mut skipping = create_cluster(&shape, start(), seed);
            let mut stepwise = create_cluster(&shape, start(), seed);
            stepwise.set_stepwise(true);
            for cluster in [&mut skipping, &mut stepwise] {
                create(cluster, yaml);
                if scenario == 4 {
                    // The liveness probe fails from the start: killed and restarted for ever.
                    let uid = cluster
                        .pods(Some("default"))
                        .first()
                        .and_then(|p| p.metadata.uid.clone())
                        .unwrap_or_default();
                    let _ = cluster.set_probe_override(
                        &uid,
                        None,
                        kubeplay_sim::kubelet::ProbeKind::Liveness,
                        true,
                    );
                    cluster.settle();
                }
            }
            // About five days in steps from seconds to two days, each compared.
            for step in 0..10 {
                let delta = match random.next(3) {
                    0 => 1_000 * (1 + random.next(600)),
                    1 => 60_000 * (1 + random.next(600)),
                    _ => 3_600_000 * (1 + random.next(48)),
                };
                skipping.advance(delta);
                stepwise.advance(delta);
                assert_same(
                    &skipping,
                    &stepwise,
                    &format!("scenario {scenario}, seed {seed}, step {step}"),
                );
            }
            // The loop ends: its Events must expire exactly as they would have.
            for cluster in [&mut skipping, &mut stepwise] {
                let pods: Vec<ObjectKey> = cluster
                    .api
                    .store
                    .list(Kind::Pod, Some("default"))
                    .map(|p| p.key())
                    .collect();
                for pod in pods {
                    let _ = cluster.api.delete(&pod, DeleteOptions::default());
                }
                let deployment = ObjectKey::new(Kind::Deployment, "default", "crash");
                let _ = cluster.api.delete(&deployment, DeleteOptions::default());
                cluster.settle();
            }
            for step in 0..8 {
                let delta = 60_000 * (1 + random.next(30));
                skipping.advance(delta);
                stepwise.advance(delta);
                assert_same(
                    &skipping,
                    &stepwise,
                    &format!("scenario {scenario}, seed {seed}, after deletion, step {step}"),
                );
            }
            assert_eq!(stepwise.cycles_skipped(), 0);
            assert_eq!(
                skipping.cycles_skipped() > 0,
                *jumps,
                "scenario {scenario}, seed {seed}: {} cycles skipped",
                skipping.cycles_skipped()
            );
        }
    }
}

/// CronJobs whose runs the driver jumps over (`true`) or must simulate one by one (`false`).
const TURNOVERS: [(&str, bool); 4] = [
    // Every minute, the default history limits.
    (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tick\n  namespace: default\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: t\n            image: busybox:1.36\n            command: [\"sh\", \"-c\", \"sleep 2\"]\n",
        true,
    ),
    // Failing runs with retries, a short history, beside a Deployment that settles.
    (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: fail\n  namespace: default\nspec:\n  schedule: \"*/10 * * * *\"\n  successfulJobsHistoryLimit: 1\n  failedJobsHistoryLimit: 2\n  jobTemplate:\n    spec:\n      backoffLimit: 1\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: f\n            image: busybox:1.36\n            command: [\"sh\", \"-c\", \"sleep 1; exit 1\"]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n",
        true,
    ),
    // Runs that outlast their slot, so Forbid skips the next one: the hours are not alike
    // (the cadence drifts against the hour), so nothing is jumped.
    (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: slow\n  namespace: default\nspec:\n  schedule: \"*/10 * * * *\"\n  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: s\n            image: busybox:1.36\n            command: [\"sh\", \"-c\", \"sleep 650\"]\n",
        false,
    ),
    // Its output carries the date: no two runs are alike, but the runs a jump leaves behind
    // are gone (with their logs) before anyone can look.
    (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: dated\n  namespace: default\nspec:\n  schedule: \"*/15 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: d\n            image: busybox:1.36\n            command: [\"sh\", \"-c\", \"date\"]\n",
        true,
    ),
];

#[test]
fn jumping_over_cronjob_runs_changes_nothing_observable() {
    for (scenario, (yaml, jumps)) in TURNOVERS.iter().enumerate() {
        let seed = 5 + scenario as u64;
        let shape = if scenario % 2 == 1 {
            ClusterShape::kind_multi()
        } else {
            ClusterShape::kind()
        };
        let mut skipping = create_cluster(&shape, start(), seed);
        let mut stepwise = create_cluster(&shape, start(), seed);
        stepwise.set_stepwise(true);
        for cluster in [&mut skipping, &mut stepwise] {
            create(cluster, yaml);
        }
        // Waits long enough to jump (two for the sparser schedules), and short ones in
        // between and after.
        let waits: &[u64] = if scenario == 0 {
            &[3_600_000, 16 * 3_600_000, 30_000]
        } else {
            &[3_600_000, 20 * 3_600_000, 90_000, 20 * 3_600_000, 30_000]
        };
        for (step, &delta) in waits.iter().enumerate() {
            skipping.advance(delta);
            stepwise.advance(delta);
            assert_same(
                &skipping,
                &stepwise,
                &format!("scenario {scenario}, step {step}"),
            );
        }
        assert_eq!(stepwise.cycles_skipped(), 0);
        assert_eq!(
            skipping.cycles_skipped() > 0,
            *jumps,
            "scenario {scenario}: {} cycles skipped",
            skipping.cycles_skipped()
        );
    }
}
