//! Lines that wait in the middle, run in passes (`Terminal::start`/`drive`) as the page runs
//! them, against the same lines run in one go (`Terminal::execute`) as the CLI runs them.

use kubeplay_shell::Chunk;
use kubeplay_sim::clock::Millis;
use kubeplay_sim::{ClusterShape, create_cluster};

use crate::terminal::{Started, Terminal};

fn terminal() -> Terminal {
    let start = jiff::Timestamp::from_second(1_748_859_300).unwrap_or_else(|e| panic!("{e}"));
    Terminal::new(
        create_cluster(&ClusterShape::kind(), start, 3),
        Box::new(|_| None),
    )
}

fn text(chunks: &[Chunk]) -> String {
    chunks.iter().map(|c| c.text.as_str()).collect()
}

/// Runs `line` as the page does, a step of `step_ms` of virtual time at a time; returns the
/// text of each step and the final status.
fn in_steps(terminal: &mut Terminal, line: &str, step_ms: Millis) -> (Vec<String>, i32) {
    let mut foreground = match terminal.start(line) {
        Started::Finished(execution) => return (vec![text(&execution.output)], execution.status),
        Started::Waiting(foreground) => foreground,
    };
    let mut steps = Vec::new();
    for _ in 0..10_000 {
        let until = terminal.cluster.now_ms() + step_ms;
        let slice = terminal.drive(&mut foreground, until);
        steps.push(text(&slice.output));
        if let Some(status) = slice.finished {
            return (steps, status);
        }
    }
    panic!("{line} never finished");
}

#[test]
fn a_loop_that_sleeps_prints_as_time_passes() {
    let line = "for i in 1 2 3; do echo tick $i; sleep 10; done; echo done";
    let mut paged = terminal();
    let (steps, status) = in_steps(&mut paged, line, 5_000);
    assert_eq!(status, 0);
    // What the line printed before its first wait shows with the first step.
    assert_eq!(
        steps,
        vec!["tick 1\n", "tick 2\n", "", "tick 3\n", "", "done\n"]
    );
    let mut at_once = terminal();
    let execution = at_once.execute(line);
    assert_eq!(text(&execution.output), steps.concat());
    assert_eq!(paged.cluster.now_ms(), at_once.cluster.now_ms());
}

#[test]
fn what_a_line_did_before_a_wait_is_not_done_again() {
    let line = "kubectl create deployment web --image=nginx && sleep 30 && kubectl get deployment web -o name; x=set";
    let mut paged = terminal();
    let (steps, status) = in_steps(&mut paged, line, 10_000);
    assert_eq!(status, 0);
    assert_eq!(
        steps.concat(),
        "deployment.apps/web created\ndeployment.apps/web\n"
    );
    assert_eq!(paged.shell().variable("x"), Some("set"));
}

#[test]
fn timeouts_and_statuses_carry_across_passes() {
    let mut paged = terminal();
    let line = "timeout 5 sleep 60; echo $?; sleep 1 && echo $?";
    let (steps, status) = in_steps(&mut paged, line, 1_000);
    assert_eq!((steps.concat().as_str(), status), ("124\n0\n", 0));
}

#[test]
fn ctrl_c_stops_a_loop_and_keeps_what_it_did() {
    let mut paged = terminal();
    let Started::Waiting(mut foreground) =
        paged.start("for i in $(seq 100); do n=$i; sleep 60; done")
    else {
        panic!("the loop waits");
    };
    let until = paged.cluster.now_ms() + 150_000;
    let slice = paged.drive(&mut foreground, until);
    assert_eq!(slice.finished, None);
    let slice = paged.interrupt(foreground);
    assert_eq!(text(&slice.output), "^C\n");
    assert_eq!(paged.shell().variable("n"), Some("3"));
    assert_eq!(paged.shell().last_status(), 130);
}

#[test]
fn a_loop_without_a_wait_is_stopped_with_a_reason() {
    let mut paged = terminal();
    let Started::Finished(execution) = paged.start("while true; do echo -n; done") else {
        panic!("nothing waits");
    };
    assert_eq!(execution.status, 130);
    assert!(
        execution
            .stderr()
            .starts_with("sh: loop stopped after 20000 iterations")
    );
}

#[test]
fn watch_refreshes_as_time_passes_and_stops_at_its_timeout() {
    let line = "timeout 5 watch -n 2 kubectl get namespaces -o name";
    let mut paged = terminal();
    let (steps, status) = in_steps(&mut paged, line, 1_000);
    assert_eq!(status, 124);
    let refresh = |time: &str| {
        format!(
            "Every 2.0s: kubectl get namespaces -o name{}kubeplay: Mon Jun  2 10:{time} 2025\n\nnamespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\nnamespace/local-path-storage\n",
            " ".repeat(4)
        )
    };
    assert_eq!(steps[0], refresh("15:00"));
    assert_eq!(steps[1], refresh("15:02"));
    assert_eq!(steps[3], refresh("15:04"));
    let mut at_once = terminal();
    assert_eq!(text(&at_once.execute(line).output), steps.concat());
}

#[test]
fn a_spent_slice_pauses_a_wait_and_ends_nothing() {
    let line = "kubectl create deployment web --image=nginx --replicas=20 && kubectl rollout status deployment/web && echo rolled";
    let mut at_once = terminal();
    let execution = at_once.execute(line);
    let mut paged = terminal();
    let Started::Waiting(mut foreground) = paged.start(line) else {
        panic!("the rollout waits");
    };
    let mut output = Vec::new();
    let mut paused = 0;
    let status = loop {
        // Every slice is spent at once: the wait stops at its first look at the budget,
        // between two instants.
        let before = paged.cluster.now_ms();
        let slice = paged.drive_within(&mut foreground, Millis::MAX, &mut || false);
        output.extend(slice.output);
        if let Some(status) = slice.finished {
            break status;
        }
        paused += 1;
        assert!(paged.cluster.now_ms() >= before, "time never goes back");
        assert!(paused < 100_000, "the rollout never finished");
    };
    assert!(paused > 0, "no slice ran out");
    assert_eq!(status, 0);
    assert_eq!(text(&output), text(&execution.output));
    assert_eq!(paged.cluster.now_ms(), at_once.cluster.now_ms());
}

#[test]
fn a_followed_polling_script_prints_each_answer_when_it_comes() {
    let mut paged = terminal();
    let setup = "kubectl create deployment demo --image=demo:1.0.0 && kubectl expose deployment demo --port=80 && kubectl rollout status deployment/demo && kubectl run load --image=busybox -- sh -c 'while true; do wget -qO- http://demo; sleep 2; done' && kubectl wait --for=condition=Ready pod/load";
    assert_eq!(paged.execute(setup).status, 0);
    let (steps, status) = in_steps(&mut paged, "timeout 9 kubectl logs -f load --tail=0", 1_000);
    assert_eq!(status, 124);
    // One answer every two seconds, each in the step that reached its moment (the script
    // pauses at each request and goes on when its moment comes).
    let answered: Vec<usize> = steps
        .iter()
        .map(|step| step.matches("demo-").count())
        .collect();
    assert_eq!(answered.iter().sum::<usize>(), 4, "{steps:?}");
    assert!(answered.iter().all(|n| *n <= 1), "{steps:?}");
}
