//! Differential tests against the real kubectl v1.33 binary: every command here runs
//! client-side in real kubectl (no server needed), and our output must match it byte for
//! byte. The binary ships on machines of this project's kind; set `KUBECTL_1_33` to point
//! at another copy.

use std::path::{Path, PathBuf};
use std::process::Command;

use kubeplay_kubectl::Terminal;
use kubeplay_sim::{ClusterShape, create_cluster};

const FIXTURES: &[(&str, &str)] = &[
    (
        "bad-indent.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec:\n",
    ),
    (
        "bad-mapping.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n",
    ),
    ("no-api-version.yaml", "kind: Pod\nmetadata:\n  name: x\n"),
    ("no-kind.yaml", "apiVersion: v1\nmetadata:\n  name: x\n"),
];

const CASES: &[&str] = &[
    "kubectl create deployment x --image=nginx --dry-run=client -o yaml",
    "kubectl create deployment web --image=nginx:1.27 --replicas=3 --port=80 --dry-run=client -o yaml",
    "kubectl create deployment web --image=registry.k8s.io/nginx-slim:0.24 --dry-run=client -o name",
    "kubectl create deployment x --image=nginx --dry-run=client",
    "kubectl create namespace dev --dry-run=client -o yaml",
    "kubectl create job hello --image=busybox:1.36 --dry-run=client -o yaml -- echo hello",
    "kubectl create job",
    "kubectl create -f bad-indent.yaml --dry-run=client",
    "kubectl create -f bad-mapping.yaml --dry-run=client",
    "kubectl create -f no-api-version.yaml --dry-run=client",
    "kubectl create -f no-kind.yaml --dry-run=client",
    "kubectl apply -f bad-mapping.yaml",
    "kubectl apply -f missing.yaml",
    "kubectl apply",
    "kubectl get",
    "kubectl get pods --foo",
    "kubectl get pods -z",
    "kubectl gett pods",
    "kubectl lgs x",
    "kubectl zzzzz",
    "kubectl create deployment",
    "kubectl create deployment --image=nginx",
    "kubectl create namespace",
    "kubectl create foo",
    "kubectl scale deploy x",
    "kubectl delete",
    "kubectl logs",
    "kubectl exec x",
    "kubectl set image",
    "kubectl set foo",
    "kubectl label",
    "kubectl wait",
    "kubectl run",
    "kubectl rollout",
    "kubectl rollout stat x",
    "kubectl version --client",
    "kubectl taint nodes kind-worker dedicated=gpu",
    "kubectl taint nodes kind-worker dedicated=gpu:Sometimes",
    "kubectl taint nodes kind-worker a=b=c:NoSchedule",
    "kubectl taint nodes kind-worker",
    "kubectl drain",
    "kubectl cordon",
    "kubectl uncordon",
    "kubectl drain kind-worker --timeout=5",
    "kubectl wait pod/x --for=delete --timeout=5",
    "kubectl rollout status deployment/x --timeout=5",
    "kubectl",
];

fn real_kubectl() -> PathBuf {
    if let Ok(path) = std::env::var("KUBECTL_1_33") {
        return PathBuf::from(path);
    }
    let candidates = [
        "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
        "/usr/local/bin/kubectl.1.33",
        "/usr/bin/kubectl.1.33",
    ];
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
        .unwrap_or_else(|| {
            panic!("real kubectl v1.33 not found (looked in {candidates:?}); set KUBECTL_1_33")
        })
}

fn real_output(kubectl: &Path, command: &str, dir: &Path) -> String {
    let words: Vec<&str> = command.split_whitespace().skip(1).collect();
    // No kubeconfig: kubectl falls back to localhost:8080, where nothing listens.
    let output = Command::new(kubectl)
        .args(&words)
        .current_dir(dir)
        .env("KUBECONFIG", dir.join("no-kubeconfig"))
        .stdin(std::process::Stdio::null())
        .output();
    let Ok(output) = output else {
        panic!("cannot run {kubectl:?}")
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Discovery noise from the absent server is not part of kubectl's answer.
    text.lines()
        .filter(|line| {
            !line.contains("memcache.go")
                && !line.contains("couldn't get current server API group list")
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn client_side_output_matches_real_kubectl() {
    let kubectl = real_kubectl();
    let dir = std::env::temp_dir().join(format!("kubeplay-conformance-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut terminal = Terminal::new(
        create_cluster(
            &ClusterShape::kind(),
            "2025-06-02T10:15:00Z".parse().unwrap_or_default(),
            1,
        ),
        Box::new(|_| None),
    );
    for (name, text) in FIXTURES {
        let _ = std::fs::write(dir.join(name), text);
        let path = format!("{}/{name}", kubeplay_kubectl::terminal::HOME);
        let _ = terminal.execute(&format!("cat > {path} <<'FIXTURE'\n{text}FIXTURE"));
    }
    let mut mismatches = Vec::new();
    for command in CASES {
        let expected = real_output(&kubectl, command, &dir);
        let ours: String = terminal
            .execute(command)
            .output
            .iter()
            .map(|chunk| chunk.text.as_str())
            .collect();
        if ours != expected {
            mismatches.push(format!(
                "$ {command}\n--- real kubectl\n{expected}--- kubeplay\n{ours}"
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        mismatches.is_empty(),
        "{} of {} commands differ:\n\n{}",
        mismatches.len(),
        CASES.len(),
        mismatches.join("\n")
    );
}
