//! What `kubectl exec` reaches inside a simulated container: a few programs (`curl` of the
//! container's own server, `hostname`, `env`, …) answering as the image would.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Pod};
use kubeplay_model::object::MetaExt;

/// A command run inside a simulated container.
pub struct Process<'a> {
    pub pod: &'a Pod,
    pub container: &'a Container,
    pub environment: BTreeMap<String, String>,
}

impl Process<'_> {
    pub fn run(&self, argv: &[String]) -> Result<String, (String, i32)> {
        let hostname = self.pod.metadata.name_str();
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
                    return vars
                        .get(name)
                        .map(|v| format!("{v}\n"))
                        .ok_or((String::new(), 1));
                }
                Ok(vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect())
            }
            "cat" if argv.get(1).map(String::as_str) == Some("/etc/hostname") => {
                Ok(format!("{hostname}\n"))
            }
            "date" => Ok(format!("{}\n", "Mon Jun  2 10:15:00 UTC 2025")),
            "true" => Ok(String::new()),
            "sh" | "bash" if argv.len() == 1 => Err((
                "kubeplay: interactive shells are not simulated; run a single command after --"
                    .into(),
                1,
            )),
            _ => Err((
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
    fn http(&self, argv: &[String]) -> Result<String, (String, i32)> {
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
            return Err((
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
            _ => Err((
                format!(
                    "curl: (7) Failed to connect to localhost port {port} after 0 ms: Couldn't connect to server"
                ),
                7,
            )),
        }
    }
}

const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";
