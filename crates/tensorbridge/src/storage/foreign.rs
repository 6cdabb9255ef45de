//! The keep-alive owner of foreign memory.

use std::any::Any;

/// Whatever keeps foreign memory alive: a NumPy array, a DLPack managed
/// tensor, a memory map. Storage drops it exactly once, when the last tensor
/// using the memory goes away, from whichever thread that happens on.
pub trait ForeignOwner: Send + Sync + 'static {
    /// The owner as `Any`, so a boundary can recognise its own owners (for
    /// example to hand NumPy the original array as `.base`).
    fn as_any(&self) -> Option<&dyn Any> {
        None
    }

    /// True when nothing outside the storage can reach this memory (a
    /// `Vec` the storage adopted, a private copy), so tensorbridge may move
    /// the bytes elsewhere, for example into shared memory with
    /// `share_memory_`. Owners of memory others also hold (NumPy arrays,
    /// DLPack producers, mapped files) keep the default, `false`.
    fn is_private(&self) -> bool {
        false
    }
}

/// `()` owns nothing: for memory that lives forever (statics) and for tests.
impl ForeignOwner for () {}
