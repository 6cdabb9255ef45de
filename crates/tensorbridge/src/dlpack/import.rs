//! Import: a foreign producer's managed tensor, validated into a tensor.
//!
//! A [`Foreign`] owns a managed struct that some producer built and nobody
//! has checked. Its one way forward, [`Foreign::into_tensor`], reads the
//! struct defensively (version first, then device, dtype, rank and the
//! shape/stride arrays) and hands the result to the crate's one checked
//! constructor, [`UncheckedParts::into_tensor`], with the `Foreign` itself as
//! the storage's keep-alive owner. Whatever happens, the producer's deleter
//! runs exactly once: on failure when the `Foreign` is dropped, on success
//! when the last tensor using the memory is dropped.

#![allow(unsafe_code)]

use super::ffi::{
    DLTensor, RawManaged, DLPACK_FLAG_BITMASK_READ_ONLY, DLPACK_MAJOR_VERSION, K_DL_CPU,
    K_DL_CUDA, K_DL_CUDA_HOST, K_DL_CUDA_MANAGED, K_DL_ROCM_HOST,
};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::MAX_NDIM;
use crate::storage::ForeignOwner;
use crate::tensor::{Tensor, UncheckedParts};

/// A managed tensor from a foreign producer: owned, not yet validated.
///
/// Dropping it calls the producer's deleter; so does dropping the last
/// tensor made from it by [`Foreign::into_tensor`].
#[derive(Debug)]
pub struct Foreign {
    raw: RawManaged,
}

// SAFETY: the DLPack spec requires deleters to be callable from any thread
// (Python producers take the GIL themselves), and `Foreign` only reads the
// struct through `&self` before it becomes a storage owner.
unsafe impl Send for Foreign {}
// SAFETY: shared references never mutate the struct or call the deleter.
unsafe impl Sync for Foreign {}

impl ForeignOwner for Foreign {}

impl Drop for Foreign {
    fn drop(&mut self) {
        // SAFETY: `from_raw`'s contract: we own the live struct; this is the
        // only place its deleter is called, and `Drop` runs once.
        unsafe { self.raw.delete() }
    }
}

impl Foreign {
    /// Takes ownership of a producer's managed tensor.
    ///
    /// # Safety
    ///
    /// - `raw` points to a live managed struct of the stated ABI whose
    ///   deleter has not been called, and the caller gives up ownership (for
    ///   a Python capsule: it has been renamed to `used_dltensor[_versioned]`);
    /// - if its fields pass validation, they describe memory that stays
    ///   readable (and writable unless flagged read-only) until the deleter
    ///   runs. This is the producer's promise under the DLPack spec; the
    ///   fields themselves are checked, not trusted.
    pub unsafe fn from_raw(raw: RawManaged) -> Foreign {
        Foreign { raw }
    }

    /// The managed struct (still owned by `self`).
    pub fn raw(&self) -> RawManaged {
        self.raw
    }

    /// Validates the struct and wraps its memory as a tensor without
    /// copying. The tensor is read-only if the producer set
    /// `DLPACK_FLAG_BITMASK_READ_ONLY`.
    ///
    /// Errors: a major version other than 1 ([`Error::DLPackVersion`], and
    /// no other field is read); a device that is neither host memory nor
    /// a GPU present ([`Error::DLPackDevice`]); on a GPU, a data pointer the
    /// driver does not know as its memory ([`Error::DLPackNotDeviceMemory`]);
    /// a dtype with lanes other than 1 or no
    /// tensorbridge equivalent ([`Error::DLPackDType`]); negative `ndim` or a
    /// null shape ([`Error::DLPackMalformed`]); and everything
    /// [`UncheckedParts::into_tensor`] refuses (negative or overflowing
    /// sizes and strides, null data with elements, misalignment).
    pub fn into_tensor(self) -> Result<Tensor> {
        let (dl, flags) = match self.raw {
            RawManaged::Versioned(p) => {
                // SAFETY: `from_raw`'s contract: live; `version` is in the
                // ABI-stable prefix, so it may be read whatever the major.
                let version = unsafe { (*p.as_ptr()).version };
                if version.major != DLPACK_MAJOR_VERSION {
                    return Err(Error::DLPackVersion {
                        major: version.major,
                        minor: version.minor,
                    });
                }
                // SAFETY: a live 1.x struct: the whole layout is known.
                let m = unsafe { p.as_ref() };
                (m.dl_tensor, m.flags)
            }
            // SAFETY: `from_raw`'s contract: a live legacy struct.
            RawManaged::Legacy(p) => (unsafe { p.as_ref() }.dl_tensor, 0),
        };
        // SAFETY: `dl` comes from the live struct we own; its arrays stay
        // valid until our deleter call.
        let parts = unsafe { parts_of(&dl, flags)? };
        // SAFETY: the parts passed validation here; the producer promises
        // (see `from_raw`) that the memory lives until the deleter runs, and
        // the deleter runs when the owner we hand over (`self`) is dropped.
        unsafe { parts.into_tensor(Box::new(self)) }
    }
}

/// Whether a DLPack device type is memory the CPU can address (NumPy's list:
/// host, pinned CUDA/ROCm host memory, CUDA managed memory).
fn is_host_addressable(device_type: i32) -> bool {
    matches!(
        device_type,
        K_DL_CPU | K_DL_CUDA_HOST | K_DL_ROCM_HOST | K_DL_CUDA_MANAGED
    )
}

/// The device of a DLPack tensor this process can use: host-addressable
/// memory is the CPU's; CUDA memory needs a CUDA build and the device present.
pub fn device_of(device_type: i32, device_id: i32) -> Option<Device> {
    if is_host_addressable(device_type) {
        return Some(Device::Cpu);
    }
    if device_type != K_DL_CUDA {
        return None;
    }
    let ordinal = usize::try_from(device_id).ok()?;
    #[cfg(feature = "cuda")]
    let present = ordinal < crate::cuda::device_count();
    #[cfg(not(feature = "cuda"))]
    let present = false;
    present.then_some(Device::Cuda(ordinal))
}

/// Compact row-major strides for a shape given by a producer that left
/// `strides` null (allowed before DLPack 1.2). Shapes with a zero or negative
/// size get zero strides: they describe no elements, or are refused later.
fn compact_strides(shape: &[i64]) -> Result<Vec<i64>> {
    if shape.iter().any(|&d| d <= 0) {
        return Ok(vec![0; shape.len()]);
    }
    let mut strides = vec![0i64; shape.len()];
    let mut acc: i64 = 1;
    for (s, &d) in strides.iter_mut().zip(shape).rev() {
        *s = acc;
        acc = acc.checked_mul(d).ok_or(Error::Overflow {
            what: "DLPack shape",
        })?;
    }
    Ok(strides)
}

/// Reads a `DLTensor` into unchecked parts, refusing what
/// [`UncheckedParts`] cannot express.
///
/// # Safety
///
/// `dl` was read from a live managed struct: when `ndim` is in range and
/// `shape`/`strides` are non-null they point to `ndim` readable `i64`s.
unsafe fn parts_of(dl: &DLTensor, flags: u64) -> Result<UncheckedParts> {
    let device = device_of(dl.device.device_type, dl.device.device_id).ok_or(Error::DLPackDevice {
        device_type: dl.device.device_type,
        device_id: dl.device.device_id,
    })?;
    let bad_dtype = Error::DLPackDType {
        code: dl.dtype.code,
        bits: dl.dtype.bits,
        lanes: dl.dtype.lanes,
    };
    if dl.dtype.lanes != 1 {
        return Err(bad_dtype);
    }
    let dtype = DType::from_dlpack(dl.dtype.code, dl.dtype.bits).ok_or(bad_dtype)?;
    if dl.ndim < 0 {
        return Err(Error::DLPackMalformed {
            field: "ndim",
            value: dl.ndim as i64,
            expected: "0 or more dimensions",
        });
    }
    let ndim = dl.ndim as usize;
    if ndim > MAX_NDIM {
        return Err(Error::TooManyDims {
            ndim,
            max: MAX_NDIM,
        });
    }
    let shape: Vec<i64> = if ndim == 0 {
        Vec::new()
    } else if dl.shape.is_null() {
        return Err(Error::DLPackMalformed {
            field: "shape",
            value: 0,
            expected: "a pointer to ndim sizes, not null",
        });
    } else {
        // SAFETY: the caller guarantees a non-null `shape` holds `ndim` entries.
        unsafe { std::slice::from_raw_parts(dl.shape, ndim) }.to_vec()
    };
    let strides = if ndim == 0 {
        Vec::new()
    } else if dl.strides.is_null() {
        compact_strides(&shape)?
    } else {
        // SAFETY: as for `shape`.
        unsafe { std::slice::from_raw_parts(dl.strides, ndim) }.to_vec()
    };
    let data = if dl.data.is_null() {
        std::ptr::null_mut()
    } else {
        let offset = usize::try_from(dl.byte_offset).map_err(|_| Error::Overflow {
            what: "DLPack byte_offset",
        })?;
        (dl.data as usize)
            .checked_add(offset)
            .ok_or(Error::Overflow {
                what: "DLPack data + byte_offset",
            })?;
        // Derived from the producer's pointer (keeps provenance); the sum was
        // just checked not to wrap, and the extent is checked by `into_tensor`.
        dl.data.cast::<u8>().wrapping_add(offset)
    };
    // A tensor on a GPU must point at that GPU's memory; an empty one may
    // point anywhere (nothing is read), and a negative size is refused later.
    #[cfg(feature = "cuda")]
    if let Device::Cuda(ordinal) = device {
        if !data.is_null() && shape.iter().all(|&d| d > 0) {
            crate::cuda::check_device_pointer("from_dlpack", ordinal, data as usize)?;
        }
    }
    Ok(UncheckedParts {
        data,
        dtype,
        shape,
        strides,
        readonly: flags & DLPACK_FLAG_BITMASK_READ_ONLY != 0,
        device,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_strides_are_row_major() {
        assert_eq!(compact_strides(&[2, 3, 4]).unwrap(), vec![12, 4, 1]);
        assert_eq!(compact_strides(&[0, 3]).unwrap(), vec![0, 0]);
        assert_eq!(compact_strides(&[]).unwrap(), Vec::<i64>::new());
        assert!(compact_strides(&[i64::MAX, 2, 2]).is_err());
    }

    #[test]
    fn host_addressable_devices() {
        assert!(is_host_addressable(K_DL_CPU));
        assert!(is_host_addressable(K_DL_CUDA_HOST));
        assert!(!is_host_addressable(2));
        assert!(!is_host_addressable(-1));
    }
}
