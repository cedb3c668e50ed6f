//! Pearson chi-square test of homogeneity.

use crate::stats::math::gamma_q;

/// Result of [`chi2_two_rows`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chi2Result {
    /// Σ (observed − expected)² / expected.
    pub statistic: f64,
    /// Upper tail probability of χ²(dof) at the statistic.
    pub p_value: f64,
    /// Degrees of freedom, K − 1.
    pub dof: usize,
}

/// Pearson chi-square test of the 2×K table whose rows are `a` and `b`
/// (counts per category), without Yates' correction, as
/// `scipy.stats.chi2_contingency([a, b], correction=False)`. Expected counts
/// are row total × column total / grand total. Categories with zero count in
/// both rows are dropped. `None` when fewer than 2 categories remain or a row
/// total is zero.
pub fn chi2_two_rows(a: &[u64], b: &[u64]) -> Option<Chi2Result> {
    let cols: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| **x + **y > 0)
        .map(|(&x, &y)| (x as f64, y as f64))
        .collect();
    if cols.len() < 2 {
        return None;
    }
    let ta: f64 = cols.iter().map(|c| c.0).sum();
    let tb: f64 = cols.iter().map(|c| c.1).sum();
    if ta == 0.0 || tb == 0.0 {
        return None;
    }
    let total = ta + tb;
    let mut stat = 0.0;
    for &(x, y) in &cols {
        let col = x + y;
        let ea = ta * col / total;
        let eb = tb * col / total;
        stat += (x - ea) * (x - ea) / ea + (y - eb) * (y - eb) / eb;
    }
    let dof = cols.len() - 1;
    Some(Chi2Result {
        statistic: stat,
        p_value: chi2_sf(stat, dof as f64),
        dof,
    })
}

/// Upper tail of the chi-square distribution, Q(dof/2, x/2) (regularized
/// upper incomplete gamma), as `scipy.stats.chi2.sf(x, dof)`.
pub fn chi2_sf(x: f64, dof: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    gamma_q(dof / 2.0, x / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    #[test]
    fn matches_scipy_chi2_contingency() {
        // scipy.stats.chi2_contingency([[10,20,30],[15,15,40]], correction=False)
        let r = chi2_two_rows(&[10, 20, 30], &[15, 15, 40]).expect("defined");
        assert_close(r.statistic, 2.3877551020408165, 1e-13);
        assert_close(r.p_value, 0.30304391468510006, 1e-12);
        assert_eq!(r.dof, 2);
    }

    #[test]
    fn far_tail_keeps_relative_accuracy() {
        // scipy.stats.chi2.sf(483.0, 5) == 3.726634504088576e-102
        assert_close(chi2_sf(483.0, 5.0), 3.726634504088576e-102, 1e-9);
    }

    #[test]
    fn single_category_is_none() {
        assert!(chi2_two_rows(&[5, 0], &[7, 0]).is_none());
        assert!(chi2_two_rows(&[0, 0], &[1, 2]).is_none());
    }
}
