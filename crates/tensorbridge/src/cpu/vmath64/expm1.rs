//! expm1, log1p and tanh of float64 (see the module docs): the functions
//! that stay accurate where their result is near zero, each fdlibm's
//! algorithm with every case computed and the right one selected.

use super::exp_log::{log_parts, pow2, LN2_HI, LN2_LO, LOG2_E};
use super::MulAdd;
use crate::cpu::vmath::{clamp, log_special, ROUND_SHIFT};

/// e^x - 1 (fdlibm's `s_expm1.c`).
///
/// x = k ln 2 + (r + c), with `c` the rounding error of the reduced
/// argument; e^r - 1 from a rational form in r^2/2 (five coefficients, one
/// division), then put together with 2^k by the case of k that keeps the
/// subtraction of 1 exact.
#[inline(always)]
pub fn expm1<M: MulAdd>(x: f64) -> f64 {
    const Q1: f64 = f64::from_bits(0xbfa1_1111_1111_10f4);
    const Q2: f64 = f64::from_bits(0x3f5a_01a0_19fe_5585);
    const Q3: f64 = f64::from_bits(0xbf14_ce19_9eaa_dbb7);
    const Q4: f64 = f64::from_bits(0x3ed0_cfca_86e6_5239);
    const Q5: f64 = f64::from_bits(0xbe8a_fdb7_6e09_c32d);
    // e^-40 - 1 rounds to -1; e^710 overflows. The clamp passes NaN.
    let a = clamp(x, -40.0, 710.0);
    let z = a * LOG2_E + ROUND_SHIFT;
    let k = z - ROUND_SHIFT;
    let hi = a - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let c = (hi - r) - lo;
    let hfx = 0.5 * r;
    let hxs = r * hfx;
    let r1 = M::mul_add(
        hxs,
        M::mul_add(
            hxs,
            M::mul_add(hxs, M::mul_add(hxs, M::mul_add(hxs, Q5, Q4), Q3), Q2),
            Q1,
        ),
        1.0,
    );
    let t = 3.0 - r1 * hfx;
    let e = hxs * ((r1 - t) / (6.0 - r * t));
    // k = 0: no scaling, and no reduction error either.
    let y_zero = r - (r * e - hxs);
    let e = (r * (e - c) - c) - hxs;
    let y_minus_one = 0.5 * (r - e) - 0.5;
    let y_one = if r < -0.25 {
        -2.0 * (e - (r + 0.5))
    } else {
        1.0 + 2.0 * (r - e)
    };
    // Far from zero: e^x - 1 from e^x, with 2^k applied in two halves so
    // that k = 1024 (x just below the overflow) stays finite.
    let z1 = k * 0.5 + ROUND_SHIFT;
    let k1 = z1 - ROUND_SHIFT;
    let z2 = (k - k1) + ROUND_SHIFT;
    let y_far = (1.0 - (e - r)) * pow2(z1) * pow2(z2) - 1.0;
    // 2 <= k < 20: 1 - 2^-k is exact; 20 <= k <= 56: 2^-k joins the sum.
    let two_k = pow2(z);
    let minus_k = pow2(ROUND_SHIFT - k);
    let y_mid = ((1.0 - minus_k) - (e - r)) * two_k;
    let y_high = ((r - (e + minus_k)) + 1.0) * two_k;
    let y = if k <= -2.0 || k > 56.0 { y_far } else { y_high };
    let y = if (2.0..20.0).contains(&k) { y_mid } else { y };
    let y = if k == 1.0 { y_one } else { y };
    let y = if k == -1.0 { y_minus_one } else { y };
    let y = if k == 0.0 { y_zero } else { y };
    // Below 2^-54 the result is x itself (signed zeros included).
    if x.abs() < 5.551_115_123_125_783e-17 {
        x
    } else {
        y
    }
}

/// ln(1 + x) (fdlibm's `s_log1p.c`): the logarithm of u = 1 + x rounded,
/// plus the correction `c / u` for what the rounding of u lost.
#[inline(always)]
pub fn log1p<M: MulAdd>(x: f64) -> f64 {
    let u = 1.0 + x;
    let (k, f, hfsq, r) = log_parts::<M>(u);
    // What the rounding of u lost, exactly: u - 1 is exact below 2, u - x
    // from 2 on. From x = 2^53 on it is below the result's ulp.
    let c = if u >= 2.0 {
        1.0 - (u - x)
    } else {
        x - (u - 1.0)
    };
    let c = if x < 9_007_199_254_740_992.0 {
        c / u
    } else {
        0.0
    };
    let v = k * LN2_HI - ((hfsq - (r + (k * LN2_LO + c))) - f);
    let v = log_special(u, v);
    // Below 2^-54 the result is x itself (signed zeros included); the
    // special values of u = 1 + x are those of the logarithm (+inf, 0 at
    // x = -1, negative below).
    if x.abs() < 5.551_115_123_125_783e-17 {
        x
    } else {
        v
    }
}

/// The hyperbolic tangent (fdlibm's `s_tanh.c`): with t = expm1(2|x|),
/// 1 - 2 / (t + 2) from |x| = 1 on; below, with t = expm1(-2|x|),
/// -t / (t + 2); exactly +-1 from 22 on; x's sign.
#[inline(always)]
pub fn tanh<M: MulAdd>(x: f64) -> f64 {
    let a = clamp(x.abs(), 0.0, 22.0);
    let big = a >= 1.0;
    let t = expm1::<M>(if big { 2.0 * a } else { -2.0 * a });
    let d = (if big { 2.0 } else { -t }) / (t + 2.0);
    let v = if big { 1.0 - d } else { d };
    let v = v.copysign(x);
    if x.abs() < 2.775_557_561_562_891_4e-17 {
        x
    } else {
        v
    }
}
