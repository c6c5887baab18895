//! What controllers do to pods beyond the model's pod rules (`kubeplay_model::pod`): building
//! a pod from a template (`GetPodFromTemplate`), and the `DisruptionTarget` mark every deleter
//! outside the pod's owner sets first.

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kubeplay_model::pod::set_pod_condition;
use kubeplay_model::{Object, Pod};

use super::controller_ref;

/// The pod with a `DisruptionTarget=True` condition naming who deletes it and why (the
/// taint manager, the Eviction API, the pod garbage collector).
pub fn with_disruption_target(pod: &Pod, reason: &str, message: &str, now: &Time) -> Pod {
    let mut marked = pod.clone();
    set_pod_condition(
        marked
            .status
            .get_or_insert_with(Default::default)
            .conditions_mut(),
        "DisruptionTarget",
        "True",
        Some(reason),
        Some(message),
        now,
    );
    marked
}

/// A new pod for `owner` from `template`, named by the API server from `<owner>-`.
pub fn pod_from_template(template: &PodTemplateSpec, owner: &Object) -> Pod {
    let template_meta = template.metadata.clone().unwrap_or_default();
    let prefix = format!("{}-", owner.name());
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(prefix),
            namespace: Some(owner.namespace().to_string()),
            labels: template_meta.labels,
            annotations: template_meta.annotations,
            finalizers: template_meta.finalizers,
            owner_references: Some(vec![controller_ref(owner)]),
            ..ObjectMeta::default()
        },
        spec: template.spec.clone().map(Into::into),
        status: None,
    }
}
