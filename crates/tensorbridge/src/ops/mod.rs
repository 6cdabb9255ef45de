//! Operations on tensors: the Python Array API standard's functions, usable
//! from Rust under the same names.
//!
//! Each file owns one family and decides the semantics: argument checks,
//! result dtypes (NumPy's promotion, [`crate::promote`]), broadcasting and
//! output allocation. The loops themselves live in [`crate::cpu`], one file
//! per kernel family; the walks over strided operands come from
//! [`crate::strided`]. Every function returns a new tensor unless its name
//! ends in `_` (in place) or it is documented as a view.
//!
//! ```
//! use tensorbridge::{ops, DType, Tensor};
//! let a = Tensor::from_vec(vec![1.0f32, 4.0, 9.0], &[3]).unwrap();
//! let b = Tensor::from_vec(vec![2i8], &[1]).unwrap();
//! let c = ops::add(&ops::sqrt(&a).unwrap(), &b).unwrap(); // broadcast, promoted
//! assert_eq!(c.dtype(), DType::Float32);
//! assert_eq!(c.to_vec::<f32>().unwrap(), vec![3.0, 4.0, 5.0]);
//! ```

pub mod binary;
pub mod clip;
pub mod create;
pub mod cross;
pub mod cumulative;
pub mod diagonal;
pub mod diff;
pub mod factor;
pub mod fft;
pub mod gather;
pub(crate) mod index_key;
pub mod join;
pub mod linalg;
pub mod manipulate;
pub mod mask;
mod real_fft;
pub mod norm;
pub mod reduce;
pub mod replicate;
pub mod roll;
pub mod round_decimals;
pub mod select;
pub mod set;
pub mod sort;
pub mod statistics;
#[cfg(test)]
mod test_views;
pub mod unary;

pub use binary::*;
pub use clip::clip;
pub use cumulative::{cumulative_prod, cumulative_sum};
pub use cross::{cross, outer};
pub use diagonal::{diagonal, trace};
pub use diff::diff;
pub use factor::{cholesky, det, eigh, eigvalsh, inv, matrix_rank, pinv, qr, slogdet, solve, svd, svdvals, QrMode};
pub use gather::{take, take_along_axis};
pub use linalg::{matmul, matrix_power, matrix_transpose, tensordot, vecdot, TensordotAxes};
pub use mask::nonzero;
pub use norm::{matrix_norm, vector_norm, MatrixNormOrder};
pub use reduce::{all, any, argmax, argmin, count_nonzero, max, min, prod, sum};
pub use round_decimals::round_decimals;
pub use select::r#where;
pub use set::{isin, unique_all, unique_counts, unique_inverse, unique_values, UniqueAll};
pub use sort::{argsort, searchsorted, sort, Side};
pub use statistics::{mean, std, var};
pub use unary::*;

use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// The CPU-only operations' check: [`Error::DeviceUnavailable`] naming `op`
/// and the device of the first of `tensors` not on the CPU.
pub(crate) fn require_cpu(op: &'static str, tensors: &[&Tensor]) -> Result<()> {
    match tensors.iter().find(|t| !t.device().is_cpu()) {
        Some(t) => Err(Error::DeviceUnavailable {
            op,
            device: t.device(),
        }),
        None => Ok(()),
    }
}
