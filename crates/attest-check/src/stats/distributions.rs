//! Distribution functions for the hypothesis tests: the standard normal tail,
//! the regularized incomplete beta function, Student's t and the binomial
//! CDF.
//!
//! Why not the `statrs` crate: statrs computes with std's `f64::exp` / `ln`,
//! which call the platform's math library — glibc natively, musl's libm port
//! in wasm32 — and the two differ in the last bits for some arguments. A
//! report must be byte-identical whether the CLI or the browser computed it
//! (reproduction, DESIGN.md), so every transcendental function here goes
//! through the `libm` crate (see [`super::math`]) and the p-values come out
//! the same on every target.

use super::math::Det;
use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// Upper tail of the standard normal distribution, P(Z > z) =
/// erfc(z/√2)/2, as `scipy.stats.norm.sf(z)`. Accurate in the far tail
/// (no 1 − Φ cancellation). NaN for NaN.
pub fn normal_sf(z: f64) -> f64 {
    0.5 * libm::erfc(z * FRAC_1_SQRT_2)
}

/// Two-sided normal p-value P(|Z| ≥ |z|) = 2·sf(|z|) = erfc(|z|/√2), as
/// `2 * scipy.stats.norm.sf(abs(z))`, without cancellation. NaN for NaN.
pub fn normal_two_sided_p(z: f64) -> f64 {
    libm::erfc(z.abs() * FRAC_1_SQRT_2)
}

/// Regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), as
/// `scipy.special.betainc(a, b, x)`. A continued fraction evaluated by the
/// modified Lentz method (Numerical Recipes, 3rd ed., §6.4), on I_x(a, b)
/// below the switch point and on 1 − I_{1−x}(b, a) above it: Numerical
/// Recipes' fraction (switch at x = (a+1)/(a+b+2)) when both parameters
/// are small, else the equivalent fraction of DiDonato & Morris (TOMS 708
/// `bfrac`; switch at the mean a/(a+b)), which does not cancel when a is
/// large and x near 1. The prefactor x^a (1−x)^b / B(a, b) uses
/// `libm::lgamma` for small parameters and Stirling's series for large
/// ones (as TOMS 708's `brcomp`). Relative error about 1e-14 for a, b up
/// to 10⁵ and below 1e-12 up to 10⁷ (where rounding a + b already costs
/// that much). NaN for NaN, a ≤ 0, b ≤ 0, infinite a or b, or x outside
/// [0, 1].
pub fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    beta_inc_xy(a, b, x, 1.0 - x)
}

/// [`beta_inc`] with y = 1 − x given by the caller, who often knows it more
/// accurately than `1.0 - x` (x near 1).
fn beta_inc_xy(a: f64, b: f64, x: f64, y: f64) -> f64 {
    if a.is_nan() || b.is_nan() || x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if a <= 0.0 || b <= 0.0 || a.is_infinite() || b.is_infinite() {
        return f64::NAN;
    }
    if !(0.0..=1.0).contains(&x) || !(0.0..=1.0).contains(&y) {
        return f64::NAN;
    }
    if x == 0.0 {
        return 0.0;
    }
    if y == 0.0 {
        return 1.0;
    }
    let value = if a.min(b) > 1.0 || a.max(b) >= 15.0 {
        // Evaluate on the side of the mean where the fraction converges.
        if lambda(a, b, x, y) >= 0.0 {
            power_terms(a, b, x, y) / beta_cf_dm(a, b, x, y)
        } else {
            1.0 - power_terms(b, a, y, x) / beta_cf_dm(b, a, y, x)
        }
    } else if x < (a + 1.0) / (a + b + 2.0) {
        power_terms(a, b, x, y) * beta_cf(a, b, x, y) / a
    } else {
        1.0 - power_terms(b, a, y, x) * beta_cf(b, a, y, x) / b
    };
    value.clamp(0.0, 1.0)
}

/// λ = a − (a+b)·x = (a+b)·y − b, with one rounding from whichever of x, y
/// is the accurate one.
fn lambda(a: f64, b: f64, x: f64, y: f64) -> f64 {
    if x <= 0.5 {
        libm::fma(-(a + b), x, a)
    } else {
        libm::fma(a + b, y, -b)
    }
}

/// The continued fraction F of DiDonato & Morris (TOMS 708 `bfrac`, Boost's
/// `ibeta_fraction2`) with I_x(a, b) = x^a y^b / B(a, b) / F, by modified
/// Lentz, for x ≤ a/(a+b) (λ ≥ 0). Its terms contain λ = a − (a+b)x, taken
/// with one rounding from x or y, where Numerical Recipes' fraction
/// computes 1 − x·(…) ≈ 0 at every other step and loses about log₁₀(a)
/// digits when a is large and x near 1 (the t distribution with large df).
fn beta_cf_dm(a: f64, b: f64, x: f64, y: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let fix = |v: f64| if v.abs() < TINY { TINY } else { v };
    let lam = lambda(a, b, x, y);
    let one_plus_y = 1.0 + y;
    let mut f = fix(a * (lam + 1.0) / (a + 1.0));
    let mut c = f;
    let mut d = 0.0f64;
    let max_iter = 10_000 + (10.0 * a.max(b).sqrt()).min(1e8) as u64;
    for m in 1..=max_iter {
        let m = m as f64;
        let den = a + 2.0 * m - 1.0;
        let an = (a + m - 1.0) * (a + b + m - 1.0) * m * (b - m) * x * x / (den * den);
        let bn = m
            + m * (b - m) * x / den
            + (a + m) * (lam + 1.0 + m * one_plus_y) / (a + 2.0 * m + 1.0);
        d = 1.0 / fix(bn + an * d);
        c = fix(bn + an / c);
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() <= f64::EPSILON {
            break;
        }
    }
    f
}

/// Parameters from which Stirling's series replaces `lgamma` in
/// [`power_terms`]; at 10 the series below is exact to about 3e-17.
const STIRLING_MIN: f64 = 10.0;

/// x^a y^b / B(a, b) with y = 1 − x.
fn power_terms(a: f64, b: f64, x: f64, y: f64) -> f64 {
    // ln x and ln y, each from whichever of x, y is the accurate one.
    let ln_x = if x > 0.5 { (-y).d_ln_1p() } else { x.d_ln() };
    let ln_y = if y > 0.5 { (-x).d_ln_1p() } else { y.d_ln() };
    let s = a + b;
    if a >= STIRLING_MIN && b >= STIRLING_MIN {
        // TOMS 708 `brcomp`: with x0 = a/s, y0 = b/s and λ = a − s·x,
        // a ln(x/x0) + b ln(y/y0) = −(a·r(−λ/a) + b·r(λ/b)), r(e) = e − ln(1+e),
        // which cancels nothing; B(a, b) by Stirling's formula.
        let lambda = lambda(a, b, x, y);
        let u = rlog1(-lambda / a, ln_x + (b / a).d_ln_1p());
        let v = rlog1(lambda / b, ln_y + (a / b).d_ln_1p());
        let corr = stirling_delta(s) - stirling_delta(a) - stirling_delta(b);
        (-(a * u + b * v) + corr).d_exp() * (a / s * b / (2.0 * PI)).sqrt()
    } else if a >= STIRLING_MIN || b >= STIRLING_MIN {
        // One large parameter `big`, one small `small`:
        // lnΓ(big+small) − lnΓ(big) =
        //   (big − ½)·ln(1 + small/big) + small·ln(s) − small + δ(s) − δ(big).
        let (big, small, ln_small_var) = if a >= b { (a, b, ln_y) } else { (b, a, ln_x) };
        let ln_big_var = if a >= b { ln_x } else { ln_y };
        let ratio = (big - 0.5) * (small / big).d_ln_1p() - small
            + (stirling_delta(s) - stirling_delta(big));
        (big * ln_big_var + small * (ln_small_var + s.d_ln()) + ratio - libm::lgamma(small)).d_exp()
    } else {
        (a * ln_x + b * ln_y + libm::lgamma(s) - libm::lgamma(a) - libm::lgamma(b)).d_exp()
    }
}

/// r(e) = e − ln(1 + e), given e and ln(1 + e) computed independently (for
/// e near −1 the caller's logarithm is the accurate one). The series
/// Σ_{k≥2} (−e)^k / k for |e| ≤ ½, where the difference would cancel.
fn rlog1(e: f64, ln_1p_e: f64) -> f64 {
    if e.abs() > 0.5 {
        return e - ln_1p_e;
    }
    let mut power = e * e;
    let mut sum = 0.0f64;
    for k in 2..200u32 {
        let term = power / f64::from(k);
        let next = if k % 2 == 0 { sum + term } else { sum - term };
        if next == sum {
            break;
        }
        sum = next;
        power *= e;
    }
    sum
}

/// δ(z) = lnΓ(z) − ((z − ½) ln z − z + ½ ln 2π), by Stirling's series, for
/// z ≥ [`STIRLING_MIN`].
fn stirling_delta(z: f64) -> f64 {
    // B_{2k} / (2k (2k − 1)), k = 1..8.
    const C: [f64; 8] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
        -3617.0 / 122_400.0,
    ];
    let w = 1.0 / (z * z);
    let mut acc = 0.0f64;
    for c in C.iter().rev() {
        acc = acc * w + c;
    }
    acc / z
}

/// Continued fraction for I_x(a, b) (Numerical Recipes `betacf`, modified
/// Lentz), converging for x < (a+1)/(a+b+2) in O(√max(a, b)) steps; y = 1 − x.
fn beta_cf(a: f64, b: f64, x: f64, y: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let fix = |v: f64| if v.abs() < TINY { TINY } else { v };
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0f64;
    // 1 − (a+b)x/(a+1) cancels near the switch point; its numerator
    // a + 1 − (a+b)x = 1 − b + (a+b)y is taken with one rounding (fma) from
    // whichever of x, y is the accurate one.
    let first = if x <= 0.5 {
        libm::fma(-qab, x, qap)
    } else {
        libm::fma(qab, y, 1.0 - b)
    };
    let mut d = 1.0 / fix(first / qap);
    let mut h = d;
    // Enough for a, b up to about 10¹² and more; stops on convergence.
    let max_iter = 10_000 + (10.0 * a.max(b).sqrt()).min(1e8) as u64;
    for m in 1..=max_iter {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / fix(1.0 + aa * d);
        c = fix(1.0 + aa / c);
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / fix(1.0 + aa * d);
        c = fix(1.0 + aa / c);
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() <= f64::EPSILON {
            break;
        }
    }
    h
}

/// Two-sided p-value of Student's t distribution with `df` degrees of
/// freedom (df > 0, need not be an integer), P(|T| ≥ |t|) =
/// I_{df/(df+t²)}(df/2, ½), as `2 * scipy.stats.t.sf(abs(t), df)`, with
/// x = df/(df+t²) and 1 − x both computed without cancellation. Where
/// df/t² underflows, the leading term of the series (scipy returns 0
/// there). 0 for infinite t, the normal p-value for infinite df, NaN for
/// NaN or df ≤ 0.
pub fn student_t_two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if df.is_infinite() {
        return normal_two_sided_p(t);
    }
    if t.is_infinite() {
        return 0.0;
    }
    let t_abs = t.abs();
    let t2 = t_abs * t_abs;
    // x = df/(df+t²) and y = t²/(df+t²) = 1 − x, both from the smaller ratio.
    let (x, y) = if t2 >= df {
        // r = df/t², as (√df/|t|)² when t² overflows.
        let r = if t2.is_finite() {
            df / t2
        } else {
            let s = df.sqrt() / t_abs;
            s * s
        };
        if r < 1e-300 {
            // x ≈ r underflows: I_x(a, ½) = x^a / (a·B(a, ½))·(1 + O(x)), in
            // logs with ln x = ln df − 2 ln|t|.
            let a = df / 2.0;
            let ln_beta = libm::lgamma(a) + libm::lgamma(0.5) - libm::lgamma(a + 0.5);
            let ln_x = df.d_ln() - 2.0 * t_abs.d_ln();
            return (a * ln_x - a.d_ln() - ln_beta).d_exp();
        }
        (r / (1.0 + r), 1.0 / (1.0 + r))
    } else {
        let r = t2 / df;
        (1.0 / (1.0 + r), r / (1.0 + r))
    };
    beta_inc_xy(df / 2.0, 0.5, x, y)
}

/// Binomial CDF P(X ≤ k) for X ~ Binomial(n, p), as
/// `scipy.stats.binom.cdf(k, n, p)`: I_{1−p}(n − k, k + 1). 1 when k ≥ n
/// (so also for n = 0), NaN for p outside [0, 1] or NaN.
pub fn binom_cdf(k: u64, n: u64, p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if k >= n || p == 0.0 {
        return 1.0;
    }
    if p == 1.0 {
        return 0.0;
    }
    beta_inc_xy((n - k) as f64, (k + 1) as f64, 1.0 - p, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::assert_close;

    /// The project compares p-values with rel 1e-6; these functions must be
    /// well inside that.
    const REL: f64 = 1e-9;

    #[test]
    fn normal_matches_scipy() {
        // scipy.stats.norm.sf(z), scipy 1.17.1
        for (z, want) in [
            (0.0, 0.5),
            (1.0, 0.15865525393145707),
            (-2.0, 0.9772498680518208),
            (3.5, 0.00023262907903552502),
            (8.0, 6.22096057427174e-16),
            (30.0, 4.906713927147908e-198),
        ] {
            assert_close(normal_sf(z), want, REL);
        }
        // 2 * scipy.stats.norm.sf(abs(z))
        for (z, want) in [
            (1.959963984540054, 0.05),
            (0.1, 0.920344325445942),
            (-5.0, 5.733031437583866e-07),
            (12.0, 3.552964224155306e-33),
        ] {
            assert_close(normal_two_sided_p(z), want, REL);
        }
        assert!(normal_sf(f64::NAN).is_nan());
    }

    #[test]
    fn beta_inc_matches_scipy() {
        // scipy.special.betainc(a, b, x), scipy 1.17.1
        for (a, b, x, want) in [
            (0.5, 0.5, 0.3, 0.36901011956554536),
            (2.0, 3.0, 0.4, 0.5247999999999999),
            (10.0, 20.0, 0.3, 0.3640040810719437),
            (0.1, 5.0, 0.01, 0.7690889207843462),
            (5.0, 0.1, 0.999, 0.38710164062500535),
            (100.0, 200.0, 0.35, 0.7325714649575441),
            (1e-3, 1e-3, 0.5, 0.49999999999999994),
            (30.0, 2.0, 0.9, 0.1695646331008649),
            (2000.0, 3000.0, 0.38, 0.0018533264846074646),
            (101000.0, 100001.0, 0.5, 0.012931196219866475),
            (50000.0, 0.5, 0.9999, 0.0015650197621734966),
            (1e6, 2e6, 0.334, 0.9928335645421172),
            (3.0, 1e5, 1e-5, 0.08030415619556053),
            (1e4, 12.0, 0.9995, 0.9945138544357042),
            (7.5, 9.5, 0.02, 1.9447991583838174e-09),
        ] {
            assert_close(beta_inc(a, b, x), want, REL);
        }
        // I_x(½, ½) = (2/π)·asin(√x) at x = 1 − 2⁻⁵³, mpmath at 50 digits
        // (scipy 1.17.1 gives 0.9999999905136262, off by 2.8e-9).
        assert_close(
            beta_inc(0.5, 0.5, 0.9999999999999999),
            0.9999999932921207,
            1e-15,
        );
        assert_eq!(beta_inc(2.0, 3.0, 0.0), 0.0);
        assert_eq!(beta_inc(2.0, 3.0, 1.0), 1.0);
        assert!(beta_inc(-1.0, 3.0, 0.5).is_nan());
        assert!(beta_inc(1.0, 3.0, 1.5).is_nan());
    }

    #[test]
    fn student_t_matches_scipy() {
        // 2 * scipy.stats.t.sf(abs(t), df), scipy 1.17.1
        for (t, df, want) in [
            (2.0, 5.0, 0.10193947882985835),
            (0.5, 3.0, 0.651447964848151),
            (10.0, 2.0, 0.00985245702332569),
            (3.5, 1000.0, 0.0004857743459678326),
            (1e-8, 10.0, 0.9999999922178323),
            (50.0, 30.0, 1.871541765922271e-30),
            (2.5, 1e5, 0.012420919192559051),
            (1.96, 1e6, 0.04999606758526985),
            (0.3, 0.7, 0.829235186371335),
            (4.0, 12.345, 0.0016683820186940653),
            (-2.2, 7.0, 0.06373101530263678),
            (6.0, 1e7, 1.973242733367782e-09),
            (40.0, 200.0, 2.2487396535202197e-97),
            (2.1305129625136376, 9779796.022884626, 0.03312931167153411),
            (3.0, 1e8, 0.0026997967280374935),
            (2.0, 1e9, 0.045500264166313246),
            (0.001, 1e8, 0.9992021155741726),
        ] {
            assert_close(student_t_two_sided_p(t, df), want, REL);
        }
    }

    #[test]
    fn student_t_df1_is_cauchy() {
        // P(|T| ≥ t) = 1 − (2/π)·atan(t) for df = 1; mpmath at 30 digits
        // (scipy 1.17.1 gives 0.9999988854419036 here, off by 2.5e-11).
        let t = 1.7507040018756496e-06;
        assert_close(student_t_two_sided_p(t, 1.0), 0.9999988854672168, 1e-15);
        // (2/π)·atan(1/t) at t = 1e200, where t² overflows (scipy gives 0.0).
        assert_close(
            student_t_two_sided_p(1e200, 1.0),
            6.366197723675814e-201,
            1e-13,
        );
    }

    #[test]
    fn student_t_edges() {
        assert_eq!(student_t_two_sided_p(0.0, 5.0), 1.0);
        assert_eq!(student_t_two_sided_p(f64::INFINITY, 5.0), 0.0);
        assert_eq!(student_t_two_sided_p(f64::NEG_INFINITY, 5.0), 0.0);
        assert!(student_t_two_sided_p(1.0, 0.0).is_nan());
        assert!(student_t_two_sided_p(f64::NAN, 3.0).is_nan());
        assert_eq!(
            student_t_two_sided_p(1.5, f64::INFINITY),
            normal_two_sided_p(1.5)
        );
    }

    #[test]
    fn binom_cdf_matches_scipy() {
        // scipy.stats.binom.cdf(k, n, p), scipy 1.17.1
        for (k, n, p, want) in [
            (3, 10, 0.5, 0.171875),
            (0, 5, 0.3, 0.16807000000000002),
            (100000, 201000, 0.5, 0.012931196219866475),
            (50, 1000, 0.1, 5.995167632379605e-09),
            (5, 20, 0.01, 0.9999999656358401),
            (999, 1000, 0.999, 0.6323045752290363),
            (100, 100000, 0.002, 3.5400358333315203e-15),
            (0, 1000, 0.5, 9.332636185032189e-302),
            (17, 40, 0.5, 0.21479525392169307),
            (499, 1000, 0.5, 0.48738749091081973),
            (1, 3, 0.9, 0.02799999999999999),
        ] {
            assert_close(binom_cdf(k, n, p), want, REL);
        }
    }

    #[test]
    fn binom_cdf_edges() {
        assert_eq!(binom_cdf(0, 0, 0.3), 1.0);
        assert_eq!(binom_cdf(5, 5, 0.3), 1.0);
        assert_eq!(binom_cdf(7, 5, 0.3), 1.0);
        assert_eq!(binom_cdf(2, 5, 0.0), 1.0);
        assert_eq!(binom_cdf(2, 5, 1.0), 0.0);
        assert!(binom_cdf(2, 5, 1.5).is_nan());
        assert!(binom_cdf(2, 5, f64::NAN).is_nan());
    }
}
