//! `kubectl drain NODE` (`pkg/cmd/drain`, `pkg/drain`): cordon, sort the node's pods through
//! kubectl's filters, evict the rest through the Eviction API (retrying every 5 s while a
//! PodDisruptionBudget says no), and wait — in virtual time, as a resumable wait — until they
//! are gone.

use std::collections::VecDeque;

use k8s_openapi::api::core::v1::Node;
use kubeplay_model::keys::CONFIG_MIRROR;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::is_finished;
use kubeplay_model::selector::Selector;
use kubeplay_model::{ApiError, Kind, ObjectKey, Pod, Typed};
use kubeplay_sim::DeleteOptions;
use kubeplay_sim::clock::Millis;

use super::nodes::{set_schedulable, target_nodes};
use crate::args::{self, Flag, boolean, duration, value};
use crate::output::Output;
use crate::session::Session;
use crate::text::go_duration;
use crate::waiting::{self, Poll, Wait};

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

/// `makeFilters`: skip-deleted, DaemonSet, mirror pod, local storage, unreplicated — the
/// first filter that does not delete decides; otherwise the last warning wins.
fn verdict(pod: &Pod, options: &Options, session: &Session) -> Verdict {
    let mut warning = None;
    let owner = pod.metadata.controller_ref();
    if let Some(owner) = owner.filter(|o| o.kind == "DaemonSet")
        && !is_finished(pod)
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
        .is_some_and(|a| a.contains_key(CONFIG_MIRROR))
        || owner.is_some_and(|o| o.kind == "Node");
    if mirror {
        return Verdict::Skip;
    }
    let local_storage = pod
        .spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .any(|v| v.empty_dir.is_some());
    if local_storage && !is_finished(pod) {
        if !options.delete_empty_dir {
            return Verdict::Fatal(LOCAL_STORAGE_FATAL.into());
        }
        warning = Some(LOCAL_STORAGE_WARNING.into());
    }
    if !is_finished(pod) && owner.is_none() {
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

/// One node's pods being evicted and waited for: `evictPods` (or `deletePods` with
/// `--disable-eviction`).
struct NodeDrain {
    name: String,
    started: Millis,
    deadline: Millis,
    /// Whether the deadline is ours (kubectl would wait for ever), not `--timeout`'s.
    limited_by_us: bool,
    evictions: Vec<Eviction>,
    /// The errors, in the order the pods finished.
    errors: Vec<String>,
}

impl NodeDrain {
    fn new(name: String, pods: &[Pod], options: &Options, started: Millis) -> NodeDrain {
        let (deadline, limited_by_us) = match options.timeout_ms {
            Some(timeout) => (started + timeout, false),
            None => (started + DEFAULT_WAIT_LIMIT_MS, true),
        };
        let evictions = pods
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
        NodeDrain {
            name,
            started,
            deadline,
            limited_by_us,
            evictions,
            errors: Vec::new(),
        }
    }

    /// Does what is due now: evictions (re)tried, deletions polled. Returns when to look
    /// again, or `None` once every pod is done with.
    fn step(
        &mut self,
        options: &Options,
        session: &mut Session,
        out: &mut Output,
    ) -> Option<Millis> {
        let now = session.cluster.now_ms();
        let (started, deadline) = (self.started, self.deadline);
        let verb = if options.disable_eviction {
            "deleted"
        } else {
            "evicted"
        };
        for eviction in &mut self.evictions {
            let (namespace, name) = (eviction.key.namespace.clone(), eviction.key.name.clone());
            let Progress::Evicting { at_ms } = eviction.progress else {
                continue;
            };
            if at_ms > now {
                continue;
            }
            // evictPods announces every attempt before it looks at the deadline, so a pod
            // still blocked when time runs out gets one last line.
            if !options.disable_eviction {
                out.line(format!("evicting pod {namespace}/{name}"));
            }
            if now >= deadline {
                self.errors.push(format!(
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
                    self.errors.push(format!(
                        "error when evicting pods/{name:?} -n {namespace:?}: {error}"
                    ));
                    Progress::Finished
                }
            };
            session.cluster.settle();
        }
        for eviction in &mut self.evictions {
            let Progress::Waiting { poll_ms } = eviction.progress else {
                continue;
            };
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
                self.errors.push(format!(
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
        let next = self
            .evictions
            .iter()
            .filter_map(|e| match e.progress {
                Progress::Evicting { at_ms } => Some(at_ms),
                Progress::Waiting { poll_ms } => Some(poll_ms),
                Progress::Finished => None,
            })
            .min()?;
        Some(next.min(deadline))
    }

    /// The node is done with: its errors, after saying what is left on it.
    fn finish(self, options: &Options, session: &Session, out: &mut Output) -> Vec<String> {
        if self.errors.is_empty() {
            return self.errors;
        }
        if self.limited_by_us {
            out.note(format!(
                "kubeplay: stopped waiting after {} of virtual time (kubectl would wait for ever; set --timeout to choose)",
                go_duration::format(DEFAULT_WAIT_LIMIT_MS)
            ));
        }
        if let Ok((pending, _)) = pods_for_deletion(&self.name, options, session)
            && !pending.is_empty()
        {
            out.note(format!(
                "There are pending pods in node {:?} when an error occurred: {}",
                self.name,
                aggregate(&self.errors)
            ));
            for pod in &pending {
                out.note(format!("pod/{}", pod.metadata.name_str()));
            }
        }
        self.errors
    }
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
    let wait = DrainWait {
        options,
        nodes: nodes
            .iter()
            .map(|node| node.metadata.name_str().to_string())
            .collect(),
        current: None,
        fatal: Vec::new(),
        remaining: Vec::new(),
    };
    waiting::run(Box::new(wait), session, out);
}

/// The nodes drained one after the other (`deleteOrEvictPodsSimple` for each), as a wait
/// the host drives, so the page keeps drawing while pods terminate.
struct DrainWait {
    options: Options,
    nodes: VecDeque<String>,
    current: Option<NodeDrain>,
    /// The errors of the nodes that could not be drained, and their names.
    fatal: Vec<Vec<String>>,
    remaining: Vec<String>,
}

impl Wait for DrainWait {
    fn poll(&mut self, session: &mut Session, out: &mut Output) -> Poll {
        loop {
            if let Some(drain) = self.current.as_mut() {
                if let Some(next) = drain.step(&self.options, session, out) {
                    return Poll::Pending {
                        recheck_at: Some(next),
                        on_change: false,
                    };
                }
                if let Some(drain) = self.current.take() {
                    let name = drain.name.clone();
                    let errors = drain.finish(&self.options, session, out);
                    self.node_done(name, errors, out);
                }
                continue;
            }
            let Some(name) = self.nodes.pop_front() else {
                self.report(out);
                return Poll::Met;
            };
            match pods_for_deletion(&name, &self.options, session) {
                Ok((pods, warning)) => {
                    if let Some(warning) = warning {
                        out.note(format!("Warning: {warning}"));
                    }
                    let now = session.cluster.now_ms();
                    self.current = Some(NodeDrain::new(name, &pods, &self.options, now));
                }
                Err(errors) => self.node_done(name, errors, out),
            }
        }
    }
}

impl DrainWait {
    fn node_done(&mut self, name: String, errors: Vec<String>, out: &mut Output) {
        if errors.is_empty() {
            return out.line(format!("node/{name} drained"));
        }
        out.note(format!(
            "error: unable to drain node {name:?} due to error: {}, continuing command...",
            aggregate(&errors)
        ));
        self.fatal.push(errors);
        self.remaining.push(name);
    }

    /// What is left undrained, once every node has been tried.
    fn report(&self, out: &mut Output) {
        if self.remaining.is_empty() {
            return;
        }
        out.note("There are pending nodes to be drained:");
        for name in &self.remaining {
            out.note(format!(" {name}"));
        }
        // `checkErr` prints an aggregate one error per line, without an `error:` prefix.
        let lines: Vec<String> = match self.fatal.as_slice() {
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
}
