//! Python glue of the creation functions (`tensorbridge.ops::create`):
//! `arange`, `linspace`, `eye`, `tril`, `triu`, `meshgrid` and the
//! `*_like`s as module functions with the Array API signatures, plus the
//! PyTorch-style `Tensor.tril(diagonal=0)` / `Tensor.triu(diagonal=0)`.
//!
//! Numbers may be Python numbers, NumPy scalars or one-element tensors;
//! `device=` accepts only the CPU.

use pyo3::exceptions::{PyOverflowError, PyZeroDivisionError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use tensorbridge::ops::create::{self, Indexing};
use tensorbridge::{DType, Scalar, Tensor};

use crate::dtype::dtype_from_py;
use crate::errors::{type_error, value_error, CoreResultExt};
use crate::input::{check_scalar_fits, scalar_from_py};
use crate::operand::tensor_arg;
use crate::tensor::{wrap, PyTensor};
use crate::tensor_device::{device_arg, device_arg_or, onto};

/// An optional `dtype=` argument (`None` means "not given").
pub(crate) fn dtype_arg(dtype: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DType>> {
    match dtype {
        Some(d) if !d.is_none() => dtype_from_py(d).map(Some),
        _ => Ok(None),
    }
}

/// A number argument: a Python number, a NumPy scalar or a one-element
/// tensor or array, read as its value.
pub(crate) fn number_arg(obj: &Bound<'_, PyAny>, op: &str, what: &str) -> PyResult<Scalar> {
    if let Some(s) = scalar_from_py(obj)? {
        return Ok(s);
    }
    if let Ok(t) = obj.cast::<PyTensor>() {
        return t.get().inner.item().py();
    }
    if obj.hasattr("item")? {
        if let Some(s) = scalar_from_py(&obj.call_method0("item")?)? {
            return Ok(s);
        }
    }
    Err(type_error(format!(
        "{op}: {what} must be a number, got {}",
        obj.get_type().name()?
    )))
}

/// `arange(start, /, stop=None, step=1, *, dtype=None, device=None)`.
#[pyfunction]
#[pyo3(signature = (start, /, stop = None, step = None, *, dtype = None, device = None))]
#[pyo3(text_signature = "(start, /, stop=None, step=1, *, dtype=None, device=None)")]
pub fn arange<'py>(
    py: Python<'py>,
    start: &Bound<'py, PyAny>,
    stop: Option<&Bound<'py, PyAny>>,
    step: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let device = device_arg(device)?;
    let real = |obj: &Bound<'py, PyAny>, what: &str| -> PyResult<Scalar> {
        match number_arg(obj, "arange", what)? {
            Scalar::Complex(..) => Err(type_error(format!(
                "arange: {what} must be a real number, not complex"
            ))),
            s => Ok(s),
        }
    };
    let start = real(start, "start")?;
    let stop = match stop {
        Some(s) if !s.is_none() => Some(real(s, "stop")?),
        _ => None,
    };
    let step = match step {
        Some(s) if !s.is_none() => real(s, "step")?,
        _ => Scalar::Int(1),
    };
    let zero = match step {
        Scalar::Bool(b) => !b,
        Scalar::Int(v) => v == 0,
        Scalar::UInt(v) => v == 0,
        Scalar::Float(v) => v == 0.0,
        Scalar::Complex(..) => false,
    };
    if zero {
        // NumPy divides by the step and raises Python's error.
        return Err(PyZeroDivisionError::new_err(
            "arange: step must not be zero",
        ));
    }
    wrap(
        py,
        onto(create::arange(start, stop, step, dtype_arg(dtype)?).py()?, device)?,
    )
}

/// `linspace(start, stop, /, num, *, dtype=None, device=None, endpoint=True)`.
#[pyfunction]
#[pyo3(signature = (start, stop, /, num, *, dtype = None, device = None, endpoint = true))]
pub fn linspace<'py>(
    py: Python<'py>,
    start: &Bound<'py, PyAny>,
    stop: &Bound<'py, PyAny>,
    num: i64,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
    endpoint: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    let device = device_arg(device)?;
    let start = number_arg(start, "linspace", "start")?;
    let stop = number_arg(stop, "linspace", "stop")?;
    wrap(
        py,
        onto(create::linspace(start, stop, num, dtype_arg(dtype)?, endpoint).py()?, device)?,
    )
}

/// A diagonal offset (`k` of `eye`, `tril`, `triu`): any Python int. One
/// beyond `i64` lies past every diagonal of any matrix, so it saturates
/// instead of raising (`eye(3, k=2**63)` is all zeros, as in NumPy).
pub struct DiagonalOffset(pub i64);

impl<'a, 'py> FromPyObject<'a, 'py> for DiagonalOffset {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<DiagonalOffset> {
        match obj.extract::<i64>() {
            Ok(k) => Ok(DiagonalOffset(k)),
            Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => {
                Ok(DiagonalOffset(if obj.lt(0)? { i64::MIN } else { i64::MAX }))
            }
            Err(e) => Err(e),
        }
    }
}

/// `eye(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None)`.
#[pyfunction]
#[pyo3(
    signature = (n_rows, n_cols = None, /, *, k = DiagonalOffset(0), dtype = None, device = None),
    text_signature = "(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None)"
)]
pub fn eye<'py>(
    py: Python<'py>,
    n_rows: i64,
    n_cols: Option<i64>,
    k: DiagonalOffset,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let device = device_arg(device)?;
    wrap(py, onto(create::eye(n_rows, n_cols, k.0, dtype_arg(dtype)?).py()?, device)?)
}

/// `tril(x, /, *, k=0)`: the lower triangle of the last two dimensions.
#[pyfunction]
#[pyo3(signature = (x, /, *, k = DiagonalOffset(0)), text_signature = "(x, /, *, k=0)")]
pub fn tril<'py>(py: Python<'py>, x: &Bound<'py, PyAny>, k: DiagonalOffset) -> PyResult<Bound<'py, PyTensor>> {
    wrap(py, create::tril(&tensor_arg(x)?, k.0).py()?)
}

/// `triu(x, /, *, k=0)`: the upper triangle of the last two dimensions.
#[pyfunction]
#[pyo3(signature = (x, /, *, k = DiagonalOffset(0)), text_signature = "(x, /, *, k=0)")]
pub fn triu<'py>(py: Python<'py>, x: &Bound<'py, PyAny>, k: DiagonalOffset) -> PyResult<Bound<'py, PyTensor>> {
    wrap(py, create::triu(&tensor_arg(x)?, k.0).py()?)
}

/// `meshgrid(*arrays, indexing='xy')`: a list of coordinate grids.
#[pyfunction]
#[pyo3(signature = (*arrays, indexing = "xy"))]
pub fn meshgrid<'py>(
    py: Python<'py>,
    arrays: &Bound<'py, pyo3::types::PyTuple>,
    indexing: &str,
) -> PyResult<Bound<'py, PyList>> {
    let indexing = match indexing {
        "xy" => Indexing::Xy,
        "ij" => Indexing::Ij,
        other => {
            return Err(value_error(format!(
                "meshgrid: indexing must be 'xy' or 'ij', got {other:?}"
            )))
        }
    };
    let tensors = arrays
        .iter()
        .map(|a| tensor_arg(&a))
        .collect::<PyResult<Vec<_>>>()?;
    let grids = create::meshgrid(&tensors, indexing).py()?;
    let items = grids
        .into_iter()
        .map(|g| wrap(py, g))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// `zeros_like(x, /, *, dtype=None, device=None)`.
#[pyfunction]
#[pyo3(signature = (x, /, *, dtype = None, device = None))]
pub fn zeros_like<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    let (dtype, device) = (dtype_arg(dtype)?, device_arg_or(device, &x)?);
    if device.is_cpu() && x.device().is_cpu() {
        return wrap(py, create::zeros_like(&x, dtype).py()?);
    }
    wrap(py, Tensor::zeros_on(x.shape(), dtype.unwrap_or(x.dtype()), device).py()?)
}

/// `ones_like(x, /, *, dtype=None, device=None)`.
#[pyfunction]
#[pyo3(signature = (x, /, *, dtype = None, device = None))]
pub fn ones_like<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    let (dtype, device) = (dtype_arg(dtype)?, device_arg_or(device, &x)?);
    if device.is_cpu() && x.device().is_cpu() {
        return wrap(py, create::ones_like(&x, dtype).py()?);
    }
    wrap(py, Tensor::full_on(x.shape(), Scalar::Int(1), dtype.unwrap_or(x.dtype()), device).py()?)
}

/// `empty_like(x, /, *, dtype=None, device=None)` (zero-filled).
#[pyfunction]
#[pyo3(signature = (x, /, *, dtype = None, device = None))]
pub fn empty_like<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    let (dtype, device) = (dtype_arg(dtype)?, device_arg_or(device, &x)?);
    if device.is_cpu() && x.device().is_cpu() {
        return wrap(py, create::empty_like(&x, dtype).py()?);
    }
    wrap(py, Tensor::zeros_on(x.shape(), dtype.unwrap_or(x.dtype()), device).py()?)
}

/// `full_like(x, /, fill_value, *, dtype=None, device=None)`: the dtype
/// defaults to `x`'s and the value is converted to it like a cast; an int
/// that does not fit an integer dtype raises `OverflowError` (NumPy 2).
#[pyfunction]
#[pyo3(signature = (x, /, fill_value, *, dtype = None, device = None))]
pub fn full_like<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    fill_value: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    let device = device_arg_or(device, &x)?;
    let value = number_arg(fill_value, "full_like", "fill_value")?;
    let dtype = dtype_arg(dtype)?.unwrap_or(x.dtype());
    check_scalar_fits(value, dtype)?;
    if device.is_cpu() && x.device().is_cpu() {
        return wrap(py, create::full_like(&x, value, Some(dtype)).py()?);
    }
    wrap(py, Tensor::full_on(x.shape(), value, dtype, device).py()?)
}

#[pymethods]
impl PyTensor {
    /// The lower triangle of the last two dimensions (PyTorch's `tril`).
    #[pyo3(signature = (diagonal = DiagonalOffset(0)), text_signature = "($self, diagonal=0)")]
    fn tril<'py>(&self, py: Python<'py>, diagonal: DiagonalOffset) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, create::tril(&self.inner, diagonal.0).py()?)
    }

    /// The upper triangle of the last two dimensions (PyTorch's `triu`).
    #[pyo3(signature = (diagonal = DiagonalOffset(0)), text_signature = "($self, diagonal=0)")]
    fn triu<'py>(&self, py: Python<'py>, diagonal: DiagonalOffset) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, create::triu(&self.inner, diagonal.0).py()?)
    }
}

/// Adds the creation functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(arange, m)?)?;
    m.add_function(wrap_pyfunction!(linspace, m)?)?;
    m.add_function(wrap_pyfunction!(eye, m)?)?;
    m.add_function(wrap_pyfunction!(tril, m)?)?;
    m.add_function(wrap_pyfunction!(triu, m)?)?;
    m.add_function(wrap_pyfunction!(meshgrid, m)?)?;
    m.add_function(wrap_pyfunction!(zeros_like, m)?)?;
    m.add_function(wrap_pyfunction!(ones_like, m)?)?;
    m.add_function(wrap_pyfunction!(empty_like, m)?)?;
    m.add_function(wrap_pyfunction!(full_like, m)?)?;
    Ok(())
}
