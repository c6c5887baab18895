//! Evaluating checks: each runs its read-only command through the learner's own terminal
//! ([`Terminal::query`]: kubectl itself, on a copy of the shell, with the clock standing still)
//! and compares what it printed with what the lesson expects. There is no second model of
//! the cluster, and evaluating a check changes nothing.

use kubeplay_kubectl::Terminal;

use crate::lesson::{Check, Expectation, Step};

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    pub passed: bool,
    /// For a failed check: what it looked for and what the command printed instead.
    pub explanation: String,
}

/// Whether a step is done, and if not what is still missing (one line per failed check).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepStatus {
    pub done: bool,
    pub missing: Vec<String>,
}

/// The longest piece of command output quoted in an explanation.
const MAX_QUOTED_CHARS: usize = 160;

pub fn evaluate(check: &Check, terminal: &mut Terminal) -> CheckResult {
    let execution = terminal.query(&check.run);
    let stdout = execution.stdout();
    let printed = stdout.trim();
    let stderr = execution.stderr();
    // A command that failed with a message (kubectl's NotFound) fails the check; one that
    // only reports through its status (`grep -c` counting 0) is judged by what it printed.
    let errored = execution.status != 0 && !stderr.trim().is_empty();
    let passed = !errored && matches(&check.expect, printed);
    if passed {
        return CheckResult {
            passed,
            explanation: String::new(),
        };
    }
    let observed = if !stderr.trim().is_empty() {
        format!("it says {}", quote(stderr.trim()))
    } else if printed.is_empty() {
        "it prints nothing yet".to_string()
    } else {
        format!("it prints {}", quote(printed))
    };
    CheckResult {
        passed,
        explanation: format!(
            "Not yet: {} — `{}` should print {}; {observed}.",
            check.that, check.run, check.expect
        ),
    }
}

/// Evaluates every check of `step`.
pub fn step_status(step: &Step, terminal: &mut Terminal) -> StepStatus {
    let missing: Vec<String> = step
        .checks
        .iter()
        .map(|check| evaluate(check, terminal))
        .filter(|result| !result.passed)
        .map(|result| result.explanation)
        .collect();
    StepStatus {
        done: missing.is_empty(),
        missing,
    }
}

fn matches(expect: &Expectation, printed: &str) -> bool {
    match expect {
        Expectation::Equals(text) => printed == text.trim(),
        Expectation::Contains(text) => printed.contains(text.as_str()),
        Expectation::Count(n) => printed.split_whitespace().count() == *n,
        Expectation::AtLeast(n) => printed.parse::<i64>().is_ok_and(|value| value >= *n),
    }
}

fn quote(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_QUOTED_CHARS {
        return format!("{one_line:?}");
    }
    let cut: String = one_line.chars().take(MAX_QUOTED_CHARS).collect();
    format!("{cut:?}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_sim::{ClusterShape, create_cluster};

    fn terminal() -> Terminal {
        let start = jiff::Timestamp::from_second(1_748_859_300).unwrap_or_else(|e| panic!("{e}"));
        Terminal::new(
            create_cluster(&ClusterShape::kind(), start, 3),
            Box::new(|_| None),
        )
    }

    fn check(run: &str, expect: Expectation) -> Check {
        Check {
            that: "the thing holds".into(),
            run: run.into(),
            expect,
            line: 1,
        }
    }

    #[test]
    fn checks_read_through_kubectl_and_explain_what_is_missing() {
        let mut terminal = terminal();
        let namespace = check(
            "kubectl get namespace dev -o jsonpath={.status.phase}",
            Expectation::Equals("Active".into()),
        );
        let result = evaluate(&namespace, &mut terminal);
        assert!(!result.passed);
        assert_eq!(
            result.explanation,
            "Not yet: the thing holds — `kubectl get namespace dev -o jsonpath={.status.phase}` should print \"Active\"; it says \"Error from server (NotFound): namespaces \\\"dev\\\" not found\"."
        );
        terminal.execute("kubectl create namespace dev");
        assert!(evaluate(&namespace, &mut terminal).passed);
        let nodes = check("kubectl get nodes -o name", Expectation::Count(1));
        assert!(evaluate(&nodes, &mut terminal).passed);
        let pipeline = check(
            "kubectl get pods -n kube-system -o name | grep -c coredns",
            Expectation::AtLeast(2),
        );
        assert!(evaluate(&pipeline, &mut terminal).passed);
    }

    #[test]
    fn checks_change_nothing() {
        let mut terminal = terminal();
        terminal.execute("X=before");
        let version = terminal.cluster.api.store.resource_version();
        let now = terminal.cluster.now_ms();
        for run in [
            "kubectl create namespace sneaky",
            "kubectl delete pods --all -n kube-system",
            "kubeplay node add",
            "sleep 3600",
            "timeout 5m kubectl rollout status deployment/x",
            "kubectl get pods -A -w",
            "X=after; echo hi | tee ~/written",
            "kubectl get pods -A",
        ] {
            evaluate(
                &check(run, Expectation::Contains("x".into())),
                &mut terminal,
            );
        }
        assert_eq!(terminal.cluster.api.store.resource_version(), version);
        assert_eq!(terminal.cluster.now_ms(), now);
        assert_eq!(terminal.shell().variable("X"), Some("before"));
        assert!(!terminal.shell().fs().exists("/home/learner/written"));
        let refused = evaluate(
            &check(
                "kubectl create namespace sneaky",
                Expectation::Contains("x".into()),
            ),
            &mut terminal,
        );
        assert!(
            refused
                .explanation
                .contains("kubectl create cannot run in a check"),
            "{}",
            refused.explanation
        );
    }
}
