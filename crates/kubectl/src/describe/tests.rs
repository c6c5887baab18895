//! Describers against the samples of the behaviour reference (§3.3), built with the exact
//! tabwriter rules; inputs are YAML manifests of the objects those samples show.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Event, Namespace, Node, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use serde::de::DeserializeOwned;

use super::*;

fn yaml<T: DeserializeOwned>(text: &str) -> T {
    serde_norway::from_str(text).unwrap()
}

fn now(text: &str) -> jiff::Timestamp {
    text.parse().unwrap()
}

/// Events for `kind/name`: (type, reason, first, last, count, source, message).
fn events(specs: &[(&str, &str, &str, &str, i32, &str, &str)]) -> Vec<Event> {
    specs
        .iter()
        .enumerate()
        .map(|(i, (type_, reason, first, last, count, source, message))| {
            yaml(&format!(
                "metadata: {{name: ev.{i:04}}}\ninvolvedObject: {{}}\ntype: {type_}\nreason: {reason}\n\
                 firstTimestamp: \"{first}\"\nlastTimestamp: \"{last}\"\ncount: {count}\n\
                 source: {{component: {source}}}\nmessage: {message:?}\n"
            ))
        })
        .collect()
}

fn ctx<'a>(now_text: &str, events: &'a [&'a Event]) -> DescribeContext<'a> {
    DescribeContext {
        now: now(now_text),
        events,
    }
}

const POD: &str = r#"
metadata:
  name: nginx-7854ff8877-2xkqz
  namespace: default
  uid: pod-uid
  labels: {app: nginx, pod-template-hash: 7854ff8877}
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: nginx-7854ff8877, uid: rs-uid, controller: true}
spec:
  priority: 0
  serviceAccountName: default
  nodeName: kind-worker
  containers:
  - name: nginx
    image: nginx:1.27
    ports: [{containerPort: 80, protocol: TCP}]
    volumeMounts:
    - {name: kube-api-access-7xk2p, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}
  tolerations:
  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  volumes:
  - name: kube-api-access-7xk2p
    projected:
      sources:
      - serviceAccountToken: {expirationSeconds: 3607, path: token}
      - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
      - downwardAPI: {items: [{path: namespace, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]}
status:
  phase: Running
  hostIP: 172.18.0.3
  podIP: 10.244.1.2
  podIPs: [{ip: 10.244.1.2}]
  startTime: "2025-06-02T10:15:02Z"
  conditions:
  - {type: PodReadyToStartContainers, status: "True"}
  - {type: Initialized, status: "True"}
  - {type: Ready, status: "True"}
  - {type: ContainersReady, status: "True"}
  - {type: PodScheduled, status: "True"}
  containerStatuses:
  - name: nginx
    containerID: containerd://4c1f0e2d9a7b...
    image: docker.io/library/nginx:1.27
    imageID: docker.io/library/nginx@sha256:6784...
    ready: true
    restartCount: 0
    state: {running: {startedAt: "2025-06-02T10:15:07Z"}}
"#;

#[test]
fn pod_matches_the_reference_sample() {
    let pod: Pod = yaml(POD);
    let mut evs = events(&[
        (
            "Normal",
            "Pulling",
            "2025-06-02T10:15:03Z",
            "2025-06-02T10:15:03Z",
            1,
            "kubelet",
            "Pulling image \"nginx:1.27\"",
        ),
        (
            "Normal",
            "Pulled",
            "2025-06-02T10:15:08Z",
            "2025-06-02T10:15:08Z",
            1,
            "kubelet",
            "Successfully pulled image \"nginx:1.27\" in 4.706s (4.706s including waiting). Image size: 72195292 bytes.",
        ),
        (
            "Normal",
            "Created",
            "2025-06-02T10:15:08Z",
            "2025-06-02T10:15:08Z",
            1,
            "kubelet",
            "Created container: nginx",
        ),
        (
            "Normal",
            "Started",
            "2025-06-02T10:15:08Z",
            "2025-06-02T10:15:08Z",
            1,
            "kubelet",
            "Started container nginx",
        ),
    ]);
    // The scheduler's event comes through events.k8s.io: eventTime only, no lastTimestamp.
    evs.push(yaml(
        "metadata: {name: ev.9999}\ninvolvedObject: {}\ntype: Normal\nreason: Scheduled\n\
         eventTime: \"2025-06-02T10:15:02.000000Z\"\nreportingComponent: default-scheduler\n\
         message: Successfully assigned default/nginx-7854ff8877-2xkqz to kind-worker\n",
    ));
    let refs: Vec<&Event> = evs.iter().collect();
    let out = describe_pod(&pod, &ctx("2025-06-02T10:15:22Z", &refs));
    assert_eq!(out, include_str!("testdata/pod.txt"));
}

#[test]
fn pod_edge_cases_terminating_waiting_env_and_no_events() {
    let mut pod: Pod = yaml(POD);
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

const TEMPLATE: &str = r#"
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80, protocol: TCP}]
"#;

fn replica_set(name: &str, hash: &str, replicas: i32, revision: &str) -> ReplicaSet {
    yaml(&format!(
        r#"
metadata:
  name: {name}
  namespace: default
  uid: {name}-uid
  labels: {{app: nginx, pod-template-hash: {hash}}}
  annotations:
    deployment.kubernetes.io/desired-replicas: "3"
    deployment.kubernetes.io/max-replicas: "4"
    deployment.kubernetes.io/revision: "{revision}"
  ownerReferences:
  - {{apiVersion: apps/v1, kind: Deployment, name: nginx, uid: d-uid, controller: true}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: nginx, pod-template-hash: {hash}}}}}
  template:
    metadata:
      labels: {{app: nginx, pod-template-hash: {hash}}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{{containerPort: 80, protocol: TCP}}]
status: {{replicas: {replicas}}}
"#
    ))
}

#[test]
fn deployment_matches_the_reference_sample() {
    let d: Deployment = yaml(&format!(
        r#"
metadata:
  name: nginx
  namespace: default
  creationTimestamp: "2025-06-02T10:15:00Z"
  labels: {{app: nginx}}
  annotations: {{deployment.kubernetes.io/revision: "2", kubectl.kubernetes.io/last-applied-configuration: "{{}}"}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: nginx}}}}
  strategy: {{type: RollingUpdate, rollingUpdate: {{maxUnavailable: 25%, maxSurge: 25%}}}}
  template:{TEMPLATE}
status:
  replicas: 3
  updatedReplicas: 3
  availableReplicas: 3
  conditions:
  - {{type: Available, status: "True", reason: MinimumReplicasAvailable}}
  - {{type: Progressing, status: "True", reason: NewReplicaSetAvailable}}
"#
    ));
    let old = replica_set("nginx-7854ff8877", "7854ff8877", 0, "1");
    let new = replica_set("nginx-5f9c6d7b8d", "5f9c6d7b8d", 3, "2");
    let rs_event = |minute: &str, message: &str| {
        let at = format!("2025-06-02T10:{minute}Z");
        (at, message.to_string())
    };
    let raw = [
        rs_event(
            "15:00",
            "Scaled up replica set nginx-7854ff8877 from 0 to 3",
        ),
        rs_event(
            "19:20",
            "Scaled up replica set nginx-5f9c6d7b8d from 0 to 1",
        ),
        rs_event(
            "19:25",
            "Scaled down replica set nginx-7854ff8877 from 3 to 2",
        ),
        rs_event(
            "19:25",
            "Scaled up replica set nginx-5f9c6d7b8d from 1 to 2",
        ),
        rs_event(
            "19:30",
            "Scaled down replica set nginx-7854ff8877 from 2 to 1",
        ),
        rs_event(
            "19:30",
            "Scaled up replica set nginx-5f9c6d7b8d from 2 to 3",
        ),
        rs_event(
            "19:35",
            "Scaled down replica set nginx-7854ff8877 from 1 to 0",
        ),
    ];
    let specs: Vec<_> = raw
        .iter()
        .map(|(at, message)| {
            (
                "Normal",
                "ScalingReplicaSet",
                at.as_str(),
                at.as_str(),
                1,
                "deployment-controller",
                message.as_str(),
            )
        })
        .collect();
    let evs = events(&specs);
    let refs: Vec<&Event> = evs.iter().rev().collect();
    let out = describe_deployment(&d, &[&old], Some(&new), &ctx("2025-06-02T10:20:00Z", &refs));
    assert_eq!(out, include_str!("testdata/deployment.txt"));
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
fn replica_set_matches_the_reference_sample() {
    let rs = replica_set("nginx-7854ff8877", "7854ff8877", 3, "1");
    let pod = |name: &str, phase: &str, owner: &str| -> Pod {
        yaml(&format!(
            "metadata:\n  name: {name}\n  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: x, uid: {owner}, controller: true}}]\nstatus: {{phase: {phase}}}\n"
        ))
    };
    let pods = [
        pod("a", "Running", "nginx-7854ff8877-uid"),
        pod("b", "Running", "nginx-7854ff8877-uid"),
        pod("c", "Running", "nginx-7854ff8877-uid"),
        pod("d", "Pending", "someone-else"),
    ];
    let pod_refs: Vec<&Pod> = pods.iter().collect();
    let specs: Vec<_> = ["2xkqz", "8cn6d", "vtq4l"]
        .iter()
        .map(|suffix| {
            let message: &'static str =
                Box::leak(format!("Created pod: nginx-7854ff8877-{suffix}").into_boxed_str());
            (
                "Normal",
                "SuccessfulCreate",
                "2025-06-02T10:15:00Z",
                "2025-06-02T10:15:00Z",
                1,
                "replicaset-controller",
                message,
            )
        })
        .collect();
    let evs = events(&specs);
    let refs: Vec<&Event> = evs.iter().collect();
    let out = describe_replica_set(&rs, &pod_refs, &ctx("2025-06-02T10:17:00Z", &refs));
    assert_eq!(out, include_str!("testdata/replica_set.txt"));
}

#[test]
fn stateful_set_matches_the_reference_sample() {
    let sts: StatefulSet = yaml(
        r#"
metadata: {name: web, namespace: default, uid: sts-uid, creationTimestamp: "2025-06-02T10:20:00Z"}
spec:
  replicas: 3
  selector: {matchLabels: {app: nginx}}
  serviceName: nginx
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports: [{containerPort: 80, protocol: TCP, name: web}]
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
status: {replicas: 3}
"#,
    );
    let pods: Vec<Pod> = (0..3)
        .map(|_| yaml("metadata:\n  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: web, uid: sts-uid, controller: true}]\nstatus: {phase: Running}\n"))
        .collect();
    let pod_refs: Vec<&Pod> = pods.iter().collect();
    let evs = events(&[
        (
            "Normal",
            "SuccessfulCreate",
            "2025-06-02T10:20:15Z",
            "2025-06-02T10:20:15Z",
            1,
            "statefulset-controller",
            "create Claim www-web-0 Pod web-0 in StatefulSet web success",
        ),
        (
            "Normal",
            "SuccessfulCreate",
            "2025-06-02T10:20:15Z",
            "2025-06-02T10:20:15Z",
            1,
            "statefulset-controller",
            "create Pod web-0 in StatefulSet web successful",
        ),
    ]);
    let refs: Vec<&Event> = evs.iter().collect();
    let out = describe_stateful_set(&sts, &pod_refs, &ctx("2025-06-02T10:21:00Z", &refs));
    assert_eq!(out, include_str!("testdata/stateful_set.txt"));
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
fn job_and_cron_job_match_the_reference_samples() {
    let uid = "5f0e7c1a-2b1d-4f3e-9a51-0c2f8e4d9b77";
    let job: Job = yaml(&format!(
        r#"
metadata:
  name: pi
  namespace: default
  labels: {{batch.kubernetes.io/controller-uid: {uid}, batch.kubernetes.io/job-name: pi, controller-uid: {uid}, job-name: pi}}
spec:
  parallelism: 1
  completions: 1
  completionMode: NonIndexed
  suspend: false
  backoffLimit: 4
  selector: {{matchLabels: {{batch.kubernetes.io/controller-uid: {uid}}}}}
  template:
    metadata:
      labels: {{batch.kubernetes.io/controller-uid: {uid}, batch.kubernetes.io/job-name: pi, controller-uid: {uid}, job-name: pi}}
    spec:
      restartPolicy: Never
      containers:
      - name: pi
        image: perl:5.34.0
        command: [perl, -Mbignum=bpi, -wle, print bpi(2000)]
status:
  startTime: "2025-06-02T10:30:00Z"
  completionTime: "2025-06-02T10:30:12Z"
  succeeded: 1
  ready: 0
"#
    ));
    let evs = events(&[
        (
            "Normal",
            "SuccessfulCreate",
            "2025-06-02T10:30:00Z",
            "2025-06-02T10:30:00Z",
            1,
            "job-controller",
            "Created pod: pi-7xq2m",
        ),
        (
            "Normal",
            "Completed",
            "2025-06-02T10:30:12Z",
            "2025-06-02T10:30:12Z",
            1,
            "job-controller",
            "Job completed",
        ),
    ]);
    let refs: Vec<&Event> = evs.iter().collect();
    let out = describe_job(&job, &ctx("2025-06-02T10:30:40Z", &refs));
    assert_eq!(out, include_str!("testdata/job.txt"));

    let cj: CronJob = yaml(
        r#"
metadata: {name: hello, namespace: default}
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Allow
  suspend: false
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: hello
            image: busybox:1.28
            command: [/bin/sh, -c, date; echo Hello from the Kubernetes cluster]
status: {lastScheduleTime: "2025-06-02T10:41:00Z"}
"#,
    );
    let evs = events(&[
        (
            "Normal",
            "SuccessfulCreate",
            "2025-06-02T10:39:00Z",
            "2025-06-02T10:39:00Z",
            1,
            "cronjob-controller",
            "Created job hello-29146239",
        ),
        (
            "Normal",
            "SawCompletedJob",
            "2025-06-02T10:39:05Z",
            "2025-06-02T10:39:05Z",
            1,
            "cronjob-controller",
            "Saw completed job: hello-29146239, status: Complete",
        ),
        (
            "Normal",
            "SuccessfulCreate",
            "2025-06-02T10:40:00Z",
            "2025-06-02T10:40:00Z",
            1,
            "cronjob-controller",
            "Created job hello-29146240",
        ),
        (
            "Normal",
            "SawCompletedJob",
            "2025-06-02T10:40:05Z",
            "2025-06-02T10:40:05Z",
            1,
            "cronjob-controller",
            "Saw completed job: hello-29146240, status: Complete",
        ),
    ]);
    let refs: Vec<&Event> = evs.iter().collect();
    let out = describe_cron_job(&cj, &ctx("2025-06-02T10:41:05Z", &refs));
    assert_eq!(out, include_str!("testdata/cron_job.txt"));
}

#[test]
fn node_matches_the_reference_sample() {
    let node: Node = yaml(include_str!("testdata/node.yaml"));
    let pod = |ns: &str, name: &str, resources: &str| -> Pod {
        yaml(&format!(
            "metadata: {{name: {name}, namespace: {ns}, creationTimestamp: '2025-06-02T10:00:30Z'}}\n\
             spec:\n  containers:\n  - name: c\n    resources: {resources}\nstatus: {{phase: Running}}\n"
        ))
    };
    let pods = [
        pod(
            "local-path-storage",
            "local-path-provisioner-7dc846544d-lf6qz",
            "{}",
        ),
        pod(
            "kube-system",
            "kube-scheduler-kind-control-plane",
            "{requests: {cpu: 100m}}",
        ),
        pod("kube-system", "kube-proxy-q2b8d", "{}"),
        pod(
            "kube-system",
            "kube-controller-manager-kind-control-plane",
            "{requests: {cpu: 200m}}",
        ),
        pod(
            "kube-system",
            "kube-apiserver-kind-control-plane",
            "{requests: {cpu: 250m}}",
        ),
        pod(
            "kube-system",
            "kindnet-5hx7w",
            "{requests: {cpu: 100m, memory: 50Mi}, limits: {cpu: 100m, memory: 50Mi}}",
        ),
        pod(
            "kube-system",
            "etcd-kind-control-plane",
            "{requests: {cpu: 100m, memory: 100Mi}}",
        ),
        pod(
            "kube-system",
            "coredns-674b8bbfcf-mx9zt",
            "{requests: {cpu: 100m, memory: 70Mi}, limits: {memory: 170Mi}}",
        ),
        pod(
            "kube-system",
            "coredns-674b8bbfcf-4vq7k",
            "{requests: {cpu: 100m, memory: 70Mi}, limits: {memory: 170Mi}}",
        ),
        yaml("metadata: {name: done, namespace: default}\nstatus: {phase: Succeeded}\n"),
    ];
    let pod_refs: Vec<&Pod> = pods.iter().collect();
    let lease: Lease = yaml(
        "metadata: {name: kind-control-plane}\nspec: {holderIdentity: kind-control-plane, renewTime: '2025-06-02T10:45:31.000000Z'}\n",
    );
    let node_event = |reason: &str, count: i32, source: &str, message: &str| {
        (
            reason.to_string(),
            count,
            source.to_string(),
            message.to_string(),
        )
    };
    let raw = [
        node_event("Starting", 1, "kube-proxy", ""),
        node_event(
            "NodeHasSufficientMemory",
            8,
            "kubelet",
            "Node kind-control-plane status is now: NodeHasSufficientMemory",
        ),
        node_event(
            "NodeHasNoDiskPressure",
            8,
            "kubelet",
            "Node kind-control-plane status is now: NodeHasNoDiskPressure",
        ),
        node_event(
            "NodeHasSufficientPID",
            7,
            "kubelet",
            "Node kind-control-plane status is now: NodeHasSufficientPID",
        ),
        node_event(
            "NodeAllocatableEnforced",
            1,
            "kubelet",
            "Updated Node Allocatable limit across pods",
        ),
        node_event(
            "RegisteredNode",
            1,
            "node-controller",
            "Node kind-control-plane event: Registered Node kind-control-plane in Controller",
        ),
        node_event(
            "NodeReady",
            1,
            "kubelet",
            "Node kind-control-plane status is now: NodeReady",
        ),
    ];
    let specs: Vec<_> = raw
        .iter()
        .enumerate()
        .map(|(i, (reason, count, source, message))| {
            let at: &'static str = Box::leak(format!("2025-06-02T10:00:0{i}Z").into_boxed_str());
            (
                "Normal",
                reason.as_str(),
                "2025-06-02T10:00:00Z",
                at,
                *count,
                source.as_str(),
                message.as_str(),
            )
        })
        .collect();
    let evs = events(&specs);
    let refs: Vec<&Event> = evs.iter().collect();
    let out = describe_node(
        &node,
        &pod_refs,
        Some(&lease),
        &ctx("2025-06-02T10:45:40Z", &refs),
    );
    assert_eq!(out, include_str!("testdata/node.txt"));
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
fn namespace_without_quotas_or_limit_ranges() {
    let ns: Namespace = yaml(
        "metadata: {name: default, labels: {kubernetes.io/metadata.name: default}}\nstatus: {phase: Active}\n",
    );
    assert_eq!(
        describe_namespace(&ns, &[], &[]),
        "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n"
    );
}

#[test]
fn service_with_endpoint_slices() {
    let svc: Service = yaml(
        r#"
metadata: {name: web, namespace: default, labels: {app: web}}
spec:
  selector: {app: web}
  type: NodePort
  ipFamilyPolicy: SingleStack
  ipFamilies: [IPv4]
  clusterIP: 10.96.12.34
  clusterIPs: [10.96.12.34]
  ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080, protocol: TCP}]
  sessionAffinity: None
  externalTrafficPolicy: Cluster
  internalTrafficPolicy: Cluster
"#,
    );
    let slice: EndpointSlice = yaml(
        r#"
metadata: {name: web-abc}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- {addresses: [10.244.1.2], conditions: {ready: true}}
- {addresses: [10.244.1.3], conditions: {ready: false}}
- {addresses: [10.244.2.2]}
- {addresses: [10.244.2.3]}
- {addresses: [10.244.2.4]}
"#,
    );
    let out = describe_service(&svc, &[&slice], &ctx("2025-06-02T10:45:40Z", &[]));
    assert_eq!(
        out,
        "Name:                     web\nNamespace:                default\nLabels:                   app=web\n\
         Annotations:              <none>\nSelector:                 app=web\nType:                     NodePort\n\
         IP Family Policy:         SingleStack\nIP Families:              IPv4\nIP:                       10.96.12.34\n\
         IPs:                      10.96.12.34\nPort:                     http  80/TCP\nTargetPort:               8080/TCP\n\
         NodePort:                 http  30080/TCP\n\
         Endpoints:                10.244.1.2:8080,10.244.2.2:8080,10.244.2.3:8080 + 1 more...\n\
         Session Affinity:         None\nExternal Traffic Policy:  Cluster\nInternal Traffic Policy:  Cluster\n\
         Events:                   <none>\n"
    );
}
