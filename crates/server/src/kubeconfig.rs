//! The kubeconfig `kubeplay serve` writes: one cluster, user and context named `kubeplay`.

/// A kubeconfig pointing at `server` (plain HTTP on loopback: nothing to authenticate).
pub fn kubeconfig(server: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: kubeplay
  cluster:
    server: {server}
users:
- name: kubeplay
  user: {{}}
contexts:
- name: kubeplay
  context:
    cluster: kubeplay
    user: kubeplay
    namespace: default
current-context: kubeplay
"
    )
}
