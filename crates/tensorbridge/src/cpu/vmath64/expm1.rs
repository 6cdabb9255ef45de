//! expm1 of float64 (see the module docs).

use super::exp_log::{exp_reduced, pow2};
use super::MulAdd;
use crate::cpu::vmath::{clamp, ROUND_SHIFT};

/// e^x - 1, within one unit in the last place of the true value, accurate
/// relative to the result near zero.
///
/// From [`exp_reduced`]'s e^x = 2^k (s + t): 2^k s - 1 by an exact
/// two-sum, whose error joins 2^k t before the one last addition. Near
/// zero (k = 0) 2^k s - 1 is exact and t holds the rounding of 1 + r, so
/// no cancellation shows. From -40 on e^x - 1 rounds to -1; above 709.78
/// it overflows.
#[inline(always)]
pub fn expm1<M: MulAdd>(x: f64) -> f64 {
    let (k, s, t) = exp_reduced::<M>(clamp(x, -40.0, 710.0));
    let v = expm1_of_parts(k, s, t);
    // expm1(±0) is ±0, which the sum would make +0.
    if x == 0.0 {
        x
    } else {
        v
    }
}

/// 2^k (s + t) - 1 for [`exp_reduced`]'s parts, `k` <= 1024 (+inf where
/// it overflows).
#[inline(always)]
pub(super) fn expm1_of_parts(k: f64, s: f64, t: f64) -> f64 {
    // 2^k as 2^(k-1) * 2, both exact, so that k = 1024 needs no exponent
    // beyond float64's.
    let scale = pow2(k - 1.0 + ROUND_SHIFT);
    let big_s = (s * scale) * 2.0;
    let big_t = (t * scale) * 2.0;
    // big_s - 1 = u + ue exactly (Knuth's two-sum).
    let u = big_s - 1.0;
    let back = u - big_s;
    let ue = (big_s - (u - back)) + (-1.0 - back);
    let v = u + (ue + big_t);
    if u == f64::INFINITY {
        u
    } else {
        v
    }
}
