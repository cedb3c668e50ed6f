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
    /// A second model's positive-class probability on the same rows
    /// (champion vs challenger).
    pub challenger_score: Option<String>,
    /// A second model's predicted class or value on the same rows.
    pub challenger_prediction: Option<String>,
    /// Per-class probabilities of a multiclass model: one column per class
    /// (in sorted class order), or one list column. Auto-detected as
    /// `proba_<class>` / `score_<class>` when two or more such columns exist.
    pub class_scores: Vec<String>,
    /// Per-row feature attributions (e.g. SHAP), one column per feature.
    /// Auto-detected as `shap_<feature>` / `shap__<feature>`.
    pub attribution: Vec<String>,
    /// When each feature's value became known: `feature = "column"`
    /// (the time-travel check).
    pub feature_time: BTreeMap<String, String>,
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
            challenger_score: None,
            challenger_prediction: None,
            class_scores: Vec::new(),
            attribution: Vec::new(),
            feature_time: BTreeMap::new(),
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
    /// A drifted feature holding at least this share of the model's
    /// importance fails feature drift (SPEC §3 "Verdicts" rule 4).
    pub important_share: f64,
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
            important_share: 0.1,
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

/// Over- and under-fitting thresholds (SPEC §3, `train` vs `reference`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FitConfig {
    /// Overfit when `generalization_gap` of the deciding metric ≥ this.
    pub max_gap: f64,
    /// Underfit when `baseline_gain` of the deciding metric < this.
    pub min_gain: f64,
    /// Severity of over- and under-fitting.
    pub severity: Severity,
}

impl Default for FitConfig {
    fn default() -> Self {
        Self {
            max_gap: 0.05,
            min_gain: 0.1,
            severity: Severity::Fail,
        }
    }
}

/// Leakage thresholds (SPEC §3 "Leakage, including time travel"). A share
/// above its limit is a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LeakageConfig {
    /// Rows of the later dataset earlier than the last time of the earlier one.
    pub max_temporal_overlap_share: f64,
    /// Rows of the later dataset at a time that the earlier one also has.
    pub max_timestamp_duplicate_share: f64,
    /// Rows of the later dataset whose id the earlier one has.
    pub max_id_overlap_share: f64,
    /// Rows of the later dataset whose features all equal a row of the earlier one.
    pub max_feature_row_overlap_share: f64,
    /// Severity of the overlaps between datasets.
    pub overlap_severity: Severity,
    /// Judge the overlaps of current with reference too (by default only
    /// those with train are judged: reference and current may well share
    /// rows, times or ids by design; their shares are still reported).
    pub judge_reference_current: bool,
    /// Rows where a feature was known after the prediction time.
    pub max_time_travel_share: f64,
    /// Severity of time travel.
    pub time_travel_severity: Severity,
    /// A feature whose `label_association` in train or reference is ≥ this
    /// and above the model's own association warns (a leak?)…
    pub max_label_association: f64,
    /// …and one ≥ this nearly determines the label: it fails.
    pub severe_label_association: f64,
    /// …or when it drops by at least this from train (else reference) to current.
    pub max_label_association_drop: f64,
    /// Severity of a suspected label leak.
    pub association_severity: Severity,
}

impl Default for LeakageConfig {
    fn default() -> Self {
        Self {
            max_temporal_overlap_share: 0.0,
            max_timestamp_duplicate_share: 0.0,
            max_id_overlap_share: 0.0,
            max_feature_row_overlap_share: 0.0,
            overlap_severity: Severity::Fail,
            judge_reference_current: false,
            max_time_travel_share: 0.0,
            time_travel_severity: Severity::Fail,
            max_label_association: 0.8,
            severe_label_association: 0.95,
            max_label_association_drop: 0.2,
            association_severity: Severity::Fail,
        }
    }
}

/// A calendar period of backtesting chunks (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// `2024-03-05`.
    Day,
    /// ISO weeks, Monday first: `2024-W10`.
    Week,
    /// `2024-03`.
    #[default]
    Month,
    /// `2024-Q1`.
    Quarter,
    /// `2024`.
    Year,
}

/// How a dataset is cut into chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunking {
    /// By calendar period of the timestamp.
    Period(Period),
    /// Consecutive runs of this many rows (the last one shorter).
    Rows(usize),
    /// This many chunks of near-equal size (numpy `array_split`).
    Count(usize),
}

/// Backtesting over time (SPEC §3): chunks and their thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BacktestConfig {
    /// A calendar period: `day`, `week`, `month` (the default), `quarter`, `year`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunk: Option<Period>,
    /// Or chunks of this many rows, in time order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunk_rows: Option<usize>,
    /// Or this many chunks of near-equal size, in time order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunks: Option<usize>,
    /// Thresholds are the reference chunks' mean ∓ this many standard deviations.
    pub std_devs: f64,
    /// Severity of a current chunk outside the thresholds on the worse side.
    pub severity: Severity,
    /// Whether a chunk better than the thresholds alarms too (by default it
    /// is drawn as "better" and passes: SPEC §3 "Verdicts", rule 5).
    pub alert_on_improvement: bool,
}

impl Default for BacktestConfig {
    fn default() -> Self {
        Self {
            chunk: None,
            chunk_rows: None,
            chunks: None,
            std_devs: 3.0,
            severity: Severity::Warn,
            alert_on_improvement: false,
        }
    }
}

impl BacktestConfig {
    /// The chunking asked for (a month when none is).
    pub fn chunking(&self) -> Chunking {
        match (self.chunk, self.chunk_rows, self.chunks) {
            (_, Some(n), _) => Chunking::Rows(n),
            (_, _, Some(n)) => Chunking::Count(n),
            (Some(p), _, _) => Chunking::Period(p),
            _ => Chunking::Period(Period::Month),
        }
    }
}

/// Champion vs challenger (SPEC §3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChallengerConfig {
    /// A difference is significant when the test's p-value is below this.
    pub alpha: f64,
    /// Severity when the challenger is significantly better than the model
    /// under validation.
    pub severity: Severity,
}

impl Default for ChallengerConfig {
    fn default() -> Self {
        Self {
            alpha: 0.05,
            severity: Severity::Warn,
        }
    }
}

/// How scores are calibrated before estimating performance without labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Calibration {
    /// Isotonic regression fitted on the reference (as scikit-learn's).
    #[default]
    Isotonic,
    /// The scores as they are.
    None,
}

/// Performance without labels (SPEC §3, confidence-based estimation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EstimationConfig {
    pub calibration: Calibration,
    /// Severity of an estimated chunk outside the backtesting thresholds.
    pub severity: Severity,
}

impl Default for EstimationConfig {
    fn default() -> Self {
        Self {
            calibration: Calibration::Isotonic,
            severity: Severity::Warn,
        }
    }
}

/// Training/serving skew (SPEC §3): reference and current joined on `id`.
/// Label quality (SPEC §3 "Label errors and conflicting labels").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LabelsConfig {
    /// Judged when more than this share of a dataset's rows used look
    /// mislabelled (confident learning, as cleanlab's `find_label_issues`).
    pub max_label_issue_share: f64,
    /// Judged when more rows than this share repeat another row's features
    /// with a different label.
    pub max_conflicting_label_share: f64,
    pub severity: Severity,
}

impl Default for LabelsConfig {
    fn default() -> Self {
        Self {
            max_label_issue_share: 0.05,
            max_conflicting_label_share: 0.0,
            severity: Severity::Warn,
        }
    }
}

/// Feature importance change (SPEC §3): when the model's reliance moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportanceConfig {
    /// Flag when `importance_tv_distance` ≥ this (a reference top-5
    /// feature leaving the top 5 flags too).
    pub max_tv_distance: f64,
    pub severity: Severity,
}

impl Default for ImportanceConfig {
    fn default() -> Self {
        Self {
            max_tv_distance: 0.1,
            severity: Severity::Warn,
        }
    }
}

/// Stress slices (SPEC §3): when a slice of current is weak.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlicesConfig {
    /// A slice is weak when its deciding metric is worse than the overall
    /// one by at least this share (`slice_relative_delta` ≤ −this)…
    pub max_relative_drop: f64,
    /// …and its loss differs significantly from the other rows' under
    /// Benjamini–Hochberg at this false discovery rate.
    pub alpha: f64,
    pub severity: Severity,
}

impl Default for SlicesConfig {
    fn default() -> Self {
        Self {
            max_relative_drop: 0.05,
            alpha: 0.05,
            severity: Severity::Warn,
        }
    }
}

/// Training/serving skew (SPEC §3): the join, its tolerances and verdicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SkewConfig {
    /// Pair reference and current rows by id (`--skew`).
    pub join: bool,
    /// Numbers are equal when |a − b| ≤ atol + rtol·max(|a|, |b|).
    pub atol: f64,
    pub rtol: f64,
    /// A feature is skewed when more of its pairs with both values differ…
    pub max_mismatch_share: f64,
    /// …or more of its pairs have a value on one side only.
    pub max_one_side_missing_share: f64,
    pub severity: Severity,
}

impl Default for SkewConfig {
    fn default() -> Self {
        Self {
            join: false,
            atol: 0.0,
            rtol: 1e-9,
            max_mismatch_share: 0.0,
            max_one_side_missing_share: 0.0,
            severity: Severity::Fail,
        }
    }
}

/// `[model]`: the model card (what is being validated, for the report's
/// readers: free text that no check reads) and the model file the checks
/// of SPEC §3 "The model itself" probe (`path`, `inputs`, …). Echoed in the
/// report's `config.model`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelCard {
    pub name: Option<String>,
    pub version: Option<String>,
    pub owner: Option<String>,
    pub intended_use: Option<String>,
    /// What the reference and current data are.
    pub data: Option<String>,
    pub notes: Option<String>,
    /// The model's risk tier, as a validation policy names it (SPEC §8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Who built the model: an independent approval is by someone else.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub developers: Vec<String>,
    /// The ONNX model file (`--model`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Model input name → the column that feeds it, or the columns of a
    /// tensor input in order. Inputs named like a column need no entry.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub inputs: BTreeMap<String, ModelInput>,
    /// A Python model's feature columns, in the order it takes them (when
    /// the model has no `feature_names_in_`; SPEC §7).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// Noise, extreme values and permutation importance use the first
    /// this many rows (file order).
    pub max_rows: usize,
    /// The perturbations' SplitMix64 seed.
    pub seed: u64,
    /// Parity fails when the model's probability of the positive class (a
    /// regression's value) differs from the dataset's `score`
    /// (`prediction`) by more than this on some row…
    pub max_score_diff: f64,
    /// …or when the model's class equals `prediction` on fewer rows than
    /// this share.
    pub min_prediction_agreement: f64,
    /// Sensitivity warns when noise of ε = 0.01 flips more than this share
    /// of a feature's changed rows.
    pub max_noise_flip_share: f64,
}

impl Default for ModelCard {
    fn default() -> Self {
        Self {
            name: None,
            version: None,
            owner: None,
            intended_use: None,
            data: None,
            notes: None,
            tier: None,
            developers: Vec::new(),
            path: None,
            inputs: BTreeMap::new(),
            features: Vec::new(),
            max_rows: 10_000,
            seed: 0,
            max_score_diff: 1e-4,
            min_prediction_agreement: 0.999,
            max_noise_flip_share: 0.05,
        }
    }
}

/// The column(s) that feed one model input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ModelInput {
    Column(String),
    Columns(Vec<String>),
}

impl ModelInput {
    /// The columns, in order.
    pub fn columns(&self) -> Vec<String> {
        match self {
            ModelInput::Column(c) => vec![c.clone()],
            ModelInput::Columns(c) => c.clone(),
        }
    }
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

/// The decode limits ([`crate::read::Limits`]); each unset one takes the
/// default of where Attest runs (the CLI's or the web app's). Only the ones
/// set are echoed, so a report does not depend on where it was made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Rows of one dataset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u64>,
    /// Bytes of one decoded column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_column_bytes: Option<u64>,
}

impl LimitsConfig {
    /// Whether no limit is set.
    pub fn is_unset(&self) -> bool {
        self.max_rows.is_none() && self.max_column_bytes.is_none()
    }
    /// The limits, with `defaults` for the unset ones.
    pub fn resolve(&self, defaults: crate::read::Limits) -> crate::read::Limits {
        crate::read::Limits {
            max_rows: self.max_rows.unwrap_or(defaults.max_rows),
            max_column_bytes: self.max_column_bytes.unwrap_or(defaults.max_column_bytes),
        }
    }
}

/// Which checks run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChecksConfig {
    /// Check ids to skip, e.g. `["fairness"]`.
    pub skip: Vec<String>,
}

/// How verdicts are judged (SPEC §3 "Verdicts"): a change fails or warns
/// only when it is material (its check's threshold) and significant (a
/// one-sided test at `alpha`, Benjamini–Hochberg within a check).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VerdictsConfig {
    /// The significance level of the one-sided tests.
    pub alpha: f64,
    /// The SplitMix64 seed of the deterministic bootstrap.
    pub seed: u64,
}

impl Default for VerdictsConfig {
    fn default() -> Self {
        Self {
            alpha: 0.05,
            seed: 0,
        }
    }
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
    pub fit: FitConfig,
    pub leakage: LeakageConfig,
    pub backtest: BacktestConfig,
    pub challenger: ChallengerConfig,
    pub estimation: EstimationConfig,
    pub skew: SkewConfig,
    pub labels: LabelsConfig,
    pub importance: ImportanceConfig,
    pub slices: SlicesConfig,
    pub checks: ChecksConfig,
    /// How verdicts are judged (`[verdicts]`).
    pub verdicts: VerdictsConfig,
    /// Decode limits (`[limits]`).
    #[serde(skip_serializing_if = "LimitsConfig::is_unset")]
    pub limits: LimitsConfig,
    /// Margins against a baseline report (`[baseline]`, SPEC §8).
    #[serde(skip_serializing_if = "BaselineConfig::is_default")]
    pub baseline: BaselineConfig,
}

/// `[baseline]`: how far below a baseline report a metric may fall (SPEC §8,
/// `--baseline`, `attest compare`). Echoed only when set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BaselineConfig {
    /// The default margin, absolute, in the metric's own units.
    pub max_degradation: f64,
    /// Margins by metric name (`[baseline.metrics] roc_auc = 0.01`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, f64>,
}

impl Default for BaselineConfig {
    fn default() -> Self {
        Self {
            max_degradation: 0.02,
            metrics: BTreeMap::new(),
        }
    }
}

impl BaselineConfig {
    /// Whether nothing is set (then the report's echo leaves it out).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// Every check id, in report order.
pub const CHECK_IDS: [&str; 21] = [
    "schema",
    "data_quality",
    "feature_drift",
    "prediction_drift",
    "label_drift",
    "performance",
    "performance_baseline",
    "performance_by_segment",
    "fairness",
    "fit",
    "leakage",
    "backtest",
    "challenger",
    "estimated_performance",
    "skew",
    "label_quality",
    "importance",
    "stress_slices",
    "model_parity",
    "model_sensitivity",
    "model_permutation_importance",
];

impl Config {
    /// Parse TOML text.
    ///
    /// The text is parsed as a TOML table (syntax errors carry TOML's line
    /// and column), then read as a configuration through its JSON form, so
    /// that the configuration's types are read by one deserializer (JSON's)
    /// everywhere: in the browser that keeps a second copy of every
    /// configuration type's reader out of the download (DESIGN.md, bundle
    /// size).
    pub fn from_toml(text: &str) -> Result<Self> {
        let table: toml::Table = toml::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
        let json = serde_json::to_string(&table).map_err(|e| Error::Config(e.to_string()))?;
        Self::from_json(&json)
    }

    /// Parse a configuration given as JSON (the web app's choices, a report's
    /// configuration echo), and validate it.
    pub fn from_json(text: &str) -> Result<Self> {
        let config: Config = serde_json::from_str(text).map_err(|e| {
            // The position is in the JSON form, not the user's text: leave it out.
            let m = e.to_string();
            let m = match m.rfind(" at line ") {
                Some(i) => m[..i].to_string(),
                None => m,
            };
            Error::Config(m)
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Check values that types alone cannot.
    pub fn validate(&self) -> Result<()> {
        let margins =
            std::iter::once(("max_degradation".to_string(), self.baseline.max_degradation)).chain(
                self.baseline
                    .metrics
                    .iter()
                    .map(|(k, v)| (format!("metrics.{k}"), *v)),
            );
        for (key, margin) in margins {
            if !margin.is_finite() || margin < 0.0 {
                return Err(Error::Config(format!(
                    "baseline.{key} = {margin}: a margin is a number of at least 0"
                )));
            }
        }
        for name in self.baseline.metrics.keys() {
            if crate::verdict::orientation(name).is_none() {
                return Err(Error::Config(format!(
                    "baseline.metrics.{name}: not a performance metric with a direction (accuracy, precision, recall, f1, roc_auc, pr_auc, r2, macro_f1, weighted_f1, log_loss, brier, ece, rmse, mae, mape)"
                )));
            }
        }
        for id in &self.checks.skip {
            if !CHECK_IDS.contains(&id.as_str()) {
                return Err(Error::Config(format!(
                    "checks.skip: unknown check `{id}` (known: {})",
                    CHECK_IDS.join(", ")
                )));
            }
        }
        if self.model.max_rows == 0 {
            return Err(Error::Config(
                "model.max_rows = 0: must be at least 1".into(),
            ));
        }
        let b = &self.backtest;
        let given = [
            b.chunk.is_some(),
            b.chunk_rows.is_some(),
            b.chunks.is_some(),
        ];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(Error::Config(
                "backtest: give one of `chunk`, `chunk_rows` and `chunks`".into(),
            ));
        }
        for (name, v) in [
            ("backtest.chunk_rows", b.chunk_rows),
            ("backtest.chunks", b.chunks),
        ] {
            if v == Some(0) {
                return Err(Error::Config(format!("{name} = 0: must be at least 1")));
            }
        }
        let r = &self.roles;
        for (feature, column) in &r.feature_time {
            if feature == column {
                return Err(Error::Config(format!(
                    "roles.feature_time: `{feature}` cannot be its own time column"
                )));
            }
        }
        let shares = [
            ("drift.ks_p_value", self.drift.ks_p_value),
            ("challenger.alpha", self.challenger.alpha),
            (
                "leakage.max_temporal_overlap_share",
                self.leakage.max_temporal_overlap_share,
            ),
            (
                "leakage.max_timestamp_duplicate_share",
                self.leakage.max_timestamp_duplicate_share,
            ),
            (
                "leakage.max_id_overlap_share",
                self.leakage.max_id_overlap_share,
            ),
            (
                "leakage.max_feature_row_overlap_share",
                self.leakage.max_feature_row_overlap_share,
            ),
            (
                "leakage.max_time_travel_share",
                self.leakage.max_time_travel_share,
            ),
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
            ("fit.max_gap", self.fit.max_gap),
            ("backtest.std_devs", self.backtest.std_devs),
            (
                "leakage.max_label_association",
                self.leakage.max_label_association,
            ),
            (
                "leakage.severe_label_association",
                self.leakage.severe_label_association,
            ),
            ("verdicts.alpha", self.verdicts.alpha),
            (
                "leakage.max_label_association_drop",
                self.leakage.max_label_association_drop,
            ),
        ];
        if !self.fit.min_gain.is_finite() {
            return Err(Error::Config(format!(
                "fit.min_gain = {}: must be a finite number",
                self.fit.min_gain
            )));
        }
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
    fn limits_are_echoed_only_when_set() {
        let echo = serde_json::to_value(Config::default()).expect("json");
        assert!(echo.get("limits").is_none(), "{echo}");
        let config = Config::from_toml("[limits]\nmax_rows = 5\n").expect("valid");
        let echo = serde_json::to_value(&config).expect("json");
        assert_eq!(echo["limits"], serde_json::json!({ "max_rows": 5 }));
        let limits = config.limits.resolve(crate::read::Limits::BROWSER);
        assert_eq!(limits.max_rows, 5);
        assert_eq!(
            limits.max_column_bytes,
            crate::read::Limits::BROWSER.max_column_bytes
        );
        assert!(Config::from_toml("[limits]\nmax_bytes = 5\n").is_err());
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
