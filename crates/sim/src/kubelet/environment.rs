//! What a container's program finds when it starts: its environment (the kubelet's
//! `makeEnvironmentVariables`: the service variables of the API server, `HOSTNAME`, the
//! container's `env` with downward-API `fieldRef`s and ConfigMap keys resolved) and its
//! filesystem (the pod's volumes at their mount paths: `emptyDir` shared by the pod's
//! containers, `downwardAPI` files, `configMap` keys).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, ObjectFieldSelector};
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod_object::PodObject;
use kubeplay_model::{Kind, Object, ObjectKey, Pod};
use kubeplay_shell::VirtualFs;

use crate::store::Store;

/// What a pod reads as its service account token: shaped like the API server's signed JWT
/// (header, claims, signature in base64url), but kubeplay signs nothing and its claims name
/// no real account.
const SERVICE_ACCOUNT_TOKEN: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6Imt1YmVwbGF5LXNpbXVsYXRlZCJ9.eyJhdWQiOlsiaHR0cHM6Ly9rdWJlcm5ldGVzLmRlZmF1bHQuc3ZjLmNsdXN0ZXIubG9jYWwiXSwiaXNzIjoiaHR0cHM6Ly9rdWJlcm5ldGVzLmRlZmF1bHQuc3ZjLmNsdXN0ZXIubG9jYWwiLCJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6a3ViZXBsYXk6bm90LWEtcmVhbC10b2tlbiJ9.a3ViZXBsYXkgc2lnbnMgbm90aGluZzogdGhpcyB0b2tlbiBpcyBub3QgYSByZWFsIG9uZQ";

/// The files of each `emptyDir` volume of a pod, by volume name and path inside it.
pub type EmptyDirs = BTreeMap<String, BTreeMap<String, String>>;

/// The container's environment variables.
pub fn variables(
    pod: &Pod,
    container: &Container,
    pod_ip: Option<&str>,
    store: &Store,
) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::from([
        (
            "PATH".to_string(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
        ),
        ("HOSTNAME".to_string(), hostname(pod)),
        ("HOME".to_string(), "/root".to_string()),
        (
            "KUBERNETES_SERVICE_HOST".to_string(),
            "10.96.0.1".to_string(),
        ),
        ("KUBERNETES_SERVICE_PORT".to_string(), "443".to_string()),
        (
            "KUBERNETES_SERVICE_PORT_HTTPS".to_string(),
            "443".to_string(),
        ),
        (
            "KUBERNETES_PORT".to_string(),
            "tcp://10.96.0.1:443".to_string(),
        ),
    ]);
    let namespace = pod.metadata.namespace_str();
    for env in container.env.iter().flatten() {
        let value = match (&env.value, &env.value_from) {
            (Some(value), _) => Some(expand(value, &vars)),
            (None, Some(from)) => {
                if let Some(field) = &from.field_ref {
                    field_value(pod, field, pod_ip)
                } else if let Some(key) = &from.config_map_key_ref {
                    config_map(store, namespace, &key.name).and_then(|d| d.get(&key.key).cloned())
                } else {
                    None
                }
            }
            (None, None) => Some(String::new()),
        };
        if let Some(value) = value {
            vars.insert(env.name.clone(), value);
        }
    }
    vars
}

/// The variables the kubelet injects for the Services of the pod's namespace
/// (`getServiceEnvVarMap` and `FromServices` in pkg/kubelet/envvars): for each Service with a
/// cluster IP, `NAME_SERVICE_HOST`, `NAME_SERVICE_PORT[_PORTNAME]` and the Docker-link style
/// `NAME_PORT…`; the `kubernetes` Service of `default` is always there. Only Services that
/// existed when the container `started` count.
pub fn service_variables(
    pod: &Pod,
    store: &Store,
    started: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>,
) -> BTreeMap<String, String> {
    use k8s_openapi::api::core::v1::Service;
    let namespace = pod.metadata.namespace_str();
    let enabled = pod
        .spec
        .as_ref()
        .and_then(|s| s.enable_service_links)
        .unwrap_or(true);
    let mut vars = BTreeMap::new();
    let services = store.list_typed::<Service>(None).filter(|service| {
        // The variables are set when the container starts: later Services are not in them.
        let existed = match (started, service.metadata.creation_timestamp.as_ref()) {
            (Some(started), Some(created)) => created.0 <= started.0,
            _ => true,
        };
        if !existed {
            return false;
        }
        let ns = service.metadata.namespace_str();
        (ns == "default" && service.metadata.name_str() == "kubernetes")
            || (enabled && ns == namespace)
    });
    for service in services {
        let Some(spec) = service.spec.as_ref() else {
            continue;
        };
        let Some(ip) = spec
            .cluster_ip
            .as_deref()
            .filter(|ip| !ip.is_empty() && *ip != "None")
        else {
            continue;
        };
        let name = service.metadata.name_str().to_uppercase().replace('-', "_");
        let ports = spec.ports.as_deref().unwrap_or_default();
        vars.insert(format!("{name}_SERVICE_HOST"), ip.to_string());
        for (i, port) in ports.iter().enumerate() {
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            let lower = protocol.to_lowercase();
            if i == 0 {
                vars.insert(format!("{name}_SERVICE_PORT"), port.port.to_string());
                vars.insert(
                    format!("{name}_PORT"),
                    format!("{lower}://{ip}:{}", port.port),
                );
            }
            if let Some(port_name) = port.name.as_deref().filter(|n| !n.is_empty()) {
                let port_name = port_name.to_uppercase().replace('-', "_");
                vars.insert(
                    format!("{name}_SERVICE_PORT_{port_name}"),
                    port.port.to_string(),
                );
            }
            let prefix = format!("{name}_PORT_{}_{protocol}", port.port);
            vars.insert(prefix.clone(), format!("{lower}://{ip}:{}", port.port));
            vars.insert(format!("{prefix}_PROTO"), lower);
            vars.insert(format!("{prefix}_PORT"), port.port.to_string());
            vars.insert(format!("{prefix}_ADDR"), ip.to_string());
        }
    }
    vars
}

/// The pod's hostname: `spec.hostname`, else its name.
pub fn hostname(pod: &Pod) -> String {
    pod.spec
        .as_ref()
        .and_then(|s| s.hostname.clone())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| pod.metadata.name_str().to_string())
}

/// `$(VAR)` references to variables defined before, as the kubelet expands them.
fn expand(value: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("$(") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find(')') {
            Some(end) if vars.contains_key(&after[..end]) => {
                out.push_str(&vars[&after[..end]]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("$(");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A downward-API field (`podFieldSelectorRuntimeValue` and the fields the API server
/// allows: name, namespace, uid, labels and annotations by key, node, service account,
/// IPs).
fn field_value(pod: &Pod, field: &ObjectFieldSelector, pod_ip: Option<&str>) -> Option<String> {
    let path = field.field_path.as_str();
    let keyed = |prefix: &str| {
        path.strip_prefix(prefix)?
            .strip_suffix("']")
            .map(str::to_string)
    };
    if let Some(key) = keyed("metadata.annotations['") {
        return Some(pod.metadata.annotations.as_ref()?.get(&key)?.clone());
    }
    if let Some(key) = keyed("metadata.labels['") {
        return Some(pod.metadata.labels.as_ref()?.get(&key)?.clone());
    }
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    match path {
        "metadata.name" => Some(pod.metadata.name_str().to_string()),
        "metadata.namespace" => Some(pod.metadata.namespace_str().to_string()),
        "metadata.uid" => Some(pod.metadata.uid_str().to_string()),
        "spec.nodeName" => spec?.node_name.clone(),
        "spec.serviceAccountName" => spec?.service_account_name.clone(),
        "status.podIP" => pod_ip.map(str::to_string),
        "status.hostIP" => status?.host_ip.clone(),
        _ => None,
    }
}

fn config_map<'a>(
    store: &'a Store,
    namespace: &str,
    name: &str,
) -> Option<&'a BTreeMap<String, String>> {
    match store.get(&ObjectKey::new(Kind::ConfigMap, namespace, name))? {
        Object::ConfigMap(map) => map.data.as_ref(),
        _ => None,
    }
}

/// The container's filesystem: its working directory and its volume mounts (the
/// ServiceAccount token's among them, which the stored pod holds apart: see `PodObject`).
pub fn filesystem(
    pod: &PodObject,
    container: &Container,
    pod_ip: Option<&str>,
    empty_dirs: &EmptyDirs,
    store: &Store,
) -> VirtualFs {
    let mut fs = VirtualFs::new("/root");
    for dir in ["/bin", "/etc", "/home", "/usr/bin", "/var"] {
        let _ = fs.mkdir(dir, true);
    }
    let _ = fs.write("/etc/hostname", &format!("{}\n", hostname(pod)));
    let working_dir = container.working_dir.as_deref().unwrap_or("/");
    let _ = fs.mkdir(working_dir, true);
    let _ = fs.set_cwd(working_dir);
    let token = pod.token_volume();
    let mut volumes = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.clone())
        .unwrap_or_default();
    volumes.extend(token.as_ref().map(|(volume, _)| volume.clone()));
    let token_mount = token.as_ref().map(|(_, mount)| mount);
    for mount in container.volume_mounts.iter().flatten().chain(token_mount) {
        let Some(volume) = volumes.iter().find(|v| v.name == mount.name) else {
            continue;
        };
        let root = mount.mount_path.trim_end_matches('/').to_string();
        let _ = fs.mkdir(&root, true);
        let mut files: Vec<(String, String)> = Vec::new();
        if volume.empty_dir.is_some() {
            files.extend(
                empty_dirs
                    .get(&volume.name)
                    .into_iter()
                    .flatten()
                    .map(|(p, c)| (p.clone(), c.clone())),
            );
        } else if let Some(downward) = &volume.downward_api {
            for item in downward.items.iter().flatten() {
                if let Some(value) = item
                    .field_ref
                    .as_ref()
                    .and_then(|f| field_value(pod, f, pod_ip))
                {
                    files.push((item.path.clone(), value));
                }
            }
        } else if let Some(projected) = &volume.projected {
            // The service account volume: a token, the cluster CA, the namespace.
            for source in projected.sources.iter().flatten() {
                if let Some(token) = &source.service_account_token {
                    files.push((token.path.clone(), SERVICE_ACCOUNT_TOKEN.to_string()));
                }
                if let Some(map) = &source.config_map {
                    let data = config_map(store, pod.metadata.namespace_str(), &map.name);
                    files.extend(map.items.iter().flatten().filter_map(|item| {
                        Some((item.path.clone(), data?.get(&item.key)?.clone()))
                    }));
                }
                for item in source
                    .downward_api
                    .iter()
                    .flat_map(|d| d.items.iter().flatten())
                {
                    if let Some(value) = item
                        .field_ref
                        .as_ref()
                        .and_then(|f| field_value(pod, f, pod_ip))
                    {
                        files.push((item.path.clone(), value));
                    }
                }
            }
        } else if let Some(source) = &volume.config_map {
            let data = config_map(store, pod.metadata.namespace_str(), &source.name);
            match &source.items {
                Some(items) => {
                    files.extend(items.iter().filter_map(|item| {
                        Some((item.path.clone(), data?.get(&item.key)?.clone()))
                    }))
                }
                None => files.extend(
                    data.into_iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), v.clone())),
                ),
            }
        }
        for (path, content) in files {
            let path = format!("{root}/{path}");
            if let Some((parent, _)) = path.rsplit_once('/') {
                let _ = fs.mkdir(parent, true);
            }
            let _ = fs.write(&path, &content);
        }
    }
    fs
}

/// Keeps what the container left in its `emptyDir` mounts for the pod's other containers.
pub fn keep_empty_dirs(
    pod: &Pod,
    container: &Container,
    fs: &VirtualFs,
    empty_dirs: &mut EmptyDirs,
) {
    let volumes = pod.spec.as_ref().and_then(|s| s.volumes.as_ref());
    for mount in container.volume_mounts.iter().flatten() {
        let is_empty_dir = volumes
            .into_iter()
            .flatten()
            .any(|v| v.name == mount.name && v.empty_dir.is_some());
        if !is_empty_dir || mount.read_only == Some(true) {
            continue;
        }
        let root = mount.mount_path.trim_end_matches('/').to_string();
        let mut files = BTreeMap::new();
        collect(fs, &root, &root, &mut files);
        empty_dirs.insert(mount.name.clone(), files);
    }
}

fn collect(fs: &VirtualFs, root: &str, dir: &str, files: &mut BTreeMap<String, String>) {
    for name in fs.list(dir).unwrap_or_default() {
        let path = format!("{dir}/{name}");
        if fs.is_dir(&path) {
            collect(fs, root, &path, files);
        } else if let Some(content) = fs.read(&path) {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .trim_start_matches('/');
            files.insert(relative.to_string(), content.to_string());
        }
    }
}
