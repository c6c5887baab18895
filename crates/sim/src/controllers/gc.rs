//! The garbage collector (`pkg/controller/garbagecollector`) and namespace deletion: deletes
//! dependents whose owners are gone, and completes foreground and orphan deletions by
//! removing their finalizers.

use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey};

use super::{Action, Context, Reconciliation};
use crate::api::{DeleteOptions, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, Propagation};

/// Reconciles one object: either an owner being deleted (finalizers) or a possible orphan.
pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    let mut result = Reconciliation::default();
    let Some(object) = ctx.store.get(key) else {
        return result;
    };
    if key.kind == Kind::Namespace && object.meta().is_deleting() {
        return delete_namespace(object, ctx);
    }
    let finalizers = object.meta().finalizers.clone().unwrap_or_default();
    if object.meta().is_deleting() && finalizers.iter().any(|f| f == FINALIZER_ORPHAN) {
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
        return result;
    }
    if object.meta().is_deleting() && finalizers.iter().any(|f| f == FINALIZER_FOREGROUND) {
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
        return result;
    }
    // A dependent: garbage when no owner reference points at a live object with that UID.
    let owners = object.meta().owner_references.clone().unwrap_or_default();
    if owners.is_empty() || object.meta().is_deleting() {
        return result;
    }
    let solid: Vec<_> = owners
        .iter()
        .filter(|owner| {
            ctx.store.get_by_uid(&owner.uid).is_some_and(|o| {
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
            .any(|owner| ctx.store.get_by_uid(&owner.uid).is_some());
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
            refs.retain(|owner| ctx.store.get_by_uid(&owner.uid).is_some());
        }
        if ctx.store.get_by_uid(&owners[0].uid).is_none() {
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
