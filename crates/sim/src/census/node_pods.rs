//! The active pods one controller has on one node, kept in the two orders a scale-down ranks
//! them by once their node ties (`ActivePodsWithRanks`, both pods ready): how recently they
//! became Ready, by logarithmic age bucket, then UID. Buckets are relative to the time of the
//! sync, so no single order serves: the pods are kept by UID and by Ready time, and the first
//! of a bucket are read from whichever order reaches them sooner — a scale-down of 10,000 pods
//! spread evenly over 100 nodes (every node tied) then reads a few pods per node, not all.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::Timestamp;

/// A pod's Ready time in the ranking: `None` when it has none (not ready, or no transition
/// time; a scale-down through the census sees only ready pods).
pub type ReadySince = Option<Timestamp>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodePods {
    /// UID → Ready time. The UID is shared with `by_ready`.
    by_uid: BTreeMap<Arc<str>, ReadySince>,
    by_ready: BTreeMap<ReadySince, BTreeSet<Arc<str>>>,
}

impl NodePods {
    pub fn len(&self) -> usize {
        self.by_uid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_uid.is_empty()
    }

    /// The pods' UIDs, ascending.
    pub fn uids(&self) -> impl Iterator<Item = &str> {
        self.by_uid.keys().map(|uid| &**uid)
    }

    pub fn insert(&mut self, uid: &str, ready: ReadySince) {
        let uid: Arc<str> = Arc::from(uid);
        if let Some(previous) = self.by_uid.insert(uid.clone(), ready) {
            self.unlist(previous, &uid);
        }
        self.by_ready.entry(ready).or_default().insert(uid);
    }

    pub fn remove(&mut self, uid: &str) {
        if let Some(ready) = self.by_uid.remove(uid) {
            self.unlist(ready, uid);
        }
    }

    fn unlist(&mut self, ready: ReadySince, uid: &str) {
        if let Some(uids) = self.by_ready.get_mut(&ready) {
            uids.remove(uid);
            if uids.is_empty() {
                self.by_ready.remove(&ready);
            }
        }
    }

    /// The smallest age bucket at least `from` that a pod here is in at `now`.
    pub fn first_bucket_from(&self, from: i64, now: Timestamp) -> Option<i64> {
        if from <= -2 && self.by_ready.contains_key(&None) {
            return Some(-2);
        }
        if from <= -1 && self.by_ready.range(Some(now)..).next().is_some() {
            return Some(-1);
        }
        // The latest Ready time at least 2^from ns ago is the youngest pod of a bucket ≥ from.
        let latest = self
            .by_ready
            .range(..=Some(bucket_start(from.max(0), now)?))
            .next_back()?;
        latest.0.map(|ready| age_bucket(Some(ready), now))
    }

    /// The first `limit` UIDs (ascending) of the pods in age bucket `bucket` at `now`: read
    /// by UID until `limit` of them are found, or the whole bucket read by Ready time and
    /// sorted, whichever ends first (one step of each at a time), so the cost is the
    /// smaller of the two.
    pub fn first_in_bucket(&self, bucket: i64, limit: usize, now: Timestamp) -> Vec<&str> {
        let in_bucket = |ready: &ReadySince| age_bucket(*ready, now) == bucket;
        let mut by_uid = self.by_uid.iter();
        let mut found = Vec::new();
        let mut whole_bucket = Vec::new();
        let mut by_ready = self.bucket_by_ready(bucket, now);
        if limit == 0 {
            return found;
        }
        loop {
            match by_ready.next() {
                Some(uid) => whole_bucket.push(uid),
                None => {
                    whole_bucket.sort_unstable();
                    whole_bucket.truncate(limit);
                    return whole_bucket;
                }
            }
            match by_uid.next() {
                Some((uid, ready)) if in_bucket(ready) => {
                    found.push(uid.as_ref());
                    if found.len() == limit {
                        return found;
                    }
                }
                Some(_) => {}
                None => return found,
            }
        }
    }

    /// The UIDs of the pods in age bucket `bucket` at `now`, in no particular order.
    fn bucket_by_ready(&self, bucket: i64, now: Timestamp) -> Box<dyn Iterator<Item = &str> + '_> {
        let in_bucket = move |ready: &ReadySince| age_bucket(*ready, now) == bucket;
        match bucket {
            -2 => Box::new(
                self.by_ready
                    .get(&None)
                    .into_iter()
                    .flatten()
                    .map(AsRef::as_ref),
            ),
            -1 => Box::new(self.by_ready.range(Some(now)..).flat_map(uids)),
            _ => match bucket_start(bucket, now) {
                Some(start) => Box::new(
                    self.by_ready
                        .range(..=Some(start))
                        .rev()
                        .take_while(move |(ready, _)| in_bucket(ready))
                        .flat_map(uids),
                ),
                None => Box::new(
                    self.by_ready
                        .iter()
                        .filter(move |(ready, _)| in_bucket(ready))
                        .flat_map(uids),
                ),
            },
        }
    }
}

/// The UIDs of one Ready time.
fn uids<'s>((_, uids): (&'s ReadySince, &'s BTreeSet<Arc<str>>)) -> impl Iterator<Item = &'s str> {
    uids.iter().map(AsRef::as_ref)
}

/// The latest time whose age at `now` is in bucket `bucket` (≥ 0) or an older one:
/// `now - 2^bucket ns`; `None` past the range of timestamps.
fn bucket_start(bucket: i64, now: Timestamp) -> Option<Timestamp> {
    let span = 1i128.checked_shl(u32::try_from(bucket).ok()?)?;
    Timestamp::from_nanosecond(now.as_nanosecond().checked_sub(span)?).ok()
}

/// `floor(log2(age))` as LogarithmicScaleDown compares ages (newer first): -2 for no time,
/// -1 for no age.
pub fn age_bucket(time: Option<Timestamp>, now: Timestamp) -> i64 {
    match time {
        None => -2,
        Some(t) => {
            let age = (now.as_nanosecond() - t.as_nanosecond()).max(0);
            if age <= 0 {
                -1
            } else {
                i64::from(127 - (age as u128).leading_zeros() as i32)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap_or_default()
    }

    /// What `first_in_bucket` stands for: every pod's bucket, filtered and sorted by UID.
    fn by_walking<'a>(pods: &[(&'a str, ReadySince)], bucket: i64, now: Timestamp) -> Vec<&'a str> {
        let mut uids: Vec<&str> = pods
            .iter()
            .filter(|(_, ready)| age_bucket(*ready, now) == bucket)
            .map(|(uid, _)| *uid)
            .collect();
        uids.sort_unstable();
        uids
    }

    #[test]
    fn buckets_are_log2_of_the_age_in_nanoseconds() {
        let now = at(1_000);
        assert_eq!(age_bucket(None, now), -2);
        assert_eq!(age_bucket(Some(now), now), -1);
        assert_eq!(age_bucket(Some(at(2_000)), now), -1);
        // 1 s = 1e9 ns, between 2^29 and 2^30.
        assert_eq!(age_bucket(Some(at(999)), now), 29);
        assert_eq!(
            bucket_start(0, now).map(|t| now.as_nanosecond() - t.as_nanosecond()),
            Some(1)
        );
        assert_eq!(bucket_start(200, now), None);
    }

    #[test]
    fn the_first_of_a_bucket_are_its_smallest_uids_whichever_order_finds_them() {
        // UIDs out of time order, in buckets -2, -1, 30 (2 s), 31 (3-4 s), 32 (5-6 s).
        let pods: Vec<(String, ReadySince)> = (0..40)
            .map(|i: i64| {
                let uid = format!("{:02}", (i * 17) % 40);
                let ready = match i % 7 {
                    0 => None,
                    1 => Some(at(1_000)),
                    age => Some(at(1_000 - age)),
                };
                (uid, ready)
            })
            .collect();
        let pods: Vec<(&str, ReadySince)> = pods.iter().map(|(u, r)| (u.as_str(), *r)).collect();
        let mut node = NodePods::default();
        for (uid, ready) in &pods {
            node.insert(uid, *ready);
        }
        let now = at(1_000);
        for bucket in [-2, -1, 29, 30, 31, 32] {
            let all = by_walking(&pods, bucket, now);
            for limit in [1, 2, 3, 10, 50] {
                let want: Vec<&str> = all.iter().copied().take(limit).collect();
                assert_eq!(
                    node.first_in_bucket(bucket, limit, now),
                    want,
                    "bucket {bucket} limit {limit}"
                );
            }
        }
        for from in -3..40 {
            let want = pods
                .iter()
                .map(|(_, ready)| age_bucket(*ready, now))
                .filter(|bucket| *bucket >= from)
                .min();
            assert_eq!(node.first_bucket_from(from, now), want, "from {from}");
        }
    }

    #[test]
    fn removing_and_moving_a_pod_keeps_both_orders_in_step() {
        let mut node = NodePods::default();
        node.insert("b", Some(at(10)));
        node.insert("a", Some(at(10)));
        node.insert("a", Some(at(5)));
        let now = at(11);
        assert_eq!(node.len(), 2);
        assert_eq!(node.first_in_bucket(29, 5, now), ["b"]);
        assert_eq!(node.first_bucket_from(30, now), Some(32));
        node.remove("b");
        node.remove("missing");
        assert_eq!(node.first_in_bucket(29, 5, now), Vec::<&str>::new());
        assert_eq!(node.first_bucket_from(0, now), Some(32));
        node.remove("a");
        assert!(node.is_empty());
        assert_eq!(node, NodePods::default());
    }
}
