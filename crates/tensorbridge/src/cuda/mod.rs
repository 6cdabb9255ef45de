//! CUDA: device memory, pinned host memory, and copies between them
//! (the `cuda` feature).
//!
//! The driver is loaded at run time, so this module builds everywhere and
//! reports "unavailable" (with the reason) where there is no driver or GPU.
//! What lives here:
//!
//! - `context`: loading the driver; each device's primary context;
//! - `memory`: the caching allocator behind device storage (its
//!   bookkeeping is [`crate::block_cache`]);
//! - `pinned`: page-locked host memory;
//! - `staging` and `transfer`: host↔device and device↔device copies;
//! - `inflight`: keeping memory alive under asynchronous copies;
//! - `fill`: creating device tensors, empty or filled;
//! - `source`, `compile`, `module` and `elementwise`: kernels generated
//!   per dtype, compiled by NVRTC, cached and launched;
//! - `blas`: matrix products through cuBLAS;
//! - `libraries`: finding NVRTC and cuBLAS.
//!
//! The public entry points are methods of [`crate::Tensor`]
//! (`to_device`, `pin_memory`, ...) and the functions re-exported here.

mod blas;
mod compile;
mod context;
mod elementwise;
mod fill;
mod inflight;
mod libraries;
mod memory;
mod module;
mod pinned;
mod source;
mod staging;
mod transfer;

pub use context::{device_count, device_name, is_available, unavailable_reason};
pub use memory::{
    empty_cache, max_memory_allocated, memory_allocated, memory_reserved, synchronize,
};

pub use libraries::add_search_dirs;

pub(crate) use blas::matmul;
pub(crate) use context::check_device_pointer;
pub(crate) use elementwise::{copy_into, elementwise};
pub(crate) use fill::{empty, full, zeros};
pub(crate) use transfer::{pin_memory, tensor_is_pinned, to_device};
