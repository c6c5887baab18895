//! `kubeplay fit POD`: the scheduler's verdict node by node — what `describe pod` only
//! summarises as "0/4 nodes are available: 1 node(s) had untolerated taint …, 3 Insufficient cpu".

use kubeplay_model::{Kind, ObjectKey};
use kubeplay_sim::controllers::fit::NodeFit;

use crate::args::{self, Flag, value};
use crate::errors;
use crate::output::Output;
use crate::session::Session;
use crate::text::tabwriter::{self, Config};

pub const USAGE: &str = "Show, node by node, whether a pod fits and why not.

Examples:
  kubeplay fit web-7d4b9c8f5-x2x9q
  kubeplay fit -n kube-system coredns-5b8d87c57-29n5l

Usage:
  kubeplay fit POD [-n NAMESPACE]
";

const FLAGS: &[Flag] = &[value("namespace", Some('n'))];

/// `1500` milli-cores as `1.5`, bytes as `512Mi`.
fn cpu(milli: i128) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

fn memory(milli: i128) -> String {
    let bytes = milli / 1000;
    const UNITS: [(&str, i128); 3] = [("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)];
    UNITS
        .iter()
        .find(|(_, size)| bytes >= *size && bytes % size == 0)
        .map_or_else(
            || bytes.to_string(),
            |(unit, size)| format!("{}{unit}", bytes / size),
        )
}

/// The reasons with the numbers behind resource shortfalls.
fn explained(fit: &NodeFit) -> String {
    fit.reasons
        .iter()
        .map(|reason| match reason.as_str() {
            "Insufficient cpu" => format!(
                "Insufficient cpu (requests {}, {} of {} already requested)",
                cpu(fit.requested.cpu_milli),
                cpu(fit.used.cpu_milli),
                cpu(fit.allocatable.cpu_milli)
            ),
            "Insufficient memory" => format!(
                "Insufficient memory (requests {}, {} of {} already requested)",
                memory(fit.requested.memory_milli),
                memory(fit.used.memory_milli),
                memory(fit.allocatable.memory_milli)
            ),
            "Too many pods" => format!(
                "Too many pods ({} of {} pods)",
                fit.used.pods, fit.allocatable.pods
            ),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "kubeplay fit") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let [name] = parsed.positional.as_slice() else {
        return out.out(USAGE);
    };
    let name = name.strip_prefix("pod/").unwrap_or(name);
    let namespace = parsed.value("namespace").unwrap_or("default");
    let key = ObjectKey::new(Kind::Pod, namespace, name);
    let Some(fits) = session.cluster.explain_fit(&key) else {
        return out.error(errors::render(&kubeplay_model::ApiError::not_found(
            Kind::Pod,
            name,
        )));
    };
    let mut table = String::from("NODE\tFITS\tWHY NOT\n");
    for fit in &fits {
        let verdict = if fit.fits() { "yes" } else { "no" };
        table.push_str(&format!("{}\t{verdict}\t{}\n", fit.node, explained(fit)));
    }
    out.out(tabwriter::layout(Config::GET, &table));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_like_requests() {
        assert_eq!(cpu(3000), "3");
        assert_eq!(cpu(250), "250m");
        assert_eq!(memory(512 * (1 << 20) * 1000), "512Mi");
        assert_eq!(memory(16_331_380 * 1024 * 1000), "16331380Ki");
    }
}
