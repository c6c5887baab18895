//! Label selectors: parsed from kubectl's `-l` syntax or built from a `LabelSelector`,
//! matched against labels, and rendered the way the API server prints them.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operator {
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

impl Requirement {
    fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        let value = labels.and_then(|labels| labels.get(&self.key));
        match self.operator {
            Operator::Equals | Operator::In => value.is_some_and(|v| self.values.contains(v)),
            Operator::NotEquals | Operator::NotIn => value.is_none_or(|v| !self.values.contains(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.operator {
            Operator::Equals => write!(f, "{}={}", self.key, self.values.join(",")),
            Operator::NotEquals => write!(f, "{}!={}", self.key, self.values.join(",")),
            Operator::In => write!(f, "{} in ({})", self.key, self.values.join(",")),
            Operator::NotIn => write!(f, "{} notin ({})", self.key, self.values.join(",")),
            Operator::Exists => write!(f, "{}", self.key),
            Operator::DoesNotExist => write!(f, "!{}", self.key),
        }
    }
}

/// A conjunction of requirements. The empty selector matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

/// Why a selector could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(pub String);

impl Selector {
    pub fn everything() -> Selector {
        Selector::default()
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// The labels this selector requires to hold one value (`key=value`, `key in (value)`):
    /// what an index by label can look up.
    pub fn required_values(&self) -> impl Iterator<Item = (&str, &str)> {
        self.requirements
            .iter()
            .filter_map(|r| match (&r.operator, r.values.as_slice()) {
                (Operator::Equals | Operator::In, [value]) => {
                    Some((r.key.as_str(), value.as_str()))
                }
                _ => None,
            })
    }

    pub fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        self.requirements
            .iter()
            .all(|requirement| requirement.matches(labels))
    }

    /// Parses kubectl's selector syntax: `app=web,tier!=db,env in (a,b),!legacy`.
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let mut requirements = Vec::new();
        for part in split_top_level(text) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            requirements.push(parse_requirement(part)?);
        }
        requirements.sort();
        Ok(Selector { requirements })
    }

    /// Converts an API `LabelSelector`. `None` or `{}` selects everything (callers decide
    /// whether that is allowed).
    pub fn from_label_selector(
        selector: Option<&LabelSelector>,
    ) -> Result<Selector, SelectorError> {
        let mut requirements = Vec::new();
        let Some(selector) = selector else {
            return Ok(Selector::everything());
        };
        for (key, value) in selector.match_labels.iter().flatten() {
            requirements.push(Requirement {
                key: key.clone(),
                operator: Operator::Equals,
                values: vec![value.clone()],
            });
        }
        for expression in selector.match_expressions.iter().flatten() {
            // Requirements render their values sorted (apimachinery's `safeSort`).
            let mut values = expression.values.clone().unwrap_or_default();
            values.sort();
            let operator = match expression.operator.as_str() {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                other => {
                    return Err(SelectorError(format!(
                        "{other:?} is not a valid label selector operator"
                    )));
                }
            };
            requirements.push(Requirement {
                key: expression.key.clone(),
                operator,
                values,
            });
        }
        requirements.sort();
        Ok(Selector { requirements })
    }

    /// The selector of a map of labels (`matchLabels` only).
    pub fn from_labels(labels: &BTreeMap<String, String>) -> Selector {
        let requirements = labels
            .iter()
            .map(|(key, value)| Requirement {
                key: key.clone(),
                operator: Operator::Equals,
                values: vec![value.clone()],
            })
            .collect();
        Selector { requirements }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.requirements.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join(","))
    }
}

/// `LabelSelectorAsSelector(…).String()`: the selector as the server renders it, empty for
/// an empty selector, or why it is not a valid selector.
pub fn selector_string(selector: Option<&LabelSelector>) -> Result<String, String> {
    Selector::from_label_selector(selector)
        .map(|selector| selector.to_string())
        .map_err(|error| error.0)
}

/// Renders an API selector as `get -o wide` prints it (`<none>` if empty, `<error>` if invalid).
pub fn format_label_selector(selector: Option<&LabelSelector>) -> String {
    match selector_string(selector) {
        Ok(text) if !text.is_empty() => text,
        Ok(_) => "<none>".to_string(),
        Err(_) => "<error>".to_string(),
    }
}

/// Splits on commas that are not inside parentheses.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_requirement(part: &str) -> Result<Requirement, SelectorError> {
    if let Some(key) = part.strip_prefix('!') {
        let key = key.trim();
        validate_key(key)?;
        return Ok(Requirement {
            key: key.into(),
            operator: Operator::DoesNotExist,
            values: vec![],
        });
    }
    for (token, operator) in [
        ("!=", Operator::NotEquals),
        ("==", Operator::Equals),
        ("=", Operator::Equals),
    ] {
        if let Some((key, value)) = part.split_once(token) {
            let (key, value) = (key.trim(), value.trim());
            validate_key(key)?;
            validate_value(value)?;
            return Ok(Requirement {
                key: key.into(),
                operator,
                values: vec![value.into()],
            });
        }
    }
    let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
    match words.as_slice() {
        [key] => {
            validate_key(key)?;
            Ok(Requirement {
                key: (*key).into(),
                operator: Operator::Exists,
                values: vec![],
            })
        }
        [key, rest] => {
            let rest = rest.trim_start();
            let (operator, set) = if let Some(set) = rest.strip_prefix("notin") {
                (Operator::NotIn, set)
            } else if let Some(set) = rest.strip_prefix("in") {
                (Operator::In, set)
            } else {
                return Err(SelectorError(format!(
                    "unable to parse requirement: found '{rest}', expected: in, notin, =, ==, !=, gt, lt"
                )));
            };
            validate_key(key)?;
            let set = set.trim();
            let inner = set
                .strip_prefix('(')
                .and_then(|s| s.strip_suffix(')'))
                .ok_or_else(|| {
                    SelectorError(format!(
                        "unable to parse requirement: found '{set}', expected: '('"
                    ))
                })?;
            let mut values: Vec<String> = inner.split(',').map(|v| v.trim().to_string()).collect();
            for value in &values {
                validate_value(value)?;
            }
            values.sort();
            values.dedup();
            Ok(Requirement {
                key: (*key).into(),
                operator,
                values,
            })
        }
        _ => Err(SelectorError(
            "unable to parse requirement: found '', expected: identifier".into(),
        )),
    }
}

fn validate_key(key: &str) -> Result<(), SelectorError> {
    crate::validation::names::qualified_name_errors(key)
        .first()
        .map_or(Ok(()), |error| {
            Err(SelectorError(format!(
                "unable to parse requirement: invalid label key \"{key}\": {error}"
            )))
        })
}

fn validate_value(value: &str) -> Result<(), SelectorError> {
    crate::validation::names::label_value_errors(value)
        .first()
        .map_or(Ok(()), |error| Err(SelectorError(format!("unable to parse requirement: invalid label value: \"{value}\": at key: \"\": {error}"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_and_matches_equality_and_sets() {
        let selector =
            Selector::parse("app=web,tier!=db,env in (prod, staging),!legacy").unwrap_or_default();
        assert!(selector.matches(Some(&labels(&[("app", "web"), ("env", "prod")]))));
        assert!(!selector.matches(Some(&labels(&[("app", "web"), ("env", "dev")]))));
        assert!(!selector.matches(Some(&labels(&[
            ("app", "web"),
            ("env", "prod"),
            ("legacy", "")
        ]))));
        assert!(!selector.matches(Some(&labels(&[
            ("app", "web"),
            ("env", "prod"),
            ("tier", "db")
        ]))));
        assert_eq!(
            selector.to_string(),
            "app=web,env in (prod,staging),!legacy,tier!=db"
        );
    }

    #[test]
    fn exists_and_notin_match_missing_keys() {
        let notin = Selector::parse("env notin (prod)").unwrap_or_default();
        assert!(notin.matches(None));
        let exists = Selector::parse("app").unwrap_or_default();
        assert!(!exists.matches(None));
        assert!(exists.matches(Some(&labels(&[("app", "x")]))));
    }

    #[test]
    fn rejects_malformed_selectors() {
        assert!(Selector::parse("env in prod").is_err());
        assert!(Selector::parse("a b").is_err());
        assert!(Selector::parse("app=we b").is_err());
    }

    #[test]
    fn formats_api_selectors() {
        let selector = LabelSelector {
            match_labels: Some(labels(&[("k8s-app", "kube-dns")])),
            ..Default::default()
        };
        assert_eq!(format_label_selector(Some(&selector)), "k8s-app=kube-dns");
        assert_eq!(format_label_selector(None), "<none>");
    }
}
