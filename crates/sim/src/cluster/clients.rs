//! The controllers' API clients and their rate limiters. kube-controller-manager gives every
//! controller its own client (`ClientBuilder.ClientOrDie(name)`), and client-go puts a token
//! bucket on each: `--kube-api-qps` 20 a second, `--kube-api-burst` 30 (the controller
//! manager's defaults, `RecommendedDefaultGenericControllerManagerConfiguration`). A write
//! waits for a token. This is what makes a scale to 1,000 replicas take about a minute on a
//! real cluster: the ReplicaSet controller's creates (and the garbage collector's deletes)
//! go out at 30, then 20 a second.
//!
//! Modelled here: the creates and deletes a reconcile intends (its bulk work) take tokens
//! and are sent while tokens last; the rest of the sync resumes when a tenth of a second's
//! worth of tokens is back — the same pods at the same pace, without a timer per token.
//! Held-back syncs go on first come, first served, and a sync that finds others waiting
//! queues behind them (`Clients::may_send`), as requests blocked in a `rate.Limiter`'s
//! `Wait` are served in the order they reserved their tokens. A sync sees
//! its client's tokens (`Context::tokens`), so a scale-down picks only the pods it can delete
//! now instead of ranking them all to send none. Other writes
//! (status, scale, adoption) are not counted: the simulation syncs more eagerly than a real
//! work queue (which folds a burst of changes into one sync), so counting its status writes
//! would hold back creates a real controller sends at once. The scheduler (50/100) and
//! kubelets (50/100) are not limited: at 20 creates a second they stay under their limits
//! (see ARCHITECTURE.md, "Known differences").

use std::collections::VecDeque;

use foldhash::{HashMap, HashMapExt, HashSet};
use kubeplay_model::ObjectKey;

use crate::clock::Millis;
use crate::controllers::ControllerId;

/// A client's `QPS` and `Burst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests a second, in thousandths (`--kube-api-qps` may be fractional).
    pub milli_qps: u64,
    pub burst: u64,
}

impl RateLimit {
    /// kube-controller-manager's defaults: 20 requests a second, bursts of 30.
    pub const CONTROLLER_MANAGER: RateLimit = RateLimit {
        milli_qps: 20_000,
        burst: 30,
    };

    /// `--kube-api-qps` / `--kube-api-burst` as given on the command line (or in a kind
    /// config's `kubeadmConfigPatches`); `None` for what the flags would reject.
    pub fn from_flags(qps: Option<&str>, burst: Option<&str>, default: RateLimit) -> Option<Self> {
        let milli_qps = match qps {
            None => default.milli_qps,
            Some(text) => {
                let qps: f64 = text.trim().parse().ok()?;
                if !qps.is_finite() || qps <= 0.0 || qps > 1e9 {
                    return None;
                }
                (qps * 1000.0).round().max(1.0) as u64
            }
        };
        let burst = match burst {
            None => default.burst,
            Some(text) => text.trim().parse::<u64>().ok().filter(|b| *b > 0)?,
        };
        Some(RateLimit { milli_qps, burst })
    }
}

/// One client's token bucket, in thousandths of a token.
#[derive(Clone, Debug)]
struct Bucket {
    milli_tokens: i64,
    at_ms: Millis,
}

/// Every controller's client, by controller name.
#[derive(Clone, Debug)]
pub(super) struct Clients {
    limit: RateLimit,
    buckets: HashMap<&'static str, Bucket>,
    /// Syncs held back for tokens, per controller, in the order they asked: as goroutines
    /// blocked in the limiter's `Wait`, they go on first come, first served.
    waiting: HashMap<ControllerId, Waiting>,
}

#[derive(Clone, Debug, Default)]
struct Waiting {
    keys: VecDeque<ObjectKey>,
    queued: HashSet<ObjectKey>,
    /// Keys released and not yet synced: their turn has come, ahead of those still waiting.
    released: HashSet<ObjectKey>,
}

impl Default for Clients {
    fn default() -> Self {
        Clients::new(RateLimit::CONTROLLER_MANAGER)
    }
}

impl Clients {
    pub(super) fn new(limit: RateLimit) -> Clients {
        Clients {
            limit,
            buckets: HashMap::new(),
            waiting: HashMap::new(),
        }
    }

    /// Holds `key`'s sync back until tokens are back; true if the controller had nothing
    /// waiting yet (the caller then sets a timer for it). A sync that sent nothing (`sent`
    /// false: the keys released before it took every token) goes first next time: the
    /// limiter serves blocked workers in turn, so two ReplicaSets held back together (a
    /// rollout's creates and deletes) share the tokens instead of the first taking them all.
    pub(super) fn hold_back(
        &mut self,
        controller: ControllerId,
        key: &ObjectKey,
        sent: bool,
    ) -> bool {
        let waiting = self.waiting.entry(controller).or_default();
        let first = waiting.keys.is_empty();
        if waiting.queued.insert(key.clone()) {
            if sent {
                waiting.keys.push_back(key.clone());
            } else {
                waiting.keys.push_front(key.clone());
            }
        }
        first
    }

    /// Whether `key`'s sync may send creates and deletes now: its turn has come (released),
    /// or no sync of the controller waits for tokens. A held-back sync is a worker blocked in
    /// the limiter's `Wait`, so a wake meanwhile sends nothing for it; and a newcomer's
    /// requests queue behind the reservations already made (`rate.Limiter` serves them in
    /// order), so it waits too.
    pub(super) fn may_send(&self, controller: ControllerId, key: &ObjectKey) -> bool {
        self.waiting.get(&controller).is_none_or(|waiting| {
            waiting.released.contains(key) || waiting.keys.is_empty() && waiting.released.is_empty()
        })
    }

    /// `key`'s sync has had its turn (whether it sent or was held back again).
    pub(super) fn synced(&mut self, controller: ControllerId, key: &ObjectKey) {
        if let Some(waiting) = self.waiting.get_mut(&controller) {
            waiting.released.remove(key);
            if waiting.keys.is_empty() && waiting.released.is_empty() {
                self.waiting.remove(&controller);
            }
        }
    }

    /// The held-back keys that may go on now (as many as there are tokens, at least one),
    /// and whether others still wait.
    pub(super) fn release(
        &mut self,
        controller: ControllerId,
        now: Millis,
    ) -> (Vec<ObjectKey>, bool) {
        let tokens = self.available(controller.0.name, now).max(1);
        let Some(waiting) = self.waiting.get_mut(&controller) else {
            return (Vec::new(), false);
        };
        let count = usize::try_from(tokens)
            .unwrap_or(usize::MAX)
            .min(waiting.keys.len());
        let released: Vec<ObjectKey> = waiting.keys.drain(..count).collect();
        for key in &released {
            waiting.queued.remove(key);
            waiting.released.insert(key.clone());
        }
        (released, !waiting.keys.is_empty())
    }

    fn full(&self) -> i64 {
        i64::try_from(self.limit.burst.saturating_mul(1000)).unwrap_or(i64::MAX)
    }

    /// The controller's bucket, refilled up to `now`.
    fn bucket(&mut self, controller: &'static str, now: Millis) -> &mut Bucket {
        let full = self.full();
        let refill = self.limit.milli_qps;
        let bucket = self.buckets.entry(controller).or_insert(Bucket {
            milli_tokens: full,
            at_ms: now,
        });
        let elapsed = now.saturating_sub(bucket.at_ms);
        // milli_qps thousandths of a token a second = milli_qps / 1000 thousandths a ms.
        let gained =
            i64::try_from(u128::from(elapsed) * u128::from(refill) / 1000).unwrap_or(i64::MAX);
        bucket.milli_tokens = bucket.milli_tokens.saturating_add(gained).min(full);
        bucket.at_ms = now;
        bucket
    }

    /// Whole tokens the controller may spend now.
    pub(super) fn available(&mut self, controller: &'static str, now: Millis) -> u64 {
        u64::try_from(self.bucket(controller, now).milli_tokens / 1000).unwrap_or(0)
    }

    /// [`Clients::available`] without touching the bucket (refilling it at other instants
    /// than the writes would round a fractional rate differently).
    pub(super) fn peek(&self, controller: &'static str, now: Millis) -> u64 {
        let Some(bucket) = self.buckets.get(controller) else {
            return self.limit.burst;
        };
        let elapsed = now.saturating_sub(bucket.at_ms);
        let gained = i64::try_from(u128::from(elapsed) * u128::from(self.limit.milli_qps) / 1000)
            .unwrap_or(i64::MAX);
        let tokens = bucket.milli_tokens.saturating_add(gained).min(self.full());
        u64::try_from(tokens / 1000).unwrap_or(0)
    }

    /// Spends `tokens` (at most what is available: callers ask first).
    pub(super) fn spend(&mut self, controller: &'static str, now: Millis, tokens: u64) {
        let bucket = self.bucket(controller, now);
        let cost = i64::try_from(tokens.saturating_mul(1000)).unwrap_or(i64::MAX);
        bucket.milli_tokens = bucket.milli_tokens.saturating_sub(cost);
    }

    /// How long until a held-back sync may go on: a tenth of a second's worth of tokens (at
    /// most a burst, at least one). A worker blocked in `Wait` sends each request as its
    /// token comes; resuming ten times a second keeps that pace within 100 ms without a
    /// timer per token.
    pub(super) fn resume_in_ms(&mut self, controller: &'static str, now: Millis) -> Millis {
        let want = (self.limit.milli_qps / 10)
            .min(self.limit.burst * 1000)
            .max(1000);
        let have = self.bucket(controller, now).milli_tokens;
        let missing = u64::try_from(i64::try_from(want).unwrap_or(i64::MAX) - have).unwrap_or(0);
        // Tokens come at milli_qps thousandths a second: `missing * 1000 / milli_qps` ms.
        (missing.saturating_mul(1000))
            .div_ceil(self.limit.milli_qps.max(1))
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_holds_a_burst_and_refills_at_qps() {
        let mut clients = Clients::default();
        assert_eq!(clients.available("replicaset", 0), 30);
        clients.spend("replicaset", 0, 30);
        assert_eq!(clients.available("replicaset", 0), 0);
        assert_eq!(clients.available("replicaset", 500), 10);
        assert_eq!(clients.available("replicaset", 10_000), 30);
        // Each controller has its own client.
        assert_eq!(clients.available("job", 0), 30);
        // Peeking refills nothing.
        clients.spend("job", 0, 30);
        assert_eq!(clients.peek("job", 750), 15);
        assert_eq!(clients.peek("deployment", 750), 30);
        assert_eq!(clients.available("job", 750), 15);
    }

    #[test]
    fn a_key_is_held_back_until_released() {
        let mut clients = Clients::default();
        let replicaset = ControllerId(&crate::controllers::replicaset::CONTROLLER);
        let key = ObjectKey::new(kubeplay_model::Kind::ReplicaSet, "default", "web");
        let other = ObjectKey::new(kubeplay_model::Kind::ReplicaSet, "default", "api");
        assert!(clients.may_send(replicaset, &key));
        assert!(clients.hold_back(replicaset, &key, true));
        // Held back, and a newcomer queues behind it.
        assert!(!clients.may_send(replicaset, &key));
        assert!(!clients.may_send(replicaset, &other));
        let (released, more) = clients.release(replicaset, 0);
        assert_eq!((released, more), (vec![key.clone()], false));
        // Its turn has come; the newcomer's comes after its sync.
        assert!(clients.may_send(replicaset, &key));
        assert!(!clients.may_send(replicaset, &other));
        clients.synced(replicaset, &key);
        assert!(clients.may_send(replicaset, &other));
    }

    #[test]
    fn a_key_that_sent_nothing_goes_first_next_time() {
        let mut clients = Clients::default();
        let replicaset = ControllerId(&crate::controllers::replicaset::CONTROLLER);
        let key = |name: &str| ObjectKey::new(kubeplay_model::Kind::ReplicaSet, "default", name);
        // Both released; the creates took every token, the deletes sent nothing.
        clients.hold_back(replicaset, &key("new"), true);
        clients.hold_back(replicaset, &key("old"), false);
        let (released, _) = clients.release(replicaset, 0);
        assert_eq!(released, vec![key("old"), key("new")]);
    }

    #[test]
    fn a_held_back_sync_resumes_when_a_tenth_of_a_seconds_worth_is_back() {
        let mut clients = Clients::default();
        clients.spend("replicaset", 0, 30);
        // None left; two (a tenth of 20 a second) come in 100 ms.
        assert_eq!(clients.resume_in_ms("replicaset", 0), 100);
        assert_eq!(clients.available("replicaset", 100), 2);
        // At one request a second, one token.
        let mut slow = Clients::new(RateLimit {
            milli_qps: 1_000,
            burst: 1,
        });
        slow.spend("replicaset", 0, 1);
        assert_eq!(slow.resume_in_ms("replicaset", 0), 1_000);
    }

    #[test]
    fn flags_are_read_as_the_controller_manager_reads_them() {
        let default = RateLimit::CONTROLLER_MANAGER;
        assert_eq!(RateLimit::from_flags(None, None, default), Some(default));
        assert_eq!(
            RateLimit::from_flags(Some("0.5"), Some("1"), default),
            Some(RateLimit {
                milli_qps: 500,
                burst: 1
            })
        );
        assert_eq!(RateLimit::from_flags(Some("fast"), None, default), None);
        assert_eq!(RateLimit::from_flags(Some("-1"), None, default), None);
        assert_eq!(RateLimit::from_flags(None, Some("0"), default), None);
    }
}
