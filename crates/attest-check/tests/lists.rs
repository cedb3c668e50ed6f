//! List-of-floats columns (`list<double>`, `large_list<float>`) written by
//! pyarrow (default; data page v2 with zstd and small pages across row
//! groups; large_list<float> with gzip; format 1.0 plain with snappy;
//! byte-stream-split with lz4; dictionary with brotli; required lists of
//! required values), Polars and DuckDB, decoded by Attest's reader and
//! compared value by value with what pyarrow reads (written by
//! `scripts/make_list_fixtures.py` with `expected.json`); the same files
//! truncated or with flipped bytes give errors, not panics.

use std::sync::Arc;

use attest_check::read::Dataset;
use attest_check::source::MemorySource;
use serde_json::Value;

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/lists")
}

fn open(name: &str, bytes: Vec<u8>) -> attest_check::Result<Dataset> {
    Dataset::open("reference", Arc::new(MemorySource::new(name, bytes)))
}

/// The reference and current files of a fixture folder under `lists/`.
fn pair(folder: &str) -> (Dataset, Dataset) {
    let ds = |label: &str| {
        let name = format!("{label}.parquet");
        let bytes = std::fs::read(dir().join(folder).join(&name)).expect("fixture");
        Dataset::open(label, Arc::new(MemorySource::new(name, bytes))).expect(label)
    };
    (ds("reference"), ds("current"))
}

/// A run of `config` over the pair.
fn run_pair(
    (r, c): &(Dataset, Dataset),
    config: &attest_check::Config,
) -> attest_check::Result<attest_check::Report> {
    use attest_check::run::{run, NoProgress, RunOptions};
    run(
        attest_check::read::Datasets::new(r, c),
        config,
        &RunOptions::default(),
        &NoProgress,
    )
}

#[test]
fn every_writer_reads_as_pyarrow_reads_it() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir().join("expected.json")).expect("expected.json"),
    )
    .expect("json");
    let files = expected.as_object().expect("files");
    assert!(files.len() >= 8, "{} files", files.len());
    for (file, want) in files {
        let ds = open(file, std::fs::read(dir().join(file)).expect("fixture"))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let ty = ds.column_type("proba").expect("proba");
        assert_eq!(
            Some(ty.to_string().as_str()),
            want["type"].as_str(),
            "{file}"
        );
        let lists = ds
            .read_float_lists("proba")
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let rows = want["lists"].as_array().expect("lists");
        assert_eq!(lists.rows(), rows.len(), "{file}");
        for (i, w) in rows.iter().enumerate() {
            let got = lists.get(i);
            match w.as_array() {
                None => assert_eq!(got, None, "{file} row {i}: expected a null list"),
                Some(w) => {
                    let got = got.unwrap_or_else(|| panic!("{file} row {i}: null"));
                    assert_eq!(got.len(), w.len(), "{file} row {i}");
                    for (g, v) in got.iter().zip(w) {
                        match v.as_str() {
                            None | Some("NaN") => assert!(g.is_nan(), "{file} row {i}: {g}"),
                            Some(v) => {
                                assert_eq!(*g, v.parse::<f64>().expect("number"), "{file} row {i}")
                            }
                        }
                    }
                }
            }
        }
        // the flat column beside it still reads
        assert_eq!(
            ds.read_column("id").expect("id").len(),
            rows.len(),
            "{file}"
        );
        // and the list is not read as a flat column
        assert!(ds.read_column("proba").is_err(), "{file}");
    }
}

#[test]
fn damaged_list_files_give_errors() {
    for file in [
        "pyarrow_default.parquet",
        "pyarrow_v2_zstd_small_pages.parquet",
        "duckdb_default.parquet",
    ] {
        let bytes = std::fs::read(dir().join(file)).expect("fixture");
        // truncated at many points
        for cut in (0..bytes.len()).step_by(97) {
            if let Ok(ds) = open(file, bytes[..cut].to_vec()) {
                let _ = ds.read_float_lists("proba");
            }
        }
        // one byte flipped at many points: an error or some lists, never a panic
        for at in (0..bytes.len()).step_by(13) {
            let mut b = bytes.clone();
            b[at] ^= 0x5a;
            if let Ok(ds) = open(file, b) {
                let _ = ds.read_float_lists("proba");
            }
        }
    }
}

#[test]
fn a_small_decode_limit_refuses_the_list() {
    let bytes = std::fs::read(dir().join("pyarrow_default.parquet")).expect("fixture");
    let ds = Dataset::open_with(
        "reference",
        Arc::new(MemorySource::new("small.parquet", bytes)),
        attest_check::read::Limits {
            max_rows: 1_000,
            max_column_bytes: 4_000,
        },
    )
    .expect("open");
    let e = ds
        .read_float_lists("proba")
        .expect_err("over the limit")
        .to_string();
    assert!(e.contains("decode limit"), "{e}");
}

/// The multiclass conformance case with its class probabilities in one list
/// column (`make_list_fixtures.py` wrote it from the case's files): the
/// list is found as the class scores by itself, and the label issues are
/// the case's expected values.
#[test]
fn class_probabilities_in_a_list_column_give_the_conformance_label_issues() {
    use attest_check::conformance::{disagreements, Cases, Tolerance};
    let conformance =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance");
    let cases: Cases = serde_json::from_str(
        &std::fs::read_to_string(conformance.join("expected.json")).expect("expected.json"),
    )
    .expect("cases");
    let case = cases
        .cases
        .iter()
        .find(|c| c.name == "labels_multiclass")
        .expect("the case");
    let want: Vec<_> = case
        .expected
        .iter()
        .filter(|e| e.name.starts_with("label_issue_"))
        .collect();
    assert_eq!(
        want.len(),
        20,
        "overall and four classes, two datasets, two metrics"
    );
    let report = run_pair(&pair("class_scores"), &attest_check::Config::default()).expect("report");
    assert_eq!(
        report.config["roles"]["class_scores"],
        serde_json::json!(["proba"])
    );
    // as close as a recount can be: 1e-12, relative above 1
    let exact = Tolerance {
        rel: 1e-12,
        abs: 1e-12,
    };
    let wrong = disagreements(&report, want, exact);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A list that is not probabilities (an embedding, in a binary task) takes
/// no role and is never split: the run goes on, it is listed, not compared.
#[test]
fn an_embedding_list_is_not_taken_for_class_probabilities() {
    let datasets = pair("embedding");
    assert_eq!(
        datasets
            .0
            .column_type("embedding")
            .map(|t| t.to_string())
            .as_deref(),
        Some("list<double>")
    );
    let report = run_pair(&datasets, &attest_check::Config::default()).expect("report");
    assert_eq!(
        report.config["roles"]["class_scores"],
        serde_json::json!([])
    );
    let labels = report
        .checks
        .iter()
        .find(|k| k.id == "label_quality")
        .expect("check");
    assert!(
        labels.metrics.iter().any(|m| m.name == "label_issue_count"),
        "binary label issues from the score: {:?}",
        labels.message
    );
    // a list column as class scores of a binary task is not read
    let mut config = attest_check::Config::default();
    config.roles.class_scores = vec!["embedding".into()];
    assert!(run_pair(&datasets, &config).is_ok());
}
