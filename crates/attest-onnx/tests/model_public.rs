//! The model cases of `shared/conformance/model_public/` (SPEC §6) through
//! the library with ONNX Runtime: every expected value agrees, and the
//! model with one coefficient halved fails parity.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use attest_check::checks::model::{score, Probe, Quiet};
use attest_check::conformance::{disagreements, ModelCase};
use attest_check::read::{Dataset, Datasets};
use attest_check::report::{Report, Status};
use attest_check::run::{run, NoProgress, RunOptions};
use attest_check::source::FileSource;
use attest_check::Config;
use attest_onnx::OrtModel;

fn model_dir() -> PathBuf {
    std::env::var_os("ATTEST_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
        })
        .join("model_public")
}

/// `[model] inputs = { X = [features.txt] }`.
fn config(dir: &Path) -> Config {
    let features = std::fs::read_to_string(dir.join("features.txt")).expect("features.txt");
    let list: Vec<String> = features
        .split_whitespace()
        .map(|f| format!("\"{f}\""))
        .collect();
    Config::from_toml(&format!(
        "[model]\ninputs = {{ X = [{}] }}\n",
        list.join(", ")
    ))
    .expect("config parses")
}

fn report(dir: &Path, model: &str) -> Report {
    let open = |label: &str, file: &str| {
        Dataset::open(
            label,
            Arc::new(FileSource::open(dir.join(file)).expect("opens")),
        )
        .expect("reads")
    };
    let reference = open("reference", "reference.parquet");
    let current = open("current", "current.parquet");
    let datasets = Datasets::new(&reference, &current);
    let config = config(dir);
    let mut report = run(datasets, &config, &RunOptions::default(), &NoProgress).expect("run");
    let bytes = std::fs::read(dir.join(model)).expect("model file");
    let stripped = attest_check::onnx::strip_zipmap(&bytes).expect("strip");
    let info = attest_check::onnx::inspect(&stripped).expect("inspect");
    let probe = Probe::new(datasets, &config, model, &bytes, info).expect("probe");
    let mut runner = OrtModel::from_bytes(&stripped).expect("ONNX Runtime loads the model");
    let checks = score(probe, &mut runner, &Quiet).expect("scores");
    attest_check::checks::model::attach(&mut report, checks);
    report
}

fn agrees(dir: &Path) {
    let case: ModelCase = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected_model.json")).expect("expected_model.json"),
    )
    .expect("parses");
    assert!(case.expected.len() > 100, "{}: too few values", case.case);
    let r = report(dir, "model.onnx");
    let bad = disagreements(&r, &case.expected, case.default_tolerance);
    assert!(bad.is_empty(), "{}:\n{}", dir.display(), bad.join("\n"));
    let parity = r
        .checks
        .iter()
        .find(|c| c.id == "model_parity")
        .expect("parity");
    assert_eq!(parity.status, Status::Pass, "{:?}", parity.message);
}

#[test]
fn logistic_pipeline_agrees() {
    agrees(&model_dir());
}

#[test]
fn gradient_boosting_agrees() {
    agrees(&model_dir().join("trees"));
}

#[test]
fn changed_model_fails_parity() {
    let r = report(&model_dir(), "model_changed.onnx");
    let parity = r
        .checks
        .iter()
        .find(|c| c.id == "model_parity")
        .expect("parity");
    assert_eq!(parity.status, Status::Fail);
    assert!(
        parity
            .message
            .as_deref()
            .unwrap_or("")
            .contains("does not reproduce"),
        "{:?}",
        parity.message
    );
    assert_eq!(r.summary.status, Status::Fail);
}
