//! Creating the pods a running Job is missing (`manageJob`): after the back-off since the last
//! failure, and for an Indexed Job one pod per index still to run.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::batch::v1::JobSpec;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use kubeplay_model::keys::{
    JOB_COMPLETION_INDEX, JOB_INDEX_FAILURE_COUNT, JOB_INDEX_IGNORED_FAILURE_COUNT,
};
use kubeplay_model::{Object, ObjectKey, Pod, Typed};

use super::census::Census;
use super::indexes::completion_index;
use super::{COMPONENT, backoff, count, indexes, only_replaces_failed_pods};
use crate::controllers::pods::pod_from_template;
use crate::controllers::{Action, Context, CreatedEvent, Creates, Reconciliation};

/// Creating the pods a running Job is missing (`manageJob`).
pub(super) struct Replacements<'a> {
    pub(super) spec: &'a JobSpec,
    pub(super) census: &'a Census<'a>,
    pub(super) failed_indexes: Option<&'a BTreeSet<i32>>,
    pub(super) job: &'a Object,
    pub(super) key: &'a ObjectKey,
    pub(super) ctx: &'a Context<'a>,
}

impl Replacements<'_> {
    pub(super) fn create(&self, missing: usize, result: &mut Reconciliation) {
        // After failures, replacements wait out the back-off since the last failure (ignored
        // failures lengthen it too); with backoffLimitPerIndex each index waits on its own.
        if self.spec.backoff_limit_per_index.is_none() {
            let wait = self.global_backoff();
            if wait > 0 {
                result.requeue_within(u64::try_from(wait).unwrap_or(1) * 1000);
                return;
            }
        }
        let pods_to_create: Vec<Pod> = if self.census.indexed {
            match self.indexed_pods(missing, result) {
                Some(pods) => pods,
                None => return,
            }
        } else {
            (0..missing)
                .map(|_| pod_from_template(&self.spec.template, self.job))
                .collect()
        };
        let creates = pods_to_create
            .into_iter()
            .map(|pod| Action::Create {
                object: pod.into_object(),
                event: CreatedEvent::pod(self.key, COMPONENT),
            })
            .collect();
        result.actions.push(Action::SlowStart {
            owner: self.key.clone(),
            component: COMPONENT,
            creates: Creates::Each(creates),
        });
    }

    /// Seconds until replacements may start: the back-off grows with the failures since the
    /// last success (`failuresAfterLastSuccess`) and counts from the newest of them.
    pub(super) fn global_backoff(&self) -> i64 {
        let last_success = self
            .census
            .succeeded_pods
            .iter()
            .filter_map(|pod| backoff::finished_at(pod))
            .max();
        let failures: Vec<jiff::Timestamp> = self
            .census
            .failed
            .iter()
            .filter_map(|(pod, _)| backoff::finished_at(pod))
            .filter(|finished| last_success.is_none_or(|success| *finished > success))
            .collect();
        failures.iter().max().map_or(0, |last| {
            backoff::remaining_seconds(count(failures.len()), *last, self.ctx.clock.now())
        })
    }

    /// The lowest indexes neither succeeded, failed nor running (`firstPendingIndexes`); with
    /// backoffLimitPerIndex only those whose own back-off is over. None when every candidate
    /// index still waits (the Job is requeued for the first to be ready).
    pub(super) fn indexed_pods(
        &self,
        missing: usize,
        result: &mut Reconciliation,
    ) -> Option<Vec<Pod>> {
        let mut taken: BTreeSet<i32> = self.census.succeeded_indexes.clone();
        taken.extend(
            self.census
                .active
                .iter()
                .filter_map(|pod| completion_index(pod)),
        );
        if only_replaces_failed_pods(self.spec) {
            taken.extend(
                self.census
                    .terminating
                    .iter()
                    .filter_map(|pod| completion_index(pod)),
            );
        }
        if let Some(failed_indexes) = self.failed_indexes {
            taken.extend(failed_indexes);
        }
        let candidates: Vec<i32> = (0..self.spec.completions.unwrap_or(0))
            .filter(|index| !taken.contains(index))
            .take(missing)
            .collect();
        if self.spec.backoff_limit_per_index.is_none() {
            return Some(
                candidates
                    .into_iter()
                    .map(|index| indexed_pod(&self.spec.template, self.job, index, None))
                    .collect(),
            );
        }
        let last_failed: BTreeMap<i32, &Pod> =
            indexes::last_failed_pods(self.census.failed.iter().map(|(pod, _)| *pod), &taken);
        let waits: Vec<(i32, i64)> = candidates
            .iter()
            .map(|index| {
                let wait = indexes::remaining_backoff(
                    last_failed.get(index).copied(),
                    self.ctx.clock.now(),
                );
                (*index, wait)
            })
            .collect();
        let ready: Vec<Pod> = waits
            .iter()
            .filter(|(_, wait)| *wait <= 0)
            .map(|(index, _)| {
                let counts =
                    indexes::replacement_counts(self.spec, last_failed.get(index).copied());
                indexed_pod(&self.spec.template, self.job, *index, Some(counts))
            })
            .collect();
        if ready.is_empty() {
            if let Some(wait) = waits.iter().map(|(_, wait)| *wait).min() {
                result.requeue_within(u64::try_from(wait).unwrap_or(1) * 1000);
            }
            return None;
        }
        Some(ready)
    }
}

/// A pod of an Indexed Job: `<job>-<index>-xxxxx`, the index as annotation, label, hostname
/// `<job>-<index>` and `JOB_COMPLETION_INDEX`; with backoffLimitPerIndex, the index's failure counts so far.
pub(super) fn indexed_pod(
    template: &PodTemplateSpec,
    job: &Object,
    index: i32,
    failure_counts: Option<(i32, i32)>,
) -> Pod {
    let mut pod = pod_from_template(template, job);
    pod.metadata.generate_name = Some(format!("{}-{index}-", job.name()));
    let annotations = pod
        .metadata
        .annotations
        .get_or_insert_with(Default::default);
    annotations.insert(JOB_COMPLETION_INDEX.into(), index.to_string());
    if let Some((failures, ignored)) = failure_counts {
        annotations.insert(JOB_INDEX_FAILURE_COUNT.into(), failures.to_string());
        if ignored > 0 {
            annotations.insert(JOB_INDEX_IGNORED_FAILURE_COUNT.into(), ignored.to_string());
        }
    }
    pod.metadata
        .labels
        .get_or_insert_with(Default::default)
        .insert(JOB_COMPLETION_INDEX.into(), index.to_string());
    if let Some(spec) = pod.spec.as_deref_mut() {
        spec.hostname = Some(format!("{}-{index}", job.name()));
        for container in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten())
        {
            container
                .env
                .get_or_insert_with(Vec::new)
                .push(k8s_openapi::api::core::v1::EnvVar {
                    name: "JOB_COMPLETION_INDEX".into(),
                    value: None,
                    value_from: Some(k8s_openapi::api::core::v1::EnvVarSource {
                        field_ref: Some(k8s_openapi::api::core::v1::ObjectFieldSelector {
                            api_version: Some("v1".into()),
                            // PodIndexLabel (GA in 1.32) reads the index from the label.
                            field_path: format!("metadata.labels['{JOB_COMPLETION_INDEX}']"),
                        }),
                        ..Default::default()
                    }),
                });
        }
    }
    pod
}
