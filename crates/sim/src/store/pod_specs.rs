//! The pod specs the store shares: the pods of one controller on one node have equal specs
//! (a template, admission's additions and the node's name), and at 100,000 replicas a spec
//! per pod was a quarter of the heap (k8s-openapi's `Container` alone is 2,120 bytes of
//! inline options). A pod written with a spec equal to the one the last such pod was
//! written with is given that one, shared (`Shared`: changed copy-on-write).

use std::hash::BuildHasher;
use std::sync::Weak;

use foldhash::HashMap;
use k8s_openapi::api::core::v1::PodSpec;
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;
use kubeplay_model::shared::Shared;

/// The last spec written for each (controller, node), held weakly: a spec lives as long as a
/// pod holds it.
#[derive(Clone, Default)]
pub(super) struct PodSpecs {
    by_controller_and_node: HashMap<u64, Weak<PodSpec>>,
    hasher: foldhash::fast::FixedState,
    /// The table's size after the last sweep of dead entries: it is swept when it doubles.
    swept_len: usize,
}

impl PodSpecs {
    /// Gives `pod` the spec an earlier pod of its controller on its node holds, if equal;
    /// else remembers `pod`'s for the next. `previous` is the pod `pod` replaces: a write
    /// that kept its spec (a status write) is left as it is.
    pub(super) fn share(&mut self, pod: &mut Pod, previous: Option<&Pod>) {
        let Some(spec) = pod.spec.as_mut() else {
            return;
        };
        if previous
            .and_then(|previous| previous.spec.as_ref())
            .is_some_and(|kept| kept.same(spec))
        {
            return;
        }
        let Some(controller) = pod.metadata.controller_ref() else {
            return;
        };
        let key = self
            .hasher
            .hash_one((controller.uid.as_str(), spec.node_name.as_deref()));
        if let Some(known) = self.by_controller_and_node.get(&key) {
            match Shared::upgrade(known) {
                Some(known) if known == *spec => {
                    *spec = known;
                    return;
                }
                _ => {}
            }
        }
        self.by_controller_and_node.insert(key, spec.downgrade());
        if self.by_controller_and_node.len() > 2 * self.swept_len + 1024 {
            self.by_controller_and_node
                .retain(|_, spec| spec.strong_count() > 0);
            self.swept_len = self.by_controller_and_node.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::Container;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

    use super::*;

    fn pod(controller: &str, node: &str, image: &str) -> Pod {
        Pod {
            metadata: ObjectMeta {
                owner_references: Some(vec![OwnerReference {
                    uid: controller.into(),
                    controller: Some(true),
                    ..OwnerReference::default()
                }]),
                ..ObjectMeta::default()
            },
            spec: Some(
                PodSpec {
                    node_name: Some(node.into()),
                    containers: vec![Container {
                        name: "app".into(),
                        image: Some(image.into()),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }
                .into(),
            ),
            status: None,
        }
    }

    fn spec(pod: &Pod) -> &Shared<PodSpec> {
        pod.spec.as_ref().expect("a spec")
    }

    #[test]
    fn equal_specs_of_one_controller_on_one_node_are_held_once() {
        let mut specs = PodSpecs::default();
        let mut first = pod("rs-1", "node-a", "nginx:1.27");
        let mut second = pod("rs-1", "node-a", "nginx:1.27");
        let mut elsewhere = pod("rs-1", "node-b", "nginx:1.27");
        let mut changed = pod("rs-1", "node-a", "nginx:1.28");
        for pod in [&mut first, &mut second, &mut elsewhere, &mut changed] {
            specs.share(pod, None);
        }
        assert!(spec(&second).same(spec(&first)));
        assert!(!spec(&elsewhere).same(spec(&first)));
        assert!(!spec(&changed).same(spec(&first)));
        assert_eq!(
            spec(&changed).containers[0].image.as_deref(),
            Some("nginx:1.28")
        );

        // A change to one pod's spec is its own.
        let mut bound = second.clone();
        bound.spec.as_mut().expect("a spec").node_name = Some("node-c".into());
        assert_eq!(spec(&first).node_name.as_deref(), Some("node-a"));
        specs.share(&mut bound, Some(&second));
        assert_eq!(spec(&bound).node_name.as_deref(), Some("node-c"));
    }
}
