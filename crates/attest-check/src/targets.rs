//! The role columns of every dataset, row-aligned over all its rows: the
//! label, the model's and the challenger's outputs, the timestamps, the ids,
//! the feature times and the grouping columns ([`Targets`]), read once
//! before the column pass; and the task they make ([`detect_task`]).
//! [`PerfData`] is a dataset's labelled rows for the performance checks.

use crate::columns::{
    into_numeric, is_integer_type, natural_kind, to_codes, to_numeric, Column, ColumnType,
    Interner, Kind, Values, MISSING,
};
use crate::config::Task;
use crate::read::Dataset;
use std::sync::Arc;

/// At most this many distinct integer labels make a multiclass task (auto).
pub const MAX_AUTO_CLASSES: usize = 20;
/// At most this many classes in a multiclass task.
pub const MAX_CLASSES: usize = 1000;

/// Class codes of a label or prediction column. Numbers are keyed by value
/// (so 1, 1.0 and "1" are the same class); other types by their text.
pub fn to_class_codes(column: &Column, classes: &mut Interner) -> Result<Vec<u32>, String> {
    if natural_kind(&column.ty) != Some(Kind::Numeric) {
        return to_codes(column, classes);
    }
    Ok(to_numeric(column)?
        .into_iter()
        .map(|v| {
            if v.is_nan() {
                MISSING
            } else if v.fract() == 0.0 && v.abs() < 9.0e15 {
                classes.intern(&format!("{}", v as i64))
            } else {
                classes.intern(&format!("{v}"))
            }
        })
        .collect())
}

/// Labels and predictions of one dataset, by task.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskData {
    Binary {
        y: Vec<bool>,
        pred: Vec<bool>,
        /// Shared with the dataset's [`Model::score`] when every row is
        /// labelled (held once).
        score: Option<Arc<Vec<f64>>>,
    },
    Regression {
        y: Vec<f64>,
        pred: Vec<f64>,
    },
    Multiclass {
        y: Vec<u32>,
        pred: Vec<u32>,
    },
}

impl TaskData {
    /// Rows with complete data.
    pub fn len(&self) -> usize {
        match self {
            TaskData::Binary { y, .. } => y.len(),
            TaskData::Regression { y, .. } => y.len(),
            TaskData::Multiclass { y, .. } => y.len(),
        }
    }
    /// True when no row is complete.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The rows at `idx` (for segments and groups).
    pub fn select(&self, idx: &[usize]) -> TaskData {
        fn pick<T: Copy>(v: &[T], idx: &[usize]) -> Vec<T> {
            idx.iter().filter_map(|&i| v.get(i).copied()).collect()
        }
        match self {
            TaskData::Binary { y, pred, score } => TaskData::Binary {
                y: pick(y, idx),
                pred: pick(pred, idx),
                score: score.as_ref().map(|s| pick(s, idx).into()),
            },
            TaskData::Regression { y, pred } => TaskData::Regression {
                y: pick(y, idx),
                pred: pick(pred, idx),
            },
            TaskData::Multiclass { y, pred } => TaskData::Multiclass {
                y: pick(y, idx),
                pred: pick(pred, idx),
            },
        }
    }
}

/// A grouping column (segment or sensitive attribute), aligned with the kept rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    pub column: String,
    /// Group code per kept row ([`MISSING`] for a missing value); shared
    /// with the dataset's grouping when every row is kept (held once).
    pub codes: Arc<Vec<u32>>,
    /// Group names by code.
    pub names: Vec<String>,
}

impl Grouping {
    /// Row indices of each group, groups sorted by name; missing values left out.
    pub fn groups(&self) -> Vec<(String, Vec<usize>)> {
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); self.names.len()];
        for (i, &c) in self.codes.iter().enumerate() {
            if c != MISSING {
                if let Some(r) = rows.get_mut(c as usize) {
                    r.push(i);
                }
            }
        }
        let mut out: Vec<(String, Vec<usize>)> = self
            .names
            .iter()
            .cloned()
            .zip(rows)
            .filter(|(_, r)| !r.is_empty())
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Decide the task from the label (and prediction) columns of the datasets
/// that have them (see DESIGN.md "Task detection"). The first sample is a
/// label column: its type decides between numbers and categories.
pub fn detect_task(requested: Task, samples: &[&Column]) -> Result<Task, String> {
    if requested != Task::Auto {
        return Ok(requested);
    }
    let Some(first) = samples.first() else {
        return Err("no label data".into());
    };
    let first_type = &first.ty;
    if matches!(first_type, ColumnType::Boolean) {
        return Ok(Task::Binary);
    }
    match natural_kind(first_type) {
        Some(Kind::Numeric) => {
            let mut distinct: Vec<f64> = Vec::new();
            for column in samples {
                for v in to_numeric(column)? {
                    if v.is_finite() && !distinct.contains(&v) {
                        distinct.push(v);
                        if distinct.len() > MAX_AUTO_CLASSES {
                            return Ok(Task::Regression);
                        }
                    }
                }
            }
            if distinct.iter().all(|v| *v == 0.0 || *v == 1.0) {
                Ok(Task::Binary)
            } else if is_integer_type(first_type) || distinct.iter().all(|v| v.fract() == 0.0) {
                Ok(Task::Multiclass)
            } else {
                Ok(Task::Regression)
            }
        }
        _ => {
            let mut interner = Interner::default();
            for column in samples {
                to_codes(column, &mut interner)?;
            }
            let binary = (0..interner.len() as u32)
                .filter_map(|c| interner.name(c))
                .all(|n| {
                    matches!(
                        n.to_ascii_lowercase().as_str(),
                        "0" | "1" | "true" | "false"
                    )
                });
            Ok(if binary {
                Task::Binary
            } else {
                Task::Multiclass
            })
        }
    }
}

/// 0 / 1 per row, 2 for missing. Booleans, numbers 0/1 and the texts
/// "0", "1", "true", "false" are accepted; anything else is an error naming it.
pub fn to_binary(column: &Column) -> Result<Vec<u8>, String> {
    if let Values::Bool(b) = &column.values {
        return Ok(b.clone());
    }
    match natural_kind(&column.ty) {
        Some(Kind::Numeric) => to_numeric(column)?
            .into_iter()
            .map(|v| {
                if v.is_nan() {
                    Ok(2)
                } else if v == 0.0 {
                    Ok(0)
                } else if v == 1.0 {
                    Ok(1)
                } else {
                    Err(format!(
                        "value {v} is not a binary class (expected 0/1 or true/false; set task = \"multiclass\" or \"regression\" if that is what it is)"
                    ))
                }
            })
            .collect(),
        _ => {
            let mut interner = Interner::default();
            let codes = to_codes(column, &mut interner)?;
            let mut map = Vec::new();
            for c in 0..interner.len() as u32 {
                let name = interner.name(c).unwrap_or_default();
                map.push(match name.to_ascii_lowercase().as_str() {
                    "0" | "false" => 0u8,
                    "1" | "true" => 1u8,
                    _ => {
                        return Err(format!(
                            "value {name:?} is not a binary class (expected 0/1 or true/false)"
                        ))
                    }
                });
            }
            Ok(codes
                .iter()
                .map(|&c| {
                    if c == MISSING {
                        2
                    } else {
                        map.get(c as usize).copied().unwrap_or(2)
                    }
                })
                .collect())
        }
    }
}

/// A row-aligned label or prediction column as the task reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// 0, 1, or 2 for missing.
    Binary(Vec<u8>),
    /// Class codes (shared by every dataset of the run), [`MISSING`] for missing.
    Classes(Vec<u32>),
    /// Numbers; any non-finite value is missing.
    Values(Vec<f64>),
}

impl Outcome {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Outcome::Binary(v) => v.len(),
            Outcome::Classes(v) => v.len(),
            Outcome::Values(v) => v.len(),
        }
    }
    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether row `i` holds a value.
    pub fn present(&self, i: usize) -> bool {
        match self {
            Outcome::Binary(v) => v.get(i).is_some_and(|&b| b < 2),
            Outcome::Classes(v) => v.get(i).is_some_and(|&c| c != MISSING),
            Outcome::Values(v) => v.get(i).is_some_and(|x| x.is_finite()),
        }
    }
}

/// One model's outputs on a dataset's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The predicted class or value (for binary without a prediction
    /// column: score ≥ the decision threshold).
    pub prediction: Outcome,
    /// The positive-class probability (binary), NaN where missing.
    pub score: Option<Arc<Vec<f64>>>,
}

/// Labels and the model's outputs of one dataset.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outputs {
    pub label: Option<Outcome>,
    pub model: Option<Model>,
}

/// What the checks read of one dataset besides its feature columns,
/// row-aligned over all its rows: the label, the model's and the
/// challenger's outputs, the timestamps, the ids, the feature times and the
/// grouping columns. Each part is read only when its role is set and the
/// dataset has the column; a part that cannot be read carries the reason,
/// and the checks that need it say so.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    /// The dataset's label ("train", "reference", "current").
    pub dataset: String,
    pub rows: usize,
    pub outputs: Result<Outputs, String>,
    pub challenger: Option<Result<Model, String>>,
    /// Instants in ns since the epoch ([`crate::columns::NO_INSTANT`] for missing).
    pub timestamps: Option<Result<Vec<i64>, String>>,
    pub ids: Option<crate::columns::Keys>,
    /// (feature, its feature-time column's instants).
    pub feature_times: Vec<(String, Result<Vec<i64>, String>)>,
    /// Segment and sensitive columns (current only).
    pub groupings: Result<Vec<Grouping>, String>,
    /// The attribution columns it has, each reduced to its mean |φ|.
    pub attributions: Vec<Attribution>,
    /// The per-class probability columns it has, by name, as numbers (NaN
    /// for missing), or why one could not be read.
    pub class_scores: Result<Vec<(String, Vec<f64>)>, String>,
}

/// One attribution column of a dataset (SPEC §3 "Feature importance
/// change"): the feature it attributes and I_f = the mean of |φ_f| over its
/// rows with a finite value (`None` for no such row), or why it could not be
/// read as numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub column: String,
    pub feature: String,
    pub mean_abs: Result<Option<f64>, String>,
}

/// The feature an attribution column attributes: its name without the
/// `shap__` / `shap_` prefix (any case), or the whole name without one.
pub fn attributed_feature(column: &str) -> &str {
    crate::plan::ATTRIBUTION_PREFIXES
        .iter()
        .find_map(|p| {
            column
                .get(..p.len())
                .filter(|head| head.eq_ignore_ascii_case(p))
                .and_then(|_| column.get(p.len()..))
                .filter(|rest| !rest.is_empty())
        })
        .unwrap_or(column)
}

/// Class-score columns by name, or why they cannot be used.
type ClassScoreColumns = Result<Vec<(String, Vec<f64>)>, String>;

/// A dataset's class-score columns as numbers, by name: flat columns as
/// they are, a list column split by position ([`split_lists`]). A column
/// that cannot be read as probabilities (not numbers, a list longer than
/// [`MAX_CLASSES`], a list that does not decode) is the reason, for the
/// checks to say; only a failure to read the file stops the run.
fn class_score_columns(ds: &Dataset, names: &[&str]) -> crate::Result<ClassScoreColumns> {
    let where_ = |c: &str, m: String| format!("{} ({}): column `{c}`: {m}", ds.label(), ds.name());
    let mut out = Vec::new();
    for &c in names {
        match ds.column_type(c) {
            None => continue,
            Some(ColumnType::FloatList { .. }) => {
                let lists = match ds.read_float_lists(c) {
                    Ok(l) => l,
                    Err(e) => return Ok(Err(e.to_string())),
                };
                let longest = lists.max_len();
                if longest > MAX_CLASSES {
                    return Ok(Err(where_(
                        c,
                        format!("a row holds {longest} values; class probabilities have one per class (at most {MAX_CLASSES})"),
                    )));
                }
                out.extend(split_lists(c, &lists));
            }
            Some(_) => match crate::columns::into_numeric(ds.read_column(c)?) {
                Ok(v) => out.push((c.to_string(), v)),
                Err(m) => return Ok(Err(where_(c, m))),
            },
        }
    }
    Ok(Ok(out))
}

/// A list column of class probabilities as one column per position
/// (`name[0]`, `name[1]`, …, as many as the longest list): a row whose list
/// is null or shorter has NaN where it has no value.
fn split_lists(name: &str, lists: &crate::columns::FloatLists) -> Vec<(String, Vec<f64>)> {
    (0..lists.max_len())
        .map(|k| {
            let values = (0..lists.rows())
                .map(|i| {
                    lists
                        .get(i)
                        .and_then(|l| l.get(k))
                        .copied()
                        .unwrap_or(f64::NAN)
                })
                .collect();
            (format!("{name}[{k}]"), values)
        })
        .collect()
}

/// The mean of |x| over the finite values of `x` (compensated sum); `None`
/// when none is finite.
fn mean_abs(x: &[f64]) -> Option<f64> {
    let finite = || x.iter().filter(|v| v.is_finite()).map(|v| v.abs());
    let n = finite().count();
    (n > 0).then(|| crate::stats::stable_sum(finite()) / n as f64)
}

impl Targets {
    /// The label, when it was read.
    pub fn label(&self) -> Option<&Outcome> {
        self.outputs.as_ref().ok().and_then(|o| o.label.as_ref())
    }
    /// The model's outputs, when they were read.
    pub fn model(&self) -> Option<&Model> {
        self.outputs.as_ref().ok().and_then(|o| o.model.as_ref())
    }
    /// The timestamps, when they were read.
    pub fn timestamps(&self) -> Option<&[i64]> {
        self.timestamps
            .as_ref()
            .and_then(|t| t.as_ref().ok())
            .map(Vec::as_slice)
    }

    /// The rows with a label and a prediction of every model in `models`:
    /// their indices and, for each model, its [`TaskData`] on them.
    pub fn labelled(&self, models: &[&Model]) -> Option<(Vec<u32>, Vec<TaskData>)> {
        let label = self.label()?;
        let rows = rows_where(label.len(), |i| {
            label.present(i) && models.iter().all(|m| m.prediction.present(i))
        });
        let data = models
            .iter()
            .map(|m| task_data(label, m, &rows))
            .collect::<Option<Vec<_>>>()?;
        Some((rows, data))
    }
}

/// The rows `0..n` that `keep` holds, counted first so that the vector takes
/// exactly their room (one grown by doubling can take twice).
pub fn rows_where(n: usize, keep: impl Fn(usize) -> bool) -> Vec<u32> {
    let mut rows = Vec::with_capacity((0..n).filter(|&i| keep(i)).count());
    rows.extend((0..n).filter(|&i| keep(i)).map(|i| i as u32));
    rows
}

/// The values of `v` at `rows`.
pub fn pick<T: Copy>(v: &[T], rows: &[u32]) -> Vec<T> {
    let mut out = Vec::with_capacity(rows.len());
    out.extend(rows.iter().filter_map(|&i| v.get(i as usize).copied()));
    out
}

/// The values of `v` at `rows` (ascending, distinct: a subset of its
/// rows): `v` itself, shared, when they are all of its rows.
pub fn pick_shared<T: Copy>(v: &Arc<Vec<T>>, rows: &[u32]) -> Arc<Vec<T>> {
    if rows.len() == v.len() {
        Arc::clone(v)
    } else {
        pick(v, rows).into()
    }
}

/// A model's [`TaskData`] on the given rows (all with label and prediction).
fn task_data(label: &Outcome, model: &Model, rows: &[u32]) -> Option<TaskData> {
    Some(match (label, &model.prediction) {
        (Outcome::Binary(y), Outcome::Binary(p)) => TaskData::Binary {
            y: pick(y, rows).into_iter().map(|b| b == 1).collect(),
            pred: pick(p, rows).into_iter().map(|b| b == 1).collect(),
            score: model.score.as_ref().map(|s| pick_shared(s, rows)),
        },
        (Outcome::Classes(y), Outcome::Classes(p)) => TaskData::Multiclass {
            y: pick(y, rows),
            pred: pick(p, rows),
        },
        (Outcome::Values(y), Outcome::Values(p)) => TaskData::Regression {
            y: pick(y, rows),
            pred: pick(p, rows),
        },
        _ => return None,
    })
}

/// Performance inputs of one dataset: the labelled rows of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct PerfData {
    pub data: TaskData,
    /// The rows' indices in the dataset.
    pub rows: Vec<u32>,
    /// Rows dropped because the label or prediction was missing.
    pub dropped: usize,
    /// Segment and sensitive columns, aligned with `rows`.
    pub groupings: Vec<Grouping>,
}

impl PerfData {
    /// The performance inputs of a dataset, when it has labels and the
    /// model's outputs.
    pub fn of(t: &Targets) -> Option<PerfData> {
        let model = t.model()?;
        let (rows, mut data) = t.labelled(&[model])?;
        let groupings = t
            .groupings
            .as_ref()
            .map(|gs| {
                gs.iter()
                    .map(|g| Grouping {
                        column: g.column.clone(),
                        codes: pick_shared(&g.codes, &rows),
                        names: g.names.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(PerfData {
            data: data.pop()?,
            dropped: t.rows - rows.len(),
            rows,
            groupings,
        })
    }
}

/// The task and every dataset's [`Targets`].
#[derive(Debug, Clone)]
pub struct AllTargets {
    /// The task, or why it cannot be told (no label or prediction, or values
    /// that fit none).
    pub task: Result<Task, String>,
    /// Class names by code (binary: none; multiclass: every class seen).
    pub classes: Interner,
    /// One per dataset, in run order (train, reference, current).
    pub datasets: Vec<Targets>,
}

impl AllTargets {
    /// The targets of the dataset with this label.
    pub fn get(&self, dataset: &str) -> Option<&Targets> {
        self.datasets.iter().find(|t| t.dataset == dataset)
    }
    /// The task, when it is known.
    pub fn task(&self) -> Option<Task> {
        self.task.as_ref().ok().copied()
    }
}

/// Class codes ranked in sorted class order: numbers by value when every
/// name is one, else by text. `rank[code]` is the class's index.
pub fn sorted_class_ranks(classes: &Interner) -> Vec<usize> {
    let names: Vec<&str> = (0..classes.len() as u32)
        .map(|c| classes.name(c).unwrap_or_default())
        .collect();
    let numbers: Option<Vec<f64>> = names.iter().map(|n| n.parse::<f64>().ok()).collect();
    let mut order: Vec<usize> = (0..names.len()).collect();
    match numbers {
        Some(v) => crate::stats::sort::sort_by_float(&mut order, |&a| v[a], false),
        None => order.sort_by(|&a, &b| names[a].cmp(names[b])),
    }
    let mut rank = vec![0; names.len()];
    for (r, &c) in order.iter().enumerate() {
        rank[c] = r;
    }
    rank
}

/// Labels and class probabilities of one dataset's rows, as the label
/// checks read them: the rows with a label and every probability finite,
/// classes as indices in sorted class order (SPEC §2).
#[derive(Debug, Clone, PartialEq)]
pub struct ClassProbabilities {
    /// Class names, in sorted class order (index = position).
    pub classes: Vec<String>,
    /// The rows used (indices into the dataset).
    pub rows: Vec<u32>,
    /// Each used row's label, as a class index.
    pub labels: Vec<u32>,
    /// Row-major rows × classes probabilities.
    pub probs: Vec<f64>,
    /// Rows with a label left out for a missing or non-finite probability.
    pub dropped: usize,
    /// Used rows whose probabilities sum farther than [`SUM_TOLERANCE`]
    /// from 1.
    pub off_sum: usize,
}

/// How far a row's class probabilities may sum from 1 before it is
/// reported.
pub const SUM_TOLERANCE: f64 = 1e-3;

/// The class probabilities of a dataset (SPEC §2, §3 "Label errors"):
/// binary, [1 − score, score] over the classes 0 < 1 (`false` < `true`
/// when `boolean`); multiclass, the `class_scores` columns — matched to the
/// classes by name (`proba_<class>`, `score_<class>`, or the class itself)
/// when every column names a class, otherwise by position in sorted class
/// order when there are as many columns as classes. `None` without a label
/// or without probabilities; `Err` with the reason when the columns and the
/// classes do not agree.
pub fn class_probabilities(
    t: &Targets,
    task: Task,
    classes: &Interner,
    boolean: bool,
) -> Option<Result<ClassProbabilities, String>> {
    let label = t.label()?;
    let mut out = ClassProbabilities {
        classes: Vec::new(),
        rows: Vec::new(),
        labels: Vec::new(),
        probs: Vec::new(),
        dropped: 0,
        off_sum: 0,
    };
    match (task, label) {
        (Task::Binary | Task::Auto, Outcome::Binary(y)) => {
            let score = t.model()?.score.as_ref()?;
            out.classes = if boolean {
                vec!["false".into(), "true".into()]
            } else {
                vec!["0".into(), "1".into()]
            };
            // Counted first: vectors grown by doubling can take twice the room.
            let n = y
                .iter()
                .zip(score.iter())
                .filter(|(&y, s)| y < 2 && s.is_finite())
                .count();
            out.rows.reserve_exact(n);
            out.labels.reserve_exact(n);
            out.probs.reserve_exact(2 * n);
            for (i, (&y, &s)) in y.iter().zip(score.iter()).enumerate() {
                if y >= 2 {
                    continue;
                }
                if !s.is_finite() {
                    out.dropped += 1;
                    continue;
                }
                out.rows.push(i as u32);
                out.labels.push(u32::from(y));
                out.probs.extend([1.0 - s, s]);
            }
        }
        (Task::Multiclass, Outcome::Classes(y)) => {
            let columns = match &t.class_scores {
                Ok(c) if c.is_empty() => return None,
                Ok(c) => c,
                Err(e) => return Some(Err(e.clone())),
            };
            let rank = sorted_class_ranks(classes);
            let mut by_rank: Vec<(usize, &str)> = (0..classes.len() as u32)
                .map(|c| (rank[c as usize], classes.name(c).unwrap_or_default()))
                .collect();
            by_rank.sort();
            let named = |col: &str| -> Option<u32> {
                let lower = col.to_ascii_lowercase();
                let bare = crate::plan::CLASS_SCORE_PREFIXES
                    .iter()
                    .find(|p| lower.starts_with(*p))
                    .and_then(|p| col.get(p.len()..))
                    .unwrap_or(col);
                classes.get(bare).or_else(|| classes.get(col))
            };
            // column index → class code
            let codes: Vec<u32> = match columns.iter().map(|(c, _)| named(c)).collect::<Option<Vec<u32>>>() {
                Some(codes) => codes,
                None if columns.len() == classes.len() => {
                    let mut by_position: Vec<u32> = vec![0; columns.len()];
                    for (code, &r) in rank.iter().enumerate() {
                        by_position[r] = code as u32;
                    }
                    by_position
                }
                None => {
                    return Some(Err(format!(
                        "{} class-score columns for {} classes ({}); name them proba_<class> or give one per class in sorted class order",
                        columns.len(),
                        classes.len(),
                        by_rank.iter().map(|(_, n)| *n).collect::<Vec<_>>().join(", ")
                    )))
                }
            };
            // the columns' classes in sorted class order
            let mut cols: Vec<(usize, u32, &[f64])> = codes
                .iter()
                .zip(columns)
                .map(|(&c, (_, v))| (rank[c as usize], c, v.as_slice()))
                .collect();
            cols.sort_by_key(|c| c.0);
            if let Some(w) = cols.windows(2).find(|w| w[0].1 == w[1].1) {
                let name = classes.name(w[0].1).unwrap_or_default();
                return Some(Err(format!(
                    "two class-score columns for the class `{name}`"
                )));
            }
            let mut index = vec![u32::MAX; classes.len()];
            for (i, c) in cols.iter().enumerate() {
                index[c.1 as usize] = i as u32;
            }
            out.classes = cols
                .iter()
                .map(|c| classes.name(c.1).unwrap_or_default().to_string())
                .collect();
            // At most the labelled rows: reserved, not grown by doubling.
            let n = y.iter().filter(|&&c| c != MISSING).count();
            out.rows.reserve_exact(n);
            out.labels.reserve_exact(n);
            out.probs.reserve_exact(n * cols.len());
            let mut unscored: Option<u32> = None;
            for (i, &c) in y.iter().enumerate() {
                if c == MISSING {
                    continue;
                }
                let Some(&k) = index.get(c as usize).filter(|&&k| k != u32::MAX) else {
                    unscored.get_or_insert(c);
                    out.dropped += 1;
                    continue;
                };
                let row = cols
                    .iter()
                    .map(|col| col.2.get(i).copied().unwrap_or(f64::NAN));
                let start = out.probs.len();
                out.probs.extend(row);
                if out.probs[start..].iter().any(|p| !p.is_finite()) {
                    out.probs.truncate(start);
                    out.dropped += 1;
                    continue;
                }
                out.rows.push(i as u32);
                out.labels.push(k);
            }
            if let Some(c) = unscored {
                return Some(Err(format!(
                    "the label class `{}` has no class-score column (columns: {})",
                    classes.name(c).unwrap_or_default(),
                    columns
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        _ => return None,
    }
    let k = out.classes.len();
    out.off_sum = out
        .probs
        .chunks(k.max(1))
        .filter(|r| (r.iter().sum::<f64>() - 1.0).abs() > SUM_TOLERANCE)
        .count();
    Some(Ok(out))
}

/// The role columns a run reads of each dataset.
#[derive(Debug, Clone, Default)]
pub struct TargetColumns<'a> {
    pub label: Option<&'a str>,
    pub prediction: Option<&'a str>,
    pub score: Option<&'a str>,
    pub challenger_prediction: Option<&'a str>,
    pub challenger_score: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub id: Option<&'a str>,
    /// (feature, its time column).
    pub feature_times: Vec<(&'a str, &'a str)>,
    /// Segment and sensitive columns, read of current.
    pub groupings: Vec<&'a str>,
    /// Attribution columns (e.g. SHAP), one per feature.
    pub attributions: Vec<&'a str>,
    /// Per-class probability columns (multiclass).
    pub class_scores: Vec<&'a str>,
}

/// `f` of every dataset, on the CLI's threads with the `parallel` feature;
/// the first error in dataset order.
fn each<T: Send>(
    datasets: &[&Dataset],
    f: impl Fn(&Dataset) -> crate::Result<T> + Sync + Send,
) -> crate::Result<Vec<T>> {
    #[cfg(feature = "parallel")]
    let out: Vec<crate::Result<T>> = {
        use rayon::prelude::*;
        datasets.par_iter().map(|d| f(d)).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let out: Vec<crate::Result<T>> = datasets.iter().map(|d| f(d)).collect();
    out.into_iter().collect()
}

/// Read the role columns of every dataset (`datasets` in run order, the
/// last one current) and decide the task from the labels (or, without
/// labels, the predictions).
pub fn load_all<'a>(
    datasets: &[&Dataset],
    cols: &TargetColumns<'a>,
    requested: Task,
    decision_threshold: f64,
) -> crate::Result<AllTargets> {
    let has = |ds: &Dataset, c: Option<&'a str>| c.filter(|c| ds.column_type(c).is_some());
    let read_opt = |ds: &Dataset, c: Option<&'a str>| -> crate::Result<Option<Column>> {
        has(ds, c).map(|c| ds.read_column(c)).transpose()
    };
    // Labels and predictions first: the task is decided from all of them.
    let read = each(datasets, |ds| {
        Ok((read_opt(ds, cols.label)?, read_opt(ds, cols.prediction)?))
    })?;
    // Times and ids need no class codes: every dataset's at once.
    let extras = each(datasets, |ds| {
        let where_ =
            |c: &str, m: String| format!("{} ({}): column `{c}`: {m}", ds.label(), ds.name());
        let instants = |c: &str| -> crate::Result<Result<Vec<i64>, String>> {
            Ok(crate::columns::to_instants(&ds.read_column(c)?).map_err(|m| where_(c, m)))
        };
        let timestamps = has(ds, cols.timestamp).map(instants).transpose()?;
        let ids = read_opt(ds, cols.id)?.map(|c| crate::columns::to_keys(&c));
        let mut feature_times = Vec::new();
        for (f, c) in &cols.feature_times {
            if has(ds, Some(c)).is_some() {
                feature_times.push((f.to_string(), instants(c)?));
            }
        }
        let mut attributions = Vec::new();
        for &c in &cols.attributions {
            if has(ds, Some(c)).is_some() {
                let values = crate::columns::into_numeric(ds.read_column(c)?);
                attributions.push(Attribution {
                    column: c.to_string(),
                    feature: attributed_feature(c).to_string(),
                    mean_abs: values.map(|v| mean_abs(&v)).map_err(|m| where_(c, m)),
                });
            }
        }
        Ok((timestamps, ids, feature_times, attributions))
    })?;
    let mut samples: Vec<&Column> = read.iter().filter_map(|(l, _)| l.as_ref()).collect();
    if samples.is_empty() {
        samples = read.iter().filter_map(|(_, p)| p.as_ref()).collect();
    }
    let any_score = datasets.iter().any(|d| has(d, cols.score).is_some());
    let task = if samples.is_empty() {
        if requested != Task::Auto {
            Ok(requested)
        } else if any_score {
            Ok(Task::Binary)
        } else {
            Err("no label or prediction column (name them with --label and --prediction)".into())
        }
    } else {
        detect_task(requested, &samples)
    };
    drop(samples);
    let mut classes = Interner::default();
    let mut out = Vec::new();
    let last = datasets.len().saturating_sub(1);
    let all = datasets.iter().zip(read).zip(extras).enumerate();
    for (k, ((ds, (l, p)), (timestamps, ids, feature_times, attributions))) in all {
        let outputs = match &task {
            Ok(task) => outputs(ds, cols, *task, l, p, decision_threshold, &mut classes)?,
            Err(e) => Err(e.clone()),
        };
        // Class probabilities only matter to a multiclass task.
        let class_scores = match &task {
            Ok(Task::Multiclass) => class_score_columns(ds, &cols.class_scores)?,
            _ => Ok(Vec::new()),
        };
        let challenger = match (
            &task,
            has(ds, cols.challenger_prediction),
            has(ds, cols.challenger_score),
        ) {
            (_, None, None) => None,
            (Err(e), _, _) => Some(Err(e.clone())),
            (Ok(task), pc, sc) => {
                let pred = match pc {
                    Some(c) => Some(ds.read_column(c)?),
                    None => None,
                };
                Some(model(
                    ds,
                    pc,
                    sc,
                    *task,
                    pred,
                    decision_threshold,
                    &mut classes,
                )?)
            }
        };
        let where_ =
            |c: &str, m: String| format!("{} ({}): column `{c}`: {m}", ds.label(), ds.name());
        let mut groupings = Ok(Vec::new());
        if k == last {
            let mut gs = Vec::new();
            for &g in &cols.groupings {
                let mut interner = Interner::default();
                match to_codes(&ds.read_column(g)?, &mut interner) {
                    Ok(codes) => gs.push(Grouping {
                        column: g.to_string(),
                        codes: codes.into(),
                        names: interner.into_names(),
                    }),
                    Err(m) => {
                        groupings = Err(where_(g, m));
                        break;
                    }
                }
            }
            if groupings.is_ok() {
                groupings = Ok(gs);
            }
        }
        out.push(Targets {
            dataset: ds.label().to_string(),
            rows: ds.rows(),
            outputs,
            challenger,
            timestamps,
            ids,
            feature_times,
            groupings,
            attributions,
            class_scores,
        });
    }
    if classes.len() > MAX_CLASSES {
        let why = format!(
            "the label and the predictions hold {} distinct classes; at most {MAX_CLASSES} are supported (is the task really multiclass? set `task`)",
            classes.len()
        );
        for t in &mut out {
            t.outputs = Err(why.clone());
        }
    }
    Ok(AllTargets {
        task,
        classes,
        datasets: out,
    })
}

/// The label and model outputs of one dataset.
#[allow(clippy::too_many_arguments)]
fn outputs<'a>(
    ds: &Dataset,
    cols: &TargetColumns<'a>,
    task: Task,
    label: Option<Column>,
    pred: Option<Column>,
    decision_threshold: f64,
    classes: &mut Interner,
) -> crate::Result<Result<Outputs, String>> {
    let has = |c: Option<&'a str>| c.filter(|c| ds.column_type(c).is_some());
    let col_err = |c: &str, m: String| format!("{} ({}): column `{c}`: {m}", ds.label(), ds.name());
    let label = match (label, cols.label) {
        (Some(l), Some(name)) => match outcome(&l, task, classes) {
            Ok(o) => Some(o),
            Err(m) => return Ok(Err(col_err(name, m))),
        },
        _ => None,
    };
    let (pc, sc) = (has(cols.prediction), has(cols.score));
    let model = if pc.is_none() && sc.is_none() {
        None
    } else {
        match model(ds, pc, sc, task, pred, decision_threshold, classes)? {
            Ok(m) => Some(m),
            Err(e) => return Ok(Err(e)),
        }
    };
    Ok(Ok(Outputs { label, model }))
}

/// A label or prediction column as the task reads it.
fn outcome(column: &Column, task: Task, classes: &mut Interner) -> Result<Outcome, String> {
    Ok(match task {
        Task::Binary | Task::Auto => Outcome::Binary(to_binary(column)?),
        Task::Multiclass => Outcome::Classes(to_class_codes(column, classes)?),
        Task::Regression => Outcome::Values(to_numeric(column)?),
    })
}

/// One model's outputs: its prediction column (already read) and score.
fn model(
    ds: &Dataset,
    prediction: Option<&str>,
    score: Option<&str>,
    task: Task,
    pred: Option<Column>,
    decision_threshold: f64,
    classes: &mut Interner,
) -> crate::Result<Result<Model, String>> {
    let col_err = |c: &str, m: String| format!("{} ({}): column `{c}`: {m}", ds.label(), ds.name());
    // The score only serves binary classification.
    let binary = matches!(task, Task::Binary | Task::Auto);
    let score = match score.filter(|_| binary) {
        Some(s) => match into_numeric(ds.read_column(s)?) {
            Ok(v) => Some(Arc::new(v)),
            Err(m) => return Ok(Err(col_err(s, m))),
        },
        None => None,
    };
    let prediction = match (pred, prediction, &score) {
        (Some(p), Some(name), _) => match outcome(&p, task, classes) {
            Ok(o) => o,
            Err(m) => return Ok(Err(col_err(name, m))),
        },
        (None, _, Some(s)) if binary => Outcome::Binary(
            s.iter()
                .map(|v| {
                    if v.is_nan() {
                        2
                    } else {
                        u8::from(*v >= decision_threshold)
                    }
                })
                .collect(),
        ),
        _ => return Ok(Err("no prediction column".to_string())),
    };
    Ok(Ok(Model { prediction, score }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_kept_shares_the_column() {
        let v: Arc<Vec<f64>> = Arc::new(vec![0.1, 0.2, 0.3]);
        let all = pick_shared(&v, &[0, 1, 2]);
        assert!(Arc::ptr_eq(&all, &v), "held once");
        let some = pick_shared(&v, &[0, 2]);
        assert!(!Arc::ptr_eq(&some, &v));
        assert_eq!(*some, vec![0.1, 0.3]);
        // the performance inputs of a fully labelled dataset share its
        // score and groupings
        let t = Targets {
            dataset: "current".into(),
            rows: 3,
            outputs: Ok(Outputs {
                label: Some(Outcome::Binary(vec![1, 0, 1])),
                model: Some(Model {
                    prediction: Outcome::Binary(vec![1, 0, 0]),
                    score: Some(Arc::clone(&v)),
                }),
            }),
            challenger: None,
            timestamps: None,
            ids: None,
            feature_times: Vec::new(),
            groupings: Ok(vec![Grouping {
                column: "segment".into(),
                codes: Arc::new(vec![0, 1, 0]),
                names: vec!["a".into(), "b".into()],
            }]),
            attributions: Vec::new(),
            class_scores: Ok(Vec::new()),
        };
        let p = PerfData::of(&t).expect("labelled");
        let TaskData::Binary { score: Some(s), .. } = &p.data else {
            panic!("binary with a score");
        };
        assert!(Arc::ptr_eq(s, &v));
        let Ok(gs) = &t.groupings else { panic!() };
        assert!(Arc::ptr_eq(&p.groupings[0].codes, &gs[0].codes));
    }

    /// A multiclass dataset: labels by class name, class-score columns.
    fn multiclass(labels: &[Option<&str>], scores: Vec<(&str, Vec<f64>)>) -> (Targets, Interner) {
        let mut classes = Interner::default();
        for c in ["dog", "cat", "bird"] {
            classes.intern(c);
        }
        let codes = labels
            .iter()
            .map(|l| l.map_or(MISSING, |l| classes.intern(l)))
            .collect();
        let t = Targets {
            dataset: "current".into(),
            rows: labels.len(),
            outputs: Ok(Outputs {
                label: Some(Outcome::Classes(codes)),
                model: None,
            }),
            challenger: None,
            timestamps: None,
            ids: None,
            feature_times: Vec::new(),
            groupings: Ok(Vec::new()),
            attributions: Vec::new(),
            class_scores: Ok(scores
                .into_iter()
                .map(|(n, v)| (n.to_string(), v))
                .collect()),
        };
        (t, classes)
    }

    #[test]
    fn class_scores_match_classes_by_name_in_sorted_order() {
        let (t, classes) = multiclass(
            &[Some("cat"), None, Some("dog"), Some("bird")],
            vec![
                ("proba_dog", vec![0.1, 0.3, 0.7, f64::NAN]),
                ("proba_bird", vec![0.2, 0.3, 0.2, 0.5]),
                ("proba_cat", vec![0.7, 0.4, 0.1, 0.5]),
            ],
        );
        let p = class_probabilities(&t, Task::Multiclass, &classes, false)
            .expect("probabilities")
            .expect("they agree");
        assert_eq!(p.classes, vec!["bird", "cat", "dog"]);
        // row 1 has no label; row 3 a NaN probability
        assert_eq!(p.rows, vec![0, 2]);
        assert_eq!(p.labels, vec![1, 2]);
        assert_eq!(p.probs, vec![0.2, 0.7, 0.1, 0.2, 0.1, 0.7]);
        assert_eq!((p.dropped, p.off_sum), (1, 0));
    }

    #[test]
    fn class_scores_that_do_not_fit_the_classes_say_why() {
        // unnamed columns, one per class: by position in sorted class order
        let (t, classes) = multiclass(
            &[Some("bird"), Some("dog")],
            vec![
                ("a", vec![0.6, 0.1]),
                ("b", vec![0.3, 0.1]),
                ("c", vec![0.3, 0.9]),
            ],
        );
        let p = class_probabilities(&t, Task::Multiclass, &classes, false)
            .expect("probabilities")
            .expect("by position");
        assert_eq!(p.labels, vec![0, 2]);
        // two columns for three classes
        let (t, classes) = multiclass(&[Some("bird")], vec![("a", vec![0.6]), ("b", vec![0.4])]);
        let e = class_probabilities(&t, Task::Multiclass, &classes, false)
            .expect("probabilities")
            .expect_err("too few columns");
        assert!(e.contains("2 class-score columns for 3 classes"), "{e}");
        // a labelled class without its column
        let (t, classes) = multiclass(
            &[Some("cat"), Some("dog")],
            vec![
                ("proba_cat", vec![0.9, 0.2]),
                ("proba_bird", vec![0.1, 0.8]),
            ],
        );
        let e = class_probabilities(&t, Task::Multiclass, &classes, false)
            .expect("probabilities")
            .expect_err("dog has no column");
        assert!(e.contains("`dog` has no class-score column"), "{e}");
        // rows that do not sum to 1 are counted
        let (t, classes) = multiclass(
            &[Some("cat")],
            vec![
                ("proba_cat", vec![0.9]),
                ("proba_bird", vec![0.5]),
                ("proba_dog", vec![0.0]),
            ],
        );
        let p = class_probabilities(&t, Task::Multiclass, &classes, false)
            .expect("probabilities")
            .expect("they agree");
        assert_eq!(p.off_sum, 1);
    }

    fn ints(v: Vec<i64>) -> Column {
        Column::ints(v.into_iter().map(Some))
    }

    #[test]
    fn detects_binary_from_zero_one() {
        let a = ints(vec![0, 1, 1]);
        assert_eq!(detect_task(Task::Auto, &[&a]), Ok(Task::Binary));
    }

    #[test]
    fn detects_multiclass_and_regression() {
        let a = ints(vec![0, 1, 2]);
        assert_eq!(detect_task(Task::Auto, &[&a]), Ok(Task::Multiclass));
        let f = Column::floats(vec![0.5, 1.25, 3.0]);
        assert_eq!(detect_task(Task::Auto, &[&f]), Ok(Task::Regression));
        let s = Column::text(vec![Some("cat"), Some("dog")]);
        assert_eq!(detect_task(Task::Auto, &[&s]), Ok(Task::Multiclass));
        let s = Column::text(vec![Some("true"), Some("false")]);
        assert_eq!(detect_task(Task::Auto, &[&s]), Ok(Task::Binary));
    }

    #[test]
    fn numeric_classes_are_keyed_by_value() {
        let mut classes = Interner::default();
        let ints = Column::ints(vec![Some(1), Some(2), None]);
        let floats = Column::floats(vec![1.0, 2.0, 2.5]);
        let texts = Column::text(vec![Some("1"), Some("x")]);
        assert_eq!(
            to_class_codes(&ints, &mut classes).expect("codes"),
            vec![0, 1, MISSING]
        );
        assert_eq!(
            to_class_codes(&floats, &mut classes).expect("codes"),
            vec![0, 1, 2]
        );
        assert_eq!(
            to_class_codes(&texts, &mut classes).expect("codes"),
            vec![0, 3]
        );
    }

    #[test]
    fn binary_rejects_other_values() {
        let a = ints(vec![0, 2]);
        let err = to_binary(&a).expect_err("2 is not binary");
        assert!(err.contains("value 2"), "{err}");
        let s = Column::text(vec![Some("TRUE"), None, Some("0")]);
        assert_eq!(to_binary(&s).expect("binary"), vec![1, 2, 0]);
    }
}
