//! Set functions: `unique_all`, `unique_counts`, `unique_inverse` and
//! `unique_values`.
//!
//! The first three return named tuples with the standard's field names
//! (`values`, `indices`, `inverse_indices`, `counts`) under NumPy's class
//! names (`UniqueAllResult`, ...), so code written for either works.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;
use tensorbridge::ops;

use crate::errors::CoreResultExt;
use crate::operand::tensor_arg;
use crate::tensor::{wrap, PyTensor};

static UNIQUE_ALL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static UNIQUE_COUNTS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static UNIQUE_INVERSE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The named-tuple class `name` with `fields`, made once.
fn result_type<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    name: &str,
    fields: &[&str],
) -> PyResult<Bound<'py, PyAny>> {
    let cls = cell.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let cls = py
            .import("collections")?
            .getattr("namedtuple")?
            .call1((name, fields.to_vec()))?;
        cls.setattr("__module__", "tensorbridge")?;
        Ok(cls.unbind())
    })?;
    Ok(cls.bind(py).clone())
}

fn unique_all_type(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    result_type(
        py,
        &UNIQUE_ALL,
        "UniqueAllResult",
        &["values", "indices", "inverse_indices", "counts"],
    )
}

fn unique_counts_type(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    result_type(
        py,
        &UNIQUE_COUNTS,
        "UniqueCountsResult",
        &["values", "counts"],
    )
}

fn unique_inverse_type(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    result_type(
        py,
        &UNIQUE_INVERSE,
        "UniqueInverseResult",
        &["values", "inverse_indices"],
    )
}

/// Calls the named-tuple class `cls` with the tensors as its fields.
fn build<'py>(
    py: Python<'py>,
    cls: Bound<'py, PyAny>,
    parts: Vec<tensorbridge::Tensor>,
) -> PyResult<Bound<'py, PyAny>> {
    let items = parts
        .into_iter()
        .map(|t| wrap(py, t))
        .collect::<PyResult<Vec<_>>>()?;
    cls.call1(PyTuple::new(py, items)?)
}

/// `unique_all(x, /)`: `(values, indices, inverse_indices, counts)`.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn unique_all<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let x = tensor_arg(x)?;
    let u = py.detach(|| ops::unique_all(&x)).py()?;
    build(
        py,
        unique_all_type(py)?,
        vec![u.values, u.indices, u.inverse_indices, u.counts],
    )
}

/// `unique_counts(x, /)`: `(values, counts)`.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn unique_counts<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let x = tensor_arg(x)?;
    let (values, counts) = py.detach(|| ops::unique_counts(&x)).py()?;
    build(py, unique_counts_type(py)?, vec![values, counts])
}

/// `unique_inverse(x, /)`: `(values, inverse_indices)`.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn unique_inverse<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let x = tensor_arg(x)?;
    let (values, inverse) = py.detach(|| ops::unique_inverse(&x)).py()?;
    build(py, unique_inverse_type(py)?, vec![values, inverse])
}

/// `unique_values(x, /)`: the sorted unique values.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn unique_values<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    wrap(py, py.detach(|| ops::unique_values(&x)).py()?)
}

/// `isin(x1, x2, /, *, invert=False)`: whether each element of `x1` is in
/// `x2` (Python scalars are weak, as in the elementwise functions).
#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, invert = false))]
pub fn isin<'py>(
    py: Python<'py>,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
    invert: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    let (a, b) = crate::operand::resolve_pair(x1, x2, "isin")?;
    wrap(py, py.detach(|| ops::isin(&a, &b, invert)).py()?)
}

/// Adds this file's functions and result classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("UniqueAllResult", unique_all_type(py)?)?;
    m.add("UniqueCountsResult", unique_counts_type(py)?)?;
    m.add("UniqueInverseResult", unique_inverse_type(py)?)?;
    m.add_function(wrap_pyfunction!(unique_all, m)?)?;
    m.add_function(wrap_pyfunction!(unique_counts, m)?)?;
    m.add_function(wrap_pyfunction!(unique_inverse, m)?)?;
    m.add_function(wrap_pyfunction!(unique_values, m)?)?;
    m.add_function(wrap_pyfunction!(isin, m)?)?;
    Ok(())
}
