//! Scaling down: a ReplicaSet's terminating pods stay its own (`FilterActivePods` runs before
//! the claim, so it never releases them), a Recreate Deployment starts its new pods only once
//! the old ones are gone, and a rate-limited scale-down deletes the pods the full ranking
//! picks (debug builds check the census's shortcut against it at every sync).

mod common;

use common::{apply, start};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Pod};
use kubeplay_sim::{Cluster, ClusterShape, create_cluster};

fn deployment(replicas: i32, image: &str, strategy: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: {replicas}\n  strategy:\n    type: {strategy}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: {image}\n"
    )
}

fn update(cluster: &mut Cluster, change: impl FnOnce(&mut Deployment)) {
    let key = ObjectKey::new(Kind::Deployment, "default", "web");
    let Some(Object::Deployment(mut deployment)) = cluster.api.store.get(&key).cloned() else {
        panic!("no deployment")
    };
    change(&mut deployment);
    if let Err(error) = cluster.api.update(Object::Deployment(deployment), false) {
        panic!("{error}");
    }
    cluster.settle();
}

fn pods(cluster: &Cluster) -> Vec<&Pod> {
    cluster.pods(Some("default"))
}

fn image(pod: &Pod) -> &str {
    pod.spec
        .as_ref()
        .and_then(|s| s.containers.first())
        .and_then(|c| c.image.as_deref())
        .unwrap_or_default()
}

#[test]
fn terminating_pods_keep_their_owner_reference() {
    let mut cluster = create_cluster(&ClusterShape::kind(), start(), 7);
    apply(&mut cluster, &deployment(4, "nginx:1.27", "RollingUpdate"));
    cluster.advance(30_000);
    update(&mut cluster, |d| {
        if let Some(spec) = d.spec.as_mut() {
            spec.replicas = Some(1);
        }
    });
    let terminating: Vec<&Pod> = pods(&cluster)
        .into_iter()
        .filter(|pod| pod.metadata.is_deleting())
        .collect();
    assert_eq!(terminating.len(), 3, "three pods terminate");
    let rs = cluster
        .api
        .store
        .list_typed::<ReplicaSet>(Some("default"))
        .next()
        .map(|rs| rs.metadata.uid_str().to_string());
    for pod in terminating {
        assert_eq!(
            pod.metadata.controller_ref().map(|r| r.uid.clone()),
            rs,
            "{} lost its owner",
            pod.metadata.name_str()
        );
    }
}

#[test]
fn recreate_starts_new_pods_once_the_old_are_gone() {
    let mut cluster = create_cluster(&ClusterShape::kind(), start(), 7);
    apply(&mut cluster, &deployment(3, "nginx:1.27", "Recreate"));
    cluster.advance(30_000);
    update(&mut cluster, |d| {
        let container = d
            .spec
            .as_mut()
            .and_then(|s| s.template.spec.as_mut())
            .and_then(|s| s.containers.first_mut());
        if let Some(container) = container {
            container.image = Some("nginx:1.28".into());
        }
    });
    let mut saw_old_terminating = false;
    for _ in 0..120 {
        let now = pods(&cluster);
        let old = now.iter().filter(|p| image(p) == "nginx:1.27").count();
        let new = now.iter().filter(|p| image(p) == "nginx:1.28").count();
        saw_old_terminating |= old > 0;
        assert!(
            old == 0 || new == 0,
            "old and new pods at once: {old} and {new}"
        );
        cluster.advance(1_000);
    }
    assert!(saw_old_terminating, "the old pods took time to terminate");
    let ready = pods(&cluster)
        .iter()
        .filter(|p| image(p) == "nginx:1.28" && kubeplay_model::pod::is_ready(p))
        .count();
    assert_eq!(ready, 3, "the new pods came up after the old ones went");
}
