//! Performance without labels: confidence-based performance estimation.
//!
//! The idea of NannyML's CBPE: with calibrated probabilities p̂ of the
//! positive class, each row contributes p̂ of a positive and 1 − p̂ of a
//! negative, so the confusion matrix and the ROC curve have expected values
//! that need no labels (SPEC §3 "Performance without labels").

use super::association::{order_by_key, order_key};
use serde::Serialize;

/// Expected confusion cells from predicted classes and calibrated
/// probabilities: TP = Σ_{ŷ=1} p̂, FP = Σ_{ŷ=1} (1 − p̂), FN = Σ_{ŷ=0} p̂,
/// TN = Σ_{ŷ=0} (1 − p̂).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExpectedConfusion {
    pub tp: f64,
    pub fp: f64,
    pub tn: f64,
    pub fn_: f64,
    /// Rows counted.
    pub n: u64,
}

impl ExpectedConfusion {
    /// Sum the four expected cells over the rows (`pred` the predicted
    /// class, `p` the calibrated probability of the positive class), with
    /// compensated sums ([`super::stable_sum`]) so the result does not depend
    /// on the row order beyond the last bit. Slices of unequal length are
    /// used up to the shorter. `None` for no rows.
    pub fn from_probabilities(pred: &[bool], p: &[f64]) -> Option<Self> {
        let n = pred.len().min(p.len());
        if n == 0 {
            return None;
        }
        let rows = || pred.iter().zip(p).map(|(&y, &q)| (y, q));
        let sum = |class: bool, positive: bool| {
            super::stable_sum(rows().filter(|&(y, _)| y == class).map(|(_, q)| {
                if positive {
                    q
                } else {
                    1.0 - q
                }
            }))
        };
        Some(ExpectedConfusion {
            tp: sum(true, true),
            fp: sum(true, false),
            tn: sum(false, false),
            fn_: sum(false, true),
            n: n as u64,
        })
    }

    /// Estimated accuracy (TP + TN) / n.
    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.n as f64)
    }

    /// Estimated precision TP / (TP + FP), 0 when the denominator is 0.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// Estimated recall TP / (TP + FN), 0 when the denominator is 0.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// Estimated F1 2·TP / (2·TP + FP + FN), 0 when the denominator is 0.
    pub fn f1(&self) -> f64 {
        ratio(2.0 * self.tp, 2.0 * self.tp + self.fp + self.fn_)
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

/// Estimated ROC AUC from the uncalibrated `score` (which orders the rows)
/// and the calibrated probabilities `p` (SPEC §3), as this numpy code:
///
/// ```text
/// order = np.argsort(-score, kind="stable")      # descending, ties keep row order
/// tps = np.concatenate([[0.0], np.cumsum(p[order])])
/// fps = np.arange(n + 1) - tps
/// tpr = tps / tps[-1]
/// fpr = fps / fps[-1]
/// auc = np.trapezoid(tpr, fpr)                   # np.trapz before numpy 2
/// ```
///
/// No tie grouping: rows with equal scores are separate steps in row order.
/// The operations are numpy's in numpy's order, so the result is its bits:
/// the cumulative sum is plain left-to-right addition (`np.cumsum`), and the
/// trapezoid sum `Σ (fpr_{i+1} − fpr_i)·(tpr_{i+1} + tpr_i) / 2` uses numpy's
/// pairwise summation (`np.add.reduce`). −0.0 sorts as 0.0 (as numpy).
///
/// Slices of unequal length are used up to the shorter. `None` when
/// tps[n] = 0 or fps[n] = 0 (no expected positives or negatives; this
/// includes no rows). The caller passes finite values.
pub fn estimated_roc_auc(score: &[f64], p: &[f64]) -> Option<f64> {
    let n = score.len().min(p.len());
    // Descending, ties in row order: the stable order of the negated key
    // (one sort of 8 bytes a row).
    let order = order_by_key(n, |i| Some(order_key(-(score[i] + 0.0))));
    let mut tps = Vec::with_capacity(n + 1);
    tps.push(0.0f64);
    let mut acc = 0.0f64;
    for &i in &order {
        acc += p[i as usize];
        tps.push(acc);
    }
    drop(order);
    // fps_i = i − tps_i; tpr = tps / tps[n], fpr = fps / fps[n].
    let tp_total = *tps.last()?;
    let fp_total = n as f64 - tp_total;
    if tp_total == 0.0 || fp_total == 0.0 {
        return None;
    }
    // The trapezoid terms, written over tps in place (term i reads tps_i
    // and tps_{i+1}, which no earlier term overwrote).
    for i in 0..n {
        let (t0, t1) = (tps[i], tps[i + 1]);
        let (y0, y1) = (t0 / tp_total, t1 / tp_total);
        let (x0, x1) = ((i as f64 - t0) / fp_total, ((i + 1) as f64 - t1) / fp_total);
        tps[i] = (x1 - x0) * (y1 + y0) / 2.0;
    }
    tps.truncate(n);
    Some(numpy_pairwise_sum(&tps))
}

/// `np.add.reduce` of a contiguous float64 array: 0 plus numpy's pairwise
/// sum (`pairwise_sum` in numpy's `loops_utils.h.src`): plain for fewer than
/// 8 values, 8 interleaved accumulators up to 128, else split in two at a
/// multiple of 8 below the half.
fn numpy_pairwise_sum(a: &[f64]) -> f64 {
    0.0 + pairwise(a)
}

fn pairwise(a: &[f64]) -> f64 {
    const BLOCK: usize = 128;
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &v in a {
            res += v;
        }
        res
    } else if n <= BLOCK {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let full = n - n % 8;
        for chunk in a[8..full].chunks_exact(8) {
            for (acc, &v) in r.iter_mut().zip(chunk) {
                *acc += v;
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[full..] {
            res += v;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise(&a[..n2]) + pairwise(&a[n2..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    // Expected values from numpy 2.4.6 with the snippet in the doc of
    // `estimated_roc_auc`, and for the cells `math.fsum` over the rows.
    const S: [f64; 20] = [
        0.9, 0.1, 0.4, 0.8, 0.4, 0.3, 0.7, 0.2, 0.6, 0.5, 0.4, 0.9, 0.3, 0.1, 0.8, 0.6, 0.2, 0.7,
        0.5, 0.6,
    ];
    const P: [f64; 20] = [
        0.85, 0.12, 0.35, 0.8, 0.35, 0.22, 0.7, 0.15, 0.61, 0.5, 0.35, 0.85, 0.22, 0.12, 0.8, 0.61,
        0.15, 0.7, 0.5, 0.61,
    ];

    fn pred(s: &[f64]) -> Vec<bool> {
        s.iter().map(|&v| v >= 0.5).collect()
    }

    /// i·37 mod 101 / 100 and i·53 mod 97 / 96 for i in 0..300 (more than
    /// 128 trapezoids, so numpy's pairwise sum splits).
    fn long_case() -> (Vec<f64>, Vec<f64>) {
        let s = (0..300u32)
            .map(|i| f64::from((i * 37) % 101) / 100.0)
            .collect();
        let p = (0..300u32)
            .map(|i| f64::from((i * 53) % 97) / 96.0)
            .collect();
        (s, p)
    }

    #[test]
    fn estimated_metrics_by_definition() {
        let c = ExpectedConfusion::from_probabilities(&pred(&S), &P).expect("rows");
        assert_close(c.tp, 7.53, 1e-15);
        assert_close(c.fp, 3.47, 1e-15);
        assert_close(c.fn_, 2.03, 1e-15);
        assert_close(c.tn, 6.97, 1e-15);
        assert_eq!(c.n, 20);
        assert_close(c.accuracy(), 0.725, 1e-15);
        assert_close(c.precision(), 0.6845454545454546, 1e-15);
        assert_close(c.recall(), 0.7876569037656903, 1e-15);
        assert_close(c.f1(), 0.7324902723735408, 1e-15);
    }

    #[test]
    fn estimated_metrics_long() {
        let (s, p) = long_case();
        let c = ExpectedConfusion::from_probabilities(&pred(&s), &p).expect("rows");
        assert_close(c.tp, 75.77083333333333, 1e-15);
        assert_close(c.fp, 75.22916666666667, 1e-15);
        assert_close(c.fn_, 73.4375, 1e-15);
        assert_close(c.tn, 75.5625, 1e-15);
        assert_close(c.accuracy(), 0.5044444444444444, 1e-15);
        assert_close(c.precision(), 0.5017935982339956, 1e-15);
        assert_close(c.recall(), 0.5078190449595086, 1e-15);
        assert_close(c.f1(), 0.5047883414295629, 1e-15);
    }

    #[test]
    fn estimated_metrics_do_not_depend_on_order() {
        let (s, p) = long_case();
        let pr = pred(&s);
        let a = ExpectedConfusion::from_probabilities(&pr, &p).expect("rows");
        let (rpr, rp): (Vec<bool>, Vec<f64>) = pr.iter().copied().zip(p).rev().unzip();
        let b = ExpectedConfusion::from_probabilities(&rpr, &rp).expect("rows");
        assert_eq!(a, b);
    }

    #[test]
    fn zero_denominators_are_zero() {
        // No predicted positives: precision 0; p̂ = 0 everywhere: recall, f1 0.
        let c = ExpectedConfusion::from_probabilities(&[false, false], &[0.0, 0.0]).expect("rows");
        assert_eq!((c.tp, c.fp, c.fn_, c.tn), (0.0, 0.0, 0.0, 2.0));
        assert_eq!(c.accuracy(), 1.0);
        assert_eq!((c.precision(), c.recall(), c.f1()), (0.0, 0.0, 0.0));
        assert_eq!(ExpectedConfusion::from_probabilities(&[], &[]), None);
    }

    #[test]
    fn estimated_roc_auc_is_the_plain_numpy_form_bit_for_bit() {
        // The numpy code of the doc comment, array by array.
        fn plain(score: &[f64], p: &[f64]) -> Option<f64> {
            let n = score.len();
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| (-(score[a] + 0.0)).total_cmp(&-(score[b] + 0.0)));
            let mut tps = vec![0.0];
            for &i in &order {
                tps.push(tps[tps.len() - 1] + p[i]);
            }
            let fps: Vec<f64> = tps.iter().enumerate().map(|(i, t)| i as f64 - t).collect();
            let (tt, ft) = (tps[n], fps[n]);
            if tt == 0.0 || ft == 0.0 {
                return None;
            }
            let terms: Vec<f64> = (0..n)
                .map(|i| {
                    let (x0, x1) = (fps[i] / ft, fps[i + 1] / ft);
                    (x1 - x0) * (tps[i + 1] / tt + tps[i] / tt) / 2.0
                })
                .collect();
            Some(numpy_pairwise_sum(&terms))
        }
        let mut raw = crate::stats::xorshift(0x2545_f491_4f6c_dd1du64);
        let mut next = || (raw() >> 11) as f64 / (1u64 << 53) as f64;
        for n in [0usize, 1, 2, 9, 130, 4000] {
            let s: Vec<f64> = (0..n)
                .map(|i| {
                    if i % 7 == 0 {
                        -0.0
                    } else {
                        (next() * 8.0).floor() / 8.0
                    }
                })
                .collect();
            let p: Vec<f64> = (0..n).map(|_| next()).collect();
            assert_eq!(
                estimated_roc_auc(&s, &p).map(f64::to_bits),
                plain(&s, &p).map(f64::to_bits),
                "n = {n}"
            );
        }
    }

    #[test]
    fn estimated_roc_auc_matches_numpy() {
        assert_close(
            estimated_roc_auc(&S, &P).expect("both"),
            0.7904623350807164,
            1e-9,
        );
        let (s, p) = long_case();
        let got = estimated_roc_auc(&s, &p).expect("both");
        assert_close(got, 0.5256261767785353, 1e-9);
        // Same operations in the same order: numpy's bits.
        assert_eq!(got, 0.5256261767785353);
        assert_eq!(estimated_roc_auc(&S, &P), Some(0.7904623350807164));
    }

    #[test]
    fn ties_keep_row_order() {
        // est_auc([0.5, 0.5, 0.5, 0.2], [0.9, 0.1, 0.4, 0.3]) == 0.6918158567774935
        // est_auc([0.5, 0.5, 0.5, 0.2], [0.1, 0.9, 0.4, 0.3]) == 0.48721227621483365
        let s = [0.5, 0.5, 0.5, 0.2];
        let a = estimated_roc_auc(&s, &[0.9, 0.1, 0.4, 0.3]).expect("both");
        let b = estimated_roc_auc(&s, &[0.1, 0.9, 0.4, 0.3]).expect("both");
        assert_close(a, 0.6918158567774935, 1e-9);
        assert_close(b, 0.48721227621483365, 1e-9);
    }

    #[test]
    fn one_expected_class_is_none() {
        assert_eq!(estimated_roc_auc(&[0.2, 0.7], &[0.0, 0.0]), None);
        assert_eq!(estimated_roc_auc(&[0.2, 0.7], &[1.0, 1.0]), None);
        assert_eq!(estimated_roc_auc(&[], &[]), None);
    }

    #[test]
    fn pairwise_sum_is_numpys() {
        // np.add.reduce(1 / np.arange(3, 303)) == 4.789297397713862, while the
        // left-to-right sum is 4.789297397713856.
        let v: Vec<f64> = (3..303).map(|i| 1.0 / f64::from(i)).collect();
        assert_eq!(numpy_pairwise_sum(&v), 4.789297397713862);
        assert_eq!(numpy_pairwise_sum(&[]), 0.0);
    }
}
