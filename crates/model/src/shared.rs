//! `Shared<T>`: a value several objects hold at once, copied only when one of them changes
//! it — what the pods of one template hold of their spec (see `pod_object`), and
//! `same_resource_as!` for kubeplay's own copies of the API types that hold such parts.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Weak};

/// Makes `$ours`, kubeplay's own copy of the API type `$api` (which holds some parts
/// [`Shared`]), the same resource as `$api` to k8s-openapi: its group, version, kind, scope
/// and metadata.
macro_rules! same_resource_as {
    ($ours:ty, $api:ty) => {
        impl k8s_openapi::Resource for $ours {
            const API_VERSION: &'static str = <$api as k8s_openapi::Resource>::API_VERSION;
            const GROUP: &'static str = <$api as k8s_openapi::Resource>::GROUP;
            const KIND: &'static str = <$api as k8s_openapi::Resource>::KIND;
            const VERSION: &'static str = <$api as k8s_openapi::Resource>::VERSION;
            const URL_PATH_SEGMENT: &'static str =
                <$api as k8s_openapi::Resource>::URL_PATH_SEGMENT;
            type Scope = <$api as k8s_openapi::Resource>::Scope;
        }

        impl k8s_openapi::Metadata for $ours {
            type Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
            fn metadata(&self) -> &Self::Ty {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut Self::Ty {
                &mut self.metadata
            }
        }
    };
}
pub(crate) use same_resource_as;

/// An `Arc` that reads as its value and is written copy-on-write (`Arc::make_mut`), so
/// code that reads or changes a `T` in place reads and changes a `Shared<T>` the same way.
#[derive(Default)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }

    /// Whether both hold the very same value (not merely equal ones).
    pub fn same(&self, other: &Shared<T>) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// A reference to the value that does not keep it alive (for a table of shared values).
    pub fn downgrade(&self) -> Weak<T> {
        Arc::downgrade(&self.0)
    }

    /// The value `weak` refers to, shared, while any holder keeps it alive.
    pub fn upgrade(weak: &Weak<T>) -> Option<Shared<T>> {
        weak.upgrade().map(Shared)
    }
}

impl<T: Clone> Shared<T> {
    /// The value to change in place if nothing else holds or refers to it (no copy made).
    pub fn get_mut(&mut self) -> Option<&mut T> {
        Arc::get_mut(&mut self.0)
    }

    /// The value, copied out if others hold it too.
    pub fn into_inner(self) -> T {
        Arc::unwrap_or_clone(self.0)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(self.0.clone())
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Any `&mut` access is a write: it copies a value other holders share (and moves one only
/// the store's sharing table refers to), whether or not the caller then changes it — so take
/// `&mut` only to change something.
impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T: AsRef<U>, U: ?Sized> AsRef<U> for Shared<T> {
    fn as_ref(&self) -> &U {
        (*self.0).as_ref()
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Shared<T> {
        Shared::new(value)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Shared<T>) -> bool {
        self.same(other) || *self.0 == *other.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: serde::Serialize> serde::Serialize for Shared<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Shared<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Shared<T>, D::Error> {
        T::deserialize(deserializer).map(Shared::new)
    }
}

/// Asserts that `Ours`, kubeplay's copy of the API type `Api` with parts held [`Shared`],
/// mirrors it exactly: `api` converted encodes byte for byte as `api` does, converts back to
/// `api`, decodes from `api`'s encoding to the same value, and the defaults encode alike.
#[cfg(test)]
pub(crate) fn assert_mirrors<Ours, Api>(api: Api)
where
    Ours: From<Api> + serde::Serialize + serde::de::DeserializeOwned + Clone + Default,
    Ours: PartialEq + fmt::Debug,
    Api: From<Ours> + serde::Serialize + Clone + Default + PartialEq + fmt::Debug,
{
    fn encode(value: &impl serde::Serialize) -> String {
        serde_json::to_string(value).expect("encodes")
    }
    let ours = Ours::from(api.clone());
    assert_eq!(encode(&ours), encode(&api));
    assert_eq!(Api::from(ours.clone()), api);
    let decoded: Ours = serde_json::from_str(&encode(&api)).expect("decodes");
    assert_eq!(decoded, ours);
    assert_eq!(encode(&Ours::default()), encode(&Api::default()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_through_one_holder_is_not_seen_by_the_others() {
        let first = Shared::new(vec![1, 2]);
        let mut second = first.clone();
        assert!(second.same(&first));
        second.push(3);
        assert!(!second.same(&first));
        assert_eq!(*first, vec![1, 2]);
        assert_eq!(*second, vec![1, 2, 3]);
        assert_eq!(Shared::new(vec![1, 2]), first, "equal values compare equal");
    }
}
