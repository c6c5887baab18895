//! `NodeShouldRunDaemonPod`'s answer for each DaemonSet and node, kept between syncs: a sync
//! otherwise works it out for every node, and every write of one of its pods wakes it, so a
//! cluster of N nodes booting its N daemon pods cost N² answers. A DaemonSet's answers are
//! worked out again for the nodes the store says changed since (any write of a node, its
//! removal, or what its pods take there: `Store::nodes_changed_since`), and for every node
//! when the template changes — upstream's informer handlers wake the sync for such changes,
//! its sync still asks every node (`syncDaemonSet`); the answers are the same. The
//! template's hash is kept with them: upstream's sync hashes the template's JSON each time
//! (`ComputeHash`), which was a seventh of a booting cluster's time in WebAssembly.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;
use k8s_openapi::api::core::v1::{Node, PodTemplateSpec, Toleration};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, ObjectKey, Typed};

use super::nodes::{daemon_tolerations, should_run};
use crate::controllers::template_hash;
use crate::store::Store;

/// The answers of every DaemonSet (by its key), as the driver keeps them between syncs.
#[derive(Clone, Debug, Default)]
pub struct NodeAnswers {
    by_daemon_set: HashMap<ObjectKey, Answers>,
}

/// One DaemonSet's answers for every node.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Answers {
    /// The template they were worked out for, the tolerations its pods get, and its hash
    /// with the DaemonSet's collision count (the `controller-revision-hash` of its pods).
    template: PodTemplateSpec,
    tolerations: Vec<Toleration>,
    collision_count: Option<i32>,
    hash: String,
    /// The store's node generation they are up to date with.
    generation: u64,
    by_node: BTreeMap<String, (bool, bool)>,
    /// The nodes where a pod should not run (`(false, _)`): each is looked at by the sync.
    unusual: BTreeSet<String>,
}

impl NodeAnswers {
    /// `key`'s answers for the nodes stored now.
    pub(super) fn refreshed(
        &mut self,
        key: &ObjectKey,
        template: &PodTemplateSpec,
        collision_count: Option<i32>,
        store: &Store,
    ) -> &Answers {
        let answers = match self.by_daemon_set.remove(key) {
            Some(mut answers) if answers.template == *template => {
                answers.refresh(collision_count, store);
                answers
            }
            _ => Answers::worked_out(template, collision_count, store),
        };
        debug_assert!(
            answers == Answers::worked_out(template, collision_count, store),
            "the kept node answers of {key} disagree with the nodes"
        );
        self.by_daemon_set.entry(key.clone()).or_insert(answers)
    }

    /// Forgets a DaemonSet that is gone.
    pub(super) fn forget(&mut self, key: &ObjectKey) {
        self.by_daemon_set.remove(key);
    }
}

impl Answers {
    fn worked_out(template: &PodTemplateSpec, collision_count: Option<i32>, store: &Store) -> Self {
        let mut answers = Answers {
            template: template.clone(),
            tolerations: daemon_tolerations(template),
            collision_count,
            hash: template_hash(template, collision_count),
            generation: store.node_generation(),
            by_node: BTreeMap::new(),
            unusual: BTreeSet::new(),
        };
        for node in store.list_typed::<Node>(None) {
            let answer = should_run(template, &answers.tolerations, node);
            answers.set(node.metadata.name_str(), answer);
        }
        answers
    }

    /// Works the answers out again for the nodes changed since they were, and the hash for
    /// a new collision count.
    fn refresh(&mut self, collision_count: Option<i32>, store: &Store) {
        if collision_count != self.collision_count {
            self.collision_count = collision_count;
            self.hash = template_hash(&self.template, collision_count);
        }
        let changed: Vec<String> = store
            .nodes_changed_since(self.generation)
            .map(str::to_string)
            .collect();
        for name in changed {
            let key = ObjectKey::new(Kind::Node, "", &name);
            match store.get(&key).and_then(Node::from_object) {
                Some(node) => {
                    let answer = should_run(&self.template, &self.tolerations, node);
                    self.set(&name, answer);
                }
                None => {
                    self.by_node.remove(&name);
                    self.unusual.remove(&name);
                }
            }
        }
        self.generation = store.node_generation();
    }

    fn set(&mut self, name: &str, answer: (bool, bool)) {
        self.by_node.insert(name.to_string(), answer);
        if answer.0 {
            self.unusual.remove(name);
        } else {
            self.unusual.insert(name.to_string());
        }
    }

    /// The template's hash (`ComputeHash`), as its pods are labelled.
    pub(super) fn template_hash(&self) -> &str {
        &self.hash
    }

    /// The tolerations the DaemonSet adds to its pods (`daemon_tolerations`).
    pub(super) fn tolerations(&self) -> &[Toleration] {
        &self.tolerations
    }

    /// Every node, by name, with its answer.
    pub(super) fn nodes(&self) -> impl Iterator<Item = (&str, (bool, bool))> {
        self.by_node
            .iter()
            .map(|(name, answer)| (name.as_str(), *answer))
    }

    /// The answer for `node`, if it exists.
    pub(super) fn answer(&self, node: &str) -> Option<(bool, bool)> {
        self.by_node.get(node).copied()
    }

    /// The nodes where a pod should not run, by name, with their answers.
    pub(super) fn unusual(&self) -> impl Iterator<Item = (&str, (bool, bool))> {
        self.unusual
            .iter()
            .filter_map(|name| Some((name.as_str(), *self.by_node.get(name)?)))
    }

    /// How many nodes should run a pod (`desiredNumberScheduled`).
    pub(super) fn desired(&self) -> usize {
        self.by_node.len() - self.unusual.len()
    }
}
