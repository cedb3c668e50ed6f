//! Performance without labels (SPEC §3, confidence-based estimation): the
//! scores, calibrated on the reference, estimate current's accuracy,
//! precision, recall, F1 and ROC AUC, overall and per chunk — so that a
//! model can be watched before its labels arrive.

use serde_json::{json, Value};

use crate::config::{Calibration, Task};
use crate::report::{Check, Metric, Status};
use crate::stats::estimation::{estimated_roc_auc, ExpectedConfusion};
use crate::stats::isotonic::IsotonicFit;
use crate::targets::Outcome;
use crate::verdict::Side;

use super::backtest::reference_thresholds;
use super::performance::value_of;
use super::{Context, Family, Needs, Pass};

const EST: (&str, &str) = ("estimated_performance", "Performance without labels");

/// The estimated metrics, with the metric each estimates.
const ESTIMATES: [(&str, &str); 5] = [
    ("estimated_accuracy", "accuracy"),
    ("estimated_precision", "precision"),
    ("estimated_recall", "recall"),
    ("estimated_f1", "f1"),
    ("estimated_roc_auc", "roc_auc"),
];

/// Confidence-based estimates of current's binary metrics.
pub struct Estimation;

impl Family for Estimation {
    fn name(&self) -> &'static str {
        "estimation"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[EST]
    }
    /// Built from the role columns alone, beside the column pass.
    fn needs(&self) -> Needs {
        Needs {
            no_pass: true,
            ..Needs::default()
        }
    }
    fn build(&self, ctx: &Context<'_>, _pass: &Pass) -> Vec<Check> {
        vec![estimation(ctx)]
    }
}

/// The estimates on rows with a prediction and a calibrated probability.
fn estimates(score: &[f64], pred: &[bool], p: &[f64]) -> Vec<(&'static str, f64)> {
    let mut out = Vec::new();
    if let Some(c) = ExpectedConfusion::from_probabilities(pred, p) {
        out.extend([
            ("estimated_accuracy", c.accuracy()),
            ("estimated_precision", c.precision()),
            ("estimated_recall", c.recall()),
            ("estimated_f1", c.f1()),
        ]);
    }
    out.extend(estimated_roc_auc(score, p).map(|v| ("estimated_roc_auc", v)));
    out
}

fn estimation(ctx: &Context<'_>) -> Check {
    let (id, title) = EST;
    if ctx.plan.roles.score.is_none() {
        return Check::skipped(id, title, "estimation needs a score column (binary)");
    }
    let task = ctx.targets.task();
    if !matches!(task, Some(Task::Binary | Task::Auto)) {
        return Check::skipped(id, title, "estimation is for binary classification");
    }
    if let Some(e) = ctx
        .targets
        .datasets
        .iter()
        .find_map(|t| t.outputs.as_ref().err())
    {
        return Check::error(id, title, e.clone());
    }
    // Calibration on the reference: rows with a label and a finite score.
    let Some(reference) = ctx.targets.get("reference") else {
        return Check::skipped(id, title, "no reference");
    };
    let (Some(Outcome::Binary(y)), Some(score)) = (
        reference.label(),
        reference.model().and_then(|m| m.score.as_ref()),
    ) else {
        return Check::skipped(
            id,
            title,
            "the reference needs labels and scores to calibrate the estimates",
        );
    };
    let given = |(y, s): (&u8, &f64)| *y < 2 && s.is_finite();
    let calibration_rows = y.iter().zip(score.iter()).filter(|p| given(*p)).count();
    let cfg = &ctx.config.estimation;
    let calibration = match cfg.calibration {
        Calibration::None => None,
        Calibration::Isotonic => {
            // Read in place: the fit holds the rows' order and its blocks.
            let fit = IsotonicFit::fit_rows(
                y.len().min(score.len()),
                |i| given((&y[i], &score[i])).then_some(score[i]),
                |i| f64::from(y[i]),
            );
            match fit {
                Some(f) => Some(f),
                None => {
                    return Check::skipped(id, title, "no reference rows with a label and a score")
                }
            }
        }
    };
    let calibrate = |s: f64| calibration.as_ref().map_or(s, |f| f.predict(s));

    // Current: rows with a prediction and a finite score.
    let Some(current) = ctx.targets.get("current") else {
        return Check::skipped(id, title, "no current");
    };
    let Some(model) = current.model() else {
        return Check::skipped(id, title, "current has no predictions");
    };
    let (Outcome::Binary(pred), Some(cscore)) = (&model.prediction, model.score.as_ref()) else {
        return Check::skipped(id, title, "current has no binary predictions with scores");
    };
    let rows = crate::targets::rows_where(current.rows, |i| {
        pred.get(i).is_some_and(|p| *p < 2) && cscore.get(i).is_some_and(|s| s.is_finite())
    });
    let at = |positions: &[u32]| -> (Vec<f64>, Vec<bool>, Vec<f64>) {
        let s: Vec<f64> = positions.iter().map(|&i| cscore[i as usize]).collect();
        let b: Vec<bool> = positions.iter().map(|&i| pred[i as usize] == 1).collect();
        let p: Vec<f64> = s.iter().map(|v| calibrate(*v)).collect();
        (s, b, p)
    };
    let mut metrics = Vec::new();
    let (s, b, p) = at(&rows);
    let overall = estimates(&s, &b, &p);
    metrics.extend(
        overall
            .iter()
            .filter_map(|(n, v)| Metric::new(n, *v).map(|m| m.dataset("current"))),
    );
    // Realised values where current has labels.
    let has_labels = ctx.perf("current").is_some();
    let realised_overall = has_labels.then(|| ctx.metrics("current"));

    // Per chunk, judged against the reference chunks' thresholds.
    let severity: Status = cfg.severity.into();
    let bounds = reference_thresholds(ctx).ok();
    let mut chunk_rows: Vec<Value> = Vec::new();
    let mut flagged = Vec::new();
    // Estimates outside the band on the better side: no alarm (rule 5).
    let mut better: Vec<String> = Vec::new();
    let mut note = None;
    let memo = ctx.chunks("current");
    match memo.as_ref() {
        Ok((chunks, realised_values)) => {
            let split = chunks.split(&rows);
            for (k, (key, positions)) in chunks.keys.iter().zip(split).enumerate() {
                let idx: Vec<u32> = positions.iter().map(|&q| rows[q]).collect();
                let (s, b, p) = at(&idx);
                let est = estimates(&s, &b, &p);
                let realised = realised_values.get(k).map(|(_, _, v)| v);
                let mut row =
                    json!({ "chunk": key, "rows": chunks.rows.get(k), "scored_rows": idx.len() });
                for (name, v) in &est {
                    row[*name] = json!(v);
                    let Some(mut m) =
                        Metric::new(name, *v).map(|m| m.dataset("current").chunk(key))
                    else {
                        continue;
                    };
                    let base = ESTIMATES.iter().find(|(e, _)| e == name).map(|(_, b)| *b);
                    if let (Some(base), Some(bounds)) = (base, &bounds) {
                        if let Some((_, lo, hi)) = bounds.iter().find(|(n, _, _)| *n == base) {
                            let side = Side::of(base, *v, *lo, *hi);
                            m.status = Some(
                                side.status(severity, ctx.config.backtest.alert_on_improvement),
                            );
                            if side != Side::Inside {
                                m.threshold = Some(if v < lo { *lo } else { *hi });
                                let words =
                                    format!("{key} {name} {}", crate::report::display_number(*v));
                                if m.status == Some(Status::Pass) {
                                    better.push(words);
                                } else {
                                    flagged.push(words);
                                }
                            }
                        }
                    }
                    metrics.push(m);
                }
                if let Some(r) = &realised {
                    let mut real = json!({});
                    for (_, base) in ESTIMATES {
                        if let Some(v) = value_of(r, base) {
                            real[base] = json!(v);
                        }
                    }
                    row["realised"] = real;
                }
                chunk_rows.push(row);
            }
        }
        Err(e) => note = Some(e.clone()),
    }
    let thresholds: Vec<Value> = bounds
        .iter()
        .flatten()
        .map(|(n, lo, hi)| json!({ "metric": n, "lower": lo, "upper": hi }))
        .collect();
    let mut overall_json = json!({});
    for (n, v) in &overall {
        overall_json[*n] = json!(v);
    }
    let mut realised_json = Value::Null;
    if let Some(r) = &realised_overall {
        realised_json = json!({});
        for (_, base) in ESTIMATES {
            if let Some(v) = value_of(r, base) {
                realised_json[base] = json!(v);
            }
        }
    }
    let est = |n: &str| value_of(&overall, n);
    let mut message = match (est("estimated_roc_auc"), est("estimated_accuracy")) {
        (Some(auc), Some(acc)) => format!(
            "estimated for current without labels: ROC AUC {}, accuracy {}",
            crate::report::display_number(auc),
            crate::report::display_number(acc)
        ),
        (None, Some(acc)) => format!(
            "estimated accuracy for current without labels: {}",
            crate::report::display_number(acc)
        ),
        _ => "no current rows with a prediction and a score".to_string(),
    };
    if let Some(r) = &realised_overall {
        if let Some(auc) = value_of(r, "roc_auc") {
            message.push_str(&format!(
                " (realised ROC AUC {})",
                crate::report::display_number(auc)
            ));
        }
    }
    if !better.is_empty() {
        message = format!(
            "estimates better than the reference chunks' range (not an alarm): {}; {message}",
            better.join(", ")
        );
    }
    if !flagged.is_empty() {
        message = format!(
            "estimates worse than the reference chunks' range: {}; {message}",
            flagged.join(", ")
        );
    }
    Check::judged(
        (id, title),
        message,
        metrics,
        json!({
            "calibration": match cfg.calibration { Calibration::Isotonic => "isotonic", Calibration::None => "none" },
            "calibration_rows": calibration_rows,
            "calibration_points": calibration.as_ref().map(|f| f.x_thresholds().len()),
            "rows": rows.len(),
            "overall": overall_json,
            "realised": realised_json,
            "chunks": chunk_rows,
            "thresholds": thresholds,
            "chunk_note": note,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_of_perfectly_calibrated_certain_scores() {
        let s = [1.0, 0.0, 1.0, 0.0];
        let b = [true, false, true, false];
        let e = estimates(&s, &b, &s);
        assert_eq!(value_of(&e, "estimated_accuracy"), Some(1.0));
        assert_eq!(value_of(&e, "estimated_roc_auc"), Some(1.0));
        // no rows: nothing to estimate
        assert!(estimates(&[], &[], &[]).is_empty());
    }
}
