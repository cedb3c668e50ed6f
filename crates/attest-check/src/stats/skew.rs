//! Training/serving skew (SPEC §3 "Training/serving skew"): rows of two
//! datasets paired by id, and a column's values compared pair by pair.

use serde::{Deserialize, Serialize};

use crate::columns::{key_runs, keyed_rows, Keys};

/// Reference and current rows with the same id, each id in exactly one row
/// of each; ids found more than once in either dataset are left out of the
/// pairs and of the "only in" counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdPairs {
    /// The pairs' id keys, ascending.
    pub keys: Vec<u64>,
    /// Row of each pair in reference, and in current.
    pub reference: Vec<u32>,
    pub current: Vec<u32>,
    /// Distinct ids (once in their dataset) only in reference, only in current.
    pub only_in_reference: usize,
    pub only_in_current: usize,
    /// Distinct ids found more than once in reference or in current.
    pub duplicate_ids: usize,
}

impl IdPairs {
    /// Number of pairs (`skew_pairs`).
    pub fn len(&self) -> usize {
        self.keys.len()
    }
    /// Whether no id is in both datasets.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Pair the rows of `reference` and `current` by id key (`None`: no id,
/// left out of everything). One sort of each side, one merge walk.
pub fn id_pairs(reference: &Keys, current: &Keys) -> IdPairs {
    let (r, c) = (keyed_rows(reference), keyed_rows(current));
    let mut out = IdPairs::default();
    key_runs(&r, &c, |key, ri, ci| match (ri.len(), ci.len()) {
        (1, 1) => {
            out.keys.push(key);
            out.reference.push(r[ri.start].1);
            out.current.push(c[ci.start].1);
        }
        (1, 0) => out.only_in_reference += 1,
        (0, 1) => out.only_in_current += 1,
        _ => out.duplicate_ids += 1,
    });
    out
}

/// One column compared over the pairs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub pairs: usize,
    /// Pairs whose two values are equal (both missing included).
    pub matched: usize,
    /// Pairs with both values present.
    pub both_present: usize,
    /// Pairs with both present and not equal.
    pub mismatched: usize,
    /// Pairs with exactly one value missing.
    pub one_side_missing: usize,
    /// The largest |a − b| of a mismatched pair (numbers; finite only).
    pub largest_difference: Option<f64>,
    /// The pair of the largest difference, or (text) the first mismatch.
    pub first_mismatch: Option<usize>,
}

impl Comparison {
    /// `skew_match_share`: matched / pairs.
    pub fn match_share(&self) -> Option<f64> {
        (self.pairs > 0).then(|| self.matched as f64 / self.pairs as f64)
    }
    /// `skew_mismatch_share`: mismatched / pairs with both present.
    pub fn mismatch_share(&self) -> Option<f64> {
        (self.both_present > 0).then(|| self.mismatched as f64 / self.both_present as f64)
    }
    /// `skew_one_side_missing_share`: one side missing / pairs.
    pub fn one_side_missing_share(&self) -> Option<f64> {
        (self.pairs > 0).then(|| self.one_side_missing as f64 / self.pairs as f64)
    }
}

/// Values compared over the pairs: both missing is a match, one missing
/// is counted apart, else `equal` decides; `difference` (numbers) keeps the
/// pair of the largest finite one, else the first mismatch is kept.
fn compare<T: Copy>(
    reference: &[T],
    current: &[T],
    pairs: &IdPairs,
    is_missing: impl Fn(T) -> bool,
    equal: impl Fn(T, T) -> bool,
    difference: impl Fn(T, T) -> Option<f64>,
) -> Comparison {
    let mut out = Comparison::default();
    for (p, (&r, &c)) in pairs.reference.iter().zip(&pairs.current).enumerate() {
        let (Some(&a), Some(&b)) = (reference.get(r as usize), current.get(c as usize)) else {
            continue;
        };
        out.pairs += 1;
        match (is_missing(a), is_missing(b)) {
            (true, true) => out.matched += 1,
            (true, false) | (false, true) => out.one_side_missing += 1,
            (false, false) => {
                out.both_present += 1;
                if equal(a, b) {
                    out.matched += 1;
                    continue;
                }
                out.mismatched += 1;
                match difference(a, b).filter(|d| d.is_finite()) {
                    Some(d) if out.largest_difference.is_none_or(|m| d > m) => {
                        out.largest_difference = Some(d);
                        out.first_mismatch = Some(p);
                    }
                    _ => {
                        out.first_mismatch.get_or_insert(p);
                    }
                }
            }
        }
    }
    out
}

/// Numbers compared over the pairs (NaN = missing): equal when a == b or
/// |a − b| ≤ atol + rtol·max(|a|, |b|), as `numpy.isclose` with a
/// symmetric tolerance (so ±inf equals only itself).
pub fn compare_numbers(
    reference: &[f64],
    current: &[f64],
    pairs: &IdPairs,
    atol: f64,
    rtol: f64,
) -> Comparison {
    compare(
        reference,
        current,
        pairs,
        f64::is_nan,
        |a, b| a == b || (a - b).abs() <= atol + rtol * a.abs().max(b.abs()),
        |a, b| Some((a - b).abs()),
    )
}

/// Category codes (shared by both datasets) compared over the pairs;
/// `missing` is the code of a missing value.
pub fn compare_codes(
    reference: &[u32],
    current: &[u32],
    pairs: &IdPairs,
    missing: u32,
) -> Comparison {
    compare(
        reference,
        current,
        pairs,
        |c| c == missing,
        |a, b| a == b,
        |_, _| None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_leave_out_duplicated_and_missing_ids() {
        // id 7 twice in reference, 9 twice in current, 3 only in reference,
        // 4 only in current; rows without an id are in nothing
        let r = [Some(1), Some(7), Some(2), Some(7), Some(3), None, Some(9)];
        let c = [Some(2), Some(9), Some(1), Some(4), Some(9), None, Some(7)];
        let (r, c): (Keys, Keys) = (r.into_iter().collect(), c.into_iter().collect());
        let p = id_pairs(&r, &c);
        assert_eq!(p.keys, vec![1, 2]);
        assert_eq!(p.reference, vec![0, 2]);
        assert_eq!(p.current, vec![2, 0]);
        assert_eq!(
            (p.only_in_reference, p.only_in_current, p.duplicate_ids),
            (1, 1, 2)
        );
        let none = id_pairs(&Keys::default(), &[None].into_iter().collect());
        assert!(none.is_empty());
        assert_eq!(none.duplicate_ids, 0);
    }

    #[test]
    fn numbers_match_within_the_tolerance_and_both_missing() {
        let p = IdPairs {
            keys: vec![1, 2, 3, 4, 5],
            reference: vec![0, 1, 2, 3, 4],
            current: vec![0, 1, 2, 3, 4],
            ..IdPairs::default()
        };
        let nan = f64::NAN;
        let a = [1.0, 2.0, nan, nan, 100.0];
        let b = [1.0 + 1e-12, 2.5, nan, 3.0, 90.0];
        let cmp = compare_numbers(&a, &b, &p, 0.0, 1e-9);
        assert_eq!(
            (cmp.matched, cmp.mismatched, cmp.one_side_missing),
            (2, 2, 1)
        );
        assert_eq!(cmp.both_present, 3);
        assert_eq!(cmp.match_share(), Some(0.4));
        assert_eq!(cmp.mismatch_share(), Some(2.0 / 3.0));
        assert_eq!(cmp.one_side_missing_share(), Some(0.2));
        assert_eq!(
            (cmp.largest_difference, cmp.first_mismatch),
            (Some(10.0), Some(4))
        );
        // an absolute tolerance makes 2.0 and 2.5 equal
        assert_eq!(compare_numbers(&a, &b, &p, 0.5, 0.0).mismatched, 1);
        // ±inf: equal to itself, else a mismatch with no finite difference
        let cmp = compare_numbers(
            &[f64::INFINITY, f64::INFINITY],
            &[f64::INFINITY, 1.0],
            &p,
            0.0,
            0.0,
        );
        assert_eq!((cmp.matched, cmp.mismatched), (1, 1));
        assert_eq!(
            (cmp.largest_difference, cmp.first_mismatch),
            (None, Some(1))
        );
        assert_eq!(Comparison::default().match_share(), None);
    }

    #[test]
    fn codes_compare_by_value() {
        let p = IdPairs {
            keys: vec![1, 2, 3, 4],
            reference: vec![0, 1, 2, 3],
            current: vec![3, 2, 1, 0],
            ..IdPairs::default()
        };
        const M: u32 = u32::MAX;
        let cmp = compare_codes(&[5, 6, M, 5], &[5, M, 6, 5], &p, M);
        // pairs: (5,5) (6,6) (M,M) (5,5)
        assert_eq!(
            (cmp.matched, cmp.mismatched, cmp.one_side_missing),
            (4, 0, 0)
        );
        let cmp = compare_codes(&[5, 6, M, 1], &[5, M, 2, 5], &p, M);
        // pairs: (5,5) (6,2) (M,M) (1,5)
        assert_eq!(
            (cmp.matched, cmp.mismatched, cmp.one_side_missing),
            (2, 2, 0)
        );
        let cmp = compare_codes(&[M, 6, 7, 1], &[5, M, 2, 5], &p, M);
        // pairs: (M,5) (6,2) (7,M) (1,5)
        assert_eq!(
            (cmp.matched, cmp.mismatched, cmp.one_side_missing),
            (0, 2, 2)
        );
        assert_eq!(cmp.first_mismatch, Some(1));
    }
}
