//! `kubectl describe configmap` (`ConfigMapDescriber`) and `describe secret`
//! (`describeSecret`): keys in sorted order (Go ranges over the maps in random order).
//! A Secret's values are never shown, only their sizes.

use k8s_openapi::api::core::v1::{ConfigMap, Secret};

use super::DescribeContext;
use super::common::{s, write_labels_and_annotations};
use super::events::describe_events;
use super::writer::{LEVEL_0, PrefixWriter};

pub fn describe_config_map(config_map: &ConfigMap, ctx: &DescribeContext<'_>) -> String {
    let mut w = PrefixWriter::new();
    let meta = &config_map.metadata;
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    write_labels_and_annotations(&mut w, meta);
    w.write(LEVEL_0, "\nData\n====\n");
    for (key, value) in config_map.data.iter().flatten() {
        w.write(LEVEL_0, format!("{key}:\n----\n"));
        w.write(LEVEL_0, format!("{value}\n"));
        w.write(LEVEL_0, "\n");
    }
    w.write(LEVEL_0, "\nBinaryData\n====\n");
    for (key, value) in config_map.binary_data.iter().flatten() {
        w.write(LEVEL_0, format!("{key}: {} bytes\n", value.0.len()));
    }
    w.write(LEVEL_0, "\n");
    describe_events(&mut w, ctx);
    w.finish()
}

pub fn describe_secret(secret: &Secret) -> String {
    let mut w = PrefixWriter::new();
    let meta = &secret.metadata;
    w.write(LEVEL_0, format!("Name:\t{}\n", s(&meta.name)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", s(&meta.namespace)));
    write_labels_and_annotations(&mut w, meta);
    w.write(LEVEL_0, format!("\nType:\t{}\n", s(&secret.type_)));
    w.write(LEVEL_0, "\nData\n====\n");
    let token_secret = secret.type_.as_deref() == Some("kubernetes.io/service-account-token");
    for (key, value) in secret.data.iter().flatten() {
        if token_secret && key == "token" {
            w.write(
                LEVEL_0,
                format!("{key}:\t{}\n", String::from_utf8_lossy(&value.0)),
            );
        } else {
            w.write(LEVEL_0, format!("{key}:\t{} bytes\n", value.0.len()));
        }
    }
    w.finish()
}
