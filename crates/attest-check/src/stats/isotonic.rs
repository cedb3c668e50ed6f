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
        Self::fit_rows(len, |i| Some(x[i]), |i| y[i])
    }

    /// [`Self::fit`] on the rows `0..rows` whose `x` is `Some`, read in
    /// place (no copy of the pairs): the same fit as `fit` on those rows'
    /// `(x, y)` in row order. Memory: the rows' order (4 bytes a row, from
    /// a sort of 8) and one entry per block of the fit, not per row: the
    /// merged points stream through the pooling in x order.
    pub fn fit_rows(
        rows: usize,
        x: impl Fn(usize) -> Option<f64>,
        y: impl Fn(usize) -> f64,
    ) -> Option<Self> {
        let finite = (0..rows).all(|i| x(i).is_none_or(|v| v.is_finite() && y(i).is_finite()));
        if !finite {
            return None;
        }
        // np.lexsort((y, x)) is stable and treats −0.0 as 0.0: so do we.
        let kx = |i: u32| x(i as usize).map_or(0.0, |v| v + 0.0);
        let ky = |i: u32| y(i as usize) + 0.0;
        // The rows by x (one sort, 8 bytes a row), then each run of
        // equal x by y (stable: equal pairs keep row order).
        let mut order = order_by_key(rows, |i| x(i).map(|v| order_key(v + 0.0)));
        if order.is_empty() {
            return None;
        }
        let mut start = 0;
        while start < order.len() {
            let v = kx(order[start]);
            let mut end = start + 1;
            while end < order.len() && kx(order[end]) == v {
                end += 1;
            }
            let run = &mut order[start..end];
            if run.windows(2).any(|w| ky(w[0]) > ky(w[1])) {
                crate::stats::sort::sort_rows_by_key(run, |r| order_key(ky(r)));
            }
            start = end;
        }

        // _make_unique with unit weights: (x, mean y, weight) of each group,
        // in x order, straight into the pooling.
        let mut at = 0usize;
        let (mut cur_x, mut cur_y, mut cur_w) = (kx(order[0]), 0.0f64, 0.0f64);
        let groups = std::iter::from_fn(|| {
            while let Some(&r) = order.get(at) {
                at += 1;
                let xi = kx(r);
                if xi - cur_x >= MERGE_EPS {
                    let group = Point {
                        x: cur_x,
                        y: cur_y / cur_w,
                        w: cur_w,
                    };
                    (cur_x, cur_w, cur_y) = (xi, 1.0, ky(r));
                    return Some(group);
                }
                cur_w += 1.0;
                cur_y += ky(r);
            }
            (at == order.len()).then(|| {
                at += 1; // the last group, once
                Point {
                    x: cur_x,
                    y: cur_y / cur_w,
                    w: cur_w,
                }
            })
        });
        let blocks = pava(groups);

        // Keep the points needed for interpolation (`trim_duplicates`): the
        // blocks' values strictly increase, so those are the first and the
        // last merged point of each block.
        let mut fit = IsotonicFit {
            x: Vec::with_capacity(2 * blocks.len()),
            y: Vec::with_capacity(2 * blocks.len()),
        };
        for b in &blocks {
            fit.x.push(b.first_x);
            fit.y.push(b.value);
            if b.last_x != b.first_x {
                fit.x.push(b.last_x);
                fit.y.push(b.value);
            }
        }
        Some(fit)
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

/// A merged point of the fit: its x, mean y and weight.
struct Point {
    x: f64,
    y: f64,
    w: f64,
}

/// A block of pooled points: its fitted value and weight, and the x of its
/// first and last point.
struct Block {
    value: f64,
    weight: f64,
    first_x: f64,
    last_x: f64,
}

/// Weighted pool-adjacent-violators for a non-decreasing fit over points in
/// x order: scipy's `pava` (Busing 2022, Algorithm 1, with `>=` so equal
/// neighbours share a block), the same operations in the same order, with
/// the blocks on a stack (scipy keeps them in place in its input array) and
/// the points taken as they come, with one point of lookahead. Adjacent
/// blocks' values strictly increase (a block is pooled with its
/// predecessor while that is `>=`).
fn pava(points: impl Iterator<Item = Point>) -> Vec<Block> {
    let mut points = points.peekable();
    let mut blocks: Vec<Block> = Vec::new();
    while let Some(p) = points.next() {
        let top = match blocks.pop() {
            Some(top) if top.value >= p.y => top,
            other => {
                blocks.extend(other);
                blocks.push(Block {
                    value: p.y,
                    weight: p.w,
                    first_x: p.x,
                    last_x: p.x,
                });
                continue;
            }
        };
        // Pool the new point into the last block, then the points after it
        // while they are below the pooled value, then the blocks before it
        // while they are not below.
        let mut sb = top.weight * top.value + p.w * p.y;
        let mut wb = p.w + top.weight;
        let mut xb = sb / wb;
        let (mut first_x, mut last_x) = (top.first_x, p.x);
        while let Some(next) = points.next_if(|n| xb >= n.y) {
            sb += next.w * next.y;
            wb += next.w;
            xb = sb / wb;
            last_x = next.x;
        }
        while let Some(prev) = blocks.pop_if(|b| b.value >= xb) {
            sb += prev.weight * prev.value;
            wb += prev.weight;
            xb = sb / wb;
            first_x = prev.first_x;
        }
        blocks.push(Block {
            value: xb,
            weight: wb,
            first_x,
            last_x,
        });
    }
    blocks
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
        let y = [5.0, 3.0, 1.0, 2.0, 8.0, 10.0, 7.0, 9.0, 6.0, 4.0];
        let points = y.iter().enumerate().map(|(i, &y)| Point {
            x: i as f64,
            y,
            w: 1.0,
        });
        let blocks: Vec<(f64, f64, f64, f64)> = pava(points)
            .iter()
            .map(|b| (b.value, b.weight, b.first_x, b.last_x))
            .collect();
        assert_eq!(
            blocks,
            vec![(2.75, 4.0, 0.0, 3.0), (44.0 / 6.0, 6.0, 4.0, 9.0)]
        );
    }

    /// scipy's `pava` as it is written, in place over arrays (values, then
    /// weights): the blocks' values spread over their points.
    fn pava_in_place(x: &mut [f64], w: &mut [f64]) {
        let n = x.len();
        let mut r = vec![0usize; n + 1];
        r[1] = 1;
        let (mut b, mut xb_prev, mut wb_prev, mut i) = (0usize, x[0], w[0], 1);
        while i < n {
            b += 1;
            let (mut xb, mut wb) = (x[i], w[i]);
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
            (x[b], w[b], xb_prev, wb_prev) = (xb, wb, xb, wb);
            r[b + 1] = i + 1;
            i += 1;
        }
        for k in (0..=b).rev() {
            let value = x[k];
            x[r[k]..r[k + 1]].fill(value);
        }
    }

    #[test]
    fn the_streamed_pava_is_scipys_bit_for_bit() {
        // Points with weights and values that pool in every way (runs of
        // ties, long violating stretches, fractions that round): the kept
        // points of the streamed blocks equal those of scipy's in-place
        // form after `trim_duplicates`.
        let mut next = crate::stats::xorshift(0x9e37_79b9_7f4a_7c15u64);
        for n in [1usize, 2, 3, 7, 50, 400, 5000] {
            for kind in 0..4 {
                let y: Vec<f64> = (0..n)
                    .map(|i| match kind {
                        0 => (next() % 2) as f64,
                        1 => (next() % 7) as f64 / 3.0,
                        2 => (next() >> 11) as f64 / (1u64 << 53) as f64 + i as f64 * 1e-4,
                        _ => -((next() % 100) as f64) / 7.0,
                    })
                    .collect();
                let w: Vec<f64> = (0..n).map(|_| (1 + next() % 5) as f64).collect();
                let (mut fx, mut fw) = (y.clone(), w.clone());
                pava_in_place(&mut fx, &mut fw);
                let k = fx.len();
                let keep =
                    |i: usize| i == 0 || i + 1 == k || fx[i] != fx[i - 1] || fx[i] != fx[i + 1];
                let want: Vec<(u64, u64)> = (0..k)
                    .filter(|&i| keep(i))
                    .map(|i| ((i as f64).to_bits(), fx[i].to_bits()))
                    .collect();
                let points = (0..n).map(|i| Point {
                    x: i as f64,
                    y: y[i],
                    w: w[i],
                });
                let mut got = Vec::new();
                for b in pava(points) {
                    got.push((b.first_x.to_bits(), b.value.to_bits()));
                    if b.last_x != b.first_x {
                        got.push((b.last_x.to_bits(), b.value.to_bits()));
                    }
                }
                assert_eq!(got, want, "n = {n}, kind = {kind}");
            }
        }
    }

    #[test]
    fn fit_rows_leaves_out_rows_without_x() {
        let x = [0.3, 0.1, 0.7, 0.2, 0.9, 0.4];
        let y = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0];
        let skip = [false, true, false, false, true, false];
        let kept: (Vec<f64>, Vec<f64>) = (0..6).filter(|&i| !skip[i]).map(|i| (x[i], y[i])).unzip();
        let want = IsotonicFit::fit(&kept.0, &kept.1).expect("rows");
        let got = IsotonicFit::fit_rows(6, |i| (!skip[i]).then_some(x[i]), |i| y[i]).expect("rows");
        assert_eq!(got, want);
        assert_eq!(IsotonicFit::fit_rows(6, |_| None, |i| y[i]), None);
    }
}
