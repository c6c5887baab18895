//! Defaulting as the API server applies it on create and update
//! (`pkg/apis/{core,apps,batch}/v1/defaults.go`). Pod-only admission defaults that need the
//! cluster (service account token volume, default tolerations) live in the simulator.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    DaemonSetUpdateStrategy, DeploymentStrategy, RollingUpdateDaemonSet, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{
    Container, NamespaceSpec, NamespaceStatus, PodSecurityContext, PodSpec, PodTemplateSpec, Probe,
    ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::object::Object;

/// Returns `object` with every default the API server would fill in.
pub fn defaulted(mut object: Object) -> Object {
    match &mut object {
        Object::Deployment(deployment) => {
            if let Some(spec) = deployment.spec.as_mut() {
                spec.replicas.get_or_insert(1);
                spec.revision_history_limit.get_or_insert(10);
                spec.progress_deadline_seconds.get_or_insert(600);
                let strategy = spec
                    .strategy
                    .get_or_insert_with(DeploymentStrategy::default);
                let strategy_type = strategy
                    .type_
                    .get_or_insert_with(|| "RollingUpdate".to_string());
                if strategy_type == "RollingUpdate" {
                    let rolling = strategy
                        .rolling_update
                        .get_or_insert_with(RollingUpdateDeployment::default);
                    rolling
                        .max_surge
                        .get_or_insert_with(|| IntOrString::String("25%".into()));
                    rolling
                        .max_unavailable
                        .get_or_insert_with(|| IntOrString::String("25%".into()));
                }
                default_template(&mut spec.template);
            }
        }
        Object::ReplicaSet(replica_set) => {
            if let Some(spec) = replica_set.spec.as_mut() {
                spec.replicas.get_or_insert(1);
                if let Some(template) = spec.template.as_mut() {
                    default_template(template);
                }
            }
        }
        Object::ReplicationController(controller) => {
            // `SetDefaults_ReplicationController`: selector and labels from the template's
            // labels when unset, one replica.
            let spec = controller.spec.get_or_insert_with(Default::default);
            let template_labels = spec
                .template
                .as_ref()
                .and_then(|t| t.metadata.as_ref())
                .and_then(|m| m.labels.clone());
            if let Some(labels) = template_labels {
                if spec.selector.as_ref().is_none_or(BTreeMap::is_empty) {
                    spec.selector = Some(labels.clone());
                }
                if controller
                    .metadata
                    .labels
                    .as_ref()
                    .is_none_or(BTreeMap::is_empty)
                {
                    controller.metadata.labels = Some(labels);
                }
            }
            spec.replicas.get_or_insert(1);
            if let Some(template) = spec.template.as_mut() {
                default_template(template);
            }
        }
        Object::DaemonSet(daemon_set) => {
            if let Some(spec) = daemon_set.spec.as_mut() {
                spec.revision_history_limit.get_or_insert(10);
                let strategy = spec
                    .update_strategy
                    .get_or_insert_with(DaemonSetUpdateStrategy::default);
                let strategy_type = strategy
                    .type_
                    .get_or_insert_with(|| "RollingUpdate".to_string());
                if strategy_type == "RollingUpdate" {
                    let rolling = strategy
                        .rolling_update
                        .get_or_insert_with(RollingUpdateDaemonSet::default);
                    rolling.max_unavailable.get_or_insert(IntOrString::Int(1));
                    rolling.max_surge.get_or_insert(IntOrString::Int(0));
                }
                default_template(&mut spec.template);
            }
        }
        Object::StatefulSet(stateful_set) => {
            if let Some(spec) = stateful_set.spec.as_mut() {
                spec.replicas.get_or_insert(1);
                spec.revision_history_limit.get_or_insert(10);
                spec.pod_management_policy
                    .get_or_insert_with(|| "OrderedReady".into());
                let strategy = spec.update_strategy.get_or_insert_with(Default::default);
                let strategy_type = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
                if strategy_type == "RollingUpdate" {
                    strategy
                        .rolling_update
                        .get_or_insert_with(Default::default)
                        .partition
                        .get_or_insert(0);
                }
                let retention = spec
                    .persistent_volume_claim_retention_policy
                    .get_or_insert_with(Default::default);
                retention
                    .when_deleted
                    .get_or_insert_with(|| "Retain".into());
                retention.when_scaled.get_or_insert_with(|| "Retain".into());
                for claim in spec.volume_claim_templates.iter_mut().flatten() {
                    if let Some(claim_spec) = claim.spec.as_mut() {
                        claim_spec
                            .volume_mode
                            .get_or_insert_with(|| "Filesystem".into());
                    }
                }
                default_template(&mut spec.template);
            }
        }
        Object::Job(job) => {
            if let Some(spec) = job.spec.as_mut() {
                if spec.completions.is_none() && spec.parallelism.is_none() {
                    spec.completions = Some(1);
                }
                spec.parallelism.get_or_insert(1);
                spec.backoff_limit
                    .get_or_insert(if spec.backoff_limit_per_index.is_some() {
                        i32::MAX
                    } else {
                        6
                    });
                spec.completion_mode
                    .get_or_insert_with(|| "NonIndexed".into());
                spec.suspend.get_or_insert(false);
                spec.manual_selector.get_or_insert(false);
                let replacement = if spec.pod_failure_policy.is_some() {
                    "Failed"
                } else {
                    "TerminatingOrFailed"
                };
                spec.pod_replacement_policy
                    .get_or_insert_with(|| replacement.into());
                // A pod condition pattern without a status matches the condition being True.
                for pattern in spec
                    .pod_failure_policy
                    .iter_mut()
                    .flat_map(|policy| policy.rules.iter_mut())
                    .flat_map(|rule| rule.on_pod_conditions.iter_mut().flatten())
                    .filter(|pattern| pattern.status.is_empty())
                {
                    pattern.status = "True".into();
                }
                default_template(&mut spec.template);
            }
        }
        Object::CronJob(cron_job) => {
            if let Some(spec) = cron_job.spec.as_mut() {
                spec.concurrency_policy
                    .get_or_insert_with(|| "Allow".into());
                spec.suspend.get_or_insert(false);
                spec.successful_jobs_history_limit.get_or_insert(3);
                spec.failed_jobs_history_limit.get_or_insert(1);
                if let Some(job_spec) = spec.job_template.spec.as_mut() {
                    default_template(&mut job_spec.template);
                }
            }
        }
        Object::Pod(pod) => {
            if let Some(spec) = pod.spec.as_mut() {
                default_pod_spec(spec);
                spec.enable_service_links.get_or_insert(true);
            }
            // A client's token volume may take admission's exact form only once defaulted.
            pod.canonicalize();
        }
        Object::Namespace(namespace) => {
            let name = namespace.metadata.name.clone().unwrap_or_default();
            namespace
                .metadata
                .labels
                .get_or_insert_with(BTreeMap::new)
                .insert("kubernetes.io/metadata.name".into(), name);
            namespace
                .spec
                .get_or_insert_with(NamespaceSpec::default)
                .finalizers
                .get_or_insert_with(|| vec!["kubernetes".into()]);
            namespace
                .status
                .get_or_insert_with(NamespaceStatus::default)
                .phase
                .get_or_insert_with(|| "Active".into());
        }
        Object::Service(service) => {
            if let Some(spec) = service.spec.as_mut() {
                spec.type_.get_or_insert_with(|| "ClusterIP".into());
                spec.session_affinity.get_or_insert_with(|| "None".into());
                spec.internal_traffic_policy
                    .get_or_insert_with(|| "Cluster".into());
                for port in spec.ports.iter_mut().flatten() {
                    port.protocol.get_or_insert_with(|| "TCP".into());
                    port.target_port.get_or_insert(IntOrString::Int(port.port));
                }
            }
        }
        Object::Secret(secret) => {
            secret.type_.get_or_insert_with(|| "Opaque".into());
        }
        Object::HorizontalPodAutoscaler(hpa) => {
            if let Some(spec) = hpa.spec.as_mut() {
                default_autoscaler(spec);
            }
        }
        Object::NetworkPolicy(policy) => default_network_policy(policy),
        _ => {}
    }
    object
}

/// `SetDefaults_NetworkPolicy` and `SetDefaults_NetworkPolicyPort`: a policy without
/// `policyTypes` is an Ingress policy, and an Egress one too when it has egress rules; a port
/// without a protocol is TCP. The spec and its pod selector are Go values, not pointers, so
/// the server always writes them (`podSelector: {}`).
fn default_network_policy(policy: &mut k8s_openapi::api::networking::v1::NetworkPolicy) {
    let spec = policy.spec.get_or_insert_with(Default::default);
    spec.pod_selector.get_or_insert_with(Default::default);
    if spec.policy_types.as_ref().is_none_or(Vec::is_empty) {
        let mut types = vec!["Ingress".to_string()];
        if spec.egress.as_ref().is_some_and(|rules| !rules.is_empty()) {
            types.push("Egress".into());
        }
        spec.policy_types = Some(types);
    }
    let ingress_ports = spec
        .ingress
        .iter_mut()
        .flatten()
        .flat_map(|r| r.ports.iter_mut().flatten());
    let egress_ports = spec
        .egress
        .iter_mut()
        .flatten()
        .flat_map(|r| r.ports.iter_mut().flatten());
    for port in ingress_ports.chain(egress_ports) {
        port.protocol.get_or_insert_with(|| "TCP".into());
    }
}

/// `autoscaling/v2` defaults: one replica at least, 80% CPU when no metric is given, and
/// the scaling behavior (`SetDefaults_HorizontalPodAutoscalerBehavior`).
fn default_autoscaler(spec: &mut k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerSpec) {
    use k8s_openapi::api::autoscaling::v2::{
        HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscalerBehavior, MetricSpec,
        MetricTarget, ResourceMetricSource,
    };
    spec.min_replicas.get_or_insert(1);
    if spec.metrics.as_ref().is_none_or(Vec::is_empty) {
        spec.metrics = Some(vec![MetricSpec {
            type_: "Resource".into(),
            resource: Some(ResourceMetricSource {
                name: "cpu".into(),
                target: MetricTarget {
                    type_: "Utilization".into(),
                    average_utilization: Some(80),
                    ..MetricTarget::default()
                },
            }),
            ..MetricSpec::default()
        }]);
    }
    let policy = |type_: &str, value: i32| HPAScalingPolicy {
        type_: type_.into(),
        value,
        period_seconds: 15,
    };
    let behavior = spec
        .behavior
        .get_or_insert_with(HorizontalPodAutoscalerBehavior::default);
    let up = behavior
        .scale_up
        .get_or_insert_with(HPAScalingRules::default);
    up.stabilization_window_seconds.get_or_insert(0);
    up.select_policy.get_or_insert_with(|| "Max".into());
    up.policies
        .get_or_insert_with(|| vec![policy("Pods", 4), policy("Percent", 100)]);
    let down = behavior
        .scale_down
        .get_or_insert_with(HPAScalingRules::default);
    down.stabilization_window_seconds.get_or_insert(300);
    down.select_policy.get_or_insert_with(|| "Max".into());
    down.policies
        .get_or_insert_with(|| vec![policy("Percent", 100)]);
}

fn default_template(template: &mut PodTemplateSpec) {
    if let Some(spec) = template.spec.as_mut() {
        default_pod_spec(spec);
    }
}

/// `SetDefaults_PodSpec` plus the container defaults.
pub fn default_pod_spec(spec: &mut PodSpec) {
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".into());
    spec.security_context
        .get_or_insert_with(PodSecurityContext::default);
    spec.termination_grace_period_seconds.get_or_insert(30);
    for container in spec.init_containers.iter_mut().flatten() {
        default_container(container);
    }
    for container in &mut spec.containers {
        default_container(container);
    }
}

fn default_container(container: &mut Container) {
    let image = container.image.clone().unwrap_or_default();
    container
        .image_pull_policy
        .get_or_insert_with(|| default_pull_policy(&image).to_string());
    container
        .termination_message_path
        .get_or_insert_with(|| "/dev/termination-log".into());
    container
        .termination_message_policy
        .get_or_insert_with(|| "File".into());
    container
        .resources
        .get_or_insert_with(ResourceRequirements::default);
    for port in container.ports.iter_mut().flatten() {
        port.protocol.get_or_insert_with(|| "TCP".into());
    }
    for env in container.env.iter_mut().flatten() {
        if let Some(field) = env
            .value_from
            .as_mut()
            .and_then(|from| from.field_ref.as_mut())
        {
            field.api_version.get_or_insert_with(|| "v1".into());
        }
    }
    for probe in [
        container.liveness_probe.as_mut(),
        container.readiness_probe.as_mut(),
        container.startup_probe.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        default_probe(probe);
    }
}

fn default_probe(probe: &mut Probe) {
    probe.timeout_seconds.get_or_insert(1);
    probe.period_seconds.get_or_insert(10);
    probe.success_threshold.get_or_insert(1);
    probe.failure_threshold.get_or_insert(3);
    if let Some(http) = probe.http_get.as_mut() {
        http.scheme.get_or_insert_with(|| "HTTP".into());
        http.path.get_or_insert_with(|| "/".into());
    }
}

/// `Always` for `:latest` or untagged images, else `IfNotPresent`.
pub fn default_pull_policy(image: &str) -> &'static str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last_segment = without_digest.rsplit('/').next().unwrap_or(without_digest);
    match last_segment.split_once(':') {
        Some((_, "latest")) | None if !image.contains('@') => "Always",
        _ => "IfNotPresent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_follows_the_tag() {
        assert_eq!(default_pull_policy("nginx"), "Always");
        assert_eq!(default_pull_policy("nginx:latest"), "Always");
        assert_eq!(default_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(default_pull_policy("localhost:5000/demo"), "Always");
        assert_eq!(
            default_pull_policy("localhost:5000/demo:1.0.0"),
            "IfNotPresent"
        );
    }
}
