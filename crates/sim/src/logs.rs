//! The `pods/log` subresource: a container's log lines as the kubelet serves them, or the
//! API server's BadRequest when there is nothing to read yet (kubectl logs and
//! `kubeplay serve` both read logs through here).

use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::container_status;
use kubeplay_model::{ApiError, Pod};

use crate::Cluster;
use crate::clock::Millis;

fn waiting_reason(pod: &Pod, container: &str) -> Option<String> {
    container_status(pod, container)?
        .state
        .as_ref()?
        .waiting
        .as_ref()?
        .reason
        .clone()
        .or(Some("ContainerCreating".into()))
}

impl Cluster {
    /// The log of `container` in `pod` (its previous run with `previous`): the lines written
    /// up to now, each with when it was written (for `timestamps` and `sinceTime`).
    pub fn container_log(
        &self,
        pod: &Pod,
        container: &str,
        previous: bool,
    ) -> Result<Vec<(Millis, String)>, ApiError> {
        let pod_name = pod.metadata.name_str();
        let now = self.now_ms();
        let lines = self
            .kubelets
            .timed_logs(pod.metadata.uid_str(), container, previous)
            .map(|lines| {
                lines
                    .iter()
                    .filter(|(at, _)| *at <= now)
                    .cloned()
                    .collect::<Vec<_>>()
            });
        let started = container_status(pod, container).is_some_and(|c| {
            c.state.as_ref().is_some_and(|s| s.waiting.is_none()) || c.restart_count > 0
        });
        match lines {
            Some(lines) if previous && lines.is_empty() => Err(ApiError::BadRequest(format!(
                "previous terminated container {container:?} in pod {pod_name:?} not found"
            ))),
            Some(lines) if started || !lines.is_empty() => Ok(lines),
            _ => {
                let reason =
                    waiting_reason(pod, container).unwrap_or_else(|| "ContainerCreating".into());
                let detail = if reason.contains("ImagePull") {
                    "trying and failing to pull image".to_string()
                } else {
                    reason
                };
                Err(ApiError::BadRequest(format!(
                    "container {container:?} in pod {pod_name:?} is waiting to start: {detail}"
                )))
            }
        }
    }
}
