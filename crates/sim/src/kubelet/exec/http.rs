//! `curl` and busybox `wget` inside a container: the URL's host is resolved through the
//! cluster DNS (`localhost` is the pod itself), the connection goes where kind's network
//! sends it (`crate::network`: kube-proxy, NodePorts, pod IPs), and the server that answers
//! is the target container's image (`servers.rs`). Errors are the clients' own words.
//! Through `kubectl exec` the request takes no virtual time (a timeout prints the time the
//! kernel would have taken); a container's script waits for it (`Caller::waited`).

use std::cell::{Cell, RefCell};

use super::servers::{self, Response};
use super::{Failure, Printed, Process};
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;

use crate::clock::Millis;
use crate::dns::Resolver;
use crate::network::{self, Unreachable};
use crate::rng::SimRng;
use crate::traffic::{self, Outcome};

/// Where a container's connections draw kube-proxy's random endpoint choices from (one
/// source per exec or container run, `nonce`; one draw per request), and what they did: the
/// requests sent and the access log lines of the servers that answered.
#[derive(Debug)]
pub struct Connections {
    nonce: String,
    made: Cell<u64>,
    served: RefCell<Vec<Served>>,
    sent: RefCell<Vec<traffic::Request>>,
}

/// A request a server answered and logged: the line its container's log gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    pub pod_uid: String,
    pub container: String,
    pub line: String,
}

impl Connections {
    /// The connections of one exec (numbered by the cluster).
    pub fn new(nonce: u64) -> Connections {
        Connections::keyed(nonce.to_string(), 0)
    }

    /// The connections of a source named `nonce` that made `made` requests before.
    pub fn keyed(nonce: String, made: u64) -> Connections {
        Connections {
            nonce,
            made: Cell::new(made),
            served: RefCell::new(Vec::new()),
            sent: RefCell::new(Vec::new()),
        }
    }

    /// How many requests were made (here and before).
    pub fn made(&self) -> u64 {
        self.made.get()
    }

    /// The access log lines of the requests answered so far (for the kubelets to write).
    pub fn take_served(&self) -> Vec<Served> {
        self.served.take()
    }

    /// The requests sent so far (for the traffic record).
    pub fn take_sent(&self) -> Vec<traffic::Request> {
        self.sent.take()
    }

    fn pick(&self, client_uid: &str, count: usize) -> usize {
        let made = self.made.get();
        self.made.set(made + 1);
        let mut rng = SimRng::keyed(&format!("{client_uid}/{}/{made}", self.nonce));
        usize::try_from(rng.between(0, count.saturating_sub(1) as u64)).unwrap_or(0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Client {
    Curl,
    Wget,
}

/// The kernel's connect timeout (tcp_syn_retries = 6: 1 + 2 + … + 64 s).
const KERNEL_CONNECT_TIMEOUT_MS: u64 = 127_000;
/// How long the C library's resolver waits for a name server that never answers
/// (resolv.conf's defaults: `timeout:5`, `attempts:2`).
const RESOLVER_TIMEOUT_MS: u64 = 10_000;

/// How long a client waits for what never answers: its own limit (`curl -m`, `wget -T`, as
/// curl reports it: a millisecond past the limit), else `default_ms`.
fn timeout_ms(request: &Request, default_ms: Millis) -> Millis {
    match (request.client, request.max_time_s) {
        (Client::Curl, Some(seconds)) => seconds * 1000 + 1,
        (Client::Wget, Some(seconds)) => seconds * 1000,
        (_, None) => default_ms,
    }
}

/// One request as the command line asks for it.
struct Request {
    client: Client,
    url: String,
    host: String,
    port: u16,
    path: String,
    quiet: bool,
    /// curl's `-S`: errors are shown even with `-s`.
    show_error: bool,
    fail_on_error: bool,
    to_stdout: bool,
    max_time_s: Option<u64>,
}

fn parse(argv: &[String]) -> Result<Request, Failure> {
    let client = if argv[0].ends_with("wget") {
        Client::Wget
    } else {
        Client::Curl
    };
    // Options that take a value, per client.
    let valued: &[&str] = match client {
        Client::Curl => &[
            "-o",
            "-H",
            "-m",
            "-X",
            "-d",
            "-w",
            "-A",
            "-u",
            "-e",
            "--max-time",
            "--connect-timeout",
            "--output",
            "--header",
            "--request",
            "--data",
            "--write-out",
            "--user-agent",
        ],
        Client::Wget => &["-O", "-T", "-U", "-o", "-Y", "--header", "--timeout"],
    };
    let mut url = None;
    let mut quiet = false;
    let mut show_error = false;
    let mut fail_on_error = false;
    let mut to_stdout = client == Client::Curl;
    let mut max_time_s = None;
    let mut args = argv[1..].iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        if valued.contains(&name) {
            let value = inline.or_else(|| args.next().cloned()).unwrap_or_default();
            match name {
                "-m" | "--max-time" | "--connect-timeout" | "-T" | "--timeout" => {
                    max_time_s = value.parse().ok()
                }
                "-O" | "-o" | "--output" => to_stdout = value == "-",
                _ => {}
            }
            continue;
        }
        if let Some(letters) = arg.strip_prefix('-').filter(|a| !a.starts_with('-')) {
            // Bundled short options such as curl's `-sS` or wget's `-qO-`.
            for (index, letter) in letters.char_indices() {
                match letter {
                    's' | 'q' => quiet = true,
                    'S' if client == Client::Curl => show_error = true,
                    'f' => fail_on_error = true,
                    'O' if client == Client::Wget => {
                        let rest = &letters[index + 1..];
                        let value = if rest.is_empty() {
                            args.next().cloned().unwrap_or_default()
                        } else {
                            rest.to_string()
                        };
                        to_stdout = value == "-";
                        break;
                    }
                    _ => {}
                }
            }
            continue;
        }
        if arg == "--silent" || arg == "--quiet" {
            quiet = true;
        } else if arg == "--show-error" {
            show_error = true;
        } else if arg == "--fail" {
            fail_on_error = true;
        } else if !arg.starts_with('-') && url.is_none() {
            url = Some(arg.clone());
        }
    }
    let Some(url) = url else {
        return Err(Failure::message(
            match client {
                Client::Curl => "curl: try 'curl --help' or 'curl --manual' for more information",
                Client::Wget => {
                    "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL..."
                }
            },
            if client == Client::Curl { 2 } else { 1 },
        ));
    };
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", &url));
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], rest[at..].to_string()),
        None => (rest, "/".to_string()),
    };
    let default_port = if scheme == "https" { 443 } else { 80 };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().unwrap_or(default_port)),
        None => (authority, default_port),
    };
    Ok(Request {
        client,
        url: url.clone(),
        host: host.to_string(),
        port,
        path,
        quiet,
        show_error,
        fail_on_error,
        to_stdout,
        max_time_s,
    })
}

/// The pod a request is sent from, and when.
pub struct Caller<'a> {
    pub pod: &'a Pod,
    pub dns: &'a Resolver<'a>,
    pub connections: &'a Connections,
    /// The time on the node (access log lines show it).
    pub now: jiff::Timestamp,
    /// The same time as the cluster's clock counts it (the traffic record's).
    pub at_ms: Millis,
    /// How long the last request waited before the client gave up (packets dropped): a
    /// container's script goes on that much later.
    pub waited: Cell<Millis>,
}

impl Process<'_> {
    /// `curl URL` / `wget [-qO-] URL` from this container.
    pub(super) fn http(&self, argv: &[String]) -> Result<String, Failure> {
        let caller = Caller {
            pod: self.pod,
            dns: &self.dns,
            connections: &self.connections,
            now: self.now,
            at_ms: self.at_ms,
            waited: Cell::new(0),
        };
        request(&caller, argv)
    }
}

/// `curl URL` / `wget [-qO-] URL` sent by `caller`: what the client prints.
pub fn request(caller: &Caller, argv: &[String]) -> Result<String, Failure> {
    let request = parse(argv)?;
    match send(caller, &request) {
        // `curl -s` keeps its error messages to itself unless `-S` asks for them.
        Err(mut failure)
            if request.client == Client::Curl && request.quiet && !request.show_error =>
        {
            failure
                .printed
                .retain(|printed| !matches!(printed, Printed::Stderr(_)));
            Err(failure)
        }
        result => result,
    }
}

/// Sends `request` from `caller`: the body, or what went wrong in the client's words.
fn send(caller: &Caller, request: &Request) -> Result<String, Failure> {
    let own_ip = network::pod_ip(caller.pod).unwrap_or_default().to_string();
    let ip = if matches!(request.host.as_str(), "localhost" | "127.0.0.1") {
        own_ip.clone()
    } else if is_ipv4(&request.host) {
        request.host.clone()
    } else if !caller.dns.reachable() {
        caller.record(None, None, None, Outcome::Unresolved);
        caller.waited.set(timeout_ms(request, RESOLVER_TIMEOUT_MS));
        return Err(lookup_timed_out(request));
    } else {
        match caller.dns.lookup(&request.host).first() {
            Some(address) => address.ip.clone(),
            None => {
                caller.record(None, None, None, Outcome::Unresolved);
                return Err(unresolved(request));
            }
        }
    };
    let store = caller.dns.store();
    let uid = caller.pod.metadata.uid.clone().unwrap_or_default();
    let destination = if ip == own_ip {
        Ok(network::Destination {
            pod: caller.pod,
            port: request.port,
            service: None,
        })
    } else {
        network::connect(store, caller.pod, &ip, request.port, &mut |count| {
            caller.connections.pick(&uid, count)
        })
    };
    let to = match destination {
        Ok(to) => to,
        Err(why) => {
            let outcome = match why {
                Unreachable::Refused => Outcome::Refused,
                Unreachable::TimedOut => Outcome::TimedOut,
            };
            let service = network::service_at(store, &ip).map(|s| &s.metadata);
            caller.record(
                service.map(|m| m.namespace_str()),
                service.map(|m| m.name_str()),
                None,
                outcome,
            );
            if why == Unreachable::TimedOut {
                caller
                    .waited
                    .set(timeout_ms(request, KERNEL_CONNECT_TIMEOUT_MS));
            }
            return Err(unreachable(request, &ip, why));
        }
    };
    let Some(response) = servers::answer(to.pod, to.port, &request.path, store) else {
        // Nothing listens on the port: the pod's kernel resets the connection.
        caller.record(
            Some(to.pod.metadata.namespace_str()),
            to.service.as_deref(),
            Some(to.pod),
            Outcome::Refused,
        );
        return Err(unreachable(request, &ip, Unreachable::Refused));
    };
    caller.record(
        Some(to.pod.metadata.namespace_str()),
        to.service.as_deref(),
        Some(to.pod),
        Outcome::Answered(response.status),
    );
    caller.log_request(to.pod, request, ip == own_ip, &response);
    deliver(request, &ip, response)
}

impl Caller<'_> {
    /// Adds a request to the traffic record: it went to `service` and `server` in
    /// `namespace` (the client's, when it went nowhere).
    fn record(
        &self,
        namespace: Option<&str>,
        service: Option<&str>,
        server: Option<&Pod>,
        outcome: Outcome,
    ) {
        let client_namespace = self.pod.metadata.namespace_str();
        self.connections.sent.borrow_mut().push(traffic::Request {
            at_ms: self.at_ms,
            namespace: client_namespace.to_string(),
            client: self.pod.metadata.name_str().to_string(),
            server_namespace: namespace.unwrap_or(client_namespace).to_string(),
            service: service.map(str::to_string),
            server: server.map(|pod| pod.metadata.name_str().to_string()),
            outcome,
        });
    }

    /// The server's access log line for `request`, if it logs requests: from `127.0.0.1`
    /// over localhost, else from this pod's IP (kube-proxy keeps the source address).
    fn log_request(&self, server: &Pod, request: &Request, local: bool, response: &Response) {
        let Some(format) = response.access_log else {
            return;
        };
        let ip = if local {
            "127.0.0.1"
        } else {
            network::pod_ip(self.pod).unwrap_or_default()
        };
        let client = servers::Client {
            ip,
            user_agent: match request.client {
                // The curl of the Debian 12 images (nginx, httpd, the demo app).
                Client::Curl => "curl/7.88.1",
                Client::Wget => "Wget",
            },
            at: self.now,
        };
        self.connections.served.borrow_mut().push(Served {
            pod_uid: server.metadata.uid.clone().unwrap_or_default(),
            container: response.container.clone(),
            line: format.line(&client, &request.path, response),
        });
    }
}

/// A dotted-quad address, which is used as written (no lookup).
fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|part| !part.is_empty() && part.len() <= 3 && part.parse::<u8>().is_ok())
}

fn unresolved(request: &Request) -> Failure {
    match request.client {
        Client::Curl => Failure::message(
            format!("curl: (6) Could not resolve host: {}", request.host),
            6,
        ),
        Client::Wget => Failure::message(format!("wget: bad address '{}'", request.host), 1),
    }
}

/// Name lookups the network policies drop: curl's `-m` runs out while it resolves, else
/// the resolver gives up and the name is as unknown as one nothing answers for.
fn lookup_timed_out(request: &Request) -> Failure {
    match (request.client, request.max_time_s) {
        (Client::Curl, Some(seconds)) => Failure::message(
            format!(
                "curl: (28) Resolving timed out after {} milliseconds",
                seconds * 1000 + 1
            ),
            28,
        ),
        _ => unresolved(request),
    }
}

fn unreachable(request: &Request, ip: &str, why: Unreachable) -> Failure {
    match (request.client, why, request.max_time_s) {
        (Client::Curl, Unreachable::Refused, _) => Failure::message(
            format!(
                "curl: (7) Failed to connect to {} port {} after 0 ms: Couldn't connect to server",
                request.host, request.port
            ),
            7,
        ),
        (Client::Curl, Unreachable::TimedOut, Some(seconds)) => Failure::message(
            format!(
                "curl: (28) Connection timed out after {} milliseconds",
                seconds * 1000 + 1
            ),
            28,
        ),
        (Client::Curl, Unreachable::TimedOut, None) => Failure::message(
            format!(
                "curl: (28) Failed to connect to {} port {} after {KERNEL_CONNECT_TIMEOUT_MS} ms: Couldn't connect to server",
                request.host, request.port
            ),
            28,
        ),
        (Client::Wget, Unreachable::Refused, _) => Failure::message(
            format!("wget: can't connect to remote host ({ip}): Connection refused"),
            1,
        ),
        (Client::Wget, Unreachable::TimedOut, Some(_)) => {
            Failure::message("wget: download timed out", 1)
        }
        (Client::Wget, Unreachable::TimedOut, None) => Failure::message(
            format!("wget: can't connect to remote host ({ip}): Connection timed out"),
            1,
        ),
    }
}

/// The body (or the error a failing status gives), as each client prints it.
fn deliver(request: &Request, ip: &str, response: Response) -> Result<String, Failure> {
    let failed = response.status >= 400;
    match request.client {
        Client::Curl if failed && request.fail_on_error => Err(Failure::message(
            format!(
                "curl: (22) The requested URL returned error: {}",
                response.status
            ),
            22,
        )),
        // `-o FILE` writes the body to a file (not kept: nothing an exec writes is).
        Client::Curl if !request.to_stdout => Ok(String::new()),
        Client::Curl => Ok(response.body),
        Client::Wget if !request.to_stdout && request.quiet => Ok(String::new()),
        Client::Wget if failed => {
            let mut printed = Vec::new();
            if !request.quiet {
                printed.push(Printed::Stderr(format!(
                    "Connecting to {} ({ip}:{})",
                    request.host, request.port
                )));
            }
            printed.push(Printed::Stderr(format!(
                "wget: server returned error: HTTP/1.1 {} {}",
                response.status,
                if response.status == 404 {
                    "Not Found"
                } else {
                    "Error"
                }
            )));
            Err(Failure {
                printed,
                code: 1,
                not_started: false,
            })
        }
        Client::Wget if request.to_stdout && request.quiet => Ok(response.body),
        Client::Wget => {
            // Progress goes to stderr; `-O -` writes the body to stdout, otherwise a file.
            let mut printed = vec![Printed::Stderr(format!(
                "Connecting to {} ({ip}:{})",
                request.host, request.port
            ))];
            if request.to_stdout {
                printed.push(Printed::Stderr("writing to stdout".into()));
                printed.push(Printed::Stdout(response.body.clone()));
                printed.push(Printed::Stderr(progress("-", response.body.len())));
                printed.push(Printed::Stderr("written to stdout".into()));
            } else {
                let file = request
                    .url
                    .rsplit('/')
                    .next()
                    .filter(|name| !name.is_empty() && !request.path.ends_with('/'))
                    .unwrap_or("index.html");
                printed.push(Printed::Stderr(format!("saving to '{file}'")));
                printed.push(Printed::Stderr(progress(file, response.body.len())));
                printed.push(Printed::Stderr(format!("'{file}' saved")));
            }
            // Printed output of a command that succeeded: stdout and stderr, in order.
            Err(Failure {
                printed,
                code: 0,
                not_started: false,
            })
        }
    }
}

/// busybox wget's final progress bar line.
fn progress(file: &str, bytes: usize) -> String {
    format!("{file:<20} 100% |********************************| {bytes:>5}  0:00:00 ETA")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_chosen_with_equal_probability() {
        let mut counts = [0u32; 3];
        for exec in 0..300 {
            let connections = Connections::new(exec);
            for _ in 0..10 {
                counts[connections.pick("client-uid", 3)] += 1;
            }
        }
        // 3,000 draws: each endpoint within 10% of a third.
        for count in counts {
            assert!((900..=1100).contains(&count), "{counts:?}");
        }
    }

    #[test]
    fn options_are_read_as_each_client_reads_them() {
        let words = |line: &str| line.split(' ').map(String::from).collect::<Vec<_>>();
        let Ok(request) = parse(&words("wget -qO- http://demo.dev:8080/hostname")) else {
            panic!("wget did not parse");
        };
        assert!(request.quiet && request.to_stdout);
        assert_eq!((request.host.as_str(), request.port), ("demo.dev", 8080));
        assert_eq!(request.path, "/hostname");
        let Ok(request) = parse(&words("curl -s -m 3 -o /dev/null demo")) else {
            panic!("curl did not parse");
        };
        assert!(request.quiet && !request.to_stdout);
        assert_eq!((request.max_time_s, request.port), (Some(3), 80));
        assert!(parse(&words("curl -s")).is_err());
    }
}
