//! `kubectl describe service` (`describeService`, `formatEndpointSlices`). Since 1.33 kubectl
//! reads EndpointSlices (label `kubernetes.io/service-name`), not Endpoints.

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::DescribeContext;
use super::common::{s, write_labels_and_annotations};
use super::events::describe_events;
use super::writer::{LEVEL_0, PrefixWriter};
use crate::text::labels::format_labels;

/// `endpoint_slices`: the slices labelled with this service's name.
pub fn describe_service(
    svc: &Service,
    endpoint_slices: &[&EndpointSlice],
    ctx: &DescribeContext<'_>,
) -> String {
    let mut w = PrefixWriter::new();
    let meta = &svc.metadata;
    let default_spec = Default::default();
    let spec = svc.spec.as_ref().unwrap_or(&default_spec);
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    write_labels_and_annotations(&mut w, meta);
    w.write(
        LEVEL_0,
        format!("Selector:\t{}\n", format_labels(spec.selector.as_ref())),
    );
    w.write(LEVEL_0, format!("Type:\t{}\n", s(&spec.type_)));
    if let Some(policy) = &spec.ip_family_policy {
        w.write(LEVEL_0, format!("IP Family Policy:\t{policy}\n"));
    }
    let or_none = |list: &Option<Vec<String>>| {
        let joined = list.as_deref().unwrap_or_default().join(",");
        if joined.is_empty() {
            "<none>".to_string()
        } else {
            joined
        }
    };
    w.write(
        LEVEL_0,
        format!("IP Families:\t{}\n", or_none(&spec.ip_families)),
    );
    w.write(LEVEL_0, format!("IP:\t{}\n", s(&spec.cluster_ip)));
    w.write(LEVEL_0, format!("IPs:\t{}\n", or_none(&spec.cluster_ips)));
    let external_ips = spec.external_ips.as_deref().unwrap_or_default();
    if !external_ips.is_empty() {
        w.write(
            LEVEL_0,
            format!("External IPs:\t{}\n", external_ips.join(",")),
        );
    }
    if !s(&spec.load_balancer_ip).is_empty() {
        w.write(
            LEVEL_0,
            format!("Desired LoadBalancer IP:\t{}\n", s(&spec.load_balancer_ip)),
        );
    }
    if !s(&spec.external_name).is_empty() {
        w.write(
            LEVEL_0,
            format!("External Name:\t{}\n", s(&spec.external_name)),
        );
    }
    let ingress = svc
        .status
        .as_ref()
        .and_then(|st| st.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_deref())
        .unwrap_or_default();
    if !ingress.is_empty() {
        let list = ingress
            .iter()
            .map(|i| match (s(&i.ip), &i.ip_mode) {
                ("", _) => s(&i.hostname).to_string(),
                (ip, Some(mode)) => format!("{ip} ({mode})"),
                (ip, None) => ip.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        w.write(LEVEL_0, format!("LoadBalancer Ingress:\t{list}\n"));
    }
    for port in spec.ports.iter().flatten() {
        let name = match s(&port.name) {
            "" => "<unset>",
            name => name,
        };
        let protocol = s(&port.protocol);
        w.write(
            LEVEL_0,
            format!("Port:\t{name}\t{}/{protocol}\n", port.port),
        );
        match &port.target_port {
            Some(IntOrString::String(target)) => {
                w.write(LEVEL_0, format!("TargetPort:\t{target}/{protocol}\n"));
            }
            Some(IntOrString::Int(target)) => {
                w.write(LEVEL_0, format!("TargetPort:\t{target}/{protocol}\n"));
            }
            None => w.write(LEVEL_0, format!("TargetPort:\t0/{protocol}\n")),
        }
        if let Some(node_port) = port.node_port.filter(|&p| p != 0) {
            w.write(
                LEVEL_0,
                format!("NodePort:\t{name}\t{node_port}/{protocol}\n"),
            );
        }
        w.write(
            LEVEL_0,
            format!(
                "Endpoints:\t{}\n",
                format_endpoint_slices(endpoint_slices, s(&port.name))
            ),
        );
    }
    w.write(
        LEVEL_0,
        format!("Session Affinity:\t{}\n", s(&spec.session_affinity)),
    );
    if !s(&spec.external_traffic_policy).is_empty() {
        w.write(
            LEVEL_0,
            format!(
                "External Traffic Policy:\t{}\n",
                s(&spec.external_traffic_policy)
            ),
        );
    }
    if let Some(policy) = &spec.internal_traffic_policy {
        w.write(LEVEL_0, format!("Internal Traffic Policy:\t{policy}\n"));
    }
    if let Some(port) = spec.health_check_node_port.filter(|&p| p != 0) {
        w.write(LEVEL_0, format!("HealthCheck NodePort:\t{port}\n"));
    }
    let ranges = spec
        .load_balancer_source_ranges
        .as_deref()
        .unwrap_or_default();
    if !ranges.is_empty() {
        w.write(
            LEVEL_0,
            format!("LoadBalancer Source Ranges:\t{}\n", ranges.join(",")),
        );
    }
    describe_events(&mut w, ctx);
    w.finish()
}

/// `formatEndpointSlices(slices, {port_name})`: ready `ip:port` pairs, at most three, then
/// `+ N more...`.
fn format_endpoint_slices(slices: &[&EndpointSlice], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    let mut consider = |address: Option<&String>, ready: bool, port: Option<i32>| {
        if list.len() == MAX {
            more = true;
        }
        if !ready {
            return;
        }
        if !more {
            let address = address.map_or("", String::as_str);
            list.push(match port {
                Some(port) if address.contains(':') => format!("[{address}]:{port}"),
                Some(port) => format!("{address}:{port}"),
                None => address.to_string(),
            });
        }
        count += 1;
    };
    for slice in slices {
        let ports = slice.ports.as_deref().unwrap_or_default();
        // A nil `ready` means unknown, which counts as ready.
        let ready = |e: &k8s_openapi::api::discovery::v1::Endpoint| {
            e.conditions.as_ref().and_then(|c| c.ready) != Some(false)
        };
        if ports.is_empty() {
            for endpoint in &slice.endpoints {
                consider(endpoint.addresses.first(), ready(endpoint), None);
            }
            continue;
        }
        for port in ports.iter().filter(|p| s(&p.name) == port_name) {
            for endpoint in &slice.endpoints {
                consider(
                    endpoint.addresses.first(),
                    ready(endpoint),
                    Some(port.port.unwrap_or(0)),
                );
            }
        }
    }
    let joined = list.join(",");
    if more {
        return format!("{joined} + {} more...", count - MAX);
    }
    joined
}
