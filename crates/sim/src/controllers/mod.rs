//! Controllers written as level-triggered reconcilers: each reads the store and returns the
//! changes it intends (creates, updates, deletes, Events) plus when to look again. Each
//! declares, in its own file, what it reconciles, what it owns and which other changes wake
//! it (`declaration.rs`); `CONTROLLERS` lists them, and the driver (`cluster/`) walks that
//! list to turn watch events into work and applies what reconciles intend. No controller
//! writes anything itself.

pub mod autoscaler;
pub mod claim;
pub mod cronjob;
pub mod daemonset;
mod declaration;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod fit;
pub mod gc;
pub mod history;
pub mod job;
pub mod node_lifecycle;
pub mod pod_gc;
pub mod pods;
pub mod replicaset;
pub mod replication;
pub mod scheduler;
mod scheduler_cache;
pub mod scheduling_queue;
pub mod statefulset;
pub mod taint_eviction;
pub mod volumes;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, Object, ObjectKey, Pod};

use crate::api::{DeleteOptions, EventRecord, EventType};
use crate::clock::{Clock, Millis};
use crate::features::FeatureGates;
use crate::nodes::NodeAgents;
use crate::status_request::WithStatus;
use crate::store::Store;

pub use declaration::{Controller, ControllerId, Reconcile, Wake, Watch};

/// Every controller, in the order in which they hear of one change (as informers' handlers
/// run in registration order): a change that wakes several queues them in this order, and
/// the work queue runs them first in, first out. **Adding a controller** is its file with
/// its `CONTROLLER` declaration, a `mod` line above and one entry here.
pub static CONTROLLERS: [&Controller; 16] = [
    &deployment::CONTROLLER,
    &job::CONTROLLER,
    &cronjob::CONTROLLER,
    &statefulset::CONTROLLER,
    &disruption::CONTROLLER,
    &endpoints::CONTROLLER,
    &node_lifecycle::CONTROLLER,
    &taint_eviction::CONTROLLER,
    &daemonset::CONTROLLER,
    &scheduling_queue::CONTROLLER,
    &replicaset::CONTROLLER,
    &replication::CONTROLLER,
    &volumes::CONTROLLER,
    &pod_gc::CONTROLLER,
    &gc::CONTROLLER,
    &autoscaler::CONTROLLER,
];

/// An Event to record about an object once it exists (its name may be generated).
#[derive(Clone, Debug)]
pub struct CreatedEvent {
    pub regarding: ObjectKey,
    pub reason: &'static str,
    /// Followed by the created object's name.
    pub message_prefix: &'static str,
    pub component: &'static str,
}

/// A change a controller intends.
#[derive(Clone, Debug)]
pub enum Action {
    Create {
        object: Object,
        event: Option<CreatedEvent>,
    },
    Update(Object),
    Bind {
        key: ObjectKey,
        node: String,
    },
    UpdateStatus(Object),
    Delete {
        key: ObjectKey,
        options: DeleteOptions,
        event: Option<EventRecord>,
    },
    Event(EventRecord),
    /// Creates issued in slow-start batches of 1, 2, 4, 8, …: after a batch with a failure
    /// the rest are skipped and the owner gets a `FailedCreate` event
    /// (`slowStartBatch` in controller_utils.go).
    SlowStart {
        owner: ObjectKey,
        component: &'static str,
        creates: Creates,
    },
}

/// What a slow start creates.
#[derive(Clone, Debug)]
pub enum Creates {
    /// These creates, in order.
    Each(Vec<Action>),
    /// `count` copies of one create (a ReplicaSet's pods from its template), made only as
    /// they are sent: a sync its client's rate limiter holds back sends 20 of up to 500.
    Copies { count: usize, create: Box<Action> },
    /// One copy of `create` per node, pinned to it by `pin` only as it is sent (a
    /// DaemonSet's pods: after many nodes joined, a sync its client holds back builds only
    /// the pods it sends).
    PerNode {
        create: Box<Action>,
        nodes: Vec<String>,
        pin: fn(&mut Action, &str),
    },
}

impl Creates {
    pub fn len(&self) -> usize {
        match self {
            Creates::Each(creates) => creates.len(),
            Creates::Copies { count, .. } => *count,
            Creates::PerNode { nodes, .. } => nodes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps the first `len` creates.
    pub fn truncate(&mut self, len: usize) {
        match self {
            Creates::Each(creates) => creates.truncate(len),
            Creates::Copies { count, .. } => *count = (*count).min(len),
            Creates::PerNode { nodes, .. } => nodes.truncate(len),
        }
    }

    fn bulk_writes(&self) -> u64 {
        match self {
            Creates::Each(creates) => creates.iter().map(Action::bulk_writes).sum(),
            Creates::Copies { count, create } => create.bulk_writes() * *count as u64,
            Creates::PerNode { create, nodes, .. } => create.bulk_writes() * nodes.len() as u64,
        }
    }

    /// The creates, in order, each made when it is reached.
    pub fn into_actions(self) -> Box<dyn Iterator<Item = Action>> {
        match self {
            Creates::Each(creates) => Box::new(creates.into_iter()),
            Creates::Copies { count, create } => Box::new(std::iter::repeat_n(*create, count)),
            Creates::PerNode { create, nodes, pin } => {
                Box::new(nodes.into_iter().map(move |node| {
                    let mut pinned = (*create).clone();
                    pin(&mut pinned, &node);
                    pinned
                }))
            }
        }
    }
}

/// The outcome of one reconcile.
#[derive(Debug, Default)]
pub struct Reconciliation {
    pub actions: Vec<Action>,
    pub requeue_after_ms: Option<Millis>,
    /// The sync returned an error: the driver queues the key again with the work queue's
    /// rate-limited back-off (`AddRateLimited`); a sync that succeeds resets it (`Forget`).
    pub failed: bool,
    /// The sync left creates or deletes unsent because its client had no tokens for them
    /// ([`Context::tokens`]): it resumes when tokens are back, as a sync whose writes the
    /// driver held back does.
    pub held_back: bool,
}

impl Reconciliation {
    pub fn fail(&mut self) {
        self.failed = true;
    }

    pub fn requeue_within(&mut self, delay_ms: Millis) {
        self.requeue_after_ms = Some(
            self.requeue_after_ms
                .map_or(delay_ms, |current| current.min(delay_ms)),
        );
    }
}

impl Reconciliation {
    /// `UpdateStatus` with `status`, unless the stored object has it already.
    pub fn update_status<T: WithStatus>(&mut self, object: &T, status: T::Status) {
        if object.status() != Some(&status) {
            self.actions.push(Action::UpdateStatus(
                object.status_request(status).into_object(),
            ));
        }
    }

    /// An Event about `regarding`.
    pub fn record(
        &mut self,
        regarding: &ObjectKey,
        event_type: EventType,
        reason: &'static str,
        message: String,
        component: &'static str,
    ) {
        let record = event(regarding.clone(), event_type, reason, message, component);
        self.actions.push(Action::Event(record));
    }
}

impl Action {
    /// The creates and deletes this action sends: the bulk work a sync may be held back
    /// from by its client's rate limiter (`cluster/clients.rs`).
    pub fn bulk_writes(&self) -> u64 {
        match self {
            Action::Create { .. } | Action::Delete { .. } => 1,
            Action::SlowStart { creates, .. } => creates.bulk_writes(),
            _ => 0,
        }
    }

    /// Deletes a pod its owner controls, with the owner's `SuccessfulDelete` Event —
    /// `Deleted pod: NAME` (`RealPodControl.DeletePod`).
    pub fn delete_owned_pod(owner: &ObjectKey, pod: &Pod, component: &'static str) -> Action {
        let name = pod.metadata.name_str();
        Action::Delete {
            key: ObjectKey::new(Kind::Pod, pod.metadata.namespace_str(), name),
            options: DeleteOptions::default(),
            event: Some(event(
                owner.clone(),
                EventType::Normal,
                "SuccessfulDelete",
                format!("Deleted pod: {name}"),
                component,
            )),
        }
    }
}

impl CreatedEvent {
    /// `SuccessfulCreate` — `Created pod: NAME` — about the pod's owner.
    pub fn pod(owner: &ObjectKey, component: &'static str) -> Option<CreatedEvent> {
        Some(CreatedEvent {
            regarding: owner.clone(),
            reason: "SuccessfulCreate",
            message_prefix: "Created pod: ",
            component,
        })
    }
}

/// What every reconcile may read.
pub struct Context<'a> {
    pub store: &'a Store,
    /// Virtual time: `now()`, `now_ms()`, and stored times as instants.
    pub clock: &'a Clock,
    pub features: &'a FeatureGates,
    /// Which nodes have a running kubelet (what Lease renewals tell the control plane).
    pub nodes: &'a NodeAgents,
    /// Creates and deletes the controller's client may send now (its token bucket; `u64::MAX`
    /// for a client the driver does not limit). A sync that would write more may work out
    /// only these and mark itself [`Reconciliation::held_back`]: the driver would hold the
    /// rest back anyway, so picking them would be wasted work.
    pub tokens: u64,
}

/// `NewControllerRef`: the owner reference a controller stamps on what it creates.
pub fn controller_ref(owner: &Object) -> OwnerReference {
    OwnerReference {
        api_version: owner.kind().api_version(),
        kind: owner.kind().name().to_string(),
        name: owner.name().to_string(),
        uid: owner.uid().to_string(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

pub fn is_controlled_by(meta: &ObjectMeta, owner_uid: &str) -> bool {
    meta.controller_ref()
        .is_some_and(|owner| owner.uid == owner_uid)
}

pub fn event(
    regarding: ObjectKey,
    event_type: EventType,
    reason: &'static str,
    message: String,
    component: &'static str,
) -> EventRecord {
    EventRecord {
        regarding,
        event_type,
        reason,
        message,
        component,
        host: None,
        field_path: None,
        reported: None,
    }
}

/// FNV-1a 32-bit, as `ComputeHash` uses for pod-template-hash.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |hash, byte| {
        (hash ^ u32::from(*byte)).wrapping_mul(0x0100_0193)
    })
}

/// `SafeEncodeString`: maps each character of the decimal hash onto the name alphabet.
pub fn safe_encode(text: &str) -> String {
    text.bytes()
        .map(|b| char::from(crate::rng::NAME_ALPHABET[usize::from(b) % 27]))
        .collect()
}

/// `ComputeHash(template, collisionCount)` over a canonical serialization of the template:
/// its JSON, keys sorted. It goes through `to_value`, the encoder every object's JSON already
/// uses: `to_vec` straight from the template would compile PodSpec's whole encoder a second
/// time into the page's WebAssembly. The bytes are the same, since k8s-openapi writes every
/// field of a template in sorted order (only whole resources put `apiVersion` and `kind`
/// first) and maps are sorted either way (test below).
pub fn template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let value = serde_json::to_value(template).unwrap_or_default();
    let mut bytes = serde_json::to_vec(&value).unwrap_or_default();
    if let Some(count) = collision_count {
        bytes.extend_from_slice(&(count as u32).to_le_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 0]);
    }
    safe_encode(&fnv1a32(&bytes).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash's bytes are those of `serde_json::to_vec(template)` (what it hashed before),
    /// for a template that sets fields of most of PodSpec's parts.
    #[test]
    fn template_hash_bytes_are_the_templates_own_json() {
        let template: PodTemplateSpec = kubeplay_model::object::decode(&serde_json::json!({
            "metadata": { "labels": { "app": "web", "tier": "front" }, "annotations": { "a": "b" } },
            "spec": {
                "containers": [{
                    "name": "web", "image": "nginx:1.27", "args": ["-g"], "command": ["nginx"],
                    "ports": [{ "containerPort": 80, "name": "http", "protocol": "TCP" }],
                    "env": [{ "name": "A", "value": "1" },
                            { "name": "B", "valueFrom": { "fieldRef": { "fieldPath": "metadata.name" } } }],
                    "envFrom": [{ "configMapRef": { "name": "cm" } }],
                    "resources": { "requests": { "cpu": "100m", "memory": "64Mi" }, "limits": { "cpu": "1" } },
                    "readinessProbe": { "httpGet": { "path": "/", "port": 80 }, "periodSeconds": 5 },
                    "livenessProbe": { "tcpSocket": { "port": "http" }, "initialDelaySeconds": 3 },
                    "startupProbe": { "exec": { "command": ["true"] } },
                    "lifecycle": { "preStop": { "sleep": { "seconds": 1 } } },
                    "securityContext": { "runAsNonRoot": true, "capabilities": { "drop": ["ALL"] },
                                         "readOnlyRootFilesystem": true },
                    "volumeMounts": [{ "name": "data", "mountPath": "/data", "readOnly": true }],
                    "imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log"
                }],
                "initContainers": [{ "name": "init", "image": "busybox", "restartPolicy": "Always" }],
                "volumes": [
                    { "name": "data", "persistentVolumeClaim": { "claimName": "data" } },
                    { "name": "cfg", "configMap": { "name": "cm", "defaultMode": 420,
                      "items": [{ "key": "k", "path": "p" }] } },
                    { "name": "tmp", "emptyDir": { "medium": "Memory", "sizeLimit": "1Gi" } },
                    { "name": "host", "hostPath": { "path": "/var/log", "type": "Directory" } },
                    { "name": "eph", "ephemeral": { "volumeClaimTemplate": {
                      "metadata": { "labels": { "x": "y" } },
                      "spec": { "accessModes": ["ReadWriteOnce"], "resources": { "requests": { "storage": "1Gi" } } } } } },
                    { "name": "proj", "projected": { "sources": [{ "serviceAccountToken": { "path": "t",
                      "expirationSeconds": 3607 } }, { "downwardAPI": { "items": [{ "path": "l",
                      "fieldRef": { "apiVersion": "v1", "fieldPath": "metadata.labels" } }] } }] } }
                ],
                "affinity": {
                    "nodeAffinity": { "requiredDuringSchedulingIgnoredDuringExecution": { "nodeSelectorTerms": [
                        { "matchExpressions": [{ "key": "zone", "operator": "In", "values": ["a"] }] }] } },
                    "podAntiAffinity": { "preferredDuringSchedulingIgnoredDuringExecution": [{ "weight": 100,
                        "podAffinityTerm": { "topologyKey": "kubernetes.io/hostname",
                        "labelSelector": { "matchLabels": { "app": "web" } } } }] }
                },
                "tolerations": [{ "key": "k", "operator": "Exists", "effect": "NoSchedule",
                                  "tolerationSeconds": 5 }],
                "topologySpreadConstraints": [{ "maxSkew": 1, "topologyKey": "zone",
                    "whenUnsatisfiable": "DoNotSchedule", "labelSelector": { "matchLabels": { "app": "web" } } }],
                "nodeSelector": { "kubernetes.io/os": "linux" },
                "securityContext": { "fsGroup": 2000, "runAsUser": 1000, "seccompProfile": { "type": "RuntimeDefault" } },
                "hostAliases": [{ "ip": "10.0.0.1", "hostnames": ["a"] }],
                "dnsConfig": { "nameservers": ["1.1.1.1"], "options": [{ "name": "ndots", "value": "2" }] },
                "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                "terminationGracePeriodSeconds": 30, "serviceAccountName": "web", "hostNetwork": false,
                "hostname": "h", "subdomain": "s", "priority": 0, "enableServiceLinks": true,
                "imagePullSecrets": [{ "name": "reg" }], "readinessGates": [{ "conditionType": "x" }]
            }
        }))
        .expect("a valid template");
        let direct = serde_json::to_vec(&template).expect("encodes");
        let sorted = serde_json::to_vec(&serde_json::to_value(&template).expect("encodes"));
        assert_eq!(
            String::from_utf8(sorted.expect("encodes")),
            String::from_utf8(direct)
        );
    }
}
