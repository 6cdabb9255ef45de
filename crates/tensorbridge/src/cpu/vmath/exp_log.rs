//! exp, expm1, log, log1p, log2 and log10 of float32 (see the module docs).

use super::{clamp, horner, MulAdd, ROUND_SHIFT};

const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// ln 2 split so that `k * LN2_HI` is exact for |k| < 2^20 (fdlibm's split).
pub(crate) const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
pub(crate) const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// e^a for |a| <= 200, NaN passed through; relative error below 1e-14.
#[inline(always)]
pub(super) fn exp_f64<M: MulAdd>(a: f64) -> f64 {
    // a = k ln 2 + r with k the nearest integer to a / ln 2, |r| <= 0.347.
    let z = a * LOG2_E + ROUND_SHIFT;
    let k = z - ROUND_SHIFT;
    let r = M::mul_add(-k, LN2_LO, M::mul_add(-k, LN2_HI, a));
    // Taylor series to r^11: the first term left out is below 6e-15.
    #[rustfmt::skip]
    let p = horner::<M, 12>(r, [
        1.0 / 39_916_800.0, 1.0 / 3_628_800.0, 1.0 / 362_880.0, 1.0 / 40_320.0, 1.0 / 5_040.0,
        1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0,
    ]);
    // 2^k built from the exponent bits: the low bits of z hold k.
    let scale = f64::from_bits(z.to_bits().wrapping_add(1023) << 52);
    p * scale
}

/// e^a - 1 for |a| <= 200, accurate relative to the result near zero.
#[inline(always)]
pub(super) fn expm1_f64<M: MulAdd>(a: f64) -> f64 {
    // Below 2^-10 a Taylor polynomial (next term a^7/5040 < 1e-24 of a);
    // above, e^a - 1 loses at most a factor 1025 of e^a's 1e-14.
    let small = a * horner::<M, 6>(
        a,
        [1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0],
    );
    let large = exp_f64::<M>(a) - 1.0;
    if a.abs() < 1.0 / 1024.0 {
        small
    } else {
        large
    }
}

/// `(e, m)` with `d = 2^e * m` and `m` in [sqrt(1/2), sqrt(2)), both
/// exact, for a positive, finite, normal float64 `d` (the float64
/// logarithms in [`crate::cpu::vmath64`] use it too).
#[inline(always)]
pub(crate) fn exponent_and_mantissa(d: f64) -> (f64, f64) {
    let bits = d.to_bits();
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    // The exponent field as a float64 without an integer conversion.
    let e =
        f64::from_bits(0x4330_0000_0000_0000 | (bits >> 52)) - (4_503_599_627_370_496.0 + 1023.0);
    let high = m > std::f64::consts::SQRT_2;
    let m = if high { m * 0.5 } else { m };
    let e = if high { e + 1.0 } else { e };
    (e, m)
}

/// `(e, ln m)` with `d = 2^e * m`, `m` in [sqrt(1/2), sqrt(2)), for a
/// positive, finite, normal float64 `d`.
#[inline(always)]
pub(super) fn log_parts<M: MulAdd>(d: f64) -> (f64, f64) {
    let (e, m) = exponent_and_mantissa(d);
    // ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716: the odd
    // series to s^19 leaves out less than 4e-17.
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let s2 = s * s;
    #[rustfmt::skip]
    let p = horner::<M, 9>(s2, [
        2.0 / 19.0, 2.0 / 17.0, 2.0 / 15.0, 2.0 / 13.0, 2.0 / 11.0, 2.0 / 9.0, 2.0 / 7.0, 2.0 / 5.0, 2.0 / 3.0,
    ]);
    (e, M::mul_add(s * s2, p, 2.0 * s))
}

/// The Array API's special cases of the logarithms: NaN below zero (and for
/// NaN), -inf at zero, +inf at +inf; `v` elsewhere. (Float64's
/// logarithms in [`crate::cpu::vmath64`] use it too.)
#[inline(always)]
pub(crate) fn log_special<F: num_traits::Float>(x: F, v: F) -> F {
    let v = if x == F::infinity() { x } else { v };
    let v = if x == F::zero() { F::neg_infinity() } else { v };
    if x < F::zero() || x.is_nan() {
        F::nan()
    } else {
        v
    }
}

/// e^x.
#[inline(always)]
pub fn exp<M: MulAdd>(x: f32) -> f32 {
    // e^-160 and e^100 are far outside float32's range (0 and +inf).
    exp_f64::<M>(clamp(x as f64, -160.0, 100.0)) as f32
}

/// e^x - 1.
#[inline(always)]
pub fn expm1<M: MulAdd>(x: f32) -> f32 {
    expm1_f64::<M>(clamp(x as f64, -160.0, 100.0)) as f32
}

/// The natural logarithm.
#[inline(always)]
pub fn log<M: MulAdd>(x: f32) -> f32 {
    let (e, lm) = log_parts::<M>(x as f64);
    log_special(x, (e * std::f64::consts::LN_2 + lm) as f32)
}

/// The base-2 logarithm (exact at powers of two).
#[inline(always)]
pub fn log2<M: MulAdd>(x: f32) -> f32 {
    let (e, lm) = log_parts::<M>(x as f64);
    log_special(x, (e + lm * LOG2_E) as f32)
}

/// The base-10 logarithm.
#[inline(always)]
pub fn log10<M: MulAdd>(x: f32) -> f32 {
    let (e, lm) = log_parts::<M>(x as f64);
    let v = e * std::f64::consts::LOG10_2 + lm * std::f64::consts::LOG10_E;
    log_special(x, v as f32)
}

/// ln(1 + d) for a finite float64 `d > -1` (1 + d a normal float64),
/// accurate relative to the result for tiny `d`.
#[inline(always)]
pub(super) fn ln1p_f64<M: MulAdd>(d: f64) -> f64 {
    // u = 1 + d rounded; ln(u) * d / (u - 1) cancels that rounding
    // (Goldberg's method), and u == 1 means ln(1 + d) rounds to d.
    let u = 1.0 + d;
    let (e, lm) = log_parts::<M>(u);
    let r = (e * std::f64::consts::LN_2 + lm) * (d / (u - 1.0));
    if u == 1.0 {
        d
    } else {
        r
    }
}

/// ln(e^a + e^b), in float64 as NumPy forms it: the larger plus
/// ln(1 + e^-|a - b|); a + ln 2 where a == b (two infinities of one sign
/// included), NaN where either is.
#[inline(always)]
pub fn logaddexp<M: MulAdd>(a: f32, b: f32) -> f32 {
    let (x, y) = (a as f64, b as f64);
    let larger = if x > y { x } else { y };
    // e^-160 is far below every float32 ulp of the result.
    let d = clamp(-(x - y).abs(), -160.0, 0.0);
    let v = larger + ln1p_f64::<M>(exp_f64::<M>(d));
    let v = if d.is_nan() { d } else { v };
    (if a == b { x + std::f64::consts::LN_2 } else { v }) as f32
}

/// ln(1 + x), accurate for tiny x.
#[inline(always)]
pub fn log1p<M: MulAdd>(x: f32) -> f32 {
    let r = ln1p_f64::<M>(x as f64) as f32;
    let r = if x == f32::INFINITY { x } else { r };
    let r = if x == -1.0 { f32::NEG_INFINITY } else { r };
    if x < -1.0 || x.is_nan() {
        f32::NAN
    } else {
        r
    }
}
