//! What a container's server answers on a port: the images learners reach over the network
//! (nginx's and httpd's default pages, the workshop's demo app, agnhost's `serve-hostname`
//! and `netexec`, hashicorp/http-echo). `None` when nothing in the pod listens on the port.

use k8s_openapi::api::core::v1::Container;
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;

use crate::kubelet::environment;
use crate::store::Store;

/// An HTTP answer, and the line the server writes to its log for it (if it logs requests).
pub struct Response {
    pub status: u16,
    pub body: String,
    /// The container that answered.
    pub container: String,
    pub access_log: Option<AccessLog>,
}

/// The access log format of the answering server.
#[derive(Clone, Copy)]
pub enum AccessLog {
    /// nginx's `combined` format plus `"$http_x_forwarded_for"` (the image's `main`).
    Nginx,
    /// httpd's `common` format.
    Httpd,
}

/// Who asked, for the server's access log.
pub struct Client<'a> {
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub at: jiff::Timestamp,
}

impl AccessLog {
    pub fn line(self, client: &Client, path: &str, response: &Response) -> String {
        let time =
            jiff::fmt::strtime::format("%d/%b/%Y:%H:%M:%S +0000", client.at).unwrap_or_default();
        let request = format!(
            "\"GET {path} HTTP/1.1\" {} {}",
            response.status,
            response.body.len()
        );
        match self {
            AccessLog::Nginx => format!(
                "{} - - [{time}] {request} \"-\" \"{}\" \"-\"",
                client.ip, client.user_agent
            ),
            AccessLog::Httpd => format!("{} - - [{time}] {request}", client.ip),
        }
    }
}

impl Response {
    fn ok(body: impl Into<String>) -> Response {
        Response::with_status(200, body)
    }

    fn with_status(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            body: body.into(),
            container: String::new(),
            access_log: None,
        }
    }

    fn logged(self, format: AccessLog) -> Response {
        Response {
            access_log: Some(format),
            ..self
        }
    }
}

/// The answer of the container of `pod` listening on `port` to `GET path`.
pub fn answer(pod: &Pod, port: u16, path: &str, store: &Store) -> Option<Response> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .filter(|container| is_running(pod, &container.name))
        .find_map(|container| {
            let response = serve(pod, container, port, path, store)?;
            Some(Response {
                container: container.name.clone(),
                ..response
            })
        })
}

fn is_running(pod: &Pod, container: &str) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|statuses| statuses.iter().find(|c| c.name == container))
        .and_then(|c| c.state.as_ref()?.running.as_ref())
        .is_some()
}

/// The image's repository name without registry, path or tag: `nginx`, `agnhost`.
fn repository(container: &Container) -> &str {
    let image = container.image.as_deref().unwrap_or_default();
    let last = image.rsplit('/').next().unwrap_or(image);
    let without_digest = last.split('@').next().unwrap_or(last);
    without_digest.split(':').next().unwrap_or(without_digest)
}

/// The container's command line (command then args).
fn words(container: &Container) -> Vec<&str> {
    container
        .command
        .iter()
        .flatten()
        .chain(container.args.iter().flatten())
        .map(String::as_str)
        .collect()
}

/// `--name=value` or `-name=value` among the words.
fn flag<'a>(words: &[&'a str], name: &str) -> Option<&'a str> {
    words.iter().find_map(|word| {
        word.trim_start_matches('-')
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('='))
    })
}

fn serve(
    pod: &Pod,
    container: &Container,
    port: u16,
    path: &str,
    store: &Store,
) -> Option<Response> {
    let words = words(container);
    match repository(container) {
        "nginx" if port == 80 => Some(
            match path {
                "/" | "/index.html" => Response::ok(NGINX_WELCOME),
                _ => Response::with_status(404, NGINX_NOT_FOUND),
            }
            .logged(AccessLog::Nginx),
        ),
        "httpd" if port == 80 => Some(
            match path {
                "/" | "/index.html" => {
                    Response::ok("<html><body><h1>It works!</h1></body></html>\n")
                }
                _ => Response::with_status(404, HTTPD_NOT_FOUND),
            }
            .logged(AccessLog::Httpd),
        ),
        // The workshop's demo app: `$GREETING <pod name>` on every path.
        "demo" if port == 80 => {
            let ip = pod.status.as_ref().and_then(|s| s.pod_ip.as_deref());
            let env = environment::variables(pod, container, ip, store);
            let greeting = env
                .get("GREETING")
                .cloned()
                .unwrap_or_else(|| "Hello from".into());
            Some(Response::ok(format!(
                "{greeting} {}\n",
                pod.metadata.name_str()
            )))
        }
        "agnhost" => match words
            .iter()
            .copied()
            .find(|w| !w.starts_with('-') && *w != "/agnhost")?
        {
            "serve-hostname" => {
                let listens = flag(&words, "port")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(9376);
                (port == listens).then(|| Response::ok(pod.metadata.name_str()))
            }
            "netexec" => {
                let listens = flag(&words, "http-port")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(8080);
                (port == listens).then(|| match path {
                    "/hostname" => Response::ok(pod.metadata.name_str()),
                    "/clientip" | "/healthz" | "/" => Response::ok(""),
                    _ => Response::with_status(404, "404 page not found\n"),
                })
            }
            _ => None,
        },
        // hashicorp/http-echo: `-text` on every path, on `-listen` (default :5678).
        "http-echo" => {
            let listens = flag(&words, "listen")
                .and_then(|l| l.rsplit(':').next())
                .and_then(|p| p.parse().ok())
                .unwrap_or(5678);
            (port == listens)
                .then(|| Response::ok(format!("{}\n", flag(&words, "text").unwrap_or_default())))
        }
        _ => None,
    }
}

pub const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

const NGINX_NOT_FOUND: &str = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

const HTTPD_NOT_FOUND: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n";
