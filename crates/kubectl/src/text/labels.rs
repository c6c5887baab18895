//! Label maps, selectors, annotations, taints and tolerations rendered as kubectl does
//! (`labels.FormatLabels`, `metav1.FormatLabelSelector`, and describe.go's
//! `printLabelsMultiline`, `printAnnotationsMultiline`, `printTaintsMultilineWithIndent`,
//! `printTolerationsMultilineWithIndent`). Multi-line helpers return tab-separated text for
//! the describe tab writer: continuation lines start with an empty cell so that values align.

use kubeplay_model::keys::LAST_APPLIED;
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Taint, Toleration};

/// `maxAnnotationLen` in describe.go.
const MAX_ANNOTATION_LEN: usize = 140;

/// `k=v,k2=v2` sorted by key, or `<none>`.
pub fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    let joined = labels
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    if joined.is_empty() {
        "<none>".to_string()
    } else {
        joined
    }
}

/// A selector as the server renders it (`k8s-app=kube-dns`), `<none>` when empty, `<error>`
/// when it cannot be parsed.
pub use kubeplay_model::selector::{format_label_selector, selector_string};

/// `printLabelsMultilineWithIndent(w, initialIndent, title, "\t", labels, none)`.
pub fn labels_multiline(
    initial_indent: &str,
    title: &str,
    labels: Option<&BTreeMap<String, String>>,
) -> String {
    let mut out = format!("{initial_indent}{title}:\t");
    let labels = labels.filter(|l| !l.is_empty());
    let Some(labels) = labels else {
        out.push_str("<none>\n");
        return out;
    };
    for (i, (key, value)) in labels.iter().enumerate() {
        if i != 0 {
            out.push_str(initial_indent);
            out.push('\t');
        }
        out.push_str(&format!("{key}={value}\n"));
    }
    out
}

/// `printAnnotationsMultiline`: sorted `key: value`, last-applied-configuration hidden, and
/// long (key+value+2 > 140 bytes) or multi-line values moved below the key, each line
/// indented by two spaces and cut to 138 bytes plus `...`.
pub fn annotations_multiline(
    title: &str,
    annotations: Option<&BTreeMap<String, String>>,
) -> String {
    let mut out = format!("{title}:\t");
    let shown: Vec<(&String, &String)> = annotations
        .into_iter()
        .flatten()
        .filter(|(key, _)| key.as_str() != LAST_APPLIED)
        .collect();
    if shown.is_empty() {
        out.push_str("<none>\n");
        return out;
    }
    for (i, (key, value)) in shown.into_iter().enumerate() {
        if i != 0 {
            out.push('\t');
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            out.push_str(&format!("{key}:\n"));
            for line in value.split('\n') {
                out.push_str(&format!("\t  {}\n", shorten(line, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            out.push_str(&format!("{key}: {value}\n"));
        }
    }
    out
}

/// Go's `shorten`: the first `max` bytes (backing off to a character boundary) plus `...`.
fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// `Taint.ToString()`: `key=value:Effect`, `key:Effect`, `key=value:` or `key`.
pub fn taint_string(taint: &Taint) -> String {
    let value = taint.value.as_deref().unwrap_or("");
    match (taint.effect.is_empty(), value.is_empty()) {
        (true, true) => taint.key.clone(),
        (true, false) => format!("{}={value}:", taint.key),
        (false, true) => format!("{}:{}", taint.key, taint.effect),
        (false, false) => format!("{}={value}:{}", taint.key, taint.effect),
    }
}

/// `printTaintsMultilineWithIndent(w, "", title, "\t", taints)`, sorted by effect then key.
pub fn taints_multiline(title: &str, taints: &[Taint]) -> String {
    let mut out = format!("{title}:\t");
    if taints.is_empty() {
        out.push_str("<none>\n");
        return out;
    }
    let mut sorted: Vec<&Taint> = taints.iter().collect();
    sorted.sort_by_cached_key(|t| format!("{},{}", t.effect, t.key));
    for (i, taint) in sorted.into_iter().enumerate() {
        if i != 0 {
            out.push('\t');
        }
        out.push_str(&taint_string(taint));
        out.push('\n');
    }
    out
}

/// One toleration as describe prints it: `key=value:Effect`, ` op=Exists` (or `op=Exists`
/// alone for the tolerate-everything form) and ` for 300s`.
pub fn toleration_string(toleration: &Toleration) -> String {
    let key = toleration.key.as_deref().unwrap_or("");
    let value = toleration.value.as_deref().unwrap_or("");
    let effect = toleration.effect.as_deref().unwrap_or("");
    let mut out = key.to_string();
    if !value.is_empty() {
        out.push_str(&format!("={value}"));
    }
    if !effect.is_empty() {
        out.push_str(&format!(":{effect}"));
    }
    if toleration.operator.as_deref() == Some("Exists") && value.is_empty() {
        if !key.is_empty() || !effect.is_empty() {
            out.push_str(" op=Exists");
        } else {
            out.push_str("op=Exists");
        }
    }
    if let Some(seconds) = toleration.toleration_seconds {
        out.push_str(&format!(" for {seconds}s"));
    }
    out
}

/// `printTolerationsMultilineWithIndent(w, "", title, "\t", tolerations)`, sorted by key.
pub fn tolerations_multiline(title: &str, tolerations: &[Toleration]) -> String {
    let mut out = format!("{title}:\t");
    if tolerations.is_empty() {
        out.push_str("<none>\n");
        return out;
    }
    let mut sorted: Vec<&Toleration> = tolerations.iter().collect();
    sorted.sort_by(|a, b| {
        a.key
            .as_deref()
            .unwrap_or("")
            .cmp(b.key.as_deref().unwrap_or(""))
    });
    for (i, toleration) in sorted.into_iter().enumerate() {
        if i != 0 {
            out.push('\t');
        }
        out.push_str(&toleration_string(toleration));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn formats_label_maps() {
        assert_eq!(format_labels(None), "<none>");
        assert_eq!(
            format_labels(Some(&map(&[("b", "2"), ("a", "1")]))),
            "a=1,b=2"
        );
    }

    #[test]
    fn formats_selectors() {
        let selector = LabelSelector {
            match_labels: Some(map(&[("tier", "web"), ("app", "nginx")])),
            match_expressions: Some(vec![
                LabelSelectorRequirement {
                    key: "env".into(),
                    operator: "In".into(),
                    values: Some(vec!["prod".into(), "dev".into()]),
                },
                LabelSelectorRequirement {
                    key: "zone".into(),
                    operator: "DoesNotExist".into(),
                    values: None,
                },
                LabelSelectorRequirement {
                    key: "canary".into(),
                    operator: "Exists".into(),
                    values: None,
                },
            ]),
        };
        assert_eq!(
            format_label_selector(Some(&selector)),
            "app=nginx,canary,env in (dev,prod),tier=web,!zone"
        );
        assert_eq!(format_label_selector(None), "<none>");
        assert_eq!(
            format_label_selector(Some(&LabelSelector::default())),
            "<none>"
        );
        let bad = LabelSelector {
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "a".into(),
                operator: "Near".into(),
                values: None,
            }]),
            ..Default::default()
        };
        assert_eq!(format_label_selector(Some(&bad)), "<error>");
    }

    #[test]
    fn multiline_labels() {
        assert_eq!(labels_multiline("", "Labels", None), "Labels:\t<none>\n");
        assert_eq!(
            labels_multiline("  ", "Labels", Some(&map(&[("b", "2"), ("a", "1")]))),
            "  Labels:\ta=1\n  \tb=2\n"
        );
    }

    #[test]
    fn annotations_hide_last_applied_and_wrap_long_values() {
        let long = "x".repeat(150);
        let annotations = map(&[
            (LAST_APPLIED, "{}"),
            ("a", "1"),
            ("long", &long),
            ("multi", "one\ntwo\n"),
        ]);
        assert_eq!(
            annotations_multiline("Annotations", Some(&annotations)),
            format!(
                "Annotations:\ta: 1\n\tlong:\n\t  {}...\n\tmulti:\n\t  one\n\t  two\n",
                &long[..138]
            )
        );
        assert_eq!(
            annotations_multiline("Annotations", Some(&map(&[(LAST_APPLIED, "{}")]))),
            "Annotations:\t<none>\n"
        );
    }

    #[test]
    fn taints_and_tolerations() {
        let taints = vec![
            Taint {
                key: "node-role.kubernetes.io/control-plane".into(),
                effect: "NoSchedule".into(),
                ..Default::default()
            },
            Taint {
                key: "dedicated".into(),
                value: Some("gpu".into()),
                effect: "NoExecute".into(),
                ..Default::default()
            },
        ];
        assert_eq!(
            taints_multiline("Taints", &taints),
            "Taints:\tdedicated=gpu:NoExecute\n\tnode-role.kubernetes.io/control-plane:NoSchedule\n"
        );
        let tolerations = vec![
            Toleration {
                key: Some("node.kubernetes.io/unreachable".into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
                ..Default::default()
            },
            Toleration {
                key: Some("node.kubernetes.io/not-ready".into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
                ..Default::default()
            },
            Toleration {
                operator: Some("Exists".into()),
                ..Default::default()
            },
            Toleration {
                key: Some("CriticalAddonsOnly".into()),
                operator: Some("Exists".into()),
                ..Default::default()
            },
        ];
        assert_eq!(
            tolerations_multiline("Tolerations", &tolerations),
            "Tolerations:\top=Exists\n\tCriticalAddonsOnly op=Exists\n\
             \tnode.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n\
             \tnode.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        );
        assert_eq!(
            tolerations_multiline("Tolerations", &[]),
            "Tolerations:\t<none>\n"
        );
    }
}
