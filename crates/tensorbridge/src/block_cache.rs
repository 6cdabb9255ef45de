//! The bookkeeping of a caching allocator: size classes, free lists and
//! the byte counts behind `memory_allocated()` and `memory_reserved()`.
//!
//! Two allocators use it. On a GPU, asking the driver for memory
//! (`cuMemAlloc`) and giving it back (`cuMemFree`) each synchronise the
//! whole device and cost tens of microseconds to milliseconds. On the host,
//! a freshly mapped block costs a page fault, and the kernel's zeroing, for
//! every page on first touch. Either way, a freed block goes onto a free
//! list and the next request of the same size class takes it back, as
//! PyTorch's caching allocator does. Every request is rounded up to a size
//! class, so blocks come back in few distinct sizes and a free block fits
//! every request of its class exactly:
//!
//! - up to 1 MiB: a multiple of 512 bytes;
//! - above: a multiple of an eighth of the largest power of two not above
//!   the request, so no request wastes more than 12.5%.
//!
//! This file knows nothing of devices or system calls: addresses are plain
//! integers, which keeps it testable everywhere.

use std::collections::BTreeMap;

/// Requests up to this size round to [`SMALL_GRANULE_BYTES`].
const SMALL_LIMIT_BYTES: usize = 1 << 20;
/// The size-class step of small requests.
const SMALL_GRANULE_BYTES: usize = 512;

/// The size class of a request of `bytes` (> 0): the block size the
/// allocator hands out for it. `None` when rounding overflows.
pub fn size_class(bytes: usize) -> Option<usize> {
    let granule = if bytes <= SMALL_LIMIT_BYTES {
        SMALL_GRANULE_BYTES
    } else {
        // The largest power of two not above `bytes`, over 8.
        (1usize << (usize::BITS - 1 - bytes.leading_zeros())) / 8
    };
    bytes.checked_next_multiple_of(granule)
}

/// Free lists and counters of one device's allocator.
#[derive(Debug)]
pub struct BlockCache {
    /// Free blocks by size class.
    free: BTreeMap<usize, Vec<u64>>,
    /// Bytes in blocks live tensors hold.
    allocated_bytes: usize,
    /// Bytes in free blocks kept for reuse.
    cached_bytes: usize,
    /// The most `allocated_bytes` has been.
    peak_allocated_bytes: usize,
}

impl BlockCache {
    /// An empty cache (a `const fn`, so a `static` can hold one).
    pub const fn new() -> BlockCache {
        BlockCache {
            free: BTreeMap::new(),
            allocated_bytes: 0,
            cached_bytes: 0,
            peak_allocated_bytes: 0,
        }
    }

    /// A free block of exactly `class_bytes` (a [`size_class`]), now
    /// counted as allocated; `None` when there is none.
    pub fn take(&mut self, class_bytes: usize) -> Option<u64> {
        let addr = self.pop(class_bytes)?;
        self.note_allocated(class_bytes);
        Some(addr)
    }

    /// A free block of exactly `class_bytes` off its list, for a caller
    /// that does not count allocations (see [`BlockCache::put`]).
    pub fn pop(&mut self, class_bytes: usize) -> Option<u64> {
        let list = self.free.get_mut(&class_bytes)?;
        let addr = list.pop()?;
        if list.is_empty() {
            self.free.remove(&class_bytes);
        }
        self.cached_bytes -= class_bytes;
        Some(addr)
    }

    /// Puts a block onto its free list without touching the allocated
    /// count: for a caller that keeps only freed blocks' books.
    pub fn put(&mut self, addr: u64, class_bytes: usize) {
        self.cached_bytes += class_bytes;
        self.free.entry(class_bytes).or_default().push(addr);
    }

    /// Counts a block the driver just handed out as allocated.
    pub fn note_allocated(&mut self, class_bytes: usize) {
        self.allocated_bytes += class_bytes;
        self.peak_allocated_bytes = self.peak_allocated_bytes.max(self.allocated_bytes);
    }

    /// Puts a block tensors no longer use onto its free list.
    pub fn give_back(&mut self, addr: u64, class_bytes: usize) {
        debug_assert!(self.allocated_bytes >= class_bytes);
        self.allocated_bytes -= class_bytes;
        self.put(addr, class_bytes);
    }

    /// Empties every free list, returning the blocks (address, bytes) for
    /// the caller to hand back to the driver.
    pub fn drain(&mut self) -> Vec<(u64, usize)> {
        self.cached_bytes = 0;
        std::mem::take(&mut self.free)
            .into_iter()
            .flat_map(|(bytes, addrs)| addrs.into_iter().map(move |a| (a, bytes)))
            .collect()
    }

    /// Bytes in free blocks kept for reuse.
    pub fn cached_bytes(&self) -> usize {
        self.cached_bytes
    }

    /// Bytes held by live tensors.
    pub fn allocated_bytes(&self) -> usize {
        self.allocated_bytes
    }

    /// Bytes taken from the driver: live plus cached.
    pub fn reserved_bytes(&self) -> usize {
        self.allocated_bytes + self.cached_bytes
    }

    /// The most bytes live tensors have held at once.
    pub fn peak_allocated_bytes(&self) -> usize {
        self.peak_allocated_bytes
    }
}

impl Default for BlockCache {
    fn default() -> BlockCache {
        BlockCache::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn size_classes() {
        assert_eq!(size_class(1), Some(512));
        assert_eq!(size_class(512), Some(512));
        assert_eq!(size_class(513), Some(1024));
        assert_eq!(size_class(1 << 20), Some(1 << 20));
        assert_eq!(size_class((1 << 20) + 1), Some((1 << 20) + (1 << 17)));
        assert_eq!(size_class(256 << 20), Some(256 << 20));
        assert_eq!(size_class((256 << 20) + 1), Some(288 << 20));
        assert_eq!(size_class(usize::MAX), None);
    }

    #[test]
    fn freed_blocks_are_reused_by_their_class_only() {
        let mut c = BlockCache::default();
        c.note_allocated(1024);
        c.note_allocated(4096);
        assert_eq!((c.allocated_bytes(), c.reserved_bytes()), (5120, 5120));
        c.give_back(0x1000, 1024);
        assert_eq!((c.allocated_bytes(), c.reserved_bytes()), (4096, 5120));
        assert_eq!(c.take(4096), None);
        assert_eq!(c.take(1024), Some(0x1000));
        assert_eq!(c.take(1024), None);
        assert_eq!((c.allocated_bytes(), c.reserved_bytes()), (5120, 5120));
        assert_eq!(c.peak_allocated_bytes(), 5120);
    }

    #[test]
    fn drain_hands_back_every_free_block() {
        let mut c = BlockCache::default();
        for (i, bytes) in [512, 512, 2048].into_iter().enumerate() {
            c.note_allocated(bytes);
            c.give_back(i as u64 * 0x10000, bytes);
        }
        let mut blocks = c.drain();
        blocks.sort();
        assert_eq!(blocks, vec![(0, 512), (0x10000, 512), (0x20000, 2048)]);
        assert_eq!((c.allocated_bytes(), c.reserved_bytes()), (0, 0));
        assert_eq!(c.take(512), None);
    }

    proptest! {
        /// A class holds its request, wastes at most 12.5% above 1 MiB, and
        /// is its own class (blocks of a class fit every request of it).
        #[test]
        fn class_fits_and_wastes_little(bytes in 1usize..(1 << 40)) {
            let class = size_class(bytes).unwrap();
            prop_assert!(class >= bytes);
            prop_assert_eq!(size_class(class), Some(class));
            if bytes > SMALL_LIMIT_BYTES {
                prop_assert!((class - bytes) * 8 <= bytes);
            } else {
                prop_assert!(class - bytes < SMALL_GRANULE_BYTES);
            }
        }

        /// Counters stay consistent over any sequence of allocations and frees.
        #[test]
        fn counters_balance(ops in proptest::collection::vec((any::<bool>(), 1usize..5000), 1..200)) {
            let mut c = BlockCache::default();
            let mut live: Vec<(u64, usize)> = Vec::new();
            let mut next = 0u64;
            for (alloc, bytes) in ops {
                if alloc || live.is_empty() {
                    let class = size_class(bytes).unwrap();
                    let addr = c.take(class).unwrap_or_else(|| {
                        next += 1;
                        c.note_allocated(class);
                        next
                    });
                    prop_assert!(live.iter().all(|&(a, _)| a != addr), "a live block handed out twice");
                    live.push((addr, class));
                } else {
                    let (addr, class) = live.swap_remove(bytes % live.len());
                    c.give_back(addr, class);
                }
                let live_bytes: usize = live.iter().map(|&(_, b)| b).sum();
                prop_assert_eq!(c.allocated_bytes(), live_bytes);
                prop_assert!(c.reserved_bytes() >= live_bytes);
            }
        }
    }
}
