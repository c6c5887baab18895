//! A DaemonSet's pods read from the store's census (`census.rs`) rather than claimed and
//! listed: each of its syncs otherwise walks all its pods (`getDaemonPods`, then
//! `getNodesToDaemonPods`) and every write of one of them wakes it, so a cluster of N nodes
//! booting its N daemon pods cost N² pod reads. When claiming would change nothing and each
//! pod is active, up to date and alone on its node, `podsShouldBeOnNode` would only count
//! the pods of the nodes that should run one: the sync looks at the other nodes' pods and
//! at pods not yet bound one by one, and counts the rest from the census's totals.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::ControllerRevision;
use kubeplay_model::keys::CONTROLLER_REVISION_HASH;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::is_ready;
use kubeplay_model::{Kind, Pod, Typed};

use super::Sync;
use super::nodes::target_node;
use crate::census::{NodePods, PodCensus};
use crate::controllers::is_controlled_by;

/// A DaemonSet's pods as the census has them, with those not yet bound by their node.
pub(super) struct Counted<'a> {
    pub(super) census: &'a PodCensus,
    unbound: BTreeMap<&'a str, &'a Pod>,
}

impl<'a> Sync<'a> {
    /// The census of the pods this DaemonSet controls, when it holds what `getDaemonPods`
    /// and `getNodesToDaemonPods` would return: claiming changes nothing (every pod still
    /// selected, no orphan its selector matches to adopt), none is finished or terminating
    /// (the census keeps only active pods by node; `getNodesToDaemonPods` keeps terminating
    /// ones), each is on a node of its own (so no node's pods need an order; one not yet
    /// bound, which the census does not place, is for a node that should run it) and each
    /// is of the current template (so none is to be replaced).
    pub(super) fn counted_pods(&self) -> Option<Counted<'a>> {
        let uid = self.ds.metadata.uid_str();
        let census = self.ctx.store.pod_census(uid)?;
        let mut unbound = BTreeMap::new();
        for pod in self.ctx.store.unscheduled_pods() {
            if !is_controlled_by(&pod.metadata, uid) {
                continue;
            }
            let node = target_node(pod);
            let should_run = self.answers.answer(node) == Some((true, true));
            if !should_run || census.on_node(node).is_some() || unbound.insert(node, pod).is_some()
            {
                return None;
            }
        }
        let current = |labels: Option<&BTreeMap<String, String>>| {
            labels
                .and_then(|l| l.get(CONTROLLER_REVISION_HASH))
                .map(String::as_str)
                == Some(self.hash)
        };
        let settled = census.inactive == 0
            && census.node_count() + unbound.len() == census.active as usize
            && census
                .label_sets()
                .all(|(labels, _)| self.selector.matches(labels) && current(labels))
            && !self
                .ctx
                .store
                .orphan_pods(self.ds.metadata.namespace_str())
                .any(|pod| self.selector.matches(pod.metadata.labels.as_ref()));
        settled.then_some(Counted { census, unbound })
    }

    /// [`Sync::manage_listed`] from the census: `podsShouldBeOnNode` runs for the nodes
    /// where a pod should not run (few), while the others' pods — each the one up-to-date,
    /// active pod of its node, which the sync leaves alone — are only counted in the status,
    /// from the census's totals less the pods looked at one by one; a node without its pod
    /// gets one. Returns the pods of nodes that no longer exist.
    pub(super) fn manage_counted(&mut self, counted: &Counted<'a>) -> Vec<&'a Pod> {
        let (census, answers) = (counted.census, self.answers);
        let mut looked_at = Vec::new();
        let mut served = counted.unbound.len() + census.node_count();
        for (node_name, runs) in answers.unusual() {
            let pods = self.pods_on(census, node_name);
            served -= usize::from(!pods.is_empty());
            looked_at.extend(pods.iter().copied());
            self.manage_node(node_name, runs, pods);
        }
        for (node_name, pod) in &counted.unbound {
            looked_at.push(pod);
            self.manage_node(node_name, (true, true), vec![pod]);
        }
        // With every pod on a stored node, the nodes that should run a pod and have one
        // are counted: the walk looks for the others only when there are some.
        let (missing, gone) =
            if served == answers.desired() && self.ctx.store.pods_on_missing_nodes() == 0 {
                (Vec::new(), Vec::new())
            } else {
                self.missing_and_gone(counted)
            };
        looked_at.extend(gone.iter().copied());
        self.count_served(census, &looked_at, counted.unbound.len());
        let deleting = self.ds.metadata.is_deleting();
        for node_name in missing {
            // As `manage_node` does for a node that should run a pod and has none.
            if !deleting {
                self.create_on(node_name);
                self.unavailable += 1;
            }
        }
        gone
    }

    /// In one pass over the nodes and the census's nodes (both by name): the nodes that
    /// should run a pod and have none, and the pods of nodes that no longer exist.
    fn missing_and_gone(&self, counted: &Counted<'a>) -> (Vec<&'a str>, Vec<&'a Pod>) {
        let (census, answers) = (counted.census, self.answers);
        let mut missing = Vec::new();
        let mut gone = Vec::new();
        let mut nodes = answers.nodes().peekable();
        let mut served = census.nodes().map(|(name, _)| name).peekable();
        loop {
            let order = match (nodes.peek(), served.peek()) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some((node, _)), Some(pod_node)) => node.cmp(pod_node),
            };
            match order {
                Ordering::Less => {
                    if let Some((node, (true, _))) = nodes.next()
                        && !counted.unbound.contains_key(node)
                    {
                        missing.push(node);
                    }
                }
                Ordering::Equal => {
                    nodes.next();
                    served.next();
                }
                Ordering::Greater => {
                    if let Some(pod_node) = served.next() {
                        gone.extend(self.pods_on(census, pod_node));
                    }
                }
            }
        }
        (missing, gone)
    }

    /// The status of the nodes whose pod the sync leaves alone: every pod the census
    /// counts but those `looked_at` (counted by `manage_node`, or of no node), each serving
    /// a node that should run it, up to date (`count_pod`, `replace_node`, `surge_node`);
    /// and the nodes that should run a pod, but the `unbound` pods' (`manage_node` counted
    /// those).
    fn count_served(&mut self, census: &PodCensus, looked_at: &[&Pod], unbound: usize) {
        let now = self.ctx.clock.now();
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        let ready = looked_at.iter().filter(|pod| is_ready(pod)).count();
        let available = looked_at
            .iter()
            .filter(|pod| self.is_available(pod))
            .count();
        let pods = count(census.active as usize - looked_at.len());
        let ready = count(census.ready as usize - ready);
        let available = count(census.available(self.min_ready, now) as usize - available);
        let status = &mut self.status;
        status.desired_number_scheduled += count(self.answers.desired() - unbound);
        status.current_number_scheduled += pods;
        status.number_ready += ready;
        add_some(&mut status.number_available, available);
        add_some(&mut status.updated_number_scheduled, pods);
        self.unavailable += pods - available;
    }

    fn pods_on(&self, census: &'a PodCensus, node: &str) -> Vec<&'a Pod> {
        let store = self.ctx.store;
        census
            .on_node(node)
            .into_iter()
            .flat_map(NodePods::uids)
            .filter_map(|uid| store.get_by_uid_key(uid))
            .filter_map(Pod::from_object)
            .collect()
    }

    /// Whether the DaemonSet's dependents are only the pods `census` counts and the
    /// revisions it controls: then the census's Ready times are those of every dependent
    /// pod (none terminating), and `requeue_until_available` reads them from it.
    pub(super) fn census_holds_dependents(&self, census: &PodCensus) -> bool {
        let uid = self.ds.metadata.uid_str();
        let revisions = self
            .ctx
            .store
            .list(
                Kind::ControllerRevision,
                Some(self.ds.metadata.namespace_str()),
            )
            .filter_map(ControllerRevision::from_object)
            .filter(|revision| {
                revision
                    .metadata
                    .controller_ref()
                    .is_some_and(|r| r.uid == uid)
            })
            .count();
        census.inactive == 0
            && self.ctx.store.dependent_count(uid) == census.active as usize + revisions
    }
}

/// Adds `n` to a count `count_pod` makes `Some` at its first pod only.
fn add_some(total: &mut Option<i32>, n: i32) {
    if n > 0 {
        *total = Some(total.unwrap_or(0) + n);
    }
}
