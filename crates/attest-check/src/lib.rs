//! # attest-check
//!
//! Attest's check library: reads prediction data (Parquet, CSV), computes
//! drift, data-quality, performance, fairness and model-validation checks
//! (over- and under-fitting, leakage, backtesting, champion vs challenger,
//! performance without labels) with exact statistics, and writes the report
//! document (SPEC §4). It has no web
//! dependencies, reads no clock and opens no files of its own: the caller
//! gives it [`source::ByteSource`]s, so the same code runs natively (the
//! `attest` CLI) and in the browser (wasm32).
//!
//! ```no_run
//! # fn main() -> attest_check::Result<()> {
//! use std::sync::Arc;
//! use attest_check::read::{Dataset, Datasets};
//! use attest_check::run::{run, NoProgress, RunOptions};
//! use attest_check::{source::FileSource, Config};
//!
//! let reference = Dataset::open("reference", Arc::new(FileSource::open("ref.parquet")?))?;
//! let current = Dataset::open("current", Arc::new(FileSource::open("cur.parquet")?))?;
//! let datasets = Datasets::new(&reference, &current);
//! let report = run(datasets, &Config::default(), &RunOptions::default(), &NoProgress)?;
//! println!("{}", report.to_json());
//! # Ok(())
//! # }
//! ```
//!
//! Data flows one way: bytes ([`source`]) → decoded columns ([`read`], [`pq`])
//! → column views ([`columns`]) → profiles ([`profile`], [`stats`]) → checks → [`report`].

pub mod baseline;
pub mod bundle;
pub mod checks;
pub mod columns;
pub mod config;
pub mod conformance;
pub mod error;
pub mod fuzzing;
pub mod onnx;
pub mod plan;
pub mod policy;
pub mod pq;
pub mod profile;
pub mod publish;
pub mod read;
pub mod report;
pub mod reproduce;
pub mod run;
pub mod sign;
pub mod source;
pub mod stats;
pub mod targets;
pub mod timing;
pub mod verdict;

pub use config::Config;
pub use error::{Error, Result};
pub use report::Report;

/// This library's version, written into reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
pub(crate) mod test_support {
    use std::sync::Arc;

    use crate::read::{Dataset, Datasets};
    use crate::run::{run, NoProgress, RunOptions};
    use crate::source::MemorySource;
    use crate::{Config, Report};

    /// A small report: schema and data quality of a three-row CSV, no evidence.
    pub fn small_report() -> Report {
        let data = "x,region\n1.5,a\n2.25,b\n3e-9,a\n";
        let ds = |label: &str| {
            let source = MemorySource::new(format!("{label}.csv"), data.as_bytes().to_vec());
            Dataset::open(label, Arc::new(source)).expect("csv")
        };
        let (r, c) = (ds("reference"), ds("current"));
        let options = RunOptions::default();
        let datasets = Datasets::new(&r, &c);
        let mut report = run(datasets, &Config::default(), &options, &NoProgress).expect("run");
        report
            .checks
            .retain(|c| c.id == "schema" || c.id == "data_quality");
        for c in &mut report.checks {
            c.evidence = serde_json::Value::Null;
        }
        report.summary = Report::summarise(&report.checks);
        report
    }
}
