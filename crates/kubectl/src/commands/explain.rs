//! `kubectl explain TYPE[.FIELD…]`: the documentation of a kind or field, from the v1.33
//! OpenAPI v3 schemas (`crate::explain`), printed by kubectl's `plaintext` template. The
//! resource words are resolved as `pkg/explain/explain.go` does, and every error is
//! kubectl's: cobra's usage errors, the RESTMapper's, `--api-version`'s and the template's.

use kubeplay_model::Kind;

use crate::args::{self, Flag, boolean, value};
use crate::explain::{plaintext, schemas};
use crate::output::Output;

const FLAGS: &[Flag] = &[
    value("api-version", None),
    value("output", None),
    boolean("recursive", None),
];

const NO_TYPE: &str = "error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.";

pub fn run(args: &[String], out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "explain") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let resource = match parsed.positional.as_slice() {
        [] => return out.error(NO_TYPE),
        [resource] => resource,
        _ => return out.error("error: We accept only this format: explain RESOURCE"),
    };
    let api_version = parsed.value("api-version").filter(|v| !v.is_empty());
    let (kind, fields) = match resolve(resource, api_version.is_some()) {
        Ok(found) => found,
        Err(error) => return out.error(error),
    };
    let (group, version) = match api_version {
        None => (kind.group().to_string(), kind.info().version.to_string()),
        Some(text) => match parse_group_version(text) {
            Ok(group_version) => group_version,
            Err(error) => return out.error(error),
        },
    };
    let format = parsed.value("output").unwrap_or("plaintext");
    if format == "plaintext-openapiv2" {
        return out.error(
            "error: kubeplay does not simulate \"kubectl explain --output=plaintext-openapiv2\" yet",
        );
    }
    let gvr = format!("{group}/{version}, Resource={}", kind.plural());
    if !Kind::all().any(|served| served.group() == group && served.info().version == version) {
        return out.error(format!("error: couldn't find resource for \"{gvr}\""));
    }
    if format != "plaintext" {
        return out.error(format!("error: unrecognized format: {format}"));
    }
    let Some(served) = Kind::all().find(|served| {
        served.group() == group
            && served.info().version == version
            && served.plural() == kind.plural()
    }) else {
        return out.error(format!("error: GVR ({gvr}) not found in OpenAPI schema"));
    };
    let schemas = match schemas() {
        Ok(schemas) => schemas,
        Err(error) => return out.error(format!("error: {error}")),
    };
    let explanation = plaintext::explain(
        schemas,
        (served.group(), served.info().version, served.name()),
        &fields,
        parsed.bool("recursive"),
    );
    out.out(explanation.header);
    match explanation.body {
        Ok(body) => out.out(body),
        Err(error) => out.error(error),
    }
}

/// The kind and the field path of `TYPE[.FIELD…]`, as kubectl splits them: the first word
/// names the resource; `deployments.apps.spec` drops the group when it follows the plural
/// (`SplitAndParseResourceRequestWithMatchingPrefix`), except with `--api-version`, where
/// every word after the first is a field (`SplitAndParseResourceRequest`).
fn resolve(typed: &str, api_version_given: bool) -> Result<(Kind, Vec<String>), String> {
    let whole = typed.strip_suffix('.').unwrap_or(typed);
    let (first, rest) = whole.split_once('.').unwrap_or((whole, ""));
    if first.is_empty() {
        return Err(NO_FIELD_NODE.into());
    }
    let Some(kind) = Kind::resolve(first) else {
        return Err(format!(
            "the server doesn't have a resource type \"{first}\""
        ));
    };
    if !api_version_given {
        let group_resource = if kind.group().is_empty() {
            kind.plural().to_string()
        } else {
            format!("{}.{}", kind.plural(), kind.group())
        };
        if let Some(suffix) = typed.strip_prefix(&group_resource) {
            // kubectl parses the rest as a path of its own (`.spec` → `..spec`, a
            // recursive-descent node, however many dots, then `spec`) and drops its first
            // node, so `pods..spec` explains `spec` and `deployments.appsx.y` field `y`.
            let words = field_words(suffix.trim_start_matches('.'))?;
            let skip = usize::from(!suffix.starts_with('.'));
            return Ok((kind, words.into_iter().skip(skip).collect()));
        }
    }
    match field_words(rest) {
        Err(_) if api_version_given => Err(NOT_ALL_FIELD_NODES.into()),
        words => Ok((kind, words?)),
    }
}

const NO_FIELD_NODE: &str = "error: invalid jsonpath syntax, first node must be field node";
/// `SplitAndParseResourceRequest`'s words for the same (the `--api-version` path).
const NOT_ALL_FIELD_NODES: &str = "error: invalid jsonpath syntax, all nodes must be field nodes";

/// The field words of a dotted path (one trailing dot is dropped, as kubectl trims it);
/// an empty word is a recursive-descent node, which explain refuses.
fn field_words(path: &str) -> Result<Vec<String>, String> {
    let path = path.strip_suffix('.').unwrap_or(path);
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let words: Vec<String> = path.split('.').map(str::to_string).collect();
    if words.iter().any(String::is_empty) {
        return Err(NO_FIELD_NODE.into());
    }
    Ok(words)
}

/// `schema.ParseGroupVersion`: `v1` is the core group, `apps/v1` a named one.
fn parse_group_version(text: &str) -> Result<(String, String), String> {
    if text == "/" {
        return Ok((String::new(), String::new()));
    }
    match text.matches('/').count() {
        0 => Ok((String::new(), text.to_string())),
        1 => {
            let (group, version) = text.split_once('/').unwrap_or_default();
            Ok((group.to_string(), version.to_string()))
        }
        _ => Err(format!("error: unexpected GroupVersion string: {text}")),
    }
}

#[cfg(test)]
mod tests {
    use kubeplay_model::Kind;

    use super::{parse_group_version, resolve};

    fn fields(typed: &str, api_version_given: bool) -> Result<(Kind, Vec<String>), String> {
        resolve(typed, api_version_given)
    }

    #[test]
    fn splits_the_resource_from_its_fields_as_kubectl_does() {
        let words = |list: &[&str]| list.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        assert_eq!(
            fields("deploy.spec.replicas", false),
            Ok((Kind::Deployment, words(&["spec", "replicas"])))
        );
        assert_eq!(
            fields("deployments.apps.spec", false),
            Ok((Kind::Deployment, words(&["spec"])))
        );
        assert_eq!(
            fields("deployments.apps.spec", true),
            Ok((Kind::Deployment, words(&["apps", "spec"])))
        );
        assert_eq!(
            fields("pods..spec", false),
            Ok((Kind::Pod, words(&["spec"])))
        );
        assert_eq!(fields("pods.", false), Ok((Kind::Pod, words(&[]))));
        assert!(fields("pod..spec", false).is_err());
        assert!(fields(".pods", false).is_err());
        assert_eq!(
            fields("Deploymnt", false),
            Err("the server doesn't have a resource type \"Deploymnt\"".into())
        );
    }

    #[test]
    fn parses_group_versions_as_apimachinery_does() {
        assert_eq!(parse_group_version("v1"), Ok((String::new(), "v1".into())));
        assert_eq!(
            parse_group_version("apps/v1"),
            Ok(("apps".into(), "v1".into()))
        );
        assert!(parse_group_version("a/b/c").is_err());
    }
}
