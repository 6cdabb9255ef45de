//! Reuse of large host blocks: freed mappings kept for the next tensor of
//! the same size class.
//!
//! A tensor of 4 MB or more gets its own mapping from the kernel (see
//! `owned`). A fresh mapping costs a page fault, and the kernel's zeroing of
//! the page, on the first touch of every page: for a 16 MB result that is
//! more than the arithmetic that fills it. glibc hides this from NumPy and
//! PyTorch below 32 MB by keeping freed blocks in its heap; above, they pay
//! it on every call. Here a freed mapping goes onto a free list instead
//! ([`crate::block_cache`]), and the next request of its size class takes
//! it back with its pages still in place, up to [`LIMIT_BYTES`] kept.
//!
//! Only requests that need no zeroing take a kept block: a zeroed request
//! still gets a fresh mapping, whose pages read as zero for free and cost
//! nothing until touched (a huge `zeros()` that is mostly never written).
//!
//! The lock is only ever *tried*: a request or a free that finds it taken
//! maps or unmaps directly. So no thread ever waits here, and a child forked
//! while another thread held the lock cannot deadlock on it.

use std::ptr::NonNull;
use std::sync::{Mutex, TryLockError};

use crate::block_cache::BlockCache;

/// The most bytes kept in freed blocks. A freed block that would pass it
/// evicts the blocks kept before it (the most recent size is the likeliest
/// to come back); a block larger than this is never kept.
pub const LIMIT_BYTES: usize = 256 << 20;

/// The free lists of the process's large host blocks.
static KEPT: Mutex<BlockCache> = Mutex::new(BlockCache::new());

/// Runs `f` on the free lists unless another thread holds them (`None`).
fn try_with<R>(f: impl FnOnce(&mut BlockCache) -> R) -> Option<R> {
    match KEPT.try_lock() {
        Ok(mut cache) => Some(f(&mut cache)),
        // A panic while holding the lock leaves the lists consistent (every
        // method completes its bookkeeping before it could panic).
        Err(TryLockError::Poisoned(p)) => Some(f(&mut p.into_inner())),
        Err(TryLockError::WouldBlock) => None,
    }
}

/// A kept block of exactly `class_bytes`, if there is one.
pub(super) fn take(class_bytes: usize) -> Option<NonNull<u8>> {
    let addr = try_with(|c| c.pop(class_bytes))??;
    NonNull::new(addr as *mut u8)
}

/// Keeps a freed block of `class_bytes` for reuse. Returns the blocks the
/// caller must unmap now, `(address, class bytes)`: the freed block itself
/// when it cannot be kept, and any it evicted.
pub(super) fn keep(ptr: NonNull<u8>, class_bytes: usize) -> Vec<(NonNull<u8>, usize)> {
    if class_bytes > LIMIT_BYTES {
        return vec![(ptr, class_bytes)];
    }
    let evicted = try_with(|c| {
        let evicted = if c.cached_bytes() + class_bytes > LIMIT_BYTES {
            c.drain()
        } else {
            Vec::new()
        };
        c.put(ptr.as_ptr() as u64, class_bytes);
        evicted
    });
    match evicted {
        Some(blocks) => blocks
            .into_iter()
            .filter_map(|(addr, bytes)| Some((NonNull::new(addr as *mut u8)?, bytes)))
            .collect(),
        None => vec![(ptr, class_bytes)],
    }
}

/// Takes every kept block off the free lists, for the caller to unmap.
pub(super) fn drain() -> Vec<(NonNull<u8>, usize)> {
    let blocks = match KEPT.lock() {
        Ok(mut c) => c.drain(),
        Err(p) => p.into_inner().drain(),
    };
    blocks
        .into_iter()
        .filter_map(|(addr, bytes)| Some((NonNull::new(addr as *mut u8)?, bytes)))
        .collect()
}

/// Bytes kept in freed blocks now.
pub fn host_cached_bytes() -> usize {
    match KEPT.lock() {
        Ok(c) => c.cached_bytes(),
        Err(p) => p.into_inner().cached_bytes(),
    }
}
