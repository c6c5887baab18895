//! `qos.GetPodQOS` from kubectl's util: `status.qosClass`, else computed from the
//! containers' (or the pod-level) cpu and memory requests and limits.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;
use kubeplay_model::Pod;

use super::common::s;
use kubeplay_model::quantity::Quantity;

type Totals = BTreeMap<String, Quantity>;

pub(super) fn pod_qos(pod: &Pod) -> String {
    let stored = pod.status.as_ref().map(|st| s(&st.qos_class)).unwrap_or("");
    if !stored.is_empty() {
        return stored.to_string();
    }
    compute_pod_qos(pod).to_string()
}

fn compute_pod_qos(pod: &Pod) -> &'static str {
    let mut requests = Totals::new();
    let mut limits = Totals::new();
    let mut guaranteed = true;
    let Some(spec) = &pod.spec else {
        return "BestEffort";
    };
    let mut resource_sets = Vec::new();
    if let Some(pod_resources) = &spec.resources {
        resource_sets.push(pod_resources);
    } else {
        // Ephemeral containers cannot define resources, so they never count.
        let containers = spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten());
        resource_sets.extend(containers.filter_map(|c| c.resources.as_ref()));
        if spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .any(|c| c.resources.is_none())
        {
            guaranteed = false;
        }
    }
    for resources in resource_sets {
        add_positive(&mut requests, resources.requests.as_ref());
        add_positive(&mut limits, resources.limits.as_ref());
        let mut limited = Totals::new();
        add_positive(&mut limited, resources.limits.as_ref());
        if !(limited.contains_key("cpu") && limited.contains_key("memory")) {
            guaranteed = false;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed
        && requests
            .iter()
            .all(|(name, req)| limits.get(name) == Some(req))
        && requests.len() == limits.len()
    {
        return "Guaranteed";
    }
    "Burstable"
}

/// `processResourceList`: sums the positive cpu and memory quantities.
fn add_positive(totals: &mut Totals, list: Option<&BTreeMap<String, ApiQuantity>>) {
    for (name, quantity) in list.into_iter().flatten() {
        if name != "cpu" && name != "memory" {
            continue;
        }
        let quantity = Quantity::of(quantity);
        if quantity > Quantity::ZERO {
            totals
                .entry(name.clone())
                .or_insert(Quantity::ZERO)
                .add(quantity);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSpec, ResourceRequirements};

    type Pairs<'a> = &'a [(&'a str, &'a str)];

    /// One container per entry: `None` has no resources, else (requests, limits).
    fn pod(resources: Vec<Option<(Pairs, Pairs)>>) -> Pod {
        let list = |pairs: Pairs| {
            Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), ApiQuantity(v.to_string())))
                    .collect::<BTreeMap<_, _>>(),
            )
        };
        Pod {
            spec: Some(
                PodSpec {
                    containers: resources
                        .into_iter()
                        .map(|r| Container {
                            resources: r.map(|(req, lim)| ResourceRequirements {
                                requests: list(req),
                                limits: list(lim),
                                ..Default::default()
                            }),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                }
                .into(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn classes() {
        assert_eq!(pod_qos(&pod(vec![None])), "BestEffort");
        assert_eq!(
            pod_qos(&pod(vec![Some((&[("cpu", "0")], &[]))])),
            "BestEffort"
        );
        assert_eq!(
            pod_qos(&pod(vec![Some((&[("cpu", "100m")], &[]))])),
            "Burstable"
        );
        let full: &[(&str, &str)] = &[("cpu", "1"), ("memory", "1Gi")];
        assert_eq!(pod_qos(&pod(vec![Some((full, full))])), "Guaranteed");
        // Without the requests API defaulting copies from limits, Go finds no match.
        assert_eq!(
            pod_qos(&pod(vec![Some((
                &[],
                &[("cpu", "1000m"), ("memory", "1024Mi")]
            ))])),
            "Burstable"
        );
        let milli: &[(&str, &str)] = &[("cpu", "1000m"), ("memory", "1024Mi")];
        assert_eq!(pod_qos(&pod(vec![Some((full, milli))])), "Guaranteed");
        assert_eq!(pod_qos(&pod(vec![Some((full, full)), None])), "Burstable");
        assert_eq!(
            pod_qos(&pod(vec![Some((&[("cpu", "500m")], full))])),
            "Burstable"
        );
    }
}
