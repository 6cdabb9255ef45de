//! Walk plans over strided layouts: which loops visit every element of
//! same-shape views, with dimensions merged so inner loops are long.
//! [`Plan2`] serves copies (two operands, cache tiles for transposes);
//! [`Walk`] serves elementwise kernels (any number of operands, broadcast
//! operands with zero strides).
//!
//! A plan is pure data (sizes and element strides). Executing it is the
//! kernels' business ([`crate::cpu`]); a plan can be split along its first
//! dimension so kernels can run the parts in parallel.

mod plan2;
mod walk;

pub use plan2::{Dim2, Plan2, TILE};
pub use walk::{DimN, Walk};
