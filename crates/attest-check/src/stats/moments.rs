//! Means, standard deviations and quantiles.

use super::stable_sum;

/// Arithmetic mean; `None` for an empty slice.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(stable_sum(values.iter().copied()) / values.len() as f64)
}

/// Population standard deviation (ddof = 0), as `numpy.std(x)`, computed in
/// two passes; `None` for an empty slice.
pub fn std_pop(values: &[f64]) -> Option<f64> {
    std_pop_about(values, mean(values)?)
}

/// [`std_pop`] about a mean already computed (`mean` = [`mean`] of
/// `values`, for the same value in one pass fewer); `None` for an empty
/// slice.
pub fn std_pop_about(values: &[f64], mean: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let ss = stable_sum(values.iter().map(|v| (v - mean) * (v - mean)));
    Some((ss / values.len() as f64).sqrt())
}

/// Quantile `q` in [0, 1] of **sorted** values with linear interpolation,
/// as numpy's default `numpy.quantile(x, q)` (method "linear": virtual index
/// (n − 1)·q, and the same two-sided lerp numpy uses for accuracy).
/// `None` for an empty slice or q outside [0, 1].
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let n = sorted.len();
    let virtual_index = (n - 1) as f64 * q;
    let lo = virtual_index.floor();
    let gamma = virtual_index - lo;
    let lo = lo as usize;
    let hi = (lo + 1).min(n - 1);
    let a = *sorted.get(lo)?;
    let b = *sorted.get(hi)?;
    let diff = b - a;
    Some(if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_empty_is_none() {
        assert_eq!(mean(&[]), None);
        assert_eq!(std_pop(&[]), None);
    }

    #[test]
    fn std_pop_matches_numpy() {
        // numpy.std([1, 2, 3, 4]) == 1.118033988749895
        let s = std_pop(&[1.0, 2.0, 3.0, 4.0]).expect("non-empty");
        assert!((s - 1.118033988749895).abs() < 1e-15);
    }

    #[test]
    fn quantile_matches_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.1, 0.5, 0.9]) == [1.4, 3.0, 7.6]
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile_sorted(&v, 0.1).expect("q") - 1.4).abs() < 1e-12);
        assert_eq!(quantile_sorted(&v, 0.5), Some(3.0));
        assert!((quantile_sorted(&v, 0.9).expect("q") - 7.6).abs() < 1e-12);
        assert_eq!(quantile_sorted(&v, 1.0), Some(10.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }
}
