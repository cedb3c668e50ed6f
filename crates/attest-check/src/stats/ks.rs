//! Two-sample Kolmogorov–Smirnov test.

use super::kolmogorov::kolmogorov_sf;

/// Largest sample size for which the exact p-value is used, as scipy's
/// `method="auto"` (`MAX_AUTO_N`).
pub const MAX_EXACT_N: usize = 10_000;

/// How a KS p-value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KsMethod {
    /// Exact lattice-path count (Hodges; Viehmann's stable recursion).
    Exact,
    /// Asymptotic: the one-sample Kolmogorov distribution at n = round(n1·n2/(n1+n2)).
    Asymptotic,
}

/// Result of [`ks_2samp`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KsResult {
    /// D = sup |F_ref − F_cur|.
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// The method that produced the p-value.
    pub method: KsMethod,
    /// The value at which D is attained.
    pub location: f64,
}

/// Two-sample KS test on two **sorted**, finite, non-empty samples, as
/// `scipy.stats.ks_2samp(a, b)` (two-sided, `method="auto"`): exact when
/// max(n1, n2) ≤ 10000, else asymptotic via `scipy.stats.kstwo.sf(d, round(en))`
/// with en = n1·n2/(n1+n2). As scipy, the exact method reports D = h / lcm(n1, n2)
/// and falls back to the asymptotic method if the exact computation is not
/// a valid probability. `None` when either sample is empty.
pub fn ks_2samp(a: &[f64], b: &[f64]) -> Option<KsResult> {
    ks_and_wasserstein(a, b).map(|(ks, _)| ks)
}

/// [`ks_2samp`] and the first Wasserstein distance
/// ([`super::wasserstein::wasserstein_sorted`]) of two sorted samples from
/// one merged walk over their distinct values. `None` when either is empty.
pub fn ks_and_wasserstein(a: &[f64], b: &[f64]) -> Option<(KsResult, f64)> {
    let (n1, n2) = (a.len(), b.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (nf1, nf2) = (n1 as f64, n2 as f64);
    // Walk both sorted samples over the distinct values of their union,
    // tracking i·n2 − j·n1 = (F_a − F_b)·n1·n2 exactly in integers, and
    // integrating |F_a − F_b| between consecutive distinct values.
    let (mut i, mut j) = (0usize, 0usize);
    let (mut best_pos, mut best_neg) = (0i128, 0i128);
    let start = a[0].min(b[0]);
    let (mut loc_pos, mut loc_neg) = (start, start);
    let (mut at_pos, mut at_neg) = ((0usize, 0usize), (0usize, 0usize));
    let (mut w, mut w_comp) = (0.0f64, 0.0f64);
    let mut prev_x = start;
    let mut prev_gap = 0.0f64;
    while i < n1 || j < n2 {
        let x = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        let term = prev_gap * (x - prev_x);
        let t = w + term;
        w_comp += if w.abs() >= term.abs() {
            (w - t) + term
        } else {
            (term - t) + w
        };
        w = t;
        // The usual step passes one value of one sample or of both: taken
        // without a branch (the samples interleave at random, so a loop's
        // exit would be mispredicted about every other step); the loops
        // then pass the rest of a run of equal values.
        i += usize::from(a.get(i).is_some_and(|&v| v <= x));
        j += usize::from(b.get(j).is_some_and(|&v| v <= x));
        while i < n1 && a[i] <= x {
            i += 1;
        }
        while j < n2 && b[j] <= x {
            j += 1;
        }
        prev_x = x;
        prev_gap = (i as f64 / nf1 - j as f64 / nf2).abs();
        let diff = i as i128 * n2 as i128 - j as i128 * n1 as i128;
        if diff > best_pos {
            best_pos = diff;
            loc_pos = x;
            at_pos = (i, j);
        }
        if -diff > best_neg {
            best_neg = -diff;
            loc_neg = x;
            at_neg = (i, j);
        }
    }
    let wasserstein = w + w_comp;
    // scipy takes the negative side only when it is strictly larger.
    let (best, (bi, bj), location) = if best_neg > best_pos {
        (best_neg, at_neg, loc_neg)
    } else {
        (best_pos, at_pos, loc_pos)
    };
    let float_d = ((bi as f64 / nf1) - (bj as f64 / nf2)).abs();

    if n1.max(n2) <= MAX_EXACT_N {
        let g = gcd(n1 as u64, n2 as u64);
        let lcm = (n1 as u64 / g) as f64 * n2 as f64;
        let h = (best / g as i128) as u64;
        let d = h as f64 / lcm;
        let exact = |p_value| KsResult {
            statistic: d,
            p_value,
            method: KsMethod::Exact,
            location,
        };
        if h == 0 {
            return Some((exact(1.0), wasserstein));
        }
        let p = if n1 == n2 {
            prob_outside_square(n1 as u64, h)
        } else {
            prob_outside_band(n1 as u64, n2 as u64, g, h)
        };
        if p.is_finite() && (0.0..=1.0).contains(&p) {
            return Some((exact(p), wasserstein));
        }
        return Some((asymptotic(n1, n2, d, location), wasserstein));
    }
    Some((asymptotic(n1, n2, float_d, location), wasserstein))
}

fn asymptotic(n1: usize, n2: usize, d: f64, location: f64) -> KsResult {
    let (m, n) = (n1.max(n2) as f64, n1.min(n2) as f64);
    let en = m * n / (m + n);
    let p = kolmogorov_sf(en.round_ties_even() as u64, d).clamp(0.0, 1.0);
    KsResult {
        statistic: d,
        p_value: p,
        method: KsMethod::Asymptotic,
        location,
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// P(D_{n,n} ≥ h/n) for equal sample sizes: twice an alternating sum of
/// binomial ratios binom(2n, n − kh)/binom(2n, n), evaluated Horner-style from
/// the innermost term so nothing cancels.
fn prob_outside_square(n: u64, h: u64) -> f64 {
    let mut p = 0.0f64;
    let mut k = n / h;
    loop {
        let mut term = 1.0f64;
        for j in 0..h {
            let num = n as f64 - (k * h + j) as f64;
            let den = (n + k * h + j + 1) as f64;
            term = num * term / den;
        }
        p = term * (1.0 - p);
        if k == 0 {
            break;
        }
        k -= 1;
    }
    2.0 * p
}

/// Share of the monotone lattice paths from (0,0) to (m,n) that leave the band
/// |x/m − y/n| < h/lcm(m,n): the two-sided exact p-value for unequal sizes.
/// Computed column by column over a sliding window with the recursion for the
/// complement probability (Hodges 1958; Viehmann 2021, arXiv:2102.08037), so
/// every stored value is a probability and nothing overflows.
fn prob_outside_band(m: u64, n: u64, g: u64, h: u64) -> f64 {
    let (m, n) = if m < n { (n, m) } else { (m, n) };
    let (mg, ng) = ((m / g) as i64, (n / g) as i64);
    let (n, h) = (n as i64, h as i64);
    let ceil_div = |a: i64, b: i64| -> i64 { (a as f64 / b as f64).ceil() as i64 };
    let floor_div = |a: i64, b: i64| -> i64 { (a as f64 / b as f64).floor() as i64 };

    let mut minj = 0i64;
    let mut maxj = ceil_div(h, mg).min(n + 1);
    let mut curlen = maxj - minj;
    let len_a = (2 * maxj + 2).min(n + 1).max(1) as usize;
    let mut col = vec![1.0f64; len_a];
    for v in col.iter_mut().take(maxj.max(0) as usize) {
        *v = 0.0;
    }
    for i in 1..=(m as i64) {
        let (last_minj, last_len) = (minj, curlen);
        minj = (floor_div(ng * i - h, mg) + 1).max(0).min(n);
        maxj = ceil_div(ng * i + h, mg).min(n + 1);
        if maxj <= minj {
            return 1.0;
        }
        let mut val = if minj == 0 { 0.0 } else { 1.0 };
        for jj in 0..(maxj - minj) {
            let j = jj + minj;
            let prev = col
                .get((jj + minj - last_minj) as usize)
                .copied()
                .unwrap_or(1.0);
            val = (prev * i as f64 + val * j as f64) / (i + j) as f64;
            if let Some(slot) = col.get_mut(jj as usize) {
                *slot = val;
            }
        }
        curlen = maxj - minj;
        if last_len > curlen {
            let from = (maxj - minj) as usize;
            let to = (from + (last_len - curlen) as usize).min(col.len());
            for v in col.iter_mut().take(to).skip(from) {
                *v = 1.0;
            }
        }
    }
    col.get((maxj - minj - 1).max(0) as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    fn sorted(mut v: Vec<f64>) -> Vec<f64> {
        v.sort_by(f64::total_cmp);
        v
    }

    // Expected values: scipy 1.17.1 `scipy.stats.ks_2samp(a, b)`.
    #[test]
    fn exact_unequal_sizes() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.5];
        let b = [2.5, 3.5, 9.0, 10.0, 11.0];
        let r = ks_2samp(&a, &b).expect("non-empty");
        assert_close(r.statistic, 0.6, 1e-15);
        assert_close(r.p_value, 0.16472416472416468, 1e-12);
        assert_eq!(r.method, KsMethod::Exact);
        assert_eq!(r.location, 8.5);
    }

    #[test]
    fn exact_equal_sizes() {
        let a: Vec<f64> = (0..20).map(f64::from).collect();
        let b: Vec<f64> = a.iter().map(|x| x + 5.5).collect();
        let r = ks_2samp(&a, &b).expect("non-empty");
        assert_close(r.statistic, 0.3, 1e-15);
        assert_close(r.p_value, 0.33559098126008213, 1e-12);
    }

    #[test]
    fn exact_with_common_divisor() {
        let a: Vec<f64> = (0..30).map(f64::from).collect();
        let b = sorted((0..10).map(|x| f64::from(x) * 2.2 + 7.0).collect());
        let r = ks_2samp(&a, &b).expect("non-empty");
        assert_close(r.statistic, 0.23333333333333334, 1e-15);
        assert_close(r.p_value, 0.7775482545531481, 1e-12);
    }

    #[test]
    fn identical_samples_have_p_one() {
        let a = [1.0, 2.0, 3.0];
        let r = ks_2samp(&a, &a).expect("non-empty");
        assert_eq!(r.statistic, 0.0);
        assert_eq!(r.p_value, 1.0);
    }

    #[test]
    fn wasserstein_from_the_walk_matches_the_direct_one() {
        let a = sorted((0..500).map(|i| f64::from((i * 37) % 101) * 0.5).collect());
        let b = sorted(
            (0..300)
                .map(|i| f64::from((i * 13) % 89) * 0.6 + 1.0)
                .collect(),
        );
        let (_, w) = ks_and_wasserstein(&a, &b).expect("non-empty");
        let direct = crate::stats::wasserstein::wasserstein_sorted(&a, &b).expect("non-empty");
        assert_close(w, direct, 1e-13);
    }

    #[test]
    fn empty_sample_is_none() {
        assert!(ks_2samp(&[], &[1.0]).is_none());
        assert!(ks_2samp(&[1.0], &[]).is_none());
    }

    #[test]
    fn large_samples_use_asymptotic() {
        let a: Vec<f64> = (0..20_000).map(|i| f64::from(i) / 20_000.0).collect();
        let b: Vec<f64> = (0..15_000)
            .map(|i| f64::from(i) / 15_000.0 + 0.01)
            .collect();
        let r = ks_2samp(&a, &b).expect("non-empty");
        assert_eq!(r.method, KsMethod::Asymptotic);
        // scipy.stats.ks_2samp(np.arange(20000)/20000, np.arange(15000)/15000 + 0.01)
        assert_close(r.statistic, 0.010050000000000003, 1e-12);
        assert_close(r.p_value, 0.3498040781798891, 1e-7);
    }
}
