//! The DLPack 1.3 C exchange API: the function table a tensor type publishes
//! as `type(t).__dlpack_c_exchange_api__`, so that C code can exchange
//! tensors without calling `__dlpack__` or making capsules.
//!
//! This file owns that ABI, written from `dlpack.h` (1.3): the five
//! function-pointer typedefs, [`DLPackExchangeAPIHeader`] (the version and
//! the chain to older tables, stable across majors) and [`DLPackExchangeAPI`]
//! itself. It also holds the two pieces of the protocol that need no Python:
//! [`find_compatible`], which walks a producer's chain to a table this build
//! can call, and [`allocate`], the body of tensorbridge's
//! `managed_tensor_allocator`. The Python-facing functions of tensorbridge's
//! own table, the `PyCapsule` and the consumer side of `from_dlpack` are the
//! extension's business (`tensorbridge-py`, `dlpack_exchange.rs`), because
//! they take and make Python objects.
//!
//! Why a table as well as `__dlpack__`: a `__dlpack__` round trip costs a
//! Python method call, keyword parsing and a capsule; the table is one C
//! call per tensor, which is what kernel libraries exchanging many small
//! tensors per call need. The managed tensors it passes are the same
//! `DLManagedTensorVersioned` structs, so the lifetime rules of the note
//! "DLPack lifetimes" (in [`crate::dlpack`]) apply unchanged.

#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr::NonNull;

use super::export::{export, ExportRequest, Exported};
use super::ffi::{
    DLManagedTensorVersioned, DLPackVersion, DLTensor, DLPACK_MAJOR_VERSION, DLPACK_MINOR_VERSION,
    K_DL_CPU,
};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::MAX_NDIM;
use crate::tensor::Tensor;

/// The name of the `PyCapsule` that holds a `DLPackExchangeAPI*`.
pub const DLPACK_EXCHANGE_API_CAPSULE_NAME: &CStr = c"dlpack_exchange_api";

/// The type attribute that holds that capsule.
pub const DLPACK_C_EXCHANGE_API_ATTR: &str = "__dlpack_c_exchange_api__";

/// How many `prev_api` links [`find_compatible`] follows before giving up
/// (a guard against a producer's cyclic chain; real chains are one or two long).
pub const MAX_CHAIN: usize = 8;

/// `DLPackManagedTensorAllocator`: a new tensor shaped like `prototype`
/// (only `dtype`, `ndim`, `shape` and `device` are read), owned by the
/// producer library. Returns 0 and sets `*out`, or returns -1 after calling
/// `SetError(error_ctx, kind, message)` exactly once. Needs no Python: it may
/// be called without the GIL (`SetError` takes it if it must).
pub type DLPackManagedTensorAllocator = Option<
    unsafe extern "C" fn(
        prototype: *mut DLTensor,
        out: *mut *mut DLManagedTensorVersioned,
        error_ctx: *mut c_void,
        set_error: Option<
            unsafe extern "C" fn(
                error_ctx: *mut c_void,
                kind: *const c_char,
                message: *const c_char,
            ),
        >,
    ) -> c_int,
>;

/// `DLPackManagedTensorFromPyObjectNoSync`: exports `py_object` (an instance
/// of the type the table was found on) as an owning managed tensor. Returns
/// 0 and sets `*out`, or -1 with a Python exception set (a `BufferError`
/// when DLPack cannot describe the data). Called with the GIL held.
pub type DLPackManagedTensorFromPyObjectNoSync = Option<
    unsafe extern "C" fn(py_object: *mut c_void, out: *mut *mut DLManagedTensorVersioned) -> c_int,
>;

/// `DLPackManagedTensorToPyObjectNoSync`: wraps an owning managed tensor
/// (ownership is stolen, success or not) in a new Python tensor of the
/// producer's type. Returns 0 and sets `*out_py_object` to a new reference,
/// or -1 with a Python exception set. Called with the GIL held.
pub type DLPackManagedTensorToPyObjectNoSync = Option<
    unsafe extern "C" fn(
        tensor: *mut DLManagedTensorVersioned,
        out_py_object: *mut *mut c_void,
    ) -> c_int,
>;

/// `DLPackDLTensorFromPyObjectNoSync`: fills a caller-allocated `DLTensor`
/// with a non-owning view of `py_object`, valid while control stays with the
/// caller. Returns 0, or -1 with a Python exception set. Called with the GIL
/// held. May be null in a table: the producer does not offer it.
pub type DLPackDLTensorFromPyObjectNoSync =
    Option<unsafe extern "C" fn(py_object: *mut c_void, out: *mut DLTensor) -> c_int>;

/// `DLPackCurrentWorkStream`: the producer's current stream on a device
/// (`device_type` is a `DLDeviceType` value), or null where it has none (the
/// CPU). Returns 0, or -1 with a Python exception set.
pub type DLPackCurrentWorkStream = Option<
    unsafe extern "C" fn(
        device_type: i32,
        device_id: i32,
        out_current_stream: *mut *mut c_void,
    ) -> c_int,
>;

/// `DLPackExchangeAPIHeader`: the part of every table that stays put across
/// DLPack versions. A consumer checks `version.major` before reading on.
#[repr(C)]
#[derive(Debug)]
pub struct DLPackExchangeAPIHeader {
    /// The DLPack version whose table follows this header.
    pub version: DLPackVersion,
    /// An older table of the same producer, or null: a consumer that cannot
    /// read `version.major` may walk this chain to one it can.
    pub prev_api: *mut DLPackExchangeAPIHeader,
}

/// `DLPackExchangeAPI`: a producer's function table, alive and unchanged for
/// the whole process. Every pointer except `dltensor_from_py_object_no_sync`
/// must be non-null in a valid table.
#[repr(C)]
#[derive(Debug)]
pub struct DLPackExchangeAPI {
    /// Version and chain; first, so a `DLPackExchangeAPI*` is a header pointer.
    pub header: DLPackExchangeAPIHeader,
    /// See [`DLPackManagedTensorAllocator`].
    pub managed_tensor_allocator: DLPackManagedTensorAllocator,
    /// See [`DLPackManagedTensorFromPyObjectNoSync`].
    pub managed_tensor_from_py_object_no_sync: DLPackManagedTensorFromPyObjectNoSync,
    /// See [`DLPackManagedTensorToPyObjectNoSync`].
    pub managed_tensor_to_py_object_no_sync: DLPackManagedTensorToPyObjectNoSync,
    /// See [`DLPackDLTensorFromPyObjectNoSync`] (may be null).
    pub dltensor_from_py_object_no_sync: DLPackDLTensorFromPyObjectNoSync,
    /// See [`DLPackCurrentWorkStream`].
    pub current_work_stream: DLPackCurrentWorkStream,
}

/// The version tensorbridge's own table claims: the newest this build knows.
pub const EXCHANGE_API_VERSION: DLPackVersion = DLPackVersion {
    major: DLPACK_MAJOR_VERSION,
    minor: DLPACK_MINOR_VERSION,
};

/// The first table in a producer's chain (starting at `header`) whose major
/// version is the one this build reads (1), following at most [`MAX_CHAIN`]
/// `prev_api` links. Minor versions only append fields, so any 1.x table has
/// every field of [`DLPackExchangeAPI`] this build calls.
///
/// # Safety
///
/// `header` and every `prev_api` reached from it point to live
/// `DLPackExchangeAPIHeader`s (the spec makes them live for the process).
pub unsafe fn find_compatible(
    header: NonNull<DLPackExchangeAPIHeader>,
) -> Option<NonNull<DLPackExchangeAPI>> {
    let mut at = header;
    for _ in 0..=MAX_CHAIN {
        // SAFETY: by the contract, `at` is a live header.
        let h = unsafe { at.as_ref() };
        if h.version.major == DLPACK_MAJOR_VERSION {
            // A header of major 1 begins a whole 1.x table.
            return Some(at.cast());
        }
        at = NonNull::new(h.prev_api)?;
    }
    None
}

/// The body of tensorbridge's `managed_tensor_allocator`: a new zero-filled,
/// C-contiguous CPU tensor of the prototype's dtype and shape, exported as a
/// versioned managed tensor of [`EXCHANGE_API_VERSION`] (its deleter frees
/// it, from any thread). Touches no Python object.
///
/// Errors: a device other than the CPU (type 1, id 0) ([`Error::DLPackDevice`]);
/// a dtype with lanes other than 1 or no tensorbridge equivalent
/// ([`Error::DLPackDType`]); a negative `ndim` or a null shape
/// ([`Error::InvalidArgument`]); more than [`MAX_NDIM`] dimensions
/// ([`Error::TooManyDims`]); a negative size ([`Error::NegativeDim`]); a
/// byte size that overflows ([`Error::Overflow`]).
///
/// # Safety
///
/// If `prototype.ndim > 0` and `prototype.shape` is non-null, it points to
/// `ndim` readable `i64`s.
pub unsafe fn allocate(prototype: &DLTensor) -> Result<Exported> {
    let device = prototype.device;
    if device.device_type != K_DL_CPU || device.device_id != 0 {
        return Err(Error::DLPackDevice {
            device_type: device.device_type,
            device_id: device.device_id,
        });
    }
    let dt = prototype.dtype;
    let bad_dtype = Error::DLPackDType {
        code: dt.code,
        bits: dt.bits,
        lanes: dt.lanes,
    };
    if dt.lanes != 1 {
        return Err(bad_dtype);
    }
    let dtype = DType::from_dlpack(dt.code, dt.bits).ok_or(bad_dtype)?;
    let ndim = usize::try_from(prototype.ndim).map_err(|_| Error::InvalidArgument {
        op: "managed_tensor_allocator",
        reason: "the prototype's ndim is negative",
    })?;
    if ndim > MAX_NDIM {
        return Err(Error::TooManyDims {
            ndim,
            max: MAX_NDIM,
        });
    }
    let sizes: &[i64] = if ndim == 0 {
        &[]
    } else if prototype.shape.is_null() {
        return Err(Error::InvalidArgument {
            op: "managed_tensor_allocator",
            reason: "the prototype's shape is null but its ndim is not 0",
        });
    } else {
        // SAFETY: the caller guarantees a non-null shape holds `ndim` entries.
        unsafe { std::slice::from_raw_parts(prototype.shape, ndim) }
    };
    let shape = sizes
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| Error::NegativeDim { dim: d }))
        .collect::<Result<Vec<usize>>>()?;
    let tensor = Tensor::zeros(&shape, dtype)?;
    let request = ExportRequest {
        max_version: Some(EXCHANGE_API_VERSION),
        ..Default::default()
    };
    // A fresh core tensor keeps no Python object alive: no release hook.
    export(&tensor, &request, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dlpack::ffi::{DLDataType, DLDevice, RawManaged, K_DL_FLOAT};
    use std::mem::{align_of, offset_of, size_of};

    /// Offsets computed by hand from `dlpack.h` on a 64-bit target:
    /// `DLPackVersion` is two `uint32_t` (8 bytes), then an 8-byte pointer;
    /// the API is that 16-byte header followed by five function pointers.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn layouts_match_the_header() {
        assert_eq!(offset_of!(DLPackExchangeAPIHeader, version), 0);
        assert_eq!(offset_of!(DLPackExchangeAPIHeader, prev_api), 8);
        assert_eq!(size_of::<DLPackExchangeAPIHeader>(), 16);
        assert_eq!(offset_of!(DLPackExchangeAPI, header), 0);
        assert_eq!(offset_of!(DLPackExchangeAPI, managed_tensor_allocator), 16);
        assert_eq!(
            offset_of!(DLPackExchangeAPI, managed_tensor_from_py_object_no_sync),
            24
        );
        assert_eq!(
            offset_of!(DLPackExchangeAPI, managed_tensor_to_py_object_no_sync),
            32
        );
        assert_eq!(
            offset_of!(DLPackExchangeAPI, dltensor_from_py_object_no_sync),
            40
        );
        assert_eq!(offset_of!(DLPackExchangeAPI, current_work_stream), 48);
        assert_eq!(size_of::<DLPackExchangeAPI>(), 56);
        assert_eq!(align_of::<DLPackExchangeAPI>(), 8);
        // Nullable function pointers are plain pointers (null = None).
        assert_eq!(size_of::<DLPackCurrentWorkStream>(), size_of::<*const ()>());
        assert_eq!(
            size_of::<DLPackManagedTensorAllocator>(),
            size_of::<*const ()>()
        );
    }

    fn header(major: u32, prev: *mut DLPackExchangeAPIHeader) -> DLPackExchangeAPIHeader {
        DLPackExchangeAPIHeader {
            version: DLPackVersion { major, minor: 0 },
            prev_api: prev,
        }
    }

    #[test]
    fn chain_walk_finds_major_one() {
        let mut v1 = header(1, std::ptr::null_mut());
        let v1_ptr: *mut _ = &mut v1;
        let mut v2 = header(2, v1_ptr);
        let mut v3 = header(3, &mut v2);
        // SAFETY: all three headers live on this stack frame.
        let found = unsafe { find_compatible(NonNull::from(&mut v3)) };
        assert_eq!(found.map(|p| p.as_ptr().cast()), Some(v1_ptr));
        let mut lone = header(2, std::ptr::null_mut());
        // SAFETY: as above.
        assert!(unsafe { find_compatible(NonNull::from(&mut lone)) }.is_none());
    }

    #[test]
    fn chain_walk_stops_on_a_cycle() {
        let mut a = header(2, std::ptr::null_mut());
        let a_ptr: *mut _ = &mut a;
        // SAFETY: `a_ptr` points to `a`, alive for this frame; a self-link.
        unsafe { (*a_ptr).prev_api = a_ptr };
        // SAFETY: the chain is the one live header.
        assert!(unsafe { find_compatible(NonNull::new(a_ptr).unwrap()) }.is_none());
    }

    fn prototype(shape: &mut [i64], code: u8, bits: u8, device_type: i32) -> DLTensor {
        DLTensor {
            data: std::ptr::null_mut(),
            device: DLDevice {
                device_type,
                device_id: 0,
            },
            ndim: shape.len() as i32,
            dtype: DLDataType {
                code,
                bits,
                lanes: 1,
            },
            shape: shape.as_mut_ptr(),
            strides: std::ptr::null_mut(),
            byte_offset: 0,
        }
    }

    #[test]
    fn allocate_makes_a_zeroed_contiguous_tensor() {
        let mut shape = [2i64, 3];
        let p = prototype(&mut shape, K_DL_FLOAT, 32, K_DL_CPU);
        // SAFETY: `shape` holds `ndim` entries.
        let e = unsafe { allocate(&p) }.unwrap();
        let RawManaged::Versioned(m) = e.raw() else {
            panic!("expected a versioned struct")
        };
        // SAFETY: `e` owns the live block.
        let m = unsafe { m.as_ref() };
        assert_eq!(m.version, EXCHANGE_API_VERSION);
        assert_eq!(m.flags, 0);
        let dl = m.dl_tensor;
        // SAFETY: an export fills `ndim` sizes and strides, alive while `e` is.
        let (sizes, strides) = unsafe {
            (
                std::slice::from_raw_parts(dl.shape, 2),
                std::slice::from_raw_parts(dl.strides, 2),
            )
        };
        assert_eq!((sizes, strides), (&[2i64, 3][..], &[3i64, 1][..]));
        // SAFETY: six f32 of live, zeroed memory.
        let values = unsafe { std::slice::from_raw_parts(dl.data.cast::<f32>(), 6) };
        assert!(values.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn allocate_refuses_what_it_cannot_make() {
        let mut shape = [2i64];
        let mut negative = [-1i64];
        let cuda = prototype(&mut shape, K_DL_FLOAT, 32, 2);
        let f8 = prototype(&mut shape, K_DL_FLOAT, 8, K_DL_CPU);
        let neg = prototype(&mut negative, K_DL_FLOAT, 32, K_DL_CPU);
        let mut null = prototype(&mut shape, K_DL_FLOAT, 32, K_DL_CPU);
        null.shape = std::ptr::null_mut();
        // SAFETY: every non-null shape points to `ndim` live entries.
        let results = unsafe {
            [
                allocate(&cuda),
                allocate(&f8),
                allocate(&neg),
                allocate(&null),
            ]
        };
        let [cuda, f8, neg, null] = results;
        assert!(matches!(
            cuda,
            Err(Error::DLPackDevice { device_type: 2, .. })
        ));
        assert!(matches!(f8, Err(Error::DLPackDType { .. })));
        assert!(matches!(neg, Err(Error::NegativeDim { dim: -1 })));
        assert!(matches!(null, Err(Error::InvalidArgument { .. })));
    }
}
