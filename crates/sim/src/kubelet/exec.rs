//! What `kubectl exec` reaches inside a simulated container: a few programs (`curl` of the
//! container's own server, `hostname`, `env`, busybox's `nslookup`, …) answering as the image
//! would.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Pod};
use kubeplay_model::object::MetaExt;

use crate::dns::Resolver;

pub(crate) mod nslookup;

/// A command run inside a simulated container.
pub struct Process<'a> {
    pub pod: &'a Pod,
    pub container: &'a Container,
    pub environment: BTreeMap<String, String>,
    /// The cluster DNS the pod's resolver reaches.
    pub dns: Resolver<'a>,
}

/// A line or block a command wrote, on the stream it wrote it to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Printed {
    Stdout(String),
    /// One message, without its final newline.
    Stderr(String),
}

/// A command that exited with a non-zero code, and what it printed, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub printed: Vec<Printed>,
    pub code: i32,
}

impl Failure {
    fn message(stderr: impl Into<String>, code: i32) -> Failure {
        Failure {
            printed: vec![Printed::Stderr(stderr.into())],
            code,
        }
    }
}

impl Process<'_> {
    pub fn run(&self, argv: &[String]) -> Result<String, Failure> {
        // The kubelet names the container's host after spec.hostname, else the pod.
        let hostname = self
            .pod
            .spec
            .as_ref()
            .and_then(|spec| spec.hostname.as_deref())
            .filter(|name| !name.is_empty())
            .unwrap_or(self.pod.metadata.name_str());
        let program = argv[0].rsplit('/').next().unwrap_or(&argv[0]);
        match program {
            "curl" | "wget" => self.http(argv),
            "hostname" => Ok(format!("{hostname}\n")),
            "echo" => Ok(format!("{}\n", argv[1..].join(" "))),
            "env" | "printenv" => {
                let mut vars = BTreeMap::new();
                vars.insert("HOSTNAME".to_string(), hostname.to_string());
                vars.insert(
                    "PATH".to_string(),
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
                );
                vars.insert(
                    "KUBERNETES_SERVICE_HOST".to_string(),
                    "10.96.0.1".to_string(),
                );
                vars.insert("KUBERNETES_SERVICE_PORT".to_string(), "443".to_string());
                vars.extend(self.environment.clone());
                if let Some(name) = argv.get(1) {
                    return vars.get(name).map(|v| format!("{v}\n")).ok_or(Failure {
                        printed: Vec::new(),
                        code: 1,
                    });
                }
                Ok(vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect())
            }
            "cat" if argv.get(1).map(String::as_str) == Some("/etc/hostname") => {
                Ok(format!("{hostname}\n"))
            }
            "date" => Ok(format!("{}\n", "Mon Jun  2 10:15:00 UTC 2025")),
            "true" => Ok(String::new()),
            // `sh -c 'hostname'`: a script that is one simple command runs that command.
            "sh" | "ash" | "bash" if argv.len() == 3 && argv[1] == "-c" && is_simple(&argv[2]) => {
                let words: Vec<String> = argv[2].split_whitespace().map(String::from).collect();
                if words.is_empty() {
                    return Ok(String::new());
                }
                self.run(&words)
            }
            "sh" | "bash" if argv.len() == 1 => Err(Failure::message(
                "kubeplay: interactive shells are not simulated; run a single command after --",
                1,
            )),
            "nslookup" if self.is_busybox() => nslookup::run(&self.dns, &argv[1..]),
            _ => Err(Failure::message(
                format!(
                    "error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: {:?}: executable file not found in $PATH: unknown",
                    argv[0]
                ),
                126,
            )),
        }
    }

    /// `curl http://localhost[:PORT]/`: the demo image answers `$GREETING <hostname>`,
    /// web servers their welcome page.
    /// Only busybox images ship `nslookup` (nginx, httpd and the like do not).
    fn is_busybox(&self) -> bool {
        let image = self.container.image.as_deref().unwrap_or_default();
        let without_digest = image.split('@').next().unwrap_or_default();
        let last = without_digest.rsplit('/').next().unwrap_or_default();
        last.split(':').next() == Some("busybox")
    }

    fn http(&self, argv: &[String]) -> Result<String, Failure> {
        let url = argv[1..]
            .iter()
            .find(|a| !a.starts_with('-'))
            .cloned()
            .unwrap_or_default();
        let image = self.container.image.clone().unwrap_or_default();
        let repository = image
            .rsplit('/')
            .next()
            .unwrap_or(&image)
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string();
        let local = url.contains("localhost") || url.contains("127.0.0.1");
        let port: u16 = url
            .split("://")
            .nth(1)
            .unwrap_or(&url)
            .split('/')
            .next()
            .and_then(|h| h.split(':').nth(1))
            .and_then(|p| p.parse().ok())
            .unwrap_or(80);
        if !local {
            return Err(Failure::message(
                format!(
                    "curl: (6) Could not resolve host: {}",
                    url.split("://")
                        .nth(1)
                        .unwrap_or(&url)
                        .split(['/', ':'])
                        .next()
                        .unwrap_or("")
                ),
                6,
            ));
        }
        match (repository.as_str(), port) {
            ("demo", 80) => {
                let greeting = self
                    .environment
                    .get("GREETING")
                    .cloned()
                    .unwrap_or_else(|| "Hello from".into());
                Ok(format!("{greeting} {}\n", self.pod.metadata.name_str()))
            }
            ("nginx", 80) => Ok(NGINX_WELCOME.to_string()),
            ("httpd", 80) => Ok("<html><body><h1>It works!</h1></body></html>\n".to_string()),
            _ => Err(Failure::message(
                format!(
                    "curl: (7) Failed to connect to localhost port {port} after 0 ms: Couldn't connect to server"
                ),
                7,
            )),
        }
    }
}

/// A script without quoting, expansions, pipes, redirections or lists.
fn is_simple(script: &str) -> bool {
    !script.contains([
        '|', ';', '&', '>', '<', '$', '`', '\'', '"', '(', '\\', '\n',
    ])
}

const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";
