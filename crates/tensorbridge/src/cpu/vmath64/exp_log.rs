//! exp, log, log2 and log10 of float64 (see the module docs).

use super::{high_half, horner, MulAdd};
// ln 2 in fdlibm's two parts (`k * LN2_HI` exact for every exponent k).
use crate::cpu::vmath::{clamp, exponent_and_mantissa, log_special, LN2_HI, LN2_LO, ROUND_SHIFT};

const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// 1/ln 2 and 1/ln 10 in two parts, the first with 32 significant bits.
const IVLN2_HI: f64 = f64::from_bits(0x3ff7_1547_6520_0000);
const IVLN2_LO: f64 = f64::from_bits(0x3de7_05fc_2eef_a200);
const IVLN10_HI: f64 = f64::from_bits(0x3fdb_cb7b_1520_0000);
const IVLN10_LO: f64 = f64::from_bits(0x3dbb_9438_ca9a_add5);
/// log10(2) in two parts, the first with 40 significant bits.
const LOG10_2_HI: f64 = f64::from_bits(0x3fd3_4413_509f_6000);
const LOG10_2_LO: f64 = f64::from_bits(0x3d59_fef3_11f1_2b36);
/// 2^54, the scale that makes a subnormal input normal.
const TWO_54: f64 = 18_014_398_509_481_984.0;

/// 2^j for an integer-valued float64 `j` in [-1022, 1023], built from the
/// exponent bits (`z` is `j + ROUND_SHIFT`, whose low bits hold `j`).
#[inline(always)]
pub(super) fn pow2(z: f64) -> f64 {
    f64::from_bits(z.to_bits().wrapping_add(1023) << 52)
}

/// e^x.
///
/// x = k ln 2 + r with |r| <= ln(2)/2 (r and its rounding error);
/// e^r = 1 + r + r^2 q(r) with q the Taylor series to r^11 (the first term
/// left out is below 5e-18), summed so that only the last addition's
/// rounding counts; the result is scaled by 2^k in two steps so
/// that k may run from -1076 to 1024 (subnormal results and the overflow
/// to infinity included).
#[inline(always)]
pub fn exp<M: MulAdd>(x: f64) -> f64 {
    // e^-746 rounds to 0 and e^710 overflows; the clamp passes NaN.
    let (k, s, t) = exp_reduced::<M>(clamp(x, -746.0, 710.0));
    let p = s + t;
    // k = k1 + k2 with both halves inside the normal exponents.
    let z1 = k * 0.5 + ROUND_SHIFT;
    let k1 = z1 - ROUND_SHIFT;
    let z2 = (k - k1) + ROUND_SHIFT;
    p * pow2(z1) * pow2(z2)
}

/// e^a = 2^k (s + t) for `a` in [-746, 710] (or NaN): `k` an integer, `s`
/// = 1 + r rounded and `t` the small rest, whose sum rounds once.
#[inline(always)]
pub(super) fn exp_reduced<M: MulAdd>(a: f64) -> (f64, f64, f64) {
    let z = a * LOG2_E + ROUND_SHIFT;
    let k = z - ROUND_SHIFT;
    // r = hi - lo exactly as a pair: hi is exact, and so is the rounding
    // error `c` of r.
    let hi = a - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let c = (hi - r) - lo;
    let (s, t) = exp_near_zero::<M>(r, c);
    (k, s, t)
}

/// e^(r + c) = `s + t` for |r| <= ln(2)/2 (and a little beyond) and a
/// correction |c| below r's last unit: `s` = 1 + r rounded, `t` the small
/// rest, whose sum rounds once.
#[inline(always)]
pub(super) fn exp_near_zero<M: MulAdd>(r: f64, c: f64) -> (f64, f64) {
    #[rustfmt::skip]
    let q = horner::<M, 12>(r, [
        1.0 / 6_227_020_800.0, 1.0 / 479_001_600.0, 1.0 / 39_916_800.0, 1.0 / 3_628_800.0,
        1.0 / 362_880.0, 1.0 / 40_320.0, 1.0 / 5_040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0,
        1.0 / 6.0, 0.5,
    ]);
    // 1 + r + (c (1 + r) + r^2 q) with one rounding that matters: 1 + r
    // is split into its rounded sum and the exact error (|r| < 1), and the
    // small terms join the error before the last addition.
    let s = 1.0 + r;
    let e = (1.0 - s) + r;
    (s, e + M::mul_add(c, s, r * r * q))
}

/// ln of a positive, finite float64 (subnormals included) as fdlibm
/// splits it: `(k, f, hfsq, r)` with x = 2^k (1 + f), 1 + f in
/// [sqrt(1/2), sqrt(2)), `hfsq` = f^2/2 and ln(1 + f) = f - hfsq + r,
/// `f` exact and `r` small (|r| < 0.004).
#[inline(always)]
pub(super) fn log_parts<M: MulAdd>(x: f64) -> (f64, f64, f64, f64) {
    let subnormal = x < f64::MIN_POSITIVE;
    let x = if subnormal { x * TWO_54 } else { x };
    let (e, m) = exponent_and_mantissa(x);
    let k = if subnormal { e - 54.0 } else { e };
    // ln(1 + f) = 2 atanh(s) with s = f / (2 + f), |s| <= 0.1716: the odd
    // series to s^21 (the first term left out is below 1e-18 of the
    // result), arranged as fdlibm does so that f enters exactly.
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    #[rustfmt::skip]
    let big_r = z * horner::<M, 10>(z, [
        2.0 / 21.0, 2.0 / 19.0, 2.0 / 17.0, 2.0 / 15.0, 2.0 / 13.0, 2.0 / 11.0, 2.0 / 9.0,
        2.0 / 7.0, 2.0 / 5.0, 2.0 / 3.0,
    ]);
    let hfsq = 0.5 * f * f;
    (k, f, hfsq, s * (hfsq + big_r))
}

/// The natural logarithm (fdlibm's `__ieee754_log`).
#[inline(always)]
pub fn log<M: MulAdd>(x: f64) -> f64 {
    let (k, f, hfsq, r) = log_parts::<M>(x);
    log_special(x, k * LN2_HI - ((hfsq - (r + k * LN2_LO)) - f))
}

/// ln(1 + f) as `hi + lo` with `hi` holding 21 significant bits, so that
/// its products with the 32-bit halves of the constants are exact.
#[inline(always)]
fn log1p_split(f: f64, hfsq: f64, r: f64) -> (f64, f64) {
    let hi = high_half(f - hfsq);
    (hi, ((f - hi) - hfsq) + r)
}

/// `w + lo` summed so that the rounding of `y + v` is carried into `lo`.
#[inline(always)]
fn add_carried(y: f64, v: f64, lo: f64) -> f64 {
    let w = y + v;
    (lo + ((y - w) + v)) + w
}

/// The base-2 logarithm (FreeBSD's `e_log2.c`); exact at powers of two.
#[inline(always)]
pub fn log2<M: MulAdd>(x: f64) -> f64 {
    let (k, f, hfsq, r) = log_parts::<M>(x);
    let (hi, lo) = log1p_split(f, hfsq, r);
    let v_hi = hi * IVLN2_HI;
    let v_lo = (lo + hi) * IVLN2_LO + lo * IVLN2_HI;
    log_special(x, add_carried(k, v_hi, v_lo))
}

/// The base-10 logarithm (FreeBSD's `e_log10.c`).
#[inline(always)]
pub fn log10<M: MulAdd>(x: f64) -> f64 {
    let (k, f, hfsq, r) = log_parts::<M>(x);
    let (hi, lo) = log1p_split(f, hfsq, r);
    let v_hi = hi * IVLN10_HI;
    let v_lo = k * LOG10_2_LO + (lo + hi) * IVLN10_LO + lo * IVLN10_HI;
    log_special(x, add_carried(k * LOG10_2_HI, v_hi, v_lo))
}
