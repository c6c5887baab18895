//! `kubectl describe node` (`describeNode`, `describeNodeLease`, `findNodeRoles`).

use std::collections::BTreeSet;

use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Node;
use kubeplay_model::Pod;

use super::DescribeContext;
use super::common::{rfc, s, write_labels_and_annotations};
use super::events::describe_events;
use super::node_resources::describe_node_resources;
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::text::labels::taints_multiline;
use kubeplay_model::quantity::canonical;

/// `pods`: the pods bound to the node (terminated ones are skipped here, as kubectl's
/// field selector does); `lease`: the node's Lease in `kube-node-lease`, if it exists.
pub fn describe_node(
    node: &Node,
    pods: &[&Pod],
    lease: Option<&Lease>,
    ctx: &DescribeContext<'_>,
) -> String {
    let mut w = PrefixWriter::new();
    let meta = &node.metadata;
    let default_spec = Default::default();
    let spec = node.spec.as_ref().unwrap_or(&default_spec);
    let default_status = Default::default();
    let status = node.status.as_ref().unwrap_or(&default_status);
    let name = s(&meta.name);
    w.write(LEVEL_0, format!("Name:\t{name}\n"));
    let roles = node_roles(node);
    w.write(
        LEVEL_0,
        format!(
            "Roles:\t{}\n",
            if roles.is_empty() {
                "<none>".to_string()
            } else {
                roles
            }
        ),
    );
    write_labels_and_annotations(&mut w, meta);
    w.write(
        LEVEL_0,
        format!(
            "CreationTimestamp:\t{}\n",
            rfc(meta.creation_timestamp.as_ref())
        ),
    );
    w.write(
        LEVEL_0,
        taints_multiline("Taints", spec.taints.as_deref().unwrap_or_default()),
    );
    w.write(
        LEVEL_0,
        format!("Unschedulable:\t{}\n", spec.unschedulable.unwrap_or(false)),
    );
    match lease {
        Some(lease) => {
            let lease_spec = lease.spec.as_ref();
            w.write(LEVEL_0, "Lease:\n");
            let holder = lease_spec
                .and_then(|l| l.holder_identity.as_deref())
                .unwrap_or("<unset>");
            w.write(LEVEL_1, format!("HolderIdentity:\t{holder}\n"));
            let time = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime>| {
                t.map_or_else(
                    || "<unset>".to_string(),
                    |t| crate::text::time::rfc1123z(t.0),
                )
            };
            w.write(
                LEVEL_1,
                format!(
                    "AcquireTime:\t{}\n",
                    time(lease_spec.and_then(|l| l.acquire_time.as_ref()))
                ),
            );
            w.write(
                LEVEL_1,
                format!(
                    "RenewTime:\t{}\n",
                    time(lease_spec.and_then(|l| l.renew_time.as_ref()))
                ),
            );
        }
        None => w.write(
            LEVEL_0,
            format!(
                "Lease:\tFailed to get lease: leases.coordination.k8s.io \"{name}\" not found\n"
            ),
        ),
    }
    let conditions = status.conditions.as_deref().unwrap_or_default();
    if !conditions.is_empty() {
        w.write(
            LEVEL_0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.write(
                LEVEL_1,
                format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status,
                    rfc(c.last_heartbeat_time.as_ref()),
                    rfc(c.last_transition_time.as_ref()),
                    s(&c.reason),
                    s(&c.message)
                ),
            );
        }
    }
    w.write(LEVEL_0, "Addresses:\n");
    for address in status.addresses.iter().flatten() {
        w.write(
            LEVEL_1,
            format!("{}:\t{}\n", address.type_, address.address),
        );
    }
    for (title, list) in [
        ("Capacity", &status.capacity),
        ("Allocatable", &status.allocatable),
    ] {
        let Some(list) = list.as_ref().filter(|l| !l.is_empty()) else {
            continue;
        };
        w.write(LEVEL_0, format!("{title}:\n"));
        for (resource, quantity) in list {
            w.write(LEVEL_0, format!("  {resource}:\t{}\n", canonical(quantity)));
        }
    }
    let info = status.node_info.clone().unwrap_or_default();
    w.write(LEVEL_0, "System Info:\n");
    for (title, value) in [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
        ("Kube-Proxy Version", &info.kube_proxy_version),
    ] {
        w.write(LEVEL_0, format!("  {title}:\t{value}\n"));
    }
    if !s(&spec.pod_cidr).is_empty() {
        w.write(LEVEL_0, format!("PodCIDR:\t{}\n", s(&spec.pod_cidr)));
    }
    let pod_cidrs = spec.pod_cidrs.as_deref().unwrap_or_default();
    if !pod_cidrs.is_empty() {
        w.write(LEVEL_0, format!("PodCIDRs:\t{}\n", pod_cidrs.join(",")));
    }
    if !s(&spec.provider_id).is_empty() {
        w.write(LEVEL_0, format!("ProviderID:\t{}\n", s(&spec.provider_id)));
    }
    describe_node_resources(&mut w, node, pods, ctx.now);
    describe_events(&mut w, ctx);
    w.finish()
}

/// `findNodeRoles`: `node-role.kubernetes.io/<role>` label suffixes and the
/// `kubernetes.io/role` label value, sorted and comma-joined.
fn node_roles(node: &Node) -> String {
    let mut roles = BTreeSet::new();
    for (key, value) in node.metadata.labels.iter().flatten() {
        if let Some(role) = key.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role);
            }
        } else if key == "kubernetes.io/role" && !value.is_empty() {
            roles.insert(value.as_str());
        }
    }
    roles.into_iter().collect::<Vec<_>>().join(",")
}
