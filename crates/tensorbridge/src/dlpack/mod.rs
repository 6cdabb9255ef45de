//! DLPack 1.x exchange: the C structs, export of tensors to consumers, and
//! validated import of foreign producers' tensors.
//!
//! - [`ffi`] owns the ABI (`#[repr(C)]` structs written from `dlpack.h`, flag
//!   bits, device and type codes) and the one call site of deleters.
//! - [`export`](mod@export) packages a [`Tensor`](crate::Tensor) as an
//!   [`Exported`] managed struct, versioned or legacy.
//! - [`import`] turns a producer's struct, held as an unvalidated
//!   [`Foreign`], into a tensor through
//!   [`UncheckedParts::into_tensor`](crate::UncheckedParts::into_tensor).
//! - [`exchange`] owns the DLPack 1.3 C exchange API table
//!   (`__dlpack_c_exchange_api__`): its structs, the walk to a compatible
//!   table, and the Python-free allocator.
//!
//! Trusted and untrusted structs are different types: an [`Exported`] was
//! built here and is never read back as trusted; a [`Foreign`] is checked
//! field by field before its memory is touched.
//!
//! # Note: DLPack lifetimes
//!
//! Exported memory stays alive because the managed struct's `manager_ctx`
//! block holds a clone of the core tensor; the consumer's one call to the
//! deleter drops it, from any thread, in any order relative to the
//! producer's own objects. Imported memory stays alive because the
//! [`Foreign`] becomes the storage's keep-alive owner; the storage drops it
//! (calling the producer's deleter exactly once) when the last tensor using
//! the memory is dropped. A struct that fails validation is released at once.
//! Python capsules (names, renaming to `used_*`, destructors that delete only
//! unconsumed capsules) are the extension's business, in its `dlpack.rs`.

pub mod exchange;
pub mod export;
pub mod ffi;
pub mod import;

pub use export::{dl_device_of, export, ExportAbi, ExportRequest, Exported, ReleaseHook};
pub use ffi::{DLDevice, DLPackVersion, RawManaged};
pub use import::Foreign;
