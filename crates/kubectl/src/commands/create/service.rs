//! `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME`
//! (`create_service.go`): ports from `--tcp=PORT[:TARGET]`, selector and label `app=NAME`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_model::{Object, Typed};

use crate::args::Parsed;

const SUBCOMMANDS: &str = "Create a service using a specified subcommand.\n\nAliases:\nservice, svc\n\nAvailable Commands:\n  clusterip      Create a ClusterIP service\n  externalname   Create an ExternalName service\n  loadbalancer   Create a LoadBalancer service\n  nodeport       Create a NodePort service\n\nUsage:\n  kubectl create service [flags] [options]\n\nUse \"kubectl create service <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).";

/// The Service to send and the words of kubectl's failure message (`ClusterIP service`).
pub fn generate(parsed: &Parsed) -> Result<(Object, String), String> {
    let kind = parsed.positional.get(1).map(String::as_str);
    let service_type = match kind {
        Some("clusterip") => "ClusterIP",
        Some("nodeport") => "NodePort",
        Some("loadbalancer") => "LoadBalancer",
        Some("externalname") => "ExternalName",
        _ => return Err(SUBCOMMANDS.into()),
    };
    let subcommand = kind.unwrap_or_default();
    if service_type == "ExternalName" && !parsed.has("external-name") {
        return Err("error: required flag(s) \"external-name\" not set".into());
    }
    let names = &parsed.positional[2..];
    if names.len() != 1 {
        return Err(format!(
            "error: exactly one NAME is required, got {}\nSee 'kubectl create service {subcommand} -h' for help and examples",
            names.len()
        ));
    }
    let name = &names[0];
    let cluster_ip = parsed.value("clusterip").map(str::to_string);
    let tcp = parsed.values("tcp");
    let tcp: Vec<String> = tcp
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::to_string)
        .collect();
    if tcp.is_empty() && service_type != "ExternalName" && cluster_ip.as_deref() != Some("None") {
        return Err("error: at least one tcp port specifier must be provided".into());
    }
    let node_port = match parsed.value("node-port") {
        None => None,
        Some(text) => Some(text.parse::<i32>().map_err(|_| {
            format!("error: invalid argument {text:?} for \"--node-port\" flag: strconv.ParseInt: parsing {text:?}: invalid syntax")
        })?),
    };
    let mut ports = Vec::new();
    for spec in &tcp {
        let (port, target) = match spec.split_once(':') {
            Some((port, target)) => (port, Some(target)),
            None => (spec.as_str(), None),
        };
        let port = port
            .parse::<u16>()
            .map_err(|_| format!("error: strconv.ParseUint: parsing {port:?}: invalid syntax"))?;
        let target_port = match target {
            Some(target) => match target.parse::<i32>() {
                Ok(number) => IntOrString::Int(number),
                Err(_) => IntOrString::String(target.to_string()),
            },
            None => IntOrString::Int(i32::from(port)),
        };
        ports.push(ServicePort {
            name: Some(spec.replace(':', "-")),
            port: i32::from(port),
            target_port: Some(target_port),
            protocol: Some("TCP".into()),
            node_port: node_port.filter(|n| *n > 0),
            ..ServicePort::default()
        });
    }
    let labels: BTreeMap<String, String> = [("app".to_string(), name.clone())].into();
    let service = Service {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        },
        spec: Some(ServiceSpec {
            type_: Some(service_type.into()),
            selector: Some(labels),
            ports: (!ports.is_empty()).then_some(ports),
            cluster_ip,
            external_name: parsed.value("external-name").map(str::to_string),
            ..ServiceSpec::default()
        }),
        status: None,
    };
    Ok((service.into_object(), format!("{service_type} service:")))
}
