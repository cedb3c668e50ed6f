//! `attest check` in a pipeline (SPEC §8): the Markdown summary (snapshots
//! of a passing, a warning and a failing report; write them anew with
//! `ATTEST_UPDATE_SNAPSHOTS=1 cargo test -p attest-cli --test ci` when a
//! change is meant), `--fail-on`, and inside GitHub Actions the step
//! summary, the outputs and the annotations.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn conformance_dir() -> PathBuf {
    std::env::var_os("ATTEST_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
        })
}

/// `attest check` on a conformance case, run from the conformance folder
/// (so the inputs' names in the summary are the same everywhere), with a
/// fixed time and no CI variables of the machine running the tests.
fn check(case: &str, extra: &[&str], env: &[(&str, &Path)]) -> std::process::Output {
    let mut c = Command::cargo_bin("attest").expect("binary built");
    c.current_dir(conformance_dir())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .args(["check", "--reference"])
        .arg(format!("{case}/reference.parquet"))
        .arg("--current")
        .arg(format!("{case}/current.parquet"))
        .args(extra);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("attest runs")
}

fn snapshot(name: &str, text: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/snapshots/{name}"));
    if std::env::var_os("ATTEST_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(&path, text).expect("write the snapshot");
        return;
    }
    let was = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); write it with ATTEST_UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert!(
        was == text,
        "{name} changed; if meant, write it anew with ATTEST_UPDATE_SNAPSHOTS=1:\n--- was\n{was}\n--- now\n{text}"
    );
}

#[test]
fn markdown_summaries_of_a_passing_a_warning_and_a_failing_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (case, status, code) in [
        ("skew_join", "PASS", 0),
        ("importance_proxy", "WARN", 0),
        ("binary_0", "FAIL", 1),
    ] {
        let md = dir.path().join(format!("{case}.md"));
        let out = check(case, &["--markdown", md.to_str().expect("utf-8")], &[]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{case}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&md).expect("markdown written");
        assert!(
            text.starts_with("<!-- attest:report model=unnamed -->\n"),
            "{text}"
        );
        assert!(text.contains(&format!("Attest: {status}")), "{text}");
        // Outside CI: no status lines, no workflow commands.
        assert!(!String::from_utf8_lossy(&out.stderr).contains(&format!("{status} ")));
        assert!(!String::from_utf8_lossy(&out.stdout).contains("::"));
        let stable = text.replace(
            &format!("attest {}", env!("CARGO_PKG_VERSION")),
            "attest 0.0.0-snapshot",
        );
        snapshot(&format!("{case}.md"), &stable);
    }
}

#[test]
fn fail_on_warn_fails_a_warning_run() {
    assert_eq!(check("importance_proxy", &[], &[]).status.code(), Some(0));
    assert_eq!(
        check("importance_proxy", &["--fail-on", "warn"], &[])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        check("skew_join", &["--fail-on", "warn"], &[])
            .status
            .code(),
        Some(0)
    );
    let bad = check("skew_join", &["--fail-on", "sometimes"], &[]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn inside_github_actions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (summary, output, json) = (
        dir.path().join("summary.md"),
        dir.path().join("output.txt"),
        dir.path().join("report.json"),
    );
    let yes = PathBuf::from("true");
    let out = check(
        "binary_0",
        &["--json", json.to_str().expect("utf-8")],
        &[
            ("GITHUB_ACTIONS", &yes),
            ("GITHUB_STEP_SUMMARY", &summary),
            ("GITHUB_OUTPUT", &output),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let outputs = std::fs::read_to_string(&output).expect("outputs");
    assert_eq!(
        outputs,
        format!(
            "verdict=fail\nexit-code=1\nreport-json={}\nfailed-checks=feature_drift\n",
            json.display()
        )
    );
    let summary_text = std::fs::read_to_string(&summary).expect("step summary");
    assert!(summary_text.starts_with("<!-- attest:report model=unnamed -->"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("::error title=attest feature_drift::FAIL"))
            .count(),
        1
    );
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("::warning "))
            .count(),
        4
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("FAIL feature_drift: dataset drift")),
        "{stderr}"
    );
    assert!(
        stderr.lines().any(|l| l.starts_with("PASS schema: ")),
        "{stderr}"
    );
    // A second step appends: the files are GitHub's, not ours to replace.
    check(
        "skew_join",
        &[],
        &[
            ("GITHUB_ACTIONS", &yes),
            ("GITHUB_STEP_SUMMARY", &summary),
            ("GITHUB_OUTPUT", &output),
        ],
    );
    let outputs = std::fs::read_to_string(&output).expect("outputs");
    assert!(
        outputs.ends_with("verdict=pass\nexit-code=0\nreport-json=\nfailed-checks=\n"),
        "{outputs}"
    );
    assert_eq!(
        std::fs::read_to_string(&summary)
            .expect("summary")
            .matches("<!-- attest:report")
            .count(),
        2
    );
}
