//! sinh and cosh of float64 (see the module docs).

use super::exp_log::{exp_reduced, pow2};
use super::{horner, MulAdd};
use crate::cpu::vmath::{clamp, ROUND_SHIFT};

/// From this magnitude on, e^-|x| is below half an ulp of e^|x|: both
/// functions are e^|x| / 2.
const ONE_EXPONENTIAL: f64 = 22.0;

/// e^|x| / 2 for [`exp_reduced`]'s parts of |x| clamped to 710.5, where
/// it overflows (2^(k-2) * 2, so that k = 1025 needs no exponent beyond
/// float64's).
#[inline(always)]
fn half_exp(k: f64, s: f64, t: f64) -> f64 {
    ((s + t) * pow2(k - 2.0 + ROUND_SHIFT)) * 2.0
}

/// (E + sign / E) / 2 for E = e^|x| >= sqrt(2) from [`exp_reduced`]'s
/// parts (|x| < 22 where it is used; the exponent is clamped so that
/// larger ones give a harmless value): E as two float64s, the quotient's
/// residual (by a fused multiply-add) and the sum's rounding error carried
/// to one last addition, so that the result is within a unit of the true
/// value, not the 1.5 of summing the rounded terms.
#[inline(always)]
fn half_sum_with_inverse<M: MulAdd>(k: f64, s: f64, t: f64, sign: f64) -> f64 {
    let scale = pow2(clamp(k, -1022.0, 1023.0) + ROUND_SHIFT);
    let p = s + t;
    let (eh, el) = (p * scale, ((s - p) + t) * scale);
    // y + yl = 1 / (eh + el).
    let y = 1.0 / eh;
    let yl = (M::mul_add(-y, eh, 1.0) - y * el) * y;
    let (y, yl) = (sign * y, sign * yl);
    // d + dl = eh + y exactly, as |eh| >= |y|.
    let d = eh + y;
    let dl = (eh - d) + y;
    0.5 * (d + (dl + (el + yl)))
}

/// sinh(x), every case computed and one selected: below 1 the Taylor
/// series to x^19 (the first term left out is below 2e-19 of x), x plus a
/// correction of at most a sixth of it; below 22 (E - 1/E) / 2 with E =
/// e^|x| ([`half_sum_with_inverse`]); beyond, E / 2. The sign is x's (signed zeros included).
#[inline(always)]
pub fn sinh<M: MulAdd>(x: f64) -> f64 {
    let ax = x.abs();
    let x2 = x * x;
    #[rustfmt::skip]
    let series = horner::<M, 9>(x2, [
        1.0 / 121_645_100_408_832_000.0, 1.0 / 355_687_428_096_000.0, 1.0 / 1_307_674_368_000.0,
        1.0 / 6_227_020_800.0, 1.0 / 39_916_800.0, 1.0 / 362_880.0, 1.0 / 5_040.0, 1.0 / 120.0,
        1.0 / 6.0,
    ]);
    let small = M::mul_add(x * x2, series, x);
    let (k, s, t) = exp_reduced::<M>(clamp(ax, 0.0, 710.5));
    let v = if ax < ONE_EXPONENTIAL {
        half_sum_with_inverse::<M>(k, s, t, -1.0)
    } else {
        half_exp(k, s, t)
    };
    if ax < 1.0 {
        small
    } else {
        v.copysign(x)
    }
}

/// cosh(x), every case computed and one selected: below ln(2)/2 the
/// Taylor series to x^14 (the first term left out is below 3e-21); below
/// 22 (E + 1/E) / 2 with E = e^|x| ([`half_sum_with_inverse`]); beyond,
/// E / 2.
#[inline(always)]
pub fn cosh<M: MulAdd>(x: f64) -> f64 {
    let ax = x.abs();
    let x2 = x * x;
    #[rustfmt::skip]
    let series = horner::<M, 7>(x2, [
        1.0 / 87_178_291_200.0, 1.0 / 479_001_600.0, 1.0 / 3_628_800.0, 1.0 / 40_320.0,
        1.0 / 720.0, 1.0 / 24.0, 0.5,
    ]);
    let small = M::mul_add(x2, series, 1.0);
    let (k, s, t) = exp_reduced::<M>(clamp(ax, 0.0, 710.5));
    if ax < 0.5 * std::f64::consts::LN_2 {
        small
    } else if ax < ONE_EXPONENTIAL {
        half_sum_with_inverse::<M>(k, s, t, 1.0)
    } else {
        half_exp(k, s, t)
    }
}
