//! Label quality (SPEC §3 "Label errors and conflicting labels").

use super::association::order_by_key;

/// `conflicting_label_share`: the rows in groups of identical feature
/// tuples (equal `tuples` hashes, one a row) that hold two or more distinct
/// labels, over the rows with a label. `label(row)` is the row's label key
/// (its value), `None` for a null label (the row is left out). `None` for
/// no labelled row. One sort of the rows by tuple (8 bytes a row), one walk.
pub fn conflicting_label_share(
    tuples: &[u64],
    label: impl Fn(usize) -> Option<u64>,
) -> Option<f64> {
    let order = order_by_key(tuples.len(), |i| label(i).map(|_| tuples[i]));
    if order.is_empty() {
        return None;
    }
    let (tuple, key) = (
        |k: usize| tuples[order[k] as usize],
        |k: usize| label(order[k] as usize),
    );
    let mut conflicting = 0usize;
    let mut start = 0usize;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && tuple(end) == tuple(start) {
            end += 1;
        }
        let first = key(start);
        if (start + 1..end).any(|k| key(k) != first) {
            conflicting += end - start;
        }
        start = end;
    }
    Some(conflicting as f64 / order.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_with_two_labels_count_whole() {
        // tuple 1: labels 0, 1, 0 (3 rows conflict); tuple 2: 1, 1; tuple 3: 0
        let share = |rows: &[(u64, Option<u64>)]| {
            let tuples: Vec<u64> = rows.iter().map(|r| r.0).collect();
            conflicting_label_share(&tuples, |i| rows[i].1)
        };
        let rows = [
            (1, Some(0)),
            (2, Some(1)),
            (1, Some(1)),
            (3, Some(0)),
            (2, Some(1)),
            (1, Some(0)),
        ];
        assert_eq!(share(&rows), Some(0.5));
        assert_eq!(share(&[(5, Some(1)), (6, Some(2))]), Some(0.0));
        assert_eq!(share(&[]), None);
        // a row without a label is in no group: tuple 4's other label is gone
        assert_eq!(share(&[(4, Some(1)), (4, None), (7, Some(0))]), Some(0.0));
        assert_eq!(share(&[(4, None)]), None);
        // tuples that differ only in their low bits are separate groups
        assert_eq!(
            share(&[(8 << 40, Some(0)), ((8 << 40) + 1, Some(1))]),
            Some(0.0)
        );
    }
}
