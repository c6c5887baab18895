//! `kubectl create secret generic|docker-registry|tls NAME` (`create_secret.go`,
//! `create_secret_docker.go`, `create_secret_tls.go`).

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::{Object, Typed};

use super::sources;
use crate::args::Parsed;
use crate::session::Session;

const SUBCOMMANDS: &str = "Create a secret with specified type.\n\n A docker-registry type secret is for accessing a container registry.\n\n A generic type secret indicate an Opaque secret type.\n\n A tls type secret holds TLS certificate and its associated key.\n\nAvailable Commands:\n  docker-registry   Create a secret for use with a Docker registry\n  generic           Create a secret from a local file, directory, or literal value\n  tls               Create a TLS secret\n\nUsage:\n  kubectl create secret (docker-registry | generic | tls) [options]\n\nUse \"kubectl create secret <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).";

/// The Secret to send and the words of kubectl's failure message (`secret`, no colon).
pub fn generate(parsed: &Parsed, session: &Session) -> Result<(Object, String), String> {
    let subcommand = parsed.positional.get(1).map(String::as_str);
    let (name, type_, data) = match subcommand {
        Some("generic") => {
            let name = super::one_name(parsed, 2, "secret generic")?;
            let data = sources::collect(parsed, session, &format!("Secret {name:?}"))?;
            (name, parsed.value("type").map(str::to_string), data)
        }
        Some("docker-registry") => {
            let name = super::one_name(parsed, 2, "secret docker-registry")?;
            (
                name,
                Some("kubernetes.io/dockerconfigjson".into()),
                docker_config(parsed)?,
            )
        }
        Some("tls") => {
            let name = super::one_name(parsed, 2, "secret tls")?;
            (
                name,
                Some("kubernetes.io/tls".into()),
                tls(parsed, session)?,
            )
        }
        _ => return Err(SUBCOMMANDS.into()),
    };
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(name),
            ..ObjectMeta::default()
        },
        type_,
        data: (!data.is_empty()).then(|| {
            data.into_iter()
                .map(|(k, v)| (k, ByteString(v.into_bytes())))
                .collect()
        }),
        ..Secret::default()
    };
    Ok((secret.into_object(), "secret".into()))
}

/// `.dockerconfigjson` as kubectl writes it: `{"auths":{SERVER:{username,password,email,auth}}}`.
fn docker_config(parsed: &Parsed) -> Result<BTreeMap<String, String>, String> {
    let (Some(username), Some(password)) = (
        parsed.value("docker-username"),
        parsed.value("docker-password"),
    ) else {
        return Err("error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required".into());
    };
    let server = parsed
        .value("docker-server")
        .unwrap_or("https://index.docker.io/v1/");
    // ByteString serializes as standard base64, as `auth` is written.
    let auth = serde_json::to_value(ByteString(format!("{username}:{password}").into_bytes()))
        .unwrap_or_default();
    let mut entry = serde_json::Map::new();
    entry.insert("username".into(), username.into());
    entry.insert("password".into(), password.into());
    if let Some(email) = parsed.value("docker-email").filter(|e| !e.is_empty()) {
        entry.insert("email".into(), email.into());
    }
    entry.insert("auth".into(), auth);
    // Go marshals the struct in field order, which `preserve_order`-free serde_json
    // would sort; write it by hand.
    let fields: Vec<String> = ["username", "password", "email", "auth"]
        .iter()
        .filter_map(|key| {
            entry
                .get(*key)
                .map(|value| format!("{}:{}", serde_json::Value::from(*key), value))
        })
        .collect();
    let json = format!(
        "{{\"auths\":{{{}:{{{}}}}}}}",
        serde_json::Value::from(server),
        fields.join(",")
    );
    Ok([(".dockerconfigjson".to_string(), json)].into())
}

/// `tls.crt` and `tls.key` from `--cert` and `--key`, which must hold PEM data.
fn tls(parsed: &Parsed, session: &Session) -> Result<BTreeMap<String, String>, String> {
    let (Some(cert), Some(key)) = (parsed.value("cert"), parsed.value("key")) else {
        return Err("error: key and cert must be specified".into());
    };
    let read = |path: &str| {
        session.read_file(path).ok_or_else(|| {
            format!("error: Cannot read file {path}, open {path}: no such file or directory")
        })
    };
    let (cert_text, key_text) = (read(cert)?, read(key)?);
    if !cert_text.contains("-----BEGIN ") {
        return Err("error: tls: failed to find any PEM data in certificate input".into());
    }
    if !key_text.contains("-----BEGIN ") {
        return Err("error: tls: failed to find any PEM data in key input".into());
    }
    Ok([
        ("tls.crt".to_string(), cert_text),
        ("tls.key".to_string(), key_text),
    ]
    .into())
}
