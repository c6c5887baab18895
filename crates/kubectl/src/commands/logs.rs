//! `kubectl logs` (kubectl's logs.go): one pod or `TYPE/NAME`, or every pod of a selector
//! (`-l`, with its default `--tail=10` and the `--max-log-requests` bound on followed
//! streams), one container or `--all-containers`, `--prefix`, `--timestamps` (the kubelet's
//! RFC 3339 times), `--since`/`--since-time`, `--previous`, and `-f`, which follows the
//! streams as virtual time passes (a wait the page drives until Ctrl+C; scripts bound it with
//! `timeout` or `--request-timeout`) and ends when every container it follows has stopped.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_sim::clock::Millis;

use kubeplay_model::pod::container_status;

use super::pods::{pick_container, target_pod};
use crate::args::{self, Flag, boolean, value};
use crate::output::Output;
use crate::session::Session;
use crate::text::go_duration;
use crate::waiting::{self, Poll, Wait};

const LOG_FLAGS: &[Flag] = &[
    value("container", Some('c')),
    boolean("previous", Some('p')),
    value("tail", None),
    boolean("follow", Some('f')),
    boolean("timestamps", None),
    boolean("all-containers", None),
    boolean("prefix", None),
    value("selector", Some('l')),
    value("since", None),
    value("since-time", None),
    value("max-log-requests", None),
    boolean("ignore-errors", None),
    value("pod-running-timeout", None),
];

const USAGE: &str = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples";

/// One log stream: a container of a pod.
struct Stream {
    pod: Pod,
    container: String,
    /// Lines printed so far.
    printed: usize,
}

struct Options {
    prefix: bool,
    timestamps: bool,
    previous: bool,
    /// Only lines written at or after this instant.
    since: Option<Millis>,
    /// Lines per stream (from the end) for the first look.
    tail: Option<usize>,
}

pub fn logs(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, LOG_FLAGS, "logs") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let selector = parsed.value("selector");
    if selector.is_some() && !parsed.positional.is_empty() {
        return out.error(
            "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples",
        );
    }
    let max_requests = match parsed.value("max-log-requests") {
        None => 5,
        Some(text) => match text.parse::<i64>() {
            Ok(n) => usize::try_from(n).unwrap_or(0),
            Err(_) => {
                return out.error(format!(
                    "error: invalid argument \"{text}\" for \"--max-log-requests\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax\nSee 'kubectl logs --help' for usage."
                ));
            }
        },
    };
    // `logs POD [CONTAINER]`: more than two operands is a usage error.
    if parsed.positional.len() > 2 {
        return out.error(USAGE);
    }
    let tail = match parsed.value("tail").map(str::parse::<i64>) {
        Some(Ok(n)) if n >= 0 => usize::try_from(n).ok(),
        Some(Ok(_)) => None,
        Some(Err(_)) => {
            let text = parsed.value("tail").unwrap_or_default();
            return out.error(format!(
                "error: invalid argument \"{text}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax\nSee 'kubectl logs --help' for usage."
            ));
        }
        // A selector shows the last 10 lines of each stream unless told otherwise.
        None => selector.map(|_| 10),
    };
    let now = session.cluster.now_ms();
    let since = match (parsed.value("since"), parsed.value("since-time")) {
        (Some(_), Some(_)) => {
            return out
                .error("error: at most one of `sinceTime` or `sinceSeconds` may be specified");
        }
        (Some(text), None) => match go_duration::parse("since", text) {
            Ok(ms) => Some(now.saturating_sub(ms)),
            Err(error) => {
                return out.error(format!("{error}\nSee 'kubectl logs --help' for usage."));
            }
        },
        (None, Some(text)) => match text.parse::<jiff::Timestamp>() {
            Ok(time) => Some(session.cluster.api.clock.millis_of(&Time(time))),
            // Go's time.Parse with RFC 3339; the detail names the first element that failed,
            // which kubeplay takes to be the year.
            Err(_) => {
                return out.error(format!(
                    "error: parsing time {text:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse {text:?} as \"2006\""
                ));
            }
        },
        (None, None) => None,
    };
    let options = Options {
        prefix: parsed.bool("prefix"),
        timestamps: parsed.bool("timestamps"),
        previous: parsed.bool("previous"),
        since,
        tail,
    };

    let pods: Vec<Pod> = match (selector, parsed.positional.first()) {
        (Some(text), _) => {
            let selector = match Selector::parse(text) {
                Ok(selector) => selector,
                Err(error) => return out.error(format!("error: {error}")),
            };
            let pods: Vec<Pod> = session
                .cluster
                .api
                .store
                .list_typed::<Pod>(Some(&namespace))
                .filter(|pod| selector.matches(pod.metadata.labels.as_ref()))
                .cloned()
                .collect();
            if pods.is_empty() {
                out.note(format!("No resources found in {namespace} namespace."));
                return;
            }
            pods
        }
        (None, Some(target)) => match target_pod(target, &namespace, session) {
            Ok(pod) => vec![pod],
            // LogsOptions.Complete names the namespace in a NotFound from its builder.
            Err(error) => {
                return out.error(match error.strip_prefix("Error from server (NotFound): ") {
                    Some(rest) => format!(
                        "error: error from server (NotFound): {rest} in namespace {namespace:?}"
                    ),
                    None => error,
                });
            }
        },
        (None, None) => return out.error(USAGE),
    };

    let mut streams = Vec::new();
    for pod in pods {
        if parsed.bool("all-containers") {
            let spec = pod.spec.clone().unwrap_or_default();
            for container in spec
                .init_containers
                .iter()
                .flatten()
                .chain(&spec.containers)
            {
                streams.push(Stream {
                    pod: pod.clone(),
                    container: container.name.clone(),
                    printed: 0,
                });
            }
            continue;
        }
        let wanted = parsed
            .value("container")
            .or(parsed.positional.get(1).map(String::as_str));
        match pick_container(&pod, wanted, out) {
            Ok(container) => streams.push(Stream {
                container: container.name.clone(),
                pod: pod.clone(),
                printed: 0,
            }),
            Err(error) => return out.error(error),
        }
    }

    let follow = parsed.bool("follow");
    if follow && streams.len() > max_requests {
        return out.error(format!(
            "error: you are attempting to follow {} log streams, but maximum allowed concurrency is {max_requests}, use --max-log-requests to increase the limit",
            streams.len()
        ));
    }
    for stream in &mut streams {
        if let Err(error) = first_look(stream, &options, session, out) {
            return out.error(error);
        }
    }
    if !follow {
        return;
    }
    let ends_at = match super::watch::request_timeout_ms(&parsed) {
        Ok(timeout) => timeout.map(|ms| now.saturating_add(ms)),
        Err(error) => return out.error(error),
    };
    waiting::run(
        Box::new(Follow {
            streams,
            options,
            ends_at,
        }),
        session,
        out,
    );
}

/// The lines of a stream up to now (since `--since`), or why it cannot be read yet.
fn lines_now(
    stream: &Stream,
    options: &Options,
    session: &Session,
) -> Result<Vec<(Millis, String)>, String> {
    let mut lines = session
        .cluster
        .container_log(&stream.pod, &stream.container, options.previous)
        .map_err(|error| crate::errors::render(&error))?;
    lines.retain(|(at, _)| options.since.is_none_or(|since| *at >= since));
    Ok(lines)
}

fn print(
    stream: &Stream,
    line: &(Millis, String),
    options: &Options,
    session: &Session,
    out: &mut Output,
) {
    let mut text = String::new();
    if options.prefix {
        text.push_str(&format!(
            "[pod/{}/{}] ",
            stream.pod.metadata.name_str(),
            stream.container
        ));
    }
    if options.timestamps {
        text.push_str(&rfc3339_nano(
            session.cluster.api.clock.timestamp_at(line.0),
        ));
        text.push(' ');
    }
    text.push_str(&line.1);
    out.line(text);
}

/// Go's `time.RFC3339Nano`: fractional seconds without trailing zeros.
fn rfc3339_nano(time: jiff::Timestamp) -> String {
    let whole = time.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = time.subsec_nanosecond();
    if nanos == 0 {
        return format!("{whole}Z");
    }
    let fraction = format!("{nanos:09}");
    format!("{whole}.{}Z", fraction.trim_end_matches('0'))
}

fn first_look(
    stream: &mut Stream,
    options: &Options,
    session: &Session,
    out: &mut Output,
) -> Result<(), String> {
    let lines = lines_now(stream, options, session)?;
    let skip = options
        .tail
        .map_or(0, |tail| lines.len().saturating_sub(tail));
    for line in &lines[skip..] {
        print(stream, line, options, session, out);
    }
    stream.printed = lines.len();
    Ok(())
}

/// `-f`: prints each stream's new lines as they are written.
struct Follow {
    streams: Vec<Stream>,
    options: Options,
    ends_at: Option<Millis>,
}

impl Wait for Follow {
    fn poll(&mut self, session: &mut Session, out: &mut Output) -> Poll {
        let now = session.cluster.now_ms();
        let mut next_line: Option<Millis> = None;
        let mut open = false;
        for stream in &mut self.streams {
            // The pod as it is now (a stream ends when its container stops).
            let current = session
                .cluster
                .api
                .store
                .list_typed::<Pod>(Some(stream.pod.metadata.namespace_str()))
                .find(|p| p.metadata.uid == stream.pod.metadata.uid)
                .cloned();
            let Ok(lines) = lines_now(stream, &self.options, session) else {
                continue;
            };
            for line in lines.iter().skip(stream.printed) {
                print(stream, line, &self.options, session, out);
            }
            stream.printed = lines.len();
            let all = session
                .cluster
                .kubelets
                .timed_logs(stream.pod.metadata.uid_str(), &stream.container, false)
                .unwrap_or_default();
            if let Some((at, _)) = all.iter().find(|(at, _)| *at > now) {
                next_line = Some(next_line.map_or(*at, |n| n.min(*at)));
            }
            let running = current.as_ref().is_some_and(|pod| {
                container_status(pod, &stream.container)
                    .and_then(|c| c.state.as_ref())
                    .is_some_and(|s| s.running.is_some())
            });
            open |= running;
        }
        if !open || self.ends_at.is_some_and(|end| now >= end) {
            return Poll::Met;
        }
        let recheck = [next_line, self.ends_at].into_iter().flatten().min();
        Poll::Pending {
            recheck_at: recheck,
            on_change: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rfc3339_nano;

    #[test]
    fn timestamps_drop_trailing_zeros_as_go_does() {
        let at = |text: &str| {
            text.parse::<jiff::Timestamp>()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(
            rfc3339_nano(at("2025-06-02T10:15:03Z")),
            "2025-06-02T10:15:03Z"
        );
        assert_eq!(
            rfc3339_nano(at("2025-06-02T10:15:03.120Z")),
            "2025-06-02T10:15:03.12Z"
        );
    }
}
