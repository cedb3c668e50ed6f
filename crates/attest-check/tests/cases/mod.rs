//! The conformance cases (`../shared/conformance`, or
//! `ATTEST_CONFORMANCE_DIR`), opened as the library opens files: shared by
//! the tests that run every case.

use std::path::PathBuf;
use std::sync::Arc;

use attest_check::conformance::{Case, Cases};
use attest_check::read::Dataset;
use attest_check::source::FileSource;

/// Where the cases live. A missing folder fails the caller's test:
/// conformance is never skipped silently.
pub fn conformance_dir() -> PathBuf {
    std::env::var_os("ATTEST_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
        })
}

/// Every case of `expected.json`.
pub fn cases() -> Cases {
    let dir = conformance_dir();
    let text = std::fs::read_to_string(dir.join("expected.json"))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.join("expected.json").display()));
    serde_json::from_str(&text).expect("expected.json parses")
}

/// A case's reference, current and (when it has one) train datasets.
pub fn open(case: &Case) -> (Dataset, Dataset, Option<Dataset>) {
    let dir = conformance_dir();
    let open = |label: &str, rel: &str| {
        let source = FileSource::open(dir.join(rel)).expect("case file opens");
        Dataset::open(label, Arc::new(source)).expect("case file reads")
    };
    (
        open("reference", &case.reference),
        open("current", &case.current),
        case.train.as_deref().map(|t| open("train", t)),
    )
}
