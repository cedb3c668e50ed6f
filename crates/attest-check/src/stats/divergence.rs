//! Distances between binned distributions.

use crate::stats::math::Det;

/// Population stability index Σ (c_i − r_i)·ln(c_i / r_i), where `r` and
/// `c` are the reference and current shares per bin and a zero share is
/// replaced by 0.0001 (no renormalisation). Returns 0 for empty input.
/// Slices must have the same length; extra entries of the longer are ignored.
pub fn psi(r: &[f64], c: &[f64]) -> f64 {
    const FLOOR: f64 = 0.0001;
    r.iter()
        .zip(c)
        .map(|(&r, &c)| {
            let r = if r == 0.0 { FLOOR } else { r };
            let c = if c == 0.0 { FLOOR } else { c };
            (c - r) * (c / r).d_ln()
        })
        .sum()
}

/// L-infinity distance max_i |r_i − c_i| of two share vectors, as TFDV's
/// categorical drift comparator (`linf_distance`); 0 for empty input.
/// Slices must have the same length; extra entries of the longer are ignored.
pub fn linf_distance(r: &[f64], c: &[f64]) -> f64 {
    r.iter()
        .zip(c)
        .map(|(r, c)| (r - c).abs())
        .fold(0.0, f64::max)
}

/// Jensen–Shannon **distance** in base 2 (range 0–1) between two vectors of
/// non-negative weights, as `scipy.spatial.distance.jensenshannon(p, q, base=2)`:
/// both are normalised to sum 1, then sqrt((KL(p‖m) + KL(q‖m)) / 2 / ln 2) with
/// m = (p + q)/2 and 0·ln(0/x) = 0. `None` when either vector sums to 0.
pub fn jensen_shannon(p: &[f64], q: &[f64]) -> Option<f64> {
    let sp: f64 = p.iter().sum();
    let sq: f64 = q.iter().sum();
    if sp <= 0.0 || sq <= 0.0 {
        return None;
    }
    let rel_entr = |x: f64, y: f64| {
        if x > 0.0 && y > 0.0 {
            x * (x / y).d_ln()
        } else {
            0.0
        }
    };
    let (mut left, mut right) = (0.0, 0.0);
    for (&a, &b) in p.iter().zip(q) {
        let (a, b) = (a / sp, b / sq);
        let m = (a + b) / 2.0;
        left += rel_entr(a, m);
        right += rel_entr(b, m);
    }
    let js = (left + right) / std::f64::consts::LN_2;
    Some((js / 2.0).max(0.0).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    #[test]
    fn linf_is_the_largest_share_difference() {
        assert_eq!(linf_distance(&[0.5, 0.3, 0.2], &[0.4, 0.5, 0.1]), 0.2);
        assert_eq!(linf_distance(&[0.5, 0.5], &[0.5, 0.5]), 0.0);
        assert_eq!(linf_distance(&[], &[]), 0.0);
        // a category only in current
        assert_eq!(linf_distance(&[1.0, 0.0], &[0.25, 0.75]), 0.75);
    }

    #[test]
    fn psi_identical_is_zero() {
        assert_eq!(psi(&[0.5, 0.5], &[0.5, 0.5]), 0.0);
        assert_eq!(psi(&[], &[]), 0.0);
    }

    #[test]
    fn psi_replaces_zero_shares() {
        // (0.0001 - 0.5) ln(0.0001/0.5) + (1 - 0.5) ln(1/0.5)
        let expected = (0.0001f64 - 0.5) * (0.0001f64 / 0.5).d_ln() + 0.5 * 2f64.d_ln();
        assert_close(psi(&[0.5, 0.5], &[0.0, 1.0]), expected, 1e-15);
    }

    #[test]
    fn js_matches_scipy() {
        // scipy.spatial.distance.jensenshannon([0.1, 0.4, 0.5], [0.3, 0.3, 0.4], base=2)
        // == 0.21663402449519667 (scipy 1.17.1)
        let d = jensen_shannon(&[0.1, 0.4, 0.5], &[0.3, 0.3, 0.4]).expect("defined");
        assert_close(d, 0.21663402449519667, 1e-12);
        assert_eq!(jensen_shannon(&[1.0, 0.0], &[0.0, 1.0]), Some(1.0));
        assert_eq!(jensen_shannon(&[0.0], &[1.0]), None);
    }
}
