//! Chart geometry: scales and SVG shapes computed from the report's
//! evidence. Pure functions, tested natively; the views only place them.

/// A linear map from a data domain to a pixel range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Scale {
    /// A scale; a zero-width domain is widened so nothing divides by zero.
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        let (d0, d1) = if d1 > d0 {
            (d0, d1)
        } else {
            (d0 - 0.5, d0 + 0.5)
        };
        Self { d0, d1, r0, r1 }
    }
    /// Pixel position of a value.
    pub fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// A bar: x, y, width, height in pixels, and the bin it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub bin: usize,
}

/// Bars of a histogram given as shares on common `edges` (len = shares + 1),
/// in a `width`×`height` plot; heights are relative to `max_share`.
pub fn histogram_bars(
    edges: &[f64],
    shares: &[f64],
    max_share: f64,
    width: f64,
    height: f64,
) -> Vec<Bar> {
    let (Some(&lo), Some(&hi)) = (edges.first(), edges.last()) else {
        return Vec::new();
    };
    let x = Scale::new(lo, hi, 0.0, width);
    let y = Scale::new(0.0, max_share.max(f64::MIN_POSITIVE), height, 0.0);
    shares
        .iter()
        .enumerate()
        .filter_map(|(i, &s)| {
            let (a, b) = (*edges.get(i)?, *edges.get(i + 1)?);
            let top = y.at(s);
            Some(Bar {
                x: x.at(a),
                y: top,
                w: (x.at(b) - x.at(a)).max(0.5),
                h: height - top,
                bin: i,
            })
        })
        .collect()
}

/// Shares of counts (0 for an empty total).
pub fn to_shares(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum();
    counts
        .iter()
        .map(|c| if total > 0.0 { c / total } else { 0.0 })
        .collect()
}

/// An SVG polyline `points` attribute for (x, y) data on the given scales.
pub fn polyline(points: &[(f64, f64)], x: &Scale, y: &Scale) -> String {
    points
        .iter()
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| format!("{:.2},{:.2}", x.at(*a), y.at(*b)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Step points of an ECDF given values at cumulative shares `p`.
pub fn ecdf_steps(values: &[f64], p: &[f64]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(values.len() * 2);
    let mut prev_p = 0.0;
    for (&v, &q) in values.iter().zip(p) {
        out.push((v, prev_p));
        out.push((v, q));
        prev_p = q;
    }
    out
}

/// About `n` round tick values covering [lo, hi].
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || n == 0 {
        return vec![lo];
    }
    let raw = (hi - lo) / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let start = (lo / step).ceil() * step;
    let mut out = Vec::new();
    let mut t = start;
    while t <= hi + step * 1e-9 && out.len() < 50 {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    out
}

/// The (x, y) points of a performance curve in one dataset's evidence:
/// `"roc"` and `"pr"` are lists of pairs; `"calibration"` is the list of bins,
/// drawn as (mean score, positive rate) for the bins that have rows.
pub fn curve_points(evidence: &serde_json::Value, dataset: &str, key: &str) -> Vec<(f64, f64)> {
    let Some(list) = evidence
        .get(dataset)
        .and_then(|d| d.get(key))
        .and_then(|v| v.as_array())
    else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|p| {
            if key == "calibration" {
                let count = p.get("count")?.as_u64()?;
                (count > 0).then_some(())?;
                Some((
                    p.get("mean_score")?.as_f64()?,
                    p.get("positive_rate")?.as_f64()?,
                ))
            } else {
                Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_maps_ends_and_survives_zero_width() {
        let s = Scale::new(0.0, 10.0, 0.0, 100.0);
        assert_eq!(s.at(5.0), 50.0);
        let z = Scale::new(3.0, 3.0, 0.0, 100.0);
        assert_eq!(z.at(3.0), 50.0);
    }

    #[test]
    fn bars_fill_the_plot() {
        let bars = histogram_bars(&[0.0, 1.0, 2.0], &[0.25, 0.75], 0.75, 200.0, 100.0);
        assert_eq!(bars.len(), 2);
        assert_eq!(bars[1].h, 100.0);
        assert!((bars[0].h - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(bars[1].x, 100.0);
        assert!(histogram_bars(&[], &[], 1.0, 1.0, 1.0).is_empty());
    }

    #[test]
    fn shares_and_steps() {
        assert_eq!(to_shares(&[1.0, 3.0]), vec![0.25, 0.75]);
        assert_eq!(to_shares(&[0.0]), vec![0.0]);
        assert_eq!(
            ecdf_steps(&[1.0, 2.0], &[0.5, 1.0]),
            vec![(1.0, 0.0), (1.0, 0.5), (2.0, 0.5), (2.0, 1.0)]
        );
    }

    #[test]
    fn curve_points_from_evidence() {
        let ev = serde_json::json!({
            "current": {
                "roc": [[0.0, 0.0], [0.5, 0.8], [1.0, 1.0]],
                "calibration": [
                    {"count": 0, "mean_score": 0.0, "positive_rate": 0.0},
                    {"count": 4, "mean_score": 0.15, "positive_rate": 0.25}
                ]
            }
        });
        assert_eq!(
            curve_points(&ev, "current", "roc"),
            vec![(0.0, 0.0), (0.5, 0.8), (1.0, 1.0)]
        );
        assert_eq!(
            curve_points(&ev, "current", "calibration"),
            vec![(0.15, 0.25)]
        );
        assert!(curve_points(&ev, "reference", "roc").is_empty());
    }

    #[test]
    fn round_ticks() {
        assert_eq!(
            ticks(0.0, 1.0, 5),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(ticks(5.0, 5.0, 5), vec![5.0]);
    }
}
