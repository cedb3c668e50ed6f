//! Stress slices (SPEC §3 "Stress slices"): where in current's rows the
//! model is weak. Each feature is cut into slices — a numeric one into its
//! tails by the reference's 5% and 95% quantiles and its missing values, a
//! categorical one into its categories holding ≥ 5% of current (the rest as
//! `__other__`) and its missing values — and each slice large enough is
//! judged by the deciding metric's relative change and Welch's test of the
//! per-row loss against the other rows, Benjamini–Hochberg over all slices.
//!
//! The slices of a feature are made in the column pass (the column's values
//! are there); the verdicts, which need every slice's p-value, in `build`.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::columns::MISSING;
use crate::plan::Role;
use crate::report::{Check, Metric, Status};
use crate::stats::classification::row_log_loss;
use crate::stats::hypothesis::benjamini_hochberg;
use crate::stats::math::Det;
use crate::stats::moments::quantile_sorted;
use crate::stats::slices::{judged, min_rows, relative_delta, LossTotals};
use crate::targets::{PerfData, TaskData};

use super::performance::{deciding_metric, metric_value, orientation};
use super::{pct, thousands, ColumnData, Context, Family, Pass, View};

const SLICES: (&str, &str) = ("stress_slices", "Stress slices");

/// Weak slices of current's rows.
pub struct Slices;

impl Family for Slices {
    fn name(&self) -> &'static str {
        "slices"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[SLICES]
    }
    fn column(&self, col: &ColumnData<'_>, ctx: &Context<'_>) -> Option<Value> {
        if col.plan.role != Role::Feature {
            return None;
        }
        let base = ctx.slice_base()?;
        let cur = col.views.get(ctx.index("current")?).copied().flatten()?;
        let cuts = match cur {
            View::Numeric(x) => {
                // The reference's finite values, sorted (none when it lacks
                // the column: then only the missing values make a slice).
                let reference = ctx.index("reference").and_then(|r| {
                    match col.sorted.get(r).copied().flatten() {
                        Some(s) => Some(std::borrow::Cow::Borrowed(s)),
                        None => match col.views.get(r).copied().flatten()? {
                            View::Numeric(rx) => {
                                let mut s: Vec<f64> =
                                    rx.iter().copied().filter(|v| v.is_finite()).collect();
                                crate::stats::sort::sort_floats(&mut s);
                                Some(std::borrow::Cow::Owned(s))
                            }
                            View::Categorical(_) => None,
                        },
                    }
                });
                numeric_slices(&base, x, reference.as_deref().unwrap_or(&[]))?
            }
            View::Categorical(codes) => {
                let names = |c: u32| -> String {
                    col.interner
                        .and_then(|i| i.name(c))
                        .unwrap_or("")
                        .to_string()
                };
                categorical_slices(&base, codes, names)
            }
        };
        let out: Vec<Value> = cuts.into_iter().map(|c| judge(&base, ctx, c)).collect();
        (!out.is_empty()).then(|| json!(out))
    }
    fn build(&self, ctx: &Context<'_>, pass: &Pass) -> Vec<Check> {
        vec![slices(ctx, pass)]
    }
}

/// What every slice of current is measured against, computed once: the
/// rows with label and prediction, the deciding metric on all of them and
/// each row's loss.
pub struct Base {
    perf: Arc<Option<PerfData>>,
    decider: &'static str,
    sigma: f64,
    overall: f64,
    losses: Vec<f64>,
    totals: LossTotals,
}

impl Base {
    fn data(&self) -> Option<&PerfData> {
        self.perf.as_ref().as_ref()
    }
    fn n(&self) -> usize {
        self.data().map_or(0, |p| p.rows.len())
    }
}

/// Current's [`Base`], when it has labels and the model's outputs.
pub(super) fn base_of(ctx: &Context<'_>) -> Option<Base> {
    let task = ctx.targets.task()?;
    let perf = ctx.perf("current");
    let data = &perf.as_ref().as_ref()?.data;
    let has_score = matches!(data, TaskData::Binary { score: Some(_), .. });
    let decider = deciding_metric(task, has_score);
    let sigma = orientation(decider)?;
    let overall = metric_value(data, decider, &ctx.targets.classes)?;
    let mut losses = row_losses(data);
    if let Some(probs) = multiclass_losses(ctx, task, &perf.as_ref().as_ref()?.rows) {
        losses = probs;
    }
    let totals = LossTotals::of(&losses);
    Some(Base {
        perf: perf.clone(),
        decider,
        sigma,
        overall,
        losses,
        totals,
    })
}

/// Each row's loss (SPEC §3 "Stress slices"): binary with a score, its log
/// loss (NaN for a row without a finite score, left out of the test);
/// regression, the squared error; otherwise the 0/1 error.
fn row_losses(data: &TaskData) -> Vec<f64> {
    let zero_one = |a: bool| if a { 0.0 } else { 1.0 };
    match data {
        TaskData::Binary {
            y, score: Some(s), ..
        } => y
            .iter()
            .zip(s.iter())
            .map(|(&y, &s)| {
                if s.is_finite() {
                    row_log_loss(y, s)
                } else {
                    f64::NAN
                }
            })
            .collect(),
        TaskData::Binary { y, pred, .. } => {
            y.iter().zip(pred).map(|(a, b)| zero_one(a == b)).collect()
        }
        TaskData::Multiclass { y, pred } => {
            y.iter().zip(pred).map(|(a, b)| zero_one(a == b)).collect()
        }
        TaskData::Regression { y, pred } => {
            y.iter().zip(pred).map(|(a, b)| (a - b) * (a - b)).collect()
        }
    }
}

/// Multiclass with class probabilities: each row's log loss
/// −ln(p_label / Σ p), the probability clipped to [1e-15, 1 − 1e-15] as
/// in the binary [`row_log_loss`]; NaN (left out of the test) for a row
/// without finite probabilities. `rows` are the base's dataset rows.
fn multiclass_losses(
    ctx: &Context<'_>,
    task: crate::config::Task,
    rows: &[u32],
) -> Option<Vec<f64>> {
    if task != crate::config::Task::Multiclass {
        return None;
    }
    let probs = ctx.class_probabilities("current");
    let p = probs.as_ref().as_ref()?.as_ref().ok()?;
    let k = p.classes.len();
    let mut at = std::collections::HashMap::with_capacity(p.rows.len());
    for (i, &r) in p.rows.iter().enumerate() {
        at.insert(r, i);
    }
    Some(
        rows.iter()
            .map(|r| match at.get(r) {
                Some(&i) => {
                    let row = &p.probs[i * k..(i + 1) * k];
                    let total: f64 = row.iter().sum();
                    let q = (row[p.labels[i] as usize] / total).clamp(1e-15, 1.0 - 1e-15);
                    -q.d_ln()
                }
                None => f64::NAN,
            })
            .collect(),
    )
}

/// One slice of a feature: its name and the indices of its rows among the
/// base's rows.
struct Cut {
    value: String,
    rows: Vec<usize>,
}

/// The tails x ≤ Q_ref(0.05), x ≥ Q_ref(0.95) and the missing values
/// (null, NaN) of a numeric feature; `x` is current's column, `reference`
/// the reference's finite values sorted (without any, no tails: the
/// missing values still make a slice).
fn numeric_slices(base: &Base, x: &[f64], reference: &[f64]) -> Option<Vec<Cut>> {
    let perf = base.data()?;
    let q05 = quantile_sorted(reference, 0.05).unwrap_or(f64::NAN);
    let q95 = quantile_sorted(reference, 0.95).unwrap_or(f64::NAN);
    let (mut low, mut high, mut missing) = (Vec::new(), Vec::new(), Vec::new());
    for (i, &r) in perf.rows.iter().enumerate() {
        let Some(&v) = x.get(r as usize) else {
            continue;
        };
        if v.is_nan() {
            missing.push(i);
        } else {
            if v <= q05 {
                low.push(i);
            }
            if v >= q95 {
                high.push(i);
            }
        }
    }
    Some(
        [("<= q05", low), (">= q95", high), ("missing", missing)]
            .into_iter()
            .filter(|(_, rows)| !rows.is_empty())
            .map(|(value, rows)| Cut {
                value: value.to_string(),
                rows,
            })
            .collect(),
    )
}

/// The categories of a categorical feature holding ≥ 5% of current's
/// non-missing values (largest first), the others together as
/// `__other__`, and the missing values.
fn categorical_slices(base: &Base, codes: &[u32], name: impl Fn(u32) -> String) -> Vec<Cut> {
    let Some(perf) = base.data() else {
        return Vec::new();
    };
    let mut counts: Vec<usize> = Vec::new();
    let mut present = 0usize;
    for &c in codes.iter().filter(|&&c| c != MISSING) {
        let c = c as usize;
        if c >= counts.len() {
            counts.resize(c + 1, 0);
        }
        counts[c] += 1;
        present += 1;
    }
    // slot per code: Some(index of its cut) for the large ones
    let mut large: Vec<(u32, usize)> = counts
        .iter()
        .enumerate()
        .filter(|(_, &k)| k > 0 && k as f64 >= 0.05 * present as f64)
        .map(|(c, &k)| (c as u32, k))
        .collect();
    large.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(a.0).cmp(&name(b.0))));
    let mut slot = vec![None; counts.len()];
    for (i, (c, _)) in large.iter().enumerate() {
        slot[*c as usize] = Some(i);
    }
    let mut cuts: Vec<Cut> = large
        .iter()
        .map(|(c, _)| Cut {
            value: name(*c),
            rows: Vec::new(),
        })
        .collect();
    let (mut other, mut missing) = (Vec::new(), Vec::new());
    for (i, &r) in perf.rows.iter().enumerate() {
        match codes.get(r as usize) {
            Some(&MISSING) | None => missing.push(i),
            Some(&c) => match slot.get(c as usize).copied().flatten() {
                Some(k) => cuts[k].rows.push(i),
                None => other.push(i),
            },
        }
    }
    cuts.push(Cut {
        value: "__other__".to_string(),
        rows: other,
    });
    cuts.push(Cut {
        value: "missing".to_string(),
        rows: missing,
    });
    cuts.retain(|c| !c.rows.is_empty());
    cuts
}

/// A slice's row count and, when it is judged, its metric, relative delta
/// and p-value.
fn judge(base: &Base, ctx: &Context<'_>, cut: Cut) -> Value {
    let n = base.n();
    let rows = cut.rows.len();
    if !judged(rows, n) {
        return json!({ "value": cut.value, "rows": rows, "judged": false });
    }
    let metric = base.data().and_then(|p| {
        metric_value(
            &p.data.select(&cut.rows),
            base.decider,
            &ctx.targets.classes,
        )
    });
    let delta = metric.and_then(|m| relative_delta(base.sigma, m, base.overall));
    let losses: Vec<f64> = cut
        .rows
        .iter()
        .filter_map(|&i| base.losses.get(i).copied())
        .filter(|l| l.is_finite())
        .collect();
    let rest = || {
        let mut inside = vec![false; base.losses.len()];
        for &i in &cut.rows {
            if let Some(x) = inside.get_mut(i) {
                *x = true;
            }
        }
        base.losses
            .iter()
            .zip(&inside)
            .filter(|(l, inside)| !**inside && l.is_finite())
            .map(|(l, _)| *l)
            .collect()
    };
    let p = base.totals.welch_p_value(&losses, rest);
    json!({
        "value": cut.value, "rows": rows, "judged": true,
        "metric": metric, "relative_delta": delta, "p_value": p,
    })
}

/// One slice as the check reads it back from the pass.
struct Judged {
    column: String,
    value: String,
    rows: u64,
    judged: bool,
    metric: Option<f64>,
    delta: Option<f64>,
    p: Option<f64>,
}

fn slices(ctx: &Context<'_>, pass: &Pass) -> Check {
    let (id, title) = SLICES;
    let cfg = &ctx.config.slices;
    let severity: Status = cfg.severity.into();
    let Some(base) = ctx.slice_base() else {
        return Check::skipped(
            id,
            title,
            "current has no rows with a label and the model's output (or the deciding metric is undefined on them)",
        );
    };
    let mut all: Vec<Judged> = Vec::new();
    for c in &pass.columns {
        let Some(list) = c.stats.get("slices").and_then(Value::as_array) else {
            continue;
        };
        for s in list {
            all.push(Judged {
                column: c.plan.name.clone(),
                value: s
                    .get("value")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                rows: s.get("rows").and_then(Value::as_u64).unwrap_or(0),
                judged: s.get("judged").and_then(Value::as_bool).unwrap_or(false),
                metric: s.get("metric").and_then(Value::as_f64),
                delta: s.get("relative_delta").and_then(Value::as_f64),
                p: s.get("p_value").and_then(Value::as_f64),
            });
        }
    }
    if !all.iter().any(|s| s.judged) {
        return Check::skipped(
            id,
            title,
            format!(
                "no feature slice holds between {} rows and 95% of current's {} labelled rows",
                thousands(min_rows(base.n())),
                thousands(base.n())
            ),
        );
    }
    // Benjamini–Hochberg over every judged slice with a p-value.
    let tested: Vec<usize> = (0..all.len())
        .filter(|&i| all[i].judged && all[i].p.is_some())
        .collect();
    let ps: Vec<f64> = tested
        .iter()
        .map(|&i| all[i].p.unwrap_or(f64::NAN))
        .collect();
    let mut significant = vec![false; all.len()];
    for (k, rejected) in benjamini_hochberg(&ps, cfg.alpha).into_iter().enumerate() {
        significant[tested[k]] = rejected;
    }
    let weak_at = -cfg.max_relative_drop;
    let weak: Vec<bool> = (0..all.len())
        .map(|i| significant[i] && all[i].delta.is_some_and(|d| d <= weak_at))
        .collect();
    // Worst first: judged slices by delta, then the rest by size.
    // (Three stable passes, least significant key first: the order of one
    // stable sort by (not judged, delta, rows descending), made with the
    // shared integer sort.)
    let mut order: Vec<usize> = (0..all.len()).collect();
    use crate::stats::sort::sort_by_float;
    sort_by_float(&mut order, |&i: &usize| all[i].rows as f64, true);
    sort_by_float(
        &mut order,
        |&i: &usize| all[i].delta.unwrap_or(f64::INFINITY),
        false,
    );
    sort_by_float(
        &mut order,
        |&i: &usize| if all[i].judged { 0.0 } else { 1.0 },
        false,
    );
    let mut metrics = Vec::new();
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    for &i in &order {
        let s = &all[i];
        let status = if weak[i] { severity } else { Status::Pass };
        if s.judged {
            if let Some(m) = s.delta.and_then(|d| Metric::new("slice_relative_delta", d)) {
                metrics.push(
                    m.dataset("current")
                        .segment(&s.column, &s.value)
                        .judged(weak_at, status),
                );
            }
            if let Some(m) = s.p.and_then(|p| Metric::new("slice_p_value", p)) {
                metrics.push(m.dataset("current").segment(&s.column, &s.value));
            }
        }
        if weak[i] {
            findings.push(format!(
                "`{}` {} ({} rows): {} {} ({} vs {}), p = {}",
                s.column,
                s.value,
                thousands(s.rows as usize),
                base.decider,
                s.delta.map(pct).unwrap_or_default(),
                crate::report::display_number(s.metric.unwrap_or(f64::NAN)),
                crate::report::display_number(base.overall),
                crate::report::display_number(s.p.unwrap_or(f64::NAN)),
            ));
        }
        rows.push(json!({
            "column": s.column, "value": s.value, "rows": s.rows, "judged": s.judged,
            "metric": s.metric, "relative_delta": s.delta, "p_value": s.p,
            "significant": significant[i], "weak": weak[i],
        }));
    }
    let judged_count = all.iter().filter(|s| s.judged).count();
    let message = if findings.is_empty() {
        format!("no weak slice among {judged_count} judged")
    } else {
        format!(
            "{} weak slice{} of {judged_count}: {}",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            findings.join("; ")
        )
    };
    Check::judged(
        (id, title),
        message,
        metrics,
        json!({
            "deciding_metric": base.decider,
            "overall": base.overall,
            "rows": base.n(),
            "min_rows": min_rows(base.n()),
            "max_relative_drop": cfg.max_relative_drop,
            "alpha": cfg.alpha,
            "slices": rows,
            "findings": findings,
        }),
    )
}
