//! The real kubectl v1.33 against `kubeplay serve --clock manual`: `exec` over WebSocket
//! (`v5.channel.k8s.io`) with its outputs, exit codes, stdin and errors, and server-side
//! apply with its conflicts, `--force-conflicts` and `managedFields`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

mod common;
use common::{Served, serve};

fn real_kubectl() -> PathBuf {
    if let Ok(path) = std::env::var("KUBECTL_1_33") {
        return PathBuf::from(path);
    }
    [
        "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
        "/usr/local/bin/kubectl.1.33",
        "/usr/bin/kubectl.1.33",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|path| path.exists())
    .expect("real kubectl v1.33 not found; set KUBECTL_1_33")
}

/// Runs the real kubectl with `stdin`: (stdout, stderr, exit code).
fn kubectl(served: &Served, args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(real_kubectl())
        .arg("--kubeconfig")
        .arg(served.dir.join("kubeconfig"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let output = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
        output.status.code().unwrap_or(-1),
    )
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
      - name: tools
        image: busybox:1.36
        command: [sleep, '3600']
";

fn running_deployment(name: &str) -> Served {
    let served = serve(name, &[]);
    let (_, err, code) = kubectl(&served, &["apply", "-f", "-"], DEPLOYMENT);
    assert_eq!(code, 0, "{err}");
    served.post("/kubeplay/v1/advance?seconds=60");
    served
}

#[test]
fn exec_runs_the_page_s_commands_over_websocket() {
    let served = running_deployment("exec");
    let (pods, _, _) = kubectl(&served, &["get", "pods", "-o", "name"], "");
    let pod = pods
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("pod/")
        .to_string();

    let (out, err, code) = kubectl(
        &served,
        &["exec", &pod, "-c", "web", "--", "cat", "/etc/hostname"],
        "",
    );
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (format!("{pod}\n").as_str(), "", 0)
    );

    // The first container is the default, announced as kubectl does.
    let (out, err, code) = kubectl(&served, &["exec", "deployment/web", "--", "hostname"], "");
    assert_eq!(out, format!("{pod}\n"));
    assert_eq!(err, "Defaulted container \"web\" out of: web, tools\n");
    assert_eq!(code, 0);

    let script = "echo out; echo err >&2; exit 3";
    let (out, err, code) = kubectl(
        &served,
        &["exec", &pod, "-c", "tools", "--", "sh", "-c", script],
        "",
    );
    assert_eq!(out, "out\n");
    assert_eq!(err, "err\ncommand terminated with exit code 3\n");
    assert_eq!(code, 3);

    // stdin with -i; a lone shell reads its script from it.
    let (out, _, code) = kubectl(
        &served,
        &["exec", "-i", &pod, "-c", "tools", "--", "wc", "-l"],
        "a\nb\nc\n",
    );
    assert_eq!((out.trim(), code), ("3", 0));
    let (out, _, code) = kubectl(
        &served,
        &["exec", "-i", &pod, "-c", "tools", "--", "sh"],
        "echo from stdin\n",
    );
    assert_eq!((out.as_str(), code), ("from stdin\n", 0));

    let (_, err, code) = kubectl(&served, &["exec", &pod, "-c", "nope", "--", "ls"], "");
    assert_eq!(
        err,
        format!("Error from server (BadRequest): container nope is not valid for pod {pod}\n")
    );
    assert_eq!(code, 1);
    let (_, err, _) = kubectl(&served, &["exec", &pod, "-c", "tools", "--", "nosuch"], "");
    assert!(err.starts_with("error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec"), "{err}");
    assert!(
        err.ends_with("exec: \"nosuch\": executable file not found in $PATH: unknown\n"),
        "{err}"
    );
    let (_, err, _) = kubectl(&served, &["exec", "ghost", "--", "ls"], "");
    assert_eq!(
        err,
        "Error from server (NotFound): pods \"ghost\" not found\n"
    );
}

#[test]
fn exec_into_a_pod_that_is_not_running() {
    let served = serve("exec-pending", &[]);
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    resources: {requests: {cpu: '500'}}\n";
    kubectl(&served, &["apply", "-f", "-"], pod);
    served.post("/kubeplay/v1/advance?seconds=5");
    let (_, err, code) = kubectl(&served, &["exec", "big", "--", "ls"], "");
    assert_eq!(
        err,
        "Error from server (BadRequest): pod big does not have a host assigned\n"
    );
    assert_eq!(code, 1);
}

#[test]
fn server_side_apply_owns_fields_and_conflicts_as_the_api_server_does() {
    let served = running_deployment("apply");
    let scaled = DEPLOYMENT.replace("replicas: 2", "replicas: 3");
    let (_, err, code) = kubectl(&served, &["apply", "--server-side", "-f", "-"], &scaled);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas\nPlease review the fields above"), "{err}");
    let (out, err, code) = kubectl(
        &served,
        &["apply", "--server-side", "--force-conflicts", "-f", "-"],
        &scaled,
    );
    assert_eq!(
        (out.as_str(), code),
        ("deployment.apps/web serverside-applied\n", 0),
        "{err}"
    );
    let (out, _, _) = kubectl(
        &served,
        &["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"],
        "",
    );
    assert_eq!(out, "3");

    // A new object, applied by a named manager, owns exactly what it applied.
    let config =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n";
    let (out, err, _) = kubectl(
        &served,
        &["apply", "--server-side", "--field-manager=ci", "-f", "-"],
        config,
    );
    assert_eq!(out, "configmap/settings serverside-applied\n", "{err}");
    let (out, _, _) = kubectl(
        &served,
        &[
            "get",
            "cm",
            "settings",
            "-o",
            "yaml",
            "--show-managed-fields",
        ],
        "",
    );
    assert!(out.contains("  managedFields:\n  - apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n      f:data:\n        f:mode: {}\n    manager: ci\n    operation: Apply\n    time: \"2025-06-02T10:"), "{out}");
    let (out, _, _) = kubectl(&served, &["get", "cm", "settings", "-o", "yaml"], "");
    assert!(!out.contains("managedFields"), "{out}");

    // A field the manager stops applying goes; another manager's edit conflicts.
    let (_, err, code) = kubectl(
        &served,
        &["apply", "--server-side", "--field-manager=ci", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: '2'}\n",
    );
    assert_eq!(code, 0, "{err}");
    let (out, _, _) = kubectl(
        &served,
        &["get", "cm", "settings", "-o", "jsonpath={.data}"],
        "",
    );
    assert_eq!(out, "{\"level\":\"2\"}");
    let (_, err, code) = kubectl(
        &served,
        &["apply", "--server-side", "--field-manager=other", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: '3'}\n",
    );
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: Apply failed with 1 conflict: conflict with \"ci\": .data.level\n"),
        "{err}"
    );
}

/// `kubectl exec -it POD -- sh` on a terminal (util-linux `script` gives kubectl one): the
/// prompt, echoed keys, each line's output with CR LF, and `exit 2` ending the session.
#[test]
fn exec_with_a_terminal_runs_an_interactive_shell() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let served = serve("exec-tty", &[]);
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: box}\nspec:\n  containers:\n  - {name: box, image: 'busybox:1.36', command: [sleep, '3600']}\n";
    kubectl(&served, &["apply", "-f", "-"], pod);
    served.post("/kubeplay/v1/advance?seconds=30");
    let command = format!(
        "{} --kubeconfig {} exec -it box -- sh",
        real_kubectl().display(),
        served.dir.join("kubeconfig").display()
    );
    // Keys are typed once kubectl has put the terminal in raw mode (before, the terminal
    // itself would echo them).
    let typing = "sleep 2; printf 'echo hi there\\r'; sleep 0.5; printf 'exit 2\\r'; sleep 1";
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("({typing}) | script -qec '{command}' /dev/null"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text,
        "/ # echo hi there\r\nhi there\r\n/ # exit 2\r\ncommand terminated with exit code 2\r\n"
    );
    assert_eq!(output.status.code(), Some(2));
}
