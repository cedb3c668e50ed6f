//! Group fairness of a binary classifier.

use super::classification::Confusion;

/// Fairness differences across groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FairnessMetrics {
    /// max selection rate − min selection rate.
    pub demographic_parity_difference: f64,
    /// min selection rate / max selection rate (0 when the max is 0).
    pub demographic_parity_ratio: f64,
    /// max TPR − min TPR over groups with positives; `None` if no group has any.
    pub equal_opportunity_difference: Option<f64>,
    /// max(TPR spread, FPR spread) over groups with positives (negatives).
    pub equalized_odds_difference: Option<f64>,
}

fn spread(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut any = false;
    for v in values {
        any = true;
        lo = lo.min(v);
        hi = hi.max(v);
    }
    any.then_some(hi - lo)
}

/// Differences of selection rate, TPR and FPR across the groups' confusion
/// counts (as fairlearn's `demographic_parity_difference`/`_ratio`,
/// `equalized_odds_difference`). Empty groups are ignored; `None` when no
/// group has rows.
pub fn fairness_metrics(groups: &[Confusion]) -> Option<FairnessMetrics> {
    let rates: Vec<f64> = groups
        .iter()
        .filter_map(Confusion::selection_rate)
        .collect();
    let max_s = rates.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min_s = rates.iter().copied().fold(f64::INFINITY, f64::min);
    if rates.is_empty() {
        return None;
    }
    let tpr = spread(groups.iter().filter_map(Confusion::tpr));
    let fpr = spread(groups.iter().filter_map(Confusion::fpr));
    let eodds = match (tpr, fpr) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    Some(FairnessMetrics {
        demographic_parity_difference: max_s - min_s,
        demographic_parity_ratio: if max_s == 0.0 { 0.0 } else { min_s / max_s },
        equal_opportunity_difference: tpr,
        equalized_odds_difference: eodds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_definition() {
        // group a: tp 2 fp 1 tn 1 fn 0 -> s = 3/4, tpr 1, fpr 1/2
        // group b: tp 1 fp 0 tn 2 fn 1 -> s = 1/4, tpr 1/2, fpr 0
        let a = Confusion {
            tp: 2,
            fp: 1,
            tn: 1,
            fn_: 0,
        };
        let b = Confusion {
            tp: 1,
            fp: 0,
            tn: 2,
            fn_: 1,
        };
        let m = fairness_metrics(&[a, b]).expect("groups");
        assert_eq!(m.demographic_parity_difference, 0.5);
        assert!((m.demographic_parity_ratio - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(m.equal_opportunity_difference, Some(0.5));
        assert_eq!(m.equalized_odds_difference, Some(0.5));
    }

    #[test]
    fn group_without_positives_is_left_out_of_tpr() {
        let a = Confusion {
            tp: 0,
            fp: 1,
            tn: 1,
            fn_: 0,
        };
        let b = Confusion {
            tp: 1,
            fp: 0,
            tn: 1,
            fn_: 1,
        };
        let m = fairness_metrics(&[a, b]).expect("groups");
        assert_eq!(m.equal_opportunity_difference, Some(0.0));
        assert_eq!(m.equalized_odds_difference, Some(0.5));
        assert!(fairness_metrics(&[]).is_none());
    }
}
