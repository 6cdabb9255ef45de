//! Aligned allocation and release of owned CPU memory.

use std::alloc::{self, Layout as AllocLayout};
use std::ptr::NonNull;

use super::ALLOC_ALIGN;
use crate::error::{Error, Result};

/// Allocations at least this large are aligned to [`HUGE_PAGE_BYTES`] and
/// marked for transparent huge pages (as NumPy does): first-touch page
/// faults of a fresh 64 MB tensor drop from 16384 to 32.
pub const HUGE_PAGE_MIN_BYTES: usize = 4 << 20;

/// Size of a transparent huge page on x86-64 and aarch64 Linux.
pub const HUGE_PAGE_BYTES: usize = 2 << 20;

fn alloc_layout(len_bytes: usize) -> Result<AllocLayout> {
    let align = if len_bytes >= HUGE_PAGE_MIN_BYTES { HUGE_PAGE_BYTES } else { ALLOC_ALIGN };
    AllocLayout::from_size_align(len_bytes, align).map_err(|_| Error::Overflow {
        what: "allocation size",
    })
}

/// Asks the kernel to back a large allocation with huge pages (a hint).
#[cfg(target_os = "linux")]
fn advise_huge_pages(ptr: NonNull<u8>, len_bytes: usize) {
    if len_bytes >= HUGE_PAGE_MIN_BYTES {
        // SAFETY: the range is one live allocation we own; MADV_HUGEPAGE only
        // changes how the kernel backs it, never its contents. Failure is
        // harmless (the hint is ignored), so the result is not checked.
        unsafe { libc::madvise(ptr.as_ptr().cast(), len_bytes, libc::MADV_HUGEPAGE) };
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_ptr: NonNull<u8>, _len_bytes: usize) {}

/// Allocates `len_bytes` aligned to [`ALLOC_ALIGN`]; zero bytes give a
/// dangling aligned pointer that is never dereferenced.
pub(super) fn alloc(len_bytes: usize, zeroed: bool) -> Result<NonNull<u8>> {
    if len_bytes == 0 {
        // SAFETY: ALLOC_ALIGN is non-zero, so this address is non-null; it is
        // never read or written because the length is zero.
        return Ok(unsafe { NonNull::new_unchecked(ALLOC_ALIGN as *mut u8) });
    }
    let layout = alloc_layout(len_bytes)?;
    // SAFETY: `layout` has non-zero size.
    let ptr = unsafe { alloc::alloc(layout) };
    let ptr = NonNull::new(ptr).ok_or(Error::InvalidArgument {
        op: "allocate",
        reason: "out of memory; use a smaller shape",
    })?;
    // Advise before the first touch, so zeroing (or the caller's first
    // write) faults in huge pages.
    advise_huge_pages(ptr, len_bytes);
    if zeroed {
        // SAFETY: `ptr` is a fresh allocation of `len_bytes` bytes.
        unsafe { std::ptr::write_bytes(ptr.as_ptr(), 0, len_bytes) };
    }
    Ok(ptr)
}

/// Frees memory from [`alloc`].
///
/// # Safety
///
/// `ptr` came from `alloc(len_bytes, _)` and has not been freed.
pub(super) unsafe fn free(ptr: NonNull<u8>, len_bytes: usize) {
    if len_bytes == 0 {
        return;
    }
    let layout = alloc_layout(len_bytes).expect("layout was valid at allocation");
    // SAFETY: per the contract, `ptr` was allocated with this layout.
    unsafe { alloc::dealloc(ptr.as_ptr(), layout) };
}
