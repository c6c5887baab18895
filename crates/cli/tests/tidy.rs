//! Tidy checks over the source tree, in the manner of rust-analyzer's `xtask/src/tidy.rs`:
//! the core crates stay free of IO and wall clocks (building for wasm32 does not catch these —
//! they compile there and fail only at run time), and every file says what it is for.

use std::fs;
use std::path::{Path, PathBuf};

/// The crates that must run unchanged in the browser and replay byte for byte.
const CORE_CRATES: &[&str] = &["model", "sim", "shell", "kubectl", "lessons"];

/// What the core must not touch: the wall clock, the filesystem, the network, the process
/// environment. Time and randomness are injected instead.
const FORBIDDEN_IN_CORE: &[&str] = &[
    "std::time::Instant",
    "Instant::now",
    "SystemTime",
    "std::fs",
    "std::net",
    "std::env",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// Every `.rs` file under `dir`, sorted so failures list in a stable order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The part of a file that ships: test modules (a `tests.rs` file, or everything from the
/// first `#[cfg(test)]`, where this tree keeps its inline tests) run natively only.
fn shipped_code(path: &Path, text: &str) -> Option<String> {
    if path.file_name().is_some_and(|name| name == "tests.rs") {
        return None;
    }
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let without_comments = code
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    Some(without_comments)
}

#[test]
fn core_crates_do_no_io_and_read_no_wall_clock() {
    let root = workspace_root();
    let mut offences = Vec::new();
    for krate in CORE_CRATES {
        let src = root.join("crates").join(krate).join("src");
        let files = rust_files(&src);
        assert!(!files.is_empty(), "no sources under {}", src.display());
        for path in files {
            let text = fs::read_to_string(&path).expect("a readable source file");
            let Some(code) = shipped_code(&path, &text) else {
                continue;
            };
            for forbidden in FORBIDDEN_IN_CORE {
                if code.contains(forbidden) {
                    let relative = path.strip_prefix(&root).unwrap_or(&path);
                    offences.push(format!("{}: uses {forbidden}", relative.display()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the core crates must do no IO and read no wall clock (inject time instead):\n{}",
        offences.join("\n")
    );
}

#[test]
fn every_file_starts_with_a_module_doc_comment() {
    let root = workspace_root();
    let mut missing = Vec::new();
    for path in rust_files(&root.join("crates")) {
        let text = fs::read_to_string(&path).expect("a readable source file");
        if !text.starts_with("//!") {
            let relative = path.strip_prefix(&root).unwrap_or(&path);
            missing.push(relative.display().to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "these files do not start with a `//!` line saying what they are for:\n{}",
        missing.join("\n")
    );
}

/// The checks can fail: a forbidden use in shipped code is found, one in a test module is not.
#[test]
fn the_io_check_sees_shipped_code_only() {
    let shipped = "use std::fs;\nfn f() {}\n";
    let code = shipped_code(Path::new("a.rs"), shipped).unwrap_or_default();
    assert!(code.contains("std::fs"));
    let tested = "fn f() {}\n#[cfg(test)]\nmod tests { use std::env; }\n";
    let code = shipped_code(Path::new("a.rs"), tested).unwrap_or_default();
    assert!(!code.contains("std::env"));
    assert_eq!(shipped_code(Path::new("src/tests.rs"), shipped), None);
}
