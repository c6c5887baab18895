//! The ReplicaSet controller (`pkg/controller/replicaset`): claim pods by selector (adopt
//! and release, `claim.rs`), create or delete pods towards `spec.replicas` (deleting the
//! least valuable first), and report status. Upstream's ReplicationManager is this
//! controller run over ReplicationControllers converted to ReplicaSets; here the sync is
//! generic over [`Replicated`], which both kinds implement (`replication.rs`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use foldhash::{HashMap, HashMapExt};
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetStatus};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{Kind, Object, ObjectKey, Pod, Typed};

use super::claim::{claim_active_pods, wake_adopters};
use super::pods::pod_from_template;
use super::{Action, Context, CreatedEvent, Creates, Reconciliation};
use super::{Controller, Reconcile, Watch};
use crate::census::{NodePods, PodCensus, age_bucket};
use crate::status_request::WithStatus;
use crate::store::WatchEvent;
use crate::uid_key::UidKey;
use kubeplay_model::pod::{
    is_active, is_available, is_ready, phase, ready_since, seconds_until_available,
};

/// The annotation that makes a pod cheaper (or dearer) to delete on a scale-down.
pub(crate) const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";
/// Pods created or deleted per sync at most (`BurstReplicas`).
const BURST_REPLICAS: usize = 500;
const COMPONENT: &str = "replicaset-controller";

/// ReplicaSets, through the pods they own.
pub static CONTROLLER: Controller = Controller {
    name: "replicaset",
    reconciles: Some(Kind::ReplicaSet),
    owns: &[Kind::Pod],
    watches: orphan_pods,
    reconcile: Reconcile::Stateless(reconcile),
};

/// An orphan pod wakes the ReplicaSets of its namespace that select it.
fn orphan_pods(event: &WatchEvent, watch: &mut Watch) {
    if event.object.kind() == Kind::Pod && !event.deleted() {
        wake_adopters(
            &event.object,
            Kind::ReplicaSet,
            selector_of::<ReplicaSet>,
            watch,
        );
    }
}

/// The selector of a stored `T`, if it is one and its selector is valid.
pub(super) fn selector_of<T: Replicated>(object: &Object) -> Option<Selector> {
    T::from_object(object)?.selector()
}

/// What the sync reads and writes of a ReplicaSet-like object.
pub trait Replicated: WithStatus {
    /// The selector, or None if it cannot be parsed (the sync then does nothing).
    fn selector(&self) -> Option<Selector>;
    fn replicas(&self) -> i32;
    fn template(&self) -> Option<&PodTemplateSpec>;
    fn min_ready_seconds(&self) -> i32;
    /// The status from the sync's counts (`calculateStatus`).
    fn status_from(&self, counts: Counts) -> Self::Status;
}

/// The counts a status reports.
pub struct Counts {
    pub replicas: i32,
    pub fully_labeled: i32,
    pub ready: i32,
    pub available: i32,
}

impl Replicated for ReplicaSet {
    fn selector(&self) -> Option<Selector> {
        let spec = self.spec.as_ref()?;
        Selector::from_label_selector(Some(&spec.selector)).ok()
    }
    fn replicas(&self) -> i32 {
        self.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
    }
    fn template(&self) -> Option<&PodTemplateSpec> {
        self.spec.as_ref()?.template.as_ref()
    }
    fn min_ready_seconds(&self) -> i32 {
        self.spec
            .as_ref()
            .and_then(|s| s.min_ready_seconds)
            .unwrap_or(0)
    }
    fn status_from(&self, counts: Counts) -> ReplicaSetStatus {
        ReplicaSetStatus {
            replicas: counts.replicas,
            fully_labeled_replicas: Some(counts.fully_labeled),
            ready_replicas: Some(counts.ready),
            available_replicas: Some(counts.available),
            observed_generation: self.metadata.generation,
            conditions: None,
            terminating_replicas: None,
        }
    }
}

pub fn reconcile(key: &ObjectKey, ctx: &Context) -> Reconciliation {
    sync::<ReplicaSet>(key, ctx, COMPONENT)
}

/// `syncReplicaSet` for a ReplicaSet or a ReplicationController; `component` signs its
/// Events.
pub fn sync<T: Replicated>(
    key: &ObjectKey,
    ctx: &Context,
    component: &'static str,
) -> Reconciliation {
    let mut result = Reconciliation::default();
    let Some(rs_object) = ctx.store.get(key) else {
        return result;
    };
    let Some(rs) = T::from_object(rs_object) else {
        return result;
    };
    let Some(selector) = rs.selector() else {
        return result;
    };
    let desired = usize::try_from(rs.replicas().max(0)).unwrap_or(0);
    let claimed = claim_active(rs_object, &selector, desired, ctx, &mut result);
    if !rs.metadata().is_deleting() {
        if claimed.len() < desired {
            if let Some(template) = rs.template() {
                let missing = (desired - claimed.len()).min(BURST_REPLICAS);
                result
                    .actions
                    .push(create_pods(key, rs_object, template, missing, component));
            }
        } else if claimed.len() > desired {
            let excess = (claimed.len() - desired).min(BURST_REPLICAS);
            // Only the deletes the client can send now are picked (the first of the same
            // order; none, and no pod listed, without tokens); the rest wait for tokens and
            // are picked again then.
            let sendable = excess.min(usize::try_from(ctx.tokens).unwrap_or(usize::MAX));
            result.held_back = sendable < excess;
            let doomed = match &claimed {
                Claimed::Listed(active) => pods_to_delete(active, excess, sendable, rs_object, ctx),
                Claimed::Counted(census) => {
                    census_pods_to_delete(rs_object, &selector, census, sendable, ctx)
                }
            };
            for pod in doomed {
                result
                    .actions
                    .push(Action::delete_owned_pod(key, pod, component));
            }
        }
    }
    let min_ready = rs.min_ready_seconds();
    let now = ctx.clock.now();
    let (status, wait) = match &claimed {
        Claimed::Counted(census) => {
            let counted = (
                census_status(rs, census, now),
                census.seconds_until_next_available(min_ready, now),
            );
            // Debug builds (every test and golden transcript) check the census against
            // the walk it stands for, up to a few hundred pods (a debug walk of the golden
            // `pace`'s thousand at every instant would take minutes).
            debug_assert!(
                census.active > 250 || {
                    let mut scratch = Reconciliation::default();
                    let active = claim_active_pods(rs_object, &selector, ctx, &mut scratch);
                    scratch.actions.is_empty() && listed_status(rs, &active, ctx) == counted
                },
                "the census of {key} disagrees with its pods"
            );
            counted
        }
        Claimed::Listed(active) => listed_status(rs, active, ctx),
    };
    if min_ready > 0
        && let Some(wait) = wait
    {
        result.requeue_within(u64::try_from(wait).unwrap_or(1) * 1000);
    }
    result.update_status(rs, status);
    result
}

/// The active pods a sync claims: counted by the store's census when claiming changes
/// nothing and no pod is to be deleted or the census can rank those to delete (the sync
/// then costs what changed, not the whole ReplicaSet), else listed.
enum Claimed<'a> {
    Counted(&'a PodCensus),
    Listed(Vec<&'a Pod>),
}

impl Claimed<'_> {
    fn len(&self) -> usize {
        match self {
            Claimed::Counted(census) => census.active as usize,
            Claimed::Listed(active) => active.len(),
        }
    }
}

fn claim_active<'a>(
    rs: &Object,
    selector: &Selector,
    desired: usize,
    ctx: &'a Context,
    result: &mut Reconciliation,
) -> Claimed<'a> {
    // Deletes are picked only with tokens to send them; the census ranks them when every
    // pod is alike but for its node and age, and `getPodsToDelete` would rank at all (it
    // does not when every pod goes).
    let listed = |census: &PodCensus| {
        let active = census.active as usize;
        let deletes = active > desired && ctx.tokens > 0 && !rs.meta().is_deleting();
        let every_pod = desired == 0 && active <= BURST_REPLICAS;
        deletes && (census.irregular > 0 || every_pod)
    };
    if let Some(census) = settled_census(rs, selector, ctx).filter(|census| !listed(census)) {
        return Claimed::Counted(census);
    }
    Claimed::Listed(claim_active_pods(rs, selector, ctx, result))
}

/// The census of the pods `rs` controls, when claiming would change nothing: no orphan to
/// adopt and every active pod still selected (none to release; finished and deleting pods
/// are not claimed at all). Then the claimed pods are exactly the active pods it
/// controls, which the census counts.
fn settled_census<'a>(rs: &Object, selector: &Selector, ctx: &'a Context) -> Option<&'a PodCensus> {
    static EMPTY: PodCensus = PodCensus::EMPTY;
    let census = ctx.store.pod_census(rs.uid()).unwrap_or(&EMPTY);
    let deleting = rs.meta().is_deleting();
    let unselected = census
        .label_sets()
        .any(|(labels, _)| !selector.matches(labels));
    let adoptable = !deleting
        && ctx.store.orphan_pods(rs.namespace()).any(|pod| {
            !pod.metadata.is_deleting()
                && is_active(pod)
                && selector.matches(pod.metadata.labels.as_ref())
        });
    (!unselected && !adoptable).then_some(census)
}

/// `calculateStatus` from the census.
fn census_status<T: Replicated>(rs: &T, census: &PodCensus, now: Timestamp) -> T::Status {
    let template_selector = template_selector(rs);
    let fully_labeled: u32 = census
        .label_sets()
        .filter(|(labels, _)| template_selector.matches(*labels))
        .map(|(_, count)| count)
        .sum();
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    rs.status_from(Counts {
        replicas: count(census.active),
        fully_labeled: count(fully_labeled),
        ready: count(census.ready),
        available: count(census.available(rs.min_ready_seconds(), now)),
    })
}

fn template_selector<T: Replicated>(rs: &T) -> Selector {
    rs.template()
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.as_ref())
        .map(Selector::from_labels)
        .unwrap_or_default()
}

/// The status of `active` pods, and the seconds until the next of them becomes available.
fn listed_status<T: Replicated>(
    rs: &T,
    active: &[&Pod],
    ctx: &Context,
) -> (T::Status, Option<i64>) {
    let now = ctx.clock.now();
    let wait = active
        .iter()
        .filter_map(|pod| seconds_until_available(pod, rs.min_ready_seconds(), now))
        .min();
    (calculate_status(rs, active, ctx), wait)
}

/// `count` new pods from the template, in slow-start batches.
fn create_pods(
    key: &ObjectKey,
    rs: &Object,
    template: &PodTemplateSpec,
    count: usize,
    component: &'static str,
) -> Action {
    let create = Action::Create {
        object: pod_from_template(template, rs).into_object(),
        event: CreatedEvent::pod(key, component),
    };
    Action::SlowStart {
        owner: key.clone(),
        component,
        creates: Creates::Copies {
            count,
            create: Box::new(create),
        },
    }
}

/// `calculateStatus`: the active pods, those labelled as the template is, ready, available.
fn calculate_status<T: Replicated>(rs: &T, active: &[&Pod], ctx: &Context) -> T::Status {
    let min_ready = rs.min_ready_seconds();
    let template_selector = template_selector(rs);
    let count = |predicate: &dyn Fn(&Pod) -> bool| {
        i32::try_from(active.iter().filter(|pod| predicate(pod)).count()).unwrap_or(i32::MAX)
    };
    rs.status_from(Counts {
        replicas: count(&|_| true),
        fully_labeled: count(&|pod| template_selector.matches(pod.metadata.labels.as_ref())),
        ready: count(&is_ready),
        available: count(&|pod| is_available(pod, min_ready, ctx.clock.now())),
    })
}

/// `getPodsToDelete`: rank pods as `ActivePodsWithRanks` does and take the first `count`
/// (all of them, unranked, if that is every pod) — of which only the first `sendable`.
fn pods_to_delete<'a>(
    active: &[&'a Pod],
    count: usize,
    sendable: usize,
    rs: &Object,
    ctx: &Context,
) -> Vec<&'a Pod> {
    if count >= active.len() || sendable == 0 {
        return active.iter().copied().take(sendable).collect();
    }
    // Rank = how many related pods (of any ReplicaSet of the same owner) share the node.
    let owner_uid = rs.meta().controller_ref().map(|o| o.uid.clone());
    let mut per_node: HashMap<&str, usize> = HashMap::new();
    let related: Vec<&Pod> = match &owner_uid {
        Some(owner) => ctx
            .store
            .dependents_of(owner)
            .filter_map(|o| ReplicaSet::from_object(o))
            .flat_map(|sibling| ctx.store.dependents_of(sibling.metadata.uid_str()))
            .filter_map(|o| Pod::from_object(o))
            .filter(|pod| is_active(pod))
            .collect(),
        None => active.to_vec(),
    };
    for pod in &related {
        if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            *per_node.entry(node).or_default() += 1;
        }
    }
    let rank = |pod: &Pod| {
        pod.spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .and_then(|n| per_node.get(n))
            .copied()
            .unwrap_or(0)
    };
    first_by_key(active.iter().copied(), rank, sendable.min(count), ctx)
}

/// The first `count` of `pods` in `ActivePodsWithRanks` order, `rank` giving each pod's
/// related pods on its node. Each pod's key is computed once, and only the `count` first
/// are sorted (the position makes the order total, so this takes what a stable sort of all
/// of them would).
fn first_by_key<'a>(
    pods: impl Iterator<Item = &'a Pod>,
    rank: impl Fn(&Pod) -> usize,
    count: usize,
    ctx: &Context,
) -> Vec<&'a Pod> {
    let now = ctx.clock.now();
    let mut ranked: Vec<(DeleteKey, usize, &Pod)> = pods
        .enumerate()
        .map(|(index, pod)| (delete_key(pod, rank(pod), now), index, pod))
        .collect();
    let order =
        |a: &(DeleteKey, usize, &Pod), b: &(DeleteKey, usize, &Pod)| (&a.0, a.1).cmp(&(&b.0, b.1));
    if count < ranked.len() {
        ranked.select_nth_unstable_by(count, order);
        ranked.truncate(count);
    }
    ranked.sort_unstable_by(order);
    ranked.into_iter().map(|(_, _, pod)| pod).collect()
}

/// [`pods_to_delete`] read from the census, when every active pod is scheduled, Running,
/// Ready and without a deletion cost (`irregular` is 0): their keys then differ only by how
/// many related pods share their node, how recently they became Ready (by logarithmic
/// bucket) and UID. So the nodes are taken by rank, and a rank's nodes (evenly filled nodes
/// tie) merged by bucket then UID ([`take_from_tied`], [`NodePods`]) — a scale-down of
/// 100,000 pods reads the pods it deletes, the next of each node it took from and each top
/// rank node's kept first offer (the ranks kept by the store,
/// [`crate::census::RelatedPods`]), not every pod or node, each time it has tokens.
fn census_pods_to_delete<'a>(
    rs: &Object,
    selector: &Selector,
    census: &PodCensus,
    count: usize,
    ctx: &'a Context,
) -> Vec<&'a Pod> {
    if count == 0 {
        return Vec::new();
    }
    let now = ctx.clock.now();
    let mut uids: Vec<UidKey> = Vec::with_capacity(count);
    for tied in ranked_nodes(rs, census, ctx) {
        take_from_tied(&tied, count, now, &mut uids);
        if uids.len() == count {
            break;
        }
    }
    let doomed: Vec<&Pod> = uids
        .iter()
        .filter_map(|uid| ctx.store.get_by_uid_key(uid))
        .filter_map(Pod::from_object)
        .collect();
    // Debug builds check the shortcut against the ranking of every pod, up to a few hundred.
    debug_assert!(
        census.active > 250 || {
            let mut scratch = Reconciliation::default();
            let active = claim_active_pods(rs, selector, ctx, &mut scratch);
            let names = |pods: &[&Pod]| {
                pods.iter()
                    .map(|p| p.metadata.name_str().to_string())
                    .collect::<Vec<_>>()
            };
            names(&pods_to_delete(&active, active.len() - 1, count, rs, ctx)) == names(&doomed)
        },
        "the census picks other pods to delete than the ranking of every pod"
    );
    doomed
}

/// The nodes of `census`, grouped by how many related pods share them (most first): the
/// active pods of every ReplicaSet of the same owner, as the store keeps them, or of this
/// one alone when it has no owner.
fn ranked_nodes<'a>(
    rs: &Object,
    census: &'a PodCensus,
    ctx: &'a Context,
) -> Box<dyn Iterator<Item = Vec<&'a NodePods>> + 'a> {
    let Some(owner) = rs.meta().controller_ref() else {
        let mut nodes: Vec<(usize, &NodePods)> =
            census.nodes().map(|(_, pods)| (pods.len(), pods)).collect();
        nodes.sort_unstable_by_key(|(rank, _)| Reverse(*rank));
        let groups: Vec<Vec<&NodePods>> = nodes
            .chunk_by(|a, b| a.0 == b.0)
            .map(|tied| tied.iter().map(|(_, pods)| *pods).collect())
            .collect();
        return Box::new(groups.into_iter());
    };
    let related = ctx.store.related_pods(&owner.uid);
    debug_assert!(
        related_by_walking(&owner.uid, ctx)
            == related
                .map(|related| related.nodes().collect())
                .unwrap_or_default(),
        "the related pods of {} disagree with their censuses",
        owner.uid
    );
    let Some(related) = related else {
        return Box::new(std::iter::empty());
    };
    debug_assert!(
        related
            .most_first(rs.uid())
            .flat_map(|(count, nodes)| nodes.map(move |node| (node, count)))
            .collect::<HashMap<_, _>>()
            == census
                .nodes()
                .map(|(node, _)| (node, related.on_node(node)))
                .collect(),
        "the nodes of {} are ranked otherwise than their related pods",
        rs.uid()
    );
    Box::new(
        related
            .most_first(rs.uid())
            .map(|(_, nodes)| nodes.filter_map(|node| census.on_node(node)).collect()),
    )
}

/// What [`RelatedPods`] stands for: the active pods per node of every ReplicaSet `owner`
/// owns, summed from their censuses.
fn related_by_walking<'a>(owner: &str, ctx: &'a Context) -> HashMap<&'a str, u32> {
    let mut related: HashMap<&str, u32> = HashMap::new();
    for sibling in ctx
        .store
        .dependents_of(owner)
        .filter(|o| o.kind() == Kind::ReplicaSet)
        .filter_map(|sibling| ctx.store.pod_census(sibling.uid()))
    {
        for (node, pods) in sibling.nodes() {
            *related.entry(node).or_default() += u32::try_from(pods.len()).unwrap_or(u32::MAX);
        }
    }
    related
}

/// Takes, into `uids`, up to `count` in all of the pods on `tied` nodes (evenly ranked), by
/// age bucket then UID: the nodes' pods merged, each node offering its next, so a sync reads
/// the pods it takes and the next of each node it took from ([`NodePods::next_offer`]).
/// Each node's first offer is kept between syncs ([`NodePods::first_offer`]), so the rest
/// costs a look per node, not a read — at 1,000 nodes a rollout's sync of two pods finds 170
/// tied nodes, whose every next offer it read when it went on to a second bucket.
fn take_from_tied(tied: &[&NodePods], count: usize, now: Timestamp, uids: &mut Vec<UidKey>) {
    let mut offers: BinaryHeap<Reverse<(i64, UidKey, usize)>> = tied
        .iter()
        .enumerate()
        .filter_map(|(node, pods)| {
            let (bucket, uid) = pods.first_offer(now)?;
            Some(Reverse((bucket, uid, node)))
        })
        .collect();
    while uids.len() < count {
        let Some(Reverse((bucket, uid, node))) = offers.pop() else {
            break;
        };
        if let Some((next_bucket, next)) = tied[node].next_offer(bucket, &uid, now) {
            offers.push(Reverse((next_bucket, next, node)));
        }
        uids.push(uid);
    }
}

/// `ActivePodsWithRanks.Less` as a key, smallest deleted first: unscheduled before
/// scheduled, Pending before Unknown before Running, not ready before ready, lower
/// deletion cost, more related pods on its node (`Reverse`), then (both ready) more
/// recently ready by logarithmic age bucket and UID, more restarts (`Reverse`), newer by
/// logarithmic bucket and UID.
type DeleteKey<'a> = (
    bool,
    u8,
    bool,
    i32,
    Reverse<usize>,
    Option<(i64, &'a str)>,
    Reverse<i32>,
    (i64, &'a str),
);

fn delete_key(pod: &Pod, rank: usize, now: Timestamp) -> DeleteKey<'_> {
    let scheduled = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_ref())
        .is_some();
    let phase_rank = match phase(pod) {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
    let cost = pod
        .metadata
        .annotation(POD_DELETION_COST)
        .and_then(|v| v.parse::<i32>().ok())
        .unwrap_or(0);
    let restarts = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .map_or(0, |statuses| {
            statuses.iter().map(|c| c.restart_count).max().unwrap_or(0)
        });
    let uid = pod.metadata.uid_str();
    let ready = is_ready(pod);
    let created = pod.metadata.creation_timestamp.as_ref().map(|t| t.0);
    (
        scheduled,
        phase_rank,
        ready,
        cost,
        Reverse(rank),
        ready.then(|| (age_bucket(ready_since(pod), now), uid)),
        Reverse(restarts),
        (age_bucket(created, now), uid),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tied nodes give their pods by age bucket, then UID, across the nodes: what sorting all
    /// of them would give, however many a sync takes.
    #[test]
    fn tied_nodes_give_their_pods_by_bucket_then_uid() {
        let now = Timestamp::from_second(10_000).unwrap_or_default();
        let mut nodes: Vec<NodePods> = (0..7).map(|_| NodePods::default()).collect();
        let mut every: Vec<(i64, String)> = Vec::new();
        for i in 0..120i64 {
            let uid = format!("{:03}", (i * 37) % 120);
            // No Ready time, Ready now, and ages from 1 s to an hour: buckets -2 … 41.
            let ready = match i % 9 {
                0 => None,
                1 => Some(now),
                n => now
                    .checked_sub(jiff::SignedDuration::from_secs(n.pow(4) * 5))
                    .ok(),
            };
            nodes[(i % 7) as usize].insert(&uid, ready);
            every.push((age_bucket(ready, now), uid));
        }
        every.sort_unstable();
        let tied: Vec<&NodePods> = nodes.iter().collect();
        for count in [0, 1, 2, 5, 17, 60, 120, 130] {
            let mut uids = Vec::new();
            take_from_tied(&tied, count, now, &mut uids);
            let taken: Vec<String> = uids.iter().map(ToString::to_string).collect();
            let sorted: Vec<&str> = every
                .iter()
                .take(count)
                .map(|(_, uid)| uid.as_str())
                .collect();
            assert_eq!(taken, sorted, "taking {count}");
        }
    }
}
