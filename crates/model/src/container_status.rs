//! How a container's status is held ([`ContainerStatus`]): k8s-openapi's with its `state`
//! and `lastState` [`Shared`].
//!
//! A `ContainerState` is 208 bytes of inline options, and a container status holds two: 416
//! of its 752 bytes. Most are alike — every container that never restarted has the empty
//! `lastState: {}`, and the containers started in the same second have the same
//! `state: {running: {startedAt}}` — so the store gives a pod the states an earlier pod was
//! written with when equal (`Store::put`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ContainerState, ContainerUser, ResourceRequirements, ResourceStatus, VolumeMountStatus,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::shared::Shared;

type ApiContainerStatus = k8s_openapi::api::core::v1::ContainerStatus;

/// k8s-openapi's `ContainerStatus` (`core/v1`, v1.33) with `state` and `lastState` held
/// [`Shared`]; it is encoded field for field as k8s-openapi encodes its own, and decoded by
/// it.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStatus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocated_resources: Option<BTreeMap<String, Quantity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocated_resources_status: Option<Vec<ResourceStatus>>,
    #[serde(rename = "containerID", skip_serializing_if = "Option::is_none")]
    pub container_id: Option<String>,
    pub image: String,
    #[serde(rename = "imageID")]
    pub image_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_state: Option<Shared<ContainerState>>,
    pub name: String,
    pub ready: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    pub restart_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<Shared<ContainerState>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<ContainerUser>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mounts: Option<Vec<VolumeMountStatus>>,
}

impl From<ApiContainerStatus> for ContainerStatus {
    fn from(status: ApiContainerStatus) -> ContainerStatus {
        ContainerStatus {
            allocated_resources: status.allocated_resources,
            allocated_resources_status: status.allocated_resources_status,
            container_id: status.container_id,
            image: status.image,
            image_id: status.image_id,
            last_state: status.last_state.map(Shared::new),
            name: status.name,
            ready: status.ready,
            resources: status.resources,
            restart_count: status.restart_count,
            started: status.started,
            state: status.state.map(Shared::new),
            stop_signal: status.stop_signal,
            user: status.user,
            volume_mounts: status.volume_mounts,
        }
    }
}

impl From<ContainerStatus> for ApiContainerStatus {
    fn from(status: ContainerStatus) -> ApiContainerStatus {
        ApiContainerStatus {
            allocated_resources: status.allocated_resources,
            allocated_resources_status: status.allocated_resources_status,
            container_id: status.container_id,
            image: status.image,
            image_id: status.image_id,
            last_state: status.last_state.map(Shared::into_inner),
            name: status.name,
            ready: status.ready,
            resources: status.resources,
            restart_count: status.restart_count,
            started: status.started,
            state: status.state.map(Shared::into_inner),
            stop_signal: status.stop_signal,
            user: status.user,
            volume_mounts: status.volume_mounts,
        }
    }
}

impl<'de> serde::Deserialize<'de> for ContainerStatus {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<ContainerStatus, D::Error> {
        ApiContainerStatus::deserialize(deserializer).map(ContainerStatus::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::assert_mirrors;

    #[test]
    fn it_encodes_as_k8s_openapi_encodes_its_own() {
        let api: ApiContainerStatus = serde_json::from_value(serde_json::json!({
            "allocatedResources": {"cpu": "100m"},
            "containerID": "containerd://0123abcd",
            "image": "docker.io/library/nginx:1.27",
            "imageID": "docker.io/library/nginx@sha256:0123",
            "lastState": {},
            "name": "app",
            "ready": true,
            "resources": {"requests": {"cpu": "100m"}},
            "restartCount": 2,
            "started": true,
            "state": {"running": {"startedAt": "2025-06-02T10:15:00Z"}},
            "volumeMounts": [{"mountPath": "/data", "name": "data"}]
        }))
        .expect("a container status");
        assert_mirrors::<ContainerStatus, _>(api);
    }
}
