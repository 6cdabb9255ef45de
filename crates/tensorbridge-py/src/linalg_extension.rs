//! The functions of the Array API's `linalg` extension that the main
//! namespace does not have: `cholesky`, `cross`, `det`, `diagonal`, `eigh`,
//! `eigvalsh`, `inv`, `matrix_norm`, `matrix_power`, `matrix_rank`,
//! `outer`, `pinv`, `qr`, `slogdet`, `solve`, `svd`, `svdvals`, `trace`,
//! `vector_norm`, and the `LinAlgError` they raise.
//!
//! They land in `_core` under their own names; `tensorbridge.linalg` (a
//! Python module) gathers them with `matmul`, `matrix_transpose`,
//! `tensordot` and `vecdot` and wraps the tuple results in the standard's
//! named tuples. Factorizations run without the GIL.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyTuple};
use tensorbridge::ops::{self, MatrixNormOrder, QrMode};
use tensorbridge::{DType, Scalar, Tensor};

use crate::dtype::dtype_from_py;
use crate::errors::{type_error, value_error, CoreResultExt, LinAlgError};
use crate::operand::{axes_arg, tensor_arg};
use crate::reduce::run;
use crate::tensor::{wrap, PyTensor};

/// A tuple of the tensors `f` gives, computed without the GIL.
fn run_tuple<'py, const N: usize>(
    py: Python<'py>,
    f: impl FnOnce() -> tensorbridge::Result<[Tensor; N]> + Send,
) -> PyResult<Bound<'py, PyTuple>> {
    let parts = py.detach(f).py()?;
    let items = parts
        .into_iter()
        .map(|t| wrap(py, t))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, items)
}

/// A Python int argument (not a bool, not a float).
fn int_arg(obj: &Bound<'_, PyAny>, op: &str, what: &str) -> PyResult<i64> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        let kind = obj.get_type().name()?;
        return Err(type_error(format!(
            "{op}: {what} must be an int, got {kind}"
        )));
    }
    obj.extract()
}

/// A real number argument (`ord`): an int or a float, not a bool.
fn real_arg(obj: &Bound<'_, PyAny>, op: &str) -> PyResult<f64> {
    if obj.is_instance_of::<PyBool>()
        || !(obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>())
    {
        let kind = obj.get_type().name()?;
        return Err(type_error(format!(
            "{op}: ord must be a number, got {kind}"
        )));
    }
    obj.extract()
}

/// `rtol`: `None`, a Python number or a tensor broadcasting against the
/// stack's batch shape.
fn rtol_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Tensor>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o)
            if o.is_instance_of::<PyFloat>()
                || (o.is_instance_of::<PyInt>() && !o.is_instance_of::<PyBool>()) =>
        {
            Ok(Some(
                Tensor::full(&[], Scalar::Float(o.extract()?), DType::Float64).py()?,
            ))
        }
        Some(o) => tensor_arg(o).map(Some),
    }
}

/// `cholesky(x, /, *, upper=False)`: the Cholesky factor of each Hermitian
/// positive-definite matrix (lower, or upper with `upper=True`).
#[pyfunction]
#[pyo3(signature = (x, /, *, upper = false))]
pub fn cholesky<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    upper: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    run(py, || ops::cholesky(&x, upper))
}

/// `cross(x1, x2, /, *, axis=-1)`: cross products of 3-element vectors.
#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, axis = -1), text_signature = "(x1, x2, /, *, axis=-1)")]
pub fn cross<'py>(
    py: Python<'py>,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
    axis: i64,
) -> PyResult<Bound<'py, PyTensor>> {
    let (a, b) = (tensor_arg(x1)?, tensor_arg(x2)?);
    run(py, || ops::cross(&a, &b, axis))
}

/// `det(x, /)`: the determinant of each square matrix.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn det<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    run(py, || ops::det(&x))
}

/// `diagonal(x, /, *, offset=0)`: each matrix's diagonal, as a view.
#[pyfunction]
#[pyo3(signature = (x, /, *, offset = 0))]
pub fn diagonal<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    offset: i64,
) -> PyResult<Bound<'py, PyTensor>> {
    wrap(py, ops::diagonal(&tensor_arg(x)?, offset).py()?)
}

/// `eigh(x, /)`: `(eigenvalues, eigenvectors)` of each Hermitian matrix.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn eigh<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let x = tensor_arg(x)?;
    run_tuple(py, || ops::eigh(&x).map(|(w, v)| [w, v]))
}

/// `eigvalsh(x, /)`: the eigenvalues of each Hermitian matrix, ascending.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn eigvalsh<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    run(py, || ops::eigvalsh(&x))
}

/// `inv(x, /)`: the inverse of each square matrix.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn inv<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    run(py, || ops::inv(&x))
}

/// `matrix_norm(x, /, *, keepdims=False, ord='fro')`.
#[pyfunction]
#[pyo3(signature = (x, /, *, keepdims = false, ord = None), text_signature = "(x, /, *, keepdims=False, ord='fro')")]
pub fn matrix_norm<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    keepdims: bool,
    ord: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let order = match ord {
        None => MatrixNormOrder::Fro,
        Some(o) if o.is_instance_of::<PyString>() => match o.extract::<String>()?.as_str() {
            "fro" => MatrixNormOrder::Fro,
            "nuc" => MatrixNormOrder::Nuc,
            other => return Err(value_error(format!(
                "matrix_norm: ord must be 'fro', 'nuc', 1, -1, 2, -2, inf or -inf, got {other:?}"
            ))),
        },
        Some(o) => MatrixNormOrder::P(real_arg(o, "matrix_norm")?),
    };
    let x = tensor_arg(x)?;
    run(py, || ops::matrix_norm(&x, order, keepdims))
}

/// `matrix_power(x, n, /)`: each square matrix to the integer power `n`.
#[pyfunction]
#[pyo3(signature = (x, n, /))]
pub fn matrix_power<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    n: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let n = int_arg(n, "matrix_power", "n")?;
    let x = tensor_arg(x)?;
    run(py, || ops::matrix_power(&x, n))
}

/// `matrix_rank(x, /, *, rtol=None)`: the rank of each matrix (int64).
#[pyfunction]
#[pyo3(signature = (x, /, *, rtol = None))]
pub fn matrix_rank<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    rtol: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let (x, rtol) = (tensor_arg(x)?, rtol_arg(rtol)?);
    run(py, || ops::matrix_rank(&x, rtol.as_ref()))
}

/// `outer(x1, x2, /)`: the outer product of two 1-D tensors.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
pub fn outer<'py>(
    py: Python<'py>,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let (a, b) = (tensor_arg(x1)?, tensor_arg(x2)?);
    run(py, || ops::outer(&a, &b))
}

/// `pinv(x, /, *, rtol=None)`: the pseudo-inverse of each matrix.
#[pyfunction]
#[pyo3(signature = (x, /, *, rtol = None))]
pub fn pinv<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    rtol: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let (x, rtol) = (tensor_arg(x)?, rtol_arg(rtol)?);
    run(py, || ops::pinv(&x, rtol.as_ref()))
}

/// `qr(x, /, *, mode='reduced')`: `(Q, R)` of each matrix.
#[pyfunction]
#[pyo3(signature = (x, /, *, mode = "reduced"))]
pub fn qr<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    mode: &str,
) -> PyResult<Bound<'py, PyTuple>> {
    let mode = match mode {
        "reduced" => QrMode::Reduced,
        "complete" => QrMode::Complete,
        other => {
            return Err(value_error(format!(
                "qr: mode must be 'reduced' or 'complete', got {other:?}"
            )))
        }
    };
    let x = tensor_arg(x)?;
    run_tuple(py, || ops::qr(&x, mode).map(|(q, r)| [q, r]))
}

/// `slogdet(x, /)`: `(sign, logabsdet)` of each determinant.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn slogdet<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let x = tensor_arg(x)?;
    run_tuple(py, || ops::slogdet(&x).map(|(s, l)| [s, l]))
}

/// `solve(x1, x2, /)`: `x` with `x1 @ x = x2`.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
pub fn solve<'py>(
    py: Python<'py>,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let (a, b) = (tensor_arg(x1)?, tensor_arg(x2)?);
    run(py, || ops::solve(&a, &b))
}

/// `svd(x, /, *, full_matrices=True)`: `(U, S, Vh)` of each matrix.
#[pyfunction]
#[pyo3(signature = (x, /, *, full_matrices = true))]
pub fn svd<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    full_matrices: bool,
) -> PyResult<Bound<'py, PyTuple>> {
    let x = tensor_arg(x)?;
    run_tuple(py, || {
        ops::svd(&x, full_matrices).map(|(u, s, vh)| [u, s, vh])
    })
}

/// `svdvals(x, /)`: the singular values of each matrix, descending.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn svdvals<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    run(py, || ops::svdvals(&x))
}

/// `trace(x, /, *, offset=0, dtype=None)`: the sum of each diagonal.
#[pyfunction]
#[pyo3(signature = (x, /, *, offset = 0, dtype = None))]
pub fn trace<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    offset: i64,
    dtype: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let dtype = match dtype {
        Some(d) if !d.is_none() => Some(dtype_from_py(d)?),
        _ => None,
    };
    let x = tensor_arg(x)?;
    run(py, || ops::trace(&x, offset, dtype))
}

/// `vector_norm(x, /, *, axis=None, keepdims=False, ord=2)`.
#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None, keepdims = false, ord = None), text_signature = "(x, /, *, axis=None, keepdims=False, ord=2)")]
pub fn vector_norm<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axis: Option<&Bound<'py, PyAny>>,
    keepdims: bool,
    ord: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let ord = match ord {
        None => 2.0,
        Some(o) => real_arg(o, "vector_norm")?,
    };
    let axes = axes_arg(axis, None, "vector_norm")?;
    let x = tensor_arg(x)?;
    run(py, || ops::vector_norm(&x, axes.as_deref(), keepdims, ord))
}

/// Adds the extension's functions and `LinAlgError` to `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("LinAlgError", m.py().get_type::<LinAlgError>())?;
    m.add_function(wrap_pyfunction!(cholesky, m)?)?;
    m.add_function(wrap_pyfunction!(cross, m)?)?;
    m.add_function(wrap_pyfunction!(det, m)?)?;
    m.add_function(wrap_pyfunction!(diagonal, m)?)?;
    m.add_function(wrap_pyfunction!(eigh, m)?)?;
    m.add_function(wrap_pyfunction!(eigvalsh, m)?)?;
    m.add_function(wrap_pyfunction!(inv, m)?)?;
    m.add_function(wrap_pyfunction!(matrix_norm, m)?)?;
    m.add_function(wrap_pyfunction!(matrix_power, m)?)?;
    m.add_function(wrap_pyfunction!(matrix_rank, m)?)?;
    m.add_function(wrap_pyfunction!(outer, m)?)?;
    m.add_function(wrap_pyfunction!(pinv, m)?)?;
    m.add_function(wrap_pyfunction!(qr, m)?)?;
    m.add_function(wrap_pyfunction!(slogdet, m)?)?;
    m.add_function(wrap_pyfunction!(solve, m)?)?;
    m.add_function(wrap_pyfunction!(svd, m)?)?;
    m.add_function(wrap_pyfunction!(svdvals, m)?)?;
    m.add_function(wrap_pyfunction!(trace, m)?)?;
    m.add_function(wrap_pyfunction!(vector_norm, m)?)?;
    Ok(())
}
