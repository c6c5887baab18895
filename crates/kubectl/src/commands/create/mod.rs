//! `kubectl create`: from files (`-f`), and the generators `namespace`, `deployment`, `job`,
//! `cronjob`, `service`, `configmap` and `secret`.

mod configmap;
mod secret;
mod service;
mod sources;

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{Container, ContainerPort, Namespace, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use kubeplay_model::{Object, Typed};

use super::apply::{ApplyError, resolve_namespace};
use crate::args::{self, Flag, boolean, value};
use crate::errors::{self, Failure};
use crate::manifests;
use crate::output::Output;
use crate::printers::gotemplate::{GoTemplate, is_template_format};
use crate::printers::object;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("output", Some('o')),
    value("template", None),
    value("dry-run", None),
    value("image", None),
    value("from", None),
    value("replicas", Some('r')),
    value("port", None),
    value("schedule", None),
    value("restart", None),
    value("tcp", None),
    value("node-port", None),
    value("clusterip", None),
    value("external-name", None),
    value("from-literal", None),
    value("from-file", None),
    value("from-env-file", None),
    value("type", None),
    value("docker-server", None),
    value("docker-username", None),
    value("docker-password", None),
    value("docker-email", None),
    value("cert", None),
    value("key", None),
    boolean("save-config", None),
    value("validate", None),
];

/// `kubectl create`'s generators as cobra registers them (v1.33), so that a flag error names
/// the generator in its hint as kubectl does, simulated or not.
const GENERATORS: &[args::Subcommand] = &[
    ("clusterrole", &[]),
    ("clusterrolebinding", &[]),
    ("configmap", &["cm"]),
    ("cronjob", &["cj"]),
    ("deployment", &["deploy"]),
    ("ingress", &["ing"]),
    ("job", &[]),
    ("namespace", &["ns"]),
    ("poddisruptionbudget", &["pdb"]),
    ("priorityclass", &["pc"]),
    ("quota", &["resourcequota"]),
    ("role", &[]),
    ("rolebinding", &[]),
    ("secret", &[]),
    ("service", &["svc"]),
    ("serviceaccount", &["sa"]),
    ("token", &[]),
];

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let command = args::command_path("create", GENERATORS, args, FLAGS);
    let parsed = match args::parse(args, FLAGS, &command) {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let validation =
        match kubeplay_model::manifest::FieldValidation::from_flag(parsed.value("validate")) {
            Ok(validation) => validation,
            Err(error) => return out.error(format!("error: {error}")),
        };
    if let Err(error) =
        crate::printers::check_format(parsed.value("output"), crate::printers::OBJECT_FORMATS)
    {
        return out.error(error);
    }
    let dry_run = matches!(parsed.value("dry-run"), Some("client" | "server" | "true"));
    let client_dry_run = matches!(parsed.value("dry-run"), Some("client" | "true"));
    let output = parsed.value("output").map(str::to_string);
    let template = match output.as_deref().filter(|f| is_template_format(f)) {
        Some(format) => match GoTemplate::from_flags(format, parsed.value("template"), session) {
            Ok(template) => Some(template),
            Err(error) => return out.error(error),
        },
        None => None,
    };
    // A client-side dry run prints what kubectl built without asking the server.
    let client_report = |object: &Object, raw: Option<&serde_json::Value>, out: &mut Output| {
        let value = raw
            .cloned()
            .unwrap_or_else(|| object::client_side_value(object));
        if let Some(template) = &template {
            return template.print(&value, out);
        }
        if let Some(path) = output.as_deref().and_then(|f| f.strip_prefix("jsonpath=")) {
            return crate::printers::jsonpath::print(path, &value, out);
        }
        match object::print_value(&value, object, output.as_deref()) {
            Some(text) => out.out(text),
            None => out.line(format!("{} created (dry run)", object::name(object))),
        }
    };
    let report = |object: &Object, out: &mut Output| match output.as_deref() {
        _ if template.is_some() => {
            if let Some(template) = &template {
                template.print(&object.to_value(), out);
            }
        }
        Some("yaml") => out.out(object::yaml(&[object], false)),
        Some("json") => out.out(object::json(&[object], false)),
        Some("name") => out.line(object::name(object)),
        Some(format) if format.starts_with("jsonpath=") => {
            crate::printers::jsonpath::print(&format["jsonpath=".len()..], &object.to_value(), out)
        }
        _ => out.line(format!(
            "{} created{}",
            object::name(object),
            if dry_run { " (dry run)" } else { "" }
        )),
    };
    let generated = match parsed.positional.first().map(String::as_str) {
        Some("service" | "svc") => Some(service::generate(&parsed)),
        Some("configmap" | "cm") => Some(configmap::generate(&parsed, session)),
        Some("secret") => Some(secret::generate(&parsed, session)),
        _ => None,
    };
    if let Some(generated) = generated {
        let (mut object, failure) = match generated {
            Ok(generated) => generated,
            Err(error) => return out.error(error),
        };
        if client_dry_run {
            object.meta_mut().namespace = parsed.value("namespace").map(str::to_string);
            return client_report(&object, None, out);
        }
        object.meta_mut().namespace =
            Some(parsed.value("namespace").unwrap_or("default").to_string());
        match session.cluster.api.create(object, dry_run) {
            Ok(created) => report(&created, out),
            Err(error) => out.error(format!("error: failed to create {failure} {error}")),
        }
        return;
    }
    match parsed.positional.first().map(String::as_str) {
        None => {
            let (loaded, failures) = match manifests::load_with(
                &parsed.values("filename"),
                stdin,
                session,
                validation,
            ) {
                Ok(result) => result,
                Err(error) => return out.error(error),
            };
            if loaded.is_empty() && failures.is_empty() {
                return out.error("error: no objects passed to create");
            }
            let mut failures: Vec<Failure> = failures.into_iter().map(Failure::Message).collect();
            for item in loaded {
                for warning in &item.document.warnings {
                    out.note(format!("Warning: {warning}"));
                }
                let mut object = item.document.object;
                if let Err(ApplyError::Message(message)) =
                    resolve_namespace(&mut object, parsed.value("namespace"))
                {
                    failures.push(Failure::Message(message));
                    continue;
                }
                if client_dry_run {
                    client_report(&object, Some(&item.document.raw), out);
                    continue;
                }
                let created = object
                    .check_request_size()
                    .and_then(|()| session.cluster.api.create(object, dry_run));
                match created {
                    Ok(created) => report(&created, out),
                    Err(error) => failures.push(Failure::Api {
                        error,
                        verb: "creating",
                        source: item.source.clone(),
                    }),
                }
            }
            errors::print_failures(failures, out);
        }
        Some("namespace" | "ns") => {
            let name = match one_name(&parsed, 1, "namespace") {
                Ok(name) => name,
                Err(error) => return out.error(error),
            };
            let namespace = Namespace {
                metadata: ObjectMeta {
                    name: Some(name.clone()),
                    ..ObjectMeta::default()
                },
                ..Namespace::default()
            };
            if client_dry_run {
                return client_report(&namespace.into_object(), None, out);
            }
            match session.cluster.api.create(namespace.into_object(), dry_run) {
                Ok(created) => report(&created, out),
                Err(error) => out.error(errors::render(&error)),
            }
        }
        Some("job") => {
            let name = match one_name(&parsed, 1, "job") {
                Ok(name) => name,
                Err(error) => return out.error(error),
            };
            if let Some(from) = parsed.value("from") {
                return create_job_from(
                    &name,
                    from,
                    parsed.value("namespace").unwrap_or("default"),
                    dry_run,
                    session,
                    out,
                );
            }
            let Some(image) = parsed.value("image") else {
                return out.error("error: either --image or --from must be specified");
            };
            let mut job = generated_job(&name, image, &parsed.after_dash);
            if client_dry_run {
                job.metadata.namespace = parsed.value("namespace").map(str::to_string);
                return client_report(&job.into_object(), None, out);
            }
            job.metadata.namespace =
                Some(parsed.value("namespace").unwrap_or("default").to_string());
            match session.cluster.api.create(job.into_object(), dry_run) {
                Ok(created) => report(&created, out),
                Err(error) => out.error(format!("error: failed to create job: {error}")),
            }
        }
        Some("cronjob" | "cj") => {
            // cobra checks required flags (in name order) before the command runs.
            let missing: Vec<String> = ["image", "schedule"]
                .iter()
                .filter(|flag| !parsed.has(flag))
                .map(|flag| format!("{flag:?}"))
                .collect();
            if !missing.is_empty() {
                return out.error(format!(
                    "error: required flag(s) {} not set",
                    missing.join(", ")
                ));
            }
            let name = match one_name(&parsed, 1, "cronjob") {
                Ok(name) => name,
                Err(error) => return out.error(error),
            };
            let mut cron_job = generated_cron_job(
                &name,
                parsed.value("image").unwrap_or_default(),
                parsed.value("schedule").unwrap_or_default(),
                parsed.value("restart").unwrap_or("OnFailure"),
                &parsed.after_dash,
            );
            if client_dry_run {
                cron_job.metadata.namespace = parsed.value("namespace").map(str::to_string);
                return client_report(&cron_job.into_object(), None, out);
            }
            cron_job.metadata.namespace =
                Some(parsed.value("namespace").unwrap_or("default").to_string());
            match session.cluster.api.create(cron_job.into_object(), dry_run) {
                Ok(created) => report(&created, out),
                Err(error) => out.error(format!("error: failed to create cronjob: {error}")),
            }
        }
        Some("deployment" | "deploy") => {
            let Some(image) = parsed.value("image") else {
                return out.error("error: required flag(s) \"image\" not set");
            };
            let name = match one_name(&parsed, 1, "deployment") {
                Ok(name) => name,
                Err(error) => return out.error(error),
            };
            let replicas = match parsed.value("replicas").map(str::parse::<i32>) {
                None => 1,
                Some(Ok(replicas)) => replicas,
                Some(Err(_)) => return out.error(format!("error: invalid argument {:?} for \"-r, --replicas\" flag: strconv.ParseInt: parsing {:?}: invalid syntax", parsed.value("replicas").unwrap_or(""), parsed.value("replicas").unwrap_or(""))),
            };
            let port = parsed.value("port").and_then(|p| p.parse::<i32>().ok());
            let mut deployment =
                generated_deployment(&name, image, replicas, port, &parsed.after_dash);
            if client_dry_run {
                deployment.metadata.namespace = parsed.value("namespace").map(str::to_string);
                return client_report(&deployment.into_object(), None, out);
            }
            deployment.metadata.namespace =
                Some(parsed.value("namespace").unwrap_or("default").to_string());
            match session
                .cluster
                .api
                .create(deployment.into_object(), dry_run)
            {
                Ok(created) => report(&created, out),
                Err(error) => out.error(format!(
                    "error: failed to create deployment: {}",
                    error_text(&error)
                )),
            }
        }
        Some(other) => out.error(format!(
            "error: Unexpected args: [{other}]\nSee 'kubectl create -h' for help and examples"
        )),
    }
}

/// The one NAME after the subcommand words (`create configmap NAME`), or cobra's error
/// (`NameFromCommandArgs`).
fn one_name(parsed: &args::Parsed, words: usize, command: &str) -> Result<String, String> {
    let names = parsed.positional.get(words..).unwrap_or_default();
    match names {
        [name] => Ok(name.clone()),
        _ => Err(format!(
            "error: exactly one NAME is required, got {}\nSee 'kubectl create {command} -h' for help and examples",
            names.len()
        )),
    }
}

fn error_text(error: &kubeplay_model::ApiError) -> String {
    error.to_string()
}

/// What `kubectl create deployment NAME --image=IMAGE` sends.
/// `kubectl create job NAME --from=cronjob/CRONJOB`: the CronJob's job template, marked as a
/// manual run and owned by the CronJob.
fn create_job_from(
    name: &str,
    from: &str,
    namespace: &str,
    dry_run: bool,
    session: &mut Session,
    out: &mut Output,
) {
    let Some((kind, source)) = from.split_once('/') else {
        return out.error(format!(
            "error: from must be of the form <resource>/<name>, got {from:?}"
        ));
    };
    if kubeplay_model::Kind::resolve(kind) != Some(kubeplay_model::Kind::CronJob) {
        return out.error(format!(
            "error: from must be an existing cronjob: unknown object type {kind}"
        ));
    }
    let Some(Object::CronJob(cron_job)) = session
        .get(kubeplay_model::Kind::CronJob, namespace, source)
        .cloned()
    else {
        return out.error(errors::render(&kubeplay_model::ApiError::not_found(
            kubeplay_model::Kind::CronJob,
            source,
        )));
    };
    let mut job = kubeplay_sim::controllers::cronjob::job_from_template(
        &cron_job,
        name,
        session.now(),
        &jiff::tz::TimeZone::UTC,
    );
    let annotations = job
        .metadata
        .annotations
        .get_or_insert_with(Default::default);
    annotations.remove(kubeplay_model::keys::CRONJOB_SCHEDULED_TIMESTAMP);
    annotations.extend(kubeplay_sim::controllers::cronjob::manual_annotations());
    match session.cluster.api.create(job.into_object(), dry_run) {
        Ok(created) => out.line(format!("{} created", object::name(&created))),
        Err(error) => out.error(format!("error: failed to create job: {error}")),
    }
}

/// What `kubectl create cronjob NAME --image=IMAGE --schedule=… -- COMMAND…` sends
/// (`CreateCronJobOptions.createCronJob`): the job template named after the CronJob.
fn generated_cron_job(
    name: &str,
    image: &str,
    schedule: &str,
    restart: &str,
    command: &[String],
) -> k8s_openapi::api::batch::v1::CronJob {
    use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
    CronJob {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        spec: Some(CronJobSpec {
            schedule: schedule.into(),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta {
                    name: Some(name.into()),
                    ..ObjectMeta::default()
                }),
                spec: Some(JobSpec {
                    template: PodTemplateSpec {
                        metadata: Some(ObjectMeta::default()),
                        spec: Some(PodSpec {
                            containers: vec![Container {
                                name: name.into(),
                                image: Some(image.into()),
                                command: (!command.is_empty()).then(|| command.to_vec()),
                                ..Container::default()
                            }],
                            restart_policy: Some(restart.into()),
                            ..PodSpec::default()
                        }),
                    },
                    ..JobSpec::default()
                }),
            },
            ..CronJobSpec::default()
        }),
        status: None,
    }
}

/// What `kubectl create job NAME --image=IMAGE -- COMMAND…` sends.
fn generated_job(name: &str, image: &str, command: &[String]) -> k8s_openapi::api::batch::v1::Job {
    k8s_openapi::api::batch::v1::Job {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        spec: Some(k8s_openapi::api::batch::v1::JobSpec {
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta::default()),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: name.into(),
                        image: Some(image.into()),
                        command: (!command.is_empty()).then(|| command.to_vec()),
                        ..Container::default()
                    }],
                    restart_policy: Some("Never".into()),
                    ..PodSpec::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

fn generated_deployment(
    name: &str,
    image: &str,
    replicas: i32,
    port: Option<i32>,
    command: &[String],
) -> Deployment {
    let labels: BTreeMap<String, String> = [("app".to_string(), name.to_string())].into();
    let container_name = image
        .rsplit('/')
        .next()
        .unwrap_or(image)
        .split([':', '@'])
        .next()
        .unwrap_or(image)
        .to_string();
    Deployment {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        },
        spec: Some(DeploymentSpec {
            replicas: Some(replicas),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: container_name,
                        image: Some(image.into()),
                        command: (!command.is_empty()).then(|| command.to_vec()),
                        ports: port.map(|p| {
                            vec![ContainerPort {
                                container_port: p,
                                ..ContainerPort::default()
                            }]
                        }),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        status: None,
    }
}
