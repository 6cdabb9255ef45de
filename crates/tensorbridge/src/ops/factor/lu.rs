//! The functions of one LU factorization: `det`, `slogdet`, `inv`, `solve`.
//!
//! Each matrix gets a partial-pivoting LU (LAPACK's `getrf`, which NumPy
//! uses). The determinant is the pivots' product times the sign of the row
//! permutation. A zero pivot means the matrix is singular: `det` is then 0
//! and `slogdet` `(0, -inf)`, while `inv` and `solve` refuse the matrix, as
//! NumPy's do ("Singular matrix"). NaN input has no zero pivot and gives NaN
//! results, not an error.

use faer::MatRef;
use num_traits::{Float, One, Zero};

use super::calls::Lu;
use super::{
    assemble, compute_dtype, dispatch_field, map_matrices, pivot_row, push_rows, real_dtype,
    result_dtype, square_dim, with_tail, Field, Stack, SMALL,
};
use crate::error::{Error, Result};
use crate::layout::broadcast_shapes;
use crate::promote::promote_types;
use crate::tensor::Tensor;

/// Whether `a`'s row permutation is odd, and its pivots: faer's LU, or
/// for small matrices (where faer's setup outweighs the arithmetic) the
/// same partial-pivoting elimination on a copy, which like LAPACK's
/// `getrf` skips a column whose pivot is zero instead of dividing by it.
fn pivots<T: Field>(a: MatRef<'_, T>) -> (bool, Vec<T>) {
    let n = a.nrows();
    if n > SMALL {
        let lu = Lu::new(a);
        return (permutation_is_odd(lu.permutation()), lu.pivots());
    }
    let mut m = [T::from_re(Zero::zero()); SMALL * SMALL];
    for i in 0..n {
        for j in 0..n {
            m[i * n + j] = *a.get(i, j);
        }
    }
    let mut odd = false;
    let mut pivots = Vec::with_capacity(n);
    for k in 0..n {
        let p = pivot_row(&m, n, k);
        if p != k {
            for j in 0..n {
                m.swap(k * n + j, p * n + j);
            }
            odd = !odd;
        }
        let pivot = m[k * n + k];
        pivots.push(pivot);
        if pivot.modulus().is_zero() {
            continue;
        }
        for i in k + 1..n {
            let factor = m[i * n + k] / pivot;
            for j in k + 1..n {
                m[i * n + j] -= factor * m[k * n + j];
            }
        }
    }
    (odd, pivots)
}

/// Solves `a x = rhs` for a small `a` (side at most [`SMALL`]) by
/// Gauss–Jordan elimination with partial pivoting on a copy of `a`: `rhs`
/// holds `k` columns, row after row, and is overwritten with `x`. `false`
/// (and `rhs` undefined) when a pivot is zero. The rows below each pivot
/// are updated exactly as in [`pivots`]'s elimination, so the pivots, and
/// which matrices count as singular, are `det`'s.
fn small_solve<T: Field>(a: MatRef<'_, T>, rhs: &mut [T], k: usize) -> bool {
    let n = a.nrows();
    let mut m = [T::from_re(Zero::zero()); SMALL * SMALL];
    for i in 0..n {
        for j in 0..n {
            m[i * n + j] = *a.get(i, j);
        }
    }
    for p in 0..n {
        let best = pivot_row(&m, n, p);
        if m[best * n + p].modulus().is_zero() {
            return false;
        }
        if best != p {
            for j in 0..n {
                m.swap(p * n + j, best * n + j);
            }
            for j in 0..k {
                rhs.swap(p * k + j, best * k + j);
            }
        }
        let pivot = m[p * n + p];
        for i in (0..n).filter(|&i| i != p) {
            let factor = m[i * n + p] / pivot;
            for j in 0..n {
                m[i * n + j] -= factor * m[p * n + j];
            }
            for j in 0..k {
                rhs[i * k + j] -= factor * rhs[p * k + j];
            }
        }
        for j in 0..n {
            m[p * n + j] /= pivot;
        }
        for j in 0..k {
            rhs[p * k + j] /= pivot;
        }
    }
    true
}

/// The inverse of a small `a`, rows in order ([`small_solve`] of the
/// identity); `None` when `a` is singular.
fn small_inverse<T: Field>(a: MatRef<'_, T>) -> Option<Vec<T>> {
    let n = a.nrows();
    let mut x = vec![T::from_re(Zero::zero()); n * n];
    for i in 0..n {
        x[i * n + i] = T::from_re(One::one());
    }
    small_solve(a, &mut x, n).then_some(x)
}

/// Whether the permutation `forward` is odd: `n` minus its number of
/// cycles is the number of transpositions it takes.
fn permutation_is_odd(forward: &[usize]) -> bool {
    let mut seen = vec![false; forward.len()];
    let mut transpositions = 0;
    for start in 0..forward.len() {
        let mut i = start;
        let mut len = 0;
        while !seen[i] {
            seen[i] = true;
            i = forward[i];
            len += 1;
        }
        transpositions += len.max(1) - 1;
    }
    transpositions % 2 == 1
}

fn is_singular<T: Field>(pivots: &[T]) -> bool {
    pivots.iter().any(|p| p.modulus().is_zero())
}

fn singular(op: &'static str) -> Error {
    Error::LinAlg {
        op,
        reason: "the matrix is singular (its LU factorization has a zero pivot) and has no inverse; pinv gives the least-squares pseudo-inverse",
    }
}

/// Each square matrix of `x`, in the compute type `T`, as whether its row
/// permutation is odd and its pivots, or `None` where a pivot is zero (the
/// matrix is singular), mapped through `f`.
fn per_matrix_pivots<T: Field, O: Send>(
    x: &Tensor,
    f: impl Fn(Option<(bool, Vec<T>)>) -> O + Sync,
) -> Result<Vec<O>> {
    Stack::<T>::new(x)?.map(|a| {
        let (odd, pivots) = pivots(a);
        // faer's elimination past a zero pivot divides 0 by 0: the later
        // pivots may be NaN, so a singular matrix is told apart first.
        Ok(f((!is_singular(&pivots)).then_some((odd, pivots))))
    })
}

/// `det(x)`: the determinant of each square matrix of `x` (`(..., N, N)` to
/// `(...)`); 1 for `0 × 0` matrices.
pub fn det(x: &Tensor) -> Result<Tensor> {
    square_dim("det", x)?;
    let out_shape = with_tail(x.shape(), 2, &[]);
    dispatch_field!(compute_dtype(x.dtype()), T => {
        type R = <T as faer::traits::ComplexField>::Real;
        let dets = per_matrix_pivots::<T, T>(x, |lu| match lu {
            None => T::from_re(R::zero()),
            Some((odd, pivots)) => {
                let product = pivots.into_iter().fold(T::from_re(One::one()), |acc, p| acc.mul(p));
                if odd { product.times(-R::one()) } else { product }
            }
        })?;
        assemble(vec![dets], &out_shape, result_dtype(x.dtype()))
    })
}

/// `slogdet(x)`: `(sign, logabsdet)` of each determinant, so that
/// `det = sign * exp(logabsdet)` without overflow. `sign` has the result
/// dtype (a unit complex number for complex input), `logabsdet` the real
/// dtype; a singular matrix gives `(0, -inf)`.
pub fn slogdet(x: &Tensor) -> Result<(Tensor, Tensor)> {
    square_dim("slogdet", x)?;
    let out_shape = with_tail(x.shape(), 2, &[]);
    dispatch_field!(compute_dtype(x.dtype()), T => {
        type R = <T as faer::traits::ComplexField>::Real;
        let parts = per_matrix_pivots::<T, (T, R)>(x, |lu| {
            let Some((odd, pivots)) = lu else {
                return (T::from_re(R::zero()), R::neg_infinity());
            };
            let mut sign = T::from_re(if odd { -R::one() } else { R::one() });
            let mut log = R::zero();
            for p in pivots {
                let m = p.modulus();
                sign = sign.mul(p.times(m.recip()));
                log += m.ln();
            }
            (sign, log)
        })?;
        let (signs, logs): (Vec<T>, Vec<R>) = parts.into_iter().unzip();
        Ok((
            assemble(vec![signs], &out_shape, result_dtype(x.dtype()))?,
            assemble(vec![logs], &out_shape, real_dtype(x.dtype()))?,
        ))
    })
}

/// `inv(x)`: the inverse of each square matrix; [`Error::LinAlg`] for a
/// singular one.
pub fn inv(x: &Tensor) -> Result<Tensor> {
    let n = square_dim("inv", x)?;
    dispatch_field!(compute_dtype(x.dtype()), T => {
        let stack = Stack::<T>::new(x)?;
        let parts = stack.map(|a| {
            if n <= SMALL {
                return small_inverse(a).ok_or_else(|| singular("inv"));
            }
            let lu = Lu::new(a);
            if is_singular(&lu.pivots()) {
                return Err(singular("inv"));
            }
            let mut out = Vec::with_capacity(n * n);
            lu.push_inverse(&mut out);
            Ok(out)
        })?;
        assemble(parts, x.shape(), result_dtype(x.dtype()))
    })
}

/// `solve(x1, x2)`: `x` with `x1 @ x = x2` for each square `x1` matrix.
///
/// `x2` of shape `(M,)` is one right-hand side for every matrix, and the
/// result is `(..., M)`; otherwise `x2` is `(..., M, K)` and its stack
/// dimensions broadcast with `x1`'s. The operands promote to a common
/// dtype first. [`Error::LinAlg`] for a singular `x1` matrix.
pub fn solve(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    let n = square_dim("solve", x1)?;
    crate::ops::require_cpu("solve", &[x2])?;
    let mismatch = |reason| Error::IncompatibleShapes {
        op: "solve",
        x1_shape: x1.shape().to_vec(),
        x2_shape: x2.shape().to_vec(),
        reason,
    };
    let batch1 = &x1.shape()[..x1.ndim() - 2];
    let vector = x2.ndim() == 1;
    let (batch, rhs, k) = if vector {
        if x2.shape()[0] != n {
            return Err(mismatch("x2 of shape (M,) must have x1's M elements"));
        }
        (batch1.to_vec(), x2.reshape(&[n as i64, 1])?, 1)
    } else {
        let nd = x2.ndim();
        if nd < 2 || x2.shape()[nd - 2] != n {
            return Err(mismatch("x2 must be (M,) or (..., M, K) with x1's M rows"));
        }
        let batch = broadcast_shapes(batch1, &x2.shape()[..nd - 2], "solve")?;
        (batch, x2.clone(), x2.shape()[nd - 1])
    };
    let a = x1.broadcast_to(&with_tail(&batch, 0, &[n, n]))?;
    let b = rhs.broadcast_to(&with_tail(&batch, 0, &[n, k]))?;
    let common = promote_types(x1.dtype(), x2.dtype());
    let tail = [n, k];
    let out_shape = with_tail(&batch, 0, &tail[..if vector { 1 } else { 2 }]);
    dispatch_field!(compute_dtype(common), T => {
        let (sa, sb) = (Stack::<T>::new(&a)?, Stack::<T>::new(&b)?);
        let parts = map_matrices(sa.count(), n * (n + k), |i| {
            if n <= SMALL {
                let mut x = Vec::with_capacity(n * k);
                push_rows(&mut x, sb.matrix(i));
                return if small_solve(sa.matrix(i), &mut x, k) { Ok(x) } else { Err(singular("solve")) };
            }
            let lu = Lu::new(sa.matrix(i));
            if is_singular(&lu.pivots()) {
                return Err(singular("solve"));
            }
            let x = lu.solve(sb.matrix(i));
            let mut out = Vec::with_capacity(n * k);
            push_rows(&mut out, x.as_ref());
            Ok(out)
        })?;
        assemble(parts, &out_shape, result_dtype(common))
    })
}

#[cfg(test)]
mod tests {
    use super::permutation_is_odd;

    #[test]
    fn permutation_parity() {
        assert!(!permutation_is_odd(&[]));
        assert!(!permutation_is_odd(&[0, 1, 2]));
        assert!(permutation_is_odd(&[1, 0, 2]));
        assert!(!permutation_is_odd(&[1, 2, 0]));
        // Three swaps: (0 3)(1 2)(4 5).
        assert!(permutation_is_odd(&[3, 2, 1, 0, 5, 4]));
    }

    #[test]
    fn det_of_a_dtype_is_computed_in_it() {
        use crate::{DType, Tensor};
        let x = Tensor::from_vec(vec![2i64, 1, 1, 3], &[2, 2]).unwrap();
        let d = super::det(&x).unwrap();
        assert_eq!(d.dtype(), DType::Float64);
        assert!((d.to_vec::<f64>().unwrap()[0] - 5.0).abs() < 1e-12);
    }
}
