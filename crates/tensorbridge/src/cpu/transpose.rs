//! Same-dtype transposing copies through a small cache-resident buffer.
//!
//! When the source is contiguous along one dimension and the destination
//! along another, copying element by element reads (or writes) with a large
//! stride; with power-of-two strides every such access maps to the same
//! cache set and the tile thrashes. Instead each `BLOCK`×`BLOCK` tile is
//! gathered with contiguous reads into a local buffer, then scattered with
//! contiguous writes: the only strided accesses hit the buffer, which stays
//! in L1.

use crate::strided::{Dim2, Plan2};

/// Side of a tile, in elements.
const BLOCK: usize = 64;

/// Executes a tiled plan for elements of type `T` (a same-size stand-in for
/// the dtype). Returns false (doing nothing) for untiled plans.
///
/// # Safety
///
/// Every offset the plan produces must address a readable element of `T`
/// from `src` and a writable one from `dst`; the two must not overlap.
pub unsafe fn copy_tiled<T: Copy + Default>(plan: &Plan2, src: *const T, dst: *mut T) -> bool {
    let mut buf = vec![T::default(); BLOCK * BLOCK];
    plan.for_each_tile_origin(|oa, ob, td, inner| {
        for t0 in (0..td.size).step_by(BLOCK) {
            let tn = BLOCK.min(td.size - t0);
            for i0 in (0..inner.size).step_by(BLOCK) {
                let n_i = BLOCK.min(inner.size - i0);
                // SAFETY: the tile's elements are inside the plan (caller
                // contract); the buffer holds BLOCK*BLOCK elements.
                unsafe { tile(src, dst, &mut buf, oa, ob, td, inner, t0, tn, i0, n_i) };
            }
        }
    })
    .is_some()
}

/// One tile: `tn` positions of the tile dimension from `t0`, `n_i` of the
/// inner dimension from `i0`.
///
/// # Safety
///
/// As [`copy_tiled`], for the elements of this tile.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn tile<T: Copy>(
    src: *const T,
    dst: *mut T,
    buf: &mut [T],
    oa: isize,
    ob: isize,
    td: Dim2,
    inner: Dim2,
    t0: usize,
    tn: usize,
    i0: usize,
    n_i: usize,
) {
    let base_a = oa + t0 as isize * td.stride_a + i0 as isize * inner.stride_a;
    let base_b = ob + t0 as isize * td.stride_b + i0 as isize * inner.stride_b;
    // Gather: along the tile dimension the source is (nearly) contiguous.
    for ii in 0..n_i {
        let row = &mut buf[ii * BLOCK..ii * BLOCK + tn];
        let s = base_a + ii as isize * inner.stride_a;
        if td.stride_a == 1 {
            // SAFETY: the `tn` source elements from `s` are contiguous and in
            // the plan; `row` is a distinct local buffer.
            row.copy_from_slice(unsafe { std::slice::from_raw_parts(src.offset(s), tn) });
        } else {
            for (tt, slot) in row.iter_mut().enumerate() {
                // SAFETY: element (t0+tt, i0+ii) of the source is in the plan.
                *slot = unsafe { *src.offset(s + tt as isize * td.stride_a) };
            }
        }
    }
    // Scatter: along the inner dimension the destination is contiguous.
    for tt in 0..tn {
        let d = base_b + tt as isize * td.stride_b;
        if inner.stride_b == 1 {
            // SAFETY: the `n_i` destination elements from `d` are contiguous,
            // writable and in the plan; the buffer is a distinct allocation.
            let out = unsafe { std::slice::from_raw_parts_mut(dst.offset(d), n_i) };
            for (ii, o) in out.iter_mut().enumerate() {
                *o = buf[ii * BLOCK + tt];
            }
        } else {
            for ii in 0..n_i {
                // SAFETY: element (t0+tt, i0+ii) of the destination is in the plan.
                unsafe { *dst.offset(d + ii as isize * inner.stride_b) = buf[ii * BLOCK + tt] };
            }
        }
    }
}
