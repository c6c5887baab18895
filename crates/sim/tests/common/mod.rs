//! What the property tests share: the start instant and creating manifests.

use kubeplay_model::manifest::decode_documents;
use kubeplay_sim::Cluster;

pub fn start() -> jiff::Timestamp {
    "2025-06-02T10:15:00Z".parse().unwrap_or_default()
}

/// Creates every object of a YAML stream, failing the test on any error.
pub fn apply(cluster: &mut Cluster, yaml: &str) {
    for document in decode_documents(yaml, "test") {
        let Ok(document) = document else {
            panic!("bad manifest")
        };
        if let Err(error) = cluster.api.create(document.object, false) {
            panic!("{error}");
        }
    }
    cluster.settle();
}
