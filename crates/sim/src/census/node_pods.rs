//! The active pods one controller has on one node, kept in the two orders a scale-down ranks
//! them by once their node ties (`ActivePodsWithRanks`, both pods ready): how recently they
//! became Ready, by logarithmic age bucket, then UID. Buckets are relative to the time of the
//! sync, so no single order serves: the pods are kept by UID and by Ready time, and the first
//! of a bucket are read from whichever order reaches them sooner — a scale-down of 10,000 pods
//! spread evenly over 100 nodes (every node tied) then reads the pods it takes and one more
//! per node, not all.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard, PoisonError};

use jiff::{SignedDuration, Timestamp};

use crate::uid_key::UidKey;

/// A pod's Ready time in the ranking: `None` when it has none (not ready, or no transition
/// time; a scale-down through the census sees only ready pods).
pub type ReadySince = Option<Timestamp>;

#[derive(Debug, Default)]
pub struct NodePods {
    /// UID → Ready time. UIDs are held as their UUIDs' bytes, in both maps: compared where
    /// they lie, without reaching a shared string (at 100,000 pods a cold read each).
    by_uid: BTreeMap<UidKey, ReadySince>,
    by_ready: BTreeMap<ReadySince, BTreeSet<UidKey>>,
    /// The last [`first_offer`](Self::first_offer), kept while it cannot change: during a
    /// rollout every sync of the old ReplicaSet takes a pod or two from hundreds of tied
    /// nodes, most of whose pods did not change since the sync before. (A lock, not a
    /// `RefCell`, because a census can be a `static`; it is never contended.)
    first_offer: Mutex<Option<FirstOffer>>,
}

/// The pods are the node's; the kept offer is only a cache of them.
impl Clone for NodePods {
    fn clone(&self) -> Self {
        NodePods {
            by_uid: self.by_uid.clone(),
            by_ready: self.by_ready.clone(),
            first_offer: Mutex::default(),
        }
    }
}

impl PartialEq for NodePods {
    fn eq(&self, other: &Self) -> bool {
        self.by_uid == other.by_uid && self.by_ready == other.by_ready
    }
}

impl Eq for NodePods {}

#[derive(Clone, Debug)]
struct FirstOffer {
    bucket: i64,
    /// Held as a `UidKey` (a UUID's 16 bytes), so an offer is copied without touching the
    /// shared UID's reference count: a rollout's sync at 1,000 nodes reads 170 offers.
    uid: UidKey,
    /// When it was worked out (the clock only moves on).
    at: Timestamp,
    /// The instant `uid` leaves `bucket` (`None`: never), and with it the offer changes.
    until: Option<Timestamp>,
}

impl NodePods {
    pub fn len(&self) -> usize {
        self.by_uid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_uid.is_empty()
    }

    /// The pods' UIDs, ascending.
    pub(crate) fn uids(&self) -> impl Iterator<Item = &UidKey> {
        self.by_uid.keys()
    }

    pub fn insert(&mut self, uid: &str, ready: ReadySince) {
        self.kept_offer().take();
        let uid = UidKey::new(uid);
        if let Some(previous) = self.by_uid.insert(uid.clone(), ready) {
            self.unlist(previous, &uid);
        }
        self.by_ready.entry(ready).or_default().insert(uid);
    }

    pub fn remove(&mut self, uid: &str) {
        self.kept_offer().take();
        let uid = UidKey::new(uid);
        if let Some(ready) = self.by_uid.remove(&uid) {
            self.unlist(ready, &uid);
        }
    }

    fn unlist(&mut self, ready: ReadySince, uid: &UidKey) {
        if let Some(uids) = self.by_ready.get_mut(&ready) {
            uids.remove(uid);
            if uids.is_empty() {
                self.by_ready.remove(&ready);
            }
        }
    }

    /// The smallest age bucket at least `from` that a pod here is in at `now`.
    fn first_bucket_from(&self, from: i64, now: Timestamp) -> Option<i64> {
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

    /// The smallest age bucket a pod here is in at `now`, and the smallest UID in it: what
    /// the node offers first to a scale-down (`first_bucket_from(i64::MIN, now)` and
    /// `next_in_bucket` of that bucket from the start), kept until the pods change or that
    /// pod ages into the next bucket. Until then neither can change: no pod is younger than
    /// the bucket's, so its pods only leave it, and its smallest UID stays the smallest.
    pub(crate) fn first_offer(&self, now: Timestamp) -> Option<(i64, UidKey)> {
        let kept = self.kept_offer().as_ref().and_then(|offer| {
            let current = offer.at <= now && offer.until.is_none_or(|until| now < until);
            current.then(|| (offer.bucket, offer.uid.clone()))
        });
        debug_assert!(
            kept.is_none() || kept == self.work_out_first_offer(now),
            "the kept first offer went stale"
        );
        if kept.is_some() {
            return kept;
        }
        let mut kept = self.kept_offer();
        *kept = self
            .first_from(i64::MIN, now)
            .map(|(bucket, uid)| FirstOffer {
                bucket,
                uid: uid.clone(),
                at: now,
                // Never, for a pod without a Ready time; at once (worked out again next
                // time) past the range of timestamps.
                until: self
                    .by_uid
                    .get(uid)
                    .copied()
                    .flatten()
                    .map(|ready| bucket_end(bucket, ready).unwrap_or(ready)),
            });
        kept.as_ref().map(|offer| (offer.bucket, offer.uid.clone()))
    }

    fn kept_offer(&self) -> MutexGuard<'_, Option<FirstOffer>> {
        // Nothing that can panic runs while it is held; were it poisoned all the same, the
        // offer in it was still worked out from these pods and is checked for its time.
        self.first_offer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn work_out_first_offer(&self, now: Timestamp) -> Option<(i64, UidKey)> {
        self.first_from(i64::MIN, now)
            .map(|(bucket, uid)| (bucket, uid.clone()))
    }

    /// What the node offers a scale-down after `uid` of `bucket` at `now`: the next UID in
    /// that bucket, else the first pod of the next bucket it has pods in.
    pub(crate) fn next_offer(
        &self,
        bucket: i64,
        uid: &UidKey,
        now: Timestamp,
    ) -> Option<(i64, UidKey)> {
        let (bucket, next) = match self.next_in_bucket(bucket, Some(uid), now) {
            Some(next) => (bucket, next),
            None => self.first_from(bucket + 1, now)?,
        };
        Some((bucket, next.clone()))
    }

    /// The smallest UID of the smallest age bucket, at least `from`, that a pod here is in.
    fn first_from(&self, from: i64, now: Timestamp) -> Option<(i64, &UidKey)> {
        let bucket = self.first_bucket_from(from, now)?;
        let uid = self.next_in_bucket(bucket, None, now)?;
        Some((bucket, uid))
    }

    /// The smallest UID above `after` (above none: the smallest) of the pods in age bucket
    /// `bucket` at `now`: read on by UID from `after` until a pod of the bucket comes, or the
    /// whole bucket read by Ready time, whichever ends first (one step of each at a time), so
    /// the cost is the smaller of the two.
    fn next_in_bucket(
        &self,
        bucket: i64,
        after: Option<&UidKey>,
        now: Timestamp,
    ) -> Option<&UidKey> {
        let in_bucket = |ready: &ReadySince| age_bucket(*ready, now) == bucket;
        let above = |uid: &UidKey| after.is_none_or(|after| uid > after);
        let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut by_uid = self.by_uid.range((lower, Bound::Unbounded));
        let mut by_ready = self.bucket_by_ready(bucket, now);
        let mut smallest: Option<&UidKey> = None;
        loop {
            match by_ready.next() {
                Some(uid) if above(uid) && smallest.is_none_or(|least| uid < least) => {
                    smallest = Some(uid);
                }
                Some(_) => {}
                None => return smallest,
            }
            match by_uid.next() {
                Some((uid, ready)) if in_bucket(ready) => return Some(uid),
                Some(_) => {}
                None => return None,
            }
        }
    }

    /// The UIDs of the pods in age bucket `bucket` at `now`, in no particular order.
    fn bucket_by_ready(&self, bucket: i64, now: Timestamp) -> impl Iterator<Item = &UidKey> {
        self.by_ready
            .range(bucket_times(bucket, now))
            .flat_map(|(_, uids)| uids.iter())
    }
}

/// The Ready times in age bucket `bucket` at `now`: none for -2, `now` and later for -1,
/// else ages from 2^bucket ns up to 2^(bucket + 1) (every older time, past the range of
/// timestamps).
fn bucket_times(bucket: i64, now: Timestamp) -> (Bound<ReadySince>, Bound<ReadySince>) {
    match bucket {
        ..=-2 => (Bound::Included(None), Bound::Included(None)),
        -1 => (Bound::Included(Some(now)), Bound::Unbounded),
        _ => match bucket_start(bucket, now) {
            // No time is that old: an empty range (`range` panics on (Excluded(x), Excluded(x))).
            None => (Bound::Included(None), Bound::Excluded(None)),
            Some(latest) => {
                let lower = bucket_start(bucket + 1, now)
                    .map_or(Bound::Excluded(None), |older| Bound::Excluded(Some(older)));
                (lower, Bound::Included(Some(latest)))
            }
        },
    }
}

/// The instant a pod Ready since `ready`, in age bucket `bucket`, moves to the next: its age
/// reaching 2^(bucket + 1) ns (for -1, age 0, the next nanosecond); `None` past the range of
/// timestamps.
fn bucket_end(bucket: i64, ready: Timestamp) -> Option<Timestamp> {
    let span = 1i64
        .checked_shl(u32::try_from(bucket + 1).ok()?)
        .filter(|span| *span > 0)?;
    ready.checked_add(SignedDuration::from_nanos(span)).ok()
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

    /// What reading a bucket with `next_in_bucket` stands for: every pod's bucket, filtered
    /// and sorted by UID.
    fn by_walking<'a>(pods: &[(&'a str, ReadySince)], bucket: i64, now: Timestamp) -> Vec<&'a str> {
        let mut uids: Vec<&str> = pods
            .iter()
            .filter(|(_, ready)| age_bucket(*ready, now) == bucket)
            .map(|(uid, _)| *uid)
            .collect();
        uids.sort_unstable();
        uids
    }

    fn next(node: &NodePods, bucket: i64, after: Option<&str>, now: Timestamp) -> Option<String> {
        node.next_in_bucket(bucket, after.map(UidKey::new).as_ref(), now)
            .map(ToString::to_string)
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
    fn a_bucket_is_read_in_uid_order_whichever_order_finds_the_next() {
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
        for bucket in [-2, -1, 29, 30, 31, 32, 68, 70] {
            let all = by_walking(&pods, bucket, now);
            let mut read = Vec::new();
            let mut after: Option<String> = None;
            while let Some(uid) = next(&node, bucket, after.as_deref(), now) {
                read.push(uid.clone());
                after = Some(uid);
            }
            assert_eq!(read, all, "bucket {bucket}");
            assert_eq!(
                next(&node, bucket, Some(""), now).as_deref(),
                all.first().copied()
            );
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
        assert_eq!(next(&node, 29, None, now).as_deref(), Some("b"));
        assert_eq!(next(&node, 29, Some("b"), now), None);
        assert_eq!(node.first_bucket_from(30, now), Some(32));
        node.remove("b");
        node.remove("missing");
        assert_eq!(next(&node, 29, None, now), None);
        assert_eq!(node.first_bucket_from(0, now), Some(32));
        node.remove("a");
        assert!(node.is_empty());
        assert_eq!(node, NodePods::default());
    }

    /// The kept first offer is what working it out gives, as time moves pods from bucket
    /// to bucket and pods come and go (debug builds also check it at every use).
    #[test]
    fn the_kept_first_offer_follows_time_and_the_pods() {
        let mut node = NodePods::default();
        for (uid, ready) in [("c", 100), ("a", 96), ("b", 99), ("d", 64)] {
            node.insert(uid, Some(at(ready)));
        }
        let worked_out = |node: &NodePods, now: Timestamp| {
            let bucket = node.first_bucket_from(i64::MIN, now)?;
            Some((bucket, next(node, bucket, None, now)?.to_string()))
        };
        let offered = |node: &NodePods, now: Timestamp| {
            node.first_offer(now)
                .map(|(bucket, uid)| (bucket, uid.to_string()))
        };
        // As the pods age the youngest bucket takes in and lets go of "b" and "a" beside "c",
        // and the offer moves between them: the kept one must follow.
        let mut seen = Vec::new();
        for millis in (100_000..140_000).step_by(250) {
            let now = Timestamp::from_millisecond(millis).unwrap_or_default();
            assert_eq!(offered(&node, now), worked_out(&node, now), "at {now}");
            assert_eq!(
                offered(&node, now),
                worked_out(&node, now),
                "kept, at {now}"
            );
            if let Some((_, uid)) = offered(&node, now)
                && seen.last() != Some(&uid)
            {
                seen.push(uid);
            }
            if millis == 120_000 {
                node.remove("a");
            }
            if millis == 130_000 {
                node.insert("0", Some(now));
            }
        }
        assert_eq!(
            seen,
            ["c", "b", "c", "a", "b", "c", "a", "b", "c", "a", "b", "0"]
        );
        node.remove("0");
        node.remove("b");
        node.remove("c");
        node.remove("d");
        assert_eq!(node.first_offer(at(200)), None);
    }
}
