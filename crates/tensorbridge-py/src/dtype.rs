//! `tensorbridge.dtype` objects and conversion of anything dtype-like.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyType};
use tensorbridge::DType;

use crate::errors::{type_error, CoreResultExt};

/// A tensor element type, e.g. `tensorbridge.float32`.
#[pyclass(name = "dtype", module = "tensorbridge", frozen, eq, hash, from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyDType {
    /// The core dtype.
    pub inner: DType,
}

#[pymethods]
impl PyDType {
    /// `tb.dtype(x)`: accepts a tensorbridge dtype, a name (`"float32"`), a
    /// NumPy dtype or scalar type, or `ml_dtypes.bfloat16`.
    #[new]
    fn py_new(obj: &Bound<'_, PyAny>) -> PyResult<PyDType> {
        Ok(PyDType {
            inner: dtype_from_py(obj)?,
        })
    }

    /// Bytes per element.
    #[getter]
    fn itemsize(&self) -> usize {
        self.inner.itemsize()
    }

    /// The canonical name, e.g. `"float32"`.
    #[getter]
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    /// float16, bfloat16, float32 or float64.
    #[getter]
    fn is_floating_point(&self) -> bool {
        self.inner.is_floating_point()
    }

    /// complex64 or complex128.
    #[getter]
    fn is_complex(&self) -> bool {
        self.inner.is_complex()
    }

    /// Signed integers and every float and complex type.
    #[getter]
    fn is_signed(&self) -> bool {
        self.inner.is_signed()
    }

    fn __repr__(&self) -> String {
        format!("tensorbridge.{}", self.inner.name())
    }

    fn __str__(&self) -> String {
        self.__repr__()
    }

    /// Pickles as the module attribute of the same name.
    fn __reduce__(&self) -> &'static str {
        self.inner.name()
    }
}

fn ml_bfloat16(py: Python<'_>) -> Option<&Py<PyAny>> {
    static BF16: PyOnceLock<Option<Py<PyAny>>> = PyOnceLock::new();
    BF16.get_or_init(py, || {
        py.import("ml_dtypes")
            .and_then(|m| m.getattr("bfloat16"))
            .ok()
            .map(Bound::unbind)
    })
    .as_ref()
}

/// The `numpy.dtype` for `dtype` (ml_dtypes' for bfloat16, which must be installed).
pub fn numpy_dtype<'py>(py: Python<'py>, dtype: DType) -> PyResult<Bound<'py, PyAny>> {
    let np = crate::numpy::numpy_module(py)?;
    if dtype == DType::BFloat16 {
        let bf = ml_bfloat16(py).ok_or_else(|| {
            type_error("bfloat16 needs the ml_dtypes package to exist in NumPy: pip install ml_dtypes, or convert first with .to(tensorbridge.float32)")
        })?;
        return np.call_method1("dtype", (bf.bind(py),));
    }
    np.call_method1("dtype", (dtype.name(),))
}

/// Reads a NumPy dtype object into a core dtype (byte order ignored: the
/// caller decides whether to share or swap).
pub fn dtype_from_numpy_descr(descr: &Bound<'_, PyAny>) -> PyResult<DType> {
    let py = descr.py();
    let kind: char = descr.getattr(pyo3::intern!(py, "kind"))?.extract()?;
    let size: usize = descr.getattr(pyo3::intern!(py, "itemsize"))?.extract()?;
    let found = match (kind, size) {
        ('b', 1) => Some(DType::Bool),
        ('i', 1) => Some(DType::Int8),
        ('i', 2) => Some(DType::Int16),
        ('i', 4) => Some(DType::Int32),
        ('i', 8) => Some(DType::Int64),
        ('u', 1) => Some(DType::UInt8),
        ('u', 2) => Some(DType::UInt16),
        ('u', 4) => Some(DType::UInt32),
        ('u', 8) => Some(DType::UInt64),
        ('f', 2) => Some(DType::Float16),
        ('f', 4) => Some(DType::Float32),
        ('f', 8) => Some(DType::Float64),
        ('c', 8) => Some(DType::Complex64),
        ('c', 16) => Some(DType::Complex128),
        ('V', 2) if is_ml_bfloat16(descr)? => Some(DType::BFloat16),
        _ => None,
    };
    found.ok_or_else(|| {
        let name = descr.str().map(|s| s.to_string()).unwrap_or_else(|_| "?".into());
        type_error(format!(
            "unsupported dtype {name}: tensorbridge holds bool, int8..int64, uint8..uint64, float16, bfloat16, float32, float64, complex64 and complex128; convert first (for example a.astype(np.float64))"
        ))
    })
}

fn is_ml_bfloat16(descr: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = descr.py();
    let Some(bf) = ml_bfloat16(py) else {
        return Ok(false);
    };
    let ty = descr.getattr(pyo3::intern!(py, "type"))?;
    Ok(ty.is(bf.bind(py)))
}

/// Converts anything dtype-like: a `tb.dtype`, a name, a NumPy dtype or
/// scalar type, Python's `bool`/`int`/`float`/`complex` (NumPy's meaning).
pub fn dtype_from_py(obj: &Bound<'_, PyAny>) -> PyResult<DType> {
    if let Ok(d) = obj.cast::<PyDType>() {
        return Ok(d.get().inner);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_cow()?;
        if let Ok(d) = s.parse::<DType>() {
            return Ok(d);
        }
    }
    let py = obj.py();
    if let Ok(t) = obj.cast::<PyType>() {
        if let Some(bf) = ml_bfloat16(py) {
            if t.is(bf.bind(py)) {
                return Ok(DType::BFloat16);
            }
        }
    }
    let np = crate::numpy::numpy_module(py)?;
    match np.call_method1("dtype", (obj,)) {
        Ok(descr) => dtype_from_numpy_descr(&descr),
        Err(_) => obj
            .str()
            .and_then(|s| s.to_cow().map(|s| s.parse::<DType>()))?
            .py(),
    }
}

/// Registers the fifteen dtypes (and PyTorch's aliases) on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDType>()?;
    for dt in DType::ALL {
        m.add(dt.name(), PyDType { inner: dt })?;
    }
    for (alias, dt) in [
        ("float", DType::Float32),
        ("double", DType::Float64),
        ("half", DType::Float16),
        ("long", DType::Int64),
        ("int", DType::Int32),
        ("short", DType::Int16),
        ("cfloat", DType::Complex64),
        ("cdouble", DType::Complex128),
    ] {
        m.add(alias, PyDType { inner: dt })?;
    }
    Ok(())
}
