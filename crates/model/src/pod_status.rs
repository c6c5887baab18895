//! How a pod's status is held ([`PodStatus`]): k8s-openapi's with its conditions [`Shared`].
//!
//! A running pod has five conditions (`PodScheduled`, `PodReadyToStartContainers`,
//! `Initialized`, `ContainersReady`, `Ready`), 888 bytes of structs and strings, and their
//! times are whole seconds: the pods scheduled and started in the same seconds — a score of
//! them at a time when a ReplicaSet creates 20 a second — have equal conditions. The store
//! gives a pod the conditions an earlier pod was written with when equal (`Store::put`).

use k8s_openapi::api::core::v1::{HostIP, PodCondition, PodIP, PodResourceClaimStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use crate::container_status::ContainerStatus;
use crate::shared::Shared;

type ApiPodStatus = k8s_openapi::api::core::v1::PodStatus;

/// k8s-openapi's `PodStatus` (`core/v1`, v1.33) with `conditions` held [`Shared`] and its
/// container statuses kubeplay's [`ContainerStatus`]; it is encoded field for field as
/// k8s-openapi encodes its own, and decoded by it.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Shared<Vec<PodCondition>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_statuses: Option<Vec<ContainerStatus>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ephemeral_container_statuses: Option<Vec<ContainerStatus>>,
    #[serde(rename = "hostIP", skip_serializing_if = "Option::is_none")]
    pub host_ip: Option<String>,
    #[serde(rename = "hostIPs", skip_serializing_if = "Option::is_none")]
    pub host_ips: Option<Vec<HostIP>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init_container_statuses: Option<Vec<ContainerStatus>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nominated_node_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(rename = "podIP", skip_serializing_if = "Option::is_none")]
    pub pod_ip: Option<String>,
    #[serde(rename = "podIPs", skip_serializing_if = "Option::is_none")]
    pub pod_ips: Option<Vec<PodIP>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qos_class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resize: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_claim_statuses: Option<Vec<PodResourceClaimStatus>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Time>,
}

impl PodStatus {
    /// The conditions, none when there are none.
    pub fn conditions(&self) -> &[PodCondition] {
        self.conditions.as_deref().map_or(&[], Vec::as_slice)
    }

    /// The conditions to change in place (the list is created if there is none; a list
    /// other pods share is copied first).
    pub fn conditions_mut(&mut self) -> &mut Vec<PodCondition> {
        self.conditions.get_or_insert_with(Shared::default)
    }
}

impl From<ApiPodStatus> for PodStatus {
    fn from(status: ApiPodStatus) -> PodStatus {
        PodStatus {
            conditions: status.conditions.map(Shared::new),
            container_statuses: statuses(status.container_statuses),
            ephemeral_container_statuses: statuses(status.ephemeral_container_statuses),
            host_ip: status.host_ip,
            host_ips: status.host_ips,
            init_container_statuses: statuses(status.init_container_statuses),
            message: status.message,
            nominated_node_name: status.nominated_node_name,
            observed_generation: status.observed_generation,
            phase: status.phase,
            pod_ip: status.pod_ip,
            pod_ips: status.pod_ips,
            qos_class: status.qos_class,
            reason: status.reason,
            resize: status.resize,
            resource_claim_statuses: status.resource_claim_statuses,
            start_time: status.start_time,
        }
    }
}

impl From<PodStatus> for ApiPodStatus {
    fn from(status: PodStatus) -> ApiPodStatus {
        ApiPodStatus {
            conditions: status.conditions.map(Shared::into_inner),
            container_statuses: statuses(status.container_statuses),
            ephemeral_container_statuses: statuses(status.ephemeral_container_statuses),
            host_ip: status.host_ip,
            host_ips: status.host_ips,
            init_container_statuses: statuses(status.init_container_statuses),
            message: status.message,
            nominated_node_name: status.nominated_node_name,
            observed_generation: status.observed_generation,
            phase: status.phase,
            pod_ip: status.pod_ip,
            pod_ips: status.pod_ips,
            qos_class: status.qos_class,
            reason: status.reason,
            resize: status.resize,
            resource_claim_statuses: status.resource_claim_statuses,
            start_time: status.start_time,
        }
    }
}

/// A list of container statuses as the other copy holds them.
fn statuses<A, B: From<A>>(list: Option<Vec<A>>) -> Option<Vec<B>> {
    list.map(|list| list.into_iter().map(B::from).collect())
}

impl<'de> serde::Deserialize<'de> for PodStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<PodStatus, D::Error> {
        ApiPodStatus::deserialize(deserializer).map(PodStatus::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::assert_mirrors;

    fn api_status() -> ApiPodStatus {
        serde_json::from_value(serde_json::json!({
            "conditions": [
                {"type": "Ready", "status": "True", "lastTransitionTime": "2025-06-02T10:15:00Z"},
                {"type": "PodScheduled", "status": "True", "lastProbeTime": null,
                 "lastTransitionTime": "2025-06-02T10:14:58Z"}
            ],
            "containerStatuses": [{"name": "app", "image": "nginx:1.27", "imageID": "",
                                   "ready": true, "restartCount": 0}],
            "hostIP": "172.18.0.3",
            "hostIPs": [{"ip": "172.18.0.3"}],
            "nominatedNodeName": "kind-worker",
            "observedGeneration": 2,
            "phase": "Running",
            "podIP": "10.244.1.2",
            "podIPs": [{"ip": "10.244.1.2"}],
            "qosClass": "BestEffort",
            "startTime": "2025-06-02T10:14:58Z"
        }))
        .expect("a pod status")
    }

    #[test]
    fn it_encodes_as_k8s_openapi_encodes_its_own() {
        assert_mirrors::<PodStatus, _>(api_status());
        assert_eq!(
            serde_json::to_string(&PodStatus::default()).expect("encodes"),
            "{}"
        );
    }

    #[test]
    fn a_change_to_shared_conditions_is_the_changers_own() {
        let first = PodStatus::from(api_status());
        let mut second = first.clone();
        second.conditions_mut()[0].status = "False".into();
        assert_eq!(first.conditions()[0].status, "True");
        assert_eq!(second.conditions()[0].status, "False");
        assert!(PodStatus::default().conditions().is_empty());
    }
}
