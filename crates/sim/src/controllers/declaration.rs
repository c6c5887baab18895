//! What a controller declares about itself: the kind it reconciles, the kinds it owns, and
//! which other changes wake it for which keys — what kube-runtime's `Controller::new`,
//! `owns` and `watches` say, and what `NewDeploymentController`'s informer handlers do. The
//! driver walks these declarations; it knows no controller by name.

use std::fmt;
use std::hash::{Hash, Hasher};

use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey};

use super::daemonset::NodeAnswers;
use super::scheduling_queue::SchedulingQueue;
use super::{Context, Reconciliation};
use crate::clock::Millis;
use crate::store::{Store, WatchEvent, WatchEventType};

/// One controller, declared once beside its reconcile.
pub struct Controller {
    /// Its name, as the controller manager's flags and logs spell it.
    pub name: &'static str,
    /// The kind of its work keys: a change to one of them wakes it for that object (not its
    /// removal: what is gone has nothing left to reconcile, unless `watches` says so).
    pub reconciles: Option<Kind>,
    /// The kinds it creates and controls: a change to one of them wakes it for the owner its
    /// controller reference names.
    pub owns: &'static [Kind],
    /// The other changes that wake it, and for which keys.
    pub watches: fn(&WatchEvent, &mut Watch),
    pub reconcile: Reconcile,
}

/// How a controller reconciles one key.
pub enum Reconcile {
    /// From the store alone.
    Stateless(fn(&ObjectKey, &Context) -> Reconciliation),
    /// A DaemonSet's sync, with the nodes' `NodeShouldRunDaemonPod` answers it keeps
    /// between syncs (`daemonset/answers.rs`).
    DaemonSet(fn(&ObjectKey, &mut NodeAnswers, &Context) -> Reconciliation),
    /// The scheduler's pass over its queue of pending pods (one key: the whole queue).
    SchedulingQueue(fn(&mut SchedulingQueue, &Context) -> Reconciliation),
}

/// For a controller that no other change wakes.
pub fn nothing_else(_: &WatchEvent, _: &mut Watch) {}

/// Which controller a work item is for: one of the declarations.
#[derive(Clone, Copy)]
pub struct ControllerId(pub &'static Controller);

impl ControllerId {
    pub fn is(self, controller: &Controller) -> bool {
        self.0.name == controller.name
    }
}

impl PartialEq for ControllerId {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for ControllerId {}

impl Hash for ControllerId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl PartialOrd for ControllerId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ControllerId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.name.cmp(other.0.name)
    }
}

impl fmt::Debug for ControllerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

/// A key a watch handler queues: now, or once a delay has passed.
pub enum Wake {
    Now(ObjectKey),
    After(Millis, ObjectKey),
}

/// What a watch handler may read, and the keys it queues.
pub struct Watch<'a> {
    pub store: &'a Store,
    pub now_ms: Millis,
    /// The scheduler's queue, which its handlers keep up to date.
    pub scheduling_queue: &'a mut SchedulingQueue,
    wakes: Vec<Wake>,
}

impl<'a> Watch<'a> {
    pub fn new(
        store: &'a Store,
        now_ms: Millis,
        scheduling_queue: &'a mut SchedulingQueue,
    ) -> Watch<'a> {
        Watch {
            store,
            now_ms,
            scheduling_queue,
            wakes: Vec::new(),
        }
    }

    pub fn wake(&mut self, key: ObjectKey) {
        self.wakes.push(Wake::Now(key));
    }

    pub fn wake_after(&mut self, delay_ms: Millis, key: ObjectKey) {
        self.wakes.push(Wake::After(delay_ms, key));
    }

    /// Every object of `kind`, in `namespace` or (None) all.
    pub fn wake_every(&mut self, kind: Kind, namespace: Option<&str>) {
        let keys = self.store.list(kind, namespace).map(Object::key);
        self.wakes.extend(keys.map(Wake::Now));
    }

    /// The keys queued so far, in order.
    pub fn take(&mut self) -> Vec<Wake> {
        std::mem::take(&mut self.wakes)
    }
}

impl Controller {
    /// The keys a change wakes this controller for, beyond the owner its controller
    /// reference names: its own objects, then what `watches` says.
    pub fn watch(&self, event: &WatchEvent, watch: &mut Watch) {
        let deleted = event.event_type == WatchEventType::Deleted;
        if self.reconciles == Some(event.object.kind()) && !deleted {
            watch.wake(event.object.key());
        }
        (self.watches)(event, watch);
    }

    /// The owner this controller reconciles when `object` changes: the one its controller
    /// reference names, if this controller owns objects of that kind under owners of its kind.
    pub fn owner_of(&self, object: &Object) -> Option<ObjectKey> {
        let kind = self.reconciles?;
        let owner = object.meta().controller_ref()?;
        (kind.name() == owner.kind && self.owns.contains(&object.kind()))
            .then(|| ObjectKey::new(kind, object.namespace(), &owner.name))
    }
}
