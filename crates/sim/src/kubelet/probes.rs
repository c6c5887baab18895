//! Container probes as the kubelet's prober workers run them (`pkg/kubelet/prober/worker.go`):
//! a tick every `periodSeconds`, nothing before `initialDelaySeconds`, results counted
//! against `successThreshold` / `failureThreshold`, and the failure texts of
//! `pkg/probe/{http,tcp,exec,grpc}`. Every handler is simulated: it succeeds unless the
//! playground made it fail, or (exec `cat FILE`) the container's script removed the file.

use k8s_openapi::api::core::v1::{Container, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::clock::Millis;

/// The three probes a container may define.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProbeKind {
    Startup,
    Readiness,
    Liveness,
}

impl ProbeKind {
    pub const ALL: [ProbeKind; 3] = [
        ProbeKind::Startup,
        ProbeKind::Readiness,
        ProbeKind::Liveness,
    ];

    pub fn parse(text: &str) -> Option<ProbeKind> {
        ProbeKind::ALL.into_iter().find(|kind| kind.name() == text)
    }

    /// As a user names it: `readiness`.
    pub fn name(self) -> &'static str {
        match self {
            ProbeKind::Startup => "startup",
            ProbeKind::Readiness => "readiness",
            ProbeKind::Liveness => "liveness",
        }
    }

    /// As the prober's events spell it (`probeType.String()`): `Readiness`.
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
        }
    }

    pub fn of(self, container: &Container) -> Option<&Probe> {
        match self {
            ProbeKind::Startup => container.startup_probe.as_ref(),
            ProbeKind::Readiness => container.readiness_probe.as_ref(),
            ProbeKind::Liveness => container.liveness_probe.as_ref(),
        }
    }
}

fn seconds_ms(value: Option<i32>, default: i32) -> Millis {
    Millis::try_from(value.unwrap_or(default).max(0)).unwrap_or(0) * 1000
}

fn count(value: Option<i32>, default: i32) -> u32 {
    u32::try_from(value.unwrap_or(default)).unwrap_or(1).max(1)
}

/// One prober worker of one container instance: its tick grid and the run of equal
/// results (`worker.go`'s `lastResult` / `resultRun`).
#[derive(Clone, Debug)]
pub struct Worker {
    pub kind: ProbeKind,
    initial_delay_ms: Millis,
    pub period_ms: Millis,
    success_threshold: u32,
    failure_threshold: u32,
    /// When the container started; ticks fall on `started + phase + k × period`.
    started_ms: Millis,
    phase_ms: Millis,
    last_success: Option<bool>,
    run: u32,
    /// A tick is scheduled (workers of settled probes rest until something can change).
    pub ticking: bool,
}

impl Worker {
    /// `phase_ms` places the worker's ticker relative to the container start (workers tick
    /// from when the pod was added, not from the start).
    pub fn new(kind: ProbeKind, probe: &Probe, started_ms: Millis, phase_ms: Millis) -> Worker {
        let period_ms = seconds_ms(probe.period_seconds, 10).max(1000);
        Worker {
            kind,
            initial_delay_ms: seconds_ms(probe.initial_delay_seconds, 0),
            period_ms,
            success_threshold: count(probe.success_threshold, 1),
            failure_threshold: count(probe.failure_threshold, 3),
            started_ms,
            phase_ms: phase_ms % period_ms,
            last_success: None,
            run: 0,
            ticking: false,
        }
    }

    /// The first tick at or after `now` at which a probe runs (none before the initial
    /// delay has passed).
    pub fn next_tick(&self, now: Millis) -> Millis {
        let earliest = now.max(self.started_ms + self.initial_delay_ms);
        let origin = self.started_ms + self.phase_ms;
        if earliest <= origin {
            return origin;
        }
        let periods = (earliest - origin).div_ceil(self.period_ms);
        origin + periods * self.period_ms
    }

    /// Counts one result; returns it when the run reaches its threshold, i.e. when it
    /// becomes the container's state (`resultsManager.Set`).
    pub fn record(&mut self, success: bool) -> Option<bool> {
        if self.last_success == Some(success) {
            self.run += 1;
        } else {
            self.last_success = Some(success);
            self.run = 1;
        }
        let threshold = if success {
            self.success_threshold
        } else {
            self.failure_threshold
        };
        (self.run >= threshold).then_some(success)
    }

    /// Whether the last result reached its threshold as a success: nothing will change
    /// until something makes the probe fail.
    pub fn settled(&self) -> bool {
        self.last_success == Some(true) && self.run >= self.success_threshold
    }

    /// After a liveness or startup failure the worker holds until a new container runs.
    pub fn hold(&mut self) {
        self.run = 0;
    }
}

/// Where a worker's ticks fall relative to the container start, on the 100 ms grid.
/// Workers tick from when the pod was added, so the phase is arbitrary: it is derived from
/// the pod and container (not drawn from the simulation's RNG, so that probes do not shift
/// every random name after them). A readiness probe without a delay runs at once, as the
/// kubelet triggers it when the container starts (`UpdatePodStatus`).
pub fn phase_ms(pod_uid: &str, container: &str, kind: ProbeKind, probe: &Probe) -> Millis {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in pod_uid.bytes().chain(container.bytes()).chain([kind as u8]) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let immediate = kind == ProbeKind::Readiness && probe.initial_delay_seconds.unwrap_or(0) == 0;
    if immediate {
        (1 + hash % 5) * 100
    } else {
        hash % (seconds_ms(probe.period_seconds, 10).max(1000) / 100) * 100
    }
}

/// The file an exec probe looks for (`cat FILE`, `test -e FILE`, `ls FILE`), if that is
/// all it does.
pub fn watched_file(probe: &Probe) -> Option<&str> {
    let command = probe.exec.as_ref()?.command.as_deref()?;
    match command {
        [program, path] if matches!(program.as_str(), "cat" | "ls") => Some(path),
        [program, flag, path] if program == "test" && matches!(flag.as_str(), "-e" | "-f") => {
            Some(path)
        }
        _ => None,
    }
}

/// What a failing probe reports, as `prober.go` puts it in the `Unhealthy` event
/// (`<Kind> probe failed: <output>`); `http_status` is what an HTTP handler answered.
pub fn failure_message(
    kind: ProbeKind,
    probe: &Probe,
    container: &Container,
    pod_ip: Option<&str>,
    http_status: u16,
) -> String {
    format!(
        "{} probe failed: {}",
        kind.title(),
        failure_output(probe, container, pod_ip, http_status)
    )
}

fn failure_output(
    probe: &Probe,
    container: &Container,
    pod_ip: Option<&str>,
    http_status: u16,
) -> String {
    let ip = pod_ip.unwrap_or_default();
    if probe.http_get.is_some() {
        // pkg/probe/http: a response outside 200–399.
        return format!("HTTP probe failed with statuscode: {http_status}");
    }
    if let Some(tcp) = &probe.tcp_socket {
        // pkg/probe/tcp: net.DialTimeout's error.
        let host = tcp.host.as_deref().unwrap_or(ip);
        let port = resolve_port(&tcp.port, container);
        return format!("dial tcp {host}:{port}: connect: connection refused");
    }
    if probe.grpc.is_some() {
        // pkg/probe/grpc: the health service answered but not SERVING.
        return "service unhealthy (responded with \"NOT_SERVING\")".into();
    }
    // pkg/probe/exec: the command's combined output, newline included (describe trims
    // it, get events cuts the cell there).
    match watched_file(probe) {
        Some(path) if busybox_image(container) => {
            format!("cat: can't open '{path}': No such file or directory\n")
        }
        Some(path) => format!("cat: {path}: No such file or directory\n"),
        None => String::new(),
    }
}

fn busybox_image(container: &Container) -> bool {
    let image = container.image.as_deref().unwrap_or_default();
    let repository = image.rsplit('/').next().unwrap_or(image);
    repository.starts_with("busybox") || repository.starts_with("alpine")
}

/// A probe's port: a number, or the name of one of the container's ports.
fn resolve_port(port: &IntOrString, container: &Container) -> String {
    match port {
        IntOrString::Int(number) => number.to_string(),
        IntOrString::String(name) => container
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .map_or_else(|| name.clone(), |p| p.container_port.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{ContainerPort, ExecAction, HTTPGetAction, TCPSocketAction};

    use super::*;

    fn probe(period: i32, delay: i32, success: i32, failure: i32) -> Probe {
        Probe {
            period_seconds: Some(period),
            initial_delay_seconds: Some(delay),
            success_threshold: Some(success),
            failure_threshold: Some(failure),
            ..Probe::default()
        }
    }

    #[test]
    fn ticks_every_period_after_the_initial_delay() {
        let worker = Worker::new(ProbeKind::Liveness, &probe(5, 5, 1, 3), 1_000, 2_000);
        // Ticks at 3 s, 8 s, 13 s …; the first after the 5 s delay (6 s) is at 8 s.
        assert_eq!(worker.next_tick(1_000), 8_000);
        assert_eq!(worker.next_tick(8_001), 13_000);
        let immediate = Worker::new(ProbeKind::Readiness, &probe(10, 0, 1, 3), 1_000, 300);
        assert_eq!(immediate.next_tick(1_000), 1_300);
    }

    #[test]
    fn results_count_against_their_thresholds() {
        let mut worker = Worker::new(ProbeKind::Readiness, &probe(10, 0, 2, 3), 0, 0);
        assert_eq!(worker.record(true), None);
        assert_eq!(worker.record(true), Some(true));
        assert!(worker.settled());
        assert_eq!(worker.record(false), None);
        assert_eq!(worker.record(false), None);
        assert_eq!(worker.record(false), Some(false));
        assert_eq!(worker.record(true), None);
        assert!(!worker.settled());
    }

    #[test]
    fn failure_texts_follow_the_handler() {
        let container = Container {
            name: "app".into(),
            image: Some("registry.k8s.io/busybox:1.27.2".into()),
            ports: Some(vec![ContainerPort {
                name: Some("http".into()),
                container_port: 8080,
                ..ContainerPort::default()
            }]),
            ..Container::default()
        };
        let http = Probe {
            http_get: Some(HTTPGetAction {
                port: IntOrString::Int(80),
                ..HTTPGetAction::default()
            }),
            ..Probe::default()
        };
        assert_eq!(
            failure_message(
                ProbeKind::Readiness,
                &http,
                &container,
                Some("10.244.0.5"),
                503
            ),
            "Readiness probe failed: HTTP probe failed with statuscode: 503"
        );
        let tcp = Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::String("http".into()),
                host: None,
            }),
            ..Probe::default()
        };
        assert_eq!(
            failure_message(
                ProbeKind::Liveness,
                &tcp,
                &container,
                Some("10.244.1.5"),
                503
            ),
            "Liveness probe failed: dial tcp 10.244.1.5:8080: connect: connection refused"
        );
        let exec = Probe {
            exec: Some(ExecAction {
                command: Some(vec!["cat".into(), "/tmp/healthy".into()]),
            }),
            ..Probe::default()
        };
        assert_eq!(watched_file(&exec), Some("/tmp/healthy"));
        assert_eq!(
            failure_message(ProbeKind::Liveness, &exec, &container, None, 503),
            "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n"
        );
    }
}
