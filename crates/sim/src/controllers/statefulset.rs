//! The StatefulSet controller (`pkg/controller/statefulset`): pods `NAME-0…NAME-(N-1)` with
//! stable names and storage (one PVC per claim template and ordinal, kept on scale-down and
//! delete), OrderedReady or Parallel management, revisions as ControllerRevisions, and
//! RollingUpdate in reverse ordinal order down to `partition` (or OnDelete).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, Pod, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_model::intstr::scaled_value;
use kubeplay_model::keys::{CONTROLLER_REVISION_HASH, POD_INDEX, STATEFULSET_POD_NAME};
use kubeplay_model::object::MetaExt;
use kubeplay_model::validation;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::pods::pod_from_template;
use super::{
    Action, Context, Reconciliation, controller_ref, event, history, is_controlled_by,
    template_hash,
};
use super::{Controller, Reconcile};
use crate::api::{DeleteOptions, EventType};
use kubeplay_model::pod::{is_available, is_ready, phase};

const COMPONENT: &str = "statefulset-controller";

fn healthy(pod: &Pod) -> bool {
    phase(pod) == "Running" && is_ready(pod) && !pod.metadata.is_deleting()
}

/// StatefulSets, through their pods, revisions and (with a `whenDeleted: Delete` retention
/// policy) claims.
pub static CONTROLLER: Controller = Controller {
    name: "statefulset",
    reconciles: Some(Kind::StatefulSet),
    owns: &[
        Kind::Pod,
        Kind::ControllerRevision,
        Kind::PersistentVolumeClaim,
    ],
    watches: super::declaration::nothing_else,
    reconcile: Reconcile::Stateless(reconcile),
};

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let Some(sts) = ctx
        .store
        .get_typed::<StatefulSet>(&key.namespace, &key.name)
    else {
        return result;
    };
    let Some(spec) = sts.spec.clone() else {
        return result;
    };
    let sts_object = sts.clone().into_object();
    let replicas = spec.replicas.unwrap_or(1).max(0);
    let start = spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0);
    let parallel = spec.pod_management_policy.as_deref() == Some("Parallel");
    let min_ready = spec.min_ready_seconds.unwrap_or(0);

    // Revisions: the current template's, and the one the set last completed.
    let hash = template_hash(
        &spec.template,
        sts.status.as_ref().and_then(|s| s.collision_count),
    );
    let update_revision = format!("{}-{hash}", key.name);
    let revisions = history::owned_revisions(ctx, &sts_object);
    history::ensure_revision(
        &sts_object,
        &spec.template,
        &update_revision,
        &hash,
        &revisions,
        &mut result,
    );
    let current_revision = sts
        .status
        .as_ref()
        .and_then(|s| s.current_revision.clone())
        .unwrap_or_else(|| update_revision.clone());

    let owned: BTreeMap<i32, &Pod> = ctx
        .store
        .dependents_of(sts.metadata.uid_str())
        .filter_map(Pod::from_object)
        .filter(|pod| is_controlled_by(&pod.metadata, sts.metadata.uid_str()))
        .filter_map(|pod| ordinal(pod.metadata.name_str(), &key.name).map(|n| (n, pod)))
        .collect();

    let mut status = StatefulSetStatus {
        observed_generation: sts.metadata.generation,
        current_revision: Some(current_revision.clone()),
        update_revision: Some(update_revision.clone()),
        collision_count: sts.status.as_ref().and_then(|s| s.collision_count),
        ..StatefulSetStatus::default()
    };
    for pod in owned.values() {
        if pod.metadata.is_deleting() {
            continue;
        }
        status.replicas += 1;
        if is_ready(pod) {
            status.ready_replicas = Some(status.ready_replicas.unwrap_or(0) + 1);
        }
        if is_available(pod, min_ready, ctx.clock.now()) {
            status.available_replicas = Some(status.available_replicas.unwrap_or(0) + 1);
        }
        match pod.metadata.label(CONTROLLER_REVISION_HASH) {
            Some(revision) if revision == current_revision => {
                status.current_replicas = Some(status.current_replicas.unwrap_or(0) + 1)
            }
            _ => {}
        }
        if pod.metadata.label(CONTROLLER_REVISION_HASH) == Some(update_revision.as_str()) {
            status.updated_replicas = Some(status.updated_replicas.unwrap_or(0) + 1);
        }
    }

    if !sts.metadata.is_deleting() {
        let partition = spec
            .update_strategy
            .as_ref()
            .and_then(|u| u.rolling_update.as_ref())
            .and_then(|r| r.partition)
            .unwrap_or(0);
        let on_delete = spec
            .update_strategy
            .as_ref()
            .and_then(|u| u.type_.as_deref())
            == Some("OnDelete");
        let mut blocked = false;
        // Replicas in ascending ordinal order: create what is missing, replace what finished.
        for ordinal in start..start + replicas {
            match owned.get(&ordinal) {
                None => {
                    let revision = if !on_delete && ordinal < start + partition {
                        current_revision.clone()
                    } else {
                        update_revision.clone()
                    };
                    let template = if revision == update_revision {
                        spec.template.clone()
                    } else {
                        history::template_of(&revisions, &revision)
                            .unwrap_or_else(|| spec.template.clone())
                    };
                    create_replica(
                        &sts_object,
                        &spec,
                        &template,
                        ordinal,
                        &revision,
                        ctx,
                        &mut result,
                    );
                    if !parallel {
                        blocked = true;
                        break;
                    }
                }
                Some(pod)
                    if matches!(phase(pod), "Failed" | "Succeeded")
                        && !pod.metadata.is_deleting() =>
                {
                    result.actions.push(delete_pod(key, pod));
                    if !parallel {
                        blocked = true;
                        break;
                    }
                }
                Some(pod) if !parallel && !healthy(pod) => {
                    blocked = true;
                    break;
                }
                Some(_) => {}
            }
        }
        // Condemned pods (ordinals past the end) go from the highest ordinal down.
        let condemned: Vec<&&Pod> = owned
            .iter()
            .rev()
            .filter(|(n, _)| **n >= start + replicas || **n < start)
            .map(|(_, p)| p)
            .collect();
        for pod in condemned {
            if pod.metadata.is_deleting() {
                if !parallel {
                    break;
                }
                continue;
            }
            if !parallel && blocked {
                break;
            }
            // `whenScaled: Delete`: the condemned pod becomes its claims' owner first, so they
            // go when it does.
            if spec
                .persistent_volume_claim_retention_policy
                .as_ref()
                .and_then(|p| p.when_scaled.as_deref())
                == Some("Delete")
            {
                for claim in pod
                    .spec
                    .iter()
                    .flat_map(|s| s.volumes.iter().flatten())
                    .filter_map(|v| v.persistent_volume_claim.as_ref())
                {
                    if let Some(Object::PersistentVolumeClaim(pvc)) =
                        ctx.store.get(&ObjectKey::new(
                            Kind::PersistentVolumeClaim,
                            &key.namespace,
                            &claim.claim_name,
                        ))
                    {
                        let mut owned = pvc.clone();
                        let references =
                            owned.metadata.owner_references.get_or_insert_with(Vec::new);
                        if !references.iter().any(|r| r.uid == pod.metadata.uid_str()) {
                            // The pod, not the set, owns the claim from now on.
                            references.retain(|r| r.kind != "StatefulSet");
                            references.push(
                                k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
                                    api_version: "v1".into(),
                                    kind: "Pod".into(),
                                    name: pod.metadata.name_str().into(),
                                    uid: pod.metadata.uid_str().into(),
                                    controller: None,
                                    block_owner_deletion: None,
                                },
                            );
                            result
                                .actions
                                .push(Action::Update(Object::PersistentVolumeClaim(owned)));
                        }
                    }
                }
            }
            result.actions.push(delete_pod(key, pod));
            if !parallel {
                break;
            }
        }
        if !on_delete && !blocked && ctx.features.max_unavailable_stateful_set() {
            let outdated = MaxUnavailableUpdate {
                spec: &spec,
                owned: &owned,
                start,
                replicas,
                partition,
                update_revision: &update_revision,
                now: ctx.clock.now(),
            };
            for pod in outdated.victims() {
                result.actions.push(delete_pod(key, pod));
            }
        }
        // Rolling update: once every replica is healthy, replace the highest outdated one.
        let all_healthy =
            (start..start + replicas).all(|n| owned.get(&n).is_some_and(|pod| healthy(pod)));
        if !on_delete && all_healthy && !blocked && !ctx.features.max_unavailable_stateful_set() {
            let outdated = (start + partition..start + replicas)
                .rev()
                .filter_map(|n| owned.get(&n))
                .find(|pod| {
                    pod.metadata.label(CONTROLLER_REVISION_HASH) != Some(update_revision.as_str())
                });
            if let Some(pod) = outdated {
                result.actions.push(delete_pod(key, pod));
            }
        }
    }
    let complete = status.updated_replicas.unwrap_or(0) == replicas
        && status.replicas == replicas
        && status.ready_replicas.unwrap_or(0) == replicas;
    if complete {
        status.current_revision = Some(update_revision.clone());
        status.current_replicas = status.updated_replicas;
    }
    if sts.status.as_ref() != Some(&status) {
        let mut updated = sts.clone();
        updated.status = Some(status);
        result
            .actions
            .push(Action::UpdateStatus(updated.into_object()));
    }
    result
}

/// `updateStatefulSetAfterInvariantEstablished`, the rolling update with the
/// `MaxUnavailableStatefulSet` gate on: with U replicas unavailable (missing, not running and
/// available for minReadySeconds, or terminating), up to `maxUnavailable - U` outdated pods
/// are deleted at once, highest ordinal first, down to the partition.
struct MaxUnavailableUpdate<'a, 'p> {
    spec: &'a k8s_openapi::api::apps::v1::StatefulSetSpec,
    owned: &'a BTreeMap<i32, &'p Pod>,
    start: i32,
    replicas: i32,
    partition: i32,
    update_revision: &'a str,
    now: jiff::Timestamp,
}

impl<'p> MaxUnavailableUpdate<'_, 'p> {
    /// `getStatefulSetMaxUnavailable`: the value scaled to the replicas, rounded down, at
    /// least 1.
    fn max_unavailable(&self) -> i32 {
        let value = self
            .spec
            .update_strategy
            .as_ref()
            .and_then(|u| u.rolling_update.as_ref())
            .and_then(|r| r.max_unavailable.clone())
            .unwrap_or(IntOrString::Int(1));
        scaled_value(&value, self.replicas, false)
            .unwrap_or(1)
            .max(1)
    }

    fn victims(&self) -> Vec<&'p Pod> {
        let min_ready = self.spec.min_ready_seconds.unwrap_or(0);
        let unavailable = (self.start..self.start + self.replicas)
            .filter(|n| {
                self.owned.get(n).is_none_or(|pod| {
                    phase(pod) != "Running"
                        || !is_available(pod, min_ready, self.now)
                        || pod.metadata.is_deleting()
                })
            })
            .count();
        let budget = usize::try_from(self.max_unavailable())
            .unwrap_or(1)
            .saturating_sub(unavailable);
        (self.start + self.partition..self.start + self.replicas)
            .rev()
            .filter_map(|n| self.owned.get(&n).copied())
            .filter(|pod| {
                pod.metadata.label(CONTROLLER_REVISION_HASH) != Some(self.update_revision)
                    && !pod.metadata.is_deleting()
            })
            .take(budget)
            .collect()
    }
}

/// `<set>-<ordinal>` → ordinal.
fn ordinal(pod_name: &str, set: &str) -> Option<i32> {
    pod_name.strip_prefix(set)?.strip_prefix('-')?.parse().ok()
}

fn create_replica(
    owner: &Object,
    spec: &k8s_openapi::api::apps::v1::StatefulSetSpec,
    template: &k8s_openapi::api::core::v1::PodTemplateSpec,
    ordinal: i32,
    revision: &str,
    ctx: &Context,
    result: &mut Reconciliation,
) {
    let set = owner.name();
    let namespace = owner.namespace();
    let key = ObjectKey::new(Kind::StatefulSet, namespace, set);
    let pod_name = format!("{set}-{ordinal}");
    let selector_labels = spec.selector.match_labels.clone().unwrap_or_default();
    let mut claim_volumes = Vec::new();
    let mut claim_failures = Vec::new();
    for claim in spec.volume_claim_templates.iter().flatten() {
        let template_name = claim.metadata.name_str().to_string();
        let claim_name = format!("{template_name}-{set}-{ordinal}");
        claim_volumes.push(Volume {
            name: template_name,
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: claim_name.clone(),
                read_only: None,
            }),
            ..Volume::default()
        });
        if ctx
            .store
            .get(&ObjectKey::new(
                Kind::PersistentVolumeClaim,
                namespace,
                &claim_name,
            ))
            .is_none()
        {
            let mut labels = claim.metadata.labels.clone().unwrap_or_default();
            labels.extend(selector_labels.clone());
            // `whenDeleted: Delete` makes the set the claim's owner, so the garbage collector
            // removes it with the set.
            let when_deleted = spec
                .persistent_volume_claim_retention_policy
                .as_ref()
                .and_then(|p| p.when_deleted.as_deref())
                == Some("Delete");
            let pvc = PersistentVolumeClaim {
                metadata: ObjectMeta {
                    name: Some(claim_name.clone()),
                    namespace: Some(namespace.into()),
                    labels: Some(labels),
                    owner_references: when_deleted.then(|| vec![controller_ref(owner)]),
                    ..ObjectMeta::default()
                },
                spec: claim.spec.clone(),
                status: None,
            };
            let claim_object = Object::PersistentVolumeClaim(pvc);
            // Controllers' writes are applied after the reconcile, so the API server's answer
            // is asked of the same validation it runs: a refused claim means no pod
            // (`createPersistentVolumeClaims` fails, `CreateStatefulPod` returns), and the
            // next reconcile tries again.
            if let Err(error) = validation::validate(&claim_object) {
                result.actions.push(Action::Event(event(
                    key.clone(),
                    EventType::Warning,
                    "FailedCreate",
                    format!(
                        "create Claim {claim_name} for Pod {pod_name} in StatefulSet {set} failed error: {error}"
                    ),
                    COMPONENT,
                )));
                claim_failures.push(format!("failed to create PVC {claim_name}: {error}"));
                continue;
            }
            result.actions.push(Action::Create {
                object: claim_object,
                event: None,
            });
            result.actions.push(Action::Event(event(
                key.clone(),
                EventType::Normal,
                "SuccessfulCreate",
                format!("create Claim {claim_name} Pod {pod_name} in StatefulSet {set} success"),
                COMPONENT,
            )));
        }
    }
    if !claim_failures.is_empty() {
        // `errorutils.NewAggregate`: one error alone, several in brackets.
        let aggregate = if claim_failures.len() == 1 {
            claim_failures.concat()
        } else {
            format!("[{}]", claim_failures.join(", "))
        };
        result.actions.push(Action::Event(event(
            key,
            EventType::Warning,
            "FailedCreate",
            format!("create Pod {pod_name} in StatefulSet {set} failed error: {aggregate}"),
            COMPONENT,
        )));
        return;
    }
    let mut pod = pod_from_template(template, owner);
    pod.metadata.generate_name = None;
    pod.metadata.name = Some(pod_name.clone());
    let labels = pod.metadata.labels.get_or_insert_with(BTreeMap::new);
    labels.insert(STATEFULSET_POD_NAME.into(), pod_name.clone());
    labels.insert(POD_INDEX.into(), ordinal.to_string());
    labels.insert(CONTROLLER_REVISION_HASH.into(), revision.into());
    if let Some(pod_spec) = pod.spec.as_mut() {
        pod_spec.hostname = Some(pod_name.clone());
        pod_spec.subdomain = spec.service_name.clone().filter(|s| !s.is_empty());
        let volumes = pod_spec.volumes.get_or_insert_with(Vec::new);
        volumes.retain(|v| !claim_volumes.iter().any(|c| c.name == v.name));
        volumes.extend(claim_volumes);
    }
    result.actions.push(Action::Create {
        object: Object::Pod(pod),
        event: None,
    });
    result.actions.push(Action::Event(event(
        key,
        EventType::Normal,
        "SuccessfulCreate",
        format!("create Pod {pod_name} in StatefulSet {set} successful"),
        COMPONENT,
    )));
}

fn delete_pod(set: &ObjectKey, pod: &Pod) -> Action {
    let name = pod.metadata.name_str();
    Action::Delete {
        key: ObjectKey::new(Kind::Pod, pod.metadata.namespace_str(), name),
        options: DeleteOptions::default(),
        event: Some(event(
            set.clone(),
            EventType::Normal,
            "SuccessfulDelete",
            format!("delete Pod {name} in StatefulSet {} successful", set.name),
            COMPONENT,
        )),
    }
}
