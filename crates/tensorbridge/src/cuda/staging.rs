//! Copies between pageable host memory and the GPU through pinned staging
//! buffers, in chunks, with the CPU's copy of one chunk overlapping the
//! GPU's transfer of another.
//!
//! The copy engines can only read and write page-locked memory. Given
//! ordinary (pageable) memory, the driver stages it through a small pinned
//! buffer of its own with one CPU thread, which leaves the bus idle much of
//! the time. Here each device keeps [`SLOTS`] pinned buffers of
//! [`CHUNK_BYTES`]; the host side of each chunk is copied by all cores
//! (rayon), and while the GPU moves one chunk the CPU fills or drains the
//! next. An event per buffer says when the GPU is done with it.
//!
//! Host→device returns once every byte of the source has been copied into
//! staging: the caller may then reuse the source, and work queued later on
//! the stream sees the data. Device→host returns once every byte has landed.

#![allow(unsafe_code)]

use cudarc::driver::{result, sys};
use rayon::prelude::*;

use super::context::{check, Gpu, STREAM};
use super::pinned::PinnedBuffer;
use crate::error::Result;

/// Bytes per staging buffer.
pub(crate) const CHUNK_BYTES: usize = 8 << 20;
/// Staging buffers per device.
const SLOTS: usize = 4;
/// Below this, one CPU thread copies a chunk's host side.
const PARALLEL_COPY_MIN_BYTES: usize = 1 << 20;
/// Transfers smaller than this go straight through the driver, which
/// stages them itself at no setup cost.
pub(crate) const DIRECT_MAX_BYTES: usize = 256 << 10;

/// One pinned buffer and the event recorded after the GPU's last use of it.
struct Slot {
    buf: PinnedBuffer,
    event: sys::CUevent,
    /// An event was recorded and not yet waited for.
    busy: bool,
}

/// A device's staging buffers, allocated at the first large transfer.
#[derive(Default)]
pub(crate) struct Staging {
    slots: Vec<Slot>,
}

// SAFETY: the buffers and events are driver handles usable from any thread
// with the device's context bound; the mutex around `Staging` serialises use.
unsafe impl Send for Staging {}

impl Slot {
    /// Waits until the GPU no longer uses the buffer.
    fn wait(&mut self, op: &'static str) -> Result<()> {
        if self.busy {
            // SAFETY: the event was created in this device's context and recorded.
            check(op, "cuEventSynchronize", unsafe {
                result::event::synchronize(self.event)
            })?;
            self.busy = false;
        }
        Ok(())
    }

    /// Records that the GPU's queued work now covers this buffer.
    fn record(&mut self, op: &'static str) -> Result<()> {
        // SAFETY: the event belongs to the current context; STREAM exists.
        check(op, "cuEventRecord", unsafe {
            result::event::record(self.event, STREAM)
        })?;
        self.busy = true;
        Ok(())
    }
}

impl Staging {
    /// The slots, allocated on first use (the device's context is bound).
    fn slots(&mut self, op: &'static str, gpu: &'static Gpu) -> Result<&mut [Slot]> {
        while self.slots.len() < SLOTS {
            let buf = PinnedBuffer::new(op, gpu, CHUNK_BYTES)?;
            let event = check(
                op,
                "cuEventCreate",
                result::event::create(sys::CUevent_flags::CU_EVENT_DISABLE_TIMING),
            )?;
            self.slots.push(Slot {
                buf,
                event,
                busy: false,
            });
        }
        Ok(&mut self.slots)
    }
}

/// Copies `len` bytes from `src` to `dst` (host memory), on all cores when large.
///
/// # Safety
/// `src` is readable and `dst` writable for `len` bytes; they do not overlap.
unsafe fn host_copy(src: *const u8, dst: *mut u8, len: usize) {
    // SAFETY: the caller's guarantee.
    let (s, d) = unsafe {
        (
            std::slice::from_raw_parts(src, len),
            std::slice::from_raw_parts_mut(dst, len),
        )
    };
    if len < PARALLEL_COPY_MIN_BYTES {
        d.copy_from_slice(s);
    } else {
        let piece = len
            .div_ceil(rayon::current_num_threads())
            .next_multiple_of(64 << 10);
        d.par_chunks_mut(piece)
            .zip(s.par_chunks(piece))
            .for_each(|(d, s)| d.copy_from_slice(s));
    }
}

/// Copies `src` (pageable host memory) to device address `dst`.
///
/// # Safety
/// `dst` is writable device memory of `gpu` for `src.len()` bytes, kept
/// allocated until the stream's queued work has run.
pub(crate) unsafe fn upload(
    op: &'static str,
    gpu: &'static Gpu,
    dst: u64,
    src: &[u8],
) -> Result<()> {
    gpu.bind(op)?;
    if src.len() <= DIRECT_MAX_BYTES {
        // SAFETY: the caller's guarantee for `dst`; for pageable `src` the
        // driver returns once it has staged the bytes.
        return check(op, "cuMemcpyHtoDAsync", unsafe {
            result::memcpy_htod_async(dst, src, STREAM)
        });
    }
    let mut staging = gpu.staging.lock().unwrap_or_else(|e| e.into_inner());
    let slots = staging.slots(op, gpu)?;
    for (i, chunk) in src.chunks(CHUNK_BYTES).enumerate() {
        let slot = &mut slots[i % SLOTS];
        slot.wait(op)?;
        // SAFETY: the slot holds CHUNK_BYTES >= chunk.len() and the GPU is
        // done with it (waited above); `chunk` is the caller's memory.
        unsafe { host_copy(chunk.as_ptr(), slot.buf.as_ptr(), chunk.len()) };
        let at = dst + (i * CHUNK_BYTES) as u64;
        // SAFETY: pinned source of chunk.len() bytes, the caller's device range.
        check(op, "cuMemcpyHtoDAsync", unsafe {
            sys::cuMemcpyHtoDAsync_v2(at, slot.buf.as_ptr().cast(), chunk.len(), STREAM).result()
        })?;
        slot.record(op)?;
    }
    Ok(())
}

/// Copies `dst.len()` bytes from device address `src` into `dst`
/// (pageable host memory), after the work queued before it.
///
/// # Safety
/// `src` is readable device memory of `gpu` for `dst.len()` bytes.
pub(crate) unsafe fn download(
    op: &'static str,
    gpu: &'static Gpu,
    dst: &mut [u8],
    src: u64,
) -> Result<()> {
    gpu.bind(op)?;
    if dst.len() <= DIRECT_MAX_BYTES {
        // SAFETY: the caller's guarantee for `src`; to pageable memory the
        // driver returns once the bytes have landed.
        check(op, "cuMemcpyDtoHAsync", unsafe {
            result::memcpy_dtoh_async(dst, src, STREAM)
        })?;
        return gpu.synchronize(op);
    }
    let mut staging = gpu.staging.lock().unwrap_or_else(|e| e.into_inner());
    let slots = staging.slots(op, gpu)?;
    let chunks: Vec<&mut [u8]> = dst.chunks_mut(CHUNK_BYTES).collect();
    let lens: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
    let queue = |slots: &mut [Slot], i: usize| -> Result<()> {
        let slot = &mut slots[i % SLOTS];
        slot.wait(op)?;
        let at = src + (i * CHUNK_BYTES) as u64;
        // SAFETY: the slot is free (waited above) and holds CHUNK_BYTES >=
        // lens[i]; the caller's device range.
        check(op, "cuMemcpyDtoHAsync", unsafe {
            sys::cuMemcpyDtoHAsync_v2(slot.buf.as_ptr().cast(), at, lens[i], STREAM).result()
        })?;
        slot.record(op)
    };
    for i in 0..SLOTS.min(chunks.len()) {
        queue(slots, i)?;
    }
    for (i, chunk) in chunks.into_iter().enumerate() {
        let slot = &mut slots[i % SLOTS];
        slot.wait(op)?;
        // SAFETY: the GPU has written the chunk into the slot (waited above).
        unsafe { host_copy(slot.buf.as_ptr(), chunk.as_mut_ptr(), chunk.len()) };
        if i + SLOTS < lens.len() {
            queue(slots, i + SLOTS)?;
        }
    }
    Ok(())
}
