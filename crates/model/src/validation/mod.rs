//! Validation as the API server does it, with its field paths and messages, one file per API
//! group as upstream keeps it (`k8s.io/apimachinery/pkg/util/validation` → `names.rs` and
//! `meta.rs`; `pkg/apis/{core,apps,batch,networking,policy}/validation` → `core.rs`,
//! `apps.rs`, `batch.rs` and `job_policies.rs`, `networking.rs`, `policy.rs`). This file dispatches by kind.

use crate::errors::{ApiError, FieldError};
use crate::object::Object;

mod apps;
mod batch;
mod core;
mod job_policies;
mod meta;
pub(crate) mod names;
mod networking;
mod policy;

use apps::{
    validate_daemon_set, validate_deployment, validate_replica_set,
    validate_stateful_set_update_strategy,
};
use batch::{validate_cron_job, validate_job};
pub use core::{MAX_CONFIG_MAP_BYTES, validate_pod_spec};
use core::{
    validate_claim_storage, validate_config_map, validate_namespace, validate_pod,
    validate_replication_controller, validate_service, validate_template,
};
use meta::{NameRule, validate_meta, validate_non_negative, validate_selector};
pub use meta::{TOTAL_ANNOTATION_SIZE_LIMIT, go_label_selector, go_map};
pub use names::{
    dns1035_label_errors, dns1123_label_errors, dns1123_subdomain_errors, label_value_errors,
    qualified_name_errors,
};

/// Validates an object about to be created (or the new version of an updated one).
pub fn validate(object: &Object) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    match object {
        Object::Deployment(o) => validate_deployment(o, &mut errors),
        Object::ReplicaSet(o) => validate_replica_set(o, &mut errors),
        Object::DaemonSet(o) => validate_daemon_set(o, &mut errors),
        Object::Pod(o) => validate_pod(o, &mut errors),
        Object::ReplicationController(o) => validate_replication_controller(o, &mut errors),
        Object::Service(o) => validate_service(o, &mut errors),
        Object::Job(o) => validate_job(o, &mut errors),
        Object::CronJob(o) => validate_cron_job(o, &mut errors),
        Object::Namespace(o) => validate_namespace(o, &mut errors),
        Object::ConfigMap(o) => validate_config_map(o, &mut errors),
        Object::PodDisruptionBudget(o) => policy::validate_pod_disruption_budget(o, &mut errors),
        Object::NetworkPolicy(o) => networking::validate_network_policy(o, &mut errors),
        Object::PersistentVolumeClaim(o) => {
            validate_meta(&o.metadata, NameRule::Subdomain, true, &mut errors);
            validate_claim_storage(o.spec.as_ref(), &mut errors);
        }
        Object::StatefulSet(o) => {
            validate_meta(&o.metadata, NameRule::Label, true, &mut errors);
            if let Some(spec) = &o.spec {
                // `ValidateStatefulSetSpec` checks the policy first, and words it itself.
                if let Some(policy) = spec
                    .pod_management_policy
                    .as_deref()
                    .filter(|p| !["OrderedReady", "Parallel"].contains(p))
                {
                    errors.push(FieldError::invalid(
                        "spec.podManagementPolicy",
                        format!("{policy:?}"),
                        "must be 'OrderedReady' or 'Parallel'",
                    ));
                }
                validate_non_negative(spec.replicas, "spec.replicas", &mut errors);
                validate_selector(&spec.selector, "statefulset", &mut errors);
                validate_template(&spec.template, &spec.selector, &["Always"], &mut errors);
                validate_non_negative(
                    spec.revision_history_limit,
                    "spec.revisionHistoryLimit",
                    &mut errors,
                );
                validate_non_negative(spec.min_ready_seconds, "spec.minReadySeconds", &mut errors);
                if let Some(strategy) = &spec.update_strategy {
                    validate_stateful_set_update_strategy(strategy, &mut errors);
                }
            }
        }
        other => validate_meta(
            other.meta(),
            NameRule::Subdomain,
            other.kind().namespaced(),
            &mut errors,
        ),
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(object.kind(), object.name(), errors))
    }
}

/// Checks what may not change on update (`ValidateDeploymentUpdate` and friends).
pub fn validate_update(old: &Object, new: &Object) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let selector_pair = match (old, new) {
        (Object::Deployment(a), Object::Deployment(b)) => Some((
            a.spec.as_ref().map(|s| &s.selector),
            b.spec.as_ref().map(|s| &s.selector),
        )),
        (Object::ReplicaSet(a), Object::ReplicaSet(b)) => Some((
            a.spec.as_ref().map(|s| &s.selector),
            b.spec.as_ref().map(|s| &s.selector),
        )),
        (Object::DaemonSet(a), Object::DaemonSet(b)) => Some((
            a.spec.as_ref().map(|s| &s.selector),
            b.spec.as_ref().map(|s| &s.selector),
        )),
        _ => None,
    };
    if let Some((Some(old_selector), Some(new_selector))) = selector_pair
        && old_selector != new_selector
    {
        errors.push(FieldError::invalid(
            "spec.selector",
            go_label_selector(new_selector),
            "field is immutable",
        ));
    }
    if let (Object::Pod(a), Object::Pod(b)) = (old, new) {
        let mut old_spec = a.spec.clone().unwrap_or_default();
        let new_spec = b.spec.clone().unwrap_or_default();
        // Only images, activeDeadlineSeconds and added tolerations may change on a pod.
        for (old_container, new_container) in
            old_spec.containers.iter_mut().zip(&new_spec.containers)
        {
            old_container.image = new_container.image.clone();
        }
        old_spec.active_deadline_seconds = new_spec.active_deadline_seconds;
        old_spec.tolerations = new_spec.tolerations.clone();
        if old_spec != new_spec || a.token() != b.token() {
            errors.push(FieldError::forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(new.kind(), new.name(), errors));
    }
    match (new, validate(new)) {
        // The NetworkPolicy strategy's ValidateUpdate runs ValidateNetworkPolicy and then
        // ValidateNetworkPolicyUpdate, which checks the labels, annotations and spec again:
        // the Status lists each cause twice (its message and kubectl show it once).
        (Object::NetworkPolicy(_), Err(ApiError::Invalid { kind, name, causes })) => {
            let twice = causes.iter().chain(&causes).cloned().collect();
            Err(ApiError::invalid(kind, &name, twice))
        }
        (_, result) => result,
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    use super::apps::validate_stateful_set_max_unavailable;
    use super::*;
    use crate::manifest::decode_documents;

    fn invalid_message(yaml: &str) -> String {
        let decoded = decode_documents(yaml, "test.yaml");
        let object = match decoded.into_iter().next() {
            Some(Ok(document)) => document.object,
            other => panic!("not decoded: {other:?}"),
        };
        match validate(&crate::defaults::defaulted(object)) {
            Err(error) => error.to_string(),
            Ok(()) => String::new(),
        }
    }

    #[test]
    fn a_claim_must_request_storage() {
        let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: www-web-0\nspec:\n  accessModes: [ReadWriteOnce]\n";
        assert_eq!(
            invalid_message(claim),
            r#"PersistentVolumeClaim "www-web-0" is invalid: spec.resources[storage]: Required value"#
        );
    }

    #[test]
    fn reports_selector_mismatch_like_the_api_server() {
        let message = invalid_message(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: web\n        image: nginx\n",
        );
        assert_eq!(
            message,
            "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`"
        );
    }

    #[test]
    fn reports_bad_names_and_missing_images() {
        let message = invalid_message(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: My_App\nspec:\n  containers:\n  - name: app\n",
        );
        assert!(message.starts_with("Pod \"My_App\" is invalid: [metadata.name: Invalid value: \"My_App\": a lowercase RFC 1123 subdomain"));
        assert!(message.ends_with("spec.containers[0].image: Required value]"));
    }

    #[test]
    fn rejects_zero_surge_and_unavailable() {
        let message = invalid_message(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n",
        );
        assert_eq!(
            message,
            "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"
        );
    }

    const SURGE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  strategy:\n    rollingUpdate:\n      maxSurge: SURGE\n      maxUnavailable: UNAVAILABLE\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";

    fn deployment_errors(surge: &str, unavailable: &str) -> String {
        let yaml = SURGE
            .replace("SURGE", surge)
            .replace("UNAVAILABLE", unavailable);
        let decoded = decode_documents(&yaml, "test.yaml");
        match decoded.into_iter().next() {
            Some(Ok(document)) => validate(&crate::defaults::defaulted(document.object))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_max_unavailable_of_a_deployment_is_capped_at_100_percent() {
        assert_eq!(deployment_errors("200%", "0"), "");
        assert_eq!(
            deployment_errors("1", "101%"),
            "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"101%\"}: must not be greater than 100%"
        );
        assert_eq!(
            deployment_errors("x%", "1"),
            "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x%\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
        );
    }

    #[test]
    fn annotations_may_not_exceed_256_kib_together() {
        let at_limit = "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT - 4);
        let yaml = |value: &str| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  annotations:\n    note: {value}\n"
            )
        };
        assert_eq!(invalid_message(&yaml(&at_limit)), "");
        assert_eq!(
            invalid_message(&yaml(&format!("{at_limit}y"))),
            "ConfigMap \"big\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes"
        );
    }

    #[test]
    fn stateful_set_partition_may_not_be_negative() {
        let message = invalid_message(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: -1\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: nginx\n",
        );
        assert_eq!(
            message,
            "StatefulSet.apps \"db\" is invalid: spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"
        );
    }

    fn cron_job_errors(schedule: &str, time_zone: Option<&str>) -> Vec<String> {
        let zone = time_zone.map_or(String::new(), |z| format!("  timeZone: {z:?}\n"));
        let yaml = format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: {schedule:?}\n{zone}  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            image: busybox\n          restartPolicy: Never\n"
        );
        let decoded = decode_documents(&yaml, "test.yaml");
        let Some(Ok(document)) = decoded.into_iter().next() else {
            panic!("not decoded: {yaml}");
        };
        let mut errors = Vec::new();
        if let Object::CronJob(cron_job) = crate::defaults::defaulted(document.object) {
            validate_cron_job(&cron_job, &mut errors);
        }
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn validates_time_zones_like_the_api_server() {
        assert!(cron_job_errors("0 9 * * *", Some("Europe/Berlin")).is_empty());
        assert_eq!(
            cron_job_errors("0 9 * * *", Some("Europe/Nowhere")),
            ["spec.timeZone: Invalid value: \"Europe/Nowhere\": unknown time zone Europe/Nowhere"]
        );
        assert_eq!(
            cron_job_errors("0 9 * * *", Some("Europe/Berlin Mitte")),
            [
                "spec.timeZone: Invalid value: \"Europe/Berlin Mitte\": unknown time zone Europe/Berlin Mitte"
            ]
        );
        assert_eq!(
            cron_job_errors("0 9 * * *", Some("")),
            ["spec.timeZone: Invalid value: \"\": timeZone must be nil or non-empty string"]
        );
        assert_eq!(
            cron_job_errors("0 9 * * *", Some("local")),
            [
                "spec.timeZone: Invalid value: \"local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
                "spec.timeZone: Invalid value: \"local\": unknown time zone local",
            ]
        );
        assert_eq!(
            cron_job_errors("TZ=Europe/Berlin 0 9 * * *", None),
            [
                "spec.schedule: Invalid value: \"TZ=Europe/Berlin 0 9 * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
            ]
        );
    }

    #[test]
    fn validates_stateful_set_max_unavailable_like_the_api_server() {
        let errors = |value: IntOrString| {
            let mut errors = Vec::new();
            validate_stateful_set_max_unavailable(&value, &mut errors);
            errors.iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        assert!(errors(IntOrString::Int(2)).is_empty());
        assert!(errors(IntOrString::String("50%".into())).is_empty());
        assert_eq!(
            errors(IntOrString::Int(0)),
            [
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: cannot be 0"
            ]
        );
        assert_eq!(
            errors(IntOrString::String("half".into())).len(),
            2,
            "a malformed percent is also zero to getIntOrPercentValue"
        );
        assert_eq!(
            errors(IntOrString::String("120%".into())),
            [
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"120%\"}: must not be greater than 100%"
            ]
        );
    }
}
