//! Same-dtype transposing copies through a small cache-resident buffer.
//!
//! When the source is contiguous along one dimension and the destination
//! along another, copying element by element reads (or writes) with a large
//! stride; with power-of-two strides every such access maps to the same
//! cache set and the tile thrashes. Instead each `TB`×`IB` tile is
//! gathered with contiguous reads into a local buffer, then scattered with
//! contiguous writes: the only strided accesses hit the buffer, which stays
//! in L1.

use crate::strided::{Dim2, Plan2};

/// Tile length along the source-contiguous (tile) dimension.
const TB: usize = TB_V;
/// Tile length along the destination-contiguous (inner) dimension.
const IB: usize = IB_V;
const TB_V: usize = 64;
const IB_V: usize = 64;

/// Granularity at which a tiled plan may be split along its tile dimension
/// without changing the tiles either kernel here or
/// [`Plan2::for_each_run`] walks: a whole number of both.
pub const SPLIT_ALIGN: usize = TB;
const _: () = assert!(SPLIT_ALIGN % crate::strided::TILE == 0);

/// Executes a tiled plan for elements of type `T` (a same-size stand-in for
/// the dtype). Returns false (doing nothing) for untiled plans.
///
/// # Safety
///
/// Every offset the plan produces must address a readable element of `T`
/// from `src` and a writable one from `dst`; the two must not overlap.
pub unsafe fn copy_tiled<T: Copy + Default>(plan: &Plan2, src: *const T, dst: *mut T) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::mem::size_of::<T>() == 4 {
        let done = plan.for_each_tile_origin(|oa, ob, td, inner| {
            if td.stride_a == 1 && inner.stride_b == 1 {
                // SAFETY: as this function's contract; 4-byte elements are
                // moved as f32 bit patterns (SSE moves never alter bits).
                unsafe { sse2::transpose_u32(src.cast(), dst.cast(), oa, ob, td, inner) };
            } else {
                // SAFETY: as this function's contract.
                unsafe { buffered(src, dst, oa, ob, td, inner) };
            }
        });
        return done.is_some();
    }
    plan.for_each_tile_origin(|oa, ob, td, inner| {
        // SAFETY: as this function's contract.
        unsafe { buffered(src, dst, oa, ob, td, inner) };
    })
    .is_some()
}

/// The generic tiled copy through a local buffer, for one tile origin.
///
/// # Safety
///
/// As [`copy_tiled`].
unsafe fn buffered<T: Copy + Default>(
    src: *const T,
    dst: *mut T,
    oa: isize,
    ob: isize,
    td: Dim2,
    inner: Dim2,
) {
    let mut buf = vec![T::default(); TB * IB];
    for t0 in (0..td.size).step_by(TB) {
        let tn = TB.min(td.size - t0);
        for i0 in (0..inner.size).step_by(IB) {
            let n_i = IB.min(inner.size - i0);
            // SAFETY: the tile's elements are inside the plan (caller
            // contract); the buffer holds TB*IB elements.
            unsafe { tile(src, dst, &mut buf, oa, ob, td, inner, t0, tn, i0, n_i) };
        }
    }
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
        let row = &mut buf[ii * TB..ii * TB + tn];
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
            for (o, b) in out.iter_mut().zip(buf[tt..].iter().step_by(TB)) {
                *o = *b;
            }
        } else {
            for ii in 0..n_i {
                // SAFETY: element (t0+tt, i0+ii) of the destination is in the plan.
                unsafe { *dst.offset(d + ii as isize * inner.stride_b) = buf[ii * TB + tt] };
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    //! 4×4 in-register transposes of 4-byte elements with SSE2 (part of
    //! the x86-64 baseline, so no runtime detection is needed).

    use std::arch::x86_64::{
        __m128, _mm_loadu_ps, _mm_movehl_ps, _mm_movelh_ps, _mm_storeu_ps, _mm_unpackhi_ps,
        _mm_unpacklo_ps,
    };

    use super::{IB, TB};
    use crate::strided::Dim2;

    /// Transposing copy for one tile origin where the source is contiguous
    /// along `td` and the destination along `inner`.
    ///
    /// # Safety
    ///
    /// As [`super::copy_tiled`], with `td.stride_a == 1` and `inner.stride_b == 1`.
    pub(super) unsafe fn transpose_u32(
        src: *const f32,
        dst: *mut f32,
        oa: isize,
        ob: isize,
        td: Dim2,
        inner: Dim2,
    ) {
        let (sa, db) = (inner.stride_a, td.stride_b);
        for t0 in (0..td.size).step_by(TB) {
            let t1 = (t0 + TB).min(td.size);
            for i0 in (0..inner.size).step_by(IB) {
                let i1 = (i0 + IB).min(inner.size);
                let t4 = t0 + (t1 - t0) / 4 * 4;
                let i4 = i0 + (i1 - i0) / 4 * 4;
                for t in (t0..t4).step_by(4) {
                    for i in (i0..i4).step_by(4) {
                        let s = oa + t as isize + i as isize * sa;
                        let d = ob + t as isize * db + i as isize;
                        // SAFETY: the 4×4 block (t..t+4, i..i+4) is inside the
                        // plan; source rows are 4 contiguous elements along
                        // `td`, destination rows 4 contiguous along `inner`.
                        unsafe {
                            let r = [
                                _mm_loadu_ps(src.offset(s)),
                                _mm_loadu_ps(src.offset(s + sa)),
                                _mm_loadu_ps(src.offset(s + 2 * sa)),
                                _mm_loadu_ps(src.offset(s + 3 * sa)),
                            ];
                            let o = transpose4(r);
                            for (k, v) in o.iter().enumerate() {
                                _mm_storeu_ps(dst.offset(d + k as isize * db), *v);
                            }
                        }
                    }
                }
                // Ragged edges, element by element.
                for t in t0..t1 {
                    let from_i = if t < t4 { i4 } else { i0 };
                    for i in from_i..i1 {
                        // SAFETY: element (t, i) is inside the plan.
                        unsafe {
                            *dst.offset(ob + t as isize * db + i as isize) =
                                *src.offset(oa + t as isize + i as isize * sa)
                        };
                    }
                }
            }
        }
    }

    /// Transposes a 4×4 block held as four rows.
    #[inline(always)]
    fn transpose4(r: [__m128; 4]) -> [__m128; 4] {
        // SAFETY: SSE2 is part of the x86-64 baseline; these are pure
        // register shuffles.
        unsafe {
            let a = _mm_unpacklo_ps(r[0], r[1]);
            let b = _mm_unpacklo_ps(r[2], r[3]);
            let c = _mm_unpackhi_ps(r[0], r[1]);
            let d = _mm_unpackhi_ps(r[2], r[3]);
            [
                _mm_movelh_ps(a, b),
                _mm_movehl_ps(b, a),
                _mm_movelh_ps(c, d),
                _mm_movehl_ps(d, c),
            ]
        }
    }
}
