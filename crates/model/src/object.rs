//! `Object`: one value of any served kind, held as the real Kubernetes v1.33 type, and
//! `ObjectKey`, the (kind, namespace, name) address every object is stored under.

use std::fmt;

use k8s_openapi::api::{apps, autoscaling, batch, core, networking, policy, storage};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::errors::ApiError;
use crate::kinds::Kind;

/// Where an object lives: kind, namespace (empty for cluster-scoped kinds) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> ObjectKey {
        let namespace = if kind.namespaced() { namespace } else { "" };
        ObjectKey {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    pub fn cluster(kind: Kind, name: &str) -> ObjectKey {
        ObjectKey::new(kind, "", name)
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// A typed resource that can be stored as an [`Object`].
pub trait Typed:
    k8s_openapi::Resource + k8s_openapi::Metadata<Ty = ObjectMeta> + Clone + Sized
{
    const STORED_KIND: Kind;
    fn from_object(object: &Object) -> Option<&Self>;
    fn from_object_mut(object: &mut Object) -> Option<&mut Self>;
    fn into_object(self) -> Object;
}

/// The type an [`Object`] variant boxes: the kind's own type, or the one named after `as`.
macro_rules! held {
    ($ty:ty) => {
        $ty
    };
    ($ty:ty, $held:ty) => {
        $held
    };
}

macro_rules! objects {
    ($($variant:ident => $ty:ty $(as $held:ty)?),* $(,)?) => {
        /// One object of any kind kubeplay serves, boxed: the kinds' structs range from a
        /// few hundred bytes (an Event's 1,000) to 3.4 KB (a PersistentVolume), and an
        /// unboxed enum would cost every object — 100,000 Events among them — the largest.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $($variant(Box<held!($ty $(, $held)?)>),)*
        }

        impl Object {
            pub fn kind(&self) -> Kind {
                match self {
                    $(Object::$variant(_) => Kind::$variant,)*
                }
            }

            pub fn meta(&self) -> &ObjectMeta {
                match self {
                    $(Object::$variant(o) => &o.metadata,)*
                }
            }

            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self {
                    $(Object::$variant(o) => &mut o.metadata,)*
                }
            }

            /// The API server's check of a write request's body (`maxRequestBodyBytes`,
            /// 3 MiB): the object as kubectl sends it, JSON-encoded.
            pub fn check_request_size(&self) -> Result<(), ApiError> {
                let size = serde_json::to_vec(&self.to_value()).map_or(0, |body| body.len());
                if size > crate::errors::MAX_REQUEST_BODY_BYTES {
                    return Err(ApiError::RequestEntityTooLarge(format!(
                        "limit is {}",
                        crate::errors::MAX_REQUEST_BODY_BYTES
                    )));
                }
                Ok(())
            }

            /// The object as JSON, with `apiVersion` and `kind` (keys sorted, as kubectl prints).
            pub fn to_value(&self) -> serde_json::Value {
                let value = match self {
                    $(Object::$variant(o) => encode_one(o),)*
                };
                // Serializing these plain data types cannot fail.
                value.unwrap_or(serde_json::Value::Null)
            }

            /// Decodes a JSON value of a known kind, reporting the field path of a failure.
            pub fn decode_with_path(kind: Kind, value: &serde_json::Value) -> Result<Object, serde_path_to_error::Error<serde_json::Error>> {
                match kind {
                    $(Kind::$variant => decode_one_with_path::<held!($ty $(, $held)?)>(value).map(|o| Object::$variant(Box::new(o))),)*
                }
            }

            /// Decodes a JSON value of a known kind into its typed form. It goes through
            /// `decode_with_path` (the error without its path) so that the WebAssembly holds one
            /// copy of every kind's decoder, not one per deserializer type.
            pub fn from_value(kind: Kind, value: &serde_json::Value) -> Result<Object, ApiError> {
                Object::decode_with_path(kind, value)
                    .map_err(|error| ApiError::BadRequest(error.into_inner().to_string()))
            }
        }

        $(
            impl Typed for $ty {
                const STORED_KIND: Kind = Kind::$variant;
                fn from_object(object: &Object) -> Option<&Self> {
                    match object {
                        Object::$variant(o) => Some(std::borrow::Borrow::borrow(&**o)),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
                fn from_object_mut(object: &mut Object) -> Option<&mut Self> {
                    match object {
                        Object::$variant(o) => Some(std::borrow::BorrowMut::borrow_mut(&mut **o)),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
                fn into_object(self) -> Object {
                    Object::$variant(Box::new(self.into()))
                }
            }
        )*
    };
}

// One function per kind, never inlined into the match over kinds: in the browser each
// WebAssembly function is compiled when it is first called, so decoding the system manifest
// at boot compiles the deserializers of the kinds it holds, not one function holding all of
// them (inlined, `decode_with_path` was ~140 KB of code and a large share of the page's load).
#[inline(never)]
fn decode_one_with_path<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
    serde_path_to_error::deserialize(value)
}

/// Decodes JSON into any API type (a pod template, a time, managed fields) with the
/// deserializer `Object::decode_with_path` uses: every other deserializer type compiles the
/// whole decoder tree of the types it reaches once more (`serde_json::from_value` over an
/// owned `Value` was 437 KB of the page's 5.4 MB of WebAssembly). The error is serde_json's
/// own, without the path, so its message is the one `serde_json::from_value` gives.
pub fn decode<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<T, serde_json::Error> {
    serde_path_to_error::deserialize(value).map_err(serde_path_to_error::Error::into_inner)
}

#[inline(never)]
fn encode_one<T: serde::Serialize>(object: &T) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::to_value(object)
}

objects! {
    Namespace => core::v1::Namespace,
    Node => core::v1::Node,
    Pod => crate::pod_object::Pod as crate::pod_object::PodObject,
    Service => core::v1::Service,
    Endpoints => core::v1::Endpoints,
    ConfigMap => core::v1::ConfigMap,
    ServiceAccount => core::v1::ServiceAccount,
    Event => crate::event::Event,
    PersistentVolumeClaim => core::v1::PersistentVolumeClaim,
    PersistentVolume => core::v1::PersistentVolume,
    Deployment => apps::v1::Deployment,
    ReplicaSet => apps::v1::ReplicaSet,
    ReplicationController => core::v1::ReplicationController,
    DaemonSet => apps::v1::DaemonSet,
    StatefulSet => apps::v1::StatefulSet,
    ControllerRevision => apps::v1::ControllerRevision,
    Job => batch::v1::Job,
    CronJob => batch::v1::CronJob,
    StorageClass => storage::v1::StorageClass,
    PodDisruptionBudget => policy::v1::PodDisruptionBudget,
    NetworkPolicy => networking::v1::NetworkPolicy,
    Secret => core::v1::Secret,
    HorizontalPodAutoscaler => autoscaling::v2::HorizontalPodAutoscaler,
}

impl Object {
    pub fn name(&self) -> &str {
        self.meta().name.as_deref().unwrap_or_default()
    }

    pub fn namespace(&self) -> &str {
        self.meta().namespace.as_deref().unwrap_or_default()
    }

    pub fn uid(&self) -> &str {
        self.meta().uid.as_deref().unwrap_or_default()
    }

    pub fn key(&self) -> ObjectKey {
        ObjectKey::new(self.kind(), self.namespace(), self.name())
    }

    pub fn as_typed<T: Typed>(&self) -> Option<&T> {
        T::from_object(self)
    }
}

/// Shorthand accessors on metadata that every caller otherwise unwraps by hand.
pub trait MetaExt {
    fn name_str(&self) -> &str;
    fn namespace_str(&self) -> &str;
    fn uid_str(&self) -> &str;
    fn label(&self, key: &str) -> Option<&str>;
    fn annotation(&self, key: &str) -> Option<&str>;
    fn is_deleting(&self) -> bool;
    /// The labels, made present if they were not.
    fn labels_mut(&mut self) -> &mut std::collections::BTreeMap<String, String>;
    /// The annotations, made present if they were not.
    fn annotations_mut(&mut self) -> &mut std::collections::BTreeMap<String, String>;
    /// The owner reference with `controller: true`, if any.
    fn controller_ref(
        &self,
    ) -> Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference>;
}

impl MetaExt for ObjectMeta {
    fn name_str(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }
    fn namespace_str(&self) -> &str {
        self.namespace.as_deref().unwrap_or_default()
    }
    fn uid_str(&self) -> &str {
        self.uid.as_deref().unwrap_or_default()
    }
    fn label(&self, key: &str) -> Option<&str> {
        self.labels.as_ref()?.get(key).map(String::as_str)
    }
    fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(key).map(String::as_str)
    }
    fn is_deleting(&self) -> bool {
        self.deletion_timestamp.is_some()
    }
    fn labels_mut(&mut self) -> &mut std::collections::BTreeMap<String, String> {
        self.labels.get_or_insert_with(Default::default)
    }
    fn annotations_mut(&mut self) -> &mut std::collections::BTreeMap<String, String> {
        self.annotations.get_or_insert_with(Default::default)
    }
    fn controller_ref(
        &self,
    ) -> Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference> {
        self.owner_references
            .as_ref()?
            .iter()
            .find(|owner| owner.controller == Some(true))
    }
}
