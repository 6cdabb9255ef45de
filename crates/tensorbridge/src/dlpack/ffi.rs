//! DLPack's C structs and constants, written from `dlpack.h` (1.x).
//!
//! This file owns the ABI: `#[repr(C)]` mirrors of `DLPackVersion`,
//! `DLDevice`, `DLDataType`, `DLTensor`, the legacy `DLManagedTensor` and
//! `DLManagedTensorVersioned`, the flag bits and the codes tensorbridge
//! uses. Enum-like C fields (`device_type`, `code`) are plain integers here,
//! never Rust enums, because a foreign producer may put any value in them.
//!
//! [`RawManaged`] names an owned pointer to either managed struct, and
//! [`RawManaged::delete`] is the one place that calls a deleter.

#![allow(unsafe_code)]

use std::ffi::c_void;
use std::ptr::NonNull;

/// The DLPack major version this module reads and writes.
pub const DLPACK_MAJOR_VERSION: u32 = 1;
/// The newest DLPack minor version this module knows. Exports claim at most
/// this; every 1.x minor is read (minor versions only add enum values).
pub const DLPACK_MINOR_VERSION: u32 = 3;

/// `DLPACK_FLAG_BITMASK_READ_ONLY`: the consumer must not write.
pub const DLPACK_FLAG_BITMASK_READ_ONLY: u64 = 1 << 0;
/// `DLPACK_FLAG_BITMASK_IS_COPIED`: the producer made a copy the consumer owns alone.
pub const DLPACK_FLAG_BITMASK_IS_COPIED: u64 = 1 << 1;
/// `DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED`: sub-byte elements are padded.
pub const DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED: u64 = 1 << 2;

/// `kDLCPU`: host memory.
pub const K_DL_CPU: i32 = 1;
/// `kDLCUDA`: CUDA device memory.
pub const K_DL_CUDA: i32 = 2;
/// `kDLCUDAHost`: pinned host memory from `cudaMallocHost` (CPU-addressable).
pub const K_DL_CUDA_HOST: i32 = 3;
/// `kDLROCMHost`: pinned host memory from `hipMallocHost` (CPU-addressable).
pub const K_DL_ROCM_HOST: i32 = 11;
/// `kDLCUDAManaged`: CUDA unified memory (CPU-addressable).
pub const K_DL_CUDA_MANAGED: i32 = 13;

/// `kDLInt`.
pub const K_DL_INT: u8 = 0;
/// `kDLUInt`.
pub const K_DL_UINT: u8 = 1;
/// `kDLFloat`.
pub const K_DL_FLOAT: u8 = 2;
/// `kDLBfloat`.
pub const K_DL_BFLOAT: u8 = 4;
/// `kDLComplex`.
pub const K_DL_COMPLEX: u8 = 5;
/// `kDLBool`.
pub const K_DL_BOOL: u8 = 6;

/// `DLPackVersion`: the ABI version of a versioned managed tensor.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DLPackVersion {
    /// Major version: a different major means a different struct layout.
    pub major: u32,
    /// Minor version: new enum values only.
    pub minor: u32,
}

/// `DLDevice`: device type and ordinal.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct DLDevice {
    /// `DLDeviceType` value (`kDLCPU = 1`, `kDLCUDA = 2`, ...).
    pub device_type: i32,
    /// Device ordinal; 0 for the CPU.
    pub device_id: i32,
}

/// `DLDataType`: element type code, bit width and vector lanes.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct DLDataType {
    /// `DLDataTypeCode` value.
    pub code: u8,
    /// Bits per lane.
    pub bits: u8,
    /// Lanes per element (1 for scalars).
    pub lanes: u16,
}

/// `DLTensor`: a borrowed strided view; owns nothing.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct DLTensor {
    /// Base address; the first element is at `data + byte_offset`.
    pub data: *mut c_void,
    /// Where the memory is.
    pub device: DLDevice,
    /// Number of dimensions.
    pub ndim: i32,
    /// Element type.
    pub dtype: DLDataType,
    /// `ndim` dimension sizes (may be null when `ndim == 0`).
    pub shape: *mut i64,
    /// `ndim` strides in elements; null before DLPack 1.2 meant compact row-major.
    pub strides: *mut i64,
    /// Bytes from `data` to the first element.
    pub byte_offset: u64,
}

/// `DLManagedTensor`: the legacy (unversioned, pre-1.0) managed tensor.
#[repr(C)]
#[derive(Debug)]
pub struct DLManagedTensor {
    /// The view.
    pub dl_tensor: DLTensor,
    /// The producer's context.
    pub manager_ctx: *mut c_void,
    /// Frees `manager_ctx` and this struct; may be null.
    pub deleter: Option<unsafe extern "C" fn(*mut DLManagedTensor)>,
}

/// `DLManagedTensorVersioned`: the DLPack 1.x managed tensor.
#[repr(C)]
#[derive(Debug)]
pub struct DLManagedTensorVersioned {
    /// ABI version; read before anything else.
    pub version: DLPackVersion,
    /// The producer's context.
    pub manager_ctx: *mut c_void,
    /// Frees `manager_ctx` and this struct; may be null.
    pub deleter: Option<unsafe extern "C" fn(*mut DLManagedTensorVersioned)>,
    /// `DLPACK_FLAG_BITMASK_*` bits.
    pub flags: u64,
    /// The view.
    pub dl_tensor: DLTensor,
}

/// An owned pointer to a managed tensor in one of the two ABIs: whoever
/// holds it must call [`RawManaged::delete`] exactly once.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RawManaged {
    /// A `DLManagedTensorVersioned` (capsule name `"dltensor_versioned"`).
    Versioned(NonNull<DLManagedTensorVersioned>),
    /// A legacy `DLManagedTensor` (capsule name `"dltensor"`).
    Legacy(NonNull<DLManagedTensor>),
}

impl RawManaged {
    /// The address of the managed struct, for capsules.
    pub fn as_ptr(self) -> *mut c_void {
        match self {
            RawManaged::Versioned(p) => p.as_ptr().cast(),
            RawManaged::Legacy(p) => p.as_ptr().cast(),
        }
    }

    /// Calls the producer's deleter, if it gave one.
    ///
    /// # Safety
    ///
    /// - the pointer is a live managed struct of the stated ABI (for
    ///   `Versioned`, at least its `version`, `manager_ctx` and `deleter`
    ///   fields are laid out as in 1.x, which the spec guarantees for every
    ///   major version);
    /// - the caller owns it and never touches it again.
    pub unsafe fn delete(self) {
        match self {
            RawManaged::Versioned(p) => {
                // SAFETY: the caller guarantees `p` is live; `deleter` sits in
                // the ABI-stable prefix of every major version.
                if let Some(d) = unsafe { (*p.as_ptr()).deleter } {
                    // SAFETY: the caller owns the struct and hands it back once.
                    unsafe { d(p.as_ptr()) };
                }
            }
            RawManaged::Legacy(p) => {
                // SAFETY: the caller guarantees `p` is a live legacy struct.
                if let Some(d) = unsafe { (*p.as_ptr()).deleter } {
                    // SAFETY: the caller owns the struct and hands it back once.
                    unsafe { d(p.as_ptr()) };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};

    /// The layouts `dlpack.h` gives on a 64-bit target.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn layouts_match_the_header() {
        assert_eq!(size_of::<DLPackVersion>(), 8);
        assert_eq!(size_of::<DLDevice>(), 8);
        assert_eq!(size_of::<DLDataType>(), 4);
        assert_eq!(offset_of!(DLTensor, device), 8);
        assert_eq!(offset_of!(DLTensor, ndim), 16);
        assert_eq!(offset_of!(DLTensor, dtype), 20);
        assert_eq!(offset_of!(DLTensor, shape), 24);
        assert_eq!(offset_of!(DLTensor, strides), 32);
        assert_eq!(offset_of!(DLTensor, byte_offset), 40);
        assert_eq!(size_of::<DLTensor>(), 48);
        assert_eq!(offset_of!(DLManagedTensor, manager_ctx), 48);
        assert_eq!(offset_of!(DLManagedTensor, deleter), 56);
        assert_eq!(size_of::<DLManagedTensor>(), 64);
        assert_eq!(offset_of!(DLManagedTensorVersioned, manager_ctx), 8);
        assert_eq!(offset_of!(DLManagedTensorVersioned, deleter), 16);
        assert_eq!(offset_of!(DLManagedTensorVersioned, flags), 24);
        assert_eq!(offset_of!(DLManagedTensorVersioned, dl_tensor), 32);
        assert_eq!(size_of::<DLManagedTensorVersioned>(), 80);
        assert_eq!(align_of::<DLManagedTensorVersioned>(), 8);
    }

    #[test]
    fn null_deleter_is_allowed() {
        let mut m = DLManagedTensor {
            dl_tensor: DLTensor {
                data: std::ptr::null_mut(),
                device: DLDevice {
                    device_type: K_DL_CPU,
                    device_id: 0,
                },
                ndim: 0,
                dtype: DLDataType {
                    code: K_DL_FLOAT,
                    bits: 32,
                    lanes: 1,
                },
                shape: std::ptr::null_mut(),
                strides: std::ptr::null_mut(),
                byte_offset: 0,
            },
            manager_ctx: std::ptr::null_mut(),
            deleter: None,
        };
        // SAFETY: `m` is live and has no deleter, so nothing is freed.
        unsafe { RawManaged::Legacy(NonNull::from(&mut m)).delete() };
    }
}
