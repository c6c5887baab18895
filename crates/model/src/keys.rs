//! The well-known label, annotation and taint keys kubeplay reads or writes, listed once
//! (upstream keeps them in `k8s.io/api/*/well_known_*.go` and the controllers' util
//! packages), so the controllers and kubectl agree on every spelling.

/// kubectl's record of the last applied manifest.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// `--record`'s note, shown as a revision's CHANGE-CAUSE.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
/// The container `kubectl logs` and `exec` pick when none is named.
pub const DEFAULT_CONTAINER: &str = "kubectl.kubernetes.io/default-container";
/// A static pod's mirror on the API server.
pub const CONFIG_MIRROR: &str = "kubernetes.io/config.mirror";

/// A Deployment's revision, on it and on its ReplicaSets.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
const ROLLBACK_TO: &str = "deprecated.deployment.rollback.to";
/// Annotations never copied between a Deployment and its ReplicaSets, by the controller or by
/// `rollout undo` (`annotationsToSkip`).
pub const DEPLOYMENT_ANNOTATIONS_TO_SKIP: [&str; 6] = [
    LAST_APPLIED,
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    ROLLBACK_TO,
];
/// The label that ties a ReplicaSet and its pods to one pod template.
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";

/// The revision a StatefulSet's or DaemonSet's pod was made from.
pub const CONTROLLER_REVISION_HASH: &str = "controller-revision-hash";
/// A DaemonSet's template generation, which admission keeps.
pub const DAEMONSET_TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";
pub const STATEFULSET_POD_NAME: &str = "statefulset.kubernetes.io/pod-name";
/// A StatefulSet pod's ordinal.
pub const POD_INDEX: &str = "apps.kubernetes.io/pod-index";

pub const JOB_COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
pub const JOB_INDEX_FAILURE_COUNT: &str = "batch.kubernetes.io/job-index-failure-count";
pub const JOB_INDEX_IGNORED_FAILURE_COUNT: &str =
    "batch.kubernetes.io/job-index-ignored-failure-count";
pub const CRONJOB_SCHEDULED_TIMESTAMP: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// The taints the node lifecycle controller sets from a node's conditions.
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
