//! `pods/exec` and `pods/attach` over WebSocket, as kubectl v1.33 reaches them: the
//! `v5.channel.k8s.io` protocol (or `v4.channel.k8s.io`), every binary message one channel's
//! data behind its number — stdin 0, stdout 1, stderr 2, the final `metav1.Status` on 3,
//! terminal resizes on 4 and, in v5, `[255, N]` closing channel N (stdin's end of input).
//!
//! The request is checked as the API server's `ExecLocation`/`AttachLocation` do (pod,
//! container, host) before the upgrade, so those failures are ordinary `Status` answers.
//! The command itself runs in the core (`Cluster::exec`, what `kubectl exec` in the page
//! runs), once stdin has ended; what it printed goes out on stdout and stderr, and its end
//! as the Status the API server's stream translator writes.

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use kubeplay_model::api::api::core::v1::Container;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{ApiError, Kind, Object, ObjectKey, Pod};
use kubeplay_sim::Cluster;
use kubeplay_sim::kubelet::exec::{Failure as Exited, Printed};
use serde_json::{Value, json};

use crate::http::App;
use crate::state::Shared;
use crate::status::Failure;

mod attach;
mod terminal;

const V5: &str = "v5.channel.k8s.io";
const V4: &str = "v4.channel.k8s.io";

const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const ERROR: u8 = 3;
const RESIZE: u8 = 4;
/// v5: `[CLOSE, N]` says the sender is done with channel N.
const CLOSE: u8 = 255;
/// How long a terminal session waits for the client's terminal size.
const RESIZE_WAIT: std::time::Duration = std::time::Duration::from_millis(500);
/// How long a finished session waits for the client to close its side.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
/// How long a command that reads nothing takes to start before it prints. client-go reads
/// the connection while it is still creating its streams, and drops a frame for a stream it
/// has not created yet ("Unknown stream id 1, discarding message", then "error: closed all
/// streams"); a real runtime's process starts well after the upgrade, a simulated one at
/// once — which lost a command's output on a busy machine.
const COMMAND_START: std::time::Duration = std::time::Duration::from_millis(100);

/// What the client asked for in the query (`PodExecOptions` / `PodAttachOptions`).
struct Options {
    command: Vec<String>,
    container: String,
    stdin: bool,
    stdout: bool,
    stderr: bool,
    tty: bool,
}

impl Options {
    /// Reads the query; `command` repeats, one word each.
    fn parse(query: Option<&str>) -> Result<Options, Failure> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default())
            .map_err(|error| Failure::bad_request(error.to_string()))?;
        let flag = |name: &str| {
            pairs.iter().any(|(key, value)| {
                key == name && matches!(value.as_str(), "1" | "t" | "T" | "true" | "TRUE" | "True")
            })
        };
        let options = Options {
            command: pairs
                .iter()
                .filter(|(key, _)| key == "command")
                .map(|(_, value)| value.clone())
                .collect(),
            container: pairs
                .iter()
                .rfind(|(key, _)| key == "container")
                .map(|(_, value)| value.clone())
                .unwrap_or_default(),
            stdin: flag("stdin"),
            stdout: flag("stdout"),
            stderr: flag("stderr"),
            tty: flag("tty"),
        };
        if !options.stdin && !options.stdout && !options.stderr {
            return Err(Failure::bad_request(
                "you must specify at least one of stdin, stdout, stderr",
            ));
        }
        Ok(options)
    }
}

/// `streamLocation`: the pod, the container the request names (or the only one), a host.
fn locate(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    wanted: &str,
) -> Result<(Pod, Container), Failure> {
    let key = ObjectKey::new(Kind::Pod, namespace, name);
    let Some(Object::Pod(pod)) = cluster.api.store.get(&key) else {
        return Err(ApiError::not_found(Kind::Pod, name).into());
    };
    let spec = pod.spec.clone().unwrap_or_default();
    let init = spec.init_containers.clone().unwrap_or_default();
    let names = |containers: &[Container]| {
        containers
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let container = if wanted.is_empty() {
        match spec.containers.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(Failure::bad_request(format!(
                    "a container name must be specified for pod {name}"
                )));
            }
            many => {
                let mut message = format!(
                    "a container name must be specified for pod {name}, choose one of: [{}]",
                    names(many)
                );
                if !init.is_empty() {
                    message.push_str(&format!(
                        " or one of the init containers: [{}]",
                        names(&init)
                    ));
                }
                return Err(Failure::bad_request(message));
            }
        }
    } else {
        spec.containers
            .iter()
            .chain(&init)
            .find(|c| c.name == wanted)
            .cloned()
            .ok_or_else(|| {
                Failure::bad_request(format!("container {wanted} is not valid for pod {name}"))
            })?
    };
    if spec.node_name.as_deref().unwrap_or_default().is_empty() {
        return Err(Failure::bad_request(format!(
            "pod {name} does not have a host assigned"
        )));
    }
    Ok((Pod::clone(pod), container))
}

fn is_shell(program: &str) -> bool {
    matches!(
        program.rsplit('/').next(),
        Some("sh" | "bash" | "ash" | "dash")
    )
}

/// Runs `argv` in the container as the pod is now (it may have changed since the request),
/// or says why it cannot run, as the kubelet does.
fn run(
    shared: &Shared,
    key: &ObjectKey,
    pod: &Pod,
    container: &Container,
    argv: &[String],
    stdin: Option<&str>,
) -> Result<Exited, String> {
    // A write: each exec takes the next number for its connections' endpoint choices.
    shared.write(|cluster| {
        let current = match cluster.api.store.get(key) {
            Some(Object::Pod(current)) if current.metadata.uid == pod.metadata.uid => {
                current.clone()
            }
            _ => return Err(format!("pod {:?} not found", pod.metadata.name_str())),
        };
        cluster
            .exec(&current, container, argv, stdin)
            .ok_or_else(|| {
                format!(
                    "unable to upgrade connection: container not found ({:?})",
                    container.name
                )
            })
    })
}

/// Which verb the connection serves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    Exec,
    Attach,
}

pub async fn exec(
    State(app): State<App>,
    Path((namespace, name)): Path<(String, String)>,
    uri: Uri,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    connect(app, Verb::Exec, namespace, name, uri, upgrade)
}

pub async fn attach(
    State(app): State<App>,
    Path((namespace, name)): Path<(String, String)>,
    uri: Uri,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    connect(app, Verb::Attach, namespace, name, uri, upgrade)
}

fn connect(
    app: App,
    verb: Verb,
    namespace: String,
    name: String,
    uri: Uri,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let options = match Options::parse(uri.query()) {
        Ok(options) => options,
        Err(failure) => return failure.into_response(),
    };
    let located = app
        .shared
        .read(|cluster| locate(cluster, &namespace, &name, &options.container));
    let (pod, container) = match located {
        Ok(found) => found,
        Err(failure) => return failure.into_response(),
    };
    // SPDY (kubectl's fallback) is not served: only a WebSocket upgrade continues.
    let Ok(upgrade) = upgrade else {
        return Failure::bad_request("Upgrade request required").into_response();
    };
    let upgrade = upgrade.protocols([V5, V4]);
    let Some(protocol) = upgrade
        .selected_protocol()
        .and_then(|p| p.to_str().ok())
        .map(str::to_string)
    else {
        return Failure::bad_request(format!(
            "the WebSocket subprotocols offered are not served; kubeplay serves {V5} and {V4}"
        ))
        .into_response();
    };
    let shared = app.shared.clone();
    upgrade.on_upgrade(move |socket| async move {
        let session = Session {
            socket,
            v5: protocol == V5,
        };
        match verb {
            Verb::Exec => session.exec(shared, pod, container, options).await,
            Verb::Attach => session.attach(shared, pod, container, options).await,
        }
    })
}

/// One upgraded connection.
struct Session {
    socket: WebSocket,
    /// v5 closes channels with `[255, N]`; v4 ends stdin only with the connection.
    v5: bool,
}

/// The Status written on the error channel: Go's `json.Marshal(metav1.Status)` (no kind or
/// apiVersion, no code when it is 0).
fn success() -> Value {
    json!({"metadata": {}, "status": "Success"})
}

fn exit_status(argv: &[String], code: i32) -> Value {
    // The runtime's error, wrapped by the kubelet, the translator's SPDY client and the
    // translator itself, each with the same prefix.
    let runtime = format!(
        "error executing command [{}], exit code {code}",
        argv.join(" ")
    );
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!("command terminated with non-zero exit code: command terminated with non-zero exit code: command terminated with non-zero exit code: {runtime}"),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
    })
}

/// `apierrors.NewInternalError(err)`.
fn internal_error(message: &str) -> Value {
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!("Internal error occurred: {message}"),
        "reason": "InternalError",
        "details": {"causes": [{"message": message}]},
        "code": 500,
    })
}

impl Session {
    async fn send(&mut self, channel: u8, data: &[u8]) -> bool {
        let mut message = Vec::with_capacity(data.len() + 1);
        message.push(channel);
        message.extend_from_slice(data);
        self.socket.send(Message::binary(message)).await.is_ok()
    }

    /// Writes the final Status and closes the connection normally (the client's readers
    /// see the end of every stream only on a normal close).
    async fn finish(mut self, status: Value) {
        if self.send(ERROR, status.to_string().as_bytes()).await {
            let normal = CloseFrame {
                code: close_code::NORMAL,
                reason: "".into(),
            };
            if self
                .socket
                .send(Message::Close(Some(normal)))
                .await
                .is_err()
            {
                return;
            }
            // Wait for the client's close (dropping what it still sends, keystrokes and
            // resizes): closing the socket on unread input would reset the connection and
            // lose the Status on the client's side.
            let drain = async { while let Some(Ok(_)) = self.socket.recv().await {} };
            let _ = tokio::time::timeout(CLOSE_WAIT, drain).await;
        }
    }

    /// Reads the client's stdin to its end: `[255, 0]` in v5, the connection's end in v4.
    /// `None` when the client went away in a way that leaves nothing to answer.
    async fn read_stdin(&mut self) -> Option<Vec<u8>> {
        let mut input = Vec::new();
        while let Some(Ok(message)) = self.socket.recv().await {
            let Message::Binary(data) = message else {
                if matches!(message, Message::Close(_)) {
                    return (!self.v5).then_some(input);
                }
                continue;
            };
            match data.as_ref() {
                [STDIN, rest @ ..] => input.extend_from_slice(rest),
                [CLOSE, STDIN] if self.v5 => return Some(input),
                // Resizes and anything else do not change what the command reads.
                _ => {}
            }
        }
        (!self.v5).then_some(input)
    }

    async fn exec(mut self, shared: Shared, pod: Pod, container: Container, options: Options) {
        let lone_shell = matches!(options.command.as_slice(), [program] if is_shell(program));
        if options.tty && options.stdin && lone_shell {
            return self
                .interactive(shared, pod, container, &options.command)
                .await;
        }
        if options.tty {
            // The terminal's size comes first (a real runtime sets it before the command
            // runs); ending before it arrives would leave the client writing to a closed
            // connection.
            let first_resize = async {
                while let Some(Ok(message)) = self.socket.recv().await {
                    if let Message::Binary(data) = message
                        && data.first() == Some(&RESIZE)
                    {
                        return;
                    }
                }
            };
            let _ = tokio::time::timeout(RESIZE_WAIT, first_resize).await;
        }
        // With a terminal, input is keystrokes that never end: the command runs at once.
        let stdin = if options.stdin && !options.tty {
            match self.read_stdin().await {
                Some(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
                None => return,
            }
        } else {
            if !options.tty {
                // Nothing came from the client (its input or terminal size) to say that its
                // streams exist.
                tokio::time::sleep(COMMAND_START).await;
            }
            None
        };
        let key = ObjectKey::new(
            Kind::Pod,
            pod.metadata.namespace_str(),
            pod.metadata.name_str(),
        );
        let ran = run(
            &shared,
            &key,
            &pod,
            &container,
            &options.command,
            stdin.as_deref(),
        );
        let exited: Exited = match ran {
            Ok(exited) => exited,
            Err(message) => return self.finish(internal_error(&message)).await,
        };
        if exited.not_started {
            // The runtime's refusal, already worded as kubectl prints it.
            let message = exited
                .printed
                .iter()
                .map(|printed| match printed {
                    Printed::Stdout(text) | Printed::Stderr(text) => text.as_str(),
                })
                .collect::<String>();
            let message = message.strip_prefix("error: ").unwrap_or(&message);
            let inner = message
                .strip_prefix("Internal error occurred: ")
                .unwrap_or(message);
            return self.finish(internal_error(inner)).await;
        }
        for printed in &exited.printed {
            let sent = match printed {
                // A terminal ends lines with CR LF, and shows stderr with stdout.
                Printed::Stdout(text) if options.tty && options.stdout => {
                    self.send(STDOUT, text.replace('\n', "\r\n").as_bytes())
                        .await
                }
                Printed::Stderr(text) if options.tty && options.stdout => {
                    self.send(STDOUT, format!("{text}\r\n").as_bytes()).await
                }
                Printed::Stdout(text) if options.stdout => self.send(STDOUT, text.as_bytes()).await,
                Printed::Stderr(text) if options.stderr => {
                    self.send(STDERR, format!("{text}\n").as_bytes()).await
                }
                _ => true,
            };
            if !sent {
                return;
            }
        }
        let status = if exited.code == 0 {
            success()
        } else {
            exit_status(&options.command, exited.code)
        };
        self.finish(status).await;
    }
}
