//! Applying what a reconcile intends: each action through the API server, as the
//! controller's own client would, and its requeue as a timer.

use kubeplay_model::ObjectKey;

use super::Cluster;
use super::timers::TimerKind;
use crate::api::{EventRecord, EventType};
use crate::clock::Millis;
use crate::controllers::{Action, ControllerId, Reconciliation, scheduling_queue};

/// The default controller rate limiter's per-key back-off: 5 ms, doubling, at most 1000 s.
const RETRY_BASE_MS: Millis = 5;
const RETRY_MAX_MS: Millis = 1_000_000;

impl Cluster {
    pub(super) fn apply(
        &mut self,
        controller: ControllerId,
        key: &ObjectKey,
        reconciliation: Reconciliation,
    ) {
        let limited = Self::is_limited(controller);
        let name = controller.0.name;
        let now = self.now_ms();
        let my_turn = !limited || self.clients.may_send(controller, key);
        let mut held_back = false;
        let mut sent = false;
        for mut action in reconciliation.actions {
            if limited && action.bulk_writes() > 0 {
                let tokens = if held_back || !my_turn {
                    0
                } else {
                    self.clients.available(name, now)
                };
                if tokens == 0 {
                    held_back = true;
                    continue;
                }
                if let Action::SlowStart { creates, .. } = &mut action
                    && creates.len() as u64 > tokens
                {
                    creates.truncate(usize::try_from(tokens).unwrap_or(usize::MAX));
                    held_back = true;
                }
            }
            if limited && action.bulk_writes() > 0 {
                self.clients.spend(name, now, action.bulk_writes());
                sent = true;
            }
            // A failed write is what a real controller would log and retry; the next
            // reconcile sees the current state and tries again.
            let _ = self.apply_action(action);
        }
        if limited {
            self.clients.synced(controller, key);
        }
        if (held_back || reconciliation.held_back) && self.clients.hold_back(controller, key, sent)
        {
            let delay = self.clients.resume_in_ms(name, now);
            self.schedule(delay, TimerKind::ClientReady(controller));
        }
        if let Some(delay) = reconciliation.requeue_after_ms {
            self.schedule(delay, TimerKind::Requeue(controller, key.clone()));
        }
        if reconciliation.failed {
            self.requeue_rate_limited(controller, key.clone());
        } else {
            self.forget_failures(controller, key);
        }
    }

    /// Whether the controller's creates and deletes wait for its client's tokens: the
    /// scheduler's client (50/100) is not limited here (see `clients.rs`).
    pub(super) fn is_limited(controller: ControllerId) -> bool {
        !controller.is(&scheduling_queue::CONTROLLER)
    }

    /// `AddRateLimited` under the default controller rate limiter: 5 ms doubled at every
    /// failure up to 1000 s (the overall 10 qps bucket never binds one key). Like the
    /// delaying queue, a key waits once, at the earliest time it was asked for.
    fn requeue_rate_limited(&mut self, controller: ControllerId, key: ObjectKey) {
        let now = self.now_ms();
        let retry = self.retries.entry((controller, key.clone())).or_default();
        let delay = if retry.failures >= 20 {
            RETRY_MAX_MS
        } else {
            (RETRY_BASE_MS << retry.failures).min(RETRY_MAX_MS)
        };
        retry.failures += 1;
        let due = now + delay;
        if retry.due.is_some_and(|waiting| waiting <= due) {
            return;
        }
        retry.due = Some(due);
        self.schedule(delay, TimerKind::Retry(controller, key));
    }

    /// `Forget`: a sync that succeeds starts the back-off afresh.
    fn forget_failures(&mut self, controller: ControllerId, key: &ObjectKey) {
        let id = (controller, key.clone());
        if let Some(retry) = self.retries.get_mut(&id) {
            retry.failures = 0;
            if retry.due.is_none() {
                self.retries.remove(&id);
            }
        }
    }

    /// A controller's client has tokens again: the syncs it held back go on, first come,
    /// first served, and the rest wait for the next tokens.
    pub(super) fn client_ready(&mut self, controller: ControllerId) {
        let now = self.now_ms();
        let (released, more) = self.clients.release(controller, now);
        for key in released {
            self.enqueue(controller, key);
        }
        if more {
            let delay = self.clients.resume_in_ms(controller.0.name, now);
            self.schedule(delay, TimerKind::ClientReady(controller));
        }
    }

    /// A retry timer fired: the key is queued if this is the time it waits for (an earlier
    /// request may have replaced it).
    pub(super) fn retry_due(&mut self, controller: ControllerId, key: ObjectKey) {
        let id = (controller, key);
        let now = self.now_ms();
        let Some(retry) = self.retries.get_mut(&id) else {
            return;
        };
        if retry.due != Some(now) {
            return;
        }
        retry.due = None;
        if retry.failures == 0 {
            self.retries.remove(&id);
        }
        self.enqueue(id.0, id.1);
    }

    fn apply_action(&mut self, action: Action) -> Result<(), kubeplay_model::ApiError> {
        match action {
            Action::Create { object, event } => {
                let created = self.api.create_shared(object)?;
                if let Some(event) = event {
                    self.api.record_event(EventRecord {
                        regarding: event.regarding,
                        event_type: EventType::Normal,
                        reason: event.reason,
                        message: format!("{}{}", event.message_prefix, created.name()),
                        component: event.component,
                        host: None,
                        field_path: None,
                        reported: None,
                    });
                }
            }
            Action::Update(object) => {
                self.api.update(object, false)?;
            }
            Action::Bind { key, node } => {
                self.api.bind(&key, &node)?;
            }
            Action::UpdateStatus(object) => {
                self.api.write_status(object)?;
            }
            Action::Delete {
                key,
                options,
                event,
            } => {
                self.api.delete_quietly(&key, options)?;
                if let Some(event) = event {
                    self.api.record_event(event);
                }
            }
            Action::Event(event) => self.api.record_event(event),
            Action::SlowStart {
                owner,
                component,
                creates,
            } => {
                let mut remaining = creates.into_actions();
                let mut batch_size = 1;
                loop {
                    let batch: Vec<Action> = remaining.by_ref().take(batch_size).collect();
                    if batch.is_empty() {
                        break;
                    }
                    // A batch runs in parallel: every create in it is attempted.
                    let results: Vec<_> = batch
                        .into_iter()
                        .map(|create| self.apply_action(create))
                        .collect();
                    let failure = results.into_iter().find_map(Result::err);
                    if let Some(error) = failure {
                        self.api.record_event(EventRecord {
                            regarding: owner,
                            event_type: EventType::Warning,
                            reason: "FailedCreate",
                            message: format!("Error creating: {error}"),
                            component,
                            host: None,
                            field_path: None,
                            reported: None,
                        });
                        break;
                    }
                    batch_size *= 2;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{Container, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    use kubeplay_model::{Kind, ObjectKey, Pod, Typed};

    use super::*;
    use crate::controllers::Creates;

    fn pod(name: &str) -> Action {
        let pod = Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            spec: Some(
                PodSpec {
                    containers: vec![Container {
                        name: "c".into(),
                        image: Some("nginx".into()),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }
                .into(),
            ),
            status: None,
        };
        Action::Create {
            object: pod.into_object(),
            event: None,
        }
    }

    #[test]
    fn slow_start_stops_after_a_failed_batch() {
        let mut cluster =
            crate::create_cluster(&crate::ClusterShape::kind(), jiff::Timestamp::UNIX_EPOCH, 1);
        let owner = ObjectKey::new(Kind::Namespace, "", "default");
        // Batches: [a], [a (fails), b], then [c, d, e] is never sent.
        let creates = Creates::Each(vec![
            pod("a"),
            pod("a"),
            pod("b"),
            pod("c"),
            pod("d"),
            pod("e"),
        ]);
        let _ = cluster.apply_action(Action::SlowStart {
            owner,
            component: "test",
            creates,
        });
        let names: Vec<String> = cluster
            .pods(Some("default"))
            .iter()
            .map(|p| p.metadata.name.clone().unwrap_or_default())
            .collect();
        assert_eq!(names, vec!["a", "b"]);
        let failed = cluster
            .api
            .store
            .list_typed::<kubeplay_model::Event>(Some("default"))
            .any(|e| e.reason.as_deref().map(String::as_str) == Some("FailedCreate"));
        assert!(failed, "no FailedCreate event");
    }
}
