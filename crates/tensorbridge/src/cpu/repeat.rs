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
    /// Block `i` `counts[i]` times; `starts[i]` is the sum of the counts
    /// before it (`starts.len() == counts.len() + 1`, the last entry the total).
    PerBlock {
        /// Repetitions of each block.
        counts: &'a [usize],
        /// Exclusive prefix sums of `counts`, plus the total.
        starts: &'a [usize],
    },
}

impl Counts<'_> {
    fn count(&self, i: usize) -> usize {
        match self {
            Counts::Uniform(r) => *r,
            Counts::PerBlock { counts, .. } => counts[i],
        }
    }

    fn start(&self, i: usize) -> usize {
        match self {
            Counts::Uniform(r) => i * r,
            Counts::PerBlock { starts, .. } => starts[i],
        }
    }
}

/// Addresses passed to worker threads (raw pointers are not `Send`).
#[derive(Copy, Clone)]
struct Bases {
    src: usize,
    dst: usize,
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
    let total = counts.start(n);
    assert_eq!(src.numel(), outer * n * inner);
    assert_eq!(dst.numel(), outer * total * inner);
    if let Counts::PerBlock { counts, starts } = counts {
        assert!(counts.len() == n && starts.len() == n + 1);
    }
    let size = src.itemsize();
    let block_bytes = inner * size;
    if dst.numel() == 0 {
        return;
    }
    let bases = Bases {
        src: src.data_ptr() as usize,
        dst: dst.data_ptr() as usize,
    };
    let chunk = (CHUNK_BYTES / block_bytes).clamp(1, n.max(1));
    let chunks_per_row = n.div_ceil(chunk);
    let task = |t: usize| {
        let (o, c) = (t / chunks_per_row, t % chunks_per_row);
        let (lo, hi) = (c * chunk, ((c + 1) * chunk).min(n));
        let from = bases.src + (o * n + lo) * block_bytes;
        let to = bases.dst + (o * total + counts.start(lo)) * block_bytes;
        // SAFETY: blocks `lo..hi` of row `o` lie inside `src`, and their
        // copies (`counts.start(lo)..counts.start(hi)` of row `o`) inside
        // `dst`, by the size checks above; `dst` is a fresh allocation, so
        // the two never overlap, and tasks write disjoint ranges.
        unsafe {
            match (inner, size) {
                (1, 1) => typed::<u8>(from, to, lo, hi, counts),
                (1, 2) => typed::<u16>(from, to, lo, hi, counts),
                (1, 4) => typed::<u32>(from, to, lo, hi, counts),
                (1, 8) => typed::<u64>(from, to, lo, hi, counts),
                (1, 16) => typed::<[u64; 2]>(from, to, lo, hi, counts),
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
/// `from` holds `hi - lo` readable, aligned values of `T`; `to` has room for
/// their repetitions, does not overlap `from`, and no one else touches it.
unsafe fn typed<T: Copy>(from: usize, to: usize, lo: usize, hi: usize, counts: Counts<'_>) {
    let (src, mut dst) = (from as *const T, to as *mut T);
    for i in lo..hi {
        // SAFETY: see the function's contract.
        unsafe {
            let v = src.add(i - lo).read();
            for _ in 0..counts.count(i) {
                dst.write(v);
                dst = dst.add(1);
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
