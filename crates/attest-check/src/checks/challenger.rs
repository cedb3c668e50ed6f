//! Champion vs challenger (SPEC §3): the model under validation against a
//! second model's outputs on the same rows — the deciding metric's
//! difference overall and per chunk, and a paired test of it.

use serde_json::json;

use crate::config::Task;
use crate::report::{display_number, Check, Metric, Status};
use crate::stats::delong::delong_test;
use crate::stats::hypothesis::{mcnemar_exact_p, paired_t_p_value, wilcoxon_p_value};
use crate::targets::TaskData;

use super::backtest::chunks_of;
use super::performance::{deciding_metric, metric_value, orientation, unavailable};
use super::{Context, Family, Needs, Pass};

const CHAL: (&str, &str) = ("challenger", "Champion vs challenger");

/// `challenger_delta`, `challenger_win_share` and the paired tests.
pub struct Challenger;

impl Family for Challenger {
    fn name(&self) -> &'static str {
        "challenger"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[CHAL]
    }
    /// Built from the role columns alone, beside the column pass.
    fn needs(&self) -> Needs {
        Needs {
            no_pass: true,
            ..Needs::default()
        }
    }
    fn build(&self, ctx: &Context<'_>, _pass: &Pass) -> Vec<Check> {
        vec![challenger(ctx)]
    }
}

/// Rows where both models have a finite score (binary with scores).
fn both_scored(champ: &TaskData, chal: &TaskData) -> Option<Vec<usize>> {
    match (champ, chal) {
        (TaskData::Binary { score: Some(a), .. }, TaskData::Binary { score: Some(b), .. }) => Some(
            a.iter()
                .zip(b.iter())
                .enumerate()
                .filter(|(_, (x, y))| x.is_finite() && y.is_finite())
                .map(|(i, _)| i)
                .collect(),
        ),
        _ => None,
    }
}

/// σ·(b − a) of `metric`'s values a (champion) and b (challenger).
fn delta(metric: &str, a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(orientation(metric)? * (b? - a?))
}

/// (b, c): rows only the champion gets right, rows only the challenger does.
fn discordant(champ: &TaskData, chal: &TaskData) -> Option<(u64, u64)> {
    let right = |d: &TaskData| -> Option<Vec<bool>> {
        Some(match d {
            TaskData::Binary { y, pred, .. } => y.iter().zip(pred).map(|(a, b)| a == b).collect(),
            TaskData::Multiclass { y, pred } => y.iter().zip(pred).map(|(a, b)| a == b).collect(),
            TaskData::Regression { .. } => return None,
        })
    };
    let (a, b) = (right(champ)?, right(chal)?);
    let bc = a.iter().zip(&b).fold((0u64, 0u64), |(b_, c_), (x, y)| {
        (b_ + u64::from(*x && !*y), c_ + u64::from(!*x && *y))
    });
    Some(bc)
}

fn challenger(ctx: &Context<'_>) -> Check {
    let (id, title) = CHAL;
    let roles = &ctx.plan.roles;
    if roles.challenger_prediction.is_none() && roles.challenger_score.is_none() {
        return Check::skipped(
            id,
            title,
            "no challenger (name its columns with --challenger-prediction / --challenger-score)",
        );
    }
    match unavailable(ctx) {
        Err(why) => return Check::skipped(id, title, why),
        Ok(Some(e)) => return Check::error(id, title, e),
        Ok(None) => {}
    }
    let Some(task) = ctx.targets.task() else {
        return Check::skipped(id, title, "no task");
    };
    let classes = &ctx.targets.classes;
    // On current when it has labels, else reference.
    let mut chosen = None;
    for label in ["current", "reference"] {
        let Some(t) = ctx.targets.get(label) else {
            continue;
        };
        let (Some(champ), Some(chal)) = (t.model(), t.challenger.as_ref()) else {
            continue;
        };
        let chal = match chal {
            Ok(c) => c,
            Err(e) => return Check::error(id, title, e.clone()),
        };
        if let Some((rows, data)) = t.labelled(&[champ, chal]) {
            if !rows.is_empty() {
                chosen = Some((label, rows, data));
                break;
            }
        }
    }
    let Some((label, rows, mut data)) = chosen else {
        return Check::skipped(
            id,
            title,
            "neither current nor reference has labelled rows with both models' predictions",
        );
    };
    let (Some(chal), Some(champ)) = (data.pop(), data.pop()) else {
        return Check::skipped(id, title, "no paired rows");
    };
    let scored = both_scored(&champ, &chal);
    let decider = deciding_metric(task, scored.is_some());
    // The deciding metric on the rows where it is defined for both models.
    let scored_mask: Option<Vec<bool>> = scored.as_ref().map(|s| {
        let mut mask = vec![false; rows.len()];
        for &p in s {
            if let Some(m) = mask.get_mut(p) {
                *m = true;
            }
        }
        mask
    });
    let restrict = |positions: &[usize]| -> (TaskData, TaskData) {
        match &scored_mask {
            Some(mask) => {
                let keep: Vec<usize> = positions
                    .iter()
                    .copied()
                    .filter(|&p| mask.get(p).copied().unwrap_or(false))
                    .collect();
                (champ.select(&keep), chal.select(&keep))
            }
            None => (champ.select(positions), chal.select(positions)),
        }
    };
    // Every row, or (not all scored by both) the rows both scored.
    let restricted;
    let (ca, cb) = if scored.as_ref().is_none_or(|s| s.len() == rows.len()) {
        (&champ, &chal)
    } else {
        let all: Vec<usize> = (0..rows.len()).collect();
        restricted = restrict(&all);
        (&restricted.0, &restricted.1)
    };
    let mut metrics = Vec::new();
    let (champion_value, challenger_value) = (
        metric_value(ca, decider, classes),
        metric_value(cb, decider, classes),
    );
    let overall = delta(decider, champion_value, challenger_value);
    metrics.extend(
        overall
            .and_then(|d| Metric::new("challenger_delta", d))
            .map(|m| m.dataset(label)),
    );
    // Per chunk of that dataset.
    let mut chunk_rows = Vec::new();
    let mut chunk_note = None;
    match chunks_of(ctx, label) {
        Ok(chunks) => {
            let split = chunks.split(&rows);
            let mut wins = 0usize;
            let mut judged = 0usize;
            for ((key, n), positions) in chunks.keys.iter().zip(&chunks.rows).zip(split) {
                let (a, b) = restrict(&positions);
                let (va, vb) = (
                    metric_value(&a, decider, classes),
                    metric_value(&b, decider, classes),
                );
                let d = delta(decider, va, vb);
                if let Some(d) = d {
                    judged += 1;
                    wins += usize::from(d > 0.0);
                    metrics.extend(
                        Metric::new("challenger_delta", d).map(|m| m.dataset(label).chunk(key)),
                    );
                }
                chunk_rows.push(json!({
                    "chunk": key, "rows": n, "delta": d,
                    "champion": va, "challenger": vb,
                }));
            }
            if judged > 0 {
                metrics.extend(
                    Metric::new("challenger_win_share", wins as f64 / judged as f64)
                        .map(|m| m.dataset(label)),
                );
            }
        }
        Err(e) => chunk_note = Some(e),
    }
    // The paired test.
    let mut test: Option<(&str, f64)> = None;
    if let Some((b, c)) = discordant(&champ, &chal) {
        let p = mcnemar_exact_p(b, c);
        metrics.extend(Metric::new("mcnemar_b", b as f64).map(|m| m.dataset(label)));
        metrics.extend(Metric::new("mcnemar_c", c as f64).map(|m| m.dataset(label)));
        metrics.extend(Metric::new("mcnemar_p_value", p).map(|m| m.dataset(label)));
        test = Some(("McNemar", p));
    }
    if let (
        TaskData::Binary {
            y, score: Some(sa), ..
        },
        TaskData::Binary {
            score: Some(sb), ..
        },
    ) = (ca, cb)
    {
        if let Some(d) = delong_test(y, sa, sb) {
            metrics.extend(
                Metric::new("delong_auc_difference", d.difference).map(|m| m.dataset(label)),
            );
            metrics.extend(Metric::new("delong_z", d.z).map(|m| m.dataset(label)));
            metrics.extend(Metric::new("delong_p_value", d.p_value).map(|m| m.dataset(label)));
            test = Some(("DeLong", d.p_value));
        }
    }
    if let (TaskData::Regression { y, pred: pa }, TaskData::Regression { pred: pb, .. }) =
        (&champ, &chal)
    {
        let d: Vec<f64> = y
            .iter()
            .zip(pa.iter().zip(pb))
            .map(|(y, (a, b))| (y - a) * (y - a) - (y - b) * (y - b))
            .collect();
        if let Some(p) = paired_t_p_value(&d) {
            metrics.extend(Metric::new("paired_t_p_value", p).map(|m| m.dataset(label)));
            test = Some(("paired t", p));
        }
        if let Some(p) = wilcoxon_p_value(&d) {
            metrics.extend(Metric::new("wilcoxon_p_value", p).map(|m| m.dataset(label)));
            if test.is_none() {
                test = Some(("Wilcoxon", p));
            }
        }
    }
    let cfg = &ctx.config.challenger;
    let severity: Status = cfg.severity.into();
    let significant = test.is_some_and(|(_, p)| p < cfg.alpha);
    let (status, verdict) = match overall {
        Some(d) if d > 0.0 && significant => (severity, "the challenger is better"),
        Some(d) if d < 0.0 && significant => (Status::Pass, "the champion is better"),
        Some(d) if d > 0.0 => (
            Status::Pass,
            "the challenger is ahead, but not significantly",
        ),
        Some(d) if d < 0.0 => (Status::Pass, "the champion is ahead, but not significantly"),
        Some(_) => (Status::Pass, "the two models are even"),
        None => (
            Status::Pass,
            "the deciding metric is undefined on these rows",
        ),
    };
    let words_test = test.map_or(String::new(), |(name, p)| {
        format!(" ({name} p = {})", display_number(p))
    });
    let message = match overall {
        Some(d) => format!(
            "{verdict}: {decider} {}{} on {label}{words_test}",
            if d >= 0.0 { "+" } else { "" },
            display_number(d)
        ),
        None => verdict.to_string(),
    };
    for m in metrics
        .iter_mut()
        .filter(|m| m.name == "challenger_delta" && m.chunk.is_none())
    {
        m.status = Some(status);
    }
    let better = match overall {
        Some(d) if d > 0.0 => "challenger",
        Some(d) if d < 0.0 => "champion",
        _ => "neither",
    };
    Check::judged(
        (id, title),
        message,
        metrics,
        json!({
            "dataset": label,
            "deciding_metric": decider,
            "task": match task { Task::Regression => "regression", Task::Multiclass => "multiclass", _ => "binary" },
            "rows": rows.len(),
            "better": better,
            "significant": significant,
            "test": test.map(|(n, p)| json!({ "name": n, "p_value": p })),
            "alpha": cfg.alpha,
            "champion": champion_value,
            "challenger": challenger_value,
            "chunks": chunk_rows,
            "chunk_note": chunk_note,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discordant_pairs_and_no_disagreement() {
        let champ = TaskData::Binary {
            y: vec![true, false, true, false],
            pred: vec![true, true, false, false],
            score: None,
        };
        let chal = TaskData::Binary {
            y: vec![true, false, true, false],
            pred: vec![false, false, false, false],
            score: None,
        };
        assert_eq!(discordant(&champ, &chal), Some((1, 1)));
        // b + c = 0: the test says nothing (p = 1)
        assert_eq!(discordant(&champ, &champ), Some((0, 0)));
        assert_eq!(mcnemar_exact_p(0, 0), 1.0);
        let reg = TaskData::Regression {
            y: vec![1.0],
            pred: vec![1.0],
        };
        assert_eq!(discordant(&reg, &reg), None);
    }
}
