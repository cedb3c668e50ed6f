//! Paired and two-sample hypothesis tests (model A against model B) and the
//! Benjamini–Hochberg step-up procedure.

use super::distributions::{binom_cdf, normal_two_sided_p, student_t_two_sided_p};
use super::stable_sum;

/// Exact two-sided McNemar p-value from the discordant counts `b` (A right,
/// B wrong) and `c` (A wrong, B right): min(1, 2·P(X ≤ min(b, c))) for
/// X ~ Binomial(b + c, ½), as
/// `statsmodels.stats.contingency_tables.mcnemar([[0, b], [c, 0]], exact=True).pvalue`.
/// 1 when b + c = 0 (no discordant pairs, no evidence either way).
pub fn mcnemar_exact_p(b: u64, c: u64) -> f64 {
    let n = b.saturating_add(c);
    if n == 0 {
        return 1.0;
    }
    (2.0 * binom_cdf(b.min(c), n, 0.5)).min(1.0)
}

/// Mean (compensated sum) and sample variance (ddof 1, two-pass) of at
/// least 2 values; a constant sample has exactly its value as mean and
/// variance 0. `None` for fewer than 2 values.
pub(crate) fn mean_var(x: &[f64]) -> Option<(f64, f64)> {
    let first = *x.first()?;
    if x.len() < 2 {
        return None;
    }
    if first.is_finite() && x.iter().all(|&v| v == first) {
        return Some((first, 0.0));
    }
    let n = x.len() as f64;
    let mean = stable_sum(x.iter().copied()) / n;
    let ss = stable_sum(x.iter().map(|&v| (v - mean) * (v - mean)));
    Some((mean, ss / (n - 1.0)))
}

/// Two-sided p-value of the paired t-test on the differences `d` = a − b:
/// t = mean(d) / (sd(d)/√n) with the sample standard deviation (ddof 1),
/// n − 1 degrees of freedom, as `scipy.stats.ttest_rel(a, b).pvalue`
/// (= `scipy.stats.ttest_1samp(d, 0).pvalue`). When every difference is the
/// same nonzero value the standard deviation is 0, t = ±∞ and p = 0 (scipy
/// computes a tiny rounding-error variance there and reports p ≈ 0, e.g.
/// 1e-32). `None` for fewer than 2 values, for all differences 0 (t = 0/0)
/// and when the p-value is NaN (NaN or infinite input).
pub fn paired_t_p_value(d: &[f64]) -> Option<f64> {
    let (mean, var) = mean_var(d)?;
    if var == 0.0 {
        return if mean == 0.0 || !mean.is_finite() {
            None
        } else {
            Some(0.0)
        };
    }
    let n = d.len() as f64;
    let t = mean / (var / n).sqrt();
    let p = student_t_two_sided_p(t, n - 1.0);
    (!p.is_nan()).then_some(p)
}

/// Two-sided p-value of the Wilcoxon signed-rank test on the paired
/// differences `d`, normal approximation without continuity correction, as
/// `scipy.stats.wilcoxon(d, zero_method="wilcox", correction=False,
/// method="asymptotic").pvalue` (scipy ≥ 1.11; `method="approx"` in older
/// versions). Zero differences are dropped; the n remaining |d| are ranked
/// with average ranks for ties; with R⁺ the rank sum of the positive
/// differences, z = (R⁺ − n(n+1)/4) / √((n(n+1)(2n+1) − Σ(t³ − t)/2) / 24),
/// the sum over the sizes t of the groups of tied |d|, and p = 2·sf(|z|).
/// (scipy reports min(R⁺, R⁻) as the statistic; |z| is the same for either.)
/// `None` when no nonzero difference remains (also for empty input) or any
/// difference is NaN (scipy propagates NaN).
pub fn wilcoxon_p_value(d: &[f64]) -> Option<f64> {
    if d.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut nonzero: Vec<(f64, bool)> = d
        .iter()
        .filter(|&&v| v != 0.0)
        .map(|&v| (v.abs(), v > 0.0))
        .collect();
    if nonzero.is_empty() {
        return None;
    }
    crate::stats::sort::sort_by_float(&mut nonzero, |x| x.0, false);
    let n = nonzero.len();
    // Ranks are multiples of ½ and the tie counts integers, so these sums
    // are exact in any order.
    let mut r_plus = 0.0f64;
    let mut tie_term = 0.0f64;
    let mut i = 0;
    while i < n {
        let value = nonzero[i].0;
        let mut j = i + 1;
        while j < n && nonzero[j].0 == value {
            j += 1;
        }
        // 1-based ranks i+1 ..= j share their average.
        let rank = (i + 1 + j) as f64 / 2.0;
        let t = (j - i) as f64;
        tie_term += t * t * t - t;
        r_plus += rank * nonzero[i..j].iter().filter(|e| e.1).count() as f64;
        i = j;
    }
    let count = n as f64;
    let mean = count * (count + 1.0) * 0.25;
    let var24 = count * (count + 1.0) * (2.0 * count + 1.0);
    let se = ((var24 - tie_term / 2.0) / 24.0).sqrt();
    let z = (r_plus - mean) / se;
    Some(normal_two_sided_p(z))
}

/// Welch's unequal-variance t-test of mean(a) = mean(b), two-sided: t =
/// (mean(a) − mean(b)) / √(v_a/n_a + v_b/n_b) with sample variances
/// (ddof 1) and the Welch–Satterthwaite degrees of freedom
/// (v_a/n_a + v_b/n_b)² / ((v_a/n_a)²/(n_a − 1) + (v_b/n_b)²/(n_b − 1)), as
/// `scipy.stats.ttest_ind(a, b, equal_var=False)`. Returns (t, p). `None`
/// when either sample has fewer than 2 values, both are constant (variances
/// 0: t is ±∞ or 0/0) or the p-value is NaN (NaN or infinite input).
pub fn welch_t_test(a: &[f64], b: &[f64]) -> Option<(f64, f64)> {
    let (mean_a, var_a) = mean_var(a)?;
    let (mean_b, var_b) = mean_var(b)?;
    welch_from_moments(
        (a.len() as f64, mean_a, var_a),
        (b.len() as f64, mean_b, var_b),
    )
}

/// [`welch_t_test`] from each sample's (size, mean, sample variance with
/// ddof 1), for callers that know the moments without the values (a slice
/// of rows against the rest). Returns (t, p). `None` when either size is
/// below 2, both variances are 0 or the p-value is NaN.
pub fn welch_from_moments(
    (na, mean_a, var_a): (f64, f64, f64),
    (nb, mean_b, var_b): (f64, f64, f64),
) -> Option<(f64, f64)> {
    if na < 2.0 || nb < 2.0 || (var_a == 0.0 && var_b == 0.0) {
        return None;
    }
    let (vn_a, vn_b) = (var_a / na, var_b / nb);
    let sum = vn_a + vn_b;
    let df = sum * sum / (vn_a * vn_a / (na - 1.0) + vn_b * vn_b / (nb - 1.0));
    let t = (mean_a - mean_b) / sum.sqrt();
    let p = student_t_two_sided_p(t, df);
    (!p.is_nan() && !t.is_nan()).then_some((t, p))
}

/// Benjamini–Hochberg step-up procedure at false discovery rate `alpha`:
/// with the m p-values sorted ascending, p_(1) ≤ … ≤ p_(m), reject the
/// hypotheses of p_(1), …, p_(k) for the largest k with p_(k) ≤ (k/m)·α.
/// Same result as
/// `statsmodels.stats.multitest.multipletests(p, alpha, method="fdr_bh")[0]`.
/// Returns one flag per input, in input order (`true` = rejected); tied
/// p-values are rejected together. A NaN p-value is never rejected but
/// counts in m, as in statsmodels. Empty input gives an empty vector.
pub fn benjamini_hochberg(p: &[f64], alpha: f64) -> Vec<bool> {
    let m = p.len();
    // Ascending, NaN last.
    let order = crate::stats::sort::order_of_floats(p);
    let mf = m as f64;
    let last = (0..m)
        .rev()
        .find(|&rank| p[order[rank]] <= (rank + 1) as f64 / mf * alpha);
    let mut reject = vec![false; m];
    if let Some(k) = last {
        for &i in &order[..=k] {
            reject[i] = true;
        }
    }
    reject
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    // Expected values: scipy 1.17.1, statsmodels 0.15.0, with
    // `from scipy import stats` and
    // `from statsmodels.stats.contingency_tables import mcnemar`.
    const REL: f64 = 1e-9;

    #[test]
    fn mcnemar_matches_statsmodels() {
        for (b, c, want) in [
            // mcnemar([[0, 3], [9, 0]], exact=True).pvalue
            (3, 9, 0.14599609375),
            // mcnemar([[0, 7], [2, 0]], exact=True).pvalue
            (7, 2, 0.1796875),
            // mcnemar([[0, 0], [5, 0]], exact=True).pvalue
            (0, 5, 0.0625),
            // mcnemar([[0, 25], [40, 0]], exact=True).pvalue
            (25, 40, 0.08168153394154003),
        ] {
            assert_close(mcnemar_exact_p(b, c), want, REL);
        }
    }

    #[test]
    fn mcnemar_b_plus_c_zero() {
        assert_eq!(mcnemar_exact_p(0, 0), 1.0);
    }

    #[test]
    fn mcnemar_b_equals_c() {
        // mcnemar([[0, 10], [10, 0]], exact=True).pvalue == 1.0
        assert_eq!(mcnemar_exact_p(10, 10), 1.0);
        // mcnemar([[0, 1], [0, 0]], exact=True).pvalue == 1.0
        assert_eq!(mcnemar_exact_p(1, 0), 1.0);
    }

    #[test]
    fn mcnemar_huge_counts() {
        // mcnemar([[0, 100000], [101000, 0]], exact=True).pvalue
        assert_close(mcnemar_exact_p(100_000, 101_000), 0.02586239243973295, REL);
        assert_close(mcnemar_exact_p(101_000, 100_000), 0.02586239243973295, REL);
    }

    #[test]
    fn paired_t_matches_scipy() {
        // stats.ttest_1samp([1.2, -0.4, 0.8, 2.1, 0.3, -1.0, 0.9], 0).pvalue
        let d = [1.2, -0.4, 0.8, 2.1, 0.3, -1.0, 0.9];
        assert_close(
            paired_t_p_value(&d).expect("defined"),
            0.20271152193588596,
            REL,
        );
        // stats.ttest_1samp([1.0, 2.0], 0).pvalue
        assert_close(
            paired_t_p_value(&[1.0, 2.0]).expect("defined"),
            0.20483276469913345,
            REL,
        );
    }

    #[test]
    fn paired_t_is_ttest_rel() {
        // stats.ttest_rel([3.1, 2.9, 4.0, 3.6, 3.3], [2.8, 3.0, 3.1, 3.2, 2.5]).pvalue
        let a = [3.1, 2.9, 4.0, 3.6, 3.3];
        let b = [2.8, 3.0, 3.1, 3.2, 2.5];
        let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
        assert_close(
            paired_t_p_value(&d).expect("defined"),
            0.06345976079057321,
            REL,
        );
    }

    #[test]
    fn paired_t_single_value_and_empty() {
        assert_eq!(paired_t_p_value(&[1.5]), None);
        assert_eq!(paired_t_p_value(&[]), None);
    }

    #[test]
    fn paired_t_constant_differences() {
        // stats.ttest_1samp([2.0, 2.0], 0): t = inf, p = 0.0
        assert_eq!(paired_t_p_value(&[2.0, 2.0]), Some(0.0));
        // stats.ttest_1samp([0.1, 0.1, 0.1], 0).pvalue == 9.6e-33 (rounding)
        assert_eq!(paired_t_p_value(&[0.1, 0.1, 0.1]), Some(0.0));
        // stats.ttest_1samp([0.0, 0.0, 0.0], 0): t = nan, p = nan
        assert_eq!(paired_t_p_value(&[0.0, 0.0, 0.0]), None);
    }

    #[test]
    fn paired_t_nan_is_none() {
        assert_eq!(paired_t_p_value(&[1.0, f64::NAN, 2.0]), None);
        assert_eq!(paired_t_p_value(&[1.0, f64::INFINITY, 2.0]), None);
    }

    // w = lambda d: stats.wilcoxon(d, zero_method="wilcox", correction=False,
    //                              method="asymptotic").pvalue
    #[test]
    fn wilcoxon_matches_scipy() {
        // w([1.5, -0.5, 2.0, 3.0, -1.0, 4.0, 2.5, 0.7])
        let d = [1.5, -0.5, 2.0, 3.0, -1.0, 4.0, 2.5, 0.7];
        assert_close(
            wilcoxon_p_value(&d).expect("defined"),
            0.0499499764547464,
            REL,
        );
        // w([-0.1, -0.2, -0.3, 0.05, -0.4])
        let d = [-0.1, -0.2, -0.3, 0.05, -0.4];
        assert_close(
            wilcoxon_p_value(&d).expect("defined"),
            0.07961580146011343,
            REL,
        );
    }

    #[test]
    fn wilcoxon_ties_and_zeros() {
        // w([1.0, -1.0, 2.0, 2.0, 0.0, 3.0, -2.0, 1.0, 0.0, 4.0])
        let d = [1.0, -1.0, 2.0, 2.0, 0.0, 3.0, -2.0, 1.0, 0.0, 4.0];
        assert_close(
            wilcoxon_p_value(&d).expect("defined"),
            0.11979493042591832,
            REL,
        );
        // w([2.0, 2.0, 2.0, 2.0]): one group of 4 ties
        let d = [2.0, 2.0, 2.0, 2.0];
        assert_close(
            wilcoxon_p_value(&d).expect("defined"),
            0.04550026389635839,
            REL,
        );
    }

    #[test]
    fn wilcoxon_single_nonzero() {
        // w([0.0, 0.0, 2.5])
        let d = [0.0, 0.0, 2.5];
        assert_close(
            wilcoxon_p_value(&d).expect("defined"),
            0.31731050786291415,
            REL,
        );
    }

    #[test]
    fn wilcoxon_all_zero_and_empty() {
        assert_eq!(wilcoxon_p_value(&[0.0, 0.0, -0.0]), None);
        assert_eq!(wilcoxon_p_value(&[]), None);
        assert_eq!(wilcoxon_p_value(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn welch_matches_scipy() {
        // stats.ttest_ind([1.0, 2.0, 3.0, 4.5], [2.5, 3.5, 5.0, 6.0, 7.5, 4.0], equal_var=False)
        // -> statistic -2.023236125434561, pvalue 0.08023161136667545 (df 7.460448641219627)
        let (t, p) =
            welch_t_test(&[1.0, 2.0, 3.0, 4.5], &[2.5, 3.5, 5.0, 6.0, 7.5, 4.0]).expect("defined");
        assert_close(t, -2.023236125434561, REL);
        assert_close(p, 0.08023161136667545, REL);
    }

    #[test]
    fn welch_one_constant_sample() {
        // stats.ttest_ind([2.0, 2.0, 2.0], [1.0, 3.0, 4.0, 2.5], equal_var=False)
        // -> statistic -1.0, pvalue 0.3910022189557705 (df 3.0)
        let (t, p) = welch_t_test(&[2.0, 2.0, 2.0], &[1.0, 3.0, 4.0, 2.5]).expect("defined");
        assert_close(t, -1.0, REL);
        assert_close(p, 0.3910022189557705, REL);
    }

    #[test]
    fn welch_identical_samples() {
        // stats.ttest_ind([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], equal_var=False) -> (0.0, 1.0)
        assert_eq!(
            welch_t_test(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]),
            Some((0.0, 1.0))
        );
    }

    #[test]
    fn welch_degenerate_is_none() {
        assert_eq!(welch_t_test(&[1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(welch_t_test(&[1.0, 2.0], &[]), None);
        assert_eq!(welch_t_test(&[1.0, 1.0, 1.0], &[2.0, 2.0]), None);
        assert_eq!(welch_t_test(&[1.0, f64::NAN], &[2.0, 3.0]), None);
    }

    // from statsmodels.stats.multitest import multipletests
    // bh = lambda p, a: list(multipletests(p, a, method="fdr_bh")[0])
    #[test]
    fn bh_matches_statsmodels() {
        // bh([0.01, 0.04, 0.03, 0.005, 0.2], 0.05)
        assert_eq!(
            benjamini_hochberg(&[0.01, 0.04, 0.03, 0.005, 0.2], 0.05),
            [true, true, true, true, false]
        );
        // bh([0.049, 0.04, 0.045, 0.01], 0.05): step-up rejects all
        assert_eq!(
            benjamini_hochberg(&[0.049, 0.04, 0.045, 0.01], 0.05),
            [true, true, true, true]
        );
    }

    #[test]
    fn bh_ties() {
        // bh([0.03, 0.03, 0.03, 0.5], 0.05)
        assert_eq!(
            benjamini_hochberg(&[0.03, 0.03, 0.03, 0.5], 0.05),
            [true, true, true, false]
        );
        // bh([0.02, 0.5, 0.02, 0.9], 0.05)
        assert_eq!(
            benjamini_hochberg(&[0.02, 0.5, 0.02, 0.9], 0.05),
            [true, false, true, false]
        );
    }

    #[test]
    fn bh_no_rejections() {
        // bh([0.2, 0.5, 0.9], 0.05)
        assert_eq!(benjamini_hochberg(&[0.2, 0.5, 0.9], 0.05), [false; 3]);
    }

    #[test]
    fn bh_nan_and_empty() {
        // bh([0.01, nan, 0.02, 0.03], 0.05)
        assert_eq!(
            benjamini_hochberg(&[0.01, f64::NAN, 0.02, 0.03], 0.05),
            [true, false, true, true]
        );
        assert!(benjamini_hochberg(&[], 0.05).is_empty());
    }
}
