//! Pinned (page-locked) host memory: what the GPU's copy engines read and
//! write directly, so copies from and to it run at full bus speed and can
//! be asynchronous.
//!
//! Pinned storage is CPU storage like any other (NumPy can view it, CPU
//! kernels read it); only its owner differs. Allocations are *portable*,
//! usable with every device's context.

#![allow(unsafe_code)]

use std::any::Any;
use std::sync::Arc;

use cudarc::driver::{result, sys};

use super::context::{check, gpu, Gpu};
use crate::device::Device;
use crate::error::Result;
use crate::storage::{ForeignOwner, Storage};

/// Page-locked host memory from `cuMemHostAlloc`; freed on drop.
pub(crate) struct PinnedBuffer {
    gpu: &'static Gpu,
    ptr: *mut u8,
}

// SAFETY: the buffer is plain host memory owned by this value; the free in
// `drop` may run on any thread once its context is bound there.
unsafe impl Send for PinnedBuffer {}
// SAFETY: `&PinnedBuffer` exposes nothing but the address.
unsafe impl Sync for PinnedBuffer {}

impl PinnedBuffer {
    /// `len_bytes > 0` of pinned memory, registered through `gpu`'s context.
    pub fn new(op: &'static str, gpu: &'static Gpu, len_bytes: usize) -> Result<PinnedBuffer> {
        gpu.bind(op)?;
        // SAFETY: a context is current; the bytes are uninitialised, which
        // every dtype tolerates (plain bytes).
        let ptr = check(op, "cuMemHostAlloc", unsafe {
            result::malloc_host(len_bytes, sys::CU_MEMHOSTALLOC_PORTABLE)
        })?;
        Ok(PinnedBuffer {
            gpu,
            ptr: ptr.cast(),
        })
    }

    /// The start of the buffer.
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }
}

impl Drop for PinnedBuffer {
    fn drop(&mut self) {
        // A failure here can only leak the buffer, never free it twice.
        if self.gpu.bind("freeing pinned memory").is_ok() {
            // SAFETY: `ptr` came from cuMemHostAlloc and nothing uses it:
            // transfers reading or writing it keep its storage alive until
            // they finish.
            let _ = unsafe { result::free_host(self.ptr.cast()) };
        }
    }
}

impl ForeignOwner for PinnedBuffer {
    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
}

/// New, uninitialised pinned host storage of `len_bytes`.
pub(crate) fn pinned_storage(op: &'static str, len_bytes: usize) -> Result<Arc<Storage>> {
    let gpu = gpu(op, Device::Cuda(0))?;
    if len_bytes == 0 {
        // SAFETY: no bytes: the dangling pointer is never dereferenced.
        return unsafe {
            Storage::from_foreign(std::ptr::null_mut(), 0, Device::Cpu, false, Box::new(()))
        }
        .map(Arc::new);
    }
    let buf = PinnedBuffer::new(op, gpu, len_bytes)?;
    let ptr = buf.as_ptr();
    // SAFETY: the buffer holds `len_bytes` readable and writable host bytes
    // until the storage drops it.
    unsafe { Storage::from_foreign(ptr, len_bytes, Device::Cpu, false, Box::new(buf)) }
        .map(Arc::new)
}

/// Whether host memory at `ptr` is page-locked, by tensorbridge or by
/// anyone else in the process (PyTorch's `pin_memory()`, CuPy). False
/// without CUDA.
pub(crate) fn is_pinned_address(ptr: *const u8) -> bool {
    let Ok(gpu) = gpu("is_pinned", Device::Cuda(0)) else {
        return false;
    };
    if gpu.bind("is_pinned").is_err() {
        return false;
    }
    let mut flags: std::ffi::c_uint = 0;
    // SAFETY: cuMemHostGetFlags only looks the address up in the driver's
    // table of page-locked ranges; it fails for any other address.
    let r = unsafe { sys::cuMemHostGetFlags(&mut flags, ptr as *mut std::ffi::c_void) };
    r == sys::CUresult::CUDA_SUCCESS
}

/// Whether `storage` is pinned host memory.
pub(crate) fn is_pinned(storage: &Storage) -> bool {
    if !storage.device().is_cpu() || storage.len_bytes() == 0 {
        return false;
    }
    let ours = storage
        .foreign_owner()
        .and_then(|o| o.as_any())
        .is_some_and(|a| a.is::<PinnedBuffer>());
    ours || is_pinned_address(storage.as_ptr())
}
