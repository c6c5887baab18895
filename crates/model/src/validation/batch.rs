//! The batch group (`pkg/apis/batch/validation`): Jobs and CronJobs, their schedules and time
//! zones (the pod failure and success policies are in `job_policies.rs`).

use super::core::{validate_pod_spec, validate_template};
use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::meta::{NameRule, is_unset, validate_meta, validate_non_negative};
use crate::errors::FieldError;

pub(super) fn validate_job(job: &k8s_openapi::api::batch::v1::Job, errors: &mut Vec<FieldError>) {
    validate_meta(&job.metadata, NameRule::Subdomain, true, errors);
    let Some(spec) = &job.spec else {
        errors.push(FieldError::required("spec.template"));
        return;
    };
    validate_non_negative(spec.parallelism, "spec.parallelism", errors);
    validate_non_negative(spec.completions, "spec.completions", errors);
    validate_non_negative(spec.backoff_limit, "spec.backoffLimit", errors);
    super::job_policies::validate_index_limits(spec, errors);
    if let Some(deadline) = spec.active_deadline_seconds.filter(|d| *d <= 0) {
        errors.push(FieldError::invalid(
            "spec.activeDeadlineSeconds",
            deadline.to_string(),
            "must be greater than 0",
        ));
    }
    if spec.completion_mode.as_deref() == Some("Indexed") && spec.completions.is_none() {
        errors.push(
            FieldError::required("spec.completions").with_detail("when completion mode is Indexed"),
        );
    }
    if let Some(mode) = spec.completion_mode.as_deref()
        && !["NonIndexed", "Indexed"].contains(&mode)
    {
        errors.push(FieldError::unsupported(
            "spec.completionMode",
            mode,
            &["NonIndexed", "Indexed"],
        ));
    }
    super::job_policies::validate_index_limits_for_mode(spec, errors);
    super::job_policies::validate_failure_policies(spec, errors);
    // A Job's selector is optional in the typed API: a written empty one (allowed with
    // `manualSelector: true`) selects everything, so it matches any template.
    let selector = match &spec.selector {
        Some(selector) if is_unset(selector) => LabelSelector {
            match_labels: Some(BTreeMap::new()),
            ..LabelSelector::default()
        },
        selector => selector.clone().unwrap_or_default(),
    };
    validate_template(&spec.template, &selector, &["OnFailure", "Never"], errors);
    super::job_policies::validate_restart_policy_for_failure_policy(spec, errors);
}

pub(super) fn validate_cron_job(
    cron_job: &k8s_openapi::api::batch::v1::CronJob,
    errors: &mut Vec<FieldError>,
) {
    validate_meta(&cron_job.metadata, NameRule::Subdomain, true, errors);
    // Job names append 11 characters (`-` and the scheduled minute) to the CronJob's name.
    if let Some(name) = cron_job.metadata.name.as_deref().filter(|n| n.len() > 52) {
        errors.push(FieldError::invalid(
            "metadata.name",
            format!("{name:?}"),
            "must be no more than 52 characters",
        ));
    }
    let Some(spec) = &cron_job.spec else {
        errors.push(FieldError::required("spec.schedule"));
        return;
    };
    if spec.schedule.is_empty() {
        errors.push(FieldError::required("spec.schedule"));
    } else {
        if let Err(problem) = crate::schedule::Schedule::parse(&spec.schedule) {
            errors.push(FieldError::invalid(
                "spec.schedule",
                format!("{:?}", spec.schedule),
                problem,
            ));
        }
        // A zone belongs in spec.timeZone (`validateScheduleFormat`; only CronJobs that
        // already had one in their schedule may keep it, and kubeplay has none such).
        if spec.schedule.contains("TZ") {
            errors.push(FieldError::invalid(
                "spec.schedule",
                format!("{:?}", spec.schedule),
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        }
    }
    if let Some(zone) = spec.time_zone.as_deref() {
        validate_time_zone(zone, errors);
    }
    if let Some(policy) = spec.concurrency_policy.as_deref()
        && !["Allow", "Forbid", "Replace"].contains(&policy)
    {
        errors.push(FieldError::unsupported(
            "spec.concurrencyPolicy",
            policy,
            &["Allow", "Forbid", "Replace"],
        ));
    }
    validate_non_negative(
        spec.successful_jobs_history_limit,
        "spec.successfulJobsHistoryLimit",
        errors,
    );
    validate_non_negative(
        spec.failed_jobs_history_limit,
        "spec.failedJobsHistoryLimit",
        errors,
    );
    if let Some(job_spec) = &spec.job_template.spec
        && let Some(template_spec) = &job_spec.template.spec
    {
        let mut template_errors = Vec::new();
        validate_pod_spec(
            template_spec,
            "spec.jobTemplate.spec.template.spec",
            &mut template_errors,
        );
        errors.extend(template_errors);
        if let Some(policy) = template_spec
            .restart_policy
            .as_deref()
            .filter(|p| !["OnFailure", "Never"].contains(p))
        {
            errors.push(FieldError::unsupported(
                "spec.jobTemplate.spec.template.spec.restartPolicy",
                policy,
                &["OnFailure", "Never"],
            ));
        }
    }
}

/// `validateTimeZone` (`pkg/apis/batch/validation/validation.go`): IANA name syntax first,
/// then `time.LoadLocation`.
pub(super) fn validate_time_zone(zone: &str, errors: &mut Vec<FieldError>) {
    let invalid =
        |detail: String| FieldError::invalid("spec.timeZone", format!("{zone:?}"), detail);
    if zone.is_empty() {
        errors.push(invalid("timeZone must be nil or non-empty string".into()));
        return;
    }
    // Each `/`-separated part: 1-14 of `[A-Za-z.\-_0-9+]`, not `.`, `..`, nor starting with `-`.
    let bad_part = |part: &str| {
        matches!(part, "." | "..")
            || part.starts_with('-')
            || part.is_empty()
            || part.len() > 14
            || !part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_+".contains(c))
    };
    if zone.split('/').any(bad_part) {
        errors.push(invalid(format!("unknown time zone {zone}")));
        return;
    }
    if zone.eq_ignore_ascii_case("Local") {
        errors.push(invalid(
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
                .into(),
        ));
    }
    if let Err(error) = crate::schedule::load_location(zone) {
        errors.push(invalid(error.to_string()));
    }
}
