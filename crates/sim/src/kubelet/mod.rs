//! The simulated kubelets of every node: they take pods the scheduler bound, pull images
//! (with a per-node cache), start containers, run their scripts in virtual time, restart
//! them with back-off, report readiness, and terminate pods gracefully — writing pod status
//! and the Events real kubelets emit.

pub mod exec;
pub mod images;
pub mod script;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, HostIP, Pod, PodIP,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey};

use crate::api::{ApiServer, EventRecord, EventType};
use crate::clock::Millis;
use crate::controllers::scheduler::set_pod_condition;
use images::DefaultBehaviour;
use script::Program;

/// A step of a pod's lifecycle, scheduled on the virtual clock.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KubeletStep {
    Sync,
    SandboxReady,
    Pulled { container: usize },
    PullFailed { container: usize },
    PullRetry { container: usize },
    Started { container: usize },
    Exited { container: usize, code: i32 },
    Restart { container: usize },
    Ready { container: usize },
    Stopped,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubeletTimer {
    pub pod_uid: String,
    pub epoch: u64,
    pub step: KubeletStep,
}

#[derive(Clone, Debug)]
struct ContainerRuntime {
    container: Container,
    program: Program,
    stop_seconds: u64,
    state: ContainerState,
    last_state: Option<ContainerState>,
    restart_count: i32,
    ready: bool,
    started_at_ms: Option<Millis>,
    logs: Vec<(Millis, String)>,
    previous_logs: Vec<(Millis, String)>,
    back_off_ms: Millis,
    container_id: String,
    pull_started_ms: Millis,
}

#[derive(Clone, Debug)]
struct PodRuntime {
    key: ObjectKey,
    node: String,
    epoch: u64,
    ip: Option<String>,
    containers: Vec<ContainerRuntime>,
    restart_policy: String,
    terminating: bool,
}

/// Kubelet back-off for crashing containers and failing pulls.
const BACK_OFF_INITIAL_MS: Millis = 10_000;
const BACK_OFF_MAX_MS: Millis = 300_000;
/// Pull throughput of the simulated registry.
const PULL_BYTES_PER_SECOND: u64 = 20_000_000;

#[derive(Default)]
pub struct Kubelets {
    pods: HashMap<String, PodRuntime>,
    /// Images present on each node (kind nodes come with the control-plane images).
    images: HashMap<String, BTreeSet<String>>,
    next_ip: HashMap<String, u32>,
}

fn waiting(reason: &str, message: Option<String>) -> ContainerState {
    ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: Some(reason.into()),
            message,
        }),
        ..ContainerState::default()
    }
}

fn time_at(api: &ApiServer, ms: Millis) -> Time {
    Time(
        jiff::Timestamp::from_second(api.clock.timestamp_at(ms).as_second())
            .unwrap_or(api.clock.now()),
    )
}

impl Kubelets {
    pub fn preload_image(&mut self, node: &str, image: &str) {
        if let Ok(info) = images::lookup(image) {
            self.images
                .entry(node.to_string())
                .or_default()
                .insert(info.reference);
        }
    }

    /// Reacts to a pod change seen through the watch.
    pub fn observe(
        &mut self,
        pod: &Pod,
        api: &mut ApiServer,
        timers: &mut Vec<(Millis, KubeletTimer)>,
    ) {
        let uid = pod.metadata.uid_str().to_string();
        let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
            return;
        };
        if !self.pods.contains_key(&uid) {
            if pod.metadata.is_deleting() {
                api.remove_pod(&pod_key(pod));
                return;
            }
            let runtime = self.new_runtime(pod, &node);
            self.pods.insert(uid.clone(), runtime);
            let delay = api.rng.between(100, 400);
            timers.push((
                delay,
                KubeletTimer {
                    pod_uid: uid,
                    epoch: 0,
                    step: KubeletStep::Sync,
                },
            ));
            return;
        }
        if pod.metadata.is_deleting() {
            self.begin_termination(&uid, pod, api, timers);
        }
    }

    pub fn forget(&mut self, uid: &str) {
        self.pods.remove(uid);
    }

    /// Re-posts a pod's status from what the kubelet knows (its node is back).
    pub fn resync_status(&self, uid: &str, api: &mut ApiServer) {
        self.write_status(uid, api);
    }

    fn new_runtime(&self, pod: &Pod, node: &str) -> PodRuntime {
        let spec = pod.spec.clone().unwrap_or_default();
        let containers = spec
            .containers
            .iter()
            .map(|container| {
                let info = images::lookup(container.image.as_deref().unwrap_or_default());
                let exits = info
                    .as_ref()
                    .is_ok_and(|i| i.behaviour == DefaultBehaviour::ExitsImmediately);
                let program = script::program(
                    container.command.as_deref().unwrap_or_default(),
                    container.args.as_deref().unwrap_or_default(),
                    exits,
                );
                let stop_seconds = match &program {
                    Program::Serve => info.as_ref().map_or(0, |i| i.stop_seconds),
                    Program::Script(_) => u64::MAX,
                };
                ContainerRuntime {
                    container: container.clone(),
                    program,
                    stop_seconds,
                    state: waiting("ContainerCreating", None),
                    last_state: None,
                    restart_count: 0,
                    ready: false,
                    started_at_ms: None,
                    logs: Vec::new(),
                    previous_logs: Vec::new(),
                    back_off_ms: BACK_OFF_INITIAL_MS,
                    container_id: String::new(),
                    pull_started_ms: 0,
                }
            })
            .collect();
        PodRuntime {
            key: pod_key(pod),
            node: node.to_string(),
            epoch: 0,
            ip: None,
            containers,
            restart_policy: spec.restart_policy.unwrap_or_else(|| "Always".into()),
            terminating: false,
        }
    }

    /// Handles a scheduled step; stale steps (from before a termination) are ignored.
    pub fn step(
        &mut self,
        timer: KubeletTimer,
        api: &mut ApiServer,
        timers: &mut Vec<(Millis, KubeletTimer)>,
    ) {
        let Some(runtime) = self.pods.get(&timer.pod_uid) else {
            return;
        };
        if runtime.epoch != timer.epoch {
            return;
        }
        let uid = timer.pod_uid.clone();
        let mut schedule = |delay: Millis, step: KubeletStep, epoch: u64| {
            timers.push((
                delay,
                KubeletTimer {
                    pod_uid: uid.clone(),
                    epoch,
                    step,
                },
            ))
        };
        let epoch = runtime.epoch;
        match timer.step {
            KubeletStep::Sync => {
                self.write_status(&timer.pod_uid, api);
                let delay = api.rng.between(600, 1400);
                schedule(delay, KubeletStep::SandboxReady, epoch);
            }
            KubeletStep::SandboxReady => {
                let ip = self.allocate_ip(&timer.pod_uid, api);
                if let Some(runtime) = self.pods.get_mut(&timer.pod_uid) {
                    runtime.ip = ip;
                }
                self.start_container(&timer.pod_uid, 0, api, &mut schedule);
            }
            KubeletStep::Pulled { container } => {
                self.pulled(&timer.pod_uid, container, api);
                let delay = api.rng.between(80, 250);
                schedule(delay, KubeletStep::Started { container }, epoch);
            }
            KubeletStep::PullFailed { container } => {
                self.pull_failed(&timer.pod_uid, container, api, &mut schedule)
            }
            KubeletStep::PullRetry { container } => {
                self.start_container(&timer.pod_uid, container, api, &mut schedule)
            }
            KubeletStep::Started { container } => {
                self.started(&timer.pod_uid, container, api, &mut schedule)
            }
            KubeletStep::Exited { container, code } => {
                self.exited(&timer.pod_uid, container, code, api, &mut schedule)
            }
            KubeletStep::Restart { container } => {
                if let Some(c) = self
                    .pods
                    .get_mut(&timer.pod_uid)
                    .and_then(|r| r.containers.get_mut(container))
                {
                    c.restart_count += 1;
                }
                self.start_container(&timer.pod_uid, container, api, &mut schedule);
            }
            KubeletStep::Ready { container } => {
                if let Some(c) = self
                    .pods
                    .get_mut(&timer.pod_uid)
                    .and_then(|r| r.containers.get_mut(container))
                {
                    if c.state.running.is_some() {
                        c.ready = true;
                    }
                }
                self.write_status(&timer.pod_uid, api);
            }
            KubeletStep::Stopped => {
                if let Some(runtime) = self.pods.remove(&timer.pod_uid) {
                    api.remove_pod(&runtime.key);
                }
            }
        }
    }

    fn event(
        &self,
        uid: &str,
        container: Option<usize>,
        event_type: EventType,
        reason: &'static str,
        message: String,
        api: &mut ApiServer,
    ) {
        let Some(runtime) = self.pods.get(uid) else {
            return;
        };
        let field_path = container
            .and_then(|i| runtime.containers.get(i))
            .map(|c| format!("spec.containers{{{}}}", c.container.name));
        api.record_event(EventRecord {
            regarding: runtime.key.clone(),
            event_type,
            reason,
            message,
            component: "kubelet",
            host: Some(runtime.node.clone()),
            field_path,
        });
    }

    fn start_container(
        &mut self,
        uid: &str,
        index: usize,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let Some(runtime) = self.pods.get(uid) else {
            return;
        };
        let Some(container) = runtime.containers.get(index) else {
            return;
        };
        let epoch = runtime.epoch;
        let image = container.container.image.clone().unwrap_or_default();
        let policy = container
            .container
            .image_pull_policy
            .clone()
            .unwrap_or_else(|| "IfNotPresent".into());
        let info = images::lookup(&image);
        let present = info.as_ref().is_ok_and(|i| {
            self.images
                .get(&runtime.node)
                .is_some_and(|set| set.contains(&i.reference))
        });
        if present && policy != "Always" {
            self.event(
                uid,
                Some(index),
                EventType::Normal,
                "Pulled",
                format!("Container image {image:?} already present on machine"),
                api,
            );
            let delay = api.rng.between(80, 250);
            schedule(delay, KubeletStep::Started { container: index }, epoch);
            return;
        }
        if policy == "Never" && !present {
            self.set_waiting(
                uid,
                index,
                "ErrImageNeverPull",
                Some(format!(
                    "Container image {image:?} is not present with pull policy of Never"
                )),
            );
            self.event(
                uid,
                Some(index),
                EventType::Warning,
                "ErrImageNeverPull",
                format!("Container image {image:?} is not present with pull policy of Never"),
                api,
            );
            self.write_status(uid, api);
            return;
        }
        self.event(
            uid,
            Some(index),
            EventType::Normal,
            "Pulling",
            format!("Pulling image {image:?}"),
            api,
        );
        let pull_started = api.clock.now_ms();
        if let Some(c) = self
            .pods
            .get_mut(uid)
            .and_then(|r| r.containers.get_mut(index))
        {
            c.pull_started_ms = pull_started;
        }
        match info {
            Ok(info) => {
                let cached = present;
                let base = if cached {
                    300
                } else {
                    info.size_bytes * 1000 / PULL_BYTES_PER_SECOND
                };
                let delay = base + api.rng.between(200, 900);
                schedule(delay, KubeletStep::Pulled { container: index }, epoch);
            }
            Err(_) => {
                let delay = api.rng.between(800, 2000);
                schedule(delay, KubeletStep::PullFailed { container: index }, epoch);
            }
        }
    }

    fn pulled(&mut self, uid: &str, index: usize, api: &mut ApiServer) {
        let Some(runtime) = self.pods.get(uid) else {
            return;
        };
        let Some(container) = runtime.containers.get(index) else {
            return;
        };
        let image = container.container.image.clone().unwrap_or_default();
        let Ok(info) = images::lookup(&image) else {
            return;
        };
        let node = runtime.node.clone();
        let size = info.size_bytes;
        let seconds = api.clock.now_ms().saturating_sub(container.pull_started_ms) as f64 / 1000.0;
        self.images.entry(node).or_default().insert(info.reference);
        let message = format!(
            "Successfully pulled image {image:?} in {seconds:.3}s ({seconds:.3}s including waiting). Image size: {size} bytes."
        );
        self.event(uid, Some(index), EventType::Normal, "Pulled", message, api);
    }

    fn pull_failed(
        &mut self,
        uid: &str,
        index: usize,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let Some(runtime) = self.pods.get_mut(uid) else {
            return;
        };
        let epoch = runtime.epoch;
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        let image = container.container.image.clone().unwrap_or_default();
        let error = images::lookup(&image).err().unwrap_or_default();
        let back_off = container.back_off_ms;
        container.back_off_ms = (back_off * 2).min(BACK_OFF_MAX_MS);
        container.state = waiting(
            "ImagePullBackOff",
            Some(format!(
                "Back-off pulling image {image:?}: ErrImagePull: {error}"
            )),
        );
        self.event(
            uid,
            Some(index),
            EventType::Warning,
            "Failed",
            format!("Failed to pull image {image:?}: {error}"),
            api,
        );
        self.event(
            uid,
            Some(index),
            EventType::Warning,
            "Failed",
            "Error: ErrImagePull".into(),
            api,
        );
        self.event(
            uid,
            Some(index),
            EventType::Normal,
            "BackOff",
            format!("Back-off pulling image {image:?}"),
            api,
        );
        self.event(
            uid,
            Some(index),
            EventType::Warning,
            "Failed",
            "Error: ImagePullBackOff".into(),
            api,
        );
        self.write_status(uid, api);
        schedule(back_off, KubeletStep::PullRetry { container: index }, epoch);
    }

    fn started(
        &mut self,
        uid: &str,
        index: usize,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let now = api.clock.now_ms();
        let container_id = format!("containerd://{}", api.rng.hex(64));
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
        container.container_id = container_id;
        container.started_at_ms = Some(now);
        container.state = ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(time_at(api, now)),
            }),
            ..ContainerState::default()
        };
        let readiness_delay = container
            .container
            .readiness_probe
            .as_ref()
            .map(|p| u64::try_from(p.initial_delay_seconds.unwrap_or(0)).unwrap_or(0) * 1000);
        match readiness_delay {
            None => container.ready = true,
            Some(delay) => schedule(delay + 500, KubeletStep::Ready { container: index }, epoch),
        }
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
            if let Some((at, code)) = run.exit {
                schedule(
                    at.max(1),
                    KubeletStep::Exited {
                        container: index,
                        code,
                    },
                    epoch,
                );
            }
        }
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

    fn exited(
        &mut self,
        uid: &str,
        index: usize,
        code: i32,
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
        let terminated = ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: code,
                reason: Some(if code == 0 { "Completed" } else { "Error" }.into()),
                started_at: container.started_at_ms.map(|ms| time_at(api, ms)),
                finished_at: Some(time_at(api, now)),
                container_id: Some(container.container_id.clone()),
                ..ContainerStateTerminated::default()
            }),
            ..ContainerState::default()
        };
        container.ready = false;
        if restart {
            let back_off = container.back_off_ms;
            container.back_off_ms = (back_off * 2).min(BACK_OFF_MAX_MS);
            container.last_state = Some(terminated);
            let name = container.container.name.clone();
            let message = format!(
                "back-off {}s restarting failed container={name} pod={pod_name}_{namespace}({uid})",
                back_off / 1000
            );
            container.state = waiting("CrashLoopBackOff", Some(message));
            self.write_status(uid, api);
            self.event(uid, Some(index), EventType::Warning, "BackOff", format!("Back-off restarting failed container {name} in pod {pod_name}_{namespace}({uid})"), api);
            schedule(back_off, KubeletStep::Restart { container: index }, epoch);
        } else {
            container.state = terminated;
            self.write_status(uid, api);
        }
    }

    fn set_waiting(&mut self, uid: &str, index: usize, reason: &str, message: Option<String>) {
        if let Some(c) = self
            .pods
            .get_mut(uid)
            .and_then(|r| r.containers.get_mut(index))
        {
            c.state = waiting(reason, message);
        }
    }

    fn begin_termination(
        &mut self,
        uid: &str,
        pod: &Pod,
        api: &mut ApiServer,
        timers: &mut Vec<(Millis, KubeletTimer)>,
    ) {
        let Some(runtime) = self.pods.get_mut(uid) else {
            return;
        };
        if runtime.terminating {
            return;
        }
        runtime.terminating = true;
        runtime.epoch += 1;
        let grace =
            u64::try_from(pod.metadata.deletion_grace_period_seconds.unwrap_or(30)).unwrap_or(30);
        let running: Vec<(usize, String, u64)> = runtime
            .containers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.state.running.is_some())
            .map(|(i, c)| (i, c.container.name.clone(), c.stop_seconds))
            .collect();
        let epoch = runtime.epoch;
        for (index, name, _) in &running {
            self.event(
                uid,
                Some(*index),
                EventType::Normal,
                "Killing",
                format!("Stopping container {name}"),
                api,
            );
        }
        let stop_seconds = running
            .iter()
            .map(|(_, _, s)| *s)
            .max()
            .unwrap_or(0)
            .min(grace);
        let delay = stop_seconds * 1000 + api.rng.between(300, 900);
        timers.push((
            delay,
            KubeletTimer {
                pod_uid: uid.to_string(),
                epoch,
                step: KubeletStep::Stopped,
            },
        ));
    }

    fn allocate_ip(&mut self, uid: &str, api: &ApiServer) -> Option<String> {
        let runtime = self.pods.get(uid)?;
        let pod = api.store.get(&runtime.key)?;
        let Object::Pod(pod) = pod else { return None };
        let node = api
            .store
            .get(&ObjectKey::cluster(Kind::Node, &runtime.node))?;
        let Object::Node(node) = node else {
            return None;
        };
        if pod
            .spec
            .as_ref()
            .and_then(|s| s.host_network)
            .unwrap_or(false)
        {
            return node_ip(node);
        }
        let cidr = node
            .spec
            .as_ref()
            .and_then(|s| s.pod_cidr.clone())
            .unwrap_or_else(|| "10.244.0.0/24".into());
        let base = cidr
            .split('/')
            .next()
            .unwrap_or("10.244.0.0")
            .rsplit_once('.')
            .map(|(prefix, _)| prefix.to_string())
            .unwrap_or_default();
        let counter = self.next_ip.entry(runtime.node.clone()).or_insert(2);
        let ip = format!("{base}.{counter}");
        *counter = if *counter >= 254 { 2 } else { *counter + 1 };
        Some(ip)
    }

    /// Container log lines written up to now (`previous`: the last terminated instance's).
    pub fn logs(
        &self,
        pod_uid: &str,
        container: Option<&str>,
        previous: bool,
        now: Millis,
    ) -> Option<Vec<String>> {
        let runtime = self.pods.get(pod_uid)?;
        let container = match container {
            Some(name) => runtime
                .containers
                .iter()
                .find(|c| c.container.name == name)?,
            None => runtime.containers.first()?,
        };
        let lines = if previous {
            &container.previous_logs
        } else {
            &container.logs
        };
        Some(
            lines
                .iter()
                .filter(|(at, _)| *at <= now)
                .map(|(_, line)| line.clone())
                .collect(),
        )
    }

    /// What `kubectl exec … -- curl http://localhost:PORT` returns from a running container.
    pub fn environment(
        &self,
        pod_uid: &str,
        container: Option<&str>,
    ) -> Option<BTreeMap<String, String>> {
        let runtime = self.pods.get(pod_uid)?;
        let container = match container {
            Some(name) => runtime
                .containers
                .iter()
                .find(|c| c.container.name == name)?,
            None => runtime.containers.first()?,
        };
        container.state.running.as_ref()?;
        Some(
            container
                .container
                .env
                .iter()
                .flatten()
                .filter_map(|e| e.value.clone().map(|v| (e.name.clone(), v)))
                .collect(),
        )
    }

    /// Builds the pod status from the runtime and writes it through the API.
    fn write_status(&self, uid: &str, api: &mut ApiServer) {
        let Some(runtime) = self.pods.get(uid) else {
            return;
        };
        let Some(Object::Pod(pod)) = api.store.get(&runtime.key).cloned() else {
            return;
        };
        let node_ip = match api
            .store
            .get(&ObjectKey::cluster(Kind::Node, &runtime.node))
        {
            Some(Object::Node(node)) => node_ip(node),
            _ => None,
        };
        let now = api.clock.now_time();
        let mut status = pod.status.clone().unwrap_or_default();
        let statuses: Vec<ContainerStatus> = runtime
            .containers
            .iter()
            .map(|c| {
                let image = images::lookup(c.container.image.as_deref().unwrap_or_default())
                    .map(|i| i.reference)
                    .unwrap_or_default();
                let started = c.state.running.is_some();
                ContainerStatus {
                    name: c.container.name.clone(),
                    image: c.container.image.clone().unwrap_or_default(),
                    image_id: if c.container_id.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "{image}@sha256:{}",
                            &c.container_id[13..].chars().rev().collect::<String>()
                        )
                    },
                    container_id: (!c.container_id.is_empty()).then(|| c.container_id.clone()),
                    ready: c.ready,
                    restart_count: c.restart_count,
                    started: Some(started),
                    state: Some(c.state.clone()),
                    last_state: Some(c.last_state.clone().unwrap_or_default()),
                    ..ContainerStatus::default()
                }
            })
            .collect();
        let all_ready = runtime.containers.iter().all(|c| c.ready);
        let any_running = runtime.containers.iter().any(|c| {
            c.state.running.is_some()
                || c.state
                    .waiting
                    .as_ref()
                    .is_some_and(|w| w.reason.as_deref() == Some("CrashLoopBackOff"))
        });
        let all_terminated = runtime
            .containers
            .iter()
            .all(|c| c.state.terminated.is_some());
        let phase = if all_terminated {
            if runtime.containers.iter().all(|c| {
                c.state
                    .terminated
                    .as_ref()
                    .is_some_and(|t| t.exit_code == 0)
            }) {
                "Succeeded"
            } else {
                "Failed"
            }
        } else if any_running {
            "Running"
        } else {
            "Pending"
        };
        let conditions = status.conditions.get_or_insert_with(Vec::new);
        let sandbox = if runtime.ip.is_some() && !all_terminated {
            "True"
        } else {
            "False"
        };
        set_pod_condition(
            conditions,
            "PodReadyToStartContainers",
            sandbox,
            None,
            None,
            &now,
        );
        set_pod_condition(conditions, "Initialized", "True", None, None, &now);
        let not_ready: Vec<String> = runtime
            .containers
            .iter()
            .filter(|c| !c.ready)
            .map(|c| c.container.name.clone())
            .collect();
        let (ready, reason, message) = if all_ready {
            ("True", None, None)
        } else if all_terminated {
            ("False", Some("PodCompleted"), None)
        } else {
            (
                "False",
                Some("ContainersNotReady"),
                Some(format!(
                    "containers with unready status: [{}]",
                    not_ready.join(" ")
                )),
            )
        };
        set_pod_condition(conditions, "Ready", ready, reason, message.as_deref(), &now);
        set_pod_condition(
            conditions,
            "ContainersReady",
            ready,
            reason,
            message.as_deref(),
            &now,
        );
        set_pod_condition(conditions, "PodScheduled", "True", None, None, &now);
        let order = [
            "PodReadyToStartContainers",
            "Initialized",
            "Ready",
            "ContainersReady",
            "PodScheduled",
        ];
        conditions.sort_by_key(|c| {
            order
                .iter()
                .position(|o| *o == c.type_)
                .unwrap_or(order.len())
        });
        status.phase = Some(phase.into());
        status.container_statuses = Some(statuses);
        status.host_ip = node_ip.clone();
        status.host_ips = node_ip.map(|ip| vec![HostIP { ip }]);
        status.pod_ip = runtime.ip.clone();
        status.pod_ips = runtime.ip.clone().map(|ip| vec![PodIP { ip }]);
        status.start_time.get_or_insert(now);
        let mut updated = pod;
        updated.status = Some(status);
        let _ = api.update_status(Object::Pod(updated));
    }
}

fn pod_key(pod: &Pod) -> ObjectKey {
    ObjectKey::new(
        Kind::Pod,
        pod.metadata.namespace_str(),
        pod.metadata.name_str(),
    )
}

fn node_ip(node: &k8s_openapi::api::core::v1::Node) -> Option<String> {
    node.status
        .as_ref()?
        .addresses
        .as_ref()?
        .iter()
        .find(|a| a.type_ == "InternalIP")
        .map(|a| a.address.clone())
}

/// `date` as busybox prints it in a container (UTC): `Mon Jun  2 10:16:00 UTC 2025`.
fn busybox_date(at: jiff::Timestamp) -> String {
    jiff::fmt::strtime::format("%a %b %e %H:%M:%S UTC %Y", at).unwrap_or_default()
}
