//! `kubeplay lesson check FILE…`: parses each lesson file and verifies it natively
//! (kubeplay_lessons::verify), printing one line per step and what failed.

use std::path::Path;
use std::process::ExitCode;

use kubeplay_lessons::verify;

/// The virtual time every check starts at (the same as `kubeplay run`'s default).
const START: &str = "2025-06-02T10:15:00Z";

pub fn check(files: &[String], quick: bool) -> ExitCode {
    let mut failed = 0;
    for file in files {
        if let Err(message) = check_one(file, quick) {
            eprintln!("{message}");
            failed += 1;
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!("{failed} of {} lessons failed", files.len());
        ExitCode::from(1)
    }
}

fn check_one(file: &str, quick: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|error| format!("{file}: {error}"))?;
    let name = Path::new(file)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or(file);
    let lesson = kubeplay_lessons::parse(name, file, &text).map_err(|error| error.to_string())?;
    let start: jiff::Timestamp = START.parse().map_err(|error| format!("{error}"))?;
    let outcome = if quick {
        verify::walk(&lesson, start)
    } else {
        verify::verify(&lesson, start)
    };
    let reports = outcome.map_err(|failure| format!("{file}: {failure}"))?;
    println!("{file}: {} ({} steps)", lesson.title, reports.len());
    for (index, report) in reports.iter().enumerate() {
        println!(
            "  {}. {} — {} command{}, done {} s after",
            index + 1,
            report.title,
            report.commands,
            if report.commands == 1 { "" } else { "s" },
            report.waited_ms / 1000
        );
    }
    if !quick {
        println!("  no step can be skipped");
    }
    Ok(())
}
