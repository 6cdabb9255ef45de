//! Float64 elementary functions written for the vectorizer.
//!
//! The C library's `exp`, `log`, `sin`, ... are calls, one element at a
//! time; NumPy's float64 loops are SIMD (SVML on AVX-512 machines) and
//! PyTorch's are SLEEF's, both several times faster. These are fdlibm's
//! algorithms (the ones the C libraries descend from, each within one unit
//! in the last place) rewritten as straight-line arithmetic: selects
//! instead of branches, no tables, no calls, so that inside
//! [`super::map::map1_fused`]'s loops the compiler turns them into AVX2
//! code that handles four elements per instruction (eight in the AVX-512
//! build).
//!
//! Where float32's functions ([`super::vmath`]) can compute in a wider type
//! and round once, float64 has none: these carry the rounding error that
//! matters as a second float64 (fdlibm's `hi`/`lo` pairs and its
//! three-part pi/2), and the tests bound each function's distance from the
//! C library's result on sweeps over the whole float64 range.
//!
//! Polynomial steps go through [`MulAdd`], as in [`super::vmath`]: fused
//! in the loops compiled with FMA, a multiply and an add otherwise. The
//! steps whose exactness the algorithms rely on (the argument reductions,
//! the `hi`/`lo` splits) are written with separate operations in both.
//!
//! `expm1`, `sinh` and `cosh` build on `exp`'s reduction (e^x = 2^k (s +
//! t), the sum rounded once) instead of fdlibm's own `expm1` polynomial;
//! `tanh` is Cephes' two forms (a rational function near zero, the
//! exponential beyond), both computed and one selected, with the
//! exponential form's rounding errors carried to one last addition.
//!
//! Every case of a function is computed and one selected, which only
//! vectorizes if the whole body is inlined into the loop: the loops take
//! them as [`super::map::Kernel1`] and [`super::map::Kernel2`] types,
//! whose `apply` is always inlined. (Through an `impl Fn` closure, LLVM
//! declines bodies past its size threshold, and the loop becomes a call
//! per element with `mul_add` a library call, slower than the C library:
//! the first branch-free `expm1` and `tanh` here met exactly that.)
//!
//! The sine, cosine and tangent here reduce arguments below 2^20 only
//! ([`SMALL_TRIG_BITS`]); [`super::trig_blocks`] sends blocks holding a
//! larger magnitude to the C library.

mod exp_log;
mod expm1;
mod hyperbolic;
mod hypot;
mod inverse_hyperbolic;
mod inverse_trig;
mod log1p;
mod logaddexp;
mod pow;
mod tanh;
mod trig;

pub use exp_log::{exp, log, log10, log2};
pub use expm1::expm1;
pub use hyperbolic::{cosh, sinh};
pub use hypot::hypot;
pub use inverse_hyperbolic::{acosh, asinh, atanh};
pub use inverse_trig::{acos, asin, atan, atan2};
pub use log1p::log1p;
pub use logaddexp::logaddexp;
pub use pow::{pow, pow_covers, with_sign_of_base};
pub use tanh::tanh;
pub use trig::{cos_small, sin_small, tan_small, SMALL_TRIG_BITS};

use super::vmath::{horner, MulAdd};

/// pi/4 as fdlibm splits it (`hi` + `lo`), shared by the tangent kernel
/// and the arctangent's reduction points.
const PIO4_HI: f64 = f64::from_bits(0x3fe9_21fb_5444_2d18);
const PIO4_LO: f64 = f64::from_bits(0x3c81_a626_3314_5c07);

/// `s` with its low 32 bits cleared (fdlibm's `SET_LOW_WORD(s, 0)`): its
/// square and its products with other short numbers are exact.
#[inline(always)]
fn high_half(s: f64) -> f64 {
    f64::from_bits(s.to_bits() & 0xffff_ffff_0000_0000)
}

#[cfg(test)]
pub(crate) use super::vmath::{Fused, Separate};

#[cfg(test)]
pub(crate) mod sweep;
