//! The requests pods send each other, as the page draws and counts them: who sent each
//! one, through which Service, which pod answered (or why none did), and when. Kept for a
//! short window of virtual time (enough to draw a request travelling), with running totals
//! per pod for the counters.

use std::collections::VecDeque;

use foldhash::HashMap;

use crate::clock::Millis;

/// How long requests are kept for drawing.
pub const KEEP_MS: Millis = 10_000;
/// Most requests kept however fast they come (the page aggregates them into flows).
const KEEP_MAX: usize = 20_000;

/// One request between pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub at_ms: Millis,
    /// The namespace of the pod that sent it.
    pub namespace: String,
    /// The pod that sent it.
    pub client: String,
    /// The namespace of the Service and the pod it went to (a Service sends to its own
    /// namespace's pods); the client's when it went nowhere.
    pub server_namespace: String,
    /// The Service it went through (by its ClusterIP, its name or a NodePort).
    pub service: Option<String>,
    /// The pod that answered it.
    pub server: Option<String>,
    pub outcome: Outcome,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A server answered with this HTTP status.
    Answered(u16),
    /// The connection was refused (no ready endpoint, nothing listening).
    Refused,
    /// Packets were dropped: a policy, an unrouted address or port.
    TimedOut,
    /// The name did not resolve.
    Unresolved,
}

/// The requests of the last [`KEEP_MS`] and the totals per pod since the start.
#[derive(Clone, Debug, Default)]
pub struct Traffic {
    recent: VecDeque<Request>,
    /// Requests answered, by the answering pod's `namespace/name`.
    served: HashMap<String, u64>,
    /// Requests sent, by the sending pod's `namespace/name`.
    sent: HashMap<String, u64>,
    total: u64,
}

impl Traffic {
    pub fn record(&mut self, request: Request) {
        let key = |namespace: &str, pod: &str| format!("{namespace}/{pod}");
        *self
            .sent
            .entry(key(&request.namespace, &request.client))
            .or_default() += 1;
        if let (Some(server), Outcome::Answered(_)) = (&request.server, request.outcome) {
            *self
                .served
                .entry(key(&request.server_namespace, server))
                .or_default() += 1;
        }
        self.total += 1;
        let cutoff = request.at_ms.saturating_sub(KEEP_MS);
        while self
            .recent
            .front()
            .is_some_and(|r| r.at_ms < cutoff || self.recent.len() >= KEEP_MAX)
        {
            self.recent.pop_front();
        }
        self.recent.push_back(request);
    }

    /// The requests sent at or after `at_ms` (within the last [`KEEP_MS`]), oldest first.
    pub fn since(&self, at_ms: Millis) -> impl Iterator<Item = &Request> {
        let first = self.recent.partition_point(|r| r.at_ms < at_ms);
        self.recent.range(first..)
    }

    /// Requests `namespace/pod` answered since the start.
    pub fn served_by(&self, namespace: &str, pod: &str) -> u64 {
        self.served
            .get(&format!("{namespace}/{pod}"))
            .copied()
            .unwrap_or(0)
    }

    /// Requests `namespace/pod` sent since the start.
    pub fn sent_by(&self, namespace: &str, pod: &str) -> u64 {
        self.sent
            .get(&format!("{namespace}/{pod}"))
            .copied()
            .unwrap_or(0)
    }

    /// Requests sent since the start.
    pub fn total(&self) -> u64 {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(at_ms: Millis, server: &str, outcome: Outcome) -> Request {
        Request {
            at_ms,
            namespace: "dev".into(),
            client: "client".into(),
            server_namespace: "dev".into(),
            service: Some("demo".into()),
            server: Some(server.into()),
            outcome,
        }
    }

    #[test]
    fn counts_per_pod_and_keeps_a_window() {
        let mut traffic = Traffic::default();
        traffic.record(request(0, "a", Outcome::Answered(200)));
        traffic.record(request(1_000, "b", Outcome::Answered(200)));
        traffic.record(request(2_000, "b", Outcome::Refused));
        traffic.record(request(20_000, "a", Outcome::Answered(404)));
        assert_eq!(traffic.served_by("dev", "a"), 2);
        assert_eq!(
            traffic.served_by("dev", "b"),
            1,
            "a refused request is not served"
        );
        assert_eq!(traffic.sent_by("dev", "client"), 4);
        assert_eq!(traffic.total(), 4);
        // The first three are older than the window when the fourth comes.
        assert_eq!(traffic.since(0).count(), 1);
        assert_eq!(traffic.since(20_001).count(), 0);
    }

    #[test]
    fn a_request_to_another_namespace_is_served_there() {
        let mut traffic = Traffic::default();
        traffic.record(Request {
            namespace: "ops".into(),
            ..request(0, "a", Outcome::Answered(200))
        });
        assert_eq!(traffic.sent_by("ops", "client"), 1);
        assert_eq!(traffic.served_by("dev", "a"), 1);
        assert_eq!(traffic.served_by("ops", "a"), 0);
    }
}
