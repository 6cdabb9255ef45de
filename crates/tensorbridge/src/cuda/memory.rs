//! Device memory: blocks from the caching allocator, and the storage that
//! owns one.
//!
//! A [`DeviceBlock`] is the keep-alive owner of a CUDA storage. Dropping it
//! (when the last tensor viewing the storage goes) puts the block back on
//! its device's free list without calling the driver, so it is cheap and
//! safe from any thread, interpreter shutdown included. Memory goes back to
//! the driver only in [`empty_cache`], or when an allocation fails and the
//! cache is handed back before one retry.
//!
//! Reusing a freed block without waiting is safe because every tensorbridge
//! transfer and kernel runs on the device's one stream, in order: work
//! queued after the reuse runs after the work queued before the free.

#![allow(unsafe_code)]

use std::sync::Arc;

use cudarc::driver::result;

use super::context::{check, gpu, is_out_of_memory, Gpu, STREAM};
use crate::block_cache::size_class;
use crate::device::Device;
use crate::error::{Error, Result};
use crate::storage::{ForeignOwner, Storage};

/// A block of device memory tensors use; back to the cache on drop.
pub(crate) struct DeviceBlock {
    gpu: &'static Gpu,
    addr: u64,
    class_bytes: usize,
}

impl ForeignOwner for DeviceBlock {}

impl Drop for DeviceBlock {
    fn drop(&mut self) {
        self.gpu.cache().give_back(self.addr, self.class_bytes);
    }
}

/// A block of at least `len_bytes` on `gpu` (`len_bytes > 0`).
fn alloc_block(op: &'static str, gpu: &'static Gpu, len_bytes: usize) -> Result<DeviceBlock> {
    let class_bytes = size_class(len_bytes).ok_or(Error::Overflow {
        what: "CUDA allocation size",
    })?;
    let cached = gpu.cache().take(class_bytes);
    let addr = match cached {
        Some(a) => a,
        None => {
            gpu.bind(op)?;
            // SAFETY: a context is current; the memory is returned
            // uninitialised, which every dtype tolerates (plain bytes).
            let first = unsafe { result::malloc_sync(class_bytes) };
            let addr = match first {
                Err(e) if is_out_of_memory(&e) => {
                    free_cached(op, gpu)?;
                    // SAFETY: as above.
                    match unsafe { result::malloc_sync(class_bytes) } {
                        Err(e) if is_out_of_memory(&e) => {
                            return Err(Error::CudaOutOfMemory {
                                device: gpu.device(),
                                requested_bytes: len_bytes,
                                allocated_bytes: gpu.cache().allocated_bytes(),
                            })
                        }
                        r => check(op, "cuMemAlloc", r)?,
                    }
                }
                r => check(op, "cuMemAlloc", r)?,
            };
            gpu.cache().note_allocated(class_bytes);
            addr
        }
    };
    Ok(DeviceBlock {
        gpu,
        addr,
        class_bytes,
    })
}

/// Hands `gpu`'s free blocks back to the driver.
fn free_cached(op: &'static str, gpu: &'static Gpu) -> Result<()> {
    let blocks = gpu.cache().drain();
    if blocks.is_empty() {
        return Ok(());
    }
    gpu.bind(op)?;
    for (addr, _) in blocks {
        // SAFETY: each block came from cuMemAlloc, no tensor holds it (it
        // was on the free list), and cuMemFree waits for queued work using it.
        check(op, "cuMemFree", unsafe { result::free_sync(addr) })?;
    }
    Ok(())
}

/// New, uninitialised storage of `len_bytes` on a CUDA `device`.
pub(crate) fn device_storage(
    op: &'static str,
    device: Device,
    len_bytes: usize,
) -> Result<Arc<Storage>> {
    let gpu = gpu(op, device)?;
    if len_bytes == 0 {
        // SAFETY: no bytes: the dangling pointer is never dereferenced.
        return unsafe {
            Storage::from_foreign(std::ptr::null_mut(), 0, device, false, Box::new(()))
        }
        .map(Arc::new);
    }
    let block = alloc_block(op, gpu, len_bytes)?;
    let ptr = block.addr as usize as *mut u8;
    // SAFETY: the block holds at least `len_bytes` device bytes, kept
    // allocated (off the free list) until the storage drops the block.
    unsafe { Storage::from_foreign(ptr, len_bytes, device, false, Box::new(block)) }.map(Arc::new)
}

/// Fills `len_bytes` at device address `addr` with zero bytes (queued).
pub(crate) fn memset_zero(
    op: &'static str,
    device: Device,
    addr: u64,
    len_bytes: usize,
) -> Result<()> {
    if len_bytes == 0 {
        return Ok(());
    }
    let gpu = gpu(op, device)?;
    gpu.bind(op)?;
    // SAFETY: the caller passes `len_bytes` writable device bytes at `addr`.
    check(op, "cuMemsetD8Async", unsafe {
        result::memset_d8_async(addr, 0, len_bytes, STREAM)
    })
}

/// Bytes of `device`'s memory held by live tensors (0 before first use).
pub fn memory_allocated(device: Device) -> Result<usize> {
    Ok(gpu("memory_allocated", device)?.cache().allocated_bytes())
}

/// Bytes of `device`'s memory taken from the driver: live plus cached.
pub fn memory_reserved(device: Device) -> Result<usize> {
    Ok(gpu("memory_reserved", device)?.cache().reserved_bytes())
}

/// The most bytes live tensors have held on `device` at once.
pub fn max_memory_allocated(device: Device) -> Result<usize> {
    Ok(gpu("max_memory_allocated", device)?
        .cache()
        .peak_allocated_bytes())
}

/// Hands every cached free block of every device back to the driver, so
/// other processes and libraries can use the memory.
pub fn empty_cache() -> Result<()> {
    for i in 0..super::device_count() {
        free_cached("empty_cache", gpu("empty_cache", Device::Cuda(i))?)?;
    }
    Ok(())
}

/// Waits for all queued work on `device` (every device when `None`).
pub fn synchronize(device: Option<Device>) -> Result<()> {
    match device {
        Some(d) => gpu("synchronize", d)?.synchronize("synchronize"),
        None => (0..super::device_count())
            .try_for_each(|i| gpu("synchronize", Device::Cuda(i))?.synchronize("synchronize")),
    }
}
