//! Binary classification metrics (positive class = `true`).
//!
//! Inputs are row-aligned slices with missing rows already removed.

use crate::stats::association::{order_by_key, order_key};
use crate::stats::math::Det;

use serde::Serialize;

/// Confusion counts of a binary classifier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    pub tp: u64,
    pub fp: u64,
    pub tn: u64,
    pub fn_: u64,
}

impl Confusion {
    /// Count the four cells. Slices of unequal length are compared up to the shorter.
    pub fn from_labels(y_true: &[bool], y_pred: &[bool]) -> Self {
        let mut c = Confusion::default();
        for (&t, &p) in y_true.iter().zip(y_pred) {
            match (t, p) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (false, false) => c.tn += 1,
                (true, false) => c.fn_ += 1,
            }
        }
        c
    }
    /// Number of rows counted.
    pub fn total(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }
    /// (tp + tn) / n; `None` when empty.
    pub fn accuracy(&self) -> Option<f64> {
        ratio(self.tp + self.tn, self.total())
    }
    /// tp / (tp + fp), 0 when undefined (as sklearn's `zero_division=0`).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp).unwrap_or(0.0)
    }
    /// tp / (tp + fn), 0 when undefined.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_).unwrap_or(0.0)
    }
    /// 2·tp / (2·tp + fp + fn), 0 when undefined (as `sklearn.metrics.f1_score`).
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_).unwrap_or(0.0)
    }
    /// fp / (fp + tn); `None` without negatives.
    pub fn fpr(&self) -> Option<f64> {
        ratio(self.fp, self.fp + self.tn)
    }
    /// tp / (tp + fn); `None` without positives.
    pub fn tpr(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// Share predicted positive; `None` when empty.
    pub fn selection_rate(&self) -> Option<f64> {
        ratio(self.tp + self.fp, self.total())
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Cumulative true/false positive counts at each distinct score threshold,
/// scores taken in decreasing order (as sklearn's `_binary_clf_curve`).
/// Returns (threshold, tps, fps) triples, last one covering all rows.
/// Scores must be finite (callers drop the others). One sort of the
/// rows by score (8 bytes a row, [`score_steps`]), O(n log n): ROC AUC runs once
/// per feature and dataset (label association) and per chunk, on up to
/// millions of rows.
pub fn threshold_counts(y_true: &[bool], score: &[f64]) -> Vec<(f64, u64, u64)> {
    let order = score_order(y_true, score);
    let distinct = distinct_scores(&order, score);
    let mut out = Vec::with_capacity(distinct);
    score_steps(&order, y_true, score, |s, tps, fps| out.push((s, tps, fps)));
    out
}

/// How many distinct scores the [`score_order`] `order` holds.
fn distinct_scores(order: &[u32], score: &[f64]) -> usize {
    (0..order.len())
        .filter(|&k| k == 0 || score[order[k - 1] as usize] != score[order[k] as usize])
        .count()
}

/// [`threshold_counts`] without holding the triples (24 bytes a distinct
/// score) or the rows' order: one byte a row in score order (the row's
/// label, and whether it is the last row of its score), walked from the
/// highest score for each measure. The measures are those of the triples
/// ([`roc_auc`], [`average_precision`], [`roc_curve`], [`pr_curve`]), bit
/// for bit.
pub struct Thresholds {
    steps: Vec<u8>,
    distinct: usize,
    positives: u64,
}

/// A [`Thresholds`] step: the row is a positive.
const POSITIVE: u8 = 1;
/// A [`Thresholds`] step: the row ends its score's group (walking down).
const LAST_OF_SCORE: u8 = 2;

impl Thresholds {
    /// The thresholds of finite `score`s (up to the shorter slice).
    pub fn new(y_true: &[bool], score: &[f64]) -> Self {
        let order = score_order(y_true, score);
        let steps: Vec<u8> = (0..order.len())
            .map(|k| {
                let i = order[k] as usize;
                let last = k == 0 || score[order[k - 1] as usize] != score[i];
                u8::from(y_true[i]) | if last { LAST_OF_SCORE } else { 0 }
            })
            .collect();
        let distinct = steps.iter().filter(|&&b| b & LAST_OF_SCORE != 0).count();
        let positives = steps.iter().filter(|&&b| b & POSITIVE != 0).count() as u64;
        Thresholds {
            steps,
            distinct,
            positives,
        }
    }

    /// The number of distinct scores (of triples).
    pub fn len(&self) -> usize {
        self.distinct
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.distinct == 0
    }

    /// The (tps, fps) of each triple, the highest score first, as the
    /// measures' cores take them.
    fn steps(&self) -> impl FnOnce(&mut dyn FnMut(u64, u64)) + '_ {
        move |step| {
            let (mut tps, mut fps) = (0u64, 0u64);
            for &b in self.steps.iter().rev() {
                if b & POSITIVE != 0 {
                    tps += 1;
                } else {
                    fps += 1;
                }
                if b & LAST_OF_SCORE != 0 {
                    step(tps, fps);
                }
            }
        }
    }

    /// The totals (positives, negatives): the last triple's counts.
    fn totals(&self) -> (u64, u64) {
        (self.positives, self.steps.len() as u64 - self.positives)
    }

    /// [`roc_auc`] of the triples.
    pub fn roc_auc(&self) -> Option<f64> {
        let (p, n) = self.totals();
        roc_area(p, n, self.steps())
    }

    /// [`average_precision`] of the triples.
    pub fn average_precision(&self) -> Option<f64> {
        (!self.is_empty()).then(|| precision_sum(self.totals().0, self.steps()))
    }

    /// [`roc_curve`] of the triples.
    pub fn roc_curve(&self, max: usize) -> Vec<(f64, f64)> {
        let (p, n) = self.totals();
        roc_points(self.len(), p, n, max, self.steps())
    }

    /// [`pr_curve`] of the triples.
    pub fn pr_curve(&self, max: usize) -> Vec<(f64, f64)> {
        pr_points(self.len(), self.totals().0, max, self.steps())
    }
}

/// A walk of the triples' (tps, fps) as the measures' cores take it.
fn steps_of(counts: &[(f64, u64, u64)]) -> impl FnOnce(&mut dyn FnMut(u64, u64)) + '_ {
    move |step| counts.iter().for_each(|&(_, t, f)| step(t, f))
}

/// The rows of the scores up to the shorter slice, ascending, ties in row
/// order (−0.0 just before 0.0: one threshold, as `!=` tells them).
fn score_order(y_true: &[bool], score: &[f64]) -> Vec<u32> {
    let n = y_true.len().min(score.len());
    order_by_key(n, |i| Some(order_key(score[i])))
}

/// [`threshold_counts`]' triples one by one from the [`score_order`],
/// without holding them: `f` is called with each distinct score from the
/// highest down and the positives and negatives at or above it.
fn score_steps(order: &[u32], y_true: &[bool], score: &[f64], mut f: impl FnMut(f64, u64, u64)) {
    let (mut tps, mut fps) = (0u64, 0u64);
    for (k, &i) in order.iter().enumerate().rev() {
        let (s, y) = (score[i as usize], y_true[i as usize]);
        if y {
            tps += 1;
        } else {
            fps += 1;
        }
        let last_of_group = k == 0 || score[order[k - 1] as usize] != s;
        if last_of_group {
            f(s, tps, fps);
        }
    }
}

/// [`roc_auc`] of [`threshold_counts`]`(y_true, score)`, the same value,
/// without holding the thresholds (the deciding metric of the stress
/// slices, the leakage and model checks' AUCs).
pub fn roc_auc_of(y_true: &[bool], score: &[f64]) -> Option<f64> {
    let n = y_true.len().min(score.len());
    let p = y_true[..n].iter().filter(|y| **y).count() as u64;
    roc_area(p, n as u64 - p, |step| {
        score_steps(&score_order(y_true, score), y_true, score, |_, t, f| {
            step(t, f)
        })
    })
}

/// Area under the ROC curve by the trapezoidal rule over all distinct
/// thresholds, as `sklearn.metrics.roc_auc_score`. `None` unless both classes occur.
pub fn roc_auc(counts: &[(f64, u64, u64)]) -> Option<f64> {
    let &(_, p, n) = counts.last()?;
    roc_area(p, n, steps_of(counts))
}

/// The ROC AUC of `p` positives and `n` negatives from the cumulative
/// (tps, fps) at each threshold, highest first, that `walk` gives `step`.
/// `None` unless both classes occur.
fn roc_area(p: u64, n: u64, walk: impl FnOnce(&mut dyn FnMut(u64, u64))) -> Option<f64> {
    if p == 0 || n == 0 {
        return None;
    }
    // Twice the area in units of one positive × one negative, exactly. Every
    // partial sum is at most 2·p·n: in u64 when that fits (u128 arithmetic
    // is a library call in wasm32), else in u128.
    let wide = p.checked_mul(n).and_then(|x| x.checked_mul(2)).is_none();
    let (mut area, mut wide_area, mut prev) = (0u64, 0u128, (0u64, 0u64));
    walk(&mut |t, f| {
        let (df, h) = (f - prev.1, t + prev.0);
        prev = (t, f);
        if wide {
            wide_area += u128::from(df) * u128::from(h);
        } else {
            area += df * h;
        }
    });
    let area2 = if wide { wide_area as f64 } else { area as f64 };
    Some(area2 / (2.0 * p as f64 * n as f64))
}

/// Average precision Σ_k (R_k − R_{k−1})·P_k over distinct thresholds in
/// decreasing order, as `sklearn.metrics.average_precision_score`: 0 without
/// positives (as sklearn), `None` for no rows.
pub fn average_precision(counts: &[(f64, u64, u64)]) -> Option<f64> {
    let &(_, p, _) = counts.last()?;
    Some(precision_sum(p, steps_of(counts)))
}

/// The average precision of `p` positives from the cumulative (tps, fps)
/// at each threshold, highest first, that `walk` gives (0 without
/// positives).
fn precision_sum(p: u64, walk: impl FnOnce(&mut dyn FnMut(u64, u64))) -> f64 {
    if p == 0 {
        return 0.0;
    }
    let mut ap = 0.0;
    let mut prev_t = 0u64;
    walk(&mut |t, f| {
        if t > prev_t {
            let precision = t as f64 / (t + f) as f64;
            ap += (t - prev_t) as f64 / p as f64 * precision;
        }
        prev_t = t;
    });
    ap
}

/// Mean binary cross-entropy with scores clipped to [1e-15, 1 − 1e-15]
/// (as `sklearn.metrics.log_loss` with that clipping). `None` when empty.
pub fn log_loss(y_true: &[bool], score: &[f64]) -> Option<f64> {
    let n = y_true.len().min(score.len());
    if n == 0 {
        return None;
    }
    let total = super::stable_sum(y_true.iter().zip(score).map(|(&y, &s)| row_log_loss(y, s)));
    Some(total / n as f64)
}

/// One row's binary cross-entropy −ln(s) for a positive, −ln(1 − s) for a
/// negative, the score clipped to [1e-15, 1 − 1e-15] as in [`log_loss`]
/// (whose mean it is). NaN for a NaN score.
pub fn row_log_loss(y: bool, score: f64) -> f64 {
    const EPS: f64 = 1e-15;
    let s = score.clamp(EPS, 1.0 - EPS);
    if y {
        -s.d_ln()
    } else {
        -(1.0 - s).d_ln()
    }
}

/// Brier score: mean (score − label)², as `sklearn.metrics.brier_score_loss`.
/// `None` when empty.
pub fn brier(y_true: &[bool], score: &[f64]) -> Option<f64> {
    let n = y_true.len().min(score.len());
    if n == 0 {
        return None;
    }
    let total = super::stable_sum(y_true.iter().zip(score).map(|(&y, &s)| {
        let d = s - if y { 1.0 } else { 0.0 };
        d * d
    }));
    Some(total / n as f64)
}

/// One bin of a calibration curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// Lower edge of the score bin.
    pub lower: f64,
    /// Upper edge of the score bin.
    pub upper: f64,
    /// Rows in the bin.
    pub count: u64,
    /// Mean score of the rows in the bin (0 when empty).
    pub mean_score: f64,
    /// Share of positives among the rows in the bin (0 when empty).
    pub positive_rate: f64,
}

/// Ten equal-width score bins, bin = min(floor(10·score), 9) (scores below 0
/// go to bin 0). Used for the calibration curve and [`ece`].
pub fn calibration_bins(y_true: &[bool], score: &[f64]) -> Vec<CalibrationBin> {
    let mut count = [0u64; 10];
    let mut sum_s = [0.0f64; 10];
    let mut sum_y = [0.0f64; 10];
    for (&y, &s) in y_true.iter().zip(score) {
        let b = ((10.0 * s).floor().max(0.0) as usize).min(9);
        count[b] += 1;
        sum_s[b] += s;
        sum_y[b] += if y { 1.0 } else { 0.0 };
    }
    (0..10)
        .map(|b| {
            let c = count[b];
            let mean = |s: f64| if c == 0 { 0.0 } else { s / c as f64 };
            CalibrationBin {
                lower: b as f64 / 10.0,
                upper: (b + 1) as f64 / 10.0,
                count: c,
                mean_score: mean(sum_s[b]),
                positive_rate: mean(sum_y[b]),
            }
        })
        .collect()
}

/// Expected calibration error Σ_b (n_b/n)·|mean(label_b) − mean(score_b)| over
/// [`calibration_bins`]. `None` when empty.
pub fn ece(bins: &[CalibrationBin]) -> Option<f64> {
    let n: u64 = bins.iter().map(|b| b.count).sum();
    if n == 0 {
        return None;
    }
    Some(
        bins.iter()
            .map(|b| b.count as f64 / n as f64 * (b.positive_rate - b.mean_score).abs())
            .sum(),
    )
}

/// Points of the ROC curve (fpr, tpr), starting at (0, 0), at most `max`
/// of them ([`downsample_by`]; made only for the points kept).
pub fn roc_curve(counts: &[(f64, u64, u64)], max: usize) -> Vec<(f64, f64)> {
    let Some(&(_, p, n)) = counts.last() else {
        return Vec::new();
    };
    roc_points(counts.len(), p, n, max, steps_of(counts))
}

/// Points of the precision–recall curve (recall, precision), starting at
/// (0, 1), at most `max` of them ([`downsample_by`]).
pub fn pr_curve(counts: &[(f64, u64, u64)], max: usize) -> Vec<(f64, f64)> {
    let Some(&(_, p, _)) = counts.last() else {
        return Vec::new();
    };
    pr_points(counts.len(), p, max, steps_of(counts))
}

/// [`roc_curve`] of the `len` triples that `walk` gives, `p` positives and
/// `n` negatives in all.
fn roc_points(
    len: usize,
    p: u64,
    n: u64,
    max: usize,
    walk: impl FnOnce(&mut dyn FnMut(u64, u64)),
) -> Vec<(f64, f64)> {
    let (p, n) = (p.max(1) as f64, n.max(1) as f64);
    curve_points(len, max, (0.0, 0.0), walk, |t, f| {
        (f as f64 / n, t as f64 / p)
    })
}

/// [`pr_curve`] of the `len` triples that `walk` gives, `p` positives.
fn pr_points(
    len: usize,
    p: u64,
    max: usize,
    walk: impl FnOnce(&mut dyn FnMut(u64, u64)),
) -> Vec<(f64, f64)> {
    let p = p.max(1) as f64;
    curve_points(len, max, (0.0, 1.0), walk, |t, f| {
        (t as f64 / p, t as f64 / (t + f).max(1) as f64)
    })
}

/// The points [`downsample_by`] keeps of a curve of `len + 1` points:
/// `start`, then `point(tps, fps)` of each of the `len` triples `walk`
/// gives, made only for the ones kept (their indices increase, so one walk
/// picks them). Empty when `len` is 0.
fn curve_points(
    len: usize,
    max: usize,
    start: (f64, f64),
    walk: impl FnOnce(&mut dyn FnMut(u64, u64)),
    point: impl Fn(u64, u64) -> (f64, f64),
) -> Vec<(f64, f64)> {
    if len == 0 {
        return Vec::new();
    }
    let picks = downsample_by(len + 1, max, |k| k);
    let mut out = Vec::with_capacity(picks.len());
    let mut picks = picks.into_iter().peekable();
    if picks.next_if_eq(&0).is_some() {
        out.push(start);
    }
    let mut k = 0;
    walk(&mut |t, f| {
        k += 1;
        if picks.next_if_eq(&k).is_some() {
            out.push(point(t, f));
        }
    });
    out
}

/// Keep at most `max` points, evenly spaced by index, always keeping the
/// first and the last.
pub fn downsample<T: Copy>(points: &[T], max: usize) -> Vec<T> {
    downsample_by(points.len(), max, |k| points[k])
}

/// [`downsample`] of the `len` points that `point(k)` makes, making only
/// the ones kept: all of them when `len ≤ max` (or `max` < 2), else the
/// points k·(len − 1)/(max − 1) for k = 0 … max − 1.
pub fn downsample_by<T>(len: usize, max: usize, point: impl Fn(usize) -> T) -> Vec<T> {
    if len <= max || max < 2 {
        return (0..len).map(point).collect();
    }
    let last = len - 1;
    (0..max).map(|k| point(k * last / (max - 1))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    const Y: [bool; 8] = [true, false, true, true, false, false, true, false];
    const P: [bool; 8] = [true, false, false, true, true, false, true, false];
    const S: [f64; 8] = [0.9, 0.1, 0.4, 0.8, 0.65, 0.3, 0.65, 0.2];

    // Expected values from sklearn 1.9.1 on Y, P, S above.
    #[test]
    fn confusion_metrics_match_sklearn() {
        let c = Confusion::from_labels(&Y, &P);
        assert_eq!((c.tp, c.fp, c.tn, c.fn_), (3, 1, 3, 1));
        assert_eq!(c.accuracy(), Some(0.75));
        assert_eq!(c.precision(), 0.75);
        assert_eq!(c.recall(), 0.75);
        assert_eq!(c.f1(), 0.75);
    }

    #[test]
    fn undefined_precision_is_zero() {
        let c = Confusion::from_labels(&[true, false], &[false, false]);
        assert_eq!(c.precision(), 0.0);
        assert_eq!(c.f1(), 0.0);
        assert_eq!(Confusion::default().accuracy(), None);
    }

    #[test]
    fn score_metrics_match_sklearn() {
        let counts = threshold_counts(&Y, &S);
        // roc_auc_score(Y, S) == 0.90625 ; average_precision_score(Y, S) == 0.8875
        assert_close(roc_auc(&counts).expect("both classes"), 0.90625, 1e-15);
        assert_close(
            average_precision(&counts).expect("positives"),
            0.8875,
            1e-15,
        );
        // log_loss(Y, S) == 0.42632235629351145 ; brier_score_loss(Y, S) == 0.136875
        assert_close(log_loss(&Y, &S).expect("rows"), 0.42632235629351145, 1e-14);
        assert_close(brier(&Y, &S).expect("rows"), 0.136875, 1e-14);
    }

    #[test]
    fn thresholds_and_streamed_auc_match_the_sorted_pairs() {
        // The form before the compact order: a stable sort of (score, label)
        // pairs walked from the top.
        fn by_pairs(y: &[bool], s: &[f64]) -> Vec<(f64, u64, u64)> {
            let mut pairs: Vec<(f64, bool)> = s.iter().copied().zip(y.iter().copied()).collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (mut out, mut t, mut f) = (Vec::new(), 0, 0);
            for (k, &(v, y)) in pairs.iter().enumerate().rev() {
                if y {
                    t += 1;
                } else {
                    f += 1;
                }
                if k == 0 || pairs[k - 1].0 != v {
                    out.push((v, t, f));
                }
            }
            out
        }
        let mut next = crate::stats::xorshift(0x9e37_79b9_7f4a_7c15u64);
        for case in 0..10 {
            let n = [0usize, 1, 2, 7, 300, 5000][case % 6] + case;
            let y: Vec<bool> = (0..n).map(|_| next().is_multiple_of(3)).collect();
            let s: Vec<f64> = (0..n)
                .map(|i| match next() % 5 {
                    0 if i % 2 == 0 => -0.0,
                    0 => 0.0,
                    1 => (next() % 4) as f64 / 4.0,
                    _ => (next() >> 11) as f64 / (1u64 << 53) as f64 - 0.5,
                })
                .collect();
            let (got, want) = (threshold_counts(&y, &s), by_pairs(&y, &s));
            let bits = |v: &[(f64, u64, u64)]| -> Vec<(u64, u64, u64)> {
                v.iter().map(|&(a, b, c)| (a.to_bits(), b, c)).collect()
            };
            assert_eq!(bits(&got), bits(&want), "case {case}");
            assert_eq!(
                roc_auc_of(&y, &s).map(f64::to_bits),
                roc_auc(&want).map(f64::to_bits),
                "case {case}"
            );
        }
    }

    #[test]
    fn walked_thresholds_measure_as_the_triples_bit_for_bit() {
        let mut next = crate::stats::xorshift(0x6a09_e667_f3bc_c908u64);
        for n in [0usize, 1, 2, 9, 300, 4000] {
            for ties in [2u64, 50, 0] {
                let y: Vec<bool> = (0..n).map(|_| next().is_multiple_of(3)).collect();
                let s: Vec<f64> = (0..n)
                    .map(|_| match ties {
                        0 => (next() >> 11) as f64 / (1u64 << 53) as f64,
                        t => (next() % t) as f64 / t as f64,
                    })
                    .collect();
                let (walked, counts) = (Thresholds::new(&y, &s), threshold_counts(&y, &s));
                assert_eq!(walked.len(), counts.len());
                let bits = |v: Option<f64>| v.map(f64::to_bits);
                assert_eq!(bits(walked.roc_auc()), bits(roc_auc(&counts)), "n {n}");
                let ap = (walked.average_precision(), average_precision(&counts));
                assert_eq!(bits(ap.0), bits(ap.1), "n {n}");
                for max in [0, 1, 2, 7, 200, 10_000] {
                    let pts = |v: Vec<(f64, f64)>| -> Vec<(u64, u64)> {
                        v.iter().map(|(a, b)| (a.to_bits(), b.to_bits())).collect()
                    };
                    let roc = (walked.roc_curve(max), roc_curve(&counts, max));
                    assert_eq!(pts(roc.0), pts(roc.1), "n {n} max {max}");
                    let pr = (walked.pr_curve(max), pr_curve(&counts, max));
                    assert_eq!(pts(pr.0), pts(pr.1), "n {n} max {max}");
                }
            }
        }
    }

    #[test]
    fn curves_are_their_points_downsampled() {
        let counts = threshold_counts(&Y, &S);
        let (p, n) = (4.0, 4.0);
        let roc: Vec<(f64, f64)> = std::iter::once((0.0, 0.0))
            .chain(counts.iter().map(|&(_, t, f)| (f as f64 / n, t as f64 / p)))
            .collect();
        let pr: Vec<(f64, f64)> = std::iter::once((0.0, 1.0))
            .chain(
                counts
                    .iter()
                    .map(|&(_, t, f)| (t as f64 / p, t as f64 / (t + f) as f64)),
            )
            .collect();
        for max in [0, 1, 2, 3, 5, 100] {
            assert_eq!(roc_curve(&counts, max), downsample(&roc, max), "max {max}");
            assert_eq!(pr_curve(&counts, max), downsample(&pr, max), "max {max}");
        }
        assert_eq!(roc_curve(&counts, 100).len(), counts.len() + 1);
        assert!(roc_curve(&[], 5).is_empty() && pr_curve(&[], 5).is_empty());
    }

    #[test]
    fn one_class_has_no_auc() {
        let counts = threshold_counts(&[true, true], &[0.2, 0.4]);
        assert_eq!(roc_auc(&counts), None);
        // average_precision_score([0], [0.2]) == 0.0 (sklearn 1.9.1)
        assert_eq!(
            average_precision(&threshold_counts(&[false], &[0.2])),
            Some(0.0)
        );
        assert_eq!(average_precision(&[]), None);
    }

    #[test]
    fn ece_by_definition() {
        let bins = calibration_bins(&[true, false, true], &[0.95, 0.05, 1.0]);
        // bin 9: scores 0.95, 1.0 mean 0.975, labels mean 1 -> 2/3 * 0.025
        // bin 0: score 0.05, label 0 -> 1/3 * 0.05
        let expected = 2.0 / 3.0 * 0.025 + 1.0 / 3.0 * 0.05;
        assert_close(ece(&bins).expect("rows"), expected, 1e-12);
        assert_eq!(ece(&calibration_bins(&[], &[])), None);
    }

    #[test]
    fn downsample_keeps_ends() {
        let v: Vec<u32> = (0..1000).collect();
        let d = downsample(&v, 5);
        assert_eq!(d, vec![0, 249, 499, 749, 999]);
        assert_eq!(downsample(&v[..3], 5), vec![0, 1, 2]);
    }
}
