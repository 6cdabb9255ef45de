//! log1p of float64 (see the module docs).

use super::exp_log::log_parts;
use super::MulAdd;
use crate::cpu::vmath::{log_special, LN2_HI, LN2_LO};

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
