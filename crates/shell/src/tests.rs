//! End-to-end tests of `Shell::execute` against a fake host with a tiny `kubectl`.

use crate::*;

const PODS_KUBE_SYSTEM: &str = "\
NAME                       READY   STATUS    RESTARTS   AGE
aws-node-7xk2p             2/2     Running   0          3d
coredns-5d8b4c8f9-abcde    1/1     Running   0          3d
coredns-5d8b4c8f9-fghij    1/1     Running   0          3d
kube-proxy-m2v9q           1/1     Running   0          3d
";

const PODS_WIDE: &str = "\
NAME      READY   STATUS    RESTARTS   AGE   IP           NODE
demo-1    1/1     Running   0          1m    10.0.0.1     node-a
demo-2    1/1     Running   0          1m    10.0.0.2     node-b
demo-3    1/1     Running   0          1m    10.0.0.3     node-a
";

/// A host knowing `kubectl` (canned answers) and `date`; records sleeps and applies.
#[derive(Default)]
struct FakeHost {
    slept_ms: u64,
    deadlines: Vec<u64>,
    applied: Vec<String>,
}

fn answer(text: &str) -> Option<ProgramOutput> {
    Some(ProgramOutput {
        chunks: vec![Chunk::stdout(text)],
        status: 0,
    })
}

impl Host for FakeHost {
    fn run(&mut self, argv: &[String], stdin: &str, fs: &mut VirtualFs) -> Option<ProgramOutput> {
        let args: Vec<&str> = argv.iter().map(String::as_str).collect();
        match args.as_slice() {
            ["date"] => answer("Thu Jan  1 00:00:00 UTC 1970\n"),
            ["kubectl", "get", "ds"] => answer(
                "NAME         DESIRED   CURRENT\naws-node     3         3\nkube-proxy   3         3\n",
            ),
            ["kubectl", "get", "pods", "-n", "kube-system"]
            | ["kubectl", "-n", "kube-system", "get", "pods"] => answer(PODS_KUBE_SYSTEM),
            ["kubectl", "get", "pods", "-o", "wide"] => answer(PODS_WIDE),
            ["kubectl", "get", "pods"] => {
                answer("NAME     READY   STATUS\ndemo-1   1/1     Running\n")
            }
            [
                "kubectl",
                "get",
                "pods",
                name,
                "-n",
                "kube-system",
                "-o",
                "yaml",
            ] => answer(&format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n"
            )),
            ["kubectl", "-n", ns, "get", "deploy"] => {
                answer(&format!("namespace {ns}: demo 3/3\n"))
            }
            ["kubectl", "-n", ns, "apply", "-f", file] => {
                let text = if *file == "-" {
                    stdin.to_string()
                } else if let Some(text) = fs.read(file) {
                    text.to_string()
                } else {
                    let message = format!("error: the path \"{file}\" does not exist\n");
                    return Some(ProgramOutput {
                        chunks: vec![Chunk::stderr(message)],
                        status: 1,
                    });
                };
                self.applied.push(text);
                answer(&format!("deployment.apps/demo created (namespace {ns})\n"))
            }
            ["kubectl", "fail"] => Some(ProgramOutput {
                chunks: vec![Chunk::stdout("partial\n"), Chunk::stderr("error: boom\n")],
                status: 1,
            }),
            ["kubectl", rest @ ..] => answer(&format!("kubectl called with {rest:?}\n")),
            _ => None,
        }
    }

    fn sleep(&mut self, interval: crate::Interval, _fs: &mut VirtualFs) -> ProgramOutput {
        let Some(ms) = interval.millis() else {
            return ProgramOutput {
                chunks: vec![Chunk::stderr("sleep: too long for the fake host\n")],
                status: 1,
            };
        };
        let deadline = self.deadlines.iter().copied().min().unwrap_or(u64::MAX);
        let until = self.slept_ms.saturating_add(ms);
        self.slept_ms = until.min(deadline);
        ProgramOutput {
            chunks: Vec::new(),
            // A `timeout` ended the sleep.
            status: if until > deadline { 124 } else { 0 },
        }
    }

    fn begin_timeout(&mut self, interval: crate::Interval, _timed_out_status: i32) {
        let ms = interval.millis().unwrap_or(u64::MAX);
        self.deadlines.push(self.slept_ms.saturating_add(ms));
    }

    fn end_timeout(&mut self) -> bool {
        self.deadlines.pop().is_some_and(|d| self.slept_ms >= d)
    }

    fn programs(&self) -> Vec<String> {
        vec!["kubectl".into(), "date".into()]
    }
}

fn shell() -> (Shell, FakeHost) {
    (Shell::new("/home/learner"), FakeHost::default())
}

fn run(shell: &mut Shell, host: &mut FakeHost, input: &str) -> Execution {
    shell.execute(input, host)
}

/// Runs `input` on a fresh shell and returns (stdout, stderr, status).
fn sh(input: &str) -> (String, String, i32) {
    let (mut shell, mut host) = shell();
    let result = shell.execute(input, &mut host);
    (result.stdout(), result.stderr(), result.status)
}

/// Stdout of a successful run.
fn out(input: &str) -> String {
    let (stdout, stderr, status) = sh(input);
    assert_eq!((stderr.as_str(), status), ("", 0), "for {input:?}");
    stdout
}

// ---- the examples from the brief ----

#[test]
fn example_get_ds() {
    assert!(out("kubectl get ds").starts_with("NAME         DESIRED"));
}

#[test]
fn example_capture_kube_proxy_pod() {
    let (mut shell, mut host) = shell();
    let r = run(
        &mut shell,
        &mut host,
        "kppod=$(kubectl get pods -n kube-system | grep kube-proxy | sed 's/ .*//')",
    );
    assert_eq!((r.output.clone(), r.status), (vec![], 0));
    assert_eq!(shell.variable("kppod"), Some("kube-proxy-m2v9q"));
    assert_eq!(
        run(&mut shell, &mut host, "echo $kppod").stdout(),
        "kube-proxy-m2v9q\n"
    );
    let r = run(
        &mut shell,
        &mut host,
        "kubectl get pods $kppod -n kube-system -o yaml",
    );
    assert_eq!(
        r.stdout(),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-proxy-m2v9q\n"
    );
}

#[test]
fn example_grep_coredns() {
    assert_eq!(
        out("kubectl -n kube-system get pods | grep coredns")
            .lines()
            .count(),
        2
    );
}

#[test]
fn example_multi_line_value_is_space_joined() {
    let (mut shell, mut host) = shell();
    run(
        &mut shell,
        &mut host,
        "pods=$(kubectl -n kube-system get pods | grep coredns | sed 's/ .*//')",
    );
    let r = run(&mut shell, &mut host, "echo $pods");
    assert_eq!(
        r.stdout(),
        "coredns-5d8b4c8f9-abcde coredns-5d8b4c8f9-fghij\n"
    );
}

#[test]
fn example_heredoc_tee_apply() {
    let (mut shell, mut host) = shell();
    let script =
        "cat <<EOF | tee ~/environment/005-demo-deployment.yaml | kubectl -n dev apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo
spec:
  replicas: 3                    # scale-out: https://12factor.net/concurrency
EOF
";
    let r = run(&mut shell, &mut host, script);
    assert_eq!(r.stdout(), "deployment.apps/demo created (namespace dev)\n");
    assert_eq!(r.status, 0);
    let expected = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo\nspec:\n  \
                    replicas: 3                    # scale-out: https://12factor.net/concurrency\n";
    assert_eq!(host.applied, vec![expected.to_string()]);
    let path = "/home/learner/environment/005-demo-deployment.yaml";
    assert_eq!(shell.fs().read(path), Some(expected));
    let r = run(
        &mut shell,
        &mut host,
        "cat ~/environment/005-demo-deployment.yaml",
    );
    assert_eq!(r.stdout(), expected);
}

#[test]
fn example_awk_tail_head_wc() {
    let line = "kubectl get pods -o wide | awk '{print $1}' | tail -n +2 | head -2 | wc -l";
    assert_eq!(out(line), "2\n");
}

#[test]
fn example_sleep_and_or() {
    let (mut shell, mut host) = shell();
    let r = run(
        &mut shell,
        &mut host,
        "sleep 5; kubectl get pods && echo ok || echo failed",
    );
    assert_eq!(
        r.stdout(),
        "NAME     READY   STATUS\ndemo-1   1/1     Running\nok\n"
    );
    assert_eq!(host.slept_ms, 5000);
    let r = run(
        &mut shell,
        &mut host,
        "kubectl fail && echo ok || echo failed",
    );
    assert_eq!(r.stdout(), "partial\nfailed\n");
    assert_eq!(r.stderr(), "error: boom\n");
}

#[test]
fn example_export_and_quotes() {
    let (mut shell, mut host) = shell();
    let r = run(
        &mut shell,
        &mut host,
        "export NS=dev; kubectl -n \"$NS\" get deploy",
    );
    assert_eq!(r.stdout(), "namespace dev: demo 3/3\n");
    assert_eq!(shell.variable("NS"), Some("dev"));
}

#[test]
fn example_redirect_to_file() {
    let (mut shell, mut host) = shell();
    let r = run(
        &mut shell,
        &mut host,
        "kubectl get pods > pods.txt; cat pods.txt",
    );
    assert_eq!(
        r.stdout(),
        "NAME     READY   STATUS\ndemo-1   1/1     Running\n"
    );
    assert!(shell.fs().is_file("/home/learner/pods.txt"));
}

// ---- words, quoting and expansion ----

#[test]
fn quoting() {
    assert_eq!(
        out(r#"echo 'a  $HOME' "b  $HOME" c\ d"#),
        "a  $HOME b  /home/learner c d\n"
    );
    assert_eq!(out(r#"echo "q\"uote \$x \\ \a""#), "q\"uote $x \\ \\a\n");
    assert_eq!(out("echo a'b'\"c\"d"), "abcd\n");
    assert_eq!(out("printf '[%s]' '' x \"\""), "[][x][]");
    assert_eq!(out("echo $'a\\tb'"), "a\tb\n");
    assert_eq!(out("echo \\$HOME '*' *"), "$HOME * *\n");
}

#[test]
fn field_splitting() {
    let (mut shell, mut host) = shell();
    run(&mut shell, &mut host, "x=\"a   b\nc\"");
    assert_eq!(run(&mut shell, &mut host, "echo $x").stdout(), "a b c\n");
    assert_eq!(
        run(&mut shell, &mut host, "echo \"$x\"").stdout(),
        "a   b\nc\n"
    );
    assert_eq!(
        run(&mut shell, &mut host, "printf '<%s>' $x").stdout(),
        "<a><b><c>"
    );
    assert_eq!(
        run(&mut shell, &mut host, "printf '<%s>' $nothing \"$nothing\"").stdout(),
        "<>"
    );
    assert_eq!(
        run(&mut shell, &mut host, "y=pre$x; echo \"$y\"").stdout(),
        "prea   b\nc\n"
    );
}

#[test]
fn tilde_and_special_parameters() {
    assert_eq!(
        out("echo ~ ~/x a~ '~'"),
        "/home/learner /home/learner/x a~ ~\n"
    );
    assert_eq!(out("f=~/y; echo $f"), "/home/learner/y\n");
    assert_eq!(out("false; echo $?; true; echo $?"), "1\n0\n");
    assert_eq!(out("echo $HOME $PWD"), "/home/learner /home/learner\n");
    assert_eq!(
        out("cd ~/environment; echo $PWD; pwd"),
        "/home/learner/environment\n/home/learner/environment\n"
    );
}

#[test]
fn parameter_operators() {
    assert_eq!(out("echo ${X:-default} ${X-d2}"), "default d2\n");
    assert_eq!(out("X=; echo \"[${X:-a}][${X-b}]\""), "[a][]\n");
    assert_eq!(out("X=val; echo ${X:+alt} ${#X} ${X}"), "alt 3 val\n");
    assert_eq!(out("echo ${Y:=set}; echo $Y"), "set\nset\n");
    let (_, stderr, status) = sh("echo ${Z:?must be set}");
    assert_eq!((stderr.as_str(), status), ("sh: Z: must be set\n", 1));
    let (_, stderr, status) = sh("echo ${a/b/c}");
    assert_eq!(
        (stderr.as_str(), status),
        ("sh: ${a/b/c}: bad substitution\n", 2)
    );
}

#[test]
fn command_substitution() {
    assert_eq!(out("echo $(echo a; echo b)"), "a b\n");
    assert_eq!(out("echo \"$(echo a; echo b)\""), "a\nb\n");
    assert_eq!(out("echo $(echo $(echo nested))"), "nested\n");
    assert_eq!(out("echo `echo back` \"`echo tick`\""), "back tick\n");
    assert_eq!(out("x=$(printf 'a\\n\\n\\n'); echo \"[$x]\""), "[a]\n");
    assert_eq!(out("echo \"$(echo ')')\""), ")\n");
    let (stdout, stderr, _) = sh("x=$(kubectl fail); echo \"[$x] $?\"");
    assert_eq!(
        (stdout.as_str(), stderr.as_str()),
        ("[partial] 1\n", "error: boom\n")
    );
}

#[test]
fn assignments() {
    let (mut shell, mut host) = shell();
    run(&mut shell, &mut host, "a=1 b='two words'");
    assert_eq!(
        (shell.variable("a"), shell.variable("b")),
        (Some("1"), Some("two words"))
    );
    run(&mut shell, &mut host, "export C=\"$b\" D");
    assert_eq!(shell.variable("C"), Some("two words"));
    assert_eq!(shell.variable("D"), Some(""));
    run(&mut shell, &mut host, "unset a C");
    assert_eq!((shell.variable("a"), shell.variable("C")), (None, None));
    assert_eq!(
        run(&mut shell, &mut host, "X=1 echo hi; echo \"[$X]\"").stdout(),
        "hi\n[]\n"
    );
    let r = run(&mut shell, &mut host, "export 1x=2");
    assert_eq!(r.stderr(), "sh: export: `1x=2': not a valid identifier\n");
    assert_eq!(r.status, 1);
}

// ---- pipelines, lists, redirections ----

#[test]
fn pipelines_and_status() {
    assert_eq!(out("echo hello | tr a-z A-Z | sed 's/L/_/g'"), "HE__O\n");
    let (stdout, _, status) = sh("echo x | grep y");
    assert_eq!((stdout.as_str(), status), ("", 1));
    assert_eq!(sh("! echo x | grep y").2, 0);
    assert_eq!(sh("nope | echo after").0, "after\n");
    let (stdout, stderr, status) = sh("echo a | nope");
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), status),
        ("", "sh: nope: command not found\n", 127)
    );
}

#[test]
fn stderr_of_earlier_stages_comes_first() {
    let (mut shell, mut host) = shell();
    let r = run(&mut shell, &mut host, "kubectl fail | cat");
    assert_eq!(
        r.output,
        vec![Chunk::stderr("error: boom\n"), Chunk::stdout("partial\n")]
    );
}

#[test]
fn lists() {
    assert_eq!(out("echo a; echo b\necho c"), "a\nb\nc\n");
    assert_eq!(
        out("false && echo no; true || echo no; false || echo yes && echo too"),
        "yes\ntoo\n"
    );
    assert_eq!(out("true &&\n echo continued"), "continued\n");
    assert_eq!(out("echo one \\\n two"), "one two\n");
    assert_eq!(
        out("echo a # comment\n# whole line\necho s/#/x/"),
        "a\ns/#/x/\n"
    );
}

#[test]
fn redirections() {
    let (mut shell, mut host) = shell();
    let r = run(
        &mut shell,
        &mut host,
        "echo a > f; echo b >> f; cat < f; cat f | wc -l",
    );
    assert_eq!(r.stdout(), "a\nb\n2\n");
    let r = run(&mut shell, &mut host, "kubectl fail 2>/dev/null");
    assert_eq!(r.output, vec![Chunk::stdout("partial\n")]);
    let r = run(&mut shell, &mut host, "kubectl fail >/dev/null");
    assert_eq!(r.output, vec![Chunk::stderr("error: boom\n")]);
    let r = run(&mut shell, &mut host, "kubectl fail 2>&1 | grep -c .");
    assert_eq!(r.stdout(), "2\n");
    let r = run(&mut shell, &mut host, "kubectl fail |& grep boom");
    assert_eq!(r.stdout(), "error: boom\n");
    run(
        &mut shell,
        &mut host,
        "kubectl fail > both 2>&1; kubectl fail &> both2; kubectl fail 2> err",
    );
    assert_eq!(shell.fs().read("both"), Some("partial\nerror: boom\n"));
    assert_eq!(shell.fs().read("both2"), Some("partial\nerror: boom\n"));
    assert_eq!(shell.fs().read("err"), Some("error: boom\n"));
    let r = run(&mut shell, &mut host, "kubectl fail 2>&1 >only-out");
    assert_eq!(r.output, vec![Chunk::stdout("error: boom\n")]);
    assert_eq!(shell.fs().read("only-out"), Some("partial\n"));
    let r = run(&mut shell, &mut host, "cat < nope.txt");
    assert_eq!(
        (r.stderr().as_str(), r.status),
        ("sh: nope.txt: No such file or directory\n", 1)
    );
    let r = run(&mut shell, &mut host, "echo x > /no/dir/f");
    assert_eq!(
        (r.stderr().as_str(), r.status),
        ("sh: /no/dir/f: No such file or directory\n", 1)
    );
    assert_eq!(
        run(&mut shell, &mut host, "> empty; cat empty; wc -c < empty").stdout(),
        "0\n"
    );
    assert_eq!(
        run(&mut shell, &mut host, "grep -c b <<< 'abc'").stdout(),
        "1\n"
    );
}

// ---- heredocs ----

#[test]
fn heredocs() {
    assert_eq!(
        out("X=1\ncat <<EOF\nx=$X $(echo sub) \\$X\nEOF"),
        "x=1 sub $X\n"
    );
    assert_eq!(
        out("X=1\ncat <<'EOF'\nx=$X $(echo sub)\nEOF"),
        "x=$X $(echo sub)\n"
    );
    assert_eq!(out("cat <<\"EOF\"\n$X\nEOF"), "$X\n");
    assert_eq!(out("cat <<-EOF\n\t\tindented\n\tEOF\n"), "indented\n");
    assert_eq!(out("cat <<A; cat <<B\none\nA\ntwo\nB\n"), "one\ntwo\n");
    assert_eq!(out("cat <<A <<B\none\nA\ntwo\nB\n"), "two\n");
    assert_eq!(
        out("cat <<EOF > out.yaml\nkey: value\nEOF\ncat out.yaml"),
        "key: value\n"
    );
    assert_eq!(out("cat <<EOF\nEOF"), "");
}

#[test]
fn unterminated_input_errors() {
    let (_, stderr, status) = sh("cat <<EOF\nbody\n");
    assert_eq!(
        stderr,
        "sh: here-document delimited by end-of-file (wanted `EOF')\n"
    );
    assert_eq!(status, 2);
    let (_, stderr, status) = sh("echo 'oops");
    assert_eq!(
        (stderr.as_str(), status),
        ("sh: unexpected EOF while looking for matching `''\n", 2)
    );
    assert_eq!(
        sh("echo \"oops").1,
        "sh: unexpected EOF while looking for matching `\"'\n"
    );
    assert_eq!(
        sh("echo $(oops").1,
        "sh: unexpected EOF while looking for matching `)'\n"
    );
    assert_eq!(
        sh("echo a |").1,
        "sh: syntax error: unexpected end of file\n"
    );
}

// ---- syntax errors and unsupported constructs ----

#[test]
fn syntax_errors() {
    let expected = (
        String::new(),
        "sh: syntax error near unexpected token `|'\n".to_string(),
        2,
    );
    assert_eq!(sh("| echo"), expected);
    assert_eq!(
        sh("echo a ;; echo b").1,
        "sh: syntax error near unexpected token `;;'\n"
    );
    assert_eq!(
        sh("echo >").1,
        "sh: syntax error near unexpected token `newline'\n"
    );
    assert_eq!(
        sh("echo a && && b").1,
        "sh: syntax error near unexpected token `&&'\n"
    );
    assert_eq!(
        sh("done").1,
        "sh: syntax error near unexpected token `done'\n"
    );
    // A syntax error on one line does not stop the next ones.
    assert_eq!(sh("echo a ;; b\necho next").0, "next\n");
}

#[test]
fn unsupported_constructs() {
    let cases = [
        ("case x in x) ;; esac", "'case' statements"),
        ("f() { echo; }", "function definitions"),
        ("sleep 1 &", "background jobs ('&')"),
        ("(cd /tmp)", "subshells '( … )'"),
        ("diff <(echo a) <(echo b)", "process substitutions '<(…)'"),
        ("echo $((1+2))", "arithmetic expansions $((…))"),
        ("[[ -f x ]]", "'[[ … ]]' tests"),
    ];
    for (input, what) in cases {
        let (_, stderr, status) = sh(input);
        assert_eq!(
            stderr,
            format!("sh: {what} are not supported in the kubeplay shell\n"),
            "{input}"
        );
        assert_eq!(status, 2);
    }
}

// ---- builtins that need the shell ----

#[test]
fn shell_builtins() {
    let (mut shell, mut host) = shell();
    let r = run(
        &mut shell,
        &mut host,
        "mkdir -p a/b && cd a/b && pwd && cd .. && pwd && cd - && cd",
    );
    assert_eq!(
        r.stdout(),
        "/home/learner/a/b\n/home/learner/a\n/home/learner/a/b\n"
    );
    assert_eq!(shell.cwd(), "/home/learner");
    let r = run(&mut shell, &mut host, "cd nope");
    assert_eq!(
        (r.stderr().as_str(), r.status),
        ("sh: cd: nope: No such file or directory\n", 1)
    );
    let r = run(&mut shell, &mut host, "clear");
    assert!(r.clear_screen);
    let r = run(&mut shell, &mut host, "sleep 0.5 2s 1m; sleep 1h");
    assert_eq!(
        (r.status, host.slept_ms),
        (0, 500 + 2000 + 60_000 + 3_600_000)
    );
    let r = run(&mut shell, &mut host, "sleep abc");
    assert_eq!(
        (r.stderr().as_str(), r.status),
        (
            "sleep: invalid time interval 'abc'\nTry 'sleep --help' for more information.\n",
            1
        )
    );
    host.slept_ms = 0;
    let r = run(
        &mut shell,
        &mut host,
        "timeout 5 sleep 60; echo $?; timeout 60 sleep 5; echo $?",
    );
    assert_eq!((r.stdout().as_str(), host.slept_ms), ("124\n0\n", 10_000));
    let r = run(&mut shell, &mut host, "timeout 5 nosuch");
    assert_eq!(
        (r.stderr().as_str(), r.status),
        (
            "timeout: failed to run command 'nosuch': No such file or directory\n",
            127
        )
    );
    let r = run(&mut shell, &mut host, "exit");
    assert_eq!(
        (r.stderr().as_str(), r.status),
        ("sh: exit: not supported in the kubeplay shell\n", 1)
    );
}

#[test]
fn command_lookup() {
    assert_eq!(
        out("command -v kubectl grep cd"),
        "/usr/local/bin/kubectl\n/usr/bin/grep\ncd\n"
    );
    assert_eq!(
        out("type cd kubectl"),
        "cd is a shell builtin\nkubectl is /usr/local/bin/kubectl\n"
    );
    assert_eq!(out("which kubectl"), "/usr/local/bin/kubectl\n");
    assert_eq!(sh("command -v nope"), (String::new(), String::new(), 1));
    assert_eq!(sh("type nope").1, "sh: type: nope: not found\n");
    assert_eq!(out("command echo hi"), "hi\n");
    assert_eq!(out("date"), "Thu Jan  1 00:00:00 UTC 1970\n");
}

#[test]
fn xargs_runs_commands() {
    let (mut shell, mut host) = shell();
    let r = run(
        &mut shell,
        &mut host,
        "printf 'a\\nb\\nc\\n' | xargs echo x",
    );
    assert_eq!(r.stdout(), "x a b c\n");
    let r = run(&mut shell, &mut host, "printf 'a b c' | xargs -n1 echo");
    assert_eq!(r.stdout(), "a\nb\nc\n");
    let r = run(
        &mut shell,
        &mut host,
        "printf 'a\\nb\\n' | xargs -I {} echo [{}]",
    );
    assert_eq!(r.stdout(), "[a]\n[b]\n");
    let r = run(
        &mut shell,
        &mut host,
        "echo demo-1 | xargs kubectl delete pod",
    );
    assert_eq!(
        r.stdout(),
        "kubectl called with [\"delete\", \"pod\", \"demo-1\"]\n"
    );
    assert_eq!(
        run(&mut shell, &mut host, "echo | xargs -r echo none").stdout(),
        ""
    );
    assert_eq!(
        run(&mut shell, &mut host, "echo a | xargs nope").status,
        127
    );
    assert_eq!(
        run(&mut shell, &mut host, "echo a | xargs false").status,
        123
    );
}

#[test]
fn eval_and_source() {
    let (mut shell, mut host) = shell();
    assert_eq!(
        run(&mut shell, &mut host, "eval 'x=5; echo $x'").stdout(),
        "5\n"
    );
    run(
        &mut shell,
        &mut host,
        "printf 'export A=1\\necho sourced $A\\n' > env.sh",
    );
    let r = run(&mut shell, &mut host, "source env.sh; . ./env.sh");
    assert_eq!(r.stdout(), "sourced 1\nsourced 1\n");
    let r = run(
        &mut shell,
        &mut host,
        "echo 'source loop.sh' > loop.sh; source loop.sh",
    );
    assert!(r.stderr().contains("nested too deeply"), "{}", r.stderr());
}

#[test]
fn host_sees_cwd_and_files() {
    let (mut shell, mut host) = shell();
    let line = "cd ~/environment; echo 'kind: Pod' > p.yaml; kubectl -n x apply -f p.yaml";
    run(&mut shell, &mut host, line);
    assert_eq!(host.applied, vec!["kind: Pod\n".to_string()]);
    let r = run(&mut shell, &mut host, "kubectl -n x apply -f missing.yaml");
    assert_eq!(
        r.stderr(),
        "error: the path \"missing.yaml\" does not exist\n"
    );
    assert_eq!(r.status, 1);
}

// ---- limits ----

#[test]
fn limits_are_enforced() {
    let (mut shell, mut host) = shell();
    let big = "x".repeat(limits::MAX_INPUT_BYTES + 1);
    let r = run(&mut shell, &mut host, &big);
    assert_eq!(r.status, 2);
    assert!(r.stderr().contains("input too large"));

    let deep = format!("echo {}x{}", "$(echo ".repeat(20), ")".repeat(20));
    let r = run(&mut shell, &mut host, &deep);
    assert!(r.stderr().contains("nested too deeply"), "{}", r.stderr());
    let ok = format!("echo {}x{}", "$(echo ".repeat(10), ")".repeat(10));
    assert_eq!(run(&mut shell, &mut host, &ok).stdout(), "x\n");

    let long = vec!["echo a"; limits::MAX_PIPELINE_LEN + 1].join(" | ");
    assert!(
        run(&mut shell, &mut host, &long)
            .stderr()
            .contains("pipeline has more than")
    );

    // The file grows fourfold each round until output and filesystem caps stop it.
    run(&mut shell, &mut host, "printf '%0100000d' 0 > big");
    for _ in 0..6 {
        run(
            &mut shell,
            &mut host,
            "cat big big big big > big2; cat big2 > big",
        );
    }
    let r = run(&mut shell, &mut host, "cat big big");
    let total: usize = r.output.iter().map(|c| c.text.len()).sum();
    assert!(total <= limits::MAX_OUTPUT_BYTES + 200);
    assert!(r.stderr().contains("output truncated"));
}

// ---- robustness ----

/// A tiny deterministic pseudo-random generator (xorshift), so the fuzz test needs no crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = (self.next() % items.len() as u64) as usize;
        items.get(i).copied().unwrap_or("")
    }
}

#[test]
fn never_panics_on_generated_input() {
    let pieces = [
        "echo",
        "cat",
        "grep",
        "sed",
        "awk",
        "head",
        "tail",
        "wc",
        "sort",
        "uniq",
        "cut",
        "tr",
        "xargs",
        "tee",
        "printf",
        "kubectl",
        "base64",
        "ls",
        "cd",
        "sleep",
        "eval",
        " ",
        " ",
        " ",
        "\n",
        "|",
        "||",
        "&&",
        ";",
        ";;",
        "&",
        "(",
        ")",
        "{",
        "}",
        "<",
        ">",
        ">>",
        "<<",
        "<<-",
        "<<<",
        "2>&1",
        "&>",
        "'",
        "\"",
        "`",
        "\\",
        "$",
        "$(",
        "${",
        "}",
        "$?",
        "$x",
        "${x:-y}",
        "#",
        "~",
        "~/",
        "*",
        "EOF",
        "-n",
        "-e",
        "-v",
        "-c",
        "-F",
        "s/a/b/g",
        "'{print $1}'",
        "NR>1",
        "/re/",
        "[",
        "]",
        "[:alpha:]",
        "\\(",
        "\\)",
        "+",
        "-1",
        "0",
        "99999",
        "é",
        "\u{0}",
        "\t",
        "x=",
        "a=b",
        "for",
        "if",
        "!",
        "%s",
        "%d",
        "\\n",
        "-n1",
        "-I",
        "{}",
        "p",
        "d",
        "$d",
    ];
    let (mut shell, mut host) = shell();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let len = (rng.next() % 12) as usize;
        let words: Vec<&str> = (0..len).map(|_| rng.pick(&pieces)).collect();
        let input = words.join(" ");
        let _ = split_commands(&input);
        let _ = shell.execute(&input, &mut host);
        let glued = words.concat();
        let _ = split_commands(&glued);
        let _ = shell.execute(&glued, &mut host);
    }
    // Arbitrary ASCII garbage too.
    for _ in 0..1000 {
        let len = (rng.next() % 40) as usize;
        let input: String = (0..len)
            .map(|_| char::from((rng.next() % 128) as u8))
            .collect();
        let _ = split_commands(&input);
        let _ = shell.execute(&input, &mut host);
    }
}

#[test]
fn utilities_never_panic_on_generated_arguments() {
    let args = [
        "-n",
        "-n1",
        "-5",
        "+2",
        "-c",
        "-k",
        "2,1",
        "-t",
        ":",
        "-d",
        "",
        "-f",
        "0",
        "-f",
        "1-",
        "s/",
        "s/a/\\9/",
        "s/x/y/w",
        "1,$p",
        "/[/d",
        "\\",
        "[",
        "a-",
        "z-a",
        "[:x:]",
        "{",
        "}",
        "$0",
        "$NF",
        "%",
        "%*d",
        "%-99999s",
        "x\\",
        "-w",
        "-E",
        "(",
        "a{1,2",
        "-F",
        "/",
        "{print $1/0}",
        "BEGIN",
        "END",
        "-v",
        "a",
        "==",
        "9999999999999999999",
        "{print substr($0, -5, 99)}",
    ];
    let names = [
        "grep", "sed", "awk", "head", "tail", "wc", "sort", "uniq", "cut", "tr", "printf", "echo",
        "base64", "cat", "tee", "ls", "mkdir", "rm", "touch", "xargs",
    ];
    let mut rng = Rng(42);
    let (mut shell, mut host) = shell();
    for _ in 0..3000 {
        let name = rng.pick(&names);
        let argc = (rng.next() % 4) as usize;
        let argv: Vec<String> = (0..argc)
            .map(|_| format!("'{}'", rng.pick(&args).replace('\'', "")))
            .collect();
        let line = format!("printf 'a b:c\\n1 2:3\\n\\n' | {name} {}", argv.join(" "));
        let _ = shell.execute(&line, &mut host);
    }
}

#[test]
fn worst_case_nesting_fits_a_small_stack() {
    // wasm gives the page about 1 MiB of stack; the deepest inputs the limits allow must fit.
    let worker = std::thread::Builder::new().stack_size(1 << 20).spawn(|| {
        let (mut shell, mut host) = shell();
        let depth = limits::MAX_NESTING_DEPTH;
        let inputs = [
            format!("echo {}x{}", "$(echo ".repeat(depth), ")".repeat(depth)),
            format!("echo {}x{}", "${A:-".repeat(depth), "}".repeat(depth)),
            format!(
                "echo {}x{}",
                "$(eval echo ".repeat(depth),
                ")".repeat(depth)
            ),
            "echo 'source l.sh' > l.sh; source l.sh".to_string(),
            format!(
                "echo 1 | awk '{{print {}1}}'",
                "1+".repeat(limits::MAX_AWK_TOKENS / 2 - 4)
            ),
            format!(
                "echo 1 | awk '{{print {}1{}}}'",
                "(".repeat(62),
                ")".repeat(62)
            ),
            format!(
                "echo 1 | awk '{{ {}print{} }}'",
                "{".repeat(60),
                "}".repeat(60)
            ),
        ];
        for input in inputs {
            let _ = shell.execute(&input, &mut host);
        }
    });
    assert!(worker.is_ok_and(|handle| handle.join().is_ok()));
}

// ---- compound commands and the script utilities ----

#[test]
fn loops_and_conditionals() {
    assert_eq!(sh("for i in 1 2 3; do echo $i; done").0, "1\n2\n3\n");
    assert_eq!(
        sh("for i in a b\ndo\n  echo \"[$i]\"\ndone\necho after").0,
        "[a]\n[b]\nafter\n"
    );
    assert_eq!(
        sh("n=0; while [ $n -lt 3 ]; do echo $n; n=$(expr $n + 1); done").0,
        "0\n1\n2\n"
    );
    assert_eq!(sh("until true; do echo never; done; echo done").0, "done\n");
    assert_eq!(
        sh("if [ a = b ]; then echo one; elif test 1 -eq 1; then echo two; else echo three; fi").0,
        "two\n"
    );
    assert_eq!(sh("if false; then echo x; fi; echo $?").0, "0\n");
    assert_eq!(sh("{ echo a; echo b; } | wc -l").0, "2\n");
    assert_eq!(
        sh("for w in x y; do echo $w; done > out; cat out").0,
        "x\ny\n"
    );
    // A loop that never ends is stopped and reported as interrupted.
    let (mut shell, mut host) = shell();
    let result = shell.execute("while true; do :; done; echo unreachable", &mut host);
    assert!(result.interrupted);
    assert_eq!(result.stdout(), "");
    assert_eq!(
        (result.stderr().as_str(), result.status),
        (
            "sh: loop stopped after 20000 iterations: it would never end (add `sleep` to wait for changes, or `break` when done)\n",
            130
        )
    );
}

#[test]
fn break_and_continue() {
    assert_eq!(
        sh("for i in $(seq 10); do [ $i -eq 4 ] && break; [ $i -eq 2 ] && continue; echo $i; done; echo end").0,
        "1\n3\nend\n"
    );
    assert_eq!(
        sh("while true; do n=${n}x; if [ $n = xxx ]; then break; fi; done; echo $n").0,
        "xxx\n"
    );
    assert_eq!(
        sh("for a in 1 2; do for b in x y z; do [ $b = y ] && continue 2; echo $a$b; done; done").0,
        "1x\n2x\n"
    );
    assert_eq!(
        sh("for a in 1 2; do for b in x y; do break 5; done; echo no; done; echo out").0,
        "out\n"
    );
    assert_eq!(
        sh("break; echo still"),
        (
            "still\n".into(),
            "sh: break: only meaningful in a `for', `while', or `until' loop\n".into(),
            0
        )
    );
    assert_eq!(
        sh("for i in 1; do break 0; done").1,
        "sh: break: 0: loop count out of range\n"
    );
}

#[test]
fn watch_reruns_its_command_until_a_timeout_ends_it() {
    let (mut shell, mut host) = shell();
    let result = shell.execute("timeout 5 watch -n 2 kubectl get pods; echo $?", &mut host);
    let refresh =
        "Every 2.0s: kubectl get pods\n\nNAME     READY   STATUS\ndemo-1   1/1     Running\n";
    assert_eq!(result.stdout(), format!("{}124\n", refresh.repeat(3)));
    assert_eq!(host.slept_ms, 5_000);
    // `-g` ends when the output changes; `-t` drops the header.
    let (mut fresh, mut host) = self::shell();
    let result = fresh.execute(
        "watch -t -g -n 1 'n=x; echo $n >> f; cat f'; echo ${n:-unset}",
        &mut host,
    );
    assert_eq!(
        (result.stdout().as_str(), result.status),
        ("x\nx\nx\nunset\n", 0)
    );
    assert_eq!(sh("watch").2, 1);
}

#[test]
fn aliases() {
    assert_eq!(
        sh("alias kgp='kubectl get pods'; kgp -n kube-system | grep -c coredns").0,
        "2\n"
    );
    assert_eq!(
        sh("alias ll='ls -l' k=kubectl; alias").0,
        "alias k='kubectl'\nalias ll='ls -l'\n"
    );
    assert_eq!(sh("alias echo='echo say:'; echo hi").0, "say: hi\n");
    assert_eq!(sh("alias nope").1, "sh: alias: nope: not found\n");
    assert_eq!(sh("alias x=true; unalias x; x").2, 127);
    assert_eq!(
        sh("alias q=\"echo it's\"; alias q").0,
        "alias q='echo it'\\''s'\n"
    );
}

#[test]
fn exit_ends_a_script_but_not_the_terminal() {
    let mut shell = Shell::for_script(VirtualFs::new("/root"), &Default::default());
    let result = shell.execute("echo a; exit 3; echo b", &mut FakeHost::default());
    assert_eq!((result.stdout(), result.status), ("a\n".to_string(), 3));
    assert!(!result.interrupted);
}

#[test]
fn script_utilities() {
    assert_eq!(sh("seq 3").0, "1\n2\n3\n");
    assert_eq!(sh("seq -s , 2 2 8").0, "2,4,6,8\n");
    assert_eq!(sh("seq -w 8 10").0, "08\n09\n10\n");
    assert_eq!(sh("printf 'foo\\nbar' > f; rev f").0, "oof\nrab\n");
    assert_eq!(sh("echo hello | rev").0, "olleh\n");
    assert_eq!(sh("rev missing").2, 1);
    assert_eq!(sh("expr 6 \\* 7").0, "42\n");
    assert_eq!(sh("expr 1 - 1").2, 1);
    assert_eq!(sh("expr length hello").0, "5\n");
    assert_eq!(sh("expr 3 \\> 2").0, "1\n");
    assert_eq!(sh("expr a + 1").2, 2);
    assert_eq!(sh("test -z ''; echo $?").0, "0\n");
    assert_eq!(sh("[ -n '' ]; echo $?").0, "1\n");
    assert_eq!(sh("touch f; [ -f f -a ! -d f ] && echo file").0, "file\n");
    assert_eq!(sh("[ 1 -lt x ]").1, "[: x: integer expression expected\n");
    assert_eq!(sh("[ 1 -lt 2").2, 2);
}

#[test]
fn output_is_stamped_with_the_hosts_time() {
    #[derive(Default)]
    struct Clock(u64);
    impl Host for Clock {
        fn run(&mut self, _: &[String], _: &str, _: &mut VirtualFs) -> Option<ProgramOutput> {
            None
        }
        fn sleep(&mut self, interval: crate::Interval, _: &mut VirtualFs) -> ProgramOutput {
            self.0 += interval.millis().unwrap_or(0);
            ProgramOutput::default()
        }
        fn elapsed_ms(&self) -> u64 {
            self.0
        }
    }
    let mut shell = Shell::for_script(VirtualFs::new("/root"), &Default::default());
    let result = shell.execute(
        "for i in 1 2; do echo tick; sleep 10; done",
        &mut Clock::default(),
    );
    let stamps: Vec<(u64, &str)> = result
        .output
        .iter()
        .map(|c| (c.at_ms, c.text.as_str()))
        .collect();
    assert_eq!(stamps, vec![(0, "tick\n"), (10_000, "tick\n")]);
}

#[test]
fn indexed_arrays() {
    assert_eq!(
        sh("items=(foo bar baz qux xyz)\ni=2\necho ${items[$i]} ${items[0]} ${#items[@]}").0,
        "baz foo 5\n"
    );
    assert_eq!(sh("a=(x y); echo ${a[@]} $a ${a[9]}.").0, "x y x .\n");
}
