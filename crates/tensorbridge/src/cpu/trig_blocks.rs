//! The float32 sine, cosine and tangent loop over contiguous tensors.
//!
//! Reducing a huge argument (|x| >= 2^19) modulo pi/2 needs 2/pi to 200
//! bits, a table lookup per element that the vectorizer turns into scalar
//! code; run on every element, it would make the whole loop three times
//! slower for inputs that almost never need it. So the input goes in
//! blocks: a block whose largest magnitude is below the bound (one integer
//! max over the block, which also brings it into cache) takes the cheap
//! reduction, any other block the full one. Strided inputs, and CPUs
//! without AVX2 and FMA, take [`super::map::map1_fused`] with the full
//! function.

use super::vmath::{self, Fused, SMALL_ARGUMENT_BITS};
use crate::Tensor;

/// Elements per block: 16 KB of float32, well inside the L1 cache.
const BLOCK: usize = 4096;

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

/// `out = f(x)` for the function `which` and contiguous float32 tensors of
/// the same shape on a CPU with AVX2 and FMA; false (nothing written)
/// otherwise.
pub fn trig_contiguous(which: Trig, out: &Tensor, x: &Tensor) -> bool {
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
            let step = n.div_ceil(threads * 4).next_multiple_of(BLOCK);
            (0..n)
                .step_by(step)
                .map(|lo| (lo, (lo + step).min(n)))
                .collect()
        };
        super::parallel::for_each_part(&parts, |&(lo, hi)| {
            // SAFETY: both tensors are contiguous float32 of `n` elements
            // (the caller's contract), `out` is fresh and ours, the parts
            // are disjoint, and the CPU has AVX2 and FMA (checked above).
            unsafe {
                let xs = std::slice::from_raw_parts((px as *const f32).add(lo), hi - lo);
                let os = std::slice::from_raw_parts_mut((po as *mut f32).add(lo), hi - lo);
                match which {
                    Trig::Sin => blocks(os, xs, vmath::sin_small::<Fused>, vmath::sin::<Fused>),
                    Trig::Cos => blocks(os, xs, vmath::cos_small::<Fused>, vmath::cos::<Fused>),
                    Trig::Tan => blocks(os, xs, vmath::tan_small::<Fused>, vmath::tan::<Fused>),
                }
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

/// # Safety
///
/// The CPU supports AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn blocks(
    out: &mut [f32],
    x: &[f32],
    small: impl Fn(f32) -> f32,
    full: impl Fn(f32) -> f32,
) {
    for (os, xs) in out.chunks_mut(BLOCK).zip(x.chunks(BLOCK)) {
        // NaN and infinities compare above the bound too: their block takes
        // the full function, which handles them as the cheap one would.
        let largest = xs
            .iter()
            .fold(0u32, |m, v| m.max(v.to_bits() & 0x7fff_ffff));
        if largest < SMALL_ARGUMENT_BITS {
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
