//! Matrix factorizations: the decompositions behind the Array API's `linalg`
//! extension (`det`, `slogdet`, `inv`, `solve`, `cholesky`, `qr`, `eigh`,
//! `eigvalsh`, `svd`, `svdvals`, `pinv`, `matrix_rank`), computed by faer.
//!
//! Every function takes a stack of matrices `(..., M, N)` and works matrix
//! by matrix. The stack is copied once into a contiguous buffer of the
//! compute type, so strided, transposed and negatively strided inputs need
//! no care of their own, and each matrix reaches faer as a row-major view.
//! Results are fresh tensors: a factorization never shares memory with its
//! input.
//!
//! Compute types: float32, float64, complex64 and complex128 in themselves;
//! float16 and bfloat16 through float32, rounded back at the end (as every
//! other half-precision operation here); integers and bool through float64,
//! as NumPy's `linalg` does. A stack of several matrices is spread over
//! rayon's threads, one matrix per task; a single large matrix uses faer's
//! own parallelism from the size where it pays (see `calls.rs`).
//!
//! A matrix a factorization cannot take (singular for `inv`/`solve`, not
//! positive definite for `cholesky`, an iteration that does not converge on
//! non-finite input) is [`Error::LinAlg`], NumPy's `LinAlgError`.

mod calls;
mod lu;
mod spectral;
mod triangular;

pub use lu::{det, inv, slogdet, solve};
pub use spectral::{eigh, eigvalsh, matrix_rank, pinv, svd, svdvals};
pub use triangular::{cholesky, qr, QrMode};

use faer::traits::{ComplexField, RealField};
use faer::MatRef;
use num_complex::Complex;
use rayon::prelude::*;

use crate::dtype::{DType, DTypeKind};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// An element type faer factorizes: float32, float64 and their complexes.
///
/// `Real` (faer's) is the type of moduli, eigenvalues and singular values.
pub(crate) trait Field:
    Element
    + ComplexField<Real: Element + RealField + num_traits::Float>
    + std::ops::SubAssign
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
{
    /// `|x|`.
    fn modulus(self) -> Self::Real;
    /// The real part.
    fn re(self) -> Self::Real;
    /// `r` as this type (imaginary part zero).
    fn from_re(r: Self::Real) -> Self;
    /// The complex conjugate (the value itself for reals).
    fn conjugate(self) -> Self;
    /// `self * r`.
    fn times(self, r: Self::Real) -> Self;
    /// `self * other`.
    fn mul(self, other: Self) -> Self;
}

macro_rules! real_field {
    ($t:ty) => {
        impl Field for $t {
            fn modulus(self) -> $t {
                self.abs()
            }
            fn re(self) -> $t {
                self
            }
            fn from_re(r: $t) -> $t {
                r
            }
            fn conjugate(self) -> $t {
                self
            }
            fn times(self, r: $t) -> $t {
                self * r
            }
            fn mul(self, other: $t) -> $t {
                self * other
            }
        }
    };
}

macro_rules! complex_field {
    ($t:ty) => {
        impl Field for Complex<$t> {
            fn modulus(self) -> $t {
                self.norm()
            }
            fn re(self) -> $t {
                self.re
            }
            fn from_re(r: $t) -> Complex<$t> {
                Complex::new(r, 0.0)
            }
            fn conjugate(self) -> Complex<$t> {
                self.conj()
            }
            fn times(self, r: $t) -> Complex<$t> {
                self * r
            }
            fn mul(self, other: Complex<$t>) -> Complex<$t> {
                self * other
            }
        }
    };
}

real_field!(f32);
real_field!(f64);
complex_field!(f32);
complex_field!(f64);

/// Runs `$body` with `$t` bound to the [`Field`] type of compute dtype
/// `$dtype` (one of [`compute_dtype`]'s results).
macro_rules! dispatch_field {
    ($dtype:expr, $t:ident => $body:expr) => {{
        match $dtype {
            $crate::DType::Float32 => {
                type $t = f32;
                $body
            }
            $crate::DType::Float64 => {
                type $t = f64;
                $body
            }
            $crate::DType::Complex64 => {
                type $t = num_complex::Complex<f32>;
                $body
            }
            _ => {
                type $t = num_complex::Complex<f64>;
                $body
            }
        }
    }};
}
pub(crate) use dispatch_field;

/// The largest matrix side the small paths (`det`, `slogdet`, `inv`,
/// `solve`, `cholesky`) handle by themselves, on the stack: below it,
/// faer's setup per matrix outweighs the arithmetic.
pub(crate) const SMALL: usize = 8;

/// The row at or below `p` whose entry in column `p` of the row-major
/// `n`-column matrix `m` is largest in magnitude: partial pivoting's
/// choice (the first of equals, as LAPACK's `getrf` takes).
pub(crate) fn pivot_row<T: Field>(m: &[T], n: usize, p: usize) -> usize {
    (p..n).fold(p, |best, i| {
        if m[i * n + p].modulus() > m[best * n + p].modulus() {
            i
        } else {
            best
        }
    })
}

/// The dtype a factorization of `dtype` values is computed in.
pub(crate) fn compute_dtype(dtype: DType) -> DType {
    match dtype {
        DType::Float16 | DType::BFloat16 | DType::Float32 => DType::Float32,
        DType::Complex64 => DType::Complex64,
        DType::Complex128 => DType::Complex128,
        _ => DType::Float64,
    }
}

/// The dtype of a factorization's result for `dtype` input: the input's
/// own floating dtype, float64 for integers and bool.
pub(crate) fn result_dtype(dtype: DType) -> DType {
    match dtype.kind() {
        DTypeKind::Float | DTypeKind::Complex => dtype,
        _ => DType::Float64,
    }
}

/// The real dtype of the same precision as `dtype` (the dtype of moduli,
/// eigenvalues and singular values): float32 for complex64, float64 for
/// complex128, the result dtype otherwise.
pub(crate) fn real_dtype(dtype: DType) -> DType {
    match dtype {
        DType::Complex64 => DType::Float32,
        DType::Complex128 => DType::Float64,
        d => result_dtype(d),
    }
}

/// Checks that `x` is a CPU stack of matrices (`ndim >= 2`) and returns
/// `(M, N)`.
pub(crate) fn matrix_dims(op: &'static str, x: &Tensor) -> Result<(usize, usize)> {
    crate::ops::require_cpu(op, &[x])?;
    let nd = x.ndim();
    if nd < 2 {
        return Err(Error::NotAMatrix {
            op,
            shape: x.shape().to_vec(),
        });
    }
    Ok((x.shape()[nd - 2], x.shape()[nd - 1]))
}

/// [`matrix_dims`] for functions of square matrices; returns `N`.
pub(crate) fn square_dim(op: &'static str, x: &Tensor) -> Result<usize> {
    match matrix_dims(op, x)? {
        (m, n) if m == n => Ok(n),
        _ => Err(Error::NotSquare {
            op,
            shape: x.shape().to_vec(),
        }),
    }
}

/// A stack of row-major `m × n` matrices in the compute type `T`.
pub(crate) struct Stack<T> {
    data: Vec<T>,
    /// The leading (batch) dimensions.
    pub batch: Vec<usize>,
    /// Rows of each matrix.
    pub m: usize,
    /// Columns of each matrix.
    pub n: usize,
}

impl<T: Field> Stack<T> {
    /// `x`'s matrices, converted to `T` and copied once.
    pub fn new(x: &Tensor) -> Result<Stack<T>> {
        let nd = x.ndim();
        let data = x.to(T::DTYPE)?.to_vec::<T>()?;
        Ok(Stack {
            data,
            batch: x.shape()[..nd - 2].to_vec(),
            m: x.shape()[nd - 2],
            n: x.shape()[nd - 1],
        })
    }

    /// The number of matrices.
    pub fn count(&self) -> usize {
        self.batch.iter().product()
    }

    /// Matrix `i` as a faer view.
    pub fn matrix(&self, i: usize) -> MatRef<'_, T> {
        let size = self.m * self.n;
        MatRef::from_row_major_slice(&self.data[i * size..(i + 1) * size], self.m, self.n)
    }

    /// `f` of every matrix, in order; several matrices run in parallel.
    pub fn map<R: Send>(&self, f: impl Fn(MatRef<'_, T>) -> Result<R> + Sync) -> Result<Vec<R>> {
        map_matrices(self.count(), self.m * self.n, |i| f(self.matrix(i)))
    }
}

/// `f(i)` for each of `count` matrices of `size` elements, in order: spread
/// over rayon's threads when there are several and enough work to share.
pub(crate) fn map_matrices<R: Send>(
    count: usize,
    size: usize,
    f: impl Fn(usize) -> Result<R> + Sync + Send,
) -> Result<Vec<R>> {
    if count > 1 && size.saturating_mul(count) >= 4096 {
        (0..count).into_par_iter().map(f).collect()
    } else {
        (0..count).map(f).collect()
    }
}

/// Appends `mat` to `out` in row-major order.
pub(crate) fn push_rows<T: Field>(out: &mut Vec<T>, mat: MatRef<'_, T>) {
    out.reserve(mat.nrows() * mat.ncols());
    for i in 0..mat.nrows() {
        out.extend(mat.row(i).iter().copied());
    }
}

/// The tensor of `shape` holding the concatenated per-matrix `parts`, in
/// `dtype` (rounded from `T`'s dtype where they differ).
pub(crate) fn assemble<T: Element>(
    parts: Vec<Vec<T>>,
    shape: &[usize],
    dtype: DType,
) -> Result<Tensor> {
    let data: Vec<T> = if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        parts.concat()
    };
    let t = Tensor::from_vec(data, shape)?;
    if dtype == T::DTYPE {
        Ok(t)
    } else {
        t.to(dtype)
    }
}

/// `shape` with its last `drop` dimensions replaced by `tail`.
pub(crate) fn with_tail(shape: &[usize], drop: usize, tail: &[usize]) -> Vec<usize> {
    let mut out = shape[..shape.len() - drop].to_vec();
    out.extend_from_slice(tail);
    out
}

#[cfg(test)]
mod tests;
