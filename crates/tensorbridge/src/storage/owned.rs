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

/// What a small allocation asks the global allocator for: `len_bytes` and
/// [`ALLOC_ALIGN`] bytes of padding, at `malloc`'s own alignment.
///
/// An allocation aligned beyond 16 bytes goes to `posix_memalign`, which
/// splits off and frees its padding on every call: three to five times the
/// work of a `malloc`, on every small tensor. Instead the block is aligned
/// by hand inside the padding, and the distance back to the start of the
/// block is kept in the byte before the aligned address.
fn padded_layout(len_bytes: usize) -> Result<AllocLayout> {
    len_bytes
        .checked_add(ALLOC_ALIGN)
        .and_then(|padded| AllocLayout::from_size_align(padded, MALLOC_ALIGN).ok())
        .ok_or(Error::Overflow {
            what: "allocation size",
        })
}

/// The alignment `malloc` gives on the platforms we build for, so a
/// request at this alignment is a plain `malloc`.
const MALLOC_ALIGN: usize = 16;

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
///
/// Large allocations come straight from the kernel ([`map`]): its fresh
/// pages read as zero until first written, so a zeroed 128 MB tensor costs
/// a system call, not a 128 MB memset (NumPy's `calloc` gets the same from
/// glibc). Smaller ones go through the global allocator.
pub(super) fn alloc(len_bytes: usize, zeroed: bool) -> Result<NonNull<u8>> {
    if len_bytes == 0 {
        // SAFETY: ALLOC_ALIGN is non-zero, so this address is non-null; it is
        // never read or written because the length is zero.
        return Ok(unsafe { NonNull::new_unchecked(ALLOC_ALIGN as *mut u8) });
    }
    if is_mapped(len_bytes) {
        let class_bytes = mapped_bytes(len_bytes)?;
        if !zeroed {
            if let Some(ptr) = super::reuse::take(class_bytes) {
                return Ok(ptr);
            }
        }
        return map(class_bytes);
    }
    let layout = padded_layout(len_bytes)?;
    // SAFETY: `layout` has non-zero size.
    let block = unsafe {
        if zeroed {
            alloc::alloc_zeroed(layout)
        } else {
            alloc::alloc(layout)
        }
    };
    let block = NonNull::new(block).ok_or(OUT_OF_MEMORY)?;
    let addr = block.as_ptr() as usize;
    // The first aligned address past the block's start: 1 to ALLOC_ALIGN
    // bytes in, so `len_bytes` still fit before the block's end.
    let shift = ((addr + ALLOC_ALIGN) & !(ALLOC_ALIGN - 1)) - addr;
    // SAFETY: `shift` is in 1..=ALLOC_ALIGN (at most 64, so it fits a
    // byte), inside the block; the byte before the aligned address is the
    // block's own padding.
    unsafe {
        block.as_ptr().add(shift - 1).write(shift as u8);
        Ok(NonNull::new_unchecked(block.as_ptr().add(shift)))
    }
}

const OUT_OF_MEMORY: Error = Error::InvalidArgument {
    op: "allocate",
    reason: "out of memory; use a smaller shape",
};

/// Whether an allocation of `len_bytes` is mapped from the kernel (decided
/// by size alone, so [`free`] needs nothing but the length).
fn is_mapped(len_bytes: usize) -> bool {
    cfg!(unix) && len_bytes >= HUGE_PAGE_MIN_BYTES
}

/// The bytes mapped for a mapped allocation of `len_bytes`: its size class
/// ([`crate::block_cache::size_class`]), so a freed block fits every later
/// request of its class (see [`super::reuse`]).
fn mapped_bytes(len_bytes: usize) -> Result<usize> {
    crate::block_cache::size_class(len_bytes)
        .map(|class_bytes| class_bytes.next_multiple_of(page_bytes()))
        .ok_or(Error::Overflow {
            what: "allocation size",
        })
}

/// Maps `len_bytes` of fresh zero pages aligned to [`HUGE_PAGE_BYTES`]: one
/// huge page more is mapped and the unaligned head and tail are unmapped.
#[cfg(unix)]
fn map(len_bytes: usize) -> Result<NonNull<u8>> {
    let padded_bytes = len_bytes.checked_add(HUGE_PAGE_BYTES).ok_or(Error::Overflow {
        what: "allocation size",
    })?;
    // SAFETY: an anonymous private mapping at an address of the kernel's
    // choosing touches no existing memory.
    let raw = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            padded_bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if raw == libc::MAP_FAILED {
        return Err(OUT_OF_MEMORY);
    }
    let start = raw as usize;
    let aligned = start.next_multiple_of(HUGE_PAGE_BYTES);
    let head_bytes = aligned - start;
    // SAFETY: both ranges lie inside the mapping just made and outside the
    // kept `aligned..aligned + len_bytes` (its last page included); both
    // start on page boundaries (`start` is page-aligned, `aligned` is
    // huge-page-aligned, `tail` is rounded up to a page). A failed unmap
    // leaves a few pages mapped, which is harmless.
    unsafe {
        if head_bytes > 0 {
            libc::munmap(raw, head_bytes);
        }
        let tail = (aligned + len_bytes).next_multiple_of(page_bytes());
        let end = start + padded_bytes;
        if tail < end {
            libc::munmap(tail as *mut libc::c_void, end - tail);
        }
    }
    // SAFETY: `aligned` lies inside a successful mapping, so it is non-null.
    let ptr = unsafe { NonNull::new_unchecked(aligned as *mut u8) };
    advise_huge_pages(ptr, len_bytes);
    Ok(ptr)
}

#[cfg(not(unix))]
fn map(_len_bytes: usize) -> Result<NonNull<u8>> {
    unreachable!("is_mapped is false off unix")
}

/// Unmaps a block [`map`] made.
///
/// # Safety
///
/// `ptr` is the start of a live mapping of `mapped_bytes`, which nothing
/// uses any more.
#[cfg(unix)]
unsafe fn unmap(ptr: NonNull<u8>, mapped_bytes: usize) {
    // SAFETY: per the contract. A failure leaves the pages mapped, which
    // leaks them but harms nothing.
    unsafe { libc::munmap(ptr.as_ptr().cast(), mapped_bytes) };
}

/// Unmaps every kept block (see [`super::reuse`]); returns the bytes
/// handed back to the kernel.
pub fn empty_host_cache() -> usize {
    let mut released_bytes = 0;
    #[cfg(unix)]
    for (block, bytes) in super::reuse::drain() {
        // SAFETY: kept blocks are whole mappings that no tensor uses; the
        // drain took them off the free lists, so each is unmapped once.
        unsafe { unmap(block, bytes) };
        released_bytes += bytes;
    }
    released_bytes
}

/// The kernel's page size.
#[cfg(unix)]
fn page_bytes() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).ok().filter(|&n| n > 0).unwrap_or(4096)
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
    #[cfg(unix)]
    if is_mapped(len_bytes) {
        let class_bytes = mapped_bytes(len_bytes).expect("the size was mapped at allocation");
        // The block goes back onto the free lists, or is unmapped with any
        // blocks it evicted from them.
        for (block, bytes) in super::reuse::keep(ptr, class_bytes) {
            // SAFETY: per the contract, `ptr` is the start of a live mapping
            // of `class_bytes` (what `map` kept), no longer used; evicted
            // blocks are such mappings freed earlier and kept since.
            unsafe { unmap(block, bytes) };
        }
        return;
    }
    let layout = padded_layout(len_bytes).expect("layout was valid at allocation");
    // SAFETY: per the contract, `ptr` came from the small path of `alloc`,
    // which wrote the distance back to the block's start in the byte
    // before it; the block was allocated with this layout.
    unsafe {
        let shift = ptr.as_ptr().sub(1).read() as usize;
        alloc::dealloc(ptr.as_ptr().sub(shift), layout)
    };
}
