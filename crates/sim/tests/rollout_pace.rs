//! A rollout's creates and deletes share the ReplicaSet controller's client (20 requests a
//! second): its workers block in the limiter's `Wait` and are served in the order they
//! asked, so the new ReplicaSet's creates do not take every token while the old one's
//! deletes wait.

mod common;

use common::{apply, start};
use k8s_openapi::api::apps::v1::Deployment;
use kubeplay_model::{Kind, Object, ObjectKey};
use kubeplay_sim::{Cluster, ClusterShape, create_cluster};

const REPLICAS: usize = 200;

fn deployment() -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: {REPLICAS}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n"
    )
}

/// Active pods (not being deleted) of the Deployment running `image`.
fn active_with(cluster: &Cluster, image: &str) -> usize {
    cluster
        .pods(Some("default"))
        .into_iter()
        .filter(|pod| pod.metadata.deletion_timestamp.is_none())
        .filter(|pod| {
            pod.spec
                .as_ref()
                .is_some_and(|s| s.containers[0].image.as_deref() == Some(image))
        })
        .count()
}

#[test]
fn a_rollouts_creates_and_deletes_share_the_clients_tokens() {
    let mut cluster = create_cluster(&ClusterShape::kind_multi(), start(), 5);
    apply(&mut cluster, &deployment());
    cluster.advance(120_000);
    assert_eq!(active_with(&cluster, "nginx:1.27"), REPLICAS, "all created");

    let key = ObjectKey::new(Kind::Deployment, "default", "web");
    let Some(mut web) = cluster
        .api
        .store
        .get_typed::<Deployment>("default", "web")
        .cloned()
    else {
        panic!("no Deployment {key}");
    };
    if let Some(spec) = web.spec.as_mut().and_then(|s| s.template.spec.as_mut()) {
        spec.containers[0].image = Some("nginx:1.28".into());
    }
    if let Err(error) = cluster.api.update(Object::Deployment(Box::new(web)), false) {
        panic!("{error}");
    }
    cluster.settle();
    // 25% surge and unavailability: 50 creates and 50 deletes to send at once, 30 tokens
    // then 20 a second. Two seconds in, about 70 are sent, about half of each.
    cluster.advance(2_000);
    let created = active_with(&cluster, "nginx:1.28");
    let deleted = REPLICAS - active_with(&cluster, "nginx:1.27");
    assert!(
        created + deleted <= 71,
        "at most the tokens: {created} created, {deleted} deleted"
    );
    assert!(
        created >= 20 && deleted >= 20,
        "both sides served: {created} created, {deleted} deleted"
    );
}
