//! The model itself (SPEC §3 "The model itself"): with an ONNX model file,
//! whether it reproduces the datasets' predictions (parity), how its
//! outputs move under noise and extreme values of each feature
//! (sensitivity), and how much its deciding metric drops when a feature is
//! shuffled (permutation importance).
//!
//! The library runs no model: a [`Probe`] reads the columns the model
//! needs, hands out input [`Batch`]es (the original rows and the
//! deterministic perturbations of [`crate::stats::perturb`]) and takes the
//! model's outputs back, so that the CLI (ONNX Runtime, natively) and the
//! page (ONNX Runtime Web, in its own worker, asynchronously) drive the
//! same code and get the same numbers. [`score`] drives a synchronous
//! [`Runner`]; [`attach`] puts the checks into a report.
//!
//! Without a model the family's checks are skipped, saying how to give one.

use std::collections::HashMap;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::columns::{to_numeric, Column, Values};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::onnx::{Elem, ModelInfo};
use crate::read::{Dataset, Datasets};
use crate::report::{Check, Metric, Report, Status};
use crate::stats::classification::roc_auc_of;
use crate::stats::multiclass::multiclass_metrics;
use crate::stats::perturb::{gaussian, noisy, permutation, ReferenceSpread};
use crate::stats::regression::regression_metrics;

use super::{Context, Family, Needs, Pass};

const PARITY: (&str, &str) = ("model_parity", "Model–prediction parity");
const SENSITIVITY: (&str, &str) = (
    "model_sensitivity",
    "Sensitivity to noise and extreme values",
);
const PERMUTATION: (&str, &str) = ("model_permutation_importance", "Permutation importance");

/// The noise levels ε of SPEC.
pub const EPSILONS: [f64; 3] = [0.01, 0.05, 0.1];
/// Repeats of each permutation.
pub const REPEATS: u64 = 5;
/// Rows per parity batch.
const PARITY_CHUNK: usize = 65_536;
/// The category no reference row has (the "unseen category" recipe).
pub const UNSEEN: &str = "__attest_unseen__";

/// The model family: its checks are built by [`Probe::finish`]; in the
/// column pass's report they are skipped until [`attach`] replaces them.
pub struct Model;

impl Family for Model {
    fn name(&self) -> &'static str {
        "model"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[PARITY, SENSITIVITY, PERMUTATION]
    }
    /// Built from the role columns alone, beside the column pass.
    fn needs(&self) -> Needs {
        Needs {
            no_pass: true,
            ..Needs::default()
        }
    }
    fn build(&self, _ctx: &Context<'_>, _pass: &Pass) -> Vec<Check> {
        skipped("no model file given (`--model MODEL.onnx`, `[model] path`, or drop an .onnx file on the page)")
    }
}

/// The family's checks, all skipped for one reason (no model, no runtime).
pub fn skipped(why: &str) -> Vec<Check> {
    [PARITY, SENSITIVITY, PERMUTATION]
        .iter()
        .map(|(id, title)| Check::skipped(id, title, why))
        .collect()
}

/// The values of one tensor.
#[derive(Debug, Clone, PartialEq)]
pub enum TensorData {
    F32(Vec<f32>),
    F64(Vec<f64>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    Str(Vec<String>),
}

impl TensorData {
    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            TensorData::F32(v) => v.len(),
            TensorData::F64(v) => v.len(),
            TensorData::I64(v) => v.len(),
            TensorData::I32(v) => v.len(),
            TensorData::Str(v) => v.len(),
        }
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A named tensor, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    pub name: String,
    pub shape: Vec<usize>,
    pub data: TensorData,
}

/// The inputs of one call of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub rows: usize,
    pub inputs: Vec<Tensor>,
}

/// Something that runs the model: inputs in, every output tensor out.
pub trait Runner {
    fn run(&mut self, batch: &Batch) -> std::result::Result<Vec<Tensor>, String>;
}

/// Progress of the scoring: rows scored of the total after each batch (and
/// the batch's kind, [`Probe::batch_kind`]); cancel.
pub trait ScoreProgress {
    fn scored(&self, _kind: &str, _rows: u64, _total: u64) {}
    fn cancelled(&self) -> bool {
        false
    }
}

/// No progress reporting.
pub struct Quiet;
impl ScoreProgress for Quiet {}

/// One feature the model reads: a column feeding (a position of) an input.
#[derive(Debug, Clone)]
struct Feature {
    column: String,
    input: usize,
    elem: Elem,
}

/// An input of the model and its features (indices into `features`).
#[derive(Debug, Clone)]
struct InputSpec {
    name: String,
    elem: Elem,
    rank: usize,
    features: Vec<usize>,
}

/// A feature's values in one dataset, row-aligned.
#[derive(Debug, Clone)]
enum FeatureValues {
    /// NaN for missing.
    Num(Vec<f64>),
    Text(Vec<Option<String>>),
}

/// A dataset's columns for the model.
struct DatasetData {
    label: String,
    rows: usize,
    features: Vec<FeatureValues>,
    score: Option<Vec<f64>>,
    prediction: Option<Vec<Option<String>>>,
    prediction_num: Option<Vec<f64>>,
    labels: Option<Vec<Option<String>>>,
    labels_num: Option<Vec<f64>>,
}

/// What a perturbed batch changes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Change {
    Noise(usize),
    Extreme(usize),
    OtherCategory,
    Unseen,
    Permute(u64),
}

impl Change {
    fn key(self) -> String {
        match self {
            Change::Noise(e) => format!("noise {}", EPSILONS[e]),
            Change::Extreme(r) => ["q01", "q99", "max+iqr", "min-iqr"][r].to_string(),
            Change::OtherCategory => "other category".into(),
            Change::Unseen => "unseen category".into(),
            Change::Permute(r) => format!("permutation {r}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Job {
    Parity {
        dataset: usize,
        start: usize,
        end: usize,
    },
    Base {
        dataset: usize,
    },
    Perturbed {
        dataset: usize,
        feature: usize,
        change: Change,
    },
}

/// The model's outputs on some rows.
#[derive(Debug, Clone, Default)]
struct Scored {
    /// Class index into `Probe::classes`.
    classes: Option<Vec<u32>>,
    /// Row-major probabilities, `width` a row.
    probs: Option<(Vec<f64>, usize)>,
    /// A regression's values.
    values: Option<Vec<f64>>,
}

/// The outputs the probe reads.
#[derive(Debug, Clone)]
struct Outputs {
    label: Option<String>,
    probabilities: Option<String>,
    value: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct ParityTotals {
    compared: u64,
    max_diff: f64,
    worst_row: Option<usize>,
    worst: Option<(f64, f64)>,
    over: u64,
    predicted: u64,
    agree: u64,
}

#[derive(Debug, Clone, Default)]
struct CellTotals {
    changed: u64,
    flips: u64,
    change_sum: f64,
    has_scores: bool,
}

/// The model checks of one run, between the batches and the report.
pub struct Probe {
    config: crate::config::ModelCard,
    model_name: String,
    sha256: String,
    bytes: usize,
    info: ModelInfo,
    inputs: Vec<InputSpec>,
    features: Vec<Feature>,
    outputs: Outputs,
    datasets: Vec<DatasetData>,
    /// Index of current; of the permutation dataset (None: no labels).
    probe_ds: usize,
    perm_ds: Option<usize>,
    /// `[model] max_rows`: a dataset's probe rows are its first this many.
    probe_rows: usize,
    spreads: Vec<Option<ReferenceSpread>>,
    /// A categorical feature's reference categories by count, most first.
    categories: Vec<Vec<String>>,
    classes: Vec<String>,
    class_index: HashMap<String, u32>,
    jobs: Vec<Job>,
    parity: Vec<ParityTotals>,
    base: HashMap<usize, Scored>,
    cells: HashMap<(usize, String), CellTotals>,
    permuted: HashMap<(usize, u64), f64>,
    notes: Vec<String>,
    /// Whether each of the three checks runs (`[checks] skip`).
    runs: [bool; 3],
    /// Each dataset's `prediction` as class codes.
    prediction_codes: Vec<Option<Vec<Option<u32>>>>,
    /// Whether the classes are two (fixed before scoring).
    binary: bool,
    /// The model file as given (before ZipMap was removed), for the evidence.
    original: Option<ModelInfo>,
}

/// The text of a number as a class: integers without a fraction.
fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:?}")
    }
}

/// A column's values as class texts.
fn texts(col: &Column) -> Vec<Option<String>> {
    match &col.values {
        Values::Float(v) => v
            .iter()
            .map(|x| (!x.is_nan()).then(|| number_text(*x)))
            .collect(),
        _ => (0..col.len()).map(|i| col.text_at(i)).collect(),
    }
}

fn model_error(message: impl Into<String>) -> Error {
    Error::Model(message.into())
}

impl Probe {
    /// Plan the model checks on the datasets: map the model's inputs to
    /// columns (`[model] inputs`, else by name), read those columns and
    /// the score, prediction and label of every dataset, and the reference
    /// spreads. `name` and `bytes` are the model file's (its name and
    /// SHA-256 go into the report).
    pub fn new(
        datasets: Datasets<'_>,
        config: &Config,
        name: &str,
        bytes: &[u8],
        info: ModelInfo,
    ) -> Result<Self> {
        let plan = crate::plan::plan(datasets, config)?;
        let all = datasets.all();
        let reference = all.len() - 2;
        let current = all.len() - 1;
        let mc = config.model.clone();
        // Inputs → features.
        let mut inputs = Vec::new();
        let mut features = Vec::new();
        for (k, input) in info.inputs.iter().enumerate() {
            let elem = input.elem().ok_or_else(|| {
                model_error(format!(
                    "model input `{}` is {}; Attest feeds tensors only",
                    input.name,
                    input.ty.describe()
                ))
            })?;
            if !matches!(
                elem,
                Elem::Float | Elem::Double | Elem::Int64 | Elem::Int32 | Elem::String
            ) {
                return Err(model_error(format!(
                    "model input `{}` is tensor({}); Attest feeds float, double, int64, int32 and string inputs",
                    input.name,
                    elem.name()
                )));
            }
            let rank = match &input.ty {
                crate::onnx::ValueType::Tensor { dims: Some(d), .. } => d.len().max(1),
                _ => 2,
            };
            let columns = match mc.inputs.get(&input.name) {
                Some(m) => m.columns(),
                None => {
                    let width = input.width();
                    if all[current].column_type(&input.name).is_some() && width.unwrap_or(1) == 1 {
                        vec![input.name.clone()]
                    } else {
                        let shape = match width {
                            Some(w) => format!("{w} values a row"),
                            None => "values".to_string(),
                        };
                        return Err(model_error(format!(
                            "model input `{}` ({}, {shape}) has no column: name the columns that feed it in attest.toml, `[model] inputs = {{ {} = [\"column\", …] }}`",
                            input.name,
                            input.ty.describe(),
                            input.name
                        )));
                    }
                }
            };
            if let Some(w) = input.width() {
                if w != columns.len() {
                    return Err(model_error(format!(
                        "model input `{}` takes {w} values a row, but `[model] inputs` gives it {} columns",
                        input.name,
                        columns.len()
                    )));
                }
            }
            if columns.is_empty() {
                return Err(model_error(format!(
                    "`[model] inputs` gives model input `{}` no columns",
                    input.name
                )));
            }
            let mut idx = Vec::new();
            for c in columns {
                idx.push(features.len());
                features.push(Feature {
                    column: c,
                    input: k,
                    elem,
                });
            }
            inputs.push(InputSpec {
                name: input.name.clone(),
                elem,
                rank,
                features: idx,
            });
        }
        for name in mc.inputs.keys() {
            if !info.inputs.iter().any(|i| &i.name == name) {
                let known: Vec<&str> = info.inputs.iter().map(|i| i.name.as_str()).collect();
                return Err(model_error(format!(
                    "`[model] inputs` names `{name}`, which is not an input of the model (its inputs: {})",
                    known.join(", ")
                )));
            }
        }
        // Outputs.
        let tensor = |v: &&crate::onnx::Value| v.elem().is_some();
        let label = info
            .outputs
            .iter()
            .filter(tensor)
            .find(|v| matches!(v.elem(), Some(Elem::Int64 | Elem::Int32 | Elem::String)))
            .map(|v| v.name.clone());
        let float = info
            .outputs
            .iter()
            .filter(tensor)
            .find(|v| matches!(v.elem(), Some(Elem::Float | Elem::Double)))
            .map(|v| v.name.clone());
        let outputs =
            match (label, float) {
                (Some(l), p) => Outputs {
                    label: Some(l),
                    probabilities: p,
                    value: None,
                },
                (None, Some(v)) => Outputs {
                    label: None,
                    probabilities: None,
                    value: Some(v),
                },
                (None, None) => return Err(model_error(
                    "the model has no tensor output to read (neither a class label nor a number)",
                )),
            };
        // Columns.
        let r = &plan.roles;
        let mut data = Vec::new();
        for ds in &all {
            data.push(read_dataset(ds, &features, &inputs, r)?);
        }
        // Reference spreads and categories.
        let mut spreads = Vec::new();
        let mut categories = Vec::new();
        for (j, f) in features.iter().enumerate() {
            match &data[reference].features[j] {
                FeatureValues::Num(v) => {
                    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
                    crate::stats::sort::sort_floats(&mut s);
                    spreads.push(ReferenceSpread::of_sorted(&s));
                    categories.push(Vec::new());
                }
                FeatureValues::Text(v) => {
                    spreads.push(None);
                    let mut counts: HashMap<&str, u64> = HashMap::new();
                    for t in v.iter().flatten() {
                        *counts.entry(t.as_str()).or_default() += 1;
                    }
                    let mut c: Vec<(&str, u64)> = counts.into_iter().collect();
                    c.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                    categories.push(c.into_iter().map(|(t, _)| t.to_string()).collect());
                }
            }
            let _ = f;
        }
        let mc_rows = mc.max_rows;
        let has_labels = |d: &DatasetData| {
            d.labels
                .as_ref()
                .is_some_and(|l| l.iter().take(d.rows.min(mc.max_rows)).any(Option::is_some))
        };
        let perm_ds = if has_labels(&data[current]) {
            Some(current)
        } else if has_labels(&data[reference]) {
            Some(reference)
        } else {
            None
        };
        let mut classes = info.classes.clone().unwrap_or_default();
        if classes.is_empty() && outputs.label.is_some() {
            // Without class labels in the graph, the probability columns
            // are taken to follow the sorted classes of the data.
            let mut seen: Vec<String> = Vec::new();
            for d in &data {
                for v in [&d.labels, &d.prediction].into_iter().flatten() {
                    for t in v.iter().flatten() {
                        if !seen.contains(t) && seen.len() < 1000 {
                            seen.push(t.clone());
                        }
                    }
                }
            }
            // Numbers first, in numeric order, then texts: a total order.
            seen.sort_by(
                |a, b| match (a.parse::<f64>().ok(), b.parse::<f64>().ok()) {
                    (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => a.cmp(b),
                },
            );
            classes = seen;
        }
        // A boolean label or prediction column against integer classes
        // (a model trained on a bool target): false and true are 0 and 1.
        if classes.iter().any(|c| c == "0" || c == "1")
            && !classes.iter().any(|c| c == "true" || c == "false")
        {
            for d in &mut data {
                for v in [&mut d.labels, &mut d.prediction].into_iter().flatten() {
                    for t in v.iter_mut().flatten() {
                        if t == "true" {
                            *t = "1".into();
                        } else if t == "false" {
                            *t = "0".into();
                        }
                    }
                }
            }
        }
        let class_index = classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i as u32))
            .collect();
        let sha256 = hex(&Sha256::digest(bytes));
        let mut probe = Probe {
            config: mc,
            model_name: name.to_string(),
            sha256,
            bytes: bytes.len(),
            info,
            inputs,
            features,
            outputs,
            parity: vec![ParityTotals::default(); data.len()],
            datasets: data,
            probe_ds: current,
            perm_ds,
            probe_rows: mc_rows,
            spreads,
            categories,
            classes,
            class_index,
            jobs: Vec::new(),
            base: HashMap::new(),
            cells: HashMap::new(),
            permuted: HashMap::new(),
            notes: Vec::new(),
            runs: [PARITY.0, SENSITIVITY.0, PERMUTATION.0].map(|id| config.runs(id)),
            prediction_codes: Vec::new(),
            binary: true,
            original: crate::onnx::inspect(bytes).ok(),
        };
        for d in 0..probe.datasets.len() {
            let prediction = probe.datasets[d].prediction.take();
            let codes = prediction
                .filter(|_| probe.outputs.label.is_some())
                .map(|pred| {
                    pred.iter()
                        .map(|p| p.as_deref().map(|t| probe.class_code(t)))
                        .collect()
                });
            probe.prediction_codes.push(codes);
        }
        // Binary or not is decided now, before any output adds a class, so
        // that every permuted repeat and the baseline use one metric.
        probe.binary = probe.classes.len() <= 2;
        probe.jobs = probe.plan_jobs();
        Ok(probe)
    }

    fn plan_jobs(&mut self) -> Vec<Job> {
        let mut jobs = Vec::new();
        for (d, ds) in self.datasets.iter().enumerate() {
            let compared = if self.outputs.value.is_some() {
                ds.prediction_num.is_some()
            } else {
                ds.score.is_some() || self.prediction_codes[d].is_some()
            };
            if !compared {
                continue;
            }
            let mut start = 0;
            while start < ds.rows {
                let end = (start + PARITY_CHUNK).min(ds.rows);
                jobs.push(Job::Parity {
                    dataset: d,
                    start,
                    end,
                });
                start = end;
            }
        }
        jobs.push(Job::Base {
            dataset: self.probe_ds,
        });
        if let Some(p) = self.perm_ds.filter(|p| *p != self.probe_ds) {
            jobs.push(Job::Base { dataset: p });
        }
        for j in 0..self.features.len() {
            let dataset = self.probe_ds;
            match &self.datasets[dataset].features[j] {
                FeatureValues::Num(_) if self.spreads[j].is_none() => {
                    // No noise or extremes without a reference spread; the
                    // permutation below still runs.
                    self.notes.push(format!(
                        "`{}`: the reference has no finite value, so it gets no noise or extreme values",
                        self.features[j].column
                    ));
                }
                FeatureValues::Num(_) => {
                    for e in 0..EPSILONS.len() {
                        jobs.push(Job::Perturbed {
                            dataset,
                            feature: j,
                            change: Change::Noise(e),
                        });
                    }
                    for r in 0..4 {
                        jobs.push(Job::Perturbed {
                            dataset,
                            feature: j,
                            change: Change::Extreme(r),
                        });
                    }
                }
                FeatureValues::Text(_) => {
                    for change in [Change::OtherCategory, Change::Unseen] {
                        jobs.push(Job::Perturbed {
                            dataset,
                            feature: j,
                            change,
                        });
                    }
                }
            }
            if let Some(p) = self.perm_ds {
                for r in 0..REPEATS {
                    jobs.push(Job::Perturbed {
                        dataset: p,
                        feature: j,
                        change: Change::Permute(r),
                    });
                }
            }
        }
        jobs
    }

    /// The classes, in the order of the model's probability columns (the
    /// model's own, else the data's sorted classes).
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The number of batches to score.
    pub fn batches(&self) -> usize {
        self.jobs.len()
    }

    /// The rows of batch `i`.
    pub fn batch_rows(&self, i: usize) -> usize {
        match self.jobs.get(i) {
            Some(Job::Parity { start, end, .. }) => end - start,
            Some(Job::Base { dataset } | Job::Perturbed { dataset, .. }) => {
                self.probe_rows.min(self.datasets[*dataset].rows)
            }
            None => 0,
        }
    }

    /// What batch `i` is for: `"parity <dataset>"` (a dataset's rows as
    /// they are) or `"sensitivity"` (the probe rows, perturbed or not), for
    /// timings.
    pub fn batch_kind(&self, i: usize) -> String {
        match self.jobs.get(i) {
            Some(Job::Parity { dataset, .. }) => {
                format!("parity {}", self.datasets[*dataset].label)
            }
            _ => "sensitivity".into(),
        }
    }

    /// Rows to score in all.
    pub fn total_rows(&self) -> u64 {
        (0..self.batches()).map(|i| self.batch_rows(i) as u64).sum()
    }

    /// The inputs of batch `i`.
    pub fn batch(&self, i: usize) -> Result<Batch> {
        let job = *self
            .jobs
            .get(i)
            .ok_or_else(|| model_error(format!("no batch {i}")))?;
        match job {
            Job::Parity {
                dataset,
                start,
                end,
            } => self.inputs_of(dataset, start, end, None),
            Job::Base { dataset } => self.inputs_of(dataset, 0, self.batch_rows(i), None),
            Job::Perturbed {
                dataset,
                feature,
                change,
            } => {
                let n = self.batch_rows(i);
                let values = self.perturbed(dataset, feature, change, n);
                self.inputs_of(dataset, 0, n, Some((feature, &values)))
            }
        }
    }

    /// Feature `j`'s values on the first `n` rows of `dataset` after `change`.
    fn perturbed(&self, dataset: usize, j: usize, change: Change, n: usize) -> FeatureValues {
        let seed = self.config.seed;
        let nc = self.features.len() as u64;
        let integer = self.features[j].elem.is_integer();
        let to_type = |v: f64| if integer { v.round_ties_even() } else { v };
        match &self.datasets[dataset].features[j] {
            FeatureValues::Num(x) => {
                let x = &x[..n];
                let spread = self.spreads[j].unwrap_or(ReferenceSpread {
                    std: 0.0,
                    q01: 0.0,
                    q99: 0.0,
                    min: 0.0,
                    max: 0.0,
                    iqr: 0.0,
                });
                FeatureValues::Num(match change {
                    Change::Noise(e) => x
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            let g = gaussian(seed, i as u64, j as u64, nc);
                            noisy(*v, EPSILONS[e], spread.std, g, integer)
                        })
                        .collect(),
                    Change::Extreme(r) => {
                        let value = to_type(spread.extremes()[r].1);
                        x.iter()
                            .map(|v| if v.is_nan() { *v } else { value })
                            .collect()
                    }
                    Change::Permute(r) => permutation(seed, n, j as u64, nc, r)
                        .into_iter()
                        .map(|s| x[s])
                        .collect(),
                    Change::OtherCategory | Change::Unseen => x.to_vec(),
                })
            }
            FeatureValues::Text(x) => {
                let x = &x[..n];
                let cats = &self.categories[j];
                FeatureValues::Text(match change {
                    Change::OtherCategory => x
                        .iter()
                        .map(|v| {
                            v.as_ref().map(|t| {
                                cats.iter()
                                    .find(|c| *c != t)
                                    .cloned()
                                    .unwrap_or_else(|| UNSEEN.to_string())
                            })
                        })
                        .collect(),
                    Change::Unseen => x
                        .iter()
                        .map(|v| v.as_ref().map(|_| UNSEEN.to_string()))
                        .collect(),
                    Change::Permute(r) => permutation(seed, n, j as u64, nc, r)
                        .into_iter()
                        .map(|s| x[s].clone())
                        .collect(),
                    _ => x.to_vec(),
                })
            }
        }
    }

    fn inputs_of(
        &self,
        dataset: usize,
        start: usize,
        end: usize,
        over: Option<(usize, &FeatureValues)>,
    ) -> Result<Batch> {
        let ds = &self.datasets[dataset];
        let rows = end - start;
        let mut tensors = Vec::new();
        for input in &self.inputs {
            let width = input.features.len();
            let cols: Vec<&FeatureValues> = input
                .features
                .iter()
                .map(|j| match over {
                    Some((o, v)) if o == *j => v,
                    _ => &ds.features[*j],
                })
                .collect();
            // An override holds rows from 0; the dataset's from `start`.
            let offset = |j: usize| match over {
                Some((o, _)) if o == input.features[j] => 0,
                _ => start,
            };
            let num = |i: usize, k: usize| match cols[k] {
                FeatureValues::Num(v) => v[offset(k) + i],
                FeatureValues::Text(_) => f64::NAN,
            };
            let data = match input.elem {
                Elem::Float => {
                    let mut v = Vec::with_capacity(rows * width);
                    for i in 0..rows {
                        for k in 0..width {
                            v.push(num(i, k) as f32);
                        }
                    }
                    TensorData::F32(v)
                }
                Elem::Double => {
                    let mut v = Vec::with_capacity(rows * width);
                    for i in 0..rows {
                        for k in 0..width {
                            v.push(num(i, k));
                        }
                    }
                    TensorData::F64(v)
                }
                Elem::Int64 | Elem::Int32 => {
                    let mut v = Vec::with_capacity(rows * width);
                    for i in 0..rows {
                        for k in 0..width {
                            let x = num(i, k);
                            if !x.is_finite() {
                                return Err(model_error(format!(
                                    "{}: column `{}` has a missing value in row {}, and model input `{}` is tensor({}), which cannot hold one",
                                    ds.label,
                                    self.features[input.features[k]].column,
                                    offset(k) + i,
                                    input.name,
                                    input.elem.name()
                                )));
                            }
                            v.push(x.round_ties_even() as i64);
                        }
                    }
                    if input.elem == Elem::Int32 {
                        let mut out = Vec::with_capacity(v.len());
                        for (at, x) in v.into_iter().enumerate() {
                            out.push(i32::try_from(x).map_err(|_| {
                                model_error(format!(
                                    "{}: {x} in row {} does not fit model input `{}`, tensor(int32)",
                                    ds.label,
                                    start + at / width.max(1),
                                    input.name
                                ))
                            })?);
                        }
                        TensorData::I32(out)
                    } else {
                        TensorData::I64(v)
                    }
                }
                _ => {
                    let mut v = Vec::with_capacity(rows * width);
                    for i in 0..rows {
                        for (k, c) in cols.iter().enumerate() {
                            v.push(match c {
                                FeatureValues::Text(t) => {
                                    t[offset(k) + i].clone().unwrap_or_default()
                                }
                                FeatureValues::Num(x) => {
                                    let x = x[offset(k) + i];
                                    if x.is_nan() {
                                        String::new()
                                    } else {
                                        number_text(x)
                                    }
                                }
                            });
                        }
                    }
                    TensorData::Str(v)
                }
            };
            let shape = if input.rank == 1 {
                vec![rows]
            } else {
                vec![rows, width]
            };
            tensors.push(Tensor {
                name: input.name.clone(),
                shape,
                data,
            });
        }
        Ok(Batch {
            rows,
            inputs: tensors,
        })
    }

    /// Read the model's outputs of one batch.
    fn scored(&mut self, outputs: Vec<Tensor>, rows: usize) -> Result<Scored> {
        let find = |name: &Option<String>| -> Result<Option<&Tensor>> {
            match name {
                None => Ok(None),
                Some(n) => outputs
                    .iter()
                    .find(|t| &t.name == n)
                    .map(Some)
                    .ok_or_else(|| {
                        model_error(format!("the model did not return its output `{n}`"))
                    }),
            }
        };
        let floats = |t: &Tensor| -> Result<Vec<f64>> {
            match &t.data {
                TensorData::F32(v) => Ok(v.iter().map(|x| f64::from(*x)).collect()),
                TensorData::F64(v) => Ok(v.clone()),
                _ => Err(model_error(format!(
                    "output `{}` is not a float tensor",
                    t.name
                ))),
            }
        };
        let mut s = Scored::default();
        if let Some(t) = find(&self.outputs.label)? {
            if t.data.len() != rows {
                return Err(model_error(format!(
                    "output `{}` has {} values for {rows} rows",
                    t.name,
                    t.data.len()
                )));
            }
            // Integer classes through a small cache: no text per row.
            let mut cache: Vec<(i64, u32)> = Vec::new();
            let mut codes = Vec::with_capacity(rows);
            for i in 0..rows {
                let int = match &t.data {
                    TensorData::I64(v) => Some(v[i]),
                    TensorData::I32(v) => Some(i64::from(v[i])),
                    _ => None,
                };
                if let Some(k) = int {
                    if let Some((_, c)) = cache.iter().find(|(x, _)| *x == k) {
                        codes.push(*c);
                        continue;
                    }
                }
                let text = match &t.data {
                    TensorData::I64(v) => v[i].to_string(),
                    TensorData::I32(v) => v[i].to_string(),
                    TensorData::Str(v) => v[i].clone(),
                    TensorData::F32(v) => number_text(f64::from(v[i])),
                    TensorData::F64(v) => number_text(v[i]),
                };
                let code = self.class_code(&text);
                if let Some(k) = int {
                    if cache.len() < 64 {
                        cache.push((k, code));
                    }
                }
                codes.push(code);
            }
            s.classes = Some(codes);
        }
        if let Some(t) = find(&self.outputs.probabilities)? {
            let v = floats(t)?;
            if rows == 0 || v.len() % rows != 0 {
                return Err(model_error(format!(
                    "output `{}` has {} values for {rows} rows",
                    t.name,
                    v.len()
                )));
            }
            let width = v.len() / rows;
            s.probs = Some((v, width));
        }
        if let Some(t) = find(&self.outputs.value)? {
            let v = floats(t)?;
            if v.len() != rows {
                return Err(model_error(format!(
                    "output `{}` has {} values for {rows} rows (one number a row expected)",
                    t.name,
                    v.len()
                )));
            }
            s.values = Some(v);
        }
        Ok(s)
    }

    /// The code of a class, added when new.
    fn class_code(&mut self, text: &str) -> u32 {
        if let Some(c) = self.class_index.get(text) {
            return *c;
        }
        let code = self.classes.len() as u32;
        self.class_index.insert(text.to_string(), code);
        self.classes.push(text.to_string());
        code
    }

    /// The probability column of the positive class (binary).
    fn positive(&self) -> usize {
        1
    }

    fn p_of(&self, s: &Scored, i: usize) -> Option<f64> {
        let (v, w) = s.probs.as_ref()?;
        (*w == 2).then(|| v[i * w + self.positive()])
    }

    /// Take the model's outputs of batch `i`.
    pub fn accept(&mut self, i: usize, outputs: Vec<Tensor>) -> Result<()> {
        let job = *self
            .jobs
            .get(i)
            .ok_or_else(|| model_error(format!("no batch {i}")))?;
        let rows = self.batch_rows(i);
        let s = self.scored(outputs, rows)?;
        match job {
            Job::Parity { dataset, start, .. } => self.add_parity(dataset, start, &s),
            Job::Base { dataset } => {
                self.base.insert(dataset, s);
            }
            Job::Perturbed {
                dataset,
                feature,
                change: Change::Permute(r),
            } => {
                if let Some(m) = self.metric(dataset, &s) {
                    self.permuted.insert((feature, r), m);
                }
            }
            Job::Perturbed {
                dataset,
                feature,
                change,
            } => self.add_cell(dataset, feature, change, &s, rows),
        }
        Ok(())
    }

    fn add_parity(&mut self, dataset: usize, start: usize, s: &Scored) {
        let tol = self.config.max_score_diff;
        let ds = &self.datasets[dataset];
        let mut t = self.parity[dataset].clone();
        let n = s
            .classes
            .as_ref()
            .map(Vec::len)
            .or(s.values.as_ref().map(Vec::len))
            .unwrap_or(0);
        for i in 0..n {
            let row = start + i;
            let pair = match (&s.values, &ds.prediction_num, &ds.score) {
                (Some(v), Some(pred), _) => Some((pred[row], v[i])),
                (None, _, Some(score)) => self.p_of(s, i).map(|p| (score[row], p)),
                _ => None,
            };
            if let Some((given, model)) = pair.filter(|(g, _)| g.is_finite()) {
                let d = (given - model).abs();
                t.compared += 1;
                if d > tol || d.is_nan() {
                    t.over += 1;
                }
                if d > t.max_diff || t.worst_row.is_none() || d.is_nan() {
                    t.max_diff = if d.is_nan() {
                        f64::INFINITY
                    } else {
                        d.max(t.max_diff)
                    };
                    t.worst_row = Some(row);
                    t.worst = Some((given, model));
                }
            }
            if let (Some(codes), Some(pred)) = (&s.classes, &self.prediction_codes[dataset]) {
                if let Some(p) = pred[row] {
                    t.predicted += 1;
                    if codes[i] == p {
                        t.agree += 1;
                    }
                }
            }
        }
        self.parity[dataset] = t;
    }

    fn add_cell(
        &mut self,
        dataset: usize,
        feature: usize,
        change: Change,
        s: &Scored,
        rows: usize,
    ) {
        let Some(base) = self.base.get(&dataset) else {
            return;
        };
        let original = &self.datasets[dataset].features[feature];
        let new = self.perturbed(dataset, feature, change, rows);
        let regression_std = base
            .values
            .as_ref()
            .and_then(|v| crate::stats::moments::std_pop(v));
        let mut cell = CellTotals::default();
        for i in 0..rows {
            let changed = match (original, &new) {
                (FeatureValues::Num(a), FeatureValues::Num(b)) => !a[i].is_nan() && a[i] != b[i],
                (FeatureValues::Text(a), FeatureValues::Text(b)) => a[i].is_some() && a[i] != b[i],
                _ => false,
            };
            if !changed {
                continue;
            }
            cell.changed += 1;
            if let (Some(a), Some(b)) = (&base.values, &s.values) {
                let d = (b[i] - a[i]).abs();
                if d >= 0.05 * a[i].abs().max(1e-9) {
                    cell.flips += 1;
                }
                if let Some(sd) = regression_std.filter(|s| *s > 0.0) {
                    cell.change_sum += d / sd;
                    cell.has_scores = true;
                }
                continue;
            }
            if let (Some(a), Some(b)) = (&base.classes, &s.classes) {
                if a[i] != b[i] {
                    cell.flips += 1;
                }
            }
            if let (Some((pa, w)), Some((pb, wb))) = (&base.probs, &s.probs) {
                if w == wb {
                    let d = if *w == 2 {
                        (pb[i * w + 1] - pa[i * w + 1]).abs()
                    } else {
                        0.5 * (0..*w)
                            .map(|c| (pb[i * w + c] - pa[i * w + c]).abs())
                            .sum::<f64>()
                    };
                    cell.change_sum += d;
                    cell.has_scores = true;
                }
            }
        }
        self.cells.insert((feature, change.key()), cell);
    }

    /// The deciding metric of the model's outputs on the labelled rows of
    /// `dataset`'s probe rows, and its orientation σ and name.
    fn metric(&self, dataset: usize, s: &Scored) -> Option<f64> {
        self.metric_named(dataset, s).map(|(_, _, m)| m)
    }

    fn metric_named(&self, dataset: usize, s: &Scored) -> Option<(&'static str, f64, f64)> {
        let ds = &self.datasets[dataset];
        let n = self.probe_rows.min(ds.rows);
        if let Some(v) = &s.values {
            let y = ds.labels_num.as_ref()?;
            let (yy, pp): (Vec<f64>, Vec<f64>) = (0..n)
                .filter(|i| y[*i].is_finite() && v[*i].is_finite())
                .map(|i| (y[i], v[i]))
                .unzip();
            return regression_metrics(&yy, &pp).map(|m| ("rmse", -1.0, m.rmse));
        }
        let labels = ds.labels.as_ref()?;
        let codes = s.classes.as_ref()?;
        if self.binary {
            let positive = self.classes.get(self.positive())?;
            if s.probs.as_ref().is_some_and(|(_, w)| *w == 2) {
                let mut y = Vec::new();
                let mut p = Vec::new();
                for (i, label) in labels.iter().enumerate().take(n) {
                    if let (Some(l), Some(pi)) = (label, self.p_of(s, i)) {
                        if pi.is_finite() {
                            y.push(l == positive);
                            p.push(pi);
                        }
                    }
                }
                return roc_auc_of(&y, &p).map(|m| ("roc_auc", 1.0, m));
            }
            let (mut tp, mut fp, mut fneg) = (0u64, 0u64, 0u64);
            for i in 0..n {
                if let Some(l) = &labels[i] {
                    let pred = &self.classes[codes[i] as usize] == positive;
                    let truth = l == positive;
                    match (truth, pred) {
                        (true, true) => tp += 1,
                        (false, true) => fp += 1,
                        (true, false) => fneg += 1,
                        _ => {}
                    }
                }
            }
            let d = 2 * tp + fp + fneg;
            return (d > 0).then(|| ("f1", 1.0, 2.0 * tp as f64 / d as f64));
        }
        let mut index: HashMap<&str, u32> = self
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i as u32))
            .collect();
        let mut y = Vec::new();
        let mut pred = Vec::new();
        for i in 0..n {
            if let Some(l) = &labels[i] {
                let next = index.len() as u32;
                y.push(*index.entry(l.as_str()).or_insert(next));
                pred.push(codes[i]);
            }
        }
        multiclass_metrics(&y, &pred, index.len()).map(|m| ("macro_f1", 1.0, m.macro_f1))
    }

    /// The three checks (those `[checks] skip` names skipped).
    pub fn finish(self) -> Vec<Check> {
        let checks = [
            self.parity_check(),
            self.sensitivity_check(),
            self.permutation_check(),
        ];
        checks
            .into_iter()
            .zip(self.runs)
            .map(|(c, runs)| {
                if runs {
                    c
                } else {
                    Check::skipped_by_config(&c.id, &c.title)
                }
            })
            .collect()
    }

    fn model_evidence(&self) -> Value {
        let file = self.original.as_ref().unwrap_or(&self.info);
        json!({
            "name": self.model_name,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "producer": self.info.producer,
            "operators": file.operators,
            "zipmap_removed": file.has_zipmap() && !self.info.has_zipmap(),
            "inputs": self.inputs.iter().map(|i| json!({
                "name": i.name,
                "type": format!("tensor({})", i.elem.name()),
                "columns": i.features.iter().map(|j| self.features[*j].column.clone()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "outputs": file.outputs.iter().map(|o| json!({"name": o.name, "type": o.ty.describe()})).collect::<Vec<_>>(),
            "classes": if self.outputs.label.is_some() { json!(self.classes) } else { Value::Null },
        })
    }

    fn parity_check(&self) -> Check {
        let mc = &self.config;
        let mut metrics = Vec::new();
        let mut rows = Vec::new();
        let mut failures = Vec::new();
        for (d, t) in self.parity.iter().enumerate() {
            let ds = &self.datasets[d];
            if t.compared == 0 && t.predicted == 0 {
                continue;
            }
            let mut entry = json!({"dataset": ds.label, "rows": ds.rows});
            if t.compared > 0 {
                let status = if t.max_diff <= mc.max_score_diff {
                    Status::Pass
                } else {
                    Status::Fail
                };
                let value = if t.max_diff.is_finite() {
                    t.max_diff
                } else {
                    f64::MAX
                };
                if let Some(m) = Metric::new("model_score_max_abs_diff", value) {
                    metrics.push(m.dataset(&ds.label).judged(mc.max_score_diff, status));
                }
                if status == Status::Fail {
                    let (given, model) = t.worst.unwrap_or((f64::NAN, f64::NAN));
                    failures.push(format!(
                        "on {}, the model's {} differs from the file's by up to {} (row {}: {} in the file, {} from the model); {} of {} rows differ by more than {}",
                        ds.label,
                        if self.outputs.value.is_some() { "prediction" } else { "probability" },
                        short(t.max_diff),
                        t.worst_row.unwrap_or(0),
                        short(given),
                        short(model),
                        t.over,
                        t.compared,
                        mc.max_score_diff
                    ));
                }
                entry["compared"] = json!(t.compared);
                entry["max_abs_diff"] = json!(value);
                entry["rows_over_tolerance"] = json!(t.over);
                entry["worst_row"] = json!(t.worst_row);
                if let Some((g, m)) = t.worst.filter(|(g, m)| g.is_finite() && m.is_finite()) {
                    entry["worst_given"] = json!(g);
                    entry["worst_model"] = json!(m);
                }
            }
            if t.predicted > 0 {
                let share = t.agree as f64 / t.predicted as f64;
                let status = if share >= mc.min_prediction_agreement {
                    Status::Pass
                } else {
                    Status::Fail
                };
                if let Some(m) = Metric::new("model_prediction_agreement", share) {
                    metrics.push(
                        m.dataset(&ds.label)
                            .judged(mc.min_prediction_agreement, status),
                    );
                }
                if status == Status::Fail {
                    failures.push(format!(
                        "on {}, the model's class differs from `prediction` in {} of {} rows",
                        ds.label,
                        t.predicted - t.agree,
                        t.predicted
                    ));
                }
                entry["predicted"] = json!(t.predicted);
                entry["agree"] = json!(t.agree);
            }
            rows.push(entry);
        }
        let evidence =
            json!({"model": self.model_evidence(), "datasets": rows, "notes": self.notes});
        if metrics.is_empty() {
            return skipped_with(
                PARITY,
                "no dataset has a score or prediction to compare with the model's outputs",
                evidence,
            );
        }
        // A model handed over in memory (the Python package's objects) is
        // no file.
        let what = if self.info.producer == "python" {
            "the model"
        } else {
            "the model file"
        };
        let message = if failures.is_empty() {
            format!(
                "{what} {} reproduces the predictions of {}",
                self.model_name,
                rows.iter()
                    .filter_map(|r| r["dataset"].as_str())
                    .collect::<Vec<_>>()
                    .join(" and ")
            )
        } else {
            format!(
                "{what} {} does not reproduce the predictions: {}",
                self.model_name,
                failures.join("; ")
            )
        };
        Check::judged(PARITY, message, metrics, evidence)
    }

    fn sensitivity_check(&self) -> Check {
        let mc = &self.config;
        let ds = &self.datasets[self.probe_ds].label;
        let mut metrics = Vec::new();
        let mut cells = Vec::new();
        let mut warned = Vec::new();
        for (j, f) in self.features.iter().enumerate() {
            let keys: Vec<Change> = match &self.datasets[self.probe_ds].features[j] {
                FeatureValues::Num(_) => (0..EPSILONS.len())
                    .map(Change::Noise)
                    .chain((0..4).map(Change::Extreme))
                    .collect(),
                FeatureValues::Text(_) => vec![Change::OtherCategory, Change::Unseen],
            };
            for change in keys {
                let key = change.key();
                let Some(c) = self.cells.get(&(j, key.clone())) else {
                    continue;
                };
                let noise = matches!(change, Change::Noise(_));
                let share = (c.changed > 0).then(|| c.flips as f64 / c.changed as f64);
                let mean = (c.changed > 0 && c.has_scores).then(|| c.change_sum / c.changed as f64);
                let name = if noise {
                    "noise_flip_share"
                } else {
                    "extreme_flip_share"
                };
                if let Some(m) = share.and_then(|v| Metric::new(name, v)) {
                    let mut m = m
                        .column(&f.column)
                        .dataset(ds)
                        .segment("perturbation", &key);
                    if change == Change::Noise(0) {
                        let v = m.value;
                        let status = if v > mc.max_noise_flip_share {
                            warned.push(format!("`{}` ({})", f.column, pct(v)));
                            Status::Warn
                        } else {
                            Status::Pass
                        };
                        m = m.judged(mc.max_noise_flip_share, status);
                    }
                    metrics.push(m);
                }
                if noise {
                    if let Some(m) =
                        mean.and_then(|v| Metric::new("noise_mean_abs_score_change", v))
                    {
                        metrics.push(
                            m.column(&f.column)
                                .dataset(ds)
                                .segment("perturbation", &key),
                        );
                    }
                }
                cells.push(json!({
                    "feature": f.column,
                    "perturbation": key,
                    "changed": c.changed,
                    "flips": c.flips,
                    "flip_share": share,
                    "mean_abs_score_change": mean,
                }));
            }
        }
        let evidence = json!({
            "dataset": ds,
            "rows": self.probe_rows.min(self.datasets[self.probe_ds].rows),
            "features": self.features.iter().map(|f| f.column.clone()).collect::<Vec<_>>(),
            "perturbations": EPSILONS.iter().map(|e| format!("noise {e}"))
                .chain(["q01", "q99", "max+iqr", "min-iqr", "other category", "unseen category"].map(String::from))
                .collect::<Vec<_>>(),
            "regression": self.outputs.value.is_some(),
            "cells": cells,
        });
        if metrics.is_empty() {
            return skipped_with(SENSITIVITY, "no feature could be perturbed", evidence);
        }
        let message = if warned.is_empty() {
            format!(
                "noise of 1% of the reference spread flips at most {} of the changed rows of any feature",
                pct(mc.max_noise_flip_share)
            )
        } else {
            format!(
                "noise of 1% of the reference spread flips more than {} of the changed rows of {}",
                pct(mc.max_noise_flip_share),
                warned.join(", ")
            )
        };
        Check::judged(SENSITIVITY, message, metrics, evidence)
    }

    fn permutation_check(&self) -> Check {
        let Some(pd) = self.perm_ds else {
            return Check::skipped(
                PERMUTATION.0,
                PERMUTATION.1,
                "neither current nor reference has labels among its first rows",
            );
        };
        let Some((name, sigma, m0)) = self.base.get(&pd).and_then(|s| self.metric_named(pd, s))
        else {
            return Check::skipped(
                PERMUTATION.0,
                PERMUTATION.1,
                "the deciding metric of the model's outputs cannot be computed on the labelled rows",
            );
        };
        let ds = &self.datasets[pd].label;
        let mut metrics = Vec::new();
        let mut rows = Vec::new();
        for (j, f) in self.features.iter().enumerate() {
            let reps: Vec<f64> = (0..REPEATS)
                .filter_map(|r| self.permuted.get(&(j, r)).copied())
                .collect();
            if reps.len() as u64 != REPEATS {
                continue;
            }
            let mean = reps.iter().sum::<f64>() / reps.len() as f64;
            let importance = sigma * (m0 - mean);
            if let Some(m) = Metric::new("permutation_importance", importance) {
                metrics.push(m.column(&f.column).dataset(ds));
            }
            rows.push(json!({"feature": f.column, "importance": importance, "repeats": reps}));
        }
        let mut sorted: Vec<&Value> = rows.iter().collect();
        sorted.sort_by(|a, b| {
            b["importance"]
                .as_f64()
                .unwrap_or(0.0)
                .total_cmp(&a["importance"].as_f64().unwrap_or(0.0))
        });
        let message = match sorted.first() {
            Some(top) => format!(
                "shuffling `{}` costs the most {name} on {ds}: {} (of {})",
                top["feature"].as_str().unwrap_or(""),
                short(top["importance"].as_f64().unwrap_or(0.0)),
                short(m0)
            ),
            None => "no feature could be permuted".into(),
        };
        let evidence = json!({
            "dataset": ds,
            "metric": name,
            "baseline": m0,
            "repeats": REPEATS,
            "rows": self.probe_rows.min(self.datasets[pd].rows),
            "features": rows,
        });
        Check::judged(PERMUTATION, message, metrics, evidence)
    }
}

/// A skipped check that still shows its evidence (the model's identity,
/// what could not be computed).
fn skipped_with((id, title): (&str, &str), why: &str, evidence: Value) -> Check {
    Check {
        evidence,
        ..Check::skipped(id, title, why)
    }
}

fn pct(v: f64) -> String {
    super::pct(v)
}

fn short(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    if s == "0" || s == "-0" {
        format!("{v:.3e}")
    } else {
        s
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_dataset(
    ds: &Dataset,
    features: &[Feature],
    inputs: &[InputSpec],
    roles: &crate::plan::ResolvedRoles,
) -> Result<DatasetData> {
    let column_err = |column: &str, message: String| Error::Column {
        dataset: ds.label().to_string(),
        name: ds.name().to_string(),
        column: column.to_string(),
        message,
    };
    let mut values = Vec::new();
    for f in features {
        if ds.column_type(&f.column).is_none() {
            return Err(model_error(format!(
                "{} ({}) has no column `{}`, which feeds model input `{}`",
                ds.label(),
                ds.name(),
                f.column,
                inputs[f.input].name
            )));
        }
        let col = ds.read_column(&f.column)?;
        values.push(if f.elem == Elem::String {
            FeatureValues::Text(texts(&col))
        } else {
            match to_numeric(&col) {
                Ok(v) => FeatureValues::Num(v),
                Err(_) => {
                    return Err(model_error(format!(
                        "{} ({}): column `{}` holds text, but model input `{}` takes tensor({}) numbers",
                        ds.label(),
                        ds.name(),
                        f.column,
                        inputs[f.input].name,
                        f.elem.name()
                    )))
                }
            }
        });
    }
    let read = |c: &Option<String>| -> Result<Option<Column>> {
        match c {
            Some(c) if ds.column_type(c).is_some() => Ok(Some(ds.read_column(c)?)),
            _ => Ok(None),
        }
    };
    let score = match read(&roles.score)? {
        Some(c) => {
            Some(to_numeric(&c).map_err(|m| column_err(roles.score.as_deref().unwrap_or(""), m))?)
        }
        None => None,
    };
    let pred = read(&roles.prediction)?;
    let label = read(&roles.label)?;
    Ok(DatasetData {
        label: ds.label().to_string(),
        rows: ds.rows(),
        features: values,
        score,
        prediction_num: pred.as_ref().and_then(|c| to_numeric(c).ok()),
        prediction: pred.as_ref().map(texts),
        labels_num: label.as_ref().and_then(|c| to_numeric(c).ok()),
        labels: label.as_ref().map(texts),
    })
}

/// Score every batch of `probe` with `runner`, then build the checks.
pub fn score(
    mut probe: Probe,
    runner: &mut dyn Runner,
    progress: &dyn ScoreProgress,
) -> Result<Vec<Check>> {
    let total = probe.total_rows();
    let mut done = 0u64;
    for i in 0..probe.batches() {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        let batch = probe.batch(i)?;
        let out = runner
            .run(&batch)
            .map_err(|e| model_error(format!("the model failed to run: {e}")))?;
        probe.accept(i, out)?;
        done += batch.rows as u64;
        progress.scored(&probe.batch_kind(i), done, total);
    }
    Ok(probe.finish())
}

/// Put the model checks into a report (replacing the family's skipped
/// entries) and summarise again.
pub fn attach(report: &mut Report, checks: Vec<Check>) {
    for c in checks {
        match report.checks.iter_mut().find(|k| k.id == c.id) {
            Some(slot) => *slot = c,
            None => report.checks.push(c),
        }
    }
    report.summary = Report::summarise(&report.checks);
}
