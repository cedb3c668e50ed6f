//! The run: datasets in, report out.
//!
//! 1. The plan (roles and kinds) and the role columns of every dataset
//!    ([`crate::targets`]: labels, model outputs, timestamps, ids).
//! 2. One pass over the columns: each column is read in the datasets that
//!    need it, turned into views, profiled (reference vs current), hashed
//!    into the row hashes and given to every family's column statistics
//!    ([`checks::Family::column`]); then its values are dropped. Columns are
//!    processed one at a time per worker thread (both cores with the
//!    `parallel` feature), so peak memory follows the columns in flight.
//! 3. The families build their checks ([`checks::build`]; those that need
//!    no pass beside it, [`checks::build_early`]) and the report.
//!
//! The run knows no check: what a family needs it says through
//! [`checks::Family::needs`].

use std::sync::Mutex;

use crate::checks::{
    self, ColumnData, ColumnResult, Context, DatasetMeta, Needs, PairHashes, Pass, RowHashes, View,
};
use crate::columns::{into_numeric, to_codes, Interner, Kind, MISSING};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::plan::{plan, ColumnPlan, Plan, Role};
use crate::profile::{
    categorical_profile, key_profile, numeric_profile_sorted, ordered_finite, sorted_finite,
    Profile,
};
use crate::read::{Dataset, Datasets};
use crate::report::{Check, Input, Report, Tool, FORMAT, SCHEMA_VERSION};
use crate::targets::{load_all, AllTargets, TargetColumns};

/// Options of a run that are not part of the configuration.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// RFC 3339 time written as `created_at` (the library reads no clock).
    pub created_at: String,
    /// Tool name and version written in the report.
    pub tool_version: String,
    /// Hash the input files (SHA-256) in the run. A caller that hashes them
    /// elsewhere at the same time (the web app, in a second worker) sets
    /// this to false and then gives the digests with
    /// [`Report::set_digests`]; until then `inputs[].sha256` is empty.
    pub hash_inputs: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            created_at: "1970-01-01T00:00:00Z".into(),
            tool_version: crate::VERSION.into(),
            hash_inputs: true,
        }
    }
}

/// Progress of a run: columns profiled, rows decoded, bytes hashed.
pub trait Progress: Sync {
    /// A column's profile is done (`done` of `total`).
    fn column_done(&self, _column: &str, _done: usize, _total: usize) {}
    /// `rows` of the `total` rows of `column` decoded in `dataset` (its label,
    /// e.g. "reference"); called after each batch.
    fn rows_read(&self, _dataset: &str, _column: &str, _rows: usize, _total: usize) {}
    /// `bytes` of the `total` bytes of `dataset`'s file hashed (SHA-256).
    fn hashed(&self, _dataset: &str, _bytes: u64, _total: u64) {}
    /// Return true to stop the run as soon as possible.
    fn cancelled(&self) -> bool {
        false
    }
}

/// No progress reporting.
pub struct NoProgress;
impl Progress for NoProgress {}

/// A profile as it crosses between workers (externally tagged: the
/// report's evidence tags `Profile` internally, which a compact binary
/// format cannot read back).
#[derive(serde::Serialize, serde::Deserialize)]
enum WireProfile {
    Numeric(Box<crate::profile::NumericProfile>),
    Categorical(crate::profile::CategoricalProfile),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct WireColumn {
    index: u32,
    name: String,
    profile: Option<std::result::Result<WireProfile, String>>,
    /// The families' column statistics: (family, JSON text).
    stats: Vec<(String, String)>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct WirePair {
    earlier: u32,
    later: u32,
    #[serde(with = "le_u64s")]
    earlier_rows: Vec<u64>,
    #[serde(with = "le_u64s")]
    later_rows: Vec<u64>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Words(#[serde(with = "le_u64s")] Vec<u64>);

/// Profiles and column statistics of some columns and their share of the
/// row hashes, made by one worker for a run finished by another
/// ([`run_with_parts`]). The browser has no threads: the page splits the
/// columns between two Web Workers.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct ColumnsPart {
    /// Each dataset's file name, rows and bytes, in run order: a part is
    /// taken only by a run over the same files.
    datasets: Vec<(String, u64, u64)>,
    columns: Vec<WireColumn>,
    row_hashes: Vec<Words>,
    feature_hashes: Vec<Words>,
    pair_hashes: Vec<WirePair>,
    /// The checks of the families that need no pass ([`checks::Early`] as
    /// JSON), when this part's worker built them too.
    early: Option<String>,
    /// The role columns this part was made with and what the families
    /// computed once from them (a dataset's labelled rows, the slices'
    /// base, …), while it stays in the worker that made it (never
    /// serialized): a [`run_with_parts`] given the part there takes them
    /// instead of reading and computing them again.
    #[serde(skip)]
    local: Option<(AllTargets, checks::Memo)>,
}

/// Row hashes as one byte string of little-endian words: 8 bytes a row
/// (postcard's varints take 10 for a random 64-bit word, and a visit each).
mod le_u64s {
    use serde::de::{Error, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u64], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        struct Words;
        impl Visitor<'_> for Words {
            type Value = Vec<u64>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes holding 64-bit words")
            }
            fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<Vec<u64>, E> {
                if !b.len().is_multiple_of(8) {
                    return Err(E::custom("row hashes are not whole 64-bit words"));
                }
                Ok(b.chunks_exact(8)
                    .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                    .collect())
            }
        }
        d.deserialize_bytes(Words)
    }
}

impl ColumnsPart {
    /// Compact bytes (postcard; floats bit for bit).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        postcard::to_allocvec(self)
            .map_err(|e| Error::Config(format!("cannot encode columns: {e}")))
    }
    /// Read [`to_bytes`](Self::to_bytes) back.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        postcard::from_bytes(bytes)
            .map_err(|e| Error::Config(format!("cannot decode columns: {e}")))
    }
    /// How many columns it holds.
    pub fn len(&self) -> usize {
        self.columns.len()
    }
    /// Whether it holds no column.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }
    /// Whether it brings the checks of the families that need no pass.
    pub fn has_early(&self) -> bool {
        self.early.is_some()
    }
}

/// Hashes of one pair's extra feature columns: (earlier, later, its rows', the later's rows').
type PairAccumulator = (usize, usize, Mutex<Vec<u64>>, Mutex<Vec<u64>>);

/// Row hashes being summed over columns (see [`RowHashes`]). Each starts
/// empty and takes its rows from the first column added to it (rows
/// decoded, not the rows a footer claims); `*_rows` is the length of one
/// no column reached.
struct Accumulators {
    rows: Vec<Mutex<Vec<u64>>>,
    features: Vec<Mutex<Vec<u64>>>,
    pairs: Vec<PairAccumulator>,
    rows_len: Vec<usize>,
    features_len: Vec<usize>,
    pairs_len: Vec<(usize, usize)>,
}

impl Accumulators {
    fn into_hashes(self) -> RowHashes {
        let take = |m: Mutex<Vec<u64>>, len: usize| {
            let mut v = m.into_inner().unwrap_or_default();
            if v.is_empty() {
                v.resize(len, 0);
            }
            v
        };
        RowHashes {
            rows: self
                .rows
                .into_iter()
                .zip(self.rows_len)
                .map(|(m, n)| take(m, n))
                .collect(),
            features: self
                .features
                .into_iter()
                .zip(self.features_len)
                .map(|(m, n)| take(m, n))
                .collect(),
            pair_extra: self
                .pairs
                .into_iter()
                .zip(self.pairs_len)
                .map(|((a, b, x, y), (nx, ny))| PairHashes {
                    earlier: a,
                    later: b,
                    earlier_rows: take(x, nx),
                    later_rows: take(y, ny),
                })
                .collect(),
        }
    }

    /// Add hashes made elsewhere (another worker's part).
    fn add(&self, part: &ColumnsPart) -> Result<()> {
        let mismatch = || {
            Error::Config("columns profiled elsewhere do not match this run (row hashes)".into())
        };
        let add_to = |target: &Mutex<Vec<u64>>, add: &[u64]| -> Result<()> {
            let mut t = target.lock().map_err(|_| mismatch())?;
            if t.is_empty() {
                t.resize(add.len(), 0);
            }
            if t.len() != add.len() {
                return Err(mismatch());
            }
            for (slot, v) in t.iter_mut().zip(add) {
                *slot = slot.wrapping_add(*v);
            }
            Ok(())
        };
        if part.row_hashes.len() != self.rows.len()
            || part.feature_hashes.len() != self.features.len()
            || part.pair_hashes.len() != self.pairs.len()
        {
            return Err(mismatch());
        }
        for (t, w) in self.rows.iter().zip(&part.row_hashes) {
            add_to(t, &w.0)?;
        }
        for (t, w) in self.features.iter().zip(&part.feature_hashes) {
            add_to(t, &w.0)?;
        }
        for ((a, b, x, y), w) in self.pairs.iter().zip(&part.pair_hashes) {
            if (*a, *b) != (w.earlier as usize, w.later as usize) {
                return Err(mismatch());
            }
            add_to(x, &w.earlier_rows)?;
            add_to(y, &w.later_rows)?;
        }
        Ok(())
    }
}

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn add_hashes(
    target: &Mutex<Vec<u64>>,
    column_index: usize,
    values: impl ExactSizeIterator<Item = u64>,
) {
    let salt = (column_index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    if let Ok(mut t) = target.lock() {
        if t.is_empty() {
            t.resize(values.len(), 0);
        }
        for (slot, v) in t.iter_mut().zip(values) {
            *slot = slot.wrapping_add(mix(v ^ salt));
        }
    }
}

/// Bits of a number for row hashes: every NaN alike (null and NaN are one
/// "missing"), −0.0 as 0.0.
fn numeric_bits(v: f64) -> u64 {
    if v.is_nan() {
        0x7ff8_0000_0000_0001
    } else if v == 0.0 {
        0
    } else {
        v.to_bits()
    }
}

/// A column's values in one dataset, as the pass holds them.
enum Values {
    Numeric(Vec<f64>),
    Categorical(Vec<u32>),
}

impl Values {
    fn view(&self) -> View<'_> {
        match self {
            Values::Numeric(v) => View::Numeric(v),
            Values::Categorical(c) => View::Categorical(c),
        }
    }
    /// Add each row's word for the row hashes to `target`'s (streamed: no
    /// copy of the column).
    fn add_hashes_to(&self, target: &Mutex<Vec<u64>>, column_index: usize) {
        match self {
            Values::Numeric(v) => {
                add_hashes(target, column_index, v.iter().map(|x| numeric_bits(*x)))
            }
            Values::Categorical(c) => add_hashes(
                target,
                column_index,
                c.iter()
                    .map(|&x| if x == MISSING { u64::MAX } else { u64::from(x) }),
            ),
        }
    }
}

/// The shared state of one run's column pass.
struct PassState<'a> {
    datasets: Vec<&'a Dataset>,
    /// Index of reference and current in `datasets`.
    reference: usize,
    current: usize,
    needs: Needs,
    hashes: Accumulators,
}

fn pass_column(
    index: usize,
    plan: &ColumnPlan,
    state: &PassState<'_>,
    ctx: &Context<'_>,
    progress: &dyn Progress,
) -> Result<ColumnResult> {
    let result = |profile| ColumnResult {
        plan: plan.clone(),
        profile,
        stats: Default::default(),
    };
    let Some(kind) = plan.kind.filter(|_| plan.comparable()) else {
        return Ok(result(None));
    };
    let feature = plan.role == Role::Feature;
    // Which datasets to read: reference and current always; the others for
    // the families that need every dataset's features.
    let wanted: Vec<bool> = state
        .datasets
        .iter()
        .enumerate()
        .map(|(i, ds)| {
            i == state.reference
                || i == state.current
                || (feature && state.needs.every_dataset && ds.column_type(&plan.name).is_some())
        })
        .collect();
    let mut columns: Vec<Option<crate::columns::Column>> = Vec::new();
    for (ds, want) in state.datasets.iter().zip(&wanted) {
        columns.push(if *want {
            Some(crate::timing::time("pass", "read column", || {
                ds.read_column_with(&plan.name, &mut |rows| {
                    progress.rows_read(ds.label(), &plan.name, rows, ds.rows())
                })
            })?)
        } else {
            None
        });
    }
    let where_ = |ds: &Dataset, m: String| format!("{} ({}): {m}", ds.label(), ds.name());
    // A categorical column with a role other than feature (ids, times, …)
    // has no drift and no family reads its values: profile it by value keys.
    if kind == Kind::Categorical && plan.role.is_auxiliary() {
        let (Some(Some(r)), Some(Some(c))) =
            (columns.get(state.reference), columns.get(state.current))
        else {
            return Ok(result(None));
        };
        let (rk, ck) = (crate::columns::to_keys(r), crate::columns::to_keys(c));
        for (i, keys) in [(state.reference, &rk), (state.current, &ck)] {
            if let Some(t) = state.hashes.rows.get(i) {
                let words = keys
                    .iter()
                    .map(|k| k.map_or(u64::MAX, |k| mix(k ^ 0x5bd1_e995)));
                add_hashes(t, index, words);
            }
        }
        let profile = key_profile((r, &rk), (c, &ck));
        return Ok(result(Some(Ok(Profile::Categorical(profile)))));
    }
    // Views in the order reference, current, then the others, so that
    // category codes are the same whether or not train is read.
    let mut order: Vec<usize> = vec![state.reference, state.current];
    order
        .extend((0..state.datasets.len()).filter(|i| *i != state.reference && *i != state.current));
    let mut values: Vec<Option<Values>> = (0..state.datasets.len()).map(|_| None).collect();
    let mut interner = Interner::default();
    let mut problem: Option<String> = None;
    let mut other_problems: Vec<String> = Vec::new();
    for &i in &order {
        let Some(column) = columns.get_mut(i).and_then(Option::take) else {
            continue;
        };
        let ds = state.datasets[i];
        let v = match kind {
            Kind::Numeric => into_numeric(column).map(Values::Numeric),
            Kind::Categorical => to_codes(&column, &mut interner).map(Values::Categorical),
        };
        match v {
            Ok(v) => values[i] = Some(v),
            Err(m) if i == state.reference || i == state.current => {
                problem = Some(where_(ds, m));
                break;
            }
            Err(m) => other_problems.push(where_(ds, m)),
        }
    }
    if let Some(p) = problem {
        return Ok(result(Some(Err(p))));
    }
    let (Some(r), Some(c)) = (&values[state.reference], &values[state.current]) else {
        return Ok(result(None));
    };
    let drift = !plan.role.is_auxiliary();
    // Numeric columns are sorted once; the profile and the families share
    // it. A feature's sort keeps the rows' order too (every dataset read),
    // which the families that relate it to a label or score walk.
    let mut sorted: Vec<Option<Vec<f64>>> = (0..values.len()).map(|_| None).collect();
    let mut orders: Vec<Option<Vec<u32>>> = (0..values.len()).map(|_| None).collect();
    let profile = match (r, c) {
        (Values::Numeric(_), Values::Numeric(c)) => {
            let mut counts = [None, None];
            for (i, v) in values.iter().enumerate() {
                let Some(Values::Numeric(v)) = v else {
                    continue;
                };
                let main = [state.reference, state.current]
                    .iter()
                    .position(|&m| m == i);
                if feature {
                    let (order, finite, n) =
                        crate::timing::time("pass", "sort with rows", || ordered_finite(v));
                    orders[i] = Some(order);
                    sorted[i] = Some(finite);
                    if let Some(k) = main {
                        counts[k] = Some(n);
                    }
                } else if let Some(k) = main {
                    let (finite, n) = crate::timing::time("pass", "sort", || sorted_finite(v));
                    sorted[i] = Some(finite);
                    counts[k] = Some(n);
                }
            }
            let (Some(rc), Some(cc)) = (counts[0].take(), counts[1].take()) else {
                return Ok(result(None));
            };
            let (rs, cs) = (
                sorted[state.reference].as_deref().unwrap_or_default(),
                sorted[state.current].as_deref().unwrap_or_default(),
            );
            let p = crate::timing::time("pass", "numeric profile", || {
                numeric_profile_sorted(c, (rs, rc), (cs, cc), drift)
            });
            Profile::Numeric(Box::new(p))
        }
        (Values::Categorical(r), Values::Categorical(c)) => {
            Profile::Categorical(categorical_profile(r, c, &interner))
        }
        _ => return Ok(result(None)),
    };
    // Row hashes: every compared column for duplicate rows (reference and
    // current); the features for equal rows across datasets.
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        if let Some(t) = state
            .hashes
            .rows
            .get(i)
            .filter(|_| i == state.reference || i == state.current)
        {
            v.add_hashes_to(t, index);
        }
        if feature && state.needs.feature_hashes {
            let everywhere = state
                .datasets
                .iter()
                .all(|d| d.column_type(&plan.name).is_some());
            if everywhere {
                if let Some(t) = state.hashes.features.get(i) {
                    v.add_hashes_to(t, index);
                }
            } else {
                for (a, b, x, y) in &state.hashes.pairs {
                    let both = values.get(*a).is_some_and(Option::is_some)
                        && values.get(*b).is_some_and(Option::is_some);
                    if both && i == *a {
                        v.add_hashes_to(x, index);
                    }
                    if both && i == *b {
                        v.add_hashes_to(y, index);
                    }
                }
            }
        }
    }
    let views: Vec<Option<View<'_>>> = values
        .iter()
        .map(|v| v.as_ref().map(Values::view))
        .collect();
    let data = ColumnData {
        plan,
        views,
        sorted: sorted.iter().map(|s| s.as_deref()).collect(),
        orders: orders.iter().map(|o| o.as_deref()).collect(),
        interner: (kind == Kind::Categorical).then_some(&interner),
        profile: Some(&profile),
    };
    let mut stats = crate::checks::column_stats(&data, ctx);
    if !other_problems.is_empty() {
        stats.insert("problems".into(), serde_json::json!(other_problems));
    }
    Ok(ColumnResult {
        plan: plan.clone(),
        profile: Some(Ok(profile)),
        stats,
    })
}

/// Run every configured check on the datasets.
pub fn run(
    datasets: Datasets<'_>,
    config: &Config,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Report> {
    run_with_parts(datasets, config, options, progress, Vec::new())
}

/// What a run reads before its column pass.
struct Start<'a> {
    plan: Plan,
    datasets: Vec<&'a Dataset>,
    reference: usize,
    current: usize,
}

/// Validate the configuration and the datasets, and make the plan.
fn start<'a>(datasets: Datasets<'a>, config: &Config) -> Result<Start<'a>> {
    config.validate()?;
    let all = datasets.all();
    for ds in &all {
        if ds.rows() == 0 {
            return Err(Error::Empty {
                dataset: ds.label().to_string(),
                name: ds.name().to_string(),
            });
        }
    }
    let plan = plan(datasets, config)?;
    let n = all.len();
    Ok(Start {
        plan,
        datasets: all,
        reference: n - 2,
        current: n - 1,
    })
}

/// The role columns every dataset is read for.
fn target_columns(plan: &Plan) -> TargetColumns<'_> {
    let r = &plan.roles;
    let mut groupings: Vec<&str> = r.segments.iter().map(String::as_str).collect();
    for s in &r.sensitive {
        if !groupings.contains(&s.as_str()) {
            groupings.push(s);
        }
    }
    TargetColumns {
        label: r.label.as_deref(),
        prediction: r.prediction.as_deref(),
        score: r.score.as_deref(),
        challenger_prediction: r.challenger_prediction.as_deref(),
        challenger_score: r.challenger_score.as_deref(),
        timestamp: r.timestamp.as_deref(),
        id: r.id.as_deref(),
        feature_times: r
            .feature_time
            .iter()
            .map(|(f, c)| (f.as_str(), c.as_str()))
            .collect(),
        groupings,
        attributions: r.attribution.iter().map(String::as_str).collect(),
        class_scores: r.class_scores.iter().map(String::as_str).collect(),
    }
}

fn zeros() -> Mutex<Vec<u64>> {
    Mutex::new(Vec::new())
}

/// The row hashes of a run, empty until the first column is added.
fn accumulators(s: &Start<'_>, needs: Needs) -> Result<Accumulators> {
    let hashed = |i: usize| i == s.reference || i == s.current;
    let rows = s.datasets.iter().map(|_| zeros()).collect();
    let rows_len = (0..s.datasets.len())
        .map(|i| if hashed(i) { s.datasets[i].rows() } else { 0 })
        .collect();
    let mut features = Vec::new();
    let mut features_len = Vec::new();
    let mut pairs = Vec::new();
    let mut pairs_len = Vec::new();
    if needs.feature_hashes {
        features = s.datasets.iter().map(|_| zeros()).collect();
        features_len = s.datasets.iter().map(|d| d.rows()).collect();
        // Pairs that share a feature some other dataset lacks.
        for a in 0..s.datasets.len() {
            for b in a + 1..s.datasets.len() {
                let shared_partly = s.plan.columns.iter().any(|c| {
                    c.role == Role::Feature
                        && s.datasets[a].column_type(&c.name).is_some()
                        && s.datasets[b].column_type(&c.name).is_some()
                        && s.datasets.iter().any(|d| d.column_type(&c.name).is_none())
                });
                if shared_partly {
                    pairs.push((a, b, zeros(), zeros()));
                    pairs_len.push((s.datasets[a].rows(), s.datasets[b].rows()));
                }
            }
        }
    }
    Ok(Accumulators {
        rows,
        features,
        pairs,
        rows_len,
        features_len,
        pairs_len,
    })
}

fn metas(datasets: &[&Dataset]) -> Vec<DatasetMeta> {
    datasets
        .iter()
        .map(|d| DatasetMeta {
            label: d.label().to_string(),
            name: d.name().to_string(),
            rows: d.rows(),
        })
        .collect()
}

/// What every check reads besides the pass.
fn context<'a>(s: &'a Start<'_>, config: &'a Config, targets: &'a AllTargets) -> Context<'a> {
    Context {
        config,
        plan: &s.plan,
        datasets: metas(&s.datasets),
        targets,
        memo: Default::default(),
    }
}

/// The column pass's shared state: what the running families need, and
/// zeroed row hashes.
fn pass_state<'a>(s: &Start<'a>, ctx: &Context<'_>) -> Result<PassState<'a>> {
    let needs = Needs::of_run(ctx);
    Ok(PassState {
        hashes: accumulators(s, needs)?,
        datasets: s.datasets.clone(),
        reference: s.reference,
        current: s.current,
        needs,
    })
}

fn load_targets(s: &Start<'_>, config: &Config) -> Result<AllTargets> {
    load_all(
        &s.datasets,
        &target_columns(&s.plan),
        config.task,
        config.performance.decision_threshold,
    )
}

/// Which files a run reads (see [`ColumnsPart`]).
fn identity(datasets: &[&Dataset]) -> Vec<(String, u64, u64)> {
    datasets
        .iter()
        .map(|d| (d.name().to_string(), d.rows() as u64, d.source().len()))
        .collect()
}

/// Each worker's columns (indices in the run's plan) for a run split by
/// `weights` ([`crate::plan::split_columns`]), after the checks every run
/// makes first (the configuration, empty datasets), so that a bad job fails
/// as [`run`] would.
pub fn column_shares(
    datasets: Datasets<'_>,
    config: &Config,
    weights: &[f64],
) -> Result<Vec<Vec<usize>>> {
    let s = start(datasets, config)?;
    Ok(crate::plan::split_columns(&s.plan, weights))
}

/// Profile only the columns whose index (in the run's plan) `take` accepts,
/// for a run that another worker finishes with [`run_with_parts`]; with
/// `early`, build the checks of the families that need no pass here too
/// (after the columns), so that the finishing worker does not.
pub fn profile_columns(
    datasets: Datasets<'_>,
    config: &Config,
    take: &dyn Fn(usize) -> bool,
    early: bool,
    progress: &dyn Progress,
) -> Result<ColumnsPart> {
    let s = start(datasets, config)?;
    let targets = crate::timing::time("run", "role columns", || load_targets(&s, config))?;
    let ctx = context(&s, config, &targets);
    let state = pass_state(&s, &ctx)?;
    let chosen: Vec<(usize, &ColumnPlan)> = s
        .plan
        .columns
        .iter()
        .enumerate()
        .filter(|(i, _)| take(*i))
        .collect();
    let mut columns = Vec::with_capacity(chosen.len());
    for (n, (i, p)) in chosen.iter().enumerate() {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        let r = pass_column(*i, p, &state, &ctx, progress)?;
        progress.column_done(&p.name, n + 1, chosen.len());
        columns.push(WireColumn {
            index: *i as u32,
            name: p.name.clone(),
            profile: r.profile.map(|p| {
                p.map(|p| match p {
                    Profile::Numeric(n) => WireProfile::Numeric(n),
                    Profile::Categorical(c) => WireProfile::Categorical(c),
                })
            }),
            stats: r
                .stats
                .into_iter()
                .map(|(k, v)| (k, v.to_string()))
                .collect(),
        });
    }
    let early = early.then(|| {
        crate::timing::time("run", "checks needing no pass", || {
            checks::build_early(&ctx).to_json()
        })
    });
    let h = state.hashes.into_hashes();
    let memo = ctx.memo;
    Ok(ColumnsPart {
        datasets: identity(&s.datasets),
        early,
        local: Some((targets, memo)),
        columns,
        row_hashes: h.rows.into_iter().map(Words).collect(),
        feature_hashes: h.features.into_iter().map(Words).collect(),
        pair_hashes: h
            .pair_extra
            .into_iter()
            .map(|p| WirePair {
                earlier: p.earlier as u32,
                later: p.later as u32,
                earlier_rows: p.earlier_rows,
                later_rows: p.later_rows,
            })
            .collect(),
    })
}

/// [`run`], with some columns already profiled elsewhere (`parts`, from
/// [`profile_columns`] on the same files and configuration): only the
/// others are read here. The report is the same as `run`'s.
pub fn run_with_parts(
    datasets: Datasets<'_>,
    config: &Config,
    options: &RunOptions,
    progress: &dyn Progress,
    mut parts: Vec<ColumnsPart>,
) -> Result<Report> {
    let s = start(datasets, config)?;
    let files = identity(&s.datasets);
    if parts.iter().any(|p| p.datasets != files) {
        return Err(Error::Config(
            "columns profiled elsewhere do not match this run (other files)".into(),
        ));
    }
    // A part made in this process brings the role columns along, and what
    // the families computed from them.
    let loaded = parts.iter_mut().find_map(|p| p.local.take());
    // A part may bring the checks that need no pass, built there.
    let early = parts
        .iter_mut()
        .find_map(|p| p.early.take())
        .map(|t| checks::Early::from_json(&t))
        .transpose()?;
    let hash = |ds: &Dataset| {
        let total = ds.source().len();
        ds.sha256_with(&mut |bytes| progress.hashed(ds.label(), bytes, total))
    };
    let hash_inputs = || -> Result<Vec<String>> {
        if options.hash_inputs {
            crate::timing::time("run", "SHA-256 of the inputs", || {
                s.datasets.iter().map(|d| hash(d)).collect()
            })
        } else {
            Ok(vec![String::new(); s.datasets.len()])
        }
    };
    let checks_and_pass = || -> Result<Vec<Check>> {
        let (targets, memo) = match loaded {
            Some(local) => local,
            None => (
                crate::timing::time("run", "role columns", || load_targets(&s, config))?,
                checks::Memo::default(),
            ),
        };
        let mut ctx = context(&s, config, &targets);
        ctx.memo = memo;
        let state = pass_state(&s, &ctx)?;
        let mut given: std::collections::HashMap<usize, ColumnResult> = Default::default();
        for part in &parts {
            state.hashes.add(part)?;
        }
        for part in parts {
            for c in part.columns {
                let i = c.index as usize;
                let p = s
                    .plan
                    .columns
                    .get(i)
                    .filter(|p| p.name == c.name)
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "columns profiled elsewhere do not match this run ({})",
                            c.name
                        ))
                    })?;
                let profile = c.profile.map(|r| {
                    r.map(|w| match w {
                        WireProfile::Numeric(n) => Profile::Numeric(n),
                        WireProfile::Categorical(c) => Profile::Categorical(c),
                    })
                });
                let stats = c
                    .stats
                    .into_iter()
                    .map(|(k, v)| {
                        serde_json::from_str(&v)
                            .map(|v| (k, v))
                            .map_err(|e| Error::Config(format!("columns profiled elsewhere: {e}")))
                    })
                    .collect::<Result<_>>()?;
                given.insert(
                    i,
                    ColumnResult {
                        plan: p.clone(),
                        profile,
                        stats,
                    },
                );
            }
        }
        let total = s.plan.columns.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let work = |(i, p): (usize, &ColumnPlan)| -> Result<ColumnResult> {
            if progress.cancelled() {
                return Err(Error::Cancelled);
            }
            let r = match given.get(&i) {
                Some(r) => Ok(r.clone()),
                None => pass_column(i, p, &state, &ctx, progress),
            };
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress.column_done(&p.name, n, total);
            r
        };
        let pass_columns = || {
            #[cfg(feature = "parallel")]
            let columns = {
                use rayon::prelude::*;
                s.plan
                    .columns
                    .par_iter()
                    .enumerate()
                    .map(work)
                    .collect::<Vec<_>>()
            };
            #[cfg(not(feature = "parallel"))]
            let columns = s
                .plan
                .columns
                .iter()
                .enumerate()
                .map(work)
                .collect::<Vec<_>>();
            columns
        };
        // The families that need no pass build beside it.
        let pass_columns = || crate::timing::time("run", "column pass", pass_columns);
        let build_early = || early.unwrap_or_else(|| checks::build_early(&ctx));
        #[cfg(feature = "parallel")]
        let (columns, early) = rayon::join(pass_columns, build_early);
        #[cfg(not(feature = "parallel"))]
        let (columns, early) = (pass_columns(), build_early());
        let columns = columns.into_iter().collect::<Result<Vec<_>>>()?;
        let pass = Pass {
            columns,
            hashes: state.hashes.into_hashes(),
        };
        Ok(crate::timing::time("run", "checks built", || {
            checks::build(&ctx, &pass, early)
        }))
    };
    #[cfg(feature = "parallel")]
    let (checks, digests) = rayon::join(checks_and_pass, hash_inputs);
    #[cfg(not(feature = "parallel"))]
    let (checks, digests) = (checks_and_pass(), hash_inputs());
    let checks = checks?;
    let digests = digests?;

    let inputs = s
        .datasets
        .iter()
        .zip(digests)
        .map(|(ds, sha)| Input {
            dataset: ds.label().to_string(),
            name: ds.name().to_string(),
            sha256: sha,
            rows: ds.rows() as u64,
            columns: ds.column_names(),
            format: Some(ds.format().as_str().to_string()),
        })
        .collect();

    // The configuration echo holds the roles as resolved, so that a rerun
    // of it (reproduction) reads the same columns.
    let mut effective = config.clone();
    let (roles, out) = (&s.plan.roles, &mut effective.roles);
    out.id = roles.id.clone();
    out.timestamp = roles.timestamp.clone();
    out.prediction = roles.prediction.clone();
    out.score = roles.score.clone();
    out.label = roles.label.clone();
    out.class_scores = roles.class_scores.clone();
    out.attribution = roles.attribution.clone();
    out.challenger_score = roles.challenger_score.clone();
    out.challenger_prediction = roles.challenger_prediction.clone();
    Ok(Report {
        format: FORMAT.into(),
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "attest".into(),
            version: options.tool_version.clone(),
        },
        created_at: options.created_at.clone(),
        inputs,
        config: serde_json::to_value(&effective).unwrap_or(serde_json::Value::Null),
        summary: Report::summarise(&checks),
        checks,
        signatures: Vec::new(),
    })
}
