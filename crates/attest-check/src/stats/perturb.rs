//! The deterministic perturbations of SPEC §3 "The model itself": uniform
//! draws from SplitMix64, Gaussian noise, the extreme values of a reference
//! feature, and Fisher–Yates permutations. The same numbers in the CLI and
//! the page, and in the Python oracle (`scripts/make_model_fixtures.py`,
//! written from SPEC with numpy).

use super::moments::{quantile_sorted, std_pop};

/// SplitMix64's golden-ratio increment.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// Draw `k` (0..4) of row `row` (0-based, file order), column `column`:
/// SplitMix64 of z = seed + (k′ + 1)·0x9E3779B97F4A7C15 (mod 2⁶⁴) with
/// k′ = (row·n_columns + column)·4 + k, mixed (z ^= z ≫ 30;
/// z ·= 0xBF58476D1CE4E5B9; z ^= z ≫ 27; z ·= 0x94D049BB133111EB;
/// z ^= z ≫ 31), as u = ((z ≫ 11) + 0.5)·2⁻⁵³ in (0, 1).
/// `column` may exceed `n_columns` (the permutation draws use
/// n_columns + j); the index arithmetic wraps, as numpy's uint64 does.
pub fn uniform(seed: u64, row: u64, column: u64, n_columns: u64, k: u64) -> f64 {
    let kp = row
        .wrapping_mul(n_columns)
        .wrapping_add(column)
        .wrapping_mul(4)
        .wrapping_add(k);
    let z = mix(seed.wrapping_add(kp.wrapping_add(1).wrapping_mul(GOLDEN)));
    ((z >> 11) as f64 + 0.5) * (-53f64).exp2()
}

/// SplitMix64's output function of a state z: z ^= z ≫ 30;
/// z ·= 0xBF58476D1CE4E5B9; z ^= z ≫ 27; z ·= 0x94D049BB133111EB;
/// z ^= z ≫ 31.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The next output of a SplitMix64 generator with state `state` (the
/// state advances by the golden-ratio increment, then is mixed).
pub(crate) fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GOLDEN);
    mix(*state)
}

/// The standard normal draw of row `row`, feature `column`: Box–Muller,
/// g = √(−2 ln u₀)·cos(2π u₁) with u₀, u₁ draws 0 and 1.
pub fn gaussian(seed: u64, row: u64, column: u64, n_columns: u64) -> f64 {
    let u0 = uniform(seed, row, column, n_columns, 0);
    let u1 = uniform(seed, row, column, n_columns, 1);
    (-2.0 * u0.ln()).sqrt() * (2.0 * std::f64::consts::PI * u1).cos()
}

/// A noisy value x′ = x + ε·std_ref·g, rounded half to even for an integer
/// input; a missing value (NaN) stays missing.
pub fn noisy(x: f64, epsilon: f64, std_ref: f64, g: f64, integer: bool) -> f64 {
    if x.is_nan() {
        return x;
    }
    let v = x + epsilon * std_ref * g;
    if integer {
        v.round_ties_even()
    } else {
        v
    }
}

/// The reference statistics the perturbations of a numeric feature use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReferenceSpread {
    /// Population standard deviation (numpy's `np.std`, ddof = 0).
    pub std: f64,
    /// Q(0.01), Q(0.99) (numpy's default linear quantiles).
    pub q01: f64,
    pub q99: f64,
    pub min: f64,
    pub max: f64,
    /// Q(0.75) − Q(0.25).
    pub iqr: f64,
}

impl ReferenceSpread {
    /// Of the finite values of a reference feature, **sorted**; `None` when
    /// there are none.
    pub fn of_sorted(sorted: &[f64]) -> Option<Self> {
        let q = |p| quantile_sorted(sorted, p);
        Some(Self {
            std: std_pop(sorted)?,
            q01: q(0.01)?,
            q99: q(0.99)?,
            min: *sorted.first()?,
            max: *sorted.last()?,
            iqr: q(0.75)? - q(0.25)?,
        })
    }

    /// The extreme recipes as (key, value): Q(0.01), Q(0.99), max + IQR,
    /// min − IQR.
    pub fn extremes(&self) -> [(&'static str, f64); 4] {
        [
            ("q01", self.q01),
            ("q99", self.q99),
            ("max+iqr", self.max + self.iqr),
            ("min-iqr", self.min - self.iqr),
        ]
    }
}

/// The permutation of repeat `repeat` (0..4) for the feature at index
/// `feature`: Fisher–Yates over 0..n from the last position down, swapping
/// position i with j = ⌊u·(i+1)⌋, u = draw `repeat` of row i, column
/// n_columns + feature. Returns the source row of every position.
pub fn permutation(seed: u64, n: usize, feature: u64, n_columns: u64, repeat: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let u = uniform(seed, i as u64, n_columns + feature, n_columns, repeat);
        let j = ((u * (i + 1) as f64).floor() as usize).min(i);
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_is_splitmix64() {
        // SplitMix64 with state 0: the first output is 0xE220A8397B1DCDAF
        // (the reference sequence of Vigna's splitmix64.c); draw k′ = 0 of
        // seed 0 is that output.
        let z: u64 = 0xE220_A839_7B1D_CDAF;
        let expected = ((z >> 11) as f64 + 0.5) * (-53f64).exp2();
        assert_eq!(uniform(0, 0, 0, 12, 0), expected);
        // k′ = (1·12 + 3)·4 + 2 = 62 is the 63rd output of the sequence.
        let mut state = 0u64;
        let mut out = 0;
        for _ in 0..63 {
            state = state.wrapping_add(GOLDEN);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            out = z ^ (z >> 31);
        }
        assert_eq!(
            uniform(0, 1, 3, 12, 2),
            ((out >> 11) as f64 + 0.5) * (-53f64).exp2()
        );
        let u = uniform(7, 5, 2, 3, 1);
        assert!(u > 0.0 && u < 1.0);
        // The generator form (the verdicts' bootstrap) is the same sequence.
        let mut state = 0u64;
        assert_eq!(next(&mut state), 0xE220_A839_7B1D_CDAF);
        assert_eq!((1..63).fold(0, |_, _| next(&mut state)), out);
    }

    #[test]
    fn noise_rounds_integers_half_to_even_and_keeps_missing() {
        assert_eq!(noisy(2.0, 0.5, 1.0, 1.0, true), 2.0);
        assert_eq!(noisy(3.0, 0.5, 1.0, 1.0, true), 4.0);
        assert_eq!(noisy(1.0, 0.1, 2.0, 0.5, false), 1.1);
        assert!(noisy(f64::NAN, 0.1, 2.0, 0.5, false).is_nan());
    }

    #[test]
    fn spread_as_numpy() {
        // np.std([1,2,3,4,10]) = 3.1622776601683795; quantiles linear.
        let s = ReferenceSpread::of_sorted(&[1.0, 2.0, 3.0, 4.0, 10.0]).expect("spread");
        assert!((s.std - 3.1622776601683795).abs() < 1e-15);
        assert!((s.q01 - 1.04).abs() < 1e-12);
        assert!((s.q99 - 9.76).abs() < 1e-12);
        assert_eq!(s.iqr, 2.0);
        assert_eq!(s.extremes()[2], ("max+iqr", 12.0));
        assert_eq!(ReferenceSpread::of_sorted(&[]), None);
    }

    #[test]
    fn permutation_is_a_permutation() {
        let p = permutation(0, 1000, 3, 12, 4);
        let mut sorted = p.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
        assert_ne!(p, (0..1000).collect::<Vec<_>>());
        assert_eq!(permutation(0, 1, 0, 1, 0), vec![0]);
        assert!(permutation(0, 0, 0, 1, 0).is_empty());
    }
}
