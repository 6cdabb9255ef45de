//! Sorting and searching: the module functions `sort`, `argsort` and
//! `searchsorted`, and the `sort`, `argsort` and `searchsorted` methods of `Tensor`.
//!
//! `Tensor.searchsorted` is NumPy's method of the same name.
//! `Tensor.sort()` returns the sorted values, as the Array API's `sort`
//! does, not PyTorch's `(values, indices)` pair: call `argsort` for the
//! indices. Sorts run without the GIL.

use pyo3::prelude::*;
use tensorbridge::ops::{self, Side};
use tensorbridge::{DType, Scalar, Tensor};

use crate::errors::{type_error, value_error, CoreResultExt};
use crate::input::tensor_from_scalar;
use crate::operand::{axes_arg, operand, tensor_arg, Operand};
use crate::tensor::{wrap, PyTensor};

/// `sort(x, /, *, axis=-1, descending=False, stable=True)`.
#[pyfunction]
#[pyo3(
    signature = (x, /, *, axis = -1, descending = false, stable = true),
    text_signature = "(x, /, *, axis=-1, descending=False, stable=True)"
)]
pub fn sort<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axis: i64,
    descending: bool,
    stable: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    wrap(
        py,
        py.detach(|| ops::sort(&x, axis, descending, stable)).py()?,
    )
}

/// `argsort(x, /, *, axis=-1, descending=False, stable=True)`: int64 indices.
#[pyfunction]
#[pyo3(
    signature = (x, /, *, axis = -1, descending = false, stable = true),
    text_signature = "(x, /, *, axis=-1, descending=False, stable=True)"
)]
pub fn argsort<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axis: i64,
    descending: bool,
    stable: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    wrap(
        py,
        py.detach(|| ops::argsort(&x, axis, descending, stable))
            .py()?,
    )
}

/// `searchsorted(x1, x2, /, *, side='left', sorter=None)`: int64 insertion
/// indices of `x2`'s elements into the sorted 1-D `x1`. A Python scalar
/// `x2` keeps its value exactly (its default dtype, promoted with `x1`'s):
/// NumPy 2 does not treat it as weak here, and neither do we.
#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, side = "left", sorter = None))]
pub fn searchsorted<'py>(
    py: Python<'py>,
    x1: &Bound<'py, PyAny>,
    x2: &Bound<'py, PyAny>,
    side: &str,
    sorter: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    search(py, tensor_arg(x1)?, x2, side, sorter)
}

/// The shared body of the `searchsorted` function and method.
fn search<'py>(
    py: Python<'py>,
    a: Tensor,
    x2: &Bound<'py, PyAny>,
    side: &str,
    sorter: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let side = match side {
        "left" => Side::Left,
        "right" => Side::Right,
        other => {
            return Err(value_error(format!(
                "searchsorted: side must be 'left' or 'right', got {other:?}"
            )));
        }
    };
    let v = exact_operand(x2)?;
    let sorter = match sorter {
        Some(s) if !s.is_none() => Some(tensor_arg(s)?),
        _ => None,
    };
    wrap(
        py,
        py.detach(|| ops::searchsorted(&a, &v, side, sorter.as_ref()))
            .py()?,
    )
}

/// A searched-for operand: Python scalars as 0-d tensors of the dtype that
/// holds them exactly (bool, int64 or uint64, float64, complex128).
fn exact_operand(obj: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    match operand(obj)? {
        Operand::Tensor(t) => Ok(t),
        Operand::BigInt(v) => tensor_from_scalar(Scalar::Float(v), Some(DType::Float64)),
        Operand::Scalar(s) => {
            let dtype = match s {
                Scalar::Bool(_) => DType::Bool,
                Scalar::Int(_) => DType::Int64,
                Scalar::UInt(_) => DType::UInt64,
                Scalar::Float(_) => DType::Float64,
                Scalar::Complex(..) => DType::Complex128,
            };
            tensor_from_scalar(s, Some(dtype))
        }
    }
}

/// The one axis of a method's `axis=`/`dim=` (default -1).
fn one_axis(
    axis: Option<&Bound<'_, PyAny>>,
    dim: Option<&Bound<'_, PyAny>>,
    op: &str,
) -> PyResult<i64> {
    match axes_arg(axis, dim, op)?.as_deref() {
        None => Ok(-1),
        Some([a]) => Ok(*a),
        Some(_) => Err(type_error(format!(
            "{op}: sorts along one axis; give a single int"
        ))),
    }
}

#[pymethods]
impl PyTensor {
    /// `t.sort(axis=-1, descending=False, stable=True)` (`dim=` also
    /// accepted): the sorted values, like the Array API's `sort` (PyTorch
    /// returns `(values, indices)`; use `argsort` for the indices).
    #[pyo3(name = "sort", signature = (axis = None, descending = false, stable = true, *, dim = None))]
    fn sort_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        descending: bool,
        stable: bool,
        dim: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let axis = one_axis(axis, dim, "sort")?;
        let x = self.inner.clone();
        wrap(
            py,
            py.detach(|| ops::sort(&x, axis, descending, stable)).py()?,
        )
    }

    /// `t.argsort(axis=-1, descending=False, stable=True)` (`dim=` also
    /// accepted): int64 indices that sort the tensor along the axis.
    #[pyo3(name = "argsort", signature = (axis = None, descending = false, stable = true, *, dim = None))]
    fn argsort_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        descending: bool,
        stable: bool,
        dim: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let axis = one_axis(axis, dim, "argsort")?;
        let x = self.inner.clone();
        wrap(
            py,
            py.detach(|| ops::argsort(&x, axis, descending, stable))
                .py()?,
        )
    }

    /// `t.searchsorted(v, side='left', sorter=None)` (NumPy's method): the
    /// same as `searchsorted(t, v, side=side, sorter=sorter)`.
    #[pyo3(name = "searchsorted", signature = (v, side = "left", sorter = None))]
    fn searchsorted_method<'py>(
        &self,
        py: Python<'py>,
        v: &Bound<'py, PyAny>,
        side: &str,
        sorter: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        search(py, self.inner.clone(), v, side, sorter)
    }
}

/// Adds this file's functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sort, m)?)?;
    m.add_function(wrap_pyfunction!(argsort, m)?)?;
    m.add_function(wrap_pyfunction!(searchsorted, m)?)?;
    Ok(())
}
