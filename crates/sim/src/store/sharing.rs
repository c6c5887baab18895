//! What the store shares between objects: the parts every object of a kind repeats, held
//! once ([`Shared`]: read as the value, changed copy-on-write). At 100,000 replicas a pod's
//! own spec was a quarter of the heap (k8s-openapi's `Container` alone is 2,120 bytes of
//! inline options), and an Event's own copy of the object it is about a sixth of an Event.
//! - The pods of one controller on one node have equal specs (a template, admission's
//!   additions, the node's name).
//! - The pods scheduled and started in the same seconds have equal conditions (their times
//!   are whole seconds), and their containers equal states (`running` since one second;
//!   `lastState` is empty in every container that never restarted).
//! - The Events about one object (and one container of it) have equal `involvedObject`s, and
//!   those one component on one host reports equal `source`s; most Events' texts (type,
//!   reason, reporter, message) are those of thousands of others.
//!
//! An object written with a part equal to the one the last such object was written with is
//! given that one.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Weak;

use foldhash::HashMap;
use k8s_openapi::api::core::v1::{
    ContainerState, EventSource, ObjectReference, PodCondition, PodSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::object::MetaExt;
use kubeplay_model::shared::Shared;
use kubeplay_model::{Event, Pod};

#[derive(Clone, Default)]
pub(super) struct SharedParts {
    pod_specs: Sharing<PodSpec>,
    pod_conditions: Sharing<Vec<PodCondition>>,
    container_states: Sharing<ContainerState>,
    involved_objects: Sharing<ObjectReference>,
    event_sources: Sharing<EventSource>,
    event_texts: Sharing<String>,
    hasher: foldhash::fast::FixedState,
}

impl SharedParts {
    /// Gives `pod` the spec the last pod of its controller on its node was written with, and
    /// the conditions and container states the last pod with such was written with, if
    /// equal. `previous` is the pod `pod` replaces: a part it kept (the spec of a status
    /// write) is not looked at.
    pub(super) fn share_pod(&mut self, pod: &mut Pod, previous: Option<&Pod>) {
        self.share_pod_conditions(pod, previous);
        self.share_container_states(pod);
        self.share_pod_spec(pod, previous);
    }

    fn share_container_states(&mut self, pod: &mut Pod) {
        let Some(status) = pod.status.as_mut() else {
            return;
        };
        let statuses = [
            &mut status.init_container_statuses,
            &mut status.container_statuses,
        ];
        for container in statuses.into_iter().flatten().flatten() {
            for state in [&mut container.state, &mut container.last_state]
                .into_iter()
                .flatten()
            {
                let key = self.key(state_key(state));
                self.container_states.share(key, state);
            }
        }
    }

    fn share_pod_conditions(&mut self, pod: &mut Pod, previous: Option<&Pod>) {
        let Some(conditions) = pod.status.as_mut().and_then(|s| s.conditions.as_mut()) else {
            return;
        };
        let kept = previous.and_then(|p| p.status.as_ref()?.conditions.as_ref());
        if kept.is_some_and(|kept| kept.same(conditions)) {
            return;
        }
        let mut key = self.hasher.build_hasher();
        conditions
            .iter()
            .for_each(|c| condition_key(c).hash(&mut key));
        let key = key.finish();
        self.pod_conditions.share(key, conditions);
    }

    fn share_pod_spec(&mut self, pod: &mut Pod, previous: Option<&Pod>) {
        let Some(spec) = pod.spec.as_mut() else {
            return;
        };
        let kept = previous.and_then(|previous| previous.spec.as_ref());
        if kept.is_some_and(|kept| kept.same(spec)) {
            return;
        }
        let Some(controller) = pod.metadata.controller_ref() else {
            return;
        };
        let key = self.key((controller.uid.as_str(), spec.node_name.as_deref()));
        self.pod_specs.share(key, spec);
    }

    /// Gives `event` the `involvedObject` and `source` the last Event about its object and by
    /// its reporter were written with, if equal (an Event that is patched keeps its own).
    pub(super) fn share_event(&mut self, event: &mut Event, previous: Option<&Event>) {
        let involved = &event.involved_object;
        if !previous.is_some_and(|previous| previous.involved_object.same(involved)) {
            let key = self.key((involved.uid.as_deref(), involved.field_path.as_deref()));
            self.involved_objects.share(key, &mut event.involved_object);
        }
        if let Some(source) = event.source.as_mut() {
            let kept = previous.and_then(|previous| previous.source.as_ref());
            if !kept.is_some_and(|kept| kept.same(source)) {
                let key = self.key((source.component.as_deref(), source.host.as_deref()));
                self.event_sources.share(key, source);
            }
        }
        let kept = previous.map_or([None; 6], |previous| {
            [
                previous.action.as_ref(),
                previous.message.as_ref(),
                previous.reason.as_ref(),
                previous.reporting_component.as_ref(),
                previous.reporting_instance.as_ref(),
                previous.type_.as_ref(),
            ]
        });
        let written = [
            &mut event.action,
            &mut event.message,
            &mut event.reason,
            &mut event.reporting_component,
            &mut event.reporting_instance,
            &mut event.type_,
        ];
        for (text, kept) in written.into_iter().zip(kept) {
            let Some(text) = text else { continue };
            if !kept.is_some_and(|kept| kept.same(text)) {
                let key = self.key(text.as_str());
                self.event_texts.share(key, text);
            }
        }
    }

    fn key(&self, parts: impl Hash) -> u64 {
        self.hasher.hash_one(parts)
    }
}

/// What tells container states apart (k8s-openapi's types do not hash): which state, since
/// when, why, and for a terminated one its container.
fn state_key(state: &ContainerState) -> impl Hash + '_ {
    let time = |time: Option<&Time>| time.map(|time| time.0);
    (
        state
            .running
            .as_ref()
            .map(|running| time(running.started_at.as_ref())),
        state
            .waiting
            .as_ref()
            .map(|waiting| (waiting.reason.as_deref(), waiting.message.as_deref())),
        state.terminated.as_ref().map(|terminated| {
            (
                terminated.exit_code,
                terminated.reason.as_deref(),
                time(terminated.finished_at.as_ref()),
                terminated.container_id.as_deref(),
            )
        }),
    )
}

/// What tells a pod's conditions apart (k8s-openapi's types do not hash): their type, status
/// and when each last changed.
fn condition_key(condition: &PodCondition) -> (&str, &str, Option<jiff::Timestamp>) {
    (
        &condition.type_,
        &condition.status,
        condition.last_transition_time.as_ref().map(|time| time.0),
    )
}

/// The last value written under each key, held weakly: a value lives as long as an object
/// holds it.
#[derive(Clone)]
struct Sharing<T> {
    by_key: HashMap<u64, Weak<T>>,
    /// The table's size after the last sweep of dead entries: it is swept when it doubles.
    swept_len: usize,
}

impl<T> Default for Sharing<T> {
    fn default() -> Sharing<T> {
        Sharing {
            by_key: HashMap::default(),
            swept_len: 0,
        }
    }
}

impl<T: PartialEq> Sharing<T> {
    /// Makes `value` the one last written under `key` if equal; else remembers it instead.
    fn share(&mut self, key: u64, value: &mut Shared<T>) {
        if let Some(known) = self.by_key.get(&key).and_then(Shared::upgrade)
            && known == *value
        {
            *value = known;
            return;
        }
        self.by_key.insert(key, value.downgrade());
        if self.by_key.len() > 2 * self.swept_len + 1024 {
            self.by_key.retain(|_, value| value.strong_count() > 0);
            self.swept_len = self.by_key.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{Container, ContainerStateRunning};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
    use kubeplay_model::{ContainerStatus, PodStatus};

    use super::*;

    fn pod(controller: &str, node: &str, image: &str) -> Pod {
        Pod {
            metadata: ObjectMeta {
                owner_references: Some(vec![OwnerReference {
                    uid: controller.into(),
                    controller: Some(true),
                    ..OwnerReference::default()
                }]),
                ..ObjectMeta::default()
            },
            spec: Some(
                PodSpec {
                    node_name: Some(node.into()),
                    containers: vec![Container {
                        name: "app".into(),
                        image: Some(image.into()),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }
                .into(),
            ),
            status: None,
        }
    }

    fn spec(pod: &Pod) -> &Shared<PodSpec> {
        pod.spec.as_ref().expect("a spec")
    }

    #[test]
    fn equal_specs_of_one_controller_on_one_node_are_held_once() {
        let mut parts = SharedParts::default();
        let mut first = pod("rs-1", "node-a", "nginx:1.27");
        let mut second = pod("rs-1", "node-a", "nginx:1.27");
        let mut elsewhere = pod("rs-1", "node-b", "nginx:1.27");
        let mut changed = pod("rs-1", "node-a", "nginx:1.28");
        for pod in [&mut first, &mut second, &mut elsewhere, &mut changed] {
            parts.share_pod(pod, None);
        }
        assert!(spec(&second).same(spec(&first)));
        assert!(!spec(&elsewhere).same(spec(&first)));
        assert!(!spec(&changed).same(spec(&first)));
        assert_eq!(
            spec(&changed).containers[0].image.as_deref(),
            Some("nginx:1.28")
        );

        // A change to one pod's spec is its own.
        let mut bound = second.clone();
        bound.spec.as_mut().expect("a spec").node_name = Some("node-c".into());
        assert_eq!(spec(&first).node_name.as_deref(), Some("node-a"));
        parts.share_pod(&mut bound, Some(&second));
        assert_eq!(spec(&bound).node_name.as_deref(), Some("node-c"));
    }

    fn event(uid: &str, field_path: Option<&str>, host: &str) -> Event {
        Event {
            involved_object: ObjectReference {
                kind: Some("Pod".into()),
                uid: Some(uid.into()),
                field_path: field_path.map(Into::into),
                ..ObjectReference::default()
            }
            .into(),
            source: Some(
                EventSource {
                    component: Some("kubelet".into()),
                    host: Some(host.into()),
                }
                .into(),
            ),
            // A container's Events are pulls here, a pod's its scheduling.
            reason: Some(
                field_path
                    .map_or("Scheduled", |_| "Pulled")
                    .to_string()
                    .into(),
            ),
            ..Event::default()
        }
    }

    #[test]
    fn the_events_of_one_object_share_what_they_are_about() {
        let mut parts = SharedParts::default();
        let mut pulled = event("pod-1", Some("spec.containers{app}"), "node-a");
        let mut started = event("pod-1", Some("spec.containers{app}"), "node-a");
        let mut scheduled = event("pod-1", None, "node-a");
        let mut other = event("pod-2", Some("spec.containers{app}"), "node-a");
        for event in [&mut pulled, &mut started, &mut scheduled, &mut other] {
            parts.share_event(event, None);
        }
        assert!(started.involved_object.same(&pulled.involved_object));
        assert!(!scheduled.involved_object.same(&pulled.involved_object));
        assert!(!other.involved_object.same(&pulled.involved_object));
        let source = |event: &Event| event.source.clone().expect("a source");
        assert!(source(&other).same(&source(&pulled)));
        assert_eq!(other.involved_object.uid.as_deref(), Some("pod-2"));
        let reason = |event: &Event| event.reason.clone().expect("a reason");
        assert!(reason(&other).same(&reason(&pulled)));
        assert!(!reason(&scheduled).same(&reason(&pulled)));
    }

    fn running_since(second: i64) -> PodStatus {
        let at = Time(jiff::Timestamp::from_second(second).expect("a time"));
        PodStatus {
            conditions: Some(
                vec![PodCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    last_transition_time: Some(at.clone()),
                    ..PodCondition::default()
                }]
                .into(),
            ),
            container_statuses: Some(vec![ContainerStatus {
                name: "app".into(),
                state: Some(
                    ContainerState {
                        running: Some(ContainerStateRunning {
                            started_at: Some(at),
                        }),
                        ..ContainerState::default()
                    }
                    .into(),
                ),
                last_state: Some(ContainerState::default().into()),
                ..ContainerStatus::default()
            }]),
            ..PodStatus::default()
        }
    }

    #[test]
    fn the_pods_of_the_same_seconds_share_their_conditions_and_states() {
        let mut parts = SharedParts::default();
        let mut pods: Vec<Pod> = [10, 10, 11]
            .into_iter()
            .map(|second| Pod {
                status: Some(running_since(second)),
                ..pod("rs-1", "node-a", "nginx:1.27")
            })
            .collect();
        for pod in &mut pods {
            parts.share_pod(pod, None);
        }
        let status = |i: usize| pods[i].status.as_ref().expect("a status");
        let conditions = |i: usize| status(i).conditions.as_ref().expect("conditions");
        let container = |i: usize| &status(i).container_statuses.as_ref().expect("one")[0];
        let state = |i: usize| container(i).state.as_ref().expect("a state");
        let last_state = |i: usize| container(i).last_state.as_ref().expect("a last state");
        assert!(conditions(1).same(conditions(0)));
        assert!(!conditions(2).same(conditions(0)));
        assert!(state(1).same(state(0)));
        assert!(!state(2).same(state(0)));
        assert!(last_state(2).same(last_state(0)));
        assert_eq!(status(2), &running_since(11));
    }
}
