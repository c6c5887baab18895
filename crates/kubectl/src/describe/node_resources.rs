//! A node's `Non-terminated Pods` table and `Allocated resources` summary
//! (`describeNodeResource`, with kubectl's `resourcehelper.PodRequestsAndLimits`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Node;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;
use kubeplay_model::Pod;

use super::common::s;
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::text::time::since;
use kubeplay_model::quantity::Quantity;

type Totals = BTreeMap<String, Quantity>;

pub(super) fn describe_node_resources(
    w: &mut PrefixWriter,
    node: &Node,
    pods: &[&Pod],
    now: jiff::Timestamp,
) {
    // The API server lists pods by namespace then name; Succeeded/Failed ones are filtered out.
    let mut pods: Vec<&Pod> = pods
        .iter()
        .copied()
        .filter(|p| !kubeplay_model::pod::is_finished(p))
        .collect();
    pods.sort_by(|a, b| {
        (s(&a.metadata.namespace), s(&a.metadata.name))
            .cmp(&(s(&b.metadata.namespace), s(&b.metadata.name)))
    });
    w.write(
        LEVEL_0,
        format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.write(
        LEVEL_1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        LEVEL_1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let status = node.status.as_ref();
    let allocatable = status
        .and_then(|st| st.allocatable.as_ref())
        .filter(|a| !a.is_empty())
        .or_else(|| status.and_then(|st| st.capacity.as_ref()));
    let alloc = |name: &str| {
        allocatable
            .and_then(|a| a.get(name))
            .map(Quantity::of)
            .unwrap_or(Quantity::ZERO)
    };
    let (alloc_cpu, alloc_memory) = (alloc("cpu").milli_value(), alloc("memory").value());

    let mut total_requests = Totals::new();
    let mut total_limits = Totals::new();
    for pod in &pods {
        let (requests, limits) = (pod_requests(pod), pod_limits(pod));
        let get = |list: &Totals, name: &str| list.get(name).copied().unwrap_or(Quantity::ZERO);
        let (cpu_req, cpu_lim) = (get(&requests, "cpu"), get(&limits, "cpu"));
        let (mem_req, mem_lim) = (get(&requests, "memory"), get(&limits, "memory"));
        w.write(
            LEVEL_1,
            format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                s(&pod.metadata.namespace),
                s(&pod.metadata.name),
                cpu_req.canonical(),
                unguarded_percent(cpu_req.milli_value(), alloc_cpu),
                cpu_lim.canonical(),
                unguarded_percent(cpu_lim.milli_value(), alloc_cpu),
                mem_req.canonical(),
                unguarded_percent(mem_req.value(), alloc_memory),
                mem_lim.canonical(),
                unguarded_percent(mem_lim.value(), alloc_memory),
                since(now, pod.metadata.creation_timestamp.as_ref().map(|t| t.0))
            ),
        );
        add_all(&mut total_requests, &requests);
        add_all(&mut total_limits, &limits);
    }

    w.write(
        LEVEL_0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n");
    w.write(LEVEL_1, "--------\t--------\t------\n");
    let total = |list: &Totals, name: &str| list.get(name).copied().unwrap_or(Quantity::ZERO);
    let mut row = |name: &str, denominator: i64, milli: bool| {
        let (req, lim) = (total(&total_requests, name), total(&total_limits, name));
        let amount = |q: Quantity| if milli { q.milli_value() } else { q.value() };
        w.write(
            LEVEL_1,
            format!(
                "{name}\t{} ({}%)\t{} ({}%)\n",
                req.canonical(),
                percent(amount(req), denominator),
                lim.canonical(),
                percent(amount(lim), denominator)
            ),
        );
    };
    row("cpu", alloc_cpu, true);
    row("memory", alloc_memory, false);
    row(
        "ephemeral-storage",
        alloc("ephemeral-storage").value(),
        false,
    );
    let names: Vec<&String> = allocatable.into_iter().flat_map(|a| a.keys()).collect();
    for name in names.iter().filter(|n| n.starts_with("hugepages-")) {
        row(name, alloc(name).value(), false);
    }
    let standard = ["cpu", "memory", "ephemeral-storage", "pods"];
    for name in names
        .iter()
        .filter(|n| !n.starts_with("hugepages-") && !standard.contains(&n.as_str()))
    {
        w.write(
            LEVEL_1,
            format!(
                "{name}\t{}\t{}\n",
                total(&total_requests, name).canonical(),
                total(&total_limits, name).canonical()
            ),
        );
    }
}

/// `int64(float64(part) / float64(whole) * 100)`, guarded against a zero `whole`.
fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        return 0;
    }
    (part as f64 / whole as f64 * 100.0) as i64
}

/// The per-pod rows divide without a guard; Go on amd64 turns the resulting NaN or
/// infinity into `math.MinInt64`.
fn unguarded_percent(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        return i64::MIN;
    }
    percent(part, whole)
}

fn add_all(totals: &mut Totals, list: &Totals) {
    for (name, quantity) in list {
        totals
            .entry(name.clone())
            .or_insert(Quantity::ZERO)
            .add(*quantity);
    }
}

fn add_list(totals: &mut Totals, list: Option<&BTreeMap<String, ApiQuantity>>) {
    for (name, quantity) in list.into_iter().flatten() {
        totals
            .entry(name.clone())
            .or_insert(Quantity::ZERO)
            .add(Quantity::of(quantity));
    }
}

fn max_into(totals: &mut Totals, list: &Totals) {
    for (name, quantity) in list {
        match totals.get_mut(name) {
            Some(current) if *quantity > *current => *current = *quantity,
            Some(_) => {}
            None => {
                totals.insert(name.clone(), *quantity);
            }
        }
    }
}

/// `podRequests`: containers (at least their resized requests), plus restartable init
/// containers, maxed with each regular init container, plus overhead.
fn pod_requests(pod: &Pod) -> Totals {
    let mut requests = Totals::new();
    let Some(spec) = &pod.spec else {
        return requests;
    };
    let status = pod.status.as_ref();
    let statuses = status.into_iter().flat_map(|st| {
        st.container_statuses
            .iter()
            .flatten()
            .chain(st.init_container_statuses.iter().flatten())
    });
    let statuses: Vec<_> = statuses.collect();
    let container_requests = |c: &k8s_openapi::api::core::v1::Container| {
        let mut own = Totals::new();
        add_list(
            &mut own,
            c.resources.as_ref().and_then(|r| r.requests.as_ref()),
        );
        // `determineContainerReqs`: a status reporting resources means a possible resize.
        if let Some(cs) = statuses
            .iter()
            .rev()
            .find(|cs| cs.name == c.name && cs.resources.is_some())
        {
            let mut reported = Totals::new();
            add_list(
                &mut reported,
                cs.resources.as_ref().and_then(|r| r.requests.as_ref()),
            );
            max_into(&mut own, &reported);
            let mut allocated = Totals::new();
            add_list(&mut allocated, cs.allocated_resources.as_ref());
            max_into(&mut own, &allocated);
        }
        own
    };
    for container in &spec.containers {
        add_all(&mut requests, &container_requests(container));
    }
    let mut restartable = Totals::new();
    let mut init_max = Totals::new();
    for container in spec.init_containers.iter().flatten() {
        if container.restart_policy.as_deref() == Some("Always") {
            let own = container_requests(container);
            add_all(&mut requests, &own);
            add_all(&mut restartable, &own);
            max_into(&mut init_max, &restartable);
        } else {
            let mut own = Totals::new();
            add_list(
                &mut own,
                container
                    .resources
                    .as_ref()
                    .and_then(|r| r.requests.as_ref()),
            );
            add_all(&mut own, &restartable);
            max_into(&mut init_max, &own);
        }
    }
    max_into(&mut requests, &init_max);
    add_list(&mut requests, spec.overhead.as_ref());
    requests
}

/// `podLimits`: like requests, but overhead only adds to limits already set.
fn pod_limits(pod: &Pod) -> Totals {
    let mut limits = Totals::new();
    let Some(spec) = &pod.spec else {
        return limits;
    };
    let limits_of = |c: &k8s_openapi::api::core::v1::Container| {
        let mut own = Totals::new();
        add_list(
            &mut own,
            c.resources.as_ref().and_then(|r| r.limits.as_ref()),
        );
        own
    };
    for container in &spec.containers {
        add_all(&mut limits, &limits_of(container));
    }
    let mut restartable = Totals::new();
    let mut init_max = Totals::new();
    for container in spec.init_containers.iter().flatten() {
        let mut own = limits_of(container);
        if container.restart_policy.as_deref() == Some("Always") {
            add_all(&mut limits, &own);
            add_all(&mut restartable, &own);
            max_into(&mut init_max, &restartable);
        } else {
            add_all(&mut own, &restartable);
            max_into(&mut init_max, &own);
        }
    }
    max_into(&mut limits, &init_max);
    for (name, quantity) in spec.overhead.iter().flatten() {
        if let Some(value) = limits.get_mut(name).filter(|v| !v.is_zero()) {
            value.add(Quantity::of(quantity));
        }
    }
    limits
}
