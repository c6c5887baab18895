//! `kubectl wait --for=condition=C|delete|jsonpath=…`: advances virtual time until every
//! object meets the condition or `--timeout` (default 30s) passes.

use kubeplay_model::selector::Selector;
use kubeplay_model::{Object, ObjectKey};
use serde_json::Value;

use crate::args::{self, Flag, boolean, duration, value};
use crate::errors;
use crate::output::Output;
use crate::resources;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("for", None),
    duration("timeout", None),
    value("selector", Some('l')),
    boolean("all", None),
    boolean("all-namespaces", Some('A')),
    value("filename", Some('f')),
];

enum Condition {
    Delete,
    Status { condition: String, wanted: String },
}

fn met(object: Option<&Object>, condition: &Condition) -> bool {
    match (condition, object) {
        (Condition::Delete, object) => object.is_none(),
        (Condition::Status { .. }, None) => false,
        (Condition::Status { condition, wanted }, Some(object)) => {
            let value = object.to_value();
            value
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|c| {
                    c.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case(condition))
                        && c.get("status")
                            .and_then(Value::as_str)
                            .is_some_and(|s| s.eq_ignore_ascii_case(wanted))
                })
        }
    }
}

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "wait") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let condition = match parsed.value("for") {
        Some("delete") => Condition::Delete,
        Some(spec) if spec.starts_with("condition=") => {
            let body = &spec["condition=".len()..];
            let (condition, wanted) = body.split_once('=').unwrap_or((body, "true"));
            Condition::Status {
                condition: condition.to_string(),
                wanted: wanted.to_string(),
            }
        }
        other => {
            return out.error(format!(
                "error: unrecognized condition: {:?}",
                other.unwrap_or("")
            ));
        }
    };
    let timeout_ms = parsed.duration_ms("timeout").unwrap_or(30_000);
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let requests = match resources::parse(&parsed.positional) {
        Ok(requests) if requests.is_empty() => {
            return out.error("error: resource(s) were provided, but no name was specified");
        }
        Ok(requests) => requests,
        Err(error) => return out.error(error),
    };
    let mut keys: Vec<ObjectKey> = Vec::new();
    for request in &requests {
        if request.names.is_empty() {
            let selector =
                Selector::parse(parsed.value("selector").unwrap_or("")).unwrap_or_default();
            if !parsed.bool("all") && !parsed.has("selector") {
                return out.error("error: resource(s) were provided, but no name was specified");
            }
            keys.extend(
                session
                    .cluster
                    .api
                    .store
                    .list(request.kind, Some(&namespace))
                    .filter(|o| selector.matches(o.meta().labels.as_ref()))
                    .map(Object::key),
            );
        } else {
            for name in &request.names {
                let key = ObjectKey::new(request.kind, &namespace, name);
                if !session.cluster.api.store.contains(&key)
                    && !matches!(condition, Condition::Delete)
                {
                    return out.error(errors::render(&kubeplay_model::ApiError::not_found(
                        request.kind,
                        name,
                    )));
                }
                keys.push(key);
            }
        }
    }
    if keys.is_empty() {
        return out.error("error: no matching resources found");
    }
    let deadline = session.cluster.now_ms() + timeout_ms;
    for key in keys {
        loop {
            if met(session.cluster.api.store.get(&key), &condition) {
                out.line(format!(
                    "{}/{} condition met",
                    key.kind.qualified_singular(),
                    key.name
                ));
                break;
            }
            let now = session.cluster.now_ms();
            if now >= deadline {
                out.error(format!(
                    "error: timed out waiting for the condition on {}/{}",
                    key.kind.qualified_plural(),
                    key.name
                ));
                break;
            }
            let next = session
                .cluster
                .next_change_at()
                .unwrap_or(deadline)
                .clamp(now + 1, deadline);
            session.cluster.run_until(next);
        }
    }
}
