//! Over- and under-fitting (SPEC §3): the model's in-sample metrics on
//! `train` against `reference`, and against a dummy model on `train`.

use serde_json::json;

use crate::config::Task;
use crate::report::{Check, Metric, Status};
use crate::targets::{sorted_class_ranks, TaskData};

use super::performance::{deciding_metric, orientation, task_metrics, unavailable, value_of};
use super::{summary, Context, Family, Needs, Pass};

const FIT: (&str, &str) = ("fit", "Over- and under-fitting");

/// `generalization_gap_<m>` and `baseline_gain_<m>`.
pub struct Fit;

impl Family for Fit {
    fn name(&self) -> &'static str {
        "fit"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[FIT]
    }
    /// Built from the role columns alone, beside the column pass.
    fn needs(&self) -> Needs {
        Needs {
            no_pass: true,
            ..Needs::default()
        }
    }
    fn build(&self, ctx: &Context<'_>, _pass: &Pass) -> Vec<Check> {
        vec![fit(ctx)]
    }
}

/// The generalization gap (a − b)/|a| of σ-oriented values a (train) and b
/// (reference): 0 when both are 0, 1 when only a is.
pub fn generalization_gap(a: f64, b: f64) -> f64 {
    if a == 0.0 {
        if b == 0.0 {
            0.0
        } else {
            1.0
        }
    } else {
        (a - b) / a.abs()
    }
}

/// The baseline gain (m − m₀)/(m* − m₀), clipped to [−50, 50]; 0 when
/// |m* − m₀| ≤ 1e-12.
pub fn baseline_gain(m: f64, dummy: f64, perfect: f64) -> f64 {
    if (perfect - dummy).abs() <= 1e-12 {
        0.0
    } else {
        ((m - dummy) / (perfect - dummy)).clamp(-50.0, 50.0)
    }
}

/// The dummy model on `train`'s rows: the majority class of its labels
/// (ties to the smallest class) with the positive rate as the score, or the
/// label mean for regression.
fn dummy(data: &TaskData, class_rank: &[usize]) -> TaskData {
    match data {
        TaskData::Binary { y, score, .. } => {
            let pos = y.iter().filter(|b| **b).count();
            let n = y.len();
            // More positives than negatives, else 0 (the smaller class on a tie).
            let majority = pos * 2 > n;
            let rate = if n == 0 { 0.0 } else { pos as f64 / n as f64 };
            TaskData::Binary {
                y: y.clone(),
                pred: vec![majority; n],
                score: score.as_ref().map(|_| vec![rate; n].into()),
            }
        }
        TaskData::Multiclass { y, .. } => {
            let mut counts = vec![0usize; class_rank.len()];
            for &k in y {
                if let Some(c) = counts.get_mut(k as usize) {
                    *c += 1;
                }
            }
            let majority = (0..counts.len())
                .max_by(|&a, &b| {
                    counts[a]
                        .cmp(&counts[b])
                        .then(class_rank[b].cmp(&class_rank[a]))
                })
                .unwrap_or(0) as u32;
            TaskData::Multiclass {
                y: y.clone(),
                pred: vec![majority; y.len()],
            }
        }
        TaskData::Regression { y, .. } => {
            let mean = crate::stats::moments::mean(y).unwrap_or(0.0);
            TaskData::Regression {
                y: y.clone(),
                pred: vec![mean; y.len()],
            }
        }
    }
}

fn fit(ctx: &Context<'_>) -> Check {
    let (id, title) = FIT;
    if !ctx.has_train() {
        return Check::skipped(id, title, "no train dataset (give one with --train)");
    }
    match unavailable(ctx) {
        Err(why) => return Check::skipped(id, title, why),
        Ok(Some(e)) => return Check::error(id, title, e),
        Ok(None) => {}
    }
    let targets = ctx.targets;
    let Some(task) = targets.task() else {
        return Check::skipped(id, title, "no task");
    };
    let (train, reference) = (ctx.perf("train"), ctx.perf("reference"));
    let (Some(train), Some(reference)) = (
        train.as_ref().as_ref().filter(|d| !d.data.is_empty()),
        reference.as_ref().as_ref().filter(|d| !d.data.is_empty()),
    ) else {
        return Check::skipped(
            id,
            title,
            "train and reference both need rows with a label and a prediction",
        );
    };
    let classes = &targets.classes;
    let (mt, mr) = (ctx.metrics("train"), ctx.metrics("reference"));
    let (mt, mr) = (mt.as_ref(), mr.as_ref());
    let m0 = task_metrics(&dummy(&train.data, &sorted_class_ranks(classes)), classes);
    let has_score = matches!(train.data, TaskData::Binary { score: Some(_), .. });
    let decider = deciding_metric(task, has_score);
    let cfg = &ctx.config.fit;
    let severity: Status = cfg.severity.into();
    let mut metrics = Vec::new();
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    let mut overfit = None;
    for (name, t) in mt {
        let Some(sigma) = orientation(name) else {
            continue;
        };
        let r = value_of(mr, name);
        let d = value_of(&m0, name);
        let deciding = *name == decider;
        let gap = r.map(|r| generalization_gap(sigma * t, sigma * r));
        if let Some(g) = gap {
            let mut m = Metric::new(&format!("generalization_gap_{name}"), g)
                .map(|m| m.dataset("reference").against("train"));
            if deciding {
                // SPEC §3 "Verdicts" rule 6: overfit when the gap is
                // material and reference is significantly worse than train
                // (independent samples, one-sided).
                let test = (g >= cfg.max_gap)
                    .then(|| {
                        crate::verdict::metric_worse(
                            name,
                            &train.data,
                            &reference.data,
                            classes.len(),
                            ctx.config.verdicts.seed,
                        )
                    })
                    .flatten();
                let j = crate::verdict::Judged::new(
                    g,
                    cfg.max_gap,
                    test.map_or("one-sided test (run when the gap is material)", |t| t.0),
                    test.map(|t| t.1),
                    ctx.config.verdicts.alpha,
                );
                // Rule 6: overfitting is a property of the model and
                // warns; it is severe — the model memorised train — when
                // train's deciding metric is at its perfect value while
                // reference is materially and significantly worse.
                let perfect = if sigma > 0.0 { 1.0 } else { 0.0 };
                let memorised = (t - perfect).abs() <= 1e-12;
                // Severe: memorised, and reference loses at least twice the
                // material size of what the model gains over the dummy on
                // train — the drop on the scale of the model's own gain, so
                // that tasks with different dummies compare (a linear model
                // fitting digits' train exactly loses 5% of its gain out of
                // sample and is not broken; a memorising tree loses 15–50%).
                let lost = match (r, d) {
                    (Some(r), Some(d)) if sigma * (t - d) > 0.0 => (t - r) / (t - d),
                    _ => 1.0,
                };
                let severe = memorised && lost >= 2.0 * cfg.max_gap;
                let status = match (j.holds(), severe) {
                    (false, _) => Status::Pass,
                    (true, true) => severity,
                    (true, false) => Status::Warn,
                };
                if j.holds() {
                    findings.push(format!(
                        "{}: {name} {t:.4} in train but {:.4} in reference (gap {g:.3} ≥ {}; {})",
                        if memorised {
                            "overfit, the model reproduces its train labels exactly"
                        } else {
                            "overfit"
                        },
                        r.unwrap_or(f64::NAN),
                        cfg.max_gap,
                        j.sureness()
                    ));
                }
                m = m.map(|m| m.judged(cfg.max_gap, status));
                overfit = Some(j);
            }
            metrics.extend(m);
        }
        let perfect = if sigma > 0.0 { 1.0 } else { 0.0 };
        let gain = d.map(|d| baseline_gain(*t, d, perfect));
        if let Some(g) = gain {
            let mut m =
                Metric::new(&format!("baseline_gain_{name}"), g).map(|m| m.dataset("train"));
            if deciding {
                let bad = g < cfg.min_gain;
                if bad {
                    findings.push(format!(
                        "underfit: {name} {t:.4} in train is little better than a dummy model's {:.4} (gain {g:.3} < {})",
                        d.unwrap_or(f64::NAN),
                        cfg.min_gain
                    ));
                }
                // A property of the model, not a change: it warns.
                m = m
                    .map(|m| m.judged(cfg.min_gain, if bad { Status::Warn } else { Status::Pass }));
            }
            metrics.extend(m);
        }
        rows.push(json!({
            "metric": name, "train": t, "reference": r, "dummy": d,
            "gap": gap, "gain": gain, "deciding": deciding,
        }));
    }
    // A deciding metric undefined on either dataset (one class only, say)
    // leaves nothing to judge by: say so rather than pass.
    let undefined: Vec<&str> = [("train", mt), ("reference", mr)]
        .into_iter()
        .filter(|(_, v)| value_of(v, decider).is_none())
        .map(|(d, _)| d)
        .collect();
    if !undefined.is_empty() {
        let words = format!(
            "cannot judge the fit: {decider} is undefined on {} (a single class in the labels?)",
            undefined.join(" and ")
        );
        let mut check = Check::judged(
            (id, title),
            words,
            metrics,
            json!({ "deciding_metric": decider, "metrics": rows }),
        );
        check.status = Status::Warn;
        return check;
    }
    let message = summary(&findings, || {
        format!(
            "neither over- nor underfit by {decider} (train vs reference, and vs a dummy model)"
        )
    });
    let dummy_words = match task {
        Task::Regression => "predicts the train label mean".to_string(),
        _ => "predicts the majority train class".to_string(),
    };
    Check::judged(
        (id, title),
        message,
        metrics,
        json!({
            "deciding_metric": decider,
            "overfit": overfit,
            "max_gap": cfg.max_gap,
            "min_gain": cfg.min_gain,
            "dummy": dummy_words,
            "rows": { "train": train.rows.len(), "reference": reference.rows.len() },
            "metrics": rows,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_when_train_is_zero() {
        assert_eq!(generalization_gap(0.0, 0.0), 0.0);
        assert_eq!(generalization_gap(0.0, 0.3), 1.0);
        assert!((generalization_gap(0.8, 0.6) - 0.25).abs() < 1e-15);
        // a loss, oriented: −0.02 in train, −0.03 in reference
        assert!((generalization_gap(-0.02, -0.03) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn gain_is_clipped_and_zero_without_room() {
        assert_eq!(baseline_gain(0.9, 1.0, 1.0), 0.0);
        assert_eq!(baseline_gain(100.0, 0.0, 1.0), 50.0);
        assert_eq!(baseline_gain(-1e9, 0.5, 1.0), -50.0);
        assert!((baseline_gain(0.75, 0.5, 1.0) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn dummy_of_a_constant_train_label() {
        // every train label 1: the dummy predicts 1 with score 1
        let data = TaskData::Binary {
            y: vec![true; 4],
            pred: vec![true, false, true, true],
            score: Some(vec![0.9, 0.2, 0.8, 0.7].into()),
        };
        let TaskData::Binary { pred, score, .. } = dummy(&data, &[]) else {
            panic!("binary")
        };
        assert_eq!(pred, vec![true; 4]);
        assert_eq!(score, Some(vec![1.0; 4].into()));
        // a tie goes to the smaller class
        let tie = TaskData::Binary {
            y: vec![true, false],
            pred: vec![true, true],
            score: None,
        };
        let TaskData::Binary { pred, .. } = dummy(&tie, &[]) else {
            panic!("binary")
        };
        assert_eq!(pred, vec![false, false]);
        // multiclass: codes 0 ("b") and 1 ("a") tied, "a" sorts first
        let mc = TaskData::Multiclass {
            y: vec![0, 1],
            pred: vec![0, 0],
        };
        let TaskData::Multiclass { pred, .. } = dummy(&mc, &[1, 0]) else {
            panic!("multiclass")
        };
        assert_eq!(pred, vec![1, 1]);
    }
}
