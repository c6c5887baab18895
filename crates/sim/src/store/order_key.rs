//! `OrderKey`: an object's place in the store's key order (kind, namespace, name), which
//! a B-tree search can compare mostly without reaching the key's strings.
//!
//! At 100,000 pods the store's ordered index holds 280,000 keys and every create or removal
//! searches it: a score of comparisons, each of which went from the tree's node to the
//! `ObjectKey` and from there to its namespace's and its name's bytes — three cache misses
//! for a comparison that the first bytes usually decide. An `OrderKey` holds those first
//! bytes inline, as four big-endian words compared as integers; only keys whose first 32
//! bytes are equal (the Events of one pod) compare their whole keys.

use std::cmp::Ordering;
use std::ops::Range;
use std::sync::Arc;

use kubeplay_model::{Kind, ObjectKey};

/// How many bytes of a key's encoding sit inline: the kind, `default` and its separator
/// leave 23 for the name, enough to tell a ReplicaSet's pods (`demo-658bfb548-8hjkx`) apart.
const HEAD_BYTES: usize = 32;

#[derive(Clone, Debug)]
pub(super) struct OrderKey {
    /// The first bytes of the key's encoding — the kind's index, the namespace, a zero
    /// byte, the name — zero-padded, as big-endian words.
    head: [u64; HEAD_BYTES / 8],
    key: Arc<ObjectKey>,
}

impl OrderKey {
    /// The encoding orders keys as `ObjectKey` does because stored namespaces and names hold
    /// no zero byte (they are DNS names, validated before anything is stored): the separator
    /// then sorts a namespace before every longer one it begins, and padding sorts a key
    /// whose encoding ends before every key that goes on from there.
    pub(super) fn new(key: Arc<ObjectKey>) -> OrderKey {
        let mut bytes = [0u8; HEAD_BYTES];
        let encoding = std::iter::once(key.kind as u8)
            .chain(key.namespace.bytes())
            .chain(std::iter::once(0))
            .chain(key.name.bytes());
        for (byte, value) in bytes.iter_mut().zip(encoding) {
            *byte = value;
        }
        let mut head = [0u64; HEAD_BYTES / 8];
        for (word, chunk) in head.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(chunk);
            *word = u64::from_be_bytes(eight);
        }
        OrderKey { head, key }
    }

    pub(super) fn key(&self) -> &ObjectKey {
        &self.key
    }

    /// The keys of `kind` in `namespace` (every namespace when `None`), as a range of keys of
    /// no object: a namespace followed by `\u{1}` sorts after every key in that namespace and
    /// before every longer namespace, as an `ObjectKey` and in this encoding alike (DNS
    /// names hold no control bytes). Any string is a safe `namespace`.
    pub(super) fn range_of(kind: Kind, namespace: Option<&str>) -> Range<OrderKey> {
        let bound = |namespace: String| {
            OrderKey::new(Arc::new(ObjectKey {
                kind,
                namespace,
                name: String::new(),
            }))
        };
        match namespace {
            Some(namespace) => bound(namespace.to_string())..bound(format!("{namespace}\u{1}")),
            None => bound(String::new())..bound("\u{10FFFF}".to_string()),
        }
    }
}

impl Ord for OrderKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.head
            .cmp(&other.head)
            .then_with(|| self.key.cmp(&other.key))
    }
}

impl PartialOrd for OrderKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for OrderKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for OrderKey {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_keys_sort_as_object_keys_do() {
        let long = "demo-658bfb548-8hjkx.18a2b3c4d5e6f7a8";
        let keys = [
            ObjectKey::new(Kind::Pod, "default", "demo-658bfb548-8hjkx"),
            ObjectKey::new(Kind::Pod, "default", "demo-658bfb548-8hjk"),
            ObjectKey::new(Kind::Pod, "default", "demo-658bfb548-8hjkx-a"),
            ObjectKey::new(Kind::Pod, "default-a", "a"),
            ObjectKey::new(Kind::Pod, "default", "z"),
            ObjectKey::new(Kind::Pod, "def", "zzz"),
            ObjectKey::new(Kind::Pod, "kube-system", "a"),
            ObjectKey::new(Kind::Event, "default", long),
            ObjectKey::new(
                Kind::Event,
                "default",
                "demo-658bfb548-8hjkx.18a2b3c4d5e6f7a9",
            ),
            ObjectKey::new(
                Kind::Event,
                "default",
                "demo-658bfb548-8hjkx.18a2b3c4d5e6f7a",
            ),
            ObjectKey::new(Kind::Event, "a-namespace-longer-than-the-head", long),
            ObjectKey::new(Kind::Event, "a-namespace-longer-than-the-head-too", "a"),
            ObjectKey::cluster(Kind::Node, "kind-worker"),
            ObjectKey::cluster(Kind::Node, "kind-worker10"),
            ObjectKey::cluster(Kind::Node, "kind-worker2"),
            ObjectKey::cluster(Kind::Namespace, "default"),
            // The bounds `Store::list` searches between.
            ObjectKey::new(Kind::Pod, "default", ""),
            ObjectKey {
                kind: Kind::Pod,
                namespace: "default\u{1}".into(),
                name: String::new(),
            },
            ObjectKey {
                kind: Kind::Pod,
                namespace: "\u{10FFFF}".into(),
                name: String::new(),
            },
        ];
        for a in &keys {
            for b in &keys {
                let ordered =
                    OrderKey::new(Arc::new(a.clone())).cmp(&OrderKey::new(Arc::new(b.clone())));
                assert_eq!(ordered, a.cmp(b), "{a} against {b}");
            }
        }
    }
    #[test]
    fn a_namespace_range_holds_its_keys_and_no_other_namespace() {
        let order = |namespace: &str, name: &str| {
            OrderKey::new(Arc::new(ObjectKey::new(Kind::Pod, namespace, name)))
        };
        let default = OrderKey::range_of(Kind::Pod, Some("default"));
        assert!(default.contains(&order("default", "a")));
        assert!(default.contains(&order("default", "zzzz-zzzz-zzzz-zzzz-zzzz-zzzz")));
        for (namespace, name) in [("default-a", "a"), ("defaul", "z"), ("e", "a")] {
            assert!(
                !default.contains(&order(namespace, name)),
                "{namespace}/{name}"
            );
        }
        assert!(!default.contains(&OrderKey::new(Arc::new(ObjectKey::new(
            Kind::Service,
            "default",
            "a"
        )))));
        let all = OrderKey::range_of(Kind::Pod, None);
        for namespace in ["a", "default", "default-a", "kube-system", "zzz"] {
            assert!(all.contains(&order(namespace, "a")), "{namespace}");
        }
    }
}
