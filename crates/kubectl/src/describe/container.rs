//! The per-container block shared by pods and pod templates (`describeContainers`):
//! IDs, image, ports, command, state, resources, probes, environment and mounts.

use k8s_openapi::api::core::v1::{Container, ContainerState, ResourceRequirements};
use kubeplay_model::{ContainerStatus, Pod};

use super::common::{rfc, s};
use super::container_env::{describe_env_from, describe_env_vars};
use super::probe::describe_probe;
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter};
use kubeplay_model::quantity::canonical;

/// `space` is `""` for a pod and `"  "` inside a pod template (names then get one more space);
/// `pod` supplies statuses' owner for field references (`None` in templates).
pub(super) fn describe_containers(
    w: &mut PrefixWriter,
    label: &str,
    containers: &[Container],
    statuses: &[ContainerStatus],
    pod: Option<&Pod>,
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(LEVEL_0, format!("{space}{label}:{none}\n"));
    for container in containers {
        // Go keeps the last status of a given name.
        let status = statuses.iter().rev().find(|st| st.name == container.name);
        describe_basic_info(w, container, status, space);
        describe_command(w, container);
        if let Some(status) = status {
            describe_state(w, status);
        }
        describe_resources(w, container.resources.as_ref(), LEVEL_2);
        for (title, probe) in [
            ("Liveness", &container.liveness_probe),
            ("Readiness", &container.readiness_probe),
            ("Startup", &container.startup_probe),
        ] {
            if let Some(probe) = probe {
                w.write(LEVEL_2, format!("{title}:\t{}\n", describe_probe(probe)));
            }
        }
        describe_env_from(w, container);
        describe_env_vars(w, container, pod);
        describe_mounts(w, container);
    }
}

fn describe_basic_info(
    w: &mut PrefixWriter,
    container: &Container,
    status: Option<&ContainerStatus>,
    space: &str,
) {
    let name_indent = if space.is_empty() { "" } else { " " };
    w.write(LEVEL_1, format!("{name_indent}{}:\n", container.name));
    if let Some(status) = status {
        w.write(
            LEVEL_2,
            format!("Container ID:\t{}\n", s(&status.container_id)),
        );
    }
    w.write(LEVEL_2, format!("Image:\t{}\n", s(&container.image)));
    if let Some(status) = status {
        w.write(LEVEL_2, format!("Image ID:\t{}\n", status.image_id));
    }
    let ports = container.ports.as_deref().unwrap_or_default();
    let container_ports = ports
        .iter()
        .map(|p| format!("{}/{}", p.container_port, s(&p.protocol)))
        .collect::<Vec<_>>()
        .join(", ");
    let host_ports = ports
        .iter()
        .map(|p| format!("{}/{}", p.host_port.unwrap_or(0), s(&p.protocol)))
        .collect::<Vec<_>>()
        .join(", ");
    for (single, plural, value) in [
        ("Port", "Ports", container_ports),
        ("Host Port", "Host Ports", host_ports),
    ] {
        if value.contains(',') {
            w.write(LEVEL_2, format!("{plural}:\t{value}\n"));
        } else if value.is_empty() {
            w.write(LEVEL_2, format!("{single}:\t<none>\n"));
        } else {
            w.write(LEVEL_2, format!("{single}:\t{value}\n"));
        }
    }
    let seccomp = container
        .security_context
        .as_ref()
        .and_then(|sc| sc.seccomp_profile.as_ref());
    if let Some(profile) = seccomp {
        w.write(LEVEL_2, format!("SeccompProfile:\t{}\n", profile.type_));
        if profile.type_ == "Localhost" {
            w.write(
                LEVEL_3,
                format!("LocalhostProfile:\t{}\n", s(&profile.localhost_profile)),
            );
        }
    }
}

fn describe_command(w: &mut PrefixWriter, container: &Container) {
    for (title, items) in [("Command", &container.command), ("Args", &container.args)] {
        let items = items.as_deref().unwrap_or_default();
        if items.is_empty() {
            continue;
        }
        w.write(LEVEL_2, format!("{title}:\n"));
        for item in items {
            for line in item.split('\n') {
                w.write(LEVEL_3, format!("{line}\n"));
            }
        }
    }
}

/// `describeResources`: sorted `Limits:` and `Requests:` lists.
pub(super) fn describe_resources(
    w: &mut PrefixWriter,
    resources: Option<&ResourceRequirements>,
    level: usize,
) {
    let Some(resources) = resources else {
        return;
    };
    for (title, list) in [
        ("Limits", &resources.limits),
        ("Requests", &resources.requests),
    ] {
        let Some(list) = list.as_ref().filter(|l| !l.is_empty()) else {
            continue;
        };
        w.write(level, format!("{title}:\n"));
        for (name, quantity) in list {
            w.write(level + 1, format!("{name}:\t{}\n", canonical(quantity)));
        }
    }
}

/// `describeContainerState`: State, Last State (only after a termination), Ready, Restart Count.
fn describe_state(w: &mut PrefixWriter, status: &ContainerStatus) {
    let default_state = ContainerState::default();
    describe_status(
        w,
        "State",
        status.state.as_deref().unwrap_or(&default_state),
    );
    if let Some(last) = status
        .last_state
        .as_ref()
        .filter(|l| l.terminated.is_some())
    {
        describe_status(w, "Last State", last);
    }
    let ready = if status.ready { "True" } else { "False" };
    w.write(LEVEL_2, format!("Ready:\t{ready}\n"));
    w.write(
        LEVEL_2,
        format!("Restart Count:\t{}\n", status.restart_count),
    );
}

/// `describeStatus`.
fn describe_status(w: &mut PrefixWriter, title: &str, state: &ContainerState) {
    if let Some(running) = &state.running {
        w.write(LEVEL_2, format!("{title}:\tRunning\n"));
        w.write(
            LEVEL_3,
            format!("Started:\t{}\n", rfc(running.started_at.as_ref())),
        );
    } else if let Some(waiting) = &state.waiting {
        w.write(LEVEL_2, format!("{title}:\tWaiting\n"));
        if !s(&waiting.reason).is_empty() {
            w.write(LEVEL_3, format!("Reason:\t{}\n", s(&waiting.reason)));
        }
    } else if let Some(terminated) = &state.terminated {
        w.write(LEVEL_2, format!("{title}:\tTerminated\n"));
        if !s(&terminated.reason).is_empty() {
            w.write(LEVEL_3, format!("Reason:\t{}\n", s(&terminated.reason)));
        }
        if !s(&terminated.message).is_empty() {
            w.write(LEVEL_3, format!("Message:\t{}\n", s(&terminated.message)));
        }
        w.write(LEVEL_3, format!("Exit Code:\t{}\n", terminated.exit_code));
        if let Some(signal) = terminated.signal.filter(|&sig| sig > 0) {
            w.write(LEVEL_3, format!("Signal:\t{signal}\n"));
        }
        w.write(
            LEVEL_3,
            format!("Started:\t{}\n", rfc(terminated.started_at.as_ref())),
        );
        w.write(
            LEVEL_3,
            format!("Finished:\t{}\n", rfc(terminated.finished_at.as_ref())),
        );
    } else {
        w.write(LEVEL_2, format!("{title}:\tWaiting\n"));
    }
}

/// `describeContainerVolumes`: mounts sorted by path, then devices.
fn describe_mounts(w: &mut PrefixWriter, container: &Container) {
    let mut mounts: Vec<_> = container.volume_mounts.iter().flatten().collect();
    let none = if mounts.is_empty() { "\t<none>" } else { "" };
    w.write(LEVEL_2, format!("Mounts:{none}\n"));
    mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
    for mount in mounts {
        let mut flags = vec![
            if mount.read_only == Some(true) {
                "ro"
            } else {
                "rw"
            }
            .to_string(),
        ];
        let sub_path = s(&mount.sub_path);
        if !sub_path.is_empty() {
            flags.push(format!("path={sub_path:?}"));
        }
        w.write(
            LEVEL_3,
            format!(
                "{} from {} ({})\n",
                mount.mount_path,
                mount.name,
                flags.join(",")
            ),
        );
    }
    let mut devices: Vec<_> = container.volume_devices.iter().flatten().collect();
    if !devices.is_empty() {
        // Go reuses the mounts' `none` here.
        w.write(LEVEL_2, format!("Devices:{none}\n"));
        devices.sort_by(|a, b| a.device_path.cmp(&b.device_path));
        for device in devices {
            w.write(
                LEVEL_3,
                format!("{} from {}\n", device.device_path, device.name),
            );
        }
    }
}
