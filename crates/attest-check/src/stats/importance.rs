//! Feature importance change (SPEC §3 "Feature importance change"): shares
//! of importance per feature and how they moved between two datasets.

use super::stable_sum;

/// Importance shares s_f = I_f / Σ_g I_g (all 0 when the sum is 0 or not
/// finite). Negative or non-finite importances count as 0.
pub fn shares(importance: &[f64]) -> Vec<f64> {
    let clean: Vec<f64> = importance
        .iter()
        .map(|&v| if v.is_finite() && v > 0.0 { v } else { 0.0 })
        .collect();
    let total = stable_sum(clean.iter().copied());
    if total > 0.0 && total.is_finite() {
        clean.iter().map(|v| v / total).collect()
    } else {
        vec![0.0; clean.len()]
    }
}

/// `importance_tv_distance` = ½ Σ_f |s_f(b) − s_f(a)| of two share vectors
/// over the same features.
pub fn tv_distance(a: &[f64], b: &[f64]) -> f64 {
    0.5 * stable_sum(a.iter().zip(b).map(|(x, y)| (x - y).abs()))
}

/// The features' order by importance: descending, ties by name ascending.
/// Returns the indices into `importance`.
pub fn ranking(importance: &[f64], names: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..importance.len()).collect();
    order.sort_by(|&i, &j| {
        importance[j]
            .total_cmp(&importance[i])
            .then_with(|| names.get(i).cmp(&names.get(j)))
    });
    order
}

/// k = min(5, features) of `importance_top5_overlap`.
pub fn top_k(features: usize) -> usize {
    features.min(5)
}

/// `importance_top5_overlap` = |top-k(a) ∩ top-k(b)| / k with k =
/// [`top_k`], features ranked by [`ranking`]. `None` for no feature.
pub fn top_k_overlap(a: &[f64], b: &[f64], names: &[&str]) -> Option<f64> {
    let k = top_k(a.len().min(b.len()));
    if k == 0 {
        return None;
    }
    let ta = &ranking(a, names)[..k];
    let tb = &ranking(b, names)[..k];
    let common = ta.iter().filter(|i| tb.contains(i)).count();
    Some(common as f64 / k as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    #[test]
    fn shares_sum_to_one_or_are_zero() {
        let s = shares(&[1.0, 3.0, 0.0, f64::NAN]);
        assert_eq!(s, vec![0.25, 0.75, 0.0, 0.0]);
        assert_eq!(shares(&[0.0, 0.0]), vec![0.0, 0.0]);
        assert!(shares(&[]).is_empty());
    }

    #[test]
    fn total_variation_is_half_the_l1() {
        assert_close(tv_distance(&[0.5, 0.5, 0.0], &[0.2, 0.5, 0.3]), 0.3, 1e-12);
        assert_eq!(tv_distance(&[1.0], &[1.0]), 0.0);
    }

    #[test]
    fn ranking_breaks_ties_by_name() {
        let names = ["b", "a", "c"];
        assert_eq!(ranking(&[1.0, 1.0, 2.0], &names), vec![2, 1, 0]);
    }

    #[test]
    fn overlap_of_the_top_five() {
        let names = ["a", "b", "c", "d", "e", "f"];
        let a = [6.0, 5.0, 4.0, 3.0, 2.0, 1.0];
        // f rises into the top five, e leaves it
        let b = [6.0, 5.0, 4.0, 3.0, 0.5, 2.0];
        assert_eq!(top_k_overlap(&a, &b, &names), Some(0.8));
        assert_eq!(top_k_overlap(&a, &a, &names), Some(1.0));
        // fewer than five features: k is their number
        assert_eq!(
            top_k_overlap(&[1.0, 2.0], &[2.0, 1.0], &names[..2]),
            Some(1.0)
        );
        assert_eq!(top_k_overlap(&[], &[], &[]), None);
    }
}
