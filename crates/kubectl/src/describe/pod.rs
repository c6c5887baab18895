//! `kubectl describe pod` (`describePod`).

use k8s_openapi::api::core::v1::{Container, EphemeralContainer};
use kubeplay_model::Pod;

use super::DescribeContext;
use super::common::{controlled_by, rfc, s, write_labels_and_annotations};
use super::container::{describe_containers, describe_resources};
use super::events::describe_events;
use super::qos::pod_qos;
use super::topology::describe_topology_spread_constraints;
use super::volumes::describe_volumes;
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::text::labels::{labels_multiline, tolerations_multiline};
use crate::text::time::since;

pub fn describe_pod(pod: &Pod, ctx: &DescribeContext<'_>) -> String {
    let mut w = PrefixWriter::new();
    let meta = &pod.metadata;
    let default_spec = Default::default();
    let spec = pod.spec.as_ref().unwrap_or(&default_spec);
    let default_status = Default::default();
    let status = pod.status.as_ref().unwrap_or(&default_status);

    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    if let Some(priority) = spec.priority {
        w.write(LEVEL_0, format!("Priority:\t{priority}\n"));
    }
    if !s(&spec.priority_class_name).is_empty() {
        w.write(
            LEVEL_0,
            format!("Priority Class Name:\t{}\n", s(&spec.priority_class_name)),
        );
    }
    if !s(&spec.runtime_class_name).is_empty() {
        w.write(
            LEVEL_0,
            format!("Runtime Class Name:\t{}\n", s(&spec.runtime_class_name)),
        );
    }
    if !s(&spec.service_account_name).is_empty() {
        w.write(
            LEVEL_0,
            format!("Service Account:\t{}\n", s(&spec.service_account_name)),
        );
    }
    match s(&spec.node_name) {
        "" => w.write(LEVEL_0, "Node:\t<none>\n"),
        node => w.write(LEVEL_0, format!("Node:\t{node}/{}\n", s(&status.host_ip))),
    }
    if let Some(start) = &status.start_time {
        w.write(LEVEL_0, format!("Start Time:\t{}\n", rfc(Some(start))));
    }
    write_labels_and_annotations(&mut w, meta);
    let phase = s(&status.phase);
    match &meta.deletion_timestamp {
        Some(deleted) if phase != "Failed" && phase != "Succeeded" => {
            w.write(
                LEVEL_0,
                format!(
                    "Status:\tTerminating (lasts {})\n",
                    since(ctx.now, Some(deleted.0))
                ),
            );
            w.write(
                LEVEL_0,
                format!(
                    "Termination Grace Period:\t{}s\n",
                    meta.deletion_grace_period_seconds.unwrap_or(0)
                ),
            );
        }
        _ => w.write(LEVEL_0, format!("Status:\t{phase}\n")),
    }
    if !s(&status.reason).is_empty() {
        w.write(LEVEL_0, format!("Reason:\t{}\n", s(&status.reason)));
    }
    if !s(&status.message).is_empty() {
        w.write(LEVEL_0, format!("Message:\t{}\n", s(&status.message)));
    }
    let seccomp = spec
        .security_context
        .as_ref()
        .and_then(|sc| sc.seccomp_profile.as_ref());
    if let Some(profile) = seccomp {
        w.write(LEVEL_0, format!("SeccompProfile:\t{}\n", profile.type_));
        if profile.type_ == "Localhost" {
            w.write(
                LEVEL_0,
                format!("LocalhostProfile:\t{}\n", s(&profile.localhost_profile)),
            );
        }
    }
    w.write(LEVEL_0, format!("IP:\t{}\n", s(&status.pod_ip)));
    let pod_ips = status.pod_ips.as_deref().unwrap_or_default();
    if pod_ips.is_empty() {
        w.write(LEVEL_0, "IPs:\t<none>\n");
    } else {
        w.write(LEVEL_0, "IPs:\n");
        for ip in pod_ips {
            w.write(LEVEL_1, format!("IP:\t{}\n", ip.ip));
        }
    }
    if let Some(controller) = controlled_by(meta) {
        w.write(LEVEL_0, format!("Controlled By:\t{controller}\n"));
    }
    if !s(&status.nominated_node_name).is_empty() {
        w.write(
            LEVEL_0,
            format!("NominatedNodeName:\t{}\n", s(&status.nominated_node_name)),
        );
    }
    if let Some(resources) = &spec.resources {
        w.write(LEVEL_0, "Resources:\n");
        describe_resources(&mut w, Some(resources), LEVEL_1);
    }

    let init_containers = spec.init_containers.as_deref().unwrap_or_default();
    if !init_containers.is_empty() {
        let statuses = status
            .init_container_statuses
            .as_deref()
            .unwrap_or_default();
        describe_containers(
            &mut w,
            "Init Containers",
            init_containers,
            statuses,
            Some(pod),
            "",
        );
    }
    let statuses = status.container_statuses.as_deref().unwrap_or_default();
    describe_containers(
        &mut w,
        "Containers",
        &spec.containers,
        statuses,
        Some(pod),
        "",
    );
    let ephemeral = spec.ephemeral_containers.as_deref().unwrap_or_default();
    if !ephemeral.is_empty() {
        let containers: Vec<Container> = ephemeral.iter().map(as_container).collect();
        let statuses = status
            .ephemeral_container_statuses
            .as_deref()
            .unwrap_or_default();
        describe_containers(
            &mut w,
            "Ephemeral Containers",
            &containers,
            statuses,
            Some(pod),
            "",
        );
    }

    let conditions = status.conditions();
    let gates = spec.readiness_gates.as_deref().unwrap_or_default();
    if !gates.is_empty() {
        w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n");
        for gate in gates {
            let value = conditions
                .iter()
                .find(|c| c.type_ == gate.condition_type)
                .map_or("<none>", |c| c.status.as_str());
            w.write(LEVEL_1, format!("{} \t{value} \n", gate.condition_type));
        }
    }
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n");
        for c in conditions {
            // The trailing space after each value is kubectl's (`"%v \t%v \n"`).
            w.write(LEVEL_1, format!("{} \t{} \n", c.type_, c.status));
        }
    }
    describe_volumes(&mut w, spec.volumes.as_deref().unwrap_or_default(), "");
    w.write(LEVEL_0, format!("QoS Class:\t{}\n", pod_qos(pod)));
    w.write(
        LEVEL_0,
        labels_multiline("", "Node-Selectors", spec.node_selector.as_ref()),
    );
    w.write(
        LEVEL_0,
        tolerations_multiline(
            "Tolerations",
            spec.tolerations.as_deref().unwrap_or_default(),
        ),
    );
    describe_topology_spread_constraints(
        &mut w,
        spec.topology_spread_constraints
            .as_deref()
            .unwrap_or_default(),
        "",
    );
    describe_events(&mut w, ctx);
    w.finish()
}

/// `corev1.Container(EphemeralContainerCommon)`: the fields describe reads.
fn as_container(ec: &EphemeralContainer) -> Container {
    Container {
        name: ec.name.clone(),
        image: ec.image.clone(),
        command: ec.command.clone(),
        args: ec.args.clone(),
        env: ec.env.clone(),
        env_from: ec.env_from.clone(),
        ports: ec.ports.clone(),
        resources: ec.resources.clone(),
        liveness_probe: ec.liveness_probe.clone(),
        readiness_probe: ec.readiness_probe.clone(),
        startup_probe: ec.startup_probe.clone(),
        security_context: ec.security_context.clone(),
        volume_mounts: ec.volume_mounts.clone(),
        volume_devices: ec.volume_devices.clone(),
        ..Default::default()
    }
}
