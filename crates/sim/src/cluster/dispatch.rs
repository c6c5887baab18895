//! The informers' event handlers: which work a change causes. The driver knows no controller
//! by name; it walks the declarations in `CONTROLLERS` — the garbage collector's graph first,
//! then the controller of the changed object's owner, then every controller's own watches —
//! and lets the node agents (kubelets) see pods and nodes last.

use kubeplay_model::{Object, Pod};

use super::Cluster;
use super::timers::TimerKind;
use crate::controllers::{CONTROLLERS, ControllerId, Wake, Watch, gc};
use crate::store::WatchEvent;

impl Cluster {
    pub(super) fn enqueue(&mut self, controller: ControllerId, key: kubeplay_model::ObjectKey) {
        if self.queued.insert((controller, key.clone())) {
            self.queue.push_back((controller, key));
        }
    }

    pub(super) fn dispatch(&mut self, event: WatchEvent) {
        let collector = ControllerId(&gc::CONTROLLER);
        self.wake(collector, &event, gc::graph_changes);
        if let Some(owner) = CONTROLLERS.iter().find_map(|c| {
            let key = c.owner_of(&event.object)?;
            Some((ControllerId(c), key))
        }) {
            self.enqueue(owner.0, owner.1);
        }
        self.wake(collector, &event, gc::owner_gone);
        for controller in CONTROLLERS {
            self.wake(ControllerId(controller), &event, |event, watch| {
                controller.watch(event, watch)
            });
        }
        match &*event.object {
            Object::Node(_) if event.deleted() => self.forget_machine(event.object.name()),
            Object::Pod(pod) => self.kubelet_sees(pod, event.deleted()),
            _ => {}
        }
    }

    /// Queues what one watch handler of `controller` asks for.
    fn wake(
        &mut self,
        controller: ControllerId,
        event: &WatchEvent,
        handler: impl FnOnce(&WatchEvent, &mut Watch),
    ) {
        let now_ms = self.now_ms();
        let mut watch = Watch::new(&self.api.store, now_ms, &mut self.scheduling_queue);
        handler(event, &mut watch);
        for wake in watch.take() {
            match wake {
                Wake::Now(key) => self.enqueue(controller, key),
                Wake::After(delay, key) => {
                    self.schedule(delay, TimerKind::Requeue(controller, key))
                }
            }
        }
    }

    /// A deleted node's machine leaves the cluster, with the work its kubelet had parked.
    fn forget_machine(&mut self, node: &str) {
        self.nodes.unregister(node);
        self.parked.remove(node);
    }

    /// The kubelet of a bound pod's running node takes it up; a deleted pod is forgotten.
    fn kubelet_sees(&mut self, pod: &Pod, deleted: bool) {
        use kubeplay_model::object::MetaExt;
        if deleted {
            self.kubelets.forget(pod.metadata.uid_str());
            return;
        }
        let node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
        if node.is_some_and(|node| self.nodes.is_running(node)) {
            self.kubelet_observe(pod);
        }
    }

    pub(super) fn kubelet_observe(&mut self, pod: &Pod) {
        let mut timers = Vec::new();
        self.kubelets.observe(pod, &mut self.api, &mut timers);
        for (delay, timer) in timers {
            self.schedule(delay, TimerKind::Kubelet(timer));
        }
    }
}
