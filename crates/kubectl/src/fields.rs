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
        let value = object.to_value();
        self.requirements.iter().all(|requirement| {
            let found = requirement
                .path
                .iter()
                .try_fold(&value, |current, key| current.get(key));
            let text = match found {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            (text == requirement.value) == requirement.equal
        })
    }
}
