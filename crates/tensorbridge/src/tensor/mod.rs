//! The [`Tensor`] handle: shared storage, a layout and a dtype.
//!
//! Cloning a tensor clones the handle (an `Arc` bump and a small layout
//! copy), never the data. Views are new handles on the same storage; copies
//! are new storage. The files of this module group the operations by what
//! they do to memory: `create` makes storage, `view` makes views, `index`
//! resolves indexing keys into views, `convert` copies, casts and writes,
//! `shared` moves storage into shared memory for other processes, `device`
//! moves tensors between the host and GPUs.

mod convert;
mod create;
mod device;
pub(crate) use device::{copy_on_device, matmul_on_device, on_device, Elementwise};
pub use create::{element_align, strides_from_bytes, UncheckedParts};
mod index;
mod shared;
mod view;

pub use index::{IndexItem, TensorIndex};

use std::sync::Arc;

use crate::device::Device;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::storage::Storage;

/// A strided, typed view of shared storage.
#[derive(Clone)]
pub struct Tensor {
    storage: Arc<Storage>,
    layout: Layout,
    dtype: DType,
}

impl Tensor {
    /// Assembles a tensor from parts whose layout has been checked against
    /// this storage (the crate-internal road; the public one is
    /// [`Tensor::from_storage`]).
    pub(crate) fn from_parts(storage: Arc<Storage>, layout: Layout, dtype: DType) -> Tensor {
        debug_assert!(layout
            .span()
            .is_none_or(|(_, hi)| (hi + 1) * dtype.itemsize() <= storage.len_bytes()));
        Tensor {
            storage,
            layout,
            dtype,
        }
    }

    /// The same storage and dtype under another layout (a view).
    pub(crate) fn with_layout(&self, layout: Layout) -> Tensor {
        Tensor::from_parts(self.storage.clone(), layout, self.dtype)
    }

    /// Element type.
    #[inline]
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// Where the data lives.
    #[inline]
    pub fn device(&self) -> Device {
        self.storage.device()
    }

    /// The layout (shape, strides, offset in elements).
    #[inline]
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Dimension sizes.
    #[inline]
    pub fn shape(&self) -> &[usize] {
        self.layout.shape()
    }

    /// Strides in elements (may be negative or zero).
    #[inline]
    pub fn strides(&self) -> &[isize] {
        self.layout.strides()
    }

    /// Number of dimensions.
    #[inline]
    pub fn ndim(&self) -> usize {
        self.layout.ndim()
    }

    /// Number of elements.
    #[inline]
    pub fn numel(&self) -> usize {
        self.layout.numel()
    }

    /// Bytes per element.
    #[inline]
    pub fn itemsize(&self) -> usize {
        self.dtype.itemsize()
    }

    /// Bytes of the elements this view shows (`numel * itemsize`).
    ///
    /// Fits for every tensor with memory of its own; an `expand`ed view
    /// can show more bytes than the address space holds (`zeros(1)` expanded
    /// to 2^62 float32 elements shows 2^64), and then this saturates at
    /// `usize::MAX`: use [`Tensor::checked_nbytes`] where that matters.
    #[inline]
    pub fn nbytes(&self) -> usize {
        self.numel().saturating_mul(self.itemsize())
    }

    /// [`Tensor::nbytes`], or an overflow error when the view shows more
    /// bytes than one allocation (or buffer) can hold, `isize::MAX`.
    pub fn checked_nbytes(&self) -> Result<usize> {
        self.numel()
            .checked_mul(self.itemsize())
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or(Error::Overflow { what: "byte size" })
    }

    /// Whether writes are refused.
    #[inline]
    pub fn is_readonly(&self) -> bool {
        self.storage.is_readonly()
    }

    /// Row-major contiguous.
    #[inline]
    pub fn is_contiguous(&self) -> bool {
        self.layout.is_contiguous()
    }

    /// The shared storage.
    #[inline]
    pub fn storage(&self) -> &Arc<Storage> {
        &self.storage
    }

    /// Address of the first element (the element at index `[0, 0, ...]`).
    #[inline]
    pub fn data_ptr(&self) -> *const u8 {
        self.storage
            .as_ptr()
            .wrapping_add(self.layout.offset() * self.itemsize())
    }

    /// Inclusive byte-address range the view touches, `None` when empty.
    pub fn byte_range(&self) -> Option<(usize, usize)> {
        let (lo, hi) = self.layout.span()?;
        let base = self.storage.as_ptr() as usize;
        Some((base + lo * self.itemsize(), base + (hi + 1) * self.itemsize() - 1))
    }

    /// True when the two tensors may touch a common byte (a conservative
    /// bounds test: views interleaving without sharing also answer true).
    pub fn may_share_memory(&self, other: &Tensor) -> bool {
        match (self.byte_range(), other.byte_range()) {
            (Some(a), Some(b)) => self.device() == other.device() && crate::storage::ranges_overlap(a, b),
            _ => false,
        }
    }

    /// True when both handles view the same storage object.
    pub fn same_storage(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.storage, &other.storage)
    }
}

impl std::fmt::Debug for Tensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tensor")
            .field("dtype", &self.dtype)
            .field("shape", &self.shape())
            .field("strides", &self.strides())
            .field("offset", &self.layout.offset())
            .field("storage", &self.storage)
            .finish()
    }
}
