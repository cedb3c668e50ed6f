//! Regression metrics. Inputs are row-aligned with missing rows removed.

use super::stable_sum;

/// Smallest denominator of MAPE, as sklearn (`np.finfo(float64).eps`).
pub const MAPE_EPS: f64 = 2.220446049250313e-16;

/// Regression metrics of one dataset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegressionMetrics {
    /// sqrt(mean((y − ŷ)²)).
    pub rmse: f64,
    /// mean(|y − ŷ|).
    pub mae: f64,
    /// mean(|y − ŷ| / max(|y|, ε)), as `sklearn.metrics.mean_absolute_percentage_error`.
    pub mape: f64,
    /// 1 − SS_res/SS_tot, as `sklearn.metrics.r2_score` (1 if both are 0, 0 if only SS_tot is).
    pub r2: f64,
    /// mean(ŷ − y).
    pub mean_error: f64,
}

/// All regression metrics; `None` when empty.
pub fn regression_metrics(y: &[f64], pred: &[f64]) -> Option<RegressionMetrics> {
    let n = y.len().min(pred.len());
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let pairs = || y.iter().zip(pred).take(n);
    let mse = stable_sum(pairs().map(|(a, b)| (a - b) * (a - b))) / nf;
    let mae = stable_sum(pairs().map(|(a, b)| (a - b).abs())) / nf;
    let mape = stable_sum(pairs().map(|(a, b)| (a - b).abs() / a.abs().max(MAPE_EPS))) / nf;
    let mean_error = stable_sum(pairs().map(|(a, b)| b - a)) / nf;
    let y_mean = stable_sum(y.iter().take(n).copied()) / nf;
    let ss_tot = stable_sum(y.iter().take(n).map(|a| (a - y_mean) * (a - y_mean)));
    let ss_res = mse * nf;
    let r2 = if ss_tot == 0.0 {
        if ss_res == 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        1.0 - ss_res / ss_tot
    };
    Some(RegressionMetrics {
        rmse: mse.sqrt(),
        mae,
        mape,
        r2,
        mean_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    #[test]
    fn matches_sklearn() {
        // sklearn 1.9.1 on y=[3,-0.5,2,7,0], p=[2.5,0,2,8,0.1]
        let m = regression_metrics(&[3.0, -0.5, 2.0, 7.0, 0.0], &[2.5, 0.0, 2.0, 8.0, 0.1])
            .expect("rows");
        assert_close(m.rmse, 0.5495452665613635, 1e-14);
        assert_close(m.mae, 0.42000000000000004, 1e-14);
        assert_close(m.mape, 90071992547410.19, 1e-12);
        assert_close(m.r2, 0.9578212290502793, 1e-14);
        assert_close(m.mean_error, 0.22000000000000003, 1e-14);
    }

    #[test]
    fn constant_target() {
        let m = regression_metrics(&[1.0, 1.0], &[1.0, 1.0]).expect("rows");
        assert_eq!(m.r2, 1.0);
        let m = regression_metrics(&[1.0, 1.0], &[1.0, 2.0]).expect("rows");
        assert_eq!(m.r2, 0.0);
        assert!(regression_metrics(&[], &[]).is_none());
    }
}
