//! The garbage collector (`pkg/controller/garbagecollector`) and namespace deletion: deletes
//! dependents whose owners are gone, and completes foreground and orphan deletions by
//! removing their finalizers.

use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey};

use super::{Action, Context, Controller, Reconcile, Reconciliation, Watch};
use crate::api::{DeleteOptions, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, Propagation};
use crate::store::WatchEvent;

/// Deleting namespaces; and, like upstream's graph builder, every change to anything
/// (`graph_changes`, `owner_gone`), which the driver shows it before any controller.
pub static CONTROLLER: Controller = Controller {
    name: "garbage-collector",
    reconciles: None,
    owns: &[],
    watches: deleting_namespaces,
    reconcile: Reconcile::Stateless(reconcile),
};

fn deleting_namespaces(event: &WatchEvent, watch: &mut Watch) {
    if event.object.kind() == Kind::Namespace
        && !event.deleted()
        && event.object.meta().is_deleting()
    {
        watch.wake(event.object.key());
    }
}

/// What a change tells the collector's graph before any controller hears of it: a deleted
/// owner's dependents may be garbage; an object being deleted waits on its finalizers; an
/// owner in foreground deletion re-checks when a dependent goes away.
pub fn graph_changes(event: &WatchEvent, watch: &mut Watch) {
    let object = &event.object;
    if event.deleted() {
        let dependents: Vec<ObjectKey> = watch
            .store
            .dependents_of(object.uid())
            .map(Object::key)
            .collect();
        for dependent in dependents {
            watch.wake(dependent);
        }
    } else if object.meta().is_deleting()
        && object
            .meta()
            .finalizers
            .as_ref()
            .is_some_and(|f| !f.is_empty())
    {
        watch.wake(object.key());
    }
    if event.deleted() {
        let store = watch.store;
        let namespace = object.meta().namespace.as_deref();
        let waiting = object
            .meta()
            .owner_references
            .iter()
            .flatten()
            .filter_map(|owner| store.owner(owner, namespace))
            .filter(|owner| owner.meta().is_deleting())
            .map(Object::key);
        for owner in waiting {
            watch.wake(owner);
        }
    }
}

/// An object whose controller is already gone: the collector decides what becomes of it
/// (after the owner's controller has heard of the change).
pub fn owner_gone(event: &WatchEvent, watch: &mut Watch) {
    let Some(owner) = event.object.meta().controller_ref() else {
        return;
    };
    let namespace = event.object.meta().namespace.as_deref();
    if watch.store.owner(owner, namespace).is_none() && !event.deleted() {
        watch.wake(event.object.key());
    }
}

/// Reconciles one object: either an owner being deleted (finalizers) or a possible orphan.
pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let Some(object) = ctx.store.get(key) else {
        return Reconciliation::default();
    };
    if key.kind == Kind::Namespace && object.meta().is_deleting() {
        return delete_namespace(object, ctx);
    }
    let finalizers = object.meta().finalizers.clone().unwrap_or_default();
    if object.meta().is_deleting() && finalizers.iter().any(|f| f == FINALIZER_ORPHAN) {
        return orphan_dependents(object, ctx);
    }
    if object.meta().is_deleting() && finalizers.iter().any(|f| f == FINALIZER_FOREGROUND) {
        return delete_dependents_first(object, ctx);
    }
    collect_if_garbage(key, object, ctx)
}

/// Orphan deletion: the dependents lose their reference to the owner, then the owner goes.
fn orphan_dependents(object: &Object, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    for dependent in ctx.store.dependents_of(object.uid()) {
        let mut released = dependent.clone();
        if let Some(owners) = released.meta_mut().owner_references.as_mut() {
            owners.retain(|owner| owner.uid != object.uid());
        }
        result.actions.push(Action::Update(released));
    }
    result
        .actions
        .push(Action::Update(without_finalizer(object, FINALIZER_ORPHAN)));
    result
}

/// Foreground deletion: the dependents are deleted, and the owner goes once none that
/// blocks it is left.
fn delete_dependents_first(object: &Object, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let mut blocking = false;
    for dependent in ctx.store.dependents_of(object.uid()) {
        let blocks = dependent
            .meta()
            .owner_references
            .iter()
            .flatten()
            .any(|o| o.uid == object.uid() && o.block_owner_deletion == Some(true));
        blocking |= blocks;
        if !dependent.meta().is_deleting() {
            let propagation = if ctx.store.has_dependents(dependent.uid()) {
                Propagation::Foreground
            } else {
                Propagation::Background
            };
            result.actions.push(Action::Delete {
                key: dependent.key(),
                options: DeleteOptions {
                    propagation: Some(propagation),
                    grace_period_seconds: None,
                },
                event: None,
            });
        }
    }
    if !blocking {
        result.actions.push(Action::Update(without_finalizer(
            object,
            FINALIZER_FOREGROUND,
        )));
    }
    result
}

/// A dependent: garbage when no owner reference points at a live object with that UID.
fn collect_if_garbage(key: &ObjectKey, object: &Object, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let owners = object.meta().owner_references.clone().unwrap_or_default();
    if owners.is_empty() || object.meta().is_deleting() {
        return result;
    }
    let namespace = object.meta().namespace.as_deref();
    let solid: Vec<_> = owners
        .iter()
        .filter(|owner| {
            ctx.store.owner(owner, namespace).is_some_and(|o| {
                !(o.meta().is_deleting()
                    && o.meta()
                        .finalizers
                        .iter()
                        .flatten()
                        .any(|f| f == FINALIZER_FOREGROUND))
            })
        })
        .collect();
    if solid.is_empty() {
        let waiting = owners
            .iter()
            .any(|owner| ctx.store.owner(owner, namespace).is_some());
        let propagation = if waiting && ctx.store.has_dependents(object.uid()) {
            Propagation::Foreground
        } else {
            Propagation::Background
        };
        if !waiting
            || propagation == Propagation::Foreground
            || !ctx.store.has_dependents(object.uid())
        {
            result.actions.push(Action::Delete {
                key: key.clone(),
                options: DeleteOptions {
                    propagation: Some(propagation),
                    grace_period_seconds: None,
                },
                event: None,
            });
        }
    } else if solid.len() != owners.len() {
        let mut trimmed = object.clone();
        if let Some(refs) = trimmed.meta_mut().owner_references.as_mut() {
            refs.retain(|owner| ctx.store.owner(owner, namespace).is_some());
        }
        if ctx.store.owner(&owners[0], namespace).is_none() {
            result.actions.push(Action::Update(trimmed));
        }
    }
    result
}

fn without_finalizer(object: &Object, finalizer: &str) -> Object {
    let mut updated = object.clone();
    if let Some(finalizers) = updated.meta_mut().finalizers.as_mut() {
        finalizers.retain(|f| f != finalizer);
    }
    updated
}

/// The namespace controller: delete everything inside, then drop the `kubernetes` finalizer.
fn delete_namespace(namespace: &Object, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let mut remaining = false;
    for kind in Kind::all().filter(|k| k.namespaced()) {
        for object in ctx.store.list(kind, Some(namespace.name())) {
            remaining = true;
            if !object.meta().is_deleting() {
                result.actions.push(Action::Delete {
                    key: object.key(),
                    options: DeleteOptions {
                        propagation: Some(Propagation::Background),
                        grace_period_seconds: None,
                    },
                    event: None,
                });
            }
        }
    }
    if !remaining {
        let mut finished = namespace.clone();
        if let Object::Namespace(ns) = &mut finished
            && let Some(spec) = ns.spec.as_mut()
        {
            spec.finalizers = Some(Vec::new());
        }
        finished.meta_mut().finalizers = Some(Vec::new());
        result.actions.push(Action::Update(finished));
    } else {
        result.requeue_within(1000);
    }
    result
}
