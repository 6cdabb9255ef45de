//! tanh, sinh and cosh of float32 (see the module docs).

use super::exp_log::{exp_f64, expm1_f64};
use super::{clamp, MulAdd};

/// The hyperbolic tangent: `expm1(2|x|) / (expm1(2|x|) + 2)` with x's sign,
/// accurate near zero and exactly +-1 from |x| = 9.1 on.
#[inline(always)]
pub fn tanh<M: MulAdd>(x: f32) -> f32 {
    let a = clamp((x as f64).abs(), 0.0, 20.0);
    let em = expm1_f64::<M>(2.0 * a);
    ((em / (em + 2.0)) as f32).copysign(x)
}

/// The hyperbolic sine: `(E + E / (E + 1)) / 2` with `E = expm1(|x|)` and
/// x's sign, which keeps tiny arguments' relative accuracy.
#[inline(always)]
pub fn sinh<M: MulAdd>(x: f32) -> f32 {
    let a = clamp((x as f64).abs(), 0.0, 100.0);
    let em = expm1_f64::<M>(a);
    ((0.5 * (em + em / (em + 1.0))) as f32).copysign(x)
}

/// The hyperbolic cosine: `(e^|x| + e^-|x|) / 2`.
#[inline(always)]
pub fn cosh<M: MulAdd>(x: f32) -> f32 {
    let a = clamp((x as f64).abs(), 0.0, 100.0);
    let e = exp_f64::<M>(a);
    (0.5 * e + 0.5 / e) as f32
}
