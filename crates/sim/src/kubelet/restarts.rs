//! A container's runs: start (logs, files and memory of its script, probe workers), exit
//! (OOM kills included), kills by a failed liveness or startup probe, and restarts with
//! the crash back-off.

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated,
};
use kubeplay_model::quantity::Quantity;

use super::backoff::go_duration;
use super::container_id::ContainerId;
use super::probes::{self, ProbeKind, Worker};
use kubeplay_model::Object;

use super::exec::Connections;
use super::script::{self, Program};
use super::{KubeletStep, Kubelets, environment, time_at, waiting};
use crate::api::{ApiServer, EventType};
use crate::clock::Millis;
use crate::dns::Resolver;
use crate::uid_key::UidKey;

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
        let Some(runtime) = self.pods.get_mut(&UidKey::new(uid)) else {
            return;
        };
        let total = runtime.containers.len();
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        let name = container.name.clone();
        if !container.logs.is_empty() || container.started_at_ms.is_some() {
            container.previous_logs = std::mem::take(&mut container.logs);
        }
        container.instance += 1;
        let instance = container.instance;
        container.container_id = if instance == 1 {
            ContainerId::from_digits(&api.rng.hex(64))
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
        let Some(spec) = super::container_spec(&api.store, &runtime.key, uid, container) else {
            return;
        };
        container.started = spec.startup_probe.is_none();
        container.ready = container.started && spec.readiness_probe.is_none();
        container.workers = ProbeKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let probe = kind.of(&spec)?;
                let phase = probes::phase_ms(uid, &name, kind, probe);
                Some(Worker::new(kind, probe, now, phase))
            })
            .collect();
        container.files.clear();
        container.running = None;
        container.settled_logs = 0;
        container.settled_files = 0;
        self.run_program(uid, index, api, schedule);
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
        // App containers and sidecars start one after another; a regular init container
        // must complete first (`computeInitContainerActions` in kuberuntime).
        let gates_next = self
            .pods
            .get(&UidKey::new(uid))
            .and_then(|r| r.containers.get(index))
            .is_some_and(|c| c.init && !c.sidecar);
        if !gates_next {
            self.start_next(uid, index, total, api, schedule);
        }
    }

    /// Runs (or, after a pause, continues) the container's program: its log, files and exit
    /// from its last checkpoint on. A program that asks the cluster something later than now
    /// (a request or a DNS lookup in a polling loop) pauses there and resumes then, so it
    /// sees the cluster as it is at each moment.
    pub(super) fn run_program(
        &mut self,
        uid: &str,
        index: usize,
        api: &mut ApiServer,
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
        let Program::Run(script) = &container.program else {
            return;
        };
        let Some(Object::Pod(pod)) = api.store.get(&runtime.key) else {
            return;
        };
        let pod_ip = runtime.ip.as_deref();
        let started = container.started_at_ms.unwrap_or(now);
        let instance = container.instance;
        let Some(spec) = container.spec(pod) else {
            return;
        };
        let limit = memory_limit(&spec);
        let spec: &Container = &spec;
        let mut running = container.running.take().unwrap_or_else(|| {
            Box::new(script::Running::start(
                script,
                &environment::variables(pod, spec, pod_ip, &api.store),
                environment::filesystem(pod, spec, pod_ip, &runtime.empty_dirs, &api.store),
                spec.image.as_deref().unwrap_or_default(),
            ))
        });
        // Each run's requests draw from their own source: the container's run and how many
        // requests it made before.
        let connections =
            Connections::keyed(format!("{}.{instance}", spec.name), running.requests());
        let run = running.run(script::Context {
            start: api.clock.timestamp_at(started),
            start_ms: started,
            hostname: environment::hostname(pod),
            pod,
            dns: Resolver::of_pod(&api.store, pod),
            now: now - started,
            connections: &connections,
        });
        running.set_requests(connections.made());
        environment::keep_empty_dirs(pod, spec, &run.fs, &mut runtime.empty_dirs);
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        let stamp = |lines: Vec<(Millis, String)>| {
            lines
                .into_iter()
                .map(move |(offset, line)| (started + offset, line))
        };
        container.logs.truncate(container.settled_logs);
        container.logs.extend(stamp(run.settled_logs));
        if container.logs.len() > script::MAX_LOG_LINES {
            // The log rotates: the oldest lines go.
            let excess = container.logs.len() - script::MAX_LOG_LINES;
            container.logs.drain(..excess);
        }
        container.settled_logs = container.logs.len();
        container.logs.extend(stamp(run.pending_logs));
        let stamp_files = |files: Vec<(Millis, String, bool)>| {
            files
                .into_iter()
                .map(move |(offset, path, exists)| (started + offset, path, exists))
        };
        container.files.truncate(container.settled_files);
        container.files.extend(stamp_files(run.settled_files));
        container.settled_files = container.files.len();
        container.files.extend(stamp_files(run.pending_files));
        // The servers it reached write their access logs; the page draws its requests.
        let served = connections.take_served();
        let sent = connections.take_sent();
        if let Some(offset) = run.resume_at {
            container.running = Some(running);
            let delay = (started + offset).saturating_sub(now).max(1);
            schedule(
                delay,
                KubeletStep::Resume {
                    container: index,
                    instance,
                },
                epoch,
            );
        }
        self.write_served(served, now);
        self.record_traffic(sent);
        if run.resume_at.is_some() {
            return;
        }
        let gone = self
            .pods
            .get(&UidKey::new(uid))
            .and_then(|runtime| runtime.containers.get(index))
            .is_none();
        if gone {
            return;
        }
        let oom = run
            .memory
            .iter()
            .find(|(_, bytes)| limit.is_some_and(|limit| *bytes > limit))
            .map(|(offset, _)| *offset);
        let exit = match (oom, run.exit) {
            (Some(at), exit) if exit.is_none_or(|(end, _)| at < end) => Some((
                at + self.jitter(uid, api, OOM_KILL_DELAY_MS.0, OOM_KILL_DELAY_MS.1),
                137,
                true,
            )),
            (_, Some((at, code))) => Some((at, code, false)),
            _ => None,
        };
        if let Some((at, code, oom_killed)) = exit {
            schedule(
                (started + at).saturating_sub(now).max(1),
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
        let Some(runtime) = self.pods.get_mut(&UidKey::new(uid)) else {
            return;
        };
        let epoch = runtime.epoch;
        let total = runtime.containers.len();
        let pod_policy = runtime.restart_policy.clone();
        let pod_name = runtime.key.name.clone();
        let namespace = runtime.key.namespace.clone();
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        // A sidecar always restarts; a regular init container restarts on failure unless
        // the pod's policy is Never; app containers follow the pod's policy.
        let restart = match (container.init, container.sidecar, pod_policy.as_str()) {
            (_, true, _) => true,
            (true, false, "Never") => false,
            (true, false, _) => code != 0,
            (false, _, "Never") => false,
            (false, _, "OnFailure") => code != 0,
            _ => true,
        };
        let init_completed = container.init && !container.sidecar && code == 0;
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
                container_id: Some(container.container_id.text()),
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
            // The next container starts at the sync after the kubelet notices the exit.
            if init_completed && index + 1 < total {
                let delay = self.jitter(uid, api, RESTART_DELAY_MS.0, RESTART_DELAY_MS.1);
                schedule(
                    delay,
                    KubeletStep::Start {
                        container: index + 1,
                    },
                    epoch,
                );
            }
            return;
        }
        match container.crash_back_off.wait(now) {
            None => {
                // Outside back-off the kubelet restarts at its next sync; until then the
                // status shows the exit.
                container.state = terminated;
                self.write_status(uid, api);
                let restart_delay = self.jitter(uid, api, RESTART_DELAY_MS.0, RESTART_DELAY_MS.1);
                schedule(
                    restart_delay,
                    KubeletStep::Restart { container: index },
                    epoch,
                );
            }
            Some(back_off) => {
                let name = container.name.clone();
                let message = format!(
                    "back-off {} restarting failed container={name} pod={pod_name}_{namespace}({uid})",
                    go_duration(back_off)
                );
                container.last_state = Some(Box::new(terminated));
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
            .get_mut(&UidKey::new(uid))
            .and_then(|r| r.containers.get_mut(index))
        else {
            return;
        };
        if container.state.terminated.is_some() {
            container.last_state = Some(Box::new(container.state.clone()));
        }
        let finished = container.finished_at_ms.unwrap_or(now);
        container.crash_back_off.restarted(finished, now);
        container.restart_count += 1;
        self.start_container(uid, index, api, schedule);
    }

    /// Starts the container after `index` if it has not started yet.
    fn start_next(
        &mut self,
        uid: &str,
        index: usize,
        total: usize,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let next_waiting = self
            .pods
            .get(&UidKey::new(uid))
            .and_then(|r| r.containers.get(index + 1))
            .is_some_and(|c| c.started_at_ms.is_none());
        if index + 1 < total && next_waiting {
            self.start_container(uid, index + 1, api, schedule);
        }
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
        let settle = self.jitter(uid, api, 200, 800);
        let Some(runtime) = self.pods.get_mut(&UidKey::new(uid)) else {
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
        let grace = super::container_spec(&api.store, &runtime.key, uid, container)
            .and_then(|spec| kind.of(&spec)?.termination_grace_period_seconds)
            .and_then(|s| u64::try_from(s).ok())
            .unwrap_or(pod_grace);
        let (seconds, code) = container.on_stop.outcome(grace);
        let name = container.name.clone();
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
pub(super) fn restarted_container_id(uid: &str, index: usize, instance: u64) -> ContainerId {
    let mut rng = crate::rng::SimRng::keyed(&format!("{uid}/{index}/{instance}"));
    ContainerId::from_digits(&rng.hex(64))
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
