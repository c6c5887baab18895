//! The simulated API server: create, update, status update and delete with the real
//! server's semantics (name generation, UIDs, resourceVersion, generation, defaulting,
//! admission, validation, graceful deletion, finalizers); Events are recorded in `events/`.

use std::collections::BTreeSet;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kubeplay_model::object::MetaExt;
use kubeplay_model::validation::{validate, validate_update};
use kubeplay_model::{ApiError, Kind, Object, ObjectKey, Pod, defaults};

use crate::admission;
use crate::clock::{Clock, Millis};
use crate::events::{Correlator, SeriesCache};
use crate::features::FeatureGates;
use crate::rng::SimRng;
use crate::store::Store;

/// How long Events are kept, as the API server's default `--event-ttl`.
pub(crate) const EVENT_TTL_MS: Millis = 60 * 60 * 1000;
/// The API server retries a generated name this many times on collision (RetryGenerateName).
const GENERATE_NAME_ATTEMPTS: usize = 8;
/// `generateName` prefixes are cut so that prefix + 5 random characters fit in 63.
const GENERATE_NAME_PREFIX_MAX: usize = 58;

pub const FINALIZER_FOREGROUND: &str = "foregroundDeletion";
pub const FINALIZER_ORPHAN: &str = "orphan";

/// What happens to an object's dependents when it is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct DeleteOptions {
    /// `None`: the kind's default (background; orphan for Jobs).
    pub propagation: Option<Propagation>,
    /// `None`: the pod's `terminationGracePeriodSeconds`.
    pub grace_period_seconds: Option<i64>,
}

pub use crate::events::{EventRecord, EventType};

#[derive(Clone)]
pub struct ApiServer {
    pub store: Store,
    pub clock: Clock,
    pub rng: SimRng,
    /// The cluster's feature gates (kind's `featureGates:`), for gated defaults and fields.
    pub features: FeatureGates,
    /// kube-controller-manager's and the kubelets' `tools/record` caches.
    pub(crate) correlator: Correlator,
    /// kube-scheduler's `tools/events` cache.
    pub(crate) series: SeriesCache,
    /// `<reportingController>-<hostname>` for events.k8s.io reporters: the host the
    /// control plane runs on (the first control-plane node).
    pub(crate) control_plane_host: String,
    /// When each Event may expire (renewed Events are re-checked then), earliest first; the
    /// key is the store's own (a copy of each Event's key here cost 110 bytes an Event).
    pub(crate) event_expiry: BTreeSet<(Millis, Arc<ObjectKey>)>,
    /// The last write of Events whose writes set no lastTimestamp (series written by
    /// `tools/events`), for their TTL.
    pub(crate) series_written: HashMap<ObjectKey, Millis>,
    pub(crate) event_sequence: u64,
    next_service_ip: u32,
    /// The field manager of the request being served (`field_manager.rs`); None for the
    /// control plane's own writes.
    pub field_manager: Option<crate::field_manager::FieldManager>,
}

impl ApiServer {
    pub fn new(clock: Clock, rng: SimRng) -> ApiServer {
        ApiServer {
            store: Store::default(),
            clock,
            rng,
            features: FeatureGates::default(),
            correlator: Correlator::default(),
            series: SeriesCache::default(),
            control_plane_host: String::new(),
            event_expiry: BTreeSet::new(),
            series_written: HashMap::new(),
            event_sequence: 0,
            next_service_ip: 2,
            field_manager: None,
        }
    }

    fn check_namespace(&self, object: &Object) -> Result<(), ApiError> {
        if !object.kind().namespaced() {
            return Ok(());
        }
        let namespace = object.namespace();
        let key = ObjectKey::cluster(Kind::Namespace, namespace);
        match self.store.get(&key) {
            None => Err(ApiError::not_found(Kind::Namespace, namespace)),
            Some(ns) if ns.meta().is_deleting() && object.kind() != Kind::Event => {
                Err(ApiError::Forbidden {
                    kind: object.kind(),
                    name: object.name().to_string(),
                    detail: format!(
                        "unable to create new content in namespace {namespace} because it is being terminated"
                    ),
                })
            }
            Some(_) => Ok(()),
        }
    }

    /// Creates an object as `POST` does. With `dry_run` nothing is stored.
    pub fn create(&mut self, object: Object, dry_run: bool) -> Result<Object, ApiError> {
        if dry_run {
            return self.admit_new(object);
        }
        self.create_shared(object).map(Arc::unwrap_or_clone)
    }

    /// Creates an object and answers it as stored, shared with the store: the cluster's own
    /// writers (controllers creating pods) read only its name, so no copy is made for them.
    pub(crate) fn create_shared(&mut self, object: Object) -> Result<Arc<Object>, ApiError> {
        let mut object = self.admit_new(object)?;
        object.meta_mut().resource_version = Some(self.store.next_resource_version());
        let stored = self.store.put(object);
        if let Object::Namespace(namespace) = &*stored {
            let (name, uid) = (
                namespace.metadata.name_str().to_string(),
                namespace.metadata.uid_str().to_string(),
            );
            self.populate_namespace(&name, &uid);
        }
        Ok(stored)
    }

    /// The object a create would store: named, defaulted, admitted and validated.
    fn admit_new(&mut self, mut object: Object) -> Result<Object, ApiError> {
        if object.kind().namespaced()
            && object.meta().namespace.as_deref().is_none_or(str::is_empty)
        {
            object.meta_mut().namespace = Some("default".into());
        }
        if !object.kind().namespaced() {
            object.meta_mut().namespace = None;
        }
        self.check_namespace(&object)?;
        crate::limits::check_replicas(&object)?;
        crate::limits::check_pod_budget(&self.store, None, &object)?;
        if object.meta().name.as_deref().is_none_or(str::is_empty) {
            let Some(prefix) = object.meta().generate_name.clone() else {
                validate(&object)?;
                return Err(ApiError::invalid(
                    object.kind(),
                    "",
                    vec![kubeplay_model::FieldError::required("metadata.name")],
                ));
            };
            let prefix: String = prefix.chars().take(GENERATE_NAME_PREFIX_MAX).collect();
            let mut name = format!("{prefix}{}", self.rng.name_suffix());
            for _ in 1..GENERATE_NAME_ATTEMPTS {
                if !self
                    .store
                    .contains(&ObjectKey::new(object.kind(), object.namespace(), &name))
                {
                    break;
                }
                name = format!("{prefix}{}", self.rng.name_suffix());
            }
            object.meta_mut().name = Some(name);
        }
        let key = object.key();
        if self.store.contains(&key) {
            return Err(ApiError::AlreadyExists {
                kind: key.kind,
                name: key.name,
            });
        }
        let mut object = defaults::defaulted(object);
        self.features.prepare(&mut object, None);
        // The UID exists before admission: a Job's generated selector is built from it.
        let uid = self.rng.uid();
        object.meta_mut().uid = Some(uid);
        admission::admit_create(&mut object, &mut self.rng, &mut self.next_service_ip);
        validate(&object)?;
        let now = self.clock.now_time();
        let meta = object.meta_mut();
        meta.creation_timestamp = Some(now);
        meta.deletion_timestamp = None;
        meta.generation = has_generation(key.kind).then_some(1);
        self.record_managed_fields(None, &mut object, None);
        Ok(object)
    }

    /// The `default` ServiceAccount and `kube-root-ca.crt` ConfigMap a new namespace gets
    /// (see `namespace_defaults`).
    fn populate_namespace(&mut self, namespace: &str, namespace_uid: &str) {
        for (object, uid) in crate::namespace_defaults::objects(namespace, namespace_uid) {
            let mut object = defaults::defaulted(object);
            let meta = object.meta_mut();
            meta.uid = Some(uid);
            meta.creation_timestamp = Some(self.clock.now_time());
            meta.resource_version = Some(self.store.next_resource_version());
            self.store.put(object);
        }
    }

    /// Replaces an object's metadata and spec (status is kept) as `PUT` does. Returns the
    /// object as stored — the unchanged current one if the update changes nothing. With
    /// `dry_run` it runs defaulting, admission and validation, stores nothing and returns what
    /// it would store.
    pub fn update(&mut self, object: Object, dry_run: bool) -> Result<Object, ApiError> {
        let key = object.key();
        let Some(current) = self.store.get(&key).cloned() else {
            return Err(ApiError::not_found(key.kind, &key.name));
        };
        check_resource_version(&current, &object)?;
        let mut updated = defaults::defaulted(object);
        self.features.prepare(&mut updated, Some(&current));
        keep_server_fields(&current, &mut updated);
        if let (Object::Pod(current), Object::Pod(updated)) = (&current, &mut updated) {
            // The cluster's own writers update a stored pod as a bare `Pod`: its token volume
            // is the stored one (a pod's volumes cannot change).
            updated.settle_token(current.token());
        }
        admission::admit_update(&current, &mut updated);
        validate_update(&current, &updated)?;
        crate::limits::check_replicas(&updated)?;
        crate::limits::check_pod_budget(&self.store, Some(&current), &updated)?;
        if has_generation(key.kind) && spec_of(&current) != spec_of(&updated) {
            updated.meta_mut().generation = Some(current.meta().generation.unwrap_or(1) + 1);
        }
        self.record_managed_fields(Some(&current), &mut updated, None);
        if dry_run {
            updated.meta_mut().resource_version = current.meta().resource_version.clone();
            return Ok(if updated == current { current } else { updated });
        }
        self.write_if_changed(updated).map(Written::into_object)
    }

    /// Replaces only the status, as the `/status` subresource does.
    pub fn update_status(&mut self, object: Object) -> Result<Object, ApiError> {
        let updated = self.with_new_status(object)?;
        self.write_if_changed(updated).map(Written::into_object)
    }

    /// [`update_status`](Self::update_status) for the cluster's own writers (controllers,
    /// kubelets), which read no answer: only the request's key and status are read, and the
    /// stored object is copied once, not again for an answer. At scale most writes are these.
    pub(crate) fn write_status(&mut self, object: Object) -> Result<(), ApiError> {
        let updated = self.with_new_status(object)?;
        self.write_if_changed(updated).map(drop)
    }

    /// The stored object of `object`'s key with `object`'s status.
    fn with_new_status(&self, object: Object) -> Result<Object, ApiError> {
        let key = object.key();
        let Some(current) = self.store.get(&key) else {
            return Err(ApiError::not_found(key.kind, &key.name));
        };
        let mut updated = current.clone();
        move_status(object, &mut updated);
        self.record_managed_fields(Some(current), &mut updated, Some("status"));
        Ok(updated)
    }

    /// Stores `updated` over the object of its key unless it changes nothing (then it is
    /// returned as it is, equal to the stored one).
    fn write_if_changed(&mut self, mut updated: Object) -> Result<Written, ApiError> {
        let key = updated.key();
        let Some(current) = self.store.get(&key) else {
            return Err(ApiError::not_found(key.kind, &key.name));
        };
        updated.meta_mut().resource_version = current.meta().resource_version.clone();
        if &updated == current {
            return Ok(Written::Unchanged(updated));
        }
        // Removing the last finalizer of an object being deleted completes its deletion.
        if updated.meta().is_deleting()
            && updated.meta().finalizers.as_ref().is_none_or(Vec::is_empty)
        {
            let namespace_pending = matches!(&updated, Object::Namespace(ns) if ns.spec.as_ref().and_then(|s| s.finalizers.as_ref()).is_some_and(|f| !f.is_empty()));
            if !matches!(updated, Object::Pod(_)) && !namespace_pending {
                self.remove_stored(&updated.key());
                return Ok(Written::Removed(updated));
            }
        }
        updated.meta_mut().resource_version = Some(self.store.next_resource_version());
        Ok(Written::Stored(self.store.put(updated)))
    }

    /// Deletes an object as `DELETE` does: pods on nodes terminate gracefully; finalizers
    /// (including the ones propagation adds) keep the object until they are removed.
    pub fn delete(&mut self, key: &ObjectKey, options: DeleteOptions) -> Result<Object, ApiError> {
        self.delete_object(key, options).map(Written::into_object)
    }

    /// [`delete`](Self::delete) for the cluster's own writers, which read no answer: the
    /// object a graceful deletion stores is not copied again for one.
    pub(crate) fn delete_quietly(
        &mut self,
        key: &ObjectKey,
        options: DeleteOptions,
    ) -> Result<(), ApiError> {
        self.delete_object(key, options).map(drop)
    }

    fn delete_object(
        &mut self,
        key: &ObjectKey,
        options: DeleteOptions,
    ) -> Result<Written, ApiError> {
        let Some(mut object) = self.store.get(key).cloned() else {
            return Err(ApiError::not_found(key.kind, &key.name));
        };
        let propagation = options.propagation.unwrap_or(match key.kind {
            Kind::Job => Propagation::Orphan,
            _ => Propagation::Background,
        });
        let now = self.clock.now_time();
        let mut finalizers = object.meta().finalizers.clone().unwrap_or_default();
        let wanted = match propagation {
            Propagation::Foreground if self.store.has_dependents(object.uid()) => {
                Some(FINALIZER_FOREGROUND)
            }
            Propagation::Orphan if self.store.has_dependents(object.uid()) => {
                Some(FINALIZER_ORPHAN)
            }
            _ => None,
        };
        if let Some(finalizer) = wanted
            && !finalizers.iter().any(|f| f == finalizer)
        {
            finalizers.push(finalizer.to_string());
        }
        if let Object::Pod(pod) = &mut object
            && let Some(grace) = pod_grace_period(pod, options.grace_period_seconds)
        {
            let already_sooner = pod
                .metadata
                .deletion_grace_period_seconds
                .is_some_and(|current| current <= grace);
            if !already_sooner {
                let deadline = self.clock.now().as_second() + grace;
                pod.metadata.deletion_timestamp = Some(Time(
                    jiff::Timestamp::from_second(deadline).unwrap_or(now.0),
                ));
                pod.metadata.deletion_grace_period_seconds = Some(grace);
                if !finalizers.is_empty() {
                    pod.metadata.finalizers = Some(finalizers);
                }
                pod.metadata.resource_version = Some(self.store.next_resource_version());
                return Ok(Written::Stored(self.store.put(object)));
            }
            return Ok(Written::Unchanged(object));
        }
        // Namespaces always wait for the namespace controller to empty them.
        if finalizers.is_empty() && key.kind != Kind::Namespace {
            self.remove_stored(key);
            return Ok(Written::Removed(object));
        }
        let meta = object.meta_mut();
        if meta.deletion_timestamp.is_none() {
            meta.deletion_timestamp = Some(now);
            meta.deletion_grace_period_seconds = Some(0);
        }
        meta.finalizers = Some(finalizers);
        if let Object::Namespace(namespace) = &mut object
            && let Some(status) = namespace.status.as_mut()
        {
            status.phase = Some("Terminating".into());
        }
        object.meta_mut().resource_version = Some(self.store.next_resource_version());
        Ok(Written::Stored(self.store.put(object)))
    }

    /// Binds a pod to a node, as the scheduler's `pods/binding` subresource does.
    pub fn bind(&mut self, key: &ObjectKey, node: &str) -> Result<(), ApiError> {
        let Some(Object::Pod(mut pod)) = self.store.get(key).cloned() else {
            return Err(ApiError::not_found(key.kind, &key.name));
        };
        if pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_ref())
            .is_some()
        {
            return Err(ApiError::Conflict {
                kind: Kind::Pod,
                name: key.name.clone(),
                detail: "pod is already assigned to a node".into(),
            });
        }
        if let Some(spec) = pod.spec.as_mut() {
            spec.node_name = Some(node.to_string());
        }
        let now = self.clock.now_time();
        let status = pod.status.get_or_insert_with(Default::default);
        kubeplay_model::pod::set_pod_condition(
            status.conditions_mut(),
            "PodScheduled",
            "True",
            None,
            None,
            &now,
        );
        pod.metadata.resource_version = Some(self.store.next_resource_version());
        self.store.put(Object::Pod(pod));
        Ok(())
    }

    /// Removes a terminated pod for good (what the kubelet's final delete does).
    pub fn remove_pod(&mut self, key: &ObjectKey) {
        self.remove_stored(key);
    }

    /// Takes an object out of the store: every removal but an Event's expiry
    /// (`expire_stored`) goes through here, so that the Event recorders' caches hear of it
    /// (`events/correlator.rs` prunes what it noted).
    pub(crate) fn remove_stored(&mut self, key: &ObjectKey) {
        let Some(removed) = self.store.remove(key) else {
            return;
        };
        let event = match &*removed {
            Object::Event(event) => Some((&*event.involved_object, event.metadata.name_str())),
            _ => None,
        };
        self.correlator.note_removed(removed.uid(), event);
    }

    /// Removes an Event that expired (`events/recording.rs`), telling the recorders' caches.
    pub(crate) fn expire_stored(&mut self, key: &ObjectKey) {
        let Some(removed) = self.store.remove(key) else {
            return;
        };
        // The key is an Event's: the expiry queue holds no other.
        if let Object::Event(event) = &*removed {
            self.correlator.note_expired(
                removed.uid(),
                &event.involved_object,
                event.metadata.name_str(),
            );
        }
    }

    /// How many Events were created so far (the last part of their names counts them).
    pub(crate) fn events_created(&self) -> u64 {
        self.event_sequence
    }

    /// Counts `count` Events as created, as the cycles a jump stands for created them.
    pub(crate) fn skip_events(&mut self, count: u64) {
        self.event_sequence = self.event_sequence.saturating_add(count);
    }
}

/// Kinds whose `metadata.generation` the API server maintains.
fn has_generation(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Deployment
            | Kind::ReplicaSet
            | Kind::ReplicationController
            | Kind::DaemonSet
            | Kind::StatefulSet
            | Kind::Job
            | Kind::CronJob
            | Kind::PodDisruptionBudget
            | Kind::NetworkPolicy
            | Kind::HorizontalPodAutoscaler
    )
}

/// `None` when a pod is deleted at once (never scheduled, already finished, or grace 0).
fn pod_grace_period(pod: &Pod, requested: Option<i64>) -> Option<i64> {
    let bound = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_ref())
        .is_some();
    let phase = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending");
    if !bound || matches!(phase, "Succeeded" | "Failed") {
        return None;
    }
    let default = pod
        .spec
        .as_ref()
        .and_then(|s| s.termination_grace_period_seconds)
        .unwrap_or(30);
    let grace = requested.unwrap_or(default).max(0);
    // A grace period of 0 from kubectl (`--grace-period=0 --force`) means immediate removal.
    (grace > 0).then_some(grace)
}

fn check_resource_version(current: &Object, proposed: &Object) -> Result<(), ApiError> {
    match proposed.meta().resource_version.as_deref() {
        Some(version) if Some(version) != current.meta().resource_version.as_deref() => Err(ApiError::Conflict {
            kind: current.kind(),
            name: current.name().to_string(),
            detail: "the object has been modified; please apply your changes to the latest version and try again".into(),
        }),
        _ => Ok(()),
    }
}

/// What a write ([`ApiServer::write_if_changed`], a deletion) did with an object.
enum Written {
    /// Nothing changed: the object, equal to the stored one.
    Unchanged(Object),
    /// The object was removed (no finalizer left to keep it).
    Removed(Object),
    /// The object as stored.
    Stored(Arc<Object>),
}

impl Written {
    /// The object, as the API server answers a write.
    fn into_object(self) -> Object {
        match self {
            Written::Unchanged(object) | Written::Removed(object) => object,
            Written::Stored(stored) => Arc::unwrap_or_clone(stored),
        }
    }
}

/// Fields clients cannot change through an update.
fn keep_server_fields(current: &Object, updated: &mut Object) {
    let current_meta = current.meta();
    let meta = updated.meta_mut();
    meta.uid = current_meta.uid.clone();
    meta.creation_timestamp = current_meta.creation_timestamp.clone();
    meta.generation = current_meta.generation;
    meta.deletion_timestamp = current_meta.deletion_timestamp.clone();
    meta.deletion_grace_period_seconds = current_meta.deletion_grace_period_seconds;
    meta.namespace = current_meta.namespace.clone();
    copy_status(current, updated);
}

/// Sets the target's status to `$status`, an expression of the source's struct named
/// `$from`, for every kind with a status subresource (the two objects are of one kind).
macro_rules! set_status {
    ($source:expr, $target:expr, |$from:ident| $status:expr) => {
        set_status!(@kinds $source, $target, $from, $status; Namespace, Node, Pod, Service,
            PersistentVolumeClaim, PersistentVolume, Deployment, ReplicaSet,
            ReplicationController, DaemonSet, StatefulSet, Job, CronJob, PodDisruptionBudget,
            HorizontalPodAutoscaler)
    };
    (@kinds $source:expr, $target:expr, $from:ident, $status:expr; $($variant:ident),*) => {
        match ($source, $target) {
            $((Object::$variant($from), Object::$variant(to)) => to.status = $status,)*
            _ => {}
        }
    };
}

fn copy_status(from: &Object, to: &mut Object) {
    set_status!(from, to, |from| from.status.clone());
}

fn move_status(from: Object, to: &mut Object) {
    set_status!(from, to, |from| {
        let mut from = from;
        from.status.take()
    });
}

/// The part of an object whose change bumps `metadata.generation`.
fn spec_of(object: &Object) -> serde_json::Value {
    let mut value = object.to_value();
    if let Some(map) = value.as_object_mut() {
        map.remove("metadata");
        map.remove("status");
        map.remove("apiVersion");
        map.remove("kind");
    }
    value
}

#[cfg(test)]
mod tests {
    use kubeplay_model::PodStatus;
    use kubeplay_model::manifest::decode_documents;
    use kubeplay_model::object::MetaExt;
    use kubeplay_model::{Kind, Object, Pod, Typed};

    use super::DeleteOptions;
    use crate::status_request::WithStatus;
    use crate::{Cluster, ClusterShape, create_cluster};

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n";

    fn cluster_with_pod() -> (Cluster, Object) {
        let start = "2025-06-02T10:15:00Z".parse().unwrap_or_default();
        let mut cluster = create_cluster(&ClusterShape::kind(), start, 1);
        let Some(Ok(document)) = decode_documents(POD, "pod.yaml").into_iter().next() else {
            panic!("the manifest decodes");
        };
        let stored = cluster.api.create(document.object, false).expect("created");
        (cluster, stored)
    }

    /// Writes `request` through `write_status` and reads the pod back.
    fn write_and_read(cluster: &mut Cluster, request: Pod) -> Pod {
        let request = request.into_object();
        let key = request.key();
        cluster.api.write_status(request).expect("a stored pod");
        match cluster.api.store.get(&key) {
            Some(Object::Pod(pod)) => (***pod).clone(),
            _ => panic!("{key:?} is no longer stored"),
        }
    }

    /// The cluster's own status writes send only the object's name and status: the stored
    /// spec and metadata stay, the status is replaced, and a write that changes nothing
    /// stores nothing (no resourceVersion, no watch event).
    #[test]
    fn a_status_write_replaces_only_the_status() {
        let (mut cluster, stored) = cluster_with_pod();
        let Object::Pod(pod) = &stored else {
            panic!("a pod");
        };
        let status = PodStatus {
            phase: Some("Running".into()),
            ..PodStatus::default()
        };
        let request = pod.status_request(status.clone());
        assert_eq!(request.spec, None, "the request carries no spec");
        let written = write_and_read(&mut cluster, request);
        assert_eq!(written.spec, pod.spec);
        assert_eq!(written.metadata.labels, pod.metadata.labels);
        assert_eq!(written.metadata.uid, pod.metadata.uid);
        assert_eq!(written.status.as_ref(), Some(&status));
        assert_ne!(
            written.metadata.resource_version,
            pod.metadata.resource_version
        );

        let (version, changes) = (
            written.metadata.resource_version.clone(),
            cluster.api.store.changes(),
        );
        let unchanged = write_and_read(&mut cluster, pod.status_request(status));
        assert_eq!(unchanged.metadata.resource_version, version);
        assert_eq!(cluster.api.store.changes(), changes);
    }

    /// `delete_quietly` stores what `delete` answers: a pod on a node is marked for its
    /// grace period, not removed.
    #[test]
    fn a_quiet_delete_stores_what_delete_answers() {
        let (mut quiet, stored) = cluster_with_pod();
        let (mut answered, _) = cluster_with_pod();
        for cluster in [&mut quiet, &mut answered] {
            cluster
                .api
                .bind(&stored.key(), "kind-control-plane")
                .expect("bound");
        }
        quiet
            .api
            .delete_quietly(&stored.key(), DeleteOptions::default())
            .expect("deleted");
        let answer = answered
            .api
            .delete(&stored.key(), DeleteOptions::default())
            .expect("deleted");
        assert!(answer.meta().deletion_timestamp.is_some());
        assert_eq!(quiet.api.store.get(&stored.key()), Some(&answer));
        assert_eq!(answered.api.store.get(&stored.key()), Some(&answer));
    }

    /// The token volume admission adds is held apart from the spec (`PodObject`) but is
    /// there for clients: what `get` shows comes back unchanged, the cluster's own updates of
    /// a bare `Pod` keep it, a client may not take it away, and a pod re-created from what
    /// `get` showed keeps its one volume rather than getting a second.
    #[test]
    fn the_token_volume_is_kept_apart_yet_seen_by_clients() {
        let (mut cluster, stored) = cluster_with_pod();
        let shown = stored.to_value();
        let volumes = &shown["spec"]["volumes"];
        assert_eq!(volumes.as_array().map(Vec::len), Some(1));
        let name = volumes[0]["name"].as_str().unwrap_or_default().to_string();
        assert!(name.starts_with("kube-api-access-"), "{name}");
        assert_eq!(
            shown["spec"]["containers"][0]["volumeMounts"][0]["name"],
            *name
        );

        let sent_back = Object::from_value(Kind::Pod, &shown).expect("decodes");
        assert_eq!(sent_back, stored, "a decoded pod equals the stored one");
        let answer = cluster.api.update(sent_back, false).expect("updated");
        assert_eq!(
            answer, stored,
            "sending back what `get` showed changes nothing"
        );

        let mut relabelled = Pod::from_object(&stored).expect("a pod").clone();
        relabelled
            .metadata
            .labels_mut()
            .insert("tier".into(), "front".into());
        let answer = cluster.api.update(relabelled.into_object(), false);
        let answer = answer.expect("updated");
        assert_eq!(answer.to_value()["spec"]["volumes"][0]["name"], *name);

        let mut without = answer.to_value();
        without["spec"]["volumes"] = serde_json::Value::Null;
        without["spec"]["containers"][0]["volumeMounts"] = serde_json::Value::Null;
        let without = Object::from_value(Kind::Pod, &without).expect("decodes");
        let refused = cluster.api.update(without, false).expect_err("forbidden");
        assert!(
            refused
                .to_string()
                .contains("pod updates may not change fields")
        );

        cluster
            .api
            .delete(&stored.key(), DeleteOptions::default())
            .expect("deleted");
        let again = Object::from_value(Kind::Pod, &shown).expect("decodes");
        let again = cluster.api.create(again, false).expect("created");
        assert_eq!(again.to_value()["spec"]["volumes"], *volumes);
    }
}
