//! The object store behind the simulated API server: every object by key, plus the indexes
//! controllers need to stay near-linear (by UID, by owner UID, pods by node, pods by label),
//! and the queue of watch events that drives the controllers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use foldhash::HashMap;
use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::is_active;
use kubeplay_model::pod_object::ServiceAccountToken;
use kubeplay_model::selector::Selector;
use kubeplay_model::shared::Shared;
use kubeplay_model::{Event, Kind, Object, ObjectKey, Pod, Typed};

mod key_table;
mod order_key;
mod sharing;

use crate::census::{PodCensus, RelatedPods};
use crate::journal::Journal;
use crate::uid_key::UidKey;
use crate::usage::{NodeUsage, Resources, node_allocatable};
use key_table::KeyTable;
use order_key::OrderKey;
use sharing::SharedParts;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchEventType {
    Added,
    Modified,
    Deleted,
}

/// A change to the store, as a watch would deliver it. It shares the stored object (which
/// is never changed in place, only replaced), so a write copies no object to announce it.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub event_type: WatchEventType,
    pub object: Arc<Object>,
    /// What a modification replaced, as an informer's update handler receives the old object
    /// (so a pod whose labels change wakes the Services and budgets that selected it).
    pub previous: Option<Arc<Object>>,
}

impl WatchEvent {
    pub fn deleted(&self) -> bool {
        self.event_type == WatchEventType::Deleted
    }
}

#[derive(Clone, Default)]
pub struct Store {
    /// Every object, each in a slot of its own, shared with the watch events that announce
    /// its writes (an `Object` also boxes its kind's struct); freed slots are reused. The two
    /// indexes below name an object's slot: a rewrite (most writes) replaces what the slot
    /// holds and touches neither index's order.
    slots: Vec<Option<Arc<Object>>>,
    free_slots: Vec<usize>,
    /// Slots by key, for reads and writes of one object (most of them): at 280,000 objects a
    /// B-tree search is a score of key comparisons, each reaching a key's strings through
    /// cache misses, where a hash lookup reaches one key. Each object's key is allocated
    /// once and shared by every index that lists the object (a pod is in five or six): at
    /// 100,000 pods a copy of the key per index entry cost more than 50 MB. Each entry keeps
    /// its key's hash (`store/key_table.rs`), so the table grows without reading every key.
    by_key: KeyTable,
    /// Slots in key order (by kind, namespace and name), for lists: written only when an
    /// object is created or removed.
    ordered: BTreeMap<OrderKey, usize>,
    /// How many objects of each kind are stored: a list of a kind with none (a pod's
    /// PodDisruptionBudgets, looked for at every write of a pod) answers without searching
    /// `ordered`, which at 280,000 objects is a descent through cold nodes.
    per_kind: HashMap<Kind, usize>,
    /// Every object but the Events, by UID. Nothing finds an Event by its UID (an owner
    /// reference naming one also names it: `Store::owner`), and Events are most of what
    /// comes and goes: at 100,000 pods 100,000 entries instead of 280,000 — a hash table of
    /// them smaller than the B-tree of all was (one that grows to twice its entries as
    /// objects come and go, its deleted slots counting until it is rehashed), and each
    /// Event's creation and expiry one search fewer of a cold index.
    by_uid: HashMap<UidKey, Arc<ObjectKey>>,
    /// The sets below list objects in key order by their `OrderKey`s: at 100,000 pods a
    /// ReplicaSet's dependents and the pods of one label value are sets of 100,000, and a
    /// comparison that reached both keys' strings was 3% of the run (`memcmp` alone).
    dependents: HashMap<String, BTreeSet<OrderKey>>,
    pods_by_node: HashMap<String, BTreeSet<OrderKey>>,
    /// Pods by (namespace, label key, label value), for selectors.
    pods_by_label: HashMap<(String, String, String), BTreeSet<OrderKey>>,
    orphan_pods: BTreeSet<OrderKey>,
    unscheduled_pods: BTreeSet<OrderKey>,
    /// The pods of each controller (by its UID), counted (`census.rs`).
    censuses: HashMap<String, PodCensus>,
    /// The active pods of each owner's ReplicaSets (by the owner's UID) per node: a
    /// scale-down's ranking (`census/related.rs`).
    related: HashMap<String, RelatedPods>,
    /// The pods bound to each node, totalled (`usage.rs`).
    node_usage: HashMap<String, NodeUsage>,
    /// Each node's allocatable resources, parsed once per write of the node.
    node_allocatable: HashMap<String, Resources>,
    /// Pods bound to a node that is not stored (removed, or never was): a DaemonSet sync
    /// looks for them only when there are some.
    pods_on_missing_nodes: usize,
    /// What objects of a kind share: pod specs, Events' objects and sources (`sharing.rs`).
    shared_parts: SharedParts,
    /// The generation of the last change to each node's usage or allocatable (counted by
    /// `node_generation`), and the same nodes by it: what changed since a generation is a
    /// range, as kube-scheduler's `Cache` keeps its node infos most recently changed first
    /// for `UpdateSnapshot` (`pkg/scheduler/backend/cache/cache.go`).
    node_generations: HashMap<String, u64>,
    nodes_by_generation: BTreeMap<u64, String>,
    node_generation: u64,
    /// Grows when a node is added or removed: a scheduler cache of the node list rebuilds.
    node_list_version: u64,
    /// Events by (when last seen, name, namespace): the newest first without a sort.
    events_by_time: BTreeSet<EventAt>,
    /// Pods stored, for the playground's pod budget (`limits.rs`) without a scan.
    pods: usize,
    resource_version: u64,
    /// Writes of any kind, removals included (which take no resourceVersion here).
    changes: u64,
    pending: Vec<WatchEvent>,
    journal: Journal,
    /// Keys written or removed since a view last asked (`take_changed_keys`); `None` until one
    /// asks, so a cluster nobody draws keeps nothing. (The journal above keeps whole changes
    /// for watchers outside; a view needs only which objects to look at again.)
    changed_keys: Option<Vec<ObjectKey>>,
}

/// Past this many unread changed keys the journal is dropped: a view that stopped asking
/// rebuilds from the store, which is cheaper than replaying a longer list.
const MAX_CHANGED_KEYS: usize = 1_000_000;

impl Store {
    fn object(&self, key: &ObjectKey) -> Option<&Object> {
        self.by_key.get(key).and_then(|slot| self.slot(slot))
    }

    fn slot(&self, slot: usize) -> Option<&Object> {
        self.slots.get(slot)?.as_deref()
    }

    pub fn get(&self, key: &ObjectKey) -> Option<&Object> {
        self.object(key)
    }

    pub fn get_typed<T: Typed>(&self, namespace: &str, name: &str) -> Option<&T> {
        self.object(&ObjectKey::new(T::STORED_KIND, namespace, name))
            .and_then(T::from_object)
    }

    /// The object with this UID, but an Event (`by_uid` leaves them out).
    pub fn get_by_uid(&self, uid: &str) -> Option<&Object> {
        self.get_by_uid_key(&UidKey::new(uid))
    }

    /// The stored object an owner reference names, as the garbage collector finds it: by
    /// UID, or — an Event, which has no entry by UID — by its name in the dependent's
    /// `namespace`, with that UID.
    pub fn owner(&self, owner: &OwnerReference, namespace: Option<&str>) -> Option<&Object> {
        if owner.kind != "Event" {
            return self.get_by_uid(&owner.uid);
        }
        self.object(&ObjectKey::new(Kind::Event, namespace?, &owner.name))
            .filter(|event| event.uid() == owner.uid)
    }

    pub(crate) fn get_by_uid_key(&self, uid: &UidKey) -> Option<&Object> {
        self.by_uid.get(uid).and_then(|key| self.object(key))
    }

    /// The stored object's key as the store holds it, shared with every index that lists
    /// the object, for another index to share too.
    pub(crate) fn shared_key(&self, key: &ObjectKey) -> Option<Arc<ObjectKey>> {
        self.by_key.get_key_value(key).map(|(key, _)| key.clone())
    }

    pub fn contains(&self, key: &ObjectKey) -> bool {
        self.by_key.contains(key)
    }

    /// Objects of `kind`, in one namespace or (None) all, ordered by namespace then name.
    pub fn list(
        &self,
        kind: Kind,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &Object> + use<'_> {
        let stored = self.per_kind.get(&kind).is_some_and(|&count| count > 0);
        stored
            .then(|| {
                self.ordered.range(OrderKey::range_of(
                    kind,
                    namespace.filter(|_| kind.namespaced()),
                ))
            })
            .into_iter()
            .flatten()
            .filter_map(|(_, &slot)| self.slot(slot))
    }

    /// Every object, in key order.
    pub fn list_all(&self) -> impl Iterator<Item = &Object> {
        self.ordered.values().filter_map(|&slot| self.slot(slot))
    }

    pub fn list_typed<'a, T: Typed + 'a>(
        &'a self,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &'a T> + 'a {
        self.list(T::STORED_KIND, namespace)
            .filter_map(T::from_object)
    }

    /// Objects whose ownerReferences name `owner_uid`.
    pub fn dependents_of(&self, owner_uid: &str) -> impl Iterator<Item = &Object> {
        self.dependents
            .get(owner_uid)
            .into_iter()
            .flatten()
            .filter_map(|order| self.object(order.key()))
    }

    /// How many objects' ownerReferences name `owner_uid`, without listing them.
    pub fn dependent_count(&self, owner_uid: &str) -> usize {
        self.dependents.get(owner_uid).map_or(0, BTreeSet::len)
    }

    pub fn has_dependents(&self, owner_uid: &str) -> bool {
        self.dependents
            .get(owner_uid)
            .is_some_and(|set| !set.is_empty())
    }

    /// Pods bound to `node` (by `spec.nodeName`).
    pub fn pods_on_node(&self, node: &str) -> impl Iterator<Item = &Object> {
        self.pods_by_node
            .get(node)
            .into_iter()
            .flatten()
            .filter_map(|order| self.object(order.key()))
    }

    /// Pods of `namespace` that `selector` selects, in key order: through the label index
    /// when the selector requires a label value, so the cost follows the pods that carry it.
    pub fn pods_matching<'a: 's, 's>(
        &'a self,
        namespace: &str,
        selector: &'s Selector,
    ) -> Box<dyn Iterator<Item = &'a Pod> + 's> {
        let narrowest = selector
            .required_values()
            .map(|(key, value)| {
                let index = (namespace.to_string(), key.to_string(), value.to_string());
                self.pods_by_label.get(&index)
            })
            .min_by_key(|pods| pods.map_or(0, BTreeSet::len));
        let matching = move |pod: &&Pod| selector.matches(pod.metadata.labels.as_ref());
        match narrowest {
            Some(keys) => Box::new(
                keys.into_iter()
                    .flatten()
                    .filter_map(|order| self.object(order.key()))
                    .filter_map(Pod::from_object)
                    .filter(matching),
            ),
            None => Box::new(self.list_typed::<Pod>(Some(namespace)).filter(matching)),
        }
    }

    /// Pods in `namespace` without a controller, which controllers may adopt.
    pub fn orphan_pods(&self, namespace: &str) -> impl Iterator<Item = &Pod> {
        self.orphan_pods
            .range(OrderKey::range_of(Kind::Pod, Some(namespace)))
            .filter_map(|order| self.object(order.key()))
            .filter_map(Pod::from_object)
    }

    /// The counts of the pods whose controller reference names `owner_uid`.
    pub fn pod_census(&self, owner_uid: &str) -> Option<&PodCensus> {
        self.censuses.get(owner_uid)
    }

    /// The active pods on each node of the ReplicaSets `owner_uid` owns (by any owner
    /// reference, as `dependents_of` lists them).
    pub fn related_pods(&self, owner_uid: &str) -> Option<&RelatedPods> {
        self.related.get(owner_uid)
    }

    /// Events, newest first: by lastTimestamp, then name, then namespace, descending (what
    /// a timeline shows first, read without walking every Event).
    pub fn events_newest_first(&self) -> impl Iterator<Item = &Event> {
        self.events_by_time
            .iter()
            .rev()
            .filter_map(|event| self.object(&event.key))
            .filter_map(Event::from_object)
    }

    /// What the pods bound to `node` request and who owns them.
    pub fn node_usage(&self, node: &str) -> Option<&NodeUsage> {
        self.node_usage.get(node)
    }

    /// What the node `node` offers pods (`usage::node_allocatable` of the stored node).
    pub fn node_allocatable(&self, node: &str) -> Option<Resources> {
        self.node_allocatable.get(node).copied()
    }

    /// The generation of the last change to any node's usage or allocatable.
    pub(crate) fn node_generation(&self) -> u64 {
        self.node_generation
    }

    /// The nodes whose usage or allocatable changed after generation `since`, each once.
    pub(crate) fn nodes_changed_since(&self, since: u64) -> impl Iterator<Item = &str> {
        self.nodes_by_generation
            .range(since.saturating_add(1)..)
            .map(|(_, node)| node.as_str())
    }

    /// Grows whenever a node is added or removed.
    pub(crate) fn node_list_version(&self) -> u64 {
        self.node_list_version
    }

    /// How many pods are bound to a node that is not stored.
    pub fn pods_on_missing_nodes(&self) -> usize {
        debug_assert_eq!(
            self.pods_on_missing_nodes,
            self.pods_by_node
                .iter()
                .filter(|(node, _)| !self.node_allocatable.contains_key(*node))
                .map(|(_, pods)| pods.len())
                .sum::<usize>(),
            "the count of pods on missing nodes disagrees with the pods"
        );
        self.pods_on_missing_nodes
    }

    /// Pods waiting for the scheduler, in key order.
    pub fn unscheduled_pods(&self) -> impl Iterator<Item = &Pod> {
        self.unscheduled_pods
            .iter()
            .filter_map(|order| self.object(order.key()))
            .filter_map(Pod::from_object)
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// Grows with every write and every removal: what a view compares to know whether the
    /// store it shows is still current (`resource_version` does not move on removals).
    pub fn changes(&self) -> u64 {
        self.changes
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    pub fn pod_count(&self) -> usize {
        self.pods
    }

    /// Moves the resourceVersion counter past `count` writes that were jumped over.
    pub(crate) fn skip_resource_versions(&mut self, count: u64) {
        self.resource_version = self.resource_version.saturating_add(count);
    }

    pub(crate) fn next_resource_version(&mut self) -> String {
        self.resource_version += 1;
        self.resource_version.to_string()
    }

    /// Inserts or replaces an object (its metadata already finalised by the API layer) and
    /// announces it; answers the stored object.
    pub(crate) fn put(&mut self, mut object: Object) -> Arc<Object> {
        let key = object.key();
        drop_spare_capacity(&mut object);
        // Looked up once: the stored key (which the indexes share) and the slot of a rewrite.
        let stored = self
            .by_key
            .get_key_value(&key)
            .map(|(stored, slot)| (stored.clone(), slot));
        let slots = &self.slots;
        let previous = || {
            let (_, slot) = stored.as_ref()?;
            slots.get(*slot)?.as_deref()
        };
        match &mut object {
            Object::Pod(pod) => {
                // Written straight to the store (the boot's static pods): no admission ran.
                pod.settle_token(ServiceAccountToken::Absent);
                let previous = previous().and_then(Pod::from_object);
                self.shared_parts.share_pod(pod, previous);
            }
            Object::Event(event) => {
                let previous = previous().and_then(Event::from_object);
                self.shared_parts.share_event(event, previous);
            }
            _ => {}
        }
        self.changes += 1;
        let object = Arc::new(object);
        // A rewrite keeps the stored key, which the indexes share, and its slot.
        let (key, previous) = match stored {
            Some((stored, slot)) => {
                let previous = self
                    .slots
                    .get_mut(slot)
                    .and_then(|slot| slot.replace(object.clone()));
                (stored, previous)
            }
            None => {
                let key = Arc::new(key);
                let slot = self.free_slots.pop().unwrap_or(self.slots.len());
                if slot == self.slots.len() {
                    self.slots.push(None);
                }
                self.slots[slot] = Some(object.clone());
                self.by_key.insert_new(key.clone(), slot);
                debug_assert!(
                    !key.namespace.contains('\0') && !key.name.contains('\0'),
                    "a stored key holds a zero byte: {key}"
                );
                self.ordered.insert(OrderKey::new(key.clone()), slot);
                *self.per_kind.entry(key.kind).or_default() += 1;
                (key, None)
            }
        };
        let event_type = if previous.is_some() {
            WatchEventType::Modified
        } else {
            WatchEventType::Added
        };
        // A rewrite that keeps the object's UID, owners and labels (a status update, most
        // writes) keeps its entries in the indexes of those, and its key; one that keeps a
        // pod's node and what it takes there keeps its entries in the node's indexes.
        let kept = previous
            .as_ref()
            .map_or(Kept::NOTHING, |previous| Kept::between(previous, &object));
        if let Some(previous) = &previous {
            self.unindex(previous, &key, kept);
        }
        if event_type == WatchEventType::Added && matches!(*object, Object::Node(_)) {
            self.node_list_version += 1;
        }
        self.index(&object, &key, kept);
        self.relate(previous.as_deref(), Some(&object), kept.identity);
        self.note_change(&key);
        let event = WatchEvent {
            event_type,
            object: object.clone(),
            previous,
        };
        let version = object
            .meta()
            .resource_version
            .as_deref()
            .and_then(|v| v.parse().ok())
            .unwrap_or(self.resource_version);
        self.journal.record(version, &event);
        self.pending.push(event);
        object
    }

    /// Removes an object; the API server's `remove_stored` is the one caller, so that the
    /// Event recorders' caches hear of every removal.
    pub(crate) fn remove(&mut self, key: &ObjectKey) -> Option<Arc<Object>> {
        let (key, slot) = self.by_key.remove(key)?;
        self.ordered.remove(&OrderKey::new(key.clone()));
        if let Some(count) = self.per_kind.get_mut(&key.kind) {
            *count = count.saturating_sub(1);
        }
        let object = self.slots.get_mut(slot)?.take()?;
        self.free_slots.push(slot);
        self.changes += 1;
        if matches!(*object, Object::Node(_)) {
            self.node_list_version += 1;
        }
        self.unindex(&object, &key, Kept::NOTHING);
        self.relate(Some(&*object), None, false);
        self.note_change(&key);
        let event = WatchEvent {
            event_type: WatchEventType::Deleted,
            object: object.clone(),
            previous: None,
        };
        self.journal.record(self.resource_version, &event);
        self.pending.push(event);
        Some(object)
    }

    /// The keys of the objects written or removed since the last call, for a view kept up to
    /// date incrementally (the page's cluster view); `None` on the first call (the journal
    /// starts then) and when the journal overflowed: the view rebuilds from the store.
    pub fn take_changed_keys(&mut self) -> Option<Vec<ObjectKey>> {
        let taken = self.changed_keys.replace(Vec::new());
        taken.filter(|keys| keys.len() <= MAX_CHANGED_KEYS)
    }

    fn note_change(&mut self, key: &ObjectKey) {
        if let Some(keys) = &mut self.changed_keys
            && keys.len() <= MAX_CHANGED_KEYS
        {
            keys.push(key.clone());
        }
    }

    /// Starts keeping the last `capacity` changes for watchers outside the simulation.
    pub fn keep_journal(&mut self, capacity: usize) {
        self.journal.set_capacity(capacity);
    }

    /// The recent changes kept by [`Store::keep_journal`].
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    pub(crate) fn take_watch_events(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.pending)
    }

    /// Lists `object` under `key` in every index (but those `kept` says it is listed in
    /// already).
    fn index(&mut self, object: &Object, key: &Arc<ObjectKey>, kept: Kept) {
        let order = || OrderKey::new(key.clone());
        if let Object::Event(event) = object {
            self.events_by_time.insert(EventAt::new(event, key));
        }
        if let Object::Node(node) = object {
            let known = self
                .node_allocatable
                .insert(key.name.clone(), node_allocatable(node));
            if known.is_none() {
                self.pods_on_missing_nodes = self
                    .pods_on_missing_nodes
                    .saturating_sub(self.pods_by_node.get(&key.name).map_or(0, BTreeSet::len));
            }
            self.touch_node(&key.name);
        }
        if !kept.identity {
            if key.kind != Kind::Event {
                self.by_uid.insert(UidKey::new(object.uid()), key.clone());
            }
            for owner in object.meta().owner_references.iter().flatten() {
                self.dependents
                    .entry(owner.uid.clone())
                    .or_default()
                    .insert(order());
            }
        }
        if let Object::Pod(pod) = object {
            self.pods += 1;
            for (label, value) in relabelled(pod, kept) {
                self.pods_by_label
                    .entry(label_index(pod, label, value))
                    .or_default()
                    .insert(order());
            }
            match pod.metadata.controller_ref() {
                Some(owner) => self.censuses.entry(owner.uid.clone()).or_default().add(pod),
                None => {
                    self.orphan_pods.insert(order());
                }
            }
            match pod_node(object) {
                Some(_) if kept.placement => {}
                Some(node) => {
                    self.node_usage
                        .entry(node.to_string())
                        .or_default()
                        .add(pod);
                    let added = self
                        .pods_by_node
                        .entry(node.to_string())
                        .or_default()
                        .insert(order());
                    if added && !self.node_allocatable.contains_key(node) {
                        self.pods_on_missing_nodes += 1;
                    }
                    self.touch_node(node);
                }
                None if pod.metadata.deletion_timestamp.is_none() => {
                    self.unscheduled_pods.insert(order());
                }
                None => {}
            }
        }
    }

    /// Keeps `related` in step with a write of a pod or a ReplicaSet (`None`: none before, or
    /// none after). A pod counts on its node while it is active and its controller is a
    /// stored ReplicaSet; a ReplicaSet brings its census to each owner it names. A pod's
    /// status write, which keeps its node and activity, changes nothing.
    fn relate(&mut self, previous: Option<&Object>, object: Option<&Object>, same_identity: bool) {
        let (before, after) = (
            previous.and_then(related_place),
            object.and_then(related_place),
        );
        if before != after {
            self.relate_pod(before, false);
            self.relate_pod(after, true);
        }
        if !same_identity {
            for (replica_set, add) in [(previous, false), (object, true)] {
                if let Some(replica_set) = replica_set.filter(|o| o.kind() == Kind::ReplicaSet) {
                    self.relate_replica_set(replica_set, add);
                }
            }
        }
    }

    fn relate_pod(&mut self, place: Option<(&str, &str)>, add: bool) {
        let Some((controller, node)) = place else {
            return;
        };
        let Some(replica_set) = self
            .by_uid
            .get(&UidKey::new(controller))
            // Field by field, not `self.object`, so that `self.related` stays free to change.
            .and_then(|key| self.by_key.get(key))
            .and_then(|slot| self.slots.get(slot)?.as_deref())
            .filter(|o| o.kind() == Kind::ReplicaSet)
        else {
            return;
        };
        for owner in owner_uids(replica_set) {
            let related = self.related.entry(owner.to_string()).or_default();
            related.add(controller, node, 1, add);
            if related.is_empty() {
                self.related.remove(owner);
            }
        }
    }

    fn relate_replica_set(&mut self, replica_set: &Object, add: bool) {
        let Some(census) = self.censuses.get(replica_set.uid()) else {
            return;
        };
        for owner in owner_uids(replica_set) {
            let related = self.related.entry(owner.to_string()).or_default();
            for (node, pods) in census.nodes() {
                let pods = u32::try_from(pods.len()).unwrap_or(u32::MAX);
                related.add(replica_set.uid(), node, pods, add);
            }
            if related.is_empty() {
                self.related.remove(owner);
            }
        }
    }

    /// Takes `object` out of every index (but those `kept` says its next version is listed
    /// in alike).
    fn unindex(&mut self, object: &Object, key: &Arc<ObjectKey>, kept: Kept) {
        let order = OrderKey::new(key.clone());
        if let Object::Event(event) = object {
            self.events_by_time.remove(&EventAt::new(event, key));
        }
        if let Object::Node(_) = object {
            if self.node_allocatable.remove(&key.name).is_some() {
                self.pods_on_missing_nodes +=
                    self.pods_by_node.get(&key.name).map_or(0, BTreeSet::len);
            }
            self.touch_node(&key.name);
        }
        if !kept.identity {
            if key.kind != Kind::Event {
                self.by_uid.remove(&UidKey::new(object.uid()));
            }
            for owner in object.meta().owner_references.iter().flatten() {
                if let Some(set) = self.dependents.get_mut(&owner.uid) {
                    set.remove(&order);
                    if set.is_empty() {
                        self.dependents.remove(&owner.uid);
                    }
                }
            }
        }
        if let Some(node) = pod_node(object).filter(|_| !kept.placement) {
            if let Some(set) = self.pods_by_node.get_mut(node)
                && set.remove(&order)
                && !self.node_allocatable.contains_key(node)
            {
                self.pods_on_missing_nodes = self.pods_on_missing_nodes.saturating_sub(1);
            }
            if let (Object::Pod(pod), Some(usage)) = (object, self.node_usage.get_mut(node)) {
                usage.remove(pod);
                if usage.is_empty() {
                    self.node_usage.remove(node);
                }
            }
            self.touch_node(node);
        }
        if let Object::Pod(pod) = object {
            self.pods = self.pods.saturating_sub(1);
            for (label, value) in relabelled(pod, kept) {
                let index = label_index(pod, label, value);
                if let Some(set) = self.pods_by_label.get_mut(&index) {
                    set.remove(&order);
                    if set.is_empty() {
                        self.pods_by_label.remove(&index);
                    }
                }
            }
            if let Some(owner) = pod.metadata.controller_ref()
                && let Some(census) = self.censuses.get_mut(&owner.uid)
            {
                census.remove(pod);
                if census.is_empty() {
                    self.censuses.remove(&owner.uid);
                }
            }
            self.orphan_pods.remove(&order);
            self.unscheduled_pods.remove(&order);
        }
    }

    /// Marks `node`'s usage or allocatable changed: it moves to the newest generation.
    fn touch_node(&mut self, node: &str) {
        self.node_generation += 1;
        let generation = self.node_generation;
        let previous = match self.node_generations.get_mut(node) {
            Some(last) => Some(std::mem::replace(last, generation)),
            None => {
                self.node_generations.insert(node.to_string(), generation);
                None
            }
        };
        let name = previous
            .and_then(|previous| self.nodes_by_generation.remove(&previous))
            .unwrap_or_else(|| node.to_string());
        self.nodes_by_generation.insert(generation, name);
    }
}

/// Which indexes a rewrite leaves as they are, because the object's old and new versions are
/// listed there alike.
#[derive(Clone, Copy, Debug)]
struct Kept {
    /// By UID, owner and label.
    identity: bool,
    /// A pod's: by node, and in the node's usage.
    placement: bool,
}

impl Kept {
    const NOTHING: Kept = Kept {
        identity: false,
        placement: false,
    };

    fn between(previous: &Object, object: &Object) -> Kept {
        Kept {
            identity: same_identity(previous, object),
            placement: same_placement(previous, object),
        }
    }
}

/// Gives back what the lists a pod's status is built in hold beyond their length: its
/// conditions grow one push at a time (5 conditions in room for 8, 480 bytes a pod), and
/// the store keeps every pod for as long as it lives. Conditions other pods share are left
/// alone (a shared list was made tight before it was shared; `&mut` to it would copy it).
fn drop_spare_capacity(object: &mut Object) {
    let Object::Pod(pod) = object else { return };
    let Some(status) = pod.status.as_mut() else {
        return;
    };
    if let Some(conditions) = status.conditions.as_mut().and_then(Shared::get_mut) {
        conditions.shrink_to_fit();
    }
    for statuses in [
        &mut status.container_statuses,
        &mut status.init_container_statuses,
    ]
    .into_iter()
    .flatten()
    {
        statuses.shrink_to_fit();
    }
    if let Some(ips) = &mut status.pod_ips {
        ips.shrink_to_fit();
    }
    if let Some(ips) = &mut status.host_ips {
        ips.shrink_to_fit();
    }
}

/// An Event in the timeline's order: by when it was last seen (`events::last_seen`), then
/// name, then namespace (its key
/// is the one the store holds it under, not a copy of its name and namespace).
#[derive(Clone, Debug)]
struct EventAt {
    time: Option<jiff::Timestamp>,
    key: Arc<ObjectKey>,
}

impl EventAt {
    fn new(event: &Event, key: &Arc<ObjectKey>) -> EventAt {
        EventAt {
            time: crate::events::last_seen(event),
            key: key.clone(),
        }
    }

    fn order(&self) -> (Option<jiff::Timestamp>, &str, &str) {
        (self.time, &self.key.name, &self.key.namespace)
    }
}

impl PartialEq for EventAt {
    fn eq(&self, other: &EventAt) -> bool {
        self.order() == other.order()
    }
}

impl Eq for EventAt {}

impl PartialOrd for EventAt {
    fn partial_cmp(&self, other: &EventAt) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EventAt {
    fn cmp(&self, other: &EventAt) -> std::cmp::Ordering {
        self.order().cmp(&other.order())
    }
}

/// Whether two versions of an object are listed alike by UID, owner and label.
fn same_identity(previous: &Object, object: &Object) -> bool {
    let (old, new) = (previous.meta(), object.meta());
    old.uid == new.uid && old.owner_references == new.owner_references && old.labels == new.labels
}

/// Whether two versions of a pod count alike in their node's usage (`usage.rs`): same node,
/// both finished or both not, same controller, same resources asked for.
fn same_placement(previous: &Object, object: &Object) -> bool {
    let (Object::Pod(old), Object::Pod(new)) = (previous, object) else {
        return false;
    };
    pod_node(previous) == pod_node(object)
        && kubeplay_model::pod::is_finished(old) == kubeplay_model::pod::is_finished(new)
        && controller_uid(old) == controller_uid(new)
        && container_resources(old).eq(container_resources(new))
}

/// What a pod's containers, then its init containers, ask for (`usage::pod_requests` reads).
fn container_resources(pod: &Pod) -> impl Iterator<Item = &Option<ResourceRequirements>> {
    let spec = pod.spec.as_ref();
    let containers = spec.into_iter().flat_map(|s| &s.containers);
    let init = spec
        .into_iter()
        .flat_map(|s| s.init_containers.iter().flatten());
    containers.chain(init).map(|c| &c.resources)
}

fn controller_uid(pod: &Pod) -> Option<&str> {
    pod.metadata
        .controller_ref()
        .map(|owner| owner.uid.as_str())
}

/// The controller a pod counts for and the node it counts on, while it is active and bound.
fn related_place(object: &Object) -> Option<(&str, &str)> {
    let Object::Pod(pod) = object else {
        return None;
    };
    let node = pod.spec.as_ref()?.node_name.as_deref()?;
    let controller = pod.metadata.controller_ref()?;
    is_active(pod).then_some((controller.uid.as_str(), node))
}

/// The UIDs `object`'s owner references name, each once.
fn owner_uids(object: &Object) -> Vec<&str> {
    let mut uids: Vec<&str> = Vec::new();
    for owner in object.meta().owner_references.iter().flatten() {
        if !uids.contains(&owner.uid.as_str()) {
            uids.push(&owner.uid);
        }
    }
    uids
}

/// The labels whose index entries a write of `pod` adds or removes: none when it keeps them.
fn relabelled(pod: &Pod, kept: Kept) -> impl Iterator<Item = (&String, &String)> {
    let labels = pod.metadata.labels.iter().flatten();
    labels.filter(move |_| !kept.identity)
}

fn label_index(pod: &Pod, label: &str, value: &str) -> (String, String, String) {
    (
        pod.metadata.namespace_str().to_string(),
        label.to_string(),
        value.to_string(),
    )
}

fn pod_node(object: &Object) -> Option<&str> {
    match object {
        Object::Pod(pod) => pod.spec.as_ref()?.node_name.as_deref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Namespace, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use kubeplay_model::PodStatus;

    fn namespace(name: &str) -> Object {
        Object::Namespace(Box::new(Namespace {
            metadata: ObjectMeta {
                name: Some(name.into()),
                uid: Some(format!("uid-{name}")),
                ..Default::default()
            },
            ..Default::default()
        }))
    }

    /// The pod `default/p` (UID `uid-p`) with the rest of `metadata`, `spec` and `status`.
    fn pod_p(metadata: ObjectMeta, spec: Option<PodSpec>, status: Option<PodStatus>) -> Object {
        Pod {
            metadata: ObjectMeta {
                name: Some("p".into()),
                namespace: Some("default".into()),
                uid: Some("uid-p".into()),
                ..metadata
            },
            spec: spec.map(Into::into),
            status,
        }
        .into_object()
    }

    #[test]
    fn objects_list_in_key_order_as_slots_are_freed_and_reused() {
        let mut store = Store::default();
        for name in ["b", "d", "a"] {
            store.put(namespace(name));
        }
        let names = |store: &Store| {
            store
                .list(Kind::Namespace, None)
                .map(|o| o.meta().name_str().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&store), ["a", "b", "d"]);
        assert_eq!(store.list(Kind::Pod, None).count(), 0);
        let removed = store.remove(&ObjectKey::new(Kind::Namespace, "", "b"));
        assert_eq!(removed.map(|o| o.uid().to_string()), Some("uid-b".into()));
        // "c" takes the slot "b" left; a rewrite of "d" keeps its own.
        store.put(namespace("c"));
        let mut d = namespace("d");
        d.meta_mut().labels = Some([("k".into(), "v".into())].into());
        store.put(d);
        assert_eq!(names(&store), ["a", "c", "d"]);
        assert_eq!(store.len(), 3);
        assert!(
            store
                .get(&ObjectKey::new(Kind::Namespace, "", "b"))
                .is_none()
        );
        assert_eq!(
            store.get_by_uid("uid-c").map(|o| o.meta().name_str()),
            Some("c")
        );
        let d = store.get(&ObjectKey::new(Kind::Namespace, "", "d"));
        assert!(d.is_some_and(|d| d.meta().labels.is_some()));
        assert_eq!(store.list_all().count(), 3);
        for name in ["a", "c", "d"] {
            store.remove(&ObjectKey::new(Kind::Namespace, "", name));
        }
        assert_eq!(store.list(Kind::Namespace, None).count(), 0);
        store.put(namespace("e"));
        assert_eq!(names(&store), ["e"]);
    }

    #[test]
    fn a_rewrite_keeps_or_moves_a_pod_in_the_indexes_of_its_uid_owners_and_labels() {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
        let pod = |app: &str, owner: &str, phase: &str| {
            let metadata = ObjectMeta {
                labels: Some([("app".to_string(), app.to_string())].into()),
                owner_references: Some(vec![OwnerReference {
                    uid: owner.into(),
                    controller: Some(true),
                    ..Default::default()
                }]),
                ..Default::default()
            };
            let status = PodStatus {
                phase: Some(phase.into()),
                ..Default::default()
            };
            pod_p(metadata, None, Some(status))
        };
        let selecting = |store: &Store, app: &str| {
            let selector = Selector::from_labels(&[("app".to_string(), app.to_string())].into());
            store.pods_matching("default", &selector).count()
        };
        let mut store = Store::default();
        store.put(pod("a", "rs-1", "Pending"));
        // A status update: listed as before.
        store.put(pod("a", "rs-1", "Running"));
        assert_eq!(selecting(&store, "a"), 1);
        assert_eq!(store.dependents_of("rs-1").count(), 1);
        assert!(store.get_by_uid("uid-p").is_some());
        assert_eq!(store.pod_census("rs-1").map(|c| c.active), Some(1));
        // New labels and a new owner: listed under those only.
        store.put(pod("b", "rs-2", "Running"));
        assert_eq!((selecting(&store, "a"), selecting(&store, "b")), (0, 1));
        assert_eq!(store.dependents_of("rs-1").count(), 0);
        assert_eq!(store.dependents_of("rs-2").count(), 1);
        assert!(store.pod_census("rs-1").is_none());
        let key = ObjectKey::new(Kind::Pod, "default", "p");
        assert!(store.remove(&key).is_some());
        assert_eq!(selecting(&store, "b"), 0);
        assert_eq!(store.dependents_of("rs-2").count(), 0);
        assert!(store.get_by_uid("uid-p").is_none());
    }

    #[test]
    fn an_event_is_found_as_an_owner_by_its_name_not_by_its_uid() {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
        let mut store = Store::default();
        store.put(Object::Event(Box::new(Event {
            metadata: ObjectMeta {
                name: Some("web.1".into()),
                namespace: Some("default".into()),
                uid: Some("uid-event".into()),
                ..Default::default()
            },
            ..Default::default()
        })));
        store.put(namespace("a"));
        let reference = |kind: &str, name: &str, uid: &str| OwnerReference {
            kind: kind.into(),
            name: name.into(),
            uid: uid.into(),
            ..Default::default()
        };
        assert!(store.get_by_uid("uid-event").is_none());
        let found = store.owner(&reference("Event", "web.1", "uid-event"), Some("default"));
        assert_eq!(found.map(Object::uid), Some("uid-event"));
        // The same name with another UID, another namespace, or no namespace: not the owner.
        assert!(
            store
                .owner(&reference("Event", "web.1", "uid-other"), Some("default"))
                .is_none()
        );
        assert!(
            store
                .owner(
                    &reference("Event", "web.1", "uid-event"),
                    Some("kube-system")
                )
                .is_none()
        );
        assert!(
            store
                .owner(&reference("Event", "web.1", "uid-event"), None)
                .is_none()
        );
        // Every other kind by UID, whatever the reference's name.
        let found = store.owner(&reference("Namespace", "not-its-name", "uid-a"), None);
        assert_eq!(found.map(|o| o.meta().name_str()), Some("a"));
        store.remove(&ObjectKey::new(Kind::Event, "default", "web.1"));
        assert!(
            store
                .owner(&reference("Event", "web.1", "uid-event"), Some("default"))
                .is_none()
        );
    }

    #[test]
    fn a_pod_is_stored_without_spare_room_in_its_status_lists() {
        use k8s_openapi::api::core::v1::PodCondition;
        let mut conditions = Vec::with_capacity(8);
        conditions.extend((0..5).map(|i| PodCondition {
            type_: format!("C{i}"),
            ..Default::default()
        }));
        let mut store = Store::default();
        let status = PodStatus {
            conditions: Some(conditions.into()),
            ..Default::default()
        };
        store.put(pod_p(ObjectMeta::default(), None, Some(status)));
        let Some(pod) = store.get_typed::<Pod>("default", "p") else {
            panic!("not stored")
        };
        let stored = pod.status.as_ref().and_then(|s| s.conditions.as_ref());
        assert_eq!(stored.map(|c| (c.len(), c.capacity())), Some((5, 5)));
    }

    #[test]
    fn a_node_changes_generation_when_what_its_pods_take_changes() {
        let pod = |node: Option<&str>, phase: &str| {
            let spec = PodSpec {
                node_name: node.map(str::to_string),
                ..Default::default()
            };
            let status = PodStatus {
                phase: Some(phase.into()),
                ..Default::default()
            };
            pod_p(ObjectMeta::default(), Some(spec), Some(status))
        };
        let mut store = Store::default();
        store.put(pod(None, "Pending"));
        assert_eq!(store.nodes_changed_since(0).count(), 0);
        store.put(pod(Some("n1"), "Pending"));
        let bound = store.node_generation();
        assert_eq!(store.nodes_changed_since(0).collect::<Vec<_>>(), ["n1"]);
        // A status write that leaves what the pod takes on its node as it was.
        store.put(pod(Some("n1"), "Running"));
        assert_eq!(store.node_generation(), bound);
        // A finished pod frees its share.
        store.put(pod(Some("n1"), "Succeeded"));
        assert_eq!(store.nodes_changed_since(bound).collect::<Vec<_>>(), ["n1"]);
        assert_eq!(store.node_usage("n1").map(|u| u.requested.pods), Some(0));
    }

    #[test]
    fn changed_keys_start_when_asked_and_list_writes_and_removals() {
        let mut store = Store::default();
        store.put(namespace("a"));
        assert_eq!(store.take_changed_keys(), None, "the journal starts now");
        store.put(namespace("b"));
        store.put(namespace("a"));
        store.remove(&ObjectKey::cluster(Kind::Namespace, "b"));
        let b = ObjectKey::cluster(Kind::Namespace, "b");
        let a = ObjectKey::cluster(Kind::Namespace, "a");
        assert_eq!(store.take_changed_keys(), Some(vec![b.clone(), a, b]));
        assert_eq!(store.take_changed_keys(), Some(Vec::new()));
    }
}
