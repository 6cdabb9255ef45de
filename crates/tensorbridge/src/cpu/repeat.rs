//! The loop of `repeat`: blocks of a contiguous source, each copied a
//! number of times in a row into a contiguous destination.
//!
//! A block is everything after the repeated axis (one element when the
//! axis is the last). Single-element blocks are copied as typed values of
//! the element's size, larger ones with `memcpy`. Work is split over the
//! outer rows and over chunks of the repeated axis, so a flat repeat of a
//! large vector uses every thread too.

use rayon::prelude::*;

use crate::tensor::Tensor;

/// Output bytes below which the copy stays on the calling thread.
const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// Source bytes per parallel task (roughly).
const CHUNK_BYTES: usize = 1 << 16;

/// How many times each block is written.
#[derive(Copy, Clone, Debug)]
pub enum Counts<'a> {
    /// Every block the same number of times.
    Uniform(usize),
    /// Block `i` `counts[i]` times; the caller has checked that no count is
    /// negative and that their sum fits in `usize`.
    PerBlock(&'a [i64]),
}

impl Counts<'_> {
    #[inline(always)]
    fn count(&self, i: usize) -> usize {
        match self {
            Counts::Uniform(r) => *r,
            Counts::PerBlock(counts) => counts[i] as usize,
        }
    }
}

/// Calls `f` with the elements of `t`, a contiguous CPU int64 tensor,
/// borrowed in place (no copy).
pub fn with_i64_slice<R>(t: &Tensor, f: impl FnOnce(&[i64]) -> R) -> R {
    super::host::only("with_i64_slice", &[t]);
    assert!(t.is_contiguous() && t.device().is_cpu() && t.dtype() == crate::DType::Int64);
    if t.numel() == 0 {
        return f(&[]);
    }
    // SAFETY: `t` is a contiguous CPU tensor of `numel` int64 elements at
    // `data_ptr`, aligned for i64, and `t` (holding the storage alive) is
    // borrowed for the whole call.
    let s = unsafe { std::slice::from_raw_parts(t.data_ptr() as *const i64, t.numel()) };
    f(s)
}

/// Addresses passed to worker threads (raw pointers are not `Send`).
#[derive(Copy, Clone)]
struct Bases {
    src: usize,
    dst: usize,
}

/// A new C-contiguous tensor of `shape` holding `src` (C-contiguous, of
/// logical shape `(outer, n, inner)`) with each block repeated as
/// [`repeat_blocks`] does; `shape` must hold exactly the repeated elements.
pub fn repeat_new(
    src: &Tensor,
    shape: &[usize],
    outer: usize,
    n: usize,
    inner: usize,
    counts: Counts<'_>,
) -> crate::Result<Tensor> {
    // SAFETY: `repeat_blocks` writes every element of `out` (it asserts that
    // the counts fill exactly `out`'s element count) before it is returned.
    let out = unsafe { Tensor::uninit(shape, src.dtype())? };
    repeat_blocks(src, &out, outer, n, inner, counts);
    Ok(out)
}

/// Copies `src`, C-contiguous of logical shape `(outer, n, inner)`, into the
/// fresh C-contiguous `dst` of shape `(outer, total, inner)`, writing block
/// `(o, i, :)` `counts.count(i)` times in a row. Both have one dtype, and
/// `total` is the sum of the counts over `0..n`.
pub fn repeat_blocks(
    src: &Tensor,
    dst: &Tensor,
    outer: usize,
    n: usize,
    inner: usize,
    counts: Counts<'_>,
) {
    assert!(src.is_contiguous() && dst.is_contiguous() && src.dtype() == dst.dtype());
    assert!(dst.device().is_cpu() && src.device().is_cpu() && !dst.is_readonly());
    if let Counts::PerBlock(c) = counts {
        assert_eq!(c.len(), n);
    }
    let size = src.itemsize();
    let block_bytes = inner * size;
    assert_eq!(src.numel(), outer * n * inner);
    if dst.numel() == 0 {
        return;
    }
    let chunk = (CHUNK_BYTES / block_bytes).clamp(1, n.max(1));
    let chunks_per_row = n.div_ceil(chunk);
    // Where each chunk's copies start within a row of the output.
    let mut chunk_starts = Vec::with_capacity(chunks_per_row + 1);
    let mut acc = 0usize;
    chunk_starts.push(0);
    for c in 0..chunks_per_row {
        acc += match counts {
            Counts::Uniform(r) => r * ((c + 1) * chunk).min(n).saturating_sub(c * chunk),
            Counts::PerBlock(v) => v[c * chunk..((c + 1) * chunk).min(n)]
                .iter()
                .map(|&r| r as usize)
                .sum(),
        };
        chunk_starts.push(acc);
    }
    let total = acc;
    assert_eq!(dst.numel(), outer * total * inner);
    let bases = Bases {
        src: src.data_ptr() as usize,
        dst: dst.data_ptr() as usize,
    };
    let task = |t: usize| {
        let (o, c) = (t / chunks_per_row, t % chunks_per_row);
        let (lo, hi) = (c * chunk, ((c + 1) * chunk).min(n));
        let from = bases.src + (o * n + lo) * block_bytes;
        let to = bases.dst + (o * total + chunk_starts[c]) * block_bytes;
        let room = chunk_starts[c + 1] - chunk_starts[c];
        // SAFETY: blocks `lo..hi` of row `o` lie inside `src`, and their
        // copies (`chunk_starts[c]..chunk_starts[c + 1]` of row `o`) inside
        // `dst`, by the size checks above; `dst` is a fresh allocation, so
        // the two never overlap, and tasks write disjoint ranges.
        unsafe {
            match (inner, size) {
                (1, 1) => typed::<u8>(from, to, lo, hi, room, counts),
                (1, 2) => typed::<u16>(from, to, lo, hi, room, counts),
                (1, 4) => typed::<u32>(from, to, lo, hi, room, counts),
                (1, 8) => typed::<u64>(from, to, lo, hi, room, counts),
                (1, 16) => typed::<[u64; 2]>(from, to, lo, hi, room, counts),
                _ => blocks(from, to, lo, hi, block_bytes, counts),
            }
        }
    };
    let tasks = outer * chunks_per_row;
    if tasks > 1 && dst.nbytes() >= PARALLEL_MIN_BYTES && rayon::current_num_threads() > 1 {
        (0..tasks).into_par_iter().for_each(task);
    } else {
        (0..tasks).for_each(task);
    }
}

/// Single-element blocks `lo..hi` starting at `from`, written from `to`.
///
/// # Safety
///
/// `from` holds `hi - lo` readable, aligned values of `T`; `to` has `room`
/// slots, exactly enough for their repetitions, that do not overlap `from`
/// and that no one else touches meanwhile.
unsafe fn typed<T: Copy>(
    from: usize,
    to: usize,
    lo: usize,
    hi: usize,
    room: usize,
    counts: Counts<'_>,
) {
    let (src, mut dst) = (from as *const T, to as *mut T);
    match counts {
        Counts::Uniform(r) => {
            for i in 0..hi - lo {
                // SAFETY: see the function's contract.
                unsafe {
                    let v = src.add(i).read();
                    for j in 0..r {
                        dst.add(j).write(v);
                    }
                    dst = dst.add(r);
                }
            }
        }
        Counts::PerBlock(counts) => {
            // Small counts vary unpredictably from element to element; a
            // branch on each count would mispredict, so up to `SMALL` copies
            // are written unconditionally (the surplus is overwritten by the
            // next elements) while at least `SMALL` slots remain.
            const SMALL: usize = 4;
            let mut written = 0usize;
            for (i, &c) in counts[lo..hi].iter().enumerate() {
                let c = c as usize;
                // SAFETY: see the function's contract; `written + c` never
                // exceeds `room`, and the unconditional writes stay below it.
                unsafe {
                    let v = src.add(i).read();
                    let at = dst.add(written);
                    if c <= SMALL && written + SMALL <= room {
                        for j in 0..SMALL {
                            at.add(j).write(v);
                        }
                    } else {
                        for j in 0..c {
                            at.add(j).write(v);
                        }
                    }
                }
                written += c;
            }
        }
    }
}

/// Blocks of `block_bytes` bytes, `lo..hi` starting at `from`, written from `to`.
///
/// # Safety
///
/// As for [`typed`], in bytes.
unsafe fn blocks(
    from: usize,
    to: usize,
    lo: usize,
    hi: usize,
    block_bytes: usize,
    counts: Counts<'_>,
) {
    let (mut src, mut dst) = (from as *const u8, to as *mut u8);
    for i in lo..hi {
        for _ in 0..counts.count(i) {
            // SAFETY: see the function's contract.
            unsafe {
                std::ptr::copy_nonoverlapping(src, dst, block_bytes);
                dst = dst.add(block_bytes);
            }
        }
        // SAFETY: stays within (or one past) the source range.
        src = unsafe { src.add(block_bytes) };
    }
}
