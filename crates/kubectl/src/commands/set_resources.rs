//! `kubectl set resources RESOURCE --limits=… --requests=…` (`set_resources.go`): sets the
//! named requests and limits of the selected containers (`-c`, all by default).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kubeplay_model::quantity;

use super::pod_template::{matches_container, pod_spec_mut, targets};
use super::report::Report;
use super::set_env::write;
use crate::args::{self, Flag, boolean, value};
use crate::output::Output;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("containers", Some('c')),
    value("limits", None),
    value("requests", None),
    boolean("local", None),
    boolean("all", None),
    value("selector", Some('l')),
    value("output", Some('o')),
    value("template", None),
    value("dry-run", None),
];

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "set resources") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let report = match Report::from_flags(&parsed, session) {
        Ok(report) => report,
        Err(error) => return out.error(error),
    };
    if parsed.positional.is_empty() && !parsed.has("filename") {
        return out.error(crate::resources::NO_RESOURCES);
    }
    let (limits, requests) = match (
        quantities(parsed.value("limits")),
        quantities(parsed.value("requests")),
    ) {
        (Ok(limits), Ok(requests)) => (limits, requests),
        (Err(error), _) | (_, Err(error)) => return out.error(error),
    };
    if limits.is_empty() && requests.is_empty() {
        return out.error("error: you must specify an update to requests or limits (in the form of --requests/--limits)");
    }
    let objects = match targets(&parsed, &parsed.positional, stdin, session, out) {
        Ok(objects) => objects,
        Err(error) => return out.error(error),
    };
    let selector = parsed.value("containers").unwrap_or("*");
    for mut object in objects {
        let before = object.clone();
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
            let resources = container
                .resources
                .get_or_insert_with(ResourceRequirements::default);
            if !limits.is_empty() {
                resources
                    .limits
                    .get_or_insert_with(BTreeMap::new)
                    .extend(limits.clone());
            }
            if !requests.is_empty() {
                resources
                    .requests
                    .get_or_insert_with(BTreeMap::new)
                    .extend(requests.clone());
            }
        }
        if !matched {
            out.error(format!("error: unable to find container named {selector}"));
            continue;
        }
        if object == before {
            continue;
        }
        write(
            object,
            "resource requirements updated",
            &report,
            parsed.bool("local"),
            session,
            out,
        );
    }
}

/// `cpu=100m,memory=256Mi` as `populateResourceListV1` reads it.
fn quantities(text: Option<&str>) -> Result<BTreeMap<String, Quantity>, String> {
    let mut list = BTreeMap::new();
    for pair in text
        .into_iter()
        .flat_map(|t| t.split(','))
        .filter(|p| !p.is_empty())
    {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(format!(
                "error: Invalid argument syntax {pair}, expected <resource>=<value>"
            ));
        };
        if let Some(error) = quantity::Quantity::parse_error(value) {
            return Err(format!("error: {error}"));
        }
        list.insert(name.to_string(), Quantity(value.to_string()));
    }
    Ok(list)
}
