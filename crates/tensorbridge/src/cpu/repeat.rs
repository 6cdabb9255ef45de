//! The loop of `repeat` with a count per element: whole blocks of bytes
//! copied a varying number of times.
//!
//! A uniform count needs no loop of its own (it is a broadcast copy, see
//! [`crate::ops::replicate`]); varying counts would need one strided copy
//! per element, so this kernel copies contiguous blocks directly.

use rayon::prelude::*;

use crate::tensor::Tensor;

/// Output bytes below which the copy stays on the calling thread.
const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// Copies `src`, C-contiguous of logical shape `(outer, counts.len(), inner)`,
/// into the fresh C-contiguous `dst` of shape `(outer, sum(counts), inner)`,
/// writing block `(o, i, :)` `counts[i]` times in a row. Both share one dtype.
pub fn repeat_blocks(src: &Tensor, dst: &Tensor, outer: usize, counts: &[usize], inner: usize) {
    assert!(src.is_contiguous() && dst.is_contiguous() && src.dtype() == dst.dtype());
    assert!(dst.device().is_cpu() && src.device().is_cpu() && !dst.is_readonly());
    let total: usize = counts.iter().sum();
    assert_eq!(src.numel(), outer * counts.len() * inner);
    assert_eq!(dst.numel(), outer * total * inner);
    let block_bytes = inner * src.itemsize();
    if dst.numel() == 0 || block_bytes == 0 {
        return;
    }
    let (src_base, dst_base) = (src.data_ptr() as usize, dst.data_ptr() as usize);
    let in_row_bytes = counts.len() * block_bytes;
    let out_row_bytes = total * block_bytes;
    let row = |o: usize| {
        let mut from = src_base + o * in_row_bytes;
        let mut to = dst_base + o * out_row_bytes;
        for &c in counts {
            for _ in 0..c {
                // SAFETY: `from` is block `i` of row `o` of `src` and `to` the
                // next free block of row `o` of `dst`, both inside their
                // tensors by the size checks above; `dst` is a fresh
                // allocation, so the two never overlap, and each row of
                // `dst` is written by one task only.
                unsafe {
                    std::ptr::copy_nonoverlapping(from as *const u8, to as *mut u8, block_bytes)
                };
                to += block_bytes;
            }
            from += block_bytes;
        }
    };
    if outer > 1 && dst.nbytes() >= PARALLEL_MIN_BYTES && rayon::current_num_threads() > 1 {
        (0..outer).into_par_iter().for_each(row);
    } else {
        (0..outer).for_each(row);
    }
}
