//! Run configuration: roles, kind overrides, thresholds (`attest.toml`).
//!
//! Every field has a default, so an empty file (or none) is a valid
//! configuration. Unknown keys are rejected so that a typo never silently
//! turns a threshold off. See `attest.example.toml` in the repository root.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::columns::Kind;
use crate::error::{Error, Result};

/// The prediction task, which decides the performance metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Decide from the label and prediction columns (see DESIGN.md).
    #[default]
    Auto,
    /// Labels 0/1 or booleans, positive class 1/true.
    Binary,
    /// Several classes.
    Multiclass,
    /// A numeric target.
    Regression,
}

/// How serious a violated threshold is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Report it, keep the exit status 0.
    Warn,
    /// Fail the run (exit status 1).
    Fail,
}

/// Column roles (SPEC §2). Unset single roles are auto-detected by name
/// unless `auto_detect` is false.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Roles {
    /// Detect unset single roles from column names (default true). The web
    /// app turns it off when the user has reviewed every role, so that a role
    /// the user cleared stays cleared.
    pub auto_detect: bool,
    pub id: Option<String>,
    pub timestamp: Option<String>,
    pub prediction: Option<String>,
    pub score: Option<String>,
    pub label: Option<String>,
    pub sensitive: Vec<String>,
    pub segments: Vec<String>,
    /// Columns left out of every check.
    pub ignore: Vec<String>,
}

impl Default for Roles {
    fn default() -> Self {
        Self {
            auto_detect: true,
            id: None,
            timestamp: None,
            prediction: None,
            score: None,
            label: None,
            sensitive: Vec::new(),
            segments: Vec::new(),
            ignore: Vec::new(),
        }
    }
}

/// Drift thresholds (SPEC §3, "Default drift verdict").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DriftConfig {
    /// A reference with at most this many non-missing values is judged by p-values.
    pub small_reference_rows: usize,
    /// Numeric drift when `ks_p_value` < this (small reference).
    pub ks_p_value: f64,
    /// Categorical drift when `chi2_p_value` < this (small reference).
    pub chi2_p_value: f64,
    /// Numeric drift when `wasserstein_norm` ≥ this (large reference).
    pub wasserstein_norm: f64,
    /// Categorical drift when `jensen_shannon` ≥ this (large reference).
    pub jensen_shannon: f64,
    /// Dataset drift when the share of drifted features ≥ this.
    pub dataset_drift_share: f64,
    /// Severity of dataset drift.
    pub feature_severity: Severity,
    /// Severity of drift in the prediction or score column.
    pub prediction_severity: Severity,
    /// Severity of drift in the label column.
    pub label_severity: Severity,
}

impl Default for DriftConfig {
    fn default() -> Self {
        Self {
            small_reference_rows: 1000,
            ks_p_value: 0.05,
            chi2_p_value: 0.05,
            wasserstein_norm: 0.1,
            jensen_shannon: 0.1,
            dataset_drift_share: 0.5,
            feature_severity: Severity::Fail,
            prediction_severity: Severity::Warn,
            label_severity: Severity::Warn,
        }
    }
}

/// Data-quality thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataQualityConfig {
    /// Violation when current `missing_share` exceeds the reference's by more than this.
    pub max_missing_share_increase: f64,
    /// Violation when `out_of_range_share` exceeds this.
    pub max_out_of_range_share: f64,
    /// Violation when `new_category_share` exceeds this.
    pub max_new_category_share: f64,
    /// Violation when the share of duplicate rows in current exceeds this.
    pub max_duplicate_rows_share: f64,
    /// Flag columns with a single distinct value in current.
    pub flag_constant_columns: bool,
    /// Severity of data-quality violations.
    pub severity: Severity,
    /// Severity of schema mismatches (missing columns, kind changes).
    pub schema_severity: Severity,
}

impl Default for DataQualityConfig {
    fn default() -> Self {
        Self {
            max_missing_share_increase: 0.05,
            max_out_of_range_share: 0.05,
            max_new_category_share: 0.05,
            max_duplicate_rows_share: 0.05,
            flag_constant_columns: true,
            severity: Severity::Warn,
            schema_severity: Severity::Fail,
        }
    }
}

/// Performance thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PerformanceConfig {
    /// Largest allowed relative degradation of a key metric from reference to current.
    pub max_degradation: f64,
    /// Score at or above which a row is predicted positive (used when there is
    /// a score but no prediction column).
    pub decision_threshold: f64,
    /// Severity of degradation and of losing to the dummy baseline.
    pub severity: Severity,
}

impl Default for PerformanceConfig {
    fn default() -> Self {
        Self {
            max_degradation: 0.1,
            decision_threshold: 0.5,
            severity: Severity::Fail,
        }
    }
}

/// Performance-by-segment thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SegmentConfig {
    /// A segment is flagged when its key metric is worse than overall by more than this (relative).
    pub max_gap: f64,
    /// Segments with fewer rows are reported but not judged.
    pub min_rows: usize,
    /// Columns with more distinct values are not segmented.
    pub max_segments: usize,
    /// Severity of a flagged segment.
    pub severity: Severity,
}

impl Default for SegmentConfig {
    fn default() -> Self {
        Self {
            max_gap: 0.1,
            min_rows: 30,
            max_segments: 50,
            severity: Severity::Warn,
        }
    }
}

/// Fairness thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FairnessConfig {
    pub max_demographic_parity_difference: f64,
    /// The "four-fifths rule".
    pub min_demographic_parity_ratio: f64,
    pub max_equal_opportunity_difference: f64,
    pub max_equalized_odds_difference: f64,
    pub severity: Severity,
}

impl Default for FairnessConfig {
    fn default() -> Self {
        Self {
            max_demographic_parity_difference: 0.1,
            min_demographic_parity_ratio: 0.8,
            max_equal_opportunity_difference: 0.1,
            max_equalized_odds_difference: 0.1,
            severity: Severity::Fail,
        }
    }
}

/// The model card: what is being validated, for the report's readers.
/// Free text, echoed in the report's `config.model`; no check reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelCard {
    pub name: Option<String>,
    pub version: Option<String>,
    pub owner: Option<String>,
    pub intended_use: Option<String>,
    /// What the reference and current data are.
    pub data: Option<String>,
    pub notes: Option<String>,
}

impl ModelCard {
    /// The filled-in fields as (label, text), in card order.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        [
            ("Model", &self.name),
            ("Version", &self.version),
            ("Owner", &self.owner),
            ("Intended use", &self.intended_use),
            ("Data", &self.data),
            ("Notes", &self.notes),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| (k, t))
        })
        .collect()
    }
}

/// Which checks run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChecksConfig {
    /// Check ids to skip, e.g. `["fairness"]`.
    pub skip: Vec<String>,
}

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The model card (name, version, owner, intended use, data, notes).
    pub model: ModelCard,
    pub task: Task,
    pub roles: Roles,
    /// Column kind overrides: `column = "numeric" | "categorical"`.
    pub kinds: BTreeMap<String, Kind>,
    pub drift: DriftConfig,
    pub data_quality: DataQualityConfig,
    pub performance: PerformanceConfig,
    pub segments: SegmentConfig,
    pub fairness: FairnessConfig,
    pub checks: ChecksConfig,
}

/// Every check id, in report order.
pub const CHECK_IDS: [&str; 9] = [
    "schema",
    "data_quality",
    "feature_drift",
    "prediction_drift",
    "label_drift",
    "performance",
    "performance_baseline",
    "performance_by_segment",
    "fairness",
];

impl Config {
    /// Parse TOML text.
    pub fn from_toml(text: &str) -> Result<Self> {
        let config: Config = toml::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Check values that types alone cannot.
    pub fn validate(&self) -> Result<()> {
        for id in &self.checks.skip {
            if !CHECK_IDS.contains(&id.as_str()) {
                return Err(Error::Config(format!(
                    "checks.skip: unknown check `{id}` (known: {})",
                    CHECK_IDS.join(", ")
                )));
            }
        }
        let shares = [
            ("drift.ks_p_value", self.drift.ks_p_value),
            ("drift.chi2_p_value", self.drift.chi2_p_value),
            ("drift.dataset_drift_share", self.drift.dataset_drift_share),
            (
                "performance.decision_threshold",
                self.performance.decision_threshold,
            ),
        ];
        for (name, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                return Err(Error::Config(format!(
                    "{name} = {v}: must be between 0 and 1"
                )));
            }
        }
        let non_negative = [
            ("drift.wasserstein_norm", self.drift.wasserstein_norm),
            ("drift.jensen_shannon", self.drift.jensen_shannon),
            (
                "performance.max_degradation",
                self.performance.max_degradation,
            ),
            ("segments.max_gap", self.segments.max_gap),
        ];
        for (name, v) in non_negative {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(Error::Config(format!(
                    "{name} = {v}: must be a finite number ≥ 0"
                )));
            }
        }
        Ok(())
    }

    /// True unless the check is skipped.
    pub fn runs(&self, check: &str) -> bool {
        !self.checks.skip.iter().any(|s| s == check)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_default() {
        assert_eq!(Config::from_toml("").expect("valid"), Config::default());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = Config::from_toml("[drift]\nks_pvalue = 0.01\n").expect_err("typo");
        assert!(err.to_string().contains("ks_pvalue"), "{err}");
    }

    #[test]
    fn out_of_range_threshold_is_rejected() {
        let err = Config::from_toml("[drift]\nks_p_value = 5\n").expect_err("bad");
        assert!(err.to_string().contains("between 0 and 1"), "{err}");
    }

    #[test]
    fn example_file_parses() {
        let text = include_str!("../../../attest.example.toml");
        let config = Config::from_toml(text).expect("example is valid");
        assert_eq!(config.roles.segments, vec!["region".to_string()]);
        let card = config.model.fields();
        assert_eq!(card[0], ("Model", "churn-classifier"));
        assert_eq!(card.len(), 6);
        assert!(ModelCard::default().fields().is_empty());
    }
}
