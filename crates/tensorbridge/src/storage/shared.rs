//! Shared memory that other processes can map: an anonymous Linux memory
//! file (`memfd_create`) mapped `MAP_SHARED`, and the registry of the ones
//! this process maps.
//!
//! # Note: why a memfd, and why a registry
//!
//! A memfd has no name in any filesystem, so nothing is left behind when a
//! process crashes: the kernel counts the file's descriptors and mappings in
//! every process and frees the pages when the last one goes, whichever
//! process that is. Processes hand each other the descriptor itself (over a
//! Unix socket with `SCM_RIGHTS`, or inherited when a child starts), which
//! is what Python's `multiprocessing.reduction.DupFd` does. The file is
//! sealed at its size (`F_SEAL_SHRINK | F_SEAL_GROW`), so a receiver that
//! checks the size once can never fault on a page that was cut off later.
//!
//! The registry maps a memory file's identity (device and inode) to the
//! storage that maps it in this process, so a handle that arrives twice
//! (two views of one tensor, or a tensor coming back from a worker) gives
//! the same storage rather than a second mapping and a second descriptor.
//! It holds weak references: a storage leaves it when it is dropped.

#[cfg(target_os = "linux")]
pub use linux::SharedMemory;
#[cfg(not(target_os = "linux"))]
pub use other::SharedMemory;

/// Identity of a memory file: `(st_dev, st_ino)`, unique among live files.
pub type FileId = (u64, u64);

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
    use std::ptr::NonNull;
    use std::sync::{Arc, LazyLock, Mutex, Weak};

    use super::FileId;
    use crate::error::{Error, Result};
    use crate::storage::{Storage, ALLOC_ALIGN};

    /// What a received handle is called in error messages.
    const RECEIVE: &str = "receiving a shared tensor";

    /// The seals every tensorbridge memory file carries: its size is fixed.
    const SIZE_SEALS: libc::c_int = libc::F_SEAL_SHRINK | libc::F_SEAL_GROW;

    /// A memory file and its `MAP_SHARED` mapping in this process; unmapped
    /// and closed on drop (the pages live on while other processes hold the
    /// file).
    pub struct SharedMemory {
        fd: OwnedFd,
        ptr: NonNull<u8>,
        len_bytes: usize,
        id: FileId,
    }

    // SAFETY: the mapping is plain memory owned by this value and the
    // descriptor is a number; neither is tied to a thread. Concurrent
    // element access is the tensors' business, as for any storage.
    unsafe impl Send for SharedMemory {}
    // SAFETY: `&SharedMemory` only hands out the pointer and the descriptor.
    unsafe impl Sync for SharedMemory {}

    fn os_error(op: &'static str, call: &'static str) -> Error {
        let e = std::io::Error::last_os_error();
        Error::SharedMemoryOs {
            op,
            call,
            errno: e.raw_os_error(),
            message: e.to_string(),
        }
    }

    /// `(identity, size in bytes)` of an open file.
    fn stat(fd: BorrowedFd<'_>, op: &'static str) -> Result<(FileId, u64)> {
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `fd` is open (borrowed) and `st` is writable storage for
        // one `stat`, which fstat fills on success.
        if unsafe { libc::fstat(fd.as_raw_fd(), st.as_mut_ptr()) } != 0 {
            return Err(os_error(op, "fstat"));
        }
        // SAFETY: fstat succeeded, so `st` is initialised.
        let st = unsafe { st.assume_init() };
        // `dev_t` and `ino_t` are narrower than u64 on some Linux targets.
        #[allow(clippy::useless_conversion)]
        let id = (u64::from(st.st_dev), u64::from(st.st_ino));
        Ok((id, st.st_size.max(0) as u64))
    }

    impl SharedMemory {
        /// A new zero-filled memory file of `len_bytes`, sealed at that
        /// size, mapped for reading and writing.
        pub fn create(len_bytes: usize) -> Result<SharedMemory> {
            const OP: &str = "share_memory_";
            let size = libc::off_t::try_from(len_bytes).map_err(|_| Error::Overflow {
                what: "shared memory size",
            })?;
            // SAFETY: a NUL-terminated name and valid flags.
            let raw = unsafe {
                libc::memfd_create(
                    c"tensorbridge".as_ptr(),
                    libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
                )
            };
            if raw < 0 {
                return Err(os_error(OP, "memfd_create"));
            }
            // SAFETY: memfd_create returned a new descriptor nothing else owns.
            let fd = unsafe { OwnedFd::from_raw_fd(raw) };
            // SAFETY: `fd` is an open memfd; ftruncate only sets its size.
            if unsafe { libc::ftruncate(fd.as_raw_fd(), size) } != 0 {
                return Err(os_error(OP, "ftruncate"));
            }
            // SAFETY: F_ADD_SEALS takes an int of seal bits; the memfd was
            // created with MFD_ALLOW_SEALING.
            if unsafe {
                libc::fcntl(
                    fd.as_raw_fd(),
                    libc::F_ADD_SEALS,
                    SIZE_SEALS | libc::F_SEAL_SEAL,
                )
            } != 0
            {
                return Err(os_error(OP, "fcntl(F_ADD_SEALS)"));
            }
            let (id, _) = stat(fd.as_fd(), OP)?;
            map(fd, len_bytes, false, id, OP)
        }

        /// Maps a memory file received from another process (taking
        /// ownership of the descriptor): read-only when `readonly`.
        ///
        /// The file must be a sealed tensorbridge memory file of at least
        /// `len_bytes`, so no access within `len_bytes` can ever fault.
        pub fn from_fd(fd: OwnedFd, len_bytes: usize, readonly: bool) -> Result<SharedMemory> {
            let (id, size) = stat(fd.as_fd(), RECEIVE)?;
            check_sealed(fd.as_fd())?;
            if size < len_bytes as u64 {
                return Err(Error::SharedMemoryTooSmall {
                    expected_bytes: len_bytes as u64,
                    got_bytes: size,
                });
            }
            map(fd, len_bytes, readonly, id, RECEIVE)
        }

        /// Start of the mapping (dangling but aligned when empty).
        #[inline]
        pub fn as_ptr(&self) -> *mut u8 {
            self.ptr.as_ptr()
        }

        /// Bytes mapped.
        #[inline]
        pub fn len_bytes(&self) -> usize {
            self.len_bytes
        }

        /// The memory file's descriptor, for handing to another process
        /// (which needs its own duplicate: `multiprocessing` makes one).
        #[inline]
        pub fn fd(&self) -> BorrowedFd<'_> {
            self.fd.as_fd()
        }

        /// The memory file's identity.
        #[inline]
        pub fn id(&self) -> FileId {
            self.id
        }
    }

    /// Refuses descriptors that are not size-sealed memory files.
    fn check_sealed(fd: BorrowedFd<'_>) -> Result<()> {
        // SAFETY: F_GET_SEALS takes no argument; it fails with EINVAL on
        // files that do not support seals.
        let seals = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GET_SEALS) };
        if seals < 0 || seals & SIZE_SEALS != SIZE_SEALS {
            return Err(Error::InvalidArgument {
                op: RECEIVE,
                reason: "the file descriptor is not a tensorbridge shared memory file (a size-sealed memfd); pass the handle multiprocessing produced",
            });
        }
        Ok(())
    }

    fn map(
        fd: OwnedFd,
        len_bytes: usize,
        readonly: bool,
        id: FileId,
        op: &'static str,
    ) -> Result<SharedMemory> {
        if len_bytes == 0 {
            // SAFETY: ALLOC_ALIGN is non-zero; the pointer is never
            // dereferenced because nothing is mapped (mmap refuses length 0).
            let ptr = unsafe { NonNull::new_unchecked(ALLOC_ALIGN as *mut u8) };
            return Ok(SharedMemory {
                fd,
                ptr,
                len_bytes,
                id,
            });
        }
        let prot = if readonly {
            libc::PROT_READ
        } else {
            libc::PROT_READ | libc::PROT_WRITE
        };
        // SAFETY: a fresh mapping at an address the kernel picks, of a file
        // at least `len_bytes` long (created so, or checked and sealed); it
        // aliases no Rust object.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len_bytes,
                prot,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(os_error(op, "mmap"));
        }
        let ptr = NonNull::new(p.cast::<u8>()).ok_or_else(|| os_error(op, "mmap"))?;
        Ok(SharedMemory {
            fd,
            ptr,
            len_bytes,
            id,
        })
    }

    impl Drop for SharedMemory {
        fn drop(&mut self) {
            if self.len_bytes > 0 {
                // SAFETY: `ptr..ptr + len_bytes` is our own mapping, unmapped
                // exactly once, here; no tensor uses it any more (the storage
                // that owns this value is being dropped).
                unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len_bytes) };
            }
            // The descriptor closes when `fd` drops.
        }
    }

    /// Storages mapping a memory file in this process, by file identity.
    static REGISTRY: LazyLock<Mutex<HashMap<FileId, Weak<Storage>>>> =
        LazyLock::new(Default::default);

    fn registry() -> std::sync::MutexGuard<'static, HashMap<FileId, Weak<Storage>>> {
        // A panic while holding the lock leaves a consistent map (every
        // operation is one insert or remove), so poisoning is ignored.
        REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `storage` as this process's mapping of memory file `id`.
    pub(crate) fn register(id: FileId, storage: &Arc<Storage>) {
        registry().insert(id, Arc::downgrade(storage));
    }

    /// Forgets memory file `id` if `storage` is what it maps to (called
    /// from the storage's drop).
    pub(crate) fn unregister(id: FileId, storage: *const Storage) {
        let mut map = registry();
        if map.get(&id).is_some_and(|w| w.as_ptr() == storage) {
            map.remove(&id);
        }
    }

    /// The storage this process already has for the file behind `fd`, or
    /// the one `make` builds from it (then registered); `make` runs under
    /// the registry's lock, so a file received twice at once maps once.
    pub(crate) fn find_or_map(
        fd: OwnedFd,
        make: impl FnOnce(OwnedFd) -> Result<Arc<Storage>>,
    ) -> Result<Arc<Storage>> {
        let (id, _) = stat(fd.as_fd(), RECEIVE)?;
        let mut map = registry();
        if let Some(existing) = map.get(&id).and_then(Weak::upgrade) {
            // `existing` is returned, never dropped here: dropping the last
            // handle would re-enter the registry from the storage's drop.
            drop(map);
            return Ok(existing); // `fd` (a duplicate) closes here
        }
        let storage = make(fd)?;
        map.insert(id, Arc::downgrade(&storage));
        Ok(storage)
    }
}

#[cfg(not(target_os = "linux"))]
mod other {
    use crate::error::{Error, Result};

    /// Shared memory is Linux-only; this type has no values elsewhere.
    pub enum SharedMemory {}

    impl SharedMemory {
        /// Always an error: not supported on this platform.
        pub fn create(_len_bytes: usize) -> Result<SharedMemory> {
            Err(Error::SharedMemoryUnsupported {
                op: "share_memory_",
            })
        }

        /// Never called: there are no values.
        pub fn as_ptr(&self) -> *mut u8 {
            match *self {}
        }

        /// Never called: there are no values.
        pub fn id(&self) -> super::FileId {
            match *self {}
        }
    }
}

#[cfg(target_os = "linux")]
pub(crate) use linux::{find_or_map, register, unregister};
