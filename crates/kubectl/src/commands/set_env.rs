//! `kubectl set env RESOURCE KEY=VALUE… KEY-…` (`set_env.go`): updates the containers'
//! environment in place (existing names keep their position), `--from=configmap/NAME|secret/NAME`
//! adds one reference per key, `--list` prints the environment, `--local -f` changes a file's
//! object without the cluster.

use k8s_openapi::api::core::v1::{ConfigMapKeySelector, EnvVar, EnvVarSource, SecretKeySelector};
use kubeplay_model::{Kind, Object};

use super::pod_template::{matches_container, pod_spec_mut, targets};
use super::report::{DryRun, Report};
use crate::args::{self, Flag, boolean, value};
use crate::errors;
use crate::output::Output;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("containers", Some('c')),
    value("from", None),
    value("prefix", None),
    value("keys", None),
    boolean("list", None),
    boolean("local", None),
    boolean("overwrite", None),
    boolean("resolve", None),
    boolean("all", None),
    value("selector", Some('l')),
    value("output", Some('o')),
    value("template", None),
    value("dry-run", None),
];

const INVALID_NAME: &str = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "set env") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let report = match Report::from_flags(&parsed, session) {
        Ok(report) => report,
        Err(error) => return out.error(error),
    };
    let (assignments, resource_args): (Vec<String>, Vec<String>) = parsed
        .positional
        .iter()
        .cloned()
        .partition(|a| a.contains('=') || (a.ends_with('-') && !a.contains('/')));
    if resource_args.is_empty() && !parsed.has("filename") {
        return out.error("error: one or more resources must be specified as <resource> <name> or <resource>/<name>");
    }
    let mut env = Vec::new();
    let mut remove = Vec::new();
    for assignment in &assignments {
        if let Some((name, value)) = assignment.split_once('=') {
            if name.is_empty() {
                continue;
            }
            if !valid_name(name) {
                return out.error(format!(
                    "error: {name:?} is not a valid key name: {INVALID_NAME}"
                ));
            }
            env.push(EnvVar {
                name: name.to_string(),
                value: Some(value.to_string()),
                ..EnvVar::default()
            });
        } else if let Some(name) = assignment.strip_suffix('-') {
            remove.push(name.to_string());
        }
    }
    if let Some(from) = parsed.value("from") {
        match from_references(from, &parsed, session) {
            Ok(references) => env.extend(references),
            Err(error) => return out.error(error),
        }
    }
    if let Some(prefix) = parsed.value("prefix") {
        for var in &mut env {
            var.name = format!("{prefix}{}", var.name);
        }
    }
    let objects = match targets(&parsed, &resource_args, stdin, session, out) {
        Ok(objects) => objects,
        Err(error) => return out.error(error),
    };
    let selector = parsed.value("containers").unwrap_or("*");
    for mut object in objects {
        let before = object.clone();
        let kind = object.kind();
        let name = object.name().to_string();
        let Some(spec) = pod_spec_mut(&mut object) else {
            continue;
        };
        let mut matched = false;
        for container in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten())
            .filter(|c| matches_container(selector, &c.name))
        {
            matched = true;
            update_env(&mut container.env, &env, &remove);
            if parsed.bool("list") {
                out.line(format!(
                    "# {} {name}, container {}",
                    kind.name(),
                    container.name
                ));
                for var in container.env.iter().flatten() {
                    match &var.value_from {
                        None => out.line(format!(
                            "{}={}",
                            var.name,
                            var.value.as_deref().unwrap_or("")
                        )),
                        Some(from) => out.line(format!("# {} from {}", var.name, reference(from))),
                    }
                }
            }
        }
        if !matched {
            out.note(format!(
                "Warning: {}/{name} does not have any containers matching {selector:?}",
                kind.name()
            ));
        }
        if parsed.bool("list") || object == before {
            continue;
        }
        write(
            object,
            "env updated",
            &report,
            parsed.bool("local"),
            session,
            out,
        );
    }
}

/// Sends a changed object (or, with `--local` or a client dry run, only prints it).
pub fn write(
    object: Object,
    verb: &str,
    report: &Report,
    local: bool,
    session: &mut Session,
    out: &mut Output,
) {
    if local || report.dry_run == DryRun::Client {
        return report.print(&object, verb, out);
    }
    match session
        .cluster
        .api
        .update(object, report.dry_run.server_side())
    {
        Ok(updated) => report.print(&updated, verb, out),
        Err(error) => out.error(errors::render(&error)),
    }
    session.cluster.settle();
}

/// `updateEnv`: replace by name where present, append the rest, drop removed names.
fn update_env(current: &mut Option<Vec<EnvVar>>, add: &[EnvVar], remove: &[String]) {
    let mut vars = current.take().unwrap_or_default();
    for var in add {
        match vars.iter_mut().find(|v| v.name == var.name) {
            Some(existing) => *existing = var.clone(),
            None => vars.push(var.clone()),
        }
    }
    vars.retain(|v| !remove.contains(&v.name));
    *current = (!vars.is_empty()).then_some(vars);
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '-' | '.' | '_'))
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// `--from=configmap/NAME|secret/NAME`: one reference per key (`--keys` limits them),
/// named as `keyToEnvName` does (upper case, other characters as `_`).
fn from_references(
    from: &str,
    parsed: &args::Parsed,
    session: &Session,
) -> Result<Vec<EnvVar>, String> {
    let namespace = parsed.value("namespace").unwrap_or("default");
    let (kind, name) = from
        .split_once('/')
        .ok_or_else(|| "error: unsupported resource specified in --from".to_string())?;
    let kind = Kind::resolve(kind).filter(|k| matches!(k, Kind::ConfigMap | Kind::Secret));
    let Some(kind) = kind else {
        return Err("error: unsupported resource specified in --from".into());
    };
    let object = session
        .get(kind, namespace, name)
        .ok_or_else(|| errors::render(&kubeplay_model::ApiError::not_found(kind, name)))?;
    let wanted: Vec<String> = parsed
        .value("keys")
        .map(|k| k.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let keys: Vec<String> = match object {
        Object::ConfigMap(cm) => cm.data.iter().flatten().map(|(k, _)| k.clone()).collect(),
        Object::Secret(secret) => secret
            .data
            .iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .collect(),
        _ => Vec::new(),
    };
    Ok(keys
        .into_iter()
        .filter(|key| wanted.is_empty() || wanted.contains(key))
        .map(|key| EnvVar {
            name: key
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect(),
            value_from: Some(if kind == Kind::ConfigMap {
                EnvVarSource {
                    config_map_key_ref: Some(ConfigMapKeySelector {
                        name: name.to_string(),
                        key,
                        optional: None,
                    }),
                    ..EnvVarSource::default()
                }
            } else {
                EnvVarSource {
                    secret_key_ref: Some(SecretKeySelector {
                        name: name.to_string(),
                        key,
                        optional: None,
                    }),
                    ..EnvVarSource::default()
                }
            }),
            ..EnvVar::default()
        })
        .collect())
}

/// `GetEnvVarRefString`.
fn reference(from: &EnvVarSource) -> String {
    if let Some(r) = &from.config_map_key_ref {
        return format!("configmap {}, key {}", r.name, r.key);
    }
    if let Some(r) = &from.secret_key_ref {
        return format!("secret {}, key {}", r.name, r.key);
    }
    if let Some(r) = &from.field_ref {
        return format!("field path {}", r.field_path);
    }
    if let Some(r) = &from.resource_field_ref {
        let container = r
            .container_name
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(|c| format!("{c}/"))
            .unwrap_or_default();
        return format!("resource field {container}{}", r.resource);
    }
    "invalid valueFrom".into()
}
