//! What a kubectl invocation works on: the simulated cluster, the shell's virtual
//! filesystem, and (for the CLI) a way to read real files next to a script.

use kubeplay_model::{Kind, Object, ObjectKey};
use kubeplay_shell::VirtualFs;
use kubeplay_sim::Cluster;

use crate::waiting::WaitControl;

/// Reads a file that is not in the virtual filesystem (the CLI reads the script's folder).
pub type FileFallback = dyn Fn(&str) -> Option<String>;

pub struct Session<'a> {
    pub cluster: &'a mut Cluster,
    pub fs: &'a mut VirtualFs,
    pub fallback: &'a FileFallback,
    /// Deadlines, budget and deferral of the commands that wait (see `waiting`).
    pub waits: &'a mut WaitControl,
    /// The command's environment (`KUBE_EDITOR`, `EDITOR`), when the shell passed one.
    pub env: std::collections::BTreeMap<String, String>,
}

impl Session<'_> {
    pub fn now(&self) -> jiff::Timestamp {
        self.cluster.api.clock.now()
    }

    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Object> {
        self.cluster
            .api
            .store
            .get(&ObjectKey::new(kind, namespace, name))
    }

    /// Reads `path` from the virtual filesystem, else through the fallback.
    pub fn read_file(&self, path: &str) -> Option<String> {
        let absolute = self.fs.absolute(path);
        if let Some(text) = self.fs.read(&absolute) {
            return Some(text.to_string());
        }
        (self.fallback)(path)
    }

    /// Lists a directory of the virtual filesystem (for `-f DIR`).
    pub fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        let absolute = self.fs.absolute(path);
        if !self.fs.is_dir(&absolute) {
            return None;
        }
        let names = self.fs.list(&absolute).ok()?;
        Some(
            names
                .into_iter()
                .map(|name| format!("{}/{name}", absolute.trim_end_matches('/')))
                .collect(),
        )
    }
}
