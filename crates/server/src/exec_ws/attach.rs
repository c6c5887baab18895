//! `pods/attach` over the WebSocket: what the container writes from the attach on.

use axum::extract::ws::Message;
use kubeplay_model::api::api::core::v1::Container;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Pod};

use super::{Options, STDOUT, Session, success};
use crate::state::Shared;

impl Session {
    /// Attaches to the container's process: what it writes from now on, until it stops or
    /// the client leaves.
    pub(super) async fn attach(
        mut self,
        shared: Shared,
        pod: Pod,
        container: Container,
        options: Options,
    ) {
        let mut changed = shared.subscribe();
        let key = ObjectKey::new(
            Kind::Pod,
            pod.metadata.namespace_str(),
            pod.metadata.name_str(),
        );
        // Lines written up to the attach belong to `kubectl logs`, not to the attached stream.
        let mut seen = shared.read(|cluster| {
            cluster
                .container_log(&pod, &container.name, false)
                .map_or(0, |lines| lines.len())
        });
        loop {
            let (lines, running) = shared.read(|cluster| {
                let current = match cluster.api.store.get(&key) {
                    Some(Object::Pod(current)) if current.metadata.uid == pod.metadata.uid => {
                        current
                    }
                    _ => return (Vec::new(), false),
                };
                let lines = cluster
                    .container_log(current, &container.name, false)
                    .unwrap_or_default();
                let running = kubeplay_model::pod::container_status(current, &container.name)
                    .and_then(|status| status.state.as_ref())
                    .is_some_and(|state| state.running.is_some());
                (lines, running)
            });
            // A restarted container starts a new log.
            if lines.len() < seen {
                seen = 0;
            }
            if options.stdout {
                for (_, line) in &lines[seen..] {
                    if !self.send(STDOUT, format!("{line}\n").as_bytes()).await {
                        return;
                    }
                }
            }
            seen = lines.len();
            if !running {
                return self.finish(success()).await;
            }
            tokio::select! {
                result = changed.changed() => if result.is_err() { return },
                message = self.socket.recv() => match message {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    // Input to a simulated process goes nowhere.
                    Some(Ok(_)) => {}
                },
            }
        }
    }
}
