//! The scheduler's node cache, kept across passes as kube-scheduler keeps its `Cache` and
//! refreshes its `Snapshot` (`pkg/scheduler/backend/cache`: `UpdateSnapshot` copies only the
//! node infos whose generation moved since the last snapshot). Nodes are held by their place
//! in the name-ordered node list, so an attempt filtering hundreds of nodes reads each one's
//! room and an owner's pods on it from a vector, without hashing node names or owner UIDs:
//! only the nodes whose usage or allocatable changed in the store since the last pass (a few
//! per pass) are read again.

use foldhash::HashMap;
use k8s_openapi::api::core::v1::Node;
use kubeplay_model::object::MetaExt;

use super::Context;
use super::scheduler::{Resources, Room, allocatable, is_open, node_usage};

/// Past this many owners the per-owner counts are dropped at the next pass and read again
/// as attempts ask: each owner costs a count per node.
const MAX_CACHED_OWNERS: usize = 64;

#[derive(Clone, Default)]
pub(crate) struct NodeCache {
    /// The store's node list version the node list was built at (`None`: never built).
    list_version: Option<u64>,
    /// The store's node generation the rooms are current to.
    generation: u64,
    /// The nodes' names, in the store's (name) order, and each one's place.
    names: Vec<String>,
    places: HashMap<String, usize>,
    rooms: Vec<Room>,
    /// Which nodes are open ([`is_open`]): at 1,000 nodes reading every node's
    /// `unschedulable` and taints at every pass took as long as the attempts' filtering.
    open: Vec<bool>,
    /// Grows each time a node's room is read again: the owner counts read before are stale.
    epochs: Vec<u64>,
    /// Each owner's (controller UID) slot in `owner_counts`.
    owners: HashMap<String, usize>,
    /// Per owner slot: the owner, and per node the epoch its count was read at (0: never)
    /// and the owner's pods on the node.
    owner_counts: Vec<(String, Vec<(u64, i64)>)>,
    /// The nodes the current pass bound pods to, whose rooms and counts include those pods
    /// before the store does (kube-scheduler's `AssumePod`), and the same as flags.
    assumed: Vec<usize>,
    is_assumed: Vec<bool>,
}

impl NodeCache {
    /// `UpdateSnapshot`: brings the cache up to the store — every node listed again when
    /// nodes came or went, else only the nodes that changed, each found by its name. Most
    /// passes list no node: at 1,000 nodes listing them was a fifth of a pass.
    pub(crate) fn update(&mut self, ctx: &Context) {
        let store = ctx.store;
        if self.list_version != Some(store.node_list_version()) {
            let nodes: Vec<&Node> = store.list_typed::<Node>(None).collect();
            self.rebuild(ctx, &nodes);
        } else {
            for name in store.nodes_changed_since(self.generation) {
                if let Some(&index) = self.places.get(name) {
                    self.refresh(ctx, index);
                }
            }
        }
        self.generation = store.node_generation();
        if self.owners.len() > MAX_CACHED_OWNERS {
            self.owners.clear();
            self.owner_counts.clear();
        }
        debug_assert!(
            self.names.iter().map(String::as_str).eq(store
                .list_typed::<Node>(None)
                .map(|node| node.metadata.name_str())),
            "the scheduler's node cache disagrees with the node list"
        );
    }

    fn rebuild(&mut self, ctx: &Context, nodes: &[&Node]) {
        self.list_version = Some(ctx.store.node_list_version());
        self.names = nodes
            .iter()
            .map(|node| node.metadata.name_str().to_string())
            .collect();
        self.places = self
            .names
            .iter()
            .enumerate()
            .map(|(index, name)| (name.clone(), index))
            .collect();
        self.rooms = nodes.iter().map(|node| read_room(ctx, node)).collect();
        self.open = nodes.iter().map(|node| is_open(node)).collect();
        self.epochs = vec![1; nodes.len()];
        self.is_assumed = vec![false; nodes.len()];
        self.assumed.clear();
        self.owners.clear();
        self.owner_counts.clear();
    }

    /// Reads node `index` again from the store. (The node list is the store's as of the
    /// last rebuild, so the node is there; were it not, its room would stay as it was.)
    fn refresh(&mut self, ctx: &Context, index: usize) {
        if let Some(node) = self.node(ctx, index) {
            self.rooms[index] = read_room(ctx, node);
            self.open[index] = is_open(node);
        }
        self.epochs[index] += 1;
    }

    /// Node `index`'s object in the store.
    pub(crate) fn node<'s>(&self, ctx: &Context<'s>, index: usize) -> Option<&'s Node> {
        ctx.store.get_typed::<Node>("", &self.names[index])
    }

    /// How many nodes the list holds.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Node `index`'s name.
    pub(crate) fn name(&self, index: usize) -> &str {
        &self.names[index]
    }

    /// Counts a pod requesting `requested`, of the owner in `owner_slot`, on node `index`
    /// for the rest of the pass.
    pub(crate) fn assume(
        &mut self,
        ctx: &Context,
        index: usize,
        requested: Resources,
        owner_slot: Option<usize>,
    ) {
        self.rooms[index] = with_pod(self.rooms[index], requested);
        if let Some(slot) = owner_slot {
            let count = self.owner_count(ctx, slot, index);
            self.owner_counts[slot].1[index].1 = count + 1;
        }
        if !self.is_assumed[index] {
            self.is_assumed[index] = true;
            self.assumed.push(index);
        }
    }

    /// Ends a pass: the nodes it bound pods to are read again from the store, which has
    /// the bindings once they are applied (and tells their nodes changed then), or not if
    /// they failed (`ForgetPod`).
    pub(crate) fn forget_assumed(&mut self, ctx: &Context) {
        for index in std::mem::take(&mut self.assumed) {
            self.is_assumed[index] = false;
            self.refresh(ctx, index);
        }
    }

    /// Where the node named `name` is in the node list.
    pub(crate) fn place(&self, name: &str) -> Option<usize> {
        self.places.get(name).copied()
    }

    /// What node `index` offers and what its pods take.
    pub(crate) fn room(&self, ctx: &Context, index: usize) -> Room {
        let room = self.rooms[index];
        debug_assert!(
            self.is_assumed[index] || {
                let name = &self.names[index];
                let used = ctx.store.node_usage(name).map(|usage| usage.requested);
                ctx.store.node_allocatable(name) == Some(room.allocatable)
                    && used.unwrap_or_default() == room.used
            },
            "the scheduler's cache of node {} disagrees with the store",
            self.names[index]
        );
        room
    }

    /// Whether node `index` is open.
    pub(crate) fn is_open(&self, ctx: &Context, index: usize) -> bool {
        let open = self.open[index];
        debug_assert!(
            self.node(ctx, index)
                .is_some_and(|node| open == is_open(node)),
            "the scheduler's cache has node {} {}",
            self.names[index],
            if open { "open" } else { "closed" }
        );
        open
    }

    /// Where `owner`'s pods per node are counted.
    pub(crate) fn owner_slot(&mut self, owner: &str) -> usize {
        if let Some(&slot) = self.owners.get(owner) {
            return slot;
        }
        self.owner_counts
            .push((owner.to_string(), vec![(0, 0); self.names.len()]));
        let slot = self.owner_counts.len() - 1;
        self.owners.insert(owner.to_string(), slot);
        slot
    }

    /// How many pods of the owner in `slot` node `index` holds.
    pub(crate) fn owner_count(&mut self, ctx: &Context, slot: usize, index: usize) -> i64 {
        let (epoch, name) = (self.epochs[index], &self.names[index]);
        let (owner, counts) = &mut self.owner_counts[slot];
        let stored = || {
            ctx.store
                .node_usage(name)
                .map_or(0, |usage| usage.pods_of(owner))
        };
        let (read_at, count) = &mut counts[index];
        if *read_at != epoch {
            *count = stored();
            *read_at = epoch;
        }
        debug_assert!(
            self.is_assumed[index] || *count == stored(),
            "the scheduler's count of {owner}'s pods on node {name} disagrees with the store"
        );
        *count
    }
}

/// Shows nothing: the cache holds only what the store holds, and a cluster's fingerprint
/// (`cluster/turnover.rs`, which prints the scheduling queue) must not tell apart two
/// clusters alike but for when their schedulers last looked.
impl std::fmt::Debug for NodeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NodeCache")
    }
}

/// What `node` offers and what its pods take, as the store totals them.
fn read_room(ctx: &Context, node: &Node) -> Room {
    Room {
        allocatable: allocatable(ctx, node),
        used: node_usage(ctx, node.metadata.name_str()),
    }
}

/// `room` once a pod requesting `requested` is bound to its node.
fn with_pod(room: Room, requested: Resources) -> Room {
    let mut room = room;
    room.used.cpu_milli += requested.cpu_milli;
    room.used.memory_milli += requested.memory_milli;
    room.used.pods += 1;
    room
}
