//! Untyped memory behind a tensor: owned aligned allocations, foreign
//! memory kept alive by its owner, and shared memory other processes map.
//!
//! A [`Storage`] is a pointer, a byte length, a device and a read-only flag.
//! It never knows the dtype; [`crate::Tensor`] puts a typed strided view on
//! top. Storage is shared behind an `Arc`, so dropping the last tensor that
//! uses it frees the allocation or releases the foreign owner exactly once.
//!
//! # Note: moving into shared memory in place
//!
//! [`Storage::share_memory_`] moves the bytes into a shared memory file, and
//! every tensor viewing the storage follows, because the data pointer is an
//! atomic the storage swaps once. The memory it leaves is *retired*, not
//! freed: a thread that read the old pointer just before the swap (a kernel
//! running without the GIL) still touches memory that is allocated until
//! the storage drops. Its pages are handed back to the kernel at once
//! (`madvise(MADV_DONTNEED)`), so sharing does not double resident memory;
//! such a racing reader sees zeros, which is why writes or reads racing
//! with `share_memory_` are unsupported, as in PyTorch. The move is refused
//! for memory that belongs to someone else and for memory whose address has
//! been handed out (see [`exports`]).

#![allow(unsafe_code)]

mod exports;
mod foreign;
mod overlap;
mod owned;
mod reuse;
mod shared;

pub use exports::ExportLease;
pub use foreign::ForeignOwner;
pub use overlap::ranges_overlap;
pub use owned::empty_host_cache;
pub use reuse::{host_cached_bytes, LIMIT_BYTES as HOST_CACHE_LIMIT_BYTES};
pub use shared::{FileId, SharedMemory};

use std::ptr::NonNull;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::device::Device;
use crate::error::{Error, Result};
use exports::Exports;

/// Alignment of owned allocations: a cache line, enough for every dtype and
/// for aligned SIMD loads.
pub const ALLOC_ALIGN: usize = 64;

/// The memory a storage was created with.
enum Backing {
    /// Allocated by tensorbridge with [`ALLOC_ALIGN`]; freed on drop.
    Owned,
    /// Someone else's memory; dropping the owner releases it.
    Foreign(Box<dyn ForeignOwner>),
    /// Received from another process: the memory is the storage's shared
    /// mapping from the start.
    Shared,
}

/// A block of memory a tensor views.
pub struct Storage {
    /// Where the bytes are now: `origin`, or the shared mapping once
    /// [`Storage::share_memory_`] has moved them.
    ptr: AtomicPtr<u8>,
    /// Where the bytes were created (what `backing` frees or keeps alive).
    origin: NonNull<u8>,
    len_bytes: usize,
    device: Device,
    readonly: bool,
    backing: Backing,
    /// The shared memory the bytes live in, once shared (set at most once).
    shared: OnceLock<SharedMemory>,
    /// Pins and leases on the address (see [`exports`]).
    exports: Mutex<Exports>,
}

// SAFETY: Storage is a pointer to memory that is either owned by it, kept
// alive by a `ForeignOwner` (itself `Send + Sync`), or a shared mapping it
// owns. Concurrent element writes through shared tensors are the caller's
// responsibility, as with NumPy arrays and PyTorch tensors shared between
// threads.
unsafe impl Send for Storage {}
// SAFETY: see `Send`; `&Storage` only hands out raw pointers, and its
// mutable parts (the pointer, the shared mapping, the export record) are
// atomics and locks.
unsafe impl Sync for Storage {}

impl Storage {
    fn new(
        origin: NonNull<u8>,
        len_bytes: usize,
        device: Device,
        readonly: bool,
        backing: Backing,
    ) -> Storage {
        Storage {
            ptr: AtomicPtr::new(origin.as_ptr()),
            origin,
            len_bytes,
            device,
            readonly,
            backing,
            shared: OnceLock::new(),
            exports: Mutex::new(Exports::default()),
        }
    }

    /// A zero-filled owned allocation of `len_bytes` on the CPU.
    pub fn zeroed(len_bytes: usize) -> Result<Storage> {
        Ok(Storage::new(
            owned::alloc(len_bytes, true)?,
            len_bytes,
            Device::Cpu,
            false,
            Backing::Owned,
        ))
    }

    /// An uninitialised-looking owned allocation of `len_bytes` on the CPU.
    ///
    /// The bytes are whatever the allocator returns; they are still valid for
    /// every tensorbridge dtype (plain data), only their values are arbitrary.
    pub fn uninit(len_bytes: usize) -> Result<Storage> {
        Ok(Storage::new(
            owned::alloc(len_bytes, false)?,
            len_bytes,
            Device::Cpu,
            false,
            Backing::Owned,
        ))
    }

    /// An owned copy of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Storage> {
        let s = Storage::uninit(bytes.len())?;
        // SAFETY: `s` was just allocated with `bytes.len()` bytes and cannot
        // overlap a live slice.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), s.origin.as_ptr(), bytes.len()) };
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
            None => {
                return Err(Error::NullData {
                    shape: vec![len_bytes],
                })
            }
        };
        Ok(Storage::new(
            ptr,
            len_bytes,
            device,
            readonly,
            Backing::Foreign(owner),
        ))
    }

    /// Maps a shared memory file received from another process (taking
    /// ownership of the descriptor), or returns the storage this process
    /// already has for that file, so views sent separately share one
    /// storage here too. The file must be a tensorbridge memory file of at
    /// least `len_bytes` bytes; `readonly` maps it read-only.
    #[cfg(target_os = "linux")]
    pub fn from_shared_fd(
        fd: std::os::fd::OwnedFd,
        len_bytes: usize,
        readonly: bool,
    ) -> Result<Arc<Storage>> {
        shared::find_or_map(fd, |fd| {
            let mem = SharedMemory::from_fd(fd, len_bytes, readonly)?;
            // SAFETY: `mmap` never returns null on success (checked in
            // `from_fd`), and an empty mapping is a dangling aligned pointer.
            let origin = unsafe { NonNull::new_unchecked(mem.as_ptr()) };
            let s = Storage::new(origin, len_bytes, Device::Cpu, readonly, Backing::Shared);
            let _ = s.shared.set(mem);
            Ok(Arc::new(s))
        })
    }

    /// Start of the memory.
    #[inline]
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.load(Ordering::Acquire)
    }

    /// Start of the memory for writing; errors if read-only.
    #[inline]
    pub fn as_mut_ptr(&self, op: &'static str) -> Result<*mut u8> {
        if self.readonly {
            return Err(Error::ReadOnly { op });
        }
        Ok(self.ptr.load(Ordering::Acquire))
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

    /// True when tensorbridge allocated this memory itself (even if it has
    /// since moved into shared memory).
    pub fn is_owned(&self) -> bool {
        matches!(self.backing, Backing::Owned)
    }

    /// True when the bytes live in shared memory that other processes can map.
    pub fn is_shared(&self) -> bool {
        self.shared.get().is_some()
    }

    /// The shared memory the bytes live in, if any (for handing its file
    /// descriptor to another process).
    pub fn shared_memory(&self) -> Option<&SharedMemory> {
        self.shared.get()
    }

    /// The foreign owner, if any, for boundaries that want to hand the
    /// original object back (for example NumPy's `.base`).
    pub fn foreign_owner(&self) -> Option<&dyn ForeignOwner> {
        match &self.backing {
            Backing::Foreign(o) if !self.is_shared() => Some(o.as_ref()),
            _ => None,
        }
    }

    /// True when the bytes may still move: CPU memory that tensorbridge
    /// allocated (or adopted privately) and has not shared yet.
    fn may_move(&self) -> bool {
        let movable_backing = match &self.backing {
            Backing::Owned => true,
            Backing::Foreign(o) => o.is_private(),
            Backing::Shared => false,
        };
        movable_backing && self.device.is_cpu() && !self.is_shared()
    }

    /// Records that the address went to a consumer that never says when it
    /// lets go (see [`exports`]): the bytes will never move. Call it before
    /// reading the address you hand out.
    pub fn pin(&self) {
        if self.may_move() {
            exports::lock(&self.exports).pinned = true;
        }
    }

    /// A lease for a consumer that will say when it lets go (see
    /// [`exports`]): the bytes do not move while it lives. Take it before
    /// reading the address you hand out.
    pub fn lease(self: &Arc<Self>) -> ExportLease {
        let counted = self.may_move();
        if counted {
            exports::lock(&self.exports).leases += 1;
        }
        ExportLease::new(self.clone(), counted)
    }

    /// Moves the bytes into shared memory that other processes can map,
    /// in place: every tensor viewing this storage follows. A no-op when
    /// already shared.
    ///
    /// Errors: memory that belongs to someone else
    /// ([`Error::ShareForeignMemory`]); memory whose address has been handed
    /// out and not given back ([`Error::ShareExported`]); a non-CPU device;
    /// a platform without shared memory; the OS refusing the memory.
    /// Reads or writes racing with the move from other threads are
    /// unsupported (they may act on the old memory).
    pub fn share_memory_(self: &Arc<Self>) -> Result<()> {
        const OP: &str = "share_memory_";
        if self.is_shared() {
            return Ok(());
        }
        if !self.device.is_cpu() {
            return Err(Error::DeviceUnavailable {
                op: OP,
                device: self.device,
            });
        }
        if !self.may_move() {
            return Err(Error::ShareForeignMemory);
        }
        let exports = exports::lock(&self.exports);
        if self.is_shared() {
            return Ok(()); // another thread moved it while we waited
        }
        if exports.handed_out() {
            return Err(Error::ShareExported);
        }
        let mem = SharedMemory::create(self.len_bytes)?;
        let new = mem.as_ptr();
        // SAFETY: `origin` holds `len_bytes` readable bytes (the storage is
        // not shared yet, so they are its current bytes) and `new` is a
        // fresh writable mapping of `len_bytes` that overlaps nothing.
        unsafe { copy_bytes(self.origin.as_ptr(), new, self.len_bytes) };
        let id = mem.id();
        if self.shared.set(mem).is_err() {
            // Unreachable: `shared` is only set here, under the lock, after
            // the check above. The new mapping is dropped, nothing moved.
            return Ok(());
        }
        self.ptr.store(new, Ordering::Release);
        drop(exports);
        self.retire();
        #[cfg(target_os = "linux")]
        shared::register(id, self);
        #[cfg(not(target_os = "linux"))]
        let _ = id;
        Ok(())
    }

    /// Gives the pages of the memory the bytes left back to the kernel,
    /// keeping the addresses allocated until drop (see the module note).
    fn retire(&self) {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: sysconf has no preconditions.
            let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as usize;
            let start = self.origin.as_ptr() as usize;
            let lo = start.div_ceil(page) * page;
            let hi = (start + self.len_bytes) / page * page;
            if hi > lo {
                // SAFETY: `lo..hi` is whole pages inside the memory this
                // storage allocated or adopted privately (no one else's
                // bytes share those pages), which nothing reads legitimately
                // any more; MADV_DONTNEED keeps the range mapped and
                // zero-fills it on the next touch. Failure leaves the pages
                // resident, which is harmless.
                unsafe { libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_DONTNEED) };
            }
        }
    }
}

/// Copies `len_bytes` from `src` to `dst`, in parallel for large blocks
/// (writing fresh shared pages is bound by page faults, which threads
/// spread).
///
/// # Safety
///
/// `src` is readable and `dst` writable for `len_bytes`, and they do not
/// overlap.
unsafe fn copy_bytes(src: *const u8, dst: *mut u8, len_bytes: usize) {
    use rayon::prelude::*;
    const CHUNK_BYTES: usize = 4 << 20;
    if len_bytes < 2 * CHUNK_BYTES {
        // SAFETY: per the contract.
        unsafe { std::ptr::copy_nonoverlapping(src, dst, len_bytes) };
        return;
    }
    let (src, dst) = (src as usize, dst as usize);
    (0..len_bytes.div_ceil(CHUNK_BYTES))
        .into_par_iter()
        .for_each(|i| {
            let at = i * CHUNK_BYTES;
            let n = CHUNK_BYTES.min(len_bytes - at);
            // SAFETY: chunk `i` lies inside both ranges (per the contract) and
            // chunks are disjoint, so each thread writes its own bytes.
            unsafe {
                std::ptr::copy_nonoverlapping((src + at) as *const u8, (dst + at) as *mut u8, n)
            };
        });
}

impl Drop for Storage {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(mem) = self.shared.get() {
            shared::unregister(mem.id(), self);
        }
        if let Backing::Owned = self.backing {
            // SAFETY: owned storage was allocated by `owned::alloc` at
            // `origin` with this length and is freed exactly once, here.
            unsafe { owned::free(self.origin, self.len_bytes) };
        }
        // A foreign owner is dropped with `backing`, and a shared mapping
        // with `shared`, after this, exactly once.
    }
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("ptr", &self.as_ptr())
            .field("len_bytes", &self.len_bytes)
            .field("device", &self.device)
            .field("readonly", &self.readonly)
            .field("owned", &self.is_owned())
            .field("shared", &self.is_shared())
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
    fn large_allocations_are_huge_page_aligned_zeroed_and_writable() {
        // Around the mapping threshold, an odd length whose last page is
        // partial, and reuse after free (fresh mappings read as zero again).
        let sizes = [
            owned::HUGE_PAGE_MIN_BYTES - 1,
            owned::HUGE_PAGE_MIN_BYTES,
            owned::HUGE_PAGE_MIN_BYTES + 12_345,
        ];
        for _ in 0..2 {
            for n in sizes {
                for s in [Storage::zeroed(n).unwrap(), Storage::uninit(n).unwrap()] {
                    assert_eq!(s.as_ptr() as usize % ALLOC_ALIGN, 0);
                    if n >= owned::HUGE_PAGE_MIN_BYTES {
                        assert_eq!(s.as_ptr() as usize % owned::HUGE_PAGE_BYTES, 0);
                    }
                    // SAFETY: `s` holds `n` bytes, which nothing else aliases.
                    let bytes = unsafe { std::slice::from_raw_parts_mut(s.as_ptr().cast_mut(), n) };
                    bytes[0] = 1;
                    bytes[n - 1] = 2;
                    assert_eq!((bytes[0], bytes[n - 1]), (1, 2));
                }
                let z = Storage::zeroed(n).unwrap();
                // SAFETY: as above.
                let bytes = unsafe { std::slice::from_raw_parts(z.as_ptr(), n) };
                assert!(bytes.iter().all(|&b| b == 0));
            }
        }
    }

    #[test]
    fn foreign_owner_dropped_exactly_once() {
        let hits = Arc::new(AtomicUsize::new(0));
        let mut buf = vec![1u8; 16];
        // SAFETY: `buf` outlives the storage in this test.
        let s = unsafe {
            Storage::from_foreign(
                buf.as_mut_ptr(),
                16,
                Device::Cpu,
                true,
                Box::new(Counter(hits.clone())),
            )
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

    struct Private(#[allow(dead_code)] Vec<u8>);
    impl ForeignOwner for Private {
        fn is_private(&self) -> bool {
            true
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn only_private_memory_moves_into_shared_memory() {
        let mut buf = vec![3u8; 16];
        // SAFETY: `buf` outlives the storage in this test.
        let foreign = unsafe {
            Storage::from_foreign(buf.as_mut_ptr(), 16, Device::Cpu, false, Box::new(()))
        };
        let foreign = Arc::new(foreign.unwrap());
        assert_eq!(foreign.share_memory_(), Err(Error::ShareForeignMemory));
        assert!(!foreign.is_shared() && foreign.as_ptr() == buf.as_ptr());

        let mut v = vec![5u8; 8192];
        let p = v.as_mut_ptr();
        // SAFETY: the owner keeps the Vec's buffer alive and unmoved.
        let private =
            unsafe { Storage::from_foreign(p, 8192, Device::Cpu, false, Box::new(Private(v))) };
        let private = Arc::new(private.unwrap());
        private.share_memory_().unwrap();
        assert!(private.is_shared() && private.foreign_owner().is_none());
        assert_ne!(private.as_ptr(), p as *const u8);
        // SAFETY: the storage holds 8192 initialised bytes.
        let bytes = unsafe { std::slice::from_raw_parts(private.as_ptr(), 8192) };
        assert!(bytes.iter().all(|&b| b == 5));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn large_copies_are_exact() {
        let n = (9 << 20) + 3;
        let s = Arc::new(Storage::uninit(n).unwrap());
        let w = s.as_mut_ptr("test").unwrap();
        for i in 0..n {
            // SAFETY: `i < n`, inside the allocation.
            unsafe { *w.add(i) = (i % 251) as u8 };
        }
        s.share_memory_().unwrap();
        // SAFETY: the storage holds `n` initialised bytes.
        let bytes = unsafe { std::slice::from_raw_parts(s.as_ptr(), n) };
        assert!(bytes.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
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
