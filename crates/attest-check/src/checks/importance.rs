//! Feature importance change (SPEC §3 "Feature importance change"): what the
//! model relies on in reference and in current, and whether it moved.
//! Importance comes from attribution columns (mean |φ| per feature, read
//! with the targets) or, without them, from the model-free stand-in
//! `prediction_dependence` — |Spearman ρ| of a numeric feature with the
//! score, η of the score by a categorical feature's categories — made in
//! the column pass.

use std::borrow::Cow;

use serde_json::{json, Value};

use crate::config::Task;
use crate::plan::Role;
use crate::report::{Check, Metric, Status};
use crate::stats::association::{
    correlation_ratio, doubled_ranks, finite_order, kendall_tau_b, ranks_among, spearman,
    spearman_with_y_ranks, spearman_with_y_ranks_ordered,
};
use crate::stats::importance::{ranking, shares, top_k, top_k_overlap, tv_distance};
use crate::targets::Outcome;
use crate::verdict::{self, Judged};

use super::{pct, summary, ColumnData, Context, Family, Pass, View};

const IMPORTANCE: (&str, &str) = ("importance", "Feature importance change");

/// Importance shares of reference and current, and their change.
pub struct Importance;

impl Family for Importance {
    fn name(&self) -> &'static str {
        "importance"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[IMPORTANCE]
    }
    fn column(&self, col: &ColumnData<'_>, ctx: &Context<'_>) -> Option<Value> {
        if col.plan.role != Role::Feature || has_attributions(ctx) {
            return None;
        }
        let mut out = serde_json::Map::new();
        for label in ["reference", "current"] {
            let ranks = ctx.target_ranks(label);
            let (Some(d), Some(ranks), Some(s)) = (
                ctx.index(label),
                ranks.as_ref(),
                dependence_target(ctx, label),
            ) else {
                continue;
            };
            let Some(view) = col.views.get(d).copied().flatten() else {
                continue;
            };
            let order = col.orders.get(d).copied().flatten();
            let sorted = col.sorted.get(d).copied().flatten();
            let ordered = order.zip(sorted);
            out.insert(
                label.to_string(),
                json!(prediction_dependence(view, ordered, s, ranks)),
            );
        }
        (!out.is_empty()).then_some(Value::Object(out))
    }
    fn build(&self, ctx: &Context<'_>, pass: &Pass) -> Vec<Check> {
        vec![importance(ctx, pass)]
    }
}

/// Whether reference and current both have attribution columns: then they
/// give the importance, and the stand-in is not computed.
fn has_attributions(ctx: &Context<'_>) -> bool {
    ["reference", "current"].iter().all(|l| {
        ctx.targets
            .get(l)
            .is_some_and(|t| t.attributions.iter().any(|a| a.mean_abs.is_ok()))
    })
}

/// What the stand-in relates features to: the score (binary), the
/// predicted value (regression); none otherwise.
fn dependence_target<'a>(ctx: &'a Context<'_>, label: &str) -> Option<&'a [f64]> {
    let model = ctx.targets.get(label)?.model()?;
    match (ctx.targets.task()?, model) {
        (Task::Regression, m) => match &m.prediction {
            Outcome::Values(v) => Some(v),
            _ => None,
        },
        (Task::Multiclass, _) => None,
        (_, m) => m.score.as_deref().map(Vec::as_slice),
    }
}

/// A dataset's score (binary) or predicted value (regression) — what the
/// stand-in relates features to — with its rows in value order and each
/// row's average rank among the rows with a finite value, computed once for
/// every feature.
pub struct TargetRanks {
    order: Vec<u32>,
    ranks: Ranks,
}

/// Each row's average rank among the rows with a finite value.
enum Ranks {
    /// As [`doubled_ranks`] (4 bytes a row; 0 for a row without one).
    Doubled(Vec<u32>),
    /// As [`ranks_among`] (NaN for a row without one), past 2^31 rows.
    Plain(Vec<f64>),
}

/// [`TargetRanks`] of a dataset, when it has a score or predicted value.
pub(super) fn target_ranks(ctx: &Context<'_>, label: &str) -> Option<TargetRanks> {
    Some(TargetRanks::of(dependence_target(ctx, label)?))
}

impl TargetRanks {
    fn of(values: &[f64]) -> TargetRanks {
        let order = finite_order(values);
        let ranks = ranks_among(values, &order, |_| true);
        let ranks = match doubled_ranks(&ranks) {
            Some(d) => Ranks::Doubled(d),
            None => Ranks::Plain(ranks),
        };
        TargetRanks { order, ranks }
    }
}

/// SPEC §3 `prediction_dependence` of one feature in one dataset: |Spearman
/// ρ(x, s)| over the rows with a finite x and a finite s (numeric), or η of
/// s grouped by category with the missing values as a category of their
/// own (their code, `MISSING`, groups like any other), over the rows with a
/// finite s (categorical). `None` when undefined (fewer than 2 rows, a
/// constant input). `ordered`: x's finite rows in value order and their
/// values, when the column pass has them (else x is sorted here).
fn prediction_dependence(
    view: View<'_>,
    ordered: Option<(&[u32], &[f64])>,
    s: &[f64],
    t: &TargetRanks,
) -> Option<f64> {
    match view {
        View::Numeric(x) => {
            let n = x.len().min(s.len());
            // s's ranks among the rows with a finite x too: the ranks of
            // every finite s when no such row lacks x, else re-ranked.
            let x_given = |i: usize| x.get(i).is_some_and(|v| v.is_finite());
            let every = n == s.len() && (0..n).all(|i| !s[i].is_finite() || x[i].is_finite());
            // With the pass's order of x: one walk over it, reading s's
            // ranks in their compact form; else x is sorted here.
            let walked = ordered.and_then(|(order, sorted)| {
                let y2 = match (every, &t.ranks) {
                    (true, Ranks::Doubled(d)) => Cow::Borrowed(&d[..]),
                    (true, Ranks::Plain(_)) => return None,
                    (false, _) => Cow::Owned(doubled_ranks(&ranks_among(s, &t.order, x_given))?),
                };
                Some(spearman_with_y_ranks_ordered(order, sorted, &y2[..n]))
            });
            walked
                .unwrap_or_else(|| {
                    let ranks = match (every, &t.ranks) {
                        (true, Ranks::Plain(r)) => Cow::Borrowed(&r[..]),
                        (true, Ranks::Doubled(d)) => Cow::Owned(
                            d.iter()
                                .map(|&v| if v == 0 { f64::NAN } else { f64::from(v) / 2.0 })
                                .collect(),
                        ),
                        (false, _) => Cow::Owned(ranks_among(s, &t.order, x_given)),
                    };
                    spearman_with_y_ranks(&x[..n], &ranks[..n])
                })
                .map(f64::abs)
        }
        View::Categorical(c) => {
            let (cs, ss): (Vec<u32>, Vec<f64>) = c
                .iter()
                .zip(s)
                .filter(|(_, s)| s.is_finite())
                .map(|(c, s)| (*c, *s))
                .unzip();
            correlation_ratio(&cs, &ss)
        }
    }
}

/// One feature's importance in reference and in current.
struct Feature {
    name: String,
    reference: f64,
    current: f64,
    /// The stand-in's values, when they were computed (for its metrics).
    dependence: Option<(Option<f64>, Option<f64>)>,
}

/// The features' importances by attribution: the features with an
/// attribution column in both datasets (mean |φ| of a column without a
/// finite value: 0).
fn by_attribution(ctx: &Context<'_>) -> Result<Vec<Feature>, String> {
    let (Some(r), Some(c)) = (ctx.targets.get("reference"), ctx.targets.get("current")) else {
        return Err("needs reference and current".into());
    };
    let mut out = Vec::new();
    for a in &r.attributions {
        let Some(b) = c.attributions.iter().find(|b| b.column == a.column) else {
            continue;
        };
        let (ra, ca) = (a.mean_abs.clone()?, b.mean_abs.clone()?);
        out.push(Feature {
            name: a.feature.clone(),
            reference: ra.unwrap_or(0.0),
            current: ca.unwrap_or(0.0),
            dependence: None,
        });
    }
    Ok(out)
}

/// The features' importances by the stand-in, from the column pass (an
/// undefined dependence — a constant column — counts as 0).
fn by_dependence(pass: &Pass) -> Vec<Feature> {
    pass.columns
        .iter()
        .filter_map(|c| {
            let s = c.stats.get("importance")?;
            let (r, k) = (s.get("reference")?, s.get("current")?);
            let (r, k) = (r.as_f64(), k.as_f64());
            Some(Feature {
                name: c.plan.name.clone(),
                reference: r.unwrap_or(0.0),
                current: k.unwrap_or(0.0),
                dependence: Some((r, k)),
            })
        })
        .collect()
}

/// Each feature's share of the model's importance in reference
/// (attributions, else the stand-in), for drift's rule 4; `None` when
/// neither is there (e.g. multiclass without attributions).
pub(super) fn reference_shares(
    ctx: &Context<'_>,
    pass: &Pass,
) -> Option<std::collections::HashMap<String, f64>> {
    let features = if has_attributions(ctx) {
        by_attribution(ctx).ok()?
    } else {
        by_dependence(pass)
    };
    if features.is_empty() {
        return None;
    }
    let imp: Vec<f64> = features.iter().map(|f| f.reference).collect();
    let s = shares(&imp);
    Some(
        features
            .into_iter()
            .zip(s)
            .map(|(f, s)| (f.name, s))
            .collect(),
    )
}

fn importance(ctx: &Context<'_>, pass: &Pass) -> Check {
    let (id, title) = IMPORTANCE;
    let cfg = &ctx.config.importance;
    let severity: Status = cfg.severity.into();
    let attributed = has_attributions(ctx);
    let features = if attributed {
        match by_attribution(ctx) {
            Ok(f) => f,
            Err(e) => return Check::error(id, title, e),
        }
    } else {
        by_dependence(pass)
    };
    if features.is_empty() {
        let why = if attributed {
            "no attribution column is in both reference and current"
        } else if ctx.targets.task() == Some(Task::Multiclass) {
            "no attribution columns (name them with --attribution or shap_<feature>); the model-free stand-in needs a score or a predicted value"
        } else {
            "no attribution columns and no score (or predicted value) to relate the features to"
        };
        return Check::skipped(id, title, why);
    }
    let names: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
    let imp_ref: Vec<f64> = features.iter().map(|f| f.reference).collect();
    let imp_cur: Vec<f64> = features.iter().map(|f| f.current).collect();
    let (s_ref, s_cur) = (shares(&imp_ref), shares(&imp_cur));
    let tv = tv_distance(&s_ref, &s_cur);
    let rho = spearman(&imp_ref, &imp_cur);
    let tau = kendall_tau_b(&imp_ref, &imp_cur);
    let overlap = top_k_overlap(&imp_ref, &imp_cur, &names);
    let k = top_k(features.len());
    let (rank_ref, rank_cur) = (ranking(&imp_ref, &names), ranking(&imp_cur, &names));
    let rank_of = |order: &[usize], i: usize| order.iter().position(|&j| j == i).unwrap_or(0) + 1;
    let left: Vec<&str> = rank_ref[..k]
        .iter()
        .filter(|i| !rank_cur[..k].contains(i))
        .map(|&i| names[i])
        .collect();
    // SPEC §3 "Verdicts": the shares moved materially (TV ≥ the limit, or
    // a top-k feature left) and some feature's dependence changed
    // significantly (Fisher's z per feature, Benjamini–Hochberg across
    // them; the smallest adjusted p is the check's). Attributions come as
    // means here, without their rows: judged by the size alone for now.
    let alpha = ctx.config.verdicts.alpha;
    let p_change = (!attributed)
        .then(|| {
            let rows = |label: &str| ctx.index(label).map_or(0, |i| ctx.datasets[i].rows as u64);
            let (nr, nc) = (rows("reference"), rows("current"));
            let p: Vec<f64> = features
                .iter()
                .map(|f| match f.dependence {
                    Some((Some(r), Some(c))) => {
                        verdict::correlation_change(r, nr, c, nc).unwrap_or(f64::NAN)
                    }
                    _ => f64::NAN,
                })
                .collect();
            verdict::bh_adjust(&p)
                .into_iter()
                .filter(|p| !p.is_nan())
                .reduce(f64::min)
        })
        .flatten();
    let judge = |effect: f64, threshold: f64| {
        let mut j = Judged::new(
            effect,
            threshold,
            "Fisher's z-test of each feature's dependence, the smallest",
            p_change,
            alpha,
        );
        // Already adjusted across the features.
        if let Some(p) = p_change {
            j.adjust(p);
        }
        j
    };
    let status_of = |j: &Judged| match (attributed, j.material, j.holds()) {
        (true, true, _) | (false, _, true) => severity,
        _ => Status::Pass,
    };
    let tv_judged = judge(tv, cfg.max_tv_distance);
    let tv_status = status_of(&tv_judged);
    let overlap_status = status_of(&judge(left.len() as f64, 1.0));

    let mut metrics = Vec::new();
    for (i, f) in features.iter().enumerate() {
        for (label, share, dep) in [
            ("reference", s_ref[i], f.dependence.and_then(|d| d.0)),
            ("current", s_cur[i], f.dependence.and_then(|d| d.1)),
        ] {
            metrics.extend(
                dep.and_then(|v| Metric::new("prediction_dependence", v))
                    .map(|m| m.column(&f.name).dataset(label)),
            );
            metrics.extend(
                Metric::new("importance_share", share).map(|m| m.column(&f.name).dataset(label)),
            );
        }
    }
    let pair = |m: Metric| m.dataset("current").against("reference");
    metrics.extend(
        Metric::new("importance_tv_distance", tv)
            .map(|m| pair(m).judged(cfg.max_tv_distance, tv_status)),
    );
    metrics.extend(
        rho.and_then(|v| Metric::new("importance_spearman", v))
            .map(pair),
    );
    metrics.extend(
        tau.and_then(|v| Metric::new("importance_kendall_tau", v))
            .map(pair),
    );
    metrics.extend(
        overlap
            .and_then(|v| Metric::new("importance_top5_overlap", v))
            .map(|m| pair(m).judged(1.0, overlap_status)),
    );

    let mut findings = Vec::new();
    let sure = if attributed {
        String::new()
    } else {
        format!("; {}", tv_judged.sureness())
    };
    if tv_status != Status::Pass {
        findings.push(format!(
            "importance shares moved by {} (total variation; limit {}{sure})",
            pct(tv),
            pct(cfg.max_tv_distance)
        ));
    }
    for f in left.iter().filter(|_| overlap_status != Status::Pass) {
        let i = names.iter().position(|n| n == f).unwrap_or(0);
        findings.push(format!(
            "`{f}` left the top {k}: rank {} in reference, {} in current",
            rank_of(&rank_ref, i),
            rank_of(&rank_cur, i)
        ));
    }
    let mut rows: Vec<Value> = features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (a, b) = (rank_of(&rank_ref, i), rank_of(&rank_cur, i));
            json!({
                "column": f.name,
                "reference_importance": f.reference, "current_importance": f.current,
                "reference_share": s_ref[i], "current_share": s_cur[i],
                "reference_rank": a, "current_rank": b,
                "rank_change": a as i64 - b as i64,
            })
        })
        .collect();
    rows.sort_by_key(|r| r.get("reference_rank").and_then(Value::as_u64).unwrap_or(0));
    let message = summary(&findings, || {
        format!(
            "importance stable: total variation {}, top {k} unchanged",
            pct(tv)
        )
    });
    Check::judged(
        (id, title),
        message,
        metrics,
        json!({
            "source": if attributed { "attribution" } else { "prediction_dependence" },
            "k": k,
            "max_tv_distance": cfg.max_tv_distance,
            "tv_distance": tv, "spearman": rho, "kendall_tau": tau, "top_k_overlap": overlap,
            "change_p_value": p_change, "alpha": alpha,
            "features": rows,
            "findings": findings,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::association::finite_order_and_values;

    #[test]
    fn dependence_is_spearman_over_the_rows_with_both_in_every_path() {
        let s = [0.3, 0.1, f64::NAN, 0.7, 0.1, 0.9, 0.5, 0.2];
        let full = [1.0, 2.0, 2.0, 0.5, 3.0, -1.0, 2.0, 4.0];
        let gaps = [1.0, f64::NAN, 2.0, 0.5, 3.0, -1.0, f64::INFINITY, 4.0];
        let t = TargetRanks::of(&s);
        for x in [&full[..], &gaps[..]] {
            let (xs, ss): (Vec<f64>, Vec<f64>) = x
                .iter()
                .zip(&s)
                .filter(|(a, b)| a.is_finite() && b.is_finite())
                .map(|(a, b)| (*a, *b))
                .unzip();
            let want = spearman(&xs, &ss).map(f64::abs);
            let (order, sorted) = finite_order_and_values(x);
            let walked = prediction_dependence(View::Numeric(x), Some((&order, &sorted)), &s, &t);
            let sorted_here = prediction_dependence(View::Numeric(x), None, &s, &t);
            for got in [walked, sorted_here] {
                let (g, w) = (got.expect("defined"), want.expect("defined"));
                assert!((g - w).abs() < 1e-15, "{g} vs {w}");
            }
        }
    }
}
