//! The sine, cosine and tangent loop over contiguous float32 and float64
//! tensors.
//!
//! Reducing a huge argument modulo pi/2 needs 2/pi to hundreds of bits, a
//! table lookup per element that the vectorizer turns into scalar code;
//! run on every element, it would make the whole loop several times slower
//! for inputs that almost never need it. So the input goes in blocks: a
//! block whose largest magnitude is below the bound (one integer max over
//! the block, which also brings it into cache) takes the cheap reduction,
//! any other block the full function: float32's own large-argument
//! reduction ([`vmath`]), the C library for float64 (whose vector functions
//! in [`vmath64`] stop at 2^20). Strided inputs, and CPUs without AVX2 and
//! FMA, take [`super::map::map1_fused`] (float32) or the C library
//! (float64).

use super::vmath::{self, Fused, SMALL_ARGUMENT_BITS};
use super::vmath64::{self, SMALL_TRIG_BITS};
use crate::{DType, Tensor};

/// Bytes per block: 16 KB, well inside the L1 cache.
const BLOCK_BYTES: usize = 16 << 10;

/// Elements of `T` per block.
const fn block_len<T>() -> usize {
    BLOCK_BYTES / std::mem::size_of::<T>()
}

/// Which function [`trig_contiguous`] computes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Trig {
    /// The sine.
    Sin,
    /// The cosine.
    Cos,
    /// The tangent.
    Tan,
}

/// A float type with a cheap form of the functions below a magnitude.
trait Blocked: Copy + Send + Sync {
    /// [`blocks`] with this type's functions for `which`.
    ///
    /// # Safety
    ///
    /// The CPU supports AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    unsafe fn run(which: Trig, out: &mut [Self], x: &[Self]);
}

impl Blocked for f32 {
    #[cfg(target_arch = "x86_64")]
    unsafe fn run(which: Trig, out: &mut [f32], x: &[f32]) {
        let below = |xs: &[f32]| {
            let largest = xs
                .iter()
                .fold(0u32, |m, v| m.max(v.to_bits() & 0x7fff_ffff));
            largest < SMALL_ARGUMENT_BITS
        };
        // SAFETY: per the contract.
        unsafe {
            match which {
                Trig::Sin => blocks(
                    out,
                    x,
                    below,
                    vmath::sin_small::<Fused>,
                    vmath::sin::<Fused>,
                ),
                Trig::Cos => blocks(
                    out,
                    x,
                    below,
                    vmath::cos_small::<Fused>,
                    vmath::cos::<Fused>,
                ),
                Trig::Tan => blocks(
                    out,
                    x,
                    below,
                    vmath::tan_small::<Fused>,
                    vmath::tan::<Fused>,
                ),
            }
        }
    }
}

impl Blocked for f64 {
    #[cfg(target_arch = "x86_64")]
    unsafe fn run(which: Trig, out: &mut [f64], x: &[f64]) {
        let below = |xs: &[f64]| {
            // Signed: AVX2 has a 64-bit signed compare but no unsigned max
            // (the magnitudes' bits are below 2^63 either way).
            let largest = xs.iter().fold(0i64, |m, v| {
                m.max((v.to_bits() & 0x7fff_ffff_ffff_ffff) as i64)
            });
            largest < SMALL_TRIG_BITS as i64
        };
        // SAFETY: per the contract.
        unsafe {
            match which {
                Trig::Sin => blocks(out, x, below, vmath64::sin_small::<Fused>, f64::sin),
                Trig::Cos => blocks(out, x, below, vmath64::cos_small::<Fused>, f64::cos),
                Trig::Tan => blocks(out, x, below, vmath64::tan_small::<Fused>, f64::tan),
            }
        }
    }
}

/// `out = f(x)` for the function `which` and contiguous float32 or float64
/// tensors of the same shape on a CPU with AVX2 and FMA; false (nothing
/// written) otherwise.
pub fn trig_contiguous(which: Trig, out: &Tensor, x: &Tensor) -> bool {
    match x.dtype() {
        DType::Float32 => contiguous::<f32>(which, out, x),
        DType::Float64 => contiguous::<f64>(which, out, x),
        _ => false,
    }
}

fn contiguous<T: Blocked>(which: Trig, out: &Tensor, x: &Tensor) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if !(x.is_contiguous() && out.is_contiguous() && super::map::wide_vectors()) {
            return false;
        }
        let n = x.numel();
        let (po, px) = (out.data_ptr() as usize, x.data_ptr() as usize);
        let threads = rayon::current_num_threads();
        let parts: Vec<(usize, usize)> = if n < super::map::PARALLEL_MIN_ELEMENTS || threads < 2 {
            vec![(0, n)]
        } else {
            let step = n.div_ceil(threads * 4).next_multiple_of(block_len::<T>());
            (0..n)
                .step_by(step)
                .map(|lo| (lo, (lo + step).min(n)))
                .collect()
        };
        super::parallel::for_each_part(&parts, |&(lo, hi)| {
            // SAFETY: both tensors are contiguous `T` of `n` elements (the
            // caller's contract), `out` is fresh and ours, the parts are
            // disjoint, and the CPU has AVX2 and FMA (checked above).
            unsafe {
                let xs = std::slice::from_raw_parts((px as *const T).add(lo), hi - lo);
                let os = std::slice::from_raw_parts_mut((po as *mut T).add(lo), hi - lo);
                T::run(which, os, xs)
            }
        });
        true
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (which, out, x);
        false
    }
}

/// `out = small(x)` block by block where `below(block)`, `full(x)`
/// elsewhere, in the widest vector build this CPU runs (the same results
/// in either: see [`super::map::vector_tier`]).
///
/// # Safety
///
/// The CPU supports AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
unsafe fn blocks<T: Copy>(
    out: &mut [T],
    x: &[T],
    below: impl Fn(&[T]) -> bool,
    small: impl Fn(T) -> T,
    full: impl Fn(T) -> T,
) {
    // SAFETY: the caller's contract, and AVX-512 checked for its build.
    unsafe {
        if super::map::vector_tier() == super::map::VectorTier::Avx512 {
            blocks_avx512(out, x, below, small, full)
        } else {
            blocks_avx2(out, x, below, small, full)
        }
    }
}

/// [`blocks_body`] with AVX2 and FMA.
///
/// # Safety
///
/// The CPU supports AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn blocks_avx2<T: Copy>(
    out: &mut [T],
    x: &[T],
    below: impl Fn(&[T]) -> bool,
    small: impl Fn(T) -> T,
    full: impl Fn(T) -> T,
) {
    blocks_body(out, x, below, small, full)
}

/// [`blocks_body`] with AVX-512.
///
/// # Safety
///
/// The CPU supports AVX-512 F, VL and DQ, AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx2,fma")]
unsafe fn blocks_avx512<T: Copy>(
    out: &mut [T],
    x: &[T],
    below: impl Fn(&[T]) -> bool,
    small: impl Fn(T) -> T,
    full: impl Fn(T) -> T,
) {
    blocks_body(out, x, below, small, full)
}

#[inline(always)]
fn blocks_body<T: Copy>(
    out: &mut [T],
    x: &[T],
    below: impl Fn(&[T]) -> bool,
    small: impl Fn(T) -> T,
    full: impl Fn(T) -> T,
) {
    let block = block_len::<T>();
    for (os, xs) in out.chunks_mut(block).zip(x.chunks(block)) {
        // NaN and infinities compare above the bound too: their block takes
        // the full function, which handles them as the cheap one would.
        if below(xs) {
            for (o, &v) in os.iter_mut().zip(xs) {
                *o = small(v);
            }
        } else {
            for (o, &v) in os.iter_mut().zip(xs) {
                *o = full(v);
            }
        }
    }
}
