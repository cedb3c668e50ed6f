//! Earth mover's distance between two samples.

/// First Wasserstein distance between two **sorted** samples, as
/// `scipy.stats.wasserstein_distance(u, v)`: ∫ |F_u(x) − F_v(x)| dx, summed
/// over the gaps of the merged sorted values. `None` if either is empty.
pub fn wasserstein_sorted(u: &[f64], v: &[f64]) -> Option<f64> {
    let (nu, nv) = (u.len(), v.len());
    if nu == 0 || nv == 0 {
        return None;
    }
    let (mut i, mut j) = (0usize, 0usize);
    let mut prev: Option<f64> = None;
    let mut sum = 0.0f64;
    let mut comp = 0.0f64;
    while i < nu || j < nv {
        let take_u = match (u.get(i), v.get(j)) {
            (Some(x), Some(y)) => x <= y,
            (Some(_), None) => true,
            _ => false,
        };
        let x = if take_u { u[i] } else { v[j] };
        if let Some(p) = prev {
            let term = ((i as f64 / nu as f64) - (j as f64 / nv as f64)).abs() * (x - p);
            // Neumaier-compensated running sum
            let t = sum + term;
            if sum.abs() >= term.abs() {
                comp += (sum - t) + term;
            } else {
                comp += (term - t) + sum;
            }
            sum = t;
        }
        prev = Some(x);
        if take_u {
            i += 1;
        } else {
            j += 1;
        }
    }
    Some(sum + comp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    #[test]
    fn matches_scipy() {
        // scipy.stats.wasserstein_distance([1, 2, 3, 10], [2, 2.5, 7]) == 1.5000000000000002
        let d = wasserstein_sorted(&[1.0, 2.0, 3.0, 10.0], &[2.0, 2.5, 7.0]).expect("non-empty");
        assert_close(d, 1.5000000000000002, 1e-14);
    }

    #[test]
    fn identical_is_zero_and_empty_is_none() {
        assert_eq!(wasserstein_sorted(&[1.0, 2.0], &[1.0, 2.0]), Some(0.0));
        assert_eq!(wasserstein_sorted(&[], &[1.0]), None);
    }
}
