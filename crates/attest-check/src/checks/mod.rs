//! One module per check: what it needs → statistics → verdicts.

mod drift;
pub mod performance;
mod quality;

use crate::report::Check;
use crate::run::RunData;

/// Build every check in report order (skipped ones included, with the reason).
pub fn build(data: &RunData<'_>) -> Vec<Check> {
    let mut checks = vec![quality::schema(data), quality::data_quality(data)];
    checks.extend(drift::build(data));
    checks.extend(performance::build(data));
    checks
        .into_iter()
        .map(|c| {
            if data.config.runs(&c.id) {
                c
            } else {
                Check::skipped(
                    &c.id,
                    &c.title,
                    "skipped by the configuration ([checks] skip)",
                )
            }
        })
        .collect()
}
