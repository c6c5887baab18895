//! What the pods of one controller add up to, kept by the store as pods are written: how many
//! are active, ready, and since when, and which label sets they carry. A ReplicaSet sync
//! reads its counts here instead of walking its pods, so during a paced scale-up of 10,000
//! pods (a sync at every instant where one of them changes) a sync costs what changed, not
//! the whole ReplicaSet; and a scale-down looks only at the first pods of the nodes it would
//! empty first (`by_node`, in deletion order: `node_pods.rs`).

mod node_pods;
mod related;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use foldhash::fast::FixedState;
use jiff::Timestamp;
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;
use kubeplay_model::pod::{is_active, is_ready, phase, ready_since};

use crate::controllers::replicaset::POD_DELETION_COST;
pub use node_pods::{NodePods, age_bucket};
pub use related::RelatedPods;

type Labels = Option<BTreeMap<String, String>>;

/// The pods one owner controls (its controller reference), counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodCensus {
    /// Finished pods and pods being deleted.
    pub inactive: u32,
    pub active: u32,
    /// Active pods whose Ready condition is True.
    pub ready: u32,
    /// Ready active pods by the second they became Ready (`None`: no transition time).
    ready_since: BTreeMap<Option<i64>, u32>,
    /// Active pods by label set (a template's pods share one).
    labels: BTreeMap<Labels, u32>,
    /// Active pods by the node they are bound to, with their Ready times (unscheduled ones
    /// are not counted here); looked up by a hash of the name, listed in name order
    /// (`node_order`): a rollout's scale-down syncs look up hundreds of tied nodes each, and
    /// a B-tree search compares a score of names alike up to their last digits.
    by_node: HashMap<Arc<str>, NodePods, FixedState>,
    node_order: BTreeSet<Arc<str>>,
    /// Active pods a scale-down ranks by more than their node and age (`DeleteKey`): not
    /// yet scheduled, not Running, not Ready, or carrying a deletion cost.
    pub irregular: u32,
}

impl PodCensus {
    /// No pods at all.
    pub const EMPTY: PodCensus = PodCensus {
        inactive: 0,
        active: 0,
        ready: 0,
        ready_since: BTreeMap::new(),
        labels: BTreeMap::new(),
        by_node: HashMap::with_hasher(FixedState::with_seed(0)),
        node_order: BTreeSet::new(),
        irregular: 0,
    };

    pub(crate) fn add(&mut self, pod: &Pod) {
        self.count(pod, true);
    }

    pub(crate) fn remove(&mut self, pod: &Pod) {
        self.count(pod, false);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.inactive == 0 && self.active == 0
    }

    fn count(&mut self, pod: &Pod, add: bool) {
        let step = |n: &mut u32| *n = if add { *n + 1 } else { n.saturating_sub(1) };
        if !is_active(pod) {
            step(&mut self.inactive);
            return;
        }
        step(&mut self.active);
        tally(&mut self.labels, &pod.metadata.labels, add);
        let node = pod.spec.as_ref().and_then(|s| s.node_name.as_ref());
        if let Some(node) = node {
            self.place(node, pod, add);
        }
        let regular = node.is_some()
            && phase(pod) == "Running"
            && is_ready(pod)
            && pod.metadata.annotation(POD_DELETION_COST).is_none();
        if !regular {
            step(&mut self.irregular);
        }
        if is_ready(pod) {
            step(&mut self.ready);
            let since = ready_since(pod).map(|t| t.as_second());
            tally(&mut self.ready_since, &since, add);
        }
    }

    fn place(&mut self, node: &str, pod: &Pod, add: bool) {
        let uid = pod.metadata.uid_str();
        if add {
            let ready = ready_since(pod);
            match self.by_node.get_mut(node) {
                Some(pods) => pods.insert(uid, ready),
                None => {
                    let mut pods = NodePods::default();
                    pods.insert(uid, ready);
                    let node: Arc<str> = Arc::from(node);
                    self.node_order.insert(node.clone());
                    self.by_node.insert(node, pods);
                }
            }
        } else if let Some(pods) = self.by_node.get_mut(node) {
            pods.remove(uid);
            if pods.is_empty() {
                self.by_node.remove(node);
                self.node_order.remove(node);
            }
        }
    }

    /// The label sets of the active pods, with how many carry each.
    pub fn label_sets(&self) -> impl Iterator<Item = (Option<&BTreeMap<String, String>>, u32)> {
        self.labels
            .iter()
            .map(|(labels, count)| (labels.as_ref(), *count))
    }

    /// The nodes the active pods are bound to, with those pods.
    pub fn nodes(&self) -> impl Iterator<Item = (&str, &NodePods)> {
        self.node_order
            .iter()
            .filter_map(|node| Some((node.as_ref(), self.by_node.get(node)?)))
    }

    /// How many nodes the active pods are bound to.
    pub fn node_count(&self) -> usize {
        self.by_node.len()
    }

    /// The active pods bound to `node`.
    pub fn on_node(&self, node: &str) -> Option<&NodePods> {
        self.by_node.get(node)
    }

    /// Active pods Ready for at least `min_ready_seconds` before `now` (`IsPodAvailable`):
    /// all ready pods but those that became Ready within the window (or at no known time).
    pub fn available(&self, min_ready_seconds: i32, now: Timestamp) -> u32 {
        if min_ready_seconds <= 0 {
            return self.ready;
        }
        let unknown = self.ready_since.get(&None).copied().unwrap_or(0);
        let recent: u32 = self
            .ready_since
            .range(Some(window_start(min_ready_seconds, now))..)
            .map(|(_, count)| count)
            .sum();
        self.ready.saturating_sub(unknown + recent)
    }

    /// Seconds until the next ready pod becomes available, if one is not yet
    /// (`seconds_until_available`, the soonest of all).
    pub fn seconds_until_next_available(
        &self,
        min_ready_seconds: i32,
        now: Timestamp,
    ) -> Option<i64> {
        let (since, _) = self
            .ready_since
            .range(Some(window_start(min_ready_seconds, now))..)
            .next()?;
        let since = (*since)?;
        let remaining = since + i64::from(min_ready_seconds) + 1 - now.as_second();
        (remaining > 0).then_some(remaining)
    }
}

/// The first second a pod may have become Ready in and not be available at `now`.
fn window_start(min_ready_seconds: i32, now: Timestamp) -> i64 {
    now.as_second() - i64::from(min_ready_seconds)
}

fn tally<K: Ord + Clone>(counts: &mut BTreeMap<K, u32>, key: &K, add: bool) {
    match counts.get_mut(key) {
        Some(count) if add => *count += 1,
        Some(count) if *count > 1 => *count -= 1,
        Some(_) => {
            counts.remove(key);
        }
        None if add => {
            counts.insert(key.clone(), 1);
        }
        None => {}
    }
}
