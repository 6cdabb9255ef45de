//! Strided copy between any two layouts, converting dtypes on the way.
//!
//! The walk comes from [`crate::strided::Plan2`] (merged dimensions,
//! cache tiles for transposes); each inner run goes to the cast kernel,
//! which is a plain `memcpy` when the dtypes match and both runs are
//! contiguous. Large copies are split into several parts per thread and
//! handed out by [`super::parallel::for_each_part`], so a thread whose core
//! is busy with another process holds back one small part, not half the
//! copy.

use crate::strided::Plan2;
use crate::tensor::Tensor;

/// Elements below which a copy stays on the calling thread.
pub const PARALLEL_MIN_ELEMENTS: usize = 1 << 18;

/// Parts per thread a large copy is split into: enough that the threads on
/// free cores can take over the share of one that is slowed down. A thread
/// sharing its core may still be holding the last part when the others are
/// done, so parts are kept small: on a 2-core machine with one core shared,
/// four per thread left the transposed 4096² copy about as slow as the
/// equal split half the time, eight per thread did not.
const PARTS_PER_THREAD: usize = 8;

/// Bytes read plus written below which a part is not split further, so that
/// claiming a part stays cheap next to copying it.
const PART_MIN_BYTES: usize = 256 << 10;

/// How many parts a large memory-bound job moving `traffic_bytes` (read
/// plus written) is split into for `threads` threads.
pub(crate) fn parts_for(threads: usize, traffic_bytes: usize) -> usize {
    (threads * PARTS_PER_THREAD).min(traffic_bytes / PART_MIN_BYTES).max(threads)
}

/// Addresses passed to worker threads (raw pointers are not `Send`).
#[derive(Copy, Clone)]
struct Bases {
    src: usize,
    dst: usize,
}

/// Copies every element of `src` into `dst`, converting to `dst`'s dtype.
///
/// The caller guarantees: equal shapes, both on the CPU, `dst` writable
/// without internal overlap, and no memory shared between the two (copy
/// `src` aside first if it overlaps).
pub fn copy_cast(src: &Tensor, dst: &Tensor) {
    super::host::only("copy_cast", &[src, dst]);
    assert_eq!(src.shape(), dst.shape(), "copy_cast needs equal shapes");
    debug_assert!(!dst.is_readonly() && !dst.layout().has_internal_overlap());
    let Some(plan) = Plan2::new(
        src.shape(),
        src.strides(),
        src.layout().offset() as isize,
        dst.strides(),
        dst.layout().offset() as isize,
    ) else {
        return;
    };
    let bases = Bases {
        src: src.storage().as_ptr() as usize,
        dst: dst.storage().as_ptr() as usize,
    };
    let (from, to) = (src.dtype(), dst.dtype());
    let run_plan = |p: &Plan2| {
        if from == to && p.tile.is_some() && from != crate::DType::Bool {
            // SAFETY: same contract as the runs below, for a same-size
            // stand-in element type of no stricter alignment (see
            // `dispatch_size!`).
            let done = super::gather::dispatch_size!(from.itemsize(), T => unsafe {
                super::transpose::copy_tiled::<T>(p, bases.src as *const T, bases.dst as *mut T)
            });
            if done {
                return;
            }
        }
        let (fs, ts) = (from.itemsize() as isize, to.itemsize() as isize);
        p.for_each_run(|oa, ob, n, sa, sb| {
            // SAFETY: the plan only produces offsets of elements inside both
            // layouts, which were checked against their storages; `dst` is
            // writable and does not overlap `src` (caller contract).
            unsafe {
                super::cast::cast_run(
                    from,
                    (bases.src as *const u8).offset(oa * fs),
                    sa,
                    to,
                    (bases.dst as *mut u8).offset(ob * ts),
                    sb,
                    n,
                )
            }
        });
    };
    let threads = rayon::current_num_threads();
    if plan.numel() < PARALLEL_MIN_ELEMENTS || threads < 2 {
        run_plan(&plan);
        return;
    }
    let parts = parts_for(threads, plan.numel().saturating_mul(from.itemsize() + to.itemsize()));
    // Split a tiled plan's tile dimension on tile boundaries, so every part
    // walks the same cache tiles the whole plan would.
    let align = if plan.tile == Some(0) {
        super::transpose::SPLIT_ALIGN
    } else {
        1
    };
    super::parallel::for_each_part(&plan.split(parts, align), run_plan);
}

/// The elements of a contiguous CPU tensor, copied into a `Vec<T>`; bool
/// bytes are normalised to 0/1. `T`'s size must equal the itemsize.
pub fn to_vec<T: crate::Element>(c: &Tensor) -> Vec<T> {
    super::host::only("to_vec", &[c]);
    assert!(c.is_contiguous() && c.device().is_cpu());
    assert_eq!(std::mem::size_of::<T>(), c.itemsize());
    let mut out = Vec::<T>::with_capacity(c.numel());
    // SAFETY: `c` is contiguous with `numel` initialised elements of
    // `size_of::<T>()` bytes at `data_ptr`; `out` has room for them. Bool
    // bytes are normalised before `set_len`, so no invalid `bool` exists.
    unsafe {
        std::ptr::copy_nonoverlapping(c.data_ptr(), out.as_mut_ptr() as *mut u8, c.nbytes());
        if T::DTYPE == crate::DType::Bool {
            let bytes = std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut u8, c.numel());
            bytes.iter_mut().for_each(|b| *b = (*b != 0) as u8);
        }
        out.set_len(c.numel());
    }
    out
}

/// Copies all of `src` (any layout), converted to `dst`'s dtype, into the
/// C-contiguous tensor `dst` starting at flat element `start`, in `src`'s C
/// order. Used to assemble a tensor from many parts without building a
/// view per part.
pub fn copy_into_flat(src: &Tensor, dst: &Tensor, start: usize) -> crate::Result<()> {
    dst.check_writable("copy")?;
    src.require_cpu("copy")?;
    let n = src.numel();
    if !dst.is_contiguous() || start.checked_add(n).is_none_or(|end| end > dst.numel()) {
        return Err(crate::Error::InvalidArgument {
            op: "copy_into_flat",
            reason: "the destination must be contiguous and long enough",
        });
    }
    if n == 0 {
        return Ok(());
    }
    let (from, to) = (src.dtype(), dst.dtype());
    let dst_base = dst.data_ptr() as usize + start * to.itemsize();
    if src.is_contiguous() {
        // SAFETY: `src` holds `n` contiguous readable elements at data_ptr;
        // `dst` is writable with room for `n` elements from `start`; they
        // are different storages or disjoint (a fresh destination).
        unsafe { super::cast::cast_run(from, src.data_ptr(), 1, to, dst_base as *mut u8, 1, n) };
        return Ok(());
    }
    let strides = crate::layout::contiguous_strides(src.shape())?;
    let plan = Plan2::new(
        src.shape(),
        src.strides(),
        src.layout().offset() as isize,
        &strides,
        0,
    )
    .expect("non-empty");
    let src_base = src.storage().as_ptr() as usize;
    let (fs, ts) = (from.itemsize() as isize, to.itemsize() as isize);
    plan.for_each_run(|oa, ob, len, sa, sb| {
        // SAFETY: offsets come from the plan over `src`'s checked layout and
        // a contiguous layout of `n` elements inside `dst` from `start`.
        unsafe {
            super::cast::cast_run(
                from,
                (src_base as *const u8).offset(oa * fs),
                sa,
                to,
                (dst_base as *mut u8).offset(ob * ts),
                sb,
                len,
            )
        }
    });
    Ok(())
}
