//! The simulated kubelets of every node: they take pods the scheduler bound, pull images
//! (with a per-node cache), start containers, run their scripts in virtual time, probe
//! them, restart them with back-off, and terminate pods gracefully — writing pod status and
//! the Events real kubelets emit. One file per job: `pulls` (images), `restarts` (container
//! start, exit, kill and crash back-off), `prober` (probe ticks and the playground's probe
//! knob), `status` (pod status), `termination` (graceful pod termination).

mod backoff;
mod container_id;
mod environment;
pub mod exec;
pub mod images;
mod prober;
pub mod probes;
mod pulls;
mod restarts;
pub mod script;
mod status;
mod steady;
mod termination;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;
use k8s_openapi::api::core::v1::{Container, ContainerState, ContainerStateWaiting, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Pod};

use crate::api::{ApiServer, EventRecord, EventType};
use crate::clock::Millis;
use crate::rng::SimRng;
use crate::traffic::Traffic;
use crate::uid_key::UidKey;
use backoff::CrashBackOff;
use container_id::ContainerId;
use images::{DefaultBehaviour, OnStop};
pub use prober::ProbeOverrideError;
pub use probes::ProbeKind;
use script::Program;
pub use steady::RuntimeSnapshot;

/// A step of a pod's lifecycle, scheduled on the virtual clock. Steps about one run of a
/// container carry its `instance`, so that a restarted container ignores its
/// predecessor's.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KubeletStep {
    Sync,
    SandboxReady,
    Pulled {
        container: usize,
    },
    PullFailed {
        container: usize,
    },
    /// The pod worker's next sync of a container whose image pull failed.
    PullSync {
        container: usize,
    },
    Started {
        container: usize,
    },
    Exited {
        container: usize,
        instance: u64,
        code: i32,
        oom_killed: bool,
    },
    Restart {
        container: usize,
    },
    /// The first start of a container that waited for the init container before it.
    Start {
        container: usize,
    },
    /// A paused program goes on (it asked the cluster something at this moment).
    Resume {
        container: usize,
        instance: u64,
    },
    Probe {
        container: usize,
        instance: u64,
        kind: ProbeKind,
    },
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
    name: String,
    /// The image it was started from: the only field of a container's spec a pod update may
    /// change. The rest of the spec is read from the stored pod (`container_spec`), not
    /// copied: a copy cost 2.4 KB a pod.
    image: Option<String>,
    /// An init container (`spec.initContainers`); `sidecar` when it restarts always.
    init: bool,
    /// Where its spec is in its list (`spec.initContainers` or `spec.containers`).
    position: usize,
    sidecar: bool,
    program: Program,
    /// What its main process does on the stop signal.
    on_stop: OnStop,
    state: ContainerState,
    /// Boxed: most containers never restart, and a `ContainerState` is 208 bytes inline.
    last_state: Option<Box<ContainerState>>,
    restart_count: i32,
    ready: bool,
    /// The startup probe passed, or there is none (`containerStatus.started`).
    started: bool,
    /// Counts the container's runs; steps of an earlier run are stale.
    instance: u64,
    started_at_ms: Option<Millis>,
    finished_at_ms: Option<Millis>,
    logs: Vec<(Millis, String)>,
    previous_logs: Vec<(Millis, String)>,
    /// Files the running script creates (true) and removes (false), by time.
    files: Vec<(Millis, String, bool)>,
    /// The running script between resumes (see `script::Running`), while it may be resumed.
    running: Option<Box<script::Running>>,
    /// How many of `logs` and `files` are settled: a resumed run replaces the rest.
    settled_logs: usize,
    settled_files: usize,
    /// The prober workers of the current run.
    workers: Vec<probes::Worker>,
    /// Probes the playground made fail: they keep failing, across restarts, until fixed.
    failing: BTreeSet<ProbeKind>,
    /// A liveness or startup kill is under way.
    killing: bool,
    crash_back_off: CrashBackOff,
    /// The image pull back-off: its current length and when the last pull failed.
    pull_back_off: Option<(Millis, Millis)>,
    container_id: ContainerId,
    pull_started_ms: Millis,
}

#[derive(Clone, Debug)]
struct PodRuntime {
    key: ObjectKey,
    node: String,
    epoch: u64,
    ip: Option<String>,
    /// Init containers first, in order, then the app containers.
    containers: Vec<ContainerRuntime>,
    restart_policy: String,
    /// The pod has `imagePullSecrets`: private Docker Hub repositories are pulled.
    credentials: bool,
    /// What the containers wrote into the pod's `emptyDir` volumes.
    empty_dirs: environment::EmptyDirs,
    /// Where the pod's timings are drawn from when not from the cluster's source: every run
    /// of one CronJob draws the same, so its runs repeat exactly (see `cluster/turnover.rs`).
    /// Boxed: only a CronJob's runs have one, and a generator is 64 bytes inline.
    jitter: Option<Box<SimRng>>,
    /// `terminationGracePeriodSeconds`, for containers killed by a probe.
    grace_seconds: u64,
    terminating: bool,
}

/// Kubelet back-off for failing pulls.
const BACK_OFF_INITIAL_MS: Millis = 10_000;
const BACK_OFF_MAX_MS: Millis = 300_000;
/// Pull throughput of the simulated registry.
const PULL_BYTES_PER_SECOND: u64 = 20_000_000;

/// Pod IPs of a node's /24 go round from .2 to .254.
const FIRST_POD_IP: u32 = 2;
const LAST_POD_IP: u32 = 254;
const IP_RANGE: u32 = LAST_POD_IP - FIRST_POD_IP + 1;

#[derive(Clone, Default)]
pub struct Kubelets {
    /// Boxed: a runtime is 272 bytes, and a hash table is twice the size its entries need
    /// for a while after it grows — which pods coming and going make it do (its deleted
    /// slots count until it is rehashed) — so the table holds pointers, not runtimes.
    pods: HashMap<UidKey, Box<PodRuntime>>,
    /// Images present on each node (kind nodes come with the control-plane images).
    images: HashMap<String, BTreeSet<String>>,
    next_ip: HashMap<String, u32>,
    /// The requests the containers sent each other.
    traffic: Traffic,
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
    time_at_ms(&api.clock, ms)
}

/// A virtual instant as the whole-second time a container status records.
fn time_at_ms(clock: &crate::clock::Clock, ms: Millis) -> Time {
    Time(jiff::Timestamp::from_second(clock.timestamp_at(ms).as_second()).unwrap_or(clock.now()))
}

impl Kubelets {
    pub fn preload_image(&mut self, node: &str, image: &str) {
        if let Ok(info) = images::lookup(image, false) {
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
        if !self.pods.contains_key(&UidKey::new(&uid)) {
            if pod.metadata.is_deleting() {
                api.remove_pod(&pod_key(pod));
                return;
            }
            let mut runtime = self.new_runtime(pod, &node);
            runtime.jitter = cronjob_run_jitter(pod, api).map(Box::new);
            self.pods.insert(UidKey::new(&uid), Box::new(runtime));
            let delay = self.jitter(&uid, api, 100, 400);
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

    /// How many pods the kubelets run (or are terminating).
    pub fn pod_count(&self) -> usize {
        self.pods.len()
    }

    pub fn forget(&mut self, uid: &str) {
        self.pods.remove(&UidKey::new(uid));
    }

    /// The node a pod's kubelet runs it on; `None` for a pod no kubelet has taken up (or
    /// one it has let go), whose timers find nothing to do.
    pub fn node_of(&self, uid: &str) -> Option<&str> {
        self.pods
            .get(&UidKey::new(uid))
            .map(|runtime| runtime.node.as_str())
    }

    /// Re-posts a pod's status from what the kubelet knows (its node is back).
    pub fn resync_status(&self, uid: &str, api: &mut ApiServer) {
        self.write_status(uid, api);
    }

    fn new_runtime(&self, pod: &Pod, node: &str) -> PodRuntime {
        let no_spec = PodSpec::default();
        let spec = pod.spec.as_deref().unwrap_or(&no_spec);
        let credentials = spec
            .image_pull_secrets
            .as_ref()
            .is_some_and(|s| !s.is_empty());
        let init_containers = spec.init_containers.as_deref().unwrap_or_default();
        // With init containers every container waits as `PodInitializing` until it starts
        // (`convertToAPIContainerStatuses` in kubelet_pods.go).
        let initial_reason = if init_containers.is_empty() {
            "ContainerCreating"
        } else {
            "PodInitializing"
        };
        let containers = init_containers
            .iter()
            .enumerate()
            .map(|(position, c)| (c, true, position))
            .chain(
                spec.containers
                    .iter()
                    .enumerate()
                    .map(|(position, c)| (c, false, position)),
            )
            .map(|(container, init, position)| {
                let info =
                    images::lookup(container.image.as_deref().unwrap_or_default(), credentials);
                let exits = info
                    .as_ref()
                    .is_ok_and(|i| i.behaviour == DefaultBehaviour::ExitsImmediately);
                let image = container.image.as_deref().unwrap_or_default();
                let program = script::program(
                    container.command.as_deref().unwrap_or_default(),
                    container.args.as_deref().unwrap_or_default(),
                    exits,
                    |name| images::filesystems::contents(image).has_program(name),
                );
                let on_stop = match &program {
                    Program::Serve => info.as_ref().map_or(OnStop::Ignores, |i| i.on_stop),
                    // A shell or a busybox applet as PID 1 installs no SIGTERM handler.
                    Program::Run(_) => OnStop::Ignores,
                };
                ContainerRuntime {
                    name: container.name.clone(),
                    image: container.image.clone(),
                    init,
                    position,
                    sidecar: init && container.restart_policy.as_deref() == Some("Always"),
                    program,
                    on_stop,
                    state: waiting(initial_reason, None),
                    last_state: None,
                    restart_count: 0,
                    ready: false,
                    started: false,
                    instance: 0,
                    started_at_ms: None,
                    finished_at_ms: None,
                    logs: Vec::new(),
                    previous_logs: Vec::new(),
                    files: Vec::new(),
                    running: None,
                    settled_logs: 0,
                    settled_files: 0,
                    workers: Vec::new(),
                    failing: BTreeSet::new(),
                    killing: false,
                    crash_back_off: CrashBackOff::default(),
                    pull_back_off: None,
                    container_id: ContainerId::default(),
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
            restart_policy: spec
                .restart_policy
                .clone()
                .unwrap_or_else(|| "Always".into()),
            credentials,
            empty_dirs: environment::EmptyDirs::new(),
            jitter: None,
            grace_seconds: u64::try_from(spec.termination_grace_period_seconds.unwrap_or(30))
                .unwrap_or(30),
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
        let Some(runtime) = self.pods.get(&UidKey::new(&timer.pod_uid)) else {
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
                let delay = self.jitter(&timer.pod_uid, api, 600, 1400);
                schedule(delay, KubeletStep::SandboxReady, epoch);
            }
            KubeletStep::SandboxReady => {
                let ip = self.allocate_ip(&timer.pod_uid, api);
                if let Some(runtime) = self.pods.get_mut(&UidKey::new(&timer.pod_uid)) {
                    runtime.ip = ip;
                }
                self.start_container(&timer.pod_uid, 0, api, &mut schedule);
            }
            KubeletStep::Pulled { container } => {
                self.pulled(&timer.pod_uid, container, api);
                let delay = self.jitter(&timer.pod_uid, api, 80, 250);
                schedule(delay, KubeletStep::Started { container }, epoch);
            }
            KubeletStep::PullFailed { container } => {
                self.pull_failed(&timer.pod_uid, container, api, &mut schedule)
            }
            KubeletStep::PullSync { container } => {
                self.pull_sync(&timer.pod_uid, container, api, &mut schedule)
            }
            KubeletStep::Started { container } => {
                self.started(&timer.pod_uid, container, api, &mut schedule)
            }
            KubeletStep::Exited {
                container,
                instance,
                code,
                oom_killed,
            } => self.exited(
                &timer.pod_uid,
                (container, instance),
                code,
                oom_killed,
                api,
                &mut schedule,
            ),
            KubeletStep::Resume {
                container,
                instance,
            } => {
                let current = self
                    .pods
                    .get(&UidKey::new(&timer.pod_uid))
                    .and_then(|r| r.containers.get(container))
                    .is_some_and(|c| c.instance == instance && c.state.running.is_some());
                if current {
                    self.run_program(&timer.pod_uid, container, api, &mut schedule);
                }
            }
            KubeletStep::Start { container } => {
                self.start_container(&timer.pod_uid, container, api, &mut schedule)
            }
            KubeletStep::Restart { container } => {
                self.restart(&timer.pod_uid, container, api, &mut schedule)
            }
            KubeletStep::Probe {
                container,
                instance,
                kind,
            } => self.probe(
                &timer.pod_uid,
                (container, instance),
                kind,
                api,
                &mut schedule,
            ),
            KubeletStep::Stopped => {
                if let Some(runtime) = self.pods.remove(&UidKey::new(&timer.pod_uid)) {
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
        let Some(runtime) = self.pods.get(&UidKey::new(uid)) else {
            return;
        };
        let field_path = container.and_then(|i| runtime.containers.get(i)).map(|c| {
            let list = if c.init {
                "initContainers"
            } else {
                "containers"
            };
            format!("spec.{list}{{{}}}", c.name)
        });
        api.record_event(EventRecord {
            regarding: runtime.key.clone(),
            event_type,
            reason,
            message,
            component: "kubelet",
            host: Some(runtime.node.clone()),
            field_path,
            reported: None,
        });
    }

    fn allocate_ip(&mut self, uid: &str, api: &ApiServer) -> Option<String> {
        let runtime = self.pods.get(&UidKey::new(uid))?;
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
        let counter = self
            .next_ip
            .entry(runtime.node.clone())
            .or_insert(FIRST_POD_IP);
        let ip = format!("{base}.{counter}");
        *counter = if *counter >= LAST_POD_IP {
            FIRST_POD_IP
        } else {
            *counter + 1
        };
        Some(ip)
    }

    /// A container's log lines with the instant each was written, including those its
    /// program will write later (what `kubectl logs -f` waits for).
    pub fn timed_logs(
        &self,
        pod_uid: &str,
        container: &str,
        previous: bool,
    ) -> Option<&[(Millis, String)]> {
        let runtime = self.pods.get(&UidKey::new(pod_uid))?;
        let container = runtime.containers.iter().find(|c| c.name == container)?;
        Some(if previous {
            &container.previous_logs
        } else {
            &container.logs
        })
    }

    /// The requests the containers sent each other (see `crate::traffic`).
    pub fn traffic(&self) -> &Traffic {
        &self.traffic
    }

    /// Writes the access log lines of requests servers answered at `at`.
    pub fn write_served(&mut self, served: Vec<exec::Served>, at: Millis) {
        for request in served {
            self.append_log(&request.pod_uid, &request.container, at, request.line);
        }
    }

    /// Adds requests to the traffic record.
    pub fn record_traffic(&mut self, requests: Vec<crate::traffic::Request>) {
        for request in requests {
            self.traffic.record(request);
        }
    }

    /// Writes `line` to the running container's log at `at` (a server's access log line for
    /// a request it answered); nothing if the container is gone.
    pub fn append_log(&mut self, pod_uid: &str, container: &str, at: Millis, line: String) {
        let Some(running) = self
            .pods
            .get_mut(&UidKey::new(pod_uid))
            .and_then(|runtime| runtime.containers.iter_mut().find(|c| c.name == container))
        else {
            return;
        };
        // Lines a script writes later stay after it.
        let index = running.logs.partition_point(|(written, _)| *written <= at);
        running.logs.insert(index, (at, line));
        // The log rotates: the oldest tenth goes when it is full.
        if running.logs.len() > script::MAX_LOG_LINES {
            let rotated = script::MAX_LOG_LINES / 10;
            running.logs.drain(..rotated);
            running.settled_logs = running.settled_logs.saturating_sub(rotated);
        }
    }

    /// What `kubectl exec` finds in a running container: its environment (as the kubelet
    /// made it, with the Service variables of its namespace) and its volumes; `None` unless
    /// the container runs.
    pub fn exec_view(
        &self,
        pod: &Pod,
        container: &str,
        store: &crate::store::Store,
    ) -> Option<(BTreeMap<String, String>, kubeplay_shell::VirtualFs)> {
        let runtime = self.pods.get(&UidKey::new(pod.metadata.uid_str()))?;
        let running = runtime.containers.iter().find(|c| c.name == container)?;
        running.state.running.as_ref()?;
        // Read as stored, with the token volume held apart: `filesystem` mounts it.
        let Some(Object::Pod(pod)) = store.get(&runtime.key) else {
            return None;
        };
        let spec = running.spec(pod)?;
        let pod_ip = runtime.ip.as_deref();
        let mut env = environment::variables(pod, &spec, pod_ip, store);
        let started = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|statuses| statuses.iter().find(|c| c.name == container))
            .and_then(|c| c.state.as_ref()?.running.as_ref()?.started_at.as_ref());
        env.extend(environment::service_variables(pod, store, started));
        let fs = environment::filesystem(pod, &spec, pod_ip, &runtime.empty_dirs, store);
        Some((env, fs))
    }
}

impl ContainerRuntime {
    /// The container's spec in `pod` (its own pod: see `stored_pod`), with the image it was
    /// started from.
    fn spec<'a>(&self, pod: &'a Pod) -> Option<Cow<'a, Container>> {
        let spec = pod.spec.as_ref()?;
        let list = if self.init {
            spec.init_containers.as_deref()?
        } else {
            &spec.containers
        };
        let container = list.get(self.position)?;
        Some(if container.image == self.image {
            Cow::Borrowed(container)
        } else {
            Cow::Owned(Container {
                image: self.image.clone(),
                ..container.clone()
            })
        })
    }
}

/// The pod `uid` as stored under `key`: it stays stored while its kubelet runs it (a
/// deleted pod's runtime is forgotten as the deletion is seen).
fn stored_pod<'a>(store: &'a crate::store::Store, key: &ObjectKey, uid: &str) -> Option<&'a Pod> {
    match store.get(key)? {
        Object::Pod(pod) if pod.metadata.uid_str() == uid => Some(pod),
        _ => None,
    }
}

/// The spec of `container`, one of the containers of the stored pod `uid`.
fn container_spec<'a>(
    store: &'a crate::store::Store,
    key: &ObjectKey,
    uid: &str,
    container: &ContainerRuntime,
) -> Option<Cow<'a, Container>> {
    container.spec(stored_pod(store, key, uid)?)
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

impl Kubelets {
    /// A random delay in `low..=high` for the pod `uid`: from the pod's own source if it has
    /// one, else from the cluster's.
    fn jitter(&mut self, uid: &str, api: &mut ApiServer, low: Millis, high: Millis) -> Millis {
        match self
            .pods
            .get_mut(&UidKey::new(uid))
            .and_then(|pod| pod.jitter.as_mut())
        {
            Some(source) => source.between(low, high),
            None => api.rng.between(low, high),
        }
    }
}

/// The source of the timings of a pod that one run of a CronJob created: one per CronJob,
/// so that every run takes the same times. Runs of a real CronJob differ by milliseconds;
/// here they repeat exactly, which lets a long wait jump over them.
fn cronjob_run_jitter(pod: &Pod, api: &ApiServer) -> Option<SimRng> {
    let job_ref = pod.metadata.controller_ref().filter(|r| r.kind == "Job")?;
    let job = api.store.get_by_uid(&job_ref.uid)?;
    let cronjob_ref = job
        .meta()
        .controller_ref()
        .filter(|r| r.kind == "CronJob")?;
    Some(SimRng::keyed(&format!("{}/runs", cronjob_ref.uid)))
}
