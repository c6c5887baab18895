//! `kubectl describe job` (`describeJob`).

use k8s_openapi::api::batch::v1::Job;

use super::DescribeContext;
use super::common::{controlled_by, rfc, s, write_labels_and_annotations};
use super::events::describe_events;
use super::pod_template::describe_pod_template;
use super::writer::{LEVEL_0, PrefixWriter};
use crate::text::duration::human_duration;
use crate::text::labels::selector_string;
use crate::text::time::millis_between;

/// Pod counts come from the Job's status, as kubectl reads them.
pub fn describe_job(job: &Job, ctx: &DescribeContext<'_>) -> String {
    let mut w = PrefixWriter::new();
    let meta = &job.metadata;
    let default_spec = Default::default();
    let spec = job.spec.as_ref().unwrap_or(&default_spec);
    let default_status = Default::default();
    let status = job.status.as_ref().unwrap_or(&default_status);
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    match selector_string(spec.selector.as_ref()) {
        Ok(selector) => w.write(LEVEL_0, format!("Selector:\t{selector}\n")),
        Err(e) => w.write(LEVEL_0, format!("Selector:\tFailed to get selector: {e}\n")),
    }
    write_labels_and_annotations(&mut w, meta);
    if let Some(controller) = controlled_by(meta) {
        w.write(LEVEL_0, format!("Controlled By:\t{controller}\n"));
    }
    if let Some(parallelism) = spec.parallelism {
        w.write(LEVEL_0, format!("Parallelism:\t{parallelism}\n"));
    }
    match spec.completions {
        Some(completions) => w.write(LEVEL_0, format!("Completions:\t{completions}\n")),
        None => w.write(LEVEL_0, "Completions:\t<unset>\n"),
    }
    if let Some(mode) = &spec.completion_mode {
        w.write(LEVEL_0, format!("Completion Mode:\t{mode}\n"));
    }
    if let Some(suspend) = spec.suspend {
        w.write(LEVEL_0, format!("Suspend:\t{suspend}\n"));
    }
    if let Some(backoff) = spec.backoff_limit {
        w.write(LEVEL_0, format!("Backoff Limit:\t{backoff}\n"));
    }
    if let Some(ttl) = spec.ttl_seconds_after_finished {
        w.write(LEVEL_0, format!("TTL Seconds After Finished:\t{ttl}\n"));
    }
    if let Some(start) = &status.start_time {
        w.write(LEVEL_0, format!("Start Time:\t{}\n", rfc(Some(start))));
    }
    if let Some(done) = &status.completion_time {
        w.write(LEVEL_0, format!("Completed At:\t{}\n", rfc(Some(done))));
    }
    if let (Some(start), Some(done)) = (&status.start_time, &status.completion_time) {
        w.write(
            LEVEL_0,
            format!(
                "Duration:\t{}\n",
                human_duration(millis_between(start.0, done.0))
            ),
        );
    }
    if let Some(deadline) = spec.active_deadline_seconds {
        w.write(LEVEL_0, format!("Active Deadline Seconds:\t{deadline}s\n"));
    }
    let (active, succeeded, failed) = (
        status.active.unwrap_or(0),
        status.succeeded.unwrap_or(0),
        status.failed.unwrap_or(0),
    );
    match status.ready {
        None => w.write(
            LEVEL_0,
            format!("Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n"),
        ),
        Some(ready) => w.write(
            LEVEL_0,
            format!(
                "Pods Statuses:\t{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed\n"
            ),
        ),
    }
    if spec.completion_mode.as_deref() == Some("Indexed") {
        w.write(
            LEVEL_0,
            format!(
                "Completed Indexes:\t{}\n",
                cap_indexes(s(&status.completed_indexes), 50)
            ),
        );
    }
    describe_pod_template(&mut w, &spec.template);
    describe_events(&mut w, ctx);
    w.finish()
}

/// `capIndexesListOrNone`: cut after the first comma past `soft_limit` bytes.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".to_string();
    }
    match indexes.get(soft_limit..).and_then(|rest| rest.find(',')) {
        Some(comma) => format!("{}...", &indexes[..soft_limit + comma + 1]),
        None => indexes.to_string(),
    }
}
