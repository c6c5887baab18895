//! What the cluster view draws of the requests pods send each other (pure, so it is tested
//! natively; `components/traffic.rs` only places it on screen): the legs a request travels
//! (client pod → Service → answering pod), drawn as lines labelled with their count or rate,
//! and a dot per request moving along them in virtual time — so dots stop with the clock and
//! move at the play speed. A failed request's dot stops short of where it went and fades.
//! Above a few requests per second between a client and where it sends them, the line
//! becomes a flow (thicker, labelled with its rate) with a few representative dots, so the
//! drawing costs the same at 100 requests per second as at 5.

use std::collections::HashMap;

use kubeplay_sim::traffic::{Outcome, Request};

/// Paths of the requests of this last stretch of virtual time stay drawn (the core keeps
/// requests this long).
pub const SHOWN_MS: u64 = kubeplay_sim::traffic::KEEP_MS;
/// A dot's time on one leg of its path (client → Service, Service → pod).
const LEG_MS: u64 = 400;
/// Faster than this between one client and one destination, and the requests are drawn as
/// a flow with representative dots.
const FLOW_ABOVE_PER_S: f64 = 4.0;
/// A flow shows one dot per this much virtual time.
const FLOW_DOT_EVERY_MS: u64 = 250;
/// The most dots drawn at once (the newest), however many clients send.
const MAX_DOTS: usize = 150;

/// Something on screen a path starts or ends at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Anchor {
    Pod { namespace: String, name: String },
    Service { namespace: String, name: String },
}

impl Anchor {
    fn pod(namespace: &str, name: &str) -> Anchor {
        Anchor::Pod {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    fn service(namespace: &str, name: &str) -> Anchor {
        Anchor::Service {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
}

/// One leg of the paths requests took in the last [`SHOWN_MS`].
#[derive(Clone, Debug, PartialEq)]
pub struct Leg {
    pub from: Anchor,
    pub to: Anchor,
    /// Requests that took this leg.
    pub count: usize,
    /// Of them, the ones that failed at its end (refused, timed out).
    pub failed: usize,
    /// Requests per second of virtual time, since the first one shown (at most [`SHOWN_MS`]).
    pub per_second: f64,
}

impl Leg {
    /// Drawn as a flow: thicker, with its rate, and only representative dots.
    pub fn is_flow(&self) -> bool {
        self.per_second > FLOW_ABOVE_PER_S
    }

    /// What the line says: the count of requests, or a flow's rate.
    pub fn label(&self) -> String {
        let main = if self.is_flow() {
            format!("{}/s", rate_text(self.per_second))
        } else {
            format!("{} req", self.count)
        };
        if self.failed > 0 {
            format!("{main} · {} failed", self.failed)
        } else {
            main
        }
    }

    /// Stroke width in pixels: grows with the rate, slowly.
    pub fn width(&self) -> f64 {
        if self.is_flow() {
            (1.5 + (1.0 + self.per_second).log2()).min(8.0)
        } else {
            1.5
        }
    }

    /// Every request on it failed.
    pub fn all_failed(&self) -> bool {
        self.failed == self.count
    }
}

/// `12`, `4.5`, `0.3`: two significant digits at most below 10.
pub fn rate_text(per_second: f64) -> String {
    if per_second >= 10.0 {
        format!("{per_second:.0}")
    } else {
        format!("{per_second:.1}")
    }
}

/// A request on its way: `along` (0 … 1) of the way from `from` to `to`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub from: Anchor,
    pub to: Anchor,
    pub along: f64,
    pub failed: bool,
    /// 1 while moving; a failed request's dot fades where it stopped.
    pub opacity: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub legs: Vec<Leg>,
    pub dots: Vec<Dot>,
}

impl Scene {
    /// Everything the scene needs placed on screen, each once.
    pub fn anchors(&self) -> Vec<&Anchor> {
        let mut anchors: Vec<&Anchor> = self
            .legs
            .iter()
            .flat_map(|leg| [&leg.from, &leg.to])
            .chain(self.dots.iter().flat_map(|dot| [&dot.from, &dot.to]))
            .collect();
        anchors.sort();
        anchors.dedup();
        anchors
    }

    /// The legs as they fall on screen: legs whose ends are drawn at the same places (pods
    /// shown at their node's lane when lanes show counts) merged into one, with their counts
    /// and rates added; legs from a place to itself, or from or to no place, left out.
    pub fn legs_between<K: Clone + Eq + std::hash::Hash>(
        &self,
        place: impl Fn(&Anchor) -> Option<K>,
    ) -> Vec<(K, K, Leg)> {
        let mut merged: Vec<(K, K, Leg)> = Vec::new();
        let mut index: HashMap<(K, K), usize> = HashMap::new();
        for leg in &self.legs {
            let (Some(from), Some(to)) = (place(&leg.from), place(&leg.to)) else {
                continue;
            };
            if from == to {
                continue;
            }
            match index.get(&(from.clone(), to.clone())) {
                Some(&i) => {
                    let into = &mut merged[i].2;
                    into.count += leg.count;
                    into.failed += leg.failed;
                    into.per_second += leg.per_second;
                }
                None => {
                    index.insert((from.clone(), to.clone()), merged.len());
                    merged.push((from, to, leg.clone()));
                }
            }
        }
        merged
    }
}

/// The anchors a request passes, client first.
fn path(request: &Request) -> Vec<Anchor> {
    let to = &request.server_namespace;
    let mut path = vec![Anchor::pod(&request.namespace, &request.client)];
    if let Some(service) = &request.service {
        path.push(Anchor::service(to, service));
    }
    if let Some(server) = &request.server {
        path.push(Anchor::pod(to, server));
    }
    // A pod calling itself over localhost goes nowhere on screen.
    path.dedup();
    path
}

/// Where a failed request's dot stops on its last leg, and how long it then takes to fade.
fn failure_stop(outcome: Outcome) -> Option<(f64, u64)> {
    match outcome {
        Outcome::Answered(_) => None,
        Outcome::Refused => Some((0.8, 600)),
        Outcome::TimedOut => Some((0.55, 1_200)),
        Outcome::Unresolved => Some((0.3, 800)),
    }
}

/// The dot of a request sent `age` ms ago along `path`, if it is still drawn.
fn dot_of(path: &[Anchor], outcome: Outcome, age: u64) -> Option<Dot> {
    let legs = path.len().saturating_sub(1) as u64;
    let stop = failure_stop(outcome);
    if legs == 0 {
        // Nowhere to go (a name that did not resolve, an unrouted address): a ring fades
        // on the client.
        let (_, fade) = stop?;
        return (age < fade).then(|| Dot {
            from: path[0].clone(),
            to: path[0].clone(),
            along: 0.0,
            failed: true,
            opacity: 1.0 - age as f64 / fade as f64,
        });
    }
    let (end, fade) = stop.map_or((1.0, 0), |(at, fade)| (at, fade));
    let travel = ((legs - 1) as f64 + end) * LEG_MS as f64;
    let age = age as f64;
    let (position, opacity) = if age < travel {
        (age / LEG_MS as f64, 1.0)
    } else if age < travel + fade as f64 {
        (travel / LEG_MS as f64, 1.0 - (age - travel) / fade as f64)
    } else {
        return None;
    };
    let leg = (position.floor() as usize).min(legs as usize - 1);
    Some(Dot {
        from: path[leg].clone(),
        to: path[leg + 1].clone(),
        along: (position - leg as f64).min(1.0),
        failed: stop.is_some(),
        opacity,
    })
}

/// How long after it was sent a request can still have a dot: two legs, then the longest fade.
const DOT_LIFE_MS: u64 = 2 * LEG_MS + 1_200;

/// The scene at `now_ms` from the requests of the last [`SHOWN_MS`] (oldest first), for the
/// namespace shown (`None`: all). Without `motion` (reduced motion asked for) there are no
/// dots, only the legs with their counts. Requests are counted by the path they took (few
/// distinct ones however many requests), so a frame at 100 requests per second allocates
/// per path and per dot, not per request.
pub fn scene<'a>(
    requests: impl Iterator<Item = &'a Request>,
    now_ms: u64,
    namespace: Option<&str>,
    motion: bool,
) -> Scene {
    struct Tally {
        count: usize,
        failed: usize,
        first_ms: u64,
    }
    type PathKey<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);
    let since = now_ms.saturating_sub(SHOWN_MS);
    let shown: Vec<&Request> = requests
        .filter(|r| r.at_ms >= since && r.at_ms <= now_ms)
        .filter(|r| namespace.is_none_or(|ns| ns == r.namespace || ns == r.server_namespace))
        .collect();
    // Requests by the path they took, in order of first appearance.
    let mut paths: Vec<(&Request, Tally)> = Vec::new();
    let mut path_index: HashMap<PathKey, usize> = HashMap::new();
    for request in &shown {
        let key = (
            request.namespace.as_str(),
            request.client.as_str(),
            request.server_namespace.as_str(),
            request.service.as_deref(),
            request.server.as_deref(),
        );
        let i = *path_index.entry(key).or_insert_with(|| {
            paths.push((
                request,
                Tally {
                    count: 0,
                    failed: 0,
                    first_ms: request.at_ms,
                },
            ));
            paths.len() - 1
        });
        let tally = &mut paths[i].1;
        tally.count += 1;
        tally.failed += usize::from(failure_stop(request.outcome).is_some());
    }
    let mut order: Vec<(Anchor, Anchor)> = Vec::new();
    let mut tallies: HashMap<(Anchor, Anchor), Tally> = HashMap::new();
    for (request, path_tally) in &paths {
        let path = path(request);
        for (i, pair) in path.windows(2).enumerate() {
            let key = (pair[0].clone(), pair[1].clone());
            let tally = tallies.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                Tally {
                    count: 0,
                    failed: 0,
                    first_ms: path_tally.first_ms,
                }
            });
            tally.count += path_tally.count;
            tally.first_ms = tally.first_ms.min(path_tally.first_ms);
            // A request fails at the end of its path.
            if i + 2 == path.len() {
                tally.failed += path_tally.failed;
            }
        }
    }
    let per_second = |tally: &Tally| {
        let span = now_ms.saturating_sub(tally.first_ms).max(1_000);
        tally.count as f64 * 1000.0 / span as f64
    };
    let mut dots = Vec::new();
    if motion {
        // The last dot bucket drawn per flow (client and first hop).
        let mut last_bucket: HashMap<(Anchor, Anchor), u64> = HashMap::new();
        let young = now_ms.saturating_sub(DOT_LIFE_MS);
        for request in shown.iter().filter(|r| r.at_ms >= young) {
            let path = path(request);
            if let [client, first, ..] = path.as_slice() {
                let flow = (client.clone(), first.clone());
                let is_flow = tallies
                    .get(&flow)
                    .is_some_and(|t| per_second(t) > FLOW_ABOVE_PER_S);
                if is_flow {
                    let bucket = request.at_ms / FLOW_DOT_EVERY_MS;
                    if last_bucket.insert(flow, bucket) == Some(bucket) {
                        continue;
                    }
                }
            }
            dots.extend(dot_of(&path, request.outcome, now_ms - request.at_ms));
        }
        dots.drain(..dots.len().saturating_sub(MAX_DOTS));
    }
    let legs = order
        .into_iter()
        .filter_map(|key| {
            let tally = tallies.get(&key)?;
            Some(Leg {
                per_second: per_second(tally),
                count: tally.count,
                failed: tally.failed,
                from: key.0,
                to: key.1,
            })
        })
        .collect();
    Scene { legs, dots }
}

/// Requests through each Service per second, over the same stretch the legs show, by
/// (namespace, Service name).
pub fn service_rates<'a>(
    requests: impl Iterator<Item = &'a Request>,
    now_ms: u64,
) -> HashMap<(String, String), f64> {
    let since = now_ms.saturating_sub(SHOWN_MS);
    let mut seen: HashMap<(String, String), (usize, u64)> = HashMap::new();
    for request in requests.filter(|r| r.at_ms >= since && r.at_ms <= now_ms) {
        if let Some(service) = &request.service {
            let entry = seen
                .entry((request.server_namespace.clone(), service.clone()))
                .or_insert((0, request.at_ms));
            entry.0 += 1;
        }
    }
    seen.into_iter()
        .map(|(key, (count, first))| {
            let span = now_ms.saturating_sub(first).max(1_000);
            (key, count as f64 * 1000.0 / span as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(at_ms: u64, client: &str, server: Option<&str>, outcome: Outcome) -> Request {
        Request {
            at_ms,
            namespace: "dev".into(),
            client: client.into(),
            server_namespace: "dev".into(),
            service: Some("demo".into()),
            server: server.map(str::to_string),
            outcome,
        }
    }

    fn pod(name: &str) -> Anchor {
        Anchor::pod("dev", name)
    }

    fn demo() -> Anchor {
        Anchor::service("dev", "demo")
    }

    #[test]
    fn an_answered_request_travels_client_service_server_then_goes() {
        let requests = [request(
            1_000,
            "load",
            Some("demo-a"),
            Outcome::Answered(200),
        )];
        let at = |now| scene(requests.iter(), now, None, true).dots;
        let start = at(1_000);
        assert_eq!(start.len(), 1);
        assert_eq!((&start[0].from, &start[0].to), (&pod("load"), &demo()));
        assert_eq!(start[0].along, 0.0);
        let halfway = at(1_200);
        assert_eq!(halfway[0].along, 0.5);
        let second_leg = at(1_500);
        assert_eq!(
            (&second_leg[0].from, &second_leg[0].to),
            (&demo(), &pod("demo-a"))
        );
        assert!((second_leg[0].along - 0.25).abs() < 1e-9);
        assert!(!second_leg[0].failed);
        assert!(at(1_800).is_empty(), "arrived");
        // The legs stay drawn with their counts after the dot arrived.
        let legs = scene(requests.iter(), 5_000, None, true).legs;
        assert_eq!(legs.len(), 2);
        assert_eq!(legs[0].label(), "1 req");
        assert_eq!((&legs[1].from, &legs[1].to), (&demo(), &pod("demo-a")));
        assert!(scene(requests.iter(), 11_001, None, true).legs.is_empty());
    }

    #[test]
    fn a_refused_request_stops_short_and_fades() {
        let requests = [request(0, "load", None, Outcome::Refused)];
        let at = |now| scene(requests.iter(), now, None, true).dots;
        let stopped = at(320);
        assert_eq!(stopped.len(), 1);
        assert!(stopped[0].failed);
        assert!((stopped[0].along - 0.8).abs() < 1e-9);
        assert_eq!(stopped[0].opacity, 1.0);
        let fading = at(620);
        assert!((fading[0].along - 0.8).abs() < 1e-9, "it does not move on");
        assert!((fading[0].opacity - 0.5).abs() < 1e-9);
        assert!(at(1_000).is_empty());
        let legs = scene(requests.iter(), 1_000, None, true).legs;
        assert_eq!(legs.len(), 1);
        assert!(legs[0].all_failed());
        assert_eq!(legs[0].label(), "1 req · 1 failed");
    }

    #[test]
    fn a_name_that_did_not_resolve_fades_on_the_client() {
        let requests = [Request {
            service: None,
            ..request(0, "load", None, Outcome::Unresolved)
        }];
        let dots = scene(requests.iter(), 200, None, true).dots;
        assert_eq!(dots.len(), 1);
        assert_eq!((&dots[0].from, &dots[0].to), (&pod("load"), &pod("load")));
        assert!(scene(requests.iter(), 200, None, true).legs.is_empty());
    }

    /// 100 requests per second from one client: one leg pair labelled with the rate and a
    /// handful of dots, not one per request.
    #[test]
    fn fast_traffic_is_a_flow_with_representative_dots() {
        let servers = ["demo-a", "demo-b", "demo-c"];
        let requests: Vec<Request> = (0..1_000u64)
            .map(|i| {
                request(
                    i * 10,
                    "load",
                    Some(servers[i as usize % 3]),
                    Outcome::Answered(200),
                )
            })
            .collect();
        let now = 9_995;
        let scene = scene(requests.iter(), now, None, true);
        let client_leg = &scene.legs[0];
        assert_eq!(client_leg.count, 1_000);
        assert!(client_leg.is_flow());
        assert_eq!(client_leg.label(), "100/s");
        assert_eq!(client_leg.width(), 8.0);
        assert_eq!(scene.legs.len(), 4, "client → demo, demo → each pod");
        // Dots travel 800 ms: one per 250 ms bucket.
        assert!(
            (3..=4).contains(&scene.dots.len()),
            "{} dots",
            scene.dots.len()
        );
        // A slow client is not aggregated.
        let slow: Vec<Request> = (0..5u64)
            .map(|i| request(i * 1_000, "load", Some("demo-a"), Outcome::Answered(200)))
            .collect();
        let slow_scene = super::scene(slow.iter(), 4_100, None, true);
        assert!(!slow_scene.legs[0].is_flow());
        assert_eq!(slow_scene.legs[0].label(), "5 req");
    }

    #[test]
    fn reduced_motion_draws_legs_only_and_the_filter_keeps_its_namespace() {
        let requests = [request(0, "load", Some("demo-a"), Outcome::Answered(200))];
        let still = scene(requests.iter(), 100, None, false);
        assert!(still.dots.is_empty());
        assert_eq!(still.legs.len(), 2);
        assert_eq!(
            scene(requests.iter(), 100, Some("prod"), true),
            Scene::default()
        );
        assert_eq!(still.anchors().len(), 3);
    }

    /// Pods drawn at their node's lane: the legs between two lanes become one.
    #[test]
    fn legs_that_fall_on_the_same_places_merge() {
        let requests = [
            request(0, "load-1", Some("demo-a"), Outcome::Answered(200)),
            request(10, "load-2", Some("demo-a"), Outcome::Answered(200)),
            request(20, "load-2", None, Outcome::Refused),
        ];
        let scene = scene(requests.iter(), 1_000, None, true);
        assert_eq!(
            scene.legs.len(),
            3,
            "load-1 → demo, load-2 → demo, demo → demo-a"
        );
        let lane = |anchor: &Anchor| match anchor {
            Anchor::Pod { name, .. } if name.starts_with("load") => Some("worker"),
            Anchor::Pod { .. } => Some("worker2"),
            Anchor::Service { .. } => Some("services"),
        };
        let merged = scene.legs_between(lane);
        assert_eq!(merged.len(), 2);
        assert_eq!((merged[0].0, merged[0].1), ("worker", "services"));
        assert_eq!((merged[0].2.count, merged[0].2.failed), (3, 1));
        // A place to itself is not drawn; an anchor off screen takes its legs with it.
        assert!(scene.legs_between(|_| Some("one")).is_empty());
        assert_eq!(
            scene
                .legs_between(|a| matches!(a, Anchor::Service { .. }).then_some(1).or(Some(2)))
                .len(),
            2
        );
        assert!(scene.legs_between(|_| None::<u8>).is_empty());
    }

    /// The whole way from a typed command: a looping client's requests become legs through
    /// the Service to the pods; with no endpoint left they fail at the Service.
    #[test]
    fn a_looping_client_in_a_playground_draws_its_paths() {
        use crate::playground::{Playground, Preset, Settings};
        let mut p = Playground::new(Settings {
            seed: 4,
            preset: Preset::KindMulti,
            start_second: 1_748_859_300,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        p.run("kubectl create deployment demo --image=demo:1.0.0 --replicas=3");
        p.run("kubectl expose deployment demo --port=80");
        p.run("kubectl run load --image=busybox --restart=Never -- sh -c 'while true; do wget -qO- http://demo; sleep 1; done'");
        p.advance(40_000);
        let scene_now = |p: &Playground| {
            let cluster = &p.terminal.cluster;
            let now = cluster.now_ms();
            scene(cluster.traffic().since(now - SHOWN_MS), now, None, true)
        };
        let served = scene_now(&p);
        assert_eq!(
            (&served.legs[0].from, &served.legs[0].to),
            (
                &Anchor::pod("default", "load"),
                &Anchor::service("default", "demo")
            )
        );
        assert_eq!(served.legs.len(), 4, "{:?}", served.legs);
        assert!(served.legs.iter().all(|leg| leg.failed == 0));
        p.run("kubectl scale deployment demo --replicas=0");
        p.advance(40_000);
        let refused = scene_now(&p);
        assert_eq!(refused.legs.len(), 1, "{:?}", refused.legs);
        assert_eq!(refused.legs[0].to, Anchor::service("default", "demo"));
        assert!(refused.legs[0].all_failed());
    }

    /// A NetworkPolicy that lets nothing reach the demo pods: the requests time out on their
    /// way through the Service, and the leg says they failed.
    #[test]
    fn requests_a_network_policy_drops_fail_on_their_way() {
        use crate::playground::{Playground, Preset, Settings};
        let mut p = Playground::new(Settings {
            seed: 6,
            preset: Preset::Kind,
            start_second: 1_748_859_300,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        p.run("kubectl create deployment demo --image=demo:1.0.0 --replicas=2");
        p.run("kubectl expose deployment demo --port=80");
        p.run("kubectl run load --image=busybox --restart=Never -- sh -c 'while true; do wget -T 2 -qO- http://demo; sleep 1; done'");
        p.advance(30_000);
        p.apply(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-demo\nspec:\n  podSelector:\n    matchLabels:\n      app: demo\n  policyTypes: [Ingress]\n",
        );
        p.advance(30_000);
        let cluster = &p.terminal.cluster;
        let now = cluster.now_ms();
        let requests: Vec<&Request> = cluster.traffic().since(now - SHOWN_MS).collect();
        assert!(!requests.is_empty());
        assert!(
            requests.iter().all(|r| r.outcome == Outcome::TimedOut),
            "{requests:?}"
        );
        let blocked = scene(requests.into_iter(), now, None, true);
        assert_eq!(blocked.legs.len(), 1, "{:?}", blocked.legs);
        assert_eq!(blocked.legs[0].to, Anchor::service("default", "demo"));
        assert!(blocked.legs[0].all_failed());
        assert!(blocked.dots.iter().all(|dot| dot.failed));
    }

    #[test]
    fn service_rates_count_the_requests_through_each_service() {
        let requests: Vec<Request> = (0..20u64)
            .map(|i| request(i * 500, "load", Some("demo-a"), Outcome::Answered(200)))
            .collect();
        let rates = service_rates(requests.iter(), 10_000);
        assert_eq!(rates.get(&("dev".into(), "demo".into())), Some(&2.0));
    }
}
