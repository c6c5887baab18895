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
    ("empty.yaml", ""),
    ("comments.yaml", "# nothing yet\n---\n# nor here\n"),
    (
        "three-part.yaml",
        "apiVersion: apps/v1/beta\nkind: Deployment\nmetadata:\n  name: x\n",
    ),
    ("list.yaml", "- apiVersion: v1\n  kind: Pod\n"),
    ("scalar.yaml", "just-a-string\n"),
    ("index.html", "hello\n"),
    ("app.env", "a=1\n# comment\nb=two\n\nc\n"),
    ("not-pem.txt", "nothing here\n"),
    (
        "web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n        env:\n        - name: KEEP\n          value: \"1\"\n        - name: GONE\n          value: x\n        - name: POD\n          valueFrom:\n            fieldRef:\n              fieldPath: metadata.name\n      - name: sidecar\n        image: busybox\n",
    ),
];

const CASES: &[&str] = &[
    "kubectl create deployment x --image=nginx --dry-run=client -o yaml",
    "kubectl create deployment web --image=nginx:1.27 --replicas=3 --port=80 --dry-run=client -o yaml",
    "kubectl create deployment web --image=registry.k8s.io/nginx-slim:0.24 --dry-run=client -o name",
    "kubectl create deployment x --image=nginx --dry-run=client",
    "kubectl create namespace dev --dry-run=client -o yaml",
    "kubectl create deployment api --image=busybox:1.36 --replicas=2 --dry-run=client -o yaml -- sleep 3600",
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
    "kubectl --help",
    "kubectl dran x",
    "kubectl taintt",
    "kubectl create deployment",
    "kubectl create deployment --image=nginx",
    "kubectl create namespace",
    "kubectl create foo",
    "kubectl scale deploy x",
    "kubectl scale rc nginx",
    "kubectl scale rc/nginx --replicas=-1",
    "kubectl rolling-update nginx --image=nginx:1.27",
    "kubectl delete",
    "kubectl logs",
    // kubectl logs by selector and its flags (issue 12).
    "kubectl logs -l app=x pod/y",
    "kubectl logs -f -l app=x --max-log-requests=x",
    "kubectl logs --tail=x x",
    "kubectl logs x --since=abc",
    "kubectl logs x --since=5",
    "kubectl logs x --since-time=abc",
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
    // Bad input refused before anything is sent (issue 13, classes 4-6).
    "kubectl apply -f empty.yaml",
    "kubectl apply -f comments.yaml",
    "kubectl create -f empty.yaml",
    "kubectl create -f comments.yaml --dry-run=client",
    "kubectl scale -f empty.yaml --replicas=2",
    "kubectl apply -f three-part.yaml",
    "kubectl create -f three-part.yaml --dry-run=client",
    "kubectl apply -f three-part.yaml --validate=false",
    "kubectl apply -f list.yaml",
    "kubectl apply -f list.yaml --validate=false",
    "kubectl create -f scalar.yaml --dry-run=client",
    "kubectl apply -f scalar.yaml --validate=ignore",
    "kubectl apply -f empty.yaml --validate=maybe",
    "kubectl run x --image=nginx --restart=Bogus",
    "kubectl run x --image=nginx --dry-run=client -o table",
    "kubectl create deployment x --image=nginx --dry-run=client -o table",
    "kubectl delete pod x --all",
    "kubectl delete pod x -l app=x",
    "kubectl delete pods --all -l app=x",
    "kubectl scale",
    "kubectl scale --replicas=2",
    "kubectl scale deployment x --replicas=two",
    // kubectl create cronjob (issue 13, class 8).
    "kubectl create cronjob",
    "kubectl create cronjob x",
    "kubectl create cronjob --image=busybox --schedule='* * * * *'",
    "kubectl create cronjob x --schedule='* * * * *'",
    "kubectl create cj x --image=busybox --schedule='*/5 * * * *' --dry-run=client -o yaml",
    "kubectl create cronjob x --image=busybox --schedule='*/5 * * * *' --restart=Always --dry-run=client -o yaml -- date",
    "kubectl create cronjob x --image=busybox --schedule=bogus --dry-run=client",
    // -o go-template on client-side dry runs: output, then parse and execution errors.
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{.spec.replicas}}{{\"\\n\"}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{.spec.foo}} {{.spec.foo.bar}} {{.metadata}} {{.status}} {{.metadata.creationTimestamp}}'",
    "kubectl create deployment web --image=nginx:1.27 --replicas=3 --port=80 --dry-run=client -o go-template='{{range .spec.template.spec.containers}}{{.name}}:{{.image}}:{{range .ports}}{{.containerPort}}{{end}} {{end}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{printf \"%q %d %v %5s|%-5s|%x|%t|%v\" .metadata.name .spec.replicas .spec.replicas \"a\" \"b\" 255 true 1.5}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{len .spec.template.spec.containers}} {{index .metadata.labels \"app\"}} {{index .metadata.labels \"nope\"}} {{.spec | len}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{if .spec.paused}}p{{else if .spec.replicas}}r{{end}} {{and 1 0}} {{or 0 \"\" \"x\"}} {{not true}} {{eq .spec.replicas 1}} {{lt 1 2}} {{ne \"a\" \"b\"}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}{{with .spec.selector}}{{.matchLabels.app}}{{end}}{{$x := .kind}}{{$x}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{/* c */}}x{{- \" y \" -}} z {{ .spec.replicas | printf \"%05.1f\" }} {{printf \"%s %s\" .kind}} {{print 1 2 \"a\" \"b\" 3}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{1.5}} {{1e3}} {{0x10}} {{-3}} {{1e6}} {{html \"<a>\"}} {{urlquery \"a b\"}} {{exists . \"spec\" \"replicas\"}}'",
    "kubectl create deployment web --image=nginx:1.27 --replicas=3 --port=80 --dry-run=client -o jsonpath='{range .spec.template.spec.containers[*]}{.name}{\"\\t\"}{.image}{\"\\n\"}{end}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{.spec.template.spec.containers[?(@.name==\"nginx\")].image}|{.spec.template.spec.containers[?(@.name!=\"nginx\")].image}|{.spec.template.spec.containers[?(@.resources)].name}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{.metadata.labels}{.spec.selector}{..matchLabels}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{.spec.replicas}{.spec.template.spec.containers[-1:].name}{.nope.x}|{.spec.template.spec.containers[0:1]}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='a\\nb\\t{.kind}{\"\\n\"}{$.kind} {@.kind} {.spec.strategy}{.metadata.labels.*}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{range .spec.template.spec.containers[*]}[{.name}]{end}{range .nope[*]}x{end}.'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{range .spec.template.spec.containers[*]}{.name}{range .ports[*]}{.containerPort}{end}{end}{.kind}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{range .spec.template.spec.containers[*]}{.name}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath=\"{.metadata['name']}{'\\n'}\"",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{.metadata.name'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{.metadata.name}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{.spec.template.spec.containers[?(@.name==\"nginx\"].image}'",
    "kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o yaml",
    "kubectl create service nodeport web --tcp=80 --node-port=30080 --dry-run=client -o yaml",
    "kubectl create service loadbalancer lb --tcp=443:8443,80 --dry-run=client -o yaml",
    "kubectl create service externalname ext --external-name=example.com --dry-run=client -o yaml",
    "kubectl create service clusterip headless --clusterip=None --dry-run=client -o yaml",
    "kubectl create svc clusterip web --tcp=80:http --dry-run=client -o yaml",
    "kubectl create service clusterip web --dry-run=client",
    "kubectl create service clusterip web --tcp=80 --dry-run=client",
    "kubectl create service externalname ext --dry-run=client",
    "kubectl create service",
    "kubectl create service clusterip",
    "kubectl create service clusterip x --tcp=abc --dry-run=client",
    "kubectl create configmap cfg --from-literal=k=v --from-literal=x=y --from-file=index.html --from-file=page=index.html --dry-run=client -o yaml",
    "kubectl create configmap env --from-env-file=app.env --dry-run=client -o yaml",
    "kubectl create cm empty --dry-run=client -o yaml",
    "kubectl create configmap c --from-literal=bad --dry-run=client",
    "kubectl create configmap c --from-literal=k=v --from-literal=k=w --dry-run=client",
    "kubectl create configmap c --from-file=nope --dry-run=client",
    "kubectl create configmap",
    "kubectl create configmap cfg --from-literal=a=b --dry-run=client",
    "kubectl create secret generic db --from-literal=user=admin --from-literal=password='s3cr=t' --from-file=index.html --dry-run=client -o yaml",
    "kubectl create secret generic t --type=kubernetes.io/basic-auth --from-literal=username=a --dry-run=client -o yaml",
    "kubectl create secret generic e --dry-run=client -o yaml",
    "kubectl create secret docker-registry reg --docker-server=ghcr.io --docker-username=u --docker-password=p --docker-email=e@x.io --dry-run=client -o yaml",
    "kubectl create secret docker-registry hub --docker-username=u --docker-password=p --dry-run=client -o yaml",
    "kubectl create secret docker-registry reg2 --docker-password=p --dry-run=client -o yaml",
    "kubectl create secret tls t --cert=nope --key=nope --dry-run=client",
    "kubectl create secret tls t --cert=not-pem.txt --key=not-pem.txt --dry-run=client",
    "kubectl create secret tls t --dry-run=client",
    "kubectl create secret",
    "kubectl create secret generic",
    "kubectl replace",
    "kubectl replace --force",
    "kubectl diff",
    "kubectl set",
    "kubectl set env",
    "kubectl set resources",
    "kubectl set env -f web.yaml --local -o yaml A=1 B=two GONE- KEEP=2",
    "kubectl set env -f web.yaml --local A=1",
    "kubectl set env -f web.yaml --local A=1 --dry-run=client",
    "kubectl set env -f web.yaml --local A=1 -c sidecar -o yaml",
    "kubectl set env -f web.yaml --local A=1 -c nope",
    "kubectl set env -f web.yaml --local --list",
    "kubectl set env -f web.yaml --local --list -c 'side*'",
    "kubectl set env -f web.yaml --local NOPE-",
    "kubectl set env -f web.yaml --local 1A=b",
    "kubectl set env -f web.yaml --local A=1 --prefix=MY_ -o name",
    "kubectl set resources -f web.yaml --local -o yaml --limits=cpu=200m,memory=512Mi --requests=cpu=100m",
    "kubectl set resources -f web.yaml --local -c sidecar --requests=memory=64Mi",
    "kubectl set resources -f web.yaml --local",
    "kubectl set resources -f web.yaml --local --limits=cpu=abc",
    "kubectl set resources -f web.yaml --local --limits=cpu",
    "kubectl set resources -f web.yaml --local --limits=cpu=1 -c nope",
    "kubectl auth",
    "kubectl auth foo",
    "kubectl auth can-i",
    "kubectl auth can-i create",
    "kubectl auth can-i --list x",
    "kubectl top",
    "kubectl port-forward",
    "kubectl port-forward pod/x",
    "kubectl api-versions x",
    "kubectl edit",
    "kubectl expose",
    "kubectl autoscale",
    "kubectl autoscale deployment web --max=0",
    "kubectl autoscale deployment web --max=2 --min=3",
    "kubectl create namespace dev --dry-run=client -o go-template='{{.kind}}/{{.metadata.name}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o template='{{.kind}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template --template='{{.kind}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{.spec'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{nope .x}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{if}}{{end}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{end}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{range .x}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{$y}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{\"unterminated}}'",
];

/// Execution errors print the object given to the template as JSON, which real kubectl
/// writes in Go struct order (ours: sorted keys), so only the error line is compared.
const EXECUTION_ERRORS: &[&str] = &[
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{end}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o jsonpath='{.spec.template.spec.containers[5]}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{.spec.replicas.x}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{index .spec.template.spec.containers 5}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{if eq .spec.replicas 1.0}}one{{end}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='a{{len 1 2}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{range .kind}}{{end}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{.metadata.creationTimestamp.x}}'",
    "kubectl create deployment x --image=nginx --dry-run=client -o go-template='{{index .metadata.nope \"x\"}}'",
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

/// The words of `command` as a shell splits them: whitespace outside quotes separates,
/// single quotes keep everything, double quotes keep all but `\"` and `\\` escapes.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let current = word.get_or_insert_with(String::new);
                current.extend(chars.by_ref().take_while(|c| *c != '\''));
            }
            '"' => {
                let current = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => current.extend(chars.next()),
                        c => current.push(c),
                    }
                }
            }
            c if c.is_whitespace() => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

fn real_output(kubectl: &Path, command: &str, dir: &Path) -> String {
    let words: Vec<String> = shell_words(command).into_iter().skip(1).collect();
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
    // Output without a final newline (a template's) stays without one.
    text.split_inclusive('\n')
        .filter(|line| {
            !line.contains("memcache.go")
                && !line.contains("couldn't get current server API group list")
        })
        .collect()
}

/// Subcommands of simulated commands whose flags kubeplay parses: flag errors name them in
/// the hint (`See 'kubectl rollout status --help' for usage.`).
const SUBCOMMANDS: &[&str] = &[
    "create deployment",
    "create deploy",
    "create job",
    "create namespace",
    "create ns",
    "create cronjob",
    "set image",
    "rollout status",
    "rollout history",
    "rollout undo",
    "rollout restart",
    "rollout pause",
    "rollout resume",
    "config current-context",
    "config get-contexts",
];

/// What pflag and cobra answer about a command's flags, before the command runs.
const FLAG_ERRORS: &[&str] = &["--bogus", "--bogus=1", "-Q", "--namespace", "-n"];

/// Operands missing, extra or wrong, which kubectl refuses before asking the server.
const USAGE_ERRORS: &[&str] = &[
    "kubectl explain",
    "kubectl explain pods services",
    "kubectl explain pods -o plaintext",
    "kubectl explain pods --recursive --api-version",
    "kubectl create namespace",
    "kubectl create namespace a b",
    "kubectl create deployment",
    "kubectl create deployment web",
    "kubectl create job",
    "kubectl create cronjob",
    "kubectl create cronjob x --image=busybox",
    "kubectl run",
    "kubectl run x",
    "kubectl set",
    "kubectl set image",
    "kubectl set bogus x",
    "kubectl get",
    "kubectl delete",
    "kubectl rollout",
    "kubectl rollout status",
    "kubectl rollout undo",
    "kubectl rollout bogus",
    "kubectl scale",
    "kubectl scale deployment web",
    "kubectl cordon",
    "kubectl uncordon",
    "kubectl drain",
    "kubectl taint",
    "kubectl taint nodes",
    "kubectl describe",
    "kubectl logs",
    "kubectl logs a b c",
    "kubectl exec",
    "kubectl exec web",
    "kubectl apply",
    "kubectl wait",
    "kubectl wait pod/x",
    "kubectl label",
    "kubectl label pod",
    "kubectl annotate",
    "kubectl annotate pod",
    "kubectl config",
    "kubectl config bogus",
    "kubectl version extra",
    "kubectl api-resources extra",
];

fn conformance_terminal() -> Terminal {
    Terminal::new(
        create_cluster(
            &ClusterShape::kind(),
            "2025-06-02T10:15:00Z".parse().unwrap_or_default(),
            1,
        ),
        Box::new(|_| None),
    )
}

/// Every simulated command of `COMMANDS` (and the subcommands above) answers a bad or
/// incomplete flag, and missing or extra operands, with kubectl's words and usage hint.
#[test]
fn usage_errors_match_real_kubectl_for_every_command() {
    let kubectl = real_kubectl();
    let dir = std::env::temp_dir().join(format!("kubeplay-usage-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut terminal = conformance_terminal();
    let commands = kubeplay_kubectl::commands::COMMANDS
        .iter()
        .filter(|command| command.is_simulated())
        .map(|command| command.name)
        .chain(SUBCOMMANDS.iter().copied());
    let mut cases: Vec<String> = commands
        .flat_map(|command| {
            FLAG_ERRORS
                .iter()
                .map(move |flag| format!("kubectl {command} {flag}"))
        })
        .collect();
    cases.extend(USAGE_ERRORS.iter().map(|case| (*case).to_string()));
    let mut mismatches = Vec::new();
    for command in &cases {
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
        cases.len(),
        mismatches.join("\n")
    );
}

#[test]
fn client_side_output_matches_real_kubectl() {
    let kubectl = real_kubectl();
    let dir = std::env::temp_dir().join(format!("kubeplay-conformance-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut terminal = conformance_terminal();
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
    for command in EXECUTION_ERRORS {
        let last_line = |text: &str| text.lines().last().unwrap_or_default().to_string();
        let expected = real_output(&kubectl, command, &dir);
        let ours: String = terminal
            .execute(command)
            .output
            .iter()
            .map(|chunk| chunk.text.as_str())
            .collect();
        let first_line = |text: &str| text.lines().next().unwrap_or_default().to_string();
        if last_line(&ours) != last_line(&expected) || first_line(&ours) != first_line(&expected) {
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
        CASES.len() + EXECUTION_ERRORS.len(),
        mismatches.join("\n")
    );
}
