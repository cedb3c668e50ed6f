//! Label issues by confident learning (SPEC §3 "Label errors and
//! conflicting labels").
//!
//! Reference: `cleanlab.filter.find_label_issues(labels, pred_probs)` of
//! cleanlab 2.9 with every default (`filter_by="prune_by_noise_rate"`,
//! `frac_noise=1.0`, `min_examples_per_class=1`, no supplied confident
//! joint), which implements Northcutt, Jiang & Chuang, "Confident Learning:
//! Estimating Uncertainty in Dataset Labels", JAIR 70 (2021).
//!
//! The arithmetic follows numpy's where the result depends on it: class
//! means and matrix totals use numpy's pairwise summation, rounding is
//! half-to-even, float-to-count conversions truncate. The one place where
//! cleanlab's output is not a function of its input alone is the order of
//! exactly tied values inside `np.argsort` (numpy's default sort is not
//! stable, and which SIMD kernel it picks depends on the CPU); there this
//! module breaks ties as `np.argsort(..., kind="stable")` would, so it
//! agrees with cleanlab whenever no tie straddles a cut-off.

use std::cmp::Ordering;
use std::fmt;

/// cleanlab's `FLOATING_POINT_COMPARISON`: the slack on confident
/// thresholds, on the probability range check, and the boost the given
/// label gets in the final "the model agrees with the label" test.
const FUZZ: f64 = 1e-6;
/// cleanlab's `CONFIDENT_THRESHOLDS_LOWER_BOUND`.
const THRESHOLD_FLOOR: f64 = 2.0 * FUZZ;
/// Threshold of a class absent from the labels (cleanlab's `BIG_VALUE`):
/// no probability in range reaches it, so no row counts as confidently
/// belonging to that class.
const ABSENT_CLASS_THRESHOLD: f64 = 2.0;
/// cleanlab's `TINY_VALUE`, the floor of the calibration denominators.
const TINY: f64 = 1e-100;
/// cleanlab's default `min_examples_per_class`: classes with at most this
/// many rows are never pruned.
const MIN_EXAMPLES_PER_CLASS: usize = 1;
/// Most classes accepted: the method keeps a few `k × k` count matrices,
/// which past this size would cost more memory than the data itself.
pub const MAX_CLASSES: usize = 4096;

/// Why [`find_label_issues`] refused its input. Each variant is an input
/// cleanlab 2.9 rejects too (except [`LabelIssueError::NonFinite`], see
/// there).
#[derive(Debug, Clone, PartialEq)]
pub enum LabelIssueError {
    /// `probs.len()` is not `labels.len() * k`.
    ShapeMismatch {
        rows: usize,
        classes: usize,
        probs_len: usize,
    },
    /// No rows (cleanlab fails taking the minimum of an empty label array).
    NoRows,
    /// `k == 0`: no probability columns.
    NoClasses,
    /// `k` exceeds [`MAX_CLASSES`] (an Attest limit; cleanlab has none).
    TooManyClasses { classes: usize },
    /// A label is not a class index `0..k` (cleanlab: "pred_probs must have
    /// at least … columns").
    LabelOutOfRange {
        row: usize,
        label: u32,
        classes: usize,
    },
    /// Every row carries the same label and it is not class 0 (cleanlab:
    /// "Labels must contain at least 2 classes"; it lets the all-zero case
    /// through, and so does this module).
    SingleClass { label: u32 },
    /// A probability is NaN or infinite. cleanlab rejects infinities by its
    /// range check but lets NaN through into meaningless comparisons; the
    /// caller is expected to have dropped such rows, so both are refused.
    NonFinite { row: usize, class: usize },
    /// A probability lies outside `[-1e-6, 1 + 1e-6]` (cleanlab: "Values in
    /// pred_probs must be between 0 and 1"). Rows need not sum to 1:
    /// cleanlab does not check that, and neither does this module.
    ProbabilityOutOfRange {
        row: usize,
        class: usize,
        value: f64,
    },
}

impl fmt::Display for LabelIssueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ShapeMismatch {
                rows,
                classes,
                probs_len,
            } => write!(
                f,
                "label issues: expected {rows} rows x {classes} classes of probabilities, got {probs_len} values"
            ),
            Self::NoRows => write!(f, "label issues: no labelled rows"),
            Self::NoClasses => write!(f, "label issues: no classes (k = 0)"),
            Self::TooManyClasses { classes } => write!(
                f,
                "label issues: {classes} classes, more than the {MAX_CLASSES} supported"
            ),
            Self::LabelOutOfRange {
                row,
                label,
                classes,
            } => write!(
                f,
                "label issues: row {row} has label {label}, but there are only {classes} classes"
            ),
            Self::SingleClass { label } => write!(
                f,
                "label issues: every row has label {label}; at least 2 classes are needed"
            ),
            Self::NonFinite { row, class } => write!(
                f,
                "label issues: probability of class {class} in row {row} is not finite"
            ),
            Self::ProbabilityOutOfRange { row, class, value } => write!(
                f,
                "label issues: probability of class {class} in row {row} is {value}, outside [0, 1] (give or take 1e-6)"
            ),
        }
    }
}

impl std::error::Error for LabelIssueError {}

/// Rows whose given label is likely wrong, by confident learning pruned by
/// noise rate, as `cleanlab.filter.find_label_issues(labels, pred_probs)`
/// (cleanlab 2.9, defaults). `labels[i]` is the class index (`0..k`) of row
/// `i`; `probs` is row-major `n × k`, row `i` being `probs[i*k..(i+1)*k]`
/// (binary: `k = 2`, row `[1 - score, score]`). Returns one flag per row.
///
/// Definition, with `p[i][j]` the probability of class `j` for row `i` and
/// `y[i]` its label:
/// 1. Threshold `t[j]`: mean of `p[i][j]` over rows labelled `j` (2 for a
///    class absent from the labels), floored at `2e-6`.
/// 2. Confident joint `C[given][true]`: a row counts under `true = j` if
///    `p[i][j] >= t[j] - 1e-6` for exactly that one `j`, or under the argmax
///    of its row if several classes pass; rows passing none are not
///    counted. Diagonal floored at 1.
/// 3. Calibration: each row of `C` is rescaled to its class count, the whole
///    to `n`, and rounded to integers preserving row totals.
/// 4. Prune counts: for given class `c` and true class `j != c`, the number
///    to prune is `C[c][j]`; where calibration left `C[c][c]` at 0, it is
///    raised to 1 and the rise taken evenly from row `c`'s non-zero entries
///    (floored at 0, truncated to an integer).
/// 5. For each class `c` with more than one row and each `j != c`, flag the
///    prune-count rows labelled `c` with the largest margin `p[i][j] -
///    p[i][c]` (ties: earlier row first).
/// 6. Unflag every row whose label, with `1e-6` added to its probability,
///    is the (first) argmax of its row.
///
/// Input rules mirror cleanlab's: no rows, labels outside `0..k`, a single
/// label other than 0, and probabilities outside `[-1e-6, 1 + 1e-6]` are
/// errors (so are NaN, and more than [`MAX_CLASSES`] classes); rows need
/// not sum to 1; classes absent from the labels are allowed (they get no
/// flags); classes with one row are never flagged.
/// O(n·k) time plus a selection per (class, class) pair.
pub fn find_label_issues(
    labels: &[u32],
    probs: &[f64],
    k: usize,
) -> Result<Vec<bool>, LabelIssueError> {
    validate(labels, probs, k)?;
    let n = labels.len();
    let groups = ClassGroups::new(labels, k);

    let thresholds = confident_thresholds(&groups, probs, k);
    let joint = confident_joint(labels, probs, k, &thresholds);
    let calibrated = calibrate(&joint, &groups, k, n);
    let prune = prune_counts(&calibrated, k);

    let mut mask = vec![false; n];
    let mut keyed: Vec<(f64, usize)> = Vec::new();
    for c in 0..k {
        let rows = groups.rows(c);
        if rows.len() <= MIN_EXAMPLES_PER_CLASS {
            continue;
        }
        for j in (0..k).filter(|&j| j != c) {
            // Rows labelled c that most look like class j.
            let count = usize::try_from(prune[j * k + c]).unwrap_or(0);
            if count == 0 {
                continue;
            }
            if count >= rows.len() {
                rows.iter().for_each(|&r| mask[r as usize] = true);
                continue;
            }
            keyed.clear();
            keyed.extend(
                rows.iter()
                    .map(|&r| r as usize)
                    .map(|r| (probs[r * k + j] - probs[r * k + c], r)),
            );
            keyed.select_nth_unstable_by(count - 1, larger_margin_then_earlier);
            keyed[..count].iter().for_each(|&(_, r)| mask[r] = true);
        }
    }

    for (i, flag) in mask.iter_mut().enumerate() {
        if *flag && model_agrees(&probs[i * k..(i + 1) * k], labels[i] as usize) {
            *flag = false;
        }
    }
    Ok(mask)
}

/// Self-confidence of each row: the probability of its given label,
/// `probs[i*k + labels[i]]` (cleanlab's
/// `rank.get_self_confidence_for_each_label`).
/// NaN for a row whose label is not below `k` or whose probabilities are
/// missing from `probs`.
pub fn self_confidence(labels: &[u32], probs: &[f64], k: usize) -> Vec<f64> {
    labels
        .iter()
        .enumerate()
        .map(|(i, &label)| {
            let label = label as usize;
            if label >= k {
                return f64::NAN;
            }
            i.checked_mul(k)
                .and_then(|start| start.checked_add(label))
                .and_then(|at| probs.get(at))
                .copied()
                .unwrap_or(f64::NAN)
        })
        .collect()
}

/// The class the model finds most likely for one row of probabilities: the
/// index of the maximum, the first one on ties, as `numpy.argmax` (which
/// also returns the first NaN if there is one). 0 for an empty row.
pub fn likely_label(probs_row: &[f64]) -> u32 {
    if let Some(nan) = probs_row.iter().position(|p| p.is_nan()) {
        return nan as u32;
    }
    argmax(probs_row) as u32
}

fn validate(labels: &[u32], probs: &[f64], k: usize) -> Result<(), LabelIssueError> {
    let n = labels.len();
    if n.checked_mul(k) != Some(probs.len()) {
        return Err(LabelIssueError::ShapeMismatch {
            rows: n,
            classes: k,
            probs_len: probs.len(),
        });
    }
    if n == 0 {
        return Err(LabelIssueError::NoRows);
    }
    if k == 0 {
        return Err(LabelIssueError::NoClasses);
    }
    if k > MAX_CLASSES {
        return Err(LabelIssueError::TooManyClasses { classes: k });
    }
    if let Some((row, &label)) = labels.iter().enumerate().find(|&(_, &l)| l as usize >= k) {
        return Err(LabelIssueError::LabelOutOfRange {
            row,
            label,
            classes: k,
        });
    }
    let first = labels[0];
    if first != 0 && labels.iter().all(|&l| l == first) {
        return Err(LabelIssueError::SingleClass { label: first });
    }
    for (at, &p) in probs.iter().enumerate() {
        let (row, class) = (at / k, at % k);
        if !p.is_finite() {
            return Err(LabelIssueError::NonFinite { row, class });
        }
        if !(0.0 - FUZZ..=1.0 + FUZZ).contains(&p) {
            return Err(LabelIssueError::ProbabilityOutOfRange {
                row,
                class,
                value: p,
            });
        }
    }
    Ok(())
}

/// Row indices grouped by label, each group in row order (a counting sort).
struct ClassGroups {
    /// Row indices, class by class (u32: rows are below 2^32, as
    /// everywhere a row is kept by index).
    rows: Vec<u32>,
    starts: Vec<usize>,
}

impl ClassGroups {
    fn new(labels: &[u32], k: usize) -> Self {
        let mut starts = vec![0usize; k + 1];
        for &l in labels {
            starts[l as usize + 1] += 1;
        }
        for c in 0..k {
            starts[c + 1] += starts[c];
        }
        let mut next = starts.clone();
        debug_assert!(u32::try_from(labels.len()).is_ok());
        let mut rows = vec![0u32; labels.len()];
        for (i, &l) in labels.iter().enumerate() {
            let slot = &mut next[l as usize];
            rows[*slot] = i as u32;
            *slot += 1;
        }
        Self { rows, starts }
    }

    fn rows(&self, class: usize) -> &[u32] {
        &self.rows[self.starts[class]..self.starts[class + 1]]
    }

    fn count(&self, class: usize) -> usize {
        self.starts[class + 1] - self.starts[class]
    }
}

/// Per-class thresholds: the mean self-confidence of the rows labelled with
/// the class (cleanlab's `get_confident_thresholds`).
fn confident_thresholds(groups: &ClassGroups, probs: &[f64], k: usize) -> Vec<f64> {
    let mut values = Vec::new();
    (0..k)
        .map(|c| {
            let rows = groups.rows(c);
            let threshold = if rows.is_empty() {
                ABSENT_CLASS_THRESHOLD
            } else {
                values.clear();
                values.extend(rows.iter().map(|&r| probs[r as usize * k + c]));
                pairwise_sum(&values) / rows.len() as f64
            };
            threshold.max(THRESHOLD_FLOOR)
        })
        .collect()
}

/// Confident joint `C[given * k + true]` before calibration (cleanlab's
/// `compute_confident_joint` up to its `calibrate` step).
fn confident_joint(labels: &[u32], probs: &[f64], k: usize, thresholds: &[f64]) -> Vec<i64> {
    let cuts: Vec<f64> = thresholds.iter().map(|t| t - FUZZ).collect();
    let mut joint = vec![0i64; k * k];
    for (i, &label) in labels.iter().enumerate() {
        let row = &probs[i * k..(i + 1) * k];
        let mut passing = 0usize;
        let mut first_passing = 0usize;
        for (j, (&p, &cut)) in row.iter().zip(&cuts).enumerate() {
            if p >= cut {
                if passing == 0 {
                    first_passing = j;
                }
                passing += 1;
            }
        }
        let truth = match passing {
            0 => continue,
            1 => first_passing,
            _ => argmax(row),
        };
        joint[label as usize * k + truth] += 1;
    }
    for c in 0..k {
        let d = &mut joint[c * k + c];
        *d = (*d).max(1);
    }
    joint
}

/// Rescale each row of the joint to its class count and the whole to `n`,
/// then round preserving row totals (cleanlab's `calibrate_confident_joint`).
fn calibrate(joint: &[i64], groups: &ClassGroups, k: usize, n: usize) -> Vec<i64> {
    let mut scaled = vec![0f64; k * k];
    for given in 0..k {
        let row = &joint[given * k..(given + 1) * k];
        let total = (row.iter().sum::<i64>() as f64).max(TINY);
        let count = groups.count(given) as f64;
        for (out, &v) in scaled[given * k..(given + 1) * k].iter_mut().zip(row) {
            *out = v as f64 / total * count;
        }
    }
    // numpy sums the matrix in memory order, which here is column-major:
    // cleanlab's joint is the transpose of scikit-learn's confusion matrix.
    let column_major: Vec<f64> = (0..k)
        .flat_map(|truth| (0..k).map(move |given| (given, truth)))
        .map(|(given, truth)| scaled[given * k + truth])
        .collect();
    let total = pairwise_sum(&column_major).max(TINY);
    for v in &mut scaled {
        *v = *v / total * n as f64;
    }
    scaled.chunks(k).flat_map(round_preserving_sum).collect()
}

/// Round to integers so that they add up to the rounded sum: after rounding
/// each value half-to-even, the values with the largest (or, to go down,
/// smallest) rounding residue move by one (cleanlab's `round_preserving_sum`,
/// ties in the residue ordered as a stable `argsort`).
fn round_preserving_sum(floats: &[f64]) -> Vec<i64> {
    let len = floats.len();
    let mut ints: Vec<f64> = floats.iter().map(|x| x.round_ties_even()).collect();
    let target = pairwise_sum(floats).round_ties_even();
    let mut sum = pairwise_sum(&ints).round_ties_even();
    let mut order: Vec<usize> = Vec::with_capacity(len);
    let mut residue: Vec<f64> = Vec::with_capacity(len);
    // Each pass closes the gap by min(gap, len); the gap is at most about
    // len / 2, so one pass is the norm. The bound only guards against
    // non-integral sums that could never close.
    for _ in 0..len + 2 {
        if (sum - target).abs() <= FUZZ {
            break;
        }
        let diff = (target - sum).round_ties_even();
        let step = if diff < 0.0 { -1.0 } else { 1.0 };
        let changes = (diff.abs() as usize).min(len);
        residue.clear();
        residue.extend(floats.iter().zip(&ints).map(|(f, i)| f - i));
        order.clear();
        order.extend(0..len);
        order.sort_by(|&a, &b| {
            residue[a]
                .partial_cmp(&residue[b])
                .unwrap_or(Ordering::Equal)
        });
        if step > 0.0 {
            order.reverse();
        }
        for &i in &order[..changes] {
            ints[i] += step;
        }
        sum = pairwise_sum(&ints).round_ties_even();
    }
    ints.iter().map(|&v| v as i64).collect()
}

/// Prune counts `P[true * k + given]` from the calibrated joint: its
/// transpose with every diagonal raised to at least 1, the rise taken evenly
/// from the column's non-zero off-diagonal entries (floored at 0), then
/// truncated (cleanlab's `_keep_at_least_n_per_class` with `n = 1` and
/// `frac_noise = 1`, where `_reduce_prune_counts` changes nothing and the
/// final row-total rounding sees integers only).
fn prune_counts(calibrated: &[i64], k: usize) -> Vec<i64> {
    let at = |truth: usize, given: usize| calibrated[given * k + truth];
    let mut prune = vec![0i64; k * k];
    for given in 0..k {
        let diagonal = at(given, given);
        let raised = diagonal.max(MIN_EXAMPLES_PER_CLASS as i64);
        let rise = (raised - diagonal) as f64;
        let nonzero = (0..k).filter(|&t| at(t, given) != 0).count();
        let share = rise / (nonzero as f64 - 1.0).max(1.0);
        for truth in 0..k {
            prune[truth * k + given] = if truth == given {
                raised
            } else {
                let v = at(truth, given) as f64 - share;
                if v < 0.0 {
                    0
                } else {
                    v as i64
                }
            };
        }
    }
    prune
}

/// Order for pruning: larger margin first, then earlier row (a stable
/// `argsort` of the negated margin).
fn larger_margin_then_earlier(a: &(f64, usize), b: &(f64, usize)) -> Ordering {
    b.0.partial_cmp(&a.0)
        .unwrap_or(Ordering::Equal)
        .then(a.1.cmp(&b.1))
}

/// Whether the label, its probability raised by `1e-6`, is the first argmax
/// of the row (cleanlab's `_reduce_issues`): every earlier class strictly
/// below it, every later one at most equal.
fn model_agrees(row: &[f64], label: usize) -> bool {
    let boosted = row[label] + FUZZ;
    row[..label].iter().all(|&p| p < boosted) && row[label + 1..].iter().all(|&p| p <= boosted)
}

/// Index of the first maximum (NaN-free input).
fn argmax(row: &[f64]) -> usize {
    let mut best = 0usize;
    for (j, &p) in row.iter().enumerate().skip(1) {
        if p > row[best] {
            best = j;
        }
    }
    best
}

/// numpy's pairwise summation of a float64 array (`np.sum`, `np.mean`):
/// plain loop below 8 values, eight interleaved partial sums up to 128,
/// halving (at a multiple of 8) above. Bit-identical to numpy's reduction.
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        a.iter().fold(0.0, |acc, &v| acc + v)
    } else if n <= 128 {
        let mut r = [0f64; 8];
        r.copy_from_slice(&a[..8]);
        let blocked = n - n % 8;
        for block in a[8..blocked].chunks_exact(8) {
            for (acc, &v) in r.iter_mut().zip(block) {
                *acc += v;
            }
        }
        let head = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        a[blocked..].iter().fold(head, |acc, &v| acc + v)
    } else {
        let half = n / 2;
        let half = half - half % 8;
        pairwise_sum(&a[..half]) + pairwise_sum(&a[half..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(rows: &[[f64; 2]]) -> Vec<f64> {
        rows.iter().flatten().copied().collect()
    }

    #[test]
    fn pairwise_sum_matches_numpy() {
        // np.sum(np.array([0.1] * 10)) == 1.0 (a plain loop gives 0.9999999999999999)
        assert_eq!(pairwise_sum(&[0.1; 10]), 1.0);
        // np.sum(np.array([0.1] * 200)) == 20.0 (plain: 20.000000000000014)
        assert_eq!(pairwise_sum(&[0.1; 200]), 20.0);
        // np.sum(np.arange(1, 138) / 7.0) == 1350.4285714285716
        let v: Vec<f64> = (1..138).map(|i| i as f64 / 7.0).collect();
        assert_eq!(pairwise_sum(&v), 1350.4285714285716);
        assert_eq!(pairwise_sum(&[]), 0.0);
    }

    #[test]
    fn rounding_preserves_the_total() {
        // 0.5 and 2.5 round to even (0, 2); the total 4.0 needs one more,
        // given to the largest residue, the later one on a tie.
        assert_eq!(round_preserving_sum(&[0.5, 2.5, 1.0]), vec![0, 3, 1]);
        assert_eq!(round_preserving_sum(&[0.5, 0.5, 3.0]), vec![0, 1, 3]);
        assert_eq!(round_preserving_sum(&[1.4, 1.4, 1.2]), vec![1, 2, 1]);
        assert_eq!(round_preserving_sum(&[2.0, 3.0]), vec![2, 3]);
    }

    #[test]
    fn flags_a_confidently_flipped_row() {
        // cleanlab: labels [0,0,0,1], probs as below -> [F, T, F, F]
        let probs = flat(&[[0.9, 0.1], [0.2, 0.8], [0.5, 0.5], [0.9, 0.1]]);
        let mask = find_label_issues(&[0, 0, 0, 1], &probs, 2);
        assert_eq!(mask, Ok(vec![false, true, false, false]));
    }

    #[test]
    fn rows_need_not_sum_to_one() {
        // cleanlab -> [F, F, T, F, F, F]
        let probs = flat(&[
            [0.9, 0.9],
            [0.2, 0.3],
            [0.5, 0.1],
            [0.1, 0.1],
            [0.9, 0.9],
            [0.3, 0.0],
        ]);
        let mask = find_label_issues(&[0, 1, 1, 0, 1, 0], &probs, 2);
        assert_eq!(mask, Ok(vec![false, false, true, false, false, false]));
    }

    #[test]
    fn clean_binary_data_has_no_issues() {
        let labels = [0, 0, 0, 1, 1, 1];
        let probs = flat(&[
            [0.9, 0.1],
            [0.8, 0.2],
            [0.7, 0.3],
            [0.1, 0.9],
            [0.2, 0.8],
            [0.3, 0.7],
        ]);
        assert_eq!(find_label_issues(&labels, &probs, 2), Ok(vec![false; 6]));
    }

    #[test]
    fn ties_prefer_earlier_rows() {
        // Rows 0 and 1 (label 0) share the margin p1 - p0 = 0.5; only row 1
        // is confidently class 1, so one row of class 0 is pruned, and the
        // tie goes to the earlier row whichever of the two comes first
        // (cleanlab with a stable argsort; numpy's default agrees here).
        let rows = [
            [0.0, 0.5, 0.5],
            [0.25, 0.75, 0.0],
            [1.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [0.0, 0.75, 0.25],
            [0.0, 0.75, 0.25],
            [0.0, 0.75, 0.25],
            [0.0, 0.0, 1.0],
            [0.0, 0.0, 1.0],
            [0.0, 0.0, 1.0],
        ];
        let labels = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
        let mut expected = vec![false; 11];
        expected[0] = true;
        let probs: Vec<f64> = rows.iter().flatten().copied().collect();
        assert_eq!(find_label_issues(&labels, &probs, 3), Ok(expected.clone()));
        let swapped: Vec<f64> = [rows[1], rows[0]]
            .iter()
            .chain(&rows[2..])
            .flatten()
            .copied()
            .collect();
        assert_eq!(find_label_issues(&labels, &swapped, 3), Ok(expected));
    }

    #[test]
    fn absent_class_is_allowed_and_never_flagged() {
        // cleanlab (class 2 absent) -> all False
        let labels = [0, 1, 0, 1, 0, 1];
        let probs = [
            0.9, 0.05, 0.05, 0.2, 0.7, 0.1, 0.1, 0.2, 0.7, 0.1, 0.8, 0.1, 0.6, 0.1, 0.3, 0.5, 0.2,
            0.3,
        ];
        assert_eq!(find_label_issues(&labels, &probs, 3), Ok(vec![false; 6]));
    }

    #[test]
    fn all_zero_labels_are_accepted_like_cleanlab() {
        assert_eq!(
            find_label_issues(&[0, 0, 0], &[1.0, 1.0, 0.3], 1),
            Ok(vec![false; 3])
        );
        let probs = flat(&[[0.9, 0.1], [0.2, 0.8], [0.5, 0.5], [0.1, 0.9]]);
        assert_eq!(
            find_label_issues(&[0, 0, 0, 0], &probs, 2),
            Ok(vec![false; 4])
        );
    }

    #[test]
    fn rejects_what_cleanlab_rejects() {
        use LabelIssueError as E;
        assert_eq!(find_label_issues(&[], &[], 2), Err(E::NoRows));
        assert_eq!(find_label_issues(&[0], &[], 0), Err(E::NoClasses));
        let wide = MAX_CLASSES + 1;
        assert_eq!(
            find_label_issues(&[0], &vec![0.0; wide], wide),
            Err(E::TooManyClasses { classes: wide })
        );
        assert!(matches!(
            find_label_issues(&[0, 1], &[0.5; 3], 2),
            Err(E::ShapeMismatch { .. })
        ));
        assert!(matches!(
            find_label_issues(&[0, 1], &[0.5; 4], usize::MAX),
            Err(E::ShapeMismatch { .. })
        ));
        assert_eq!(
            find_label_issues(&[0, 2], &[0.5; 4], 2),
            Err(E::LabelOutOfRange {
                row: 1,
                label: 2,
                classes: 2
            })
        );
        assert_eq!(
            find_label_issues(&[1, 1], &[0.5; 4], 2),
            Err(E::SingleClass { label: 1 })
        );
        assert_eq!(
            find_label_issues(&[0, 1], &[0.5, 0.5, -0.1, 1.1], 2),
            Err(E::ProbabilityOutOfRange {
                row: 1,
                class: 0,
                value: -0.1
            })
        );
        assert_eq!(
            find_label_issues(&[0, 1], &[0.5, f64::NAN, 0.5, 0.5], 2),
            Err(E::NonFinite { row: 0, class: 1 })
        );
        // within cleanlab's 1e-6 slack
        assert!(find_label_issues(&[0, 1, 1], &[0.9, 0.1, 0.2, 1.0 + 5e-7, 0.5, 0.5], 2).is_ok());
        assert!(!E::NoRows.to_string().is_empty());
    }

    #[test]
    fn evidence_helpers() {
        let probs = [0.2, 0.8, 0.6, 0.4];
        assert_eq!(self_confidence(&[1, 1], &probs, 2), vec![0.8, 0.4]);
        let odd = self_confidence(&[5, 0, 0], &probs, 2);
        assert!(odd[0].is_nan() && odd[1] == 0.6 && odd[2].is_nan());
        assert_eq!(likely_label(&[0.2, 0.5, 0.5]), 1);
        assert_eq!(likely_label(&[0.2, f64::NAN, 0.9]), 1);
        assert_eq!(likely_label(&[]), 0);
    }

    #[test]
    fn a_class_without_confident_rows() {
        // Class 2 is labelled but no row gives it any probability: no row
        // is confidently of class 2. Masks from cleanlab 2.9.0:
        // find_label_issues(labels, pred_probs).
        let labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 0, 1, 0, 1];
        let rows: [[f64; 3]; 15] = [
            [0.9, 0.1, 0.0],
            [0.8, 0.2, 0.0],
            [0.15, 0.85, 0.0],
            [0.7, 0.3, 0.0],
            [0.2, 0.8, 0.0],
            [0.1, 0.9, 0.0],
            [0.95, 0.05, 0.0],
            [0.3, 0.7, 0.0],
            [0.1, 0.9, 0.0],
            [0.6, 0.4, 0.0],
            [0.3, 0.7, 0.0],
            [0.85, 0.15, 0.0],
            [0.25, 0.75, 0.0],
            [0.9, 0.1, 0.0],
            [0.35, 0.65, 0.0],
        ];
        let probs: Vec<f64> = rows.iter().flatten().copied().collect();
        let want = [0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0];
        let got = find_label_issues(&labels, &probs, 3).expect("runs");
        assert_eq!(got.iter().map(|&f| u8::from(f)).collect::<Vec<_>>(), want);
        // and when every row of class 2 sits between the others: none flagged
        let labels = [0, 0, 0, 1, 1, 1, 2, 2, 0, 1];
        let rows: [[f64; 3]; 10] = [
            [0.9, 0.1, 0.0],
            [0.8, 0.2, 0.0],
            [0.3, 0.7, 0.0],
            [0.2, 0.8, 0.0],
            [0.1, 0.9, 0.0],
            [0.6, 0.4, 0.0],
            [0.5, 0.5, 0.0],
            [0.4, 0.6, 0.0],
            [0.7, 0.3, 0.0],
            [0.05, 0.95, 0.0],
        ];
        let probs: Vec<f64> = rows.iter().flatten().copied().collect();
        let got = find_label_issues(&labels, &probs, 3).expect("runs");
        assert!(got.iter().all(|&f| !f), "{got:?}");
    }
}
