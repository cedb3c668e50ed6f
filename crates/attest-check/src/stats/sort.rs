//! Sorting, as the statistics need their numbers sorted.
//!
//! Every sort here is the standard library's unstable sort (pattern-defeating
//! quicksort, in place, no scratch buffer) of plain integers, and is used
//! only where two elements that compare equal are the same bits, so the
//! result is the one a stable sort gives. Chosen by measurement (issue 13):
//! on an AMD EPYC machine of this kind it sorts 1M 64-bit words in 22–28 ms,
//! the radix sort used before (`radsort`, eight byte passes and a scratch
//! copy of the input) in 53–72 ms; 10M words 254–318 ms against 545–672 ms.
//! Floats are sorted as their order keys ([`order_key`]).

/// The IEEE 754 total order of a float as an unsigned integer (−0.0 before
/// 0.0; a NaN with its sign bit set first, any other NaN last): a < b ⇔
/// `order_key(a) < order_key(b)` for the non-NaN values, the order of
/// `f64::total_cmp`.
pub fn order_key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

/// The float whose [`order_key`] this is (its inverse).
pub fn from_order_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Integers ascending (equal ones are indistinguishable, so this is also
/// the stable order); or (key, row) pairs made in row order: each pair is
/// distinct, so this is the order of a stable sort by key (rows ascending
/// among equal keys).
pub fn sort_words<T: Ord + Copy>(v: &mut [T]) {
    v.sort_unstable();
}

/// Floats ascending in `f64::total_cmp` order (−0.0 before 0.0), bit for
/// bit the order of `v.sort_by(f64::total_cmp)`: each float becomes its
/// [`order_key`] in place (the vector's buffer is reused), the keys are
/// sorted, and turned back.
pub fn sort_floats(v: &mut Vec<f64>) {
    let mut keys: Vec<u64> = std::mem::take(v).into_iter().map(order_key).collect();
    keys.sort_unstable();
    *v = keys.into_iter().map(from_order_key).collect();
}

/// The indices of `p` in ascending `f64::total_cmp` order of their
/// values, NaN (of either sign) last, equal values in index order: the
/// order of a stable `sort_by` on the indices, made with the one integer
/// sort every caller shares (std's stable sort costs several KB of the
/// page's download for each type it is used with).
pub fn order_of_floats(p: &[f64]) -> Vec<usize> {
    let mut keyed: Vec<(u64, u32)> = p
        .iter()
        .enumerate()
        .map(|(i, &v)| (if v.is_nan() { u64::MAX } else { order_key(v) }, i as u32))
        .collect();
    sort_words(&mut keyed);
    keyed.into_iter().map(|(_, i)| i as usize).collect()
}

/// Exactly `v.sort_by(|a, b| key(a).total_cmp(&key(b)))` (stable; reversed
/// comparison when `descending`), made with the shared integer sort: each
/// element's key is its [`order_key`] (inverted for descending), its
/// position breaks ties, and the elements are moved into that order.
pub fn sort_by_float<T>(v: &mut Vec<T>, key: impl Fn(&T) -> f64, descending: bool) {
    let mut keyed: Vec<(u64, u32)> = v
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let k = order_key(key(x));
            (if descending { !k } else { k }, i as u32)
        })
        .collect();
    sort_words(&mut keyed);
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(keyed.iter().filter_map(|&(_, i)| slots[i as usize].take()));
}

/// Exactly `run.sort_by_key(|&r| key(r))` for row numbers (stable), made
/// with the shared integer sort: (key, position) pairs.
pub fn sort_rows_by_key(run: &mut [u32], key: impl Fn(u32) -> u64) {
    let mut keyed: Vec<(u64, u32)> = run
        .iter()
        .enumerate()
        .map(|(i, &r)| (key(r), i as u32))
        .collect();
    sort_words(&mut keyed);
    let old = run.to_vec();
    for (slot, (_, i)) in run.iter_mut().zip(keyed) {
        *slot = old[i as usize];
    }
}

/// An `i64` as a `u64` in the same order (for [`sort_rows_by_key`]).
pub fn i64_order_key(v: i64) -> u64 {
    (v as u64) ^ (1 << 63)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 11
    }

    #[test]
    fn sorting_by_a_float_key_is_std_s_stable_sort() {
        let mut seed = 7;
        let v: Vec<(f64, u32)> = (0..2000u32)
            .map(|i| {
                let k = (lcg(&mut seed) % 40) as f64 - 20.0;
                (
                    if i % 97 == 0 {
                        -0.0
                    } else if i % 89 == 0 {
                        f64::NAN
                    } else {
                        k
                    },
                    i,
                )
            })
            .collect();
        for descending in [false, true] {
            let mut want = v.clone();
            if descending {
                want.sort_by(|a, b| b.0.total_cmp(&a.0));
            } else {
                want.sort_by(|a, b| a.0.total_cmp(&b.0));
            }
            let mut got = v.clone();
            sort_by_float(&mut got, |x| x.0, descending);
            let bits =
                |w: &[(f64, u32)]| w.iter().map(|x| (x.0.to_bits(), x.1)).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "descending {descending}");
        }
    }

    #[test]
    fn sorting_rows_by_a_key_is_std_s_stable_sort() {
        let mut seed = 11;
        let t: Vec<i64> = (0..3000)
            .map(|_| (lcg(&mut seed) % 50) as i64 - 25)
            .collect();
        let mut rows: Vec<u32> = (0..3000u32).rev().collect();
        let mut want = rows.clone();
        want.sort_by_key(|&r| t[r as usize]);
        sort_rows_by_key(&mut rows, |r| i64_order_key(t[r as usize]));
        assert_eq!(rows, want);
        assert!(
            i64_order_key(i64::MIN) < i64_order_key(-1) && i64_order_key(-1) < i64_order_key(0)
        );
    }

    #[test]
    fn float_order_is_a_stable_sort_nan_last() {
        let p = [0.3, f64::NAN, -0.0, 0.1, 0.3, -f64::NAN, 0.0, f64::INFINITY];
        let mut want: Vec<usize> = (0..p.len()).collect();
        want.sort_by(|&i, &j| match (p[i].is_nan(), p[j].is_nan()) {
            (false, false) => p[i].total_cmp(&p[j]),
            (a, b) => a.cmp(&b),
        });
        assert_eq!(order_of_floats(&p), want);
    }

    #[test]
    fn floats_sort_in_total_order_bit_for_bit() {
        let mut seed = 7;
        let mut v: Vec<f64> = (0..5000)
            .map(|i| match i % 11 {
                0 => 0.0,
                1 => -0.0,
                2 => f64::INFINITY,
                3 => f64::NEG_INFINITY,
                4 => f64::MIN_POSITIVE / 4.0,
                5 => -f64::MIN_POSITIVE / 4.0,
                6 => (lcg(&mut seed) % 7) as f64,
                _ => (lcg(&mut seed) as f64 / (1u64 << 53) as f64 - 0.5) * 1e6,
            })
            .collect();
        let mut expected = v.clone();
        expected.sort_by(f64::total_cmp);
        let ptr = v.as_ptr();
        sort_floats(&mut v);
        assert!(v
            .iter()
            .zip(&expected)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(v.len(), expected.len());
        assert_eq!(v.as_ptr(), ptr, "sorted in the same buffer");
        for x in [0.0, -0.0, 1.5, -1.5, f64::INFINITY, f64::MIN, f64::NAN] {
            assert_eq!(from_order_key(order_key(x)).to_bits(), x.to_bits());
        }
        assert!(order_key(-0.0) < order_key(0.0));
        assert!(order_key(f64::NEG_INFINITY) < order_key(f64::MIN));
    }

    #[test]
    fn keyed_rows_keep_row_order_among_equal_keys() {
        let mut seed = 3;
        let mut v: Vec<(u64, u32)> = (0..3000u32).map(|r| (lcg(&mut seed) % 50, r)).collect();
        let mut expected = v.clone();
        expected.sort_by_key(|p| p.0); // stable
        sort_words(&mut v);
        assert_eq!(v, expected);
        let mut w: Vec<i64> = (0..1000)
            .map(|_| lcg(&mut seed) as i64 % 100 - 50)
            .collect();
        let mut e = w.clone();
        e.sort();
        sort_words(&mut w);
        assert_eq!(w, e);
    }
}

/// The stable order of `n` items by `cmp` (a bottom-up merge sort of their
/// indices): the order `sort_by(cmp)` gives, with one instantiation for
/// every caller — std's stable sort costs several KB of the page's download
/// for each type and comparator it is used with.
pub fn stable_order(n: usize, cmp: &dyn Fn(usize, usize) -> std::cmp::Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    let mut buf = idx.clone();
    let mut width = 1;
    while width < n {
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let end = (i + 2 * width).min(n);
            let (mut a, mut b, mut k) = (i, mid, i);
            while a < mid && b < end {
                // Only a strictly smaller right element goes first: stable.
                if cmp(idx[b], idx[a]) == std::cmp::Ordering::Less {
                    buf[k] = idx[b];
                    b += 1;
                } else {
                    buf[k] = idx[a];
                    a += 1;
                }
                k += 1;
            }
            buf[k..k + mid - a].copy_from_slice(&idx[a..mid]);
            k += mid - a;
            buf[k..k + end - b].copy_from_slice(&idx[b..end]);
            i += 2 * width;
        }
        std::mem::swap(&mut idx, &mut buf);
        width *= 2;
    }
    idx
}

/// Exactly `v.sort_by(cmp)` (stable), made with [`stable_order`]: the
/// elements are moved into that order in place, cycle by cycle.
pub fn sort_stable_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    let order = stable_order(v.len(), &|a, b| cmp(&v[a], &v[b]));
    let mut done = vec![false; v.len()];
    for start in 0..v.len() {
        if done[start] {
            continue;
        }
        let mut k = start;
        loop {
            done[k] = true;
            let src = order[k];
            if src == start {
                break;
            }
            v.swap(k, src);
            k = src;
        }
    }
}

#[cfg(test)]
mod stable_tests {
    use super::*;

    #[test]
    fn sort_stable_by_is_std_sort_by() {
        // Many ties, several lengths (powers of two and not), both directions.
        let mut seed = 7u64;
        for n in [0usize, 1, 2, 3, 7, 8, 9, 31, 64, 100, 257] {
            let v: Vec<(u8, usize)> = (0..n)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            for desc in [false, true] {
                let cmp = |a: &(u8, usize), b: &(u8, usize)| {
                    if desc {
                        b.0.cmp(&a.0)
                    } else {
                        a.0.cmp(&b.0)
                    }
                };
                let mut want = v.clone();
                want.sort_by(cmp);
                let mut got = v.clone();
                sort_stable_by(&mut got, cmp);
                assert_eq!(got, want, "n = {n}, descending = {desc}");
            }
        }
    }
}
