//! Property tests over many seeds and shapes, sampling the cluster every 200 ms of virtual
//! time: StatefulSet ordinals start in order, Jobs never exceed their parallelism, an index
//! never runs more than backoffLimitPerIndex + 1 pods nor comes back once failed, and a
//! Forbid CronJob never runs two Jobs at once.

mod common;

use common::{apply, start};
use k8s_openapi::api::batch::v1::Job;
use kubeplay_model::Pod;
use kubeplay_model::pod::is_ready as ready;
use kubeplay_sim::{ClusterShape, create_cluster};

const SEEDS: [u64; 6] = [1, 2, 3, 5, 8, 13];

/// `1,3-5` as a set of indexes.
fn indexes(text: &str) -> std::collections::BTreeSet<i32> {
    text.split(',')
        .filter_map(|interval| {
            let (first, last) = interval.split_once('-').unwrap_or((interval, interval));
            Some(first.parse::<i32>().ok()?..=last.parse::<i32>().ok()?)
        })
        .flatten()
        .collect()
}

#[test]
fn ordered_ready_never_starts_an_ordinal_before_its_predecessors_are_ready() {
    for seed in SEEDS {
        let mut cluster = create_cluster(&ClusterShape::kind_multi(), start(), seed);
        let replicas = 3 + (seed % 4);
        apply(
            &mut cluster,
            &format!(
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n"
            ),
        );
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..600 {
            cluster.advance(200);
            let pods: Vec<&Pod> = cluster
                .api
                .store
                .list_typed::<Pod>(Some("default"))
                .collect();
            for pod in &pods {
                let name = pod.metadata.name.clone().unwrap_or_default();
                let ordinal: u64 = name.trim_start_matches("web-").parse().unwrap_or(0);
                if seen.insert(ordinal) {
                    for earlier in 0..ordinal {
                        let predecessor = pods.iter().find(|p| {
                            p.metadata.name.as_deref() == Some(format!("web-{earlier}").as_str())
                        });
                        assert!(
                            predecessor.is_some_and(|p| ready(p)),
                            "seed {seed}: web-{ordinal} appeared before web-{earlier} was ready"
                        );
                    }
                }
            }
        }
        assert_eq!(
            seen.len() as u64,
            replicas,
            "seed {seed}: not every ordinal started"
        );
    }
}

#[test]
fn jobs_never_exceed_their_parallelism() {
    for seed in SEEDS {
        let mut cluster = create_cluster(&ClusterShape::kind_multi(), start(), seed);
        let parallelism = 1 + (seed % 4) as i32;
        let completions = 7;
        let exit = if seed % 2 == 0 { "exit 1" } else { "exit 0" };
        apply(
            &mut cluster,
            &format!(
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: work\n  namespace: default\nspec:\n  completions: {completions}\n  parallelism: {parallelism}\n  backoffLimit: 3\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: w\n        image: busybox:1.36\n        command: [\"sh\", \"-c\", \"sleep 2; {exit}\"]\n"
            ),
        );
        for _ in 0..1500 {
            cluster.advance(200);
            let active = cluster
                .api
                .store
                .list_typed::<Pod>(Some("default"))
                .filter(|p| {
                    p.metadata.deletion_timestamp.is_none()
                        && !matches!(
                            p.status.as_ref().and_then(|s| s.phase.as_deref()),
                            Some("Succeeded" | "Failed")
                        )
                })
                .count();
            assert!(
                active as i32 <= parallelism,
                "seed {seed}: {active} active pods with parallelism {parallelism}"
            );
        }
        let job = cluster
            .api
            .store
            .get_typed::<Job>("default", "work")
            .cloned()
            .unwrap_or_default();
        let finished = job
            .status
            .and_then(|s| s.conditions)
            .unwrap_or_default()
            .iter()
            .any(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True");
        assert!(finished, "seed {seed}: the job never finished");
    }
}

#[test]
fn failed_indexes_stay_failed_and_each_index_retries_at_most_its_limit() {
    for seed in SEEDS {
        let mut cluster = create_cluster(&ClusterShape::kind_multi(), start(), seed);
        let limit = (seed % 3) as usize;
        let parallelism = 1 + (seed % 3) as usize;
        let max_failed = if seed % 2 == 0 {
            "\n  maxFailedIndexes: 2"
        } else {
            ""
        };
        apply(
            &mut cluster,
            &format!(
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: work\n  namespace: default\nspec:\n  completions: 5\n  parallelism: {parallelism}\n  completionMode: Indexed\n  backoffLimitPerIndex: {limit}{max_failed}\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: w\n        image: busybox:1.36\n        command: [\"sh\", \"-c\", \"sleep 1; exit 1\"]\n"
            ),
        );
        let mut failed_before = String::new();
        for _ in 0..3000 {
            cluster.advance(200);
            let job = cluster
                .api
                .store
                .get_typed::<Job>("default", "work")
                .cloned()
                .unwrap_or_default();
            let failed_indexes = job
                .status
                .as_ref()
                .and_then(|s| s.failed_indexes.clone())
                .unwrap_or_default();
            let failed = indexes(&failed_indexes);
            assert!(
                indexes(&failed_before).is_subset(&failed),
                "seed {seed}: failed indexes went from {failed_before} to {failed_indexes}"
            );
            failed_before = failed_indexes.clone();
            let mut pods_per_index = std::collections::BTreeMap::<String, usize>::new();
            let mut active = 0;
            for pod in cluster.api.store.list_typed::<Pod>(Some("default")) {
                let index = pod
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get("batch.kubernetes.io/job-completion-index"))
                    .cloned()
                    .unwrap_or_default();
                *pods_per_index.entry(index.clone()).or_default() += 1;
                let running = pod.metadata.deletion_timestamp.is_none()
                    && !matches!(
                        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
                        Some("Succeeded" | "Failed")
                    );
                if running {
                    active += 1;
                    assert!(
                        !index.parse().is_ok_and(|i: i32| failed.contains(&i)),
                        "seed {seed}: index {index} runs again after it failed"
                    );
                }
            }
            assert!(active <= parallelism, "seed {seed}: {active} active pods");
            for (index, pods) in &pods_per_index {
                assert!(
                    *pods <= limit + 1,
                    "seed {seed}: index {index} ran {pods} pods with backoffLimitPerIndex {limit}"
                );
            }
        }
        let job = cluster
            .api
            .store
            .get_typed::<Job>("default", "work")
            .cloned()
            .unwrap_or_default();
        let reason = job
            .status
            .and_then(|s| s.conditions)
            .unwrap_or_default()
            .into_iter()
            .find(|c| c.type_ == "Failed" && c.status == "True")
            .and_then(|c| c.reason);
        let expected = if max_failed.is_empty() {
            "FailedIndexes"
        } else {
            "MaxFailedIndexesExceeded"
        };
        assert_eq!(reason.as_deref(), Some(expected), "seed {seed}");
    }
}

#[test]
fn forbid_cron_jobs_never_overlap() {
    for seed in SEEDS {
        let mut cluster = create_cluster(&ClusterShape::kind(), start(), seed);
        let runtime = 30 + seed * 20;
        apply(
            &mut cluster,
            &format!(
                "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tick\n  namespace: default\nspec:\n  schedule: \"* * * * *\"\n  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: t\n            image: busybox:1.36\n            command: [\"sh\", \"-c\", \"sleep {runtime}\"]\n"
            ),
        );
        let mut started = 0;
        for _ in 0..(10 * 60 * 5) {
            cluster.advance(200);
            let running = cluster
                .api
                .store
                .list_typed::<Job>(Some("default"))
                .filter(|job| {
                    !job.status
                        .as_ref()
                        .and_then(|s| s.conditions.as_ref())
                        .is_some_and(|c| {
                            c.iter().any(|c| {
                                c.status == "True" && (c.type_ == "Complete" || c.type_ == "Failed")
                            })
                        })
                })
                .count();
            assert!(
                running <= 1,
                "seed {seed}: {running} jobs running at once under Forbid"
            );
            started = started.max(cluster.api.store.list_typed::<Job>(Some("default")).count());
        }
        assert!(
            started >= 2,
            "seed {seed}: the CronJob did not keep starting jobs"
        );
    }
}
