//! `GET pods/NAME/log?follow=true` (`kubectl logs -f`): the container's log so far (after
//! `tailLines`), then each line as virtual time reaches it, until the container stops running
//! — it exits, is killed or restarts (then the lines its run wrote last are sent first, from
//! the previous log) — the pod goes away, or the client does. As the kubelet's follower, it
//! never outlives the container instance it started on.

use axum::body::Bytes;
use axum::response::Response;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::container_status;
use kubeplay_model::{Object, ObjectKey, Pod};
use kubeplay_sim::Cluster;
use tokio::sync::{mpsc, watch};

use crate::request::Request;
use crate::state::Shared;
use crate::status::Failure;
use crate::subresources::{log_target, skipped_by_tail};

/// The container instance being followed, and how much of its log was sent.
struct Followed {
    pod: ObjectKey,
    uid: String,
    container: String,
    restarts: i32,
    sent: usize,
}

/// What the log holds now beyond what was sent, and whether the stream ends after it.
struct News {
    lines: Vec<String>,
    ended: bool,
}

fn restarts(pod: &Pod, container: &str) -> i32 {
    container_status(pod, container).map_or(0, |status| status.restart_count)
}

fn running(pod: &Pod, container: &str) -> bool {
    container_status(pod, container)
        .and_then(|status| status.state.as_ref())
        .is_some_and(|state| state.running.is_some())
}

impl Followed {
    fn news(&mut self, cluster: &Cluster) -> News {
        let pod = match cluster.api.store.get(&self.pod) {
            Some(Object::Pod(pod)) if pod.metadata.uid_str() == self.uid => pod,
            // The pod was deleted (or replaced by another of the same name).
            _ => {
                return News {
                    lines: Vec::new(),
                    ended: true,
                };
            }
        };
        let restarted = restarts(pod, &self.container) != self.restarts;
        // After a restart the followed run's log is the previous one.
        let log = cluster
            .container_log(pod, &self.container, restarted)
            .unwrap_or_default();
        let lines: Vec<String> = log
            .into_iter()
            .skip(self.sent)
            .map(|(_, line)| line)
            .collect();
        self.sent += lines.len();
        News {
            lines,
            ended: restarted || !running(pod, &self.container),
        }
    }
}

fn text(lines: &[String]) -> Bytes {
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    Bytes::from(text)
}

pub fn follow(request: Request, shared: Shared) -> Result<Response, Failure> {
    // Subscribed before the first read, so a line written between the two is not missed.
    let mut changes = shared.subscribe();
    changes.borrow_and_update();
    let (first, followed) = shared.read(|cluster| -> Result<_, Failure> {
        let (pod, container) = log_target(&request, cluster)?;
        let log = cluster.container_log(&pod, &container, false)?;
        let skip = skipped_by_tail(&request, log.len());
        let first: Vec<String> = log[skip..].iter().map(|(_, line)| line.clone()).collect();
        let followed = Followed {
            pod: ObjectKey::new(
                kubeplay_model::Kind::Pod,
                request.namespace(),
                pod.metadata.name_str(),
            ),
            uid: pod.metadata.uid_str().to_string(),
            restarts: restarts(&pod, &container),
            sent: log.len(),
            container,
        };
        let ended = !running(&pod, &followed.container);
        Ok((
            News {
                lines: first,
                ended,
            },
            followed,
        ))
    })?;
    let (sender, receiver) = mpsc::channel::<Bytes>(64);
    tokio::spawn(stream(shared, changes, first, followed, sender));
    crate::watch::streaming(receiver, "text/plain")
}

async fn stream(
    shared: Shared,
    mut changes: watch::Receiver<u64>,
    first: News,
    mut followed: Followed,
    sender: mpsc::Sender<Bytes>,
) {
    // A client waiting on a follow waits for the cluster, as one on a watch does.
    let _open = shared.watch_opened();
    let mut news = first;
    loop {
        if !news.lines.is_empty() && sender.send(text(&news.lines)).await.is_err() {
            return;
        }
        if news.ended {
            return;
        }
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return },
            () = sender.closed() => return,
        }
        news = shared.read(|cluster| followed.news(cluster));
    }
}
