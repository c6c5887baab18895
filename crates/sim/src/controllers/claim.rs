//! Adoption and release (`pkg/controller/controller_ref_manager.go`, `ClaimObject`): what a
//! controller does with the objects its selector matches before it counts them. It keeps
//! those it controls that still match, adopts matching orphans by adding its controller
//! reference, and releases those it controls that no longer match by removing its reference
//! — each a patch, so the object's resourceVersion moves and no Event is recorded. A
//! controller being deleted adopts and releases nothing; objects being deleted are not
//! adopted, and objects another controller owns are left alone.

use std::borrow::Cow;

use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::is_active;
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, Object, Pod, Typed};

use super::{Action, Context, Reconciliation, Watch, controller_ref};

/// The outcome of claiming one candidate.
enum Claim {
    /// Controlled by the owner and matching.
    Keep,
    Adopt,
    Release,
    Ignore,
}

/// `ClaimObject`'s decision for one candidate; `matches` is the selector plus any filter.
fn decide(owner: &Object, meta: &ObjectMeta, matches: bool) -> Claim {
    let owner_deleting = owner.meta().is_deleting();
    match meta.controller_ref() {
        Some(reference) if reference.uid != owner.uid() => Claim::Ignore,
        Some(_) if matches => Claim::Keep,
        Some(_) if owner_deleting => Claim::Ignore,
        Some(_) => Claim::Release,
        None if owner_deleting || !matches || meta.is_deleting() => Claim::Ignore,
        None if meta.namespace_str() != owner.namespace() => Claim::Ignore,
        None => Claim::Adopt,
    }
}

/// Claims `candidates` for `owner` and returns those it controls afterwards, pushing the
/// adopt and release patches onto `result`. Adopted objects are returned as the store holds
/// them until their patch lands (without the new reference): pod syncs read pods' labels
/// and status, which adoption does not change; [`claim_owned`] is for syncs that write
/// what they claimed. Adoption first re-reads the owner (`RecheckDeletionTimestamp`): one
/// replaced or being deleted since its sync began adopts nothing, and the sync fails to be
/// retried.
pub fn claim<'a, T: Typed + 'a>(
    owner: &Object,
    candidates: impl IntoIterator<Item = &'a T>,
    matches: impl Fn(&T) -> bool,
    ctx: &Context,
    result: &mut Reconciliation,
) -> Vec<&'a T> {
    let mut can_adopt = None;
    let mut claimed = Vec::new();
    for candidate in candidates {
        match decide(owner, candidate.metadata(), matches(candidate)) {
            Claim::Keep => claimed.push(candidate),
            Claim::Adopt if *can_adopt.get_or_insert_with(|| recheck(owner, ctx)) => {
                result
                    .actions
                    .push(Action::Update(adopted(owner, candidate).into_object()));
                claimed.push(candidate);
            }
            Claim::Adopt => result.fail(),
            Claim::Release => {
                let mut released = candidate.clone();
                let references = &mut released.metadata_mut().owner_references;
                if let Some(list) = references.as_mut() {
                    list.retain(|reference| reference.uid != owner.uid());
                    if list.is_empty() {
                        *references = None;
                    }
                }
                result.actions.push(Action::Update(released.into_object()));
            }
            Claim::Ignore => {}
        }
    }
    claimed
}

/// [`claim`], for a sync that goes on to update what it claimed: each as it carries the
/// owner's reference — as stored, or an adopted orphan's copy with the reference added.
pub fn claim_owned<'a, T: Typed + 'a>(
    owner: &Object,
    candidates: impl IntoIterator<Item = &'a T>,
    matches: impl Fn(&T) -> bool,
    ctx: &Context,
    result: &mut Reconciliation,
) -> Vec<Cow<'a, T>> {
    claim(owner, candidates, matches, ctx, result)
        .into_iter()
        .map(|object| match object.metadata().controller_ref() {
            Some(_) => Cow::Borrowed(object),
            None => Cow::Owned(adopted(owner, object)),
        })
        .collect()
}

/// The object with `owner`'s controller reference added (the adoption patch).
fn adopted<T: Typed>(owner: &Object, object: &T) -> T {
    let mut adopted = object.clone();
    adopted
        .metadata_mut()
        .owner_references
        .get_or_insert_with(Vec::new)
        .push(controller_ref(owner));
    adopted
}

/// `RecheckDeletionTimestamp`: a fresh read of the owner — still the same object (UID), and
/// not being deleted.
fn recheck(owner: &Object, ctx: &Context) -> bool {
    ctx.store
        .get(&owner.key())
        .is_some_and(|fresh| fresh.uid() == owner.uid() && !fresh.meta().is_deleting())
}

/// The pods a pod controller claims from: those it controls, then the orphans of its
/// namespace (the store indexes both, so a sync never walks every pod).
pub fn pod_candidates<'a>(ctx: &'a Context, owner: &Object) -> Vec<&'a Pod> {
    let uid = owner.uid();
    ctx.store
        .dependents_of(uid)
        .filter_map(Pod::from_object)
        .filter(|pod| pod.metadata.controller_ref().is_some_and(|r| r.uid == uid))
        .chain(ctx.store.orphan_pods(owner.namespace()))
        .collect()
}

/// Claims pods by `selector` (and `filter`, as `ClaimPods` takes extra filters). An empty
/// selector selects every pod, as `labels.Everything()` does: only a Job with
/// `manualSelector` may have one, and it adopts every orphan of its namespace.
pub fn claim_pods<'a>(
    owner: &Object,
    selector: &Selector,
    filter: impl Fn(&Pod) -> bool,
    ctx: &'a Context,
    result: &mut Reconciliation,
) -> Vec<&'a Pod> {
    let candidates = pod_candidates(ctx, owner);
    claim(
        owner,
        candidates,
        |pod: &Pod| selector.matches(pod.metadata.labels.as_ref()) && filter(pod),
        ctx,
        result,
    )
}

/// Claims, among the pods that are active, those `selector` matches: the ReplicaSet
/// controller's `FilterActivePods` before `claimPods`, so a finished or deleting pod is
/// neither adopted nor released — it keeps its owner reference while it terminates.
pub fn claim_active_pods<'a>(
    owner: &Object,
    selector: &Selector,
    ctx: &'a Context,
    result: &mut Reconciliation,
) -> Vec<&'a Pod> {
    let candidates = pod_candidates(ctx, owner)
        .into_iter()
        .filter(|pod| is_active(pod));
    claim(
        owner,
        candidates,
        |pod: &Pod| selector.matches(pod.metadata.labels.as_ref()),
        ctx,
        result,
    )
}

/// A StatefulSet's or DaemonSet's revisions after `ClaimControllerRevisions`: its own, plus
/// matching orphans adopted (the revisions an orphaning delete left behind); with
/// `release`, its own that stopped matching are released (the DaemonSet controller does,
/// the StatefulSet controller only adopts).
pub fn claim_revisions(
    owner: &Object,
    selector: &Selector,
    release: bool,
    ctx: &Context,
    result: &mut Reconciliation,
) -> Vec<ControllerRevision> {
    let uid = owner.uid();
    let candidates = ctx
        .store
        .list(Kind::ControllerRevision, Some(owner.namespace()))
        .filter_map(ControllerRevision::from_object)
        .filter(|revision| match revision.metadata.controller_ref() {
            Some(reference) => reference.uid == uid,
            None => true,
        });
    let matches = |revision: &ControllerRevision| {
        let controlled = revision
            .metadata
            .controller_ref()
            .is_some_and(|r| r.uid == uid);
        (controlled && !release) || selector.matches(revision.metadata.labels.as_ref())
    };
    let mut revisions: Vec<ControllerRevision> =
        claim_owned(owner, candidates, matches, ctx, result)
            .into_iter()
            .map(Cow::into_owned)
            .collect();
    revisions.sort_by_key(|revision| revision.revision);
    revisions
}

/// A watch handler's half of adoption: an orphan (not being deleted) wakes the objects of
/// `kind` in its namespace whose selector matches it (`getPodReplicaSets` and friends).
pub fn wake_adopters(
    orphan: &Object,
    kind: Kind,
    selector_of: impl Fn(&Object) -> Option<Selector>,
    watch: &mut Watch,
) {
    let meta = orphan.meta();
    if meta.controller_ref().is_some() || meta.is_deleting() {
        return;
    }
    let keys: Vec<_> = watch
        .store
        .list(kind, Some(orphan.namespace()))
        .filter(|owner| selector_of(owner).is_some_and(|s| s.matches(meta.labels.as_ref())))
        .map(Object::key)
        .collect();
    for key in keys {
        watch.wake(key);
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::ReplicaSet;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{OwnerReference, Time};

    use super::*;

    fn meta(name: &str, uid: &str, namespace: &str) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            namespace: Some(namespace.into()),
            uid: Some(uid.into()),
            ..ObjectMeta::default()
        }
    }

    fn owner(deleting: bool) -> Object {
        let mut metadata = meta("frontend", "rs-uid", "default");
        if deleting {
            metadata.deletion_timestamp = Some(Time(jiff::Timestamp::UNIX_EPOCH));
        }
        Object::ReplicaSet(Box::new(ReplicaSet {
            metadata,
            ..ReplicaSet::default()
        }))
    }

    fn controlled_by(uid: &str) -> ObjectMeta {
        ObjectMeta {
            owner_references: Some(vec![OwnerReference {
                uid: uid.into(),
                controller: Some(true),
                ..OwnerReference::default()
            }]),
            ..meta("pod", "pod-uid", "default")
        }
    }

    fn name(claim: Claim) -> &'static str {
        match claim {
            Claim::Keep => "keep",
            Claim::Adopt => "adopt",
            Claim::Release => "release",
            Claim::Ignore => "ignore",
        }
    }

    #[test]
    fn claims_as_the_controller_ref_manager_does() {
        let live = owner(false);
        let orphan = meta("pod", "pod-uid", "default");
        assert_eq!(name(decide(&live, &orphan, true)), "adopt");
        assert_eq!(name(decide(&live, &orphan, false)), "ignore");
        let mut leaving = orphan.clone();
        leaving.deletion_timestamp = Some(Time(jiff::Timestamp::UNIX_EPOCH));
        assert_eq!(
            name(decide(&live, &leaving, true)),
            "ignore",
            "a pod being deleted"
        );
        let elsewhere = meta("pod", "pod-uid", "other");
        assert_eq!(
            name(decide(&live, &elsewhere, true)),
            "ignore",
            "another namespace"
        );
        let ours = controlled_by("rs-uid");
        assert_eq!(name(decide(&live, &ours, true)), "keep");
        assert_eq!(name(decide(&live, &ours, false)), "release");
        let theirs = controlled_by("other-uid");
        assert_eq!(name(decide(&live, &theirs, true)), "ignore");
        // An owner being deleted neither adopts nor releases.
        let deleting = owner(true);
        assert_eq!(name(decide(&deleting, &orphan, true)), "ignore");
        assert_eq!(name(decide(&deleting, &ours, false)), "ignore");
        assert_eq!(name(decide(&deleting, &ours, true)), "keep");
    }
}
