//! Aligned allocation and release of owned CPU memory.

use std::alloc::{self, Layout as AllocLayout};
use std::ptr::NonNull;

use super::ALLOC_ALIGN;
use crate::error::{Error, Result};

fn alloc_layout(len_bytes: usize) -> Result<AllocLayout> {
    AllocLayout::from_size_align(len_bytes, ALLOC_ALIGN).map_err(|_| Error::Overflow {
        what: "allocation size",
    })
}

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
    let ptr = unsafe {
        if zeroed {
            alloc::alloc_zeroed(layout)
        } else {
            alloc::alloc(layout)
        }
    };
    NonNull::new(ptr).ok_or(Error::InvalidArgument {
        op: "allocate",
        reason: "out of memory; use a smaller shape",
    })
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
