//! Verdicts (SPEC §3 "Verdicts"): the one place where a measured change
//! becomes pass, warn or fail. Every family calls it, so a rule changes in
//! this file only.
//!
//! A verdict needs two things: the effect must be **material** (at least
//! the configured size, the thresholds of `attest.example.toml`) and
//! **significant** (a one-sided test of "current is worse than the
//! reference" rejects at `[verdicts] alpha`, after Benjamini–Hochberg across
//! the comparisons of one check). Quantities that are not zero on healthy
//! data are judged against what the reference itself shows ([`Judged`]
//! carries the baseline it was judged against). Each verdict carries its
//! evidence — effect, test, p-value, thresholds — and says it in words.
//!
//! The tests here are pure functions with scipy / statsmodels as their
//! reference (see each one's doc and the unit tests).

use serde::Serialize;

use crate::report::Status;
use crate::stats::distributions::{beta_inc, normal_sf};
use crate::stats::hypothesis::welch_from_moments;

/// σ(m), a metric's orientation (SPEC §3 "Conventions"): +1 when higher is
/// better, −1 when lower is better, `None` for `mean_error` (and anything
/// that is not a performance metric).
pub fn orientation(name: &str) -> Option<f64> {
    match name {
        "accuracy" | "precision" | "recall" | "f1" | "roc_auc" | "pr_auc" | "r2" | "macro_f1"
        | "weighted_f1" => Some(1.0),
        "log_loss" | "brier" | "ece" | "rmse" | "mae" | "mape" => Some(-1.0),
        _ => None,
    }
}

/// Where a chunk's value lies against the reference chunks' band
/// `[lo, hi]` (SPEC §3 "Verdicts", rule 5: direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Inside,
    /// Outside, on the worse side of the metric (or either side of a
    /// metric without a direction).
    Worse,
    /// Outside, on the better side.
    Better,
}

impl Side {
    /// The side of `v` for the metric `name`.
    pub fn of(name: &str, v: f64, lo: f64, hi: f64) -> Side {
        if (lo..=hi).contains(&v) || v.is_nan() {
            return Side::Inside;
        }
        match orientation(name) {
            Some(s) if (s > 0.0) == (v > hi) => Side::Better,
            _ => Side::Worse,
        }
    }
    /// Its status: worse chunks take `severity`; better ones pass unless
    /// improvements alarm too (`[backtest] alert_on_improvement`).
    pub fn status(self, severity: Status, alert_on_improvement: bool) -> Status {
        match self {
            Side::Inside => Status::Pass,
            Side::Worse => severity,
            Side::Better if alert_on_improvement => severity,
            Side::Better => Status::Pass,
        }
    }
}

/// One-sided binomial test: P(X ≥ k) for X ~ Binomial(n, p0), the chance
/// that `k` or more of `n` rows show something each row shows with
/// probability `p0`; as `scipy.stats.binom.sf(k - 1, n, p0)` =
/// I_{p0}(k, n − k + 1). 1 when k = 0; 0 when k > n or p0 = 0 < k.
pub fn binomial_greater(k: u64, n: u64, p0: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p0 <= 0.0 {
        return 0.0;
    }
    if p0 >= 1.0 {
        return 1.0;
    }
    beta_inc(k as f64, (n - k + 1) as f64, p0)
}

/// One-sided two-proportion z-test that the share k1/n1 is greater than
/// k0/n0, with the pooled variance p̂(1 − p̂)(1/n1 + 1/n0), p̂ = (k1 + k0)
/// / (n1 + n0); as `statsmodels.stats.proportion.proportions_ztest([k1,
/// k0], [n1, n0], alternative="larger")[1]`. 1 when either side is empty
/// or both shares are 0 or 1 (no variance: nothing to tell apart).
pub fn proportion_greater(k1: u64, n1: u64, k0: u64, n0: u64) -> f64 {
    if n1 == 0 || n0 == 0 {
        return 1.0;
    }
    let (p1, p0) = (k1 as f64 / n1 as f64, k0 as f64 / n0 as f64);
    let pooled = (k1 + k0) as f64 / (n1 + n0) as f64;
    let var = pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n0 as f64);
    if var <= 0.0 {
        return if p1 > p0 { 0.0 } else { 1.0 };
    }
    normal_sf((p1 - p0) / var.sqrt())
}

/// One-sided Welch test that the mean of sample `a` is greater than the
/// mean of sample `b`, from each sample's (size, mean, sample variance with
/// ddof 1); as `scipy.stats.ttest_ind(a, b, equal_var=False,
/// alternative="greater").pvalue`: the two-sided test of
/// [`welch_from_moments`] halved on the side of its t. `None` when a size
/// is below 2; both variances 0 gives 0 when a's mean is greater, else 1.
pub fn welch_greater(a: (f64, f64, f64), b: (f64, f64, f64)) -> Option<f64> {
    let ((na, ma, va), (nb, mb, vb)) = (a, b);
    if na < 2.0 || nb < 2.0 {
        return None;
    }
    if va == 0.0 && vb == 0.0 {
        return Some(if ma > mb { 0.0 } else { 1.0 });
    }
    let (t, two) = welch_from_moments(a, b)?;
    Some(if t > 0.0 { two / 2.0 } else { 1.0 - two / 2.0 })
}

/// One-sided z-test that an estimate `a` (with variance `var_a`) is
/// greater than an independent estimate `b` (variance `var_b`):
/// P(Z > (a − b)/√(var_a + var_b)). With DeLong variances of two AUCs of
/// independent samples, DeLong's unpaired test. 1 (or 0) when both
/// variances are 0.
pub fn normal_greater(a: f64, var_a: f64, b: f64, var_b: f64) -> f64 {
    let var = var_a + var_b;
    if var.is_nan() || var <= 0.0 {
        return if a > b { 0.0 } else { 1.0 };
    }
    normal_sf((a - b) / var.sqrt())
}

/// Two-sided test that two rank correlations (or other correlation-like
/// associations in [0, 1)) of independent samples differ: Fisher's z,
/// z = (atanh r₁ − atanh r₂) / √(1.06/(n₁ − 3) + 1.06/(n₂ − 3)), with
/// Fieller, Hartley & Pearson's (1957) variance 1.06/(n − 3) of atanh of
/// Spearman's ρ; p = 2·sf(|z|), as `2 * scipy.stats.norm.sf(abs(z))`.
/// Values are clipped to ±(1 − 1e-12) so that atanh stays finite. `None`
/// when a sample has 3 rows or fewer.
pub fn correlation_change(r1: f64, n1: u64, r2: f64, n2: u64) -> Option<f64> {
    if n1 <= 3 || n2 <= 3 || !r1.is_finite() || !r2.is_finite() {
        return None;
    }
    let clip = |r: f64| r.clamp(-1.0 + 1e-12, 1.0 - 1e-12);
    let var = 1.06 / (n1 - 3) as f64 + 1.06 / (n2 - 3) as f64;
    let z = (libm::atanh(clip(r1)) - libm::atanh(clip(r2))) / var.sqrt();
    Some(crate::stats::distributions::normal_two_sided_p(z))
}

/// Benjamini–Hochberg adjusted p-values, in input order: for the m values
/// sorted ascending, p̃_(i) = min_{j ≥ i} min(1, m·p_(j)/j); as
/// `statsmodels.stats.multitest.multipletests(p, method="fdr_bh")[1]`. A
/// hypothesis is rejected at false discovery rate α exactly when its
/// adjusted value is ≤ α (the step-up procedure of
/// [`crate::stats::hypothesis::benjamini_hochberg`]). NaN stays NaN and
/// counts in m.
pub fn bh_adjust(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let order: Vec<usize> = crate::stats::sort::order_of_floats(p)
        .into_iter()
        .filter(|&i| !p[i].is_nan())
        .collect();
    let mut out = vec![f64::NAN; m];
    let mut running = 1.0f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        let v = (p[i] * m as f64 / (rank + 1) as f64).min(1.0);
        running = running.min(v);
        out[i] = running;
    }
    out
}

/// A verdict with its evidence (SPEC §3 "Verdicts" rule 1): the effect,
/// what it was judged against, the test and its p-value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judged {
    /// The effect judged (a share, a distance, a relative drop, …).
    pub effect: f64,
    /// The size it must reach to matter (the configured threshold, plus the
    /// baseline when judged relative to the reference's own).
    pub threshold: f64,
    /// What the reference itself shows (or sampling predicts) of the
    /// quantity, when judged relative to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    /// The one-sided test of "worse than the reference".
    pub test: &'static str,
    /// Its p-value (Benjamini–Hochberg adjusted when `adjusted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Whether `p_value` was adjusted for the check's many comparisons.
    pub adjusted: bool,
    /// The significance level.
    pub alpha: f64,
    /// Effect ≥ threshold.
    pub material: bool,
    /// p ≤ alpha (a missing p-value is not significant).
    pub significant: bool,
}

impl Judged {
    /// A quantity judged: material when `effect` ≥ `threshold` (see
    /// [`strictly`](Self::strictly)), significant when `p` ≤ `alpha`.
    pub fn new(
        effect: f64,
        threshold: f64,
        test: &'static str,
        p: Option<f64>,
        alpha: f64,
    ) -> Self {
        let p = p.filter(|p| !p.is_nan());
        Judged {
            effect,
            threshold,
            baseline: None,
            test,
            p_value: p,
            adjusted: false,
            alpha,
            material: effect >= threshold,
            significant: p.is_some_and(|p| p <= alpha),
        }
    }
    /// Judged strictly above the threshold (a share that must exceed it).
    pub fn strictly(mut self) -> Self {
        self.material = self.effect > self.threshold;
        self
    }
    /// With the baseline it was judged against.
    pub fn against(mut self, baseline: f64) -> Self {
        self.baseline = Some(baseline);
        self
    }
    /// Replace the p-value by its Benjamini–Hochberg adjusted value.
    pub fn adjust(&mut self, adjusted: f64) {
        if self.p_value.is_some() {
            self.p_value = Some(adjusted);
            self.adjusted = true;
            self.significant = adjusted <= self.alpha;
        }
    }
    /// Material and significant: the change is real and big enough.
    pub fn holds(&self) -> bool {
        self.material && self.significant
    }
    /// `severity` when it holds, else pass.
    pub fn status(&self, severity: Status) -> Status {
        if self.holds() {
            severity
        } else {
            Status::Pass
        }
    }
    /// How sure, in words: "p = 0.003, one-sided two-proportion z-test".
    pub fn sureness(&self) -> String {
        match self.p_value {
            Some(p) => format!(
                "p {} {}{}, {}",
                if p < 1e-4 { "<" } else { "=" },
                if p < 1e-4 {
                    "0.0001".to_string()
                } else {
                    format!("{p:.4}")
                },
                if self.adjusted {
                    " after Benjamini–Hochberg"
                } else {
                    ""
                },
                self.test
            ),
            None => format!("no p-value ({})", self.test),
        }
    }
}

/// Adjust the p-values of one check's comparisons together
/// (Benjamini–Hochberg, SPEC §3 "Verdicts" rule 2).
pub fn adjust_all<'a>(judged: impl IntoIterator<Item = &'a mut Judged>) {
    let mut items: Vec<&mut Judged> = judged.into_iter().collect();
    let p: Vec<f64> = items
        .iter()
        .map(|j| j.p_value.unwrap_or(f64::NAN))
        .collect();
    let adj = bh_adjust(&p);
    for (j, a) in items.iter_mut().zip(adj) {
        if !a.is_nan() {
            j.adjust(a);
        }
    }
}

/// The resamples of the deterministic bootstrap (SPEC §3 "Verdicts").
pub const RESAMPLES: usize = 1000;

/// A draw in 0..n from SplitMix64 (the model probes' generator,
/// [`crate::stats::perturb`]); Lemire's multiply-shift, n < 2³².
fn below(state: &mut u64, n: usize) -> usize {
    (((crate::stats::perturb::next(state) >> 32) * n as u64) >> 32) as usize
}

/// Counts of each cell code in a resample of `codes` (drawn with
/// replacement, as many as there are codes).
fn resample_counts(codes: &[u16], cells: usize, state: &mut u64, out: &mut [u64]) {
    out[..cells].iter_mut().for_each(|c| *c = 0);
    for _ in 0..codes.len() {
        out[codes[below(state, codes.len())] as usize] += 1;
    }
}

/// One-sided percentile-bootstrap p-value that a statistic of per-row
/// cell codes is worse (lower: `higher_better`) in `current` than in
/// `reference`: both resampled independently [`RESAMPLES`] times (indices
/// from SplitMix64 with `seed`), the share of resamples where current is
/// not worse, (1 + #{σ·(ref* − cur*) ≤ 0}) / (1 + B). Returns (p, the
/// 5th–95th percentile interval of σ·(ref* − cur*)).
pub fn bootstrap_worse(
    reference: &[u16],
    current: &[u16],
    cells: usize,
    seed: u64,
    stat: impl Fn(&[u64]) -> f64,
    higher_better: bool,
) -> Option<(f64, [f64; 2])> {
    if reference.is_empty() || current.is_empty() {
        return None;
    }
    let sigma = if higher_better { 1.0 } else { -1.0 };
    let mut state = seed;
    let (mut a, mut b) = (vec![0u64; cells], vec![0u64; cells]);
    let mut diffs = Vec::with_capacity(RESAMPLES);
    for _ in 0..RESAMPLES {
        resample_counts(reference, cells, &mut state, &mut a);
        resample_counts(current, cells, &mut state, &mut b);
        let d = sigma * (stat(&a) - stat(&b));
        if d.is_finite() {
            diffs.push(d);
        }
    }
    if diffs.is_empty() {
        return None;
    }
    let not_worse = diffs.iter().filter(|d| **d <= 0.0).count();
    crate::stats::sort::sort_floats(&mut diffs);
    let at = |q: f64| diffs[((diffs.len() - 1) as f64 * q).round() as usize];
    Some((
        (1 + not_worse) as f64 / (1 + diffs.len()) as f64,
        [at(0.05), at(0.95)],
    ))
}

/// F1 from binary cell counts [tp, fp, fn, tn] (0 when undefined, as
/// scikit-learn's `zero_division=0`).
fn f1_of(c: &[u64]) -> f64 {
    let d = 2 * c[0] + c[1] + c[2];
    if d == 0 {
        0.0
    } else {
        2.0 * c[0] as f64 / d as f64
    }
}

/// Macro F1 from a k×k confusion (cells true·k + pred), over the classes
/// seen in labels or predictions.
fn macro_f1_of(c: &[u64], k: usize) -> f64 {
    let (mut sum, mut seen) = (0.0, 0usize);
    for i in 0..k {
        let tp = c[i * k + i];
        let support: u64 = (0..k).map(|j| c[i * k + j]).sum();
        let predicted: u64 = (0..k).map(|j| c[j * k + i]).sum();
        if support + predicted == 0 {
            continue;
        }
        seen += 1;
        sum += 2.0 * tp as f64 / (support + predicted) as f64;
    }
    if seen == 0 {
        0.0
    } else {
        sum / seen as f64
    }
}

/// The most classes whose confusion the bootstrap resamples (k² cells).
const MAX_BOOTSTRAP_CLASSES: usize = 64;

/// One-sided test that performance metric `name` is worse on `current`
/// than on `reference` (independent samples), SPEC §3 "Verdicts" rule 1:
/// ROC AUC by DeLong's unpaired test; accuracy by the two-proportion test
/// of the error shares; RMSE, R² (squared errors) and MAE (absolute
/// errors) by Welch on the per-row terms; F1 and macro F1 by the
/// deterministic bootstrap. Returns (test, p-value, bootstrap interval);
/// `None` when the metric has no test here or the data cannot carry one.
pub fn metric_worse(
    name: &str,
    reference: &crate::targets::TaskData,
    current: &crate::targets::TaskData,
    classes: usize,
    seed: u64,
) -> Option<(&'static str, f64, Option<[f64; 2]>)> {
    use crate::targets::TaskData as T;
    match (name, reference, current) {
        (
            "roc_auc",
            T::Binary {
                y: yr,
                score: Some(sr),
                ..
            },
            T::Binary {
                y: yc,
                score: Some(sc),
                ..
            },
        ) => {
            let finite = |y: &[bool], s: &[f64]| -> (Vec<bool>, Vec<f64>) {
                y.iter()
                    .zip(s)
                    .filter(|(_, s)| s.is_finite())
                    .map(|(y, s)| (*y, *s))
                    .unzip()
            };
            let (yr, sr) = finite(yr, sr);
            let (yc, sc) = finite(yc, sc);
            let (ar, vr) = crate::stats::delong::auc_variance(&yr, &sr)?;
            let (ac, vc) = crate::stats::delong::auc_variance(&yc, &sc)?;
            Some((
                "DeLong's test of two independent AUCs, one-sided",
                normal_greater(ar, vr, ac, vc),
                None,
            ))
        }
        ("accuracy", _, _) => {
            let errors = |d: &T| -> (u64, u64) {
                match d {
                    T::Binary { y, pred, .. } => (
                        y.iter().zip(pred).filter(|(a, b)| a != b).count() as u64,
                        y.len() as u64,
                    ),
                    T::Multiclass { y, pred } => (
                        y.iter().zip(pred).filter(|(a, b)| a != b).count() as u64,
                        y.len() as u64,
                    ),
                    T::Regression { .. } => (0, 0),
                }
            };
            let ((er, nr), (ec, nc)) = (errors(reference), errors(current));
            (nr > 0 && nc > 0).then(|| {
                (
                    "two-proportion z-test of the error shares, one-sided",
                    proportion_greater(ec, nc, er, nr),
                    None,
                )
            })
        }
        (
            "rmse" | "r2" | "mae",
            T::Regression { y: yr, pred: pr },
            T::Regression { y: yc, pred: pc },
        ) => {
            let terms = |y: &[f64], p: &[f64]| -> Vec<f64> {
                y.iter()
                    .zip(p)
                    .map(|(y, p)| {
                        if name == "mae" {
                            (y - p).abs()
                        } else {
                            (y - p) * (y - p)
                        }
                    })
                    .collect()
            };
            let mv = |x: &[f64]| {
                crate::stats::hypothesis::mean_var(x).map(|(m, v)| (x.len() as f64, m, v))
            };
            let (r, c) = (mv(&terms(yr, pr))?, mv(&terms(yc, pc))?);
            let test = if name == "mae" {
                "Welch's t-test of the absolute errors, one-sided"
            } else {
                "Welch's t-test of the squared errors, one-sided"
            };
            Some((test, welch_greater(c, r)?, None))
        }
        (
            "f1",
            T::Binary {
                y: yr, pred: pr, ..
            },
            T::Binary {
                y: yc, pred: pc, ..
            },
        ) => {
            let codes = |y: &[bool], p: &[bool]| -> Vec<u16> {
                y.iter()
                    .zip(p)
                    .map(|(y, p)| match (y, p) {
                        (true, true) => 0,
                        (false, true) => 1,
                        (true, false) => 2,
                        (false, false) => 3,
                    })
                    .collect()
            };
            let (p, iv) = bootstrap_worse(&codes(yr, pr), &codes(yc, pc), 4, seed, f1_of, true)?;
            Some((
                "bootstrap of the F1 difference (1000 resamples), one-sided",
                p,
                Some(iv),
            ))
        }
        ("macro_f1", T::Multiclass { y: yr, pred: pr }, T::Multiclass { y: yc, pred: pc })
            if classes <= MAX_BOOTSTRAP_CLASSES =>
        {
            let k = classes;
            let codes = |y: &[u32], p: &[u32]| -> Vec<u16> {
                y.iter()
                    .zip(p)
                    .filter(|(y, p)| (**y as usize) < k && (**p as usize) < k)
                    .map(|(y, p)| (*y as usize * k + *p as usize) as u16)
                    .collect()
            };
            let (p, iv) = bootstrap_worse(
                &codes(yr, pr),
                &codes(yc, pc),
                k * k,
                seed,
                |c| macro_f1_of(c, k),
                true,
            )?;
            Some((
                "bootstrap of the macro F1 difference (1000 resamples), one-sided",
                p,
                Some(iv),
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_change_for_the_worse_alarms_by_default() {
        let warn = Status::Warn;
        assert_eq!(Side::of("roc_auc", 0.6, 0.7, 0.8), Side::Worse);
        assert_eq!(Side::of("roc_auc", 0.9, 0.7, 0.8), Side::Better);
        assert_eq!(Side::of("rmse", 0.9, 0.7, 0.8), Side::Worse);
        assert_eq!(Side::of("rmse", 0.6, 0.7, 0.8), Side::Better);
        assert_eq!(Side::of("roc_auc", 0.75, 0.7, 0.8), Side::Inside);
        // no direction: either side alarms
        assert_eq!(Side::of("mean_error", 0.9, 0.7, 0.8), Side::Worse);
        assert_eq!(Side::of("mean_error", 0.6, 0.7, 0.8), Side::Worse);
        assert_eq!(Side::Better.status(warn, false), Status::Pass);
        assert_eq!(Side::Better.status(warn, true), warn);
        assert_eq!(Side::Worse.status(warn, false), warn);
        assert_eq!(Side::Inside.status(warn, true), Status::Pass);
    }
    use crate::stats::assert_close;

    // Expected values: scipy 1.17.1, statsmodels 0.15.0.
    #[test]
    fn binomial_tail_matches_scipy() {
        // scipy.stats.binom.sf(4, 1000, 0.002)
        assert_close(
            binomial_greater(5, 1000, 0.002),
            0.052472389792522514,
            1e-12,
        );
        // scipy.stats.binom.sf(0, 50, 0.01)
        assert_close(binomial_greater(1, 50, 0.01), 0.39499393286246337, 1e-12);
        assert_eq!(binomial_greater(0, 10, 0.5), 1.0);
        assert_eq!(binomial_greater(3, 10, 0.0), 0.0);
    }

    #[test]
    fn two_proportions_match_statsmodels() {
        // proportions_ztest([30, 12], [300, 400], alternative="larger")[1]
        assert_close(
            proportion_greater(30, 300, 12, 400),
            5.6873605427245334e-05,
            1e-9,
        );
        // proportions_ztest([3, 5], [300, 400], alternative="larger")[1]
        assert_close(proportion_greater(3, 300, 5, 400), 0.620940188997948, 1e-9);
        assert_eq!(proportion_greater(0, 10, 0, 10), 1.0);
    }

    #[test]
    fn one_sided_welch_matches_scipy() {
        let a = [1.0, 2.5, 3.1, 4.2, 5.0, 2.2];
        let b = [0.5, 1.1, 0.9, 2.0, 1.7];
        let mv = |x: &[f64]| {
            let (m, v) = crate::stats::hypothesis::mean_var(x).expect("two values");
            (x.len() as f64, m, v)
        };
        // ttest_ind(a, b, equal_var=False, alternative="greater").pvalue
        let p = welch_greater(mv(&a), mv(&b)).expect("p");
        assert_close(p, 0.014922803567643536, 1e-9);
        let q = welch_greater(mv(&b), mv(&a)).expect("p");
        assert_close(q, 0.9850771964323565, 1e-9);
    }

    #[test]
    fn correlation_change_is_fishers_z() {
        // z = (arctanh(.45) - arctanh(.30)) / sqrt(1.06/297 + 1.06/247);
        // 2 * scipy.stats.norm.sf(abs(z))
        let p = correlation_change(0.45, 300, 0.30, 250).expect("p");
        assert_close(p, 0.04816839697503038, 1e-9);
        assert_eq!(correlation_change(0.5, 3, 0.1, 100), None);
        assert!(correlation_change(1.0, 50, 1.0, 50).is_some_and(|p| p == 1.0));
    }

    #[test]
    fn bh_adjusted_values_match_statsmodels() {
        // multipletests([0.01, 0.04, 0.03, 0.2, 0.5, 0.001], method="fdr_bh")[1]
        let got = bh_adjust(&[0.01, 0.04, 0.03, 0.2, 0.5, 0.001]);
        let want = [0.03, 0.06, 0.06, 0.24, 0.5, 0.006];
        for (g, w) in got.iter().zip(want) {
            assert_close(*g, w, 1e-12);
        }
        // The same rejections as the step-up procedure, across 30 columns.
        let p: Vec<f64> = (0..30).map(|i| 0.0007 * (i * i) as f64).collect();
        let flags = crate::stats::hypothesis::benjamini_hochberg(&p, 0.05);
        let adj = bh_adjust(&p);
        for (f, a) in flags.iter().zip(&adj) {
            assert_eq!(*f, *a <= 0.05);
        }
        assert!(flags.iter().filter(|f| **f).count() < 30);
    }

    #[test]
    fn a_verdict_needs_a_material_and_significant_change() {
        // Significant but tiny: passes.
        let tiny = Judged::new(0.001, 0.1, "test", Some(1e-12), 0.05);
        assert_eq!(tiny.status(Status::Fail), Status::Pass);
        // Large but on 20 rows, not significant: passes.
        let noisy = Judged::new(0.4, 0.1, "test", Some(0.2), 0.05);
        assert_eq!(noisy.status(Status::Fail), Status::Pass);
        // Both: fails.
        let real = Judged::new(0.4, 0.1, "test", Some(0.001), 0.05);
        assert_eq!(real.status(Status::Fail), Status::Fail);
        // Adjusted across many comparisons, a borderline one no longer holds.
        let mut many: Vec<Judged> = (0..30)
            .map(|i| {
                Judged::new(
                    0.4,
                    0.1,
                    "test",
                    Some(if i == 0 { 0.04 } else { 0.9 }),
                    0.05,
                )
            })
            .collect();
        adjust_all(many.iter_mut());
        assert!(!many[0].holds());
        assert!(many[0].adjusted);
    }
}
