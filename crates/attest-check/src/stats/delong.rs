//! DeLong's paired test of two correlated ROC AUCs on the same rows.
//!
//! The fast algorithm of Sun & Xu (2014), "Fast Implementation of DeLong's
//! Algorithm for Comparing the Areas Under Correlated Receiver Operating
//! Characteristic Curves", IEEE Signal Processing Letters 21(11): midranks
//! instead of the O(m·n) pairwise kernel, O(N log N) in all.
//!
//! Reference implementation: `compute_midrank`, `fastDeLong` and
//! `calc_pvalue` of the `yandexdataschool/roc_comparison` repository
//! (`compare_auc_delong_xu.py`). In numpy terms, with the positives first
//! (row order within each class), `m` positives, `n` negatives, and
//! `tx`, `ty`, `tz` the midranks of each model's scores among the positives,
//! the negatives and all rows:
//!
//! ```text
//! v01 = (tz[:, :m] - tx) / n            # per positive, one row per model
//! v10 = 1.0 - (tz[:, m:] - ty) / m      # per negative
//! cov = np.cov(v01) / m + np.cov(v10) / n          # ddof 1
//! var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]      # l·cov·lᵀ, l = [1, −1]
//! z = (auc_b - auc_a) / np.sqrt(var)
//! p = 2 * scipy.stats.norm.sf(abs(z))              # 10 ** calc_pvalue(...)
//! ```

use serde::Serialize;

/// Result of [`delong_test`]: the two AUCs and the test of their difference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DeLong {
    /// ROC AUC of the first score (the champion).
    pub auc_a: f64,
    /// ROC AUC of the second score (the challenger).
    pub auc_b: f64,
    /// `auc_b − auc_a`: second minus first.
    pub difference: f64,
    /// DeLong variance of the difference (≥ 0).
    pub variance: f64,
    /// `difference / sqrt(variance)`; 0 when both are 0, ±∞ when only the
    /// variance is 0.
    pub z: f64,
    /// Two-sided normal p-value `erfc(|z| / √2)`; 1 when z = 0, 0 when z = ±∞.
    pub p_value: f64,
}

/// DeLong's paired test of the ROC AUCs of two scores of the same rows
/// (Sun & Xu 2014 with midranks, as `fastDeLong` of
/// `yandexdataschool/roc_comparison`; see the module doc for the formulas).
///
/// `labels` are the true classes (positive = `true`), `score_a` and
/// `score_b` the two models' scores of the same rows, all finite (the caller
/// filters); slices of unequal length are compared up to the shortest.
/// Ties are handled exactly by midranks (a tie between a positive and a
/// negative counts one half).
///
/// - The AUCs are exact, `U / (m·n)` from the integer Mann–Whitney count with
///   ties as halves, rounded once: the same bits as
///   [`super::classification::roc_auc`] and, to the last ulp or so, as
///   `sklearn.metrics.roc_auc_score`. (The reference's
///   `Σ tz / m / n − (m + 1) / 2 / n` can differ from them in the last bit.)
/// - The variance uses the ddof 1 sample (co)variances of the structural
///   components, as `np.cov` in the reference, but is computed as the sample
///   variance of the per-row differences of the components (the same number
///   by bilinearity, without the cancellation of `s_aa + s_bb − 2·s_ab`), so
///   identical scores give exactly 0.
/// - Variance 0: z = 0 and p = 1 when the difference is 0 (e.g. identical
///   scores, or both perfect); otherwise z = ±∞ (the sign of the difference)
///   and p = 0, as the reference's `|d| / 0` (e.g. one model perfect and the
///   other perfectly inverted: the difference is certain).
///
/// `None` when either class has fewer than 2 rows: with one row the ddof 1
/// variance of its components is undefined (the reference returns NaN), with
/// none the AUC is.
pub fn delong_test(labels: &[bool], score_a: &[f64], score_b: &[f64]) -> Option<DeLong> {
    let len = labels.len().min(score_a.len()).min(score_b.len());
    let labels = &labels[..len];
    let m = labels.iter().filter(|&&y| y).count();
    let n = len - m;
    if m < 2 || n < 2 {
        return None;
    }
    let a = Components::new(labels, &score_a[..len], m, n);
    let b = Components::new(labels, &score_b[..len], m, n);
    let var01 = sample_variance_of_difference(&a.v01, &b.v01)?;
    let var10 = sample_variance_of_difference(&a.v10, &b.v10)?;
    let variance = var01 / m as f64 + var10 / n as f64;
    let difference = b.auc - a.auc;
    let z = if variance > 0.0 {
        difference / variance.sqrt()
    } else if difference == 0.0 {
        0.0
    } else {
        difference.signum() * f64::INFINITY
    };
    let p_value = libm::erfc(z.abs() / std::f64::consts::SQRT_2);
    Some(DeLong {
        auc_a: a.auc,
        auc_b: b.auc,
        difference,
        variance,
        z,
        p_value,
    })
}

/// One ROC AUC and its DeLong variance var(V01)/m + var(V10)/n (sample
/// variances, ddof 1, of the structural components: per positive the share
/// of negatives scored below it, per negative the share of positives
/// scored above it, ties ½) — DeLong, DeLong & Clarke-Pearson (1988); the
/// diagonal of `np.cov(v01) / m + np.cov(v10) / n` in `fastDeLong` of
/// `yandexdataschool/roc_comparison`. Two AUCs of independent samples are
/// compared by z = (a − b) / √(var_a + var_b) (the unpaired DeLong test).
/// `None` when a class has fewer than 2 rows.
pub fn auc_variance(labels: &[bool], score: &[f64]) -> Option<(f64, f64)> {
    let len = labels.len().min(score.len());
    let labels = &labels[..len];
    let m = labels.iter().filter(|&&y| y).count();
    let n = len - m;
    if m < 2 || n < 2 {
        return None;
    }
    let c = Components::new(labels, &score[..len], m, n);
    let (_, var01) = super::hypothesis::mean_var(&c.v01)?;
    let (_, var10) = super::hypothesis::mean_var(&c.v10)?;
    Some((c.auc, var01 / m as f64 + var10 / n as f64))
}

/// One model's AUC and DeLong structural components.
struct Components {
    auc: f64,
    /// Per positive (row order): share of negatives scored below it, ties ½.
    v01: Vec<f64>,
    /// Per negative (row order): share of positives scored above it, ties ½.
    v10: Vec<f64>,
}

impl Components {
    fn new(labels: &[bool], score: &[f64], m: usize, n: usize) -> Self {
        // Doubled midranks of all rows, split by class in row order.
        let (tz_pos, tz_neg) = {
            let tz = doubled_midranks(score);
            (
                select_u64(labels, &tz, true),
                select_u64(labels, &tz, false),
            )
        };
        let tx = doubled_midranks(&select(labels, score, true));
        let ty = doubled_midranks(&select(labels, score, false));
        let (mf, nf) = (m as f64, n as f64);
        // 2·(tz − tx) = twice the number of negatives below, ties counting ½.
        let v01 = tz_pos
            .iter()
            .zip(&tx)
            .map(|(&z, &x)| z.saturating_sub(x) as f64 * 0.5 / nf)
            .collect();
        let v10 = tz_neg
            .iter()
            .zip(&ty)
            .map(|(&z, &y)| 1.0 - z.saturating_sub(y) as f64 * 0.5 / mf)
            .collect();
        // 2U = Σ_pos 2·(tz − tx), an integer; the AUC is 2U / (2·m·n).
        let twice_u: u128 = tz_pos
            .iter()
            .zip(&tx)
            .map(|(&z, &x)| u128::from(z.saturating_sub(x)))
            .sum();
        let auc = twice_u as f64 / (2.0 * mf * nf);
        Components { auc, v01, v10 }
    }
}

fn select(labels: &[bool], values: &[f64], class: bool) -> Vec<f64> {
    labels
        .iter()
        .zip(values)
        .filter(|&(&y, _)| y == class)
        .map(|(_, &v)| v)
        .collect()
}

fn select_u64(labels: &[bool], values: &[u64], class: bool) -> Vec<u64> {
    labels
        .iter()
        .zip(values)
        .filter(|&(&y, _)| y == class)
        .map(|(_, &v)| v)
        .collect()
}

/// Twice the 1-based midranks of `x` (integers, so exact), as twice
/// `compute_midrank` of the reference: a run of equal values at sorted
/// positions `i..j` (0-based, end exclusive) gets midrank (i + j + 1) / 2.
/// Sorted stably in `f64::total_cmp` order; runs are grouped with `==`, so
/// −0.0 and 0.0 (adjacent in that order) tie.
fn doubled_midranks(x: &[f64]) -> Vec<u64> {
    // (total-order key, row) sorted: the order of `sort_by(total_cmp)` on
    // the rows.
    let mut order: Vec<(u64, usize)> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| (super::sort::order_key(v), i))
        .collect();
    super::sort::sort_words(&mut order);
    let mut ranks = vec![0u64; x.len()];
    let mut i = 0;
    while i < order.len() {
        let value = x[order[i].1];
        let mut j = i;
        while j < order.len() && x[order[j].1] == value {
            j += 1;
        }
        let doubled = (i + j + 1) as u64;
        for &(_, row) in &order[i..j] {
            ranks[row] = doubled;
        }
        i = j;
    }
    ranks
}

/// Sample variance (ddof 1) of `b[i] − a[i]`, with compensated sums.
/// `None` for fewer than 2 values.
fn sample_variance_of_difference(a: &[f64], b: &[f64]) -> Option<f64> {
    let k = a.len().min(b.len());
    if k < 2 {
        return None;
    }
    let d: Vec<f64> = a.iter().zip(b).map(|(&x, &y)| y - x).collect();
    let mean = super::stable_sum(d.iter().copied()) / k as f64;
    let ss = super::stable_sum(d.iter().map(|&v| (v - mean) * (v - mean)));
    Some(ss / (k - 1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    // Expected values: the reference `fastDeLong` of yandexdataschool/
    // roc_comparison (numpy 2.4.6, scipy 1.17.1; `np.float` → `float`, rows
    // ordered by `(-y).argsort(kind="stable")`), p = 2·norm.sf(|z|), and
    // `sklearn.metrics.roc_auc_score` 1.9.1 for the AUCs:
    //
    //     aucs, cov = fastDeLong(np.vstack((a, b))[:, order], int(y.sum()))
    //     l = np.array([[1, -1]]); var = (l @ cov @ l.T)[0, 0]
    //     z = (aucs[1] - aucs[0]) / np.sqrt(var); p = 2 * norm.sf(abs(z))
    const Y: [bool; 20] = [
        true, false, true, true, false, false, true, false, true, false, false, true, true, false,
        true, false, false, false, true, true,
    ];
    const A: [f64; 20] = [
        0.9, 0.1, 0.4, 0.8, 0.4, 0.3, 0.7, 0.2, 0.6, 0.5, 0.4, 0.9, 0.3, 0.1, 0.8, 0.6, 0.2, 0.7,
        0.5, 0.6,
    ];
    const B: [f64; 20] = [
        0.8, 0.2, 0.6, 0.9, 0.3, 0.6, 0.6, 0.1, 0.7, 0.3, 0.2, 0.8, 0.3, 0.2, 0.9, 0.7, 0.1, 0.5,
        0.6, 0.4,
    ];

    const Y40: [bool; 40] = [
        false, false, false, true, true, false, true, false, false, false, true, true, true, false,
        false, false, false, false, false, false, true, true, false, true, true, false, false,
        false, false, false, false, true, true, true, false, true, true, true, false, true,
    ];
    const A40: [f64; 40] = [
        0.3, 0.9, 0.5, 1.3, 1.1, 0.7, 0.6, 0.5, 0.5, 0.9, 0.9, 1.1, 0.6, 0.4, 0.3, 0.2, 0.8, 0.4,
        1.0, 0.6, 1.1, 1.1, 0.7, 0.7, 0.9, 0.2, 0.4, 0.1, 1.0, 0.2, 0.7, 0.8, 1.4, 1.2, 0.1, 1.3,
        1.4, 1.4, 0.6, 0.6,
    ];
    const B40: [f64; 40] = [
        0.2, 0.9, 0.6, 0.5, 1.2, 0.6, 0.9, 0.4, 0.4, 0.2, 0.3, 1.2, 0.8, 0.5, 0.3, 0.8, 0.0, 0.4,
        0.0, 0.1, 1.3, 1.0, 0.4, 0.8, 1.2, 0.3, 0.6, 0.7, 0.4, 0.5, 0.8, 1.2, 0.5, 1.2, 0.0, 1.1,
        1.1, 0.4, 0.4, 1.1,
    ];

    fn check(got: &DeLong, auc_a: f64, auc_b: f64, diff: f64, var: f64, z: f64, p: f64) {
        assert_close(got.auc_a, auc_a, 1e-15);
        assert_close(got.auc_b, auc_b, 1e-15);
        assert_close(got.difference, diff, 1e-12);
        assert_close(got.variance, var, 1e-12);
        assert_close(got.z, z, 1e-12);
        assert_close(got.p_value, p, 1e-12);
    }

    #[test]
    fn ties_match_reference() {
        let got = delong_test(&Y, &A, &B).expect("both classes");
        // roc_auc_score: 0.845, 0.88
        check(
            &got,
            0.845,
            0.88,
            0.03500000000000014,
            0.004672222222222221,
            0.5120428415488814,
            0.6086210264609121,
        );
    }

    #[test]
    fn random_with_ties_match_reference() {
        let got = delong_test(&Y40, &A40, &B40).expect("both classes");
        check(
            &got,
            0.8874680306905371,
            0.8759590792838874,
            -0.011508951406649537,
            0.006460219951227664,
            -0.14318980710629226,
            0.8861402796203517,
        );
    }

    #[test]
    fn swapping_models_flips_the_sign() {
        let ab = delong_test(&Y40, &A40, &B40).expect("both classes");
        let ba = delong_test(&Y40, &B40, &A40).expect("both classes");
        assert_eq!(ab.difference, -ba.difference);
        assert_eq!(ab.z, -ba.z);
        assert_eq!(ab.variance, ba.variance);
        assert_eq!(ab.p_value, ba.p_value);
    }

    #[test]
    fn aucs_equal_classification_roc_auc() {
        use crate::stats::classification::{roc_auc, threshold_counts};
        let got = delong_test(&Y40, &A40, &B40).expect("both classes");
        assert_eq!(Some(got.auc_a), roc_auc(&threshold_counts(&Y40, &A40)));
        assert_eq!(Some(got.auc_b), roc_auc(&threshold_counts(&Y40, &B40)));
    }

    #[test]
    fn identical_scores_have_zero_difference() {
        let got = delong_test(&Y, &A, &A).expect("both classes");
        assert_eq!(got.difference, 0.0);
        assert_eq!(got.variance, 0.0);
        assert_eq!(got.z, 0.0);
        assert_eq!(got.p_value, 1.0);
        assert_eq!(got.auc_a, 0.845);
    }

    #[test]
    fn perfect_separation_matches_reference() {
        let y = [true, true, true, false, false, false, false];
        let a = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1, 0.3];
        let b = [0.9, 0.2, 0.7, 0.3, 0.8, 0.1, 0.3];
        let got = delong_test(&y, &a, &b).expect("both classes");
        // roc_auc_score: 1.0, 0.6666666666666666
        check(
            &got,
            1.0,
            0.6666666666666666,
            -0.33333333333333326,
            0.06712962962962962,
            -1.2865350418053536,
            0.1982563974433572,
        );
    }

    #[test]
    fn both_perfect_is_no_difference() {
        let y = [true, true, true, false, false, false, false];
        let a = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1, 0.3];
        let b = [5.0, 6.0, 7.0, 1.0, 2.0, 3.0, 4.0];
        let got = delong_test(&y, &a, &b).expect("both classes");
        assert_eq!((got.auc_a, got.auc_b), (1.0, 1.0));
        assert_eq!((got.variance, got.z, got.p_value), (0.0, 0.0, 1.0));
    }

    #[test]
    fn zero_variance_with_a_difference_is_certain() {
        let y = [true, true, false, false];
        let a = [0.9, 0.8, 0.2, 0.1];
        let b = [0.1, 0.2, 0.8, 0.9];
        let got = delong_test(&y, &a, &b).expect("both classes");
        assert_eq!((got.auc_a, got.auc_b, got.difference), (1.0, 0.0, -1.0));
        assert_eq!(got.variance, 0.0);
        assert_eq!(got.z, f64::NEG_INFINITY);
        assert_eq!(got.p_value, 0.0);
    }

    #[test]
    fn one_class_missing_is_none() {
        assert_eq!(delong_test(&[true, true], &[0.1, 0.2], &[0.3, 0.4]), None);
        assert_eq!(delong_test(&[false, false], &[0.1, 0.2], &[0.3, 0.4]), None);
        assert_eq!(delong_test(&[], &[], &[]), None);
    }

    #[test]
    fn single_row_class_is_none() {
        let y = [true, false, false];
        assert_eq!(delong_test(&y, &[0.9, 0.1, 0.2], &[0.5, 0.1, 0.6]), None);
    }

    #[test]
    fn midranks_handle_ties() {
        // compute_midrank([0.3, 0.1, 0.3, 0.2, 0.3]) == [4, 1, 4, 2, 4]
        assert_eq!(
            doubled_midranks(&[0.3, 0.1, 0.3, 0.2, 0.3]),
            vec![8, 2, 8, 4, 8]
        );
        // compute_midrank([1, 1, 2, 2]) == [1.5, 1.5, 3.5, 3.5]; −0.0 ties 0.0
        assert_eq!(doubled_midranks(&[-0.0, 0.0, 2.0, 2.0]), vec![3, 3, 7, 7]);
        assert!(doubled_midranks(&[]).is_empty());
        // negatives below positives (the order key's sign handling)
        assert_eq!(doubled_midranks(&[-1.0, 2.0, -3.0, -1.0]), vec![5, 8, 2, 5]);
    }
}

#[cfg(test)]
mod variance_tests {
    use super::*;

    #[test]
    fn one_aucs_delong_variance_matches_numpy() {
        // numpy: v01, v10 per class as in the doc, then
        // np.var(v01, ddof=1) / m + np.var(v10, ddof=1) / n.
        let y = [
            true, false, true, true, false, false, true, false, true, false, false, true,
        ];
        let s = [
            0.9, 0.3, 0.6, 0.8, 0.4, 0.5, 0.35, 0.1, 0.7, 0.65, 0.2, 0.55,
        ];
        let (auc, var) = auc_variance(&y, &s).expect("both classes");
        crate::stats::assert_close(auc, 0.8611111111111112, 1e-14);
        crate::stats::assert_close(var, 0.012654320987654318, 1e-12);
        assert!(auc_variance(&[true, false, false], &[0.1, 0.2, 0.3]).is_none());
    }
}
