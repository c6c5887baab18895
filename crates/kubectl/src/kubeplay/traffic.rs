//! `kubeplay traffic`: how many requests each pod sent and answered, and how busy it is now —
//! the counters the page draws on pod chips, for a terminal or a transcript.

use kubeplay_model::Kind;
use kubeplay_model::object::MetaExt;
use kubeplay_sim::traffic::{KEEP_MS, Outcome};

use crate::args::{self, Flag, boolean, value};
use crate::output::Output;
use crate::session::Session;
use crate::text::tabwriter::{self, Config};

pub const USAGE: &str =
    "Show the requests pods sent each other: per pod, how many it sent and answered,
and the requests per second it sent or answered over the last 10 seconds.

Examples:
  kubeplay traffic -n dev
  kubeplay traffic -A

Usage:
  kubeplay traffic [-n NAMESPACE | -A]
";

const FLAGS: &[Flag] = &[
    value("namespace", Some('n')),
    boolean("all-namespaces", Some('A')),
];

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "kubeplay traffic") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    if !parsed.positional.is_empty() {
        return out.out(USAGE);
    }
    let all = parsed.bool("all-namespaces");
    let namespace = (!all).then(|| parsed.value("namespace").unwrap_or("default"));
    let cluster = &*session.cluster;
    let traffic = cluster.traffic();
    // The last 10 seconds: after `now - 10 s`, up to now.
    let since = (cluster.now_ms() + 1).saturating_sub(KEEP_MS);
    let mut rows = Vec::new();
    for pod in cluster.api.store.list(Kind::Pod, namespace) {
        let (ns, name) = (pod.meta().namespace_str(), pod.meta().name_str());
        let (sent, served) = (traffic.sent_by(ns, name), traffic.served_by(ns, name));
        if sent == 0 && served == 0 {
            continue;
        }
        let lately = traffic
            .since(since)
            .filter(|r| r.namespace == ns)
            .filter(|r| {
                r.client == name
                    || (r.server.as_deref() == Some(name)
                        && matches!(r.outcome, Outcome::Answered(_)))
            })
            .count();
        let rate = lately as f64 * 1000.0 / KEEP_MS as f64;
        let namespace_column = if all {
            format!("{ns}\t")
        } else {
            String::new()
        };
        rows.push(format!(
            "{namespace_column}{name}\t{sent}\t{served}\t{rate:.1}/s\n"
        ));
    }
    if rows.is_empty() {
        return out.error(match namespace {
            Some(ns) => format!("No requests between pods in {ns} namespace."),
            None => "No requests between pods.".to_string(),
        });
    }
    let header = if all {
        "NAMESPACE\tNAME\tSENT\tSERVED\tRATE\n"
    } else {
        "NAME\tSENT\tSERVED\tRATE\n"
    };
    let table: String = std::iter::once(header.to_string()).chain(rows).collect();
    out.out(tabwriter::layout(Config::GET, &table));
}
