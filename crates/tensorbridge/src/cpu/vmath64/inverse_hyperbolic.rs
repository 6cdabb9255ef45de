//! asinh, acosh and atanh of float64 (see the module docs): fdlibm's
//! `s_asinh.c`, `e_acosh.c` and `e_atanh.c`, with every case written as
//! ln(1 + u) for a selected `u`, so that one vector [`log1p`] serves all.

use super::{log1p, MulAdd};
use std::f64::consts::LN_2;

/// 2^28: beyond it, sqrt(x^2 ± 1) is |x| to float64's precision.
const HUGE: f64 = 268_435_456.0;

/// asinh(x), odd: ln(1 + u) with u = |x| + x^2 / (1 + sqrt(1 + x^2)) up
/// to 2 (no cancellation near zero), 2|x| + 1 / (sqrt(x^2 + 1) + |x|) - 1
/// up to 2^28, and |x| - 1 beyond, plus ln 2.
#[inline(always)]
pub fn asinh<M: MulAdd>(x: f64) -> f64 {
    let ax = x.abs();
    let x2 = x * x;
    let root = (1.0 + x2).sqrt();
    // One division serves both finite forms: its operands are selected.
    let mid = ax > 2.0;
    let q = if mid { 1.0 } else { x2 } / if mid { root + ax } else { 1.0 + root };
    let u = if ax > HUGE {
        ax - 1.0
    } else if mid {
        (2.0 * ax + q) - 1.0
    } else {
        ax + q
    };
    let v = log1p::<M>(u);
    let v = if ax > HUGE { v + LN_2 } else { v };
    v.copysign(x)
}

/// acosh(x): ln(1 + u) with u = t + sqrt(2t + t^2), t = x - 1 (exact) up
/// to 2, 2x - 1 / (x + sqrt(x^2 - 1)) - 1 up to 2^28, and x - 1 beyond,
/// plus ln 2; +0 at 1, NaN below 1.
#[inline(always)]
pub fn acosh<M: MulAdd>(x: f64) -> f64 {
    let t = x - 1.0;
    // x^2 - 1 = 2t + t^2: one square root, of the form that is accurate
    // on each side of 2.
    let mid = x > 2.0;
    let root = if mid {
        M::mul_add(x, x, -1.0)
    } else {
        M::mul_add(t, t, 2.0 * t)
    }
    .sqrt();
    let u = if x > HUGE {
        t
    } else if mid {
        (2.0 * x - 1.0 / (x + root)) - 1.0
    } else {
        t + root
    };
    let v = log1p::<M>(u);
    let v = if x > HUGE { v + LN_2 } else { v };
    if x < 1.0 || x.is_nan() {
        f64::NAN
    } else {
        v
    }
}

/// atanh(x), odd: ln(1 + u) / 2 with q = 2|x| / (1 - |x|) and u = 2|x| +
/// q |x| below 0.5 (no cancellation near zero), u = q from there; ±inf at
/// ±1, NaN beyond.
#[inline(always)]
pub fn atanh<M: MulAdd>(x: f64) -> f64 {
    let ax = x.abs();
    let t = ax + ax;
    let q = t / (1.0 - ax);
    let u = if ax < 0.5 { M::mul_add(q, ax, t) } else { q };
    let v = 0.5 * log1p::<M>(u);
    let v = if ax > 1.0 || ax.is_nan() { f64::NAN } else { v };
    v.copysign(x)
}
