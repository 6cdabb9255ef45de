//! `tensorbridge.device` objects and conversion of anything device-like.

use pyo3::prelude::*;
use pyo3::types::PyString;
use tensorbridge::Device;

use crate::errors::{type_error, CoreResultExt};

/// Where a tensor lives: `device("cpu")`, `device("cuda:1")`, `device("cuda", 1)`.
#[pyclass(name = "device", module = "tensorbridge", frozen, eq, hash, from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyDevice {
    /// The core device.
    pub inner: Device,
}

#[pymethods]
impl PyDevice {
    #[new]
    #[pyo3(signature = (kind, index = None))]
    fn py_new(kind: &Bound<'_, PyAny>, index: Option<usize>) -> PyResult<PyDevice> {
        let inner = device_from_py(kind)?;
        Ok(PyDevice {
            inner: match (inner, index) {
                (Device::Cuda(_), Some(i)) => Device::Cuda(i),
                (Device::Cpu, Some(i)) if i != 0 => {
                    return Err(type_error("the cpu device has no index other than 0"));
                }
                (d, _) => d,
            },
        })
    }

    /// `"cpu"` or `"cuda"`.
    #[getter]
    fn r#type(&self) -> &'static str {
        self.inner.type_name()
    }

    /// The CUDA ordinal, `None` for the CPU.
    #[getter]
    fn index(&self) -> Option<usize> {
        self.inner.index()
    }

    fn __repr__(&self) -> String {
        match self.inner {
            Device::Cpu => "device(type='cpu')".to_string(),
            Device::Cuda(i) => format!("device(type='cuda', index={i})"),
        }
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }
}

/// Converts a device-like value: a `tb.device`, a string, or an int (a CUDA ordinal).
pub fn device_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Device> {
    if let Ok(d) = obj.cast::<PyDevice>() {
        return Ok(d.get().inner);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_cow()?.parse::<Device>().py();
    }
    if let Ok(i) = obj.extract::<usize>() {
        return Ok(Device::Cuda(i));
    }
    // Other libraries' device objects (torch.device) print as "cpu"/"cuda:0".
    if let Ok(s) = obj.str() {
        if let Ok(d) = s.to_cow()?.parse::<Device>() {
            return Ok(d);
        }
    }
    Err(type_error(format!(
        "expected a device such as \"cpu\", \"cuda\", \"cuda:1\" or tensorbridge.device(...), got {}",
        obj.get_type().name()?
    )))
}
