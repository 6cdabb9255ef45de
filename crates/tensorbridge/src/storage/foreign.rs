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
}

/// `()` owns nothing: for memory that lives forever (statics) and for tests.
impl ForeignOwner for () {}
