//! tanh of float64 (see the module docs).

use super::exp_log::{exp_reduced, pow2};
use super::{horner, MulAdd};
use crate::cpu::vmath::{clamp, ROUND_SHIFT};

/// Below this magnitude the rational form, from it on the exponential.
const RATIONAL_BELOW: f64 = 0.625;

/// tanh(x), within one unit in the last place of the true value.
///
/// Both forms are computed and one selected, so that the loop vectorizes:
/// - |x| < 0.625: Cephes' rational minimax form x + x^3 P(x^2) / Q(x^2)
///   (its own error below 2e-17 relative; the x^3 term is at most a tenth
///   of x, so its roundings count little);
/// - from 0.625 on: 1 - 2 / (e^2|x| + 1), with e^2|x| carried as two
///   float64s, and the rounding errors of the sum, the quotient (its
///   residual by a fused multiply-add) and the difference from 1 carried
///   into one last addition. Plain, this form is 1.3 units off near
///   0.63, where the terms' roundings add up; carried, it stays within
///   the last rounding's half unit and a little. Without FMA (the
///   separate build) the quotient's residual is not exact and the result
///   may be one unit further off.
///
/// 2|x| is clamped to 44, where 2 / (e^44 + 1) is below half an ulp of 1:
/// the result is exactly ±1 there, and at the infinities. NaN passes.
#[inline(always)]
pub fn tanh<M: MulAdd>(x: f64) -> f64 {
    let ax = x.abs();
    let small = rational::<M>(x);
    let (k, s, t) = exp_reduced::<M>(clamp(ax + ax, 0.0, 44.0));
    // e^2|x| = eh + el (k <= 64: one power of two scales both exactly).
    let scale = pow2(k + ROUND_SHIFT);
    let p = s + t;
    let (eh, el) = (p * scale, ((s - p) + t) * scale);
    // d + dl = e^2|x| + 1, eh >= 1.
    let d = eh + 1.0;
    let dl = ((eh - d) + 1.0) + el;
    // y + yl = 2 / (d + dl): the residual 2 - y (d + dl), divided by d
    // (as y / 2, which is 1 / d to a rounding).
    let y = 2.0 / d;
    let residual = M::mul_add(-y, d, 2.0) - y * dl;
    let yl = residual * (y * 0.5);
    // 1 - (y + yl): 1 - y's rounding error is exact, as |y| <= 1.
    let w = 1.0 - y;
    let wl = (1.0 - w) - y;
    let large = (w + (wl - yl)).copysign(x);
    // tanh(±0) is ±0, which x + x^3 (...) would not keep for -0.
    if ax == 0.0 {
        x
    } else if ax < RATIONAL_BELOW {
        small
    } else {
        large
    }
}

/// Cephes' `tanh` below 0.625: x + x s P(s) / Q(s), s = x^2 (Q monic;
/// the coefficients are Cephes' decimals, rounded to float64).
#[inline(always)]
fn rational<M: MulAdd>(x: f64) -> f64 {
    let s = x * x;
    #[rustfmt::skip]
    let p = horner::<M, 3>(s, [-9.643_991_794_250_523e-1, -9.928_772_310_019_185e1, -1.614_687_684_417_084_5e3]);
    #[rustfmt::skip]
    let q = horner::<M, 4>(s, [1.0, 1.128_116_784_916_329_3e2, 2.235_488_390_601_004_6e3, 4.844_063_053_251_255e3]);
    M::mul_add(x, s * p / q, x)
}
