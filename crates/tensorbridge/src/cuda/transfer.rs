//! Moving tensors between the host and GPUs, and between GPUs.
//!
//! A dense view (its elements fill a block of memory exactly, in any
//! dimension order) moves as one block of bytes and keeps its strides, as
//! PyTorch's copies keep a dense tensor's memory format: a transposed
//! matrix arrives transposed, with no gather on either side. Other views
//! (gaps, broadcasts, negative strides) are made contiguous on the host
//! first, or, coming from a GPU, moved as the block they span and made
//! contiguous on the host after.

#![allow(unsafe_code)]

use std::sync::Arc;

use cudarc::driver::{result, sys};

use super::context::{check, gpu, Gpu, STREAM};
use super::fill::empty;
use super::memory::device_storage;
use super::pinned::{is_pinned, pinned_storage};
use super::staging;
use crate::device::Device;
use crate::error::Result;
use crate::layout::Layout;
use crate::storage::Storage;
use crate::tensor::Tensor;

/// A block of a tensor's storage: the elements `lo..=hi` its view spans.
struct Span {
    lo: usize,
    len_bytes: usize,
}

impl Span {
    fn of(t: &Tensor) -> Option<Span> {
        let (lo, hi) = t.layout().span()?;
        Some(Span {
            lo,
            len_bytes: (hi - lo + 1) * t.itemsize(),
        })
    }

    /// `t`'s layout over a copy of just this block.
    fn rebase(&self, t: &Tensor, storage: Arc<Storage>) -> Result<Tensor> {
        let len = self.len_bytes / t.itemsize();
        let layout = Layout::checked(t.shape(), t.strides(), t.layout().offset() - self.lo, len)?;
        Ok(Tensor::from_parts(storage, layout, t.dtype()))
    }

    /// The block's start in `t`'s storage.
    fn start(&self, t: &Tensor) -> *const u8 {
        t.storage().as_ptr().wrapping_add(self.lo * t.itemsize())
    }
}

/// `t` on `device`: the tensor itself when it is already there, else a
/// copy. `non_blocking` lets copies from or to pinned memory return before
/// they finish (synchronise before reading the result on the host).
pub(crate) fn to_device(t: &Tensor, device: Device, non_blocking: bool) -> Result<Tensor> {
    match (t.device(), device) {
        (a, b) if a == b => Ok(t.clone()),
        (Device::Cpu, Device::Cuda(_)) => upload(t, device, non_blocking),
        (Device::Cuda(_), Device::Cpu) => download(t, non_blocking),
        _ => between_gpus(t, device),
    }
}

fn upload(t: &Tensor, device: Device, non_blocking: bool) -> Result<Tensor> {
    const OP: &str = "copying to CUDA";
    let gpu = gpu(OP, device)?;
    let src = if t.dense_order().is_some() {
        t.clone()
    } else {
        t.to_contiguous()?
    };
    let Some(span) = Span::of(&src) else {
        return empty(OP, t.shape(), t.dtype(), device, false);
    };
    let storage = device_storage(OP, device, span.len_bytes)?;
    let dst = storage.as_ptr() as u64;
    if is_pinned(src.storage()) {
        gpu.bind(OP)?;
        // SAFETY: page-locked source and fresh device memory of len_bytes each;
        // both stay alive until the copy finishes (tracked or synchronised).
        check(OP, "cuMemcpyHtoDAsync", unsafe {
            sys::cuMemcpyHtoDAsync_v2(dst, span.start(&src).cast(), span.len_bytes, STREAM).result()
        })?;
        finish(
            OP,
            gpu,
            non_blocking,
            src.storage().clone(),
            storage.clone(),
        )?;
    } else {
        // SAFETY: the span's bytes are the source's readable memory.
        let bytes = unsafe { std::slice::from_raw_parts(span.start(&src), span.len_bytes) };
        // SAFETY: `dst` is fresh device memory of len_bytes, owned by `storage`.
        unsafe { staging::upload(OP, gpu, dst, bytes)? };
    }
    span.rebase(&src, storage)
}

fn download(t: &Tensor, non_blocking: bool) -> Result<Tensor> {
    const OP: &str = "copying to the CPU";
    let gpu = gpu(OP, t.device())?;
    let Some(span) = Span::of(t) else {
        return empty(OP, t.shape(), t.dtype(), Device::Cpu, false);
    };
    let dense = t.dense_order().is_some();
    let src = span.start(t) as u64;
    let host = if non_blocking && dense {
        let host = pinned_storage(OP, span.len_bytes)?;
        gpu.bind(OP)?;
        // SAFETY: fresh pinned memory and the tensor's device bytes, kept
        // alive until the copy finishes (tracked).
        check(OP, "cuMemcpyDtoHAsync", unsafe {
            sys::cuMemcpyDtoHAsync_v2(host.as_ptr() as *mut _, src, span.len_bytes, STREAM).result()
        })?;
        finish(OP, gpu, true, t.storage().clone(), host.clone())?;
        host
    } else {
        let host = Arc::new(Storage::uninit(span.len_bytes)?);
        // SAFETY: fresh host memory of len_bytes that nothing else sees yet.
        let bytes = unsafe { std::slice::from_raw_parts_mut(host.as_mut_ptr(OP)?, span.len_bytes) };
        // SAFETY: the span is the tensor's readable device memory.
        unsafe { staging::download(OP, gpu, bytes, src)? };
        host
    };
    let out = span.rebase(t, host)?;
    if dense {
        Ok(out)
    } else {
        out.to_contiguous()
    }
}

fn between_gpus(t: &Tensor, device: Device) -> Result<Tensor> {
    const OP: &str = "copying between CUDA devices";
    let (from, to) = (gpu(OP, t.device())?, gpu(OP, device)?);
    let Some(span) = Span::of(t) else {
        return empty(OP, t.shape(), t.dtype(), device, false);
    };
    let storage = device_storage(OP, device, span.len_bytes)?;
    // The copy is queued on the destination's stream, which is not ordered
    // with the source device's: let the source's queued work finish first.
    from.synchronize(OP)?;
    to.bind(OP)?;
    // SAFETY: both ranges are live device memory of len_bytes in their
    // devices' contexts; both stay alive until the copy finishes (tracked).
    check(OP, "cuMemcpyPeerAsync", unsafe {
        result::memcpy_peer_async(
            to.context(),
            storage.as_ptr() as u64,
            from.context(),
            span.start(t) as u64,
            span.len_bytes,
            STREAM,
        )
    })?;
    finish(OP, to, true, t.storage().clone(), storage.clone())?;
    span.rebase(t, storage)
}

/// After queuing an asynchronous copy between `src` and `dst`: keeps both
/// alive until it finishes (`non_blocking`), or waits for it.
fn finish(
    op: &'static str,
    gpu: &'static Gpu,
    non_blocking: bool,
    src: Arc<Storage>,
    dst: Arc<Storage>,
) -> Result<()> {
    gpu.in_flight.reap(false);
    if non_blocking {
        gpu.in_flight.track(op, src, dst)
    } else {
        gpu.synchronize(op)
    }
}

/// A copy of the CPU tensor `t` in pinned memory (contiguous), or `t`
/// itself when it is pinned already.
pub(crate) fn pin_memory(t: &Tensor) -> Result<Tensor> {
    const OP: &str = "pin_memory";
    t.require_cpu(OP)?;
    if is_pinned(t.storage()) {
        return Ok(t.clone());
    }
    let layout = Layout::contiguous(t.shape())?;
    let storage = pinned_storage(OP, t.checked_nbytes()?)?;
    let out = Tensor::from_parts(storage, layout, t.dtype());
    out.copy_(t)?;
    Ok(out)
}

/// Whether `t` lives in pinned host memory.
pub(crate) fn tensor_is_pinned(t: &Tensor) -> bool {
    is_pinned(t.storage())
}
