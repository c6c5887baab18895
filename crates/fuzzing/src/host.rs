//! What the entry points run against: a shell host that stops scripts, and sample data.

use std::cell::Cell;

use kubeplay_shell::{Host, Interval, ProgramOutput, VirtualFs};

/// How many times a script may be asked whether to stop before it is stopped: bounds a
/// fuzz input's loops well below the shell's own iteration limit.
const MAX_STEPS: u32 = 2_000;

/// A host with no programs whose `sleep` passes no time, and that interrupts a script
/// after [`MAX_STEPS`] commands.
#[derive(Default)]
pub struct Bounded {
    steps: Cell<u32>,
}

impl Host for Bounded {
    fn run(
        &mut self,
        _argv: &[String],
        _stdin: &str,
        _fs: &mut VirtualFs,
    ) -> Option<ProgramOutput> {
        None
    }

    fn sleep(&mut self, _interval: Interval, _fs: &mut VirtualFs) -> ProgramOutput {
        ProgramOutput::default()
    }

    fn interrupted(&self) -> bool {
        self.steps.set(self.steps.get().saturating_add(1));
        self.steps.get() > MAX_STEPS
    }
}

/// A Pod as `kubectl get pod -o json` prints it, for jsonpath templates without a document.
pub fn sample_pod() -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web-0",
            "namespace": "default",
            "labels": {"app": "web", "app.kubernetes.io/name": "web"},
            "annotations": {"note": "a b"}
        },
        "spec": {
            "containers": [
                {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]},
                {"name": "sidecar", "image": "busybox:1.36", "args": ["sleep", "3600"]}
            ],
            "nodeName": "kind-worker"
        },
        "status": {
            "phase": "Running",
            "podIP": "10.244.1.5",
            "conditions": [
                {"type": "Ready", "status": "True"},
                {"type": "PodScheduled", "status": "True"}
            ],
            "containerStatuses": [
                {"name": "nginx", "ready": true, "restartCount": 0},
                {"name": "sidecar", "ready": false, "restartCount": 3}
            ]
        }
    })
}
