//! `kubectl describe`: gathers what each describer needs (owned pods, ReplicaSets, events,
//! the node's lease) and prints the objects, two blank lines apart.

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::api::core::v1::Endpoints;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{ApiError, Event, Kind, Object, ObjectKey, Pod, Typed};
use kubeplay_sim::controllers::deployment::equal_ignoring_hash;
use kubeplay_sim::controllers::endpoints::mirrored_slice;

use crate::args::{self, Flag, boolean, value};
use crate::describe::{self, DescribeContext};
use crate::errors;
use crate::output::Output;
use crate::resources;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("selector", Some('l')),
    boolean("all-namespaces", Some('A')),
    value("filename", Some('f')),
    value("show-events", None),
    value("chunk-size", None),
];

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "describe") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let requests = match resources::parse(&parsed.positional) {
        Ok(requests) if requests.is_empty() => {
            return out.error("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
        }
        Ok(requests) => requests,
        Err(error) => return out.error(error),
    };
    let selector = match parsed.value("selector").map(Selector::parse).transpose() {
        Ok(selector) => selector.unwrap_or_default(),
        Err(error) => return out.error(format!("error: {error}")),
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let all_namespaces = parsed.bool("all-namespaces");
    let show_events = parsed.value("show-events") != Some("false");
    let store = &session.cluster.api.store;
    let mut objects: Vec<&Object> = Vec::new();
    let mut failures = Vec::new();
    for request in &requests {
        if request.names.is_empty() {
            let scope =
                (request.kind.namespaced() && !all_namespaces).then_some(namespace.as_str());
            objects.extend(
                store
                    .list(request.kind, scope)
                    .filter(|o| selector.matches(o.meta().labels.as_ref())),
            );
            continue;
        }
        for name in &request.names {
            match store.get(&ObjectKey::new(request.kind, &namespace, name)) {
                Some(object) => objects.push(object),
                // kubectl describe also matches name prefixes when the exact name is absent.
                None => {
                    let scope = request.kind.namespaced().then_some(namespace.as_str());
                    let prefixed: Vec<&Object> = store
                        .list(request.kind, scope)
                        .filter(|o| o.name().starts_with(name.as_str()))
                        .collect();
                    if prefixed.is_empty() {
                        failures.push(errors::render(&ApiError::not_found(request.kind, name)));
                    }
                    objects.extend(prefixed);
                }
            }
        }
    }
    if objects.is_empty() && failures.is_empty() {
        if all_namespaces || requests.iter().all(|r| !r.kind.namespaced()) {
            out.note("No resources found");
        } else {
            out.note(format!("No resources found in {namespace} namespace."));
        }
        return;
    }
    let now = session.now();
    let mut texts = Vec::new();
    for object in &objects {
        match describe_one(object, session, now, show_events) {
            Some(text) => texts.push(text),
            None => failures.push(format!(
                "error: kubeplay cannot describe {} yet; use kubectl get {} {} -o yaml",
                object.kind().plural(),
                object.kind().plural(),
                object.name()
            )),
        }
    }
    out.out(texts.join("\n\n"));
    for failure in failures {
        out.error(failure);
    }
}

/// Events about `object` (by UID; for nodes also by name, as kubectl searches both).
fn events_for<'a>(session: &'a Session, object: &Object) -> Vec<&'a Event> {
    let namespace = if object.kind().namespaced() {
        Some(object.namespace())
    } else {
        None
    };
    session
        .cluster
        .api
        .store
        .list_typed::<Event>(namespace)
        .filter(|event| {
            let involved = &event.involved_object;
            involved.uid.as_deref() == Some(object.uid())
                || (object.kind() == Kind::Node
                    && involved.kind.as_deref() == Some("Node")
                    && involved.name.as_deref() == Some(object.name()))
        })
        .collect()
}

fn owned_pods<'a>(session: &'a Session, owner: &Object) -> Vec<&'a Pod> {
    session
        .cluster
        .api
        .store
        .dependents_of(owner.uid())
        .filter_map(Pod::from_object)
        .collect()
}

fn describe_one(
    object: &Object,
    session: &Session,
    now: jiff::Timestamp,
    show_events: bool,
) -> Option<String> {
    let events = if show_events {
        events_for(session, object)
    } else {
        Vec::new()
    };
    let ctx = DescribeContext {
        now,
        events: &events,
    };
    let store = &session.cluster.api.store;
    let text = match object {
        Object::Pod(pod) => describe::describe_pod(&pod.to_pod(), &ctx),
        Object::Deployment(deployment) => {
            let replica_sets: Vec<&ReplicaSet> = store
                .dependents_of(object.uid())
                .filter_map(ReplicaSet::from_object)
                .collect();
            let template = deployment
                .spec
                .as_ref()
                .map(|s| s.template.clone())
                .unwrap_or_default();
            let is_new = |rs: &&&ReplicaSet| {
                rs.spec
                    .as_ref()
                    .and_then(|s| s.template.as_ref())
                    .is_some_and(|t| equal_ignoring_hash(t, &template))
            };
            let new = replica_sets.iter().find(is_new).copied();
            let old: Vec<&ReplicaSet> = replica_sets
                .iter()
                .filter(|rs| !is_new(rs))
                .copied()
                .collect();
            describe::describe_deployment(deployment, &old, new, &ctx)
        }
        Object::ReplicaSet(rs) => {
            describe::describe_replica_set(rs, &owned_pods(session, object), &ctx)
        }
        Object::ReplicationController(rc) => {
            describe::describe_replication_controller(rc, &owned_pods(session, object), &ctx)
        }
        Object::DaemonSet(ds) => {
            describe::describe_daemon_set(ds, &owned_pods(session, object), &ctx)
        }
        Object::StatefulSet(sts) => {
            describe::describe_stateful_set(sts, &owned_pods(session, object), &ctx)
        }
        Object::Job(job) => describe::describe_job(job, &ctx),
        Object::CronJob(cj) => describe::describe_cron_job(cj, &ctx),
        Object::Node(node) => {
            let pods: Vec<&Pod> = store
                .pods_on_node(object.name())
                .filter_map(Pod::from_object)
                .collect();
            // A stopped kubelet's Lease keeps its last renewal.
            let renewed = match session.cluster.nodes.last_renewal_ms(object.name()) {
                Some(ms) => session.cluster.api.clock.timestamp_at(ms),
                None => now,
            };
            let lease = node_lease(object.name(), renewed);
            describe::describe_node(node, &pods, Some(&lease), &ctx)
        }
        Object::Namespace(ns) => describe::describe_namespace(ns, &[], &[]),
        Object::Service(svc) => {
            let slices: Vec<EndpointSlice> = store
                .get_typed::<Endpoints>(svc.metadata.namespace_str(), svc.metadata.name_str())
                .map(mirrored_slice)
                .into_iter()
                .collect();
            let slices: Vec<&EndpointSlice> = slices.iter().collect();
            describe::describe_service(svc, &slices, &ctx)
        }
        Object::PersistentVolumeClaim(pvc) => {
            let pods: Vec<&Pod> = store
                .list_typed::<Pod>(Some(object.namespace()))
                .filter(|pod| {
                    pod.spec
                        .iter()
                        .flat_map(|s| s.volumes.iter().flatten())
                        .any(|v| {
                            v.persistent_volume_claim
                                .as_ref()
                                .is_some_and(|c| c.claim_name == object.name())
                        })
                })
                .collect();
            describe::describe_persistent_volume_claim(pvc, &pods, &ctx)
        }
        Object::PersistentVolume(pv) => describe::describe_persistent_volume(pv, &ctx),
        Object::PodDisruptionBudget(pdb) => describe::describe_pod_disruption_budget(pdb, &ctx),
        Object::NetworkPolicy(policy) => describe::describe_network_policy(policy),
        Object::ConfigMap(config_map) => describe::describe_config_map(config_map, &ctx),
        Object::Secret(secret) => describe::describe_secret(secret),
        Object::HorizontalPodAutoscaler(hpa) => describe::describe_autoscaler(hpa, &ctx),
        _ => return None,
    };
    Some(text)
}

/// The node's heartbeat Lease: kubelets renew it every 10 seconds.
fn node_lease(node: &str, at: jiff::Timestamp) -> Lease {
    let renewed =
        jiff::Timestamp::from_second(at.as_second() - at.as_second().rem_euclid(10)).unwrap_or(at);
    Lease {
        metadata: ObjectMeta {
            name: Some(node.into()),
            namespace: Some("kube-node-lease".into()),
            ..ObjectMeta::default()
        },
        spec: Some(LeaseSpec {
            holder_identity: Some(node.into()),
            lease_duration_seconds: Some(40),
            renew_time: Some(MicroTime(renewed)),
            ..LeaseSpec::default()
        }),
    }
}
