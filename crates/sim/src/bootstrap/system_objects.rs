//! A fresh kind cluster's objects written a step at a time: its nodes, then each document of
//! the system manifest, then the control plane. In a page, decoding the manifest is most of
//! the boot's work — its decoders are WebAssembly compiled on their first call — and one
//! step for all of it was one task of 100–150 ms, during which a key press waited. A
//! document per step keeps each task short; the objects, their order and the virtual time
//! they are written at are those of one go ([`super::create_cluster`]).

use kubeplay_model::manifest::decode_documents;
use kubeplay_model::{Kind, Object, ObjectKey, Typed};

use super::{ClusterShape, PRELOADED_IMAGES, Role, SYSTEM_MANIFEST, static_pods};
use crate::cluster::Cluster;
use crate::nodes::{Capacity, Machine};

/// The line between two documents of `system.yaml` (which has no other kind).
const DOCUMENT_SEPARATOR: &str = "\n---\n";

/// The objects of a fresh kind cluster of one shape still to be written.
pub struct SystemObjects {
    shape: ClusterShape,
    next: Next,
}

enum Next {
    Nodes,
    /// The system manifest's documents not yet written, each decoded when it is written.
    Manifest(std::iter::Peekable<std::str::Split<'static, &'static str>>),
    ControlPlane,
    Written,
}

impl SystemObjects {
    pub fn new(shape: ClusterShape) -> SystemObjects {
        SystemObjects {
            shape,
            next: Next::Nodes,
        }
    }

    /// Writes the next step's objects into `cluster` (the one `create_empty_cluster` made
    /// for this shape); false once every object is written.
    pub fn write_next(&mut self, cluster: &mut Cluster) -> bool {
        match &mut self.next {
            Next::Nodes => {
                write_nodes(cluster, &self.shape);
                self.next = Next::Manifest(SYSTEM_MANIFEST.split(DOCUMENT_SEPARATOR).peekable());
            }
            Next::Manifest(documents) => {
                if let Some(document) = documents.next() {
                    for decoded in decode_documents(document, "system") {
                        match decoded {
                            Ok(decoded) => create(cluster, decoded.object),
                            Err(error) => debug_assert!(false, "system.yaml: {error}"),
                        }
                    }
                }
                if documents.peek().is_none() {
                    self.next = Next::ControlPlane;
                }
            }
            Next::ControlPlane => {
                write_control_plane(cluster, &self.shape);
                self.next = Next::Written;
            }
            Next::Written => return false,
        }
        true
    }
}

fn write_nodes(cluster: &mut Cluster, shape: &ClusterShape) {
    let single = shape.nodes.len() == 1;
    let now = cluster.api.clock.now_time();
    for (index, (name, (role, labels))) in
        shape.node_names().into_iter().zip(&shape.nodes).enumerate()
    {
        let machine = Machine {
            name: name.clone(),
            role: *role,
            labels: labels.clone(),
            capacity: Capacity::default(),
            index,
            single,
        };
        create(cluster, Object::Node(Box::new(machine.node(true, &now))));
        for image in PRELOADED_IMAGES {
            cluster.kubelets.preload_image(&name, image);
        }
        cluster.nodes.register(&machine);
    }
}

/// kube-scheduler's host and the kubeadm static pods of every control-plane node.
fn write_control_plane(cluster: &mut Cluster, shape: &ClusterShape) {
    // kube-scheduler runs on the first control-plane node: its Events name that host.
    if let Some((name, _)) = shape
        .node_names()
        .into_iter()
        .zip(&shape.nodes)
        .find(|(_, (role, _))| *role == Role::ControlPlane)
    {
        cluster.api.set_control_plane_host(&name);
    }
    for (name, (role, _)) in shape.node_names().into_iter().zip(&shape.nodes) {
        if *role == Role::ControlPlane {
            let node_uid = cluster
                .api
                .store
                .get(&ObjectKey::cluster(Kind::Node, &name))
                .map(|n| n.uid().to_string())
                .unwrap_or_default();
            for pod in static_pods(&name, &node_uid) {
                create(cluster, pod.into_object());
            }
        }
    }
}

/// Creates one of the cluster's own objects: the API server accepts every one of them (debug
/// builds, so every test and golden, check it).
fn create(cluster: &mut Cluster, object: Object) {
    let key = object.key();
    if let Err(error) = cluster.api.create(object, false) {
        debug_assert!(false, "{key} rejected: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_written_a_document_at_a_time_is_the_manifest() {
        let whole: Vec<Object> = decode_documents(SYSTEM_MANIFEST, "system")
            .into_iter()
            .map(|document| document.map(|d| d.object))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("system.yaml: {e}"));
        let mut pieces = Vec::new();
        for document in SYSTEM_MANIFEST.split(DOCUMENT_SEPARATOR) {
            for decoded in decode_documents(document, "system") {
                pieces.push(
                    decoded
                        .unwrap_or_else(|e| panic!("system.yaml: {e}"))
                        .object,
                );
            }
        }
        assert!(whole.len() > 10, "{} documents", whole.len());
        assert_eq!(pieces, whole);
    }

    #[test]
    fn every_step_writes_objects() {
        let shape = ClusterShape::kind();
        let mut cluster =
            super::super::create_empty_cluster(&shape, jiff::Timestamp::UNIX_EPOCH, 1);
        let mut objects = SystemObjects::new(shape);
        let mut counts = vec![cluster.api.store.len()];
        while objects.write_next(&mut cluster) {
            counts.push(cluster.api.store.len());
        }
        assert!(counts.len() > 10, "{} steps", counts.len());
        assert!(
            counts.windows(2).all(|pair| pair[0] < pair[1]),
            "{counts:?}"
        );
        assert!(!objects.write_next(&mut cluster), "written stays written");
    }
}
