//! Performance (reference vs current, and against a dummy baseline),
//! performance by segment, and fairness (SPEC §3).

use std::borrow::Cow;

use serde_json::{json, Value};

use crate::columns::Interner;
use crate::config::Task;
use crate::report::{Check, Metric, Status};
use crate::verdict::{self, Judged};

use super::{Context, Family, Needs, Pass};
use crate::stats::classification::{
    brier, calibration_bins, downsample, ece, log_loss, roc_auc_of, Confusion, Thresholds,
};
use crate::stats::fairness::fairness_metrics;
use crate::stats::multiclass::multiclass_metrics;
use crate::stats::regression::regression_metrics;
use crate::targets::{PerfData, TaskData};

/// Curve points kept for the viewer.
const CURVE_POINTS: usize = 200;
/// Scatter points kept for the regression view.
const SCATTER_POINTS: usize = 300;

/// Named metric values of one dataset (or segment), in a fixed order.
pub(crate) type Values = Vec<(&'static str, f64)>;

/// A key metric's verdict: (name, reference, current, verdict, bootstrap
/// interval).
type KeyVerdict = (&'static str, f64, f64, Judged, Option<[f64; 2]>);

/// Whether larger is better.
fn higher_is_better(name: &str) -> bool {
    !matches!(name, "rmse" | "mae" | "mape" | "log_loss" | "brier" | "ece")
}

pub(crate) use crate::verdict::orientation;

/// The deciding metric of a task (SPEC §3 "Conventions"): binary →
/// `roc_auc` with a score, else `f1`; multiclass → `macro_f1`; regression →
/// `rmse`.
pub(crate) fn deciding_metric(task: Task, has_score: bool) -> &'static str {
    match task {
        Task::Regression => "rmse",
        Task::Multiclass => "macro_f1",
        _ if has_score => "roc_auc",
        _ => "f1",
    }
}

/// The range a metric's values lie in (for clipping thresholds).
pub(crate) fn metric_range(name: &str) -> (f64, f64) {
    match name {
        "log_loss" | "brier" | "rmse" | "mae" | "mape" | "ece" => (0.0, f64::INFINITY),
        "r2" => (f64::NEG_INFINITY, 1.0),
        "mean_error" => (f64::NEG_INFINITY, f64::INFINITY),
        _ => (0.0, 1.0),
    }
}

/// Every performance metric of the task on `data`, in a fixed order
/// (SPEC §3 "Performance"); undefined ones are left out.
pub(crate) fn task_metrics(data: &TaskData, classes: &Interner) -> Values {
    if data.is_empty() {
        return Vec::new();
    }
    compute(data, classes).0
}

/// One metric of the task on `data` — the same value as in
/// [`task_metrics`], computing only what it needs (the deciding metrics).
pub(crate) fn metric_value(data: &TaskData, name: &str, classes: &Interner) -> Option<f64> {
    match (data, name) {
        (
            TaskData::Binary {
                y, score: Some(s), ..
            },
            "roc_auc",
        ) => {
            let (y, s) = scored(y, s);
            roc_auc_of(&y, &s)
        }
        (TaskData::Binary { y, pred, .. }, "f1") if !y.is_empty() => {
            Some(Confusion::from_labels(y, pred).f1())
        }
        (TaskData::Regression { y, pred }, "rmse") => regression_metrics(y, pred).map(|m| m.rmse),
        _ => value_of(&task_metrics(data, classes), name),
    }
}

/// The value of `name` among `values`.
pub(crate) fn value_of(values: &Values, name: &str) -> Option<f64> {
    values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// The metrics compared between reference and current.
fn key_metrics(task: Task, has_score: bool) -> &'static [&'static str] {
    match task {
        Task::Regression => &["rmse", "mae", "r2"],
        Task::Multiclass => &["accuracy", "macro_f1"],
        _ if has_score => &["accuracy", "f1", "roc_auc"],
        _ => &["accuracy", "f1"],
    }
}

/// The metric that judges segments.
fn segment_metric(task: Task) -> &'static str {
    match task {
        Task::Regression => "rmse",
        _ => "accuracy",
    }
}

/// The rows with a finite score: labels and scores (borrowed when every
/// score is finite, the usual case: no copy).
fn scored<'a>(y: &'a [bool], score: &'a [f64]) -> (Cow<'a, [bool]>, Cow<'a, [f64]>) {
    let n = y.iter().zip(score).filter(|(_, s)| s.is_finite()).count();
    if n == y.len().min(score.len()) {
        return (Cow::Borrowed(&y[..n]), Cow::Borrowed(&score[..n]));
    }
    let (mut ys, mut ss) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for (y, s) in y.iter().zip(score).filter(|(_, s)| s.is_finite()) {
        ys.push(*y);
        ss.push(*s);
    }
    (Cow::Owned(ys), Cow::Owned(ss))
}

fn compute(data: &TaskData, classes: &Interner) -> (Values, Value) {
    match data {
        TaskData::Binary { y, pred, score } => {
            let c = Confusion::from_labels(y, pred);
            let mut v: Values = vec![];
            v.extend(c.accuracy().map(|a| ("accuracy", a)));
            v.extend([
                ("precision", c.precision()),
                ("recall", c.recall()),
                ("f1", c.f1()),
            ]);
            let mut ev = json!({
                "rows": y.len(),
                "positive_rate": if y.is_empty() { 0.0 } else { y.iter().filter(|b| **b).count() as f64 / y.len() as f64 },
                "confusion": { "tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn_ },
            });
            if let Some((y, s)) = score.as_ref().map(|s| scored(y, s)) {
                let (y, s) = (&*y, &*s);
                ev["scored_rows"] = json!(y.len());
                let thresholds = Thresholds::new(y, s);
                v.extend(thresholds.roc_auc().map(|x| ("roc_auc", x)));
                v.extend(thresholds.average_precision().map(|x| ("pr_auc", x)));
                v.extend(log_loss(y, s).map(|x| ("log_loss", x)));
                v.extend(brier(y, s).map(|x| ("brier", x)));
                let bins = calibration_bins(y, s);
                v.extend(ece(&bins).map(|x| ("ece", x)));
                ev["roc"] = json!(thresholds.roc_curve(CURVE_POINTS));
                ev["pr"] = json!(thresholds.pr_curve(CURVE_POINTS));
                ev["calibration"] = json!(bins);
            }
            (v, ev)
        }
        TaskData::Regression { y, pred } => {
            let Some(m) = regression_metrics(y, pred) else {
                return (vec![], json!({ "rows": 0 }));
            };
            let v = vec![
                ("rmse", m.rmse),
                ("mae", m.mae),
                ("mape", m.mape),
                ("r2", m.r2),
                ("mean_error", m.mean_error),
            ];
            let pairs: Vec<(f64, f64)> = y.iter().copied().zip(pred.iter().copied()).collect();
            let residuals: Vec<f64> = pairs.iter().map(|(a, b)| b - a).collect();
            (
                v,
                json!({
                    "rows": y.len(),
                    "scatter": downsample(&pairs, SCATTER_POINTS),
                    "residual_histogram": residual_histogram(&residuals),
                }),
            )
        }
        TaskData::Multiclass { y, pred } => {
            let Some(m) = multiclass_metrics(y, pred, classes.len()) else {
                return (vec![], json!({ "rows": 0 }));
            };
            let names: Vec<&str> = (0..classes.len() as u32)
                .filter_map(|c| classes.name(c))
                .collect();
            (
                vec![
                    ("accuracy", m.accuracy),
                    ("macro_f1", m.macro_f1),
                    ("weighted_f1", m.weighted_f1),
                ],
                json!({ "rows": y.len(), "classes": names, "confusion_matrix": m.matrix }),
            )
        }
    }
}

fn residual_histogram(residuals: &[f64]) -> Value {
    let mut sorted: Vec<f64> = residuals
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    sorted.sort_unstable_by(f64::total_cmp);
    let (Some(&lo), Some(&hi)) = (sorted.first(), sorted.last()) else {
        return Value::Null;
    };
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let bins = 30usize;
    let w = (hi - lo) / bins as f64;
    let mut counts = vec![0u64; bins];
    for v in sorted {
        let b = (((v - lo) / w) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let edges: Vec<f64> = (0..=bins).map(|i| lo + w * i as f64).collect();
    json!({ "edges": edges, "counts": counts })
}

const PERF: (&str, &str) = ("performance", "Model performance");
const BASE: (&str, &str) = (
    "performance_baseline",
    "Performance against a dummy baseline",
);
const SEG: (&str, &str) = ("performance_by_segment", "Performance by segment");
const FAIR: (&str, &str) = ("fairness", "Fairness");

/// Performance (every dataset with labels; reference vs current), against a
/// dummy baseline, by segment, and fairness (SPEC §3).
pub struct Performance;

impl Family for Performance {
    fn name(&self) -> &'static str {
        "performance"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[PERF, BASE, SEG, FAIR]
    }
    /// Built from the role columns alone, beside the column pass.
    fn needs(&self) -> Needs {
        Needs {
            no_pass: true,
            ..Needs::default()
        }
    }
    fn build(&self, ctx: &Context<'_>, _pass: &Pass) -> Vec<Check> {
        build(ctx)
    }
}

/// Why the performance-family checks cannot run, if they cannot: `Err` for
/// a skip reason, `Ok(Some(e))` for an error in the data.
pub(crate) fn unavailable(ctx: &Context<'_>) -> Result<Option<String>, String> {
    let roles = &ctx.plan.roles;
    if roles.label.is_none() {
        return Err("no label column (name it with --label or [roles] label)".into());
    }
    if roles.prediction.is_none() && roles.score.is_none() {
        return Err("no prediction or score column".into());
    }
    if let Err(e) = &ctx.targets.task {
        return Err(e.clone());
    }
    Ok(ctx
        .targets
        .datasets
        .iter()
        .find_map(|t| t.outputs.as_ref().err().cloned()))
}

/// The four performance-family checks.
fn build(ctx: &Context<'_>) -> Vec<Check> {
    let all = |make: &dyn Fn(&str, &str) -> Check| {
        [PERF, BASE, SEG, FAIR]
            .iter()
            .map(|(id, t)| make(id, t))
            .collect::<Vec<_>>()
    };
    match unavailable(ctx) {
        Err(why) => return all(&|id, t| Check::skipped(id, t, why.clone())),
        Ok(Some(e)) => return all(&|id, t| Check::error(id, t, e.clone())),
        Ok(None) => {}
    }
    let targets = ctx.targets;
    let Some(task) = targets.task() else {
        return all(&|id, t| Check::skipped(id, t, "no task"));
    };
    let (t, r, c) = (
        ctx.perf("train"),
        ctx.perf("reference"),
        ctx.perf("current"),
    );
    let (t, r, c) = (t.as_ref(), r.as_ref(), c.as_ref());
    if r.is_none() && c.is_none() {
        let label = ctx.plan.roles.label.as_deref().unwrap_or("label");
        return all(&|id, t| {
            Check::skipped(
                id,
                t,
                format!("neither reference nor current has both `{label}` and the prediction"),
            )
        });
    }
    let (r, c) = (r.as_ref(), c.as_ref());
    let computed = [r, c].map(|d| {
        d.filter(|d| !d.data.is_empty())
            .map(|d| compute(&d.data, &targets.classes))
    });
    let train = t
        .as_ref()
        .filter(|d| !d.data.is_empty())
        .map(|d| (d, compute(&d.data, &targets.classes)));
    vec![
        // Each dataset's metrics and curves are computed once, here.
        performance(ctx, task, [r, c], &computed, train),
        baseline(ctx, r, c, &targets.classes, &computed),
        by_segment(ctx, task, c, &targets.classes, &computed[1]),
        fairness(ctx, task, c),
    ]
}

fn task_name(task: Task) -> &'static str {
    match task {
        Task::Binary | Task::Auto => "binary",
        Task::Multiclass => "multiclass",
        Task::Regression => "regression",
    }
}

fn performance(
    ctx: &Context<'_>,
    task: Task,
    [r, c]: [Option<&PerfData>; 2],
    computed: &[Option<(Values, Value)>; 2],
    train: Option<(&PerfData, (Values, Value))>,
) -> Check {
    let cfg = &ctx.config.performance;
    let mut metrics = Vec::new();
    let mut evidence = json!({ "task": task_name(task) });
    // The train dataset's in-sample metrics (the fit check compares them).
    if let Some((d, (v, mut ev))) = train {
        ev["dropped"] = json!(d.dropped);
        metrics.extend(
            v.iter()
                .filter_map(|(n, x)| Metric::new(n, *x).map(|m| m.dataset("train"))),
        );
        evidence["train"] = ev;
    }
    let mut values: [Option<Values>; 2] = [None, None];
    for (i, (ds, d)) in [("reference", r), ("current", c)].into_iter().enumerate() {
        let Some(d) = d else { continue };
        if d.data.is_empty() {
            evidence[ds] = json!({ "rows": 0, "dropped": d.dropped });
            continue;
        }
        let Some((v, ev)) = &computed[i] else {
            continue;
        };
        let (v, mut ev) = (v.clone(), ev.clone());
        ev["dropped"] = json!(d.dropped);
        metrics.extend(
            v.iter()
                .filter_map(|(n, x)| Metric::new(n, *x).map(|m| m.dataset(ds))),
        );
        evidence[ds] = ev;
        values[i] = Some(v);
    }
    let has_score = matches!(
        c.map(|d| &d.data),
        Some(TaskData::Binary { score: Some(_), .. })
    );
    let mut worst = Vec::new();
    let message = match (&values[0], &values[1]) {
        (Some(rv), Some(cv)) => {
            // SPEC §3 "Verdicts": each key metric's relative drop judged
            // material (≥ max_degradation) and significant (a one-sided
            // test, Benjamini–Hochberg across the key metrics); the
            // deciding metric fails, the others warn.
            let decider = deciding_metric(task, has_score);
            let vcfg = &ctx.config.verdicts;
            let mut judged: Vec<KeyVerdict> = Vec::new();
            for key in key_metrics(task, has_score) {
                let get = |v: &Values| v.iter().find(|(n, _)| n == key).map(|(_, x)| *x);
                let (Some(a), Some(b)) = (get(rv), get(cv)) else {
                    continue;
                };
                if a == 0.0 {
                    continue;
                }
                let deg = if higher_is_better(key) {
                    (a - b) / a.abs()
                } else {
                    (b - a) / a.abs()
                };
                // The test only where the drop is material (a bootstrap
                // costs 1000 passes over the rows).
                let test = match (r, c) {
                    (Some(r), Some(c)) if deg > cfg.max_degradation => verdict::metric_worse(
                        key,
                        &r.data,
                        &c.data,
                        ctx.targets.classes.len(),
                        vcfg.seed,
                    ),
                    _ => None,
                };
                let j = Judged::new(
                    deg,
                    cfg.max_degradation,
                    test.map_or("one-sided test (run when the drop is material)", |t| t.0),
                    test.map(|t| t.1),
                    vcfg.alpha,
                )
                .strictly();
                judged.push((key, a, b, j, test.and_then(|t| t.2)));
            }
            verdict::adjust_all(judged.iter_mut().map(|(.., j, _)| j));
            let mut tests = Vec::new();
            for (key, a, b, j, interval) in &judged {
                let status = if !j.holds() {
                    Status::Pass
                } else if *key == decider {
                    cfg.severity.into()
                } else {
                    Status::Warn
                };
                if j.holds() {
                    worst.push(format!(
                        "{key} {a:.4} → {b:.4} ({:+.1}%, {})",
                        -j.effect * 100.0,
                        j.sureness()
                    ));
                }
                let name = format!("{key}_degradation");
                metrics.extend(Metric::new(&name, j.effect).map(|m| {
                    m.dataset("current")
                        .against("reference")
                        .judged(cfg.max_degradation, status)
                }));
                let mut e = json!(j);
                e["metric"] = json!(key);
                e["deciding"] = json!(*key == decider);
                e["interval"] = json!(interval);
                tests.push(e);
            }
            evidence["verdicts"] = json!(tests);
            if worst.is_empty() {
                format!(
                    "no key metric is significantly worse than the reference by more than {:.0}%",
                    cfg.max_degradation * 100.0
                )
            } else {
                format!("worse than the reference: {}", worst.join("; "))
            }
        }
        (None, Some(_)) => "reference has no labels: current metrics only, no comparison".into(),
        (Some(_), None) => "current has no labels: reference metrics only, no comparison".into(),
        (None, None) => {
            return Check::skipped(PERF.0, PERF.1, "no rows with both label and prediction")
        }
    };
    Check {
        id: PERF.0.into(),
        title: PERF.1.into(),
        status: Check::status_from_metrics(&metrics),
        message: Some(message),
        metrics,
        evidence,
    }
}

fn baseline(
    ctx: &Context<'_>,
    r: Option<&PerfData>,
    c: Option<&PerfData>,
    classes: &Interner,
    computed: &[Option<(Values, Value)>; 2],
) -> Check {
    let severity: Status = ctx.config.performance.severity.into();
    let Some((ds, d, i)) = c
        .map(|d| ("current", d, 1))
        .or(r.map(|d| ("reference", d, 0)))
    else {
        return Check::skipped(BASE.0, BASE.1, "no labelled data");
    };
    // The model's metrics were computed once, by `compute`.
    let model = |name: &str| {
        computed[i]
            .as_ref()
            .and_then(|(v, _)| v.iter().find(|(n, _)| *n == name).map(|(_, x)| *x))
    };
    // The dummy learns from the reference labels when there are any.
    let train = r.unwrap_or(d);
    let mut metrics = Vec::new();
    let mut push = |name: &str, model: f64, dummy: f64, higher_better: bool| {
        let lift = if higher_better {
            model - dummy
        } else {
            dummy - model
        };
        metrics.extend(Metric::new(&format!("baseline_{name}"), dummy).map(|m| m.dataset(ds)));
        metrics.extend(Metric::new(&format!("{name}_lift"), lift).map(|m| {
            m.dataset(ds)
                .judged(0.0, if lift > 0.0 { Status::Pass } else { severity })
        }));
    };
    let evidence = match (&d.data, &train.data) {
        (TaskData::Binary { y, pred, score }, TaskData::Binary { y: ty, .. }) => {
            if y.is_empty() {
                return Check::skipped(BASE.0, BASE.1, "no labelled rows");
            }
            let pos = ty.iter().filter(|b| **b).count() * 2 >= ty.len();
            let dummy_acc = y.iter().filter(|b| **b == pos).count() as f64 / y.len() as f64;
            let acc = Confusion::from_labels(y, pred).accuracy().unwrap_or(0.0);
            if score.is_some() {
                if let Some(auc) = model("roc_auc") {
                    push("roc_auc", auc, 0.5, true);
                }
            } else {
                let all_pos = vec![true; y.len()];
                let dummy_f1 = Confusion::from_labels(y, &all_pos).f1();
                push("f1", Confusion::from_labels(y, pred).f1(), dummy_f1, true);
            }
            metrics.extend(Metric::new("baseline_accuracy", dummy_acc).map(|m| m.dataset(ds)));
            json!({ "dummy": format!("always predicts {}", u8::from(pos)), "model_accuracy": acc })
        }
        (TaskData::Regression { y, pred }, TaskData::Regression { y: ty, .. }) => {
            let Some(mean) = crate::stats::moments::mean(ty) else {
                return Check::skipped(BASE.0, BASE.1, "no labelled rows");
            };
            let dummy_pred = vec![mean; y.len()];
            let (Some(m), Some(dm)) = (
                regression_metrics(y, pred),
                regression_metrics(y, &dummy_pred),
            ) else {
                return Check::skipped(BASE.0, BASE.1, "no labelled rows");
            };
            push("rmse", m.rmse, dm.rmse, false);
            json!({ "dummy": format!("always predicts the reference mean {mean}") })
        }
        (TaskData::Multiclass { y, pred }, TaskData::Multiclass { y: ty, .. }) => {
            let mut counts = vec![0usize; classes.len()];
            for &k in ty {
                if let Some(s) = counts.get_mut(k as usize) {
                    *s += 1;
                }
            }
            let majority = counts
                .iter()
                .enumerate()
                .max_by_key(|(i, c)| (**c, std::cmp::Reverse(*i)))
                .map(|(i, _)| i as u32)
                .unwrap_or(0);
            let dummy = vec![majority; y.len()];
            let (Some(m), Some(dm)) = (
                multiclass_metrics(y, pred, classes.len()),
                multiclass_metrics(y, &dummy, classes.len()),
            ) else {
                return Check::skipped(BASE.0, BASE.1, "no labelled rows");
            };
            push("accuracy", m.accuracy, dm.accuracy, true);
            json!({ "dummy": format!("always predicts {}", classes.name(majority).unwrap_or("?")) })
        }
        _ => return Check::skipped(BASE.0, BASE.1, "reference and current tasks differ"),
    };
    let status = Check::status_from_metrics(&metrics);
    Check {
        id: BASE.0.into(),
        title: BASE.1.into(),
        status,
        message: Some(if status == Status::Pass {
            "the model beats the dummy baseline".into()
        } else {
            "the model does not beat the dummy baseline".into()
        }),
        metrics,
        evidence,
    }
}

fn by_segment(
    ctx: &Context<'_>,
    task: Task,
    c: Option<&PerfData>,
    classes: &Interner,
    current: &Option<(Values, Value)>,
) -> Check {
    let cfg = &ctx.config.segments;
    let roles = &ctx.plan.roles;
    if roles.segments.is_empty() {
        return Check::skipped(SEG.0, SEG.1, "no segment column (name one with --segment)");
    }
    let Some(c) = c else {
        return Check::skipped(SEG.0, SEG.1, "current has no labels");
    };
    let key = segment_metric(task);
    let overall = current
        .as_ref()
        .and_then(|(v, _)| v.iter().find(|(n, _)| *n == key).map(|(_, v)| *v));
    let mut metrics = Vec::new();
    let mut tables = Vec::new();
    let mut flagged = Vec::new();
    for g in c
        .groupings
        .iter()
        .filter(|g| roles.segments.contains(&g.column))
    {
        let groups = g.groups();
        if groups.len() > cfg.max_segments {
            tables.push(json!({ "column": g.column, "note": format!("{} distinct values (more than segments.max_segments = {}); not segmented", groups.len(), cfg.max_segments) }));
            continue;
        }
        let mut rows = Vec::new();
        let mut worst: Option<(String, f64)> = None;
        for (value, idx) in &groups {
            let sub = c.data.select(idx);
            let (vals, _) = compute(&sub, classes);
            let n = idx.len();
            let mut entry = json!({ "value": value, "rows": n });
            for (name, v) in &vals {
                entry[*name] = json!(v);
                let Some(mut m) = Metric::new(name, *v) else {
                    continue;
                };
                m = m.dataset("current").segment(&g.column, value);
                if *name == key {
                    if let Some(o) = overall {
                        let hb = higher_is_better(key);
                        let thr = if hb {
                            o - cfg.max_gap * o.abs()
                        } else {
                            o + cfg.max_gap * o.abs()
                        };
                        let bad = n >= cfg.min_rows && if hb { *v < thr } else { *v > thr };
                        if bad {
                            flagged.push(format!(
                                "{}={value} ({key} {v:.4} vs {o:.4} overall)",
                                g.column
                            ));
                        }
                        m = if n >= cfg.min_rows {
                            m.judged(
                                thr,
                                if bad {
                                    cfg.severity.into()
                                } else {
                                    Status::Pass
                                },
                            )
                        } else {
                            m
                        };
                        let worse = match &worst {
                            None => true,
                            Some((_, w)) => {
                                if hb {
                                    v < w
                                } else {
                                    v > w
                                }
                            }
                        };
                        if worse && n >= cfg.min_rows {
                            worst = Some((value.clone(), *v));
                        }
                    }
                }
                metrics.push(m);
            }
            rows.push(entry);
        }
        tables.push(json!({ "column": g.column, "metric": key, "overall": overall, "worst": worst.map(|w| w.0), "segments": rows }));
    }
    let status = Check::status_from_metrics(&metrics);
    Check {
        id: SEG.0.into(),
        title: SEG.1.into(),
        status,
        message: Some(if flagged.is_empty() {
            format!(
                "no segment's {key} is worse than overall by more than {:.0}%",
                cfg.max_gap * 100.0
            )
        } else {
            format!("worse than overall: {}", flagged.join(", "))
        }),
        metrics,
        evidence: json!({ "tables": tables }),
    }
}

fn fairness(ctx: &Context<'_>, task: Task, c: Option<&PerfData>) -> Check {
    let cfg = &ctx.config.fairness;
    let roles = &ctx.plan.roles;
    if roles.sensitive.is_empty() {
        return Check::skipped(
            FAIR.0,
            FAIR.1,
            "no sensitive column (name one with --sensitive)",
        );
    }
    if task != Task::Binary {
        return Check::skipped(
            FAIR.0,
            FAIR.1,
            "fairness metrics need binary classification",
        );
    }
    let Some(c) = c else {
        return Check::skipped(FAIR.0, FAIR.1, "current has no labels");
    };
    let TaskData::Binary { y, pred, .. } = &c.data else {
        return Check::skipped(
            FAIR.0,
            FAIR.1,
            "fairness metrics need binary classification",
        );
    };
    let severity: Status = cfg.severity.into();
    let mut metrics = Vec::new();
    let mut tables = Vec::new();
    let mut findings = Vec::new();
    for g in c
        .groupings
        .iter()
        .filter(|g| roles.sensitive.contains(&g.column))
    {
        let col = g.column.as_str();
        let mut confusions = Vec::new();
        let mut rows = Vec::new();
        for (value, idx) in g.groups() {
            let yy: Vec<bool> = idx.iter().filter_map(|&i| y.get(i).copied()).collect();
            let pp: Vec<bool> = idx.iter().filter_map(|&i| pred.get(i).copied()).collect();
            let conf = Confusion::from_labels(&yy, &pp);
            for (name, v) in [
                ("selection_rate", conf.selection_rate()),
                ("true_positive_rate", conf.tpr()),
                ("false_positive_rate", conf.fpr()),
            ] {
                if let Some(m) = v.and_then(|v| Metric::new(name, v)) {
                    metrics.push(m.dataset("current").segment(col, &value));
                }
            }
            rows.push(json!({ "value": value, "rows": idx.len(), "selection_rate": conf.selection_rate(), "tpr": conf.tpr(), "fpr": conf.fpr() }));
            confusions.push(conf);
        }
        let Some(f) = fairness_metrics(&confusions) else {
            continue;
        };
        let checks = [
            (
                "demographic_parity_difference",
                Some(f.demographic_parity_difference),
                cfg.max_demographic_parity_difference,
                true,
            ),
            (
                "demographic_parity_ratio",
                Some(f.demographic_parity_ratio),
                cfg.min_demographic_parity_ratio,
                false,
            ),
            (
                "equal_opportunity_difference",
                f.equal_opportunity_difference,
                cfg.max_equal_opportunity_difference,
                true,
            ),
            (
                "equalized_odds_difference",
                f.equalized_odds_difference,
                cfg.max_equalized_odds_difference,
                true,
            ),
        ];
        for (name, v, thr, is_max) in checks {
            let Some(v) = v else { continue };
            let bad = if is_max { v > thr } else { v < thr };
            if bad {
                findings.push(format!("{col}: {name} {v:.3} (limit {thr})"));
            }
            metrics.extend(Metric::new(name, v).map(|m| {
                m.column(col)
                    .dataset("current")
                    .judged(thr, if bad { severity } else { Status::Pass })
            }));
        }
        tables.push(json!({ "column": col, "groups": rows }));
    }
    let status = Check::status_from_metrics(&metrics);
    Check {
        id: FAIR.0.into(),
        title: FAIR.1.into(),
        status,
        message: Some(if findings.is_empty() {
            "within every fairness limit".into()
        } else {
            findings.join("; ")
        }),
        metrics,
        evidence: json!({ "tables": tables }),
    }
}
