//! The Attest web app (client-side, no server).
//!
//! - [`app`] (wasm32): the Leptos page — file pickers, the demo, the report view.
//! - [`worker_entry`] (wasm32): the Web Worker that reads files by ranges
//!   ([`blob_source`]) and runs the same checks as the CLI.
//! - [`http_source`] (wasm32): `?reference=URL` files read with HTTP ranges.
//! - [`protocol`]: the messages between them.
//! - [`web_crypto`] (wasm32): files hashed by the browser's own SHA-256.
//! - [`setup`]: the "before the run" choices (roles, kinds, checks) → a config.
//! - [`share`]: signature checks, the one-file HTML export and reproduction,
//!   as the page does them.
//! - [`view_model`], [`charts`] and [`time_chart`]: pure functions from the
//!   report document to what the views show, tested natively.

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod blob_source;
pub mod charts;
#[cfg(target_arch = "wasm32")]
pub mod http_source;
#[cfg(target_arch = "wasm32")]
pub mod model_jobs;
pub mod protocol;
pub mod ranges;
pub mod setup;
pub mod share;
pub mod time_chart;
pub mod view_model;
#[cfg(target_arch = "wasm32")]
pub mod web_crypto;
#[cfg(target_arch = "wasm32")]
pub mod worker_entry;

use std::sync::Arc;

use attest_check::read::{Dataset, Datasets};
use attest_check::run::{run, NoProgress, RunOptions};
use attest_check::source::MemorySource;
use attest_check::Config;

/// Run every check on two in-memory files and return the report JSON
/// (`created_at` is written as given: the library reads no clock).
pub fn check(
    reference_name: &str,
    reference: Vec<u8>,
    current_name: &str,
    current: Vec<u8>,
    config_toml: &str,
    created_at: &str,
) -> attest_check::Result<String> {
    let config = Config::from_toml(config_toml)?;
    let reference = Dataset::open(
        "reference",
        Arc::new(MemorySource::new(reference_name, reference)),
    )?;
    let current = Dataset::open(
        "current",
        Arc::new(MemorySource::new(current_name, current)),
    )?;
    let options = RunOptions {
        created_at: created_at.to_string(),
        ..RunOptions::default()
    };
    Ok(run(
        Datasets::new(&reference, &current),
        &config,
        &options,
        &NoProgress,
    )?
    .to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_pair_runs_in_memory() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/public/demo/");
        let r = std::fs::read(format!("{dir}reference.parquet")).expect("demo reference");
        let c = std::fs::read(format!("{dir}current.parquet")).expect("demo current");
        let json = check(
            "reference.parquet",
            r,
            "current.parquet",
            c,
            "",
            "2024-01-01T00:00:00Z",
        )
        .expect("runs");
        let report: attest_check::Report = serde_json::from_str(&json).expect("report");
        assert_eq!(report.created_at, "2024-01-01T00:00:00Z");
        assert!(report.checks.iter().any(|c| c.id == "feature_drift"));
    }

    #[test]
    fn bad_config_is_an_error_not_a_panic() {
        let err =
            check("a", vec![], "b", vec![], "[drift]\nnope = 1\n", "").expect_err("bad config");
        assert!(err.to_string().contains("nope"));
    }
}
