//! The model's inputs against the datasets' columns: every way a model
//! cannot be fed is an error that names the input and the column or type
//! (no runtime needed: the probe is planned before any model runs).

use std::path::PathBuf;
use std::sync::Arc;

use attest_check::checks::model::Probe;
use attest_check::read::{Dataset, Datasets};
use attest_check::source::FileSource;
use attest_check::Config;

fn models() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/models")
}

/// Plan the probe of `model` on the pair `case` with `config` (the
/// model's ZipMap removed first when `strip`); its error.
fn probe(case: &str, model: &str, config: &str, strip: bool) -> Result<Probe, String> {
    let open = |label: &str, file: String| {
        Dataset::open(
            label,
            Arc::new(FileSource::open(models().join(file)).expect("file")),
        )
        .expect("dataset")
    };
    let reference = open("reference", format!("{case}_reference.parquet"));
    let current = open("current", format!("{case}_current.parquet"));
    let bytes = std::fs::read(models().join(model)).expect("model");
    let fed = if strip {
        attest_check::onnx::strip_zipmap(&bytes).expect("strip")
    } else {
        bytes.clone()
    };
    let info = attest_check::onnx::inspect(&fed).expect("inspect");
    let config = Config::from_toml(config).expect("config");
    Probe::new(
        Datasets::new(&reference, &current),
        &config,
        model,
        &bytes,
        info,
    )
    .map_err(|e| e.to_string())
}

fn plan(case: &str, model: &str, config: &str) -> Result<Probe, String> {
    probe(case, model, config, false)
}

#[test]
fn a_feedable_model_plans_its_batches() {
    let p = plan("onehot_forest", "onehot_forest.onnx", "").expect("plans");
    // parity on both datasets, the probe rows, 2 categorical recipes + 7
    // numeric ones, 5 permutations a feature
    assert!(p.batches() > 20, "{} batches", p.batches());
    let b = p.batch(0).expect("batch 0");
    assert_eq!(b.inputs.len(), 3);
    assert_eq!(b.inputs[0].name, "city");
}

#[test]
fn an_unmapped_tensor_input_names_the_key_to_set() {
    let e = plan("logreg_zipmap", "logreg_zipmap.onnx", "")
        .err()
        .expect("error");
    assert!(
        e.contains("model input `features`") && e.contains("5 values a row"),
        "{e}"
    );
    assert!(e.contains("[model] inputs = { features = ["), "{e}");
}

#[test]
fn the_wrong_number_of_columns_is_an_error() {
    let e = plan(
        "logreg_zipmap",
        "logreg_zipmap.onnx",
        "[model]\ninputs = { features = [\"f0\", \"f1\", \"f2\"] }\n",
    )
    .err()
    .expect("error");
    assert!(
        e.contains("takes 5 values a row") && e.contains("gives it 3 columns"),
        "{e}"
    );
}

#[test]
fn a_missing_column_is_named() {
    let e = plan(
        "onehot_forest",
        "onehot_forest.onnx",
        "[model]\ninputs = { city = \"town\" }\n",
    )
    .err()
    .expect("error");
    assert!(
        e.contains("no column `town`") && e.contains("model input `city`"),
        "{e}"
    );
}

#[test]
fn text_for_a_number_input_is_an_error() {
    let e = plan(
        "onehot_forest",
        "onehot_forest.onnx",
        "[model]\ninputs = { a = \"city\" }\n",
    )
    .err()
    .expect("error");
    assert!(
        e.contains("column `city` holds text") && e.contains("tensor(float)"),
        "{e}"
    );
}

#[test]
fn an_unknown_input_in_the_configuration_is_an_error() {
    let e = plan(
        "onehot_forest",
        "onehot_forest.onnx",
        "[model]\ninputs = { town = \"city\" }\n",
    )
    .err()
    .expect("error");
    assert!(
        e.contains("names `town`, which is not an input of the model"),
        "{e}"
    );
}

#[test]
fn outputs_of_the_wrong_size_are_errors_not_panics() {
    use attest_check::checks::model::{Tensor, TensorData};
    let mut p = plan("onehot_forest", "onehot_forest.onnx", "").expect("plans");
    let rows = p.batch(0).expect("batch").rows;
    let short = vec![Tensor {
        name: "output_label".into(),
        shape: vec![rows - 1],
        data: TensorData::Str(vec!["low".into(); rows - 1]),
    }];
    let e = p.accept(0, short).expect_err("error").to_string();
    assert!(
        e.contains("values for") || e.contains("did not return"),
        "{e}"
    );
    assert!(p.accept(9_999_999, Vec::new()).is_err());
}

/// The parity check's `evidence.model` of a probe that scored nothing.
fn identity(case: &str, model: &str, config: &str, strip: bool) -> serde_json::Value {
    let checks = probe(case, model, config, strip).expect("plans").finish();
    checks[0].evidence["model"].clone()
}

#[test]
fn the_identity_describes_the_file_as_given() {
    let config = "[model]\ninputs = { features = [\"f0\", \"f1\", \"f2\", \"f3\", \"f4\"] }\n";
    let m = identity("logreg_zipmap", "logreg_zipmap.onnx", config, true);
    assert_eq!(m["zipmap_removed"], true, "{m}");
    assert!(m["operators"].to_string().contains("ZipMap"), "{m}");
    assert_eq!(m["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(m["classes"], serde_json::json!(["0", "1"]));
    // a regressor has no classes, however many distinct predictions
    let r = identity("forest_regressor", "forest_regressor.onnx", "", false);
    assert_eq!(r["classes"], serde_json::Value::Null, "{r}");
}
