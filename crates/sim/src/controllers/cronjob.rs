//! The CronJob controller (`cronjob_controllerv2.go`): tracks its Jobs, trims history, and
//! starts a Job for the most recent missed schedule time, honouring suspend,
//! startingDeadlineSeconds and concurrencyPolicy. Jobs are named `<cronjob>-<minutes since
//! the epoch>`.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, CronJobStatus, Job};
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
    let Some(cron_job) = ctx.store.get_typed::<CronJob>(&key.namespace, &key.name) else {
        return Reconciliation::default();
    };
    let Some(spec) = cron_job.spec.clone() else {
        return Reconciliation::default();
    };
    let mut sync = Sync::new(key, cron_job, spec, ctx);
    sync.track_jobs();
    sync.trim_history();
    let stopped = cron_job.metadata.is_deleting() || sync.spec.suspend.unwrap_or(false);
    if !stopped && let Some(schedule) = sync.schedule() {
        sync.start_due_job(&schedule);
        sync.requeue_at_next(&schedule);
    }
    sync.finish()
}

/// One sync of one CronJob (`syncCronJob`): its Jobs, and the status it is writing.
struct Sync<'a> {
    ctx: &'a Context<'a>,
    key: &'a ObjectKey,
    cron_job: &'a CronJob,
    spec: CronJobSpec,
    jobs: Vec<&'a Job>,
    status: CronJobStatus,
    result: Reconciliation,
}

impl<'a> Sync<'a> {
    fn new(
        key: &'a ObjectKey,
        cron_job: &'a CronJob,
        spec: CronJobSpec,
        ctx: &'a Context<'a>,
    ) -> Sync<'a> {
        let jobs = ctx
            .store
            .dependents_of(cron_job.metadata.uid_str())
            .filter_map(Job::from_object)
            .filter(|job| is_controlled_by(&job.metadata, cron_job.metadata.uid_str()))
            .collect();
        Sync {
            ctx,
            key,
            cron_job,
            spec,
            jobs,
            status: cron_job.status.clone().unwrap_or_default(),
            result: Reconciliation::default(),
        }
    }

    fn record(&mut self, event_type: EventType, reason: &'static str, message: String) {
        (self.result).record(self.key, event_type, reason, message, COMPONENT);
    }

    fn job_named(&self, name: &str) -> Option<&'a Job> {
        self.jobs
            .iter()
            .copied()
            .find(|job| job.metadata.name.as_deref() == Some(name))
    }

    /// The active list follows the Jobs that exist and have not finished; the last success
    /// is remembered.
    fn track_jobs(&mut self) {
        let mut active = Vec::new();
        for reference in self.status.active.clone().iter().flatten() {
            let name = reference.name.clone().unwrap_or_default();
            match self.job_named(&name) {
                Some(job) if finished(job).is_none() => active.push(reference.clone()),
                Some(job) => {
                    let outcome = finished(job).unwrap_or("Complete");
                    let message = format!("Saw completed job: {name}, status: {outcome}");
                    self.record(EventType::Normal, "SawCompletedJob", message);
                }
                None => {
                    let message = format!("Active job went missing: {name}");
                    self.record(EventType::Normal, "MissingJob", message);
                }
            }
        }
        for job in &self.jobs {
            let listed = active.iter().any(|r| r.name == job.metadata.name);
            if finished(job).is_none() && !listed && !job.metadata.is_deleting() {
                active.push(reference(job));
            }
        }
        self.status.active = (!active.is_empty()).then_some(active);
        if let Some(latest) = self
            .jobs
            .iter()
            .filter(|job| finished(job) == Some("Complete"))
            .filter_map(|job| job.status.as_ref()?.completion_time.clone())
            .max()
        {
            self.status.last_successful_time = Some(latest);
        }
    }

    /// Finished Jobs beyond the history limits go, oldest first.
    fn trim_history(&mut self) {
        for (outcome, limit) in [
            (
                "Complete",
                self.spec.successful_jobs_history_limit.unwrap_or(3),
            ),
            ("Failed", self.spec.failed_jobs_history_limit.unwrap_or(1)),
        ] {
            let mut done: Vec<&Job> = self
                .jobs
                .iter()
                .copied()
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
                self.result.actions.push(delete_job(self.key, job));
            }
        }
    }

    /// The schedule in the CronJob's time zone, or a warning why there is none.
    fn schedule(&mut self) -> Option<Schedule> {
        if let Some(Err(error)) = self.spec.time_zone.as_deref().map(load_location) {
            let zone = self.spec.time_zone.clone().unwrap_or_default();
            let message = format!("invalid timeZone: {zone:?}: {error}");
            self.record(EventType::Warning, "UnknownTimeZone", message);
            return None;
        }
        // `formatSchedule`: the controller applies spec.timeZone as robfig's `TZ=` prefix.
        let text = match self.spec.time_zone.as_deref() {
            Some(zone) => format!("TZ={zone} {}", self.spec.schedule),
            None => self.spec.schedule.clone(),
        };
        let schedule = Schedule::parse(&text).ok();
        if schedule.is_none() {
            let message = format!("unparseable schedule: {:?}", self.spec.schedule);
            self.record(EventType::Warning, "UnparseableSchedule", message);
        }
        schedule
    }

    /// The most recent schedule time that is due, and how many were missed up to it.
    fn most_recent_due(&self, schedule: &Schedule) -> (Option<jiff::Timestamp>, usize) {
        let now = self.ctx.clock.now();
        let mut earliest = self
            .status
            .last_schedule_time
            .clone()
            .or(self.cron_job.metadata.creation_timestamp.clone())
            .map_or(now, |t| t.0);
        if let Some(deadline) = self.spec.starting_deadline_seconds {
            let floor = jiff::Timestamp::from_second(now.as_second() - deadline).unwrap_or(now);
            earliest = earliest.max(floor);
        }
        let mut scheduled = None;
        let mut missed = 0usize;
        let mut cursor = earliest;
        while let Some(next) = schedule.next_after(cursor) {
            if next > now {
                break;
            }
            scheduled = Some(next);
            missed += 1;
            cursor = next;
            if missed > 10 * TOO_MANY_MISSED {
                // Far behind: jump to the last time before now directly.
                cursor = jiff::Timestamp::from_second(now.as_second() - 60 * 60 * 24 * 366)
                    .unwrap_or(cursor)
                    .max(cursor);
            }
        }
        (scheduled, missed)
    }

    /// Starts the Job of the most recent due time, unless it ran already, its starting
    /// deadline passed, or the concurrency policy forbids it.
    fn start_due_job(&mut self, schedule: &Schedule) {
        let (Some(scheduled), missed) = self.most_recent_due(schedule) else {
            return;
        };
        if missed > TOO_MANY_MISSED {
            let message = "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew";
            self.record(EventType::Warning, "TooManyMissedTimes", message.into());
        }
        let job_name = format!("{}-{}", self.key.name, scheduled.as_second().div_euclid(60));
        let already = self
            .status
            .last_schedule_time
            .as_ref()
            .is_some_and(|t| t.0 == scheduled)
            || self.job_named(&job_name).is_some();
        if already {
            return;
        }
        if let Some(deadline) = self.spec.starting_deadline_seconds
            && scheduled.as_second() + deadline < self.ctx.clock.now().as_second()
        {
            // RFC1123Z of the scheduled time in UTC, whatever the CronJob's zone.
            let when = jiff::fmt::strtime::format(
                "%a, %d %b %Y %H:%M:%S %z",
                &scheduled.to_zoned(jiff::tz::TimeZone::UTC),
            )
            .unwrap_or_default();
            let message = format!("Missed scheduled time to start a job: {when}");
            self.record(EventType::Warning, "MissSchedule", message);
            return;
        }
        if !self.make_room() {
            return;
        }
        let job = job_from_template(self.cron_job, &job_name, scheduled, schedule.zone());
        self.result.actions.push(Action::Create {
            object: job.into_object(),
            event: None,
        });
        let message = format!("Created job {job_name}");
        self.record(EventType::Normal, "SuccessfulCreate", message);
        self.status
            .active
            .get_or_insert_with(Vec::new)
            .push(ObjectReference {
                api_version: Some("batch/v1".into()),
                kind: Some("Job".into()),
                name: Some(job_name),
                namespace: Some(self.key.namespace.clone()),
                ..ObjectReference::default()
            });
        self.status.last_schedule_time = Some(Time(scheduled));
    }

    /// `concurrencyPolicy`: Forbid waits for the running Job, Replace deletes it.
    fn make_room(&mut self) -> bool {
        let active = self.status.active.clone().unwrap_or_default();
        match self.spec.concurrency_policy.as_deref() {
            Some("Forbid") if !active.is_empty() => {
                let message = "Not starting job because prior execution is running and concurrency policy is Forbid";
                self.record(EventType::Normal, "JobAlreadyActive", message.into());
                false
            }
            Some("Replace") => {
                for reference in &active {
                    if let Some(job) = self
                        .jobs
                        .iter()
                        .find(|job| job.metadata.uid == reference.uid)
                    {
                        self.result.actions.push(delete_job(self.key, job));
                    }
                }
                self.status.active = None;
                true
            }
            _ => true,
        }
    }

    /// Look again just after the next schedule time.
    fn requeue_at_next(&mut self, schedule: &Schedule) {
        let now = self.ctx.clock.now();
        if let Some(next) = schedule.next_after(now) {
            let delay = next.as_millisecond() - now.as_millisecond() + 100;
            self.result
                .requeue_within(u64::try_from(delay.max(1)).unwrap_or(1));
        }
    }

    fn finish(mut self) -> Reconciliation {
        self.result.update_status(self.cron_job, self.status);
        self.result
    }
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
