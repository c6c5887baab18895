//! Sets of fields as structured-merge-diff keeps them (`fieldpath.Set`) and as
//! `managedFields` serialise them (`FieldsV1`): a tree whose edges are path elements —
//! `f:NAME` a field, `k:{"name":"web"}` a list item by its keys, `v:"x"` an item of a set —
//! and whose nodes are members of the set themselves or not (`.` in FieldsV1 when they also
//! have members below them).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::patch::{ListMerge, list_merge};

/// A set of field paths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSet {
    /// This node itself is in the set.
    pub member: bool,
    pub children: BTreeMap<String, FieldSet>,
}

/// How the list at a path is kept: whole, as a set of values, or as a map by its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListType {
    Atomic,
    Set,
    Map(&'static [&'static str]),
}

/// The list type of the list at `path` (field names from the root): the strategic-merge
/// keys the core knows, with the list-map keys the OpenAPI schema adds to them (ports are
/// keyed by port and protocol).
pub fn list_type(path: &[&str]) -> ListType {
    let parent = path
        .len()
        .checked_sub(2)
        .map(|i| path[i])
        .unwrap_or_default();
    match (list_merge(path), path.last().copied()) {
        (ListMerge::ByKey("containerPort"), _) => ListType::Map(&["containerPort", "protocol"]),
        (ListMerge::ByKey("port"), _) => ListType::Map(&["port", "protocol"]),
        (ListMerge::ByKey(key), _) => ListType::Map(match key {
            "name" => &["name"],
            "mountPath" => &["mountPath"],
            "devicePath" => &["devicePath"],
            "ip" => &["ip"],
            "uid" => &["uid"],
            "type" => &["type"],
            "topologyKey" => &["topologyKey", "whenUnsatisfiable"],
            _ => return ListType::Atomic,
        }),
        (ListMerge::Primitives, _) => ListType::Set,
        (ListMerge::Replace, Some("finalizers")) if parent == "spec" => ListType::Set,
        (ListMerge::Replace, _) => ListType::Atomic,
    }
}

/// Objects kept whole, as their schema marks them (`x-kubernetes-map-type: atomic`): label
/// selectors.
fn atomic_object(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|map| map.contains_key("matchLabels") || map.contains_key("matchExpressions"))
}

/// `k:{"name":"web"}`: a list item's keys, in the order Go's JSON encoder sorts them.
fn item_key(item: &Value, keys: &[&str]) -> Option<String> {
    let mut sorted: Vec<&str> = keys.to_vec();
    sorted.sort_unstable();
    let fields: Vec<String> = sorted
        .iter()
        .filter_map(|key| {
            let value = item.get(*key)?;
            Some(format!("{}:{value}", Value::String((*key).to_string())))
        })
        .collect();
    (!fields.is_empty()).then(|| format!("k:{{{}}}", fields.join(",")))
}

/// The path element of a list item, or None for an item without its keys.
pub fn item_element(item: &Value, list: ListType) -> Option<String> {
    match list {
        ListType::Atomic => None,
        ListType::Set => Some(format!("v:{item}")),
        ListType::Map(keys) => item_key(item, keys),
    }
}

impl FieldSet {
    pub fn is_empty(&self) -> bool {
        !self.member && self.children.is_empty()
    }

    /// The set of every field `value` sets (`TypedValue.ToFieldSet`): scalars, atomic lists
    /// and objects, empty objects, list items; not the objects that only hold fields.
    pub fn of(value: &Value) -> FieldSet {
        let mut set = FieldSet::default();
        set.fill(value, &mut Vec::new());
        set
    }

    fn fill(&mut self, value: &Value, path: &mut Vec<String>) {
        match value {
            Value::Object(map) if !map.is_empty() && !atomic_object(value) => {
                for (name, child) in map {
                    path.push(name.clone());
                    let node = self.children.entry(format!("f:{name}")).or_default();
                    node.fill(child, path);
                    if child.is_null() {
                        node.member = true;
                    }
                    path.pop();
                }
            }
            Value::Array(items) => {
                let names: Vec<&str> = path.iter().map(String::as_str).collect();
                let list = list_type(&names);
                if list == ListType::Atomic {
                    self.member = true;
                    return;
                }
                for item in items {
                    let Some(element) = item_element(item, list) else {
                        continue;
                    };
                    let node = self.children.entry(element).or_default();
                    node.member = true;
                    if matches!(list, ListType::Map(_)) {
                        node.fill(item, path);
                    }
                }
            }
            _ => self.member = true,
        }
    }

    pub fn union(&self, other: &FieldSet) -> FieldSet {
        let mut result = self.clone();
        result.member |= other.member;
        for (element, child) in &other.children {
            let merged = match result.children.get(element) {
                Some(mine) => mine.union(child),
                None => child.clone(),
            };
            result.children.insert(element.clone(), merged);
        }
        result
    }

    pub fn difference(&self, other: &FieldSet) -> FieldSet {
        let mut result = FieldSet {
            member: self.member && !other.member,
            children: BTreeMap::new(),
        };
        for (element, child) in &self.children {
            let left = match other.children.get(element) {
                Some(theirs) => child.difference(theirs),
                None => child.clone(),
            };
            if !left.is_empty() {
                result.children.insert(element.clone(), left);
            }
        }
        result
    }

    pub fn intersection(&self, other: &FieldSet) -> FieldSet {
        let mut result = FieldSet {
            member: self.member && other.member,
            children: BTreeMap::new(),
        };
        for (element, child) in &self.children {
            if let Some(theirs) = other.children.get(element) {
                let both = child.intersection(theirs);
                if !both.is_empty() {
                    result.children.insert(element.clone(), both);
                }
            }
        }
        result
    }

    /// The member paths, each as its elements from the root, in the tree's order.
    pub fn paths(&self) -> Vec<Vec<String>> {
        let mut paths = Vec::new();
        self.collect(&mut Vec::new(), &mut paths);
        paths
    }

    fn collect(&self, prefix: &mut Vec<String>, paths: &mut Vec<Vec<String>>) {
        if self.member && !prefix.is_empty() {
            paths.push(prefix.clone());
        }
        for (element, child) in &self.children {
            prefix.push(element.clone());
            child.collect(prefix, paths);
            prefix.pop();
        }
    }

    /// The FieldsV1 form: `{"f:spec":{"f:replicas":{}}}`, `.` marking a member that also
    /// has members below it.
    pub fn to_fields_v1(&self) -> Value {
        let mut map = Map::new();
        if self.member && !self.children.is_empty() {
            map.insert(".".into(), Value::Object(Map::new()));
        }
        for (element, child) in &self.children {
            map.insert(element.clone(), child.to_fields_v1());
        }
        Value::Object(map)
    }

    /// Reads the FieldsV1 form; None when it is not one.
    pub fn from_fields_v1(value: &Value) -> Option<FieldSet> {
        let map = value.as_object()?;
        let mut set = FieldSet::default();
        for (element, child) in map {
            if element == "." {
                set.member = true;
                continue;
            }
            if !["f:", "k:", "v:", "i:"]
                .iter()
                .any(|p| element.starts_with(p))
            {
                return None;
            }
            let mut node = FieldSet::from_fields_v1(child)?;
            if node.children.is_empty() {
                node.member = true;
            }
            set.children.insert(element.clone(), node);
        }
        Some(set)
    }
}

/// A path as the API server prints it in conflicts (`fieldpath.Path.String`):
/// `.spec.template.spec.containers[name="web"].image`, `.metadata.finalizers[="x"]`.
pub fn path_string(path: &[String]) -> String {
    let mut text = String::new();
    for element in path {
        if let Some(name) = element.strip_prefix("f:") {
            text.push('.');
            text.push_str(name);
        } else if let Some(keys) = element.strip_prefix("k:") {
            let fields: Vec<String> = serde_json::from_str::<Map<String, Value>>(keys)
                .map(|map| map.iter().map(|(k, v)| format!("{k}={v}")).collect())
                .unwrap_or_default();
            text.push_str(&format!("[{}]", fields.join(",")));
        } else if let Some(value) = element.strip_prefix("v:") {
            text.push_str(&format!("[={value}]"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_deployment_config_as_fields_v1() {
        let config = json!({
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"spec": {"containers": [
                    {"name": "web", "image": "nginx", "args": ["a"], "ports": [{"containerPort": 80}]}
                ]}}
            }
        });
        let set = FieldSet::of(&config);
        assert_eq!(
            set.to_fields_v1(),
            json!({
                "f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {
                    "f:replicas": {},
                    "f:selector": {},
                    "f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {
                        ".": {}, "f:args": {}, "f:image": {}, "f:name": {},
                        "f:ports": {"k:{\"containerPort\":80}": {".": {}, "f:containerPort": {}}}
                    }}}}
                }
            })
        );
        assert_eq!(FieldSet::from_fields_v1(&set.to_fields_v1()), Some(set));
    }

    #[test]
    fn set_operations_and_paths() {
        let a = FieldSet::of(&json!({"spec": {"replicas": 1, "paused": true}}));
        let b = FieldSet::of(&json!({"spec": {"replicas": 3}}));
        let both = a.intersection(&b);
        assert_eq!(
            both.paths(),
            vec![vec!["f:spec".to_string(), "f:replicas".to_string()]]
        );
        assert_eq!(path_string(&both.paths()[0]), ".spec.replicas");
        assert_eq!(path_string(&a.difference(&b).paths()[0]), ".spec.paused");
        assert_eq!(a.union(&b), a);
        let finalizers = FieldSet::of(&json!({"metadata": {"finalizers": ["x"]}}));
        assert_eq!(
            path_string(&finalizers.paths()[0]),
            ".metadata.finalizers[=\"x\"]"
        );
    }
}
