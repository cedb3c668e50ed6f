//! Multiclass classification metrics over class codes.

/// Confusion matrices are kept only up to this many classes.
pub const MAX_MATRIX_CLASSES: usize = 50;

/// Multiclass metrics of one dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct MulticlassMetrics {
    /// Share of rows with prediction == label.
    pub accuracy: f64,
    /// Unweighted mean of per-class F1 over the classes seen in labels or predictions.
    pub macro_f1: f64,
    /// Per-class F1 weighted by the class's label count.
    pub weighted_f1: f64,
    /// Confusion matrix `matrix[true][pred]` by class code, when there are at
    /// most [`MAX_MATRIX_CLASSES`] classes.
    pub matrix: Option<Vec<Vec<u64>>>,
}

/// Accuracy, macro and weighted F1 over class codes `0..n_classes`, as
/// `sklearn.metrics.accuracy_score` and `f1_score(average="macro"|"weighted")`
/// with the labels present in either input (per-class F1 = 0 when undefined).
/// Time and memory are O(rows + classes). Codes outside `0..n_classes` are
/// ignored. `None` when empty.
pub fn multiclass_metrics(y: &[u32], pred: &[u32], n_classes: usize) -> Option<MulticlassMetrics> {
    let mut tp = vec![0u64; n_classes];
    let mut support = vec![0u64; n_classes];
    let mut predicted = vec![0u64; n_classes];
    let mut matrix =
        (n_classes <= MAX_MATRIX_CLASSES).then(|| vec![vec![0u64; n_classes]; n_classes]);
    let (mut n, mut correct) = (0u64, 0u64);
    for (&t, &p) in y.iter().zip(pred) {
        let (t, p) = (t as usize, p as usize);
        if t >= n_classes || p >= n_classes {
            continue;
        }
        n += 1;
        support[t] += 1;
        predicted[p] += 1;
        if t == p {
            correct += 1;
            tp[t] += 1;
        }
        if let Some(cell) = matrix
            .as_mut()
            .and_then(|m| m.get_mut(t))
            .and_then(|row| row.get_mut(p))
        {
            *cell += 1;
        }
    }
    if n == 0 {
        return None;
    }
    let (mut macro_sum, mut weighted_sum, mut present) = (0.0, 0.0, 0usize);
    for k in 0..n_classes {
        let denom = support[k] + predicted[k];
        if denom == 0 {
            continue;
        }
        present += 1;
        let f1 = 2.0 * tp[k] as f64 / denom as f64;
        macro_sum += f1;
        weighted_sum += f1 * support[k] as f64;
    }
    Some(MulticlassMetrics {
        accuracy: correct as f64 / n as f64,
        macro_f1: macro_sum / present.max(1) as f64,
        weighted_f1: weighted_sum / n as f64,
        matrix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    #[test]
    fn matches_sklearn() {
        // sklearn 1.9.1: y=[a,b,c,a,b,c,a], p=[a,c,c,a,b,b,b]
        let y = [0, 1, 2, 0, 1, 2, 0];
        let p = [0, 2, 2, 0, 1, 1, 1];
        let m = multiclass_metrics(&y, &p, 3).expect("rows");
        assert_close(m.accuracy, 0.5714285714285714, 1e-15);
        assert_close(m.macro_f1, 0.5666666666666668, 1e-14);
        assert_close(m.weighted_f1, 0.6, 1e-14);
    }

    #[test]
    fn empty_is_none() {
        assert!(multiclass_metrics(&[], &[], 2).is_none());
    }
}
