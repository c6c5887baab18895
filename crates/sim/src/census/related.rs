//! The related pods of one owner's ReplicaSets on each node, kept as pods are written: what a
//! scale-down ranks nodes by (`getPodsRankedByRelatedPodsOnSameNode` counts the active pods
//! of every ReplicaSet of the same Deployment on each node). The nodes are also kept by
//! count, so a sync that deletes a few pods reads only the nodes of the top counts — during
//! the image update of 100,000 replicas on 1,000 nodes the old ReplicaSet deletes a couple of
//! pods ten times a virtual second, and ranking every node each time was most of its cost.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelatedPods {
    /// Node → related pods on it (nodes with none are not listed).
    per_node: HashMap<Arc<str>, u32>,
    /// Count → the nodes with that many related pods.
    by_count: BTreeMap<u32, BTreeSet<Arc<str>>>,
}

impl RelatedPods {
    pub fn is_empty(&self) -> bool {
        self.per_node.is_empty()
    }

    /// Related pods on `node`.
    pub fn on(&self, node: &str) -> u32 {
        self.per_node.get(node).copied().unwrap_or(0)
    }

    /// Every node with related pods, with their count.
    pub fn nodes(&self) -> impl Iterator<Item = (&str, u32)> {
        self.per_node.iter().map(|(node, n)| (node.as_ref(), *n))
    }

    /// The nodes grouped by count, most related pods first (ties in node name order).
    pub fn most_first(&self) -> impl Iterator<Item = (u32, impl Iterator<Item = &str>)> {
        self.by_count
            .iter()
            .rev()
            .map(|(count, nodes)| (*count, nodes.iter().map(AsRef::as_ref)))
    }

    /// Adds (or takes away) `pods` related pods on `node`.
    pub(crate) fn add(&mut self, node: &str, pods: u32, add: bool) {
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
        if before > 0 {
            self.unlist(before, &node);
        }
        if after > 0 {
            self.by_count.entry(after).or_default().insert(node.clone());
            self.per_node.insert(node, after);
        } else {
            self.per_node.remove(&node);
        }
    }

    fn unlist(&mut self, count: u32, node: &str) {
        if let Some(nodes) = self.by_count.get_mut(&count) {
            nodes.remove(node);
            if nodes.is_empty() {
                self.by_count.remove(&count);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(related: &RelatedPods) -> Vec<(u32, Vec<&str>)> {
        related
            .most_first()
            .map(|(count, nodes)| (count, nodes.collect()))
            .collect()
    }

    #[test]
    fn nodes_move_between_counts_and_leave_at_zero() {
        let mut related = RelatedPods::default();
        related.add("a", 2, true);
        related.add("b", 1, true);
        related.add("c", 2, true);
        assert_eq!(groups(&related), [(2, vec!["a", "c"]), (1, vec!["b"])]);
        related.add("a", 1, true);
        related.add("c", 1, false);
        assert_eq!(groups(&related), [(3, vec!["a"]), (1, vec!["b", "c"])]);
        assert_eq!((related.on("a"), related.on("z")), (3, 0));
        related.add("a", 3, false);
        related.add("b", 1, false);
        related.add("c", 5, false);
        related.add("d", 0, true);
        assert!(related.is_empty());
        assert_eq!(related, RelatedPods::default());
    }
}
