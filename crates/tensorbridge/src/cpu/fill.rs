//! Filling a tensor with one value, and reading one element.

use crate::dtype::DType;
use crate::scalar::Scalar;
use crate::strided::Plan2;
use crate::tensor::Tensor;

/// Converts `value` to `dtype` with the same rules as array casts, as bytes.
pub fn scalar_to_bytes(value: Scalar, dtype: DType) -> [u8; 16] {
    let (from, bytes) = value.to_ne_bytes();
    let mut out = [0u8; 16];
    // SAFETY: both buffers hold one element of their dtype (16 bytes is the
    // largest itemsize), suitably aligned by copying through aligned arrays.
    unsafe {
        let src = AlignedBytes(bytes);
        let mut dst = AlignedBytes([0u8; 16]);
        super::cast::cast_run(from, src.0.as_ptr(), 1, dtype, dst.0.as_mut_ptr(), 1, 1);
        out.copy_from_slice(&dst.0);
    }
    out
}

#[repr(align(16))]
struct AlignedBytes([u8; 16]);

/// Writes `value` into every element of `dst` (caller checked writability).
///
/// Each run stores a typed value (the same-size stand-in of
/// `dispatch_size!`), so a contiguous run compiles to wide vector stores;
/// large fills are split across threads like copies.
pub fn fill(dst: &Tensor, value: Scalar) {
    super::host::only("fill", &[dst]);
    let elem = AlignedBytes(scalar_to_bytes(value, dst.dtype()));
    let zeros = vec![0isize; dst.ndim()];
    let Some(plan) = Plan2::new(dst.shape(), &zeros, 0, dst.strides(), dst.layout().offset() as isize) else {
        return;
    };
    let itemsize = dst.dtype().itemsize();
    let base = dst.storage().as_ptr() as usize;
    super::gather::dispatch_size!(itemsize, T => {
        // SAFETY: `elem` holds one element of `itemsize` bytes, and `T` is
        // a plain-data type of that size.
        let v: T = unsafe { std::ptr::read_unaligned(elem.0.as_ptr() as *const T) };
        let run_plan = |p: &Plan2| {
            p.for_each_run(|_, ob, n, _, sb| {
                // SAFETY: offsets come from the plan over `dst`'s checked
                // layout; `T`'s alignment is no stricter than the dtype's,
                // which the storage honours; runs of parts are disjoint.
                unsafe { fill_run((base as *mut T).offset(ob), sb, n, v) }
            })
        };
        let threads = rayon::current_num_threads();
        if plan.numel() < super::copy::PARALLEL_MIN_ELEMENTS || threads < 2 {
            run_plan(&plan);
        } else {
            let parts = super::copy::parts_for(threads, plan.numel().saturating_mul(itemsize));
            super::parallel::for_each_part(&plan.split(parts, 1), run_plan);
        }
    });
}

/// Stores `v` at `n` elements from `dst`, `stride` elements apart.
///
/// # Safety
///
/// Every addressed element lies inside one writable allocation.
#[inline(always)]
unsafe fn fill_run<T: Copy>(dst: *mut T, stride: isize, n: usize, v: T) {
    if stride == 1 {
        // SAFETY: per the contract, `n` contiguous elements from `dst`.
        unsafe { std::slice::from_raw_parts_mut(dst, n) }.fill(v);
    } else {
        for i in 0..n as isize {
            // SAFETY: per the contract.
            unsafe { dst.offset(i * stride).write(v) };
        }
    }
}

/// Reads the element at `offset_bytes` from the start of `t`'s storage.
pub fn read_scalar(t: &Tensor, offset_bytes: usize) -> Scalar {
    super::host::only("read_scalar", &[t]);
    assert!(offset_bytes + t.itemsize() <= t.storage().len_bytes());
    // SAFETY: the range was just checked to lie inside the storage.
    let bytes = unsafe { std::slice::from_raw_parts(t.storage().as_ptr().add(offset_bytes), t.itemsize()) };
    Scalar::from_ne_bytes(t.dtype(), bytes)
}

/// Writes `values` into the contiguous 1-d tensor `dst`, each converted like
/// a cast (the general path of building a tensor from Python numbers).
pub fn write_scalars(dst: &Tensor, values: &[Scalar]) -> crate::Result<()> {
    super::host::only("write_scalars", &[dst]);
    dst.check_writable("write")?;
    assert!(dst.ndim() == 1 && dst.is_contiguous() && dst.numel() == values.len());
    let dtype = dst.dtype();
    let size = dtype.itemsize();
    let base = dst.data_ptr() as *mut u8;
    for (i, v) in values.iter().enumerate() {
        let bytes = scalar_to_bytes(*v, dtype);
        // SAFETY: `dst` is writable, contiguous and holds `values.len()`
        // elements of `size` bytes from `base`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), base.add(i * size), size) };
    }
    Ok(())
}
