//! Module-level functions: the constructors of SPEC §1 and `shares_memory`.

use numpy::PyUntypedArray;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use tensorbridge::{DType, Device, Scalar, Tensor};

use crate::dtype::dtype_from_py;
use crate::device::device_from_py;
use crate::errors::{type_error, value_error, CoreResultExt};
use crate::input::{from_ndarray, scalar_from_py, to_tensor, Copy};
use crate::numpy::share_ndarray;
use crate::tensor::{int_args, wrap, PyTensor};
use crate::tensor_device::{convert, device_arg, onto};

fn opt_dtype(dtype: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DType>> {
    match dtype {
        Some(d) if !d.is_none() => dtype_from_py(d).map(Some),
        _ => Ok(None),
    }
}

/// `tensor(data, dtype=None, device=None, pin_memory=False)`: always a copy.
#[pyfunction]
#[pyo3(signature = (data, dtype = None, device = None, pin_memory = false))]
pub fn tensor<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
    pin_memory: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    let device = device_arg(device)?;
    if pin_memory && !device.is_cpu() {
        return Err(value_error(format!("pin_memory=True is for host tensors; a tensor on {device} cannot be pinned")));
    }
    // The copy to a GPU is the copy `tensor` promises: the host data is read
    // in place for it, not copied twice.
    let host_copy = if device.is_cpu() { Copy::Always } else { Copy::IfNeeded };
    let t = to_tensor(data, opt_dtype(dtype)?, host_copy)?;
    let t = if pin_memory { t.pin_memory().py()? } else { t };
    let moved = py.detach(|| t.to_device(device)).py()?;
    // A GPU tensor asked for on its own device still gets a copy.
    let moved = if moved.same_storage(&t) && !device.is_cpu() { moved.clone_data().py()? } else { moved };
    wrap(py, moved)
}

/// `from_numpy(a)`: always shares the array's memory, or raises.
#[pyfunction]
pub fn from_numpy<'py>(py: Python<'py>, a: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    if let Ok(arr) = a.cast::<PyUntypedArray>() {
        return wrap(py, share_ndarray(arr)?);
    }
    let np = crate::numpy::numpy_module(py)?;
    if a.is_instance(&np.getattr("generic")?)? {
        // A NumPy scalar owns no shareable memory; its 0-d array is the same value.
        let arr = np.call_method1("asarray", (a,))?.cast_into::<PyUntypedArray>()?;
        return wrap(py, share_ndarray(&arr)?);
    }
    Err(type_error(format!(
        "from_numpy expects a numpy.ndarray, got {}; use tensorbridge.tensor(...) to copy other data or tensorbridge.asarray(...) to share when possible",
        a.get_type().name()?
    )))
}

/// `as_tensor(data, dtype=None, device=None)`: shares CPU memory of the
/// requested dtype, else copies.
#[pyfunction]
#[pyo3(signature = (data, dtype = None, device = None))]
pub fn as_tensor<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let dtype = opt_dtype(dtype)?;
    if let Ok(t) = data.cast::<PyTensor>() {
        let inner = &t.get().inner;
        let device = device.map_or(Ok(inner.device()), |d| device_arg(Some(d)))?;
        if dtype.is_none_or(|d| d == inner.dtype()) && device == inner.device() {
            return Ok(t.clone().into_any());
        }
        let out = convert(py, inner, dtype.unwrap_or(inner.dtype()), device, false)?;
        return Ok(wrap(py, out)?.into_any());
    }
    let device = device_arg(device)?;
    Ok(wrap(py, onto(to_tensor(data, dtype, Copy::IfNeeded)?, device)?)?.into_any())
}

/// `asarray(obj, /, *, dtype=None, device=None, copy=None)` (Array API).
#[pyfunction]
#[pyo3(signature = (obj, /, *, dtype = None, device = None, copy = None))]
pub fn asarray<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
    copy: Option<bool>,
) -> PyResult<Bound<'py, PyAny>> {
    let dtype = opt_dtype(dtype)?;
    let copy = Copy::from_flag(copy);
    let source_device = obj.cast::<PyTensor>().ok().map(|t| t.get().inner.device());
    let device = match device {
        Some(d) if !d.is_none() => device_from_py(d)?,
        _ => source_device.unwrap_or(Device::Cpu),
    };
    if device != source_device.unwrap_or(Device::Cpu) {
        // Another device always means a copy.
        if copy == Copy::Never {
            return Err(value_error(format!(
                "asarray: copy=False cannot be honoured: the data must be copied to {device}; pass copy=None or copy=True"
            )));
        }
        let t = match obj.cast::<PyTensor>() {
            Ok(t) => t.get().inner.clone(),
            Err(_) => to_tensor(obj, None, Copy::IfNeeded)?,
        };
        let out = convert(py, &t, dtype.unwrap_or(t.dtype()), device, false)?;
        return Ok(wrap(py, out)?.into_any());
    }
    if let Ok(t) = obj.cast::<PyTensor>() {
        if copy != Copy::Always && dtype.is_none_or(|d| d == t.get().inner.dtype()) {
            return Ok(t.clone().into_any());
        }
    }
    if let Ok(arr) = obj.cast::<PyUntypedArray>() {
        return Ok(wrap(py, from_ndarray(arr, dtype, copy)?)?.into_any());
    }
    Ok(wrap(py, to_tensor(obj, dtype, copy)?)?.into_any())
}

fn shape_arg(shape: &Bound<'_, PyTuple>) -> PyResult<Vec<usize>> {
    dims_arg(int_args(shape)?)
}

fn dims_arg(dims: Vec<i64>) -> PyResult<Vec<usize>> {
    dims.into_iter()
        .map(|d| usize::try_from(d).map_err(|_| crate::errors::value_error(format!("negative dimension {d} in shape; sizes must be >= 0"))))
        .collect()
}

/// The shape of `zeros(shape, *size)`: the standard's one int or sequence,
/// or PyTorch's sizes as separate ints (`zeros(2, 3)`).
fn shape_with_size(shape: &Bound<'_, PyAny>, size: &Bound<'_, PyTuple>) -> PyResult<Vec<usize>> {
    if size.is_empty() {
        return shape_arg(&PyTuple::new(shape.py(), [shape])?);
    }
    let mut dims = vec![shape.extract::<i64>().map_err(|_| type_error("expected integers for a shape"))?];
    dims.extend(int_args(size)?);
    dims_arg(dims)
}

fn filled<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    size: &Bound<'py, PyTuple>,
    value: Option<Scalar>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
    pin_memory: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    let device = device_arg(device)?;
    let dtype = opt_dtype(dtype)?.unwrap_or(DType::Float32);
    let shape = shape_with_size(shape, size)?;
    let t = match (value, pin_memory) {
        (_, true) if !device.is_cpu() => {
            return Err(value_error(format!("pin_memory=True is for host tensors; a tensor on {device} cannot be pinned")))
        }
        (None, true) => Tensor::empty_on(&shape, dtype, device, true).and_then(|t| {
            t.fill_(Scalar::Int(0))?;
            Ok(t)
        }),
        (Some(v), true) => Tensor::empty_on(&shape, dtype, device, true).and_then(|t| {
            t.fill_(v)?;
            Ok(t)
        }),
        (None, false) => Tensor::zeros_on(&shape, dtype, device),
        (Some(v), false) => Tensor::full_on(&shape, v, dtype, device),
    };
    wrap(py, t.py()?)
}

/// `zeros(shape, *, dtype=None, device=None)` (the standard's form); PyTorch's
/// `zeros(2, 3)` also works.
#[pyfunction]
#[pyo3(
    signature = (shape, *size, dtype = None, device = None, pin_memory = false),
    text_signature = "(shape, *, dtype=None, device=None, pin_memory=False)"
)]
pub fn zeros<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    size: &Bound<'py, PyTuple>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
    pin_memory: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    filled(py, shape, size, None, dtype, device, pin_memory)
}

/// `ones(shape, *, dtype=None, device=None)`; also `ones(2, 3)`.
#[pyfunction]
#[pyo3(
    signature = (shape, *size, dtype = None, device = None, pin_memory = false),
    text_signature = "(shape, *, dtype=None, device=None, pin_memory=False)"
)]
pub fn ones<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    size: &Bound<'py, PyTuple>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
    pin_memory: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    filled(py, shape, size, Some(Scalar::Int(1)), dtype, device, pin_memory)
}

/// `empty(shape, *, dtype=None, device=None)` (also `empty(2, 3)`): values are zero here (fresh
/// memory is zeroed so no stale bytes ever leak to Python).
#[pyfunction]
#[pyo3(
    signature = (shape, *size, dtype = None, device = None, pin_memory = false),
    text_signature = "(shape, *, dtype=None, device=None, pin_memory=False)"
)]
pub fn empty<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    size: &Bound<'py, PyTuple>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
    pin_memory: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    filled(py, shape, size, None, dtype, device, pin_memory)
}

/// `full(shape, fill_value, *, dtype=None, device=None)`; the dtype
/// defaults to the fill value's (PyTorch's defaults for Python numbers).
#[pyfunction]
#[pyo3(signature = (shape, fill_value, *, dtype = None, device = None))]
pub fn full<'py>(
    py: Python<'py>,
    shape: &Bound<'py, PyAny>,
    fill_value: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let device = device_arg(device)?;
    // A Python number takes its kind's default dtype; a NumPy scalar or a
    // 0-d tensor keeps its own, as `numpy.full` does.
    let (value, own) = match scalar_from_py(fill_value)? {
        Some(v) => (v, v.default_dtype()),
        None => {
            let t = crate::operand::tensor_arg(fill_value).map_err(|_| {
                type_error(format!(
                    "full() needs a number as fill_value (a Python or NumPy scalar, or a 0-d tensor), got {}",
                    fill_value.get_type().name().map(|n| n.to_string()).unwrap_or_default()
                ))
            })?;
            if t.ndim() != 0 {
                return Err(type_error(format!(
                    "full() needs one number as fill_value, got an array of shape {:?}; use broadcast_to(...) or full_like(...) to fill with an array",
                    t.shape()
                )));
            }
            (t.item().py()?, t.dtype())
        }
    };
    let dtype = opt_dtype(dtype)?.unwrap_or(own);
    crate::input::check_scalar_fits(value, dtype)?;
    let shape = PyTuple::new(py, [shape])?;
    let shape = shape_arg(&shape)?;
    wrap(py, Tensor::full_on(&shape, value, dtype, device).py()?)
}

/// A NumPy array over the same bytes as `obj` (an ndarray is used as is,
/// whatever its byte order or alignment), for NumPy's overlap solver.
fn byte_view<'py>(py: Python<'py>, obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if obj.cast::<PyUntypedArray>().is_ok() {
        return Ok(obj.clone());
    }
    let t = match obj.cast::<PyTensor>() {
        Ok(t) => t.get().inner.clone(),
        Err(_) => to_tensor(obj, None, Copy::Never)?,
    };
    // bfloat16 needs ml_dtypes in NumPy; uint16 covers the same bytes.
    let t = if t.dtype() == DType::BFloat16 { t.view_dtype(DType::UInt16).py()? } else { t };
    let owner = wrap(py, t.clone())?;
    // Unpinned: the array lives only for the overlap test.
    crate::numpy::ndarray_over_unpinned(py, &t, owner.into_any())
}

/// `shares_memory(a, b)`: whether two tensors/arrays have a byte in common
/// (exact: interleaved views that never touch answer False, like NumPy).
#[pyfunction]
pub fn shares_memory(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<bool> {
    if let (Ok(ta), Ok(tb)) = (a.cast::<PyTensor>(), b.cast::<PyTensor>()) {
        if !ta.get().inner.may_share_memory(&tb.get().inner) {
            return Ok(false);
        }
    }
    // Something with no memory of its own (a list, a number) shares none,
    // as numpy.shares_memory answers for it.
    let (Ok(va), Ok(vb)) = (byte_view(py, a), byte_view(py, b)) else {
        return Ok(false);
    };
    let np = crate::numpy::numpy_module(py)?;
    np.call_method1("shares_memory", (va, vb))?.extract()
}
