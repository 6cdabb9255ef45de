//! Float32 elementary functions written for the vectorizer.
//!
//! `libm`'s `expf`, `logf`, `sinf`, ... are calls: a loop over them runs
//! one element at a time, five to twenty times slower than NumPy's SIMD
//! loops. The functions here are straight-line arithmetic (selects instead
//! of branches, no calls, no tables but one small constant array), so
//! inside [`super::map::map1`]'s loops the compiler turns them into AVX2
//! code that handles four elements per instruction.
//!
//! Each computes in float64 from the exactly widened float32 input, with
//! polynomials whose truncation error is below 1e-13 relative, and rounds
//! once at the end: the float32 result is the correctly rounded value but
//! in rare near-halfway cases, where it is one unit in the last place off
//! (NumPy's and PyTorch's float32 loops promise 1 to 4 units). Subnormal
//! inputs and results need no special path, since every float32 is a
//! normal float64. Special values (NaN, infinities, signed zeros) are
//! selected explicitly and follow the Array API standard's tables.
//!
//! Each function is generic over [`MulAdd`]: [`Fused`] for the loops
//! compiled with FMA (one rounding and one instruction per polynomial
//! term), [`Separate`] for the baseline loops, where `mul_add` would be a
//! library call. The two builds agree within the stated accuracy.
//!
//! The tests compare every function against the float64 `libm` result
//! rounded to float32 on a sweep of bit patterns across the whole float32
//! range.

mod exp_log;
mod hyperbolic;
mod inverse_hyperbolic;
mod inverse_trig;
mod pow;
mod trig;

pub(crate) use exp_log::{exponent_and_mantissa, log_special, LN2_HI, LN2_LO};
pub(crate) use trig::{PIO2_1, PIO2_2};
pub use exp_log::{exp, expm1, log, log10, log1p, log2, logaddexp};
pub use hyperbolic::{cosh, sinh, tanh};
pub use inverse_hyperbolic::{acosh, asinh, atanh};
pub use inverse_trig::{acos, asin, atan, atan2};
pub use pow::pow_magnitude;
pub use trig::{cos, cos_small, sin, sin_small, tan, tan_small, SMALL_ARGUMENT_BITS};

/// How a polynomial step `a * b + c` is computed.
pub trait MulAdd {
    /// Whether [`MulAdd::mul_add`] rounds once (so that `a * b - (a * b)
    /// rounded` is the product's exact rounding error).
    const FUSED: bool;
    /// `a * b + c`.
    fn mul_add(a: f64, b: f64, c: f64) -> f64;
}

/// One fused multiply-add (for code compiled with FMA).
pub enum Fused {}

/// A multiply, then an add.
pub enum Separate {}

impl MulAdd for Fused {
    const FUSED: bool = true;
    #[inline(always)]
    fn mul_add(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
}

impl MulAdd for Separate {
    const FUSED: bool = false;
    #[inline(always)]
    fn mul_add(a: f64, b: f64, c: f64) -> f64 {
        a * b + c
    }
}

/// The polynomial with coefficients `c` (highest degree first) at `x`, by
/// Horner's rule.
#[inline(always)]
pub(crate) fn horner<M: MulAdd, const N: usize>(x: f64, c: [f64; N]) -> f64 {
    let mut p = c[0];
    for &k in &c[1..] {
        p = M::mul_add(p, x, k);
    }
    p
}

/// `x` limited to `[lo, hi]`, with NaN passed through (written as
/// comparisons so that it becomes `maxpd`/`minpd`, which keep a NaN first
/// operand).
#[inline(always)]
pub(crate) fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    let x = if x < lo { lo } else { x };
    if x > hi {
        hi
    } else {
        x
    }
}

/// `x` converted from a float64 holding an integer in `[-2^51, 2^51]`:
/// adding 1.5 * 2^52 leaves that integer in the low mantissa bits, read
/// without a float-to-int conversion, which AVX2 lacks for 64-bit lanes.
pub(crate) const ROUND_SHIFT: f64 = 6_755_399_441_055_744.0;

#[cfg(test)]
mod sweep;
