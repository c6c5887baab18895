//! End-to-end behaviour of the simulated cluster without kubectl: a fresh kind cluster, a
//! Deployment coming up, and the rolling-update bounds sampled every second.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use kubeplay_model::Pod;
use kubeplay_model::manifest::decode_documents;
use kubeplay_sim::{Cluster, ClusterShape, create_cluster};

fn start() -> jiff::Timestamp {
    "2025-06-02T10:15:00Z".parse().unwrap_or_default()
}

fn running_ready(cluster: &Cluster, namespace: &str) -> usize {
    cluster
        .pods(Some(namespace))
        .iter()
        .filter(|pod| pod.metadata.deletion_timestamp.is_none())
        .filter(|pod| {
            pod.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
        })
        .count()
}

fn deployment(replicas: i32, image: &str, surge: &str, unavailable: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo\n  namespace: default\nspec:\n  replicas: {replicas}\n  strategy:\n    rollingUpdate:\n      maxSurge: {surge}\n      maxUnavailable: {unavailable}\n  selector:\n    matchLabels:\n      app: demo\n  template:\n    metadata:\n      labels:\n        app: demo\n    spec:\n      containers:\n      - name: demo\n        image: {image}\n"
    )
}

fn apply(cluster: &mut Cluster, yaml: &str) {
    for document in decode_documents(yaml, "test") {
        let Ok(document) = document else {
            panic!("bad yaml")
        };
        let key = document.object.key();
        let result = if cluster.api.store.contains(&key) {
            let mut object = document.object;
            if let (
                Some(kubeplay_model::Object::Deployment(current)),
                kubeplay_model::Object::Deployment(new),
            ) = (cluster.api.store.get(&key), &mut object)
            {
                new.metadata.resource_version = current.metadata.resource_version.clone();
            }
            cluster.api.update(object, false)
        } else {
            cluster.api.create(document.object, false)
        };
        assert!(result.is_ok(), "{result:?}");
    }
}

#[test]
fn a_fresh_kind_cluster_runs_its_system_pods() {
    let cluster = create_cluster(&ClusterShape::kind(), start(), 1);
    let pods = cluster.pods(Some("kube-system"));
    assert_eq!(
        pods.len(),
        8,
        "{:?}",
        pods.iter()
            .map(|p| p.metadata.name.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(running_ready(&cluster, "kube-system"), 8);
    assert_eq!(running_ready(&cluster, "local-path-storage"), 1);
}

#[test]
fn same_seed_same_names() {
    let names = |seed| {
        let cluster = create_cluster(&ClusterShape::kind(), start(), seed);
        cluster
            .pods(None)
            .iter()
            .map(|p| p.metadata.name.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(7), names(7));
    assert_ne!(names(7), names(8));
}

/// Samples a rolling update every second and checks the controller's bounds:
/// pods counted by RS spec never exceed replicas + surge, available never below
/// replicas - maxUnavailable.
fn check_rollout(
    replicas: i32,
    surge: &str,
    unavailable: &str,
    max_total: i32,
    min_available: i32,
) {
    let mut cluster = create_cluster(&ClusterShape::kind_multi(), start(), 3);
    apply(
        &mut cluster,
        &deployment(replicas, "nginx:1.27", surge, unavailable),
    );
    cluster.advance(120_000);
    assert_eq!(running_ready(&cluster, "default"), replicas as usize);
    apply(
        &mut cluster,
        &deployment(replicas, "nginx:1.28", surge, unavailable),
    );
    let mut finished = false;
    for _ in 0..600 {
        cluster.advance(1000);
        let replica_sets: Vec<&ReplicaSet> = cluster
            .api
            .store
            .list_typed::<ReplicaSet>(Some("default"))
            .collect();
        let total: i32 = replica_sets
            .iter()
            .map(|rs| rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0))
            .sum();
        let available: i32 = replica_sets
            .iter()
            .map(|rs| {
                rs.status
                    .as_ref()
                    .and_then(|s| s.available_replicas)
                    .unwrap_or(0)
            })
            .sum();
        assert!(total <= max_total, "total {total} > {max_total}");
        assert!(
            available >= min_available,
            "available {available} < {min_available}"
        );
        let deployment = cluster
            .api
            .store
            .get_typed::<Deployment>("default", "demo")
            .cloned();
        let status = deployment.and_then(|d| d.status).unwrap_or_default();
        if status.updated_replicas == Some(replicas)
            && status.available_replicas == Some(replicas)
            && status.replicas == Some(replicas)
        {
            finished = true;
            break;
        }
    }
    assert!(finished, "rollout did not finish");
    let pods: Vec<&Pod> = cluster
        .api
        .store
        .list_typed::<Pod>(Some("default"))
        .collect();
    assert!(
        pods.iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .all(|p| p
                .spec
                .as_ref()
                .and_then(|s| s.containers.first())
                .and_then(|c| c.image.as_deref())
                == Some("nginx:1.28"))
    );
}

#[test]
fn rolling_update_bounds_default_percentages() {
    check_rollout(10, "25%", "25%", 13, 8);
}

#[test]
fn rolling_update_bounds_surge_only() {
    check_rollout(5, "50%", "0", 8, 5);
}

#[test]
fn rolling_update_bounds_unavailable_only() {
    check_rollout(4, "0", "1", 4, 3);
}

#[test]
fn rolling_update_bounds_small_deployment() {
    check_rollout(3, "1", "0", 4, 3);
}

/// A container keeps running what it was started from when its pod's image is updated (the
/// kubelet reads the rest of its spec from the stored pod): the status still names the old
/// image, and the container is neither restarted nor given another spec.
#[test]
fn an_updated_pod_image_leaves_the_running_container_as_started() {
    let mut cluster = create_cluster(&ClusterShape::kind(), start(), 7);
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\n  namespace: default\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    readinessProbe:\n      httpGet:\n        path: /\n        port: 80\n      periodSeconds: 5\n";
    apply(&mut cluster, yaml);
    cluster.advance(30_000);
    let key = kubeplay_model::ObjectKey::new(kubeplay_model::Kind::Pod, "default", "solo");
    let Some(kubeplay_model::Object::Pod(pod)) = cluster.api.store.get(&key).cloned() else {
        panic!("no pod")
    };
    let mut pod = *pod;
    if let Some(container) = pod.spec.as_mut().and_then(|s| s.containers.first_mut()) {
        container.image = Some("nginx:1.28".into());
    }
    let updated = cluster
        .api
        .update(kubeplay_model::Object::Pod(Box::new(pod)), false);
    assert!(updated.is_ok(), "{updated:?}");
    cluster.advance(60_000);
    let Some(pod) = cluster.api.store.get_typed::<Pod>("default", "solo") else {
        panic!("no pod")
    };
    let spec_image = pod
        .spec
        .as_ref()
        .and_then(|s| s.containers[0].image.clone());
    assert_eq!(spec_image.as_deref(), Some("nginx:1.28"));
    let status = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|s| s.first())
        .cloned()
        .unwrap_or_default();
    assert_eq!(status.image, "nginx:1.27");
    assert_eq!(status.restart_count, 0);
    assert!(status.ready, "its readiness probe still passes");
    assert_eq!(running_ready(&cluster, "default"), 1);
}
