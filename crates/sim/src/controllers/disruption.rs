//! The disruption controller (`pkg/controller/disruption`): keeps each PodDisruptionBudget's
//! status — how many selected pods are healthy, how many must stay healthy, and so how many
//! voluntary disruptions (evictions) are allowed right now.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::policy::v1::{
    PodDisruptionBudget, PodDisruptionBudgetSpec, PodDisruptionBudgetStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_model::intstr::scaled_value;
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, Object, ObjectKey, Pod, Typed};

use super::{Context, Controller, Reconcile, Reconciliation, Watch};
use crate::clock::Millis;
use crate::store::WatchEvent;

/// `DeletionTimeout`: an eviction not followed by a deletion within this long is forgotten.
const DISRUPTED_POD_TIMEOUT_MS: Millis = 2 * 60 * 1000;

/// PodDisruptionBudgets' status, from the pods they select.
pub static CONTROLLER: Controller = Controller {
    name: "disruption",
    reconciles: Some(Kind::PodDisruptionBudget),
    owns: &[],
    watches: budgets_of_pod,
    reconcile: Reconcile::Stateless(reconcile),
};

/// A pod change wakes the budgets that select the pod, or selected it before the change
/// (`getPdbForPod` for the old and the new pod): the namespace's budgets, not its pods.
fn budgets_of_pod(event: &WatchEvent, watch: &mut Watch) {
    let Object::Pod(pod) = &*event.object else {
        return;
    };
    let before = event.previous.as_deref().and_then(Pod::from_object);
    let store = watch.store;
    let budgets = store
        .list_typed::<PodDisruptionBudget>(Some(pod.metadata.namespace_str()))
        .filter(|pdb| selects(pdb, pod) || before.is_some_and(|old| selects(pdb, old)));
    for pdb in budgets {
        watch.wake(ObjectKey::new(
            Kind::PodDisruptionBudget,
            pdb.metadata.namespace_str(),
            pdb.metadata.name_str(),
        ));
    }
}

/// A budget's selector: in policy/v1 a missing selector selects nothing and an empty one
/// (`{}`) every pod of the namespace.
fn selector(pdb: &PodDisruptionBudget) -> Option<Selector> {
    let selector = pdb.spec.as_ref()?.selector.as_ref()?;
    Selector::from_label_selector(Some(selector)).ok()
}

/// Whether a budget covers a pod.
pub fn selects(pdb: &PodDisruptionBudget, pod: &Pod) -> bool {
    pdb.metadata.namespace == pod.metadata.namespace
        && selector(pdb).is_some_and(|selector| selector.matches(pod.metadata.labels.as_ref()))
}

/// The pods a budget covers, through the store's label index.
fn selected_pods<'a>(pdb: &PodDisruptionBudget, ctx: &Context<'a>) -> Vec<&'a Pod> {
    let Some(selector) = selector(pdb) else {
        return Vec::new();
    };
    ctx.store
        .pods_matching(pdb.metadata.namespace_str(), &selector)
        .collect()
}

/// `getExpectedScale`: the summed replicas of the controllers owning the pods, or `None`
/// when a pod has no scalable controller (the budget then fails safe).
fn expected_scale(pods: &[&Pod], ctx: &Context) -> Option<i32> {
    let mut controllers = BTreeSet::new();
    let mut total = 0;
    for pod in pods {
        let owner = pod.metadata.controller_ref()?;
        let namespace = pod.metadata.namespace_str();
        let (uid, replicas) = match owner.kind.as_str() {
            "ReplicaSet" => {
                let rs = ctx.store.get_typed::<ReplicaSet>(namespace, &owner.name)?;
                match rs
                    .metadata
                    .controller_ref()
                    .filter(|o| o.kind == "Deployment")
                {
                    Some(deployment) => {
                        let deployment = ctx
                            .store
                            .get_typed::<Deployment>(namespace, &deployment.name)?;
                        (
                            deployment.metadata.uid_str().to_string(),
                            deployment.spec.as_ref()?.replicas.unwrap_or(1),
                        )
                    }
                    None => (
                        rs.metadata.uid_str().to_string(),
                        rs.spec.as_ref()?.replicas.unwrap_or(1),
                    ),
                }
            }
            "StatefulSet" => {
                let sts = ctx.store.get_typed::<StatefulSet>(namespace, &owner.name)?;
                (
                    sts.metadata.uid_str().to_string(),
                    sts.spec.as_ref()?.replicas.unwrap_or(1),
                )
            }
            _ => return None,
        };
        if controllers.insert(uid) {
            total += replicas;
        }
    }
    Some(total)
}

/// Evictions not yet followed by a deletion still count as disrupted, for a while.
fn still_disrupted(
    previous: &PodDisruptionBudgetStatus,
    pods: &[&Pod],
    ctx: &Context,
) -> BTreeMap<String, Time> {
    previous
        .disrupted_pods
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|(name, at)| {
            let pending = pods
                .iter()
                .any(|p| p.metadata.name_str() == name && !p.metadata.is_deleting());
            pending && ctx.clock.millis_of(at) + DISRUPTED_POD_TIMEOUT_MS > ctx.clock.now_ms()
        })
        .collect()
}

/// (expected pods, desired healthy) from maxUnavailable or minAvailable (`getExpectedPodCount`),
/// or `None` when the expected scale cannot be known.
fn expected_and_desired(
    spec: &PodDisruptionBudgetSpec,
    pods: &[&Pod],
    ctx: &Context,
) -> Option<(i32, i32)> {
    match (&spec.max_unavailable, &spec.min_available) {
        (Some(max_unavailable), _) => expected_scale(pods, ctx).and_then(|expected| {
            let unavailable = scaled_value(max_unavailable, expected, true)?;
            Some((expected, (expected - unavailable).max(0)))
        }),
        (None, Some(IntOrString::Int(min))) => {
            Some((i32::try_from(pods.len()).unwrap_or(i32::MAX), *min))
        }
        (None, Some(min)) => expected_scale(pods, ctx)
            .and_then(|expected| Some((expected, scaled_value(min, expected, true)?))),
        (None, None) => Some((i32::try_from(pods.len()).unwrap_or(i32::MAX), 0)),
    }
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut reconciliation = Reconciliation::default();
    let Some(pdb) = ctx
        .store
        .get_typed::<PodDisruptionBudget>(&key.namespace, &key.name)
    else {
        return reconciliation;
    };
    let pods = selected_pods(pdb, ctx);
    let spec = pdb.spec.clone().unwrap_or_default();
    let previous = pdb.status.clone().unwrap_or_default();
    let now = ctx.clock.now_time();
    let disrupted = still_disrupted(&previous, &pods, ctx);
    let healthy = pods
        .iter()
        .filter(|p| {
            !p.metadata.is_deleting()
                && !disrupted.contains_key(p.metadata.name_str())
                && kubeplay_model::pod::is_ready(p)
        })
        .count();
    let current_healthy = i32::try_from(healthy).unwrap_or(i32::MAX);
    let (expected, desired, allowed, condition) = match expected_and_desired(&spec, &pods, ctx) {
        Some((expected, desired)) => {
            let allowed = if expected <= 0 {
                0
            } else {
                (current_healthy - desired).max(0)
            };
            let reason = if allowed > 0 {
                "SufficientPods"
            } else {
                "InsufficientPods"
            };
            (expected, desired, allowed, reason)
        }
        None => (0, 0, 0, "SyncFailed"),
    };
    let status_text = if allowed > 0 { "True" } else { "False" };
    let generation = pdb.metadata.generation.unwrap_or(1);
    let transition = previous
        .conditions
        .as_ref()
        .and_then(|c| c.iter().find(|c| c.type_ == "DisruptionAllowed"))
        .filter(|c| c.status == status_text)
        .map_or(now.clone(), |c| c.last_transition_time.clone());
    let status = PodDisruptionBudgetStatus {
        current_healthy,
        desired_healthy: desired,
        disruptions_allowed: allowed,
        expected_pods: expected,
        observed_generation: Some(generation),
        disrupted_pods: (!disrupted.is_empty()).then_some(disrupted),
        conditions: Some(vec![Condition {
            type_: "DisruptionAllowed".into(),
            status: status_text.into(),
            reason: condition.into(),
            message: String::new(),
            last_transition_time: transition,
            observed_generation: Some(generation),
        }]),
    };
    reconciliation.update_status(pdb, status);
    // Disrupted entries expire on their own: look again when the oldest does.
    if let Some(oldest) = pdb
        .status
        .as_ref()
        .and_then(|s| s.disrupted_pods.as_ref())
        .and_then(|d| d.values().map(|at| ctx.clock.millis_of(at)).min())
    {
        let expiry = oldest + DISRUPTED_POD_TIMEOUT_MS;
        if expiry > ctx.clock.now_ms() {
            reconciliation.requeue_within(expiry - ctx.clock.now_ms());
        }
    }
    reconciliation
}
