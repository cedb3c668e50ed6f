//! The project's own model cases (`tests/data/models`, made by
//! `scripts/make_model_fixtures.py` with Python onnxruntime and numpy from
//! SPEC) through the library: ZipMap removed, per-column string and int64
//! inputs, three classes, a regressor; a LightGBM model with one tree
//! changed fails parity.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use attest_check::checks::model::{attach, score, Probe, Quiet};
use attest_check::conformance::{disagreements, ModelFixture as Case, ModelFixtures as Cases};
use attest_check::read::{Dataset, Datasets};
use attest_check::report::{Report, Status};
use attest_check::run::{run, NoProgress, RunOptions};
use attest_check::source::FileSource;
use attest_check::Config;
use attest_onnx::OrtModel;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/models")
}

fn report(dir: &Path, case: &Case, model: &str) -> Report {
    let open = |label: &str, file: &str| {
        Dataset::open(
            label,
            Arc::new(FileSource::open(dir.join(file)).expect("opens")),
        )
        .expect("reads")
    };
    let reference = open("reference", &case.reference);
    let current = open("current", &case.current);
    let datasets = Datasets::new(&reference, &current);
    let config = Config::from_toml(&case.config).expect("config");
    let mut report = run(datasets, &config, &RunOptions::default(), &NoProgress).expect("run");
    let bytes = std::fs::read(dir.join(model)).expect("model");
    let stripped = attest_check::onnx::strip_zipmap(&bytes).expect("strip");
    let info = attest_check::onnx::inspect(&stripped).expect("inspect");
    assert!(!info.has_zipmap());
    let probe = Probe::new(datasets, &config, model, &bytes, info).expect("probe");
    let mut runner = OrtModel::from_bytes(&stripped).expect("loads");
    attach(
        &mut report,
        score(probe, &mut runner, &Quiet).expect("scores"),
    );
    report
}

#[test]
fn own_model_cases_agree_with_the_python_oracle() {
    let d = dir();
    let cases: Cases = serde_json::from_str(
        &std::fs::read_to_string(d.join("expected.json")).expect("expected.json"),
    )
    .expect("parses");
    assert_eq!(cases.cases.len(), 5);
    let mut failures = Vec::new();
    for case in &cases.cases {
        let r = report(&d, case, &case.model);
        for bad in disagreements(&r, &case.expected, case.default_tolerance) {
            failures.push(format!("{}: {bad}", case.case));
        }
        let parity = r
            .checks
            .iter()
            .find(|c| c.id == "model_parity")
            .expect("parity");
        if parity.status != Status::Pass {
            failures.push(format!(
                "{}: parity {:?}: {:?}",
                case.case, parity.status, parity.message
            ));
        }
        for id in ["model_sensitivity", "model_permutation_importance"] {
            let c = r.checks.iter().find(|c| c.id == id).expect("check");
            if matches!(c.status, Status::Skipped | Status::Error) {
                failures.push(format!("{}: {id} {:?}", case.case, c.message));
            }
        }
        if let Some(changed) = &case.changed_model {
            let r = report(&d, case, changed);
            let parity = r
                .checks
                .iter()
                .find(|c| c.id == "model_parity")
                .expect("parity");
            if parity.status != Status::Fail {
                failures.push(format!("{}: {changed} passes parity", case.case));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
