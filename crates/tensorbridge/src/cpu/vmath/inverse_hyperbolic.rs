//! asinh, acosh and atanh of float32 (see the module docs).
//!
//! Each is a logarithm `ln(1 + u)` of an argument `u` built so that it
//! carries no cancellation in float64: `u` is small exactly when the
//! result is, and [`ln1p_f64`] keeps its relative accuracy there.

use super::exp_log::ln1p_f64;
use super::MulAdd;

/// The inverse hyperbolic sine: `ln(1 + u)` with `u = a + a^2 / (1 +
/// sqrt(1 + a^2))` for `a = |x|` (equal to `a + sqrt(1 + a^2) - 1`); odd.
#[inline(always)]
pub fn asinh<M: MulAdd>(x: f32) -> f32 {
    let a = (x as f64).abs();
    let u = a + a * a / (1.0 + (1.0 + a * a).sqrt());
    let r = ln1p_f64::<M>(u) as f32;
    let r = if a == f64::INFINITY { f32::INFINITY } else { r };
    r.copysign(x)
}

/// The inverse hyperbolic cosine: `ln(1 + u)` with `u = t + sqrt(t (x +
/// 1))`, `t = x - 1` (both exact for a float32 x); +0 at 1, NaN below 1.
#[inline(always)]
pub fn acosh<M: MulAdd>(x: f32) -> f32 {
    let d = x as f64;
    let t = d - 1.0;
    let u = t + (t * (d + 1.0)).sqrt();
    let r = ln1p_f64::<M>(u) as f32;
    let r = if x == f32::INFINITY { x } else { r };
    if x < 1.0 || x.is_nan() {
        f32::NAN
    } else {
        r
    }
}

/// The inverse hyperbolic tangent: `ln(1 + u) / 2` with `u = 2a / (1 -
/// a)`, `a = |x|`; odd, +-inf at +-1, NaN beyond.
#[inline(always)]
pub fn atanh<M: MulAdd>(x: f32) -> f32 {
    let a = (x as f64).abs();
    let r = (0.5 * ln1p_f64::<M>(2.0 * a / (1.0 - a))) as f32;
    let r = if a == 1.0 { f32::INFINITY } else { r };
    let r = if a > 1.0 || a.is_nan() { f32::NAN } else { r };
    r.copysign(x)
}
