//! The CronJob controller (`cronjob_controllerv2.go`): tracks its Jobs, trims history, and
//! starts a Job for the most recent missed schedule time, honouring suspend,
//! startingDeadlineSeconds and concurrencyPolicy. Jobs are named `<cronjob>-<minutes since
//! the epoch>`.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{CronJob, CronJobStatus, Job};
use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kubeplay_model::keys::CRONJOB_SCHEDULED_TIMESTAMP;
use kubeplay_model::object::MetaExt;
use kubeplay_model::schedule::{Schedule, load_location};
use kubeplay_model::{Kind, ObjectKey, Typed};

use super::{Action, Context, Reconciliation, controller_ref, event, is_controlled_by};
use super::{Controller, Reconcile};
use crate::api::{DeleteOptions, EventType, Propagation};

const COMPONENT: &str = "cronjob-controller";
/// Missed start times beyond this many are reported (the Job still starts).
const TOO_MANY_MISSED: usize = 100;

fn finished(job: &Job) -> Option<&'static str> {
    let conditions = job.status.as_ref()?.conditions.as_ref()?;
    if conditions
        .iter()
        .any(|c| c.type_ == "Complete" && c.status == "True")
    {
        Some("Complete")
    } else if conditions
        .iter()
        .any(|c| c.type_ == "Failed" && c.status == "True")
    {
        Some("Failed")
    } else {
        None
    }
}

fn reference(job: &Job) -> ObjectReference {
    ObjectReference {
        api_version: Some("batch/v1".into()),
        kind: Some("Job".into()),
        name: job.metadata.name.clone(),
        namespace: job.metadata.namespace.clone(),
        uid: job.metadata.uid.clone(),
        resource_version: job.metadata.resource_version.clone(),
        field_path: None,
    }
}

/// CronJobs, through the Jobs they own.
pub static CONTROLLER: Controller = Controller {
    name: "cronjob",
    reconciles: Some(Kind::CronJob),
    owns: &[Kind::Job],
    watches: super::declaration::nothing_else,
    reconcile: Reconcile::Stateless(reconcile),
};

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let Some(cron_job) = ctx.store.get_typed::<CronJob>(&key.namespace, &key.name) else {
        return result;
    };
    let Some(spec) = cron_job.spec.clone() else {
        return result;
    };
    let mut status = cron_job.status.clone().unwrap_or_default();
    let jobs: Vec<&Job> = ctx
        .store
        .dependents_of(cron_job.metadata.uid_str())
        .filter_map(Job::from_object)
        .filter(|job| is_controlled_by(&job.metadata, cron_job.metadata.uid_str()))
        .collect();

    // 1. Reconcile the active list with the Jobs that exist and have not finished.
    let mut active = Vec::new();
    for reference in status.active.iter().flatten() {
        let name = reference.name.clone().unwrap_or_default();
        match jobs
            .iter()
            .find(|job| job.metadata.name.as_deref() == Some(name.as_str()))
        {
            Some(job) if finished(job).is_none() => active.push(reference.clone()),
            Some(job) => {
                let outcome = finished(job).unwrap_or("Complete");
                result.actions.push(Action::Event(event(
                    key.clone(),
                    EventType::Normal,
                    "SawCompletedJob",
                    format!("Saw completed job: {name}, status: {outcome}"),
                    COMPONENT,
                )));
            }
            None => result.actions.push(Action::Event(event(
                key.clone(),
                EventType::Normal,
                "MissingJob",
                format!("Active job went missing: {name}"),
                COMPONENT,
            ))),
        }
    }
    for job in &jobs {
        let listed = active.iter().any(|r| r.name == job.metadata.name);
        if finished(job).is_none() && !listed && !job.metadata.is_deleting() {
            active.push(reference(job));
        }
    }
    status.active = (!active.is_empty()).then_some(active.clone());
    if let Some(latest) = jobs
        .iter()
        .filter(|job| finished(job) == Some("Complete"))
        .filter_map(|job| job.status.as_ref()?.completion_time.clone())
        .max()
    {
        status.last_successful_time = Some(latest);
    }

    // 2. Trim finished Jobs to the history limits, oldest first.
    for (outcome, limit) in [
        ("Complete", spec.successful_jobs_history_limit.unwrap_or(3)),
        ("Failed", spec.failed_jobs_history_limit.unwrap_or(1)),
    ] {
        let mut done: Vec<&&Job> = jobs
            .iter()
            .filter(|job| finished(job) == Some(outcome) && !job.metadata.is_deleting())
            .collect();
        done.sort_by(|a, b| {
            let start = |job: &Job| job.status.as_ref().and_then(|s| s.start_time.clone());
            start(a)
                .cmp(&start(b))
                .then_with(|| a.metadata.name.cmp(&b.metadata.name))
        });
        let excess = done
            .len()
            .saturating_sub(usize::try_from(limit.max(0)).unwrap_or(0));
        for job in done.into_iter().take(excess) {
            result.actions.push(delete_job(key, job));
        }
    }

    let write_status = |result: &mut Reconciliation, status: CronJobStatus| {
        if cron_job.status.as_ref() != Some(&status) {
            let mut updated = cron_job.clone();
            updated.status = Some(status);
            result
                .actions
                .push(Action::UpdateStatus(updated.into_object()));
        }
    };
    if cron_job.metadata.is_deleting() || spec.suspend.unwrap_or(false) {
        write_status(&mut result, status);
        return result;
    }
    if let Some(Err(error)) = spec.time_zone.as_deref().map(load_location) {
        let zone = spec.time_zone.clone().unwrap_or_default();
        result.actions.push(Action::Event(event(
            key.clone(),
            EventType::Warning,
            "UnknownTimeZone",
            format!("invalid timeZone: {zone:?}: {error}"),
            COMPONENT,
        )));
        write_status(&mut result, status);
        return result;
    }
    // `formatSchedule`: the controller applies spec.timeZone as robfig's `TZ=` prefix.
    let text = match spec.time_zone.as_deref() {
        Some(zone) => format!("TZ={zone} {}", spec.schedule),
        None => spec.schedule.clone(),
    };
    let Ok(schedule) = Schedule::parse(&text) else {
        result.actions.push(Action::Event(event(
            key.clone(),
            EventType::Warning,
            "UnparseableSchedule",
            format!("unparseable schedule: {:?}", spec.schedule),
            COMPONENT,
        )));
        write_status(&mut result, status);
        return result;
    };

    // 3. The most recent schedule time that is due.
    let mut earliest = status
        .last_schedule_time
        .clone()
        .or(cron_job.metadata.creation_timestamp.clone())
        .map_or(ctx.clock.now(), |t| t.0);
    if let Some(deadline) = spec.starting_deadline_seconds {
        let floor = jiff::Timestamp::from_second(ctx.clock.now().as_second() - deadline)
            .unwrap_or(ctx.clock.now());
        earliest = earliest.max(floor);
    }
    let mut scheduled = None;
    let mut missed = 0usize;
    let mut cursor = earliest;
    while let Some(next) = schedule.next_after(cursor) {
        if next > ctx.clock.now() {
            break;
        }
        scheduled = Some(next);
        missed += 1;
        cursor = next;
        if missed > 10 * TOO_MANY_MISSED {
            // Far behind: jump to the last time before now directly.
            cursor = jiff::Timestamp::from_second(ctx.clock.now().as_second() - 60 * 60 * 24 * 366)
                .unwrap_or(cursor)
                .max(cursor);
        }
    }
    let requeue_next = |result: &mut Reconciliation| {
        if let Some(next) = schedule.next_after(ctx.clock.now()) {
            let delay = next.as_millisecond() - ctx.clock.now().as_millisecond() + 100;
            result.requeue_within(u64::try_from(delay.max(1)).unwrap_or(1));
        }
    };
    let Some(scheduled) = scheduled else {
        requeue_next(&mut result);
        write_status(&mut result, status);
        return result;
    };
    if missed > TOO_MANY_MISSED {
        result.actions.push(Action::Event(event(
            key.clone(),
            EventType::Warning,
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into(),
            COMPONENT,
        )));
    }
    let job_name = format!("{}-{}", key.name, scheduled.as_second().div_euclid(60));
    let already = status
        .last_schedule_time
        .as_ref()
        .is_some_and(|t| t.0 == scheduled)
        || jobs
            .iter()
            .any(|job| job.metadata.name.as_deref() == Some(job_name.as_str()));
    if already {
        requeue_next(&mut result);
        write_status(&mut result, status);
        return result;
    }
    if let Some(deadline) = spec.starting_deadline_seconds
        && scheduled.as_second() + deadline < ctx.clock.now().as_second()
    {
        // RFC1123Z of the scheduled time in UTC, whatever the CronJob's zone.
        let when = jiff::fmt::strtime::format(
            "%a, %d %b %Y %H:%M:%S %z",
            &scheduled.to_zoned(jiff::tz::TimeZone::UTC),
        )
        .unwrap_or_default();
        result.actions.push(Action::Event(event(
            key.clone(),
            EventType::Warning,
            "MissSchedule",
            format!("Missed scheduled time to start a job: {when}"),
            COMPONENT,
        )));
        requeue_next(&mut result);
        write_status(&mut result, status);
        return result;
    }
    match spec.concurrency_policy.as_deref() {
        Some("Forbid") if !active.is_empty() => {
            result.actions.push(Action::Event(event(
                key.clone(),
                EventType::Normal,
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid".into(),
                COMPONENT,
            )));
            requeue_next(&mut result);
            write_status(&mut result, status);
            return result;
        }
        Some("Replace") => {
            for reference in &active {
                if let Some(job) = jobs.iter().find(|job| job.metadata.uid == reference.uid) {
                    result.actions.push(delete_job(key, job));
                }
            }
            status.active = None;
        }
        _ => {}
    }

    // 4. Start the Job.
    let job = job_from_template(cron_job, &job_name, scheduled, schedule.zone());
    result.actions.push(Action::Create {
        object: job.clone().into_object(),
        event: None,
    });
    result.actions.push(Action::Event(event(
        key.clone(),
        EventType::Normal,
        "SuccessfulCreate",
        format!("Created job {job_name}"),
        COMPONENT,
    )));
    status
        .active
        .get_or_insert_with(Vec::new)
        .push(ObjectReference {
            api_version: Some("batch/v1".into()),
            kind: Some("Job".into()),
            name: Some(job_name),
            namespace: Some(key.namespace.clone()),
            ..ObjectReference::default()
        });
    status.last_schedule_time = Some(Time(scheduled));
    requeue_next(&mut result);
    write_status(&mut result, status);
    result
}

/// `getJobFromTemplate2`: the job template plus the scheduled-time annotation and owner.
pub fn job_from_template(
    cron_job: &CronJob,
    name: &str,
    scheduled: jiff::Timestamp,
    zone: &jiff::tz::TimeZone,
) -> Job {
    let template = cron_job
        .spec
        .as_ref()
        .map(|s| s.job_template.clone())
        .unwrap_or_default();
    let template_meta = template.metadata.clone().unwrap_or_default();
    let mut annotations = template_meta.annotations.unwrap_or_default();
    let stamp =
        jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%S%:z", &scheduled.to_zoned(zone.clone()))
            .unwrap_or_default()
            .replace("+00:00", "Z");
    annotations.insert(CRONJOB_SCHEDULED_TIMESTAMP.into(), stamp);
    Job {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: cron_job.metadata.namespace.clone(),
            labels: template_meta.labels,
            annotations: Some(annotations),
            owner_references: Some(vec![controller_ref(&cron_job.clone().into_object())]),
            ..ObjectMeta::default()
        },
        spec: template.spec,
        status: None,
    }
}

fn delete_job(cron_job: &ObjectKey, job: &Job) -> Action {
    Action::Delete {
        key: ObjectKey::new(
            Kind::Job,
            job.metadata.namespace_str(),
            job.metadata.name_str(),
        ),
        options: DeleteOptions {
            propagation: Some(Propagation::Background),
            grace_period_seconds: None,
        },
        event: Some(event(
            cron_job.clone(),
            EventType::Normal,
            "SuccessfulDelete",
            format!("Deleted job {}", job.metadata.name_str()),
            COMPONENT,
        )),
    }
}

/// The annotation `kubectl create job --from=cronjob/NAME` adds to the Job it creates.
pub fn manual_annotations() -> BTreeMap<String, String> {
    [(
        "cronjob.kubernetes.io/instantiate".to_string(),
        "manual".to_string(),
    )]
    .into()
}
