//! The fuzz targets' inputs as a regression test on the stable toolchain:
//! every minimized crash input committed under `fuzz/regressions/<target>/`
//! and every seed of the targets (the test data, `fuzz/seeds/`) runs
//! through the same entry point as the fuzzer (`attest_check::fuzzing`);
//! a panic fails the test. (`scripts/fuzz.sh` runs the fuzzers themselves.)

use std::path::{Path, PathBuf};

use attest_check::fuzzing;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files of a folder and its subfolders (none when it is absent).
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else if p.file_name().is_some_and(|n| n != ".gitkeep") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn committed_crash_inputs_no_longer_crash() {
    type Target = fn(&[u8]);
    let targets: [(&str, Target); 5] = [
        ("parquet", fuzzing::parquet),
        ("csv", fuzzing::csv),
        ("report", fuzzing::report),
        ("run", fuzzing::run),
        ("onnx", fuzzing::onnx),
    ];
    for (name, target) in targets {
        for f in files(&root().join("fuzz/regressions").join(name)) {
            eprintln!("{name}: {}", f.display());
            target(&read(&f));
        }
    }
}

#[test]
fn seeds_run_through_every_target() {
    let data = root().join("tests/data");
    let parquet = with_extension(&data, "parquet");
    assert!(parquet.len() >= 20, "the Parquet seeds are the test data");
    for f in &parquet {
        fuzzing::parquet(&read(f));
    }
    let mut csv = with_extension(&data, "csv");
    csv.extend(files(&root().join("fuzz/seeds/csv")));
    for f in &csv {
        fuzzing::csv(&read(f));
    }
    for f in files(&root().join("fuzz/seeds/report")) {
        fuzzing::report(&read(&f));
    }
    let models = with_extension(&data.join("models"), "onnx");
    assert!(models.len() >= 4, "the ONNX seeds are the test models");
    for f in &models {
        fuzzing::onnx(&read(f));
        assert!(
            attest_check::onnx::inspect(&read(f)).is_ok(),
            "{}",
            f.display()
        );
    }
    // a run on pairs of the test files, as the run target's seeds are made
    let pairs = [
        ("codecs/none.parquet", "codecs/zstd.parquet"),
        ("codecs/table.csv", "codecs/snappy.parquet"),
        ("malformed/truncated.parquet", "codecs/gzip.parquet"),
    ];
    for (a, b) in pairs {
        fuzzing::run(&fuzzing::run_input(
            &read(&data.join(a)),
            &read(&data.join(b)),
        ));
    }
}

#[test]
fn a_report_survives_the_report_target() {
    // A real report, so that the round trip in `fuzzing::report` runs.
    let data = root().join("tests/data/codecs");
    let seed = fuzzing::run_input(
        &read(&data.join("none.parquet")),
        &read(&data.join("lz4.parquet")),
    );
    fuzzing::run(&seed);
    let report = report_of(&data.join("none.parquet"), &data.join("lz4.parquet"));
    fuzzing::report(report.as_bytes());
    assert!(attest_check::report::parse(&report).is_ok());
}

fn report_of(a: &Path, b: &Path) -> String {
    use attest_check::read::{Dataset, Datasets};
    use attest_check::run::{run, NoProgress, RunOptions};
    use attest_check::source::FileSource;
    use std::sync::Arc;
    let open = |l: &str, p: &Path| {
        Dataset::open(l, Arc::new(FileSource::open(p).expect("file"))).expect("dataset")
    };
    let (r, c) = (open("reference", a), open("current", b));
    run(
        Datasets::new(&r, &c),
        &attest_check::Config::default(),
        &RunOptions::default(),
        &NoProgress,
    )
    .expect("report")
    .to_json()
}
