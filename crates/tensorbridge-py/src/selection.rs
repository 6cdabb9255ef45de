//! Indexing and searching functions of the Array API standard: `take`,
//! `take_along_axis`, `where` and `nonzero`.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use tensorbridge::ops;

use crate::errors::CoreResultExt;
use crate::operand::{operand, resolve, tensor_arg, Operand};
use crate::tensor::{wrap, PyTensor};

/// `take(x, indices, /, *, axis=None)`: elements of `x` at `indices` along
/// `axis` (which may be omitted only for 1-d `x`).
#[pyfunction]
#[pyo3(signature = (x, indices, /, *, axis=None))]
fn take<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    indices: &Bound<'py, PyAny>,
    axis: Option<i64>,
) -> PyResult<Bound<'py, PyTensor>> {
    let (x, indices) = (tensor_arg(x)?, tensor_arg(indices)?);
    wrap(py, ops::take(&x, &indices, axis).py()?)
}

/// `take_along_axis(x, indices, /, *, axis=-1)`.
#[pyfunction]
#[pyo3(signature = (x, indices, /, *, axis=-1), text_signature = "(x, indices, /, *, axis=-1)")]
fn take_along_axis<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    indices: &Bound<'py, PyAny>,
    axis: i64,
) -> PyResult<Bound<'py, PyTensor>> {
    let (x, indices) = (tensor_arg(x)?, tensor_arg(indices)?);
    wrap(py, ops::take_along_axis(&x, &indices, axis).py()?)
}

/// `where(condition, x1, x2, /)`: Python scalars for `x1`/`x2` are weak
/// (they take the other operand's dtype when their kind fits).
#[pyfunction]
#[pyo3(name = "where", signature = (condition, x1, x2, /))]
fn where_<'py>(
    py: Python<'py>,
    condition: &Bound<'py, PyAny>,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let condition = tensor_arg(condition)?;
    let (a, b) = (operand(x1)?, operand(x2)?);
    let (a, b) = match (a, b) {
        // Two Python scalars: each takes its kind's default dtype.
        (Operand::Scalar(_), Operand::Scalar(_)) => (tensor_arg(x1)?, tensor_arg(x2)?),
        (a, b) => {
            let mut v = resolve(vec![a, b], "where")?.into_iter();
            match (v.next(), v.next()) {
                (Some(a), Some(b)) => (a, b),
                _ => unreachable!("resolve keeps both operands"),
            }
        }
    };
    wrap(py, ops::r#where(&condition, &a, &b).py()?)
}

/// `nonzero(x, /)`: a tuple of int64 index tensors, one per dimension.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn nonzero<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let x = tensor_arg(x)?;
    let parts = ops::nonzero(&x).py()?;
    let wrapped = parts
        .into_iter()
        .map(|t| wrap(py, t))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, wrapped)
}

/// Adds this file's functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(take, m)?)?;
    m.add_function(wrap_pyfunction!(take_along_axis, m)?)?;
    m.add_function(wrap_pyfunction!(where_, m)?)?;
    m.add_function(wrap_pyfunction!(nonzero, m)?)?;
    Ok(())
}
