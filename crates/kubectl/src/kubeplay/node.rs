//! `kubeplay node add|stop|start|remove`: the playground's levers on the machines under the
//! cluster. kubectl then shows what the control plane makes of it, at Kubernetes' timings.

use std::collections::BTreeMap;

use kubeplay_model::quantity::Quantity;
use kubeplay_sim::cluster::NewNode;
use kubeplay_sim::nodes::Capacity;

use crate::args::{self, Flag, value};
use crate::output::Output;
use crate::session::Session;

pub const USAGE: &str = "Simulate what happens to the machines under the cluster.

Examples:
  # A worker joins (kind's next name, kind-worker4 on kind-multi); Ready after ~10s
  kubeplay node add
  kubeplay node add big-worker --cpu 32 --memory 64Gi --label disktype=ssd

  # The kubelet stops reporting: NotReady after the 50s grace period, pods evicted after 300s
  kubeplay node stop kind-worker2

  # The kubelet comes back: Ready again, Terminating pods finish
  kubeplay node start kind-worker2

  # The machine is gone: its Node is deleted and its pods are collected 40-60s later
  kubeplay node remove kind-worker2

Usage:
  kubeplay node add [NAME] [--cpu N] [--memory QUANTITY] [--pods N] [--label KEY=VALUE]...
  kubeplay node (stop|start|remove) NAME
";

const ADD_FLAGS: &[Flag] = &[
    value("cpu", None),
    value("memory", None),
    value("pods", None),
    value("label", None),
];

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    let Some(action) = args.first().map(String::as_str) else {
        return out.out(USAGE);
    };
    let rest = &args[1..];
    match action {
        "add" => add(rest, session, out),
        "stop" | "start" | "remove" => {
            let [name] = rest else {
                return out.error(format!(
                    "error: exactly one NODE is required\nUsage: kubeplay node {action} NAME"
                ));
            };
            let result = match action {
                "stop" => session.cluster.stop_node(name).map(|()| "kubelet stopped"),
                "start" => session.cluster.start_node(name).map(|()| "kubelet started"),
                _ => session.cluster.remove_node(name).map(|()| "removed"),
            };
            match result {
                Ok(what) => out.line(format!("node/{name} {what}")),
                Err(error) => out.error(format!("error: {error}")),
            }
        }
        "help" | "--help" | "-h" => out.out(USAGE),
        other => out.error(format!(
            "error: unknown command {other:?} for \"kubeplay node\"\nRun 'kubeplay node --help' for usage."
        )),
    }
}

fn add(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, ADD_FLAGS, "kubeplay node add") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let mut capacity = Capacity::default();
    if let Some(cpu) = parsed.value("cpu") {
        if Quantity::parse(cpu).is_none_or(|q| q.milli() <= 0) {
            return out.error(format!(
                "error: invalid --cpu {cpu:?}: expected a positive quantity"
            ));
        }
        capacity.cpu = cpu.to_string();
    }
    if let Some(memory) = parsed.value("memory") {
        if Quantity::parse(memory).is_none_or(|q| q.milli() <= 0) {
            return out.error(format!(
                "error: invalid --memory {memory:?}: expected a positive quantity"
            ));
        }
        capacity.memory = memory.to_string();
    }
    if let Some(pods) = parsed.value("pods") {
        match pods.parse::<u32>() {
            Ok(pods) if (1..=1000).contains(&pods) => capacity.pods = pods,
            _ => {
                return out.error(format!(
                    "error: invalid --pods {pods:?}: expected 1 to 1000"
                ));
            }
        }
    }
    let mut labels = BTreeMap::new();
    for label in parsed.values("label") {
        let Some((key, value)) = label.split_once('=') else {
            return out.error(format!(
                "error: invalid --label {label:?}: expected KEY=VALUE"
            ));
        };
        labels.insert(key.to_string(), value.to_string());
    }
    let name = match parsed.positional.as_slice() {
        [] => None,
        [name] => Some(name.clone()),
        _ => return out.error("error: at most one NAME may be given"),
    };
    match session.cluster.add_node(NewNode {
        name,
        labels,
        capacity,
    }) {
        Ok(name) => out.line(format!("node/{name} added")),
        Err(error) => out.error(format!("error: {error}")),
    }
}
