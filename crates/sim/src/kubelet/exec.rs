//! What `kubectl exec` reaches inside a simulated container: the image's filesystem (see
//! `images/filesystems.rs`) with the pod's volumes, run through kubeplay's shell limited to
//! the programs on the image's PATH, plus the programs that answer from the cluster
//! (`curl`/`wget` through the cluster's network, `hostname`, `env`, busybox's `nslookup`, `ps`).
//! A program the image does not have fails as the container runtime fails it.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Container;
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;
use kubeplay_shell::{Chunk, Host, Interval, ProgramOutput, Shell, Stream, VirtualFs};

use super::images::filesystems::{self, ImageContents};
use crate::dns::Resolver;

pub(crate) mod http;
pub(crate) mod nslookup;
mod servers;

pub use http::{Connections, Served};

/// A command run inside a simulated container.
pub struct Process<'a> {
    pub pod: &'a Pod,
    pub container: &'a Container,
    /// The container's environment as the kubelet made it.
    pub environment: BTreeMap<String, String>,
    /// The cluster DNS the pod's resolver reaches.
    pub dns: Resolver<'a>,
    /// The container's filesystem: its volumes (the image is laid under them here).
    pub fs: VirtualFs,
    /// The time on the node.
    pub now: jiff::Timestamp,
    /// The same time as the cluster's clock counts it.
    pub at_ms: crate::clock::Millis,
    /// Where kube-proxy's endpoint choices for this exec's requests come from.
    pub connections: Connections,
}

/// A line or block a command wrote, on the stream it wrote it to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Printed {
    Stdout(String),
    /// One message, without its final newline.
    Stderr(String),
}

/// How a command ended: what it printed, in order, and its exit code (non-zero where
/// `run` returns it as an error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub printed: Vec<Printed>,
    pub code: i32,
    /// The exec never started (the runtime's error): kubectl prints it as an error of the
    /// API server's, not as the command's exit code.
    pub not_started: bool,
}

impl Failure {
    fn message(stderr: impl Into<String>, code: i32) -> Failure {
        Failure {
            printed: vec![Printed::Stderr(stderr.into())],
            code,
            not_started: false,
        }
    }
}

/// What the runtime answers when the program is not on the image's PATH (containerd 2 over
/// runc); the exec ID is derived from the request so transcripts stay reproducible.
fn not_found(program: &str, seed: &str) -> Failure {
    // A path is looked at directly; a name is searched on the PATH.
    let why = if program.contains('/') {
        format!("stat {program}: no such file or directory")
    } else {
        "executable file not found in $PATH".to_string()
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut id = String::new();
    for round in 0..4u64 {
        for byte in seed.bytes().chain(round.to_le_bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        id.push_str(&format!("{hash:016x}"));
    }
    Failure {
        printed: vec![Printed::Stderr(format!(
            "error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec {id:?}: OCI runtime exec failed: exec failed: unable to start container process: exec: {program:?}: {why}: unknown"
        ))],
        code: 1,
        not_started: true,
    }
}

/// `ls -l`'s time of a recent file: `Jun  2 10:15`.
pub fn ls_time(time: jiff::Timestamp) -> String {
    let zoned = time.to_zoned(jiff::tz::TimeZone::UTC);
    jiff::fmt::strtime::format("%b %e %H:%M", &zoned).unwrap_or_default()
}

/// Shell words that run `argv` as given.
fn quote(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| format!("'{}'", arg.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Process<'_> {
    fn hostname(&self) -> String {
        super::environment::hostname(self.pod)
    }

    fn contents(&self) -> ImageContents {
        filesystems::contents(self.container.image.as_deref().unwrap_or_default())
    }

    /// The container's filesystem: the image under the pod's volumes, and the kubelet's files.
    fn filesystem(&self, contents: &ImageContents) -> VirtualFs {
        let mut fs = self.fs.clone();
        let namespace = self.pod.metadata.namespace_str();
        let hostname = self.hostname();
        let ip = self
            .pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default();
        let domain = self
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.subdomain.as_deref())
            .filter(|d| !d.is_empty())
            .map(|sub| format!("{sub}.{namespace}.svc.cluster.local"));
        let kubelet_files = [
            (
                "/etc/hosts",
                filesystems::hosts_file(&ip, &hostname, domain.as_deref()),
            ),
            ("/etc/resolv.conf", filesystems::resolv_conf(namespace)),
            ("/etc/hostname", format!("{hostname}\n")),
            ("/dev/termination-log", String::new()),
        ];
        // The kubelet's files replace the image's own.
        for (path, _) in &kubelet_files {
            let _ = fs.remove(path);
        }
        filesystems::lay_out(&mut fs, contents, &kubelet_files);
        // Files show the time the container started (what a fresh container's would).
        let started = self
            .pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|statuses| statuses.iter().find(|c| c.name == self.container.name))
            .and_then(|c| c.state.as_ref()?.running.as_ref()?.started_at.as_ref())
            .map_or(self.now, |time| time.0);
        fs.set_stamp(ls_time(started));
        fs
    }

    /// The environment `env` prints: the image's ENV lines under the kubelet's variables.
    fn variables(&self, contents: &ImageContents) -> BTreeMap<String, String> {
        let mut vars: BTreeMap<String, String> = contents.env.iter().cloned().collect();
        vars.insert("HOSTNAME".to_string(), self.hostname());
        vars.extend(self.environment.clone());
        vars
    }

    /// Runs `argv` without standard input: its standard output, or how it failed.
    pub fn run(&self, argv: &[String]) -> Result<String, Failure> {
        let exited = self.run_reading(argv, None);
        if exited.code == 0 && !exited.not_started {
            return Ok(exited
                .printed
                .into_iter()
                .filter_map(|printed| match printed {
                    Printed::Stdout(text) => Some(text),
                    Printed::Stderr(_) => None,
                })
                .collect());
        }
        Err(exited)
    }

    /// Runs `argv` reading `stdin` (an exec with `-i`; a lone shell reads its script from
    /// it): everything it printed on both streams, in order, and its exit code.
    pub fn run_reading(&self, argv: &[String], stdin: Option<&str>) -> Failure {
        let Some(first) = argv.first() else {
            return Failure {
                printed: Vec::new(),
                code: 0,
                not_started: false,
            };
        };
        let contents = self.contents();
        let program = first.rsplit('/').next().unwrap_or(first);
        if !contents.has_program(program) {
            return not_found(
                first,
                &format!(
                    "{}/{}/{argv:?}",
                    self.pod.metadata.uid_str(),
                    self.container.name
                ),
            );
        }
        let is_shell = matches!(program, "sh" | "bash" | "ash" | "dash");
        let (script, input) = match argv {
            [_, flag, script, ..] if is_shell && flag == "-c" => {
                (script.clone(), stdin.unwrap_or_default())
            }
            [_] if is_shell => match stdin {
                Some(script) => (script.to_string(), ""),
                None => {
                    return Failure::message(
                        "kubeplay: interactive shells are not simulated; run a single command after --",
                        1,
                    );
                }
            },
            // `/bin/ls` is the image's `ls`: the shell knows its utilities by name.
            [_, rest @ ..] => {
                let mut words = vec![program.to_string()];
                words.extend(rest.iter().cloned());
                (quote(&words), stdin.unwrap_or_default())
            }
            [] => (String::new(), ""),
        };
        let vars = self.variables(&contents);
        let mut shell = Shell::for_script(self.filesystem(&contents), &vars);
        shell.restrict_programs(contents.programs.clone());
        let mut host = ExecHost {
            process: self,
            contents: &contents,
        };
        let execution = shell.execute_reading(&script, input, &mut host);
        let printed = execution
            .output
            .into_iter()
            .filter_map(|chunk| match chunk.stream {
                Stream::Stdout => Some(Printed::Stdout(chunk.text)),
                Stream::Stderr => Some(Printed::Stderr(
                    chunk
                        .text
                        .strip_suffix('\n')
                        .unwrap_or(&chunk.text)
                        .to_string(),
                )),
                // `kubectl exec` streams bytes; there is no screen of its own to repaint.
                Stream::Repaint => None,
            })
            .collect();
        Failure {
            printed,
            code: execution.status,
            not_started: false,
        }
    }

    /// Programs that answer from the pod and the cluster; `None` for the shell's own.
    fn program(
        &self,
        argv: &[String],
        contents: &ImageContents,
    ) -> Option<Result<String, Failure>> {
        let program = argv[0].rsplit('/').next().unwrap_or(&argv[0]);
        Some(match program {
            "curl" | "wget" => self.http(argv),
            "hostname" => Ok(format!("{}\n", self.hostname())),
            "env" | "printenv" => {
                let vars = self.variables(contents);
                if let Some(name) = argv.get(1) {
                    return Some(vars.get(name).map(|v| format!("{v}\n")).ok_or(Failure {
                        printed: Vec::new(),
                        code: 1,
                        not_started: false,
                    }));
                }
                Ok(vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect())
            }
            "date" => Ok(format!("{}\n", super::busybox_date(self.now))),
            "whoami" => Ok("root\n".to_string()),
            "id" => Ok("uid=0(root) gid=0(root) groups=0(root)\n".to_string()),
            "uname" => Ok(if argv.iter().any(|a| a == "-a") {
                format!("Linux {} 6.8.0 #1 SMP x86_64 GNU/Linux\n", self.hostname())
            } else {
                "Linux\n".to_string()
            }),
            "ps" => Ok(self.ps()),
            "nslookup" => nslookup::run(&self.dns, &argv[1..]),
            _ => Err(Failure::message(
                format!("kubeplay: {program} is in the image, but kubeplay does not simulate it"),
                1,
            )),
        })
    }

    /// busybox's `ps`: the container's process (PID 1) and `ps` itself.
    fn ps(&self) -> String {
        let command: Vec<String> = self
            .container
            .command
            .iter()
            .flatten()
            .chain(self.container.args.iter().flatten())
            .cloned()
            .collect();
        let command = if command.is_empty() {
            "sh".to_string()
        } else {
            command.join(" ")
        };
        format!(
            "PID   USER     TIME  COMMAND\n    1 root      0:00 {command}\n    7 root      0:00 ps\n"
        )
    }
}

/// The shell's host inside the container: the programs of [`Process::program`] when the
/// image has them; time does not pass (`sleep` returns at once).
struct ExecHost<'a, 'p> {
    process: &'a Process<'p>,
    contents: &'a ImageContents,
}

impl Host for ExecHost<'_, '_> {
    fn run(&mut self, argv: &[String], _stdin: &str, _fs: &mut VirtualFs) -> Option<ProgramOutput> {
        let program = argv.first()?.rsplit('/').next().unwrap_or_default();
        if !self.contents.has_program(program) {
            return None;
        }
        let result = self.process.program(argv, self.contents)?;
        Some(match result {
            Ok(text) => ProgramOutput {
                chunks: vec![Chunk::stdout(text)],
                status: 0,
            },
            Err(failure) => ProgramOutput {
                chunks: failure
                    .printed
                    .into_iter()
                    .map(|printed| match printed {
                        Printed::Stdout(text) => Chunk::stdout(text),
                        Printed::Stderr(text) => Chunk::stderr(format!("{text}\n")),
                    })
                    .collect(),
                status: failure.code,
            },
        })
    }

    fn sleep(&mut self, _interval: Interval, _fs: &mut VirtualFs) -> ProgramOutput {
        ProgramOutput::default()
    }

    fn programs(&self) -> Vec<String> {
        self.contents.programs.clone()
    }
}

impl crate::Cluster {
    /// Runs `argv` in `container` of `pod` as the kubelet's exec does, reading `stdin`
    /// (with `-i`): what `kubectl exec` in the page and `kubeplay serve`'s exec both run.
    /// `None` when the container is not running (the runtime finds no container to exec in).
    pub fn exec(
        &mut self,
        pod: &Pod,
        container: &Container,
        argv: &[String],
        stdin: Option<&str>,
    ) -> Option<Failure> {
        let (environment, fs) = self
            .kubelets
            .exec_view(pod, &container.name, &self.api.store)?;
        let connections = Connections::new(self.next_exec());
        let process = Process {
            pod,
            container,
            environment,
            dns: Resolver::of_pod(&self.api.store, pod),
            fs,
            now: self.api.clock.now(),
            at_ms: self.api.clock.now_ms(),
            connections,
        };
        let exited = process.run_reading(argv, stdin);
        // The servers the command reached write their access logs.
        let served = process.connections.take_served();
        let sent = process.connections.take_sent();
        drop(process);
        self.log_served(served);
        self.kubelets.record_traffic(sent);
        Some(exited)
    }
}
