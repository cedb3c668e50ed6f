//! Every case of `shared/conformance/expected.json` through the library.
//!
//! The cases live beside the repository (`../shared/conformance`); set
//! `ATTEST_CONFORMANCE_DIR` to point elsewhere. A missing folder fails the
//! test: conformance is never skipped silently.

use std::path::PathBuf;
use std::sync::Arc;

use attest_check::conformance::{check_case, Cases};
use attest_check::read::{Dataset, Datasets};
use attest_check::source::FileSource;

fn conformance_dir() -> PathBuf {
    std::env::var_os("ATTEST_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
        })
}

#[test]
fn every_conformance_case_agrees() {
    let dir = conformance_dir();
    let text = std::fs::read_to_string(dir.join("expected.json"))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.join("expected.json").display()));
    let cases: Cases = serde_json::from_str(&text).expect("expected.json parses");
    assert_eq!(cases.format, "attest-conformance");
    assert!(!cases.cases.is_empty(), "no cases");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases.cases {
        let open = |label: &str, rel: &str| {
            let source = FileSource::open(dir.join(rel)).expect("case file opens");
            Dataset::open(label, Arc::new(source)).expect("case file reads")
        };
        let reference = open("reference", &case.reference);
        let current = open("current", &case.current);
        let train = case.train.as_deref().map(|t| open("train", t));
        let datasets = Datasets::new(&reference, &current).with_train(train.as_ref());
        failures.extend(check_case(case, datasets, cases.default_tolerance));
        checked += case.checked().count();
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} values disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("conformance: {checked} values agree");
}
