//! Training/serving skew (SPEC §3): reference and current rows paired by
//! id, and every feature's values compared pair by pair — the same entity
//! should have the same features whichever pipeline computed them.

use serde_json::{json, Value};

use crate::columns::MISSING;
use crate::plan::Role;
use crate::report::{display_number, Check, Metric, Status};
use crate::stats::skew::{compare_codes, compare_numbers, id_pairs, Comparison, IdPairs};
use crate::targets::Outcome;

use super::{integer_ids, pct, thousands, ColumnData, Context, Family, Pass, View};

const SKEW: (&str, &str) = ("skew", "Training/serving skew");

/// `skew_*` per feature and overall, and `prediction_skew_max_abs`.
pub struct Skew;

impl Family for Skew {
    fn name(&self) -> &'static str {
        "skew"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[SKEW]
    }
    /// One feature compared over the pairs.
    fn column(&self, col: &ColumnData<'_>, ctx: &Context<'_>) -> Option<Value> {
        if col.plan.role != Role::Feature || !ctx.config.skew.join {
            return None;
        }
        let pairs = ctx.id_pairs()?;
        let (r, c) = (ctx.index("reference")?, ctx.index("current")?);
        let (rv, cv) = ((*col.views.get(r)?)?, (*col.views.get(c)?)?);
        let cfg = &ctx.config.skew;
        let cmp = match (rv, cv) {
            (View::Numeric(a), View::Numeric(b)) => {
                compare_numbers(a, b, &pairs, cfg.atol, cfg.rtol)
            }
            (View::Categorical(a), View::Categorical(b)) => compare_codes(a, b, &pairs, MISSING),
            _ => return None,
        };
        serde_json::to_value(cmp).ok()
    }
    fn build(&self, ctx: &Context<'_>, pass: &Pass) -> Vec<Check> {
        vec![skew(ctx, pass)]
    }
}

/// An id for messages: the value of an integer id, else the row of current.
fn id_words(ctx: &Context<'_>, pairs: &IdPairs, pair: usize) -> String {
    let integer = integer_ids(ctx);
    match (pairs.keys.get(pair), pairs.current.get(pair)) {
        (Some(&k), _) if integer => format!("id {}", k as i64),
        (_, Some(&row)) => format!("current row {}", thousands(row as usize + 1)),
        _ => "an unknown row".into(),
    }
}

/// max |a − b| of the model's score (or, without one, a numeric
/// prediction) over the pairs where both are finite.
fn prediction_skew(ctx: &Context<'_>, pairs: &IdPairs) -> Option<f64> {
    let numbers = |label: &str| -> Option<&[f64]> {
        let model = ctx.targets.get(label)?.model()?;
        match (&model.score, &model.prediction) {
            (Some(s), _) => Some(&s[..]),
            (None, Outcome::Values(v)) => Some(v.as_slice()),
            _ => None,
        }
    };
    let (a, b) = (numbers("reference")?, numbers("current")?);
    pairs
        .reference
        .iter()
        .zip(&pairs.current)
        .filter_map(|(&r, &c)| {
            let (x, y) = (*a.get(r as usize)?, *b.get(c as usize)?);
            (x.is_finite() && y.is_finite()).then(|| (x - y).abs())
        })
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))))
}

fn skew(ctx: &Context<'_>, pass: &Pass) -> Check {
    let (id, title) = SKEW;
    let cfg = &ctx.config.skew;
    if !cfg.join {
        return Check::skipped(
            id,
            title,
            "no join requested (give --skew or set [skew] join = true)",
        );
    }
    if ctx.plan.roles.id.is_none() {
        return Check::skipped(id, title, "no id column (name it with --id or [roles] id)");
    }
    let Some(pairs) = ctx.id_pairs() else {
        return Check::skipped(id, title, "reference or current has no id column");
    };
    let on = |m: Metric| m.dataset("current").against("reference");
    let mut metrics: Vec<Metric> = [
        ("skew_pairs", pairs.len()),
        ("skew_ids_only_in_reference", pairs.only_in_reference),
        ("skew_ids_only_in_current", pairs.only_in_current),
        ("skew_duplicate_ids", pairs.duplicate_ids),
    ]
    .into_iter()
    .filter_map(|(name, n)| Metric::new(name, n as f64).map(on))
    .collect();
    let severity: Status = cfg.severity.into();
    let judge = |v: f64, limit: f64| if v > limit { severity } else { Status::Pass };
    let mut findings = Vec::new();
    let mut features = Vec::new();
    for c in pass.with_role(Role::Feature) {
        let Some(cmp) = c
            .stats
            .get("skew")
            .and_then(|v| serde_json::from_value::<Comparison>(v.clone()).ok())
        else {
            continue;
        };
        let col = c.plan.name.as_str();
        let (matched, mismatched, one_side) = (
            cmp.match_share(),
            cmp.mismatch_share(),
            cmp.one_side_missing_share(),
        );
        metrics.extend(
            matched
                .and_then(|v| Metric::new("skew_match_share", v))
                .map(|m| on(m.column(col))),
        );
        if let Some(v) = mismatched {
            let status = judge(v, cfg.max_mismatch_share);
            metrics.extend(
                Metric::new("skew_mismatch_share", v)
                    .map(|m| on(m.column(col)).judged(cfg.max_mismatch_share, status)),
            );
            if status != Status::Pass {
                let largest = match (cmp.largest_difference, cmp.first_mismatch) {
                    (Some(d), Some(p)) => format!(
                        "; largest difference {} at {}",
                        display_number(d),
                        id_words(ctx, &pairs, p)
                    ),
                    (None, Some(p)) => format!("; first at {}", id_words(ctx, &pairs, p)),
                    _ => String::new(),
                };
                findings.push(format!(
                    "`{col}` differs in {} of the {} pairs with both values{largest}",
                    pct(v),
                    thousands(cmp.both_present)
                ));
            }
        }
        if let Some(v) = one_side {
            let status = judge(v, cfg.max_one_side_missing_share);
            metrics.extend(
                Metric::new("skew_one_side_missing_share", v)
                    .map(|m| on(m.column(col)).judged(cfg.max_one_side_missing_share, status)),
            );
            if status != Status::Pass {
                findings.push(format!(
                    "`{col}` is missing on one side only in {} of the {} pairs",
                    pct(v),
                    thousands(cmp.pairs)
                ));
            }
        }
        features.push(json!({
            "column": col,
            "pairs": cmp.pairs,
            "both_present": cmp.both_present,
            "match_share": matched,
            "mismatch_share": mismatched,
            "one_side_missing_share": one_side,
            "largest_difference": cmp.largest_difference,
            "largest_at": cmp.first_mismatch.map(|p| id_words(ctx, &pairs, p)),
        }));
    }
    let prediction = prediction_skew(ctx, &pairs);
    metrics.extend(
        prediction
            .and_then(|v| Metric::new("prediction_skew_max_abs", v))
            .map(on),
    );
    let message = if pairs.is_empty() {
        "no id is in both reference and current: nothing to pair".to_string()
    } else if findings.is_empty() {
        format!(
            "no skew in {} paired rows ({} features)",
            thousands(pairs.len()),
            features.len()
        )
    } else {
        findings.join("; ")
    };
    Check::judged(
        (id, title),
        message,
        metrics,
        json!({
            "pairs": pairs.len(),
            "only_in_reference": pairs.only_in_reference,
            "only_in_current": pairs.only_in_current,
            "duplicate_ids": pairs.duplicate_ids,
            "prediction_max_abs": prediction,
            "features": features,
            "findings": findings,
            "atol": cfg.atol,
            "rtol": cfg.rtol,
        }),
    )
}

/// The pairs of reference and current rows with the same id.
pub(super) fn pairs_of(ctx: &Context<'_>) -> Option<IdPairs> {
    let ids = |label: &str| ctx.targets.get(label)?.ids.as_ref();
    Some(id_pairs(ids("reference")?, ids("current")?))
}
