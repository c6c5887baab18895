//! The taint eviction controller (`pkg/controller/tainteviction`): deletes the pods of a
//! node with `NoExecute` taints they do not tolerate — at once, or when the shortest
//! matching `tolerationSeconds` has passed since the taint was added (300 s for the
//! `not-ready`/`unreachable` tolerations every pod gets by default).

use k8s_openapi::api::core::v1::{Node, Taint, Toleration};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, ObjectKey, Pod, Typed};

use super::scheduler::tolerates;
use super::{Action, Context, Reconciliation, event, pods};
use super::{Controller, Reconcile, Watch};
use crate::api::{DeleteOptions, EventType};
use crate::clock::Millis;
use crate::store::WatchEvent;
use kubeplay_model::Object;

const COMPONENT: &str = "taint-eviction-controller";

/// When a pod on a node with these NoExecute taints must go: `None` if it tolerates them
/// all forever.
fn eviction_due_ms(tolerations: &[Toleration], taints: &[&Taint], ctx: &Context) -> Option<Millis> {
    taints
        .iter()
        .filter_map(|taint| {
            let added_ms = taint
                .time_added
                .as_ref()
                .map_or(ctx.clock.now_ms(), |t| ctx.clock.millis_of(t));
            let matching: Vec<&Toleration> = tolerations
                .iter()
                .filter(|t| tolerates(std::slice::from_ref(*t), taint))
                .collect();
            if matching.is_empty() {
                return Some(ctx.clock.now_ms());
            }
            // `getMinTolerationTime`: no seconds = forever; zero or negative = at once.
            let seconds = matching.iter().filter_map(|t| t.toleration_seconds).min()?;
            let delay = u64::try_from(seconds.max(0)).unwrap_or(0) * 1000;
            Some(added_ms + delay)
        })
        .min()
}

/// The NoExecute taints of nodes, and the pods they evict.
pub static CONTROLLER: Controller = Controller {
    name: "taint-eviction-controller",
    reconciles: Some(Kind::Node),
    owns: &[],
    watches: pods_on_tainted_nodes,
    reconcile: Reconcile::Stateless(reconcile),
};

/// A pod that changes on a node with a `NoExecute` taint may have to go.
fn pods_on_tainted_nodes(event: &WatchEvent, watch: &mut Watch) {
    let Object::Pod(pod) = &*event.object else {
        return;
    };
    let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) else {
        return;
    };
    let tainted = watch
        .store
        .get_typed::<Node>("", node)
        .and_then(|n| n.spec.as_ref()?.taints.as_ref())
        .is_some_and(|taints| taints.iter().any(|t| t.effect == "NoExecute"));
    if tainted {
        watch.wake(ObjectKey::cluster(Kind::Node, node));
    }
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut reconciliation = Reconciliation::default();
    let Some(node) = ctx.store.get_typed::<Node>("", &key.name) else {
        return reconciliation;
    };
    let taints: Vec<&Taint> = node
        .spec
        .iter()
        .flat_map(|s| s.taints.iter().flatten())
        .filter(|t| t.effect == "NoExecute")
        .collect();
    if taints.is_empty() {
        return reconciliation;
    }
    for pod in ctx
        .store
        .pods_on_node(&key.name)
        .filter_map(Pod::from_object)
    {
        if pod.metadata.is_deleting() || kubeplay_model::pod::is_finished(pod) {
            continue;
        }
        let tolerations = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.clone())
            .unwrap_or_default();
        match eviction_due_ms(&tolerations, &taints, ctx) {
            Some(due) if due <= ctx.clock.now_ms() => evict(pod, ctx, &mut reconciliation),
            Some(due) => reconciliation.requeue_within(due - ctx.clock.now_ms()),
            None => {}
        }
    }
    reconciliation
}

fn evict(pod: &Pod, ctx: &Context, reconciliation: &mut Reconciliation) {
    let namespace = pod.metadata.namespace_str();
    let name = pod.metadata.name_str();
    let key = ObjectKey::new(Kind::Pod, namespace, name);
    let marked = pods::with_disruption_target(
        pod,
        "DeletionByTaintManager",
        "Taint manager: deleting due to NoExecute taint",
        &ctx.clock.now_time(),
    );
    reconciliation.actions.push(Action::Event(event(
        key.clone(),
        EventType::Normal,
        "TaintManagerEviction",
        format!("Marking for deletion Pod {namespace}/{name}"),
        COMPONENT,
    )));
    reconciliation
        .actions
        .push(Action::UpdateStatus(marked.into_object()));
    reconciliation.actions.push(Action::Delete {
        key,
        options: DeleteOptions::default(),
        event: None,
    });
}
