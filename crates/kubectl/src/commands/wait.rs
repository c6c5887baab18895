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
use crate::waiting::{self, Poll, Wait};
use kubeplay_sim::clock::Millis;

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
    let wait = ConditionWait {
        keys: keys.into(),
        condition,
        deadline: session.cluster.now_ms() + timeout_ms,
    };
    waiting::run(Box::new(wait), session, out);
}

/// Waits for each object in turn until it meets the condition, within one deadline.
struct ConditionWait {
    keys: std::collections::VecDeque<ObjectKey>,
    condition: Condition,
    deadline: Millis,
}

impl Wait for ConditionWait {
    fn poll(&mut self, session: &mut Session, out: &mut Output) -> Poll {
        while let Some(key) = self.keys.front() {
            if met(session.cluster.api.store.get(key), &self.condition) {
                out.line(format!(
                    "{}/{} condition met",
                    key.kind.qualified_singular(),
                    key.name
                ));
            } else if session.cluster.now_ms() >= self.deadline {
                out.error(format!(
                    "error: timed out waiting for the condition on {}/{}",
                    key.kind.qualified_plural(),
                    key.name
                ));
            } else {
                return Poll::Pending {
                    recheck_at: Some(self.deadline),
                    on_change: true,
                };
            }
            self.keys.pop_front();
        }
        Poll::Met
    }
}
