//! Long-sleep benchmark (`cargo bench -p kubeplay-sim --bench long_sleep`): the wall time and
//! simulated work (reconciles and kubelet steps actually run) of advancing virtual time by
//! 1 hour … 100 years on an idle kind cluster, with a crash-looping pod, and with a CronJob
//! every minute, and how many crash cycles were jumped over. Each advance has a 20 s
//! wall-clock budget (the same hook `kubeplay run --budget` uses); "stopped" means it ran out.

use std::time::{Duration, Instant};

use kubeplay_model::manifest::decode_documents;
use kubeplay_sim::{Advance, Cluster, ClusterShape, create_cluster};

const HOUR_MS: u64 = 3_600_000;
const YEAR_MS: u64 = 365 * 24 * HOUR_MS;
const BUDGET: Duration = Duration::from_secs(20);

const CRASH: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"exit 3\"]\n";
const CRON: &str = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tick\n  namespace: default\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: t\n            image: busybox:1.36\n            command: [\"sh\", \"-c\", \"sleep 2\"]\n";

fn cluster(workload: Option<&str>) -> Cluster {
    let start = "2025-06-02T10:15:00Z".parse().unwrap_or_default();
    let mut cluster = create_cluster(&ClusterShape::kind(), start, 1);
    for document in workload
        .map(|yaml| decode_documents(yaml, "bench"))
        .unwrap_or_default()
        .into_iter()
        .flatten()
    {
        let _ = cluster.api.create(document.object, false);
    }
    // Past start-up and, for the crash loop, into the 5-minute back-off ceiling.
    cluster.advance(HOUR_MS);
    cluster
}

fn main() {
    let lengths = [
        ("1 hour", HOUR_MS),
        ("1 day", 24 * HOUR_MS),
        ("1 year", YEAR_MS),
        ("100 years", 100 * YEAR_MS),
    ];
    let scenarios = [
        ("idle cluster", None),
        ("crash-looping pod", Some(CRASH)),
        ("CronJob every minute", Some(CRON)),
    ];
    println!(
        "{:<22} {:>10} {:>12} {:>10} {:>10} {:>8}",
        "scenario", "sleep", "wall", "work", "jumped", "result"
    );
    for (scenario, workload) in scenarios {
        for (label, length) in lengths {
            let mut cluster = cluster(workload);
            let work_before = cluster.reconciles();
            let jumped_before = cluster.cycles_skipped();
            let target = cluster.now_ms() + length;
            let started = Instant::now();
            let result = cluster.advance_to_within(target, &mut || started.elapsed() < BUDGET);
            let wall = started.elapsed();
            println!(
                "{scenario:<22} {label:>10} {:>10.3}ms {:>10} {:>10} {:>8}",
                wall.as_secs_f64() * 1000.0,
                cluster.reconciles() - work_before,
                cluster.cycles_skipped() - jumped_before,
                match result {
                    Advance::Reached => "reached",
                    Advance::Stopped => "stopped",
                }
            );
        }
    }
}
