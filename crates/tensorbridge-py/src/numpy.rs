//! The NumPy bridge: sharing an ndarray's memory as a tensor, and a tensor's
//! memory as an ndarray, without copying.
//!
//! Import reads the array's C struct directly (pointer, dims, byte strides,
//! flags, descr) and hands the parts to the core's one checked constructor,
//! with the array itself as the keep-alive owner. Export builds an ndarray
//! over the tensor's memory with `PyArray_NewFromDescr` and sets the Python
//! tensor object as its `.base`, so the array keeps the storage alive.

use std::any::Any;
use std::ffi::c_void;

use numpy::npyffi::{self, flags, NPY_TYPES, PY_ARRAY_API};
use numpy::{PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;
use tensorbridge::{DType, Device, Error, ForeignOwner, Tensor, UncheckedParts};

use crate::errors::{to_py, type_error, value_error};

/// A Python object (NumPy array, memoryview, ...) kept alive as the owner
/// of foreign memory.
///
/// Its drop takes the GIL itself (`PyGILState_Ensure`, which nests when the
/// thread already holds it) rather than trusting PyO3's view of the thread:
/// DLPack consumers such as PyTorch call deleters with the GIL released
/// inside calls PyO3 still counts as attached. Only the drop of the last
/// handle to a storage reaches here, so the GIL is taken once per storage,
/// not once per view or export. After interpreter shutdown the reference is
/// deliberately leaked, as NumPy's own DLPack deleter does.
pub struct PyOwner(Option<Py<PyAny>>);

impl PyOwner {
    /// Owns a strong reference to `obj`.
    pub fn new(obj: Py<PyAny>) -> PyOwner {
        PyOwner(Some(obj))
    }
}

impl ForeignOwner for PyOwner {
    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
}

impl Drop for PyOwner {
    fn drop(&mut self) {
        let Some(obj) = self.0.take() else { return };
        let ptr = obj.into_ptr();
        // SAFETY: `Py_IsInitialized` may be called at any time. When the
        // interpreter is up, Ensure/Release pair up around the decref of the
        // strong reference we own; otherwise the reference is leaked.
        unsafe {
            if pyo3::ffi::Py_IsInitialized() != 0 {
                let gstate = pyo3::ffi::PyGILState_Ensure();
                pyo3::ffi::Py_DECREF(ptr);
                pyo3::ffi::PyGILState_Release(gstate);
            }
        }
    }
}

/// The `numpy` module, imported once.
pub fn numpy_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static NP: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    Ok(NP.get_or_try_init(py, || py.import("numpy").map(Bound::unbind))?.bind(py))
}

fn ml_bfloat16_descr(py: Python<'_>) -> Option<&Py<PyAny>> {
    static DESCR: PyOnceLock<Option<Py<PyAny>>> = PyOnceLock::new();
    DESCR
        .get_or_init(py, || crate::dtype::numpy_dtype(py, DType::BFloat16).ok().map(Bound::unbind))
        .as_ref()
}

/// Maps a NumPy descr to a core dtype by its kind and size (cheap field
/// reads), recognising ml_dtypes' bfloat16 by its scalar type.
pub fn dtype_of_descr(descr: &Bound<'_, numpy::PyArrayDescr>) -> PyResult<DType> {
    let found = match (descr.kind(), descr.itemsize()) {
        (b'b', 1) => Some(DType::Bool),
        (b'i', 1) => Some(DType::Int8),
        (b'i', 2) => Some(DType::Int16),
        (b'i', 4) => Some(DType::Int32),
        (b'i', 8) => Some(DType::Int64),
        (b'u', 1) => Some(DType::UInt8),
        (b'u', 2) => Some(DType::UInt16),
        (b'u', 4) => Some(DType::UInt32),
        (b'u', 8) => Some(DType::UInt64),
        (b'f', 2) => Some(DType::Float16),
        (b'f', 4) => Some(DType::Float32),
        (b'f', 8) => Some(DType::Float64),
        (b'c', 8) => Some(DType::Complex64),
        (b'c', 16) => Some(DType::Complex128),
        _ => None,
    };
    if let Some(d) = found {
        return Ok(d);
    }
    // Not a builtin: ml_dtypes.bfloat16, or something we refuse by name.
    crate::dtype::dtype_from_numpy_descr(descr.as_any())
}

/// Why an ndarray cannot be shared as is; the copy paths fix these.
pub enum ShareError {
    /// The dtype has no tensorbridge equivalent (object, str, datetime...).
    Unsupported(PyErr),
    /// Byte order, alignment or strides prevent zero-copy sharing.
    Layout(PyErr),
    /// The array describes memory no process can have (a byte extent past
    /// the address space, possible only through `__array_interface__` or
    /// `as_strided` lies): copying would read outside it, so nothing may.
    Invalid(PyErr),
}

impl From<ShareError> for PyErr {
    fn from(e: ShareError) -> PyErr {
        match e {
            ShareError::Unsupported(e) | ShareError::Layout(e) | ShareError::Invalid(e) => e,
        }
    }
}

/// Shares an ndarray's memory as a tensor (read-only if the array is).
pub fn share_ndarray(arr: &Bound<'_, PyUntypedArray>) -> Result<Tensor, ShareError> {
    let descr = arr.dtype();
    let dtype = dtype_of_descr(&descr).map_err(ShareError::Unsupported)?;
    // SAFETY: `arr` is a live ndarray; its struct fields are read while we
    // hold the GIL and a reference to it.
    let fields = unsafe { &(*arr.as_array_ptr()).fields };
    let ndim = fields.nd as usize;
    if let Some(e) = impossible_extent(fields, dtype) {
        return Err(ShareError::Invalid(to_py(e)));
    }
    if descr.is_native_byteorder() == Some(false) {
        return Err(ShareError::Layout(value_error(format!(
            "array has non-native byte order (dtype {}); tensorbridge shares only native-order memory: copy with tb.tensor(a), or convert with a.astype(a.dtype.newbyteorder('='))",
            descr.str().map(|s| s.to_string()).unwrap_or_default()
        ))));
    }
    let (shape, strides): (Vec<i64>, Vec<i64>) = if ndim == 0 {
        (vec![], vec![])
    } else {
        // SAFETY: an ndarray's dims and strides arrays hold `nd` entries.
        let (dims, strides_bytes) = unsafe {
            (
                std::slice::from_raw_parts(fields.dimensions, ndim),
                std::slice::from_raw_parts(fields.strides, ndim),
            )
        };
        let itemsize = dtype.itemsize() as i64;
        let mut strides = Vec::with_capacity(ndim);
        for &s in strides_bytes {
            let s = s as i64;
            if s % itemsize != 0 {
                return Err(ShareError::Layout(to_py(Error::FractionalStride {
                    stride_bytes: s as isize,
                    itemsize: itemsize as usize,
                    dtype,
                })));
            }
            strides.push(s / itemsize);
        }
        (dims.iter().map(|&d| d as i64).collect(), strides)
    };
    let numel: i64 = shape.iter().product();
    if numel > 0 && fields.flags & flags::NPY_ARRAY_ALIGNED == 0 {
        return Err(ShareError::Layout(to_py(Error::Misaligned {
            dtype,
            address: fields.data as usize,
            align: tensorbridge::element_align(dtype),
        })));
    }
    let parts = UncheckedParts {
        data: fields.data as *mut u8,
        dtype,
        shape,
        strides,
        readonly: fields.flags & flags::NPY_ARRAY_WRITEABLE == 0,
        device: Device::Cpu,
    };
    let owner = Box::new(PyOwner::new(arr.clone().into_any().unbind()));
    // SAFETY: the parts describe the ndarray's own memory, which stays valid
    // (and writable when the WRITEABLE flag is set) while the array lives;
    // the owner keeps it alive.
    unsafe { parts.into_tensor(owner) }.map_err(|e| match e {
        // A copy fixes these: it reads each element where the array says it is.
        Error::Misaligned { .. } | Error::FractionalStride { .. } => ShareError::Layout(to_py(e)),
        // Extents past the address space (and anything else the checked
        // constructor refuses) describe no real memory: a copy would read
        // wild addresses.
        e => ShareError::Invalid(to_py(e)),
    })
}

/// Why no process can hold the memory an ndarray describes, if none can:
/// a null pointer with elements, or a byte extent past the address space.
///
/// NumPy builds such arrays without complaint from `__array_interface__`
/// dicts and `as_strided` (it trusts the pointer and strides it is given).
/// Every other refusal of [`share_ndarray`] sends the array to a copy, and
/// a copy of these would read wild addresses, so they are refused first,
/// before byte order or alignment could make a copy look like the fix. The
/// core's checked constructor repeats the test on element strides.
fn impossible_extent(fields: &npyffi::PyArrayObject_fields, dtype: DType) -> Option<Error> {
    let ndim = fields.nd.max(0) as usize;
    if ndim == 0 {
        return None;
    }
    // SAFETY: an ndarray's dims and strides arrays hold `nd` entries.
    let (dims, strides_bytes) = unsafe {
        (
            std::slice::from_raw_parts(fields.dimensions, ndim),
            std::slice::from_raw_parts(fields.strides, ndim),
        )
    };
    if dims.contains(&0) {
        return None;
    }
    let shape: Vec<usize> = dims.iter().map(|&d| d.max(0) as usize).collect();
    if fields.data.is_null() {
        return Some(Error::NullData { shape });
    }
    let (mut lo, mut hi) = (0i128, 0i128);
    for (&d, &s) in dims.iter().zip(strides_bytes) {
        // Saturating: 64 dimensions of 2^63 can pass i128; any saturated
        // extent fails below.
        let reach = (d as i128 - 1).saturating_mul(s as i128);
        if reach < 0 {
            lo = lo.saturating_add(reach);
        } else {
            hi = hi.saturating_add(reach);
        }
    }
    let addr = fields.data as usize as i128;
    let first = addr.saturating_add(lo);
    let end = addr.saturating_add(hi).saturating_add(dtype.itemsize() as i128);
    if first < 0 || end > usize::MAX as i128 || end - first > isize::MAX as i128 {
        return Some(Error::Overflow {
            what: "the array's byte extent (its shape and strides)",
        });
    }
    None
}

/// Shares `obj` as a tensor if it is an ndarray (`None` if it is not one).
pub fn as_ndarray<'a, 'py>(obj: &'a Bound<'py, PyAny>) -> Option<&'a Bound<'py, PyUntypedArray>> {
    obj.cast::<PyUntypedArray>().ok()
}

/// A native-order, aligned copy of an ndarray made by NumPy, for inputs
/// that cannot be shared (byte-swapped, misaligned, odd strides).
pub fn normalized_copy<'py>(arr: &Bound<'py, PyUntypedArray>) -> PyResult<Bound<'py, PyUntypedArray>> {
    let py = arr.py();
    let native = arr.dtype().call_method1(pyo3::intern!(py, "newbyteorder"), ("=",))?;
    let copy = numpy_module(py)?.call_method1(pyo3::intern!(py, "array"), (arr, native))?;
    Ok(copy.cast_into::<PyUntypedArray>()?)
}

fn typenum(dtype: DType) -> Option<NPY_TYPES> {
    Some(match dtype {
        DType::Bool => NPY_TYPES::NPY_BOOL,
        DType::Int8 => NPY_TYPES::NPY_BYTE,
        DType::Int16 => NPY_TYPES::NPY_SHORT,
        DType::Int32 => NPY_TYPES::NPY_INT,
        DType::Int64 => NPY_TYPES::NPY_LONGLONG,
        DType::UInt8 => NPY_TYPES::NPY_UBYTE,
        DType::UInt16 => NPY_TYPES::NPY_USHORT,
        DType::UInt32 => NPY_TYPES::NPY_UINT,
        DType::UInt64 => NPY_TYPES::NPY_ULONGLONG,
        DType::Float16 => NPY_TYPES::NPY_HALF,
        DType::Float32 => NPY_TYPES::NPY_FLOAT,
        DType::Float64 => NPY_TYPES::NPY_DOUBLE,
        DType::Complex64 => NPY_TYPES::NPY_CFLOAT,
        DType::Complex128 => NPY_TYPES::NPY_CDOUBLE,
        DType::BFloat16 => return None,
    })
}

/// A new reference to the NumPy descr of `dtype`.
fn new_descr(py: Python<'_>, dtype: DType) -> PyResult<*mut npyffi::PyArray_Descr> {
    match typenum(dtype) {
        Some(t) => {
            // Prefer int64 as NumPy spells it on this platform ('l' on LP64).
            let t = if dtype == DType::Int64 && std::mem::size_of::<std::ffi::c_long>() == 8 {
                NPY_TYPES::NPY_LONG
            } else if dtype == DType::UInt64 && std::mem::size_of::<std::ffi::c_ulong>() == 8 {
                NPY_TYPES::NPY_ULONG
            } else {
                t
            };
            // SAFETY: DescrFromType returns a new reference for builtin types.
            let d = unsafe { PY_ARRAY_API.PyArray_DescrFromType(py, t as i32) };
            if d.is_null() {
                return Err(PyErr::fetch(py));
            }
            Ok(d)
        }
        None => {
            let d = ml_bfloat16_descr(py).ok_or_else(|| {
                type_error("a bfloat16 tensor needs the ml_dtypes package to become a NumPy array: pip install ml_dtypes, or convert with .to(tensorbridge.float32)")
            })?;
            Ok(d.clone_ref(py).into_ptr() as *mut npyffi::PyArray_Descr)
        }
    }
}

/// An ndarray over `t`'s memory whose `.base` is `base` (which must keep
/// `t`'s storage alive). Non-writeable when `t` is read-only or expanded.
///
/// The storage is pinned: an array never says when it is gone, so
/// `share_memory_` refuses to move the bytes from under it from then on.
pub fn ndarray_over<'py>(py: Python<'py>, t: &Tensor, base: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if t.device().is_cpu() {
        t.storage().pin();
    }
    ndarray_over_unpinned(py, t, base)
}

/// [`ndarray_over`] without the pin, for an array that is dropped before
/// the call that made it returns (`shares_memory`'s byte views).
pub fn ndarray_over_unpinned<'py>(py: Python<'py>, t: &Tensor, base: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if !t.device().is_cpu() {
        return Err(type_error(format!(
            "can't convert a {} tensor to a NumPy array: NumPy holds host memory only; copy it first with .cpu() (or .numpy(force=True))",
            t.device()
        )));
    }
    let descr = new_descr(py, t.dtype())?;
    let itemsize = t.itemsize() as isize;
    let mut dims: Vec<npyffi::npy_intp> = t.shape().iter().map(|&d| d as npyffi::npy_intp).collect();
    let mut strides: Vec<npyffi::npy_intp> = t.strides().iter().map(|&s| s * itemsize).collect();
    // Read-only memory, and views where several elements share one address
    // (expand), export non-writeable, as NumPy's broadcast_to does.
    let writeable = !t.is_readonly() && !t.layout().has_internal_overlap();
    let flags = if writeable { flags::NPY_ARRAY_WRITEABLE } else { 0 };
    // SAFETY: `descr` is a new reference that NewFromDescr steals; dims and
    // strides hold `ndim` entries and describe memory inside `t`'s storage
    // (checked layout); `base` keeps that storage alive and is stolen by
    // SetBaseObject.
    unsafe {
        let subtype = npyffi::get_type_object(py, npyffi::NpyTypes::PyArray_Type);
        let arr = PY_ARRAY_API.PyArray_NewFromDescr(
            py,
            subtype,
            descr,
            t.ndim() as i32,
            dims.as_mut_ptr(),
            strides.as_mut_ptr(),
            t.data_ptr() as *mut c_void,
            flags,
            std::ptr::null_mut(),
        );
        if arr.is_null() {
            return Err(PyErr::fetch(py));
        }
        let arr = Bound::from_owned_ptr(py, arr);
        if PY_ARRAY_API.PyArray_SetBaseObject(py, arr.as_ptr() as *mut npyffi::PyArrayObject, base.into_ptr()) < 0 {
            return Err(PyErr::fetch(py));
        }
        Ok(arr)
    }
}
