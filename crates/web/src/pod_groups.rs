//! The pods of each workload, kept as they change: a group per owner with its chips in the
//! order `kubectl get` lists them and its counts by status, so a pod that changes costs the
//! cluster view one removal and one insertion, not a walk over the workload's 10,000 pods,
//! and a panel reads the counts and the page of chips it shows without walking them either.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use foldhash::HashMap;

use crate::view::PodChip;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, ObjectKey, Pod};

/// The group of the pods no workload controls (no controller, or a Node for static pods);
/// other groups are named by their owner's uid, which is never empty.
const STANDALONE: &str = "";

/// Pods shown together, with their counts by status kept as pods come, change and go.
#[derive(Debug, Default)]
struct PodGroup {
    chips: BTreeMap<ObjectKey, Rc<PodChip>>,
    /// (tone, status as the counts show it) → pods.
    counts: BTreeMap<(&'static str, String), usize>,
    /// Grows with every change: what tells a panel its pods changed.
    version: u64,
}

/// What a count of pods says: the STATUS, and that a Running pod is not ready.
fn count_label(chip: &PodChip) -> (&'static str, String) {
    let status = if chip.tone == "warn" {
        format!("{} (not ready)", chip.status)
    } else {
        chip.status.clone()
    };
    (chip.tone, status)
}

impl PodGroup {
    fn insert(&mut self, key: ObjectKey, chip: Rc<PodChip>) {
        *self.counts.entry(count_label(&chip)).or_default() += 1;
        if let Some(old) = self.chips.insert(key, chip) {
            self.uncount(&old);
        }
        self.version += 1;
    }

    fn remove(&mut self, key: &ObjectKey) {
        if let Some(old) = self.chips.remove(key) {
            self.uncount(&old);
            self.version += 1;
        }
    }

    fn uncount(&mut self, chip: &PodChip) {
        let label = count_label(chip);
        if let Some(n) = self.counts.get_mut(&label) {
            *n -= 1;
            if *n == 0 {
                self.counts.remove(&label);
            }
        }
    }
}

/// A view of a group of pods, as a panel holds it. Two views of the same group are equal when
/// they saw the same version (so comparing props costs nothing); views of different groups
/// compare their chips.
#[derive(Clone, Debug, Default)]
pub struct PodSet {
    group: Rc<RefCell<PodGroup>>,
    version: u64,
}

impl PodSet {
    /// A set of the given chips, in their order of names (a lane's, or a filtered list).
    pub fn of(chips: impl IntoIterator<Item = Rc<PodChip>>) -> PodSet {
        let mut group = PodGroup::default();
        for chip in chips {
            let key = ObjectKey::new(Kind::Pod, &chip.namespace, &chip.name);
            group.insert(key, chip);
        }
        PodSet::view(&Rc::new(RefCell::new(group)))
    }

    fn view(group: &Rc<RefCell<PodGroup>>) -> PodSet {
        PodSet {
            version: group.borrow().version,
            group: group.clone(),
        }
    }

    pub fn len(&self) -> usize {
        self.group.borrow().chips.len()
    }

    /// Whether the group changed since this view was taken.
    fn is_stale(&self) -> bool {
        self.group.borrow().version != self.version
    }

    pub fn is_empty(&self) -> bool {
        self.group.borrow().chips.is_empty()
    }

    /// Pods counted by what they show: (tone, status, count), most first.
    pub fn counts(&self) -> Vec<(&'static str, String, usize)> {
        let mut counted: Vec<_> = self
            .group
            .borrow()
            .counts
            .iter()
            .map(|((tone, status), n)| (*tone, status.clone(), *n))
            .collect();
        counted.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        counted
    }

    /// The first `n` chips in order.
    pub fn first(&self, n: usize) -> Vec<Rc<PodChip>> {
        self.group
            .borrow()
            .chips
            .values()
            .take(n)
            .cloned()
            .collect()
    }

    /// The chips of the pods in `namespace`.
    pub fn in_namespace(&self, namespace: &str) -> PodSet {
        PodSet::of(
            self.group
                .borrow()
                .chips
                .values()
                .filter(|chip| chip.namespace == namespace)
                .cloned(),
        )
    }

    /// Whether any pod is in `namespace`.
    pub fn any_in(&self, namespace: &str) -> bool {
        self.group
            .borrow()
            .chips
            .values()
            .any(|chip| chip.namespace == namespace)
    }
}

impl PartialEq for PodSet {
    fn eq(&self, other: &Self) -> bool {
        if Rc::ptr_eq(&self.group, &other.group) {
            return self.version == other.version;
        }
        // A view whose group changed since it was taken no longer holds what a panel drew
        // from it: the last pods of a ReplicaSet scaled to 0 leave its group empty, and an
        // empty group compared equal to the workload's next (empty) view, so the panel kept
        // drawing the pods that were gone.
        if self.is_stale() || other.is_stale() {
            return false;
        }
        let (a, b) = (self.group.borrow(), other.group.borrow());
        a.chips.len() == b.chips.len() && a.chips.values().eq(b.chips.values())
    }
}

impl Eq for PodSet {}

/// Every pod's chip in the groups of its owners, kept up to date one pod at a time.
#[derive(Default)]
pub struct PodGroups {
    groups: HashMap<String, Rc<RefCell<PodGroup>>>,
    /// The groups each pod is in.
    member_of: HashMap<ObjectKey, Vec<String>>,
}

/// The groups a pod belongs to: each of its owners' (a workload lists its dependents), and
/// the stand-alone pods' when no workload controls it.
fn groups_of(pod: &Pod) -> Vec<String> {
    let mut groups: Vec<String> = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .map(|owner| owner.uid.clone())
        .filter(|uid| !uid.is_empty())
        .collect();
    if pod
        .metadata
        .controller_ref()
        .is_none_or(|owner| owner.kind == "Node")
    {
        groups.push(STANDALONE.to_string());
    }
    groups
}

impl PodGroups {
    /// The groups of every pod in the store (tests' oracle; the page keeps its own up to date).
    #[cfg(test)]
    pub fn from_store(store: &kubeplay_sim::store::Store, now: jiff::Timestamp) -> PodGroups {
        let mut groups = PodGroups::default();
        for pod in store.list_typed::<Pod>(None) {
            groups.put(pod, Rc::new(crate::view::chip(pod, now)));
        }
        groups
    }

    /// Puts the pod's new chip in its groups (leaving those it no longer belongs to).
    pub fn put(&mut self, pod: &Pod, chip: Rc<PodChip>) {
        let key = ObjectKey::new(
            Kind::Pod,
            pod.metadata.namespace_str(),
            pod.metadata.name_str(),
        );
        let groups = groups_of(pod);
        self.leave_groups(&key, |group| !groups.contains(group));
        for group in &groups {
            self.groups
                .entry(group.clone())
                .or_default()
                .borrow_mut()
                .insert(key.clone(), chip.clone());
        }
        self.member_of.insert(key, groups);
    }

    /// Takes a deleted pod out of its groups.
    pub fn remove(&mut self, key: &ObjectKey) {
        self.leave_groups(key, |_| true);
        self.member_of.remove(key);
    }

    fn leave_groups(&mut self, key: &ObjectKey, leaves: impl Fn(&String) -> bool) {
        for name in self.member_of.get(key).into_iter().flatten() {
            if !leaves(name) {
                continue;
            }
            let Some(group) = self.groups.get(name) else {
                continue;
            };
            let empty = {
                let mut group = group.borrow_mut();
                group.remove(key);
                group.chips.is_empty()
            };
            if empty {
                self.groups.remove(name);
            }
        }
    }

    /// The pods of the workload with this uid.
    pub fn owned_by(&self, uid: &str) -> PodSet {
        self.groups.get(uid).map(PodSet::view).unwrap_or_default()
    }

    /// The pods no workload controls.
    pub fn standalone(&self) -> PodSet {
        self.owned_by(STANDALONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chip(name: &str, status: &str, tone: &'static str) -> Rc<PodChip> {
        Rc::new(PodChip {
            name: name.into(),
            namespace: "default".into(),
            node: String::new(),
            status: status.into(),
            ready: "0/1".into(),
            tone,
            note: None,
        })
    }

    /// The view a panel drew of a ReplicaSet's last pods is not equal to the (empty) view
    /// once they are gone, though the group it points to is empty by then too.
    #[test]
    fn a_view_of_pods_since_removed_differs_from_the_empty_view() {
        let mut groups = PodGroups::default();
        let mut pod = Pod::default();
        pod.metadata.name = Some("web-1".into());
        pod.metadata.namespace = Some("default".into());
        pod.metadata.owner_references = Some(vec![
            k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
                uid: "rs-1".into(),
                controller: Some(true),
                kind: "ReplicaSet".into(),
                ..Default::default()
            },
        ]);
        groups.put(&pod, chip("web-1", "Running", "ok"));
        let drawn = groups.owned_by("rs-1");
        assert_eq!(drawn.len(), 1);
        groups.remove(&ObjectKey::new(Kind::Pod, "default", "web-1"));
        let now = groups.owned_by("rs-1");
        assert!(now.is_empty());
        assert_ne!(drawn, now, "the panel must redraw without the pod");
        assert_eq!(now, PodSet::default());
    }

    #[test]
    fn counts_follow_each_change_and_a_view_sees_its_version() {
        let group = Rc::new(RefCell::new(PodGroup::default()));
        let key = |n: &str| ObjectKey::new(Kind::Pod, "default", n);
        group
            .borrow_mut()
            .insert(key("b"), chip("b", "Pending", "pending"));
        group
            .borrow_mut()
            .insert(key("a"), chip("a", "Pending", "pending"));
        let before = PodSet::view(&group);
        assert_eq!(before.counts(), vec![("pending", "Pending".to_string(), 2)]);
        group
            .borrow_mut()
            .insert(key("a"), chip("a", "Running", "warn"));
        let after = PodSet::view(&group);
        assert_ne!(before, after);
        assert_eq!(
            after.counts(),
            vec![
                ("pending", "Pending".to_string(), 1),
                ("warn", "Running (not ready)".to_string(), 1)
            ]
        );
        assert_eq!(
            after
                .first(1)
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            vec!["a"]
        );
        group.borrow_mut().remove(&key("b"));
        assert_eq!(
            PodSet::view(&group).counts(),
            vec![("warn", "Running (not ready)".to_string(), 1)]
        );
        // Another group with the same chips is equal.
        assert_eq!(
            PodSet::view(&group),
            PodSet::of(PodSet::view(&group).first(5))
        );
    }
}
