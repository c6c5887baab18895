//! `kubectl run -i` (and `-t`): the pod is created, kubectl waits for it to run (up to
//! `--pod-running-timeout`, 1m), attaches to its container and prints what it writes until
//! it stops; with `--restart=Never|OnFailure` it then waits for the pod to complete and
//! exits with the container's code; `--rm` deletes the pod at the end (`run.go`'s deferred
//! `removeCreatedObjects`, so its line comes before a failure's error).
//!
//! Known difference: the attach prints the container's output from its start, where a real
//! attach shows what is written after it connects (what came before is only seen when the
//! pod completed before kubectl attached, through its logs).

use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Pod};
use kubeplay_sim::clock::Millis;
use kubeplay_sim::{DeleteOptions, Propagation};

use crate::output::Output;
use crate::session::Session;
use crate::waiting::{Poll, Wait};

/// kubectl run's `--pod-running-timeout` default.
const POD_RUNNING_TIMEOUT_MS: Millis = 60_000;

pub struct Attach {
    key: ObjectKey,
    uid: String,
    container: String,
    /// Attached with `-i`: kubectl's hint about the prompt is printed when it attaches.
    stdin: bool,
    /// Wait for the pod to complete and exit with its code (`--restart=Never|OnFailure`).
    wait_for_exit: bool,
    /// `--rm`.
    remove: bool,
    stage: Stage,
    /// Log lines printed so far.
    printed: usize,
    deadline: Millis,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Waiting for the pod to run and be ready (or to have completed already).
    Starting,
    /// Attached: printing what the container writes until it stops.
    Attached,
    /// Waiting for the pod to complete.
    Completing,
}

impl Attach {
    pub fn new(pod: &Pod, stdin: bool, restart_policy: &str, remove: bool, now: Millis) -> Attach {
        Attach {
            key: ObjectKey::new(
                Kind::Pod,
                pod.metadata.namespace_str(),
                pod.metadata.name_str(),
            ),
            uid: pod.metadata.uid_str().to_string(),
            container: pod
                .spec
                .as_ref()
                .and_then(|s| s.containers.first())
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            stdin,
            wait_for_exit: restart_policy != "Always",
            remove,
            stage: Stage::Starting,
            printed: 0,
            deadline: now + POD_RUNNING_TIMEOUT_MS,
        }
    }

    fn pod<'a>(&self, session: &'a Session) -> Option<&'a Pod> {
        match session.cluster.api.store.get(&self.key) {
            Some(Object::Pod(pod)) if pod.metadata.uid_str() == self.uid => Some(pod),
            _ => None,
        }
    }

    /// Prints the container's lines written since the last look.
    fn print_new_lines(&mut self, pod: &Pod, session: &Session, out: &mut Output) {
        let Ok(lines) = session.cluster.container_log(pod, &self.container, false) else {
            return;
        };
        for (_, line) in lines.iter().skip(self.printed) {
            out.line(line);
        }
        self.printed = self.printed.max(lines.len());
    }

    /// The end: `--rm` deletes the pod, then a failed pod is the command's error.
    fn finish(&self, pod: Option<Pod>, session: &mut Session, out: &mut Output) -> Poll {
        if self.remove {
            let options = DeleteOptions {
                propagation: Some(Propagation::Background),
                grace_period_seconds: None,
            };
            if session.cluster.api.delete(&self.key, options).is_ok() {
                super::delete::print_deleted(&self.key, "deleted", out);
            }
        }
        if let Some(pod) = pod.filter(|pod| self.wait_for_exit && phase(pod) == "Failed") {
            fail(&pod, out);
        }
        Poll::Met
    }
}

impl Wait for Attach {
    fn poll(&mut self, session: &mut Session, out: &mut Output) -> Poll {
        let now = session.cluster.now_ms();
        let Some(pod) = self.pod(session).cloned() else {
            out.error(format!(
                "Error from server (NotFound): pods \"{}\" not found",
                self.key.name
            ));
            return Poll::Met;
        };
        if self.stage == Stage::Starting {
            if matches!(phase(&pod).as_str(), "Succeeded" | "Failed") {
                // Completed before kubectl could attach: it prints the logs instead.
                self.print_new_lines(&pod, session, out);
                return self.finish(Some(pod), session, out);
            }
            if !running_and_ready(&pod) {
                if now >= self.deadline {
                    out.error("error: timed out waiting for the condition");
                    return Poll::Met;
                }
                return Poll::Pending {
                    recheck_at: Some(self.deadline),
                    on_change: true,
                };
            }
            if self.stdin {
                out.note("If you don't see a command prompt, try pressing enter.");
            }
            self.stage = Stage::Attached;
        }
        if self.stage == Stage::Attached {
            self.print_new_lines(&pod, session, out);
            if container_running(&pod, &self.container) {
                let next_line = session
                    .cluster
                    .kubelets
                    .timed_logs(&self.uid, &self.container, false)
                    .and_then(|lines| lines.iter().find(|(at, _)| *at > now).map(|(at, _)| *at));
                return Poll::Pending {
                    recheck_at: next_line,
                    on_change: true,
                };
            }
            if !self.wait_for_exit {
                return self.finish(Some(pod), session, out);
            }
            self.stage = Stage::Completing;
        }
        let completed = match pod.spec.as_ref().and_then(|s| s.restart_policy.as_deref()) {
            // Only success ends an OnFailure pod.
            Some("OnFailure") => phase(&pod) == "Succeeded",
            _ => matches!(phase(&pod).as_str(), "Succeeded" | "Failed"),
        };
        if completed {
            return self.finish(Some(pod), session, out);
        }
        Poll::Pending {
            recheck_at: None,
            on_change: true,
        }
    }
}

fn phase(pod: &Pod) -> String {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default()
}

/// kubectl's `podRunningAndReady`.
fn running_and_ready(pod: &Pod) -> bool {
    phase(pod) == "Running"
        && pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|conditions| {
                conditions
                    .iter()
                    .any(|c| c.type_ == "Ready" && c.status == "True")
            })
}

fn container_running(pod: &Pod, container: &str) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|statuses| statuses.iter().find(|c| c.name == container))
        .and_then(|c| c.state.as_ref())
        .is_some_and(|state| state.running.is_some())
}

/// A failed pod ends the command with its container's code (`run.go`).
fn fail(pod: &Pod, out: &mut Output) {
    let (namespace, name) = (pod.metadata.namespace_str(), pod.metadata.name_str());
    let terminated = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|statuses| statuses.first())
        .and_then(|c| c.state.as_ref())
        .and_then(|state| state.terminated.as_ref());
    match terminated.filter(|t| t.exit_code != 0) {
        Some(terminated) => {
            // `pod …/… terminated (REASON)\nMESSAGE`, printed as it is (an exit code error
            // gets no `error: ` prefix) with one final newline.
            let text = format!(
                "pod {namespace}/{name} terminated ({})\n{}",
                terminated.reason.as_deref().unwrap_or_default(),
                terminated.message.as_deref().unwrap_or_default()
            );
            out.error(text.strip_suffix('\n').unwrap_or(&text));
            out.exit_with(terminated.exit_code);
        }
        None => out.error(format!(
            "error: pod {namespace}/{name} failed with unknown exit code"
        )),
    }
}
