//! Decode every column of a Parquet or CSV file and print the time each
//! takes: the reader's benchmark, without the checks.
//!
//!     cargo run --release -p attest-check --example read_columns -- FILE

use std::sync::Arc;
use std::time::Instant;

use attest_check::read::Dataset;
use attest_check::source::FileSource;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: read_columns FILE")?;
    let dataset = Dataset::open("file", Arc::new(FileSource::open(&path)?))?;
    let start = Instant::now();
    for info in dataset.columns() {
        let t = Instant::now();
        let column = dataset.read_column(&info.name)?;
        println!(
            "{:<16} {:<20} {:>9} rows {:>8.1} ms",
            info.name,
            info.ty.to_string(),
            column.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    println!(
        "{} columns × {} rows in {:.1} ms",
        dataset.columns().len(),
        dataset.rows(),
        start.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}
