//! Bad input over HTTP to `kubeplay serve`: each request gets the API server's status code
//! and Status, the server keeps serving, and nothing is half-applied.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

mod common;
use common::{Served, serve};

const JSON: &str = "application/json";
const CONFIGMAPS: &str = "/api/v1/namespaces/default/configmaps";

fn config_map(name: &str, value: &str) -> String {
    format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}"}},"data":{{"k":"{value}"}}}}"#
    )
}

/// The ConfigMaps of the default namespace, by name and `data.k`.
fn config_maps(served: &Served) -> Vec<(String, String)> {
    let list = served.request("GET", CONFIGMAPS, JSON, b"").json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let name = item["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            (
                name,
                item["data"]["k"].as_str().unwrap_or_default().to_string(),
            )
        })
        .filter(|(name, _)| name != "kube-root-ca.crt")
        .collect()
}

fn expect_status(answer: &common::Answer, code: u16, reason: &str, message: &str) {
    assert_eq!(answer.code, code, "{}", answer.body);
    let status = answer.json();
    assert_eq!(status["kind"], "Status", "{status}");
    assert_eq!(status["status"], "Failure", "{status}");
    assert_eq!(status["code"], code, "{status}");
    assert_eq!(status["reason"], reason, "{status}");
    let text = status["message"].as_str().unwrap_or_default();
    assert!(
        text.starts_with(message),
        "message {text:?} should start with {message:?}"
    );
}

#[test]
fn bad_requests_get_the_api_servers_answers_and_change_nothing() {
    let served = serve("bad-input", &[]);
    let created = served.request("POST", CONFIGMAPS, JSON, config_map("kept", "1").as_bytes());
    assert_eq!(created.code, 201, "{}", created.body);
    let version = created.json()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();

    let malformed = served.request("POST", CONFIGMAPS, JSON, b"{\"apiVersion\": ");
    expect_status(
        &malformed,
        400,
        "BadRequest",
        "couldn't get version/kind; json parse error",
    );
    let bad_yaml = served.request(
        "POST",
        CONFIGMAPS,
        "application/yaml",
        b"kind: ConfigMap\n  bad: [indent\n",
    );
    expect_status(&bad_yaml, 400, "BadRequest", "yaml: line");
    let protobuf = "application/vnd.kubernetes.protobuf";
    let garbage = served.request("POST", CONFIGMAPS, protobuf, b"k8s\0garbage");
    expect_status(
        &garbage,
        400,
        "BadRequest",
        "the object provided is unrecognized (must be of type ConfigMap): proto: illegal wireType 7 (6b38730067617262616765)",
    );
    let json_as_protobuf = served.request(
        "POST",
        CONFIGMAPS,
        protobuf,
        config_map("x", "1").as_bytes(),
    );
    expect_status(
        &json_as_protobuf,
        400,
        "BadRequest",
        "the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({\"apiVersion\":\"v1\",\"kind\":\"Con ...)",
    );
    // An envelope {typeMeta: {v1, ConfigMap}, raw} whose raw ends inside metadata.name.
    let truncated = b"k8s\0\x0a\x0f\x0a\x02v1\x12\x09ConfigMap\x12\x04\x0a\x05\x0a\x03";
    expect_status(
        &served.request("POST", CONFIGMAPS, protobuf, truncated),
        400,
        "BadRequest",
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: unexpected EOF",
    );
    let wrong_kind = served.request(
        "POST",
        CONFIGMAPS,
        JSON,
        br#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}"#,
    );
    assert_eq!(wrong_kind.code, 400, "{}", wrong_kind.body);

    let unknown_resource = served.request("GET", "/api/v1/widgets", JSON, b"");
    expect_status(
        &unknown_resource,
        404,
        "NotFound",
        "the server could not find the requested resource",
    );
    let unknown_path = served.request("GET", "/nonsense", JSON, b"");
    assert_eq!(
        (unknown_path.code, unknown_path.body.as_str()),
        (404, "404 page not found\n")
    );
    let unknown_verb = served.request("PUT", CONFIGMAPS, JSON, config_map("x", "1").as_bytes());
    expect_status(
        &unknown_verb,
        405,
        "MethodNotAllowed",
        "the server does not allow this method",
    );
    let missing = served.request("GET", &format!("{CONFIGMAPS}/nope"), JSON, b"");
    expect_status(&missing, 404, "NotFound", "configmaps \"nope\" not found");
    assert_eq!(
        missing.json()["details"],
        serde_json::json!({"name": "nope", "kind": "configmaps"})
    );

    let huge = config_map("huge", &"x".repeat(3 * 1024 * 1024));
    let too_large = served.request("POST", CONFIGMAPS, JSON, huge.as_bytes());
    expect_status(
        &too_large,
        413,
        "RequestEntityTooLarge",
        "Request entity too large: limit is 3145728",
    );

    let twice = served.request("POST", CONFIGMAPS, JSON, config_map("kept", "2").as_bytes());
    expect_status(
        &twice,
        409,
        "AlreadyExists",
        "configmaps \"kept\" already exists",
    );
    let invalid = served.request(
        "POST",
        CONFIGMAPS,
        JSON,
        config_map("Not_Valid", "1").as_bytes(),
    );
    expect_status(
        &invalid,
        422,
        "Invalid",
        "ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value: \"Not_Valid\"",
    );
    assert_eq!(
        invalid.json()["details"]["causes"][0]["field"],
        "metadata.name"
    );

    // A write from a stale copy: 409 with the real message, nothing written.
    let kept = format!("{CONFIGMAPS}/kept");
    let updated = served.request("PUT", &kept, JSON, config_map("kept", "2").as_bytes());
    assert_eq!(updated.code, 200, "{}", updated.body);
    let stale = config_map("kept", "3").replace(
        r#""name":"kept""#,
        &format!(r#""name":"kept","resourceVersion":"{version}""#),
    );
    let conflict = served.request("PUT", &kept, JSON, stale.as_bytes());
    expect_status(
        &conflict,
        409,
        "Conflict",
        "Operation cannot be fulfilled on configmaps \"kept\": the object has been modified; please apply your changes to the latest version and try again",
    );

    // Patches: malformed, unsupported, not applicable, invalid result.
    let smp = "application/strategic-merge-patch+json";
    expect_status(
        &served.request("PATCH", &kept, smp, b"{not json"),
        400,
        "BadRequest",
        "error decoding patch",
    );
    expect_status(
        &served.request("PATCH", &kept, "text/plain", b"{}"),
        415,
        "UnsupportedMediaType",
        "the body of the request",
    );
    let json_patch = br#"[{"op":"replace","path":"/data/k","value":"4"},{"op":"remove","path":"/data/missing"}]"#;
    let unprocessable = served.request("PATCH", &kept, "application/json-patch+json", json_patch);
    expect_status(
        &unprocessable,
        422,
        "Invalid",
        "the server rejected our request due to an error in our request",
    );
    let bad_name = served.request(
        "PATCH",
        &kept,
        "application/merge-patch+json",
        br#"{"metadata":{"labels":{"a":"-bad-"}}}"#,
    );
    expect_status(
        &bad_name,
        422,
        "Invalid",
        "ConfigMap \"kept\" is invalid: metadata.labels: Invalid value: \"-bad-\"",
    );
    let bad_directive = served.request("PATCH", &kept, smp, br#"{"data":{"$patch":"explode"}}"#);
    expect_status(&bad_directive, 400, "BadRequest", "Unknown patch type");

    // A watch whose client goes away mid-stream, and one from an impossible version.
    let mut watcher = TcpStream::connect(&served.address).unwrap();
    write!(
        watcher,
        "GET {CONFIGMAPS}?watch=true HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    .unwrap();
    watcher
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut first = [0u8; 64];
    assert!(watcher.read(&mut first).unwrap() > 0);
    drop(watcher);
    let bad_version = served.request(
        "GET",
        &format!("{CONFIGMAPS}?watch=true&resourceVersion=abc"),
        JSON,
        b"",
    );
    expect_status(&bad_version, 400, "BadRequest", "invalid resource version");

    // Still serving, and only the successful writes happened.
    let version_info = served.request("GET", "/version", JSON, b"");
    assert_eq!(version_info.json()["gitVersion"], "v1.33.1");
    assert_eq!(
        config_maps(&served),
        vec![("kept".to_string(), "2".to_string())]
    );
}
