//! Label quality (SPEC §3 "Label errors and conflicting labels").

/// `conflicting_label_share`: the rows in groups of identical feature
/// tuples (equal `tuple` hashes) that hold two or more distinct labels,
/// over the rows with a label. `rows` holds (tuple hash, label key) of each
/// row with a non-null label, the label compared by its key (its value).
/// `None` for no labelled row. One sort, one walk.
pub fn conflicting_label_share(mut rows: Vec<(u64, u64)>) -> Option<f64> {
    if rows.is_empty() {
        return None;
    }
    radsort::sort_by_key(&mut rows, |r| r.0);
    let mut conflicting = 0usize;
    let mut start = 0usize;
    while start < rows.len() {
        let tuple = rows[start].0;
        let end = start + rows[start..].partition_point(|r| r.0 == tuple);
        let first = rows[start].1;
        if rows[start..end].iter().any(|r| r.1 != first) {
            conflicting += end - start;
        }
        start = end;
    }
    Some(conflicting as f64 / rows.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_with_two_labels_count_whole() {
        // tuple 1: labels 0, 1, 0 (3 rows conflict); tuple 2: 1, 1; tuple 3: 0
        let rows = vec![(1, 0), (2, 1), (1, 1), (3, 0), (2, 1), (1, 0)];
        assert_eq!(conflicting_label_share(rows), Some(0.5));
        assert_eq!(conflicting_label_share(vec![(5, 1), (6, 2)]), Some(0.0));
        assert_eq!(conflicting_label_share(Vec::new()), None);
    }
}
