//! Resolving what users name on the command line (`pods`, `deploy,rs`, `deployment/demo`,
//! `all`) into kinds and object names, with kubectl's errors.

use kubeplay_model::Kind;

/// Kinds `kubectl get all` lists, in its order.
const ALL: [Kind; 9] = [
    Kind::Pod,
    Kind::ReplicationController,
    Kind::Service,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
    Kind::CronJob,
    Kind::Job,
];

/// Kinds requested, each with the names asked for (empty: all of them).
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub kind: Kind,
    pub names: Vec<String>,
}

pub fn resolve_kind(typed: &str) -> Result<Kind, String> {
    Kind::resolve(typed)
        .ok_or_else(|| format!("error: the server doesn't have a resource type {typed:?}"))
}

/// Parses positional arguments of `get`/`describe`/`delete`: either `TYPE[,TYPE] [NAME…]` or
/// `TYPE/NAME…`.
pub fn parse(args: &[String]) -> Result<Vec<Request>, String> {
    let Some(first) = args.first() else {
        return Ok(Vec::new());
    };
    if first.contains('/') {
        let mut requests: Vec<Request> = Vec::new();
        for arg in args {
            let Some((kind, name)) = arg.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".to_string());
            };
            let kind = resolve_kind(kind)?;
            match requests.iter_mut().find(|r| r.kind == kind) {
                Some(request) => request.names.push(name.to_string()),
                None => requests.push(Request {
                    kind,
                    names: vec![name.to_string()],
                }),
            }
        }
        return Ok(requests);
    }
    let names: Vec<String> = args[1..].to_vec();
    if let Some(name) = names.iter().find(|n| n.contains('/')) {
        return Err(format!(
            "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource {name}')"
        ));
    }
    let mut requests = Vec::new();
    for typed in first.split(',').filter(|t| !t.is_empty()) {
        if typed == "all" {
            requests.extend(ALL.iter().map(|kind| Request {
                kind: *kind,
                names: names.clone(),
            }));
            continue;
        }
        requests.push(Request {
            kind: resolve_kind(typed)?,
            names: names.clone(),
        });
    }
    Ok(requests)
}

/// kubectl's answer when a command that needs objects gets neither names nor files.
pub const NO_RESOURCES: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// The objects a command acts on: those `-f` files name (each in its own namespace, else
/// `namespace`), or `TYPE NAME…` / `TYPE/NAME…` in `namespace`.
pub fn keys(
    parsed: &crate::args::Parsed,
    stdin: &str,
    namespace: &str,
    session: &crate::session::Session,
) -> Result<Vec<kubeplay_model::ObjectKey>, String> {
    if parsed.has("filename") {
        let (loaded, failures) =
            crate::manifests::load(&parsed.values("filename"), stdin, session)?;
        if let Some(first) = failures.into_iter().next() {
            return Err(first);
        }
        return Ok(loaded
            .iter()
            .map(|item| {
                let object = &item.document.object;
                let ns = object.meta().namespace.as_deref().unwrap_or(namespace);
                kubeplay_model::ObjectKey::new(object.kind(), ns, object.name())
            })
            .collect());
    }
    if parsed.positional.is_empty() {
        return Err(NO_RESOURCES.into());
    }
    let requests = parse(&parsed.positional)?;
    if requests.is_empty() || requests.iter().any(|r| r.names.is_empty()) {
        return Err("error: resource(s) were provided, but no name was specified".into());
    }
    Ok(requests
        .iter()
        .flat_map(|r| {
            r.names
                .iter()
                .map(|n| kubeplay_model::ObjectKey::new(r.kind, namespace, n))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn resolves_types_names_and_slash_forms() {
        let requests = parse(&args("deploy,rs,po")).unwrap_or_default();
        assert_eq!(
            requests.iter().map(|r| r.kind).collect::<Vec<_>>(),
            vec![Kind::Deployment, Kind::ReplicaSet, Kind::Pod]
        );
        let named = parse(&args("deployment/demo pod/x")).unwrap_or_default();
        assert_eq!(
            named[0],
            Request {
                kind: Kind::Deployment,
                names: vec!["demo".into()]
            }
        );
        assert_eq!(
            parse(&args("deploymnts")).err().unwrap_or_default(),
            "error: the server doesn't have a resource type \"deploymnts\""
        );
        assert_eq!(parse(&args("all")).unwrap_or_default().len(), 9);
    }
}
