//! `--field-selector`: `path=value`, `path==value`, `path!=value` over an object's fields
//! (`metadata.name`, `status.phase`, `spec.nodeName`, `involvedObject.kind`, `reason`, …).

use kubeplay_model::Object;
use serde_json::Value;

#[derive(Debug)]
struct Requirement {
    path: Vec<String>,
    value: String,
    equal: bool,
}

#[derive(Debug, Default)]
pub struct FieldSelector {
    requirements: Vec<Requirement>,
}

impl FieldSelector {
    pub fn parse(text: &str) -> Result<FieldSelector, String> {
        let mut requirements = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (path, value, equal) = if let Some((p, v)) = part.split_once("!=") {
                (p, v, false)
            } else if let Some((p, v)) = part.split_once("==") {
                (p, v, true)
            } else if let Some((p, v)) = part.split_once('=') {
                (p, v, true)
            } else {
                return Err(format!(
                    "error: invalid selector: '{part}'; can't understand '{part}'"
                ));
            };
            requirements.push(Requirement {
                path: path.split('.').map(str::to_string).collect(),
                value: value.to_string(),
                equal,
            });
        }
        Ok(FieldSelector { requirements })
    }

    pub fn matches(&self, object: &Object) -> bool {
        if self.requirements.is_empty() {
            return true;
        }
        // The fields selected most often are read where they are: serializing each of
        // 10,000 pods to JSON to read its phase took most of a second.
        let mut value = None;
        self.requirements.iter().all(|requirement| {
            let text = direct(object, &requirement.path).unwrap_or_else(|| {
                let value = value.get_or_insert_with(|| object.to_value());
                let found = requirement
                    .path
                    .iter()
                    .try_fold(&*value, |current, key| current.get(key));
                match found {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                }
            });
            (text == requirement.value) == requirement.equal
        })
    }
}

/// The text of a field read without serializing the object, for the paths that have one
/// (what the JSON walk finds, "" when the field is absent); `None` for the others.
fn direct(object: &Object, path: &[String]) -> Option<String> {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let meta = object.meta();
    let text = |field: &Option<String>| field.clone().unwrap_or_default();
    match (path.as_slice(), object) {
        (["metadata", "name"], _) => Some(text(&meta.name)),
        (["metadata", "namespace"], _) => Some(text(&meta.namespace)),
        (["status", "phase"], Object::Pod(pod)) => Some(
            pod.status
                .as_ref()
                .map(|s| text(&s.phase))
                .unwrap_or_default(),
        ),
        (["spec", "nodeName"], Object::Pod(pod)) => Some(
            pod.spec
                .as_ref()
                .map(|s| text(&s.node_name))
                .unwrap_or_default(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::PodSpec;
    use kubeplay_model::{Pod, PodStatus, Typed};

    /// A field read directly is what the JSON walk reads, present or absent.
    #[test]
    fn direct_fields_read_what_the_json_walk_reads() {
        let mut pod = Pod::default();
        pod.metadata.name = Some("web-1".into());
        let bare = pod.clone().into_object();
        pod.metadata.namespace = Some("default".into());
        pod.spec = Some(
            PodSpec {
                node_name: Some("kind-worker".into()),
                ..Default::default()
            }
            .into(),
        );
        pod.status = Some(PodStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
        let full = pod.into_object();
        for object in [&bare, &full] {
            let value = object.to_value();
            for path in [
                "metadata.name",
                "metadata.namespace",
                "status.phase",
                "spec.nodeName",
            ] {
                let path: Vec<String> = path.split('.').map(str::to_string).collect();
                let walked = match path.iter().try_fold(&value, |v, k| v.get(k)) {
                    Some(Value::String(s)) => s.clone(),
                    _ => String::new(),
                };
                assert_eq!(direct(object, &path), Some(walked), "{path:?}");
            }
        }
        let selector = FieldSelector::parse("status.phase=Pending,spec.nodeName!=x")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(selector.matches(&full) && !selector.matches(&bare));
    }
}
