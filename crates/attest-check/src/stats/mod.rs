//! Pure statistics over slices and counts.
//!
//! Nothing here knows about Arrow, files, columns or reports: every function
//! takes plain numbers and returns plain numbers, documents its definition
//! and its reference implementation, and says what it returns on empty input.
//! Functions that need sorted input say so and take `&[f64]` that the caller
//! sorted once (one sort per numeric column feeds KS, Wasserstein and the
//! quantiles).

pub mod association;
pub mod binning;
pub mod chi2;
pub mod chunks;
pub mod classification;
pub mod delong;
pub mod distributions;
pub mod divergence;
pub mod estimation;
pub mod fairness;
pub mod hypothesis;
pub mod importance;
pub mod isotonic;
pub mod kolmogorov;
pub mod ks;
pub mod label_issues;
pub mod labels;
pub mod math;
pub mod moments;
pub mod multiclass;
pub mod perturb;
pub mod regression;
pub mod skew;
pub mod slices;
pub mod sort;
pub mod wasserstein;

/// Sum with Neumaier compensation, so long sums stay accurate to the last
/// bits whatever their order.
pub fn stable_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut sum = 0.0f64;
    let mut c = 0.0f64;
    for v in values {
        let t = sum + v;
        if sum.abs() >= v.abs() {
            c += (sum - t) + v;
        } else {
            c += (v - t) + sum;
        }
        sum = t;
    }
    sum + c
}

#[cfg(test)]
pub(crate) fn assert_close(got: f64, expected: f64, rel: f64) {
    let tol = 1e-300_f64.max(rel * expected.abs());
    assert!(
        (got - expected).abs() <= tol,
        "got {got:e}, expected {expected:e} (rel {rel:e})"
    );
}

/// A xorshift64 stream of test inputs from a nonzero seed.
#[cfg(test)]
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_sum_empty_is_zero() {
        assert_eq!(stable_sum([]), 0.0);
    }

    #[test]
    fn stable_sum_keeps_small_terms() {
        let s = stable_sum([1e16, 1.0, -1e16]);
        assert_eq!(s, 1.0);
    }
}
