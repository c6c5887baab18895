//! `kubectl describe cronjob` (`describeCronJob`, `describeJobTemplate`).

use k8s_openapi::api::batch::v1::CronJob;

use super::DescribeContext;
use super::common::{rfc, s, write_labels_and_annotations};
use super::events::describe_events;
use super::pod_template::describe_pod_template;
use super::writer::{LEVEL_0, PrefixWriter};
use crate::text::labels::selector_string;

/// Active jobs are read from `status.active`, as kubectl does.
pub fn describe_cron_job(cj: &CronJob, ctx: &DescribeContext<'_>) -> String {
    let mut w = PrefixWriter::new();
    let meta = &cj.metadata;
    let default_spec = Default::default();
    let spec = cj.spec.as_ref().unwrap_or(&default_spec);
    let status = cj.status.as_ref();
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    write_labels_and_annotations(&mut w, meta);
    w.write(LEVEL_0, format!("Schedule:\t{}\n", spec.schedule));
    w.write(
        LEVEL_0,
        format!("Concurrency Policy:\t{}\n", s(&spec.concurrency_policy)),
    );
    let suspend = match spec.suspend {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w.write(LEVEL_0, format!("Suspend:\t{suspend}\n"));
    let unset = |v: Option<i32>| v.map_or_else(|| "<unset>".to_string(), |v| v.to_string());
    w.write(
        LEVEL_0,
        format!(
            "Successful Job History Limit:\t{}\n",
            unset(spec.successful_jobs_history_limit)
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "Failed Job History Limit:\t{}\n",
            unset(spec.failed_jobs_history_limit)
        ),
    );
    match spec.starting_deadline_seconds {
        Some(seconds) => w.write(LEVEL_0, format!("Starting Deadline Seconds:\t{seconds}s\n")),
        None => w.write(LEVEL_0, "Starting Deadline Seconds:\t<unset>\n"),
    }
    let default_job_spec = Default::default();
    let job_spec = spec.job_template.spec.as_ref().unwrap_or(&default_job_spec);
    match &job_spec.selector {
        Some(selector) => match selector_string(Some(selector)) {
            Ok(selector) => w.write(LEVEL_0, format!("Selector:\t{selector}\n")),
            Err(e) => w.write(LEVEL_0, format!("Selector:\tFailed to get selector: {e}\n")),
        },
        None => w.write(LEVEL_0, "Selector:\t<unset>\n"),
    }
    w.write(
        LEVEL_0,
        format!("Parallelism:\t{}\n", unset(job_spec.parallelism)),
    );
    w.write(
        LEVEL_0,
        format!("Completions:\t{}\n", unset(job_spec.completions)),
    );
    if let Some(deadline) = job_spec.active_deadline_seconds {
        w.write(LEVEL_0, format!("Active Deadline Seconds:\t{deadline}s\n"));
    }
    describe_pod_template(&mut w, &job_spec.template);
    match status.and_then(|st| st.last_schedule_time.as_ref()) {
        Some(time) => w.write(
            LEVEL_0,
            format!("Last Schedule Time:\t{}\n", rfc(Some(time))),
        ),
        None => w.write(LEVEL_0, "Last Schedule Time:\t<unset>\n"),
    }
    let active: Vec<&str> = status
        .and_then(|st| st.active.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|r| s(&r.name))
        .collect();
    if active.is_empty() {
        w.write(LEVEL_0, "Active Jobs:\t<none>\n");
    } else {
        w.write(LEVEL_0, format!("Active Jobs:\t{}\n", active.join(", ")));
    }
    describe_events(&mut w, ctx);
    w.finish()
}
