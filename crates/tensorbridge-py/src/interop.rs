//! Tensors for other Rust extension modules: take any array or tensor from
//! Python as a core [`Tensor`] without copying, and hand a `Tensor` back as
//! a genuine `tensorbridge.Tensor`.
//!
//! ```ignore
//! use pyo3::prelude::*;
//! use tensorbridge_py::SharedTensor; // the `tensorbridge-py` crate
//!
//! /// `x.T`, computed in Rust, shared both ways.
//! #[pyfunction]
//! fn transpose(x: SharedTensor) -> SharedTensor {
//!     SharedTensor(x.t())
//! }
//! ```
//!
//! # Note: why DLPack, even between two tensorbridge builds
//!
//! Another extension module that links this crate gets its own copy of
//! every `#[pyclass]` type object: its `PyTensor` is a different Python
//! type from the `tensorbridge.Tensor` of the installed package, so a
//! tensor built by it would fail `isinstance(t, tensorbridge.Tensor)`, and
//! a real `tensorbridge.Tensor` handed to it fails its type check (and its
//! Rust layout may differ: the two builds can be different versions). Only
//! a C ABI crosses that line, and DLPack is the one every peer speaks:
//! NumPy, PyTorch, JAX, TensorFlow and tensorbridge itself. So arguments
//! arrive through [`crate::dlpack::import`] (the validated import road of
//! `tensorbridge.from_dlpack`), and results leave as a versioned DLPack
//! capsule passed to the installed package's `tensorbridge.from_dlpack`.
//! Both directions share memory, keep the dtype and keep the read-only
//! flag (versioned capsules carry it). Inside the `_core` module itself,
//! where the classes are the same, both directions skip DLPack.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;
use tensorbridge::dlpack::ffi::{DLPACK_MAJOR_VERSION, DLPACK_MINOR_VERSION};
use tensorbridge::{Error, Tensor};

use crate::errors::type_error;
use crate::tensor::{wrap, PyTensor};

pub use crate::errors::CoreResultExt;

/// A core [`Tensor`] that shares memory with a Python array or tensor.
///
/// As a `#[pyfunction]` argument it accepts, without copying, a NumPy
/// array, a PyTorch tensor, a JAX array, a TensorFlow tensor, a
/// `tensorbridge.Tensor`, any other object with `__dlpack__`, or a DLPack
/// capsule (see [`from_python`]). Returned from a `#[pyfunction]` it
/// becomes a `tensorbridge.Tensor` of the installed package sharing the
/// same memory (see [`into_python`]).
///
/// Read-only inputs (a NumPy array with `writeable=False`) give read-only
/// tensors, and read-only tensors come back read-only. The memory stays
/// alive as long as any tensor (Rust or Python) uses it, whatever is
/// deleted first.
#[derive(Clone, Debug)]
pub struct SharedTensor(pub Tensor);

impl SharedTensor {
    /// The core tensor.
    pub fn into_inner(self) -> Tensor {
        self.0
    }
}

impl From<Tensor> for SharedTensor {
    fn from(t: Tensor) -> SharedTensor {
        SharedTensor(t)
    }
}

impl From<SharedTensor> for Tensor {
    fn from(t: SharedTensor) -> Tensor {
        t.0
    }
}

impl std::ops::Deref for SharedTensor {
    type Target = Tensor;

    fn deref(&self) -> &Tensor {
        &self.0
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for SharedTensor {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<SharedTensor> {
        from_python(&obj).map(SharedTensor)
    }
}

impl<'py> IntoPyObject<'py> for SharedTensor {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        into_python(py, self.0)
    }
}

/// A tensor sharing the memory of `obj`: a `tensorbridge.Tensor` of this
/// module directly, anything else through DLPack (`__dlpack__` or a
/// capsule), validated by the core. Never copies.
///
/// Errors: `TypeError` for objects that speak no DLPack (lists, strings,
/// numbers: convert them first, for example with `numpy.asarray`);
/// `BufferError` when the producer refuses to export (a non-CPU tensor, a
/// byte-swapped NumPy array); `TypeError` for dtypes tensorbridge lacks.
pub fn from_python(obj: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    if let Ok(t) = obj.cast::<PyTensor>() {
        return Ok(t.get().inner.clone());
    }
    let py = obj.py();
    if !obj.hasattr(pyo3::intern!(py, "__dlpack__"))? && !is_capsule(obj) {
        let name = obj
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "object".into());
        return Err(type_error(format!(
            "expected an array or tensor that supports DLPack (a NumPy array, a PyTorch tensor, a JAX array, a tensorbridge.Tensor, or any object with __dlpack__), got {name}; convert it first, for example with numpy.asarray(x)"
        )));
    }
    crate::dlpack::import(obj)
}

/// A `tensorbridge.Tensor` of the installed `tensorbridge` package sharing
/// `t`'s memory, dtype and read-only flag: `tensorbridge.from_dlpack` of a
/// versioned DLPack capsule (in the `_core` module itself, a plain wrap).
///
/// The capsule's deleter lives in the calling module's code, which Python
/// never unloads, so the result may outlive every Rust handle.
pub fn into_python(py: Python<'_>, t: Tensor) -> PyResult<Bound<'_, PyAny>> {
    static SAME_CLASS: PyOnceLock<bool> = PyOnceLock::new();
    static FROM_DLPACK: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let same_class = *SAME_CLASS.get_or_try_init(py, || -> PyResult<bool> {
        let installed = py.import("tensorbridge")?.getattr("Tensor")?;
        Ok(installed.is(py.get_type::<PyTensor>()))
    })?;
    if same_class {
        return Ok(wrap(py, t)?.into_any());
    }
    let max_version = PyTuple::new(py, [DLPACK_MAJOR_VERSION, DLPACK_MINOR_VERSION])?;
    let capsule = crate::dlpack::to_capsule(py, &t, None, Some(max_version.as_any()), None, None)?;
    FROM_DLPACK
        .import(py, "tensorbridge", "from_dlpack")?
        .call1((capsule,))
}

/// The Python exception tensorbridge raises for a core error (the same
/// `TypeError`/`ValueError`/`IndexError`/`BufferError` choice as the
/// `tensorbridge` package). On results, `.py()` of [`CoreResultExt`] does
/// the same.
pub fn error_to_py(e: Error) -> PyErr {
    crate::errors::to_py(e)
}

/// Whether `obj` is a capsule (DLPack capsules are checked by the import).
fn is_capsule(obj: &Bound<'_, PyAny>) -> bool {
    // SAFETY: `PyCapsule_CheckExact` only reads the type of a live object.
    unsafe { pyo3::ffi::PyCapsule_CheckExact(obj.as_ptr()) != 0 }
}
