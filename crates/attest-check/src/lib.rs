//! # attest-check
//!
//! Attest's check library: reads prediction data (Parquet, CSV), computes
//! drift, data-quality, performance and fairness checks with exact
//! statistics, and writes the report document (SPEC §4). It has no web
//! dependencies, reads no clock and opens no files of its own: the caller
//! gives it [`source::ByteSource`]s, so the same code runs natively (the
//! `attest` CLI) and in the browser (wasm32).
//!
//! ```no_run
//! # fn main() -> attest_check::Result<()> {
//! use std::sync::Arc;
//! use attest_check::{read::Dataset, run::{run, NoProgress, RunOptions}, source::FileSource, Config};
//!
//! let reference = Dataset::open("reference", Arc::new(FileSource::open("ref.parquet")?))?;
//! let current = Dataset::open("current", Arc::new(FileSource::open("cur.parquet")?))?;
//! let report = run(&reference, &current, &Config::default(), &RunOptions::default(), &NoProgress)?;
//! println!("{}", report.to_json());
//! # Ok(())
//! # }
//! ```
//!
//! Data flows one way: bytes ([`source`]) → Arrow arrays ([`read`]) → column
//! views ([`columns`]) → profiles ([`profile`], [`stats`]) → checks → [`report`].

pub mod checks;
pub mod columns;
pub mod config;
pub mod conformance;
pub mod error;
pub mod plan;
pub mod profile;
pub mod read;
pub mod report;
pub mod run;
pub mod sign;
pub mod source;
pub mod stats;
pub mod targets;

pub use config::Config;
pub use error::{Error, Result};
pub use report::Report;

/// This library's version, written into reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
