//! A container's runs: start (logs, files and memory of its script, probe workers), exit
//! (OOM kills included), kills by a failed liveness or startup probe, and restarts with
//! the crash back-off.

use k8s_openapi::api::core::v1::{ContainerState, ContainerStateRunning, ContainerStateTerminated};
use kubeplay_model::quantity::Quantity;

use super::backoff::go_duration;
use super::probes::{self, ProbeKind, Worker};
use super::script::{self, Program};
use super::{KubeletStep, Kubelets, busybox_date, time_at, waiting};
use crate::api::{ApiServer, EventType};
use crate::clock::Millis;

/// The kernel's OOM killer and containerd's report take a moment after the allocation.
const OOM_KILL_DELAY_MS: (Millis, Millis) = (100, 400);
/// After an exit outside back-off the kubelet notices (PLEG relist, 1 s) and restarts.
const RESTART_DELAY_MS: (Millis, Millis) = (400, 1200);

impl Kubelets {
    pub(super) fn started(
        &mut self,
        uid: &str,
        index: usize,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let now = api.clock.now_ms();
        let Some(runtime) = self.pods.get_mut(uid) else {
            return;
        };
        let epoch = runtime.epoch;
        let total = runtime.containers.len();
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        let name = container.container.name.clone();
        if !container.logs.is_empty() || container.started_at_ms.is_some() {
            container.previous_logs = std::mem::take(&mut container.logs);
        }
        container.instance += 1;
        let instance = container.instance;
        container.container_id = if instance == 1 {
            format!("containerd://{}", api.rng.hex(64))
        } else {
            restarted_container_id(uid, index, instance)
        };
        container.started_at_ms = Some(now);
        container.killing = false;
        container.state = ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(time_at(api, now)),
            }),
            ..ContainerState::default()
        };
        container.started = container.container.startup_probe.is_none();
        container.ready = container.started && container.container.readiness_probe.is_none();
        container.workers = ProbeKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let probe = kind.of(&container.container)?;
                let phase = probes::phase_ms(uid, &name, kind, probe);
                Some(Worker::new(kind, probe, now, phase))
            })
            .collect();
        container.files.clear();
        if let Program::Script(steps) = &container.program {
            let run = script::run(steps, u64::MAX / 4);
            container.logs = run
                .logs
                .into_iter()
                .map(|(offset, line)| {
                    let line = if line == script::DATE_LINE {
                        busybox_date(api.clock.timestamp_at(now + offset))
                    } else {
                        line
                    };
                    (now + offset, line)
                })
                .collect();
            container.files = run
                .files
                .into_iter()
                .map(|(offset, path, exists)| (now + offset, path, exists))
                .collect();
            let limit = memory_limit(&container.container);
            let oom = run
                .memory
                .iter()
                .find(|(_, bytes)| limit.is_some_and(|limit| *bytes > limit))
                .map(|(offset, _)| *offset);
            let exit = match (oom, run.exit) {
                (Some(at), exit) if exit.is_none_or(|(end, _)| at < end) => Some((
                    at + api.rng.between(OOM_KILL_DELAY_MS.0, OOM_KILL_DELAY_MS.1),
                    137,
                    true,
                )),
                (_, Some((at, code))) => Some((at, code, false)),
                _ => None,
            };
            if let Some((at, code, oom_killed)) = exit {
                schedule(
                    at.max(1),
                    KubeletStep::Exited {
                        container: index,
                        instance,
                        code,
                        oom_killed,
                    },
                    epoch,
                );
            }
        }
        self.schedule_probes(uid, index, api, schedule);
        self.event(
            uid,
            Some(index),
            EventType::Normal,
            "Created",
            format!("Created container: {name}"),
            api,
        );
        self.event(
            uid,
            Some(index),
            EventType::Normal,
            "Started",
            format!("Started container {name}"),
            api,
        );
        self.write_status(uid, api);
        let next_waiting = self
            .pods
            .get(uid)
            .and_then(|r| r.containers.get(index + 1))
            .is_some_and(|c| c.started_at_ms.is_none());
        if index + 1 < total && next_waiting {
            self.start_container(uid, index + 1, api, schedule);
        }
    }

    /// A run ended: the container restarts at once, after its back-off, or not at all
    /// (restartPolicy).
    pub(super) fn exited(
        &mut self,
        uid: &str,
        (index, instance): (usize, u64),
        code: i32,
        oom_killed: bool,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let now = api.clock.now_ms();
        let Some(runtime) = self.pods.get_mut(uid) else {
            return;
        };
        let epoch = runtime.epoch;
        let restart = match runtime.restart_policy.as_str() {
            "Never" => false,
            "OnFailure" => code != 0,
            _ => true,
        };
        let pod_name = runtime.key.name.clone();
        let namespace = runtime.key.namespace.clone();
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        // A script that ends while a probe kill is under way exits only once.
        if container.instance != instance || container.state.running.is_none() {
            return;
        }
        let reason = match (oom_killed, code) {
            (true, _) => "OOMKilled",
            (false, 0) => "Completed",
            (false, _) => "Error",
        };
        let terminated = ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: code,
                reason: Some(reason.into()),
                started_at: container.started_at_ms.map(|ms| time_at(api, ms)),
                finished_at: Some(time_at(api, now)),
                container_id: Some(container.container_id.clone()),
                ..ContainerStateTerminated::default()
            }),
            ..ContainerState::default()
        };
        container.ready = false;
        container.started = false;
        container.killing = false;
        container.finished_at_ms = Some(now);
        if !restart {
            container.state = terminated;
            self.write_status(uid, api);
            return;
        }
        match container.crash_back_off.wait(now) {
            None => {
                // Outside back-off the kubelet restarts at its next sync; until then the
                // status shows the exit.
                container.state = terminated;
                self.write_status(uid, api);
                let restart_delay = api.rng.between(RESTART_DELAY_MS.0, RESTART_DELAY_MS.1);
                schedule(
                    restart_delay,
                    KubeletStep::Restart { container: index },
                    epoch,
                );
            }
            Some(back_off) => {
                let name = container.container.name.clone();
                let message = format!(
                    "back-off {} restarting failed container={name} pod={pod_name}_{namespace}({uid})",
                    go_duration(back_off)
                );
                container.last_state = Some(terminated);
                container.state = waiting("CrashLoopBackOff", Some(message));
                self.write_status(uid, api);
                self.event(
                    uid,
                    Some(index),
                    EventType::Warning,
                    "BackOff",
                    format!(
                        "Back-off restarting failed container {name} in pod {pod_name}_{namespace}({uid})"
                    ),
                    api,
                );
                schedule(back_off, KubeletStep::Restart { container: index }, epoch);
            }
        }
    }

    pub(super) fn restart(
        &mut self,
        uid: &str,
        index: usize,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let now = api.clock.now_ms();
        let Some(container) = self
            .pods
            .get_mut(uid)
            .and_then(|r| r.containers.get_mut(index))
        else {
            return;
        };
        if container.state.terminated.is_some() {
            container.last_state = Some(container.state.clone());
        }
        let finished = container.finished_at_ms.unwrap_or(now);
        container.crash_back_off.restarted(finished, now);
        container.restart_count += 1;
        self.start_container(uid, index, api, schedule);
    }

    /// Kills a container whose liveness or startup probe failed: `Killing`, then SIGTERM
    /// and, for a process that ignores it (a shell), SIGKILL after the grace period.
    pub(super) fn kill(
        &mut self,
        uid: &str,
        index: usize,
        kind: ProbeKind,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let settle = api.rng.between(200, 800);
        let Some(runtime) = self.pods.get_mut(uid) else {
            return;
        };
        let epoch = runtime.epoch;
        let pod_grace = runtime.grace_seconds;
        // shouldRestartOnFailure: only then does the message promise a restart.
        let restarts = runtime.restart_policy != "Never";
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        container.killing = true;
        let grace = kind
            .of(&container.container)
            .and_then(|p| p.termination_grace_period_seconds)
            .and_then(|s| u64::try_from(s).ok())
            .unwrap_or(pod_grace);
        let (seconds, code) = if container.stop_seconds <= grace {
            (container.stop_seconds, 0)
        } else {
            (grace, 137)
        };
        let name = container.container.name.clone();
        let instance = container.instance;
        schedule(
            seconds * 1000 + settle,
            KubeletStep::Exited {
                container: index,
                instance,
                code,
                oom_killed: false,
            },
            epoch,
        );
        self.event(
            uid,
            Some(index),
            EventType::Normal,
            "Killing",
            format!(
                "Container {name} failed {} probe{}",
                kind.name(),
                if restarts { ", will be restarted" } else { "" }
            ),
            api,
        );
    }
}

/// A restarted container's ID, derived from the pod, the container and the run number
/// rather than drawn from the cluster's RNG, so that a crash loop stays periodic.
pub(super) fn restarted_container_id(uid: &str, index: usize, instance: u64) -> String {
    let mut rng = crate::rng::SimRng::keyed(&format!("{uid}/{index}/{instance}"));
    format!("containerd://{}", rng.hex(64))
}

/// The container's memory limit in bytes, if it has one.
fn memory_limit(container: &k8s_openapi::api::core::v1::Container) -> Option<u64> {
    let limit = container
        .resources
        .as_ref()?
        .limits
        .as_ref()?
        .get("memory")?;
    u64::try_from(Quantity::parse(&limit.0)?.value()).ok()
}
