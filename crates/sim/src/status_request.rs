//! What the cluster's own writers send to the `/status` subresource
//! (`ApiServer::write_status`): the object's name and its new status, all the
//! API server reads from the request.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::Typed;

/// A kind whose status the cluster's own writers (controllers, kubelets) write.
pub trait WithStatus: Typed {
    type Status: PartialEq;
    fn status(&self) -> Option<&Self::Status>;
    /// The body of a write of `status` to this object's `/status` subresource: its name,
    /// namespace and `status`, all the API server reads from it (the rest of the stored
    /// object is kept), so a status write does not copy the whole object into its request.
    fn status_request(&self, status: Self::Status) -> Self;
}

macro_rules! with_status {
    ($($kind:ty => $status:ty),* $(,)?) => {$(
        impl WithStatus for $kind {
            type Status = $status;
            fn status(&self) -> Option<&$status> {
                self.status.as_ref()
            }
            fn status_request(&self, status: $status) -> Self {
                Self {
                    metadata: ObjectMeta {
                        name: self.metadata.name.clone(),
                        namespace: self.metadata.namespace.clone(),
                        ..ObjectMeta::default()
                    },
                    status: Some(status),
                    ..Self::default()
                }
            }
        }
    )*};
}

with_status!(
    kubeplay_model::Pod => kubeplay_model::PodStatus,
    k8s_openapi::api::apps::v1::Deployment => k8s_openapi::api::apps::v1::DeploymentStatus,
    k8s_openapi::api::apps::v1::ReplicaSet => k8s_openapi::api::apps::v1::ReplicaSetStatus,
    k8s_openapi::api::core::v1::ReplicationController =>
        k8s_openapi::api::core::v1::ReplicationControllerStatus,
    k8s_openapi::api::apps::v1::DaemonSet => k8s_openapi::api::apps::v1::DaemonSetStatus,
    k8s_openapi::api::apps::v1::StatefulSet => k8s_openapi::api::apps::v1::StatefulSetStatus,
    k8s_openapi::api::batch::v1::Job => k8s_openapi::api::batch::v1::JobStatus,
    k8s_openapi::api::batch::v1::CronJob => k8s_openapi::api::batch::v1::CronJobStatus,
    k8s_openapi::api::policy::v1::PodDisruptionBudget =>
        k8s_openapi::api::policy::v1::PodDisruptionBudgetStatus,
);
