//! Export: a tensor packaged as a DLPack managed tensor for a consumer.
//!
//! [`export`] answers a consumer's request (`max_version`, `dl_device`,
//! `copy`) with an [`Exported`]: one heap block holding the managed struct
//! (versioned or legacy), the shape and stride arrays it points to, and a
//! lease on the storage that keeps the memory alive and in place. The block's
//! deleter frees all of it, from whatever thread the consumer calls it on.

#![allow(unsafe_code)]

use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::Arc;

use super::ffi::{
    DLDataType, DLDevice, DLManagedTensor, DLManagedTensorVersioned, DLPackVersion, DLTensor,
    RawManaged, DLPACK_FLAG_BITMASK_IS_COPIED, DLPACK_FLAG_BITMASK_READ_ONLY, DLPACK_MAJOR_VERSION,
    DLPACK_MINOR_VERSION, K_DL_CPU, K_DL_CUDA,
};
use crate::device::Device;
use crate::error::{Error, Result};
use crate::storage::{ExportLease, Storage};
use crate::tensor::Tensor;

/// Which managed struct a consumer gets.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExportAbi {
    /// `DLManagedTensor` in a `"dltensor"` capsule: no version, no flags.
    Legacy,
    /// `DLManagedTensorVersioned` of this version in a `"dltensor_versioned"` capsule.
    Versioned(DLPackVersion),
}

impl ExportAbi {
    /// The ABI for a consumer's `max_version` (Python spec): consumers that
    /// name 1.0 or newer get a versioned struct of at most the version they
    /// name (and at most [`DLPACK_MINOR_VERSION`]); consumers that name
    /// nothing, or an older version, get the legacy struct.
    pub fn for_max_version(max_version: Option<DLPackVersion>) -> ExportAbi {
        match max_version {
            Some(v) if v.major == DLPACK_MAJOR_VERSION => ExportAbi::Versioned(DLPackVersion {
                major: DLPACK_MAJOR_VERSION,
                minor: v.minor.min(DLPACK_MINOR_VERSION),
            }),
            Some(v) if v.major > DLPACK_MAJOR_VERSION => ExportAbi::Versioned(DLPackVersion {
                major: DLPACK_MAJOR_VERSION,
                minor: DLPACK_MINOR_VERSION,
            }),
            _ => ExportAbi::Legacy,
        }
    }
}

/// What a consumer asked of `__dlpack__`, apart from the stream (a binding
/// concern: the CPU has none).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportRequest {
    /// The newest DLPack version the consumer reads; `None` for legacy consumers.
    pub max_version: Option<DLPackVersion>,
    /// The device the consumer wants the data on; `None` for the tensor's own.
    pub dl_device: Option<DLDevice>,
    /// `Some(true)`: export a copy (flagged `IS_COPIED` when versioned);
    /// `Some(false)` or `None`: share, never copy.
    pub copy: Option<bool>,
}

/// Receives the exported storage handle when the consumer calls the
/// deleter, so a binding can drop it in the right context (the Python extension drops it
/// while attached to the interpreter, so a NumPy owner is released at once
/// rather than at PyO3's next call). `None` drops it where the deleter runs.
pub type ReleaseHook = fn(Arc<Storage>);

/// The DLPack device of a tensorbridge device.
pub fn dl_device_of(device: Device) -> DLDevice {
    match device {
        Device::Cpu => DLDevice {
            device_type: K_DL_CPU,
            device_id: 0,
        },
        Device::Cuda(i) => DLDevice {
            device_type: K_DL_CUDA,
            device_id: i32::try_from(i).unwrap_or(i32::MAX),
        },
    }
}

/// Dimensions kept inside the holder itself (no second allocation) up to
/// this rank; higher ranks spill to the heap.
const INLINE_NDIM: usize = 6;

/// Shape followed by strides, `2 * ndim` values.
enum Dims {
    Inline([i64; 2 * INLINE_NDIM]),
    Heap(Box<[i64]>),
}

impl Dims {
    fn new(tensor: &Tensor) -> Dims {
        let n = tensor.ndim();
        let values = tensor
            .shape()
            .iter()
            .map(|&d| d as i64)
            .chain(tensor.strides().iter().map(|&s| s as i64));
        if n <= INLINE_NDIM {
            let mut a = [0i64; 2 * INLINE_NDIM];
            for (slot, v) in a.iter_mut().zip(values) {
                *slot = v;
            }
            Dims::Inline(a)
        } else {
            Dims::Heap(values.collect())
        }
    }

    fn as_mut_ptr(&mut self) -> *mut i64 {
        match self {
            Dims::Inline(a) => a.as_mut_ptr(),
            Dims::Heap(b) => b.as_mut_ptr(),
        }
    }
}

/// One allocation behind an exported managed struct. `managed` comes first
/// (`repr(C)`), so the pointer the consumer holds is the holder's pointer;
/// shape and strides live in the same block for ranks up to [`INLINE_NDIM`].
#[repr(C)]
struct Holder<M> {
    managed: M,
    /// Keeps the memory alive, and in place (a lease: `share_memory_`
    /// waits for the deleter); taken by the deleter.
    lease: Option<ExportLease>,
    release: Option<ReleaseHook>,
    dims: Dims,
}

/// A tensor packaged for a DLPack consumer (trusted: tensorbridge built it).
///
/// It owns the managed struct until [`Exported::into_raw`] hands it over;
/// dropping it before that calls the deleter, so an export that never
/// reaches a consumer frees everything.
#[derive(Debug)]
pub struct Exported {
    raw: RawManaged,
}

// SAFETY: the managed block owns a `Tensor` (Send + Sync) and two boxed
// arrays; nothing in it is tied to a thread, and the deleter may run anywhere.
unsafe impl Send for Exported {}

impl Exported {
    /// The managed struct, still owned by `self`.
    pub fn raw(&self) -> RawManaged {
        self.raw
    }

    /// Whether this is a `DLManagedTensorVersioned`.
    pub fn is_versioned(&self) -> bool {
        matches!(self.raw, RawManaged::Versioned(_))
    }

    /// Hands the managed struct over: the receiver must call its deleter
    /// exactly once (or give it to a consumer that will).
    pub fn into_raw(self) -> RawManaged {
        let raw = self.raw;
        std::mem::forget(self);
        raw
    }
}

impl Drop for Exported {
    fn drop(&mut self) {
        // SAFETY: `raw` is our own live block, never handed over (into_raw
        // forgets `self`), deleted exactly once here.
        unsafe { self.raw.delete() }
    }
}

/// Packages `tensor` for a consumer: shares its memory (or a copy when
/// `request.copy == Some(true)`), keeps it alive until the deleter runs, and
/// fills shape and strides (always, as DLPack 1.2 requires).
///
/// A GPU tensor asked for with `dl_device` on the CPU is copied to the host
/// (and flagged as copied) unless `copy` is `Some(false)`.
///
/// Errors: a `dl_device` other than the tensor's, except that host copy
/// ([`Error::DLPackDevice`]);
/// a read-only tensor in the legacy ABI, which cannot say read-only
/// ([`Error::DLPackReadOnly`]).
pub fn export(
    tensor: &Tensor,
    request: &ExportRequest,
    release: Option<ReleaseHook>,
) -> Result<Exported> {
    let mut device = dl_device_of(tensor.device());
    // A GPU tensor asked for on the host (and allowed to copy) is copied there.
    let mut to_host = false;
    if let Some(want) = request.dl_device {
        if want != device {
            let host = DLDevice {
                device_type: K_DL_CPU,
                device_id: 0,
            };
            if want != host || request.copy == Some(false) {
                return Err(Error::DLPackDevice {
                    device_type: want.device_type,
                    device_id: want.device_id,
                });
            }
            to_host = true;
            device = host;
        }
    }
    let copied = request.copy == Some(true) || to_host;
    // Borrow unless copying: cloning the handle would allocate its layout
    // twice on the hot path of every zero-copy exchange.
    let copy;
    let tensor = if to_host {
        copy = tensor.cpu()?;
        &copy
    } else if copied {
        copy = tensor.clone_data()?;
        &copy
    } else {
        tensor
    };
    let abi = ExportAbi::for_max_version(request.max_version);
    if abi == ExportAbi::Legacy && tensor.is_readonly() {
        return Err(Error::DLPackReadOnly);
    }
    // The lease comes before the address is read (see `storage::exports`).
    let lease = tensor.storage().lease();
    let info = tensor.dtype().info();
    let dims = Dims::new(tensor);
    let ndim = tensor.ndim();
    let dl_tensor = DLTensor {
        data: tensor.data_ptr() as *mut c_void,
        device,
        ndim: tensor.ndim() as i32,
        dtype: DLDataType {
            code: info.dlpack_code,
            bits: info.dlpack_bits,
            lanes: 1,
        },
        // Set by `into_block` once the holder is at its final address.
        shape: std::ptr::null_mut(),
        strides: std::ptr::null_mut(),
        byte_offset: 0,
    };
    let raw = match abi {
        ExportAbi::Versioned(version) => {
            let mut flags = 0;
            if tensor.is_readonly() {
                flags |= DLPACK_FLAG_BITMASK_READ_ONLY;
            }
            if copied {
                flags |= DLPACK_FLAG_BITMASK_IS_COPIED;
            }
            let managed = DLManagedTensorVersioned {
                version,
                manager_ctx: std::ptr::null_mut(),
                deleter: Some(delete_versioned),
                flags,
                dl_tensor,
            };
            RawManaged::Versioned(into_block(managed, lease, release, dims, ndim, |m, ctx| {
                m.manager_ctx = ctx;
                &mut m.dl_tensor
            }))
        }
        ExportAbi::Legacy => {
            let managed = DLManagedTensor {
                dl_tensor,
                manager_ctx: std::ptr::null_mut(),
                deleter: Some(delete_legacy),
            };
            RawManaged::Legacy(into_block(managed, lease, release, dims, ndim, |m, ctx| {
                m.manager_ctx = ctx;
                &mut m.dl_tensor
            }))
        }
    };
    Ok(Exported { raw })
}

/// Boxes the holder, points `manager_ctx` at it and the DLTensor's shape and
/// strides into its dims, and returns the pointer to its managed struct (the
/// same address).
fn into_block<M>(
    managed: M,
    lease: ExportLease,
    release: Option<ReleaseHook>,
    dims: Dims,
    ndim: usize,
    set_ctx: impl FnOnce(&mut M, *mut c_void) -> &mut DLTensor,
) -> NonNull<M> {
    // Written field by field into the final block: building the holder on
    // the stack and moving it in would copy its ~200 bytes on every export.
    let mut block = Box::<Holder<M>>::new_uninit();
    let slot = block.as_mut_ptr();
    // SAFETY: `slot` points to an allocation sized and aligned for a holder;
    // each field is written once, through raw pointers, before `assume_init`.
    let ptr = unsafe {
        std::ptr::addr_of_mut!((*slot).managed).write(managed);
        std::ptr::addr_of_mut!((*slot).lease).write(Some(lease));
        std::ptr::addr_of_mut!((*slot).release).write(release);
        std::ptr::addr_of_mut!((*slot).dims).write(dims);
        Box::into_raw(block.assume_init())
    };
    // SAFETY: `ptr` was just made by `Box::into_raw`: valid, aligned, unique;
    // the holder never moves again, so pointers into its dims stay valid
    // until the deleter frees it.
    unsafe {
        let dims = (*ptr).dims.as_mut_ptr();
        let dl = set_ctx(&mut (*ptr).managed, ptr.cast());
        dl.shape = dims;
        dl.strides = dims.add(ndim);
        NonNull::from(&mut (*ptr).managed)
    }
}

/// Frees a holder: hands its storage handle to the release hook (or drops
/// it), then frees the block.
fn free_holder<M>(holder: Box<Holder<M>>) {
    let mut holder = holder;
    let storage = holder.lease.take().map(ExportLease::into_storage);
    let release = holder.release;
    drop(holder);
    match (storage, release) {
        (Some(s), Some(hook)) => hook(s),
        (s, None) => drop(s),
        (None, Some(_)) => {}
    }
}

/// The deleter of exported `DLManagedTensorVersioned`s.
///
/// # Safety
///
/// `managed` is null or a pointer produced by [`export`] whose deleter has
/// not run yet.
unsafe extern "C" fn delete_versioned(managed: *mut DLManagedTensorVersioned) {
    if managed.is_null() {
        return;
    }
    // SAFETY: by the contract above the pointer is the first field of a
    // live `repr(C)` holder made by `Box::into_raw` in `into_block`.
    let holder = unsafe { Box::from_raw(managed.cast::<Holder<DLManagedTensorVersioned>>()) };
    free_holder(holder);
}

/// The deleter of exported legacy `DLManagedTensor`s.
///
/// # Safety
///
/// As for [`delete_versioned`].
unsafe extern "C" fn delete_legacy(managed: *mut DLManagedTensor) {
    if managed.is_null() {
        return;
    }
    // SAFETY: as in `delete_versioned`.
    let holder = unsafe { Box::from_raw(managed.cast::<Holder<DLManagedTensor>>()) };
    free_holder(holder);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DType;

    fn v(major: u32, minor: u32) -> Option<DLPackVersion> {
        Some(DLPackVersion { major, minor })
    }

    #[test]
    fn abi_follows_max_version() {
        assert_eq!(ExportAbi::for_max_version(None), ExportAbi::Legacy);
        assert_eq!(ExportAbi::for_max_version(v(0, 8)), ExportAbi::Legacy);
        assert_eq!(
            ExportAbi::for_max_version(v(1, 0)),
            ExportAbi::Versioned(DLPackVersion { major: 1, minor: 0 })
        );
        assert_eq!(
            ExportAbi::for_max_version(v(1, 99)),
            ExportAbi::Versioned(DLPackVersion {
                major: 1,
                minor: DLPACK_MINOR_VERSION
            })
        );
        assert_eq!(
            ExportAbi::for_max_version(v(2, 0)),
            ExportAbi::Versioned(DLPackVersion {
                major: 1,
                minor: DLPACK_MINOR_VERSION
            })
        );
    }

    #[test]
    fn fields_describe_the_view() {
        let t = Tensor::from_vec((0..12i32).collect(), &[3, 4]).unwrap().t();
        let e = export(
            &t,
            &ExportRequest {
                max_version: v(1, 3),
                ..Default::default()
            },
            None,
        )
        .unwrap();
        let RawManaged::Versioned(p) = e.raw() else {
            panic!("expected versioned")
        };
        // SAFETY: `e` owns the live block.
        let m = unsafe { p.as_ref() };
        assert_eq!(m.version, DLPackVersion { major: 1, minor: 3 });
        assert_eq!(m.flags, 0);
        assert_eq!(m.manager_ctx, p.as_ptr().cast());
        let dl = m.dl_tensor;
        assert_eq!(dl.ndim, 2);
        assert_eq!((dl.dtype.code, dl.dtype.bits, dl.dtype.lanes), (0, 32, 1));
        assert_eq!(dl.data as *const u8, t.data_ptr());
        // SAFETY: shape and strides hold `ndim` entries while `e` lives.
        let (shape, strides) = unsafe {
            (
                std::slice::from_raw_parts(dl.shape, 2),
                std::slice::from_raw_parts(dl.strides, 2),
            )
        };
        assert_eq!(shape, &[4, 3]);
        assert_eq!(strides, &[1, 4]);
    }

    #[test]
    fn refusals_and_copies() {
        let t = Tensor::zeros(&[2], DType::Float64).unwrap();
        let cuda = ExportRequest {
            dl_device: Some(DLDevice {
                device_type: K_DL_CUDA,
                device_id: 0,
            }),
            ..Default::default()
        };
        assert!(matches!(
            export(&t, &cuda, None),
            Err(Error::DLPackDevice { device_type: 2, .. })
        ));
        let copy = ExportRequest {
            max_version: v(1, 0),
            copy: Some(true),
            ..Default::default()
        };
        let e = export(&t, &copy, None).unwrap();
        let RawManaged::Versioned(p) = e.raw() else {
            panic!("expected versioned")
        };
        // SAFETY: `e` owns the live block.
        let m = unsafe { p.as_ref() };
        assert_eq!(m.flags, DLPACK_FLAG_BITMASK_IS_COPIED);
        assert_ne!(m.dl_tensor.data as *const u8, t.data_ptr());
        let legacy = export(&t, &ExportRequest::default(), None).unwrap();
        assert!(!legacy.is_versioned());
    }
}
