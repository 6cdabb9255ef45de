//! tensorbridge: a tensor library whose bridge to NumPy, PyTorch, JAX and
//! TensorFlow has exact, tested memory semantics.
//!
//! A [`Tensor`] is a cheap handle: shared untyped [`Storage`], a [`Layout`]
//! (shape, signed element strides, element offset) and a [`DType`]. Views
//! share storage; copies make new storage. Foreign memory (NumPy arrays,
//! DLPack producers) enters through one checked constructor,
//! [`UncheckedParts::into_tensor`], and is kept alive by its owner until the
//! last tensor using it is dropped.
//!
//! ```
//! use tensorbridge::{DType, Tensor};
//! let t = Tensor::from_vec((0..6i64).collect(), &[2, 3]).unwrap();
//! let v = t.t();                       // a view: shares memory
//! assert!(v.same_storage(&t));
//! let c = v.to_dtype(DType::Float32).unwrap(); // a copy
//! assert_eq!(c.to_vec::<f32>().unwrap(), vec![0., 3., 1., 4., 2., 5.]);
//! ```

#![deny(unsafe_code)]

pub mod block_cache;
pub mod cpu;
#[cfg(feature = "cuda")]
pub mod cuda;
pub mod device;
pub mod dlpack;
pub mod dtype;
pub mod element;
pub mod error;
pub mod format;
pub mod layout;
#[cfg(feature = "ndarray")]
pub mod ndarray;
pub mod npy;
pub mod ops;
pub mod promote;
pub mod scalar;
pub mod storage;
pub mod strided;
pub mod tensor;

pub use device::Device;
pub use dtype::{DType, DTypeKind};
pub use element::Element;
pub use error::{Error, Result};
pub use half::{bf16, f16};
pub use layout::Layout;
pub use num_complex::Complex;
pub use scalar::Scalar;
pub use storage::{ExportLease, ForeignOwner, Storage};
pub use tensor::{element_align, strides_from_bytes, IndexItem, Tensor, TensorIndex, UncheckedParts};
