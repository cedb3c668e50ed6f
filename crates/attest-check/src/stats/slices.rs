//! Stress slices (SPEC §3 "Stress slices"): which slices of current's rows
//! are judged, how far a slice's metric falls from the overall one, and
//! Welch's test of a slice's per-row loss against the rest's.

use super::hypothesis::{mean_var, welch_from_moments};
use super::stable_sum;

/// The fewest rows a judged slice holds: max(20, ⌈0.05·n⌉) of the n rows
/// with label and prediction.
pub fn min_rows(n: usize) -> usize {
    20.max(n.div_ceil(20))
}

/// Whether a slice of `rows` of the n rows is judged: at least
/// [`min_rows`] and at most 0.95·n of them (the rest keeps ≥ 5%).
pub fn judged(rows: usize, n: usize) -> bool {
    rows >= min_rows(n) && rows as f64 <= 0.95 * n as f64
}

/// `slice_relative_delta` = σ·(m(slice) − m(all)) / |m(all)|, σ the
/// metric's orientation (+1 higher is better, −1 lower is better), so a
/// negative value is a slice doing worse. `None` when m(all) = 0 or either
/// value is not finite.
pub fn relative_delta(sigma: f64, slice: f64, all: f64) -> Option<f64> {
    let d = sigma * (slice - all) / all.abs();
    (all != 0.0 && d.is_finite()).then_some(d)
}

/// The per-row losses of all n rows, summed once so that any slice can be
/// tested against the rest of the rows without copying the rest: the
/// finite losses' count, their mean c, and Σ(l − c), Σ(l − c)² (shifted
/// sums keep the rest's variance accurate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossTotals {
    count: f64,
    shift: f64,
    sum: f64,
    sum_sq: f64,
}

impl LossTotals {
    /// The totals of `losses` (non-finite ones left out).
    pub fn of(losses: &[f64]) -> LossTotals {
        let finite = || losses.iter().copied().filter(|l| l.is_finite());
        let count = finite().count() as f64;
        let shift = if count > 0.0 {
            stable_sum(finite()) / count
        } else {
            0.0
        };
        LossTotals {
            count,
            shift,
            sum: stable_sum(finite().map(|l| l - shift)),
            sum_sq: stable_sum(finite().map(|l| (l - shift) * (l - shift))),
        }
    }

    /// `slice_p_value`: the two-sided p-value of Welch's t-test of the
    /// slice's losses against the rest's, as
    /// `scipy.stats.ttest_ind(slice, rest, equal_var=False).pvalue`. The
    /// slice's mean and variance are computed from its values (two passes);
    /// the rest's from the totals less the slice's shifted sums — unless
    /// that variance is within the totals' rounding (a rest of equal
    /// losses, say, which must give variance 0 as scipy has it), when
    /// `rest()` gives the rest's losses to compute it exactly. `slice`
    /// holds the finite losses of the slice's rows (a subset of the
    /// totals'). `None` when either side has fewer than 2 losses or both
    /// are constant.
    pub fn welch_p_value(&self, slice: &[f64], rest: impl FnOnce() -> Vec<f64>) -> Option<f64> {
        let (mean_s, var_s) = mean_var(slice)?;
        let n_s = slice.len() as f64;
        let n_r = self.count - n_s;
        if n_r < 2.0 {
            return None;
        }
        let c = self.shift;
        let r1 = self.sum - stable_sum(slice.iter().map(|l| l - c));
        let r2 = self.sum_sq - stable_sum(slice.iter().map(|l| (l - c) * (l - c)));
        let ss_r = r2 - r1 * r1 / n_r;
        let (mean_r, var_r) = if ss_r <= 64.0 * f64::EPSILON * self.sum_sq {
            let rest = rest();
            if rest.len() as f64 != n_r {
                return None;
            }
            mean_var(&rest)?
        } else {
            (c + r1 / n_r, ss_r / (n_r - 1.0))
        };
        welch_from_moments((n_s, mean_s, var_s), (n_r, mean_r, var_r)).map(|(_, p)| p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;
    use crate::stats::hypothesis::welch_t_test;

    #[test]
    fn judged_slices_hold_five_percent_to_ninety_five() {
        assert_eq!(min_rows(100), 20);
        assert_eq!(min_rows(2400), 120);
        assert_eq!(min_rows(2401), 121);
        assert!(judged(120, 2400) && !judged(119, 2400));
        assert!(judged(2280, 2400) && !judged(2281, 2400));
        assert!(!judged(19, 30));
    }

    #[test]
    fn relative_delta_is_oriented() {
        // auc 0.72 in the slice vs 0.8 overall: 10% worse
        assert_close(relative_delta(1.0, 0.72, 0.8).expect("d"), -0.1, 1e-12);
        // rmse 1.1 vs 1.0: 10% worse
        assert_close(relative_delta(-1.0, 1.1, 1.0).expect("d"), -0.1, 1e-12);
        assert_eq!(relative_delta(1.0, 0.5, 0.0), None);
    }

    #[test]
    fn slice_against_rest_is_welch_of_the_two_samples() {
        let losses: Vec<f64> = (0..500)
            .map(|i| ((i * 7919) % 1000) as f64 / 250.0 + if i % 3 == 0 { 1.0 } else { 0.0 })
            .collect();
        let totals = LossTotals::of(&losses);
        let slice: Vec<f64> = losses.iter().step_by(3).copied().collect();
        let rest: Vec<f64> = losses
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 != 0)
            .map(|(_, l)| *l)
            .collect();
        let want = welch_t_test(&slice, &rest).expect("p").1;
        let rest_of = || rest.clone();
        assert_close(
            totals.welch_p_value(&slice, rest_of).expect("p"),
            want,
            1e-10,
        );
        // a slice of all but one row: the rest is too small
        assert_eq!(totals.welch_p_value(&losses[1..], Vec::new), None);
    }

    #[test]
    fn welch_matches_scipy() {
        // scipy.stats.ttest_ind([1, 2, 3, 4, 10], [2, 3, 3, 5, 6, 7, 8, 1],
        //     equal_var=False).pvalue == 0.8423503623525903
        let a = [1.0, 2.0, 3.0, 4.0, 10.0];
        let b = [2.0, 3.0, 3.0, 5.0, 6.0, 7.0, 8.0, 1.0];
        let all: Vec<f64> = a.iter().chain(&b).copied().collect();
        let p = LossTotals::of(&all)
            .welch_p_value(&a, || b.to_vec())
            .expect("p");
        assert_close(p, 0.8423503623525903, 1e-12);
        assert_close(
            welch_t_test(&a, &b).expect("p").1,
            0.8423503623525903,
            1e-12,
        );
    }

    #[test]
    fn constant_sides_are_exactly_constant() {
        // 0/1 losses: a slice all wrong, the rest all right. scipy gives NaN
        // (both variances 0); the rest's variance from the totals would be
        // rounding noise and the p-value about 0.
        for (wrong, right) in [(150usize, 2250usize), (7, 993), (333, 667)] {
            let mut losses = vec![1.0; wrong];
            losses.extend(vec![0.0; right]);
            let totals = LossTotals::of(&losses);
            let slice = &losses[..wrong];
            assert_eq!(
                totals.welch_p_value(slice, || losses[wrong..].to_vec()),
                None
            );
        }
        // a constant rest beside a varied slice is tested with variance 0
        let slice = [0.0, 1.0, 1.0, 0.0, 1.0];
        let mut losses = slice.to_vec();
        losses.extend(vec![0.0; 50]);
        let p = LossTotals::of(&losses)
            .welch_p_value(&slice, || vec![0.0; 50])
            .expect("p");
        let want = welch_t_test(&slice, &[0.0; 50]).expect("p").1;
        assert_close(p, want, 1e-12);
    }
}
