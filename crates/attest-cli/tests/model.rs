//! `attest check --model`: the model cases of `shared/conformance/model_public`
//! through the binary (ONNX Runtime loaded at run time), the parity
//! verdict, and clear input errors.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use attest_check::conformance::{
    disagreements, ModelCase, ModelFixture as OwnCase, ModelFixtures as OwnCases,
};
use attest_check::report::Status;
use attest_check::Report;

#[path = "../../attest-check/tests/common/mod.rs"]
mod common;

fn model_dir() -> PathBuf {
    std::env::var_os("ATTEST_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
        })
        .join("model_public")
}

/// `[model] inputs = { X = [features.txt] }` in a temporary file.
fn config(dir: &Path, tmp: &Path) -> PathBuf {
    let features = std::fs::read_to_string(dir.join("features.txt")).expect("features.txt");
    let list: Vec<String> = features
        .split_whitespace()
        .map(|f| format!("\"{f}\""))
        .collect();
    let path = tmp.join("attest.toml");
    std::fs::write(
        &path,
        format!("[model]\ninputs = {{ X = [{}] }}\n", list.join(", ")),
    )
    .expect("config written");
    path
}

fn check(
    dir: &Path,
    model: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (std::process::Output, Option<Report>) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let json = tmp.path().join("report.json");
    let mut cmd = Command::cargo_bin("attest").expect("binary built");
    cmd.env("SOURCE_DATE_EPOCH", "1700000000")
        .arg("check")
        .arg("--reference")
        .arg(dir.join("reference.parquet"))
        .arg("--current")
        .arg(dir.join("current.parquet"))
        .arg("--model")
        .arg(dir.join(model))
        .arg("--json")
        .arg(&json)
        .args(extra.iter().filter(|a| **a != "--no-config"));
    if !extra.contains(&"--no-config") {
        cmd.arg("--config").arg(config(dir, tmp.path()));
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("attest runs");
    let report = std::fs::read_to_string(&json).ok().map(|text| {
        common::assert_valid_report(&text);
        serde_json::from_str(&text).expect("report parses")
    });
    (out, report)
}

fn agrees(dir: &Path) {
    let case: ModelCase = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected_model.json")).expect("expected_model.json"),
    )
    .expect("parses");
    let (out, report) = check(dir, "model.onnx", &[], &[]);
    let report =
        report.unwrap_or_else(|| panic!("no report: {}", String::from_utf8_lossy(&out.stderr)));
    let bad = disagreements(&report, &case.expected, case.default_tolerance);
    assert!(bad.is_empty(), "{}:\n{}", dir.display(), bad.join("\n"));
    let parity = report
        .checks
        .iter()
        .find(|c| c.id == "model_parity")
        .expect("parity");
    assert_eq!(parity.status, Status::Pass);
    // The model file is named and hashed in the report.
    let sha = parity.evidence["model"]["sha256"].as_str().expect("sha256");
    assert_eq!(sha.len(), 64);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("model_parity"), "{summary}");
}

#[test]
fn model_cases_agree_through_the_cli() {
    agrees(&model_dir());
    agrees(&model_dir().join("trees"));
}

#[test]
fn a_changed_model_fails_parity_with_exit_one() {
    let (out, report) = check(&model_dir(), "model_changed.onnx", &[], &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = report.expect("report");
    let parity = report
        .checks
        .iter()
        .find(|c| c.id == "model_parity")
        .expect("parity");
    assert_eq!(parity.status, Status::Fail);
    let m = parity.message.as_deref().unwrap_or("");
    assert!(
        m.contains("does not reproduce") && m.contains("row "),
        "{m}"
    );
}

#[test]
fn model_input_errors_exit_two_with_a_clear_message() {
    let dir = model_dir();
    // No `[model] inputs`: the tensor input X has no column of its name.
    let (out, _) = check(&dir, "model.onnx", &["--no-config"], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("model input `X`") && err.contains("[model] inputs"),
        "{err}"
    );
    // A file that is not ONNX.
    let (out, _) = check(&dir, "reference.parquet", &[], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("model"), "{err}");
    // A missing file.
    let (out, _) = check(&dir, "no-such.onnx", &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such.onnx"));
}

#[test]
fn without_a_runtime_the_model_checks_are_skipped_saying_how_to_get_one() {
    let (out, report) = check(
        &model_dir(),
        "model.onnx",
        &[],
        &[("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pip install onnxruntime"), "{err}");
    let report = report.expect("report");
    for id in [
        "model_parity",
        "model_sensitivity",
        "model_permutation_importance",
    ] {
        let c = report.checks.iter().find(|c| c.id == id).expect("check");
        assert_eq!(c.status, Status::Skipped);
        assert!(c
            .message
            .as_deref()
            .unwrap_or("")
            .contains("ORT_DYLIB_PATH"));
    }
}

/// `attest check --model` on a case of `tests/data/models`: exit status
/// and report.
fn own(dir: &Path, case: &OwnCase, model: &str) -> (Option<i32>, Report) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let json = tmp.path().join("report.json");
    let config = tmp.path().join("attest.toml");
    std::fs::write(&config, &case.config).expect("config");
    let out = Command::cargo_bin("attest")
        .expect("binary built")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .arg("check")
        .arg("--reference")
        .arg(dir.join(&case.reference))
        .arg("--current")
        .arg(dir.join(&case.current))
        .arg("--model")
        .arg(dir.join(model))
        .arg("--config")
        .arg(&config)
        .arg("--json")
        .arg(&json)
        .output()
        .expect("attest runs");
    let text = std::fs::read_to_string(&json).unwrap_or_else(|_| {
        panic!(
            "{}: no report: {}",
            case.case,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    common::assert_valid_report(&text);
    (
        out.status.code(),
        serde_json::from_str(&text).expect("report parses"),
    )
}

#[test]
fn own_model_cases_agree_through_the_cli_and_a_changed_tree_fails() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/models");
    let cases: OwnCases = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"),
    )
    .expect("parses");
    let mut failures = Vec::new();
    let mut changed = 0;
    for case in &cases.cases {
        let (_, report) = own(&dir, case, &case.model);
        for bad in disagreements(&report, &case.expected, case.default_tolerance) {
            failures.push(format!("{}: {bad}", case.case));
        }
        let parity = report
            .checks
            .iter()
            .find(|c| c.id == "model_parity")
            .expect("parity");
        if parity.status != Status::Pass {
            failures.push(format!("{}: parity {:?}", case.case, parity.message));
        }
        if let Some(m) = &case.changed_model {
            let (code, report) = own(&dir, case, m);
            let parity = report
                .checks
                .iter()
                .find(|c| c.id == "model_parity")
                .expect("parity");
            if code != Some(1) || parity.status != Status::Fail {
                failures.push(format!(
                    "{}: {m} exits {code:?}, parity {:?}",
                    case.case, parity.status
                ));
            }
            changed += 1;
        }
    }
    assert_eq!(changed, 1, "the LightGBM case has a changed copy");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
