//! Norms of the `linalg` extension: `vector_norm` and `matrix_norm`.
//!
//! Both return the real dtype of the input's precision (float32 for
//! complex64, float64 for integers, float16 for float16) and are built from
//! the elementwise and reduction kernels, so every layout and axis the
//! reductions take works here too. Half-precision input is computed in
//! float32.
//!
//! The 2-norm first sums the squares directly, as NumPy does. Where that
//! overflows, underflows towards the subnormals or meets NaN, the whole
//! norm is computed again scaled by the largest magnitude,
//! `m · (Σ (|x|/m)²)^½`, so `[1e200, 1e200]` gives `1.414e200` and
//! `[1e-200]` gives `1e-200`, where NumPy gives `inf` and `0`. Other
//! orders `p` are always computed scaled (`|x|^p` leaves float range much
//! sooner).

use crate::dtype::{DType, DTypeKind};
use crate::error::{Error, Result};
use crate::layout::normalize_axes;
use crate::ops::{self, factor};
use crate::scalar::Scalar;
use crate::tensor::Tensor;

/// `|x|` in the real dtype the norm is computed in: float32 for half
/// precision, float64 for integers and bool.
fn magnitudes(x: &Tensor) -> Result<Tensor> {
    ops::abs(&x.to(work_dtype(x.dtype()))?)
}

/// The dtype a norm of `dtype` values is computed in: float32 for half
/// precision, float64 for integers and bool, the dtype itself otherwise.
fn work_dtype(dtype: DType) -> DType {
    match dtype {
        DType::Float16 | DType::BFloat16 => DType::Float32,
        d if matches!(d.kind(), DTypeKind::Float | DTypeKind::Complex) => d,
        _ => DType::Float64,
    }
}

/// The largest of the magnitudes `a` over `axes` (normalized, so
/// non-negative): 0 over no elements, the identity of a maximum of
/// magnitudes, as NumPy's norms give (the smallest of nothing stays an
/// error).
fn largest(a: &Tensor, axes: &[i64], keepdims: bool) -> Result<Tensor> {
    if axes.iter().any(|&ax| a.shape()[ax as usize] == 0) {
        ops::sum(a, Some(axes), keepdims, None)
    } else {
        ops::max(a, Some(axes), keepdims)
    }
}

fn constant(value: f64, like: &Tensor) -> Result<Tensor> {
    Tensor::full(&[], Scalar::Float(value), like.dtype())
}

/// `(Σ aᵖ)^(1/p)` over `axes` (kept) of the magnitudes `a`, scaled by the
/// largest magnitude of each slot where that is finite and non-zero.
fn scaled_norm(a: &Tensor, axes: &[i64], p: f64) -> Result<Tensor> {
    let one = constant(1.0, a)?;
    let m = largest(a, axes, true)?;
    let finite_nonzero =
        ops::logical_and(&ops::greater(&m, &constant(0.0, a)?)?, &ops::isfinite(&m)?)?;
    let scale = ops::r#where(&finite_nonzero, &m, &one)?;
    let y = ops::divide(a, &scale)?;
    let sum = if p == 2.0 {
        ops::sum(&ops::multiply(&y, &y)?, Some(axes), true, None)?
    } else {
        ops::sum(&ops::pow(&y, &constant(p, a)?)?, Some(axes), true, None)?
    };
    let root = if p == 2.0 {
        ops::sqrt(&sum)?
    } else {
        ops::pow(&sum, &constant(1.0 / p, a)?)?
    };
    ops::multiply(&root, &scale)
}

/// `Σ a²` over `axes` (kept) of a real tensor: one pass through `vecdot`
/// (no temporary) when the axes are the trailing dimensions of a
/// contiguous tensor, a product and a sum otherwise.
fn sum_of_squares(a: &Tensor, axes: &[i64]) -> Result<Tensor> {
    let nd = a.ndim();
    let mut sorted: Vec<usize> = axes.iter().map(|&ax| ax as usize).collect();
    sorted.sort_unstable();
    let trailing = !sorted.is_empty()
        && sorted
            .iter()
            .enumerate()
            .all(|(i, &ax)| ax == nd - sorted.len() + i);
    if trailing && a.is_contiguous() {
        let outer = &a.shape()[..nd - sorted.len()];
        let inner: usize = a.shape()[nd - sorted.len()..].iter().product();
        let mut flat: Vec<i64> = outer.iter().map(|&d| d as i64).collect();
        flat.push(inner as i64);
        let rows = a.reshape(&flat)?;
        let mut kept: Vec<i64> = flat[..outer.len()].to_vec();
        kept.extend(std::iter::repeat_n(1, sorted.len()));
        return ops::vecdot(&rows, &rows, -1)?.reshape(&kept);
    }
    ops::sum(&ops::multiply(a, a)?, Some(axes), true, None)
}

/// The 2-norm over `axes` (kept) of the real values `a` (of either sign):
/// the direct sum of squares, recomputed scaled where it left the safe
/// range.
fn two_norm(a: &Tensor, axes: &[i64]) -> Result<Tensor> {
    let direct = ops::sqrt(&sum_of_squares(a, axes)?)?;
    // Below `tiny`, squares of the elements may have lost bits in the
    // subnormals (or vanished).
    let tiny = match a.dtype() {
        DType::Float32 => 1e-18,
        _ => 1e-150,
    };
    // A sum that underflowed to 0 is caught too (at the cost of scaling
    // all-zero slots, whose norm is 0 either way).
    let unsafe_slots = ops::logical_or(
        &ops::logical_not(&ops::isfinite(&direct)?)?,
        &ops::less(&direct, &constant(tiny, a)?)?,
    )?;
    if ops::any(&unsafe_slots, None, false)?.item()? == Scalar::Bool(true) {
        scaled_norm(&ops::abs(a)?, axes, 2.0)
    } else {
        Ok(direct)
    }
}

/// `vector_norm(x, axis, keepdims, ord)`: the `ord`-norm over `axes` (all
/// of them for `None`, flattened): `inf` the largest magnitude, `-inf` the
/// smallest, `0` the number of non-zero elements, any other `p` the
/// `(Σ |x|ᵖ)^(1/p)`.
pub fn vector_norm(x: &Tensor, axes: Option<&[i64]>, keepdims: bool, ord: f64) -> Result<Tensor> {
    ops::require_cpu("vector_norm", &[x])?;
    if ord.is_nan() {
        return Err(Error::InvalidArgument {
            op: "vector_norm",
            reason: "ord must be a number or ±inf, not NaN",
        });
    }
    let out_dtype = factor::real_dtype(x.dtype());
    let axes: Vec<i64> = normalize_axes(axes, x.ndim(), "vector_norm")?
        .into_iter()
        .map(|a| a as i64)
        .collect();
    let a = if ord == 2.0 && !x.dtype().is_complex() {
        // Squares need no absolute values.
        x.to(work_dtype(x.dtype()))?
    } else {
        magnitudes(x)?
    };
    let kept = if ord == f64::INFINITY {
        largest(&a, &axes, true)?
    } else if ord == f64::NEG_INFINITY {
        ops::min(&a, Some(&axes), true)?
    } else if ord == 0.0 {
        let nonzero = ops::not_equal(&a, &constant(0.0, &a)?)?;
        ops::sum(&nonzero, Some(&axes), true, Some(a.dtype()))?
    } else if ord == 1.0 {
        ops::sum(&a, Some(&axes), true, None)?
    } else if ord == 2.0 {
        two_norm(&a, &axes)?
    } else {
        scaled_norm(&a, &axes, ord)?
    };
    let out = if keepdims {
        kept
    } else {
        kept.squeeze(Some(&axes))?
    };
    out.to(out_dtype)
}

/// The order of a matrix norm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MatrixNormOrder {
    /// Frobenius: the 2-norm of all elements.
    Fro,
    /// Nuclear: the sum of the singular values.
    Nuc,
    /// `1`/`-1`: the largest/smallest column sum of magnitudes; `inf`/`-inf`
    /// the largest/smallest row sum; `2`/`-2` the largest/smallest singular
    /// value.
    P(f64),
}

/// `matrix_norm(x, keepdims, ord)`: the `ord`-norm of each matrix of `x`
/// (`(..., M, N)` to `(...)`, or `(..., 1, 1)` with `keepdims`).
pub fn matrix_norm(x: &Tensor, ord: MatrixNormOrder, keepdims: bool) -> Result<Tensor> {
    factor::matrix_dims("matrix_norm", x)?;
    let matrix_axes = [-2i64, -1];
    let per_matrix = match ord {
        MatrixNormOrder::Fro => vector_norm(x, Some(&matrix_axes), false, 2.0)?,
        MatrixNormOrder::Nuc => ops::sum(&factor::svdvals(x)?, Some(&[-1]), false, None)?,
        MatrixNormOrder::P(p) if p.abs() == 2.0 => extreme_of_last(&factor::svdvals(x)?, p > 0.0)?,
        MatrixNormOrder::P(p) if p.abs() == 1.0 || p.is_infinite() => {
            // Column sums (over the rows) for ±1, row sums for ±inf.
            let summed = if p.abs() == 1.0 { -2 } else { -1 };
            let sums = ops::sum(&magnitudes(x)?, Some(&[summed]), false, None)?;
            extreme_of_last(&sums.to(factor::real_dtype(x.dtype()))?, p > 0.0)?
        }
        MatrixNormOrder::P(_) => {
            return Err(Error::InvalidArgument {
                op: "matrix_norm",
                reason: "ord must be 'fro', 'nuc', 1, -1, 2, -2, inf or -inf",
            })
        }
    };
    if keepdims {
        per_matrix.unsqueeze(-1)?.unsqueeze(-1)
    } else {
        Ok(per_matrix)
    }
}

/// The largest (or smallest) of the non-negative values `a` over its last
/// axis, which drops.
fn extreme_of_last(a: &Tensor, want_largest: bool) -> Result<Tensor> {
    let last = [a.ndim() as i64 - 1];
    if want_largest {
        largest(a, &last, false)
    } else {
        ops::min(a, Some(&last), false)
    }
}
