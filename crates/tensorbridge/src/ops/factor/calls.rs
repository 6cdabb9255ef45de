//! faer's factorizations, each called with a thread count chosen here.
//!
//! faer's convenience methods (`a.partial_piv_lu()`, `a.qr()`, `a.svd()`,
//! ...) read their parallelism from a process-wide setting whose default
//! is every core. On the 2-core machine this project is measured on,
//! faer's parallel algorithms lose to its sequential ones up to a size that
//! depends on the factorization (one float64 matrix, best of several
//! runs):
//!
//! | factorization | sequential | two threads | two threads win from |
//! | --- | --- | --- | --- |
//! | QR, 64 × 64 | 0.08 ms | 1.12 ms | 2048 |
//! | QR, 1024 × 1024 | 38.8 ms | 61.1 ms | |
//! | LU, 512 × 512 | 3.0 ms | 5.9 ms | 2048 (119 against 100 ms) |
//! | SVD with vectors, 512 × 512 | 60.0 ms | 81.4 ms | 1024 (443 against 403 ms) |
//! | singular values, 1024 × 1024 | 281 ms | 316 ms | past 1024 |
//! | Hermitian eigen with vectors, 1024 × 1024 | 184 ms | 157 ms | 1024 |
//! | eigenvalues, 1024 × 1024 | 95.5 ms | 109 ms | past 1024 |
//! | Cholesky, 1024 × 1024 | 10.6 ms | 6.0 ms | 512 |
//!
//! So every call here names its parallelism: sequential below its
//! factorization's crossover, and always inside a rayon task (a stack of
//! matrices is already spread one matrix per thread); faer's rayon
//! parallelism over every thread above. Changing faer's process-wide
//! setting instead would change it for every other user of faer in the
//! process.

use faer::diag::Diag;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt::factor as llt;
use faer::linalg::lu::partial_pivoting as plu;
use faer::linalg::qr::no_pivoting::factor as qr_factor;
use faer::linalg::svd::ComputeSvdVectors;
use faer::linalg::{evd, householder, svd as faer_svd};
use faer::perm::PermRef;
use faer::{Conj, Mat, MatRef, Par};
use num_traits::{One, Zero};

use super::{push_rows, Field};

/// The side from which faer's parallel LU beats its sequential one.
const LU_FROM: usize = 2048;
/// The same for QR (by the smaller dimension).
const QR_FROM: usize = 2048;
/// The same for the singular value decomposition (smaller dimension) and
/// the Hermitian eigendecomposition, with their vectors.
const VECTORS_FROM: usize = 1024;
/// The same for singular values or eigenvalues alone: one thread still
/// won at 1024, the largest side measured.
const VALUES_FROM: usize = 2048;
/// The same for the Cholesky factorization.
const CHOLESKY_FROM: usize = 512;

/// The parallelism for a factorization of a matrix of `side` whose
/// parallel algorithm wins `from` that side.
fn par(side: usize, from: usize) -> Par {
    if side >= from && rayon::current_thread_index().is_none() {
        Par::rayon(0)
    } else {
        Par::Seq
    }
}

/// A scratch buffer of `req`, run through `f`.
fn with_scratch<R>(req: faer::dyn_stack::StackReq, f: impl FnOnce(&mut MemStack) -> R) -> R {
    let mut mem = MemBuffer::new(req);
    f(MemStack::new(&mut mem))
}

/// The partial-pivoting LU factorization of a square matrix `A`.
///
/// `A` itself, not its transpose: factoring the transpose would save the
/// transposing copy of the row-major input (a quarter of the time at
/// 1024 × 1024), but a matrix with two equal rows would then not reach an
/// exactly zero pivot, and `inv`/`solve` would return huge values where
/// NumPy (LAPACK on `A`) raises `LinAlgError`.
pub(crate) struct Lu<T: Field> {
    /// `L` (unit lower, its diagonal implied) and `U` in one matrix.
    lu: Mat<T>,
    forward: Vec<usize>,
    inverse: Vec<usize>,
    par: Par,
}

impl<T: Field> Lu<T> {
    /// Factors the square matrix `a`.
    pub fn new(a: MatRef<'_, T>) -> Self {
        let n = a.nrows();
        let par = par(n, LU_FROM);
        let mut lu = a.to_owned();
        let (mut forward, mut inverse) = (vec![0; n], vec![0; n]);
        with_scratch(
            plu::factor::lu_in_place_scratch::<usize, T>(n, n, par, Default::default()),
            |stack| {
                plu::factor::lu_in_place(
                    lu.as_mut(),
                    &mut forward,
                    &mut inverse,
                    par,
                    stack,
                    Default::default(),
                );
            },
        );
        Lu {
            lu,
            forward,
            inverse,
            par,
        }
    }

    fn perm(&self) -> PermRef<'_, usize> {
        PermRef::new_checked(&self.forward, &self.inverse, self.forward.len())
    }

    /// The row permutation's forward map (its parity is the determinant's
    /// sign).
    pub fn permutation(&self) -> &[usize] {
        &self.forward
    }

    /// `U`'s diagonal: the pivots.
    pub fn pivots(&self) -> Vec<T> {
        (0..self.lu.nrows()).map(|i| *self.lu.get(i, i)).collect()
    }

    /// `x` with `A x = b` for the columns `b` of `rhs`, as a column-major
    /// matrix.
    pub fn solve(&self, rhs: MatRef<'_, T>) -> Mat<T> {
        let mut x = rhs.to_owned();
        let n = self.lu.nrows();
        with_scratch(
            plu::solve::solve_in_place_scratch::<usize, T>(n, x.ncols(), self.par),
            |stack| {
                plu::solve::solve_in_place_with_conj(
                    self.lu.as_ref(),
                    self.lu.as_ref(),
                    self.perm(),
                    Conj::No,
                    x.as_mut(),
                    self.par,
                    stack,
                );
            },
        );
        x
    }

    /// Appends `A⁻¹` to `out` in row-major order.
    pub fn push_inverse(&self, out: &mut Vec<T>) {
        let n = self.lu.nrows();
        let mut inverse = Mat::zeros(n, n);
        with_scratch(
            plu::inverse::inverse_scratch::<usize, T>(n, self.par),
            |stack| {
                plu::inverse::inverse(
                    inverse.as_mut(),
                    self.lu.as_ref(),
                    self.lu.as_ref(),
                    self.perm(),
                    self.par,
                    stack,
                );
            },
        );
        push_rows(out, inverse.as_ref());
    }
}

/// The lower Cholesky factor `L` (`A = L Lᴴ`) from `a`'s lower triangle,
/// zeros above the diagonal; `None` where a pivot is not positive (NaN
/// included).
pub(crate) fn cholesky_lower<T: Field>(a: MatRef<'_, T>) -> Option<Mat<T>> {
    let n = a.nrows();
    let par = par(n, CHOLESKY_FROM);
    // The lower triangle, zeros above, written column by column in one pass.
    let mut l = Mat::from_fn(n, n, |i, j| {
        if i >= j {
            *a.get(i, j)
        } else {
            T::from_re(Zero::zero())
        }
    });
    with_scratch(
        llt::cholesky_in_place_scratch::<T>(n, par, Default::default()),
        |stack| {
            llt::cholesky_in_place(
                l.as_mut(),
                Default::default(),
                par,
                stack,
                Default::default(),
            )
        },
    )
    .ok()?;
    Some(l)
}

/// The Householder QR factorization of an `m × n` matrix with `m, n > 0`:
/// `Q` with `q_cols` columns (`min(m, n)` or `m`), and the factored matrix,
/// whose upper trapezoid is `R`.
pub(crate) fn qr<T: Field>(a: MatRef<'_, T>, q_cols: usize) -> (Mat<T>, Mat<T>) {
    let (m, n) = a.shape();
    let size = m.min(n);
    let par = par(size, QR_FROM);
    let mut qr = a.to_owned();
    let block = qr_factor::recommended_block_size::<T>(m, n);
    let mut coeff = Mat::zeros(block, size);
    with_scratch(
        qr_factor::qr_in_place_scratch::<T>(m, n, block, par, Default::default()),
        |stack| qr_factor::qr_in_place(qr.as_mut(), coeff.as_mut(), par, stack, Default::default()),
    );
    // The reflectors below the diagonal, with the unit diagonal and the
    // zeros above it written out.
    let basis = Mat::from_fn(m, size, |i, j| match i.cmp(&j) {
        std::cmp::Ordering::Greater => *qr.get(i, j),
        std::cmp::Ordering::Equal => T::from_re(One::one()),
        std::cmp::Ordering::Less => T::from_re(Zero::zero()),
    });
    let mut q = Mat::identity(m, q_cols);
    with_scratch(
        householder::apply_block_householder_sequence_on_the_left_in_place_scratch::<T>(
            m, block, q_cols,
        ),
        |stack| {
            householder::apply_block_householder_sequence_on_the_left_in_place_with_conj(
                basis.as_ref(),
                coeff.as_ref(),
                Conj::No,
                q.as_mut(),
                par,
                stack,
            )
        },
    );
    (q, qr)
}

/// The singular value decomposition of a matrix with both dimensions
/// positive: the singular values (descending) and, with `vectors` (`Thin`
/// or `Full`), `U` and `V`. `Err(())` where the iteration does not
/// converge.
#[allow(clippy::type_complexity)]
pub(crate) fn svd<T: Field>(
    a: MatRef<'_, T>,
    vectors: Option<ComputeSvdVectors>,
) -> std::result::Result<(Vec<T::Real>, Option<(Mat<T>, Mat<T>)>), ()> {
    let (m, n) = a.shape();
    let size = m.min(n);
    let par = par(
        size,
        if vectors.is_some() {
            VECTORS_FROM
        } else {
            VALUES_FROM
        },
    );
    let compute = vectors.unwrap_or(ComputeSvdVectors::No);
    let cols = |d: usize| {
        if compute == ComputeSvdVectors::Full {
            d
        } else {
            size
        }
    };
    let mut uv = vectors.map(|_| (Mat::<T>::zeros(m, cols(m)), Mat::<T>::zeros(n, cols(n))));
    let mut s = Diag::<T>::zeros(size);
    with_scratch(
        faer_svd::svd_scratch::<T>(m, n, compute, compute, par, Default::default()),
        |stack| {
            let (u, v) = match uv.as_mut() {
                Some((u, v)) => (Some(u.as_mut()), Some(v.as_mut())),
                None => (None, None),
            };
            faer_svd::svd(a, s.as_mut(), u, v, par, stack, Default::default())
        },
    )
    .map_err(|_| ())?;
    Ok((s.column_vector().iter().map(|v| v.re()).collect(), uv))
}

/// The eigenvalues (ascending) and, with `vectors`, the eigenvectors (as
/// columns) of the Hermitian matrix whose lower triangle `a` holds (`n >
/// 0`). `Err(())` where the iteration does not converge.
#[allow(clippy::type_complexity)]
pub(crate) fn eigen<T: Field>(
    a: MatRef<'_, T>,
    vectors: bool,
) -> std::result::Result<(Vec<T::Real>, Option<Mat<T>>), ()> {
    let n = a.nrows();
    let par = par(n, if vectors { VECTORS_FROM } else { VALUES_FROM });
    let compute = if vectors {
        evd::ComputeEigenvectors::Yes
    } else {
        evd::ComputeEigenvectors::No
    };
    let mut u = vectors.then(|| Mat::<T>::zeros(n, n));
    let mut s = Diag::<T>::zeros(n);
    with_scratch(
        evd::self_adjoint_evd_scratch::<T>(n, compute, par, Default::default()),
        |stack| {
            evd::self_adjoint_evd(
                a,
                s.as_mut(),
                u.as_mut().map(|u| u.as_mut()),
                par,
                stack,
                Default::default(),
            )
        },
    )
    .map_err(|_| ())?;
    Ok((s.column_vector().iter().map(|v| v.re()).collect(), u))
}
