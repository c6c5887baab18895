//! The related pods of one owner's ReplicaSets on each node, kept as pods are written: what a
//! scale-down ranks nodes by (`getPodsRankedByRelatedPodsOnSameNode` counts the active pods
//! of every ReplicaSet of the same Deployment on each node). Each ReplicaSet's own nodes are
//! also kept by that count, so a sync that deletes a few pods reads only its nodes of the top
//! counts — during the image update of 100,000 replicas on 1,000 nodes the old ReplicaSet
//! deletes a couple of pods ten times a virtual second, and ranking every node each time was
//! most of its cost.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use foldhash::HashMap;

/// Nodes by how many related pods they hold.
type ByCount = BTreeMap<u32, BTreeSet<Arc<str>>>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelatedPods {
    /// Node → related pods on it (nodes with none are not listed).
    per_node: HashMap<Arc<str>, u32>,
    /// Node → the ReplicaSets (by UID) with pods on it, and how many each.
    members: HashMap<Arc<str>, Vec<(Arc<str>, u32)>>,
    /// ReplicaSet UID → its nodes by related count.
    ranked: HashMap<Arc<str>, ByCount>,
}

impl RelatedPods {
    pub fn is_empty(&self) -> bool {
        self.per_node.is_empty()
    }

    /// Every node with related pods, with their count.
    pub fn nodes(&self) -> impl Iterator<Item = (&str, u32)> {
        self.per_node.iter().map(|(node, n)| (node.as_ref(), *n))
    }

    /// The related pods on `node`.
    pub fn on_node(&self, node: &str) -> u32 {
        self.per_node.get(node).copied().unwrap_or(0)
    }

    /// The nodes `replica_set` has pods on, grouped by related pods, most first (ties in
    /// node name order).
    pub fn most_first<'s>(
        &'s self,
        replica_set: &str,
    ) -> impl Iterator<Item = (u32, impl Iterator<Item = &'s str> + use<'s>)> + use<'s> {
        self.ranked
            .get(replica_set)
            .into_iter()
            .flat_map(|by_count| by_count.iter().rev())
            .map(|(count, nodes)| (*count, nodes.iter().map(AsRef::as_ref)))
    }

    /// Adds (or takes away) `pods` of `replica_set` on `node`.
    pub(crate) fn add(&mut self, replica_set: &str, node: &str, pods: u32, add: bool) {
        if pods == 0 {
            return;
        }
        let (node, before) = match self.per_node.get_key_value(node) {
            Some((node, before)) => (node.clone(), *before),
            None => (Arc::from(node), 0),
        };
        let after = if add {
            before + pods
        } else {
            before.saturating_sub(pods)
        };
        self.unrank(&node, before);
        self.count_member(replica_set, &node, pods, add);
        if after > 0 {
            self.per_node.insert(node.clone(), after);
        } else {
            self.per_node.remove(&node);
        }
        self.rank(&node, after);
    }

    fn count_member(&mut self, replica_set: &str, node: &Arc<str>, pods: u32, add: bool) {
        let members = self.members.entry(node.clone()).or_default();
        match members
            .iter()
            .position(|(uid, _)| uid.as_ref() == replica_set)
        {
            Some(i) if add => members[i].1 += pods,
            Some(i) if members[i].1 > pods => members[i].1 -= pods,
            Some(i) => {
                members.swap_remove(i);
            }
            None if add => members.push((Arc::from(replica_set), pods)),
            None => {}
        }
        if members.is_empty() {
            self.members.remove(node);
        }
    }

    /// Takes `node` out of its ReplicaSets' rankings under `count`.
    fn unrank(&mut self, node: &str, count: u32) {
        for (uid, _) in self.members.get(node).into_iter().flatten() {
            if let Some(by_count) = self.ranked.get_mut(uid) {
                if let Some(nodes) = by_count.get_mut(&count) {
                    nodes.remove(node);
                    if nodes.is_empty() {
                        by_count.remove(&count);
                    }
                }
                if by_count.is_empty() {
                    self.ranked.remove(uid);
                }
            }
        }
    }

    /// Lists `node` in its ReplicaSets' rankings under `count`.
    fn rank(&mut self, node: &Arc<str>, count: u32) {
        for (uid, _) in self.members.get(node).into_iter().flatten() {
            self.ranked
                .entry(uid.clone())
                .or_default()
                .entry(count)
                .or_default()
                .insert(node.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups<'a>(related: &'a RelatedPods, replica_set: &str) -> Vec<(u32, Vec<&'a str>)> {
        related
            .most_first(replica_set)
            .map(|(count, nodes)| (count, nodes.collect()))
            .collect()
    }

    #[test]
    fn each_replica_set_ranks_its_own_nodes_by_every_sibling_s_pods() {
        let mut related = RelatedPods::default();
        related.add("old", "a", 2, true);
        related.add("old", "b", 1, true);
        related.add("new", "c", 2, true);
        related.add("new", "b", 2, true);
        assert_eq!(groups(&related, "old"), [(3, vec!["b"]), (2, vec!["a"])]);
        assert_eq!(groups(&related, "new"), [(3, vec!["b"]), (2, vec!["c"])]);
        related.add("old", "b", 1, false);
        related.add("new", "a", 1, true);
        assert_eq!(groups(&related, "old"), [(3, vec!["a"])]);
        assert_eq!(
            groups(&related, "new"),
            [(3, vec!["a"]), (2, vec!["b", "c"])]
        );
        let mut nodes: Vec<(&str, u32)> = related.nodes().collect();
        nodes.sort_unstable();
        assert_eq!(nodes, [("a", 3), ("b", 2), ("c", 2)]);
        related.add("old", "a", 2, false);
        related.add("new", "a", 1, false);
        related.add("new", "b", 2, false);
        related.add("new", "c", 9, false);
        related.add("new", "d", 0, true);
        assert!(related.is_empty());
        assert_eq!(related, RelatedPods::default());
    }
}
