//! NetworkPolicy validation (`pkg/apis/networking/validation`, `ValidateNetworkPolicy`
//! v1.33): the pod selector, each rule's ports and peers, and the policy types.

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::meta::{NameRule, validate_label_selector, validate_meta};
use crate::cidr::Cidr;
use crate::errors::FieldError;

const PORT_RANGE_MESSAGE: &str = "must be between 1 and 65535, inclusive";
const CIDR_MESSAGE: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

pub(super) fn validate_network_policy(policy: &NetworkPolicy, errors: &mut Vec<FieldError>) {
    validate_meta(&policy.metadata, NameRule::Subdomain, true, errors);
    let Some(spec) = &policy.spec else {
        return;
    };
    if let Some(selector) = &spec.pod_selector {
        validate_label_selector(selector, "spec.podSelector", errors);
    }
    for (index, rule) in spec.ingress.iter().flatten().enumerate() {
        let path = format!("spec.ingress[{index}]");
        for (i, port) in rule.ports.iter().flatten().enumerate() {
            validate_port(port, &format!("{path}.ports[{i}]"), errors);
        }
        for (i, peer) in rule.from.iter().flatten().enumerate() {
            validate_peer(peer, &format!("{path}.from[{i}]"), errors);
        }
    }
    for (index, rule) in spec.egress.iter().flatten().enumerate() {
        let path = format!("spec.egress[{index}]");
        for (i, port) in rule.ports.iter().flatten().enumerate() {
            validate_port(port, &format!("{path}.ports[{i}]"), errors);
        }
        for (i, peer) in rule.to.iter().flatten().enumerate() {
            validate_peer(peer, &format!("{path}.to[{i}]"), errors);
        }
    }
    let types = spec.policy_types.as_deref().unwrap_or_default();
    if types.len() > 2 {
        // The server quotes the internal type of the list it was given.
        let quoted: Vec<String> = types.iter().map(|t| format!("{t:?}")).collect();
        errors.push(FieldError::invalid(
            "spec.policyTypes",
            format!("[]networking.PolicyType{{{}}}", quoted.join(", ")),
            "may not specify more than two policyTypes",
        ));
        return;
    }
    for (index, policy_type) in types.iter().enumerate() {
        if !["Ingress", "Egress"].contains(&policy_type.as_str()) {
            errors.push(FieldError::unsupported(
                format!("spec.policyTypes[{index}]"),
                policy_type,
                &["Ingress", "Egress"],
            ));
        }
    }
}

/// `ValidateNetworkPolicyPort`.
fn validate_port(port: &NetworkPolicyPort, path: &str, errors: &mut Vec<FieldError>) {
    if let Some(protocol) = port
        .protocol
        .as_deref()
        .filter(|p| !["TCP", "UDP", "SCTP"].contains(p))
    {
        errors.push(FieldError::unsupported(
            format!("{path}.protocol"),
            protocol,
            &["TCP", "UDP", "SCTP"],
        ));
    }
    let end_path = format!("{path}.endPort");
    match (&port.port, port.end_port) {
        (Some(IntOrString::Int(number)), end) => {
            if !(1..=65535).contains(number) {
                errors.push(FieldError::invalid(
                    format!("{path}.port"),
                    number.to_string(),
                    PORT_RANGE_MESSAGE,
                ));
            }
            if let Some(end) = end {
                if end < *number {
                    errors.push(FieldError::invalid(
                        &end_path,
                        end.to_string(),
                        "must be greater than or equal to `port`",
                    ));
                }
                if !(1..=65535).contains(&end) {
                    errors.push(FieldError::invalid(
                        &end_path,
                        end.to_string(),
                        PORT_RANGE_MESSAGE,
                    ));
                }
            }
        }
        (Some(IntOrString::String(name)), end) => {
            if let Some(end) = end {
                errors.push(FieldError::invalid(
                    &end_path,
                    end.to_string(),
                    "may not be specified when `port` is non-numeric",
                ));
            }
            for problem in port_name_errors(name) {
                errors.push(FieldError::invalid(
                    format!("{path}.port"),
                    format!("{name:?}"),
                    problem,
                ));
            }
        }
        (None, Some(end)) => errors.push(FieldError::invalid(
            &end_path,
            end.to_string(),
            "may not be specified when `port` is not specified",
        )),
        (None, None) => {}
    }
}

/// `IsValidPortName`: an IANA service name.
fn port_name_errors(name: &str) -> Vec<&'static str> {
    let mut problems = Vec::new();
    if name.len() > 15 {
        problems.push("must be no more than 15 characters");
    }
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        problems.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        problems.push("must contain at least one letter (a-z)");
    }
    if name.contains("--") {
        problems.push("must not contain consecutive hyphens");
    }
    if name.starts_with('-') || name.ends_with('-') {
        problems.push("must not begin or end with a hyphen");
    }
    problems
}

/// `ValidateNetworkPolicyPeer`: at least one of the three, and an ipBlock alone.
fn validate_peer(peer: &NetworkPolicyPeer, path: &str, errors: &mut Vec<FieldError>) {
    let mut peers = 0;
    if let Some(selector) = &peer.pod_selector {
        peers += 1;
        validate_label_selector(selector, &format!("{path}.podSelector"), errors);
    }
    if let Some(selector) = &peer.namespace_selector {
        peers += 1;
        validate_label_selector(selector, &format!("{path}.namespaceSelector"), errors);
    }
    if let Some(block) = &peer.ip_block {
        peers += 1;
        validate_ip_block(block, &format!("{path}.ipBlock"), errors);
    }
    if peers == 0 {
        errors.push(FieldError::required(path).with_detail("must specify a peer"));
    } else if peers > 1 && peer.ip_block.is_some() {
        errors.push(FieldError::forbidden(
            path,
            "may not specify both ipBlock and another peer",
        ));
    }
}

/// `ValidateIPBlock`: a valid `cidr`, and each `except` a valid block strictly inside it.
fn validate_ip_block(block: &IPBlock, path: &str, errors: &mut Vec<FieldError>) {
    if block.cidr.is_empty() {
        errors.push(FieldError::required(format!("{path}.cidr")));
        return;
    }
    let Some(cidr) = Cidr::parse(&block.cidr) else {
        errors.push(FieldError::invalid(
            format!("{path}.cidr"),
            format!("{:?}", block.cidr),
            CIDR_MESSAGE,
        ));
        return;
    };
    for (index, except) in block.except.iter().flatten().enumerate() {
        let except_path = format!("{path}.except[{index}]");
        let Some(inner) = Cidr::parse(except) else {
            errors.push(FieldError::invalid(
                except_path,
                format!("{except:?}"),
                CIDR_MESSAGE,
            ));
            continue;
        };
        if !cidr.contains(inner.network()) || cidr.prefix() >= inner.prefix() {
            errors.push(FieldError::invalid(
                except_path,
                format!("{except:?}"),
                "must be a strict subset of `cidr`",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defaults::defaulted;
    use crate::manifest::decode_documents;
    use crate::object::Object;

    /// The causes the API server gives for a NetworkPolicy written as `spec` (YAML).
    fn causes(spec: &str) -> Vec<String> {
        let yaml = format!(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: dev\nspec:\n{spec}"
        );
        let Some(Ok(document)) = decode_documents(&yaml, "policy.yaml").into_iter().next() else {
            panic!("not decoded: {yaml}");
        };
        let Object::NetworkPolicy(policy) = defaulted(document.object) else {
            panic!("not a NetworkPolicy");
        };
        let mut errors = Vec::new();
        validate_network_policy(&policy, &mut errors);
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_valid_policy_has_no_causes() {
        let spec = "  podSelector:\n    matchLabels: {app: web}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {access: \"true\"}}\n      namespaceSelector: {}\n    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}\n    ports:\n    - port: http\n    - port: 8000\n      endPort: 9000\n  policyTypes: [Ingress]\n";
        assert_eq!(causes(spec), Vec::<String>::new());
    }

    #[test]
    fn ports_are_checked_as_the_api_server_checks_them() {
        let spec = "  podSelector: {}\n  ingress:\n  - ports:\n    - port: 70000\n      protocol: ICMP\n    - port: 90\n      endPort: 80\n    - port: Web--\n      endPort: 80\n    - endPort: 80\n";
        assert_eq!(
            causes(spec),
            [
                r#"spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP""#,
                "spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.ingress[0].ports[1].endPort: Invalid value: 80: must be greater than or equal to `port`",
                "spec.ingress[0].ports[2].endPort: Invalid value: 80: may not be specified when `port` is non-numeric",
                r#"spec.ingress[0].ports[2].port: Invalid value: "Web--": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"#,
                r#"spec.ingress[0].ports[2].port: Invalid value: "Web--": must not contain consecutive hyphens"#,
                r#"spec.ingress[0].ports[2].port: Invalid value: "Web--": must not begin or end with a hyphen"#,
                "spec.ingress[0].ports[3].endPort: Invalid value: 80: may not be specified when `port` is not specified",
            ]
        );
    }

    #[test]
    fn peers_need_one_kind_and_an_ip_block_alone() {
        let spec = "  podSelector: {}\n  egress:\n  - to:\n    - {}\n    - ipBlock: {cidr: 10.0.0.0/8}\n      podSelector: {}\n    - ipBlock: {cidr: 10.0.0.0/33, except: [10.1.0.0/16]}\n    - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/16, 192.168.0.0/24, nope]}\n    - podSelector:\n        matchExpressions:\n        - {key: app, operator: In}\n        - {key: app, operator: Exists, values: [a]}\n        - {key: -bad, operator: Has}\n";
        assert_eq!(
            causes(spec),
            [
                "spec.egress[0].to[0]: Required value: must specify a peer",
                "spec.egress[0].to[1]: Forbidden: may not specify both ipBlock and another peer",
                r#"spec.egress[0].to[2].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"#,
                r#"spec.egress[0].to[3].ipBlock.except[0]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`"#,
                r#"spec.egress[0].to[3].ipBlock.except[1]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`"#,
                r#"spec.egress[0].to[3].ipBlock.except[2]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"#,
                "spec.egress[0].to[4].podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                "spec.egress[0].to[4].podSelector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                r#"spec.egress[0].to[4].podSelector.matchExpressions[2].operator: Invalid value: "Has": not a valid selector operator"#,
                r#"spec.egress[0].to[4].podSelector.matchExpressions[2].key: Invalid value: "-bad": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"#,
            ]
        );
    }

    #[test]
    fn an_update_lists_each_cause_twice_and_says_it_once() {
        let policy = |types: &str| {
            let yaml = format!(
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: dev\nspec:\n  podSelector: {{}}\n  policyTypes: [{types}]\n"
            );
            let Some(Ok(document)) = decode_documents(&yaml, "p.yaml").into_iter().next() else {
                panic!("not decoded");
            };
            defaulted(document.object)
        };
        let Err(error) = crate::validation::validate_update(&policy("Ingress"), &policy("Up"))
        else {
            panic!("an invalid update was accepted");
        };
        let crate::errors::ApiError::Invalid { causes, .. } = &error else {
            panic!("not Invalid: {error}");
        };
        assert_eq!(causes.len(), 2);
        assert_eq!(
            error.to_string(),
            r#"NetworkPolicy.networking.k8s.io "p" is invalid: spec.policyTypes[0]: Unsupported value: "Up": supported values: "Ingress", "Egress""#
        );
    }

    #[test]
    fn policy_types_are_ingress_or_egress_and_two_at_most() {
        assert_eq!(
            causes("  podSelector: {}\n  policyTypes: [Ingress, Sideways]\n"),
            [
                r#"spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress""#
            ]
        );
        assert_eq!(
            causes("  podSelector: {}\n  policyTypes: [Ingress, Egress, Ingress]\n"),
            [
                r#"spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes"#
            ]
        );
    }
}
