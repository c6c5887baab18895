//! `kubectl describe namespace` (`describeNamespace`, `DescribeResourceQuotas`,
//! `DescribeLimitRanges`).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{LimitRange, LimitRangeItem, Namespace, ResourceQuota};

use super::common::{rfc, s, write_labels_and_annotations};
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use kubeplay_model::quantity::canonical;

/// `quotas` and `limit_ranges` are the namespace's ResourceQuotas and LimitRanges; kubectl
/// prints `No resource quota.` / `No LimitRange resource.` when there are none. Namespace
/// describe shows no events.
pub fn describe_namespace(
    ns: &Namespace,
    quotas: &[&ResourceQuota],
    limit_ranges: &[&LimitRange],
) -> String {
    let mut w = PrefixWriter::new();
    let meta = &ns.metadata;
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    write_labels_and_annotations(&mut w, meta);
    let status = ns.status.as_ref();
    w.write(
        LEVEL_0,
        format!("Status:\t{}\n", status.map(|st| s(&st.phase)).unwrap_or("")),
    );
    let conditions = status
        .and_then(|st| st.conditions.as_deref())
        .unwrap_or_default();
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(
            LEVEL_1,
            "Type\tStatus\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.write(
                LEVEL_1,
                format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    c.type_,
                    c.status,
                    rfc(c.last_transition_time.as_ref()),
                    s(&c.reason),
                    s(&c.message)
                ),
            );
        }
    }
    w.write(LEVEL_0, "\n");
    describe_resource_quotas(&mut w, quotas);
    w.write(LEVEL_0, "\n");
    describe_limit_ranges(&mut w, limit_ranges);
    w.finish()
}

fn describe_resource_quotas(w: &mut PrefixWriter, quotas: &[&ResourceQuota]) {
    if quotas.is_empty() {
        w.write(LEVEL_0, "No resource quota.\n");
        return;
    }
    let mut quotas = quotas.to_vec();
    quotas.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    w.write(LEVEL_0, "Resource Quotas\n");
    for quota in quotas {
        w.write(LEVEL_1, format!("Name:\t{}\n", s(&quota.metadata.name)));
        let mut scopes: Vec<&String> = quota
            .spec
            .as_ref()
            .and_then(|sp| sp.scopes.as_ref())
            .into_iter()
            .flatten()
            .collect();
        if !scopes.is_empty() {
            scopes.sort();
            let joined = scopes
                .iter()
                .map(|sc| sc.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            w.write(LEVEL_1, format!("Scopes:\t{joined}\n"));
            for scope in scopes {
                if let Some(help) = scope_help(scope) {
                    w.write(LEVEL_1, format!("* {help}\n"));
                }
            }
        }
        w.write(LEVEL_1, "Resource\tUsed\tHard\n");
        w.write(LEVEL_1, "--------\t---\t---\n");
        let status = quota.status.as_ref();
        for (resource, hard) in status.and_then(|st| st.hard.as_ref()).into_iter().flatten() {
            let used = status
                .and_then(|st| st.used.as_ref())
                .and_then(|u| u.get(resource))
                .map_or_else(|| "0".to_string(), canonical);
            w.write(
                LEVEL_1,
                format!("{resource}\t{used}\t{}\n", canonical(hard)),
            );
        }
    }
}

/// `helpTextForResourceQuotaScope`.
fn scope_help(scope: &str) -> Option<&'static str> {
    match scope {
        "Terminating" => Some(
            "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        ),
        "NotTerminating" => Some(
            "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        ),
        "BestEffort" => Some(
            "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        ),
        "NotBestEffort" => Some(
            "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        ),
        _ => None,
    }
}

fn describe_limit_ranges(w: &mut PrefixWriter, limit_ranges: &[&LimitRange]) {
    if limit_ranges.is_empty() {
        w.write(LEVEL_0, "No LimitRange resource.\n");
        return;
    }
    w.write(
        LEVEL_0,
        "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    );
    w.write(
        LEVEL_0,
        " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
    );
    for range in limit_ranges {
        for item in range
            .spec
            .as_ref()
            .map(|sp| sp.limits.as_slice())
            .unwrap_or_default()
        {
            describe_limit_range_item(w, item);
        }
    }
}

/// One row per resource named anywhere in the item (Go iterates a map here, so its row
/// order varies between runs; sorted order is used).
fn describe_limit_range_item(w: &mut PrefixWriter, item: &LimitRangeItem) {
    let lists = [
        &item.min,
        &item.max,
        &item.default_request,
        &item.default,
        &item.max_limit_request_ratio,
    ];
    let names: BTreeSet<&String> = lists
        .iter()
        .filter_map(|l| l.as_ref())
        .flat_map(|l| l.keys())
        .collect();
    for name in names {
        let cell = |list: &Option<std::collections::BTreeMap<String, _>>| {
            list.as_ref()
                .and_then(|l| l.get(name))
                .map_or_else(|| "-".to_string(), canonical)
        };
        w.write(
            LEVEL_0,
            format!(
                " {}\t{name}\t{}\t{}\t{}\t{}\t{}\n",
                item.type_,
                cell(&item.min),
                cell(&item.max),
                cell(&item.default_request),
                cell(&item.default),
                cell(&item.max_limit_request_ratio)
            ),
        );
    }
}
