//! Leakage, including time travel (SPEC §3): rows, ids and times that one
//! dataset shares with an earlier one, features known after the prediction
//! time, and features that predict the label suspiciously well.

use serde_json::{json, Value};

use crate::columns::{MISSING, NO_INSTANT};
use crate::config::Task;
use crate::plan::Role;
use crate::report::{Check, Metric, Status};
use crate::stats::association::{
    auc_association_ordered, auc_association_split, categorical_auc_association, correlation_ratio,
    cramers_v, spearman, LabelBits,
};
use crate::targets::Outcome;
use crate::verdict::{self, Judged};

use super::{pct, thousands, ColumnData, Context, Family, Needs, Pass, View};

const LEAK: (&str, &str) = ("leakage", "Leakage and time travel");

/// The four overlap shares, time travel and label association.
pub struct Leakage;

impl Family for Leakage {
    fn name(&self) -> &'static str {
        "leakage"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[LEAK]
    }
    fn needs(&self) -> Needs {
        Needs {
            every_dataset: true,
            feature_hashes: true,
            no_pass: false,
        }
    }
    /// `label_association` of a feature in every dataset with a label.
    fn column(&self, col: &ColumnData<'_>, ctx: &Context<'_>) -> Option<Value> {
        if col.plan.role != Role::Feature {
            return None;
        }
        let task = ctx.targets.task()?;
        let mut out = Vec::new();
        for (i, view) in col.views.iter().enumerate() {
            let (Some(view), Some(meta)) = (view, ctx.datasets.get(i)) else {
                continue;
            };
            let Some(label) = ctx.targets.get(&meta.label).and_then(|t| t.label()) else {
                continue;
            };
            let order = col.orders.get(i).copied().flatten();
            let sorted = col.sorted.get(i).copied().flatten();
            let bits = ctx.label_bits(&meta.label);
            let ordered = order.zip(sorted).zip(bits.as_ref().as_ref());
            if let Some(v) = label_association(task, label, *view, ordered) {
                out.push(json!([meta.label, v]));
            }
        }
        (!out.is_empty()).then(|| json!(out))
    }
    fn build(&self, ctx: &Context<'_>, pass: &Pass) -> Vec<Check> {
        vec![leakage(ctx, pass)]
    }
}

/// A column's finite rows in value order and their values, and the label's
/// bits.
type Ordered<'a> = ((&'a [u32], &'a [f64]), &'a LabelBits);

/// SPEC §3 `label_association` of one feature in one dataset: binary →
/// |2·AUC − 1| (a categorical x replaced by its category's positive rate);
/// regression → |Spearman ρ| (numeric) or η (categorical); multiclass →
/// η of a numeric feature by class or Cramér's V of a categorical one. Rows with a missing or infinite value are left out.
/// `ordered`: the column's finite rows in value order and their values,
/// when the pass has them, and the label's bits (then no sort here).
fn label_association(
    task: Task,
    label: &Outcome,
    view: View<'_>,
    ordered: Option<Ordered<'_>>,
) -> Option<f64> {
    match (task, label, view) {
        (Task::Binary | Task::Auto, Outcome::Binary(y), View::Numeric(x)) => match ordered {
            Some(((order, sorted), bits)) => auc_association_ordered(order, sorted, bits),
            None => {
                let n = y.len().min(x.len());
                let (y, x) = (&y[..n], &x[..n]);
                let mut positives = class_values(y, x, 1);
                let mut negatives = class_values(y, x, 0);
                crate::stats::sort::sort_floats(&mut positives);
                crate::stats::sort::sort_floats(&mut negatives);
                auc_association_split(&positives, &negatives)
            }
        },
        (Task::Binary | Task::Auto, Outcome::Binary(y), View::Categorical(c)) => {
            let (ys, cs): (Vec<bool>, Vec<u32>) = y
                .iter()
                .zip(c)
                .filter(|(y, c)| **y < 2 && **c != MISSING)
                .map(|(y, c)| (*y == 1, *c))
                .unzip();
            categorical_auc_association(&cs, &ys)
        }
        (Task::Regression, Outcome::Values(y), View::Numeric(x)) => {
            let (ys, xs): (Vec<f64>, Vec<f64>) = y
                .iter()
                .zip(x)
                .filter(|(y, x)| y.is_finite() && x.is_finite())
                .map(|(y, x)| (*y, *x))
                .unzip();
            spearman(&xs, &ys).map(f64::abs)
        }
        // A multiclass label (SPEC §3 "Verdicts" rule 6): η of a numeric
        // feature grouped by class, Cramér's V of a categorical one.
        (Task::Multiclass, Outcome::Classes(y), View::Numeric(x)) => {
            let (cs, xs): (Vec<u32>, Vec<f64>) = y
                .iter()
                .zip(x)
                .filter(|(y, x)| **y != MISSING && x.is_finite())
                .map(|(y, x)| (*y, *x))
                .unzip();
            correlation_ratio(&cs, &xs)
        }
        (Task::Multiclass, Outcome::Classes(y), View::Categorical(c)) => {
            let (ys, cs): (Vec<u32>, Vec<u32>) = y
                .iter()
                .zip(c)
                .filter(|(y, c)| **y != MISSING && **c != MISSING)
                .map(|(y, c)| (*y, *c))
                .unzip();
            cramers_v(&ys, &cs)
        }
        (Task::Regression, Outcome::Values(y), View::Categorical(c)) => {
            let (ys, cs): (Vec<f64>, Vec<u32>) = y
                .iter()
                .zip(c)
                .filter(|(y, c)| y.is_finite() && **c != MISSING)
                .map(|(y, c)| (*y, *c))
                .unzip();
            correlation_ratio(&cs, &ys)
        }
        _ => None,
    }
}

/// The model's own association with the label on a dataset (SPEC §3
/// "Verdicts" rule 6), on the same scale as a feature's
/// `label_association`: |2·AUC − 1| of the score (binary), |Spearman ρ| of
/// the prediction (regression), Cramér's V of the predicted and true
/// classes (multiclass, and binary without a score).
fn model_association(ctx: &Context<'_>, dataset: &str) -> Option<f64> {
    use crate::targets::TaskData;
    let perf = ctx.perf(dataset);
    let data = &perf.as_ref().as_ref()?.data;
    match data {
        TaskData::Binary { score: Some(_), .. } => {
            super::performance::value_of(&ctx.metrics(dataset), "roc_auc")
                .map(|auc| (2.0 * auc - 1.0).abs())
        }
        TaskData::Binary { y, pred, .. } => {
            let (a, b): (Vec<u32>, Vec<u32>) = y
                .iter()
                .zip(pred)
                .map(|(y, p)| (u32::from(*y), u32::from(*p)))
                .unzip();
            cramers_v(&a, &b)
        }
        TaskData::Regression { y, pred } => spearman(pred, y).map(f64::abs),
        TaskData::Multiclass { y, pred } => cramers_v(y, pred),
    }
}

/// The finite x of the rows whose label is `class`, in row order (written
/// without a branch on the label, which is as good as random).
fn class_values(y: &[u8], x: &[f64], class: u8) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    let mut k = 0usize;
    for (y, x) in y.iter().zip(x) {
        out[k] = *x;
        k += usize::from(*y == class && x.is_finite());
    }
    out.truncate(k);
    out
}

/// The present values, sorted.
fn sorted_present<T: Copy + Ord>(values: impl Iterator<Item = Option<T>> + Clone) -> Vec<T> {
    // Counted first: a vector grown by doubling can take twice the room.
    let mut v: Vec<T> = Vec::with_capacity(values.clone().flatten().count());
    v.extend(values.flatten());
    crate::stats::sort::sort_words(&mut v);
    v
}

/// How many of `later` (sorted) some value of `earlier` (sorted) equals:
/// one merge walk.
fn count_present<T: PartialOrd + Copy>(earlier: &[T], later: &[T]) -> usize {
    let (mut i, mut n) = (0usize, 0usize);
    for &v in later {
        while i < earlier.len() && earlier[i] < v {
            i += 1;
        }
        if i < earlier.len() && earlier[i] == v {
            n += 1;
        }
    }
    n
}

fn instants(t: &[i64]) -> Vec<i64> {
    sorted_present(t.iter().map(|&v| (v != NO_INSTANT).then_some(v)))
}

/// Share of `later` instants before the last `earlier` one, and share equal
/// to some `earlier` one, over the later rows with a time, from both
/// datasets' sorted times; `None` when either has no time.
fn time_overlaps_sorted(a: &[i64], b: &[i64]) -> Option<(f64, f64)> {
    let max = *a.last()?;
    if b.is_empty() {
        return None;
    }
    let before = b.partition_point(|t| *t < max);
    let n = b.len() as f64;
    Some((before as f64 / n, count_present(a, b) as f64 / n))
}

/// Share of `later` instants before the last `earlier` one, and share equal
/// to some `earlier` one, over the later rows with a time; `None` when
/// either has no time.
#[cfg(test)]
fn time_overlaps(earlier: &[i64], later: &[i64]) -> Option<(f64, f64)> {
    time_overlaps_sorted(&instants(earlier), &instants(later))
}

/// Share of `later` ids that `earlier` has, over the later rows with an id.
#[cfg(test)]
fn id_overlap(earlier: &[Option<u64>], later: &[Option<u64>]) -> Option<f64> {
    let (a, b) = (
        sorted_present(earlier.iter().copied()),
        sorted_present(later.iter().copied()),
    );
    share_present(&a, &b)
}

/// `f` of each pair's two datasets' values, where both have them.
fn over_pairs<T, R>(
    pairs: &[(usize, usize)],
    values: &[Option<T>],
    f: impl Fn(&T, &T) -> Option<R>,
) -> Vec<Option<R>> {
    pairs
        .iter()
        .map(|&(a, b)| match (&values[a], &values[b]) {
            (Some(x), Some(y)) => f(x, y),
            _ => None,
        })
        .collect()
}

/// `count_present` over the later values; `None` without later values.
fn share_present(a: &[u64], b: &[u64]) -> Option<f64> {
    (!b.is_empty()).then(|| count_present(a, b) as f64 / b.len() as f64)
}

/// What an overlap is judged against: the share healthy data shows, the
/// rows it was measured on, and where it comes from (for the words).
type Baseline = (f64, u64, String);

/// Share of the values of two sorted lists, pooled, that occur more than
/// once in the pool: how often a row has a twin, whichever dataset it is
/// in (the overlap a random split of data with repeats shows by itself).
/// One merge walk over both lists, each run of equal values counted once.
fn pooled_duplicate_share(a: &[u64], b: &[u64]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut repeated) = (0, 0, 0usize);
    while i < a.len() || j < b.len() {
        let v = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        let (i0, j0) = (i, j);
        while a.get(i) == Some(&v) {
            i += 1;
        }
        while b.get(j) == Some(&v) {
            j += 1;
        }
        let run = (i - i0) + (j - j0);
        if run > 1 {
            repeated += run;
        }
    }
    repeated as f64 / total as f64
}

/// Share of `later` rows whose feature-tuple hash some `earlier` row has,
/// over all later rows.
pub fn row_overlap(earlier: &[u64], later: &[u64]) -> Option<f64> {
    let (a, b) = (
        sorted_present(earlier.iter().map(|h| Some(*h))),
        sorted_present(later.iter().map(|h| Some(*h))),
    );
    share_present(&a, &b)
}

/// Share of rows whose feature time is after the prediction time, over the
/// rows with both; `None` when no row has both.
pub fn time_travel(feature_time: &[i64], time: &[i64]) -> Option<f64> {
    let (mut both, mut after) = (0usize, 0usize);
    for (f, t) in feature_time.iter().zip(time) {
        if *f != NO_INSTANT && *t != NO_INSTANT {
            both += 1;
            after += usize::from(f > t);
        }
    }
    (both > 0).then(|| after as f64 / both as f64)
}

fn leakage(ctx: &Context<'_>, pass: &Pass) -> Check {
    let (id, title) = LEAK;
    let cfg = &ctx.config.leakage;
    let targets = ctx.targets;
    let mut metrics = Vec::new();
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let mut errors = Vec::new();
    let mut pairs = Vec::new();
    let judge = |v: f64, limit: f64, severity: Status| {
        if v > limit {
            severity
        } else {
            Status::Pass
        }
    };
    let overlap_severity: Status = cfg.overlap_severity.into();
    let n = ctx.datasets.len();
    // Each dataset's times, ids and feature hashes sorted once, for every
    // pair; one kind at a time, so that only one kind is held sorted.
    let per_dataset = |d: usize| targets.get(&ctx.datasets[d].label);
    let pair_list: Vec<(usize, usize)> = (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .collect();
    let time_shares: Vec<Option<(f64, f64)>> = {
        let times: Vec<Option<Vec<i64>>> = (0..n)
            .map(|d| per_dataset(d).and_then(|t| t.timestamps()).map(instants))
            .collect();
        over_pairs(&pair_list, &times, |x, y| time_overlaps_sorted(x, y))
    };
    let pooled_ids: Vec<Option<f64>>;
    let pooled_features: Vec<Option<f64>>;
    let id_shares: Vec<Option<f64>> = {
        let ids: Vec<Option<Vec<u64>>> = (0..n)
            .map(|d| {
                per_dataset(d)
                    .and_then(|t| t.ids.as_ref())
                    .map(|v| sorted_present(v.iter()))
            })
            .collect();
        pooled_ids = over_pairs(&pair_list, &ids, |x, y| Some(pooled_duplicate_share(x, y)));
        over_pairs(&pair_list, &ids, |x, y| share_present(x, y))
    };
    let has_features = pass.has_features();
    let feature_shares: Vec<Option<f64>> = {
        let features: Vec<Option<Vec<u64>>> = (0..n)
            .map(|d| {
                pass.hashes
                    .features
                    .get(d)
                    .filter(|h| !h.is_empty() && has_features)
                    .map(|h| sorted_present(h.iter().map(|x| Some(*x))))
            })
            .collect();
        pooled_features = pair_list
            .iter()
            .map(|&(a, b)| match (&features[a], &features[b]) {
                (Some(x), Some(y)) => Some(pooled_duplicate_share(x, y)),
                _ => None,
            })
            .collect();
        pair_list
            .iter()
            .map(|&(a, b)| {
                if !has_features {
                    return None;
                }
                let shared = pass
                    .hashes
                    .pair_extra
                    .iter()
                    .all(|p| (p.earlier, p.later) != (a, b));
                match (shared, &features[a], &features[b]) {
                    (true, Some(x), Some(y)) => share_present(x, y),
                    _ => pass
                        .hashes
                        .feature_pair(a, b)
                        .and_then(|(x, y)| row_overlap(&x, &y)),
                }
            })
            .collect()
    };
    for (k, &(a, b)) in pair_list.iter().enumerate() {
        let (la, lb) = (&ctx.datasets[a].label, &ctx.datasets[b].label);
        let (Some(_), Some(_)) = (targets.get(la), targets.get(lb)) else {
            continue;
        };
        let mut row = json!({ "dataset": lb, "against": la });
        let judged = la == "train" || cfg.judge_reference_current;
        let (nb, alpha) = (ctx.datasets[b].rows as u64, ctx.config.verdicts.alpha);
        let mut push = |name: &str, v: f64, limit: f64, words: String, base: Option<Baseline>| {
            row[name] = json!(v);
            let m = Metric::new(name, v).map(|m| m.dataset(lb).against(la));
            if !judged {
                if v > 0.0 {
                    notes.push(words);
                }
                metrics.extend(m);
                return;
            }
            let status = match base {
                // SPEC §3 "Verdicts" rule 3: an overlap judged against the
                // one healthy data shows (train–reference's for
                // train–current, else the pair's pooled repeats): its
                // excess must pass the limit and be significant.
                Some((share0, n0, from)) => {
                    let count = |share: f64, n: u64| (share * n as f64).round() as u64;
                    let p = verdict::proportion_greater(count(v, nb), nb, count(share0, n0), n0);
                    let j = Judged::new(
                        v - share0,
                        limit,
                        "two-proportion z-test against the baseline, one-sided",
                        Some(p),
                        alpha,
                    )
                    .strictly()
                    .against(share0);
                    row[format!("{name}_baseline")] = json!(share0);
                    let status = j.status(overlap_severity);
                    if status != Status::Pass {
                        findings.push(format!(
                            "{words}, against {} expected from {from} ({})",
                            pct(share0),
                            j.sureness()
                        ));
                    }
                    status
                }
                None => {
                    let status = judge(v, limit, overlap_severity);
                    if status != Status::Pass {
                        findings.push(words);
                    }
                    status
                }
            };
            metrics.extend(m.map(|m| m.judged(limit, status)));
        };
        // The baseline of a pair's overlap: train–reference's for
        // train–current, else the pair's pooled repeats.
        let tr_ref = (la == "train" && lb == "current")
            .then(|| {
                let r = ctx.index("reference")?;
                let k = pair_list.iter().position(|p| *p == (a, r))?;
                Some((k, ctx.datasets[r].rows as u64))
            })
            .flatten();
        let na = ctx.datasets[a].rows as f64;
        let base_of = |pairs: &[Option<f64>], pooled: &[Option<f64>]| -> Option<Baseline> {
            match tr_ref.and_then(|(k, n)| pairs[k].map(|s| (s, n, "train vs reference".into()))) {
                Some(x) => Some(x),
                // Under a random split a later row repeats an earlier one
                // when it has a twin in the pool and the twin fell in the
                // earlier dataset: q · n_a / (n_a + n_b − 1).
                None => pooled[k].map(|q| {
                    (
                        q * na / (na + nb as f64 - 1.0).max(1.0),
                        nb,
                        format!("the repeats within {la} and {lb}"),
                    )
                }),
            }
        };
        if let Some((before, equal)) = time_shares[k] {
            push(
                "temporal_overlap_share",
                before,
                cfg.max_temporal_overlap_share,
                format!(
                    "{} of {lb} rows are earlier than the last {la} row",
                    pct(before)
                ),
                None,
            );
            push(
                "timestamp_duplicate_share",
                equal,
                cfg.max_timestamp_duplicate_share,
                format!(
                    "{} of {lb} rows have a timestamp that {la} also has",
                    pct(equal)
                ),
                None,
            );
        }
        if let Some(v) = id_shares[k] {
            push(
                "id_overlap_share",
                v,
                cfg.max_id_overlap_share,
                format!("{} of {lb} rows have an id that is in {la}", pct(v)),
                base_of(&id_shares, &pooled_ids),
            );
        }
        if let Some(v) = feature_shares[k] {
            push(
                "feature_row_overlap_share",
                v,
                cfg.max_feature_row_overlap_share,
                format!(
                    "{} of {lb} rows repeat a {la} row feature for feature",
                    pct(v)
                ),
                base_of(&feature_shares, &pooled_features),
            );
        }
        pairs.push(row);
    }

    // Time travel: a feature known after the prediction time.
    let mut travel = Vec::new();
    let tt_severity: Status = cfg.time_travel_severity.into();
    for meta in &ctx.datasets {
        let Some(t) = targets.get(&meta.label) else {
            continue;
        };
        if let Some(Err(e)) = &t.timestamps {
            errors.push(e.clone());
            continue;
        }
        for (feature, times) in &t.feature_times {
            let times = match times {
                Ok(v) => v,
                Err(e) => {
                    errors.push(e.clone());
                    continue;
                }
            };
            let Some(ts) = t.timestamps() else {
                notes.push(format!(
                    "{}: no timestamp, so `{feature}`'s time cannot be compared",
                    meta.label
                ));
                continue;
            };
            let Some(v) = time_travel(times, ts) else {
                continue;
            };
            let status = judge(v, cfg.max_time_travel_share, tt_severity);
            if status != Status::Pass {
                findings.push(format!(
                    "`{feature}` is known after the prediction time in {} of {} rows",
                    pct(v),
                    meta.label
                ));
            }
            travel.push(json!({ "column": feature, "dataset": meta.label, "share": v }));
            metrics.extend(Metric::new("time_travel_share", v).map(|m| {
                m.column(feature)
                    .dataset(&meta.label)
                    .judged(cfg.max_time_travel_share, status)
            }));
        }
    }

    // Label association, from the column pass.
    let assoc_severity: Status = cfg.association_severity.into();
    let mut associations = Vec::new();
    for c in pass.with_role(Role::Feature) {
        let Some(list) = c.stats.get("leakage").and_then(Value::as_array) else {
            continue;
        };
        let values: Vec<(String, f64)> = list
            .iter()
            .filter_map(|e| Some((e.get(0)?.as_str()?.to_string(), e.get(1)?.as_f64()?)))
            .collect();
        let get = |d: &str| values.iter().find(|(l, _)| l == d).map(|(_, v)| *v);
        let base = get("train")
            .map(|v| ("train", v))
            .or(get("reference").map(|v| ("reference", v)));
        let col = c.plan.name.as_str();
        let mut row = json!({ "column": col });
        for (d, v) in &values {
            row[d.as_str()] = json!(v);
            let mut status = Status::Pass;
            let mut threshold = None;
            if d == "train" || d == "reference" {
                // SPEC §3 "Verdicts" rule 6: a feature that nearly
                // determines the label fails; a strong one warns only when
                // it is more associated with the label than the model's own
                // predictions are (a real predictor is not a leak).
                let own = model_association(ctx, d);
                threshold = Some(cfg.max_label_association);
                if *v >= cfg.severe_label_association {
                    status = assoc_severity;
                    findings.push(format!(
                        "`{col}` nearly determines the label in {d} (association {v:.3} ≥ {}): a leak?",
                        cfg.severe_label_association
                    ));
                } else if *v >= cfg.max_label_association && own.is_none_or(|m| *v > m) {
                    status = Status::Warn;
                    findings.push(format!(
                        "`{col}` is more associated with the label in {d} ({v:.3}) than the model's own predictions ({}): a leak?",
                        own.map_or("unknown".to_string(), |m| format!("{m:.3}"))
                    ));
                }
                if let Some(m) = own {
                    row[format!("model_{d}")] = json!(m);
                }
            } else if d == "current" {
                // A suspected leak in train (or reference) that vanishes
                // in current: judged only for a feature that was suspect.
                if let Some((bd, bv)) = base.filter(|(_, bv)| *bv >= cfg.max_label_association) {
                    threshold = Some(bv - cfg.max_label_association_drop);
                    if bv - v >= cfg.max_label_association_drop {
                        status = assoc_severity;
                        findings.push(format!(
                            "`{col}` predicts the label almost perfectly in {bd} ({bv:.2}) but not in current ({v:.2})"
                        ));
                    }
                }
            }
            metrics.extend(Metric::new("label_association", *v).map(|m| {
                let m = m.column(col).dataset(d);
                match threshold {
                    Some(t) => m.judged(t, status),
                    None => m,
                }
            }));
        }
        associations.push(row);
    }

    if metrics.is_empty() {
        let why = if errors.is_empty() {
            "nothing to compare: leakage needs two datasets with a timestamp, an id or features, a feature time ([roles.feature_time]) or labels"
                .to_string()
        } else {
            errors.join("; ")
        };
        let mut c = Check::skipped(id, title, why);
        if !errors.is_empty() {
            c.status = Status::Error;
        }
        return c;
    }
    let mut status = Check::status_from_metrics(&metrics);
    if !errors.is_empty() {
        status = Status::Error;
    }
    let rows: Vec<Value> = ctx
        .datasets
        .iter()
        .map(|d| json!({ "dataset": d.label, "rows": d.rows, "rows_text": thousands(d.rows) }))
        .collect();
    let message = if !errors.is_empty() {
        errors.join("; ")
    } else if findings.is_empty() {
        "no overlap between datasets, no time travel and no label leak found".to_string()
    } else {
        findings.join("; ")
    };
    let mut check = Check::judged(
        (id, title),
        message,
        metrics,
        json!({
            "findings": findings,
            "notes": notes,
            "datasets": rows,
            "pairs": pairs,
            "time_travel": travel,
            "label_association": associations,
            "task": targets.task().map(|t| format!("{t:?}").to_ascii_lowercase()),
        }),
    );
    check.status = status;
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: i64 = NO_INSTANT;

    #[test]
    fn time_overlaps_count_strictly_earlier_and_equal() {
        let (before, equal) = time_overlaps(&[1, 5, N], &[2, 5, 6, N]).expect("times");
        assert!((before - 1.0 / 3.0).abs() < 1e-15);
        assert!((equal - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(time_overlaps(&[N, N], &[1]), None);
        assert_eq!(time_overlaps(&[1], &[N]), None);
    }

    #[test]
    fn id_and_row_overlaps() {
        assert_eq!(
            id_overlap(&[Some(1), Some(2), None], &[Some(2), None, Some(3)]),
            Some(0.5)
        );
        assert_eq!(id_overlap(&[Some(1)], &[None]), None);
        assert_eq!(row_overlap(&[7, 8, 8], &[8, 9, 8, 1]), Some(0.5));
        assert_eq!(row_overlap(&[1], &[]), None);
    }

    #[test]
    fn time_travel_needs_both_times() {
        assert_eq!(time_travel(&[5, 1, N, 9], &[4, 2, 3, N]), Some(0.5));
        assert_eq!(time_travel(&[N], &[N]), None);
    }

    #[test]
    fn association_of_a_constant_label_is_none() {
        let y = Outcome::Binary(vec![1, 1, 1]);
        assert_eq!(
            label_association(Task::Binary, &y, View::Numeric(&[1.0, 2.0, 3.0]), None),
            None
        );
        let y = Outcome::Binary(vec![0, 1, 0, 1, 2]);
        let v = label_association(
            Task::Binary,
            &y,
            View::Numeric(&[1.0, 2.0, 1.5, 3.0, 9.0]),
            None,
        );
        assert_eq!(v, Some(1.0));
    }

    #[test]
    fn pooled_repeats_count_every_row_with_a_twin_in_either_list() {
        // pool [1, 2, 2, 3, 5, 5, 5, 7, 9]: the 2s and the 5s have twins.
        let share = pooled_duplicate_share(&[1, 2, 5, 7], &[2, 3, 5, 5, 9]);
        assert!((share - 5.0 / 9.0).abs() < 1e-15);
        assert_eq!(pooled_duplicate_share(&[1, 2], &[3]), 0.0);
        assert_eq!(pooled_duplicate_share(&[], &[]), 0.0);
        assert_eq!(pooled_duplicate_share(&[4, 4], &[]), 1.0);
    }

    #[test]
    fn a_multiclass_labels_association_is_eta_or_cramers_v() {
        // numpy: x grouped by g, sqrt(Σ n_g (x̄_g − x̄)² / Σ (x − x̄)²)
        let g = Outcome::Classes(vec![0, 0, 1, 1, 2, 2, 0, 1, 2, MISSING]);
        let x = [1.0, 2.0, 3.5, 0.5, 2.2, 4.1, 1.1, 3.3, 2.9, 100.0];
        let eta = label_association(Task::Multiclass, &g, View::Numeric(&x), None);
        crate::stats::assert_close(eta.expect("defined"), 0.5950288527320209, 1e-12);
        // scipy.stats.contingency.association(crosstab(a, b).count, method="cramer")
        let a = Outcome::Classes(vec![0, 0, 1, 1, 2, 2, 0, 1, 2, 0, 1, 2]);
        let b = [5, 5, 6, 6, 7, 5, 5, 6, 7, 7, 6, 7];
        let v = label_association(Task::Multiclass, &a, View::Categorical(&b), None);
        crate::stats::assert_close(v.expect("defined"), 0.7905694150420949, 1e-12);
    }
}
