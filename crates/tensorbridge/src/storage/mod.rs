//! Untyped memory behind a tensor: owned aligned allocations and foreign
//! memory kept alive by its owner.
//!
//! A [`Storage`] is a pointer, a byte length, a device and a read-only flag.
//! It never knows the dtype; [`crate::Tensor`] puts a typed strided view on
//! top. Storage is shared behind an `Arc`, so dropping the last tensor that
//! uses it frees the allocation or releases the foreign owner exactly once.

#![allow(unsafe_code)]

mod foreign;
mod owned;
mod overlap;

pub use foreign::ForeignOwner;
pub use overlap::ranges_overlap;

use std::ptr::NonNull;

use crate::device::Device;
use crate::error::{Error, Result};

/// Alignment of owned allocations: a cache line, enough for every dtype and
/// for aligned SIMD loads.
pub const ALLOC_ALIGN: usize = 64;

enum Backing {
    /// Allocated by tensorbridge with [`ALLOC_ALIGN`]; freed on drop.
    Owned,
    /// Someone else's memory; dropping the owner releases it.
    Foreign(Box<dyn ForeignOwner>),
}

/// A block of memory a tensor views.
pub struct Storage {
    ptr: NonNull<u8>,
    len_bytes: usize,
    device: Device,
    readonly: bool,
    backing: Backing,
}

// SAFETY: Storage is a pointer to memory that is either owned by it or kept
// alive by a `ForeignOwner`, which is itself `Send + Sync`. Concurrent
// element writes through shared tensors are the caller's responsibility, as
// with NumPy arrays and PyTorch tensors shared between threads.
unsafe impl Send for Storage {}
// SAFETY: see `Send`; `&Storage` only hands out raw pointers.
unsafe impl Sync for Storage {}

impl Storage {
    /// A zero-filled owned allocation of `len_bytes` on the CPU.
    pub fn zeroed(len_bytes: usize) -> Result<Storage> {
        Ok(Storage {
            ptr: owned::alloc(len_bytes, true)?,
            len_bytes,
            device: Device::Cpu,
            readonly: false,
            backing: Backing::Owned,
        })
    }

    /// An uninitialised-looking owned allocation of `len_bytes` on the CPU.
    ///
    /// The bytes are whatever the allocator returns; they are still valid for
    /// every tensorbridge dtype (plain data), only their values are arbitrary.
    pub fn uninit(len_bytes: usize) -> Result<Storage> {
        Ok(Storage {
            ptr: owned::alloc(len_bytes, false)?,
            len_bytes,
            device: Device::Cpu,
            readonly: false,
            backing: Backing::Owned,
        })
    }

    /// An owned copy of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Storage> {
        let s = Storage::uninit(bytes.len())?;
        // SAFETY: `s` was just allocated with `bytes.len()` bytes and cannot
        // overlap a live slice.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), s.ptr.as_ptr(), bytes.len()) };
        Ok(s)
    }

    /// Wraps foreign memory.
    ///
    /// # Safety
    ///
    /// - `ptr` is valid for reads of `len_bytes` bytes (and for writes unless
    ///   `readonly`) for as long as `owner` is alive;
    /// - `ptr` is non-null unless `len_bytes == 0`;
    /// - the memory is on `device`.
    pub unsafe fn from_foreign(
        ptr: *mut u8,
        len_bytes: usize,
        device: Device,
        readonly: bool,
        owner: Box<dyn ForeignOwner>,
    ) -> Result<Storage> {
        let ptr = match NonNull::new(ptr) {
            Some(p) => p,
            None if len_bytes == 0 => NonNull::dangling(),
            None => return Err(Error::NullData { shape: vec![len_bytes] }),
        };
        Ok(Storage {
            ptr,
            len_bytes,
            device,
            readonly,
            backing: Backing::Foreign(owner),
        })
    }

    /// Start of the memory.
    #[inline]
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    /// Start of the memory for writing; errors if read-only.
    #[inline]
    pub fn as_mut_ptr(&self, op: &'static str) -> Result<*mut u8> {
        if self.readonly {
            return Err(Error::ReadOnly { op });
        }
        Ok(self.ptr.as_ptr())
    }

    /// Length in bytes.
    #[inline]
    pub fn len_bytes(&self) -> usize {
        self.len_bytes
    }

    /// Where the memory lives.
    #[inline]
    pub fn device(&self) -> Device {
        self.device
    }

    /// Whether writes are refused.
    #[inline]
    pub fn is_readonly(&self) -> bool {
        self.readonly
    }

    /// True when tensorbridge allocated this memory itself.
    pub fn is_owned(&self) -> bool {
        matches!(self.backing, Backing::Owned)
    }

    /// The foreign owner, if any, for boundaries that want to hand the
    /// original object back (for example NumPy's `.base`).
    pub fn foreign_owner(&self) -> Option<&dyn ForeignOwner> {
        match &self.backing {
            Backing::Foreign(o) => Some(o.as_ref()),
            Backing::Owned => None,
        }
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        if let Backing::Owned = self.backing {
            // SAFETY: owned storage was allocated by `owned::alloc` with this
            // length and is freed exactly once, here.
            unsafe { owned::free(self.ptr, self.len_bytes) };
        }
        // A foreign owner is dropped with `backing`, after this, exactly once.
    }
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("ptr", &self.ptr)
            .field("len_bytes", &self.len_bytes)
            .field("device", &self.device)
            .field("readonly", &self.readonly)
            .field("owned", &self.is_owned())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    struct Counter(Arc<AtomicUsize>);
    impl ForeignOwner for Counter {}
    impl Drop for Counter {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn owned_is_aligned_and_zeroed() {
        for n in [0, 1, 7, 4096] {
            let s = Storage::zeroed(n).unwrap();
            assert_eq!(s.as_ptr() as usize % ALLOC_ALIGN, 0);
            // SAFETY: `s` holds `n` initialised bytes.
            let bytes = unsafe { std::slice::from_raw_parts(s.as_ptr(), n) };
            assert!(bytes.iter().all(|&b| b == 0));
        }
    }

    #[test]
    fn foreign_owner_dropped_exactly_once() {
        let hits = Arc::new(AtomicUsize::new(0));
        let mut buf = vec![1u8; 16];
        // SAFETY: `buf` outlives the storage in this test.
        let s = unsafe {
            Storage::from_foreign(buf.as_mut_ptr(), 16, Device::Cpu, true, Box::new(Counter(hits.clone())))
        }
        .unwrap();
        let a = Arc::new(s);
        let b = a.clone();
        drop(a);
        assert_eq!(hits.load(Ordering::SeqCst), 0);
        assert!(b.as_mut_ptr("write").is_err());
        drop(b);
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn null_with_bytes_is_refused() {
        // SAFETY: a null pointer with non-zero length is rejected before use.
        let r = unsafe {
            Storage::from_foreign(std::ptr::null_mut(), 8, Device::Cpu, false, Box::new(()))
        };
        assert!(r.is_err());
    }
}
