//! Linear algebra: the module functions `matmul`, `matrix_transpose`,
//! `tensordot`, `vecdot`, and the `@` / `@=` operators and `matmul` method
//! of `Tensor`.
//!
//! Products run without the GIL, so other Python threads go on while a
//! large product computes.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};
use tensorbridge::ops::{self, TensordotAxes};
use tensorbridge::Tensor;

use crate::errors::{type_error, value_error, CoreResultExt};
use crate::operand::tensor_arg;
use crate::tensor::{wrap, PyTensor};

/// `matmul(x1, x2, /)`: the matrix product (Array API).
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
pub fn matmul<'py>(
    py: Python<'py>,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let (a, b) = (tensor_arg(x1)?, tensor_arg(x2)?);
    wrap(py, py.detach(|| ops::matmul(&a, &b)).py()?)
}

/// `matrix_transpose(x, /)`: the last two dimensions swapped, as a view.
#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn matrix_transpose<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    wrap(py, ops::matrix_transpose(&tensor_arg(x)?).py()?)
}

/// `tensordot(x1, x2, /, *, axes=2)`: contraction over the last `axes`
/// axes of `x1` and the first of `x2`, or over `axes=(x1_axes, x2_axes)`.
#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, axes = None), text_signature = "(x1, x2, /, *, axes=2)")]
pub fn tensordot<'py>(
    py: Python<'py>,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
    axes: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let axes = match axes {
        None => TensordotAxes::Count(2),
        Some(a) => tensordot_axes(a)?,
    };
    let (a, b) = (tensor_arg(x1)?, tensor_arg(x2)?);
    wrap(py, py.detach(|| ops::tensordot(&a, &b, &axes)).py()?)
}

/// `vecdot(x1, x2, /, *, axis=-1)`: dot products along `axis`, conjugating
/// `x1` when complex.
#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, axis = -1), text_signature = "(x1, x2, /, *, axis=-1)")]
pub fn vecdot<'py>(
    py: Python<'py>,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
    axis: i64,
) -> PyResult<Bound<'py, PyTensor>> {
    let (a, b) = (tensor_arg(x1)?, tensor_arg(x2)?);
    wrap(py, py.detach(|| ops::vecdot(&a, &b, axis)).py()?)
}

/// Reads `axes=`: a non-negative int, or two sequences of ints (an int
/// alone stands for a one-axis sequence, as in NumPy).
fn tensordot_axes(obj: &Bound<'_, PyAny>) -> PyResult<TensordotAxes> {
    if obj.is_instance_of::<PyBool>() {
        return Err(type_error(
            "tensordot: axes must be an int or a pair of sequences of ints, not a bool",
        ));
    }
    if obj.is_instance_of::<PyInt>() {
        let n: i64 = obj.extract()?;
        return usize::try_from(n).map(TensordotAxes::Count).map_err(|_| {
            value_error(format!(
                "tensordot: axes={n} must be a non-negative number of axes"
            ))
        });
    }
    let pair: Vec<Bound<'_, PyAny>> = obj
        .try_iter()
        .and_then(|it| it.collect::<PyResult<Vec<_>>>())
        .map_err(|_| type_error("tensordot: axes must be an int or a pair of sequences of ints"))?;
    let [first, second] = <[_; 2]>::try_from(pair).map_err(|_| {
        value_error("tensordot: axes=(x1_axes, x2_axes) needs exactly two sequences")
    })?;
    Ok(TensordotAxes::Pairs(
        axis_list(&first)?,
        axis_list(&second)?,
    ))
}

fn axis_list(obj: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    let one = |x: &Bound<'_, PyAny>| -> PyResult<i64> {
        if x.is_instance_of::<PyBool>() {
            return Err(type_error("tensordot: an axis must be an int, not a bool"));
        }
        x.extract::<i64>()
            .map_err(|_| type_error("tensordot: axes must hold ints"))
    };
    if obj.is_instance_of::<PyInt>() {
        return Ok(vec![one(obj)?]);
    }
    obj.try_iter()
        .map_err(|_| type_error("tensordot: axes must be an int or a pair of sequences of ints"))?
        .map(|x| one(&x?))
        .collect()
}

/// The other operand of `@`, or `None` when it is no kind of array (so
/// Python can try the other operand's method).
fn other_operand(obj: &Bound<'_, PyAny>) -> PyResult<Option<Tensor>> {
    match tensor_arg(obj) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyTypeError>(obj.py()) => Ok(None),
        Err(e) => Err(e),
    }
}

#[pymethods]
impl PyTensor {
    /// `self @ other`.
    fn __matmul__<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let Some(b) = other_operand(other)? else {
            return Ok(py.NotImplemented().into_bound(py));
        };
        let a = self.inner.clone();
        Ok(wrap(py, py.detach(|| ops::matmul(&a, &b)).py()?)?.into_any())
    }

    /// `other @ self`.
    fn __rmatmul__<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let Some(a) = other_operand(other)? else {
            return Ok(py.NotImplemented().into_bound(py));
        };
        let b = self.inner.clone();
        Ok(wrap(py, py.detach(|| ops::matmul(&a, &b)).py()?)?.into_any())
    }

    /// `self @= other`: the product written back into this tensor's memory;
    /// refused on read-only tensors and when the product's shape or dtype
    /// would differ from this tensor's.
    fn __imatmul__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        let b = tensor_arg(other)?;
        let a = self.inner.clone();
        py.detach(|| ops::linalg::matmul_(&a, &b)).py()
    }

    /// `t.matmul(other)`: the same as `t @ other`.
    fn matmul<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let b = tensor_arg(other)?;
        let a = self.inner.clone();
        wrap(py, py.detach(|| ops::matmul(&a, &b)).py()?)
    }
}

/// Adds this file's functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(matmul, m)?)?;
    m.add_function(wrap_pyfunction!(matrix_transpose, m)?)?;
    m.add_function(wrap_pyfunction!(tensordot, m)?)?;
    m.add_function(wrap_pyfunction!(vecdot, m)?)?;
    Ok(())
}
