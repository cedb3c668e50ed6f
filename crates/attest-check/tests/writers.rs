//! Files written by the Parquet writers people use — pyarrow (default,
//! data page v2 + zstd, plain + gzip + small pages and row groups, delta and
//! byte-stream-split encodings + lz4, INT96 timestamps + brotli, format
//! 1.0 uncompressed), Polars and DuckDB — decoded by Attest's reader and
//! compared value by value with what pyarrow reads
//! (`scripts/make_writer_fixtures.py` wrote them and `expected.json`).

use std::sync::Arc;

use attest_check::columns::{natural_kind, to_codes, to_numeric, Interner, Kind, MISSING};
use attest_check::read::Dataset;
use attest_check::source::MemorySource;
use serde_json::Value;

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/writers")
}

#[test]
fn every_writer_reads_as_pyarrow_reads_it() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir().join("expected.json")).expect("expected.json"),
    )
    .expect("json");
    let files = expected.as_object().expect("files");
    assert!(files.len() >= 10, "{} files", files.len());
    for (file, want) in files {
        let bytes = std::fs::read(dir().join(file)).expect("fixture");
        let ds = Dataset::open(
            "reference",
            Arc::new(MemorySource::new(file.as_str(), bytes)),
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(Some(ds.rows() as u64), want["rows"].as_u64(), "{file}");
        let columns = want["columns"].as_object().expect("columns");
        assert_eq!(ds.columns().len(), columns.len(), "{file}");
        for (name, col) in columns {
            let what = format!("{file}, column {name}");
            let ty = ds
                .column_type(name)
                .unwrap_or_else(|| panic!("{what}: missing"));
            if let Some(t) = col["type"].as_str() {
                assert_eq!(ty.to_string(), t, "{what}: type");
            }
            let column = ds
                .read_column(name)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            if let Some(numbers) = col["numbers"].as_array() {
                assert_eq!(natural_kind(ty), Some(Kind::Numeric), "{what}");
                let got = to_numeric(&column).expect("numbers");
                assert_eq!(got.len(), numbers.len(), "{what}");
                for (i, (g, w)) in got.iter().zip(numbers).enumerate() {
                    match w.as_str() {
                        None => assert!(g.is_nan(), "{what} row {i}: {g}, expected missing"),
                        Some(w) => {
                            let w: f64 = w.parse().expect("number");
                            assert_eq!(*g, w, "{what} row {i}");
                        }
                    }
                }
            } else {
                let texts = col["texts"].as_array().expect("texts");
                let mut interner = Interner::default();
                let codes = to_codes(&column, &mut interner).expect("codes");
                assert_eq!(codes.len(), texts.len(), "{what}");
                for (i, (c, w)) in codes.iter().zip(texts).enumerate() {
                    let got = (*c != MISSING).then(|| interner.name(*c).unwrap_or_default());
                    assert_eq!(got, w.as_str(), "{what} row {i}");
                }
            }
        }
    }
}
