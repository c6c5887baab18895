//! The prober's ticks for one container run (`worker.doProbe`): the startup probe gates
//! the other two, every failure is an `Unhealthy` event, a readiness result at its
//! threshold sets the container's readiness, and a liveness or startup failure at its
//! threshold kills the container. Workers of probes that settled as passing rest until
//! something can make them fail (the playground's knob, a file the script removes), which
//! keeps a quiet cluster free of timers; the events are the same as ticking on.

use super::images;
use super::probes::{self, ProbeKind};
use super::{ContainerRuntime, KubeletStep, KubeletTimer, Kubelets};
use crate::api::{ApiServer, EventType};
use crate::clock::Millis;
use crate::uid_key::UidKey;

/// Why the playground cannot make a probe fail or pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeOverrideError {
    /// No kubelet runs the pod yet (it is not scheduled, or already gone).
    NotRunning,
    NoSuchContainer(String),
    /// The container defines no probe of that kind.
    NoSuchProbe {
        container: String,
        kind: ProbeKind,
    },
}

impl std::fmt::Display for ProbeOverrideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProbeOverrideError::NotRunning => write!(f, "the pod is not running on a node yet"),
            ProbeOverrideError::NoSuchContainer(name) => write!(f, "no container {name:?}"),
            ProbeOverrideError::NoSuchProbe { container, kind } => {
                write!(f, "container {container:?} has no {} probe", kind.name())
            }
        }
    }
}

impl Kubelets {
    /// The playground's knob: makes a container's probe fail (`failing`) or pass again.
    /// `container` defaults to the pod's first. A failing probe keeps failing across
    /// restarts until it is made to pass; the timers returned run its next tick.
    pub fn set_probe_override(
        &mut self,
        pod_uid: &str,
        container: Option<&str>,
        kind: ProbeKind,
        failing: bool,
        api: &ApiServer,
    ) -> Result<Vec<(Millis, KubeletTimer)>, ProbeOverrideError> {
        let runtime = self
            .pods
            .get_mut(&UidKey::new(pod_uid))
            .ok_or(ProbeOverrideError::NotRunning)?;
        let epoch = runtime.epoch;
        let index = match container {
            Some(name) => runtime
                .containers
                .iter()
                .position(|c| c.name == name)
                .ok_or_else(|| ProbeOverrideError::NoSuchContainer(name.to_string()))?,
            None => 0,
        };
        let c = runtime
            .containers
            .get_mut(index)
            .ok_or(ProbeOverrideError::NotRunning)?;
        let spec = super::container_spec(&api.store, &runtime.key, pod_uid, c)
            .ok_or(ProbeOverrideError::NotRunning)?;
        if kind.of(&spec).is_none() {
            return Err(ProbeOverrideError::NoSuchProbe {
                container: c.name.clone(),
                kind,
            });
        }
        if failing {
            c.failing.insert(kind);
        } else {
            c.failing.remove(&kind);
        }
        let now = api.clock.now_ms();
        let mut timers = Vec::new();
        let gated = (kind == ProbeKind::Startup) == c.started;
        let instance = c.instance;
        let probing = failing && !gated && !c.killing && c.state.running.is_some();
        let resting = c.workers.iter_mut().find(|w| w.kind == kind && !w.ticking);
        if let Some(worker) = resting.filter(|_| probing) {
            worker.ticking = true;
            timers.push((
                worker.next_tick(now + 1) - now,
                KubeletTimer {
                    pod_uid: pod_uid.to_string(),
                    epoch,
                    step: KubeletStep::Probe {
                        container: index,
                        instance,
                        kind,
                    },
                },
            ));
        }
        Ok(timers)
    }

    /// Schedules the first tick of every worker the container's state lets probe.
    pub(super) fn schedule_probes(
        &mut self,
        uid: &str,
        index: usize,
        api: &ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let now = api.clock.now_ms();
        let Some(runtime) = self.pods.get_mut(&UidKey::new(uid)) else {
            return;
        };
        let epoch = runtime.epoch;
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        let instance = container.instance;
        let started = container.started;
        for worker in &mut container.workers {
            let gated = (worker.kind == ProbeKind::Startup) == started;
            if gated || worker.ticking {
                continue;
            }
            worker.ticking = true;
            let kind = worker.kind;
            schedule(
                worker.next_tick(now) - now,
                KubeletStep::Probe {
                    container: index,
                    instance,
                    kind,
                },
                epoch,
            );
        }
    }

    pub(super) fn probe(
        &mut self,
        uid: &str,
        (index, instance): (usize, u64),
        kind: ProbeKind,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let now = api.clock.now_ms();
        let Some(runtime) = self.pods.get_mut(&UidKey::new(uid)) else {
            return;
        };
        let epoch = runtime.epoch;
        let pod_ip = runtime.ip.clone();
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        if container.instance != instance {
            return;
        }
        let Some(position) = container.workers.iter().position(|w| w.kind == kind) else {
            return;
        };
        container.workers[position].ticking = false;
        let gated = (kind == ProbeKind::Startup) == container.started;
        if gated || container.killing || container.state.running.is_none() {
            return;
        }
        let Some(container_spec) = super::container_spec(&api.store, &runtime.key, uid, container)
        else {
            return;
        };
        let Some(spec) = kind.of(&container_spec).cloned() else {
            return;
        };
        // The playground's knob answers an HTTP probe with 503 Service Unavailable.
        let overridden = container.failing.contains(&kind);
        let running_ms = now.saturating_sub(container.started_at_ms.unwrap_or(now));
        let http_status = if overridden {
            503
        } else {
            images::http_status(&container_spec, running_ms)
        };
        let success = !overridden
            && file_present(container, &spec, now)
            && (spec.http_get.is_none() || (200..400).contains(&http_status));
        let failure = (!success).then(|| {
            probes::failure_message(kind, &spec, &container_spec, pod_ip.as_deref(), http_status)
        });
        let worker = &mut container.workers[position];
        let outcome = worker.record(success);
        let mut write = false;
        let mut gate_opened = false;
        let mut kill = false;
        match (kind, outcome) {
            (ProbeKind::Readiness, Some(ready)) if container.ready != ready => {
                container.ready = ready;
                write = true;
            }
            (ProbeKind::Startup, Some(true)) => {
                container.started = true;
                container.ready = container_spec.readiness_probe.is_none();
                write = true;
                gate_opened = true;
            }
            (ProbeKind::Liveness | ProbeKind::Startup, Some(false)) => {
                container.workers[position].hold();
                kill = true;
            }
            _ => {}
        }
        let worker = &mut container.workers[position];
        // A kill holds the worker until the next run; a passed startup probe is done.
        let keep_ticking = !(kill || gate_opened)
            && (!worker.settled()
                || container.failing.contains(&kind)
                || images::http_status(&container_spec, u64::MAX) != 200
                || file_changes_after(container, &spec, now));
        if keep_ticking {
            let worker = &mut container.workers[position];
            worker.ticking = true;
            schedule(
                worker.next_tick(now + 1) - now,
                KubeletStep::Probe {
                    container: index,
                    instance,
                    kind,
                },
                epoch,
            );
        }
        if let Some(message) = failure {
            self.event(
                uid,
                Some(index),
                EventType::Warning,
                "Unhealthy",
                message,
                api,
            );
        }
        if kill {
            self.kill(uid, index, kind, api, schedule);
        }
        if gate_opened {
            self.schedule_probes(uid, index, api, schedule);
        }
        if write {
            self.write_status(uid, api);
        }
    }
}

/// Whether the file an exec probe looks for exists now. A script's files are what it
/// created and did not remove; other programs (servers) are assumed to have theirs.
fn file_present(
    container: &ContainerRuntime,
    probe: &k8s_openapi::api::core::v1::Probe,
    now: Millis,
) -> bool {
    let Some(path) = probes::watched_file(probe) else {
        return true;
    };
    if !matches!(container.program, super::script::Program::Run(_)) {
        return true;
    }
    container
        .files
        .iter()
        .rfind(|(at, file, _)| *at <= now && file == path)
        .is_some_and(|(_, _, exists)| *exists)
}

/// Whether the script will still create or remove the probe's file.
fn file_changes_after(
    container: &ContainerRuntime,
    probe: &k8s_openapi::api::core::v1::Probe,
    now: Millis,
) -> bool {
    probes::watched_file(probe).is_some_and(|path| {
        container
            .files
            .iter()
            .any(|(at, file, _)| *at > now && file == path)
    })
}
