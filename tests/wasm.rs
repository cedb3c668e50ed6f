//! The check library compiled to wasm32: the conformance cases, every
//! Parquet codec and the zstd demo pair, run under `wasm-bindgen-test`
//! (Node.js; `cargo test --target wasm32-unknown-unknown -p attest-app`).
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use attest_check::conformance::{check_case, Cases};
use attest_check::read::Dataset;
use attest_check::report::Metric;
use attest_check::run::{run, NoProgress, RunOptions};
use attest_check::source::MemorySource;
use attest_check::Config;
use wasm_bindgen_test::wasm_bindgen_test;

include!(concat!(env!("OUT_DIR"), "/conformance_files.rs"));

fn file(rel: &str) -> &'static [u8] {
    CONFORMANCE_FILES
        .iter()
        .find(|(p, _)| *p == rel)
        .map(|(_, b)| *b)
        .unwrap_or_else(|| panic!("{rel} not embedded"))
}

fn dataset(label: &str, name: &str, bytes: &[u8]) -> Dataset {
    Dataset::open(label, Arc::new(MemorySource::new(name, bytes.to_vec()))).expect("opens")
}

#[wasm_bindgen_test]
fn conformance_cases_agree_in_wasm() {
    let text = std::str::from_utf8(file("expected.json")).expect("utf8");
    let cases: Cases = serde_json::from_str(text).expect("parses");
    assert!(!cases.cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases.cases {
        let reference = dataset("reference", &case.reference, file(&case.reference));
        let current = dataset("current", &case.current, file(&case.current));
        failures.extend(check_case(
            case,
            &reference,
            &current,
            cases.default_tolerance,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn metrics(current: &[u8]) -> Vec<(String, Vec<Metric>)> {
    const BASE: &[u8] = include_bytes!("data/codecs/none.parquet");
    let report = run(
        &dataset("reference", "none.parquet", BASE),
        &dataset("current", "x.parquet", current),
        &Config::default(),
        &RunOptions::default(),
        &NoProgress,
    )
    .expect("runs");
    report
        .checks
        .into_iter()
        .map(|c| (c.id, c.metrics))
        .collect()
}

#[wasm_bindgen_test]
fn every_codec_decodes_in_wasm() {
    let expected = metrics(include_bytes!("data/codecs/none.parquet"));
    assert!(expected.iter().any(|(_, m)| !m.is_empty()));
    let codecs: [(&str, &[u8]); 5] = [
        ("snappy", include_bytes!("data/codecs/snappy.parquet")),
        ("gzip", include_bytes!("data/codecs/gzip.parquet")),
        ("zstd", include_bytes!("data/codecs/zstd.parquet")),
        ("lz4", include_bytes!("data/codecs/lz4.parquet")),
        ("brotli", include_bytes!("data/codecs/brotli.parquet")),
    ];
    for (name, bytes) in codecs {
        assert_eq!(metrics(bytes), expected, "{name}");
    }
}

#[wasm_bindgen_test]
fn demo_pair_runs_through_the_js_entry_point() {
    let json = attest_app::check(
        "reference.parquet",
        include_bytes!("../public/demo/reference.parquet").to_vec(),
        "current.parquet",
        include_bytes!("../public/demo/current.parquet").to_vec(),
        "",
        "2024-01-01T00:00:00Z",
    )
    .expect("runs");
    let report: attest_check::Report = serde_json::from_str(&json).expect("report");
    assert_eq!(report.inputs[0].rows, 4000);
    assert!(report.checks.iter().any(|c| c.id == "feature_drift"));
}
