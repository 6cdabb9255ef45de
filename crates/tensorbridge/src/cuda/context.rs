//! Loading the CUDA driver and the per-device state behind every CUDA call:
//! the primary context, the allocator's cache, the pinned staging buffers.
//!
//! The driver library is opened at run time (`cudarc`'s dynamic loading),
//! so a machine without CUDA only learns at the first query that there is
//! none, and says why, instead of failing to import. tensorbridge uses each
//! device's *primary* context, the one the CUDA runtime (and so PyTorch,
//! CuPy and JAX) uses too: device pointers are then valid in every library
//! of the process without any mapping.
//!
//! All work runs on the legacy default stream, as PyTorch's does unless a
//! user picks another stream. Work is therefore ordered with PyTorch's
//! default-stream work without extra synchronisation, and DLPack exchanges
//! only need events for consumers on other streams.

#![allow(unsafe_code)]

use std::sync::{Mutex, MutexGuard, OnceLock};

use cudarc::driver::{result, sys, DriverError};

use super::inflight::InFlightCopies;
use super::module::KernelCache;
use super::staging::Staging;
use crate::block_cache::BlockCache;
use crate::device::Device;
use crate::error::{Error, Result};

/// What loading the driver found: the devices, or why there are none.
struct Driver {
    /// One slot per device the driver reports, filled on first use.
    gpus: Vec<OnceLock<Gpu>>,
    /// Serialises creating a device's state (retaining its context).
    init: Mutex<()>,
}

/// The driver, loaded once; `Err` holds why CUDA is unavailable.
fn driver() -> std::result::Result<&'static Driver, &'static str> {
    static DRIVER: OnceLock<std::result::Result<Driver, String>> = OnceLock::new();
    DRIVER
        .get_or_init(load_driver)
        .as_ref()
        .map_err(String::as_str)
}

fn load_driver() -> std::result::Result<Driver, String> {
    // SAFETY: probing opens and closes candidate library names; it runs no
    // code of the library but its initialisers, as any dlopen does.
    if !unsafe { sys::is_culib_present() } {
        return Err("no CUDA driver library (libcuda.so.1) was found".to_string());
    }
    result::init().map_err(|e| format!("the CUDA driver failed to start: {}", name_of(e)))?;
    let count = result::device::get_count()
        .map_err(|e| format!("the CUDA driver could not count devices: {}", name_of(e)))?;
    if count <= 0 {
        return Err("the CUDA driver reports no GPU".to_string());
    }
    Ok(Driver {
        gpus: (0..count).map(|_| OnceLock::new()).collect(),
        init: Mutex::new(()),
    })
}

/// Whether CUDA can be used: the driver loads and reports at least one GPU.
pub fn is_available() -> bool {
    driver().is_ok()
}

/// The number of GPUs the driver reports (0 without CUDA).
pub fn device_count() -> usize {
    driver().map_or(0, |d| d.gpus.len())
}

/// The marketing name of `device`'s GPU, such as `NVIDIA H100 80GB HBM3`.
pub fn device_name(device: Device) -> Result<String> {
    const OP: &str = "get_device_name";
    let g = gpu(OP, device)?;
    check(OP, "cuDeviceGetName", result::device::get_name(g.handle()))
}

/// Why CUDA is unavailable, or `None` when it is available.
pub fn unavailable_reason() -> Option<&'static str> {
    driver().err()
}

/// The error for `op` when CUDA is unavailable.
pub(crate) fn unavailable(op: &'static str, reason: &str) -> Error {
    Error::CudaUnavailable {
        op,
        reason: reason.to_string(),
    }
}

/// One GPU's state. Lives for the rest of the process once created.
pub(crate) struct Gpu {
    /// The CUDA ordinal.
    pub ordinal: usize,
    /// The driver's handle of the device.
    dev: sys::CUdevice,
    /// The primary context, retained once and never released.
    ctx: sys::CUcontext,
    /// Free device blocks and byte counts.
    pub cache: Mutex<BlockCache>,
    /// Pinned buffers that pageable transfers go through.
    pub staging: Mutex<Staging>,
    /// Asynchronous copies whose memory must outlive them.
    pub in_flight: InFlightCopies,
    /// Compiled kernels by name.
    pub kernels: KernelCache,
    /// The cuBLAS handle, created at the first matrix product.
    pub blas: Mutex<Option<super::blas::BlasHandle>>,
}

// SAFETY: a CUcontext is a driver handle valid on every thread (it is made
// current per call with `bind`); the rest is behind mutexes.
unsafe impl Send for Gpu {}
// SAFETY: see `Send`.
unsafe impl Sync for Gpu {}

/// The stream all tensorbridge work is queued on: the legacy default stream.
pub(crate) const STREAM: sys::CUstream = std::ptr::null_mut();

impl Gpu {
    /// The device this state belongs to.
    pub fn device(&self) -> Device {
        Device::Cuda(self.ordinal)
    }

    /// The driver's handle of the device.
    pub fn handle(&self) -> sys::CUdevice {
        self.dev
    }

    /// The device's primary context.
    pub fn context(&self) -> sys::CUcontext {
        self.ctx
    }

    /// Makes this device's context current on the calling thread, which every
    /// driver call that allocates, copies or launches needs.
    pub fn bind(&self, op: &'static str) -> Result<()> {
        // SAFETY: `ctx` was retained by `gpu` and is never released.
        check(op, "cuCtxSetCurrent", unsafe {
            result::ctx::set_current(self.ctx)
        })
    }

    /// Waits until all work queued on the device's stream has finished.
    pub fn synchronize(&self, op: &'static str) -> Result<()> {
        self.bind(op)?;
        // SAFETY: the legacy default stream always exists in a current context.
        check(op, "cuStreamSynchronize", unsafe {
            result::stream::synchronize(STREAM)
        })?;
        self.in_flight.reap(true);
        Ok(())
    }

    /// The allocator's bookkeeping, locked. A panic while it was held left
    /// only counters behind, which stay usable.
    pub fn cache(&self) -> MutexGuard<'_, BlockCache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The state of `device`'s GPU, created on first use.
///
/// Errors: CUDA unavailable ([`Error::CudaUnavailable`]); an ordinal past
/// the devices present ([`Error::NoSuchDevice`]); the driver refusing the
/// context.
pub(crate) fn gpu(op: &'static str, device: Device) -> Result<&'static Gpu> {
    let ordinal = match device {
        Device::Cuda(i) => i,
        Device::Cpu => unreachable!("gpu() is only asked for CUDA devices"),
    };
    let driver = driver().map_err(|reason| unavailable(op, reason))?;
    let slot = driver.gpus.get(ordinal).ok_or(Error::NoSuchDevice {
        op,
        device,
        count: driver.gpus.len(),
    })?;
    if let Some(g) = slot.get() {
        return Ok(g);
    }
    let _guard = driver.init.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(g) = slot.get() {
        return Ok(g);
    }
    let ordinal_c = i32::try_from(ordinal).expect("device counts fit in i32");
    let dev = check(op, "cuDeviceGet", result::device::get(ordinal_c))?;
    // SAFETY: `dev` came from cuDeviceGet. The reference is kept for the
    // life of the process, so the context is never torn down under a tensor.
    let ctx = check(op, "cuDevicePrimaryCtxRetain", unsafe {
        result::primary_ctx::retain(dev)
    })?;
    let g = Gpu {
        ordinal,
        dev,
        ctx,
        cache: Mutex::new(BlockCache::default()),
        staging: Mutex::new(Staging::default()),
        in_flight: InFlightCopies::default(),
        kernels: KernelCache::default(),
        blas: Mutex::new(None),
    };
    Ok(slot.get_or_init(|| g))
}

/// Checks that `address` is memory the driver knows on GPU `ordinal`, as an
/// imported DLPack tensor that says `kDLCUDA` claims: memory from
/// `cuMemAlloc`, a memory pool or a registration. A producer that hands over
/// a host pointer, a freed or made-up address, or another GPU's memory is
/// refused here instead of giving kernels an address they fault on or
/// silently read the wrong data through.
///
/// Errors: CUDA unavailable or the ordinal absent (as for [`gpu`]); the
/// pointer unknown or on another device ([`Error::DLPackNotDeviceMemory`]).
pub(crate) fn check_device_pointer(op: &'static str, ordinal: usize, address: usize) -> Result<()> {
    let g = gpu(op, Device::Cuda(ordinal))?;
    g.bind(op)?;
    let mut owner: i32 = -1;
    // SAFETY: `owner` is a writable int, the type this attribute returns;
    // the driver only reads its own tables for the address, never the memory.
    let r = unsafe {
        sys::cuPointerGetAttribute(
            (&mut owner as *mut i32).cast(),
            sys::CUpointer_attribute::CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL,
            address as sys::CUdeviceptr,
        )
    };
    if r == sys::CUresult::CUDA_SUCCESS && usize::try_from(owner) == Ok(ordinal) {
        Ok(())
    } else {
        Err(Error::DLPackNotDeviceMemory {
            device_id: i32::try_from(ordinal).unwrap_or(i32::MAX),
            address,
        })
    }
}

/// A driver error's name, such as `CUDA_ERROR_OUT_OF_MEMORY`.
fn name_of(e: DriverError) -> String {
    e.error_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|_| format!("{:?}", e.0))
}

/// Maps a driver result to [`Error::CudaDriver`], naming the call.
pub(crate) fn check<T>(
    op: &'static str,
    call: &'static str,
    r: std::result::Result<T, DriverError>,
) -> Result<T> {
    r.map_err(|e| Error::CudaDriver {
        op,
        call,
        name: name_of(e),
        code: e.0 as i32,
    })
}

/// True for the driver's out-of-memory error.
pub(crate) fn is_out_of_memory(e: &DriverError) -> bool {
    e.0 == sys::CUresult::CUDA_ERROR_OUT_OF_MEMORY
}
