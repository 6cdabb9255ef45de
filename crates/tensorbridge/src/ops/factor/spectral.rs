//! Spectral factorizations: `eigh`, `eigvalsh`, `svd`, `svdvals`, and the
//! two functions built on singular values, `pinv` and `matrix_rank`.
//!
//! Eigenvalues come in ascending order and singular values in descending
//! order, as LAPACK's (and so NumPy's) do; eigenvalues and singular values
//! of complex matrices are real. `eigh` reads only the lower triangle, as
//! NumPy's default does. The signs (phases) of eigenvectors and singular
//! vectors are faer's and may differ from LAPACK's: only the factorization
//! is defined, not its sign convention. An iteration that does not
//! converge (NaN or infinity in the matrix) is [`Error::LinAlg`].

use faer::linalg::svd::ComputeSvdVectors;
use faer::{Mat, MatRef};
use num_traits::{Float, ToPrimitive, Zero};

use super::calls;
use super::{
    assemble, compute_dtype, dispatch_field, matrix_dims, push_rows, real_dtype, result_dtype,
    square_dim, with_tail, Field, Stack,
};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

fn no_convergence(op: &'static str) -> Error {
    Error::LinAlg {
        op,
        reason: "the iteration did not converge (the matrix holds NaN or infinity); replace non-finite values first",
    }
}

/// The eigenvalues (ascending, real) and, with `vectors`, the eigenvectors
/// (as columns, row-major) of the Hermitian matrix whose lower triangle
/// `a` holds.
fn eigen<T: Field>(
    op: &'static str,
    a: MatRef<'_, T>,
    vectors: bool,
) -> Result<(Vec<T::Real>, Vec<T>)> {
    let n = a.nrows();
    if n == 0 {
        return Ok((Vec::new(), Vec::new()));
    }
    let (values, u) = calls::eigen(a, vectors).map_err(|_| no_convergence(op))?;
    let mut out = Vec::new();
    if let Some(u) = u {
        push_rows(&mut out, u.as_ref());
    }
    Ok((values, out))
}

/// `eigh(x)`: `(eigenvalues, eigenvectors)` of each Hermitian (real
/// symmetric) matrix: eigenvalues `(..., N)` ascending, in the real dtype;
/// eigenvectors `(..., N, N)` as columns.
pub fn eigh(x: &Tensor) -> Result<(Tensor, Tensor)> {
    let n = square_dim("eigh", x)?;
    dispatch_field!(compute_dtype(x.dtype()), T => {
        let stack = Stack::<T>::new(x)?;
        let parts = stack.map(|a| eigen("eigh", a, true))?;
        let (values, vectors): (Vec<_>, Vec<_>) = parts.into_iter().unzip();
        Ok((
            assemble(values, &with_tail(x.shape(), 1, &[]), real_dtype(x.dtype()))?,
            assemble(vectors, &with_tail(x.shape(), 2, &[n, n]), result_dtype(x.dtype()))?,
        ))
    })
}

/// `eigvalsh(x)`: the eigenvalues of each Hermitian matrix, ascending.
pub fn eigvalsh(x: &Tensor) -> Result<Tensor> {
    square_dim("eigvalsh", x)?;
    dispatch_field!(compute_dtype(x.dtype()), T => {
        let stack = Stack::<T>::new(x)?;
        let values = stack.map(|a| Ok(eigen("eigvalsh", a, false)?.0))?;
        assemble(values, &with_tail(x.shape(), 1, &[]), real_dtype(x.dtype()))
    })
}

/// One matrix's singular value decomposition: `U` (`m × u_cols`), the
/// `min(m, n)` singular values (descending) and `V` (`n × v_cols`), with
/// `full` the square `U` and `V`.
struct Decomposition<T: Field> {
    u: Mat<T>,
    s: Vec<T::Real>,
    v: Mat<T>,
}

fn decompose<T: Field>(op: &'static str, a: MatRef<'_, T>, full: bool) -> Result<Decomposition<T>> {
    let (m, n) = (a.nrows(), a.ncols());
    if m.min(n) == 0 {
        // Nothing to decompose: the identity's columns span the space.
        let (u_cols, v_cols) = if full { (m, n) } else { (0, 0) };
        return Ok(Decomposition {
            u: Mat::identity(m, u_cols),
            s: Vec::new(),
            v: Mat::identity(n, v_cols),
        });
    }
    let (a, e) = balanced(a);
    let (h1, h2) = halves::<T::Real>(e);
    let vectors = if full {
        ComputeSvdVectors::Full
    } else {
        ComputeSvdVectors::Thin
    };
    let (s, uv) = calls::svd(a.as_ref(), Some(vectors)).map_err(|_| no_convergence(op))?;
    let (u, v) = uv.expect("vectors were asked for");
    Ok(Decomposition {
        u,
        s: s.into_iter().map(|v| v * h1 * h2).collect(),
        v,
    })
}

/// Singular values alone (descending).
fn singular_values<T: Field>(op: &'static str, a: MatRef<'_, T>) -> Result<Vec<T::Real>> {
    if a.nrows().min(a.ncols()) == 0 {
        return Ok(Vec::new());
    }
    let (a, e) = balanced(a);
    let (h1, h2) = halves::<T::Real>(e);
    let (s, _) = calls::svd(a.as_ref(), None).map_err(|_| no_convergence(op))?;
    Ok(s.into_iter().map(|v| v * h1 * h2).collect())
}

/// `a` scaled by a power of two (exactly) so that its largest magnitude is
/// near 1 when it lies far outside the range where squares stay finite and
/// normal, and the exponent `e` whose `2^e` undoes it: the SVD iteration
/// fails on entries near the float maximum otherwise (LAPACK's `gesdd`
/// scales the same way).
fn balanced<T: Field>(a: MatRef<'_, T>) -> (Mat<T>, i32) {
    let largest = (0..a.nrows())
        .flat_map(|i| (0..a.ncols()).map(move |j| (i, j)))
        .map(|(i, j)| a.get(i, j).modulus().to_f64().unwrap_or(0.0))
        .fold(0.0f64, f64::max);
    // A quarter of the exponent range on either side of 1.
    let bits = <T::Real as Float>::max_value()
        .to_f64()
        .map_or(1024.0, f64::log2)
        / 4.0;
    let log2 = largest.log2();
    if !largest.is_finite() || largest == 0.0 || log2.abs() < bits {
        return (a.to_owned(), 0);
    }
    let e = log2.floor() as i32;
    let (h1, h2) = halves::<T::Real>(-e);
    let mut scaled = a.to_owned();
    for j in 0..a.ncols() {
        for i in 0..a.nrows() {
            let v = *scaled.get(i, j);
            *scaled.get_mut(i, j) = v.times(h1).times(h2);
        }
    }
    (scaled, e)
}

/// `2^k` as `R` (`|k|` within the float's exponent range).
fn pow2<R: Float>(k: i32) -> R {
    num_traits::cast::<f64, R>(2f64.powi(k)).unwrap_or_else(R::one)
}

/// The two halves of `2^e`, each inside the float range: multiplying by
/// both is exact but for the last product's rounding where it is
/// subnormal.
fn halves<R: Float>(e: i32) -> (R, R) {
    (pow2(e / 2), pow2(e - e / 2))
}

/// `svd(x, full_matrices)`: `(U, S, Vh)` with `x = U diag(S) Vh` for each
/// matrix; `S` descending in the real dtype; `U` `(..., M, M)` and `Vh`
/// `(..., N, N)` with `full_matrices`, `(..., M, K)` and `(..., K, N)`
/// without.
pub fn svd(x: &Tensor, full_matrices: bool) -> Result<(Tensor, Tensor, Tensor)> {
    let (m, n) = matrix_dims("svd", x)?;
    let k = m.min(n);
    let (u_cols, vh_rows) = if full_matrices { (m, n) } else { (k, k) };
    dispatch_field!(compute_dtype(x.dtype()), T => {
        let stack = Stack::<T>::new(x)?;
        let parts = stack.map(|a| {
            let d = decompose("svd", a, full_matrices)?;
            let mut u = Vec::with_capacity(m * u_cols);
            push_rows(&mut u, d.u.as_ref());
            let mut vh = Vec::with_capacity(vh_rows * n);
            push_rows(&mut vh, d.v.adjoint().to_owned().as_ref());
            Ok((u, d.s, vh))
        })?;
        let (mut us, mut ss, mut vhs) = (Vec::new(), Vec::new(), Vec::new());
        for (u, s, vh) in parts {
            us.push(u);
            ss.push(s);
            vhs.push(vh);
        }
        let dtype = result_dtype(x.dtype());
        Ok((
            assemble(us, &with_tail(x.shape(), 2, &[m, u_cols]), dtype)?,
            assemble(ss, &with_tail(x.shape(), 2, &[k]), real_dtype(x.dtype()))?,
            assemble(vhs, &with_tail(x.shape(), 2, &[vh_rows, n]), dtype)?,
        ))
    })
}

/// `svdvals(x)`: the singular values of each matrix, descending, in the
/// real dtype (`(..., K)`).
pub fn svdvals(x: &Tensor) -> Result<Tensor> {
    let (m, n) = matrix_dims("svdvals", x)?;
    dispatch_field!(compute_dtype(x.dtype()), T => {
        let stack = Stack::<T>::new(x)?;
        let values = stack.map(|a| singular_values("svdvals", a))?;
        assemble(values, &with_tail(x.shape(), 2, &[m.min(n)]), real_dtype(x.dtype()))
    })
}

/// The relative tolerance of `pinv` and `matrix_rank` for each matrix of a
/// stack with batch shape `batch`: `rtol` broadcast to it, or the
/// standard's default `max(M, N) · eps` of the compute dtype.
fn tolerances<T: Field>(
    op: &'static str,
    rtol: Option<&Tensor>,
    stack: &Stack<T>,
    m: usize,
    n: usize,
) -> Result<Vec<f64>> {
    let batch = &stack.batch;
    match rtol {
        None => {
            let eps = <T::Real as Float>::epsilon()
                .to_f64()
                .unwrap_or(f64::EPSILON);
            Ok(vec![m.max(n) as f64 * eps; stack.count()])
        }
        Some(r) => {
            if r.dtype().is_complex() {
                return Err(Error::DTypeNotSupported {
                    op,
                    dtype: r.dtype(),
                    expected: "a real rtol",
                });
            }
            r.broadcast_to(batch)?.to(DType::Float64)?.to_vec::<f64>()
        }
    }
}

/// Which of the descending singular values `s` count as non-zero: those
/// above `tol` times the largest (NaN never does).
fn above_cutoff<R: Float>(s: &[R], tol: f64) -> impl Fn(R) -> bool {
    let cutoff = s.first().map_or(0.0, |s| s.to_f64().unwrap_or(0.0) * tol);
    move |v| v.to_f64().is_some_and(|v| v > cutoff)
}

/// `pinv(x, rtol)`: the Moore–Penrose pseudo-inverse of each matrix
/// (`(..., M, N)` to `(..., N, M)`), from its SVD with singular values at
/// or below `rtol` times the largest taken as zero.
pub fn pinv(x: &Tensor, rtol: Option<&Tensor>) -> Result<Tensor> {
    let (m, n) = matrix_dims("pinv", x)?;
    dispatch_field!(compute_dtype(x.dtype()), T => {
        type R = <T as faer::traits::ComplexField>::Real;
        let stack = Stack::<T>::new(x)?;
        let tol = tolerances("pinv", rtol, &stack, m, n)?;
        let parts = super::map_matrices(stack.count(), m * n, |i| {
            let d = decompose("pinv", stack.matrix(i), false)?;
            let keep = above_cutoff(&d.s, tol[i]);
            // V · diag(1/s) over the kept singular values, then times Uᴴ.
            let mut vs = d.v.clone();
            for (j, &s) in d.s.iter().enumerate() {
                let scale = if keep(s) { s.recip() } else { R::zero() };
                for r in 0..n {
                    let v = *vs.get(r, j);
                    *vs.get_mut(r, j) = v.times(scale);
                }
            }
            let p: Mat<T> = if d.s.is_empty() { Mat::zeros(n, m) } else { &vs * d.u.adjoint() };
            let mut out = Vec::with_capacity(n * m);
            push_rows(&mut out, p.as_ref());
            Ok(out)
        })?;
        assemble(parts, &with_tail(x.shape(), 2, &[n, m]), result_dtype(x.dtype()))
    })
}

/// `matrix_rank(x, rtol)`: the number of singular values above `rtol` times
/// the largest, per matrix, as int64.
pub fn matrix_rank(x: &Tensor, rtol: Option<&Tensor>) -> Result<Tensor> {
    let (m, n) = matrix_dims("matrix_rank", x)?;
    dispatch_field!(compute_dtype(x.dtype()), T => {
        let stack = Stack::<T>::new(x)?;
        let tol = tolerances("matrix_rank", rtol, &stack, m, n)?;
        let ranks = super::map_matrices(stack.count(), m * n, |i| {
            let s = singular_values("matrix_rank", stack.matrix(i))?;
            let keep = above_cutoff(&s, tol[i]);
            Ok(s.iter().filter(|&&v| keep(v)).count() as i64)
        })?;
        assemble(vec![ranks], &with_tail(x.shape(), 2, &[]), DType::Int64)
    })
}
