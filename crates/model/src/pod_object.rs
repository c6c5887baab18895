//! How a Pod is held: [`Pod`], k8s-openapi's `Pod` with its spec [`Shared`] by the pods of
//! one template on one node, and [`PodObject`], the pod inside an [`Object`](crate::Object):
//! as clients see it but for the ServiceAccount token volume, kept as the five characters of
//! its name.
//!
//! At 100,000 replicas pods are most of the heap, and nearly all of a pod is what every pod
//! of its template has: k8s-openapi's structs hold every optional field inline (a
//! `Container` is 2,120 bytes, a `Volume` 3,208 whichever source it has). Two things made
//! each pod's spec its own: the ServiceAccount admission plugin gives nearly every pod a
//! projected `kube-api-access-xxxxx` volume, mounted into each container, whose name differs
//! in every pod; and binding sets `nodeName`. So the token volume is held by its name, left
//! out of `spec.volumes` and the containers' `volumeMounts` and put back wherever the pod
//! leaves the object model as data (encoding — `-o yaml`, the HTTP API —, `describe`, the
//! files a kubelet gives a container); and the spec is an `Arc` the store shares between
//! the pods of one controller on one node that have equal specs (`Store::put`). Inside the
//! simulation no controller looks at that volume, and `Deref` lets every reader read a
//! `Pod` whose `spec` reads as a `PodSpec`.

use std::borrow::{Borrow, BorrowMut, Cow};
use std::ops::{Deref, DerefMut};

use k8s_openapi::api::core::v1::{
    ConfigMapProjection, Container, DownwardAPIProjection, DownwardAPIVolumeFile, KeyToPath,
    ObjectFieldSelector, PodSpec, ProjectedVolumeSource, ServiceAccountTokenProjection, Volume,
    VolumeMount, VolumeProjection,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::pod_status::PodStatus;
use crate::shared::Shared;

/// Where the ServiceAccount admission plugin mounts the token volume.
const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

const TOKEN_VOLUME_PREFIX: &str = "kube-api-access-";

/// k8s-openapi's `Pod` (`core/v1`), its spec shared copy-on-write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pod {
    pub metadata: ObjectMeta,
    pub spec: Option<Shared<PodSpec>>,
    pub status: Option<PodStatus>,
}

crate::shared::same_resource_as!(Pod, k8s_openapi::api::core::v1::Pod);

impl From<k8s_openapi::api::core::v1::Pod> for Pod {
    fn from(pod: k8s_openapi::api::core::v1::Pod) -> Pod {
        Pod {
            metadata: pod.metadata,
            spec: pod.spec.map(Shared::new),
            status: pod.status.map(PodStatus::from),
        }
    }
}

/// Encoded as k8s-openapi encodes its `Pod`: `apiVersion`, `kind`, `metadata`, then `spec`
/// and `status` when present.
impl serde::Serialize for Pod {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use k8s_openapi::Resource;
        use serde::ser::SerializeStruct;
        let fields = 3 + usize::from(self.spec.is_some()) + usize::from(self.status.is_some());
        let mut state = serializer.serialize_struct(Pod::KIND, fields)?;
        state.serialize_field("apiVersion", Pod::API_VERSION)?;
        state.serialize_field("kind", Pod::KIND)?;
        state.serialize_field("metadata", &self.metadata)?;
        if let Some(spec) = &self.spec {
            state.serialize_field("spec", &**spec)?;
        }
        if let Some(status) = &self.status {
            state.serialize_field("status", status)?;
        }
        state.end()
    }
}

impl<'de> serde::Deserialize<'de> for Pod {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Pod, D::Error> {
        k8s_openapi::api::core::v1::Pod::deserialize(deserializer).map(Pod::from)
    }
}

/// A pod and its ServiceAccount token volume.
#[derive(Clone, Debug, PartialEq)]
pub struct PodObject {
    pod: Pod,
    token: ServiceAccountToken,
}

/// Whether a pod has the token volume admission adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceAccountToken {
    /// Not known: the pod was built in the simulation as a bare `Pod` (a controller's new
    /// pod, or its update of a stored one). The API server settles it: none on a create
    /// (admission may add one), the stored pod's on an update (pod volumes are immutable).
    Unsettled,
    /// No token volume (or one that is not in admission's exact form: then it stays in the
    /// spec like any volume).
    Absent,
    /// The `kube-api-access-<suffix>` volume, last in `spec.volumes`, and its read-only mount
    /// last in every init container's and container's `volumeMounts`.
    Mounted(TokenSuffix),
}

/// The five characters after `kube-api-access-` (`names.SimpleNameGenerator`'s alphabet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenSuffix([u8; 5]);

impl TokenSuffix {
    /// The suffix of a generated name, if it is five ASCII characters.
    pub fn new(suffix: &str) -> Option<TokenSuffix> {
        let bytes: [u8; 5] = suffix.as_bytes().try_into().ok()?;
        bytes.is_ascii().then_some(TokenSuffix(bytes))
    }

    fn volume_name(self) -> String {
        // Five ASCII bytes by construction.
        let suffix = std::str::from_utf8(&self.0).unwrap_or_default();
        format!("{TOKEN_VOLUME_PREFIX}{suffix}")
    }
}

impl PodObject {
    pub fn token(&self) -> ServiceAccountToken {
        self.token
    }

    /// Admission's token volume: from here on the pod has it.
    pub fn mount_token(&mut self, suffix: TokenSuffix) {
        self.token = ServiceAccountToken::Mounted(suffix);
    }

    /// Settles an [`Unsettled`](ServiceAccountToken::Unsettled) token as `settled`.
    pub fn settle_token(&mut self, settled: ServiceAccountToken) {
        if self.token == ServiceAccountToken::Unsettled {
            self.token = settled;
        }
    }

    /// The token volume and the mount every init container and container has of it.
    pub fn token_volume(&self) -> Option<(Volume, VolumeMount)> {
        let ServiceAccountToken::Mounted(suffix) = self.token else {
            return None;
        };
        let name = suffix.volume_name();
        Some((projected_token_volume(name.clone()), token_mount(name)))
    }

    /// The pod as clients see it, token volume included.
    pub fn to_pod(&self) -> Cow<'_, Pod> {
        let ServiceAccountToken::Mounted(suffix) = self.token else {
            return Cow::Borrowed(&self.pod);
        };
        let mut pod = self.pod.clone();
        if let Some(spec) = pod.spec.as_mut() {
            restore(spec, &suffix.volume_name());
        }
        Cow::Owned(pod)
    }

    /// Takes the token volume out of the spec if it is exactly admission's, so that a pod
    /// decoded from a client (`kubectl apply` sends back what `get` showed) equals the stored
    /// one. Anything else is left as the client wrote it.
    pub(crate) fn canonicalize(&mut self) {
        if let ServiceAccountToken::Mounted(_) = self.token {
            return;
        }
        let Some(spec) = self.pod.spec.as_mut() else {
            return;
        };
        // Looked at before changed: a shared spec is copied only to take a volume out.
        if let Some(suffix) = canonical_token(spec) {
            remove_token(spec);
            self.token = ServiceAccountToken::Mounted(suffix);
        }
    }
}

impl From<Pod> for PodObject {
    fn from(pod: Pod) -> PodObject {
        PodObject {
            pod,
            token: ServiceAccountToken::Unsettled,
        }
    }
}

impl Deref for PodObject {
    type Target = Pod;
    fn deref(&self) -> &Pod {
        &self.pod
    }
}

impl DerefMut for PodObject {
    fn deref_mut(&mut self) -> &mut Pod {
        &mut self.pod
    }
}

impl Borrow<Pod> for PodObject {
    fn borrow(&self) -> &Pod {
        &self.pod
    }
}

impl BorrowMut<Pod> for PodObject {
    fn borrow_mut(&mut self) -> &mut Pod {
        &mut self.pod
    }
}

impl serde::Serialize for PodObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_pod().serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for PodObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<PodObject, D::Error> {
        // A client's pod says whether it has the volume: nothing is left to settle.
        let mut object = PodObject {
            pod: Pod::deserialize(deserializer)?,
            token: ServiceAccountToken::Absent,
        };
        object.canonicalize();
        Ok(object)
    }
}

/// The projected volume admission adds (`mountServiceAccountToken` in
/// plugin/pkg/admission/serviceaccount/admission.go), defaulted as the API server stores it.
fn projected_token_volume(name: String) -> Volume {
    let projection = ProjectedVolumeSource {
        default_mode: Some(420),
        sources: Some(vec![
            VolumeProjection {
                service_account_token: Some(ServiceAccountTokenProjection {
                    expiration_seconds: Some(3607),
                    path: "token".into(),
                    audience: None,
                }),
                ..VolumeProjection::default()
            },
            VolumeProjection {
                config_map: Some(ConfigMapProjection {
                    name: "kube-root-ca.crt".into(),
                    items: Some(vec![KeyToPath {
                        key: "ca.crt".into(),
                        path: "ca.crt".into(),
                        mode: None,
                    }]),
                    optional: None,
                }),
                ..VolumeProjection::default()
            },
            VolumeProjection {
                downward_api: Some(DownwardAPIProjection {
                    items: Some(vec![DownwardAPIVolumeFile {
                        path: "namespace".into(),
                        field_ref: Some(ObjectFieldSelector {
                            api_version: Some("v1".into()),
                            field_path: "metadata.namespace".into(),
                        }),
                        mode: None,
                        resource_field_ref: None,
                    }]),
                }),
                ..VolumeProjection::default()
            },
        ]),
    };
    Volume {
        name,
        projected: Some(projection),
        ..Volume::default()
    }
}

fn token_mount(name: String) -> VolumeMount {
    VolumeMount {
        name,
        mount_path: TOKEN_MOUNT_PATH.into(),
        read_only: Some(true),
        ..VolumeMount::default()
    }
}

/// The pod's init containers then containers: the ones admission mounts the token into.
fn mounted_containers(spec: &mut PodSpec) -> impl Iterator<Item = &mut Container> {
    let init_containers = spec.init_containers.iter_mut().flatten();
    init_containers.chain(&mut spec.containers)
}

fn restore(spec: &mut PodSpec, name: &str) {
    spec.volumes
        .get_or_insert_with(Vec::new)
        .push(projected_token_volume(name.to_string()));
    for container in mounted_containers(spec) {
        container
            .volume_mounts
            .get_or_insert_with(Vec::new)
            .push(token_mount(name.to_string()));
    }
}

/// The suffix of admission's token volume if `spec` holds it exactly as [`restore`] would
/// put it back (and nothing else names that volume).
fn canonical_token(spec: &PodSpec) -> Option<TokenSuffix> {
    let volumes = spec.volumes.as_deref()?;
    let volume = volumes.last()?;
    let suffix = TokenSuffix::new(volume.name.strip_prefix(TOKEN_VOLUME_PREFIX)?)?;
    let name = &volume.name;
    if *volume != projected_token_volume(name.clone()) || spec.ephemeral_containers.is_some() {
        return None;
    }
    if volumes.iter().filter(|v| v.name == *name).count() != 1 || spec.containers.is_empty() {
        return None;
    }
    let mount = token_mount(name.clone());
    let mut containers = spec
        .init_containers
        .iter()
        .flatten()
        .chain(&spec.containers);
    containers
        .all(|container| {
            let mounts = container.volume_mounts.as_deref().unwrap_or_default();
            mounts.last() == Some(&mount) && mounts.iter().filter(|m| m.name == *name).count() == 1
        })
        .then_some(suffix)
}

/// Takes out what [`canonical_token`] found.
fn remove_token(spec: &mut PodSpec) {
    pop_emptied(&mut spec.volumes);
    for container in mounted_containers(spec) {
        pop_emptied(&mut container.volume_mounts);
    }
}

/// Drops a list's last item, and the list with it when that was the only one: admission
/// creates the list it appends to, and restoring creates it again.
fn pop_emptied<T>(list: &mut Option<Vec<T>>) {
    if let Some(items) = list.as_mut() {
        items.pop();
        if items.is_empty() {
            *list = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod_with_token() -> Pod {
        let mut spec = PodSpec {
            containers: vec![
                Container {
                    name: "app".into(),
                    volume_mounts: Some(vec![VolumeMount {
                        name: "data".into(),
                        mount_path: "/data".into(),
                        ..VolumeMount::default()
                    }]),
                    ..Container::default()
                },
                Container {
                    name: "sidecar".into(),
                    ..Container::default()
                },
            ],
            volumes: Some(vec![Volume {
                name: "data".into(),
                ..Volume::default()
            }]),
            ..PodSpec::default()
        };
        restore(&mut spec, "kube-api-access-x7k2p");
        Pod {
            spec: Some(spec.into()),
            ..Pod::default()
        }
    }

    #[test]
    fn admissions_token_volume_is_held_by_name_and_given_back_whole() {
        let pod = pod_with_token();
        let mut object = PodObject::from(pod.clone());
        object.canonicalize();
        assert_eq!(
            object.token(),
            ServiceAccountToken::Mounted(TokenSuffix(*b"x7k2p"))
        );
        let spec = object.spec.as_ref().expect("a spec");
        assert_eq!(spec.volumes.as_ref().map(Vec::len), Some(1));
        assert_eq!(spec.containers[1].volume_mounts, None);
        assert_eq!(*object.to_pod(), pod);
    }

    #[test]
    fn a_volume_not_exactly_admissions_stays_in_the_spec() {
        let mut pod = pod_with_token();
        let spec = pod.spec.as_mut().expect("a spec");
        spec.containers[1].volume_mounts = None;
        let mut object = PodObject::from(pod.clone());
        object.canonicalize();
        assert_eq!(object.token(), ServiceAccountToken::Unsettled);
        assert_eq!(*object.to_pod(), pod);

        let mut renamed = pod_with_token();
        let spec = renamed.spec.as_mut().expect("a spec");
        for volume in spec.volumes.iter_mut().flatten() {
            volume.name = volume.name.replace("x7k2p", "toolong");
        }
        let json = serde_json::to_value(&renamed).expect("encodes");
        let decoded: PodObject = serde_json::from_value(json).expect("decodes");
        assert_eq!(decoded.token(), ServiceAccountToken::Absent);
        assert_eq!(*decoded.to_pod(), renamed);
    }

    #[test]
    fn encoding_shows_the_token_volume_and_decoding_takes_it_back_out() {
        let pod = pod_with_token();
        let mut object = PodObject::from(pod.clone());
        object.canonicalize();
        let json = serde_json::to_value(&object).expect("encodes");
        assert_eq!(json, serde_json::to_value(&pod).expect("encodes"));
        let decoded: PodObject = serde_json::from_value(json).expect("decodes");
        assert_eq!(decoded, object);
    }
}
