//! Entry points of the fuzz targets (`fuzz/fuzz_targets/`) and of their
//! regression test (`tests/fuzz_regressions.rs`), so that both run the same
//! code: each takes arbitrary bytes and must return — an error is a fine
//! answer, a panic, a hang or a runaway allocation is a bug.
//!
//! Every reader runs within [`LIMITS`], small enough that the fuzzer's
//! memory limit is never the one that stops a hostile file.

use std::sync::Arc;

use crate::read::{Dataset, Datasets, Limits};
use crate::run::{run as run_checks, NoProgress, RunOptions};
use crate::source::MemorySource;
use crate::Config;

/// The decode limits of the fuzz targets: 1,000,000 rows, 64 MiB a column.
pub const LIMITS: Limits = Limits {
    max_rows: 1_000_000,
    max_column_bytes: 64 << 20,
};

/// A file name the reader recognises for `data`: Parquet by its magic,
/// else CSV.
fn name_of(data: &[u8], stem: &str) -> String {
    if data.starts_with(b"PAR1") {
        format!("{stem}.parquet")
    } else {
        format!("{stem}.csv")
    }
}

fn open(label: &str, data: &[u8], name: String) -> crate::Result<Dataset> {
    Dataset::open_with(
        label,
        Arc::new(MemorySource::new(name, data.to_vec())),
        LIMITS,
    )
}

/// Open `data` as a dataset and read every column (lists of floats as
/// lists).
fn read_all(data: &[u8], name: String) {
    if let Ok(ds) = open("reference", data, name) {
        for c in ds.column_names() {
            if matches!(
                ds.column_type(&c),
                Some(crate::columns::ColumnType::FloatList { .. })
            ) {
                let _ = ds.read_float_lists(&c);
            } else {
                let _ = ds.read_column(&c);
            }
        }
    }
}

/// The Parquet reader: `data` as a `.parquet` file, every column read.
pub fn parquet(data: &[u8]) {
    read_all(data, "fuzz.parquet".into());
}

/// The CSV reader: `data` as a `.csv` file, every column read.
pub fn csv(data: &[u8]) {
    read_all(data, "fuzz.csv".into());
}

/// The report parser: `data` as a report document (when it is UTF-8), and
/// a parsed report written out and parsed again.
/// Read `data` as an ONNX model ([`crate::onnx`]): its inputs and outputs,
/// and the model without ZipMap, which must read again without ZipMap.
pub fn onnx(data: &[u8]) {
    let read = crate::onnx::inspect(data);
    if let Ok(stripped) = crate::onnx::strip_zipmap(data) {
        let again = crate::onnx::inspect(&stripped);
        if read.is_ok() {
            assert!(
                again.as_ref().is_ok_and(|m| !m.has_zipmap()),
                "a readable model without ZipMap does not read again: {again:?}"
            );
        }
    }
}

/// Parse `data` as a report; what parses must survive its own round trip.
pub fn report(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(report) = crate::report::parse(text) {
        // What parses must survive its own round trip.
        let again = crate::report::parse(&report.to_json());
        assert!(
            again.is_ok(),
            "a parsed report did not parse again: {again:?}"
        );
    }
}

/// A whole run with the default configuration: the first 4 bytes (little
/// endian) say where the reference ends in the rest; the remainder is the
/// current dataset. Each is Parquet or CSV by its magic.
pub fn run(data: &[u8]) {
    let Some((head, rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let split = (u32::from_le_bytes(*head) as usize).min(rest.len());
    let (a, b) = rest.split_at(split);
    let (Ok(reference), Ok(current)) = (
        open("reference", a, name_of(a, "reference")),
        open("current", b, name_of(b, "current")),
    ) else {
        return;
    };
    let mut config = Config::default();
    config.limits = crate::config::LimitsConfig {
        max_rows: Some(LIMITS.max_rows),
        max_column_bytes: Some(LIMITS.max_column_bytes),
    };
    let _ = run_checks(
        Datasets::new(&reference, &current),
        &config,
        &RunOptions::default(),
        &NoProgress,
    );
}

/// The seed of [`run`] for a reference and a current file.
pub fn run_input(reference: &[u8], current: &[u8]) -> Vec<u8> {
    let mut out = (reference.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(reference);
    out.extend_from_slice(current);
    out
}
