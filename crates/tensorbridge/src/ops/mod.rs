//! Operations on tensors: the Python Array API standard's functions, usable
//! from Rust under the same names.
//!
//! Each file owns one family and decides the semantics: argument checks,
//! result dtypes (NumPy's promotion, [`crate::promote`]), broadcasting and
//! output allocation. The loops themselves live in [`crate::cpu`], one file
//! per kernel family; the walks over strided operands come from
//! [`crate::strided`]. Every function returns a new tensor unless its name
//! ends in `_` (in place) or it is documented as a view.

pub mod linalg;

pub use linalg::{matmul, matrix_transpose, tensordot, vecdot, TensordotAxes};
pub mod set;
pub mod sort;

pub use set::{unique_all, unique_counts, unique_inverse, unique_values, UniqueAll};
pub use sort::{argsort, searchsorted, sort, Side};
