//! Isotonic regression (increasing), as scikit-learn fits and predicts it.
//!
//! Reference: `sklearn.isotonic.IsotonicRegression(out_of_bounds="clip",
//! increasing=True)` with unit weights (scikit-learn 1.9,
//! `sklearn/isotonic.py`, `_build_y`, `_build_f`, `_transform`), whose PAVA
//! is `scipy.optimize.isotonic_regression` (scipy 1.17,
//! `scipy/optimize/_pava/pava_pybind.cpp`, Busing 2022, Algorithm 1).
//! Used to calibrate scores into probabilities for confidence-based
//! performance estimation (SPEC §3 "Performance without labels").

use super::association::{order_by_key, order_key};

/// A fitted increasing isotonic regression: the points sklearn keeps for
/// interpolation (`X_thresholds_`, `y_thresholds_`), strictly increasing in
/// x and non-decreasing in y, at least one point.
#[derive(Debug, Clone, PartialEq)]
pub struct IsotonicFit {
    x: Vec<f64>,
    y: Vec<f64>,
}

/// `np.finfo(np.float64).resolution`: sklearn's `_make_unique` merges an x
/// into the current group when it exceeds the group's first x by less.
const MERGE_EPS: f64 = 1e-15;

impl IsotonicFit {
    /// Fit on `(x, y)` with unit weights, exactly as
    /// `IsotonicRegression(out_of_bounds="clip").fit(x, y)`:
    ///
    /// 1. sort the rows by x, then y (`np.lexsort((y, x))`, stable);
    /// 2. merge equal x (`_make_unique`: an x less than 1e-15 above its
    ///    group's first x joins the group, which keeps that first x) into one
    ///    point with the mean y and the summed weight;
    /// 3. weighted PAVA over the merged points (`scipy`'s `pava`, pooling
    ///    ties with `>=`);
    /// 4. keep the first and the last point and every interior point whose
    ///    fitted y differs from its predecessor's or its successor's (the
    ///    interior of a constant run is not needed for interpolation).
    ///
    /// Slices of unequal length are used up to the shorter. `None` when
    /// empty, or when any value is NaN or infinite (sklearn raises).
    pub fn fit(x: &[f64], y: &[f64]) -> Option<Self> {
        let len = x.len().min(y.len());
        let (x, y) = (&x[..len], &y[..len]);
        if len == 0 || x.iter().chain(y).any(|v| !v.is_finite()) {
            return None;
        }
        // np.lexsort((y, x)) is stable and treats −0.0 as 0.0: so do we.
        let kx = |i: u32| x[i as usize] + 0.0;
        let ky = |i: u32| y[i as usize] + 0.0;
        // The rows by x (one sort, 8 bytes a row), then each run of
        // equal x by y (stable: equal pairs keep row order).
        let mut order = order_by_key(len, |i| Some(order_key(x[i] + 0.0)));
        let mut start = 0;
        while start < order.len() {
            let v = kx(order[start]);
            let mut end = start + 1;
            while end < order.len() && kx(order[end]) == v {
                end += 1;
            }
            let run = &mut order[start..end];
            if run.windows(2).any(|w| ky(w[0]) > ky(w[1])) {
                run.sort_by_key(|&r| order_key(ky(r)));
            }
            start = end;
        }

        // _make_unique with unit weights: (x, mean y, weight) of each group,
        // counted first so that the vectors take exactly their room.
        let groups = |emit: &mut dyn FnMut(f64, f64, f64)| {
            let (mut cur_x, mut cur_y, mut cur_w) = (kx(order[0]), 0.0f64, 0.0f64);
            for &r in &order {
                let xi = kx(r);
                if xi - cur_x >= MERGE_EPS {
                    emit(cur_x, cur_y / cur_w, cur_w);
                    cur_x = xi;
                    cur_w = 1.0;
                    cur_y = ky(r);
                } else {
                    cur_w += 1.0;
                    cur_y += ky(r);
                }
            }
            emit(cur_x, cur_y / cur_w, cur_w);
        };
        let mut k = 0usize;
        groups(&mut |_, _, _| k += 1);
        let (mut ux, mut uy, mut uw) = (
            Vec::with_capacity(k),
            Vec::with_capacity(k),
            Vec::with_capacity(k),
        );
        groups(&mut |gx, gy, gw| {
            ux.push(gx);
            uy.push(gy);
            uw.push(gw);
        });
        drop(order);

        pava(&mut uy, &mut uw);

        // Keep the points needed for interpolation (`trim_duplicates`).
        let k = uy.len();
        let keep = |i: usize| i == 0 || i + 1 == k || uy[i] != uy[i - 1] || uy[i] != uy[i + 1];
        let (fx, fy) = (0..k).filter(|&i| keep(i)).map(|i| (ux[i], uy[i])).unzip();
        Some(IsotonicFit { x: fx, y: fy })
    }

    /// The fitted value at `t`, as `IsotonicRegression.predict([t])`:
    /// `np.interp(np.clip(t, X_min_, X_max_), X_thresholds_, y_thresholds_)`,
    /// linear interpolation between the kept points (not a step function;
    /// numpy's formula `slope·(t − x_j) + y_j` with
    /// `slope = (y_{j+1} − y_j) / (x_{j+1} − x_j)`, and exactly `y_j` at a
    /// point). With a single point (one distinct x) the prediction is that
    /// point's y everywhere.
    ///
    /// The caller passes finite values; for the record, NaN gives NaN (one
    /// point: its y) and ±∞ clips to the ends, where sklearn raises.
    pub fn predict(&self, t: f64) -> f64 {
        let (xs, ys) = (&self.x, &self.y);
        let (Some(&x_min), Some(&x_max), Some(&y_last)) = (xs.first(), xs.last(), ys.last()) else {
            return f64::NAN;
        };
        if xs.len() == 1 {
            return y_last;
        }
        let t = t.clamp(x_min, x_max);
        if t.is_nan() {
            return t;
        }
        // j with xs[j] <= t < xs[j + 1] (t >= xs[0] after clipping).
        let j = xs.partition_point(|&v| v <= t).saturating_sub(1);
        let (Some(&x0), Some(&y0), Some(&x1), Some(&y1)) =
            (xs.get(j), ys.get(j), xs.get(j + 1), ys.get(j + 1))
        else {
            return y_last; // t == X_max_
        };
        if x0 == t {
            return y0;
        }
        let slope = (y1 - y0) / (x1 - x0);
        let v = slope * (t - x0) + y0;
        if v.is_nan() {
            // numpy's fallback: interpolate from the other end.
            let w = slope * (t - x1) + y1;
            if w.is_nan() && y0 == y1 {
                return y0;
            }
            return w;
        }
        v
    }

    /// The kept x values (`X_thresholds_`), strictly increasing; the first
    /// and the last are `X_min_` and `X_max_`.
    pub fn x_thresholds(&self) -> &[f64] {
        &self.x
    }

    /// The fitted values at [`Self::x_thresholds`] (`y_thresholds_`).
    pub fn y_thresholds(&self) -> &[f64] {
        &self.y
    }
}

/// Weighted pool-adjacent-violators, in place, for a non-decreasing fit: a
/// port of scipy's `pava` (Busing 2022, Algorithm 1, with `>=` so equal
/// neighbours share a block), the same operations in the same order.
fn pava(x: &mut [f64], w: &mut [f64]) {
    let n = x.len().min(w.len());
    if n == 0 {
        return;
    }
    // r[b]..r[b + 1] are the rows of block b.
    let mut r = vec![0usize; n + 1];
    r[1] = 1;
    let mut b = 0usize;
    let mut xb_prev = x[0];
    let mut wb_prev = w[0];
    let mut i = 1;
    while i < n {
        b += 1;
        let mut xb = x[i];
        let mut wb = w[i];
        if xb_prev >= xb {
            b -= 1;
            let mut sb = wb_prev * xb_prev + wb * xb;
            wb += wb_prev;
            xb = sb / wb;
            while i + 1 < n && xb >= x[i + 1] {
                i += 1;
                sb += w[i] * x[i];
                wb += w[i];
                xb = sb / wb;
            }
            while b > 0 && x[b - 1] >= xb {
                b -= 1;
                sb += w[b] * x[b];
                wb += w[b];
                xb = sb / wb;
            }
        }
        x[b] = xb;
        xb_prev = xb;
        w[b] = wb;
        wb_prev = wb;
        r[b + 1] = i + 1;
        i += 1;
    }
    // Spread block values back over their rows, last block first.
    for k in (0..=b).rev() {
        let value = x[k];
        for v in &mut x[r[k]..r[k + 1]] {
            *v = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    // Fitted on 30 points with ties; expected values from scikit-learn 1.9.1
    // (scipy 1.17.1, numpy 2.4.6):
    //     ir = IsotonicRegression(out_of_bounds="clip").fit(X, Y)
    //     ir.X_thresholds_, ir.y_thresholds_, ir.predict(T)
    const X: [f64; 30] = [
        0.1, 0.2, 0.8, 0.6, 0.1, 0.4, 0.5, 0.2, 0.7, 0.1, 0.4, 0.5, 0.4, 0.6, 0.7, 1.0, 0.3, 0.6,
        0.7, 0.3, 0.0, 1.0, 0.3, 0.3, 0.9, 0.6, 0.5, 0.8, 0.0, 0.7,
    ];
    const Y: [f64; 30] = [
        0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0,
        0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0,
    ];

    fn fitted() -> IsotonicFit {
        IsotonicFit::fit(&X, &Y).expect("non-empty")
    }

    #[test]
    fn thresholds_match_sklearn() {
        let f = fitted();
        assert_eq!(f.x_thresholds(), &[0.0, 0.1, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]);
        assert_eq!(
            f.y_thresholds(),
            &[
                0.0,
                0.3333333333333333,
                0.3333333333333333,
                0.5,
                0.5,
                0.6666666666666666,
                0.6666666666666666,
                1.0
            ]
        );
    }

    #[test]
    fn predict_matches_sklearn() {
        let f = fitted();
        let cases = [
            (-1.0, 0.0),
            (0.0, 0.0),
            (0.05, 0.16666666666666666),
            (0.1, 0.3333333333333333),
            (0.13, 0.3333333333333333),
            (0.25, 0.3333333333333333),
            (0.3, 0.3333333333333333),
            (0.37, 0.3333333333333333),
            (0.5, 0.3333333333333333),
            (0.55, 0.41666666666666674),
            (0.61, 0.5),
            (0.7, 0.5),
            (0.74, 0.5666666666666667),
            (0.8, 0.6666666666666666),
            (0.86, 0.6666666666666666),
            (0.9, 0.6666666666666666),
            (0.95, 0.8333333333333331),
            (1.0, 1.0),
            (2.0, 1.0),
        ];
        for (t, want) in cases {
            assert_close(f.predict(t), want, 1e-12);
        }
        // Exactly on the thresholds: exactly the fitted values.
        for (&x, &y) in f.x_thresholds().iter().zip(f.y_thresholds()) {
            assert_eq!(f.predict(x), y);
        }
    }

    #[test]
    fn interpolation_uses_numpy_formula() {
        // fit([0.1, 0.2, 0.3], [0, 1, 0.5]).predict([0.1, 0.15, 0.2, 0.25, 0.3])
        // == [0.0, 0.3749999999999999, 0.75, 0.75, 0.75]
        let f = IsotonicFit::fit(&[0.1, 0.2, 0.3], &[0.0, 1.0, 0.5]).expect("non-empty");
        assert_eq!(f.x_thresholds(), &[0.1, 0.2, 0.3]);
        assert_eq!(f.y_thresholds(), &[0.0, 0.75, 0.75]);
        let got: Vec<f64> = [0.1, 0.15, 0.2, 0.25, 0.3]
            .iter()
            .map(|&t| f.predict(t))
            .collect();
        assert_eq!(got, vec![0.0, 0.3749999999999999, 0.75, 0.75, 0.75]);
    }

    #[test]
    fn decreasing_data_pools_to_one_value() {
        // X_thresholds_ == [0.1, 0.4], y_thresholds_ == [0.5, 0.5]
        let f = IsotonicFit::fit(&[0.1, 0.2, 0.3, 0.4], &[1.0, 1.0, 0.0, 0.0]).expect("rows");
        assert_eq!(f.x_thresholds(), &[0.1, 0.4]);
        assert_eq!(f.y_thresholds(), &[0.5, 0.5]);
        assert_eq!(f.predict(0.0), 0.5);
        assert_eq!(f.predict(0.25), 0.5);
    }

    #[test]
    fn single_distinct_x_is_constant() {
        let f = IsotonicFit::fit(&[0.5, 0.5, 0.5], &[1.0, 0.0, 1.0]).expect("non-empty");
        assert_eq!(f.x_thresholds(), &[0.5]);
        for t in [0.0, 0.5, 1.0, f64::NAN] {
            assert_eq!(f.predict(t), 0.6666666666666666);
        }
    }

    #[test]
    fn near_equal_x_merge_as_sklearn() {
        // 0.3 and 0.3000000000000005 differ by < 1e-15 and merge; 0.300000000000002
        // does not. sklearn: X_thresholds_ == [0.3, 0.300000000000002, 0.9],
        // y_thresholds_ == [1/3, 1/3, 1], predict(0.6) == 0.6666666666666655
        let x = [0.3, 0.3000000000000005, 0.300000000000002, 0.9];
        let f = IsotonicFit::fit(&x, &[1.0, 0.0, 0.0, 1.0]).expect("non-empty");
        assert_eq!(f.x_thresholds(), &[0.3, 0.300000000000002, 0.9]);
        assert_eq!(
            f.y_thresholds(),
            &[0.3333333333333333, 0.3333333333333333, 1.0]
        );
        assert_close(f.predict(0.6), 0.6666666666666655, 1e-12);
        assert_eq!(f.predict(0.3000000000000001), 0.3333333333333333);
    }

    #[test]
    fn empty_or_non_finite_is_none() {
        assert_eq!(IsotonicFit::fit(&[], &[]), None);
        assert_eq!(IsotonicFit::fit(&[0.1, f64::NAN], &[0.0, 1.0]), None);
        assert_eq!(IsotonicFit::fit(&[0.1, 0.2], &[0.0, f64::INFINITY]), None);
    }

    #[test]
    fn nan_predicts_nan() {
        assert!(fitted().predict(f64::NAN).is_nan());
        assert_eq!(fitted().predict(f64::INFINITY), 1.0);
    }

    #[test]
    fn the_compact_sort_fits_as_the_sorted_pairs() {
        // The rows' (x, y) order as np.lexsort((y, x)) gives it, by a stable
        // sort of pairs; the fit's points are those of the sorted rows.
        let mut next = crate::stats::xorshift(0x2545_f491_4f6c_dd1du64);
        for n in [1usize, 2, 5, 60, 2000] {
            let x: Vec<f64> = (0..n)
                .map(|i| match next() % 4 {
                    0 if i % 2 == 0 => -0.0,
                    0 => 0.0,
                    1 => (next() % 5) as f64 / 5.0,
                    _ => (next() >> 11) as f64 / (1u64 << 53) as f64,
                })
                .collect();
            let y: Vec<f64> = (0..n).map(|_| (next() % 2) as f64).collect();
            let mut pairs: Vec<(f64, f64)> =
                x.iter().zip(&y).map(|(a, b)| (a + 0.0, b + 0.0)).collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let (sx, sy): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
            let (a, b) = (
                IsotonicFit::fit(&x, &y).expect("finite"),
                IsotonicFit::fit(&sx, &sy).expect("finite"),
            );
            let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(a.x_thresholds()), bits(b.x_thresholds()), "n = {n}");
            assert_eq!(bits(a.y_thresholds()), bits(b.y_thresholds()), "n = {n}");
        }
    }

    #[test]
    fn pava_pools_violators() {
        // scipy.optimize.isotonic_regression([5, 3, 1, 2, 8, 10, 7, 9, 6, 4]).x
        // == [2.75]*4 + [7.333333333333333]*6
        let mut x = [5.0, 3.0, 1.0, 2.0, 8.0, 10.0, 7.0, 9.0, 6.0, 4.0];
        let mut w = [1.0; 10];
        pava(&mut x, &mut w);
        let mut want = [2.75; 10];
        for v in &mut want[4..] {
            *v = 44.0 / 6.0;
        }
        assert_eq!(x, want);
    }
}
