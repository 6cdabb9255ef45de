//! Factorizations into a triangular factor: `cholesky` and `qr`.
//!
//! Both write the triangular factor with exact zeros on its other side (the
//! standard's tests compare it with `triu`/`tril` bit for bit), and both
//! take any real or complex matrix: `cholesky` reads only the lower
//! triangle, as NumPy's does, and refuses a matrix that is not positive
//! definite (NaN included) with [`Error::LinAlg`].

use faer::MatRef;
use num_traits::{Float, One, Zero};

use super::calls;
use super::{
    assemble, compute_dtype, dispatch_field, matrix_dims, push_rows, result_dtype, square_dim,
    with_tail, Field, Stack, SMALL,
};
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// Appends the `rows × cols` top-left block of `mat` to `out` in row-major
/// order, keeping only the upper (`upper`) or lower triangle and writing
/// exact zeros elsewhere; `adjoint` reads `mat`'s conjugate transpose.
fn push_triangle<T: Field>(
    out: &mut Vec<T>,
    mat: MatRef<'_, T>,
    rows: usize,
    cols: usize,
    upper: bool,
    adjoint: bool,
) {
    out.reserve(rows * cols);
    let zero = T::from_re(Zero::zero());
    for i in 0..rows {
        // The kept columns of row `i`: from `i` on (upper) or up to `i`.
        let (lo, hi) = if upper {
            (i.min(cols), cols)
        } else {
            (0, (i + 1).min(cols))
        };
        out.extend(std::iter::repeat_n(zero, lo));
        if adjoint {
            // Row `i` of the adjoint is column `i`, conjugated.
            let col = mat.col(i).subrows(lo, hi - lo);
            out.extend(col.iter().map(|v| v.conjugate()));
        } else {
            out.extend(mat.row(i).subcols(lo, hi - lo).iter().copied());
        }
        out.extend(std::iter::repeat_n(zero, cols - hi));
    }
}

/// The largest side `cholesky` factors by itself: the recurrence's inner
/// loops are dot products of rows, and up to 16 they beat faer's setup
/// per matrix (1000 16×16: 0.96 ms through faer, NumPy 0.59).
const SMALL_CHOLESKY: usize = 16;

/// The Cholesky factor of a small `a` (side at most [`SMALL_CHOLESKY`]) from its
/// lower triangle, by the Cholesky–Banachiewicz recurrence, written to a
/// new row-major `n × n` buffer: `L`, or with `upper` `Lᴴ`, with exact
/// zeros in the other triangle. `None` when a pivot is not positive (NaN
/// included), as faer's factorization refuses.
fn small_cholesky<T: Field>(a: MatRef<'_, T>, upper: bool) -> Option<Vec<T>> {
    let n = a.nrows();
    let zero = T::from_re(Zero::zero());
    let mut l = [zero; SMALL_CHOLESKY * SMALL_CHOLESKY];
    for j in 0..n {
        let mut d = a.get(j, j).re();
        for k in 0..j {
            d -= (l[j * n + k] * l[j * n + k].conjugate()).re();
        }
        // Not positive, or NaN: no factor.
        if d.partial_cmp(&Zero::zero()) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let root = Float::sqrt(d);
        l[j * n + j] = T::from_re(root);
        for i in j + 1..n {
            let mut s = *a.get(i, j);
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k].conjugate();
            }
            l[i * n + j] = s.times(root.recip());
        }
    }
    let mut out = vec![zero; n * n];
    for i in 0..n {
        for j in 0..=i {
            if upper {
                out[j * n + i] = l[i * n + j].conjugate();
            } else {
                out[i * n + j] = l[i * n + j];
            }
        }
    }
    Some(out)
}

fn not_positive_definite() -> Error {
    Error::LinAlg {
        op: "cholesky",
        reason: "the matrix is not positive definite (a pivot is not positive, or the matrix holds NaN); only Hermitian positive-definite matrices have a Cholesky factor",
    }
}

/// `cholesky(x, upper)`: the lower factor `L` with `x = L Lᴴ` of each
/// Hermitian positive-definite matrix, or with `upper` the upper factor
/// `U = Lᴴ` (`x = Uᴴ U`).
pub fn cholesky(x: &Tensor, upper: bool) -> Result<Tensor> {
    let n = square_dim("cholesky", x)?;
    dispatch_field!(compute_dtype(x.dtype()), T => {
        let stack = Stack::<T>::new(x)?;
        let parts = stack.map(|a| {
            if n <= SMALL_CHOLESKY {
                return small_cholesky(a, upper).ok_or_else(not_positive_definite);
            }
            let l = calls::cholesky_lower(a).ok_or_else(not_positive_definite)?;
            let mut out = Vec::with_capacity(n * n);
            push_triangle(&mut out, l.as_ref(), n, n, upper, upper);
            Ok(out)
        })?;
        assemble(parts, x.shape(), result_dtype(x.dtype()))
    })
}

/// The Householder QR factorization of a small `m × n` matrix (both sides
/// from 1 to [`SMALL`]) on the stack, as LAPACK's `geqrf` and `orgqr` (and
/// so NumPy) compute it: `Q`'s first `q_cols` columns (`m × q_cols`) and
/// `R` (`q_cols × n`, zero rows past `min(m, n)`), row-major. `R`'s
/// diagonal is real, negative where its column's leading entry has a
/// positive real part, as LAPACK's. faer's setup costs more than this
/// arithmetic for small matrices (10000 3×3: 6.8 ms through faer, NumPy
/// 3.9 ms).
///
/// `None` where a reflector's norm is tiny (below `min_positive / eps`) or
/// NaN: LAPACK rescales such a column, and the caller hands the matrix to
/// faer instead.
fn small_qr<T: Field>(a: MatRef<'_, T>, q_cols: usize) -> Option<(Vec<T>, Vec<T>)> {
    let (m, n) = (a.nrows(), a.ncols());
    let k = m.min(n);
    let zero = T::from_re(Zero::zero());
    // `r` holds the matrix being reduced (row-major, `n` per row); the
    // reflectors' vectors end below its diagonal, their first entry 1.
    let mut r = [zero; SMALL * SMALL];
    for i in 0..m {
        for j in 0..n {
            r[i * n + j] = *a.get(i, j);
        }
    }
    let mut taus = [zero; SMALL];
    let tiny = T::Real::min_positive_value() / T::Real::epsilon();
    for j in 0..k {
        let alpha = r[j * n + j];
        let rest = (j + 1..m).fold(T::Real::zero(), |acc, i| acc.hypot(r[i * n + j].modulus()));
        if rest == T::Real::zero() && (alpha - T::from_re(alpha.re())).modulus() == T::Real::zero()
        {
            continue; // already reduced: H = I, tau = 0
        }
        let norm = alpha.modulus().hypot(rest);
        if norm.is_nan() || norm < tiny {
            return None;
        }
        let beta = T::from_re(if alpha.re() >= T::Real::zero() {
            -norm
        } else {
            norm
        });
        taus[j] = (beta - alpha) / beta;
        // LAPACK multiplies by the reciprocal, rounding as it does.
        let scale = T::from_re(One::one()) / (alpha - beta);
        for i in j + 1..m {
            r[i * n + j] *= scale;
        }
        r[j * n + j] = beta;
        // Hᴴ = I - conj(tau) v vᴴ on the columns to the right.
        let v = reflector(&r, n, j, m);
        reflect(&mut r, n, j, &v[..m - j], taus[j].conjugate(), j + 1..n);
    }
    // Q = H(0) H(1) ... H(k-1) times the identity's first columns, applied
    // from the last reflector back.
    let mut q = vec![zero; m * q_cols];
    for i in 0..m.min(q_cols) {
        q[i * q_cols + i] = T::from_re(One::one());
    }
    for j in (0..k).rev() {
        let v = reflector(&r, n, j, m);
        reflect(&mut q, q_cols, j, &v[..m - j], taus[j], 0..q_cols);
    }
    let mut r_out = vec![zero; q_cols * n];
    for i in 0..k.min(q_cols) {
        r_out[i * n + i..(i + 1) * n].copy_from_slice(&r[i * n + i..(i + 1) * n]);
    }
    Some((q, r_out))
}

/// The vector `v` of reflector `j` (entries `j..m`), stored below the
/// diagonal of the row-major `r` (`n` per row) with its first entry 1.
fn reflector<T: Field>(r: &[T], n: usize, j: usize, m: usize) -> [T; SMALL] {
    let mut v = [T::from_re(Zero::zero()); SMALL];
    v[0] = T::from_re(One::one());
    for i in j + 1..m {
        v[i - j] = r[i * n + j];
    }
    v
}

/// `x <- (I - tau v vᴴ) x` on the columns `cols` of the row-major `x`
/// (`stride` per row), rows `j..j + v.len()`.
fn reflect<T: Field>(
    x: &mut [T],
    stride: usize,
    j: usize,
    v: &[T],
    tau: T,
    cols: std::ops::Range<usize>,
) {
    for c in cols {
        let w = v
            .iter()
            .enumerate()
            .fold(T::from_re(Zero::zero()), |w, (i, &vi)| {
                w + vi.conjugate() * x[(j + i) * stride + c]
            });
        let w = tau * w;
        for (i, &vi) in v.iter().enumerate() {
            x[(j + i) * stride + c] -= vi * w;
        }
    }
}

/// The shape of `qr`'s factors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QrMode {
    /// `Q` of `(..., M, K)` and `R` of `(..., K, N)`, `K = min(M, N)`.
    Reduced,
    /// `Q` of `(..., M, M)` and `R` of `(..., M, N)`.
    Complete,
}

/// `qr(x, mode)`: `(Q, R)` with `x = Q R`, `Q` with orthonormal columns and
/// `R` upper triangular, for each matrix (Householder reflections).
pub fn qr(x: &Tensor, mode: QrMode) -> Result<(Tensor, Tensor)> {
    let (m, n) = matrix_dims("qr", x)?;
    let k = m.min(n);
    let q_cols = if mode == QrMode::Complete { m } else { k };
    let r_rows = q_cols;
    dispatch_field!(compute_dtype(x.dtype()), T => {
        let stack = Stack::<T>::new(x)?;
        let parts = stack.map(|a| {
            let mut q_out = Vec::with_capacity(m * q_cols);
            let mut r_out = Vec::with_capacity(r_rows * n);
            if k == 0 {
                // No reflections: Q is the identity's first columns.
                for i in 0..m {
                    q_out.extend((0..q_cols).map(|j| T::from_re(if i == j { One::one() } else { Zero::zero() })));
                }
            } else if let Some(q_r) = if m <= SMALL && n <= SMALL { small_qr(a, q_cols) } else { None } {
                return Ok(q_r);
            } else {
                let (q, r) = calls::qr(a, q_cols);
                push_rows(&mut q_out, q.as_ref());
                push_triangle(&mut r_out, r.as_ref(), k, n, true, false);
            }
            // Complete mode's R has M - K more rows, all zero.
            r_out.resize(r_rows * n, T::from_re(Zero::zero()));
            Ok((q_out, r_out))
        })?;
        let (qs, rs): (Vec<Vec<T>>, Vec<Vec<T>>) = parts.into_iter().unzip();
        let dtype = result_dtype(x.dtype());
        Ok((
            assemble(qs, &with_tail(x.shape(), 2, &[m, q_cols]), dtype)?,
            assemble(rs, &with_tail(x.shape(), 2, &[r_rows, n]), dtype)?,
        ))
    })
}
