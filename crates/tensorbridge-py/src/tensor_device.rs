//! `Tensor` methods that move data between devices (`cpu`, `cuda`, `to`,
//! `to_device`, `astype(device=)`, `pin_memory`, `numpy(force=True)`), the
//! CUDA array interface, and the `device=` arguments constructors share.
//!
//! Methods that PyTorch defines to return the tensor itself when nothing
//! changes return the very same Python object. Copies between devices run
//! without the GIL, so other Python threads keep going during transfers.

use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use tensorbridge::{DType, Device, Tensor};

use crate::device::{device_from_py, PyDevice};
use crate::dtype::{dtype_from_py, PyDType};
use crate::errors::{type_error, value_error, CoreResultExt};
use crate::tensor::{wrap, PyTensor};

/// Reads a `device=` argument: `None` means the CPU.
pub fn device_arg(device: Option<&Bound<'_, PyAny>>) -> PyResult<Device> {
    match device {
        Some(d) if !d.is_none() => device_from_py(d),
        _ => Ok(Device::Cpu),
    }
}

/// The `device=` of a `*_like` function: `None` means `x`'s device.
pub fn device_arg_or(device: Option<&Bound<'_, PyAny>>, x: &Tensor) -> PyResult<Device> {
    match device {
        Some(d) if !d.is_none() => device_from_py(d),
        _ => Ok(x.device()),
    }
}

/// `t` as `dtype` on `device`, the tensor itself when both already match.
/// Across devices the cast runs on the host side of the copy (after a
/// download, before an upload), where casts follow NumPy bit for bit.
pub fn convert(py: Python<'_>, t: &Tensor, dtype: DType, device: Device, non_blocking: bool) -> PyResult<Tensor> {
    let cast = |x: Tensor| if x.dtype() == dtype { Ok(x) } else { x.to_dtype(dtype) };
    py.detach(|| {
        if device == t.device() {
            cast(t.clone())
        } else if device.is_cpu() {
            cast(t.to_device_with(device, non_blocking)?)
        } else {
            cast(t.clone())?.to_device_with(device, non_blocking)
        }
    })
    .py()
}

/// A tensor made on the CPU, moved to `device` (itself for the CPU).
pub fn onto(t: Tensor, device: Device) -> PyResult<Tensor> {
    t.to_device(device).py()
}

/// `slf` on `device`: itself when it is there, else a copy (made without
/// the GIL, so other Python threads run during large transfers).
fn move_to<'py>(slf: &Bound<'py, PyTensor>, device: Device, non_blocking: bool) -> PyResult<Bound<'py, PyTensor>> {
    let t = &slf.get().inner;
    if t.device() == device {
        return Ok(slf.clone());
    }
    let py = slf.py();
    wrap(py, py.detach(|| t.to_device_with(device, non_blocking)).py()?)
}

/// `out`, which the caller wants as a new tensor: copied when it is still
/// `slf`'s memory (nothing needed converting).
fn copy_of<'py>(slf: &Bound<'py, PyTensor>, out: Tensor) -> PyResult<Bound<'py, PyTensor>> {
    let out = if out.same_storage(&slf.get().inner) { out.clone_data().py()? } else { out };
    wrap(slf.py(), out)
}

/// Parses `to(...)`'s flexible arguments into (dtype, device).
fn parse_to_args(
    args: &Bound<'_, PyTuple>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Option<DType>, Option<Device>)> {
    let mut out_dtype = match dtype {
        Some(d) if !d.is_none() => Some(dtype_from_py(d)?),
        _ => None,
    };
    let mut out_device = match device {
        Some(d) if !d.is_none() => Some(device_from_py(d)?),
        _ => None,
    };
    for a in args.iter() {
        if let Ok(t) = a.cast::<PyTensor>() {
            out_dtype = Some(t.get().inner.dtype());
            out_device = Some(t.get().inner.device());
        } else if let Ok(d) = a.cast::<PyDType>() {
            out_dtype = Some(d.get().inner);
        } else if let Ok(d) = a.cast::<PyDevice>() {
            out_device = Some(d.get().inner);
        } else if let Ok(d) = device_from_py(&a) {
            out_device = Some(d);
        } else {
            out_dtype = Some(dtype_from_py(&a).map_err(|_| {
                let what = a.repr().map(|r| r.to_string()).unwrap_or_default();
                // A string is the right kind of argument with a wrong value.
                if a.is_instance_of::<pyo3::types::PyString>() {
                    crate::errors::value_error(format!(
                        "to(): {what} names neither a dtype (float32, int64, ...) nor a device (cpu, cuda, cuda:1)"
                    ))
                } else {
                    type_error(format!("to() expects a dtype, a device or a tensor, got {what}"))
                }
            })?);
        }
    }
    Ok((out_dtype, out_device))
}

#[pymethods]
impl PyTensor {
    /// A NumPy array sharing this tensor's memory (non-writeable if the
    /// tensor is read-only); `force=True` copies a non-CPU tensor to the host.
    #[pyo3(signature = (*, force = false))]
    pub(crate) fn numpy<'py>(slf: &Bound<'py, Self>, force: bool) -> PyResult<Bound<'py, PyAny>> {
        let t = &slf.get().inner;
        if t.device().is_cpu() {
            return crate::numpy::ndarray_over(slf.py(), t, slf.clone().into_any());
        }
        if !force {
            return Err(type_error(format!(
                "can't convert a {} tensor to NumPy: copy it to host memory first with .cpu(), or call .numpy(force=True)",
                t.device()
            )));
        }
        let host = wrap(slf.py(), slf.py().detach(|| t.cpu()).py()?)?;
        crate::numpy::ndarray_over(slf.py(), &host.get().inner, host.clone().into_any())
    }

    /// This tensor in host memory: the tensor itself when it is already
    /// there, else a copy that shares nothing with it.
    fn cpu<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, Self>> {
        move_to(slf, Device::Cpu, false)
    }

    /// Array API `to_device(device, /, *, stream=None)`: the tensor itself
    /// when it is on `device` already, else a copy there.
    #[pyo3(signature = (device, /, *, stream = None))]
    fn to_device<'py>(
        slf: &Bound<'py, Self>,
        device: &Bound<'py, PyAny>,
        stream: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        if stream.is_some_and(|s| !s.is_none()) {
            return Err(value_error(
                "to_device: tensorbridge queues all its CUDA work on the legacy default stream; pass stream=None",
            ));
        }
        move_to(slf, device_from_py(device)?, false)
    }

    /// A copy on a CUDA device (the current one, 0, by default); the
    /// tensor itself when it is there already. With `non_blocking`, a copy
    /// from pinned memory returns before it finishes.
    #[pyo3(signature = (device = None, non_blocking = false))]
    fn cuda<'py>(
        slf: &Bound<'py, Self>,
        device: Option<&Bound<'py, PyAny>>,
        non_blocking: bool,
    ) -> PyResult<Bound<'py, Self>> {
        let device = match device {
            Some(d) if !d.is_none() => device_from_py(d)?,
            _ => Device::Cuda(0),
        };
        if device.is_cpu() {
            return Err(value_error("cuda(): expected a CUDA device such as 0, \"cuda\" or \"cuda:1\", got cpu; use .cpu() for host memory"));
        }
        move_to(slf, device, non_blocking)
    }

    /// A copy in pinned (page-locked) host memory, which copies to the GPU
    /// read at full speed and asynchronously; the tensor itself when pinned.
    fn pin_memory<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().inner;
        if t.is_pinned() {
            return Ok(slf.clone());
        }
        wrap(slf.py(), t.pin_memory().py()?)
    }

    /// Whether the tensor lives in pinned host memory.
    fn is_pinned(&self) -> bool {
        self.inner.is_pinned()
    }

    /// True for tensors in CUDA device memory.
    #[getter]
    fn is_cuda(&self) -> bool {
        matches!(self.inner.device(), Device::Cuda(_))
    }

    /// Converts dtype and/or device: `to(dtype)`, `to(device)`,
    /// `to(device, dtype)`, `to(other)`. Returns the tensor itself when
    /// nothing changes and `copy` is false. A cast happens on the host:
    /// before the copy to a GPU, after the copy from one.
    #[pyo3(signature = (*args, dtype = None, device = None, copy = false, non_blocking = false))]
    fn to<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        dtype: Option<&Bound<'py, PyAny>>,
        device: Option<&Bound<'py, PyAny>>,
        copy: bool,
        non_blocking: bool,
    ) -> PyResult<Bound<'py, Self>> {
        let (dtype, device) = parse_to_args(args, dtype, device)?;
        let t = &slf.get().inner;
        let target = dtype.unwrap_or(t.dtype());
        let device = device.unwrap_or(t.device());
        if device == t.device() && target == t.dtype() && !copy {
            return Ok(slf.clone());
        }
        copy_of(slf, convert(slf.py(), t, target, device, non_blocking)?)
    }

    /// A copy converted to `dtype` (Array API `astype`); with `copy=False`
    /// the tensor itself when the dtype already matches.
    #[pyo3(signature = (dtype, /, *, copy = true, device = None))]
    fn astype<'py>(
        slf: &Bound<'py, Self>,
        dtype: &Bound<'py, PyAny>,
        copy: bool,
        device: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let dtype = dtype_from_py(dtype)?;
        let t = &slf.get().inner;
        let device = device_arg_or(device, t)?;
        if !copy && dtype == t.dtype() && device == t.device() {
            return Ok(slf.clone());
        }
        copy_of(slf, convert(slf.py(), t, dtype, device, false)?)
    }

    /// The CUDA array interface (version 3) of a CUDA tensor, which CuPy,
    /// Numba and PyTorch read to share its memory; absent (AttributeError)
    /// for host tensors and for bfloat16, which it cannot describe.
    /// `stream` is 1, the legacy default stream tensorbridge queues its work
    /// on, so consumers order their reads after it.
    #[getter]
    fn __cuda_array_interface__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = &self.inner;
        if t.dtype() == DType::BFloat16 || !matches!(t.device(), Device::Cuda(_)) {
            return Err(PyAttributeError::new_err(
                "__cuda_array_interface__ is only available for CUDA tensors of dtypes other than bfloat16; use __dlpack__",
            ));
        }
        let d = PyDict::new(py);
        let order = if t.itemsize() == 1 { "|" } else { "<" };
        d.set_item("shape", PyTuple::new(py, t.shape())?)?;
        d.set_item("typestr", format!("{order}{}", t.dtype().info().typestr))?;
        let readonly = t.is_readonly() || t.layout().has_internal_overlap();
        let ptr = if t.numel() == 0 { 0 } else { t.data_ptr() as usize };
        d.set_item("data", (ptr, readonly))?;
        if t.is_contiguous() {
            d.set_item("strides", py.None())?;
        } else {
            let isz = t.itemsize() as isize;
            d.set_item("strides", PyTuple::new(py, t.strides().iter().map(|&s| s * isz))?)?;
        }
        d.set_item("stream", 1)?;
        d.set_item("version", 3)?;
        Ok(d)
    }
}
