//! Snapshot of the verdicts in words (SPEC §3 "Verdicts", rule 7): every
//! check's status and message, and data quality's findings, for every
//! conformance case. A change of wording or of a verdict shows up here as
//! a diff to review; when it is meant, write the snapshot anew with
//! `ATTEST_UPDATE_SNAPSHOTS=1 cargo test -p attest-check --test messages`
//! and commit it with the change.

mod cases;

use std::path::PathBuf;

use attest_check::read::Datasets;
use attest_check::run::{run, NoProgress, RunOptions};

/// Every case's verdicts in words, one line each.
fn said() -> String {
    let mut out = String::new();
    for case in &cases::cases().cases {
        let (reference, current, train) = cases::open(case);
        let datasets = Datasets::new(&reference, &current).with_train(train.as_ref());
        let config = case.configuration().expect("case configuration");
        let report = run(datasets, &config, &RunOptions::default(), &NoProgress).expect("runs");
        out.push_str(&format!(
            "## {} ({})\n",
            case.name,
            report.summary.status.as_str()
        ));
        for c in &report.checks {
            out.push_str(&format!(
                "{} {}: {}\n",
                c.status.as_str(),
                c.id,
                c.message.as_deref().unwrap_or("")
            ));
            if c.id == "data_quality" {
                for f in c.evidence["findings"].as_array().into_iter().flatten() {
                    out.push_str(&format!("  finding: {}\n", f.as_str().unwrap_or("")));
                }
            }
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_verdicts_in_words_are_as_reviewed() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/verdict_messages.txt");
    let now = said();
    if std::env::var_os("ATTEST_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(&path, &now).expect("write the snapshot");
        return;
    }
    let was = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); write it with ATTEST_UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if was != now {
        let (a, b): (Vec<&str>, Vec<&str>) = (was.lines().collect(), now.lines().collect());
        let first = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        panic!(
            "the verdicts' words changed (first at line {}):\n  was: {}\n  now: {}\nreview, then ATTEST_UPDATE_SNAPSHOTS=1 cargo test -p attest-check --test messages",
            first + 1,
            a.get(first).unwrap_or(&"(end)"),
            b.get(first).unwrap_or(&"(end)")
        );
    }
}
