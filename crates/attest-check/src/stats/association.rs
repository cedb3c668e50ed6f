//! Association between two row-aligned variables: rank and linear
//! correlations, Kendall's τ-b, the correlation ratio η and the AUC-based
//! association with a binary label (SPEC §3 "Leakage", `label_association`;
//! "Feature importance change", `prediction_dependence` and the importance
//! metrics).
//!
//! Inputs are row-aligned slices of finite values, missing rows already
//! removed by the caller; slices of unequal length are compared up to the
//! shorter. Results that are undefined (too few rows, a constant input) are
//! `None` where the reference implementation returns NaN.

use std::collections::HashMap;

use super::classification::{roc_auc, roc_auc_of};
use super::stable_sum;

/// 1-based ranks with ties given the average of the ranks they span, as
/// `scipy.stats.rankdata(x, method="average")`. Values are ordered by
/// `f64::total_cmp` (one stable sort of (value, row) pairs, O(n log n)) and
/// tied by `==`, so −0.0 and 0.0 share a rank. Empty input gives an empty
/// vector.
pub fn average_ranks(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    // (total-order key, row): the stable order of `sort_by(total_cmp)`.
    let mut order: Vec<(u64, usize)> = x.iter().map(|&v| order_key(v)).zip(0..n).collect();
    super::sort::sort_words(&mut order);
    let value_at = |k: usize| super::sort::from_order_key(order[k].0);
    let mut ranks = vec![0.0; n];
    let mut start = 0;
    while start < n {
        let value = value_at(start);
        let mut end = start + 1;
        while end < n && value_at(end) == value {
            end += 1;
        }
        // Sorted positions start..end hold ranks start+1 ..= end; their mean
        // is exact (an integer or a half-integer far below 2^53).
        let rank = (start + end + 1) as f64 * 0.5;
        for &(_, row) in &order[start..end] {
            ranks[row] = rank;
        }
        start = end;
    }
    ranks
}

/// Pearson's correlation r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² · Σ(y−ȳ)²), computed
/// in two passes (compensated means, then compensated centred sums) and
/// clipped to [−1, 1], as `scipy.stats.pearsonr(x, y).statistic` /
/// `numpy.corrcoef(x, y)[0, 1]` up to rounding. `None` for fewer than 2 rows
/// or a constant input (scipy returns NaN).
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let (x, y) = (&x[..n], &y[..n]);
    if is_constant(x) || is_constant(y) {
        return None;
    }
    let mx = stable_sum(x.iter().copied()) / n as f64;
    let my = stable_sum(y.iter().copied()) / n as f64;
    let sxy = stable_sum(x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)));
    let sxx = stable_sum(x.iter().map(|a| (a - mx) * (a - mx)));
    let syy = stable_sum(y.iter().map(|b| (b - my) * (b - my)));
    // Square roots taken separately so the product cannot overflow.
    let denom = sxx.sqrt() * syy.sqrt();
    if denom <= 0.0 || !denom.is_finite() {
        return None;
    }
    let r = sxy / denom;
    r.is_finite().then(|| r.clamp(-1.0, 1.0))
}

/// Spearman's rank correlation ρ: [`pearson`] of the [`average_ranks`] of x
/// and y, as `scipy.stats.spearmanr(x, y).statistic`. O(n log n). `None` for
/// fewer than 2 rows or a constant input (scipy returns NaN).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    pearson(&average_ranks(&x[..n]), &average_ranks(&y[..n]))
}

/// The rows of `values` whose value is finite, ordered by value (stable:
/// ties keep row order) — the order [`ranks_among`] walks. One sort.
pub fn finite_order(values: &[f64]) -> Vec<u32> {
    order_by_key(values.len(), |i| {
        let v = values[i];
        v.is_finite().then(|| order_key(v))
    })
}

/// [`finite_order`] and the finite values in that order (sorted
/// ascending). One sort of 64-bit words that hold a value's
/// order-preserving key in their high bits and its row in the low bits
/// (as few as the rows need): 8 bytes a row, as sorting the values alone
/// (a sort of (value, row) pairs takes 16, and as much again for its
/// scratch). Equal values come out in row order. Values that differ only
/// below the key bits kept (a relative difference under about 2⁻³², rare)
/// make a run of equal words' prefixes, put in order by their full keys
/// after the sort.
pub fn finite_order_and_values(values: &[f64]) -> (Vec<u32>, Vec<f64>) {
    let order = finite_order(values);
    let sorted = order.iter().map(|&r| values[r as usize]).collect();
    (order, sorted)
}

pub use super::sort::order_key;

/// The rows `0..rows` that have a key (`key(row)` is `Some`), ordered by
/// key, stable (equal keys keep row order): one sort of 64-bit words
/// holding a key's high bits above the row (as few bits as the rows need),
/// 8 bytes a row; runs of equal high bits whose full keys differ are put in
/// order by (key, row) afterwards.
pub fn order_by_key(rows: usize, key: impl Fn(usize) -> Option<u64>) -> Vec<u32> {
    let row_bits = usize::BITS - (rows.max(2) - 1).leading_zeros();
    let row_mask = (1u64 << row_bits) - 1;
    // Rows are u32 everywhere in a run (the readers' limits keep them so).
    debug_assert!(rows as u64 <= 1 << 32);
    // Sized for the rows with a key, not all of them (few rows may have one).
    let present = (0..rows).filter(|&i| key(i).is_some()).count();
    let mut words: Vec<u64> = Vec::with_capacity(present);
    words.extend((0..rows).filter_map(|i| key(i).map(|k| (k & !row_mask) | i as u64)));
    super::sort::sort_words(&mut words);
    let mut order: Vec<u32> = words.iter().map(|w| (w & row_mask) as u32).collect();
    let full = |r: u32| key(r as usize).unwrap_or(0);
    let mut start = 0;
    while start < words.len() {
        let prefix = words[start] & !row_mask;
        let mut end = start + 1;
        while end < words.len() && words[end] & !row_mask == prefix {
            end += 1;
        }
        if end - start > 1 {
            let run = &mut order[start..end];
            let first = full(run[0]);
            if run.iter().any(|&r| full(r) != first) {
                run.sort_by_key(|&r| (full(r), r));
            }
        }
        start = end;
    }
    order
}

/// The [`average_ranks`] of `values` among the rows that `keep` holds, per
/// row (NaN for the rows left out), from `order` = [`finite_order`] of
/// `values`: one walk, no sort, so one order serves every subset of rows.
/// Ties are equal values (`==`), as in [`average_ranks`].
pub fn ranks_among(values: &[f64], order: &[u32], keep: impl Fn(usize) -> bool) -> Vec<f64> {
    let mut ranks = vec![f64::NAN; values.len()];
    let kept: Vec<u32> = order
        .iter()
        .copied()
        .filter(|&i| keep(i as usize))
        .collect();
    let mut start = 0usize;
    while start < kept.len() {
        let v = values[kept[start] as usize];
        let mut end = start + 1;
        while end < kept.len() && values[kept[end] as usize] == v {
            end += 1;
        }
        let rank = (start + end + 1) as f64 * 0.5;
        for &i in &kept[start..end] {
            ranks[i as usize] = rank;
        }
        start = end;
    }
    ranks
}

/// [`spearman`] of (x, y) over the rows where both are given, from y's
/// average ranks among exactly those rows (`y_ranks`, as [`ranks_among`]
/// makes them; NaN for the rows left out). Pearson's r of the ranks is the
/// same in any row order, so the pairs are sorted by x once (one
/// sort) and x's average ranks read off in that order. Every average rank
/// is a half-integer and both rank vectors have the mean (n + 1)/2, so
/// with R = 2·rank − (n + 1) the sums Σ Rx·Ry, Σ Rx², Σ Ry² are exact
/// integers and ρ = ΣRxRy / √(ΣRx² ΣRy²) has one rounding — the value
/// `scipy.stats.spearmanr` approaches. `None` as [`spearman`] (fewer than
/// 2 rows, a constant x or y).
pub fn spearman_with_y_ranks(x: &[f64], y_ranks: &[f64]) -> Option<f64> {
    let n = x.len().min(y_ranks.len());
    let (order, sorted) = finite_order_and_values(&x[..n]);
    spearman_with_y_ranks_ordered(&order, &sorted, &doubled_ranks(&y_ranks[..n])?)
}

/// Twice each average rank of [`ranks_among`] / [`average_ranks`] as an
/// integer (exact: ranks are half-integers), 0 for a row without one — the
/// compact form [`spearman_with_y_ranks_ordered`] reads. `None` when a rank
/// does not fit (2^31 rows or more).
pub fn doubled_ranks(ranks: &[f64]) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(ranks.len());
    for &r in ranks {
        out.push(if r.is_finite() && r >= 1.0 {
            let d = 2.0 * r;
            if d >= f64::from(u32::MAX) {
                return None;
            }
            d as u32
        } else {
            0
        });
    }
    Some(out)
}

/// [`spearman_with_y_ranks`] from x's [`finite_order_and_values`] (`order`
/// and `sorted`, `sorted[k]` = x[`order[k]`]), which the column pass has
/// already, and y's [`doubled_ranks`] (`y2`): one walk over that order, no
/// sort. The rows with a rank are taken group by group of equal x; with
/// X = twice x's average rank among them and Y = twice y's, the raw integer
/// sums ΣX, ΣY, ΣXY, ΣX², ΣY² give the centred ones exactly (ΣdXdY = ΣXY −
/// cΣX − cΣY + nc², c = n + 1, …), so ρ is the same single rounding as in
/// [`spearman_with_y_ranks`]. Rows past `y2` are left out.
pub fn spearman_with_y_ranks_ordered(order: &[u32], sorted: &[f64], y2: &[u32]) -> Option<f64> {
    // y's doubled ranks in x's order first (independent loads, so many in
    // flight), then one sequential walk.
    let len = order.len().min(sorted.len());
    let ys: Vec<u32> = order[..len]
        .iter()
        .map(|&i| y2.get(i as usize).copied().unwrap_or(0))
        .collect();
    let (mut sx, mut sy, mut sxy, mut sxx, mut syy) = (0u128, 0u128, 0u128, 0u128, 0u128);
    let mut kept = 0u64;
    let mut k = 0usize;
    // The products are taken in u64 where they fit (a u128 product is a
    // library call in WebAssembly): y < 2³² so y² < 2⁶⁴, and a group's Σy
    // of at most 2³² values each below 2³² fits too.
    while k < len {
        let v = sorted[k];
        let (mut group, mut group_y) = (0u64, 0u64);
        while k < len && sorted[k] == v {
            let y = u64::from(ys[k]);
            group += u64::from(y > 0);
            group_y += y;
            syy += u128::from(y * y);
            k += 1;
        }
        // twice the average of the ranks kept+1 ..= kept+group
        let x = 2 * kept + group + 1;
        if group == 1 && x < 1 << 32 {
            // the common case (no tie): x², x·y < 2⁶⁴
            sx += u128::from(x);
            sxx += u128::from(x * x);
            sxy += u128::from(x * group_y);
        } else if group > 0 {
            let xg = u128::from(x) * u128::from(group);
            sx += xg;
            sxx += xg * u128::from(x);
            sxy += u128::from(x) * u128::from(group_y);
        }
        sy += u128::from(group_y);
        kept += group;
    }
    if kept < 2 {
        return None;
    }
    let (n, c) = (i128::from(kept), i128::from(kept) + 1);
    let [sx, sy, sxy, sxx, syy] = [sx, sy, sxy, sxx, syy].map(|v| v as i128);
    let cxy = sxy - c * sx - c * sy + n * c * c;
    let cxx = sxx - 2 * c * sx + n * c * c;
    let cyy = syy - 2 * c * sy + n * c * c;
    if cxx == 0 || cyy == 0 {
        return None;
    }
    let r = cxy as f64 / ((cxx as f64).sqrt() * (cyy as f64).sqrt());
    r.is_finite().then(|| r.clamp(-1.0, 1.0))
}

/// Kendall's τ-b = (C − D) / √((P − Tₓ)(P − T_y)), where over all P = n(n−1)/2
/// pairs C counts the concordant ones, D the discordant ones, Tₓ the pairs
/// tied in x and T_y those tied in y (pairs tied in both count in Tₓ and
/// T_y), as `scipy.stats.kendalltau(x, y).statistic` (same integer counts,
/// same final float operations, clipped to [−1, 1]). Compares every pair:
/// O(n²), meant for the importance vectors (one value per feature, at most a
/// few hundred). `None` for fewer than 2 rows or when every pair is tied in x
/// or in y (scipy returns NaN).
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let (x, y) = (&x[..n], &y[..n]);
    let (mut con_minus_dis, mut x_ties, mut y_ties) = (0i64, 0u64, 0u64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[i].partial_cmp(&x[j]);
            let dy = y[i].partial_cmp(&y[j]);
            use std::cmp::Ordering::Equal;
            if dx == Some(Equal) {
                x_ties += 1;
            }
            if dy == Some(Equal) {
                y_ties += 1;
            }
            match (dx, dy) {
                (Some(a), Some(b)) if a != Equal && b != Equal => {
                    con_minus_dis += if a == b { 1 } else { -1 };
                }
                _ => {}
            }
        }
    }
    let total = (n as u64) * (n as u64 - 1) / 2;
    if x_ties == total || y_ties == total {
        return None;
    }
    let tau =
        con_minus_dis as f64 / ((total - x_ties) as f64).sqrt() / ((total - y_ties) as f64).sqrt();
    Some(tau.clamp(-1.0, 1.0))
}

/// Correlation ratio η = √(SS_between / SS_total) of y grouped by category
/// code, with SS_total = Σ(y − ȳ)² and SS_between = Σ_g n_g (ȳ_g − ȳ)²
/// (two passes, compensated sums), clipped to [0, 1]. Groups are kept in
/// order of first appearance, so the result does not depend on hashing.
/// `None` for no rows or a constant y (SS_total = 0); 0 when there is a
/// single category.
pub fn correlation_ratio(codes: &[u32], y: &[f64]) -> Option<f64> {
    let n = codes.len().min(y.len());
    if n == 0 {
        return None;
    }
    let (codes, y) = (&codes[..n], &y[..n]);
    if is_constant(y) {
        return None;
    }
    let mean = stable_sum(y.iter().copied()) / n as f64;
    let ss_total = stable_sum(y.iter().map(|v| (v - mean) * (v - mean)));
    if ss_total <= 0.0 || !ss_total.is_finite() {
        return None;
    }
    let (group_of_row, groups) = group_rows(codes);
    let mut sums = vec![(Compensated::default(), 0u64); groups];
    for (&g, &v) in group_of_row.iter().zip(y) {
        sums[g].0.add(v);
        sums[g].1 += 1;
    }
    let ss_between = stable_sum(sums.iter().map(|(sum, count)| {
        let d = sum.total() / *count as f64 - mean;
        *count as f64 * d * d
    }));
    let eta = (ss_between / ss_total).sqrt();
    eta.is_finite().then(|| eta.clamp(0.0, 1.0))
}

/// Cramér's V of two categorical variables (category codes, one pair a
/// row): V = √(χ² / (n · (min(r, c) − 1))) with Pearson's χ² of their r×c
/// contingency table (categories seen, no continuity correction), as
/// `scipy.stats.contingency.association(table, method="cramer")`. `None`
/// for no rows or when either variable has a single category (V is 0/0).
pub fn cramers_v(a: &[u32], b: &[u32]) -> Option<f64> {
    let n = a.len().min(b.len());
    if n == 0 {
        return None;
    }
    let (ga, r) = group_rows(&a[..n]);
    let (gb, c) = group_rows(&b[..n]);
    if r < 2 || c < 2 {
        return None;
    }
    let mut table = vec![0u64; r * c];
    let (mut rows, mut cols) = (vec![0u64; r], vec![0u64; c]);
    for (&i, &j) in ga.iter().zip(&gb) {
        table[i * c + j] += 1;
        rows[i] += 1;
        cols[j] += 1;
    }
    let nf = n as f64;
    let chi2 = stable_sum((0..r).flat_map(|i| {
        let (table, rows, cols) = (&table, &rows, &cols);
        (0..c).map(move |j| {
            let expected = rows[i] as f64 * cols[j] as f64 / nf;
            let d = table[i * c + j] as f64 - expected;
            d * d / expected
        })
    }));
    let v = (chi2 / (nf * (r.min(c) - 1) as f64)).sqrt();
    v.is_finite().then(|| v.clamp(0.0, 1.0))
}

/// AUC-based association with a binary label, |2·AUC − 1|, where AUC =
/// `sklearn.metrics.roc_auc_score(y, x)` (trapezoid over the distinct
/// thresholds, ties as sklearn; [`threshold_counts`](super::classification::threshold_counts) and [`roc_auc`]). 0 for
/// no association, 1 for a perfect separator in either direction. `None`
/// unless both classes occur.
pub fn auc_association(y: &[bool], x: &[f64]) -> Option<f64> {
    let auc = roc_auc_of(y, x)?;
    Some((2.0 * auc - 1.0).abs())
}

/// A group's term `positives · weight` of twice the Mann–Whitney area,
/// without a u128 product (a library call in WebAssembly) for the groups of
/// at most one positive, nearly all of them when x is continuous.
fn group_area2(positives: u64, weight: u64) -> u128 {
    match positives {
        0 => 0,
        1 => u128::from(weight),
        _ => u128::from(positives) * u128::from(weight),
    }
}

/// [`auc_association`] from x's [`finite_order_and_values`] (`order` and
/// `sorted`) and the labels `y` ([`LabelBits`] of 1 positive, 0 negative,
/// anything else left out, as are rows past the labels), in one walk over the order without a sort.
/// AUC is the Mann–Whitney statistic — for each positive, the negatives
/// below it plus half those equal to it, over n₊·n₋ — summed in integers
/// per group of equal x (its positives count the negatives below it twice
/// and those in it once), so the value is bit for bit that of
/// `sklearn.metrics.roc_auc_score` (the trapezoids over distinct
/// thresholds). `None` unless both classes occur.
pub fn auc_association_ordered(order: &[u32], sorted: &[f64], y: &LabelBits) -> Option<f64> {
    let (mut area2, mut below, mut pos, mut neg) = (0u128, 0u64, 0u64, 0u64);
    let (mut group_pos, mut group_neg) = (0u64, 0u64);
    let mut group_value = f64::NAN;
    for (&i, &x) in order.iter().zip(sorted) {
        let code = y.code(i as usize);
        if code & 1 == 0 {
            continue;
        }
        if x != group_value {
            area2 += group_area2(group_pos, 2 * below + group_neg);
            below += group_neg;
            (group_pos, group_neg, group_value) = (0, 0, x);
        }
        let positive = code >> 1;
        group_pos += positive;
        group_neg += 1 - positive;
        pos += positive;
        neg += 1 - positive;
    }
    area2 += group_area2(group_pos, 2 * below + group_neg);
    if pos == 0 || neg == 0 {
        return None;
    }
    Some(association_of(area2, pos as usize, neg as usize))
}

/// A binary label two bits a row, 32 rows a word (low bit: the row is
/// labelled 0 or 1; high bit: it is 1): what [`auc_association_ordered`]
/// reads in a feature's value order. A quarter of the label's byte a row,
/// so those reads, in no order of the rows, stay in the cache (10M rows:
/// 2.5 MB, not 10). A row beyond the label or labelled other than 0 or 1
/// is not labelled.
pub struct LabelBits(Vec<u64>);

impl LabelBits {
    pub fn new(y: &[u8]) -> Self {
        let code = |l: u8| match l {
            0 => 1u64,
            1 => 3,
            _ => 0,
        };
        LabelBits(
            y.chunks(32)
                .map(|c| {
                    c.iter()
                        .enumerate()
                        .fold(0, |w, (k, &l)| w | code(l) << (2 * k))
                })
                .collect(),
        )
    }

    /// Row `i`'s two bits: 0 unlabelled, 1 labelled 0, 3 labelled 1.
    fn code(&self, i: usize) -> u64 {
        self.0.get(i >> 5).map_or(0, |w| (w >> (2 * (i & 31))) & 3)
    }
}

/// [`auc_association_ordered`] from the two classes' values, each sorted
/// ascending (`positives`, `negatives`), without merging them: the same
/// integer sums, so the same value. `None` unless both classes occur.
pub fn auc_association_split(positives: &[f64], negatives: &[f64]) -> Option<f64> {
    twice_area(positives, negatives).map(|a| association_of(a, positives.len(), negatives.len()))
}

/// |2·AUC − 1| from twice the Mann–Whitney area; `p`, `n` > 0.
fn association_of(area2: u128, p: usize, n: usize) -> f64 {
    let auc = area2 as f64 / (2.0 * p as f64 * n as f64);
    (2.0 * auc - 1.0).abs()
}

/// Twice the Mann–Whitney area, in units of one positive × one negative:
/// Σ over the positives of 2·(negatives below) + (negatives equal), in one
/// walk over `positives` and `negatives` (both ascending). `None` unless
/// both classes occur.
fn twice_area(positives: &[f64], negatives: &[f64]) -> Option<u128> {
    if positives.is_empty() || negatives.is_empty() {
        return None;
    }
    let mut area2: u128 = 0;
    let (mut lo, mut k) = (0usize, 0usize);
    while k < positives.len() {
        let v = positives[k];
        let mut k_end = k + 1;
        while k_end < positives.len() && positives[k_end] == v {
            k_end += 1;
        }
        while lo < negatives.len() && negatives[lo] < v {
            lo += 1;
        }
        let mut hi = lo;
        while hi < negatives.len() && negatives[hi] == v {
            hi += 1;
        }
        let (below, equal) = (lo as u64, (hi - lo) as u64);
        area2 += ((k_end - k) as u128) * u128::from(2 * below + equal);
        k = k_end;
        lo = hi;
    }
    Some(area2)
}

/// [`auc_association`] of a categorical x replaced by its categories'
/// positive-label rates ([`category_positive_rate`]), computed from the
/// categories' counts without materialising a row-sized score: the same
/// thresholds and the same integer counts, so the same value, in O(n + K log K).
pub fn categorical_auc_association(codes: &[u32], y: &[bool]) -> Option<f64> {
    let (_, counts) = positives_by_group(codes, y);
    let mut rates: Vec<(f64, u64, u64)> = counts
        .iter()
        .map(|&(pos, rows)| (pos as f64 / rows as f64, pos, rows - pos))
        .collect();
    super::sort::sort_by_float(&mut rates, |r| r.0, true);
    let mut cumulative: Vec<(f64, u64, u64)> = Vec::new();
    let (mut tps, mut fps) = (0u64, 0u64);
    for (k, &(rate, pos, neg)) in rates.iter().enumerate() {
        tps += pos;
        fps += neg;
        if rates.get(k + 1).is_none_or(|next| next.0 != rate) {
            cumulative.push((rate, tps, fps));
        }
    }
    let auc = roc_auc(&cumulative)?;
    Some((2.0 * auc - 1.0).abs())
}

/// Each row's category replaced by the positive-label rate of its category
/// over the same rows (#{true} / #{rows} of that code), the numeric stand-in
/// for a categorical x in `label_association` (feed it to
/// [`auc_association`]). One value per row; empty for no rows.
pub fn category_positive_rate(codes: &[u32], y: &[bool]) -> Vec<f64> {
    let (group_of_row, counts) = positives_by_group(codes, y);
    group_of_row
        .iter()
        .map(|&g| {
            let (positives, rows) = counts[g];
            positives as f64 / rows as f64
        })
        .collect()
}

/// Each row's group ([`group_rows`]) and each group's (positives, rows).
fn positives_by_group(codes: &[u32], y: &[bool]) -> (Vec<usize>, Vec<(u64, u64)>) {
    let n = codes.len().min(y.len());
    let (group_of_row, groups) = group_rows(&codes[..n]);
    let mut counts = vec![(0u64, 0u64); groups];
    for (&g, &label) in group_of_row.iter().zip(&y[..n]) {
        counts[g].0 += u64::from(label);
        counts[g].1 += 1;
    }
    (group_of_row, counts)
}

/// Dense group index of every row (groups numbered by first appearance) and
/// the number of groups.
fn group_rows(codes: &[u32]) -> (Vec<usize>, usize) {
    // Codes from an interner are dense: a table instead of a hash map.
    let max = codes.iter().copied().max().unwrap_or(0) as usize;
    if max < codes.len().max(1 << 16) {
        let mut table = vec![usize::MAX; max + 1];
        let mut groups = 0usize;
        let group_of_row = codes
            .iter()
            .map(|&c| {
                let slot = &mut table[c as usize];
                if *slot == usize::MAX {
                    *slot = groups;
                    groups += 1;
                }
                *slot
            })
            .collect();
        return (group_of_row, groups);
    }
    let mut index: HashMap<u32, usize> = HashMap::new();
    let group_of_row = codes
        .iter()
        .map(|&c| {
            let next = index.len();
            *index.entry(c).or_insert(next)
        })
        .collect();
    (group_of_row, index.len())
}

/// Running Neumaier-compensated sum, the same steps as [`stable_sum`], for
/// sums kept per group.
#[derive(Debug, Clone, Copy, Default)]
struct Compensated {
    sum: f64,
    c: f64,
}

impl Compensated {
    fn add(&mut self, v: f64) {
        let t = self.sum + v;
        if self.sum.abs() >= v.abs() {
            self.c += (self.sum - t) + v;
        } else {
            self.c += (v - t) + self.sum;
        }
        self.sum = t;
    }
    fn total(&self) -> f64 {
        self.sum + self.c
    }
}

/// All values equal (by `==`) to the first; true for an empty slice.
fn is_constant(v: &[f64]) -> bool {
    v.first().is_none_or(|&first| v.iter().all(|&a| a == first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_from_ranks_among_a_subset_equals_spearman() {
        let n = 900usize;
        let x: Vec<f64> = (0..n)
            .map(|i| {
                if i % 11 == 0 {
                    f64::NAN
                } else {
                    ((i * 37) % 101) as f64
                }
            })
            .collect();
        let y: Vec<f64> = (0..n)
            .map(|i| {
                if i % 13 == 0 {
                    f64::INFINITY
                } else {
                    ((i * 53) % 89) as f64 * 0.5 + (i % 7) as f64
                }
            })
            .collect();
        let both = |i: usize| x[i].is_finite() && y[i].is_finite();
        let (xs, ys): (Vec<f64>, Vec<f64>) =
            (0..n).filter(|&i| both(i)).map(|i| (x[i], y[i])).unzip();
        let want = spearman(&xs, &ys).expect("rho");
        let order = finite_order(&y);
        let ranks = ranks_among(&y, &order, |i| x[i].is_finite());
        let got = spearman_with_y_ranks(&x, &ranks).expect("rho");
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        // every row kept: the ranks are average_ranks of the finite values
        let all = ranks_among(&ys, &finite_order(&ys), |_| true);
        assert_eq!(all, average_ranks(&ys));
    }

    /// The pairs form: (x, 2·rank) sorted by x, then centred integer sums.
    fn spearman_by_sorting_pairs(x: &[f64], y_ranks: &[f64]) -> Option<f64> {
        let mut pairs: Vec<(f64, i128)> = x
            .iter()
            .zip(y_ranks)
            .filter(|(x, r)| x.is_finite() && r.is_finite() && **r >= 1.0)
            .map(|(x, r)| (*x, (2.0 * r) as i128))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let n = pairs.len();
        let c = n as i128 + 1;
        let (mut sxy, mut sxx, mut syy) = (0i128, 0i128, 0i128);
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && pairs[end].0 == pairs[start].0 {
                end += 1;
            }
            let dx = (start + end + 1) as i128 - c;
            for p in &pairs[start..end] {
                sxy += dx * (p.1 - c);
                sxx += dx * dx;
                syy += (p.1 - c) * (p.1 - c);
            }
            start = end;
        }
        (n >= 2 && sxx > 0 && syy > 0)
            .then(|| (sxy as f64 / ((sxx as f64).sqrt() * (syy as f64).sqrt())).clamp(-1.0, 1.0))
    }

    #[test]
    fn packed_order_is_the_stable_order_of_the_values() {
        let mut next = crate::stats::xorshift(0x2545_f491_4f6c_dd1du64);
        for case in 0..12 {
            let n = [0usize, 1, 2, 3, 17, 1000, 4096, 5000][case % 8] + case;
            let values: Vec<f64> = (0..n)
                .map(|i| match (next() % 29, case % 4) {
                    (0, _) => f64::NAN,
                    (1, _) => f64::INFINITY,
                    (2, _) if i % 2 == 0 => -0.0,
                    (2, _) => 0.0,
                    // values equal above the low mantissa bits: the runs
                    (3..=9, 0) => 1.0 + (next() % 4) as f64 * f64::EPSILON,
                    (_, 1) => (next() % 5) as f64 - 2.0,
                    (_, 2) => -1e-310 * (next() % 3) as f64,
                    _ => {
                        f64::from_bits(next() >> 2)
                            * if next().is_multiple_of(2) { -1.0 } else { 1.0 }
                    }
                })
                .collect();
            let mut pairs: Vec<(f64, u32)> = values
                .iter()
                .zip(0u32..)
                .filter(|(v, _)| v.is_finite())
                .map(|(v, i)| (*v, i))
                .collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let (order, sorted) = finite_order_and_values(&values);
            let want: Vec<u32> = pairs.iter().map(|p| p.1).collect();
            assert_eq!(order, want, "case {case}");
            let want: Vec<u64> = pairs.iter().map(|p| p.0.to_bits()).collect();
            let got: Vec<u64> = sorted.iter().map(|v| v.to_bits()).collect();
            assert_eq!(got, want, "case {case}");
        }
    }

    #[test]
    fn one_walk_spearman_equals_the_pairs_form_bit_for_bit() {
        for seed in 0..20u64 {
            let mut next = crate::stats::xorshift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            let n = 50 + (seed as usize) * 37;
            let levels = [3u64, 40, 1 << 20][seed as usize % 3];
            let x: Vec<f64> = (0..n)
                .map(|i| match next() % 23 {
                    0 => f64::NAN,
                    1 if i % 2 == 0 => -0.0,
                    1 => 0.0,
                    _ => (next() % levels) as f64 - (levels / 2) as f64,
                })
                .collect();
            let y: Vec<f64> = (0..n + 3)
                .map(|_| match next() % 19 {
                    0 => f64::NAN,
                    _ => (next() % levels) as f64,
                })
                .collect();
            let order = finite_order(&y);
            let ranks = ranks_among(&y, &order, |i| i < n && x[i].is_finite());
            let want = spearman_by_sorting_pairs(&x, &ranks);
            assert_eq!(spearman_with_y_ranks(&x, &ranks), want, "seed {seed}");
            let (xo, xs) = finite_order_and_values(&x);
            let y2 = doubled_ranks(&ranks[..n]).expect("small");
            let got = spearman_with_y_ranks_ordered(&xo, &xs, &y2);
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "seed {seed}");
        }
        assert_eq!(spearman_with_y_ranks_ordered(&[0], &[1.0], &[2]), None);
        assert_eq!(
            spearman_with_y_ranks_ordered(&[0, 1], &[1.0, 1.0], &[2, 4]),
            None
        );
        assert_eq!(
            doubled_ranks(&[1.5, f64::NAN, 0.0, 3.0]),
            Some(vec![3, 0, 0, 6])
        );
        assert_eq!(doubled_ranks(&[3e9]), None);
    }

    #[test]
    fn sorted_association_equals_the_row_form() {
        let x: Vec<f64> = (0..700u32)
            .map(|i| f64::from((i * 37) % 101) / 7.0 - 3.0)
            .collect();
        let y: Vec<bool> = (0..700u32).map(|i| (i * 11 + i / 7) % 3 == 0).collect();
        let (all_order, all) = finite_order_and_values(&x);
        let mut pos: Vec<f64> = x
            .iter()
            .zip(&y)
            .filter(|(_, y)| **y)
            .map(|(x, _)| *x)
            .collect();
        pos.sort_by(f64::total_cmp);
        let labels: Vec<u8> = y.iter().map(|&y| u8::from(y)).collect();
        let fast = auc_association_ordered(&all_order, &all, &LabelBits::new(&labels));
        assert!(fast.is_some());
        assert_eq!(fast, auc_association(&y, &x));
        assert_eq!(
            auc_association_ordered(&all_order, &all, &LabelBits::new(&vec![1; 700])),
            None
        );
        assert_eq!(
            auc_association_ordered(&all_order, &all, &LabelBits::new(&vec![0; 700])),
            None
        );
        // from the two classes sorted apart, with ties across them
        let mut neg: Vec<f64> = x
            .iter()
            .zip(&y)
            .filter(|(_, y)| !**y)
            .map(|(x, _)| *x)
            .collect();
        neg.sort_by(f64::total_cmp);
        assert_eq!(auc_association_split(&pos, &neg), fast);
        assert_eq!(auc_association_split(&pos, &[]), None);
        assert_eq!(auc_association_split(&[], &neg), None);
        assert_eq!(auc_association_split(&[-0.0, 1.0], &[0.0]), Some(0.5));
        // from the column's order: unlabelled rows (2), missing x, −0.0
        // tied with 0.0, a label vector shorter than x
        let mut xo = x.clone();
        xo[3] = f64::NAN;
        xo[5] = -0.0;
        xo[6] = 0.0;
        xo[9] = f64::INFINITY;
        let labels: Vec<u8> = (0..690u32)
            .map(|i| {
                if i % 17 == 0 {
                    2
                } else {
                    u8::from(y[i as usize])
                }
            })
            .collect();
        let (order, sorted) = finite_order_and_values(&xo);
        let (ky, kx): (Vec<bool>, Vec<f64>) = labels
            .iter()
            .zip(&xo)
            .filter(|(l, x)| **l < 2 && x.is_finite())
            .map(|(l, x)| (*l == 1, *x))
            .unzip();
        let ordered = auc_association_ordered(&order, &sorted, &LabelBits::new(&labels));
        assert!(ordered.is_some());
        assert_eq!(ordered, auc_association(&ky, &kx));
        assert_eq!(
            auc_association_ordered(&order, &sorted, &LabelBits::new(&[])),
            None
        );
        assert_eq!(
            auc_association_ordered(&order, &sorted, &LabelBits::new(&vec![1; 700])),
            None
        );
        let (o, s) = finite_order_and_values(&[0.0, 1.0, -0.0]);
        assert_eq!(
            auc_association_ordered(&o, &s, &LabelBits::new(&[0, 1, 1])),
            Some(0.5)
        );
    }

    #[test]
    fn label_bits_hold_each_rows_label_across_words() {
        let y: Vec<u8> = (0..100u32).map(|i| (i * 7 % 5) as u8).collect();
        let bits = LabelBits::new(&y);
        for (i, &l) in y.iter().enumerate() {
            assert_eq!(bits.code(i), [1, 3, 0, 0, 0][usize::from(l)], "row {i}");
        }
        assert_eq!(bits.code(100), 0);
        assert_eq!(bits.code(1 << 20), 0);
    }

    #[test]
    fn groups_are_numbered_by_first_appearance_dense_or_sparse() {
        assert_eq!(group_rows(&[5, 2, 5, 0, 2]), (vec![0, 1, 0, 2, 1], 3));
        // a code far above the row count takes the hash map: same numbering
        assert_eq!(
            group_rows(&[u32::MAX - 1, 2, u32::MAX - 1, 0, 2]),
            (vec![0, 1, 0, 2, 1], 3)
        );
        assert_eq!(group_rows(&[]), (vec![], 0));
    }

    #[test]
    fn categorical_association_from_counts_equals_the_row_form() {
        let codes: Vec<u32> = (0..500u32).map(|i| (i * 7 + i / 3) % 6).collect();
        let y: Vec<bool> = (0..500u32).map(|i| (i * 13 + i / 5) % 4 == 0).collect();
        let rows = auc_association(&y, &category_positive_rate(&codes, &y));
        assert_eq!(categorical_auc_association(&codes, &y), rows);
        assert!(rows.is_some());
        // two categories with the same rate are one threshold
        let codes = [0, 0, 1, 1, 2, 2];
        let y = [true, false, true, false, true, true];
        assert_eq!(
            categorical_auc_association(&codes, &y),
            auc_association(&y, &category_positive_rate(&codes, &y))
        );
        assert_eq!(categorical_auc_association(&[0, 1], &[true, true]), None);
    }
    use crate::stats::assert_close;

    #[test]
    fn average_ranks_ties_match_scipy() {
        // scipy.stats.rankdata([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], method="average")
        // == [4.5, 1.5, 6., 1.5, 8., 11., 3., 10., 8., 4.5, 8.]
        let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0];
        assert_eq!(
            average_ranks(&x),
            vec![4.5, 1.5, 6.0, 1.5, 8.0, 11.0, 3.0, 10.0, 8.0, 4.5, 8.0]
        );
        // scipy.stats.rankdata([-0.0, 0.0, -1.0]) == [2.5, 2.5, 1.]
        assert_eq!(average_ranks(&[-0.0, 0.0, -1.0]), vec![2.5, 2.5, 1.0]);
        assert!(average_ranks(&[]).is_empty());
    }

    #[test]
    fn spearman_ties_in_both_match_scipy() {
        // scipy.stats.spearmanr([1, 2, 2, 3, 4, 4, 4, 5], [2, 1, 3, 3, 5, 4, 4, 6]).statistic
        // == 0.9256265453136692
        let x = [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 4.0, 5.0];
        let y = [2.0, 1.0, 3.0, 3.0, 5.0, 4.0, 4.0, 6.0];
        assert_close(
            spearman(&x, &y).expect("defined"),
            0.9256265453136692,
            1e-12,
        );
    }

    #[test]
    fn spearman_negative_matches_scipy() {
        // scipy.stats.spearmanr([0.5, 2.1, -1.3, 4.4, 3.3, 0.0, 7.25],
        //                        [9.0, 1.5, 8.0, 2.5, 2.5, 7.0, -3.0]).statistic
        // == -0.7748062179181807
        let x = [0.5, 2.1, -1.3, 4.4, 3.3, 0.0, 7.25];
        let y = [9.0, 1.5, 8.0, 2.5, 2.5, 7.0, -3.0];
        assert_close(
            spearman(&x, &y).expect("defined"),
            -0.7748062179181807,
            1e-12,
        );
    }

    #[test]
    fn spearman_two_rows_is_plus_or_minus_one() {
        // scipy.stats.spearmanr([1, 2], [3, 1]).statistic == -0.9999999999999999
        assert_close(
            spearman(&[1.0, 2.0], &[3.0, 1.0]).expect("defined"),
            -0.9999999999999999,
            1e-15,
        );
        // scipy.stats.spearmanr([1, 2], [1, 3]).statistic == 0.9999999999999999
        assert_close(
            spearman(&[1.0, 2.0], &[1.0, 3.0]).expect("defined"),
            0.9999999999999999,
            1e-15,
        );
    }

    #[test]
    fn spearman_constant_or_short_is_none() {
        // scipy.stats.spearmanr([1, 2, 3], [4, 4, 4]).statistic is nan
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[4.0, 4.0, 4.0]), None);
        assert_eq!(spearman(&[7.0, 7.0], &[1.0, 2.0]), None);
        // scipy.stats.spearmanr([1], [3]).statistic is nan
        assert_eq!(spearman(&[1.0], &[3.0]), None);
        assert_eq!(spearman(&[], &[]), None);
    }

    #[test]
    fn pearson_matches_scipy() {
        // scipy.stats.pearsonr([1e9 + 1, 1e9 + 2, 1e9 + 4, 1e9 + 8], [3, 1, 4, 1]).statistic
        // == -0.34097520463683817
        let x = [1e9 + 1.0, 1e9 + 2.0, 1e9 + 4.0, 1e9 + 8.0];
        let y = [3.0, 1.0, 4.0, 1.0];
        assert_close(
            pearson(&x, &y).expect("defined"),
            -0.34097520463683817,
            1e-12,
        );
        assert_eq!(pearson(&[1.0, 1.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn many_tied_rows_match_scipy() {
        // i = np.arange(2000); x = ((i * 7919) % 1009).astype(float) - 500.0
        // y = ((i * i) % 101).astype(float) + 0.25 * (i % 3)
        // stats.spearmanr(x, y).statistic == 0.008334500758117142
        // stats.pearsonr(x, y).statistic == 0.0072804058599893265
        // stats.kendalltau(x[:300], y[:300]).statistic == -0.01668288067153497
        let x: Vec<f64> = (0..2000u64)
            .map(|i| ((i * 7919) % 1009) as f64 - 500.0)
            .collect();
        let y: Vec<f64> = (0..2000u64)
            .map(|i| ((i * i) % 101) as f64 + 0.25 * (i % 3) as f64)
            .collect();
        assert_close(
            spearman(&x, &y).expect("defined"),
            0.008334500758117142,
            1e-12,
        );
        assert_close(
            pearson(&x, &y).expect("defined"),
            0.0072804058599893265,
            1e-12,
        );
        assert_close(
            kendall_tau_b(&x[..300], &y[..300]).expect("defined"),
            -0.01668288067153497,
            1e-12,
        );
    }

    #[test]
    fn kendall_tau_b_ties_in_both_match_scipy() {
        // scipy.stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]).statistic
        // == -0.4714045207910316
        let t = kendall_tau_b(&[12.0, 2.0, 1.0, 12.0, 2.0], &[1.0, 4.0, 7.0, 1.0, 0.0]);
        assert_close(t.expect("defined"), -0.4714045207910316, 1e-12);
        // scipy.stats.kendalltau([1, 2, 2, 3, 4, 4, 4, 5], [2, 1, 3, 3, 5, 4, 4, 6]).statistic
        // == 0.8406728074767076
        let x = [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 4.0, 5.0];
        let y = [2.0, 1.0, 3.0, 3.0, 5.0, 4.0, 4.0, 6.0];
        assert_close(
            kendall_tau_b(&x, &y).expect("defined"),
            0.8406728074767076,
            1e-12,
        );
    }

    #[test]
    fn kendall_tau_b_degenerate() {
        // scipy.stats.kendalltau([1, 2], [2, 1]).statistic == -1.0
        assert_eq!(kendall_tau_b(&[1.0, 2.0], &[2.0, 1.0]), Some(-1.0));
        // scipy.stats.kendalltau([1, 2, 3], [5, 5, 5]).statistic is nan
        assert_eq!(kendall_tau_b(&[1.0, 2.0, 3.0], &[5.0, 5.0, 5.0]), None);
        assert_eq!(kendall_tau_b(&[1.0], &[3.0]), None);
    }

    #[test]
    fn correlation_ratio_by_definition() {
        // y = np.array([1.0, 2.0, 3.0, 4.0, 10.0, 11.5, 0.5]); g = np.array([7, 7, 3, 3, 9, 9, 7])
        // m = y.mean(); sst = ((y - m)**2).sum()
        // ssb = sum((g == k).sum() * (y[g == k].mean() - m)**2 for k in np.unique(g))
        // np.sqrt(ssb / sst) == 0.9879161316319828
        let codes = [7, 7, 3, 3, 9, 9, 7];
        let y = [1.0, 2.0, 3.0, 4.0, 10.0, 11.5, 0.5];
        assert_close(
            correlation_ratio(&codes, &y).expect("defined"),
            0.9879161316319828,
            1e-12,
        );
        // one category: no between-group variation
        assert_eq!(correlation_ratio(&[4, 4, 4], &[1.0, 2.0, 3.0]), Some(0.0));
        // groups that fully explain y
        assert_close(
            correlation_ratio(&[1, 2, 1, 2], &[5.0, -1.0, 5.0, -1.0]).expect("defined"),
            1.0,
            1e-15,
        );
    }

    #[test]
    fn correlation_ratio_constant_or_empty_is_none() {
        assert_eq!(correlation_ratio(&[1, 2, 3], &[2.0, 2.0, 2.0]), None);
        assert_eq!(correlation_ratio(&[], &[]), None);
    }

    #[test]
    fn auc_association_ties_match_sklearn() {
        // 2 * sklearn.metrics.roc_auc_score([1, 0, 1, 1, 0, 0, 1, 0],
        //                                   [0.9, 0.1, 0.4, 0.8, 0.65, 0.3, 0.65, 0.2]) - 1
        // == 0.8125
        let y = [true, false, true, true, false, false, true, false];
        let x = [0.9, 0.1, 0.4, 0.8, 0.65, 0.3, 0.65, 0.2];
        assert_close(
            auc_association(&y, &x).expect("both classes"),
            0.8125,
            1e-15,
        );
        // abs(2 * roc_auc_score([1, 0, 1, 0, 0, 1], [1, 3, 2, 2, 5, 1]) - 1)
        // == 0.8888888888888888  (AUC = 0.05555555555555556)
        let y = [true, false, true, false, false, true];
        let x = [1.0, 3.0, 2.0, 2.0, 5.0, 1.0];
        assert_close(
            auc_association(&y, &x).expect("both classes"),
            0.8888888888888888,
            1e-12,
        );
    }

    #[test]
    fn auc_association_perfect_separator_is_one() {
        // roc_auc_score([0, 0, 1, 1], [1, 2, 3, 4]) == 1.0 ; reversed scores -> 0.0
        let y = [false, false, true, true];
        assert_eq!(auc_association(&y, &[1.0, 2.0, 3.0, 4.0]), Some(1.0));
        assert_eq!(auc_association(&y, &[4.0, 3.0, 2.0, 1.0]), Some(1.0));
    }

    #[test]
    fn auc_association_one_class_is_none() {
        assert_eq!(auc_association(&[true, true], &[0.1, 0.2]), None);
        assert_eq!(auc_association(&[], &[]), None);
    }

    #[test]
    fn categorical_label_association_matches_sklearn() {
        // codes = [5, 5, 5, 2, 2, 8, 8, 8, 8, 2]; y = [1, 1, 0, 0, 0, 1, 0, 1, 1, 1]
        // (numpy arrays) rate = np.array([y[codes == c].mean() for c in codes])
        //      == [2/3, 2/3, 2/3, 1/3, 1/3, 3/4, 3/4, 3/4, 3/4, 1/3]
        // abs(2 * sklearn.metrics.roc_auc_score(y, rate) - 1) == 0.375
        let codes = [5, 5, 5, 2, 2, 8, 8, 8, 8, 2];
        let y = [
            true, true, false, false, false, true, false, true, true, true,
        ];
        let rate = category_positive_rate(&codes, &y);
        let third = 1.0 / 3.0;
        let expected = [
            2.0 * third,
            2.0 * third,
            2.0 * third,
            third,
            third,
            0.75,
            0.75,
            0.75,
            0.75,
            third,
        ];
        for (got, want) in rate.iter().zip(expected) {
            assert_close(*got, want, 1e-15);
        }
        assert_eq!(rate.len(), 10);
        assert_close(
            auc_association(&y, &rate).expect("both classes"),
            0.375,
            1e-12,
        );
        assert!(category_positive_rate(&[], &[]).is_empty());
    }

    #[test]
    fn category_that_determines_label_is_perfect() {
        let codes = [3, 9, 3, 9, 9];
        let y = [true, false, true, false, false];
        let rate = category_positive_rate(&codes, &y);
        assert_eq!(rate, vec![1.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(auc_association(&y, &rate), Some(1.0));
    }

    #[test]
    fn cramers_v_matches_scipy() {
        // scipy.stats.contingency.association(
        //     scipy.stats.contingency.crosstab(a, b).count, method="cramer")
        let a = [0, 0, 1, 1, 2, 2, 0, 1, 2, 0, 1, 2];
        let b = [5, 5, 6, 6, 7, 5, 5, 6, 7, 7, 6, 7];
        let v = cramers_v(&a, &b).expect("defined");
        crate::stats::assert_close(v, 0.7905694150420949, 1e-12);
        assert_eq!(cramers_v(&[1, 1, 1], &[0, 1, 2]), None);
    }
}
