//! The check families: each turns what the run read into checks with
//! verdicts (needs → statistics → verdicts).
//!
//! A family is one file here implementing [`Family`]: the checks it builds
//! (id and title, in report order), optionally statistics of one column of
//! every dataset made during the run's single column pass
//! ([`Family::column`]: small, so peak memory does not grow with the number
//! of checks), and [`Family::build`], which reads the [`Context`] (the
//! configuration, the plan, every dataset's label, model outputs,
//! timestamps and ids) and the [`Pass`] (column profiles, the families' own
//! column statistics, row hashes). Its statistics are pure functions in
//! `stats/`. Adding a family is that file and one line in [`FAMILIES`]
//! (plus its thresholds in `config.rs`): the run and the page need nothing.

mod backtest;
mod challenger;
mod drift;
mod estimation;
mod fit;
mod importance;
mod labels;
mod leakage;
pub mod model;
pub mod performance;
mod quality;
mod skew;
mod slices;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::columns::Interner;
use crate::config::Config;
use crate::plan::{ColumnPlan, Plan};
use crate::profile::Profile;
use crate::report::Check;
use crate::targets::{AllTargets, PerfData};
use backtest::{ChunkValues, Chunks};
use performance::Values;

/// A check family (see the module documentation).
pub trait Family: Sync + Send {
    /// A short name, the key of its column statistics.
    fn name(&self) -> &'static str;
    /// The (id, title) of each check it builds, in report order.
    fn checks(&self) -> &'static [(&'static str, &'static str)];
    /// What it needs the column pass to read or compute beyond the
    /// reference-vs-current profiles.
    fn needs(&self) -> Needs {
        Needs::default()
    }
    /// Statistics of one column of every dataset, made in the column pass
    /// (JSON, so that a part made in another worker crosses as it is).
    fn column(&self, _column: &ColumnData<'_>, _ctx: &Context<'_>) -> Option<Value> {
        None
    }
    /// Its checks, in the order of [`Family::checks`].
    fn build(&self, ctx: &Context<'_>, pass: &Pass) -> Vec<Check>;
}

/// What a family needs of the column pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    /// The feature columns of every dataset (train too), not only of
    /// reference and current.
    pub every_dataset: bool,
    /// Hashes of each row's feature tuple in every dataset.
    pub feature_hashes: bool,
    /// Its checks need nothing of the pass (only the role columns): they
    /// are built beside it ([`build_early`]) while the columns are read.
    pub no_pass: bool,
}

impl Needs {
    /// What the running families need together.
    pub fn of_run(ctx: &Context<'_>) -> Needs {
        FAMILIES
            .iter()
            .filter(|f| ctx.runs_any(**f))
            .map(|f| f.needs())
            .fold(Needs::default(), |a, b| Needs {
                every_dataset: a.every_dataset || b.every_dataset,
                feature_hashes: a.feature_hashes || b.feature_hashes,
                no_pass: false,
            })
    }
}

/// Every family, in report order.
pub const FAMILIES: &[&dyn Family] = &[
    &quality::Quality,
    &drift::Drift,
    &performance::Performance,
    &fit::Fit,
    &leakage::Leakage,
    &backtest::Backtest,
    &challenger::Challenger,
    &estimation::Estimation,
    &skew::Skew,
    &labels::Labels,
    &importance::Importance,
    &slices::Slices,
    &model::Model,
];

/// Every check id, in report order.
pub fn check_ids() -> Vec<&'static str> {
    FAMILIES
        .iter()
        .flat_map(|f| f.checks().iter().map(|(id, _)| *id))
        .collect()
}

/// A dataset of the run, as the checks name it.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetMeta {
    /// "train", "reference" or "current".
    pub label: String,
    /// File name.
    pub name: String,
    pub rows: usize,
}

/// What every check can read besides the column pass.
pub struct Context<'a> {
    pub config: &'a Config,
    pub plan: &'a Plan,
    /// The datasets in run order: train (when given), reference, current.
    pub datasets: Vec<DatasetMeta>,
    /// Labels, model outputs, timestamps, ids and groupings of every dataset.
    pub targets: &'a AllTargets,
    /// What several families compute from the targets, computed once.
    pub memo: Memo,
}

/// Values computed once for the families that share them (a dataset's
/// labelled rows, its metrics, its chunks and their metrics), by key; a
/// family asking while another computes waits for that value.
#[derive(Default)]
pub struct Memo {
    perf: MemoMap<String, Option<PerfData>>,
    metrics: MemoMap<String, Values>,
    chunks: MemoMap<String, Result<(Chunks, ChunkValues), String>>,
    id_pairs: OnceLock<Option<Arc<crate::stats::skew::IdPairs>>>,
    slice_base: OnceLock<Option<Arc<slices::Base>>>,
    target_ranks: MemoMap<String, Option<importance::TargetRanks>>,
    label_bits: MemoMap<String, Option<crate::stats::association::LabelBits>>,
    class_probabilities:
        MemoMap<String, Option<Result<crate::targets::ClassProbabilities, String>>>,
}

type MemoMap<K, V> = Mutex<HashMap<K, Arc<OnceLock<Arc<V>>>>>;

fn memo<K: Eq + std::hash::Hash, V>(map: &MemoMap<K, V>, key: K, f: impl FnOnce() -> V) -> Arc<V> {
    let cell = match map.lock() {
        Ok(mut m) => m.entry(key).or_default().clone(),
        // A poisoned lock (a panic elsewhere): compute without the memo.
        Err(_) => return Arc::new(f()),
    };
    cell.get_or_init(|| Arc::new(f())).clone()
}

impl Context<'_> {
    /// A dataset's labelled rows of the model (performance inputs).
    pub fn perf(&self, label: &str) -> Arc<Option<PerfData>> {
        memo(&self.memo.perf, label.to_string(), || {
            crate::timing::time("memo", "performance inputs", || {
                self.targets.get(label).and_then(PerfData::of)
            })
        })
    }
    /// Every performance metric of a dataset's labelled rows (empty without).
    pub fn metrics(&self, label: &str) -> Arc<Values> {
        memo(&self.memo.metrics, label.to_string(), || {
            match &*self.perf(label) {
                Some(p) => performance::task_metrics(&p.data, &self.targets.classes),
                None => Vec::new(),
            }
        })
    }
    /// Reference and current rows paired by id (training/serving skew),
    /// when both have ids.
    pub fn id_pairs(&self) -> Option<Arc<crate::stats::skew::IdPairs>> {
        self.memo
            .id_pairs
            .get_or_init(|| skew::pairs_of(self).map(Arc::new))
            .clone()
    }
    /// A dataset's labels and class probabilities (label errors; the
    /// multiclass stress slices' log loss), or why they cannot be used;
    /// `None` without a label or probabilities.
    pub fn class_probabilities(
        &self,
        label: &str,
    ) -> Arc<Option<Result<crate::targets::ClassProbabilities, String>>> {
        let make = || {
            let task = self.targets.task()?;
            let t = self.targets.get(label)?;
            // binary classes are named false/true for a boolean label
            let boolean = self
                .plan
                .roles
                .label
                .as_deref()
                .and_then(|l| self.plan.columns.iter().find(|c| c.name == l))
                .and_then(|c| c.reference_type.as_deref().or(c.current_type.as_deref()))
                .is_some_and(|ty| ty.starts_with("bool"));
            crate::targets::class_probabilities(t, task, &self.targets.classes, boolean)
        };
        // Only a multiclass run shares them (the stress slices' log loss):
        // memoized then; otherwise made for the label checks alone and
        // dropped after each dataset (24 bytes a row, not held for all).
        if self.targets.task() == Some(crate::config::Task::Multiclass) {
            memo(&self.memo.class_probabilities, label.to_string(), make)
        } else {
            Arc::new(make())
        }
    }
    /// A dataset's score (or predicted value) in order and ranked, for
    /// the importance stand-in.
    pub fn target_ranks(&self, label: &str) -> Arc<Option<importance::TargetRanks>> {
        memo(&self.memo.target_ranks, label.to_string(), || {
            crate::timing::time("memo", "target ranks", || {
                importance::target_ranks(self, label)
            })
        })
    }
    /// A dataset's binary label two bits a row, for the walks in a
    /// feature's value order (label association); `None` without one.
    pub fn label_bits(&self, label: &str) -> Arc<Option<crate::stats::association::LabelBits>> {
        memo(&self.memo.label_bits, label.to_string(), || {
            match self.targets.get(label).and_then(|t| t.label()) {
                Some(crate::targets::Outcome::Binary(y)) => {
                    Some(crate::stats::association::LabelBits::new(y))
                }
                _ => None,
            }
        })
    }
    /// What current's stress slices are measured against (its labelled
    /// rows, the deciding metric on them, each row's loss).
    pub fn slice_base(&self) -> Option<Arc<slices::Base>> {
        self.memo
            .slice_base
            .get_or_init(|| {
                crate::timing::time("memo", "slice base", || slices::base_of(self).map(Arc::new))
            })
            .clone()
    }
    /// A dataset's backtesting chunks and every metric of each chunk's
    /// labelled rows (none without labels), or why it has no chunks.
    pub fn chunks(&self, label: &str) -> Arc<Result<(Chunks, ChunkValues), String>> {
        memo(&self.memo.chunks, label.to_string(), || {
            let chunks = backtest::chunks_of(self, label)?;
            let values = match &*self.perf(label) {
                Some(p) => backtest::chunk_metrics(self, &chunks, p),
                None => Vec::new(),
            };
            Ok((chunks, values))
        })
    }
}

impl Context<'_> {
    /// The index (in run order) of the dataset with this label.
    pub fn index(&self, label: &str) -> Option<usize> {
        self.datasets.iter().position(|d| d.label == label)
    }
    /// Whether a train dataset was given.
    pub fn has_train(&self) -> bool {
        self.index("train").is_some()
    }
    /// Whether any of a family's checks runs.
    pub fn runs_any(&self, family: &dyn Family) -> bool {
        family.checks().iter().any(|(id, _)| self.config.runs(id))
    }
}

/// One dataset's values of a column, as the column pass gives them.
#[derive(Debug, Clone, Copy)]
pub enum View<'a> {
    /// NaN for missing; ±inf kept.
    Numeric(&'a [f64]),
    /// Codes into the column's [`ColumnData::interner`]; `MISSING` for missing.
    Categorical(&'a [u32]),
}

/// One column of every dataset, in the column pass.
pub struct ColumnData<'a> {
    pub plan: &'a ColumnPlan,
    /// Per dataset in run order: its values, when it has the column and they
    /// could be read as the column's kind.
    pub views: Vec<Option<View<'a>>>,
    /// Per dataset in run order: the finite values sorted, where the pass
    /// sorted them (reference and current of a numeric column, every
    /// dataset read of a numeric feature), so that a family needs not sort
    /// them again.
    pub sorted: Vec<Option<&'a [f64]>>,
    /// Per dataset in run order: the rows of `sorted`'s values (value
    /// order, stable), where the pass sorted a feature's values with their
    /// rows ([`crate::profile::ordered_finite`]), so that a family relating
    /// the feature to a label or a score walks them instead of sorting.
    pub orders: Vec<Option<&'a [u32]>>,
    /// Category names of a categorical column (shared by every dataset).
    pub interner: Option<&'a Interner>,
    /// The profile of reference vs current, when there is one.
    pub profile: Option<&'a Profile>,
}

/// A column's results from the pass.
#[derive(Debug, Clone)]
pub struct ColumnResult {
    pub plan: ColumnPlan,
    /// Reference vs current, or why it could not be made (`None`: not
    /// compared).
    pub profile: Option<Result<Profile, String>>,
    /// The families' column statistics, by family name.
    pub stats: BTreeMap<String, Value>,
}

/// Hashes of rows, summed column by column in the pass (so parts made in
/// several workers add up), to find equal rows within and across datasets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowHashes {
    /// Per dataset in run order: every compared column (duplicate rows;
    /// empty for train).
    pub rows: Vec<Vec<u64>>,
    /// Per dataset: the feature columns every dataset has.
    pub features: Vec<Vec<u64>>,
    /// Per pair (earlier, later) of datasets with feature columns that both
    /// have but some other dataset lacks: those columns' hashes on each side.
    pub pair_extra: Vec<PairHashes>,
}

/// The extra feature hashes of a pair of datasets (see [`RowHashes`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairHashes {
    pub earlier: usize,
    pub later: usize,
    pub earlier_rows: Vec<u64>,
    pub later_rows: Vec<u64>,
}

impl RowHashes {
    /// The feature-tuple hashes of datasets `a` and `b` over the feature
    /// columns both have.
    pub fn feature_pair(&self, a: usize, b: usize) -> Option<(Vec<u64>, Vec<u64>)> {
        let (fa, fb) = (self.features.get(a)?, self.features.get(b)?);
        match self
            .pair_extra
            .iter()
            .find(|p| p.earlier == a && p.later == b)
        {
            None => Some((fa.clone(), fb.clone())),
            Some(p) => {
                let add = |x: &[u64], y: &[u64]| -> Vec<u64> {
                    x.iter().zip(y).map(|(a, b)| a.wrapping_add(*b)).collect()
                };
                Some((add(fa, &p.earlier_rows), add(fb, &p.later_rows)))
            }
        }
    }
}

/// What the column pass made: every column's results and the row hashes.
#[derive(Default)]
pub struct Pass {
    pub columns: Vec<ColumnResult>,
    pub hashes: RowHashes,
}

impl Pass {
    /// Whether some feature column is compared (row tuples exist).
    pub fn has_features(&self) -> bool {
        self.columns
            .iter()
            .any(|c| c.plan.role == crate::plan::Role::Feature && c.plan.comparable())
    }
    /// The results of the columns with a role.
    pub fn with_role(&self, role: crate::plan::Role) -> impl Iterator<Item = &ColumnResult> {
        self.columns.iter().filter(move |c| c.plan.role == role)
    }
}

/// Every family's column statistics of one column.
pub fn column_stats(column: &ColumnData<'_>, ctx: &Context<'_>) -> BTreeMap<String, Value> {
    FAMILIES
        .iter()
        .filter(|f| ctx.runs_any(**f))
        .filter_map(|f| {
            crate::timing::time("column", f.name(), || f.column(column, ctx))
                .map(|v| (f.name().to_string(), v))
        })
        .collect()
}

/// The checks of the families that need no column pass ([`Needs::no_pass`]),
/// built beside it; [`build`] takes them.
pub struct Early(Vec<Option<Vec<Check>>>);

impl Early {
    /// As JSON text, to cross from the worker that built them to the one
    /// that finishes the run (floats round-trip exactly).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }
    /// Read [`to_json`](Self::to_json) back; the families must be this
    /// build's (one entry each).
    pub fn from_json(text: &str) -> crate::error::Result<Early> {
        let built: Vec<Option<Vec<Check>>> = serde_json::from_str(text)
            .map_err(|e| crate::error::Error::Config(format!("checks built elsewhere: {e}")))?;
        if built.len() != FAMILIES.len() {
            return Err(crate::error::Error::Config(
                "checks built elsewhere do not match this build's families".into(),
            ));
        }
        Ok(Early(built))
    }
}

/// One family's checks (skipped ones with the reason); a family that needs
/// no pass is given an empty one.
fn build_family(ctx: &Context<'_>, family: &dyn Family, pass: &Pass) -> Vec<Check> {
    if !ctx.runs_any(family) {
        return family
            .checks()
            .iter()
            .map(|(id, title)| Check::skipped_by_config(id, title))
            .collect();
    }
    crate::timing::time("build", family.name(), || family.build(ctx, pass))
}

/// Build the checks of the families that need no column pass, while the
/// pass runs (the CLI's second thread fills its gaps with them).
pub fn build_early(ctx: &Context<'_>) -> Early {
    let one = |family: &&dyn Family| -> Option<Vec<Check>> {
        family
            .needs()
            .no_pass
            .then(|| build_family(ctx, *family, &Pass::default()))
    };
    #[cfg(feature = "parallel")]
    let built = {
        use rayon::prelude::*;
        FAMILIES.par_iter().map(one).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let built = FAMILIES.iter().map(one).collect();
    Early(built)
}

/// Build every check in report order (skipped ones included, with the
/// reason), with those [`build_early`] made.
pub fn build(ctx: &Context<'_>, pass: &Pass, early: Early) -> Vec<Check> {
    let jobs: Vec<(&&dyn Family, Option<Vec<Check>>)> = FAMILIES.iter().zip(early.0).collect();
    let one = |(family, done): (&&dyn Family, Option<Vec<Check>>)| -> Vec<Check> {
        done.unwrap_or_else(|| build_family(ctx, *family, pass))
    };
    // The families build side by side on the CLI's threads.
    #[cfg(feature = "parallel")]
    let built: Vec<Vec<Check>> = {
        use rayon::prelude::*;
        jobs.into_par_iter().map(one).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let built: Vec<Vec<Check>> = jobs.into_iter().map(one).collect();
    built
        .into_iter()
        .flatten()
        .map(|c| {
            if ctx.config.runs(&c.id) {
                c
            } else {
                Check::skipped_by_config(&c.id, &c.title)
            }
        })
        .collect()
}

/// Whether the id column holds integers (then an id is shown as its value;
/// other ids are shown by row number).
pub(crate) fn integer_ids(ctx: &Context<'_>) -> bool {
    ctx.plan
        .roles
        .id
        .as_deref()
        .and_then(|id| ctx.plan.columns.iter().find(|c| c.name == id))
        .and_then(|c| c.current_type.as_deref())
        .is_some_and(|t| t.starts_with("int") || t.starts_with("uint"))
}

/// A check's one-line message: its findings, or `otherwise` when it has
/// none.
pub(crate) fn summary(findings: &[String], otherwise: impl FnOnce() -> String) -> String {
    if findings.is_empty() {
        otherwise()
    } else {
        findings.join("; ")
    }
}

/// The numbers of the rows at `rows`, for messages: "1,234".
pub(crate) fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A share as a percentage for messages: "12.5%", and small ones with
/// two significant digits ("0.042%") so that they do not read as none.
pub(crate) fn pct(v: f64) -> String {
    let p = v * 100.0;
    if p != 0.0 && p.abs() < 0.1 {
        format!("{}%", crate::report::display_number(p))
    } else {
        format!("{p:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_are_the_configuration_ids() {
        assert_eq!(check_ids(), crate::config::CHECK_IDS.to_vec());
    }

    #[test]
    fn small_shares_do_not_read_as_none() {
        assert_eq!(pct(0.125), "12.5%");
        assert_eq!(pct(0.0), "0.0%");
        assert_ne!(pct(0.0004166), "0.0%");
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(9850), "9,850");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
