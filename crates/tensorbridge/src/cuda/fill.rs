//! Creating device tensors (and pinned host ones): uninitialised, and
//! filled without kernels: zeros by `cuMemsetD8`, any
//! other value by uploading a small block of it once and doubling it with
//! device-to-device copies (log2 of the size in copies).

#![allow(unsafe_code)]

use std::sync::Arc;

use cudarc::driver::sys;

use super::context::{check, gpu, STREAM};
use super::memory::{device_storage, memset_zero};
use super::pinned::pinned_storage;
use super::staging::{self, DIRECT_MAX_BYTES};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::scalar::Scalar;
use crate::storage::Storage;
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

/// An uninitialised contiguous tensor on `device`; in pinned host memory
/// when `device` is the CPU and `pinned`.
pub(crate) fn empty(
    op: &'static str,
    shape: &[usize],
    dtype: DType,
    device: Device,
    pinned: bool,
) -> Result<Tensor> {
    let layout = Layout::contiguous(shape)?;
    let len_bytes = layout
        .numel()
        .checked_mul(dtype.itemsize())
        .ok_or(Error::Overflow { what: "byte size" })?;
    let storage = match device {
        Device::Cpu if pinned => pinned_storage(op, len_bytes)?,
        Device::Cpu => Arc::new(Storage::zeroed(len_bytes)?),
        Device::Cuda(_) => device_storage(op, device, len_bytes)?,
    };
    Ok(Tensor::from_parts(storage, layout, dtype))
}
