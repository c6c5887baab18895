//! The differential test of `kubeplay serve`: golden scripts run through the REAL kubectl
//! v1.33 against `kubeplay serve --clock manual` must print what `kubeplay run` printed (the
//! golden transcripts), byte for byte, except for the differences ARCHITECTURE.md lists
//! ("kubeplay serve" under Known differences).
//!
//! Each script runs in one bash session (so shell variables carry over) whose `kubectl` is the
//! real binary with the server's kubeconfig. `sleep N` moves the manual clock N seconds; a
//! command still running after a moment of wall time is waiting for the cluster (`delete`,
//! `rollout status`), so the clock steps to the next scheduled change until it finishes, as
//! kubeplay's own waiting commands step from change to change.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use kubeplay_shell::split_commands;

mod common;
use common::{Served, golden_dir, serve};

/// Scripts whose whole transcript the real kubectl reproduces through `kubeplay serve`
/// (`SERVE_DIFF_SCRIPT=NAME` runs any other one and leaves its transcript in the temp dir).
/// The others use what the server does not serve yet, or show the differences ARCHITECTURE.md
/// lists under "kubeplay serve".
const SCRIPTS: &[&str] = &[
    "workshop-001-deploy-a-fleet",
    "patch",
    "cascading-delete",
    "crashloop",
    "cronjob-timezone",
    "cronjobs",
    "errors-api-wording",
    "errors-claim-without-storage",
    "errors-cronjob-schedules",
    "errors-empty",
    "errors-field-order",
    "errors-invalid-accepted",
    "errors-multi-document",
    "errors-valid-rejected",
    "explain",
    "indexed-job-static",
    "init-containers",
    "job-failure-policies",
    "jobs",
    "kind-config",
    "limits-tab",
    "oom",
    "scale-dry-run",
    "scheduling-requeue",
    "statefulset-claim-retries",
    "stuck-rollout",
    "server-side-apply",
    "exec-streams",
    "workshop-002-running-at-scale",
    "traffic",
    "traffic-network-policy",
];

const DONE: &str = "\u{1}__KUBEPLAY_DONE__\n";
/// How often a running command is looked at.
const POLL: Duration = Duration::from_millis(150);
/// A command that waits without a watch (kubectl drain polls) gets a step after this many
/// quiet polls.
const POLLS_WITHOUT_WATCH: u32 = 20;

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

/// One bash session whose `kubectl` is the real one, pointed at the server.
struct Session {
    child: Child,
    stdin: ChildStdin,
    output: Receiver<Vec<u8>>,
}

impl Session {
    /// A session in a copy of the golden folder: scripts write files, and may read the
    /// folder's manifests (as `kubeplay run` falls back to the script's folder).
    fn start(served: &Served, golden: &Path) -> Session {
        let work = served.dir.join("work");
        let copied = Command::new("cp")
            .arg("-r")
            .arg(golden)
            .arg(&work)
            .status()
            .unwrap();
        assert!(copied.success(), "cannot copy {}", golden.display());
        // kubeplay's shell starts in a home with `~/environment` (the workshops' folder).
        std::fs::create_dir_all(served.dir.join("environment")).unwrap();
        let bin = served.dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        // The real binary is run as `kubectl` (a link of that name), so its User-Agent — and
        // the field manager the server derives from it — is kubectl's, not `kubectl.1.33`.
        let real = served.dir.join("real");
        std::fs::create_dir_all(&real).unwrap();
        std::os::unix::fs::symlink(real_kubectl(), real.join("kubectl")).unwrap();
        let wrapper = bin.join("kubectl");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nexec {} --kubeconfig {} \"$@\"\n",
                real.join("kubectl").display(),
                served.dir.join("kubeconfig").display()
            ),
        )
        .unwrap();
        Command::new("chmod")
            .arg("+x")
            .arg(&wrapper)
            .status()
            .unwrap();
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut child = Command::new("bash")
            .args(["--norc", "--noprofile"])
            .current_dir(&work)
            .env("PATH", path)
            .env("HOME", &served.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (sender, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(read) = stdout.read(&mut buffer) {
                if read == 0 || sender.send(buffer[..read].to_vec()).is_err() {
                    break;
                }
            }
        });
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "exec 2>&1").unwrap();
        Session {
            child,
            stdin,
            output,
        }
    }

    /// Runs one command; while it waits on a watch (or, without one, for long), the clock
    /// steps to the next change.
    fn run(&mut self, command: &str, served: &Served) -> String {
        // The marker keeps the command's exit status for the next command's `$?`. The
        // command reads no input but its own (`exec -i` would read the script that follows,
        // where kubeplay's terminal gives it nothing).
        write!(
            self.stdin,
            "{{\n{command}\n}} < /dev/null\n__kubeplay_status=$?; printf '\\001__KUBEPLAY_DONE__\\n'; (exit $__kubeplay_status)\n"
        )
        .unwrap();
        self.stdin.flush().unwrap();
        let mut bytes = Vec::new();
        let mut steps = 0;
        let (mut watching, mut quiet) = (0, 0);
        loop {
            if let Some(end) = String::from_utf8_lossy(&bytes).find(DONE) {
                return String::from_utf8_lossy(&bytes)[..end].to_string();
            }
            match self.output.recv_timeout(POLL) {
                Ok(chunk) => bytes.extend(chunk),
                Err(RecvTimeoutError::Timeout) => {
                    quiet += 1;
                    // Twice in a row on a watch: the client waits for the cluster.
                    watching = if served.open_watches() > 0 {
                        watching + 1
                    } else {
                        0
                    };
                    if watching >= 2 || quiet >= POLLS_WITHOUT_WATCH {
                        steps += 1;
                        assert!(steps < 2000, "{command:?} still waits after {steps} steps");
                        served.post("/kubeplay/v1/advance?to=next-change");
                        (watching, quiet) = (0, 0);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => panic!("bash ended during {command:?}"),
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `sleep 30`, `sleep 2m`: the seconds a plain sleep command waits.
fn sleep_seconds(command: &str) -> Option<f64> {
    let argument = command.trim().strip_prefix("sleep ")?.trim();
    let (number, unit) = match argument.char_indices().last()? {
        (index, 's') => (&argument[..index], 1.0),
        (index, 'm') => (&argument[..index], 60.0),
        (index, 'h') => (&argument[..index], 3600.0),
        _ => (argument, 1.0),
    };
    number.parse::<f64>().ok().map(|n| n * unit)
}

/// The transcript of `script` through the real kubectl and `kubeplay serve`.
fn transcript(name: &str, golden: &Path) -> String {
    let script = std::fs::read_to_string(golden.join(format!("{name}.sh"))).unwrap();
    let flags: Vec<String> = script
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# kubeplay:"))
        .map(|flags| flags.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    let served = serve(name, &flags);
    let mut session = Session::start(&served, golden);
    let mut transcript = String::new();
    for command in split_commands(&script) {
        let first_line = command.lines().next().unwrap_or_default();
        transcript.push_str(&format!("$ {first_line}\n"));
        match sleep_seconds(&command) {
            Some(seconds) => {
                served.post(&format!("/kubeplay/v1/advance?seconds={seconds}"));
            }
            None => transcript.push_str(&session.run(&command, &served)),
        }
    }
    transcript
}

/// The lines of a transcript with `describe`'s Events tables reduced to what does not
/// depend on the client's clock: each row without its Age, whitespace collapsed (the column
/// widths follow the ages).
fn without_event_ages(transcript: &str) -> Vec<String> {
    let mut in_events = false;
    transcript
        .lines()
        .map(|line| {
            if line.starts_with("Events:") {
                in_events = true;
                return line.to_string();
            }
            if !line.starts_with("  ") {
                in_events = false;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.first() {
                // Event rows also reach the transcript through `| grep`, without their header.
                Some(&("Normal" | "Warning")) if line.starts_with("  ") && words.len() > 3 => {
                    // Type, Reason, then the Age (one word, or `14s (x2 over 22s)`), From, Message.
                    let after_reason = skip_words(line, 2);
                    let after_age = match after_reason.find(" (x") {
                        Some(start) if after_reason[..start].split_whitespace().count() == 1 => {
                            after_reason[start..]
                                .split_once(')')
                                .map_or("", |(_, tail)| tail)
                        }
                        _ => skip_words(after_reason, 1),
                    };
                    format!(
                        "{} {} {}",
                        words[0],
                        words[1],
                        after_age.split_whitespace().collect::<Vec<_>>().join(" ")
                    )
                }
                _ if in_events => words.join(" "),
                _ => line.to_string(),
            }
        })
        .collect()
}

/// `text` after its first `count` whitespace-separated words.
fn skip_words(text: &str, count: usize) -> &str {
    let mut rest = text.trim_start();
    for _ in 0..count {
        rest = rest
            .find(char::is_whitespace)
            .map_or("", |end| rest[end..].trim_start());
    }
    rest
}

/// What the real kubectl says when `exec -t` finds no terminal on its standard input: this
/// test gives it none, a learner at a terminal never sees it.
const NO_TTY: &str = "Unable to use a TTY - input is not a terminal or the right kind of file";

/// Equal but for the known differences: kubectl computes the ages in `describe`'s Events from
/// its own clock, which a manual virtual clock does not follow; `exec -t` has no terminal here.
fn same_but_known_differences(expected: &str, actual: &str) -> bool {
    let with_terminal: String = actual
        .split_inclusive('\n')
        .filter(|line| line.trim_end() != NO_TTY)
        .collect();
    expected == with_terminal || without_event_ages(expected) == without_event_ages(&with_terminal)
}

#[test]
fn the_real_kubectl_through_kubeplay_serve_prints_the_golden_transcripts() {
    let golden = golden_dir();
    let only = std::env::var("SERVE_DIFF_SCRIPT").ok();
    let names: Vec<&str> = match &only {
        Some(name) => vec![name.as_str()],
        None => SCRIPTS.to_vec(),
    };
    let mut failures = Vec::new();
    for name in names {
        let expected = std::fs::read_to_string(golden.join(format!("{name}.transcript"))).unwrap();
        let actual = transcript(name, &golden);
        if !same_but_known_differences(&expected, &actual) {
            let out = std::env::temp_dir().join(format!("{name}.serve-transcript"));
            std::fs::write(&out, &actual).unwrap();
            failures.push(format!(
                "{name}: differs; see diff tests/golden/{name}.transcript {}",
                out.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
