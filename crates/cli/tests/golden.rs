//! Golden transcripts: each `tests/golden/NAME.sh` is run by `kubeplay run` and its
//! transcript must equal `tests/golden/NAME.transcript` byte for byte. A first line
//! `# kubeplay: FLAGS` passes flags (e.g. `--cluster kind-multi --seed 7`).
//! `UPDATE_GOLDEN=1 cargo test -p kubeplay-cli --test golden` rewrites the transcripts.

use std::path::{Path, PathBuf};
use std::process::Command;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

fn run_script(script: &Path) -> String {
    let text = std::fs::read_to_string(script).unwrap_or_default();
    let flags: Vec<String> = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# kubeplay:"))
        .map(|flags| flags.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    // Paths in flags are relative to the repository root.
    let root = golden_dir().join("../..");
    let output = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .current_dir(root)
        .arg("run")
        .args(&flags)
        .arg(script)
        .output();
    let Ok(output) = output else {
        panic!("cannot run kubeplay")
    };
    assert!(
        output.status.success(),
        "kubeplay run {script:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn transcripts_match() {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "sh"))
                .collect()
        })
        .unwrap_or_default();
    scripts.sort();
    assert!(
        !scripts.is_empty(),
        "no golden scripts in {:?}",
        golden_dir()
    );
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for script in &scripts {
        let transcript = run_script(script);
        let expected_path = script.with_extension("transcript");
        if update {
            let _ = std::fs::write(&expected_path, &transcript);
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if transcript != expected {
            let first_difference = transcript
                .lines()
                .zip(expected.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .map_or_else(
                    || "lengths differ".to_string(),
                    |(n, (a, b))| format!("line {}:\n  got:      {a}\n  expected: {b}", n + 1),
                );
            failures.push(format!("{}: {first_difference}", script.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "golden transcripts differ (UPDATE_GOLDEN=1 to accept):\n{}",
        failures.join("\n")
    );
}

#[test]
fn same_seed_same_transcript() {
    let script = golden_dir().join("workshop-002-running-at-scale.sh");
    assert_eq!(run_script(&script), run_script(&script));
}
