//! Every shipped lesson holds, and stops holding when a step is cut out of its file or two
//! steps that build on each other are swapped.

use kubeplay_lessons::catalog::SHIPPED;
use kubeplay_lessons::{parse, verify};

fn start() -> jiff::Timestamp {
    "2025-06-02T10:15:00Z"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_shipped_lesson_passes_and_no_step_can_be_skipped() {
    for shipped in SHIPPED {
        let lesson = shipped.lesson().unwrap_or_else(|e| panic!("{e}"));
        if let Err(failure) = verify::verify(&lesson, start()) {
            panic!("{}: {failure}", shipped.name);
        }
    }
}

#[test]
fn lessons_whose_steps_build_on_each_other_fail_when_reordered() {
    for name in [
        "000-workloads",
        "statefulset-basics",
        "daemonset-taints",
        "rolling-update",
        "node-failure",
    ] {
        let lesson = kubeplay_lessons::catalog::find(name)
            .unwrap_or_else(|| panic!("{name} is not shipped"))
            .unwrap_or_else(|e| panic!("{e}"));
        for first in 0..lesson.steps.len() - 1 {
            let mut order: Vec<usize> = (0..lesson.steps.len()).collect();
            order.swap(first, first + 1);
            assert!(
                verify::walk_in_order(&lesson, &order, start()).is_err(),
                "{name} passes with steps {} and {} swapped",
                first + 1,
                first + 2
            );
        }
    }
}

/// A lesson whose second step's checks hold without its code: the learner could skip it.
const SKIPPABLE: &str = "---\ntitle: Skippable\n---\n## Create\n```bash\nkubectl create namespace dev\nkubectl -n dev create deployment demo --image=demo:1.0.0\n```\n```check\nthat: demo exists\nrun: kubectl -n dev get deployment demo -o name\nexpect: deployment.apps/demo\n```\n## Look\n```bash\nkubectl -n dev get pods\n```\n```check\nthat: demo is ready\nrun: kubectl -n dev get deployment demo -o jsonpath={.status.readyReplicas}\nexpect: 1\n```\n## Label\n```bash\nkubectl -n dev label deployment demo tier=web\n```\n```check\nthat: labelled\nrun: kubectl -n dev get deployment demo -o jsonpath={.metadata.labels.tier}\nexpect: web\n```\n";

#[test]
fn a_step_that_can_be_skipped_fails_the_check() {
    let lesson = parse("skippable", "skippable.md", SKIPPABLE).unwrap_or_else(|e| panic!("{e}"));
    assert!(verify::walk(&lesson, start()).is_ok());
    let failure = verify::verify(&lesson, start()).map(|_| ()).unwrap_err();
    assert_eq!(
        failure.to_string(),
        "step 2 (Look) can be skipped: without its code, its checks pass once the other steps are done"
    );
}

#[test]
fn shipped_steps_left_out_or_swapped_fail_the_walk_or_stay_undone() {
    let lesson = kubeplay_lessons::catalog::find("rolling-update")
        .unwrap_or_else(|| panic!("not shipped"))
        .unwrap_or_else(|e| panic!("{e}"));
    // Without "Roll out version 2", the rollback goes back to version 1.
    let failure = verify::walk_in_order(&lesson, &[0, 2, 3], start())
        .map(|_| ())
        .unwrap_err();
    assert!(
        failure.to_string().starts_with("step 4 (Roll back)"),
        "{failure}"
    );
    let failure = verify::walk_in_order(&lesson, &[0, 2, 1, 3], start())
        .map(|_| ())
        .unwrap_err();
    // Rolled out after the broken update, version 2 leaves nothing to roll back.
    assert!(
        failure
            .to_string()
            .starts_with("step 4 (Roll back): its checks already pass"),
        "{failure}"
    );
}

#[test]
fn lesson_002_starts_where_001_ends() {
    let find = |name: &str| {
        kubeplay_lessons::catalog::find(name)
            .unwrap_or_else(|| panic!("{name} is not shipped"))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let first = find("001-deploy-a-fleet");
    let order: Vec<usize> = (0..first.steps.len()).collect();
    let (_, mut ended) = verify::walk_in_order(&first, &order, start())
        .unwrap_or_else(|failure| panic!("{failure}"));
    let mut started = verify::start_terminal(&find("002-running-at-scale"), start())
        .unwrap_or_else(|failure| panic!("{failure}"));
    for probe in [
        "kubectl get namespace dev -o jsonpath={.status.phase}",
        "kubectl -n dev get deployments -o name",
        "kubectl -n dev get deployment demo -o jsonpath='{.spec.replicas} {.status.readyReplicas} {.spec.template.spec.containers[0].image}'",
        "cat ~/environment/004-demo-deployment.yaml",
    ] {
        assert_eq!(
            ended.query(probe).stdout(),
            started.query(probe).stdout(),
            "{probe}"
        );
    }
}
