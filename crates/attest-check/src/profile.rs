//! Per-column profiles: one column of the reference and the current dataset
//! in, every drift and data-quality number and the chart evidence out.
//!
//! A numeric column is sorted once; the sorted values feed KS, Wasserstein,
//! the decile bins, the histogram and the ECDF.

use serde::{Deserialize, Serialize};

use crate::columns::{key_runs, keyed_rows, Column, Interner, Keys, Kind, MISSING};
use crate::stats::binning::{bin_counts_sorted, decile_edges, shares};
use crate::stats::chi2::chi2_two_rows;
use crate::stats::divergence::{jensen_shannon, linf_distance, psi};
use crate::stats::ks::{ks_and_wasserstein, KsMethod};
use crate::stats::moments::{mean, quantile_sorted, std_pop_about};

/// Bins of the overlaid histogram.
pub const HISTOGRAM_BINS: usize = 30;
/// Points of each ECDF curve.
pub const ECDF_POINTS: usize = 101;
/// Categories listed by name; the rest are summed as "(other)".
pub const MAX_CATEGORIES: usize = 30;

/// Counts of one column in one dataset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// All rows.
    pub rows: u64,
    /// Nulls and NaN.
    pub missing: u64,
    /// +inf and −inf (numeric only).
    pub infinite: u64,
    /// Distinct non-missing values.
    pub distinct: u64,
}

impl Counts {
    /// Missing share of the rows; 0 for no rows.
    pub fn missing_share(&self) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            self.missing as f64 / self.rows as f64
        }
    }
    /// Non-missing values.
    pub fn present(&self) -> u64 {
        self.rows - self.missing
    }
}

/// Summary statistics of the finite values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub min: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub max: f64,
    pub mean: f64,
    pub std: f64,
}

fn summary(sorted: &[f64]) -> Option<Summary> {
    let mean = mean(sorted)?;
    Some(Summary {
        min: *sorted.first()?,
        p25: quantile_sorted(sorted, 0.25)?,
        median: quantile_sorted(sorted, 0.5)?,
        p75: quantile_sorted(sorted, 0.75)?,
        max: *sorted.last()?,
        mean,
        std: std_pop_about(sorted, mean)?,
    })
}

/// Drift statistics of a numeric column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NumericDrift {
    pub ks_statistic: f64,
    pub ks_p_value: f64,
    pub ks_method: KsMethod,
    /// Where the largest ECDF gap is.
    pub ks_location: f64,
    pub wasserstein: f64,
    pub wasserstein_norm: f64,
    pub psi: f64,
    pub jensen_shannon: Option<f64>,
}

/// Drift statistics of a categorical column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CategoricalDrift {
    pub chi2_statistic: Option<f64>,
    pub chi2_p_value: Option<f64>,
    pub chi2_dof: Option<usize>,
    pub psi: f64,
    pub jensen_shannon: Option<f64>,
    /// L-infinity distance of the shares (SPEC `linf_distance`).
    pub linf: f64,
}

/// Overlaid histogram on common equal-width bins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// `bins + 1` edges.
    pub edges: Vec<f64>,
    pub reference: Vec<u64>,
    pub current: Vec<u64>,
}

/// Shares of both datasets in the PSI/JS bins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bins {
    /// Decile edges (numeric); empty for categorical.
    pub edges: Vec<f64>,
    pub reference: Vec<f64>,
    pub current: Vec<f64>,
}

/// One category's counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub value: String,
    pub reference: u64,
    pub current: u64,
}

/// ECDF curves: `x` values at evenly spaced cumulative shares `p`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ecdf {
    pub p: Vec<f64>,
    pub reference: Vec<f64>,
    pub current: Vec<f64>,
}

/// Numeric column profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericProfile {
    pub reference: Counts,
    pub current: Counts,
    pub reference_summary: Option<Summary>,
    pub current_summary: Option<Summary>,
    pub drift: Option<NumericDrift>,
    pub out_of_range_share: Option<f64>,
    pub histogram: Option<Histogram>,
    pub bins: Option<Bins>,
    pub ecdf: Option<Ecdf>,
}

/// Categorical column profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoricalProfile {
    pub reference: Counts,
    pub current: Counts,
    pub drift: Option<CategoricalDrift>,
    pub new_category_share: Option<f64>,
    /// Categories seen exactly once in reference: over the reference's rows,
    /// the Good–Turing estimate of the share of a same-distribution sample
    /// that falls in categories reference never saw (SPEC §3 rule 3).
    #[serde(default)]
    pub reference_singletons: u64,
    /// Largest categories first (by reference + current), then "(other)".
    pub categories: Vec<CategoryCount>,
    /// Number of categories over both datasets.
    pub category_count: usize,
}

/// The finite values of a row-aligned numeric column (NaN = missing),
/// sorted (the one sort per column), and the column's counts, in one pass.
pub fn sorted_finite(values: &[f64]) -> (Vec<f64>, Counts) {
    let mut finite = Vec::with_capacity(values.len());
    finite.extend(values.iter().copied().filter(|v| v.is_finite()));
    crate::stats::sort::sort_floats(&mut finite);
    let counts = counts_of(values, &finite);
    (finite, counts)
}

/// [`sorted_finite`] with the order too: the rows of the finite values in
/// value order (stable: equal values keep row order; −0.0 before 0.0, as
/// sorting the values alone puts them), so that the families that
/// relate the column to a label or a score walk it instead of sorting again
/// (SPEC §3 `label_association`, `prediction_dependence`). One sort
/// ([`crate::stats::association::finite_order_and_values`]).
pub fn ordered_finite(values: &[f64]) -> (Vec<u32>, Vec<f64>, Counts) {
    let (order, finite) = crate::stats::association::finite_order_and_values(values);
    let counts = counts_of(values, &finite);
    (order, finite, counts)
}

/// The counts of a column from its values and its finite values sorted.
fn counts_of(values: &[f64], sorted: &[f64]) -> Counts {
    let (mut missing, mut pos_inf) = (0u64, 0u64);
    for &v in values {
        missing += u64::from(v.is_nan());
        pos_inf += u64::from(v == f64::INFINITY);
    }
    let neg_inf = (values.len() - sorted.len()) as u64 - missing - pos_inf;
    let distinct = sorted.windows(2).filter(|w| w[0] != w[1]).count() as u64
        + u64::from(!sorted.is_empty())
        + u64::from(pos_inf > 0)
        + u64::from(neg_inf > 0);
    Counts {
        rows: values.len() as u64,
        missing,
        infinite: pos_inf + neg_inf,
        distinct,
    }
}

/// Profile a numeric column from its row-aligned values in both datasets.
/// Without `with_drift` (id and timestamp columns) only the counts, the
/// range and the summary are computed.
pub fn numeric_profile(reference: &[f64], current: &[f64], with_drift: bool) -> NumericProfile {
    let r = sorted_finite(reference);
    let c = sorted_finite(current);
    numeric_profile_sorted(current, (&r.0, r.1), (&c.0, c.1), with_drift)
}

/// [`numeric_profile`] from the datasets' [`sorted_finite`] values (the
/// caller sorted them once and uses them for more than the profile) and
/// current's row-aligned values.
pub fn numeric_profile_sorted(
    current: &[f64],
    (r, ref_counts): (&[f64], Counts),
    (c, cur_counts): (&[f64], Counts),
    with_drift: bool,
) -> NumericProfile {
    let out_of_range_share = match (r.first(), r.last()) {
        (Some(&lo), Some(&hi)) if cur_counts.present() > 0 => {
            let outside = current
                .iter()
                .filter(|v| !v.is_nan() && (**v < lo || **v > hi))
                .count();
            Some(outside as f64 / cur_counts.present() as f64)
        }
        _ => None,
    };

    if !with_drift {
        return NumericProfile {
            reference_summary: summary(r),
            current_summary: summary(c),
            reference: ref_counts,
            current: cur_counts,
            drift: None,
            out_of_range_share,
            histogram: None,
            bins: None,
            ecdf: None,
        };
    }

    let reference_summary = summary(r);
    let drift = ks_and_wasserstein(r, c).and_then(|(ks, w)| {
        let std = reference_summary?.std;
        let edges = decile_edges(r);
        let rs = shares(&bin_counts_sorted(r, &edges));
        let cs = shares(&bin_counts_sorted(c, &edges));
        Some(NumericDrift {
            ks_statistic: ks.statistic,
            ks_p_value: ks.p_value,
            ks_method: ks.method,
            ks_location: ks.location,
            wasserstein: w,
            wasserstein_norm: w / std.max(0.001),
            psi: psi(&rs, &cs),
            jensen_shannon: jensen_shannon(&rs, &cs),
        })
    });

    let bins = (!r.is_empty() && !c.is_empty()).then(|| {
        let edges = decile_edges(r);
        Bins {
            reference: shares(&bin_counts_sorted(r, &edges)),
            current: shares(&bin_counts_sorted(c, &edges)),
            edges,
        }
    });

    NumericProfile {
        reference_summary,
        current_summary: summary(c),
        histogram: histogram(r, c),
        ecdf: ecdf(r, c),
        reference: ref_counts,
        current: cur_counts,
        drift,
        out_of_range_share,
        bins,
    }
}

fn histogram(r: &[f64], c: &[f64]) -> Option<Histogram> {
    let lo = r
        .first()
        .copied()
        .into_iter()
        .chain(c.first().copied())
        .reduce(f64::min)?;
    let hi = r
        .last()
        .copied()
        .into_iter()
        .chain(c.last().copied())
        .reduce(f64::max)?;
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let width = (hi - lo) / HISTOGRAM_BINS as f64;
    let mut edges: Vec<f64> = (0..=HISTOGRAM_BINS)
        .map(|i| lo + width * i as f64)
        .collect();
    if let Some(last) = edges.last_mut() {
        *last = hi;
    }
    // bins are [e_i, e_{i+1}), the last one closed
    let count = |sorted: &[f64]| -> Vec<u64> {
        let mut counts = Vec::with_capacity(HISTOGRAM_BINS);
        let mut start = 0usize;
        for (i, edge) in edges.iter().enumerate().skip(1) {
            let end = if i == HISTOGRAM_BINS {
                sorted.len()
            } else {
                start + sorted[start..].partition_point(|v| v < edge)
            };
            counts.push((end - start) as u64);
            start = end;
        }
        counts
    };
    Some(Histogram {
        reference: count(r),
        current: count(c),
        edges,
    })
}

fn ecdf(r: &[f64], c: &[f64]) -> Option<Ecdf> {
    if r.is_empty() || c.is_empty() {
        return None;
    }
    let p: Vec<f64> = (0..ECDF_POINTS)
        .map(|i| i as f64 / (ECDF_POINTS - 1) as f64)
        .collect();
    let at = |s: &[f64]| -> Vec<f64> {
        p.iter()
            .map(|&q| quantile_sorted(s, q).unwrap_or(f64::NAN))
            .collect()
    };
    Some(Ecdf {
        reference: at(r),
        current: at(c),
        p,
    })
}

/// Counts per code (index = code); missing codes are counted separately.
fn code_counts(codes: &[u32], n_codes: usize) -> (Vec<u64>, u64) {
    let mut counts = vec![0u64; n_codes];
    let mut missing = 0u64;
    for &code in codes {
        if code == MISSING {
            missing += 1;
        } else if let Some(slot) = counts.get_mut(code as usize) {
            *slot += 1;
        }
    }
    (counts, missing)
}

/// Profile a categorical column from row-aligned codes of both datasets
/// (codes from one shared [`Interner`]).
pub fn categorical_profile(
    reference: &[u32],
    current: &[u32],
    interner: &Interner,
) -> CategoricalProfile {
    let n = interner.len();
    let (rc, rmiss) = code_counts(reference, n);
    let (cc, cmiss) = code_counts(current, n);
    // Only categories that occur (a dictionary may list unused values).
    let used: Vec<usize> = (0..n).filter(|&k| rc[k] + cc[k] > 0).collect();
    let ra: Vec<u64> = used.iter().map(|&k| rc[k]).collect();
    let ca: Vec<u64> = used.iter().map(|&k| cc[k]).collect();
    let counts = |v: &[u64], missing: u64, rows: usize| Counts {
        rows: rows as u64,
        missing,
        infinite: 0,
        distinct: v.iter().filter(|&&x| x > 0).count() as u64,
    };
    let ref_counts = counts(&ra, rmiss, reference.len());
    let cur_counts = counts(&ca, cmiss, current.len());

    let drift = (ref_counts.present() > 0 && cur_counts.present() > 0).then(|| {
        let chi = chi2_two_rows(&ra, &ca);
        let (rs, cs) = (shares(&ra), shares(&ca));
        CategoricalDrift {
            chi2_statistic: chi.map(|c| c.statistic),
            chi2_p_value: chi.map(|c| c.p_value),
            chi2_dof: chi.map(|c| c.dof),
            psi: psi(&rs, &cs),
            jensen_shannon: jensen_shannon(&rs, &cs),
            linf: linf_distance(&rs, &cs),
        }
    });
    let new_category_share = (cur_counts.present() > 0).then(|| {
        let new: u64 = ra
            .iter()
            .zip(&ca)
            .filter(|(r, _)| **r == 0)
            .map(|(_, c)| *c)
            .sum();
        new as f64 / cur_counts.present() as f64
    });

    let mut cats: Vec<CategoryCount> = used
        .iter()
        .map(|&k| CategoryCount {
            value: interner.name(k as u32).unwrap_or_default().to_string(),
            reference: rc[k],
            current: cc[k],
        })
        .collect();
    cats.sort_by(|a, b| {
        (b.reference + b.current)
            .cmp(&(a.reference + a.current))
            .then_with(|| a.value.cmp(&b.value))
    });
    let category_count = cats.len();
    if cats.len() > MAX_CATEGORIES {
        let rest = cats.split_off(MAX_CATEGORIES - 1);
        cats.push(CategoryCount {
            value: format!("(other: {} categories)", rest.len()),
            reference: rest.iter().map(|c| c.reference).sum(),
            current: rest.iter().map(|c| c.current).sum(),
        });
    }
    CategoricalProfile {
        reference: ref_counts,
        current: cur_counts,
        drift,
        new_category_share,
        reference_singletons: ra.iter().filter(|&&x| x == 1).count() as u64,
        categories: cats,
        category_count,
    }
}

/// The profile of a categorical column compared by value only, without
/// drift (ids, times, a model's outputs, attributions, feature times): its
/// counts, the new-category share and the largest categories, from 64-bit
/// value keys ([`crate::columns::to_keys`]) sorted once, instead of
/// interning every distinct value as text — a column of a million distinct
/// timestamps would otherwise hold a million strings. Categories are listed
/// by count (reference + current) and, on equal counts, by key; only the
/// listed ones are written as text.
/// `reference` and `current` are each a column and its keys
/// ([`crate::columns::to_keys`]), row for row.
pub fn key_profile(
    (reference, ref_keys): (&Column, &Keys),
    (current, cur_keys): (&Column, &Keys),
) -> CategoricalProfile {
    let missing = |keys: &Keys| keys.missing() as u64;
    let (rmiss, cmiss) = (missing(ref_keys), missing(cur_keys));
    let (r, c) = (keyed_rows(ref_keys), keyed_rows(cur_keys));
    // One walk over the distinct keys of both, keeping only the counts and
    // the largest categories: (reference count, current count, a row that
    // holds the key, whether that row is in reference), largest first,
    // then by key — keys come in ascending order, so on an equal count the
    // one kept already wins.
    let mut top: Vec<(u64, u64, u32, bool)> = Vec::with_capacity(MAX_CATEGORIES + 1);
    let (mut distinct, mut ref_distinct, mut cur_distinct, mut new, mut singletons) =
        (0usize, 0usize, 0usize, 0u64, 0u64);
    key_runs(&r, &c, |_, ri, ci| {
        let (i0, j0) = (ri.start, ci.start);
        let (rn, cn) = (ri.len() as u64, ci.len() as u64);
        distinct += 1;
        ref_distinct += usize::from(rn > 0);
        singletons += u64::from(rn == 1);
        cur_distinct += usize::from(cn > 0);
        if rn == 0 {
            new += cn;
        }
        let total = rn + cn;
        let full = top.len() == MAX_CATEGORIES;
        if full && top.last().is_some_and(|t| t.0 + t.1 >= total) {
            return;
        }
        let (row, in_ref) = match r.get(i0).filter(|_| rn > 0) {
            Some(p) => (p.1, true),
            None => (c.get(j0).map_or(0, |p| p.1), false),
        };
        let at = top.partition_point(|t| t.0 + t.1 >= total);
        top.insert(at, (rn, cn, row, in_ref));
        top.truncate(MAX_CATEGORIES);
    });
    let counts = |missing: u64, rows: usize, distinct: usize| Counts {
        rows: rows as u64,
        missing,
        infinite: 0,
        distinct: distinct as u64,
    };
    let ref_counts = counts(rmiss, reference.len(), ref_distinct);
    let cur_counts = counts(cmiss, current.len(), cur_distinct);
    let new_category_share =
        (cur_counts.present() > 0).then(|| new as f64 / cur_counts.present() as f64);
    let text = |row: u32, in_ref: bool| {
        let column = if in_ref { reference } else { current };
        column.text_at(row as usize).unwrap_or_default()
    };
    let listed = if distinct > MAX_CATEGORIES {
        MAX_CATEGORIES - 1
    } else {
        MAX_CATEGORIES
    };
    let mut cats: Vec<CategoryCount> = top
        .iter()
        .take(listed)
        .map(|&(rn, cn, row, in_ref)| CategoryCount {
            value: text(row, in_ref),
            reference: rn,
            current: cn,
        })
        .collect();
    if distinct > MAX_CATEGORIES {
        let (listed_ref, listed_cur) = cats
            .iter()
            .fold((0, 0), |(a, b), c| (a + c.reference, b + c.current));
        cats.push(CategoryCount {
            value: format!("(other: {} categories)", distinct - listed),
            reference: r.len() as u64 - listed_ref,
            current: c.len() as u64 - listed_cur,
        });
    }
    CategoricalProfile {
        reference: ref_counts,
        current: cur_counts,
        drift: None,
        new_category_share,
        reference_singletons: singletons,
        categories: cats,
        category_count: distinct,
    }
}

/// A column's profile of either kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Profile {
    Numeric(Box<NumericProfile>),
    Categorical(CategoricalProfile),
}

impl Profile {
    /// The kind.
    pub fn kind(&self) -> Kind {
        match self {
            Profile::Numeric(_) => Kind::Numeric,
            Profile::Categorical(_) => Kind::Categorical,
        }
    }
    /// Reference and current counts.
    pub fn counts(&self) -> (Counts, Counts) {
        match self {
            Profile::Numeric(p) => (p.reference, p.current),
            Profile::Categorical(p) => (p.reference, p.current),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::{to_keys, ColumnType, Values};

    #[test]
    fn numeric_profile_counts_missing_and_range() {
        let r = [1.0, 2.0, 3.0, f64::NAN];
        let c = [0.0, 2.0, f64::INFINITY, f64::NAN, 2.5];
        let p = numeric_profile(&r, &c, true);
        assert_eq!(p.reference.missing, 1);
        assert_eq!(p.current.infinite, 1);
        // non-missing current: 0, 2, inf, 2.5 -> 0 and inf are out of [1, 3]
        assert_eq!(p.out_of_range_share, Some(0.5));
        let h = p.histogram.expect("histogram");
        assert_eq!(h.reference.iter().sum::<u64>(), 3);
        assert_eq!(h.current.iter().sum::<u64>(), 3);
    }

    #[test]
    fn all_missing_column_has_no_drift() {
        let p = numeric_profile(&[f64::NAN, f64::NAN], &[1.0], true);
        assert!(p.drift.is_none());
        assert!(p.out_of_range_share.is_none());
        assert_eq!(p.reference.missing_share(), 1.0);
    }

    #[test]
    fn key_profile_lists_the_largest_by_count_then_key() {
        let ints = |v: Vec<i64>| Column {
            ty: ColumnType::Int {
                bits: 64,
                signed: true,
            },
            values: Values::Int {
                values: v,
                valid: None,
            },
        };
        // reference: k appears k % 7 + 1 times for k in 0..40; current: 5 new
        let r: Vec<i64> = (0..40)
            .flat_map(|k| vec![k; (k % 7 + 1) as usize])
            .collect();
        let c: Vec<i64> = vec![100, 100, 3, 101, 102];
        let (r, c) = (ints(r), ints(c));
        let (rk, ck) = (to_keys(&r), to_keys(&c));
        let p = key_profile((&r, &rk), (&c, &ck));
        assert_eq!(p.category_count, 43);
        assert_eq!(p.categories.len(), MAX_CATEGORIES);
        // the naive order: every category by count (both), then by key
        let mut all: Vec<(i64, u64)> = (0..40)
            .map(|k| (k, (k % 7 + 1) as u64 + u64::from(k == 3)))
            .chain([(100, 2), (101, 1), (102, 1)])
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let listed: Vec<String> = p.categories[..MAX_CATEGORIES - 1]
            .iter()
            .map(|c| c.value.clone())
            .collect();
        let want: Vec<String> = all[..MAX_CATEGORIES - 1]
            .iter()
            .map(|(k, _)| k.to_string())
            .collect();
        assert_eq!(listed, want);
        let other = &p.categories[MAX_CATEGORIES - 1];
        assert_eq!(other.value, "(other: 14 categories)");
        let total: u64 = p.categories.iter().map(|c| c.reference + c.current).sum();
        assert_eq!(total, all.iter().map(|a| a.1).sum::<u64>());
        assert_eq!(p.new_category_share, Some(0.8));
    }

    #[test]
    fn categorical_profile_new_categories() {
        let mut i = Interner::default();
        let (a, b, c) = (i.intern("a"), i.intern("b"), i.intern("c"));
        let p = categorical_profile(&[a, a, b], &[a, c, c, MISSING], &i);
        assert_eq!(p.current.missing, 1);
        assert!((p.new_category_share.expect("present") - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(p.categories[0].value, "a");
        assert!(p.drift.expect("drift").chi2_statistic.is_some());
    }

    #[test]
    fn constant_histogram_is_widened() {
        let p = numeric_profile(&[5.0, 5.0], &[5.0], true);
        let h = p.histogram.expect("histogram");
        assert_eq!(h.reference.iter().sum::<u64>(), 2);
        assert_eq!(p.reference.distinct, 1);
    }
}
