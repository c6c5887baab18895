//! The horizontal pod autoscaler (`pkg/controller/podautoscaler/horizontal.go`,
//! `reconcileAutoscaler`), on a cluster without metrics-server, as kind runs: every 15 s it
//! reads the target's scale; a replica count outside `[minReplicas, maxReplicas]` is
//! corrected (`SuccessfulRescale`); otherwise computing replicas from metrics fails because
//! the resource metrics API (`metrics.k8s.io`) is not served, which the controller reports as
//! `FailedGetResourceMetric` and `FailedComputeMetricsReplicas` and the `ScalingActive`
//! condition, leaving the current metrics unknown.

use k8s_openapi::api::autoscaling::v2::{
    HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus,
    MetricSpec, MetricStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::{ApiError, Kind, Object, ObjectKey, Typed};

use super::declaration::{Controller, Reconcile, Watch};
use super::{Action, Context, Reconciliation, event};
use crate::api::EventType;
use crate::clock::Millis;
use crate::store::WatchEvent;

/// `--horizontal-pod-autoscaler-sync-period`.
pub const SYNC_PERIOD_MS: Millis = 15_000;

const COMPONENT: &str = "horizontal-pod-autoscaler";

/// What the resource metrics client answers when no metrics-server serves the API.
const NO_METRICS_API: &str = "unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

/// HorizontalPodAutoscalers, each synced 15 s after it changes and every 15 s after that.
pub static CONTROLLER: Controller = Controller {
    name: "horizontal-pod-autoscaler",
    reconciles: None,
    owns: &[],
    watches: later_sync,
    reconcile: Reconcile::Stateless(reconcile),
};

/// The autoscaler's queue adds every change after its sync period (`enqueueHPA` uses
/// `AddRateLimited` with a fixed 15 s interval), so an HPA is first synced 15 s after it is
/// created.
fn later_sync(event: &WatchEvent, watch: &mut Watch) {
    if event.object.kind() == Kind::HorizontalPodAutoscaler && !event.deleted() {
        watch.wake_after(SYNC_PERIOD_MS, event.object.key());
    }
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let Some(hpa) = ctx
        .store
        .get(key)
        .and_then(HorizontalPodAutoscaler::from_object)
    else {
        return result;
    };
    if hpa.metadata.deletion_timestamp.is_some() {
        return result;
    }
    result.requeue_within(SYNC_PERIOD_MS);
    let mut updated = hpa.clone();
    let spec = hpa.spec.clone().unwrap_or_default();
    let status = updated
        .status
        .get_or_insert_with(HorizontalPodAutoscalerStatus::default);
    let now = Time(ctx.clock.now());
    let mut events = Vec::new();
    let regarding = key.clone();
    let mut warn = |reason: &'static str, message: String| {
        events.push(Action::Event(event(
            regarding.clone(),
            EventType::Warning,
            reason,
            message,
            COMPONENT,
        )));
    };
    let target = scale_target(&spec.scale_target_ref, key.namespace.as_str(), ctx);
    let target = match target {
        Ok(target) => target,
        Err(error) => {
            warn("FailedGetScale", error.clone());
            set_condition(
                status,
                "AbleToScale",
                "False",
                "FailedGetScale",
                format!("the HPA controller was unable to get the target's current scale: {error}"),
                &now,
            );
            return finish(result, hpa, updated, events);
        }
    };
    set_condition(
        status,
        "AbleToScale",
        "True",
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale".into(),
        &now,
    );
    let current = replicas_of(&target);
    let min = spec.min_replicas.unwrap_or(1);
    let desired = if current == 0 && min != 0 {
        set_condition(
            status,
            "ScalingActive",
            "False",
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero".into(),
            &now,
        );
        None
    } else if current > spec.max_replicas {
        Some((
            spec.max_replicas,
            "Current number of replicas above Spec.MaxReplicas",
        ))
    } else if current < min {
        Some((min, "Current number of replicas below Spec.MinReplicas"))
    } else {
        // computeReplicasForMetrics: every metric fails without the metrics API.
        let metrics = spec.metrics.clone().unwrap_or_default();
        status.current_replicas = Some(current);
        status.current_metrics = Some(vec![MetricStatus::default(); metrics.len()]);
        if let Some(first) = metrics.first() {
            let (reason, error) = metric_failure(first);
            warn(reason, error.clone());
            set_condition(
                status,
                "ScalingActive",
                "False",
                reason,
                format!("the HPA was unable to compute the replica count: {error}"),
                &now,
            );
            warn(
                "FailedComputeMetricsReplicas",
                format!(
                    "invalid metrics ({n} invalid out of {n}), first error is: failed to get {} resource metric value: {error}",
                    metric_name(first),
                    n = metrics.len()
                ),
            );
        }
        return finish(result, hpa, updated, events);
    };
    status.current_replicas = Some(current);
    status.current_metrics = None;
    match desired {
        Some((replicas, reason)) if replicas != current => {
            set_condition(
                status,
                "AbleToScale",
                "True",
                "SucceededRescale",
                format!("the HPA controller was able to update the target scale to {replicas}"),
                &now,
            );
            status.desired_replicas = replicas;
            status.last_scale_time = Some(now.clone());
            events.push(Action::Event(event(
                key.clone(),
                EventType::Normal,
                "SuccessfulRescale",
                format!("New size: {replicas}; reason: {reason}"),
                COMPONENT,
            )));
            if let Some(scaled) = with_replicas(target, replicas) {
                result.actions.push(Action::Update(scaled));
            }
        }
        _ => status.desired_replicas = current,
    }
    finish(result, hpa, updated, events)
}

/// The status update (only when something changed) and the events.
fn finish(
    mut result: Reconciliation,
    before: &HorizontalPodAutoscaler,
    mut after: HorizontalPodAutoscaler,
    events: Vec<Action>,
) -> Reconciliation {
    if let Some(status) = after.status.as_mut() {
        status.observed_generation = after.metadata.generation;
    }
    if after.status != before.status {
        result
            .actions
            .push(Action::UpdateStatus(after.into_object()));
    }
    result.actions.extend(events);
    result
}

/// What the metric's computation reports when the resource metrics API is missing.
fn metric_failure(metric: &MetricSpec) -> (&'static str, String) {
    let name = metric_name(metric);
    let average_value = metric
        .resource
        .as_ref()
        .map(|r| &r.target)
        .or(metric.container_resource.as_ref().map(|r| &r.target))
        .is_some_and(|t| t.average_value.is_some());
    let what = if average_value {
        "usage"
    } else {
        "utilization"
    };
    match metric.type_.as_str() {
        "ContainerResource" => (
            "FailedGetContainerResourceMetric",
            format!(
                "failed to get {name} {what}: unable to get metrics for resource {name}: {NO_METRICS_API}"
            ),
        ),
        "Resource" => (
            "FailedGetResourceMetric",
            format!(
                "failed to get {name} {what}: unable to get metrics for resource {name}: {NO_METRICS_API}"
            ),
        ),
        "Pods" => (
            "FailedGetPodsMetric",
            format!(
                "unable to get metric {name}: unable to fetch metrics from custom metrics API: the server could not find the descriptor for metric {name}: no matches for kind \"MetricValueList\" in group \"custom.metrics.k8s.io\""
            ),
        ),
        other => (
            "FailedGetExternalMetric",
            format!("unable to get {other} metric {name}: no metrics API serves it"),
        ),
    }
}

fn metric_name(metric: &MetricSpec) -> String {
    if let Some(resource) = &metric.resource {
        return resource.name.clone();
    }
    if let Some(resource) = &metric.container_resource {
        return resource.name.clone();
    }
    if let Some(pods) = &metric.pods {
        return pods.metric.name.clone();
    }
    metric
        .external
        .as_ref()
        .map(|e| e.metric.name.clone())
        .or(metric.object.as_ref().map(|o| o.metric.name.clone()))
        .unwrap_or_default()
}

/// The object behind `scaleTargetRef`, if it has a scale subresource kubeplay serves.
fn scale_target(
    reference: &k8s_openapi::api::autoscaling::v2::CrossVersionObjectReference,
    namespace: &str,
    ctx: &Context,
) -> Result<Object, String> {
    let kind = Kind::from_manifest(
        reference.api_version.as_deref().unwrap_or(""),
        &reference.kind,
    )
    .filter(|k| {
        matches!(
            k,
            Kind::Deployment | Kind::ReplicaSet | Kind::ReplicationController | Kind::StatefulSet
        )
    });
    let Some(kind) = kind else {
        return Err(format!(
            "the server could not find the requested resource ({}.{} {:?})",
            reference.kind.to_lowercase(),
            reference.api_version.as_deref().unwrap_or(""),
            reference.name
        ));
    };
    ctx.store
        .get(&ObjectKey::new(kind, namespace, &reference.name))
        .cloned()
        .ok_or_else(|| ApiError::not_found(kind, &reference.name).to_string())
}

fn replicas_of(object: &Object) -> i32 {
    match object {
        Object::Deployment(d) => d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
        Object::ReplicaSet(rs) => rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
        Object::ReplicationController(rc) => rc.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
        Object::StatefulSet(sts) => sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
        _ => 0,
    }
}

fn with_replicas(mut object: Object, replicas: i32) -> Option<Object> {
    let spec_replicas = match &mut object {
        Object::Deployment(o) => &mut o.spec.as_mut()?.replicas,
        Object::ReplicaSet(o) => &mut o.spec.as_mut()?.replicas,
        Object::StatefulSet(o) => &mut o.spec.as_mut()?.replicas,
        Object::ReplicationController(o) => &mut o.spec.as_mut()?.replicas,
        _ => return None,
    };
    *spec_replicas = Some(replicas);
    Some(object)
}

/// `setCondition`: the transition time moves only when the status does.
fn set_condition(
    status: &mut HorizontalPodAutoscalerStatus,
    type_: &str,
    value: &str,
    reason: &str,
    message: String,
    now: &Time,
) {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    let transition = conditions
        .iter()
        .find(|c| c.type_ == type_ && c.status == value)
        .and_then(|c| c.last_transition_time.clone())
        .unwrap_or_else(|| now.clone());
    let condition = HorizontalPodAutoscalerCondition {
        type_: type_.into(),
        status: value.into(),
        reason: Some(reason.into()),
        message: Some(message),
        last_transition_time: Some(transition),
    };
    match conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(existing) => *existing = condition,
        None => conditions.push(condition),
    }
}
