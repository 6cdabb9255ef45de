//! Contiguous and strided runs folded pairwise: the inner loops of
//! reductions whose reduced dimension is innermost in memory.
//!
//! A run is cut into blocks of [`PAIRWISE_BLOCK`] elements, each folded into
//! [`LANES`] independent accumulators (which the compiler turns into SIMD
//! adds), and the blocks are combined as a binary tree, so the rounding
//! error grows with the logarithm of the length, as in NumPy's pairwise
//! summation.

use std::mem::MaybeUninit;

use super::fold::Fold;

/// Independent accumulators of a contiguous inner run.
pub const LANES: usize = 32;

const _: () = assert!(LANES == 32, "the lane tree in `pairwise` halves from 16");

/// Elements summed directly (in [`LANES`] accumulators) before pairwise
/// halving takes over: 16 per accumulator, like NumPy's 128-element blocks
/// of 8 accumulators.
pub const PAIRWISE_BLOCK: usize = 16 * LANES;

/// Folds `len` elements from `p` with stride `stride`.
///
/// # Safety
///
/// `p.offset(i * stride)` must be readable for every `i < len`.
pub unsafe fn fold_run<F: Fold>(
    op: &F,
    p: *const F::In,
    len: usize,
    stride: isize,
    out: usize,
) -> F::Acc {
    if stride == 1 {
        // SAFETY: `len` contiguous readable elements (caller contract).
        fold_contiguous(op, unsafe { std::slice::from_raw_parts(p, len) }, out)
    } else {
        // SAFETY: passed on.
        unsafe { fold_strided(op, p, len, stride, out) }
    }
}

/// Pairwise fold of a contiguous run: [`LANES`] accumulators per block of
/// [`PAIRWISE_BLOCK`] elements, blocks combined as a binary tree.
///
/// The loop is compiled twice: for the baseline x86-64 target (SSE2) and
/// with AVX2, chosen at run time, so the independent accumulators become
/// 256-bit adds where the CPU has them (NumPy dispatches the same way).
pub fn fold_contiguous<F: Fold>(op: &F, xs: &[F::In], out: usize) -> F::Acc {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { fold_contiguous_avx2(op, xs, out) };
    }
    pairwise(op, xs, out)
}

/// [`pairwise`] compiled with AVX2.
///
/// # Safety
///
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn fold_contiguous_avx2<F: Fold>(op: &F, xs: &[F::In], out: usize) -> F::Acc {
    pairwise(op, xs, out)
}

/// The pairwise tree without recursion, one tree per accumulator lane.
///
/// Each block of [`PAIRWISE_BLOCK`] elements is folded into [`LANES`]
/// lane accumulators (16 elements each); block `b`'s lanes then merge,
/// lane by lane, with the pending lanes of the blocks below it once per
/// trailing one bit of `b` (a binary counter: the halving tree of NumPy's
/// pairwise sum, kept in vector registers). The lanes are combined only
/// once, at the end.
#[inline(always)]
fn pairwise<F: Fold>(op: &F, xs: &[F::In], out: usize) -> F::Acc {
    const LEVELS: usize = 56;
    let mut pending: [MaybeUninit<[F::Acc; LANES]>; LEVELS] =
        [const { MaybeUninit::uninit() }; LEVELS];
    let mut depth = 0usize;
    let mut blocks = xs.chunks_exact(PAIRWISE_BLOCK);
    for (b, block) in (&mut blocks).enumerate() {
        let mut acc = fold_lanes(op, [op.identity(); LANES], block, out);
        let mut carry = b;
        while carry & 1 == 1 && depth > 0 {
            depth -= 1;
            // SAFETY: levels below `depth` were written and not yet read.
            let below = unsafe { pending[depth].assume_init_read() };
            for (a, p) in acc.iter_mut().zip(below) {
                *a = op.merge(p, *a);
            }
            carry >>= 1;
        }
        // 2^56 blocks would exceed any address space: `depth < LEVELS`.
        pending[depth.min(LEVELS - 1)].write(acc);
        depth += 1;
    }
    let tail = blocks.remainder();
    let mut lanes = fold_lanes(op, [op.identity(); LANES], tail, out);
    while depth > 0 {
        depth -= 1;
        // SAFETY: as above.
        let below = unsafe { pending[depth].assume_init_read() };
        for (a, p) in lanes.iter_mut().zip(below) {
            *a = op.merge(p, *a);
        }
    }
    for width in [16, 8, 4, 2, 1] {
        for k in 0..width {
            lanes[k] = op.merge(lanes[k], lanes[k + width]);
        }
    }
    let rest = &tail[tail.len() / LANES * LANES..];
    rest.iter().fold(lanes[0], |acc, &v| op.step(acc, v, out))
}

/// Folds the whole chunks of [`LANES`] elements of `xs` into `lanes`
/// (a remainder shorter than a chunk is left to the caller).
#[inline(always)]
fn fold_lanes<F: Fold>(
    op: &F,
    mut lanes: [F::Acc; LANES],
    xs: &[F::In],
    out: usize,
) -> [F::Acc; LANES] {
    for c in xs.chunks_exact(LANES) {
        for (l, &v) in lanes.iter_mut().zip(c) {
            *l = op.step(*l, v, out);
        }
    }
    lanes
}

/// Pairwise fold of a strided run, eight accumulators per block.
///
/// # Safety
///
/// As for [`fold_run`].
unsafe fn fold_strided<F: Fold>(
    op: &F,
    p: *const F::In,
    len: usize,
    stride: isize,
    out: usize,
) -> F::Acc {
    if len > PAIRWISE_BLOCK {
        let half = len / 2;
        // SAFETY: both halves are inside the caller's run.
        let (a, b) = unsafe {
            (
                fold_strided(op, p, half, stride, out),
                fold_strided(
                    op,
                    p.offset(half as isize * stride),
                    len - half,
                    stride,
                    out,
                ),
            )
        };
        return op.merge(a, b);
    }
    const K: usize = 8;
    let mut lanes = [op.identity(); K];
    let full = len / K * K;
    let mut i = 0;
    while i < full {
        for (k, l) in lanes.iter_mut().enumerate() {
            // SAFETY: `i + k < len` (caller contract).
            *l = op.step(*l, unsafe { *p.offset((i + k) as isize * stride) }, out);
        }
        i += K;
    }
    let mut acc = lanes.iter().skip(1).fold(lanes[0], |a, &b| op.merge(a, b));
    for i in full..len {
        // SAFETY: `i < len` (caller contract).
        acc = op.step(acc, unsafe { *p.offset(i as isize * stride) }, out);
    }
    acc
}
