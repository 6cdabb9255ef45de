//! `diagonal` and `trace` of the `linalg` extension.
//!
//! `diagonal` is a view: its elements are the matrix's own, one stride of
//! `row + column` apart, as `torch.diagonal`'s are (NumPy's is a read-only
//! view). `trace` sums that view with `sum`'s dtype rules.

use crate::dtype::DType;
use crate::error::Result;
use crate::ops::{factor, reduce};
use crate::tensor::Tensor;

/// `diagonal(x, offset)`: the `offset`-th diagonal of each matrix of `x`
/// (`(..., M, N)` to `(..., L)`), as a view sharing `x`'s memory; above
/// the main diagonal for `offset > 0`, below for `offset < 0`, and empty
/// where the offset passes the matrix's edge.
pub fn diagonal(x: &Tensor, offset: i64) -> Result<Tensor> {
    diagonal_of("diagonal", x, offset)
}

fn diagonal_of(op: &'static str, x: &Tensor, offset: i64) -> Result<Tensor> {
    factor::matrix_dims(op, x)?;
    Ok(x.with_layout(x.layout().diagonal(offset)))
}

/// `trace(x, offset, dtype)`: the sum of each matrix's `offset`-th
/// diagonal, with `sum`'s dtype rules (small integers widen to int64 or
/// uint64, floats keep their dtype, `dtype` casts first).
pub fn trace(x: &Tensor, offset: i64, dtype: Option<DType>) -> Result<Tensor> {
    reduce::sum(&diagonal_of("trace", x, offset)?, Some(&[-1]), false, dtype)
}
