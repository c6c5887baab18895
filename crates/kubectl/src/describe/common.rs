//! Small helpers shared by the describers: optional strings, timestamps, the controller
//! owner reference (`printController`) and controller pod counts (`getPodStatusForController`).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kubeplay_model::Pod;
use kubeplay_model::object::MetaExt;

use super::writer::{LEVEL_0, PrefixWriter};
use crate::text::labels::{annotations_multiline, labels_multiline};
use crate::text::time::rfc1123z_or_zero;

/// An optional string field as Go prints its zero value.
pub(super) fn s<T: AsRef<str>>(value: &Option<T>) -> &str {
    value.as_ref().map_or("", AsRef::as_ref)
}

/// `t.Time.Format(time.RFC1123Z)` of an optional API timestamp.
pub(super) fn rfc(time: Option<&Time>) -> String {
    rfc1123z_or_zero(time.map(|t| t.0))
}

/// `printController`: `Kind/name` of the controller, if any.
pub(super) fn controlled_by(meta: &ObjectMeta) -> Option<String> {
    meta.controller_ref()
        .map(|r| format!("{}/{}", r.kind, r.name))
}

/// `getPodStatusForController`: phases of the pods whose controller is `owner`, as
/// `R Running / W Waiting / S Succeeded / F Failed`.
pub(super) fn pods_status(owner: &ObjectMeta, pods: &[&Pod]) -> String {
    let uid = s(&owner.uid);
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for pod in pods {
        if pod.metadata.controller_ref().is_none_or(|r| r.uid != uid) {
            continue;
        }
        match pod.status.as_ref().and_then(|st| st.phase.as_deref()) {
            Some("Running") => running += 1,
            Some("Pending") => waiting += 1,
            Some("Succeeded") => succeeded += 1,
            Some("Failed") => failed += 1,
            _ => {}
        }
    }
    format!("{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed")
}

/// The `Conditions:` block of a ReplicaSet or ReplicationController (`Type Status Reason`),
/// from each condition's type, status and reason; nothing when there are none.
pub(super) fn describe_replica_conditions<'a>(
    w: &mut super::writer::PrefixWriter,
    conditions: impl IntoIterator<Item = (&'a str, &'a str, &'a Option<String>)>,
) {
    use super::writer::{LEVEL_0, LEVEL_1};
    let mut conditions = conditions.into_iter().peekable();
    if conditions.peek().is_none() {
        return;
    }
    w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(LEVEL_1, "----\t------\t------\n");
    for (type_, status, reason) in conditions {
        w.write(LEVEL_1, format!("{type_} \t{status}\t{}\n", s(reason)));
    }
}

/// The `Labels:` and `Annotations:` lines most describers print after the name.
pub(super) fn write_labels_and_annotations(w: &mut PrefixWriter, meta: &ObjectMeta) {
    w.write(
        LEVEL_0,
        labels_multiline("", "Labels", meta.labels.as_ref()),
    );
    w.write(
        LEVEL_0,
        annotations_multiline("Annotations", meta.annotations.as_ref()),
    );
}
