//! Bins for PSI and Jensen–Shannon: reference deciles for numeric columns.

use super::moments::quantile_sorted;

/// Bin edges for a numeric column: the distinct values among the reference
/// deciles `quantile(ref, [0.1, …, 0.9])` (numpy linear interpolation), in
/// increasing order. Empty when the reference is empty.
pub fn decile_edges(sorted_ref: &[f64]) -> Vec<f64> {
    let mut edges: Vec<f64> = (1..=9)
        .filter_map(|i| quantile_sorted(sorted_ref, f64::from(i) / 10.0))
        .collect();
    edges.dedup();
    edges
}

/// Counts per bin of **sorted** finite values, where value x falls in bin
/// = number of edges strictly below x, so the bins are
/// `(-inf, e1], (e1, e2], …, (ek, inf)`. Returns `edges.len() + 1` counts.
pub fn bin_counts_sorted(sorted: &[f64], edges: &[f64]) -> Vec<u64> {
    let mut counts = vec![0u64; edges.len() + 1];
    let mut start = 0usize;
    for (i, edge) in edges.iter().enumerate() {
        // values <= edge (and not in an earlier bin) belong to bin i
        let end = start + sorted[start..].partition_point(|v| v <= edge);
        counts[i] = (end - start) as u64;
        start = end;
    }
    counts[edges.len()] = (sorted.len() - start) as u64;
    counts
}

/// Shares of each count in their total; all zeros when the total is zero.
pub fn shares(counts: &[u64]) -> Vec<f64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return vec![0.0; counts.len()];
    }
    counts.iter().map(|&c| c as f64 / total as f64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_dedup_ties() {
        let v = [1.0; 10];
        assert_eq!(decile_edges(&v), vec![1.0]);
        assert!(decile_edges(&[]).is_empty());
    }

    #[test]
    fn values_on_an_edge_fall_left() {
        let counts = bin_counts_sorted(&[0.0, 1.0, 1.0, 1.5, 2.0, 3.0], &[1.0, 2.0]);
        assert_eq!(counts, vec![3, 2, 1]);
    }

    #[test]
    fn shares_of_empty_are_zero() {
        assert_eq!(shares(&[0, 0]), vec![0.0, 0.0]);
        assert_eq!(shares(&[1, 3]), vec![0.25, 0.75]);
    }
}
