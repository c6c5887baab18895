//! Describers: each `testdata/NAME.yaml` case — the objects of a sample in the behaviour
//! reference (§3.3) — against kubectl's output in `NAME.txt`, then edge cases by hand.
//! `UPDATE_DESCRIBE=1 cargo test -p kubeplay-kubectl describe` rewrites the `.txt` files
//! (check every diff by hand).

use std::path::Path;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kubeplay_model::{Event, Pod};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::*;

fn yaml<T: DeserializeOwned>(text: &str) -> T {
    serde_norway::from_str(text).unwrap()
}

fn now(text: &str) -> jiff::Timestamp {
    text.parse().unwrap()
}

fn ctx<'a>(now_text: &str, events: &'a [&'a Event]) -> DescribeContext<'a> {
    DescribeContext {
        now: now(now_text),
        events,
    }
}

/// The YAML documents of a case file.
fn documents(text: &str) -> Vec<serde_json::Value> {
    serde_norway::Deserializer::from_str(text)
        .map(|document| serde_json::Value::deserialize(document).unwrap())
        .collect()
}

/// Describes a case: its first line is `# now: TIME`, its first document the object described,
/// the others the related objects kubectl would fetch (ReplicaSets — the one with the
/// Deployment's revision is the new one —, pods, the node Lease, EndpointSlices, Events).
fn describe_case(text: &str) -> String {
    let now_text = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# now: "))
        .expect("a case starts with `# now: TIME`");
    let documents = documents(text);
    let (described, related) = documents.split_first().expect("a described object");
    fn typed<T: DeserializeOwned>(value: &serde_json::Value) -> T {
        serde_json::from_value(value.clone()).unwrap()
    }
    fn of_kind<T: DeserializeOwned>(related: &[serde_json::Value], kind: &str) -> Vec<T> {
        related
            .iter()
            .filter(|document| document["kind"] == kind)
            .map(typed)
            .collect()
    }
    let events: Vec<Event> = of_kind(related, "Event");
    let event_refs: Vec<&Event> = events.iter().collect();
    let ctx = ctx(now_text, &event_refs);
    let pods: Vec<Pod> = of_kind(related, "Pod");
    let pods: Vec<&Pod> = pods.iter().collect();
    match described["kind"].as_str().unwrap_or_default() {
        "Pod" => describe_pod(&typed(described), &ctx),
        "Deployment" => {
            let deployment: Deployment = typed(described);
            let revision = |meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta| {
                meta.annotations
                    .as_ref()
                    .and_then(|a| a.get("deployment.kubernetes.io/revision"))
                    .cloned()
            };
            let (new, old): (Vec<ReplicaSet>, Vec<ReplicaSet>) =
                of_kind::<ReplicaSet>(related, "ReplicaSet")
                    .into_iter()
                    .partition(|rs| revision(&rs.metadata) == revision(&deployment.metadata));
            let old: Vec<&ReplicaSet> = old.iter().collect();
            describe_deployment(&deployment, &old, new.first(), &ctx)
        }
        "ReplicaSet" => describe_replica_set(&typed(described), &pods, &ctx),
        "StatefulSet" => describe_stateful_set(&typed(described), &pods, &ctx),
        "Job" => describe_job(&typed(described), &ctx),
        "CronJob" => describe_cron_job(&typed(described), &ctx),
        "Node" => {
            let lease: Option<Lease> = of_kind(related, "Lease").into_iter().next();
            describe_node(&typed(described), &pods, lease.as_ref(), &ctx)
        }
        "Namespace" => describe_namespace(&typed(described), &[], &[]),
        "Service" => {
            let slices: Vec<EndpointSlice> = of_kind(related, "EndpointSlice");
            let slices: Vec<&EndpointSlice> = slices.iter().collect();
            describe_service(&typed(described), &slices, &ctx)
        }
        "NetworkPolicy" => describe_network_policy(&typed(described)),
        other => panic!("no describer for a {other} case"),
    }
}

#[test]
fn every_case_matches_its_expected_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/describe/testdata");
    let update = std::env::var_os("UPDATE_DESCRIBE").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 9, "cases missing from {}", dir.display());
    let mut failed = Vec::new();
    for case in cases {
        let out = describe_case(&std::fs::read_to_string(&case).unwrap());
        let expected_path = case.with_extension("txt");
        if update {
            std::fs::write(&expected_path, &out).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if out != expected {
            eprintln!("--- {}\n{out}", expected_path.display());
            failed.push(case.display().to_string());
        }
    }
    assert!(failed.is_empty(), "describe output differs for {failed:?}");
}

#[test]
fn pod_edge_cases_terminating_waiting_env_and_no_events() {
    let mut pod: Pod = documents(include_str!("testdata/pod.yaml"))
        .first()
        .map(|pod| serde_json::from_value(pod.clone()).unwrap())
        .unwrap();
    pod.metadata.deletion_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
        now("2025-06-02T10:16:00Z"),
    ));
    pod.metadata.deletion_grace_period_seconds = Some(30);
    let spec = pod.spec.as_mut().unwrap();
    spec.containers[0].env = Some(yaml(
        "- {name: GREETING, value: hello}\n\
         - {name: NODE_NAME, valueFrom: {fieldRef: {apiVersion: v1, fieldPath: spec.nodeName}}}\n\
         - {name: POD_NAME, valueFrom: {fieldRef: {apiVersion: v1, fieldPath: metadata.name}}}\n",
    ));
    spec.containers[0].resources = Some(yaml(
        "limits: {memory: 170Mi}\nrequests: {cpu: '0.1', memory: 70Mi}\n",
    ));
    let status = pod.status.as_mut().unwrap();
    status.container_statuses.as_mut().unwrap()[0].state =
        Some(yaml("waiting: {reason: CrashLoopBackOff}"));
    status.container_statuses.as_mut().unwrap()[0].last_state = Some(yaml(
        "terminated: {exitCode: 1, reason: Error, startedAt: '2025-06-02T10:15:07Z', finishedAt: '2025-06-02T10:15:09Z'}",
    ));
    let out = describe_pod(&pod, &ctx("2025-06-02T10:16:05Z", &[]));
    assert!(
        out.contains(
            "Status:                    Terminating (lasts 5s)\nTermination Grace Period:  30s\n"
        ),
        "{out}"
    );
    assert!(out.contains(
        "    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1\n      Started:      Mon, 02 Jun 2025 10:15:07 +0000\n      Finished:     Mon, 02 Jun 2025 10:15:09 +0000\n"
    ), "{out}");
    assert!(out.contains("    Limits:\n      memory:  170Mi\n    Requests:\n      cpu:     100m\n      memory:  70Mi\n"), "{out}");
    assert!(out.contains(
        "    Environment:\n      GREETING:   hello\n      NODE_NAME:   (v1:spec.nodeName)\n      POD_NAME:   nginx-7854ff8877-2xkqz (v1:metadata.name)\n    Mounts:\n"
    ), "{out}");
    // Stored qosClass is absent here, so it is computed.
    assert!(out.ends_with(
        "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\nEvents:                      <none>\n"
    ), "{out}");
    assert!(
        out.contains("QoS Class:                   Burstable\n"),
        "{out}"
    );
}

#[test]
fn pod_with_nothing_set_does_not_panic() {
    let out = describe_pod(&Pod::default(), &ctx("2025-06-02T10:15:22Z", &[]));
    assert_eq!(
        out,
        "Name:         \nNamespace:    \nNode:         <none>\nLabels:       <none>\nAnnotations:  <none>\nStatus:       \n\
         IP:           \nIPs:          <none>\nContainers: <none>\nVolumes:         <none>\nQoS Class:       BestEffort\n\
         Node-Selectors:  <none>\nTolerations:     <none>\nEvents:          <none>\n"
    );
}

#[test]
fn deployment_with_int_strategy_and_no_replica_sets() {
    let d: Deployment = yaml(
        "metadata: {name: coredns}\nspec:\n  selector: {}\n  template: {}\n  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}\n",
    );
    let out = describe_deployment(&d, &[], None, &ctx("2025-06-02T10:20:00Z", &[]));
    assert!(
        out.contains("RollingUpdateStrategy:  1 max unavailable, <nil> max surge\n"),
        "{out}"
    );
    assert!(!out.contains("NewReplicaSet"), "{out}");
    assert!(out.contains("Selector:               \n"), "{out}");
}

#[test]
fn daemon_set_header_matches_the_reference_sample() {
    let ds: DaemonSet = yaml(
        r#"
metadata:
  name: kindnet
  namespace: kube-system
  labels: {app: kindnet, k8s-app: kindnet, tier: node}
  annotations: {deprecated.daemonset.template.generation: "1"}
spec:
  selector: {matchLabels: {app: kindnet}}
  template:
    metadata: {labels: {app: kindnet, k8s-app: kindnet, tier: node}}
    spec:
      serviceAccountName: kindnet
      nodeSelector: {kubernetes.io/os: linux}
      containers:
      - {name: kindnet-cni, image: "docker.io/kindest/kindnetd:v20250512-df8de77b"}
status: {desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0, numberReady: 3}
"#,
    );
    let out = describe_daemon_set(&ds, &[], &ctx("2025-06-02T10:21:00Z", &[]));
    // The reference sample stops after `Host Port:`, so its container block is aligned as if
    // nothing followed; compare up to the container name, then the real (longer) block.
    let sample = include_str!("testdata/daemon_set_header.txt")
        .replace("3 Running / 0 Waiting", "0 Running / 0 Waiting");
    let (head, _) = sample.split_once("    Image:").unwrap();
    assert!(out.starts_with(head), "{out}");
    assert!(out.ends_with(
        "    Image:         docker.io/kindest/kindnetd:v20250512-df8de77b\n    Port:          <none>\n    Host Port:     <none>\n\
         \x20   Environment:   <none>\n    Mounts:        <none>\n  Volumes:         <none>\n  Node-Selectors:  kubernetes.io/os=linux\n\
         \x20 Tolerations:     <none>\nEvents:            <none>\n"
    ), "{out}");
}

#[test]
fn node_without_lease_or_pods() {
    let node: Node = yaml("metadata: {name: n1, labels: {kubernetes.io/role: worker}}\n");
    let out = describe_node(&node, &[], None, &ctx("2025-06-02T10:45:40Z", &[]));
    assert!(
        out.starts_with("Name:               n1\nRoles:              worker\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "Lease:              Failed to get lease: leases.coordination.k8s.io \"n1\" not found\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("  cpu                0 (0%)    0 (0%)\n"),
        "{out}"
    );
}

#[test]
fn network_policy_port_ranges_isolation_and_no_selector() {
    // describe_test.go's WithPortRange and IsolatedEgress cases, reduced to what differs.
    let policy: k8s_openapi::api::networking::v1::NetworkPolicy = yaml(
        "metadata: {name: deny, namespace: dev, creationTimestamp: '2025-06-02T10:15:02Z'}\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 80, endPort: 82, protocol: TCP}\n    - {protocol: UDP}\n  policyTypes: [Ingress, Egress]\n",
    );
    assert_eq!(
        describe_network_policy(&policy),
        "Name:         deny\nNamespace:    dev\nCreated on:   2025-06-02 10:15:02 +0000 UTC\nLabels:       <none>\nAnnotations:  <none>\nSpec:\n  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n  Allowing ingress traffic:\n    To Port Range: 80-82/TCP\n    To Port: <nil>/UDP\n    From: <any> (traffic not restricted by source)\n  Allowing egress traffic:\n    <none> (Selected pods are isolated for egress connectivity)\n  Policy Types: Ingress, Egress\n"
    );
}
