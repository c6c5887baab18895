//! `kubectl autoscale (-f FILE | TYPE NAME) --max=N [--min=N] [--cpu-percent=N] [--name=N]`
//! (`autoscale.go` v1.33): an autoscaling/v2 HorizontalPodAutoscaler for a Deployment,
//! ReplicaSet, ReplicationController or StatefulSet, targeting CPU utilization when
//! `--cpu-percent` is given (the API server defaults 80% otherwise).

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::{Kind, Typed};

use super::report::{DryRun, Report};
use crate::args::{self, Flag, boolean, value};
use crate::errors;
use crate::output::Output;
use crate::resources;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("min", None),
    value("max", None),
    value("cpu-percent", None),
    value("name", None),
    value("output", Some('o')),
    value("template", None),
    value("dry-run", None),
    boolean("save-config", None),
    value("field-manager", None),
];

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "autoscale") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let number = |flag: &str| -> Result<i32, String> {
        match parsed.value(flag) {
            None => Ok(-1),
            Some(text) => text.parse::<i32>().map_err(|_| {
                format!("error: invalid argument {text:?} for \"--{flag}\" flag: strconv.ParseInt: parsing {text:?}: invalid syntax\nSee 'kubectl autoscale --help' for usage.")
            }),
        }
    };
    let (min, max, cpu) = match (number("min"), number("max"), number("cpu-percent")) {
        (Ok(min), Ok(max), Ok(cpu)) => (min, max, cpu),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return out.error(e),
    };
    if !parsed.has("max") {
        return out.error("error: required flag(s) \"max\" not set");
    }
    if max < 1 {
        return out.error(format!(
            "error: --max=MAXPODS is required and must be at least 1, max: {max}"
        ));
    }
    if max < min {
        return out.error(format!(
            "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        ));
    }
    let report = match Report::from_flags(&parsed, session) {
        Ok(report) => report,
        Err(error) => return out.error(error),
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let keys = match resources::keys(&parsed, stdin, &namespace, session) {
        Ok(keys) => keys,
        Err(error) => return out.error(error),
    };
    if keys.is_empty() {
        return out.error("error: no objects passed to autoscale");
    }
    for key in keys {
        if session.cluster.api.store.get(&key).is_none() {
            out.error(errors::render(&kubeplay_model::ApiError::not_found(
                key.kind, &key.name,
            )));
            continue;
        }
        if !matches!(
            key.kind,
            Kind::Deployment | Kind::ReplicaSet | Kind::ReplicationController | Kind::StatefulSet
        ) {
            let group = key.kind.group();
            return out.error(format!(
                "error: cannot autoscale a {}: could not find scale subresource for {group}/{}, Resource={} in discovery information",
                key.kind.name(),
                key.kind.info().version,
                key.kind.plural()
            ));
        }
        let hpa = HorizontalPodAutoscaler {
            metadata: ObjectMeta {
                name: Some(parsed.value("name").unwrap_or(&key.name).to_string()),
                namespace: parsed.value("namespace").map(str::to_string),
                ..ObjectMeta::default()
            },
            spec: Some(HorizontalPodAutoscalerSpec {
                scale_target_ref: CrossVersionObjectReference {
                    api_version: Some(key.kind.api_version()),
                    kind: key.kind.name().to_string(),
                    name: key.name.clone(),
                },
                max_replicas: max,
                min_replicas: (min > 0).then_some(min),
                metrics: (cpu >= 0).then(|| {
                    vec![MetricSpec {
                        type_: "Resource".into(),
                        resource: Some(ResourceMetricSource {
                            name: "cpu".into(),
                            target: MetricTarget {
                                type_: "Utilization".into(),
                                average_utilization: Some(cpu),
                                ..MetricTarget::default()
                            },
                        }),
                        ..MetricSpec::default()
                    }]
                }),
                ..HorizontalPodAutoscalerSpec::default()
            }),
            status: None,
        };
        let mut hpa = hpa.into_object();
        if report.dry_run == DryRun::Client {
            report.print(&hpa, "created", out);
            continue;
        }
        hpa.meta_mut().namespace = Some(key.namespace.clone());
        match session
            .cluster
            .api
            .create(hpa, report.dry_run.server_side())
        {
            Ok(created) => report.print(&created, "autoscaled", out),
            Err(error) => out.error(errors::render(&error)),
        }
        session.cluster.settle();
    }
}
