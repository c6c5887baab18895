//! `kubectl describe networkpolicy` (`describeNetworkPolicy`, `describeNetworkPolicySpec`,
//! `printNetworkPolicySpecIngressFrom` / `EgressTo`). It prints no events.

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kubeplay_model::intstr;
use kubeplay_model::selector::format_label_selector;

use super::common::{s, write_labels_and_annotations};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, PrefixWriter};
use crate::text::time::go_time_string;

/// The indentation describe.go passes down as `initialIndent`.
const INDENT: &str = "    ";

pub fn describe_network_policy(policy: &NetworkPolicy) -> String {
    let mut w = PrefixWriter::new();
    let meta = &policy.metadata;
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    let created = match &meta.creation_timestamp {
        Some(time) => go_time_string(time.0),
        None => "0001-01-01 00:00:00 +0000 UTC".to_string(),
    };
    w.write(LEVEL_0, format!("Created on:\t{created}\n"));
    write_labels_and_annotations(&mut w, meta);
    let spec = policy.spec.clone().unwrap_or_default();
    w.write(LEVEL_0, "Spec:\n");
    w.write(LEVEL_1, "PodSelector: ");
    let selector = spec.pod_selector.clone().unwrap_or_default();
    if is_empty(&selector) {
        w.write(
            LEVEL_2,
            "<none> (Allowing the specific traffic to all pods in this namespace)\n",
        );
    } else {
        w.write(
            LEVEL_2,
            format!("{}\n", format_label_selector(Some(&selector))),
        );
    }
    let types = spec.policy_types.clone().unwrap_or_default();
    if types.iter().any(|t| t == "Ingress") {
        w.write(LEVEL_1, "Allowing ingress traffic:\n");
        let rules: Vec<Rule<'_>> = spec
            .ingress
            .iter()
            .flatten()
            .map(|rule| Rule {
                ports: rule.ports.as_deref().unwrap_or_default(),
                peers: rule.from.as_deref().unwrap_or_default(),
            })
            .collect();
        print_rules(&mut w, &rules, Direction::Ingress);
    } else {
        w.write(LEVEL_1, "Not affecting ingress traffic\n");
    }
    if types.iter().any(|t| t == "Egress") {
        w.write(LEVEL_1, "Allowing egress traffic:\n");
        let rules: Vec<Rule<'_>> = spec
            .egress
            .iter()
            .flatten()
            .map(|rule| Rule {
                ports: rule.ports.as_deref().unwrap_or_default(),
                peers: rule.to.as_deref().unwrap_or_default(),
            })
            .collect();
        print_rules(&mut w, &rules, Direction::Egress);
    } else {
        w.write(LEVEL_1, "Not affecting egress traffic\n");
    }
    w.write(LEVEL_1, format!("Policy Types: {}\n", types.join(", ")));
    w.finish()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

/// An ingress rule (`from`) or an egress rule (`to`), which describe.go prints alike.
struct Rule<'a> {
    ports: &'a [NetworkPolicyPort],
    peers: &'a [NetworkPolicyPeer],
}

fn print_rules(w: &mut PrefixWriter, rules: &[Rule<'_>], direction: Direction) {
    let (isolated, peer_word, any_peer) = match direction {
        Direction::Ingress => (
            "<none> (Selected pods are isolated for ingress connectivity)",
            "From",
            "From: <any> (traffic not restricted by source)",
        ),
        Direction::Egress => (
            "<none> (Selected pods are isolated for egress connectivity)",
            "To",
            "To: <any> (traffic not restricted by destination)",
        ),
    };
    if rules.is_empty() {
        w.write(LEVEL_0, format!("{INDENT}{isolated}\n"));
        return;
    }
    for (index, rule) in rules.iter().enumerate() {
        if rule.ports.is_empty() {
            w.write(
                LEVEL_0,
                format!("{INDENT}To Port: <any> (traffic allowed to all ports)\n"),
            );
        }
        for port in rule.ports {
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            // `%s` of a nil *IntOrString is `<nil>`.
            let number = port.port.as_ref().map_or("<nil>".into(), intstr::display);
            match port.end_port {
                None => w.write(LEVEL_0, format!("{INDENT}To Port: {number}/{protocol}\n")),
                Some(end) => w.write(
                    LEVEL_0,
                    format!("{INDENT}To Port Range: {number}-{end}/{protocol}\n"),
                ),
            }
        }
        if rule.peers.is_empty() {
            w.write(LEVEL_0, format!("{INDENT}{any_peer}\n"));
        }
        for peer in rule.peers {
            w.write(LEVEL_0, format!("{INDENT}{peer_word}:\n"));
            print_peer(w, peer);
        }
        if index + 1 != rules.len() {
            w.write(LEVEL_0, format!("{INDENT}----------\n"));
        }
    }
}

fn print_peer(w: &mut PrefixWriter, peer: &NetworkPolicyPeer) {
    let selector = |selector: &LabelSelector| format_label_selector(Some(selector));
    match (&peer.pod_selector, &peer.namespace_selector, &peer.ip_block) {
        (Some(pods), Some(namespaces), _) => {
            w.write(
                LEVEL_1,
                format!("{INDENT}NamespaceSelector: {}\n", selector(namespaces)),
            );
            w.write(
                LEVEL_1,
                format!("{INDENT}PodSelector: {}\n", selector(pods)),
            );
        }
        (Some(pods), None, _) => w.write(
            LEVEL_1,
            format!("{INDENT}PodSelector: {}\n", selector(pods)),
        ),
        (None, Some(namespaces), _) => w.write(
            LEVEL_1,
            format!("{INDENT}NamespaceSelector: {}\n", selector(namespaces)),
        ),
        (None, None, Some(block)) => {
            w.write(LEVEL_1, format!("{INDENT}IPBlock:\n"));
            w.write(LEVEL_2, format!("{INDENT}CIDR: {}\n", block.cidr));
            let except = block.except.as_deref().unwrap_or_default().join(", ");
            w.write(LEVEL_2, format!("{INDENT}Except: {except}\n"));
        }
        (None, None, None) => {}
    }
}

fn is_empty(selector: &LabelSelector) -> bool {
    selector.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(|e| e.is_empty())
}
