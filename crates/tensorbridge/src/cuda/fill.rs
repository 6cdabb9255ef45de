//! Filling new device tensors without kernels: zeros by `cuMemsetD8`, any
//! other value by uploading a small block of it once and doubling it with
//! device-to-device copies (log2 of the size in copies).

#![allow(unsafe_code)]

use cudarc::driver::sys;

use super::context::{check, gpu, STREAM};
use super::memory::memset_zero;
use super::staging::{self, DIRECT_MAX_BYTES};
use super::transfer::empty;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;

/// A new contiguous tensor of zeros on `device`.
pub(crate) fn zeros(shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
    let t = empty("zeros", shape, dtype, device, false)?;
    if !device.is_cpu() {
        memset_zero("zeros", device, t.storage().as_ptr() as u64, t.nbytes())?;
    }
    Ok(t)
}

/// A new contiguous tensor on the CUDA `device` with every element `value`
/// (converted like a cast).
pub(crate) fn full(shape: &[usize], value: Scalar, dtype: DType, device: Device) -> Result<Tensor> {
    const OP: &str = "full";
    let t = empty(OP, shape, dtype, device, false)?;
    let (n, itemsize) = (t.numel(), dtype.itemsize());
    if n == 0 {
        return Ok(t);
    }
    let gpu = gpu(OP, device)?;
    let seed = n.min((DIRECT_MAX_BYTES / itemsize).max(1));
    let block = Tensor::full(&[seed], value, dtype)?;
    let base = t.storage().as_ptr() as u64;
    // SAFETY: `block` is contiguous host memory of seed * itemsize bytes;
    // the destination is the new tensor's device memory, at least as long.
    unsafe {
        staging::upload(
            OP,
            gpu,
            base,
            std::slice::from_raw_parts(block.data_ptr(), seed * itemsize),
        )?
    };
    let mut done = seed;
    while done < n {
        let count = done.min(n - done);
        // SAFETY: source [0, count) and destination [done, done + count)
        // are disjoint ranges of the tensor's memory; stream order puts the
        // copy after the writes of the source range.
        check(OP, "cuMemcpyDtoDAsync", unsafe {
            sys::cuMemcpyDtoDAsync_v2(
                base + (done * itemsize) as u64,
                base,
                count * itemsize,
                STREAM,
            )
            .result()
        })?;
        done += count;
    }
    Ok(t)
}
