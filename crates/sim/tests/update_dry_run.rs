//! `ApiServer::update` with `dry_run`: the server's full write path (defaulting, admission,
//! validation) answers what it would store, and stores nothing — how `kubectl apply` tells
//! "configured" from "unchanged".

use kubeplay_model::Object;
use kubeplay_model::manifest::decode_documents;
use kubeplay_sim::{ClusterShape, create_cluster};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo\n  namespace: default\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: demo\n  template:\n    metadata:\n      labels:\n        app: demo\n    spec:\n      containers:\n      - name: demo\n        image: demo:1.0.0\n";

#[test]
fn dry_run_update_answers_without_storing() {
    let start = "2025-06-02T10:15:00Z".parse().unwrap_or_default();
    let mut cluster = create_cluster(&ClusterShape::kind(), start, 1);
    let Some(Ok(document)) = decode_documents(DEPLOYMENT, "demo.yaml").into_iter().next() else {
        panic!("the manifest decodes");
    };
    let stored = cluster.api.create(document.object, false).expect("created");
    let key = stored.key();

    // The same object without its defaults: defaulting makes it equal, so nothing would change.
    let Some(Ok(undefaulted)) = decode_documents(DEPLOYMENT, "demo.yaml").into_iter().next() else {
        panic!("the manifest decodes");
    };
    let mut undefaulted = undefaulted.object;
    undefaulted.meta_mut().resource_version = stored.meta().resource_version.clone();
    let answer = cluster.api.update(undefaulted, true).expect("valid");
    assert_eq!(answer, stored);

    // A real change: answered with a new generation, but the store keeps the old object.
    let mut scaled = stored.clone();
    if let Object::Deployment(deployment) = &mut scaled
        && let Some(spec) = deployment.spec.as_mut()
    {
        spec.replicas = Some(5);
    }
    let answer = cluster.api.update(scaled, true).expect("valid");
    assert_ne!(answer, stored);
    assert_eq!(answer.meta().generation, Some(2));
    assert_eq!(cluster.api.store.get(&key), Some(&stored));
}
