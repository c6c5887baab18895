//! `kubectl drain NODE` (`pkg/cmd/drain`, `pkg/drain`): cordon, sort the node's pods through
//! kubectl's filters, evict the rest through the Eviction API (retrying every 5 s while a
//! PodDisruptionBudget says no), and wait — in virtual time — until they are gone.

use k8s_openapi::api::core::v1::{Node, Pod};
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{ApiError, Kind, ObjectKey, Typed};
use kubeplay_sim::DeleteOptions;

use super::nodes::{set_schedulable, target_nodes};
use crate::args::{self, Flag, boolean, duration, value};
use crate::output::Output;
use crate::session::Session;
use crate::text::go_duration;

const FLAGS: &[Flag] = &[
    boolean("ignore-daemonsets", None),
    boolean("force", None),
    boolean("delete-emptydir-data", None),
    boolean("delete-local-data", None),
    boolean("disable-eviction", None),
    value("grace-period", None),
    duration("timeout", None),
    value("pod-selector", None),
    value("selector", Some('l')),
    value("skip-wait-for-delete-timeout", None),
    value("chunk-size", None),
    value("dry-run", None),
];

/// Without `--timeout` kubectl waits forever; a page cannot, so it stops after this much
/// virtual time and says so.
const DEFAULT_WAIT_LIMIT_MS: u64 = 2 * 60 * 1000;
const EVICTION_RETRY_MS: u64 = 5_000;
const DELETE_POLL_MS: u64 = 1_000;

const DAEMON_SET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMON_SET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str =
    "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
// kubectl really prints "cannot delete cannot delete Pods that declare no controller".
const UNMANAGED_FATAL: &str =
    "cannot delete Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";

struct Options {
    ignore_daemon_sets: bool,
    force: bool,
    delete_empty_dir: bool,
    disable_eviction: bool,
    grace_period: Option<i64>,
    timeout_ms: Option<u64>,
    pod_selector: Selector,
}

/// What the filters decided for one pod.
enum Verdict {
    Delete,
    DeleteWithWarning(String),
    Skip,
    SkipWithWarning(String),
    Fatal(String),
}

fn finished(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// `makeFilters`: skip-deleted, DaemonSet, mirror pod, local storage, unreplicated — the
/// first filter that does not delete decides; otherwise the last warning wins.
fn verdict(pod: &Pod, options: &Options, session: &Session) -> Verdict {
    let mut warning = None;
    let owner = pod.metadata.controller_ref();
    if let Some(owner) = owner.filter(|o| o.kind == "DaemonSet")
        && !finished(pod)
    {
        let exists = session
            .get(Kind::DaemonSet, pod.metadata.namespace_str(), &owner.name)
            .is_some();
        if !exists {
            // An orphan: deleted (with a warning) only under --force.
            let missing = ApiError::not_found(Kind::DaemonSet, &owner.name).to_string();
            if !options.force {
                return Verdict::Fatal(missing);
            }
            warning = Some(missing);
        } else {
            return if options.ignore_daemon_sets {
                Verdict::SkipWithWarning(DAEMON_SET_WARNING.into())
            } else {
                Verdict::Fatal(DAEMON_SET_FATAL.into())
            };
        }
    }
    let mirror = pod
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key("kubernetes.io/config.mirror"))
        || owner.is_some_and(|o| o.kind == "Node");
    if mirror {
        return Verdict::Skip;
    }
    let local_storage = pod
        .spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .any(|v| v.empty_dir.is_some());
    if local_storage && !finished(pod) {
        if !options.delete_empty_dir {
            return Verdict::Fatal(LOCAL_STORAGE_FATAL.into());
        }
        warning = Some(LOCAL_STORAGE_WARNING.into());
    }
    if !finished(pod) && owner.is_none() {
        if !options.force {
            return Verdict::Fatal(UNMANAGED_FATAL.into());
        }
        warning = Some(UNMANAGED_WARNING.into());
    }
    match warning {
        Some(warning) => Verdict::DeleteWithWarning(warning),
        None => Verdict::Delete,
    }
}

/// `ns/name` lists grouped by message, in first-seen order (kubectl's map order is random).
fn grouped(entries: Vec<(String, String)>) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (message, pod) in entries {
        match groups.iter_mut().find(|(m, _)| *m == message) {
            Some((_, pods)) => pods.push(pod),
            None => groups.push((message, vec![pod])),
        }
    }
    groups
}

/// `GetPodsForDeletion`: the pods to evict, the warning to print, or the fatal errors.
fn pods_for_deletion(
    node: &str,
    options: &Options,
    session: &Session,
) -> Result<(Vec<Pod>, Option<String>), Vec<String>> {
    let mut pods: Vec<Pod> = session
        .cluster
        .api
        .store
        .pods_on_node(node)
        .filter_map(Pod::from_object)
        .filter(|p| options.pod_selector.matches(p.metadata.labels.as_ref()))
        .cloned()
        .collect();
    pods.sort_by(|a, b| {
        (a.metadata.namespace_str(), a.metadata.name_str())
            .cmp(&(b.metadata.namespace_str(), b.metadata.name_str()))
    });
    let mut deletable = Vec::new();
    let mut warnings = Vec::new();
    let mut fatal = Vec::new();
    for pod in pods {
        let id = format!(
            "{}/{}",
            pod.metadata.namespace_str(),
            pod.metadata.name_str()
        );
        match verdict(&pod, options, session) {
            Verdict::Delete => deletable.push(pod),
            Verdict::DeleteWithWarning(message) => {
                warnings.push((message, id));
                deletable.push(pod);
            }
            Verdict::Skip => {}
            Verdict::SkipWithWarning(message) => warnings.push((message, id)),
            Verdict::Fatal(message) => fatal.push((message, id)),
        }
    }
    if !fatal.is_empty() {
        return Err(grouped(fatal)
            .into_iter()
            .map(|(message, pods)| format!("cannot delete {message}: {}", pods.join(", ")))
            .collect());
    }
    let warning = (!warnings.is_empty()).then(|| {
        grouped(warnings)
            .into_iter()
            .map(|(message, pods)| format!("{message}: {}", pods.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    });
    Ok((deletable, warning))
}

/// Where one pod's eviction stands.
enum Progress {
    /// The eviction is (re)tried at this instant.
    Evicting {
        at_ms: u64,
    },
    /// Evicted; kubectl polls every second until the pod is gone.
    Waiting {
        poll_ms: u64,
    },
    Finished,
}

struct Eviction {
    key: ObjectKey,
    uid: String,
    progress: Progress,
}

fn aggregate(errors: &[String]) -> String {
    match errors {
        [single] => single.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// `evictPods` (or `deletePods` with `--disable-eviction`): returns the errors, in the
/// order the pods finished.
fn evict_all(
    pods: &[Pod],
    options: &Options,
    session: &mut Session,
    out: &mut Output,
) -> Vec<String> {
    let started = session.cluster.now_ms();
    let (deadline, limited_by_us) = match options.timeout_ms {
        Some(timeout) => (started + timeout, false),
        None => (started + DEFAULT_WAIT_LIMIT_MS, true),
    };
    let mut evictions: Vec<Eviction> = pods
        .iter()
        .map(|pod| Eviction {
            key: ObjectKey::new(
                Kind::Pod,
                pod.metadata.namespace_str(),
                pod.metadata.name_str(),
            ),
            uid: pod.metadata.uid_str().to_string(),
            progress: Progress::Evicting { at_ms: started },
        })
        .collect();
    let mut errors = Vec::new();
    let verb = if options.disable_eviction {
        "deleted"
    } else {
        "evicted"
    };
    loop {
        let now = session.cluster.now_ms();
        for eviction in &mut evictions {
            let (namespace, name) = (eviction.key.namespace.clone(), eviction.key.name.clone());
            match eviction.progress {
                Progress::Evicting { at_ms } if at_ms <= now => {
                    // evictPods announces every attempt before it looks at the deadline, so
                    // a pod still blocked when time runs out gets one last line.
                    if !options.disable_eviction {
                        out.line(format!("evicting pod {namespace}/{name}"));
                    }
                    if now >= deadline {
                        errors.push(format!(
                            "error when evicting pods/{name:?} -n {namespace:?}: global timeout reached: {}",
                            go_duration::format(deadline - started)
                        ));
                        eviction.progress = Progress::Finished;
                        continue;
                    }
                    let result = if options.disable_eviction {
                        session.cluster.api.delete(
                            &eviction.key,
                            DeleteOptions {
                                propagation: None,
                                grace_period_seconds: options.grace_period,
                            },
                        )
                    } else {
                        session
                            .cluster
                            .api
                            .evict(&eviction.key, options.grace_period)
                    };
                    eviction.progress = match result {
                        Ok(_) => Progress::Waiting { poll_ms: now },
                        Err(ApiError::NotFound { .. }) => Progress::Finished,
                        Err(error @ ApiError::TooManyRequests(_)) => {
                            out.note(format!(
                                "error when evicting pods/{name:?} -n {namespace:?} (will retry after 5s): {error}"
                            ));
                            Progress::Evicting {
                                at_ms: now + EVICTION_RETRY_MS,
                            }
                        }
                        Err(error) => {
                            errors.push(format!(
                                "error when evicting pods/{name:?} -n {namespace:?}: {error}"
                            ));
                            Progress::Finished
                        }
                    };
                    session.cluster.settle();
                }
                _ => {}
            }
        }
        for eviction in &mut evictions {
            if let Progress::Waiting { poll_ms } = eviction.progress {
                if poll_ms > now {
                    continue;
                }
                let gone = session
                    .cluster
                    .api
                    .store
                    .get(&eviction.key)
                    .is_none_or(|o| o.uid() != eviction.uid);
                if gone {
                    out.line(format!("pod/{} {verb}", eviction.key.name));
                    eviction.progress = Progress::Finished;
                } else if now >= deadline {
                    errors.push(format!(
                        "error when waiting for pod {:?} in namespace {:?} to terminate: context deadline exceeded",
                        eviction.key.name, eviction.key.namespace
                    ));
                    eviction.progress = Progress::Finished;
                } else {
                    eviction.progress = Progress::Waiting {
                        poll_ms: poll_ms + DELETE_POLL_MS,
                    };
                }
            }
        }
        let next = evictions
            .iter()
            .filter_map(|e| match e.progress {
                Progress::Evicting { at_ms } => Some(at_ms),
                Progress::Waiting { poll_ms } => Some(poll_ms),
                Progress::Finished => None,
            })
            .min();
        let Some(next) = next else {
            break;
        };
        let next = next.min(deadline).max(now + 1);
        session.cluster.run_until(next);
    }
    if limited_by_us && !errors.is_empty() {
        out.note(format!(
            "kubeplay: stopped waiting after {} of virtual time (kubectl would wait for ever; set --timeout to choose)",
            go_duration::format(DEFAULT_WAIT_LIMIT_MS)
        ));
    }
    errors
}

fn options(parsed: &args::Parsed) -> Result<Options, String> {
    let grace_period = match parsed.value("grace-period") {
        None => None,
        Some(text) => {
            let seconds: i64 = text.parse().map_err(|_| {
                format!("error: invalid argument {text:?} for \"--grace-period\" flag: strconv.ParseInt: parsing {text:?}: invalid syntax")
            })?;
            (seconds >= 0).then_some(seconds)
        }
    };
    // `0` means no timeout.
    let timeout_ms = parsed.duration_ms("timeout").filter(|ms| *ms > 0);
    let pod_selector = Selector::parse(parsed.value("pod-selector").unwrap_or(""))
        .map_err(|e| format!("error: {e}"))?;
    Ok(Options {
        ignore_daemon_sets: parsed.bool("ignore-daemonsets"),
        force: parsed.bool("force"),
        delete_empty_dir: parsed.bool("delete-emptydir-data") || parsed.bool("delete-local-data"),
        disable_eviction: parsed.bool("disable-eviction"),
        grace_period,
        timeout_ms,
        pod_selector,
    })
}

/// `kubectl drain NODE`.
pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "drain") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let options = match options(&parsed) {
        Ok(options) => options,
        Err(error) => return out.error(error),
    };
    let nodes: Vec<Node> = match target_nodes(&parsed, "drain", session) {
        Ok(nodes) => nodes,
        Err(error) => return out.error(error),
    };
    for node in &nodes {
        if !set_schedulable(node, true, session, out) {
            return;
        }
    }
    let mut fatal = Vec::new();
    let mut remaining = Vec::new();
    for node in &nodes {
        let name = node.metadata.name_str().to_string();
        match drain_node(&name, &options, session, out) {
            Ok(()) => out.line(format!("node/{name} drained")),
            Err(errors) => {
                out.note(format!(
                    "error: unable to drain node {name:?} due to error: {}, continuing command...",
                    aggregate(&errors)
                ));
                fatal.push(errors);
                remaining.push(name);
            }
        }
    }
    if remaining.is_empty() {
        return;
    }
    out.note("There are pending nodes to be drained:");
    for name in &remaining {
        out.note(format!(" {name}"));
    }
    // `checkErr` prints an aggregate one error per line, without an `error:` prefix.
    let lines: Vec<String> = match fatal.as_slice() {
        [errors] => errors.clone(),
        many => vec![format!(
            "[{}]",
            many.iter()
                .map(|e| aggregate(e))
                .collect::<Vec<_>>()
                .join(", ")
        )],
    };
    out.error(lines.join("\n"));
}

/// `deleteOrEvictPodsSimple` for one node.
fn drain_node(
    name: &str,
    options: &Options,
    session: &mut Session,
    out: &mut Output,
) -> Result<(), Vec<String>> {
    let (pods, warning) = pods_for_deletion(name, options, session)?;
    if let Some(warning) = warning {
        out.note(format!("Warning: {warning}"));
    }
    let errors = evict_all(&pods, options, session, out);
    if errors.is_empty() {
        return Ok(());
    }
    if let Ok((pending, _)) = pods_for_deletion(name, options, session)
        && !pending.is_empty()
    {
        out.note(format!(
            "There are pending pods in node {name:?} when an error occurred: {}",
            aggregate(&errors)
        ));
        for pod in &pending {
            out.note(format!("pod/{}", pod.metadata.name_str()));
        }
    }
    Err(errors)
}
