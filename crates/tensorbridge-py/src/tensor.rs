//! The Python `Tensor` class: a thin shell over the core handle.
//!
//! Methods parse Python arguments, call the core and wrap results; the NumPy,
//! buffer and indexing protocols live in their own files and are only
//! dispatched from here. Methods that PyTorch defines to return the tensor
//! itself when nothing changes (`cpu`, `to`, `contiguous`) return the very
//! same Python object.

use std::borrow::Cow;
use std::os::raw::c_int;

use pyo3::exceptions::PyAttributeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use tensorbridge::format::{format_tensor, PrintOptions};
use tensorbridge::{DType, Scalar, Tensor};

use crate::device::PyDevice;
use crate::dtype::{dtype_from_py, PyDType};
use crate::errors::{type_error, value_error, CoreResultExt};
use crate::input::check_scalar_fits;

/// A strided, typed view of CPU memory that NumPy, PyTorch and friends can
/// share without copying.
#[pyclass(name = "Tensor", module = "tensorbridge", frozen, weakref)]
pub struct PyTensor {
    /// The core handle.
    pub inner: Tensor,
}

/// Wraps a core tensor in a new Python object.
pub fn wrap(py: Python<'_>, t: Tensor) -> PyResult<Bound<'_, PyTensor>> {
    Bound::new(py, PyTensor { inner: t })
}

/// `t` in host memory: itself on the CPU, else a copy (for conversions to
/// Python values and text, which read every element).
/// A host tensor is borrowed as is (no handle clone on `float(t)` and friends).
fn on_host(t: &Tensor) -> PyResult<Cow<'_, Tensor>> {
    if t.device().is_cpu() {
        Ok(Cow::Borrowed(t))
    } else {
        t.cpu().map(Cow::Owned).py()
    }
}

/// Reads `f(2, 3)` or `f((2, 3))` or `f([2, 3])` into a list of ints.
pub fn int_args(args: &Bound<'_, PyTuple>) -> PyResult<Vec<i64>> {
    let seq = if args.len() == 1 && !args.get_item(0)?.is_instance_of::<pyo3::types::PyInt>() {
        args.get_item(0)?
    } else {
        args.clone().into_any()
    };
    seq.try_iter()?
        .map(|x| {
            let x = x?;
            x.extract::<i64>().map_err(|_| {
                let name = x.get_type().name().map(|n| n.to_string()).unwrap_or_default();
                type_error(format!("expected integers for a shape or dimensions, got {name}"))
            })
        })
        .collect()
}

/// A Python object for one element value.
pub fn scalar_to_py(py: Python<'_>, s: Scalar) -> PyResult<Bound<'_, PyAny>> {
    Ok(match s {
        Scalar::Bool(b) => pyo3::types::PyBool::new(py, b).to_owned().into_any(),
        Scalar::Int(v) => v.into_pyobject(py)?.into_any(),
        Scalar::UInt(v) => v.into_pyobject(py)?.into_any(),
        Scalar::Float(v) => v.into_pyobject(py)?.into_any(),
        Scalar::Complex(re, im) => pyo3::types::PyComplex::from_doubles(py, re, im).into_any(),
    })
}

/// Bytes of Python objects one element of `tolist` costs at least: a list
/// slot (8) and a number object (24 to 32).
const TOLIST_BYTES_PER_ELEMENT: usize = 32;

/// Refuses a `tolist` whose Python objects cannot fit in memory, before
/// making any. An `expand`ed view can show 2^62 elements; building them one
/// small object at a time would never fail cleanly (each allocation
/// succeeds until the system kills the process), so the total is asked
/// for once, fallibly, and released untouched. Small tensors skip the probe.
fn check_tolist_fits(t: &Tensor) -> PyResult<()> {
    let numel = t.numel();
    if numel < 1 << 20 {
        return Ok(());
    }
    let fits = numel.checked_mul(TOLIST_BYTES_PER_ELEMENT).is_some_and(|bytes| {
        let mut probe: Vec<u8> = Vec::new();
        probe.try_reserve_exact(bytes).is_ok()
    });
    if fits {
        return Ok(());
    }
    Err(value_error(format!(
        "tolist: out of memory: {numel} elements (shape {:?}) would be {numel} Python objects, more than memory holds; index a smaller part first (an expanded view shows far more elements than it stores)",
        t.shape()
    )))
}

fn tolist_rec<'py>(py: Python<'py>, t: &Tensor, index: &mut Vec<usize>) -> PyResult<Bound<'py, PyAny>> {
    let depth = index.len();
    if depth == t.ndim() {
        return scalar_to_py(py, t.get(index));
    }
    let list = PyList::empty(py);
    for i in 0..t.shape()[depth] {
        index.push(i);
        list.append(tolist_rec(py, t, index)?)?;
        index.pop();
    }
    Ok(list.into_any())
}

/// `repr(t)`: PyTorch's format with `tensorbridge.` dtypes; a CUDA
/// tensor is copied to the host to be printed, and says its device.
pub fn repr(t: &Tensor) -> String {
    match on_host(t) {
        Ok(h) => format_tensor(h.shape(), h.dtype(), t.device(), &|idx: &[usize]| h.get(idx), &PrintOptions::default()),
        Err(e) => format!("tensor(<{} elements on {} that could not be copied to the host: {e}>)", t.numel(), t.device()),
    }
}

fn single_scalar(t: &Tensor, what: &str) -> PyResult<Scalar> {
    if t.numel() != 1 {
        return Err(value_error(format!(
            "only a tensor with one element can be converted to {what}; this one has {} elements (shape {:?})",
            t.numel(),
            t.shape()
        )));
    }
    on_host(t)?.item().py()
}

/// Iterator over the first dimension of a tensor (views).
#[pyclass(module = "tensorbridge")]
pub struct TensorIterator {
    tensor: Tensor,
    next: usize,
}

/// Array API revisions `__array_namespace__(api_version=...)` accepts.
const SUPPORTED_API_VERSIONS: [&str; 4] = ["2021.12", "2022.12", "2023.12", "2024.12"];

#[pymethods]
impl TensorIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTensor>>> {
        if self.next >= self.tensor.shape()[0] {
            return Ok(None);
        }
        let t = self.tensor.select(0, self.next as i64).py()?;
        self.next += 1;
        wrap(py, t).map(Some)
    }
}

#[pymethods]
impl PyTensor {
    /// `Tensor(data, dtype=None)`: the same as `tensorbridge.tensor(data)` (a copy).
    #[new]
    #[pyo3(signature = (data, dtype = None))]
    fn py_new(data: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<PyTensor> {
        let dtype = dtype.map(dtype_from_py).transpose()?;
        Ok(PyTensor {
            inner: crate::input::to_tensor(data, dtype, crate::input::Copy::Always)?,
        })
    }

    /// Dimension sizes.
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.shape())
    }

    /// Element type.
    #[getter]
    fn dtype(&self) -> PyDType {
        PyDType {
            inner: self.inner.dtype(),
        }
    }

    /// Where the data lives.
    #[getter]
    fn device(&self) -> PyDevice {
        PyDevice {
            inner: self.inner.device(),
        }
    }

    /// Number of dimensions.
    #[getter]
    fn ndim(&self) -> usize {
        self.inner.ndim()
    }

    /// Number of elements (the Array API's `size`).
    #[getter]
    fn size(&self) -> usize {
        self.inner.numel()
    }

    /// Strides in elements (may be negative or zero).
    #[getter]
    fn strides<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.strides())
    }

    /// Bytes per element.
    #[getter]
    fn itemsize(&self) -> usize {
        self.inner.itemsize()
    }

    /// Bytes of the elements this view shows (exact, as NumPy's `size *
    /// itemsize`, even for an expanded view that shows more bytes than the
    /// address space holds).
    #[getter]
    fn nbytes(&self) -> u128 {
        self.inner.numel() as u128 * self.inner.itemsize() as u128
    }

    /// Whether writes are refused (the memory's owner forbids them).
    #[getter]
    fn is_readonly(&self) -> bool {
        self.inner.is_readonly()
    }

    /// All dimensions reversed (a view).
    #[getter(T)]
    fn t_prop<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, self.inner.t())
    }

    /// The last two dimensions swapped (a view).
    #[getter(mT)]
    fn mt_prop<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, self.inner.mt().py()?)
    }

    /// Number of elements (PyTorch's `numel()`).
    fn numel(&self) -> usize {
        self.inner.numel()
    }

    /// Number of dimensions (PyTorch's `dim()`).
    fn dim(&self) -> usize {
        self.inner.ndim()
    }

    /// Stride of one dimension, or all of them (PyTorch's `stride()`).
    #[pyo3(signature = (dim = None))]
    fn stride<'py>(&self, py: Python<'py>, dim: Option<i64>) -> PyResult<Bound<'py, PyAny>> {
        match dim {
            None => Ok(PyTuple::new(py, self.inner.strides())?.into_any()),
            Some(d) => {
                let a = tensorbridge::layout::normalize_axis(d, self.inner.ndim(), "stride").py()?;
                Ok(self.inner.strides()[a].into_pyobject(py)?.into_any())
            }
        }
    }

    /// Address of the first element, for inspection. Like PyTorch's, it
    /// changes when `share_memory_()` moves the storage; to hand memory to
    /// other code use `numpy()`, `memoryview` or DLPack, which keep it in place.
    fn data_ptr(&self) -> usize {
        self.inner.data_ptr() as usize
    }

    /// Bytes per element (PyTorch's `element_size()`).
    fn element_size(&self) -> usize {
        self.inner.itemsize()
    }

    /// The only element as a Python number.
    fn item<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        scalar_to_py(py, on_host(&self.inner)?.item().py()?)
    }

    /// Nested Python lists of Python numbers (a number for a 0-d tensor).
    fn tolist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        check_tolist_fits(&self.inner)?;
        let host = on_host(&self.inner)?;
        tolist_rec(py, &host, &mut Vec::new())
    }

    /// A copy in new memory (dense views keep their dimension order).
    fn clone<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, self.inner.clone_data().py()?)
    }

    /// The tensor itself if C-contiguous, else a contiguous copy.
    fn contiguous<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().inner;
        if t.is_contiguous() {
            return Ok(slf.clone());
        }
        wrap(slf.py(), t.to_contiguous().py()?)
    }

    /// Whether elements are adjacent in C order.
    fn is_contiguous(&self) -> bool {
        self.inner.is_contiguous()
    }

    /// A new shape: a view when the strides allow, else a copy.
    #[pyo3(signature = (*shape))]
    fn reshape<'py>(&self, py: Python<'py>, shape: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, self.inner.reshape(&int_args(shape)?).py()?)
    }

    /// A view with a new shape (errors when the strides do not allow it), or
    /// the same bytes as another dtype: `view(tensorbridge.int32)`.
    #[pyo3(signature = (*shape))]
    fn view<'py>(&self, py: Python<'py>, shape: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyTensor>> {
        if shape.len() == 1 {
            let a = shape.get_item(0)?;
            if !a.is_instance_of::<pyo3::types::PyInt>() && !a.is_instance_of::<PyTuple>() && !a.is_instance_of::<PyList>() {
                return wrap(py, self.inner.view_dtype(dtype_from_py(&a)?).py()?);
            }
        }
        wrap(py, self.inner.view(&int_args(shape)?).py()?)
    }

    /// Swaps two dimensions (a view).
    fn transpose<'py>(&self, py: Python<'py>, dim0: i64, dim1: i64) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, self.inner.transpose(dim0, dim1).py()?)
    }

    /// Reorders dimensions (a view).
    #[pyo3(signature = (*dims))]
    fn permute<'py>(&self, py: Python<'py>, dims: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, self.inner.permute(&int_args(dims)?).py()?)
    }

    /// Merges dimensions `start_dim..=end_dim` (a view when possible).
    #[pyo3(signature = (start_dim = 0, end_dim = -1))]
    fn flatten<'py>(&self, py: Python<'py>, start_dim: i64, end_dim: i64) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, self.inner.flatten(start_dim, end_dim).py()?)
    }

    /// Removes size-1 dimensions (all, or those given).
    #[pyo3(signature = (dim = None))]
    fn squeeze<'py>(&self, py: Python<'py>, dim: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyTensor>> {
        let dims = match dim {
            None => None,
            Some(d) if d.is_none() => None,
            Some(d) => Some(match d.extract::<i64>() {
                Ok(one) => vec![one],
                Err(_) => d.extract::<Vec<i64>>()?,
            }),
        };
        wrap(py, self.inner.squeeze(dims.as_deref()).py()?)
    }

    /// Inserts a size-1 dimension (a view).
    fn unsqueeze<'py>(&self, py: Python<'py>, dim: i64) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, self.inner.unsqueeze(dim).py()?)
    }

    /// Broadcasts to a larger shape with stride-0 views (`-1` keeps a size).
    #[pyo3(signature = (*sizes))]
    fn expand<'py>(&self, py: Python<'py>, sizes: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, self.inner.expand(&int_args(sizes)?).py()?)
    }

    /// Copies `src` into this tensor (broadcasting, casting); returns self.
    fn copy_<'py>(slf: &Bound<'py, Self>, src: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let src = crate::input::to_tensor(src, None, crate::input::Copy::IfNeeded)?;
        slf.get().inner.copy_(&src).py()?;
        Ok(slf.clone())
    }

    /// Sets every element to `value`; returns self.
    fn fill_<'py>(slf: &Bound<'py, Self>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().inner;
        let s = match crate::input::scalar_from_py(value)? {
            Some(s) => s,
            None => {
                let v = crate::input::to_tensor(value, None, crate::input::Copy::IfNeeded)?;
                single_scalar(&v, "a fill value")?
            }
        };
        check_scalar_fits(s, t.dtype())?;
        t.fill_(s).py()?;
        Ok(slf.clone())
    }

    /// NumPy 2's `__array__(dtype=None, copy=None)`.
    #[pyo3(signature = (dtype = None, copy = None))]
    fn __array__<'py>(
        slf: &Bound<'py, Self>,
        dtype: Option<&Bound<'py, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let t = &slf.get().inner;
        let target = match dtype {
            Some(d) if !d.is_none() => dtype_from_py(d)?,
            _ => t.dtype(),
        };
        match copy {
            Some(false) if target != t.dtype() => Err(value_error(format!(
                "converting a {} tensor to a {} array needs a copy, but copy=False was requested; pass copy=None",
                t.dtype(),
                target
            ))),
            Some(true) => {
                let c = wrap(py, t.to_dtype(target).py()?)?;
                crate::numpy::ndarray_over(py, &c.get().inner, c.clone().into_any())
            }
            _ if target == t.dtype() => Self::numpy(slf, false),
            _ => {
                let c = wrap(py, t.to_dtype(target).py()?)?;
                crate::numpy::ndarray_over(py, &c.get().inner, c.clone().into_any())
            }
        }
    }

    /// The NumPy array interface (version 3). Absent (AttributeError) for
    /// bfloat16, which the interface cannot describe: NumPy then falls back
    /// to `__array__`, which uses ml_dtypes.
    #[getter]
    fn __array_interface__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = &self.inner;
        if t.dtype() == DType::BFloat16 || !t.device().is_cpu() {
            return Err(PyAttributeError::new_err(
                "__array_interface__ is not available for bfloat16 or non-CPU tensors; use .numpy()",
            ));
        }
        let d = PyDict::new(py);
        let order = if t.itemsize() == 1 { "|" } else { "<" };
        d.set_item("shape", PyTuple::new(py, t.shape())?)?;
        d.set_item("typestr", format!("{order}{}", t.dtype().info().typestr))?;
        let readonly = t.is_readonly() || t.layout().has_internal_overlap();
        // The interface hands out a bare address that is never given back.
        t.storage().pin();
        d.set_item("data", (t.data_ptr() as usize, readonly))?;
        if t.is_contiguous() {
            d.set_item("strides", py.None())?;
        } else {
            let isz = t.itemsize() as isize;
            d.set_item("strides", PyTuple::new(py, t.strides().iter().map(|&s| s * isz))?)?;
        }
        d.set_item("version", 3)?;
        Ok(d)
    }

    unsafe fn __getbuffer__(slf: Bound<'_, Self>, view: *mut ffi::Py_buffer, flags: c_int) -> PyResult<()> {
        let t = slf.get().inner.clone();
        // SAFETY: CPython passes a valid Py_buffer for this request.
        unsafe { crate::buffer::get_buffer(slf.as_any(), &t, view, flags) }
    }

    unsafe fn __releasebuffer__(&self, view: *mut ffi::Py_buffer) {
        // SAFETY: `view` was filled by `__getbuffer__` and is released once.
        unsafe { crate::buffer::release_buffer(view) }
    }

    fn __len__(&self) -> PyResult<usize> {
        match self.inner.shape().first() {
            Some(&n) => Ok(n),
            None => Err(type_error("len() of a 0-d tensor")),
        }
    }

    fn __iter__(&self) -> PyResult<TensorIterator> {
        if self.inner.ndim() == 0 {
            return Err(type_error("iteration over a 0-d tensor"));
        }
        Ok(TensorIterator {
            tensor: self.inner.clone(),
            next: 0,
        })
    }

    fn __bool__(&self) -> PyResult<bool> {
        if self.inner.numel() != 1 {
            return Err(value_error(format!(
                "the truth value of a tensor with {} elements is ambiguous; use .any() or .all() on NumPy's view, or index one element",
                self.inner.numel()
            )));
        }
        Ok(match self.inner.item().py()? {
            Scalar::Bool(b) => b,
            Scalar::Int(v) => v != 0,
            Scalar::UInt(v) => v != 0,
            Scalar::Float(v) => v != 0.0,
            Scalar::Complex(re, im) => re != 0.0 || im != 0.0,
        })
    }

    fn __int__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = single_scalar(&self.inner, "a Python int")?;
        if let Scalar::Complex(..) = s {
            return Err(type_error("can't convert a complex tensor to int; take .real first"));
        }
        py.import("builtins")?.getattr("int")?.call1((scalar_to_py(py, s)?,))
    }

    fn __float__(&self) -> PyResult<f64> {
        match single_scalar(&self.inner, "a Python float")? {
            Scalar::Bool(b) => Ok(b as u8 as f64),
            Scalar::Int(v) => Ok(v as f64),
            Scalar::UInt(v) => Ok(v as f64),
            Scalar::Float(v) => Ok(v),
            Scalar::Complex(..) => Err(type_error("can't convert a complex tensor to float; take .real first")),
        }
    }

    fn __complex__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (re, im) = match single_scalar(&self.inner, "a Python complex")? {
            Scalar::Complex(re, im) => (re, im),
            Scalar::Bool(b) => (b as u8 as f64, 0.0),
            Scalar::Int(v) => (v as f64, 0.0),
            Scalar::UInt(v) => (v as f64, 0.0),
            Scalar::Float(v) => (v, 0.0),
        };
        Ok(pyo3::types::PyComplex::from_doubles(py, re, im).into_any())
    }

    fn __index__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if !self.inner.dtype().is_integer() || self.inner.numel() != 1 {
            return Err(type_error(format!(
                "only integer tensors of a single element can be converted to an index (this one is {} with {} elements)",
                self.inner.dtype(),
                self.inner.numel()
            )));
        }
        scalar_to_py(py, self.inner.item().py()?)
    }

    fn __getitem__<'py>(&self, py: Python<'py>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, crate::indexing::get(&self.inner, key)?)
    }

    fn __setitem__(&self, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        crate::indexing::set(&self.inner, key, value)
    }

    fn __repr__(&self) -> String {
        repr(&self.inner)
    }

    fn __str__(&self) -> String {
        repr(&self.inner)
    }

    /// The module implementing the Array API for this tensor.
    ///
    /// The standard says an `api_version` that is invalid or not implemented
    /// must raise; every revision up to 2024.12 is a subset of what the module
    /// implements, so those are accepted (as NumPy does) and anything else is
    /// a `ValueError`.
    #[pyo3(signature = (*, api_version = None))]
    fn __array_namespace__<'py>(&self, py: Python<'py>, api_version: Option<&str>) -> PyResult<Bound<'py, PyModule>> {
        if let Some(version) = api_version {
            if !SUPPORTED_API_VERSIONS.contains(&version) {
                return Err(crate::errors::value_error(format!(
                    "version {version:?} of the Array API standard is not supported; \
                     use one of {SUPPORTED_API_VERSIONS:?} or None for the latest"
                )));
            }
        }
        py.import("tensorbridge")
    }

    // `__dlpack__` is a hand-written vectorcall method (`dlpack_method.rs`).

    /// `(device_type, device_id)` for DLPack: `(1, 0)` on the CPU.
    fn __dlpack_device__(&self) -> (i32, i32) {
        crate::dlpack::dlpack_device(&self.inner)
    }

    /// The DLPack 1.3 C exchange API: a `"dlpack_exchange_api"` capsule
    /// pointing to tensorbridge's static table (see `dlpack_exchange.rs`).
    #[classattr]
    fn __dlpack_c_exchange_api__(py: Python<'_>) -> PyResult<Py<PyAny>> {
        crate::dlpack_exchange::api_capsule(py)
    }

    fn __copy__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTensor>> {
        self.clone(py)
    }

    fn __deepcopy__<'py>(&self, py: Python<'py>, memo: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        let _ = memo;
        self.clone(py)
    }

    /// Pickle support: protocol 5 ships the data out of band (see `pickle.rs`).
    fn __reduce_ex__<'py>(slf: &Bound<'py, Self>, protocol: i64) -> PyResult<Bound<'py, PyTuple>> {
        crate::pickle::reduce_ex(slf, protocol)
    }
}
