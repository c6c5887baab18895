//! What a container's filesystem holds when `kubectl exec` looks at it: the image's layers
//! (its top-level layout, the programs on its PATH, its ENV lines and the files people look
//! at, as data in `filesystems.txt`), then what the kubelet mounts over it: `/etc/hosts`
//! (`managedHostsFileContent` in kubelet_pods.go), `/etc/resolv.conf` (the cluster DNS of
//! kind: `search NS.svc.cluster.local svc.cluster.local cluster.local`, `ndots:5`),
//! `/etc/hostname`, and `/dev`, `/proc`, `/sys`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use kubeplay_shell::VirtualFs;

const DATA: &str = include_str!("filesystems.txt");

/// One layer of `filesystems.txt`.
#[derive(Debug, Default)]
struct Layer {
    dirs: Vec<String>,
    programs: Vec<String>,
    env: Vec<(String, String)>,
    files: Vec<(String, String)>,
}

#[derive(Debug, Default)]
struct Table {
    layers: BTreeMap<String, Layer>,
    /// Repository (`docker.io/library/nginx`) → its layers, bottom first.
    images: BTreeMap<String, Vec<String>>,
}

/// The contents kubeplay knows of one image.
#[derive(Debug, Default)]
pub struct ImageContents {
    pub dirs: Vec<String>,
    pub programs: Vec<String>,
    pub env: Vec<(String, String)>,
    pub files: Vec<(String, String)>,
    /// Whether `filesystems.txt` describes the image (else it is a learner's own image).
    pub known: bool,
}

impl ImageContents {
    pub fn has_program(&self, name: &str) -> bool {
        self.programs.iter().any(|p| p == name)
    }
}

fn parse(data: &str) -> Table {
    let mut table = Table::default();
    let mut current: Option<String> = None;
    let mut lines = data.lines();
    while let Some(line) = lines.next() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        if word == "layer" {
            current = Some(rest.to_string());
            table.layers.entry(rest.to_string()).or_default();
            continue;
        }
        if word == "image" {
            if let Some((repository, layers)) = rest.split_once(':') {
                table.images.insert(
                    repository.to_string(),
                    layers.split_whitespace().map(String::from).collect(),
                );
            }
            continue;
        }
        let Some(layer) = current.as_ref().and_then(|name| table.layers.get_mut(name)) else {
            continue;
        };
        match word {
            "dirs" => layer.dirs.extend(rest.split_whitespace().map(String::from)),
            "programs" => layer
                .programs
                .extend(rest.split_whitespace().map(String::from)),
            "env" => {
                let (name, value) = rest.split_once('=').unwrap_or((rest, ""));
                layer.env.push((name.to_string(), value.to_string()));
            }
            "file" => {
                let mut content = String::new();
                for body in lines.by_ref() {
                    if body == "." {
                        break;
                    }
                    content.push_str(body);
                    content.push('\n');
                }
                layer.files.push((rest.to_string(), content));
            }
            _ => {}
        }
    }
    table
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| parse(DATA))
}

/// The contents of `image` (any reference: `nginx`, `nginx:1.27`, `docker.io/library/nginx`).
/// An image kubeplay does not know is taken to be a Debian-like base with no files of its own.
pub fn contents(image: &str) -> ImageContents {
    let qualified = super::qualified(image);
    let repository = match qualified.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => name,
        _ => qualified.as_str(),
    };
    let table = table();
    let (layers, known) = match table.images.get(repository) {
        Some(layers) => (layers.clone(), true),
        None => (vec!["debian-bookworm".to_string()], false),
    };
    let mut contents = ImageContents {
        known,
        ..ImageContents::default()
    };
    for name in &layers {
        let Some(layer) = table.layers.get(name) else {
            continue;
        };
        contents.dirs.extend(layer.dirs.iter().cloned());
        contents.programs.extend(layer.programs.iter().cloned());
        contents.env.extend(layer.env.iter().cloned());
        if known {
            contents.files.extend(layer.files.iter().cloned());
        }
    }
    contents
}

/// What a pod's `/etc/hosts` says (kubelet's `managedHostsFileContent`).
pub fn hosts_file(ip: &str, hostname: &str, domain: Option<&str>) -> String {
    let mut text = String::from("# Kubernetes-managed hosts file.\n");
    text.push_str("127.0.0.1\tlocalhost\n");
    text.push_str("::1\tlocalhost ip6-localhost ip6-loopback\n");
    text.push_str("fe00::0\tip6-localnet\n");
    text.push_str("fe00::0\tip6-mcastprefix\n");
    text.push_str("fe00::1\tip6-allnodes\n");
    text.push_str("fe00::2\tip6-allrouters\n");
    match domain {
        Some(domain) => text.push_str(&format!("{ip}\t{hostname}.{domain}\t{hostname}\n")),
        None => text.push_str(&format!("{ip}\t{hostname}\n")),
    }
    text
}

/// What a pod's `/etc/resolv.conf` says on kind (ClusterFirst DNS policy).
pub fn resolv_conf(namespace: &str) -> String {
    format!(
        "search {namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
    )
}

/// Lays the image and the kubelet's files under what `fs` already holds (the pod's volumes,
/// which win).
pub fn lay_out(fs: &mut VirtualFs, contents: &ImageContents, kubelet_files: &[(&str, String)]) {
    for dir in contents
        .dirs
        .iter()
        .map(String::as_str)
        .chain(["/dev", "/proc", "/sys", "/etc", "/tmp"])
    {
        let _ = fs.mkdir(dir, true);
    }
    let files = contents
        .files
        .iter()
        .map(|(path, text)| (path.as_str(), text.clone()))
        .chain(kubelet_files.iter().cloned());
    for (path, text) in files {
        if fs.exists(path) {
            continue;
        }
        if let Some((parent, _)) = path.rsplit_once('/').filter(|(p, _)| !p.is_empty()) {
            let _ = fs.mkdir(parent, true);
        }
        let _ = fs.write(path, &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_stack_their_layers() {
        let nginx = contents("nginx:1.27");
        assert!(nginx.known && nginx.has_program("curl") && nginx.has_program("ls"));
        assert!(!nginx.has_program("ps"), "the nginx image ships no procps");
        assert!(nginx.files.iter().any(|(p, t)| p == "/etc/os-release"
            && t.starts_with("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")));
        assert!(nginx.env.iter().any(|(n, _)| n == "NGINX_VERSION"));
        let busybox = contents("busybox:1.36");
        assert!(busybox.has_program("nslookup") && !busybox.has_program("curl"));
        assert!(!busybox.files.iter().any(|(p, _)| p == "/etc/os-release"));
        assert!(
            contents("alpine:3.21")
                .files
                .iter()
                .any(|(p, _)| p == "/etc/alpine-release")
        );
        assert!(
            contents("demo:1.0.0").has_program("curl"),
            "the workshop curls inside it"
        );
        let own = contents("registry.example.com/team/app:1.0");
        assert!(!own.known && own.files.is_empty());
    }

    #[test]
    fn kubelet_files() {
        assert_eq!(
            hosts_file(
                "10.244.1.2",
                "web-0",
                Some("nginx.default.svc.cluster.local")
            ),
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.244.1.2\tweb-0.nginx.default.svc.cluster.local\tweb-0\n"
        );
        assert_eq!(
            resolv_conf("dev"),
            "search dev.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
        );
    }
}
